//! Helpers shared by the image tests: plain tar layers and docker archives built in memory.
#![allow(dead_code)]

use std::io::Write;

use sha2::{Digest, Sha256};

/// A plain tar of `(path, content)` regular files; a `.wh.` name is a whiteout.
pub fn layer(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_path(name).expect("path");
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append(&h, *data).expect("append");
    }
    b.into_inner().expect("tar")
}

pub fn sha(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A docker archive of `layers` (plain tars), written to a temp dir.
pub fn docker_archive(layers: &[Vec<u8>]) -> (tempfile::TempDir, std::path::PathBuf) {
    docker_archive_with(layers, serde_json::json!({"User": "10001"}), &[])
}

/// [`docker_archive`] with this run configuration (`config` of the image config) and these
/// history lines (one per layer; default `COPY step<i> /app`).
pub fn docker_archive_with(
    layers: &[Vec<u8>],
    run_config: serde_json::Value,
    history: &[&str],
) -> (tempfile::TempDir, std::path::PathBuf) {
    let diff_ids: Vec<String> = layers.iter().map(|l| format!("sha256:{}", sha(l))).collect();
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": run_config,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": (0..layers.len())
            .map(|i| {
                let line = history.get(i).map_or_else(|| format!("COPY step{i} /app"), |h| h.to_string());
                serde_json::json!({"created_by": line})
            })
            .collect::<Vec<_>>(),
    }))
    .expect("config");
    let config_name = format!("{}.json", sha(&config));
    let layer_names: Vec<String> = layers.iter().map(|l| format!("{}.tar", sha(l))).collect();
    let manifest = serde_json::to_vec(&serde_json::json!([
        {"Config": config_name, "RepoTags": ["t:1"], "Layers": layer_names}
    ]))
    .expect("manifest");
    let mut members: Vec<(&str, &[u8])> = vec![("manifest.json", &manifest), (&config_name, &config)];
    for (name, l) in layer_names.iter().zip(layers) {
        members.push((name, l));
    }
    let archive = layer(&members);
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("image.tar");
    std::fs::File::create(&path).and_then(|mut f| f.write_all(&archive)).expect("write");
    (dir, path)
}
