//! Configuration files inside an image: the final filesystem view (whiteouts hide lower files,
//! upper files replace lower ones), checked like a tree, each finding with its file's layer.

use rampart_image::{Image, OpenOptions};
use rampart_model::{ArtifactKind, Report};
use rampart_scan::misconfig::{MisconfigOptions, scan_image_files};

mod common;
use common::{docker_archive, layer};

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
