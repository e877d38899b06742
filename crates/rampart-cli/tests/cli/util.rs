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
