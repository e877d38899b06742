//! Test helpers: a temp-dir builder and a runner for the real binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A temporary directory with helpers to write files into it.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Self {
        Dir { tmp: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.tmp.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, content).expect("write");
        p
    }
}

/// The binary, isolated from the developer's own advisory database: tests that want one pass
/// `--db` (or set `RAMPART_DB`) themselves.
pub fn rampart() -> Command {
    let mut cmd = Command::cargo_bin("rampart").expect("rampart binary");
    cmd.env("RAMPART_DB", "/nonexistent/rampart-tests/vulndb.sqlite");
    cmd
}

/// Runs `rampart fs <path> --format json --quiet` and returns (exit code, parsed report).
pub fn fs_json(path: &Path, extra: &[&str]) -> (i32, serde_json::Value, Output) {
    let out = rampart()
        .arg("fs")
        .arg(path)
        .args(["--format", "json", "--quiet"])
        .args(extra)
        .output()
        .expect("run");
    let code = out.status.code().unwrap_or(-1);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (code, json, out)
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// The real targets built by `../shared/targets/build.sh` (`$RAMPART_TARGETS`, default
/// `target/rampart-targets`). Missing targets fail the test: these checks must never pass by not
/// running.
pub fn targets_dir() -> PathBuf {
    let dir = std::env::var_os("RAMPART_TARGETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/rampart-targets"));
    assert!(
        dir.join("fs").is_dir(),
        "no built targets in {} — run `.ci/run`, or `../shared/targets/build.sh {}` (as root), or set RAMPART_TARGETS",
        dir.display(),
        dir.display()
    );
    dir
}

/// The shared, read-only data beside the repository (`../shared`).
pub fn shared_dir() -> PathBuf {
    workspace_root().join("../shared")
}

/// A peer (Trivy) reference inventory: the one `.ci/run` made of the very targets under test
/// (`$RAMPART_TARGETS/reference/`; the Debian layer follows the mirror's point release) when it
/// exists, else the shared one (`../shared/targets/reference/`).
pub fn reference_file(name: &str) -> PathBuf {
    let local = targets_dir().join("reference").join(name);
    if local.is_file() { local } else { shared_dir().join("targets/reference").join(name) }
}

/// The Python that has the official CycloneDX/SPDX/SARIF validators (`.ci/run` installs it).
pub fn sbom_python() -> PathBuf {
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

/// Runs the official validator of `kind` (`cyclonedx`, `spdx`, `sarif`) on `file`; returns
/// (success, its output).
pub fn validate(kind: &str, file: &Path) -> (bool, String) {
    let script = workspace_root().join("crates/rampart-report/tests/validate_sbom.py");
    let out = std::process::Command::new(sbom_python())
        .arg(script)
        .arg(kind)
        .arg(file)
        .output()
        .expect("validator runs");
    (
        out.status.success(),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

/// Every package of every result of a JSON report.
pub fn report_packages(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .flat_map(|r| r["packages"].as_array().cloned().unwrap_or_default())
        .collect()
}
