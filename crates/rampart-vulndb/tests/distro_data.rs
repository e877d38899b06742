//! OS (distribution) packages against the real advisory pack in
//! `<workspace>/../shared/data/advisories` (read at test time, never copied):
//! AlmaLinux and Alpaquita OSV exports, the Alpine secdb and the Debian
//! security tracker lists (`licence-unverified/`, native importers), and the
//! osv-scanner fixtures' recorded osv.dev answers for Debian 9 packages.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::sync::OnceLock;

mod common;

use common::{Built, build_from, data_dir};
use rampart_vulndb::{Match, QueryOptions, VulnDb};

type Fixture = Built;

const MARKER: &str = "osv/almalinux.zip";

/// A database of these pack files.
fn built(inputs: &[&str]) -> Built {
    let data = data_dir(MARKER);
    build_from(&inputs.iter().map(|i| data.join(i)).collect::<Vec<_>>())
}

fn alma() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| built(&["osv/almalinux.zip"]))
}

fn alpaquita() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| built(&["osv/alpaquita-bellsoft.zip"]))
}

fn debian() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| built(&["licence-unverified/debian-security-tracker.zip"]))
}

fn alpine() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| built(&["licence-unverified/alpine-secdb.zip"]))
}

fn open(f: &Fixture) -> VulnDb {
    VulnDb::open(&f.db).expect("open")
}

fn q(f: &Fixture, eco: &str, name: &str, version: &str) -> Vec<Match> {
    open(f).matches(eco, name, version).expect("query")
}

/// The matching advisory ids, flattened and sorted.
fn advisories(ms: &[Match]) -> Vec<String> {
    let mut v: Vec<String> = ms.iter().flat_map(|m| m.advisories.iter().cloned()).collect();
    v.sort();
    v
}

fn with_advisory<'a>(ms: &'a [Match], id: &str) -> &'a Match {
    ms.iter().find(|m| m.advisories.iter().any(|a| a == id)).unwrap_or_else(|| panic!("no {id} in {ms:#?}"))
}

const ALMA9_OPENSSL: [&str; 15] = [
    "ALSA-2022:6224",
    "ALSA-2022:7288",
    "ALSA-2023:0946",
    "ALSA-2023:2523",
    "ALSA-2023:3722",
    "ALSA-2024:0310",
    "ALSA-2024:2447",
    "ALSA-2024:6783",
    "ALSA-2024:9333",
    "ALSA-2025:1330",
    "ALSA-2025:21255",
    "ALSA-2026:1473",
    "ALSA-2026:19218",
    "ALSA-2026:22312",
    "ALSA-2026:25239",
];

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn almalinux_openssl_below_at_and_without_epoch() {
    let f = alma();
    // 1:3.0.7-24.el9 is below ALSA-2024:0310's fix 1:3.0.7-25.el9_3 and every later one
    let ms = q(f, "AlmaLinux:9", "openssl", "1:3.0.7-24.el9");
    assert_eq!(advisories(&ms), sorted(&ALMA9_OPENSSL[5..]));
    let m = with_advisory(&ms, "ALSA-2024:0310");
    assert_eq!(m.id, "CVE-2023-5363", "the CVE of `related` names the problem");
    assert_eq!(m.aliases, vec!["ALSA-2024:0310"]);
    assert_eq!(m.fixed_versions, vec!["1:3.0.7-25.el9_3"]);
    assert_eq!(m.status, None);
    assert_eq!(m.summary.as_deref(), Some("Moderate: openssl security update"));
    // an advisory fixing several CVEs: the lowest names it, the others are aliases (not fused)
    let m = with_advisory(&ms, "ALSA-2024:2447");
    assert_eq!(m.id, "CVE-2023-2975");
    assert_eq!(
        m.aliases,
        vec![
            "ALSA-2024:2447",
            "CVE-2023-3446",
            "CVE-2023-3817",
            "CVE-2023-5678",
            "CVE-2023-6129",
            "CVE-2023-6237",
            "CVE-2024-0727"
        ]
    );
    assert_eq!(m.fixed_versions, vec!["1:3.0.7-27.el9"]);
    // one CVE fixed by an AlmaLinux 9 and an AlmaLinux 8 advisory: one problem, the 9 one matched
    let m = with_advisory(&ms, "ALSA-2025:21255");
    assert_eq!(m.id, "CVE-2025-9230");
    // (ALSA-2025:21248 is AlmaLinux 10's, 2026:0337 AlmaLinux 8's, 2026:2776 and 2026:36721 other packages')
    assert_eq!(
        m.aliases,
        vec!["ALSA-2025:21248", "ALSA-2025:21255", "ALSA-2026:0337", "ALSA-2026:2776", "ALSA-2026:36721"]
    );
    assert_eq!(m.advisories, vec!["ALSA-2025:21255"]);

    // equal to the fixed version: that advisory is gone
    let at = q(f, "AlmaLinux:9", "openssl", "1:3.0.7-25.el9_3");
    assert_eq!(advisories(&at), sorted(&ALMA9_OPENSSL[6..]));
    // the alma rebuild suffix sorts after the plain release
    let alma_suffix = q(f, "AlmaLinux:9", "openssl", "1:3.0.7-25.el9_3.alma.1");
    assert_eq!(advisories(&alma_suffix), sorted(&ALMA9_OPENSSL[6..]));
    // the newest fixed version: nothing
    assert!(q(f, "AlmaLinux:9", "openssl", "1:3.5.5-4.el9_8").is_empty());
    // no epoch = epoch 0: below every `1:` fix
    assert_eq!(advisories(&q(f, "AlmaLinux:9", "openssl", "3.9.9-99.el9")), sorted(&ALMA9_OPENSSL));
}

#[test]
fn almalinux_releases_are_separate() {
    let f = alma();
    let ms8 = q(f, "AlmaLinux:8", "openssl", "1:1.1.1k-12.el8_9");
    assert_eq!(
        advisories(&ms8),
        sorted(&["ALSA-2024:7848", "ALSA-2026:0337", "ALSA-2026:26275", "ALSA-2026:3042", "ALSA-2026:38503"])
    );
    // an AlmaLinux 8 version asked as AlmaLinux 9: only AlmaLinux 9 advisories
    let ms9 = q(f, "AlmaLinux:9", "openssl", "1:1.1.1k-12.el8_9");
    assert_eq!(advisories(&ms9), sorted(&ALMA9_OPENSSL));
    assert!(advisories(&ms9).iter().all(|a| !a.starts_with("ALSA-2024:7848")));
    // a point release spelling is the major release
    assert_eq!(
        q(f, "AlmaLinux:9.3", "openssl", "1:3.0.7-24.el9"),
        q(f, "AlmaLinux:9", "openssl", "1:3.0.7-24.el9")
    );
    assert!(q(f, "AlmaLinux:10", "openssl", "1:3.5.5-4.el10_2.alma.1").is_empty());
    // names are case-sensitive in RPM distributions
    let nm = q(f, "AlmaLinux:9", "NetworkManager", "1:1.48.10-2.el9_5");
    let ids = advisories(&nm);
    assert!(
        ids.contains(&"ALSA-2024:9317".to_owned()) && ids.contains(&"ALSA-2025:0377".to_owned()),
        "{ids:?}"
    );
    assert!(q(f, "AlmaLinux:9", "networkmanager", "1:1.48.10-2.el9_5").is_empty());
}

#[test]
fn alpaquita_upstream_cves_and_withdrawn() {
    let f = alpaquita();
    let s = &f.stats.sources[0];
    assert_eq!((s.files, s.withdrawn, s.records), (16_989, 4_588, 12_401));
    let ms = q(f, "Alpaquita:23", "openssl", "3.0.15-r3");
    let m = with_advisory(&ms, "BELL-CVE-2024-41996");
    assert_eq!(m.id, "CVE-2024-41996", "the CVE from `upstream` names the finding");
    assert_eq!(m.aliases, vec!["BELL-CVE-2024-41996"]);
    assert_eq!(m.fixed_versions, vec!["3.0.15-r4"]);
    assert!(q(f, "Alpaquita:23", "openssl", "3.0.15-r4").iter().all(|m| m.id != "CVE-2024-41996"));
    // stream's range starts at 3.1.1-r1: 3.0.15-r3 is not in it
    assert!(q(f, "Alpaquita:stream", "openssl", "3.0.15-r3").iter().all(|m| m.id != "CVE-2024-41996"));
    let stream = q(f, "Alpaquita:stream", "openssl", "3.2.0-r0");
    assert_eq!(with_advisory(&stream, "BELL-CVE-2024-41996").fixed_versions, vec!["3.5.0-r0"]);
    // BellSoft Hardened Containers is its own ecosystem with its own releases
    let bhc = q(f, "BellSoft Hardened Containers:23", "openssl", "3.0.15-r3");
    assert_eq!(with_advisory(&bhc, "BELL-CVE-2024-41996").fixed_versions, vec!["3.0.15-r4"]);
    // zlib in Alpaquita 23: exactly one advisory, introduced 1.2.13-r0, fixed 1.2.13-r1
    let z = q(f, "Alpaquita:23", "zlib", "1.2.13-r0");
    assert_eq!(z.len(), 1);
    assert_eq!(
        (z[0].id.as_str(), z[0].fixed_versions.as_slice()),
        ("CVE-2026-27171", &["1.2.13-r1".to_owned()][..])
    );
    assert!(q(f, "Alpaquita:23", "zlib", "1.2.12-r5").is_empty(), "below `introduced`");
    // affected with no fix: fixed_versions empty, no stated state
    let op = q(f, "Alpaquita:23", "os-prober", "1.81-r0");
    let m = with_advisory(&op, "BELL-CVE-2008-5135");
    assert!(m.fixed_versions.is_empty());
    assert_eq!(m.status, None);
    // withdrawn records (e.g. "CVE-2000-0344 does not affect BellSoft software") are not stored
    let db = open(f);
    assert!(
        db.matches("Alpaquita:stream", "zlib", "0.1-r0").unwrap().iter().all(|m| m.id != "CVE-2000-0344")
    );
}

#[test]
fn debian_tracker_import_counts() {
    let f = debian();
    let s = &f.stats.sources[0];
    assert_eq!(s.kind, "debian-security-tracker");
    assert_eq!(s.files, 2);
    // DSA/list 5,406 headers + DLA/list 3,534 (README), minus ids listed twice
    assert_eq!(s.records + s.duplicates, 5_406 + 3_534);
    assert_eq!(s.failed, 0, "{:?}", f.stats.errors);
}

#[test]
fn debian_dsa_openssl_bullseye() {
    let f = debian();
    let ms = q(f, "Debian:11", "openssl", "1.1.1n-0+deb11u3");
    assert_eq!(advisories(&ms), vec!["DSA-5343-1"]);
    let m = &ms[0];
    assert_eq!(m.id, "CVE-2022-2097");
    assert_eq!(
        m.aliases,
        vec!["CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215", "CVE-2023-0286", "DSA-5343-1"]
    );
    assert_eq!(m.fixed_versions, vec!["1.1.1n-0+deb11u4"]);
    assert_eq!(m.published.as_deref(), Some("2023-02-07T00:00:00Z"));
    assert!(q(f, "Debian:11", "openssl", "1.1.1n-0+deb11u4").is_empty());
    // one release never matches another's records
    assert!(q(f, "Debian:12", "openssl", "1.1.1n-0+deb11u3").is_empty());
    // buster's DSA-5169-1 (single CVE) for a buster version below its fix
    let b = q(f, "Debian:10", "openssl", "1.1.1n-0+deb10u2");
    let m = with_advisory(&b, "DSA-5169-1");
    assert_eq!(
        (m.id.as_str(), m.fixed_versions.as_slice()),
        ("CVE-2022-2068", &["1.1.1n-0+deb10u3".to_owned()][..])
    );
    // an older bullseye version: the three later DSAs' fixes, nearest first per problem
    let old = q(f, "Debian:11", "openssl", "1.1.1k-1+deb11u1");
    assert_eq!(advisories(&old), vec!["DSA-5103-1", "DSA-5139-1", "DSA-5169-1", "DSA-5343-1"]);
}

#[test]
fn debian_tracker_states() {
    let f = debian();
    // `[jessie] - virtualbox <end-of-life>` (DSA-3699-1): affected, no fix, state end_of_life
    let ms = q(f, "Debian:8", "virtualbox", "99:9.9-9");
    let m = with_advisory(&ms, "DSA-3699-1");
    assert_eq!(m.id, "DSA-3699-1");
    assert!(m.fixed_versions.is_empty());
    assert_eq!(m.status.as_deref(), Some("end_of_life"));
    // `[lenny] - vlc <not-affected>`: no entry, so a lenny vlc matches nothing from that advisory
    let vlc = q(f, "Debian:5.0", "vlc", "0.8.6.h-4+lenny2");
    assert!(vlc.iter().all(|m| m.status.is_none()));
}

/// The osv-scanner fixture scanned a Debian 9 (stretch) SBOM against osv.dev:
/// 132 queries `(Debian:9, name, version)`, of which osv.dev answered four with
/// a DLA. The DLA list gives exactly those four, with the fixed versions of
/// osv-scanner's snapshot.
#[test]
fn osv_scanner_debian9_queries_give_osv_dev_answers() {
    #[derive(serde::Deserialize)]
    struct Cassette {
        interactions: Vec<Interaction>,
    }
    #[derive(serde::Deserialize)]
    struct Interaction {
        request: Body,
        response: Body,
    }
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default)]
        url: String,
        #[serde(default)]
        body: String,
    }
    let zip = data_dir(MARKER).join("fixtures/osv-scanner.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name("osv-scanner/cmd/osv-scanner/scan/source/testdata/cassettes/TestCommand_Config_UnusedIgnores.yaml")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let cassette: Cassette = serde_saphyr::from_str(&text).unwrap();
    // (name, version) -> osv.dev's ids
    let mut expected: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for it in cassette.interactions.iter().filter(|i| i.request.url.ends_with("/v1/querybatch")) {
        let req: serde_json::Value = serde_json::from_str(&it.request.body).unwrap();
        let resp: serde_json::Value = serde_json::from_str(&it.response.body).unwrap();
        let queries = req["queries"].as_array().unwrap();
        let results = resp["results"].as_array().unwrap();
        assert_eq!(queries.len(), results.len());
        for (qq, r) in queries.iter().zip(results) {
            if qq["package"]["ecosystem"] != "Debian:9" {
                continue;
            }
            let key = (
                qq["package"]["name"].as_str().unwrap().to_owned(),
                qq["version"].as_str().unwrap().to_owned(),
            );
            let ids =
                r["vulns"].as_array().into_iter().flatten().map(|v| v["id"].as_str().unwrap().to_owned());
            expected.entry(key).or_default().extend(ids);
        }
    }
    assert_eq!(expected.len(), 132);
    let db = open(debian());
    let keys: Vec<(String, String)> = expected.keys().cloned().collect();
    let queries: Vec<(&str, &str, &str)> =
        keys.iter().map(|(n, v)| ("Debian:9", n.as_str(), v.as_str())).collect();
    let answers = db.matches_many(&queries, QueryOptions::default()).unwrap();
    let mut got: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut fixed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, ms) in keys.iter().zip(&answers) {
        got.insert(key.clone(), ms.iter().flat_map(|m| m.advisories.iter().cloned()).collect());
        for m in ms {
            fixed.insert(key.0.clone(), m.fixed_versions.clone());
        }
    }
    assert_eq!(got, expected);
    let hits: Vec<(&str, &str)> = fixed.iter().map(|(n, f)| (n.as_str(), f[0].as_str())).collect();
    assert_eq!(
        hits,
        vec![
            ("dpkg", "1.18.26"),
            ("libxml2", "2.9.4+dfsg1-2.2+deb9u7"),
            ("openssl", "1.1.0l-1~deb9u6"),
            ("tzdata", "2021a-0+deb9u4")
        ]
    );
}

/// The dpkg `status` fixtures of osv-scanner's `locks-many*`: the query a
/// scanner makes for each package (OSV ecosystem, source name, version).
#[test]
fn osv_scanner_dpkg_status_queries() {
    use rampart_model::{Ecosystem, Package};
    let zip = data_dir(MARKER).join("fixtures/osv-scanner.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .filter(|n| n.contains("/testdata/locks-many") && n.ends_with("/status"))
        .map(str::to_owned)
        .collect();
    assert_eq!(names.len(), 2);
    let db = open(debian());
    for name in names {
        let mut text = String::new();
        archive.by_name(&name).unwrap().read_to_string(&mut text).unwrap();
        let field = |key: &str| {
            text.lines().find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_owned())).unwrap_or_default()
        };
        let (pkg, version, source) = (field("Package:"), field("Version:"), field("Source:"));
        let source = if source.is_empty() { pkg.clone() } else { source };
        // the fixture has no os-release; as a Debian 12 image's package:
        let p = Package::builder(Ecosystem::Debian, &pkg, &version)
            .distro("12")
            .source(&source, &version)
            .build();
        let query = (p.osv_ecosystem(), p.advisory_name().to_owned(), p.advisory_version().to_owned());
        assert_eq!(query, ("Debian:12".to_owned(), "adduser".to_owned(), "3.118".to_owned()), "{name}");
        // osv-scanner reported no issue for it; neither do the tracker lists
        assert!(db.matches(&query.0, &query.1, &query.2).unwrap().is_empty());
    }
}

#[test]
fn alpine_secdb_releases_and_fixes() {
    let f = alpine();
    let s = &f.stats.sources[0];
    assert_eq!(s.kind, "alpine-secdb");
    assert_eq!(s.files, 18);
    assert_eq!(s.failed, 0, "{:?}", f.stats.errors);
    // v3.11: 1.1.1d-r3 fixes CVE-2019-1551
    let ms = q(f, "Alpine:v3.11", "openssl", "1.1.1d-r2");
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].id, "CVE-2019-1551");
    assert_eq!(ms[0].aliases, vec!["ALPINE-CVE-2019-1551"]);
    assert_eq!(ms[0].fixed_versions, vec!["1.1.1d-r3"]);
    assert!(q(f, "Alpine:v3.11", "openssl", "1.1.1d-r3").is_empty());
    // v3.10 lists 1547/1549/1563 fixed in 1.1.1d-r0 and not 1551: releases never mix
    let ids = |ms: &[Match]| ms.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
    let v10 = q(f, "Alpine:v3.10", "openssl", "1.1.1c-r0");
    assert_eq!(ids(&v10), vec!["CVE-2019-1547", "CVE-2019-1549", "CVE-2019-1563"]);
    assert!(v10.iter().all(|m| m.fixed_versions == ["1.1.1d-r0"]));
    let v11 = q(f, "Alpine:v3.11", "openssl", "1.1.1c-r0");
    assert_eq!(ids(&v11), vec!["CVE-2019-1547", "CVE-2019-1549", "CVE-2019-1551", "CVE-2019-1563"]);
    // `3.11.6` (an /etc/alpine-release) reads as v3.11
    assert_eq!(q(f, "Alpine:3.11.6", "openssl", "1.1.1c-r0"), v11);
    assert!(q(f, "Alpine:v3.12", "openssl", "1.1.1c-r0").is_empty());
    // v3.8 `db` lists CVE-2016-0682 under "0": never affected there
    assert!(q(f, "Alpine:v3.8", "db", "5.3.28-r0").iter().all(|m| m.id != "CVE-2016-0682"));
}

/// The tracker's `list` files are also read unzipped: as a folder and as a
/// single file given directly (detected by name and first line).
#[test]
fn debian_tracker_list_as_folder_and_single_file() {
    let zip = data_dir(MARKER).join("licence-unverified/debian-security-tracker.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut bytes = Vec::new();
    archive.by_name("debian-security-tracker/data/DSA/list").unwrap().read_to_end(&mut bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("tracker/data/DSA/list");
    std::fs::create_dir_all(list.parent().unwrap()).unwrap();
    std::fs::write(&list, &bytes).unwrap();
    for input in [dir.path().join("tracker"), list.clone()] {
        let built = build_from(&[input]);
        let stats = &built.stats;
        assert_eq!(stats.sources[0].kind, "debian-security-tracker");
        assert_eq!(stats.sources[0].records + stats.sources[0].duplicates, 5_406);
        let ms =
            VulnDb::open(&built.db).unwrap().matches("Debian:11", "openssl", "1.1.1n-0+deb11u3").unwrap();
        assert_eq!(advisories(&ms), vec!["DSA-5343-1"]);
    }
}
