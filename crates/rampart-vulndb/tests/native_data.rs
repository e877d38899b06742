//! The native (non-OSV) formats of the real advisory pack
//! (`<workspace>/../shared/data/advisories/native/*.zip`, never copied):
//! Node.js security WG (npm), FriendsOfPHP (Packagist), RustSec Markdown.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

mod common;

use common::{Built, build_from, data_dir};
use rampart_vulndb::{Match, QueryOptions, VulnDb};

const MARKER: &str = "native/nodejs-security-wg.zip";

/// npm + Packagist natives.
fn natives() -> &'static Built {
    static F: OnceLock<Built> = OnceLock::new();
    F.get_or_init(|| {
        let d = data_dir(MARKER);
        build_from(&[d.join("native/nodejs-security-wg.zip"), d.join("native/friendsofphp.zip")])
    })
}

fn db() -> VulnDb {
    VulnDb::open(&natives().db).expect("open")
}

fn find<'a>(ms: &'a [Match], id: &str) -> Option<&'a Match> {
    ms.iter().find(|m| m.id == id || m.aliases.iter().any(|a| a == id))
}

#[test]
fn native_build_counts() {
    let s = &natives().stats;
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    let src = |n: &str| s.sources.iter().find(|x| x.name == n).unwrap_or_else(|| panic!("source {n}"));
    let nswg = src("nodejs-security-wg");
    assert_eq!(nswg.kind, "nodejs-security-wg");
    assert_eq!(nswg.files, 467 + 1 + 172, "vuln/npm records + index.json + vuln/core");
    assert_eq!(nswg.records, 467);
    assert_eq!(nswg.skipped, 173);
    let core = s.skipped.iter().filter(|k| k.reason.contains("vuln/core")).count();
    assert_eq!(core, 172);
    assert!(s.skipped.iter().all(|k| k.path.contains("!")), "paths name the zip entry");
    let fop = src("friendsofphp");
    assert_eq!(fop.kind, "friendsofphp");
    assert_eq!(fop.files, 1592);
    assert_eq!(fop.failed, 0);
    // one CVE filed for several packages (symfony/symfony and symfony/http-kernel): one record
    assert_eq!(fop.records + fop.duplicates, 1592);
    let meta = db().metadata().unwrap();
    assert_eq!(meta.sources.iter().map(|x| x.skipped).sum::<usize>(), 173);
}

#[test]
fn npm_lodash() {
    let d = db();
    // NSWG 516: `>=4.17.15 <4.17.19`, no CVE
    let ms = d.matches("npm", "lodash", "4.17.15").unwrap();
    let m = find(&ms, "NSWG-ECO-516").unwrap_or_else(|| panic!("{ms:#?}"));
    assert_eq!(m.fixed_versions, vec!["4.17.19"]);
    assert!(find(&ms, "CVE-2018-16487").is_none(), "<4.17.11");
    assert!(find(&d.matches("npm", "lodash", "4.17.14").unwrap(), "NSWG-ECO-516").is_none());
    assert!(d.matches("npm", "lodash", "4.17.19").unwrap().is_empty());
    // NSWG 368 `<4.17.5` (CVE-2018-3721) and 493 `<4.17.11` (CVE-2018-16487): merged under the CVE
    let ms = d.matches("npm", "Lodash", "4.17.4").unwrap();
    let m = find(&ms, "CVE-2018-3721").unwrap_or_else(|| panic!("{ms:#?}"));
    assert_eq!(m.id, "CVE-2018-3721");
    assert!(m.aliases.contains(&"NSWG-ECO-368".to_owned()));
    assert_eq!(m.fixed_versions, vec!["4.17.5"]);
    assert_eq!(find(&ms, "CVE-2018-16487").unwrap().fixed_versions, vec!["4.17.11"]);
    let m = find(&d.matches("npm", "lodash", "4.17.10").unwrap(), "CVE-2018-16487").cloned().unwrap();
    assert_eq!(m.summary.as_deref(), Some("Denial of Service"));
    assert!(m.severity.iter().any(|(t, v)| t == "CVSS_V3" && v.starts_with("CVSS:3")), "{m:#?}");
    // a pre-release of the fixed version is below it
    assert!(find(&d.matches("npm", "lodash", "4.17.11-beta.1").unwrap(), "CVE-2018-16487").is_some());
}

#[test]
fn npm_inclusive_bound_gets_the_patched_version_as_fix() {
    // NSWG 1: bassmaster `<=1.5.1`, patched `>=1.5.2`
    let d = db();
    let ms = d.matches("npm", "bassmaster", "1.5.1").unwrap();
    let m = find(&ms, "CVE-2014-7205").unwrap_or_else(|| panic!("{ms:#?}"));
    assert!(m.aliases.contains(&"NSWG-ECO-1".to_owned()));
    assert_eq!(m.fixed_versions, vec!["1.5.2"]);
    assert!(find(&d.matches("npm", "bassmaster", "1.5.2-rc.1").unwrap(), "CVE-2014-7205").is_none());
    assert!(d.matches("npm", "bassmaster", "1.5.2").unwrap().is_empty());
}

#[test]
fn packagist_guzzle_branches() {
    // guzzlehttp/guzzle CVE-2022-29248: branches ['>=7', '<7.4.3'] and ['>=4', '<6.5.6']
    let d = db();
    let hit =
        |v: &str| find(&d.matches("Packagist", "guzzlehttp/guzzle", v).unwrap(), "CVE-2022-29248").cloned();
    assert_eq!(hit("7.4.2").unwrap().fixed_versions, vec!["7.4.3"]);
    assert_eq!(hit("7.0.0").unwrap().fixed_versions, vec!["7.4.3"]);
    assert!(hit("7.0.0-beta.1").is_some(), "Composer: >=7 includes 7's pre-releases");
    assert!(hit("7.4.3").is_none());
    assert!(hit("v7.4.3").is_none());
    // the fixed versions above the installed one, nearest first (as for OSV multi-span ranges)
    assert_eq!(hit("6.5.5").unwrap().fixed_versions, vec!["6.5.6", "7.4.3"]);
    assert!(hit("6.5.6").is_none());
    assert!(hit("4.0.0").is_some());
    assert!(hit("3.8.1").is_none());
    assert!(find(&d.matches("Packagist", "GuzzleHttp/Guzzle", "7.4.2").unwrap(), "CVE-2022-29248").is_some());
}

#[test]
fn packagist_exclusive_lower_bound_and_ids() {
    let d = db();
    // amphp/artax CVE-2016-5385: ['>=2', '<2.0.4'] and ['>0.7.1', '<1.0.4']
    let hit = |v: &str| find(&d.matches("Packagist", "amphp/artax", v).unwrap(), "CVE-2016-5385").is_some();
    assert!(!hit("0.7.1"));
    assert!(hit("0.7.2"));
    assert!(hit("1.0.3"));
    assert!(!hit("1.0.4"));
    assert!(hit("2.0.3"));
    assert!(!hit("2.0.4"));
    // no CVE: FOP-<vendor>/<package>/<file stem>; ['>=2.0.0', '<2.4.8'] and ['>=1.3.0', '<1.3.18']
    let ms = d.matches("Packagist", "cakephp/cakephp", "2.4.7").unwrap();
    let m = find(&ms, "FOP-cakephp/cakephp/2014-04-29").unwrap_or_else(|| panic!("{ms:#?}"));
    assert_eq!(m.fixed_versions, vec!["2.4.8"]);
    assert!(
        find(&d.matches("Packagist", "cakephp/cakephp", "1.3.17").unwrap(), "FOP-cakephp/cakephp/2014-04-29")
            .is_some()
    );
    assert!(
        find(&d.matches("Packagist", "cakephp/cakephp", "1.3.18").unwrap(), "FOP-cakephp/cakephp/2014-04-29")
            .is_none()
    );
    // CVE-2015-2308 is filed for symfony/symfony and symfony/http-kernel: one advisory, both packages
    for pkg in ["symfony/symfony", "symfony/http-kernel"] {
        let ms = d.matches("Packagist", pkg, "2.3.26").unwrap();
        // branches 2.0.x-2.3.x touch (`<2.1.0` / `>=2.1.0`): one span up to 2.3.27
        let fixed = &find(&ms, "CVE-2015-2308").unwrap().fixed_versions;
        assert_eq!(fixed, &vec!["2.3.27", "2.5.11", "2.6.6"], "{pkg}");
        assert!(find(&d.matches("Packagist", pkg, "2.1.3").unwrap(), "CVE-2015-2308").is_some());
        assert!(find(&d.matches("Packagist", pkg, "2.3.27").unwrap(), "CVE-2015-2308").is_none());
    }
}

/// (crate, version, RUSTSEC id) found for the cargo-audit fixture's Cargo.lock:
/// (vulnerabilities, all incl. informational).
type Findings = BTreeSet<(String, String, String)>;

fn lock_findings(db: &Path) -> (Findings, Findings) {
    let d = VulnDb::open(db).unwrap();
    let lock: toml::Value = toml::from_str(
        &std::fs::read_to_string(data_dir(MARKER).join("fixtures/cargo-audit/Cargo.lock")).unwrap(),
    )
    .unwrap();
    let (mut vulns, mut all) = (BTreeSet::new(), BTreeSet::new());
    for p in lock["package"].as_array().unwrap() {
        let (name, version) = (p["name"].as_str().unwrap(), p["version"].as_str().unwrap());
        for (set, info) in [(&mut vulns, false), (&mut all, true)] {
            for m in d.matches_with("crates.io", name, version, QueryOptions { informational: info }).unwrap()
            {
                for a in m.advisories.iter().filter(|a| a.starts_with("RUSTSEC-")) {
                    set.insert((name.to_owned(), version.to_owned(), a.clone()));
                }
            }
        }
    }
    (vulns, all)
}

fn expected_findings() -> (Findings, Findings) {
    let tsv =
        std::fs::read_to_string(data_dir(MARKER).join("fixtures/cargo-audit/expected-findings.tsv")).unwrap();
    let (mut vulns, mut all) = (BTreeSet::new(), BTreeSet::new());
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let key = (f[0].to_owned(), f[1].to_owned(), f[2].to_owned());
        if f[3] == "vulnerability" {
            vulns.insert(key.clone());
        }
        all.insert(key);
    }
    (vulns, all)
}

#[test]
fn rustsec_native_equals_osv_export_on_the_cargo_audit_fixture() {
    let d = data_dir(MARKER);
    let native = build_from(&[d.join("native/rustsec-advisory-db.zip")]);
    let s = &native.stats;
    assert!(s.errors.is_empty(), "{:#?}", s.errors);
    let src = &s.sources[0];
    assert_eq!(src.kind, "rustsec");
    assert_eq!(src.files, 1205 + 20);
    assert_eq!(src.skipped, 20, "Rust toolchain advisories");
    assert_eq!((src.withdrawn, src.records, src.informational), (13, 1192, 466));
    let osv = build_from(&[d.join("osv/crates-io.zip")]);
    let (nv, na) = lock_findings(&native.db);
    let (ov, oa) = lock_findings(&osv.db);
    let (ev, ea) = expected_findings();
    assert_eq!(nv, ev, "native RustSec vs cargo-audit 0.22.2");
    assert_eq!(na, ea);
    assert_eq!((nv, na), (ov, oa), "native RustSec vs the OSV export");
}

#[test]
fn rustsec_native_and_osv_merge_with_osv_winning() {
    let d = data_dir(MARKER);
    // native first, OSV second, and the other way round: same database answers
    let a = build_from(&[d.join("native/rustsec-advisory-db.zip"), d.join("osv/crates-io.zip")]);
    let b = build_from(&[d.join("osv/crates-io.zip"), d.join("native/rustsec-advisory-db.zip")]);
    let osv = build_from(&[d.join("osv/crates-io.zip")]);
    for built in [&a, &b] {
        assert!(built.stats.errors.is_empty());
        let overridden: usize = built.stats.sources.iter().map(|s| s.fallback_overridden).sum();
        // every native id is in the OSV export: same advisories and problems as OSV alone
        assert_eq!(overridden, 1192);
        assert_eq!(
            (built.stats.advisories, built.stats.problems),
            (osv.stats.advisories, osv.stats.problems)
        );
        assert_eq!(lock_findings(&built.db), expected_findings());
    }
    // every match from the merged databases equals the OSV-only one for the fixture's packages
    // (ids, fixed versions), and the problems count agrees apart from native-only records
    let lock: toml::Value =
        toml::from_str(&std::fs::read_to_string(d.join("fixtures/cargo-audit/Cargo.lock")).unwrap()).unwrap();
    let (da, db_, dosv) =
        (VulnDb::open(&a.db).unwrap(), VulnDb::open(&b.db).unwrap(), VulnDb::open(&osv.db).unwrap());
    let opts = QueryOptions { informational: true };
    for p in lock["package"].as_array().unwrap() {
        let (name, version) = (p["name"].as_str().unwrap(), p["version"].as_str().unwrap());
        let key = |ms: Vec<Match>| -> Vec<(String, Vec<String>)> {
            ms.into_iter().map(|m| (m.id, m.fixed_versions)).collect()
        };
        let want = key(dosv.matches_with("crates.io", name, version, opts).unwrap());
        assert_eq!(key(da.matches_with("crates.io", name, version, opts).unwrap()), want, "{name} {version}");
        assert_eq!(
            key(db_.matches_with("crates.io", name, version, opts).unwrap()),
            want,
            "{name} {version}"
        );
    }
}
