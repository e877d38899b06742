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
