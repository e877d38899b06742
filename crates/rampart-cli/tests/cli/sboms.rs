//! SBOMs of real scans validate against the official schemas, checked by the ecosystem's own
//! validators (the CycloneDX and SPDX Python tools that `.ci/run` installs), not by us.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{Dir, rampart, workspace_root};

fn python() -> PathBuf {
    let p = std::env::var_os("RAMPART_SBOM_PYTHON")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/sbom-venv/bin/python"));
    assert!(
        p.exists(),
        "{} is missing: run `.ci/run` or `crates/rampart-report/tests/setup-sbom-venv.sh target/sbom-venv`",
        p.display()
    );
    p
}

fn targets() -> PathBuf {
    let dir = std::env::var_os("RAMPART_TARGETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/rampart-targets"));
    assert!(dir.join("fs").is_dir(), "no built targets in {}: run `.ci/run`", dir.display());
    dir.join("fs")
}

fn scan_and_validate(format: &str, kind: &str) {
    let dir = Dir::new();
    let out = dir.path().join("sbom.json");
    let run = rampart()
        .arg("fs")
        .arg(targets())
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
    let validator = workspace_root().join("crates/rampart-report/tests/validate_sbom.py");
    let result = Command::new(python()).arg(validator).arg(kind).arg(&out).output().expect("validator runs");
    assert!(
        result.status.success(),
        "{kind} validator rejected the SBOM of the real targets:\n{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
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
