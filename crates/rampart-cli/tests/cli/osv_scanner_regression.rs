//! Regression against osv-scanner's own expected output (its command snapshots, recorded against
//! osv.dev, shipped in `../shared/data/advisories/fixtures/osv-scanner.zip` and read at test time).
//! The pack has no GHSA database, so only the findings whose ids the pack holds (PYSEC for PyPI)
//! are required: each must be reported for the same file, package and version, with the same
//! nearest fixed version.

use std::collections::BTreeSet;
use std::io::Read;

use crate::util::{Dir, rampart, shared_dir};

const PREFIX: &str = "cmd/osv-scanner/scan/source/";

fn unzip() -> (Dir, String) {
    let path = shared_dir().join("data/advisories/fixtures/osv-scanner.zip");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).expect("osv-scanner fixtures")).unwrap();
    let dir = Dir::new();
    let mut snapshot = String::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let name = e.name().to_string();
        let Some(rel) = name.split_once(PREFIX).map(|(_, r)| r.to_string()) else { continue };
        if e.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        if rel == "__snapshots__/command_test.snap" {
            snapshot = String::from_utf8(bytes).unwrap();
        } else if let Some(t) = rel.strip_prefix("testdata/locks-requirements/") {
            dir.write(t, bytes);
        }
    }
    assert!(!snapshot.is_empty(), "snapshot missing from {}", path.display());
    (dir, snapshot)
}

/// (file name, package, version, PYSEC id, fixed version) rows of one snapshot section.
fn expected(snapshot: &str, section: &str) -> BTreeSet<(String, String, String, String, String)> {
    let start = snapshot.find(section).unwrap_or_else(|| panic!("{section} not in the snapshot"));
    let body = &snapshot[start..];
    let body = &body[..body.find("\n---").unwrap_or(body.len())];
    let mut out = BTreeSet::new();
    for line in body.lines().filter(|l| l.starts_with("| https://osv.dev/")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let id = cells[0].trim_start_matches("https://osv.dev/");
        if !id.starts_with("PYSEC-") || cells[3].is_empty() {
            continue;
        }
        let file = cells[6].rsplit('/').next().unwrap().to_string();
        // `--`: no fixed version known.
        let fixed = if cells[5] == "--" { "" } else { cells[5] };
        out.insert((file, cells[3].to_string(), cells[4].to_string(), id.to_string(), fixed.to_string()));
    }
    out
}

#[test]
fn requirements_findings_match_osv_scanner_where_the_pack_has_the_data() {
    let (dir, snapshot) = unzip();
    let want = expected(&snapshot, "[TestCommand/requirements.txt_can_have_all_kinds_of_names - 1]");
    assert!(want.len() >= 8, "only {} PYSEC rows parsed", want.len());

    let db = dir.path().join("db.sqlite");
    let adv = shared_dir().join("data/advisories");
    let out = rampart()
        .args(["db", "build", "-q", "--db"])
        .arg(&db)
        .arg("--from")
        .arg(adv.join("osv/pypi.zip"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = rampart()
        .arg("fs")
        .arg(dir.path())
        .args(["--skip-files", "db.sqlite", "-q", "-f", "json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got = BTreeSet::new();
    for r in report["results"].as_array().unwrap() {
        let file = r["target"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
        for v in r["vulnerabilities"].as_array().unwrap() {
            let ids = std::iter::once(&v["id"]).chain(v["aliases"].as_array().unwrap());
            for id in ids.filter_map(|i| i.as_str()).filter(|i| i.starts_with("PYSEC-")) {
                got.insert((
                    file.clone(),
                    v["package_name"].as_str().unwrap().to_lowercase(),
                    v["installed_version"].as_str().unwrap().to_string(),
                    id.to_string(),
                    v["fixed_versions"][0].as_str().unwrap_or("").to_string(),
                ));
            }
        }
    }
    let missing: Vec<_> = want.difference(&got).collect();
    assert!(missing.is_empty(), "osv-scanner findings Rampart did not report: {missing:#?}");
}
