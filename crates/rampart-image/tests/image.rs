//! Integration tests: the real images built by `shared/targets/build.sh` (read from
//! `$RAMPART_TARGETS/images`, default `<workspace>/target/rampart-targets/images`; a missing image
//! fails the test) and hostile archives built here with the `tar` crate.

use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use rampart_image::{EntryKind, Image, ImageError, ImageFormat, LimitKind, Limits, OpenOptions, Platform};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Real images

fn images_dir() -> PathBuf {
    let base = std::env::var_os("RAMPART_TARGETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/rampart-targets"));
    base.join("images")
}

/// A real image; fails the test (never skips) when it has not been built.
fn real(name: &str) -> PathBuf {
    let p = images_dir().join(name);
    assert!(
        p.exists(),
        "test image {} is missing: build it with shared/targets/build.sh and set RAMPART_TARGETS",
        p.display()
    );
    p
}

fn open(p: &Path) -> Image {
    match Image::open(p, &OpenOptions::default()) {
        Ok(i) => i,
        Err(e) => panic!("open {}: {e}", p.display()),
    }
}

/// Every entry of a layer as "kind path" lines, sorted.
fn listing(image: &Image, layer: usize) -> Vec<String> {
    let mut out = Vec::new();
    image
        .walk_layer(layer, &mut |e| {
            let kind = match &e.kind {
                EntryKind::File => "f".to_owned(),
                EntryKind::Dir => "d".to_owned(),
                EntryKind::Symlink { target } => format!("l->{target}"),
                EntryKind::Hardlink { target } => format!("h->{target}"),
                EntryKind::Whiteout => "w".to_owned(),
                EntryKind::OpaqueDir => "o".to_owned(),
                EntryKind::Other => "?".to_owned(),
            };
            out.push(format!("{kind} {} {}", e.path, e.size));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("walk layer {layer}: {e}"));
    out.sort();
    out
}

/// What an OCI layout directory says of itself, read with plain JSON parsing (the images are
/// rebuilt on every fresh machine, so digests cannot be constants).
struct OciTruth {
    manifest_digest: String,
    config_digest: String,
    diff_ids: Vec<String>,
    layer_digests: Vec<String>,
    layer_sizes: Vec<u64>,
    media_types: Vec<String>,
}

fn oci_truth(dir: &Path) -> OciTruth {
    let json = |p: PathBuf| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
            .expect("JSON")
    };
    let blob = |d: &str| dir.join("blobs/sha256").join(d.trim_start_matches("sha256:"));
    let index = json(dir.join("index.json"));
    let manifest_digest = index["manifests"][0]["digest"].as_str().expect("manifest digest").to_string();
    let manifest = json(blob(&manifest_digest));
    let config_digest = manifest["config"]["digest"].as_str().expect("config digest").to_string();
    let config = json(blob(&config_digest));
    let strings = |v: &serde_json::Value, key: &str| -> Vec<String> {
        v.as_array().expect("array").iter().map(|x| x[key].as_str().unwrap_or_default().to_string()).collect()
    };
    OciTruth {
        diff_ids: config["rootfs"]["diff_ids"]
            .as_array()
            .expect("diff_ids")
            .iter()
            .map(|d| d.as_str().expect("diff_id").to_string())
            .collect(),
        layer_digests: strings(&manifest["layers"], "digest"),
        layer_sizes: manifest["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .map(|l| l["size"].as_u64().expect("size"))
            .collect(),
        media_types: strings(&manifest["layers"], "mediaType"),
        manifest_digest,
        config_digest,
    }
}

#[test]
fn apps_metadata_in_every_format() {
    let cases = [
        ("debian12-apps.docker.tar", ImageFormat::DockerArchive),
        ("debian12-apps.oci", ImageFormat::OciLayout),
        ("debian12-apps.oci.tar", ImageFormat::OciArchive),
        ("debian12-apps.zstd.oci", ImageFormat::OciLayout),
    ];
    let truth = oci_truth(&real("debian12-apps.oci"));
    assert_eq!(truth.diff_ids.len(), 7);
    for (name, format) in cases {
        let image = open(&real(name));
        assert_eq!(image.format(), format, "{name}");
        let m = image.metadata();
        assert_eq!(image.layer_count(), 7, "{name}");
        let diff_ids: Vec<&str> = m.layers.iter().map(|l| l.layer.diff_id.as_str()).collect();
        assert_eq!(diff_ids, truth.diff_ids, "{name}");
        assert_eq!(m.os, "linux");
        assert_eq!(m.architecture, "amd64");
        assert_eq!(m.created.as_deref(), Some("2025-01-01T00:00:00Z"));
        assert_eq!(m.config.working_dir.as_deref(), Some("/app"));
        assert_eq!(m.config.cmd, vec!["bash"]);
        assert_eq!(
            m.config.labels.get("org.opencontainers.image.title").map(String::as_str),
            Some("debian12-apps")
        );
        assert_eq!(m.config.history.len(), 8, "{name}");
        assert_eq!(
            m.config.history.first().map(String::as_str),
            Some("mmdebstrap --variant=minbase bookworm (merged-usr)")
        );
        assert_eq!(m.config.history.last().map(String::as_str), Some("WORKDIR /app"));
        let created_by: Vec<Option<&str>> = m.layers.iter().map(|l| l.layer.created_by.as_deref()).collect();
        assert_eq!(
            created_by.get(3).copied().flatten(),
            Some("dpkg --purge less && rm -rf /usr/share/man/* /usr/share/info /root/.ssh/id_rsa /root/.aws")
        );
        assert_eq!(
            created_by.get(6).copied().flatten(),
            Some(
                "COPY vuln-rust-bin vulngo vulngo-stripped /usr/local/bin/ ; COPY Cargo.lock go.mod jars /app/"
            )
        );
        let indexes: Vec<u32> = m.layers.iter().map(|l| l.layer.index).collect();
        assert_eq!(indexes, vec![0, 1, 2, 3, 4, 5, 6]);
    }

    let docker = open(&real("debian12-apps.docker.tar"));
    let m = docker.metadata();
    assert_eq!(m.id, truth.config_digest);
    assert_eq!(m.manifest_digest, None);
    assert_eq!(m.repo_tags, vec!["localhost/scanner-targets/debian12-apps:latest"]);
    // skopeo names the layer files by the sha256 of their (uncompressed) content.
    assert_eq!(m.layers[0].layer.digest.as_deref(), Some(truth.diff_ids[0].as_str()));
    // The stored layer of a docker archive is the plain tar: its size is what a walk reads.
    let walked = docker.walk_layer(0, &mut |_| Ok(())).expect("walk");
    assert_eq!(m.layers[0].size, walked.uncompressed_bytes);
    assert!(walked.uncompressed_bytes > 50_000_000, "{walked:?}");

    let oci = open(&real("debian12-apps.oci"));
    let m = oci.metadata();
    assert_eq!(m.id, truth.config_digest);
    assert_eq!(m.manifest_digest.as_deref(), Some(truth.manifest_digest.as_str()));
    assert_eq!(m.repo_tags, vec!["latest"]);
    let digests: Vec<&str> = m.layers.iter().filter_map(|l| l.layer.digest.as_deref()).collect();
    assert_eq!(digests, truth.layer_digests);
    let sizes: Vec<u64> = m.layers.iter().map(|l| l.size).collect();
    assert_eq!(sizes, truth.layer_sizes);
    let media: Vec<&str> = m.layers.iter().map(|l| l.media_type.as_str()).collect();
    assert_eq!(media, truth.media_types);
    assert_eq!(m.layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");

    let oci_tar = open(&real("debian12-apps.oci.tar"));
    assert_eq!(oci_tar.metadata().repo_tags, vec!["localhost/scanner-targets/debian12-apps:latest"]);
    assert_eq!(oci_tar.metadata().layers, oci.metadata().layers);
    let zstd = open(&real("debian12-apps.zstd.oci"));
    let zstd_truth = oci_truth(&real("debian12-apps.zstd.oci"));
    assert_eq!(zstd.metadata().manifest_digest.as_deref(), Some(zstd_truth.manifest_digest.as_str()));
    assert_ne!(zstd_truth.manifest_digest, truth.manifest_digest);
    assert_eq!(zstd.metadata().layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
}

#[test]
fn layered_listing_is_the_same_in_every_format_with_known_whiteouts() {
    let docker = open(&real("debian12-layered.docker.tar"));
    let oci = open(&real("debian12-layered.oci"));
    let oci_tar = open(&real("debian12-layered.oci.tar"));
    assert_eq!(docker.layer_count(), 4);
    for layer in 0..4 {
        let a = listing(&docker, layer);
        assert_eq!(a, listing(&oci, layer), "layer {layer}: docker vs oci");
        assert_eq!(a, listing(&oci_tar, layer), "layer {layer}: docker vs oci.tar");
    }
    let last = listing(&docker, 3);
    let whiteouts: Vec<&String> = last.iter().filter(|l| l.starts_with("w ")).collect();
    assert_eq!(whiteouts.len(), 44, "{whiteouts:?}");
    for w in ["w root/.aws 0", "w usr/bin/less 0", "w root/.ssh/id_rsa 0", "w usr/share/info 0"] {
        assert!(last.iter().any(|l| l == w), "{w} missing from {whiteouts:?}");
    }
    assert!(!last.iter().any(|l| l.starts_with("o ")), "umoci writes no opaque whiteouts");
    let secrets = listing(&docker, 2);
    assert!(secrets.iter().any(|l| l.starts_with("f root/.aws/credentials ")), "{secrets:?}");
}

#[test]
fn apps_zstd_matches_docker_for_small_layers_and_reads_files() {
    let docker = open(&real("debian12-apps.docker.tar"));
    let zstd = open(&real("debian12-apps.zstd.oci"));
    for layer in [2, 3, 5, 6] {
        assert_eq!(listing(&docker, layer), listing(&zstd, layer), "layer {layer}");
    }
    // Read a file's content through the walk, in both formats.
    for image in [&docker, &zstd] {
        let mut content = None;
        let stats = image
            .walk_layer(2, &mut |e| {
                if e.path == "etc/vuln-app/app.env" {
                    content = Some(e.read_to_vec(1 << 20)?);
                }
                Ok(())
            })
            .unwrap();
        let content = String::from_utf8(content.expect("app.env in layer 2")).unwrap();
        assert!(content.contains("GITHUB"), "{content}");
        assert_eq!(stats.entries, 8);
        assert_eq!(stats.uncompressed_bytes, 8192);
    }
}

#[test]
fn minbase_layers_walk_in_parallel() {
    use rayon::prelude::*;
    let image = open(&real("debian12-minbase.oci"));
    assert_eq!(image.layer_count(), 1);
    let image = open(&real("debian12-apps.oci"));
    let stats: Vec<_> = (0..image.layer_count())
        .into_par_iter()
        .map(|i| image.walk_layer(i, &mut |_| Ok(())))
        .collect::<Result<_, _>>()
        .unwrap();
    let entries: Vec<u64> = stats.iter().map(|s| s.entries).collect();
    assert_eq!(entries, vec![6658, 3152, 8, 66, 8095, 1756, 17]);
    let truth = oci_truth(&real("debian12-apps.oci"));
    let compressed: Vec<u64> = stats.iter().map(|s| s.compressed_bytes).collect();
    assert_eq!(compressed, truth.layer_sizes);
    // The docker archive stores the same layers uncompressed.
    let docker = open(&real("debian12-apps.docker.tar"));
    let plain: Vec<u64> = docker.metadata().layers.iter().map(|l| l.size).collect();
    let uncompressed: Vec<u64> = stats.iter().map(|s| s.uncompressed_bytes).collect();
    assert_eq!(uncompressed, plain);
}

#[test]
fn reference_selects_and_reports_names() {
    let p = real("debian12-apps.docker.tar");
    for ok in ["debian12-apps", "localhost/scanner-targets/debian12-apps:latest"] {
        let opts = OpenOptions { reference: Some(ok.into()), ..OpenOptions::default() };
        assert!(Image::open(&p, &opts).is_ok(), "{ok}");
    }
    let opts = OpenOptions { reference: Some("nope:1".into()), ..OpenOptions::default() };
    let err = Image::open(&p, &opts).unwrap_err();
    assert!(matches!(err, ImageError::ReferenceNotFound { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("debian12-apps.docker.tar") && msg.contains("nope:1"), "{msg}");
    assert!(msg.contains("localhost/scanner-targets/debian12-apps:latest"), "{msg}");
    // An explicit platform the image is not for.
    let opts = OpenOptions { platform: Some("linux/arm64".parse().unwrap()), ..OpenOptions::default() };
    let err = Image::open(&p, &opts).unwrap_err();
    assert!(matches!(err, ImageError::PlatformNotFound { .. }), "{err}");
    assert!(err.to_string().contains("linux/amd64"), "{err}");
}

#[test]
fn layout_with_absent_layer_blobs_opens_and_walks_present_ones() {
    let src = real("debian12-apps.oci");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("blobs/sha256")).unwrap();
    for f in ["index.json", "oci-layout"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let truth = oci_truth(&src);
    let layer2 = truth.layer_digests[2].clone();
    for blob in [&truth.manifest_digest, &truth.config_digest, &layer2] {
        let rel = format!("blobs/sha256/{}", blob.trim_start_matches("sha256:"));
        std::fs::copy(src.join(&rel), dir.path().join(&rel)).unwrap();
    }
    let image = open(dir.path());
    assert_eq!(image.layer_count(), 7);
    assert_eq!(image.walk_layer(2, &mut |_| Ok(())).unwrap().entries, 8);
    let err = image.walk_layer(0, &mut |_| Ok(())).unwrap_err();
    assert!(matches!(err, ImageError::MissingBlob { .. }), "{err}");
    let layer0 = truth.layer_digests[0].trim_start_matches("sha256:");
    assert!(err.to_string().contains(&layer0[..12]), "{err}");
    let err = image.walk_layer(7, &mut |_| Ok(())).unwrap_err();
    assert!(matches!(err, ImageError::NoSuchLayer { index: 7, count: 7, .. }), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Builders for synthetic images

fn sha(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn hex(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap()
}

/// A tar entry for the builders: raw name bytes (unchecked, so hostile names are possible).
struct E<'a> {
    name: &'a str,
    kind: tar::EntryType,
    data: &'a [u8],
    link: Option<&'a str>,
}

fn file<'a>(name: &'a str, data: &'a [u8]) -> E<'a> {
    E { name, kind: tar::EntryType::Regular, data, link: None }
}

fn symlink<'a>(name: &'a str, target: &'a str) -> E<'a> {
    E { name, kind: tar::EntryType::Symlink, data: b"", link: Some(target) }
}

fn tar_of(entries: &[E<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        {
            let gnu = h.as_gnu_mut().unwrap();
            gnu.name[..e.name.len()].copy_from_slice(e.name.as_bytes());
            if let Some(l) = e.link {
                gnu.linkname[..l.len()].copy_from_slice(l.as_bytes());
            }
        }
        h.set_entry_type(e.kind);
        h.set_size(e.data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append(&h, e.data).unwrap();
    }
    b.into_inner().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn config_json(diff_ids: &[String], arch: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "architecture": arch, "os": "linux",
        "config": {"Env": ["PATH=/usr/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": diff_ids.iter().enumerate().map(|(i, _)| serde_json::json!({"created_by": format!("step {i}")})).collect::<Vec<_>>(),
    }))
    .unwrap()
}

/// A docker archive holding one image per `(tags, layers)`: layers stored plain as `<hex>.tar`.
fn docker_archive(images: &[(Vec<&str>, Vec<Vec<u8>>)], extra: &[E<'_>]) -> Vec<u8> {
    let mut members: Vec<(String, Vec<u8>)> = Vec::new();
    let mut manifest = Vec::new();
    for (tags, layers) in images {
        let diff_ids: Vec<String> = layers.iter().map(|l| sha(l)).collect();
        let config = config_json(&diff_ids, "amd64");
        let config_name = format!("{}.json", hex(&sha(&config)));
        let mut names = Vec::new();
        for (l, d) in layers.iter().zip(&diff_ids) {
            let name = format!("{}.tar", hex(d));
            members.push((name.clone(), l.clone()));
            names.push(name);
        }
        members.push((config_name.clone(), config));
        manifest.push(serde_json::json!({"Config": config_name, "RepoTags": tags, "Layers": names}));
    }
    let manifest = serde_json::to_vec(&manifest).unwrap();
    members.push(("manifest.json".into(), manifest));
    let mut entries: Vec<E<'_>> = members.iter().map(|(n, d)| file(n, d)).collect();
    entries.extend(extra.iter().map(|e| E { name: e.name, kind: e.kind, data: e.data, link: e.link }));
    tar_of(&entries)
}

/// An OCI layout directory for the given manifests; returns the directory.
struct Layout {
    dir: tempfile::TempDir,
}

impl Layout {
    fn new() -> Layout {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("blobs/sha256")).unwrap();
        std::fs::write(dir.path().join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        Layout { dir }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn put(&self, bytes: &[u8]) -> String {
        let d = sha(bytes);
        std::fs::write(self.path().join("blobs/sha256").join(hex(&d)), bytes).unwrap();
        d
    }
    /// Writes config + layers (gzip) + manifest; returns (manifest digest, manifest size).
    fn image(&self, layers: &[Vec<u8>], arch: &str, diff_ids: Option<Vec<String>>) -> (String, usize) {
        let diff_ids = diff_ids.unwrap_or_else(|| layers.iter().map(|l| sha(l)).collect());
        let config = config_json(&diff_ids, arch);
        let config_digest = self.put(&config);
        let layer_descs: Vec<_> = layers
            .iter()
            .map(|l| {
                let gz = gzip(l);
                let d = self.put(&gz);
                serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": gz.len()})
            })
            .collect();
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
            "layers": layer_descs,
        }))
        .unwrap();
        (self.put(&manifest), manifest.len())
    }
    fn index(&self, manifests: serde_json::Value) {
        let index = serde_json::json!({"schemaVersion": 2, "manifests": manifests});
        std::fs::write(self.path().join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    }
    fn single(layers: &[Vec<u8>], diff_ids: Option<Vec<String>>) -> Layout {
        let l = Layout::new();
        let (d, size) = l.image(layers, "amd64", diff_ids);
        l.index(serde_json::json!([{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d, "size": size,
            "annotations": {"org.opencontainers.image.ref.name": "test:1"}}]));
        l
    }
}

fn write_tmp(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("image.tar");
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

fn walk_all(image: &Image) -> Result<Vec<String>, ImageError> {
    let mut paths = Vec::new();
    for i in 0..image.layer_count() {
        image.walk_layer(i, &mut |e| {
            let data = e.read_to_vec(1 << 20)?;
            paths.push(format!("{:?} {} {}", e.kind, e.path, data.len()));
            Ok(())
        })?;
    }
    Ok(paths)
}

// ---------------------------------------------------------------------------------------------
// Synthetic images: normal behaviour

#[test]
fn synthetic_docker_archive_with_legacy_symlinks() {
    let layer = tar_of(&[file("./etc/os-release", b"ID=test\n"), file("usr/bin/.wh.less", b"")]);
    let diff = sha(&layer);
    let link_target = format!("../{}.tar", hex(&diff));
    let bytes =
        docker_archive(&[(vec!["test:1"], vec![layer.clone()])], &[symlink("abc/layer.tar", &link_target)]);
    // Point the manifest at the legacy symlink instead of the file.
    let text =
        String::from_utf8_lossy(&bytes).replace(&format!("\"{}.tar\"]", hex(&diff)), "\"abc/layer.tar\"]");
    let bytes_fixed = fix_checksums(text.as_bytes(), &bytes);
    let (_d, p) = write_tmp(&bytes_fixed);
    let image = open(&p);
    assert_eq!(image.format(), ImageFormat::DockerArchive);
    assert_eq!(image.metadata().layers[0].layer.digest, None);
    assert_eq!(image.metadata().layers[0].layer.created_by.as_deref(), Some("step 0"));
    assert_eq!(walk_all(&image).unwrap(), vec!["File etc/os-release 8", "Whiteout usr/bin/less 0"]);
}

/// The manifest.json replacement above changes bytes of one member without changing its length
/// only when lengths match; recompute by rebuilding instead when they differ.
fn fix_checksums(edited: &[u8], original: &[u8]) -> Vec<u8> {
    if edited.len() == original.len() {
        return edited.to_vec();
    }
    // Rebuild: read members from the original, replace manifest.json by the edited one.
    let mut archive = tar::Archive::new(original);
    let mut members = Vec::new();
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let link = e.link_name_bytes().map(|l| String::from_utf8_lossy(&l).into_owned());
        let kind = e.header().entry_type();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        members.push((name, kind, data, link));
    }
    let edited_manifest = {
        let text = String::from_utf8_lossy(edited);
        let start = text.find("[{\"Config\"").unwrap();
        let end = start + text[start..].find("}]").unwrap() + 2;
        text[start..end].as_bytes().to_vec()
    };
    for m in &mut members {
        if m.0 == "manifest.json" {
            m.2 = edited_manifest.clone();
        }
    }
    let entries: Vec<E<'_>> =
        members.iter().map(|(n, k, d, l)| E { name: n, kind: *k, data: d, link: l.as_deref() }).collect();
    tar_of(&entries)
}

#[test]
fn multi_platform_index_selects_by_platform() {
    let l = Layout::new();
    let amd = tar_of(&[file("arch", b"amd64")]);
    let arm = tar_of(&[file("arch", b"arm64")]);
    let (amd_d, amd_s) = l.image(&[amd], "amd64", None);
    let (arm_d, arm_s) = l.image(&[arm], "arm64", None);
    // The platforms sit in a nested index, as registries serve them.
    let nested = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd_d, "size": amd_s,
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm_d, "size": arm_s,
             "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd_d, "size": amd_s,
             "platform": {"os": "unknown", "architecture": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest"}},
        ]
    }))
    .unwrap();
    let nested_d = l.put(&nested);
    l.index(serde_json::json!([{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": nested_d,
        "size": nested.len(), "annotations": {"org.opencontainers.image.ref.name": "multi:1"}}]));

    let content = |platform: Option<&str>| -> Result<(String, String), ImageError> {
        let opts = OpenOptions { platform: platform.map(|p| p.parse().unwrap()), ..OpenOptions::default() };
        let image = Image::open(l.path(), &opts)?;
        let mut got = String::new();
        image.walk_layer(0, &mut |e| {
            got = String::from_utf8(e.read_to_vec(100)?).unwrap();
            Ok(())
        })?;
        assert_eq!(image.metadata().repo_tags, vec!["multi:1"]);
        Ok((image.metadata().architecture.clone(), got))
    };
    assert_eq!(content(Some("linux/arm64")).unwrap(), ("arm64".into(), "arm64".into()));
    assert_eq!(content(Some("linux/arm64/v8")).unwrap(), ("arm64".into(), "arm64".into()));
    assert_eq!(content(Some("linux/amd64")).unwrap(), ("amd64".into(), "amd64".into()));
    let host = Platform::host();
    if host.architecture == "amd64" || host.architecture == "arm64" {
        assert_eq!(content(None).unwrap().0, host.architecture);
    }
    let err = content(Some("linux/s390x")).unwrap_err();
    assert!(matches!(err, ImageError::PlatformNotFound { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("linux/s390x") && msg.contains("linux/amd64") && msg.contains("linux/arm64"),
        "{msg}"
    );
}

#[test]
fn several_images_need_a_reference() {
    let a = tar_of(&[file("which", b"a")]);
    let b = tar_of(&[file("which", b"b")]);
    let bytes =
        docker_archive(&[(vec!["repo/a:1"], vec![a]), (vec!["repo/b:1", "repo/b:latest"], vec![b])], &[]);
    let (_d, p) = write_tmp(&bytes);
    let err = Image::open(&p, &OpenOptions::default()).unwrap_err();
    assert!(matches!(err, ImageError::AmbiguousImage { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("repo/a:1") && msg.contains("repo/b:1 repo/b:latest"), "{msg}");
    let opts = OpenOptions { reference: Some("repo/b".into()), ..OpenOptions::default() };
    let image = Image::open(&p, &opts).unwrap();
    assert_eq!(image.metadata().repo_tags, vec!["repo/b:1", "repo/b:latest"]);
    assert_eq!(walk_all(&image).unwrap(), vec!["File which 1"]);
}

#[test]
fn absolute_entry_paths_are_made_relative() {
    let layer = tar_of(&[file("/etc/passwd", b"root"), symlink("./bin/sh", "/bin/bash")]);
    let l = Layout::single(&[layer], None);
    assert_eq!(
        walk_all(&open(l.path())).unwrap(),
        vec!["File etc/passwd 4", "Symlink { target: \"/bin/bash\" } bin/sh 0"]
    );
}

#[test]
fn opaque_whiteouts_and_compression_sniffed_whatever_the_media_type() {
    let plain = tar_of(&[
        E { name: "etc/", kind: tar::EntryType::Directory, data: b"", link: None },
        file("etc/.wh..wh..opq", b""),
        file("etc/new.conf", b"x=1"),
        E { name: "etc/hard", kind: tar::EntryType::Link, data: b"", link: Some("./etc/new.conf") },
    ]);
    let l = Layout::new();
    let config = config_json(&[sha(&plain)], "amd64");
    let cd = l.put(&config);
    let zst = zstd::encode_all(&plain[..], 3).unwrap();
    let ld = l.put(&zst);
    // The media type says gzip; the content is zstd.
    let manifest = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2,
        "config": {"digest": cd, "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": zst.len()}]})).unwrap();
    let md = l.put(&manifest);
    l.index(serde_json::json!([{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": manifest.len()}]));
    let image = open(l.path());
    assert_eq!(
        walk_all(&image).unwrap(),
        vec![
            "Dir etc 0",
            "OpaqueDir etc 0",
            "File etc/new.conf 3",
            "Hardlink { target: \"etc/new.conf\" } etc/hard 0",
        ]
    );
    let stats = image.walk_layer(0, &mut |_| Ok(())).unwrap();
    assert_eq!(stats.entries, 4);
    assert_eq!(stats.uncompressed_bytes, plain.len() as u64);
    assert_eq!(stats.compressed_bytes, zst.len() as u64);
}

// ---------------------------------------------------------------------------------------------
// Hostile and broken images

fn expect_err(r: Result<impl std::fmt::Debug, ImageError>) -> (ImageError, String) {
    let e = r.expect_err("expected an error");
    let msg = e.to_string();
    (e, msg)
}

#[test]
fn path_traversal_is_an_error_naming_layer_and_path() {
    let layer = tar_of(&[file("ok", b"x"), file("../../etc/passwd", b"root")]);
    let bytes = docker_archive(&[(vec!["evil:1"], vec![layer])], &[]);
    let (_d, p) = write_tmp(&bytes);
    let (e, msg) = expect_err(walk_all(&open(&p)));
    assert!(matches!(e, ImageError::UnsafeEntry { .. }), "{e:?}");
    assert!(
        msg.contains("image.tar") && msg.contains("layer 0") && msg.contains("../../etc/passwd"),
        "{msg}"
    );
    // In a hardlink target too.
    let layer = tar_of(&[E { name: "x", kind: tar::EntryType::Link, data: b"", link: Some("a/../../b") }]);
    let l = Layout::single(&[layer], None);
    let (e, msg) = expect_err(walk_all(&open(l.path())));
    assert!(matches!(e, ImageError::UnsafeEntry { .. }), "{e:?}");
    assert!(msg.contains("\"x\""), "{msg}");
}

#[test]
fn symlinked_blobs_are_refused() {
    let layer = tar_of(&[file("a", b"1")]);
    for target in ["/etc/passwd", "../../../etc/passwd"] {
        let bytes =
            docker_archive(&[(vec!["t:1"], vec![layer.clone()])], &[symlink("evil/layer.tar", target)]);
        let text = String::from_utf8_lossy(&bytes)
            .replace(&format!("\"{}.tar\"]", hex(&sha(&layer))), "\"evil/layer.tar\"]");
        let (_d, p) = write_tmp(&fix_checksums(text.as_bytes(), &bytes));
        let image = open(&p);
        let (e, msg) = expect_err(image.walk_layer(0, &mut |_| Ok(())));
        assert!(matches!(e, ImageError::UnsafeBlob { .. }), "{e:?}");
        assert!(msg.contains("evil/layer.tar") && msg.contains("layer 0"), "{msg}");
    }
    // A layout directory whose layer blob is a symlink to a file outside it.
    let l = Layout::single(std::slice::from_ref(&layer), None);
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), gzip(&layer)).unwrap();
    let blob = l.path().join("blobs/sha256").join(hex(&sha(&gzip(&layer))));
    std::fs::remove_file(&blob).unwrap();
    std::os::unix::fs::symlink(outside.path(), &blob).unwrap();
    let (e, msg) = expect_err(open(l.path()).walk_layer(0, &mut |_| Ok(())));
    assert!(matches!(e, ImageError::UnsafeBlob { .. }), "{e:?}");
    assert!(msg.contains("outside"), "{msg}");
}

#[test]
fn gzip_bomb_stops_at_the_layer_limit() {
    let zeros = vec![0u8; 8 << 20];
    let layer = tar_of(&[file("bomb", &zeros)]);
    let l = Layout::single(&[layer], None);
    let opts = OpenOptions {
        limits: Limits { max_layer_bytes: 1 << 20, ..Limits::default() },
        ..OpenOptions::default()
    };
    let image = Image::open(l.path(), &opts).unwrap();
    let mut seen = 0;
    let (e, msg) = expect_err(image.walk_layer(0, &mut |e| {
        seen += 1;
        e.read_to_vec(u64::MAX).map(|_| ())
    }));
    assert!(
        matches!(e, ImageError::LimitExceeded { limit: LimitKind::LayerBytes, max: 1048576, .. }),
        "{e:?}"
    );
    assert!(msg.contains("max_layer_bytes") && msg.contains("layer 0"), "{msg}");
    assert_eq!(seen, 1);
    // Skipped by the visitor, the bomb is still stopped (the skip goes through the counter).
    let image = Image::open(l.path(), &opts).unwrap();
    let (e, _) = expect_err(image.walk_layer(0, &mut |_| Ok(())));
    assert!(matches!(e, ImageError::LimitExceeded { limit: LimitKind::LayerBytes, .. }), "{e:?}");
    // The total budget, and the entry count.
    let opts = OpenOptions {
        limits: Limits { max_total_bytes: 1 << 20, ..Limits::default() },
        ..OpenOptions::default()
    };
    let (e, _) = expect_err(Image::open(l.path(), &opts).unwrap().walk_layer(0, &mut |_| Ok(())));
    assert!(matches!(e, ImageError::LimitExceeded { limit: LimitKind::TotalBytes, .. }), "{e:?}");
    let many = tar_of(&[file("a", b""), file("b", b""), file("c", b"")]);
    let l = Layout::single(&[many], None);
    let opts =
        OpenOptions { limits: Limits { max_entries: 2, ..Limits::default() }, ..OpenOptions::default() };
    let (e, _) = expect_err(Image::open(l.path(), &opts).unwrap().walk_layer(0, &mut |_| Ok(())));
    assert!(matches!(e, ImageError::LimitExceeded { limit: LimitKind::Entries, max: 2, .. }), "{e:?}");
}

#[test]
fn truncated_gzip_and_zstd_are_errors_naming_the_layer() {
    let data: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let layer = tar_of(&[file("data", &data), file("after", b"x")]);
    let diff = sha(&layer);
    for (name, compressed) in [("gzip", gzip(&layer)), ("zstd", zstd::encode_all(&layer[..], 1).unwrap())] {
        for cut in [compressed.len() / 2, compressed.len() - 4] {
            let l = Layout::new();
            let truncated = &compressed[..cut];
            let config = config_json(std::slice::from_ref(&diff), "amd64");
            let cd = l.put(&config);
            let ld = l.put(truncated);
            let manifest = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2,
                "config": {"digest": cd, "size": config.len()},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": cut}]})).unwrap();
            let md = l.put(&manifest);
            l.index(serde_json::json!([{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": manifest.len()}]));
            let image = open(l.path());
            let (e, msg) = expect_err(image.walk_layer(0, &mut |_| Ok(())));
            assert!(
                matches!(e, ImageError::LayerRead { .. } | ImageError::EntryRead { .. }),
                "{name} cut at {cut}: {e:?}"
            );
            assert!(msg.contains("layer 0") && msg.contains(hex(&ld)), "{msg}");
        }
    }
}

#[test]
fn diff_id_and_blob_digest_mismatches() {
    let layer = tar_of(&[file("a", b"1")]);
    let wrong = sha(b"something else");
    let l = Layout::single(std::slice::from_ref(&layer), Some(vec![wrong.clone()]));
    let (e, msg) = expect_err(open(l.path()).walk_layer(0, &mut |_| Ok(())));
    assert!(matches!(e, ImageError::DiffIdMismatch { .. }), "{e:?}");
    assert!(msg.contains(&wrong) && msg.contains(&sha(&layer)) && msg.contains("layer 0"), "{msg}");

    // The same in a docker archive (plain layers).
    let bytes = docker_archive(&[(vec!["t:1"], vec![layer.clone()])], &[]);
    let (_d, p) = write_tmp(&bytes);
    assert!(walk_all(&open(&p)).is_ok());
    // Flip the content byte "1" of member "a" inside the layer tar.
    let mut tampered = bytes.clone();
    let idx = find_file_data(&tampered, &layer);
    tampered[idx] = b'2';
    let (_d2, p2) = write_tmp(&tampered);
    let (e, _) = expect_err(open(&p2).walk_layer(0, &mut |_| Ok(())));
    assert!(matches!(e, ImageError::DiffIdMismatch { .. }), "{e:?}");

    // A blob stored under a digest it does not hash to.
    let l = Layout::single(std::slice::from_ref(&layer), None);
    let blob = l.path().join("blobs/sha256").join(hex(&sha(&gzip(&layer))));
    let other = gzip(&tar_of(&[file("a", b"1")]));
    let mut other_mtime = other.clone();
    other_mtime[4] ^= 1; // gzip header mtime: same content, different blob bytes
    std::fs::write(&blob, &other_mtime).unwrap();
    let (e, msg) = expect_err(open(l.path()).walk_layer(0, &mut |_| Ok(())));
    assert!(matches!(e, ImageError::BlobDigestMismatch { .. }), "{e:?}");
    assert!(msg.contains("layer 0"), "{msg}");
    let opts = OpenOptions { verify_blob_digests: false, ..OpenOptions::default() };
    assert!(Image::open(l.path(), &opts).unwrap().walk_layer(0, &mut |_| Ok(())).is_ok());
}

/// Offset in `archive` of the first content byte of the layer tar `layer` (its first file's data).
fn find_file_data(archive: &[u8], layer: &[u8]) -> usize {
    let start = archive.windows(layer.len()).position(|w| w == layer).unwrap();
    start + 512
}

#[test]
fn bad_digests_in_index_and_manifest() {
    let layer = tar_of(&[file("a", b"1")]);
    for bad in ["sha256:../../../etc/passwd", "sha256:ABC", "md5:d41d8cd98f00b204e9800998ecf8427e", "sha256"]
    {
        let l = Layout::single(std::slice::from_ref(&layer), None);
        l.index(serde_json::json!([{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": bad, "size": 1}]));
        let (e, msg) = expect_err(Image::open(l.path(), &OpenOptions::default()));
        assert!(matches!(e, ImageError::InvalidDigest { .. }), "{e:?}");
        assert!(msg.contains("index.json") && msg.contains(bad), "{msg}");
    }
    // A bad layer digest inside a manifest.
    let l = Layout::new();
    let config = config_json(&[sha(&layer)], "amd64");
    let cd = l.put(&config);
    let manifest =
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "config": {"digest": cd, "size": 1},
        "layers": [{"digest": "sha256:../../x", "size": 1}]}))
        .unwrap();
    let md = l.put(&manifest);
    l.index(serde_json::json!([{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": 1}]));
    let (e, msg) = expect_err(Image::open(l.path(), &OpenOptions::default()));
    assert!(matches!(e, ImageError::InvalidDigest { .. }), "{e:?}");
    assert!(msg.contains("layers[0]"), "{msg}");
}

#[test]
fn missing_blobs_and_broken_json() {
    let layer = tar_of(&[file("a", b"1")]);
    let l = Layout::single(std::slice::from_ref(&layer), None);
    let missing = format!("sha256:{}", "0".repeat(64));
    l.index(serde_json::json!([{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": missing, "size": 1}]));
    let (e, msg) = expect_err(Image::open(l.path(), &OpenOptions::default()));
    assert!(matches!(e, ImageError::MissingBlob { .. }), "{e:?}");
    assert!(msg.contains(&"0".repeat(64)), "{msg}");

    // manifest.json that is not JSON.
    let (_d, p) = write_tmp(&tar_of(&[file("manifest.json", b"{not json")]));
    let (e, msg) = expect_err(Image::open(&p, &OpenOptions::default()));
    assert!(matches!(e, ImageError::Json { .. }), "{e:?}");
    assert!(msg.contains("image.tar") && msg.contains("manifest.json"), "{msg}");

    // A manifest blob that is not JSON (its digest is right).
    let l = Layout::new();
    let md = l.put(b"\x00\x01 not json");
    l.index(serde_json::json!([{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": 1}]));
    let (e, msg) = expect_err(Image::open(l.path(), &OpenOptions::default()));
    assert!(matches!(e, ImageError::Json { .. }), "{e:?}");
    assert!(msg.contains(&md), "{msg}");

    // A docker archive whose manifest names a config that is not there.
    let bytes = tar_of(&[file("manifest.json", br#"[{"Config":"nope.json","RepoTags":null,"Layers":[]}]"#)]);
    let (_d, p) = write_tmp(&bytes);
    let (e, msg) = expect_err(Image::open(&p, &OpenOptions::default()));
    assert!(matches!(e, ImageError::MissingBlob { .. }), "{e:?}");
    assert!(msg.contains("nope.json"), "{msg}");
}

#[test]
fn oversized_json_compressed_archives_and_unknown_files() {
    let layer = tar_of(&[file("a", b"1")]);
    let l = Layout::single(std::slice::from_ref(&layer), None);
    let opts =
        OpenOptions { limits: Limits { max_json_bytes: 64, ..Limits::default() }, ..OpenOptions::default() };
    let (e, msg) = expect_err(Image::open(l.path(), &opts));
    assert!(matches!(e, ImageError::JsonTooLarge { limit: 64, .. }), "{e:?}");
    assert!(msg.contains("max_json_bytes"), "{msg}");

    let archive = docker_archive(&[(vec!["t:1"], vec![layer])], &[]);
    let (_d, p) = write_tmp(&gzip(&archive));
    let (e, msg) = expect_err(Image::open(&p, &OpenOptions::default()));
    assert!(matches!(e, ImageError::UnknownFormat { .. }), "{e:?}");
    assert!(msg.contains("gzip"), "{msg}");

    let (_d, p) = write_tmp(&tar_of(&[file("hello.txt", b"hi")]));
    let (e, _) = expect_err(Image::open(&p, &OpenOptions::default()));
    assert!(matches!(e, ImageError::UnknownFormat { .. }), "{e:?}");
    let (e, _) = expect_err(Image::open(Path::new("/nonexistent/image.tar"), &OpenOptions::default()));
    assert!(matches!(e, ImageError::Io { .. }), "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// Never panic

fn try_everything(bytes: &[u8]) {
    let (_d, p) = write_tmp(bytes);
    let opts = OpenOptions {
        limits: Limits {
            max_layer_bytes: 1 << 20,
            max_total_bytes: 4 << 20,
            max_entries: 1000,
            max_json_bytes: 1 << 16,
        },
        ..OpenOptions::default()
    };
    if let Ok(image) = Image::open(&p, &opts) {
        let _ = walk_all(&image);
    }
}

fn small_archive() -> Vec<u8> {
    let layer = tar_of(&[file("etc/a", b"hello"), file("usr/.wh.b", b""), symlink("c", "/etc/a")]);
    docker_archive(&[(vec!["t:1"], vec![layer])], &[])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        try_everything(&bytes);
    }

    #[test]
    fn mutated_archives_never_panic(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), cut in any::<prop::sample::Index>()) {
        let mut bytes = small_archive();
        for (i, b) in edits {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        try_everything(&bytes);
        let len = cut.index(bytes.len());
        try_everything(&bytes[..len]);
    }
}

#[test]
fn small_archive_is_valid() {
    let (_d, p) = write_tmp(&small_archive());
    let image = open(&p);
    assert_eq!(
        walk_all(&image).unwrap(),
        vec!["File etc/a 5", "Whiteout usr/b 0", "Symlink { target: \"/etc/a\" } c 0"]
    );
    let (e, msg) = expect_err(image.walk_layer(0, &mut |e| e.read_to_vec(2).map(|_| ())));
    assert!(matches!(e, ImageError::EntryTooLarge { size: 5, cap: 2, .. }), "{e:?}");
    assert!(msg.contains("\"etc/a\"") && msg.contains("layer 0"), "{msg}");
    let (e, msg) = expect_err(image.walk_layer(0, &mut |e| Err(e.visitor_error("boom"))));
    assert!(matches!(e, ImageError::Visitor { .. }), "{e:?}");
    assert!(msg.contains("image.tar") && msg.contains("etc/a") && msg.ends_with("boom"), "{msg}");
}
