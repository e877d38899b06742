//! Opens an image and walks every layer, printing timings:
//! `cargo run --release -p rampart-image --example walk -- IMAGE [read|none] [serial|parallel] [verify|noverify]`.

use rampart_image::{EntryKind, Image, OpenOptions};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next().ok_or("usage: walk IMAGE [read|none] [serial|parallel] [verify|noverify]")?,
    );
    let read = args.next().as_deref() != Some("none");
    let parallel = args.next().as_deref() == Some("parallel");
    let verify_blob_digests = args.next().as_deref() != Some("noverify");
    let opts = OpenOptions { verify_blob_digests, ..OpenOptions::default() };
    let t = Instant::now();
    let image = Image::open(&path, &opts)?;
    let open = t.elapsed();
    println!("{:?} {} layers, open {:?}", image.format(), image.layer_count(), open);
    let t = Instant::now();
    let walk = |i: usize| -> Result<(u64, u64, u64, u64), rampart_image::ImageError> {
        let mut read_bytes = 0u64;
        let stats = image.walk_layer(i, &mut |e| {
            if read && e.kind == EntryKind::File {
                read_bytes += e.read_to_vec(u64::MAX)?.len() as u64;
            }
            Ok(())
        })?;
        Ok((stats.entries, stats.uncompressed_bytes, stats.compressed_bytes, read_bytes))
    };
    let results: Vec<_> = if parallel {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..image.layer_count()).map(|i| s.spawn(move || walk(i))).collect();
            handles.into_iter().map(|h| h.join().map_err(|_| "panic")).collect::<Result<Vec<_>, _>>()
        })?
    } else {
        (0..image.layer_count()).map(walk).collect()
    };
    for (i, r) in results.into_iter().enumerate() {
        let (entries, un, comp, read_bytes) = r?;
        println!("layer {i}: {entries} entries, {un} uncompressed, {comp} stored, {read_bytes} read");
    }
    println!("walk {:?} (read files: {read}, parallel: {parallel})", t.elapsed());
    Ok(())
}
