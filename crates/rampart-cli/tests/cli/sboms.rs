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
