//! Opens arbitrary bytes as an image file and walks every layer, reading every file. The input
//! is used two ways: as the whole image file, and as the only layer of a docker archive built
//! around it (so the layer reader — decompression, tar, whiteouts, path checks, limits — gets
//! hostile bytes without the fuzzer first having to find a valid outer archive). Any panic is a
//! bug: hostile images must give an `ImageError`.
//!
//! Run: `cd crates/rampart-image/fuzz && cargo fuzz run -s none open_and_walk` (stable toolchain).
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use rampart_image::{Image, Limits, OpenOptions};

fn exercise(bytes: &[u8]) {
    let Ok(mut file) = tempfile::NamedTempFile::new() else { return };
    if file.write_all(bytes).is_err() {
        return;
    }
    let options = OpenOptions {
        limits: Limits { max_layer_bytes: 1 << 22, max_total_bytes: 1 << 24, max_entries: 10_000, max_json_bytes: 1 << 16 },
        ..OpenOptions::default()
    };
    let Ok(image) = Image::open(file.path(), &options) else { return };
    for i in 0..image.metadata().layers.len() {
        let _ = image.walk_layer(i, &mut |entry| {
            let _ = entry.read_to_vec(1 << 20);
            Ok(())
        });
    }
}

/// A docker archive whose single layer is `layer`; the diff-id is wrong on purpose most of the
/// time, which the walk reports after reading the whole layer.
fn docker_archive(layer: &[u8]) -> Vec<u8> {
    let config = format!(
        r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":["sha256:{}"]}}}}"#,
        "0".repeat(64)
    );
    let manifest = r#"[{"Config":"config.json","RepoTags":["fuzz:latest"],"Layers":["layer.tar"]}]"#;
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in [("manifest.json", manifest.as_bytes()), ("config.json", config.as_bytes()), ("layer.tar", layer)] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        if b.append_data(&mut h, name, data).is_err() {
            return Vec::new();
        }
    }
    b.into_inner().unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    exercise(data);
    exercise(&docker_archive(data));
});
