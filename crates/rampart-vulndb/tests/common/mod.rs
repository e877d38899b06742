//! Helpers shared by the tests that read the real advisory pack
//! (`<workspace>/../shared/data/advisories`, never copied into the repository).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rampart_vulndb::{BuildOptions, BuildStats, build};

/// `<workspace>/../shared/data/advisories`; for a worktree nested deeper, the nearest ancestor
/// that has `shared/` beside it. `marker` (a path inside the pack) must exist: a missing pack
/// fails the test loudly.
pub fn data_dir(marker: &str) -> PathBuf {
    const REL: &str = "shared/data/advisories";
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = workspace
        .ancestors()
        .skip(1)
        .map(|d| d.join(REL))
        .find(|p| p.join(marker).is_file())
        .unwrap_or_else(|| workspace.join("..").join(REL));
    assert!(
        dir.join(marker).is_file(),
        "the advisory data pack is missing: expected {} (see shared/data/advisories/README.md)",
        dir.display()
    );
    dir
}

/// A database built into a temporary directory that lives as long as it does.
pub struct Built {
    _dir: tempfile::TempDir,
    pub db: PathBuf,
    pub stats: BuildStats,
}

/// Builds a database from `inputs` with the default options.
pub fn build_from(inputs: &[PathBuf]) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("advisories.db");
    let stats = build(inputs, &db, &BuildOptions::default(), |_| {}).expect("build");
    Built { _dir: dir, db, stats }
}
