//! Checks against the real advisory pack in `<workspace>/../shared/data/advisories`
//! (never copied into the repository). Fails loudly when the data is missing.

use std::collections::BTreeSet;

use std::sync::OnceLock;

mod common;

use common::{Built, build_from, data_dir};
use rampart_vulndb::{Match, QueryOptions, VulnDb};

const MARKER: &str = "osv/pypi.zip";

fn fixture() -> &'static Built {
    static F: OnceLock<Built> = OnceLock::new();
    F.get_or_init(|| {
        let data = data_dir(MARKER);
        build_from(&[
            data.join("osv/crates-io.zip"),
            data.join("osv/pypi.zip"),
            data.join("osv/go.zip"),
            data.join("kev/known_exploited_vulnerabilities.json"),
        ])
    })
}

fn db() -> VulnDb {
    VulnDb::open(&fixture().db).expect("open")
}

fn find<'a>(ms: &'a [Match], id: &str) -> Option<&'a Match> {
    ms.iter().find(|m| m.id == id || m.aliases.iter().any(|a| a == id))
}

#[test]
fn build_stats_are_sane() {
    let s = &fixture().stats;
    let src = |n: &str| s.sources.iter().find(|x| x.name == n).unwrap_or_else(|| panic!("source {n}"));
    let crates = src("crates-io");
    assert_eq!(crates.files, 1206);
    assert_eq!(crates.withdrawn, 13);
    // RUSTSEC-2025-0000 is the stale pre-assignment copy of RUSTSEC-2025-0065
    assert!(
        s.superseded.contains(&("RUSTSEC-2025-0000".to_owned(), "RUSTSEC-2025-0065".to_owned())),
        "{:?}",
        s.superseded
    );
    assert_eq!(crates.records, 1206 - 13 - crates.superseded);
    let go = src("go");
    assert_eq!(go.files, 4291);
    assert_eq!(go.withdrawn, 17);
    let pypi = src("pypi");
    assert_eq!(pypi.files, 7080);
    assert_eq!(pypi.withdrawn, 269);
    assert!(pypi.git_ranges > 0);
    // picklescan/PYSEC-2025-19.yaml: modified in 2027
    assert!(s.future_modified.iter().any(|(id, _)| id == "PYSEC-2025-19"), "{:?}", s.future_modified);
    // every failure is reported with a path; there should be none in these sources
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    let kev = src("kev");
    assert_eq!(kev.records, 1404);
    assert_eq!(s.kev, 1404);
    assert!(s.versions_stored < s.versions_listed / 10, "{} of {}", s.versions_stored, s.versions_listed);

    let meta = db().metadata().unwrap();
    assert_eq!(meta.schema_version, rampart_vulndb::SCHEMA_VERSION);
    assert_eq!(meta.kev_count, 1404);
    assert_eq!(meta.kev_catalog_version.as_deref(), Some("2025.08.25"));
    assert_eq!(meta.advisory_count as usize, s.advisories);
    assert_eq!(meta.sources.len(), 4);
    assert!(meta.built_at.ends_with('Z') && meta.built_at.len() == 20, "{}", meta.built_at);
}

#[test]
fn requests_cve_2018_18074_one_finding() {
    let ms = db().matches("PyPI", "requests", "2.19.1").unwrap();
    let hits: Vec<_> = ms
        .iter()
        .filter(|m| m.id == "CVE-2018-18074" || m.aliases.contains(&"PYSEC-2018-28".into()))
        .collect();
    assert_eq!(hits.len(), 1, "{ms:#?}");
    let m = hits[0];
    assert_eq!(m.id, "CVE-2018-18074");
    assert!(m.aliases.contains(&"PYSEC-2018-28".to_owned()));
    assert!(m.aliases.contains(&"GHSA-x84v-xcm2-53pg".to_owned()));
    assert_eq!(m.fixed_versions, vec!["2.20.0"]);
    assert!(!m.kev);
    // name normalisation: PEP 503
    let again = db().matches("pypi", "Requests", "2.19.1").unwrap();
    assert_eq!(again, ms);
    // fixed version itself is not affected
    let fixed = db().matches("PyPI", "requests", "2.20.0").unwrap();
    assert!(find(&fixed, "CVE-2018-18074").is_none());
}

#[test]
fn django_3_2_many_advisories() {
    let ms = db().matches("PyPI", "django", "3.2").unwrap();
    assert!(ms.len() >= 20, "only {} matches", ms.len());
    // every finding has a fix in a later 3.2.x or beyond, nearest first
    let with_32x =
        ms.iter().filter(|m| m.fixed_versions.first().is_some_and(|f| f.starts_with("3.2."))).count();
    assert!(with_32x >= 20, "{with_32x}");
    // a KEV-free CVE fixed in 3.2.x: CVE-2021-33203 (admindocs path traversal), fixed 3.2.4
    let m = find(&ms, "CVE-2021-33203").expect("CVE-2021-33203");
    assert_eq!(m.id, "CVE-2021-33203");
    assert!(!m.kev);
    assert_eq!(m.fixed_versions.first().map(String::as_str), Some("3.2.4"), "{m:#?}");
    // ids are unique across findings
    let mut ids = BTreeSet::new();
    for m in &ms {
        assert!(ids.insert(m.id.clone()), "duplicate {}", m.id);
        for a in &m.aliases {
            assert!(ids.insert(a.clone()), "id {a} in two findings");
        }
    }
}

#[test]
fn smallvec_rustsec_2021_0003() {
    let ms = db().matches("crates.io", "smallvec", "1.6.0").unwrap();
    let m = find(&ms, "RUSTSEC-2021-0003").expect("RUSTSEC-2021-0003");
    assert_eq!(m.id, "CVE-2021-25900");
    assert_eq!(m.fixed_versions, vec!["1.6.1"]);
    assert!(db().matches("crates.io", "smallvec", "1.6.1").unwrap().iter().all(|m| m.id != "CVE-2021-25900"));
    // two spans: [0.6.3, 0.6.14) and [1.0.0, 1.6.1)
    let at = |v: &str| find(&db().matches("crates.io", "smallvec", v).unwrap(), "RUSTSEC-2021-0003").cloned();
    assert!(at("0.6.2").is_none(), "before the first `introduced`");
    assert_eq!(at("0.6.13").unwrap().fixed_versions, vec!["0.6.14", "1.6.1"]);
    assert!(at("0.6.14").is_none());
    assert!(at("1.0.0").is_some());
}

#[test]
fn go_x_net_go_2023_1571() {
    // GO-2023-1571 (CVE-2022-41723): golang.org/x/net introduced 0, fixed 0.7.0
    let ms = db().matches("Go", "golang.org/x/net", "v0.6.0").unwrap();
    let m = find(&ms, "GO-2023-1571").expect("GO-2023-1571");
    assert_eq!(m.id, "CVE-2022-41723");
    assert!(m.aliases.contains(&"GHSA-vvpx-j8f3-3w6h".to_owned()));
    assert!(m.fixed_versions.contains(&"0.7.0".to_owned()), "{m:#?}");
    assert_eq!(m.published, None, "Go's 0001-01-01 dates are absent");
    let ms = db().matches("Go", "golang.org/x/net", "v0.7.0").unwrap();
    assert!(find(&ms, "GO-2023-1571").is_none());
    // stdlib with toolchain versions: fixed 1.19.6 and 1.20.1
    let ms = db().matches("Go", "stdlib", "go1.20").unwrap();
    let m = find(&ms, "GO-2023-1571").expect("stdlib go1.20");
    assert_eq!(m.fixed_versions.first().map(String::as_str), Some("1.20.1"));
    assert!(find(&db().matches("Go", "stdlib", "1.19.6").unwrap(), "GO-2023-1571").is_none());
}

#[test]
fn kev_flag() {
    // CVE-2021-44228 is not Go/PyPI/crates; use the KEV table directly and a Go stdlib KEV entry
    let d = db();
    assert!(d.is_kev("CVE-2021-44228").unwrap());
    assert!(!d.is_kev("CVE-2018-18074").unwrap());
}

#[test]
fn withdrawn_absent() {
    let d = db();
    // A withdrawn RustSec advisory: find one in the data and check no query reports it.
    let data = data_dir(MARKER);
    let file = std::fs::File::open(data.join("osv/crates-io.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut checked = 0;
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        if !e.name().ends_with(".json") {
            continue;
        }
        let mut s = String::new();
        std::io::Read::read_to_string(&mut e, &mut s).unwrap();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        if v.get("withdrawn").is_none() {
            continue;
        }
        let id = v["id"].as_str().unwrap();
        for a in v["affected"].as_array().into_iter().flatten() {
            let name = a["package"]["name"].as_str().unwrap();
            let events = a["ranges"][0]["events"].as_array().cloned().unwrap_or_default();
            let intro = events.iter().find_map(|e| e["introduced"].as_str()).unwrap_or("0");
            let version = if intro == "0" { "0.0.1" } else { intro };
            let ms =
                d.matches_with("crates.io", name, version, QueryOptions { informational: true }).unwrap();
            assert!(
                ms.iter().all(|m| m.advisories.iter().all(|x| x != id)),
                "withdrawn {id} reported: {ms:#?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
}

#[test]
fn last_affected_inclusive_real() {
    // PyPA records with one affected entry holding one ECOSYSTEM range [introduced X, last_affected Y]:
    // Y is affected, Y.post1 (above Y, never in versions[]) is not
    let data = data_dir(MARKER);
    let file = std::fs::File::open(data.join("osv/pypi.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let d = db();
    let mut checked = 0;
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        if !e.name().ends_with(".yaml") {
            continue;
        }
        let mut s = String::new();
        std::io::Read::read_to_string(&mut e, &mut s).unwrap();
        if !s.contains("last_affected") || s.contains("withdrawn") {
            continue;
        }
        let v: serde_json::Value = serde_saphyr::from_str(&s).unwrap();
        let id = v["id"].as_str().unwrap().to_owned();
        let affected = v["affected"].as_array().unwrap();
        let ranges: Vec<_> =
            affected[0]["ranges"].as_array().unwrap().iter().filter(|r| r["type"] == "ECOSYSTEM").collect();
        if affected.len() != 1 || ranges.len() != 1 {
            continue;
        }
        let evs = ranges[0]["events"].as_array().unwrap();
        let (2, Some(last)) = (evs.len(), evs[1]["last_affected"].as_str()) else { continue };
        if !last.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            continue; // keep `{last}.post1` a valid PEP 440 version just above `last`
        }
        let name = affected[0]["package"]["name"].as_str().unwrap();
        let at = d.matches("PyPI", name, last).unwrap();
        assert!(at.iter().any(|m| m.advisories.contains(&id)), "{id} {name} {last} not matched");
        let above = d.matches("PyPI", name, &format!("{last}.post1")).unwrap();
        assert!(!above.iter().any(|m| m.advisories.contains(&id)), "{id} {name} {last}.post1 matched");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} last_affected ranges checked");
}

#[test]
fn unparsable_version_never_panics() {
    let d = db();
    for v in ["", "not-a-version", "💥", "1..2", "v", "999999999999999999999999999999.0"] {
        let _ = d.matches("PyPI", "django", v).unwrap();
        let _ = d.matches("crates.io", "smallvec", v).unwrap();
        let _ = d.matches("Go", "stdlib", v).unwrap();
    }
    assert!(d.matches("npm", "left-pad", "1.0.0").unwrap().is_empty());
    assert!(d.matches("NoSuchEcosystem", "x", "1").unwrap().is_empty());
}

#[test]
fn cargo_audit_peer_check() {
    let dir = data_dir(MARKER).join("fixtures/cargo-audit");
    let lock: toml::Value =
        toml::from_str(&std::fs::read_to_string(dir.join("Cargo.lock")).unwrap()).unwrap();
    let expected_tsv = std::fs::read_to_string(dir.join("expected-findings.tsv")).unwrap();
    let mut expected_vulns = BTreeSet::new();
    let mut expected_all = BTreeSet::new();
    for line in expected_tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let key = (f[0].to_owned(), f[1].to_owned(), f[2].to_owned());
        if f[3] == "vulnerability" {
            expected_vulns.insert(key.clone());
        }
        expected_all.insert(key);
    }
    assert_eq!(expected_all.len(), 17);
    let d = db();
    let mut found_vulns = BTreeSet::new();
    let mut found_all = BTreeSet::new();
    for p in lock["package"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let version = p["version"].as_str().unwrap();
        for m in d.matches("crates.io", name, version).unwrap() {
            for a in m.advisories.iter().filter(|a| a.starts_with("RUSTSEC-")) {
                found_vulns.insert((name.to_owned(), version.to_owned(), a.clone()));
            }
        }
        for m in d.matches_with("crates.io", name, version, QueryOptions { informational: true }).unwrap() {
            for a in m.advisories.iter().filter(|a| a.starts_with("RUSTSEC-")) {
                found_all.insert((name.to_owned(), version.to_owned(), a.clone()));
            }
        }
    }
    // matches() leaves informational notices out: exactly cargo-audit's 13 vulnerabilities
    assert_eq!(found_vulns, expected_vulns);
    // with them: cargo-audit's 13 + 4 warnings
    assert_eq!(found_all, expected_all);
}
