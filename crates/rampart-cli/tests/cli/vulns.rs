//! Vulnerability scanning end to end, on the real targets and the real advisory data
//! (`../shared/data/advisories`: RustSec, PyPA and Go OSV exports, the CISA KEV catalogue). The
//! database is built once by the real `rampart db build`, then every gating flag is exercised.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{Dir, rampart, shared_dir, targets_dir, validate};

fn advisories() -> PathBuf {
    let dir = shared_dir().join("data/advisories");
    assert!(dir.join("osv/pypi.zip").is_file(), "advisory data pack missing at {}", dir.display());
    dir
}

fn targets() -> PathBuf {
    targets_dir().join("fs")
}

/// `rampart db build` of the given pack files (relative to the advisory data) into `dir`.
fn build_db_from(dir: &Dir, name: &str, inputs: &[&str]) -> PathBuf {
    let db = dir.path().join(name);
    let adv = advisories();
    let out = rampart()
        .args(["db", "build", "--quiet", "--db"])
        .arg(&db)
        .arg("--from")
        .args(inputs.iter().map(|i| adv.join(i)))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "db build: {}", String::from_utf8_lossy(&out.stderr));
    db
}

fn build_db(dir: &Dir) -> PathBuf {
    let db = build_db_from(
        dir,
        "vulndb.sqlite",
        &["osv/crates-io.zip", "osv/pypi.zip", "osv/go.zip", "kev/known_exploited_vulnerabilities.json"],
    );
    let status = rampart().args(["db", "status", "--json", "--db"]).arg(&db).output().unwrap();
    let meta: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert!(meta["advisories"].as_u64().unwrap() > 10_000, "{meta}");
    assert_eq!(meta["kev"], 1404);
    db
}

fn scan(db: &Path, target: &Path, extra: &[&str]) -> (i32, Value) {
    let out = rampart()
        .arg("fs")
        .arg(target)
        .args(["--format", "json", "--quiet", "--db"])
        .arg(db)
        .args(extra)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), json)
}

fn findings<'a>(report: &'a Value, target: &str) -> Vec<&'a Value> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["target"] == target)
        .flat_map(|r| r["vulnerabilities"].as_array().unwrap())
        .collect()
}

fn find<'a>(vulns: &[&'a Value], id_or_alias: &str) -> &'a Value {
    vulns
        .iter()
        .find(|v| v["id"] == id_or_alias || v["aliases"].as_array().unwrap().iter().any(|a| a == id_or_alias))
        .copied()
        .unwrap_or_else(|| panic!("{id_or_alias} not found"))
}

#[test]
fn vulnerability_scanning_end_to_end() {
    let dir = Dir::new();
    let db = build_db(&dir);
    let fs = targets();

    // Python: one problem is one finding with all its ids, fixed version and the package line.
    let (code, report) = scan(&db, &fs.join("python-app"), &[]);
    assert_eq!(code, 0);
    let reqs = findings(&report, "requirements.txt");
    let cve = find(&reqs, "CVE-2018-18074");
    assert_eq!(cve["id"], "CVE-2018-18074");
    assert!(cve["aliases"].as_array().unwrap().iter().any(|a| a == "PYSEC-2018-28"), "{cve}");
    assert_eq!(cve["package_name"], "requests");
    assert_eq!(cve["installed_version"], "2.19.1");
    assert_eq!(cve["fixed_versions"][0], "2.20.0");
    assert!(cve["locations"][0]["start_line"].as_u64().is_some(), "{cve}");
    assert_eq!(
        reqs.iter().filter(|v| v["aliases"].as_array().unwrap().iter().any(|a| a == "PYSEC-2018-28")).count(),
        1
    );

    // Rust: the cargo-audit set on the app's Cargo.lock, with CVSS-derived severities.
    let (_, report) = scan(&db, &fs.join("rust-app"), &[]);
    let cargo = findings(&report, "Cargo.lock");
    let smallvec = find(&cargo, "RUSTSEC-2021-0003");
    assert_eq!(smallvec["fixed_versions"][0], "1.6.1");
    assert_eq!(smallvec["severity"], "CRITICAL");
    assert_eq!(smallvec["severity_source"], "cvss_v3");
    assert_eq!(smallvec["cvss"][0]["score"], 9.8);
    for id in [
        "RUSTSEC-2021-0078",
        "RUSTSEC-2021-0079",
        "RUSTSEC-2022-0013",
        "RUSTSEC-2020-0071",
        "RUSTSEC-2020-0159",
    ] {
        find(&cargo, id);
    }

    // Go: the standard library of a stripped binary is matched, and golang.org/x/net v0.7.0 is not
    // affected by GO-2023-1571 (fixed in 0.7.0) while its later advisories apply.
    let (_, report) = scan(&db, &fs.join("go-app"), &[]);
    let bin = findings(&report, "bin/vulngo-stripped");
    assert!(bin.iter().any(|v| v["package_name"] == "stdlib"), "no stdlib finding");
    assert!(!bin.iter().any(|v| v["id"] == "CVE-2022-41723" && v["package_name"] == "golang.org/x/net"));

    // Gating: --exit-code when findings remain; --severity and --ignore-unfixed filter first.
    let target = fs.join("rust-app");
    assert_eq!(scan(&db, &target, &["--exit-code", "5"]).0, 5);
    let (code, report) = scan(&db, &target, &["--exit-code", "5", "--severity", "CRITICAL"]);
    assert_eq!(code, 5);
    let sev: Vec<_> =
        findings(&report, "Cargo.lock").iter().map(|v| v["severity"].as_str().unwrap()).collect();
    assert!(!sev.is_empty() && sev.iter().all(|s| *s == "CRITICAL"), "{sev:?}");
    let (code, _) = scan(
        &db,
        &fs.join("python-site-packages"),
        &["--exit-code", "5", "--severity", "LOW", "--scanners", "vuln"],
    );
    assert!(code == 0 || code == 5);

    // The ignore file: an entry hides a finding until it expires, then shows it again with a notice.
    let work = Dir::new();
    std::fs::copy(target.join("Cargo.lock"), work.path().join("Cargo.lock")).unwrap();
    work.write(
        ".rampartignore.yaml",
        "vulnerabilities:\n  - id: RUSTSEC-2021-0003\n    reason: reviewed\n    expires: 2999-01-01\n  - id: CVE-2022-24713\n    reason: old\n    expires: 2000-01-01\n",
    );
    let (_, report) = scan(&db, work.path(), &[]);
    let cargo = findings(&report, "Cargo.lock");
    assert!(!cargo.iter().any(|v| v["id"] == "CVE-2021-25900"), "ignored finding still shown");
    find(&cargo, "CVE-2022-24713");
    let (_, report) = scan(&db, work.path(), &["--show-suppressed"]);
    let hidden = find(&findings(&report, "Cargo.lock"), "RUSTSEC-2021-0003").clone();
    assert_eq!(hidden["suppressed"]["kind"], "ignore-file");
    assert_eq!(hidden["suppressed"]["reason"], "reviewed");
    let out = rampart().arg("fs").arg(work.path()).arg("--db").arg(&db).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("expired"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // VEX (OpenVEX): not_affected suppresses, with the justification in JSON.
    work.write(
        "vex.json",
        r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex/1","author":"sec","timestamp":"2026-01-01T00:00:00Z","version":1,
"statements":[{"vulnerability":{"name":"CVE-2020-26235"},"products":[{"@id":"pkg:cargo/time@0.1.43"}],"status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}]}"#,
    );
    let vex = work.path().join("vex.json");
    let (_, report) = scan(&db, work.path(), &["--vex", vex.to_str().unwrap(), "--show-suppressed"]);
    let time = find(&findings(&report, "Cargo.lock"), "CVE-2020-26235").clone();
    assert_eq!(time["suppressed"]["kind"], "vex");
    assert!(
        time["suppressed"]["justification"].as_str().unwrap().contains("vulnerable_code_not_in_execute_path")
    );

    // SARIF and CycloneDX with vulnerabilities pass the official validators.
    for (format, kind) in [("sarif", "sarif"), ("cyclonedx", "cyclonedx")] {
        let file = work.path().join(format!("out.{format}"));
        let out = rampart()
            .arg("fs")
            .arg(&fs)
            .args(["--quiet", "--format", format, "--db"])
            .arg(&db)
            .arg("--output")
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let (valid, output) = validate(kind, &file);
        assert!(valid, "{kind}: {output}");
        let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let n = if kind == "sarif" {
            doc["runs"][0]["results"].as_array().unwrap().len()
        } else {
            doc["vulnerabilities"].as_array().unwrap().len()
        };
        assert!(n > 100, "{kind}: only {n} findings");
    }
}

#[test]
fn asking_for_vulnerabilities_without_a_database_is_an_error() {
    let dir = Dir::new();
    dir.write("Cargo.lock", "version = 3\n");
    let out = rampart().arg("fs").arg(dir.path()).args(["--scanners", "vuln"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rampart db build"));
    // Without --scanners, a missing database is a warning and the inventory still comes out.
    let out = rampart().arg("fs").arg(dir.path()).args(["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("vulnerabilities not scanned"));
}

/// The acceptance check against cargo-audit: on its fixture lockfile Rampart reports exactly the
/// 17 (crate, version, advisory) findings cargo-audit 0.22.2 gives (`expected-findings.tsv`,
/// re-derived independently): 13 vulnerabilities, incl. the transitive `h2`, and 4 informational
/// notices (unmaintained, unsound), and not the true negative `crossbeam-channel`.
#[test]
fn cargo_audit_fixture_gives_exactly_the_expected_findings() {
    let dir = Dir::new();
    let db = build_db_from(&dir, "rustsec.sqlite", &["osv/crates-io.zip"]);
    let fixture = advisories().join("fixtures/cargo-audit");
    let expected: std::collections::BTreeSet<(String, String, String, bool)> =
        std::fs::read_to_string(fixture.join("expected-findings.tsv"))
            .unwrap()
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0].to_string(), f[1].to_string(), f[2].to_string(), f[3] != "vulnerability")
            })
            .collect();
    assert_eq!(expected.len(), 17);
    let (code, report) = scan(&db, &fixture.join("Cargo.lock"), &["--exit-code", "4"]);
    assert_eq!(code, 4, "vulnerabilities remain, so the gate fails");
    let got: std::collections::BTreeSet<(String, String, String, bool)> = findings(&report, "Cargo.lock")
        .iter()
        .map(|v| {
            let ids: Vec<&str> = std::iter::once(v["id"].as_str().unwrap())
                .chain(v["aliases"].as_array().unwrap().iter().filter_map(|a| a.as_str()))
                .collect();
            let rustsec = ids.iter().find(|i| i.starts_with("RUSTSEC-")).copied().unwrap_or(ids[0]);
            (
                v["package_name"].as_str().unwrap().to_string(),
                v["installed_version"].as_str().unwrap().to_string(),
                rustsec.to_string(),
                v["informational"].is_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(!findings(&report, "Cargo.lock").iter().any(|v| v["package_name"] == "crossbeam-channel"));
}

/// `rampart sbom`: the SBOM Rampart writes for a lockfile, scanned back, gives the same findings
/// as the lockfile itself; a peer's SBOM (Trivy's) is read too.
#[test]
fn sbom_in_gives_the_same_findings_as_the_lockfile() {
    let dir = Dir::new();
    let db = build_db_from(&dir, "rustsec.sqlite", &["osv/crates-io.zip"]);
    let lock = targets().join("rust-app/Cargo.lock");
    let ids = |report: &Value| -> std::collections::BTreeSet<(String, String, String)> {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["vulnerabilities"].as_array().unwrap())
            .map(|v| {
                (
                    v["package_name"].as_str().unwrap().to_string(),
                    v["installed_version"].as_str().unwrap().to_string(),
                    v["id"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (_, direct) = scan(&db, &lock, &[]);
    let want = ids(&direct);
    assert!(want.len() >= 6, "{want:?}");
    for (format, name) in [("cyclonedx", "app.json"), ("spdx-json", "app.spdx.json")] {
        let sbom = dir.path().join(name);
        let out = rampart()
            .arg("fs")
            .arg(&lock)
            .args(["--scanners", "none", "--quiet", "--format", format, "--output"])
            .arg(&sbom)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let out = rampart()
            .arg("sbom")
            .arg(&sbom)
            .args(["--format", "json", "--quiet", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["artifact_kind"], "sbom");
        assert_eq!(ids(&report), want, "{format}");
    }
    // Trivy's CycloneDX of the same app (from the shared references).
    let trivy = shared_dir().join("targets/reference/fs-rust-app.cdx.json");
    let out = rampart()
        .arg("sbom")
        .arg(&trivy)
        .args(["--format", "json", "--quiet", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids(&report), want, "Trivy's SBOM of the same lockfile");
    // Not an SBOM at all: a clear error.
    let out = rampart().arg("sbom").arg(&lock).arg("--db").arg(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a CycloneDX"));
}
