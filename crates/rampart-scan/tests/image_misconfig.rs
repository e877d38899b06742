//! Configuration files inside an image: the final filesystem view (whiteouts hide lower files,
//! upper files replace lower ones), checked like a tree, each finding with its file's layer.

use std::io::Write;

use rampart_image::{Image, OpenOptions};
use rampart_model::{ArtifactKind, Report};
use rampart_scan::misconfig::{MisconfigOptions, scan_image_files};
use sha2::{Digest, Sha256};

fn layer(entries: &[(&str, &[u8])]) -> Vec<u8> {
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

fn sha(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A docker archive of `layers` (plain tars), written to a temp dir.
fn docker_archive(layers: &[Vec<u8>]) -> (tempfile::TempDir, std::path::PathBuf) {
    let diff_ids: Vec<String> = layers.iter().map(|l| format!("sha256:{}", sha(l))).collect();
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {"User": "10001"},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": (0..layers.len()).map(|i| serde_json::json!({"created_by": format!("COPY step{i} /app")})).collect::<Vec<_>>(),
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

const PRIVILEGED: &[u8] = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n";

#[test]
fn config_files_of_the_final_filesystem_with_their_layers() {
    let base = layer(&[
        ("app/deploy/pod.yaml", PRIVILEGED),
        ("app/deploy/old.yaml", PRIVILEGED),
        ("app/data.json", b"{\"not\": \"config\"}"),
    ]);
    let top =
        layer(&[("app/deploy/.wh.old.yaml", b""), ("app/Dockerfile", b"FROM ubuntu:latest\nEXPOSE 22\n")]);
    let (_dir, path) = docker_archive(&[base, top]);
    let image = Image::open(&path, &OpenOptions::default()).expect("image");
    let mut report = Report::new("image.tar", ArtifactKind::ContainerImage, "now");
    report.image = Some(image.metadata().clone());
    scan_image_files(&mut report, &image, &MisconfigOptions::default()).expect("scan");

    let targets: Vec<(&str, Option<&str>)> =
        report.results.iter().map(|r| (r.target.as_str(), r.analyzer.as_deref())).collect();
    assert_eq!(
        targets,
        [("app/Dockerfile", Some("dockerfile")), ("app/deploy/pod.yaml", Some("kubernetes"))]
    );
    let layer_of = |target: &str| {
        let r = report.results.iter().find(|r| r.target == target).expect("result");
        assert!(!r.misconfigurations.is_empty(), "{target}: findings");
        let layers: Vec<u32> =
            r.misconfigurations.iter().map(|m| m.layer.as_ref().expect("layer").index).collect();
        assert!(layers.iter().all(|l| *l == layers[0]), "{layers:?}");
        layers[0]
    };
    assert_eq!(layer_of("app/deploy/pod.yaml"), 0);
    assert_eq!(layer_of("app/Dockerfile"), 1);
    let pod = report.results.iter().find(|r| r.target == "app/deploy/pod.yaml").expect("pod");
    let privileged = pod.misconfigurations.iter().find(|m| m.id == "RMP-K8S-0001").expect("privileged");
    assert_eq!(privileged.start_line, Some(11));
    assert!(privileged.layer.as_ref().expect("layer").diff_id.starts_with("sha256:"));
}
