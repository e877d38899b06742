//! Whole-pipeline benchmark: walk + every analyzer + report on the real targets built by
//! `../shared/targets/build.sh` (in `$RAMPART_TARGETS`, default `target/rampart-targets`).
//!
//! Run: `cargo bench -p rampart-scan`. The CLI-level comparison with Trivy is `bench/fs-vs-trivy.py`.

use std::path::PathBuf;

use rampart_artifact::{FsArtifact, WalkOptions};
use rampart_scan::{NoProgress, ScanOptions, scan_fs};

fn main() {
    divan::main();
}

fn targets() -> PathBuf {
    let dir = std::env::var_os("RAMPART_TARGETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/rampart-targets"));
    assert!(dir.join("fs").is_dir(), "no targets in {}: run ../shared/targets/build.sh", dir.display());
    dir
}

#[divan::bench(args = ["fs/node-app", "fs/python-site-packages", "fs/rust-app", "fs/go-app", "fs/java-app", "fs", "rootfs/debian12-apps"], sample_count = 10)]
fn scan(bencher: divan::Bencher, target: &str) {
    let path = targets().join(target);
    let analyzers = rampart_inventory::analyzers();
    bencher.bench(|| {
        let artifact = FsArtifact::new(&path, &WalkOptions::default()).expect("target");
        scan_fs(target, &artifact, &analyzers, &ScanOptions::default(), &NoProgress)
    });
}
