//! `rampart fs` behaviour that does not depend on one ecosystem.

use crate::util::{Dir, fs_json, rampart};

#[test]
fn empty_tree_gives_an_empty_versioned_report() {
    let dir = Dir::new();
    dir.write("README.md", "nothing here");
    let (code, json, _) = fs_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["artifact_kind"], "filesystem");
    assert_eq!(json["results"].as_array().unwrap().len(), 0);
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn missing_target_is_an_error_with_exit_code_2() {
    let dir = Dir::new();
    rampart()
        .arg("fs")
        .arg(dir.path().join("nope"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nope"));
}

#[test]
fn bad_glob_is_an_error() {
    let dir = Dir::new();
    rampart().arg("fs").arg(dir.path()).args(["--skip-dirs", "a["]).assert().code(2);
}

#[test]
fn output_file_is_written() {
    let dir = Dir::new();
    let out = dir.path().join("report.json");
    rampart()
        .arg("fs")
        .arg(dir.path())
        .args(["--format", "json", "--quiet", "--output"])
        .arg(&out)
        .assert()
        .code(0);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 1);
}

#[test]
fn a_truncated_lockfile_is_a_warning_with_file_and_line_and_the_scan_goes_on() {
    let dir = Dir::new();
    dir.write(
        "good/Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://registry.example/index\"\n",
    );
    // Cut in the middle of a string, as a failed write would leave it.
    dir.write("bad/package-lock.json", "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/lodash\": {\n      \"version\": \"4.17");
    let out = rampart().arg("fs").arg(dir.path()).args(["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "partial scans exit 3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("RMP-W001: bad/package-lock.json:5:"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["path"].as_str(), d["line"].as_u64()),
        (Some("RMP-W001"), Some("bad/package-lock.json"), Some(5))
    );
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["target"], "good/Cargo.lock");
    assert_eq!(results[0]["packages"][0]["name"], "smallvec");
    assert_eq!(results[0]["packages"][0]["locations"][0]["start_line"], 3);
}

#[test]
fn skip_dirs_and_dev_flags() {
    let dir = Dir::new();
    let lock = r#"{"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{
"":{"name":"app","version":"1.0.0","dependencies":{"a":"1"},"devDependencies":{"b":"1"}},
"node_modules/a":{"version":"1.0.0"},
"node_modules/b":{"version":"2.0.0","dev":true}}}"#;
    dir.write("app/package-lock.json", lock);
    dir.write("vendor/old/package-lock.json", lock);
    let (code, json, _) = fs_json(dir.path(), &["--skip-dirs", "vendor"]);
    assert_eq!(code, 0);
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{json:#}");
    let names = |r: &serde_json::Value| -> Vec<(String, bool)> {
        r["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].as_str().unwrap().to_string(), p["dev"] == true))
            .collect()
    };
    assert_eq!(
        names(&results[0]),
        [("a".to_string(), false), ("app".to_string(), false), ("b".to_string(), true)]
    );
    let (_, json, _) = fs_json(dir.path(), &["--skip-dirs", "vendor", "--skip-dev-deps"]);
    assert_eq!(names(&json["results"][0]), [("a".to_string(), false), ("app".to_string(), false)]);
}

#[test]
fn table_is_the_default_and_groups_by_file() {
    let dir = Dir::new();
    dir.write("svc/requirements.txt", "Django==3.2\nrequests==2.19.1  # pinned\n");
    let out = rampart().arg("fs").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("svc/requirements.txt"), "{text}");
    assert!(text.contains("Django") && text.contains("3.2") && text.contains("2.19.1"), "{text}");
}
