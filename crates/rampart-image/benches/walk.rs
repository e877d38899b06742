//! Opening and walking the real images built by `../shared/targets/build.sh` (in
//! `$RAMPART_TARGETS/images`, default `target/rampart-targets/images`); images not built are
//! skipped. Run: `cargo bench -p rampart-image`.

use rampart_image::{EntryKind, Image, OpenOptions};
use rayon::prelude::*;
use std::path::PathBuf;

fn main() {
    divan::main();
}

const IMAGES: [&str; 4] =
    ["debian12-apps.docker.tar", "debian12-apps.oci", "debian12-apps.oci.tar", "debian12-apps.zstd.oci"];

fn image(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("RAMPART_TARGETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/rampart-targets"));
    let p = base.join("images").join(name);
    p.exists().then_some(p)
}

/// `Image::open`: archive index, manifests and config only.
#[divan::bench(args = IMAGES, sample_count = 20)]
fn open(bencher: divan::Bencher, name: &str) {
    let Some(path) = image(name) else { return };
    bencher.bench(|| Image::open(&path, &OpenOptions::default()).map(|i| i.layer_count()));
}

fn walk(name: &str, read: bool, parallel: bool) -> u64 {
    let Some(path) = image(name) else { return 0 };
    let Ok(image) = Image::open(&path, &OpenOptions::default()) else { return 0 };
    let one = |i: usize| {
        let mut bytes = 0u64;
        let walked = image.walk_layer(i, &mut |e| {
            if read && e.kind == EntryKind::File {
                bytes += e.read_to_vec(u64::MAX)?.len() as u64;
            }
            Ok(())
        });
        walked.map(|s| s.entries + bytes).unwrap_or(0)
    };
    if parallel {
        (0..image.layer_count()).into_par_iter().map(one).sum()
    } else {
        (0..image.layer_count()).map(one).sum()
    }
}

/// Every layer, one after the other, the visitor reading nothing.
#[divan::bench(args = IMAGES, sample_count = 3)]
fn walk_skip_all(name: &str) -> u64 {
    walk(name, false, false)
}

/// Every layer, one after the other, the visitor reading every file.
#[divan::bench(args = IMAGES, sample_count = 3)]
fn walk_read_all(name: &str) -> u64 {
    walk(name, true, false)
}

/// Every layer walked from rayon threads, the visitor reading nothing.
#[divan::bench(args = IMAGES, sample_count = 3)]
fn walk_parallel_skip_all(name: &str) -> u64 {
    walk(name, false, true)
}
