//! Build + query on small inline OSV records: range edge cases, withdrawn,
//! alias merging, duplicates, malformed input, schema checks.

use std::io::Write;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rampart_vulndb::osv::{Format, OsvRecord};
use rampart_vulndb::{BuildOptions, BuildStats, DbError, QueryOptions, VulnDb, build};

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn build_dir(dir: &Path) -> (PathBuf, BuildStats) {
    let out = dir.join("out.db");
    let stats = build(&[dir.join("in")], &out, &BuildOptions::default(), |_| {}).unwrap();
    (out, stats)
}

const RECORDS: &[(&str, &str)] = &[
    (
        "in/a/TEST-1.json",
        r#"{"id":"TEST-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-0001"],
        "summary":"two spans","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "database_specific":{"severity":"HIGH"},
        "affected":[{"package":{"ecosystem":"crates.io","name":"foo_bar"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"1.2.0"},{"introduced":"2.0.0"},{"fixed":"2.0.5"}]}]}],
        "references":[{"type":"WEB","url":"https://example.com/1"}], "unknown_field": {"x": 1}}"#,
    ),
    (
        // another database's record of the same problem (through the CVE)
        "in/b/OTHER-1.json",
        r#"{"id":"OTHER-1","aliases":["CVE-2024-0001","GHSA-aaaa-bbbb-cccc"],"published":"2023-12-01T00:00:00Z",
        "affected":[{"package":{"ecosystem":"crates.io","name":"foo-bar"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.1.0"}]}]}]}"#,
    ),
    (
        "in/c/TEST-2.yaml",
        "id: TEST-2\nsummary: last affected\naffected:\n- package: {ecosystem: PyPI, name: Some.Pkg}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 1.0\n    - last_affected: 1.4\n  versions: [1.0, 1.4, 9.9]\n",
    ),
    (
        "in/c/TEST-3.yml",
        "id: TEST-3\naffected:\n- package: {ecosystem: PyPI, name: some-pkg}\n  versions: ['0.5', 'odd version']\n",
    ),
    (
        "in/d/TEST-WD.json",
        r#"{"id":"TEST-WD","withdrawn":"2024-02-02T00:00:00Z","affected":[{"package":{"ecosystem":"crates.io","name":"foo-bar"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#,
    ),
    ("in/d/BROKEN.json", r#"{"id": "BROKEN", "affected": ["#),
    ("in/d/NOT-A-RECORD.json", r#"{"hello": "world"}"#),
    (
        "in/e/TEST-4.json",
        r#"{"id":"TEST-4","affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.11-1~deb12u2"}]}]},
          {"package":{"ecosystem":"Debian:11","name":"openssl"},
          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.1.1w-0+deb11u1"}]}]}]}"#,
    ),
    (
        "in/e/TEST-5.json",
        r#"{"id":"TEST-5","upstream":["CVE-2024-0001"],"affected":[{"package":{"ecosystem":"crates.io","name":"foo-bar"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"limit":"1.1.0"}]},
                    {"type":"GIT","repo":"https://x","events":[{"introduced":"0"},{"fixed":"abc"}]}]}]}"#,
    ),
    (
        "in/e/RUSTSEC-2099-0001.json",
        r#"{"id":"RUSTSEC-2099-0001","affected":[{"package":{"ecosystem":"crates.io","name":"old"},
          "database_specific":{"informational":"unmaintained"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#,
    ),
];

fn fixture() -> (tempfile::TempDir, PathBuf, BuildStats) {
    let dir = tempfile::tempdir().unwrap();
    for (p, t) in RECORDS {
        write(dir.path(), p, t);
    }
    let (out, stats) = build_dir(dir.path());
    (dir, out, stats)
}

#[test]
fn stats_report_failures_withdrawn_git() {
    let (_d, _out, s) = fixture();
    assert_eq!(s.sources.len(), 1);
    let src = &s.sources[0];
    assert_eq!(src.name, "in");
    assert_eq!(src.files, 10);
    assert_eq!(src.failed, 2);
    assert_eq!(src.withdrawn, 1);
    assert_eq!(src.git_ranges, 1);
    assert_eq!(src.informational, 1);
    assert_eq!(src.records, 7);
    let paths: Vec<&str> = s.errors.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.iter().any(|p| p.ends_with("BROKEN.json")), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("NOT-A-RECORD.json")), "{paths:?}");
    assert!(s.errors.iter().all(|e| !e.reason.is_empty()));
}

#[test]
fn aliases_merge_into_one_problem() {
    let (_d, out, _s) = fixture();
    let db = VulnDb::open(&out).unwrap();
    // 1.0.5: TEST-1 (span 1), TEST-5 (limit 1.1.0) and OTHER-1 (< 1.1.0): one problem
    let ms = db.matches("crates.io", "foo_bar", "1.0.5").unwrap();
    assert_eq!(ms.len(), 1, "{ms:#?}");
    let m = &ms[0];
    assert_eq!(m.id, "CVE-2024-0001");
    assert_eq!(m.aliases, vec!["GHSA-aaaa-bbbb-cccc", "OTHER-1", "TEST-1", "TEST-5"]);
    assert_eq!(m.advisories, vec!["OTHER-1", "TEST-1", "TEST-5"]);
    assert_eq!(m.fixed_versions, vec!["1.1.0", "1.2.0", "2.0.5"]);
    assert_eq!(m.summary.as_deref(), Some("two spans"));
    assert_eq!(m.database_severity.as_deref(), Some("HIGH"));
    assert_eq!(m.severity.len(), 1);
    assert_eq!(m.published.as_deref(), Some("2023-12-01T00:00:00Z"));
    assert_eq!(m.references, vec!["https://example.com/1"]);
    // 1.1.5: only TEST-1 (limit excludes TEST-5, OTHER-1 fixed)
    let ms = db.matches("crates.io", "foo-bar", "1.1.5").unwrap();
    assert_eq!(ms[0].advisories, vec!["TEST-1"]);
    assert_eq!(ms[0].fixed_versions, vec!["1.2.0", "2.0.5"]);
    // between spans, and after
    assert!(db.matches("crates.io", "foo-bar", "1.5.0").unwrap().is_empty());
    assert!(db.matches("crates.io", "foo-bar", "2.0.5").unwrap().is_empty());
    assert_eq!(db.matches("crates.io", "foo-bar", "2.0.0").unwrap()[0].fixed_versions, vec!["2.0.5"]);
    // withdrawn record never matches (it would match everything)
    assert!(db.matches("crates.io", "foo-bar", "99.0.0").unwrap().is_empty());
}

#[test]
fn last_affected_and_versions_lists() {
    let (_d, out, _s) = fixture();
    let db = VulnDb::open(&out).unwrap();
    let ids = |v: &str| -> Vec<String> {
        db.matches("PyPI", "some_pkg", v).unwrap().into_iter().flat_map(|m| m.advisories).collect()
    };
    assert_eq!(ids("1.4"), vec!["TEST-2"]);
    assert_eq!(ids("1.4.0"), vec!["TEST-2"], "1.4.0 = 1.4 in PEP 440");
    assert!(ids("1.4.1").is_empty());
    assert!(ids("0.9").is_empty(), "before introduced");
    assert_eq!(ids("9.9"), vec!["TEST-2"], "versions[] outside the range still matches");
    assert_eq!(ids("0.5"), vec!["TEST-3"], "versions[] only");
    assert_eq!(ids("odd version"), vec!["TEST-3"], "unparsable installed version: versions[] membership");
    assert!(ids("0.50").is_empty(), "versions[] membership is exact");
    // summary fallback absent when there is no details either
    let m = &db.matches("PyPI", "some-pkg", "0.5").unwrap()[0];
    assert_eq!(m.summary, None);
    assert_eq!(m.id, "TEST-3");
}

#[test]
fn distro_release_and_bare_name() {
    let (_d, out, _s) = fixture();
    let db = VulnDb::open(&out).unwrap();
    let m = db.matches("Debian:12", "openssl", "3.0.11-1~deb12u1").unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].fixed_versions, vec!["3.0.11-1~deb12u2"]);
    assert!(db.matches("Debian:12", "openssl", "3.0.11-1~deb12u2").unwrap().is_empty());
    assert!(db.matches("Debian:11", "openssl", "3.0.11-1~deb12u1").unwrap().is_empty());
    // bare "Debian": both releases' entries are evaluated
    let m = db.matches("Debian", "openssl", "1.1.1n-0+deb11u4").unwrap();
    assert_eq!(m[0].fixed_versions, vec!["1.1.1w-0+deb11u1", "3.0.11-1~deb12u2"]);
}

/// Ubuntu's OSV ecosystems carry `:LTS` (`Ubuntu:22.04:LTS`); the scanner asks
/// `Ubuntu:22.04`. Pro releases stay apart. RPM epochs, apk releases.
#[test]
fn os_release_spellings_and_version_orders() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "in/UBUNTU-CVE-2024-1.json",
        r#"{"id":"UBUNTU-CVE-2024-1","upstream":["CVE-2024-1"],"affected":[
          {"package":{"ecosystem":"Ubuntu:22.04:LTS","name":"openssl"},
           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.2-0ubuntu1.15"}]}]},
          {"package":{"ecosystem":"Ubuntu:Pro:18.04:LTS","name":"openssl"},
           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.1.1-1ubuntu2.1~18.04.23+esm1"}]}]},
          {"package":{"ecosystem":"Ubuntu:23.10","name":"openssl"},
           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#,
    );
    write(
        dir.path(),
        "in/RLSA-1.json",
        r#"{"id":"RLSA-2024:1","related":["CVE-2024-2"],"affected":[
          {"package":{"ecosystem":"Rocky Linux:9","name":"ImageMagick"},
           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:6.9.12.93-1.el9"}]}]}]}"#,
    );
    let (out, _) = build_dir(dir.path());
    let db = VulnDb::open(&out).unwrap();
    let m = db.matches("Ubuntu:22.04", "openssl", "3.0.2-0ubuntu1.14").unwrap();
    assert_eq!((m.len(), m[0].id.as_str()), (1, "CVE-2024-1"));
    assert_eq!(m[0].aliases, vec!["UBUNTU-CVE-2024-1"]);
    assert_eq!(m[0].fixed_versions, vec!["3.0.2-0ubuntu1.15"]);
    assert_eq!(db.matches("Ubuntu:22.04:LTS", "openssl", "3.0.2-0ubuntu1.14").unwrap(), m);
    assert!(db.matches("Ubuntu:22.04", "openssl", "3.0.2-0ubuntu1.15").unwrap().is_empty());
    // a plain 18.04 does not get Pro (ESM) advisories; a Pro query does
    assert!(db.matches("Ubuntu:18.04", "openssl", "1.1.1-1ubuntu2.1~18.04.23").unwrap().is_empty());
    assert_eq!(db.matches("Ubuntu:Pro:18.04", "openssl", "1.1.1-1ubuntu2.1~18.04.23").unwrap().len(), 1);
    // affected, no fix, no stated state
    let m = db.matches("Ubuntu:23.10", "openssl", "3.0.10-1ubuntu2").unwrap();
    assert!(m[0].fixed_versions.is_empty());
    assert_eq!(m[0].status, None);
    // RPM: `related` CVE of a distribution notice, epoch, case-sensitive name
    let m = db.matches("Rocky Linux:9", "ImageMagick", "1:6.9.12.93-0.el9").unwrap();
    assert_eq!((m[0].id.as_str(), m[0].aliases.as_slice()), ("CVE-2024-2", &["RLSA-2024:1".to_owned()][..]));
    assert_eq!(db.matches("rocky linux:9.4", "ImageMagick", "1:6.9.12.93-0.el9").unwrap(), m);
    assert_eq!(
        db.matches("Rocky Linux:9", "ImageMagick", "6.9.99-9.el9").unwrap().len(),
        1,
        "no epoch = 0 < 1"
    );
    assert!(db.matches("Rocky Linux:9", "ImageMagick", "1:6.9.12.93-1.el9").unwrap().is_empty());
    assert!(db.matches("Rocky Linux:9", "imagemagick", "1:6.9.12.93-0.el9").unwrap().is_empty());
    assert!(db.matches("Rocky Linux:8", "ImageMagick", "1:6.9.12.93-0.el9").unwrap().is_empty());
}

#[test]
fn informational_only_on_request() {
    let (_d, out, _s) = fixture();
    let db = VulnDb::open(&out).unwrap();
    assert!(db.matches("crates.io", "old", "1.0.0").unwrap().is_empty());
    let m = db.matches_with("crates.io", "old", "1.0.0", QueryOptions { informational: true }).unwrap();
    assert_eq!(m[0].informational.as_deref(), Some("unmaintained"));
}

#[test]
fn duplicate_ids_are_merged() {
    let dir = tempfile::tempdir().unwrap();
    let rec = |eco: &str, fixed: &str| {
        format!(
            r#"{{"id":"ALSA-1","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"{eco}","name":"p"}},
            "ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}}]}}"#
        )
    };
    write(dir.path(), "in/almalinux8/ALSA-1.json", &rec("AlmaLinux:8", "1.0-1.el8"));
    write(dir.path(), "in/almalinux9/ALSA-1.json", &rec("AlmaLinux:9", "1.0-1.el9"));
    write(dir.path(), "in/almalinux10/ALSA-1.json", &rec("AlmaLinux:9", "1.0-1.el9"));
    let (out, s) = build_dir(dir.path());
    assert_eq!(s.sources[0].duplicates, 2);
    assert_eq!(s.advisories, 1);
    let db = VulnDb::open(&out).unwrap();
    assert_eq!(db.matches("AlmaLinux:8", "p", "0.9-1.el8").unwrap()[0].fixed_versions, vec!["1.0-1.el8"]);
    assert_eq!(db.matches("AlmaLinux:9", "p", "0.9-1.el9").unwrap()[0].fixed_versions, vec!["1.0-1.el9"]);
    assert_eq!(db.matches("almalinux", "p", "0.9-1.el9").unwrap().len(), 1);
}

#[test]
fn stale_duplicate_superseded() {
    let dir = tempfile::tempdir().unwrap();
    let rec = |id: &str| {
        format!(
            r#"{{"id":"{id}","aliases":["CVE-2025-1"],"details":"same","affected":[{{"package":{{"ecosystem":"crates.io","name":"m"}},
            "ranges":[{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"0.14.1"}}]}}]}}]}}"#
        )
    };
    write(dir.path(), "in/RUSTSEC-2025-0000.json", &rec("RUSTSEC-2025-0000"));
    write(dir.path(), "in/RUSTSEC-2025-0065.json", &rec("RUSTSEC-2025-0065"));
    let (out, s) = build_dir(dir.path());
    assert_eq!(s.superseded, vec![("RUSTSEC-2025-0000".to_owned(), "RUSTSEC-2025-0065".to_owned())]);
    let m = VulnDb::open(&out).unwrap().matches("crates.io", "m", "0.14.0").unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].aliases, vec!["RUSTSEC-2025-0065"]);
}

#[test]
fn zip_input_kev_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("src.zip");
    {
        let f = std::fs::File::create(&zip_path).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("deep/dir/GO-1.json", opts).unwrap();
        z.write_all(
            br#"{"id":"GO-1","modified":"0001-01-01T00:00:00Z","published":"0001-01-01T00:00:00Z","aliases":["CVE-2021-44228"],
            "affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}"#,
        )
        .unwrap();
        z.start_file("FUTURE.json", opts).unwrap();
        z.write_all(br#"{"id":"FUTURE","modified":"2999-01-01T00:00:00Z"}"#).unwrap();
        z.start_file("README.md", opts).unwrap();
        z.write_all(b"# not a record").unwrap();
        z.finish().unwrap();
    }
    let kev = dir.path().join("kev.json");
    std::fs::write(
        &kev,
        r#"{"title":"CISA Catalog","catalogVersion":"2025.01.01","count":1,"vulnerabilities":[{"cveID":"CVE-2021-44228","dateAdded":"2021-12-10"}]}"#,
    )
    .unwrap();
    let out = dir.path().join("db.sqlite");
    let mut events = 0;
    let s = build(&[zip_path, kev], &out, &BuildOptions::default(), |_| events += 1).unwrap();
    assert!(events > 0);
    assert_eq!(s.kev, 1);
    assert_eq!(s.future_modified, vec![("FUTURE".to_owned(), "2999-01-01T00:00:00Z".to_owned())]);
    assert_eq!(s.sources.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["src", "kev"]);
    let db = VulnDb::open(&out).unwrap();
    let m = db.matches("Go", "example.com/m", "v1.1.0").unwrap();
    assert!(m[0].kev);
    assert_eq!(m[0].id, "CVE-2021-44228");
    assert_eq!(m[0].published, None);
    assert_eq!(m[0].modified, None);
    let meta = db.metadata().unwrap();
    assert_eq!(meta.kev_count, 1);
    assert_eq!(meta.advisory_count, 2);
    assert_eq!(meta.sources.len(), 2);
    // no temp file left next to the output
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn open_refuses_wrong_files() {
    let dir = tempfile::tempdir().unwrap();
    // not a database at all
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"hello").unwrap();
    assert!(VulnDb::open(&junk).is_err());
    // an SQLite file of someone else
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
    assert!(matches!(VulnDb::open(&other), Err(DbError::NotADatabase { .. })));
    // ours, with another schema version
    let (_d, out, _s) = fixture();
    rusqlite::Connection::open(&out).unwrap().execute_batch("PRAGMA user_version = 999;").unwrap();
    let err = VulnDb::open(&out).unwrap_err();
    assert!(matches!(err, DbError::SchemaVersion { found: 999, .. }), "{err}");
    assert!(err.to_string().contains("rebuild"), "{err}");
    // missing
    assert!(matches!(VulnDb::open(&dir.path().join("nope.db")), Err(DbError::Io { .. })));
}

#[test]
fn build_errors_name_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.zip");
    let err =
        build(std::slice::from_ref(&missing), &dir.path().join("x.db"), &BuildOptions::default(), |_| {})
            .unwrap_err();
    assert!(err.to_string().contains("missing.zip"), "{err}");
    let bad = dir.path().join("bad.zip");
    std::fs::write(&bad, b"not a zip").unwrap();
    let err = build(&[bad], &dir.path().join("x.db"), &BuildOptions::default(), |_| {}).unwrap_err();
    assert!(matches!(err, DbError::Zip { .. }), "{err}");
    assert!(matches!(
        build(&[], &dir.path().join("x.db"), &BuildOptions::default(), |_| {}),
        Err(DbError::NoInput)
    ));
}

#[test]
fn yaml_plain_scalars_are_strings() {
    let r = OsvRecord::parse(b"id: X\naffected:\n- versions: [1.0, 2, 1.10]\n", Format::Yaml).unwrap();
    assert_eq!(r.affected.unwrap()[0].versions.as_ref().unwrap(), &vec!["1.0", "2", "1.10"]);
    assert!(OsvRecord::parse(b"id: [", Format::Yaml).is_err());
    assert!(OsvRecord::parse(b"{}", Format::Json).is_err());
    assert!(OsvRecord::parse(b"\xff\xfe", Format::Yaml).is_err());
    // nulls and unknown fields are fine
    let r =
        OsvRecord::parse(br#"{"id":"Y","aliases":null,"severity":null,"x":[1,2]}"#, Format::Json).unwrap();
    assert_eq!(r.id, "Y");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = OsvRecord::parse(&bytes, Format::Json);
        let _ = OsvRecord::parse(&bytes, Format::Yaml);
    }

    #[test]
    fn arbitrary_json_records_never_panic(
        id in "[A-Z]{1,5}-[0-9]{1,4}",
        intro in "[0-9a-z.\\-+]{0,8}",
        fixed in "[0-9a-z.\\-+~:]{0,8}",
        eco in prop_oneof![Just("PyPI"), Just("crates.io"), Just("Go"), Just("Debian:12"), Just("npm"), Just("Weird")],
    ) {
        let text = format!(
            r#"{{"id":"{id}","affected":[{{"package":{{"ecosystem":"{eco}","name":"n"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"{intro}"}},{{"fixed":"{fixed}"}}]}}]}}]}}"#
        );
        let rec = OsvRecord::parse(text.as_bytes(), Format::Json).unwrap();
        prop_assert_eq!(rec.id, id);
    }
}
