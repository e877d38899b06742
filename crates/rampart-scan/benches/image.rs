//! Image scans on the real images built by `../shared/targets/build.sh`: cold (every layer
//! streamed and analysed) and warm (every layer from the per-layer cache).
//!
//! Run: `cargo bench -p rampart-scan --bench image`. The CLI-level comparison with Trivy is
//! `bench/image-vs-trivy.py`.

use std::path::PathBuf;

use rampart_image::{Image, OpenOptions};
use rampart_scan::image::{LayerCache, scan_image};
use rampart_scan::{NoProgress, ScanOptions};

fn main() {
    divan::main();
}

fn image(name: &str) -> PathBuf {
    let dir = std::env::var_os("RAMPART_TARGETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/rampart-targets"));
    let path = dir.join("images").join(name);
    assert!(path.exists(), "{} is missing: run ../shared/targets/build.sh", path.display());
    path
}

const IMAGES: [&str; 3] = ["debian12-apps.docker.tar", "debian12-apps.oci", "debian12-apps.zstd.oci"];

#[divan::bench(args = IMAGES, sample_count = 5)]
fn cold(bencher: divan::Bencher, name: &str) {
    let path = image(name);
    let analyzers = rampart_inventory::analyzers();
    bencher.bench(|| {
        let img = Image::open(&path, &OpenOptions::default()).expect("image");
        scan_image(name, &img, &analyzers, &ScanOptions::default(), None, &NoProgress).expect("scan")
    });
}

#[divan::bench(args = IMAGES, sample_count = 20)]
fn warm(bencher: divan::Bencher, name: &str) {
    let path = image(name);
    let analyzers = rampart_inventory::analyzers();
    let dir = tempfile::tempdir().expect("cache dir");
    let cache = LayerCache::new(dir.path());
    let img = Image::open(&path, &OpenOptions::default()).expect("image");
    scan_image(name, &img, &analyzers, &ScanOptions::default(), Some(&cache), &NoProgress).expect("fill");
    bencher.bench(|| {
        let img = Image::open(&path, &OpenOptions::default()).expect("image");
        scan_image(name, &img, &analyzers, &ScanOptions::default(), Some(&cache), &NoProgress).expect("scan")
    });
}
