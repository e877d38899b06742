//! SBOMs of real scans validate against the official schemas, checked by the ecosystem's own
//! validators (the CycloneDX and SPDX Python tools that `.ci/run` installs), not by us.

use crate::util::{Dir, rampart, targets_dir, validate};

fn scan_and_validate(format: &str, kind: &str) {
    let dir = Dir::new();
    let out = dir.path().join("sbom.json");
    let run = rampart()
        .arg("fs")
        .arg(targets_dir().join("fs"))
        .args(["--quiet", "--format", format, "--output"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.code() == Some(0),
        "scan exited {}: {}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    let sbom: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let (valid, output) = validate(kind, &out);
    assert!(
        valid,
        "{kind} validator rejected the SBOM of the real targets:
{output}"
    );
    // Not an empty document that validates trivially.
    let n = match kind {
        "cyclonedx" => sbom["components"].as_array().map_or(0, Vec::len),
        _ => sbom["packages"].as_array().map_or(0, Vec::len),
    };
    assert!(n > 300, "only {n} entries in the {kind} SBOM of every fs target");
}

#[test]
fn cyclonedx_of_real_targets_is_valid() {
    scan_and_validate("cyclonedx", "cyclonedx");
}

#[test]
fn spdx_of_real_targets_is_valid() {
    scan_and_validate("spdx-json", "spdx");
}

// ---------------------------------------------------------------------------------------------
// `rampart sbom` of image SBOMs: OS packages (deb purls) are read back and matched.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::{Dir as TmpDir, reference_file, report_packages};

/// `rampart <args> --format json --quiet` → the report.
fn json_report(args: &[&str], file: &Path, extra: &[&str]) -> Value {
    let out =
        rampart().args(args).arg(file).args(["--format", "json", "--quiet"]).args(extra).output().unwrap();
    assert!(
        out.status.success(),
        "rampart {args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// (ecosystem, name, version, source name, source version, distro) of every package.
type OsKey = (String, String, String, String, String, String);

fn os_keys(report: &Value) -> BTreeSet<OsKey> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    report_packages(report)
        .iter()
        .map(|p| {
            (
                s(&p["ecosystem"]),
                s(&p["name"]),
                s(&p["version"]),
                s(&p["source"]["name"]),
                s(&p["source"]["version"]),
                s(&p["distro"]),
            )
        })
        .collect()
}

/// What Trivy's CycloneDX says of its deb components, in the same shape.
fn trivy_os_keys(bom: &Value) -> BTreeSet<OsKey> {
    let prop = |c: &Value, name: &str| -> Option<String> {
        c["properties"].as_array()?.iter().find(|p| p["name"] == name)?["value"].as_str().map(str::to_string)
    };
    bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter(|c| c["purl"].as_str().is_some_and(|p| p.starts_with("pkg:deb/debian/")))
        .map(|c| {
            let epoch = prop(c, "aquasecurity:trivy:SrcEpoch").map(|e| format!("{e}:")).unwrap_or_default();
            let release =
                prop(c, "aquasecurity:trivy:SrcRelease").map(|r| format!("-{r}")).unwrap_or_default();
            let version = prop(c, "aquasecurity:trivy:SrcVersion").expect("SrcVersion");
            (
                "Debian".to_string(),
                c["name"].as_str().expect("name").to_string(),
                c["version"].as_str().expect("version").to_string(),
                prop(c, "aquasecurity:trivy:SrcName").expect("SrcName"),
                format!("{epoch}{version}{release}"),
                "12".to_string(),
            )
        })
        .collect()
}

#[test]
fn trivy_image_sbom_gives_the_debian_packages() {
    let path = reference_file("image-debian12-layered.docker.cdx.json");
    let bom: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let report = json_report(&["sbom"], &path, &["--scanners", "none"]);
    assert_eq!(report["artifact_kind"], "sbom");
    let ours = os_keys(&report);
    let theirs = trivy_os_keys(&bom);
    assert_eq!(theirs.len(), 132);
    assert_eq!(ours, theirs);
    let pkgs = report_packages(&report);
    assert_eq!(pkgs.len(), 132);
    let libssl = pkgs.iter().find(|p| p["name"] == "libssl3").expect("libssl3");
    assert_eq!(libssl["source"]["name"], "openssl");
    assert_eq!(libssl["arch"], "amd64");
    // The layer and the point release are the peer's own, read from its document (the images
    // are rebuilt on every fresh machine).
    let theirs_libssl = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "libssl3")
        .expect("libssl3 in the peer SBOM");
    let their_layer = theirs_libssl["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "aquasecurity:trivy:LayerDiffID")
        .map(|p| p["value"].clone())
        .expect("LayerDiffID");
    assert_eq!(libssl["layer"]["diff_id"], their_layer, "{libssl}");
    let point = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "operating-system")
        .and_then(|c| c["version"].as_str())
        .expect("the peer's OS component");
    assert_eq!(
        libssl["purl"],
        format!(
            "pkg:deb/debian/libssl3@{}?arch=amd64&distro=debian-{point}",
            libssl["version"].as_str().unwrap()
        )
    );
    let bsdutils = pkgs.iter().find(|p| p["name"] == "bsdutils").expect("bsdutils");
    assert!(bsdutils["version"].as_str().unwrap().starts_with("1:"), "{bsdutils}");
}

#[test]
fn rampart_image_sbom_round_trips() {
    let input = targets_dir().join("images/debian12-layered.docker.tar");
    assert!(input.exists(), "{} is missing: build the targets", input.display());
    let image = json_report(&["image", "--no-cache", "--input"], &input, &["--scanners", "none"]);
    let dir = TmpDir::new();
    let sbom = dir.path().join("image.cdx.json");
    let out = rampart()
        .args(["image", "--quiet", "--no-cache", "--scanners", "none", "--format", "cyclonedx", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&sbom)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let back = json_report(&["sbom"], &sbom, &["--scanners", "none"]);
    let debs = |keys: BTreeSet<OsKey>| keys.into_iter().filter(|k| k.0 == "Debian").collect::<BTreeSet<_>>();
    let want = debs(os_keys(&image));
    assert_eq!(want.len(), 132);
    assert_eq!(debs(os_keys(&back)), want);
    // Layers come back too.
    let layer = |r: &Value, name: &str| {
        report_packages(r).iter().find(|p| p["name"] == name).map(|p| p["layer"]["diff_id"].clone())
    };
    assert_eq!(layer(&back, "curl"), layer(&image, "curl"));
    assert!(layer(&back, "curl").is_some_and(|d| d.is_string()));
}

#[test]
fn trivy_image_sbom_vulnerabilities_by_release_and_source() {
    let path = reference_file("image-debian12-layered.docker.cdx.json");
    let bom: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    // The installed openssl source version, as Trivy wrote it.
    let libssl =
        bom["components"].as_array().unwrap().iter().find(|c| c["name"] == "libssl3").expect("libssl3");
    let installed = trivy_os_keys(&serde_json::json!({"components": [libssl]}))
        .into_iter()
        .next()
        .expect("libssl3 key")
        .4;
    let dir = TmpDir::new();
    let record = |id: &str, eco: &str, fixed: &str| {
        serde_json::json!({
            "schema_version": "1.6.0", "id": id, "modified": "2026-11-01T00:00:00Z",
            "aliases": [format!("CVE-2099-{}", &id[id.len() - 4..])],
            "summary": "test record around the image's real openssl version",
            "affected": [{"package": {"ecosystem": eco, "name": "openssl"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]
        })
        .to_string()
    };
    dir.write(
        "osv/DEBIAN-TEST-0001.json",
        record("DEBIAN-TEST-0001", "Debian:12", &format!("{installed}+fix1")),
    );
    dir.write(
        "osv/DEBIAN-TEST-0002.json",
        record("DEBIAN-TEST-0002", "Debian:11", &format!("{installed}+fix1")),
    );
    let db = dir.path().join("db.sqlite");
    let out = rampart()
        .args(["db", "build", "--quiet", "--db"])
        .arg(&db)
        .arg("--from")
        .arg(dir.path().join("osv"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let report = json_report(&["sbom"], &path, &["--db", db.to_str().unwrap()]);
    let found: BTreeSet<(String, String, String)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["vulnerabilities"].as_array().cloned().unwrap_or_default())
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            (s("package_name"), s("id"), s("status"))
        })
        .collect();
    let openssl_binaries =
        trivy_os_keys(&bom).into_iter().filter(|k| k.3 == "openssl").map(|k| k.1).collect::<BTreeSet<_>>();
    assert_eq!(openssl_binaries, BTreeSet::from(["libssl3".to_string(), "openssl".to_string()]));
    let want: BTreeSet<_> = openssl_binaries
        .iter()
        .map(|n| (n.clone(), "CVE-2099-0001".to_string(), "fixed".to_string()))
        .collect();
    assert_eq!(found, want);
}
