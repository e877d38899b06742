//! Pulls from a real registry: Debian's `docker-registry` (CNCF distribution) on 127.0.0.1, filled with the
//! images of `$RAMPART_TARGETS/images` (default `<workspace>/target/rampart-targets/images`) by `skopeo copy`.
//! A missing image, `docker-registry`, `skopeo` or `htpasswd` fails the test: nothing passes silently.

mod support;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Instant;

use support::{Registry, require};

use base64::Engine as _;
use rampart_registry::manifest::{DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST};
use rampart_registry::{PullEvent, PulledImage, RegistryError, RegistryOptions, pull_to_layout};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

// ---------------------------------------------------------------------------------------------------------
// Helpers

fn targets_images() -> PathBuf {
    let root = match std::env::var_os("RAMPART_TARGETS") {
        Some(t) => PathBuf::from(t),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/rampart-targets"),
    };
    root.join("images")
}

fn image_dir(name: &str) -> PathBuf {
    let dir = targets_images().join(name);
    assert!(
        dir.join("index.json").is_file(),
        "test image {} is missing: build the targets (../shared/targets/build.sh) and set RAMPART_TARGETS",
        dir.display()
    );
    dir
}

fn insecure() -> RegistryOptions {
    RegistryOptions {
        insecure: true,
        docker_config: Some(empty_docker_config()),
        ..RegistryOptions::default()
    }
}

/// A Docker config with no credentials, so the developer's own file is never read.
fn empty_docker_config() -> PathBuf {
    let path = std::env::temp_dir().join(format!("rampart-registry-test-empty-{}.json", std::process::id()));
    std::fs::write(&path, "{}").expect("write empty docker config");
    path
}

fn sha256_file(path: &Path) -> String {
    format!("sha256:{:x}", Sha256::digest(std::fs::read(path).expect("read blob")))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display())))
        .unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

fn blob(dir: &Path, digest: &str) -> PathBuf {
    dir.join("blobs/sha256").join(digest.strip_prefix("sha256:").expect("sha256 digest"))
}

/// The source image of an OCI layout dir: (manifest digest, layer digests, diff_ids).
fn source_image(dir: &Path) -> (String, Vec<String>, Vec<String>) {
    let index = read_json(&dir.join("index.json"));
    let digest = index["manifests"][0]["digest"].as_str().expect("manifest digest").to_string();
    let manifest = read_json(&blob(dir, &digest));
    let layers = manifest["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["digest"].as_str().unwrap().to_string())
        .collect();
    let config = read_json(&blob(dir, manifest["config"]["digest"].as_str().expect("config digest")));
    let diff_ids = config["rootfs"]["diff_ids"]
        .as_array()
        .expect("diff_ids")
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    (digest, layers, diff_ids)
}

/// Check a pulled layout: every blob's sha256 equals its name, no temp file is left, `index.json` points at
/// the manifest with the ref name, the config's diff_ids are the image's, wanted layers are present and the
/// others absent.
fn verify_layout(dir: &Path, pulled: &PulledImage, want_diff_ids: &[String]) {
    assert_eq!(read_json(&dir.join("oci-layout")), json!({"imageLayoutVersion": "1.0.0"}));
    for entry in std::fs::read_dir(dir.join("blobs/sha256")).expect("blobs dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(!name.starts_with(".tmp"), "temp file left: {}", path.display());
        assert_eq!(
            sha256_file(&path),
            format!("sha256:{name}"),
            "blob {} does not match its name",
            path.display()
        );
    }
    let index = read_json(&dir.join("index.json"));
    let entry = index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == pulled.ref_name.as_str())
        .unwrap_or_else(|| panic!("no index entry named {}: {index}", pulled.ref_name));
    assert_eq!(entry["digest"], pulled.manifest_digest.as_str());
    assert_eq!(entry["mediaType"], pulled.manifest_media_type.as_str());
    let manifest_path = blob(dir, &pulled.manifest_digest);
    assert_eq!(entry["size"], std::fs::metadata(&manifest_path).unwrap().len());
    let manifest = read_json(&manifest_path);
    assert_eq!(manifest["config"]["digest"], pulled.config_digest.as_str());
    let config = read_json(&blob(dir, &pulled.config_digest));
    let diff_ids: Vec<&str> =
        config["rootfs"]["diff_ids"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert_eq!(diff_ids, want_diff_ids);
    let got: Vec<&str> = pulled.layers.iter().map(|l| l.diff_id.as_str()).collect();
    assert_eq!(got, want_diff_ids);
    for (l, m) in pulled.layers.iter().zip(manifest["layers"].as_array().unwrap()) {
        assert_eq!(m["digest"], l.digest.as_str());
        assert_eq!(m["mediaType"], l.media_type.as_str());
        assert_eq!(m["size"], l.size);
        assert_eq!(blob(dir, &l.digest).is_file(), l.present, "layer {} presence", l.digest);
    }
}

fn pull(reference: &str, dir: &Path, opts: &RegistryOptions) -> Result<PulledImage, RegistryError> {
    pull_to_layout(reference, dir, opts, &|_| true, &|_| {})
}

// ---------------------------------------------------------------------------------------------------------
// Anonymous registry: OCI, Docker v2s2, zstd, digests, multi-platform, layer selection, re-pull, tampering.

#[test]
fn anonymous_registry() {
    let apps = image_dir("debian12-apps.oci");
    let apps_zstd = image_dir("debian12-apps.zstd.oci");
    let minbase = image_dir("debian12-minbase.oci");
    let reg = Registry::start(None);
    reg.push(&apps, "scanner-targets/debian12-apps:oci", &[]);
    reg.push(&apps, "scanner-targets/debian12-apps:v2s2", &["--format", "v2s2"]);
    reg.push(&apps_zstd, "scanner-targets/debian12-apps:zstd", &[]);
    let work = tempfile::tempdir().expect("tempdir");
    let multi = build_multi_platform(&minbase, &work.path().join("multi-src"));
    reg.push(&multi.dir, "scanner-targets/multi:latest", &["--all"]);

    let host = reg.host();
    let (apps_manifest, apps_layers, apps_diff_ids) = source_image(&apps);
    let opts = insecure();

    // OCI manifest, all layers, with progress events.
    let l1 = work.path().join("apps-oci");
    let events = RefCell::new(Vec::new());
    let t0 = Instant::now();
    let pulled =
        pull_to_layout(&format!("{host}/scanner-targets/debian12-apps:oci"), &l1, &opts, &|_| true, &|e| {
            events.borrow_mut().push(e)
        })
        .expect("pull OCI");
    let first = t0.elapsed();
    assert_eq!(pulled.reference, format!("{host}/scanner-targets/debian12-apps:oci"));
    assert_eq!(pulled.ref_name, pulled.reference);
    assert_eq!(pulled.manifest_digest, apps_manifest);
    assert_eq!(pulled.manifest_media_type, OCI_MANIFEST);
    assert_eq!(pulled.index_digest, None);
    assert_eq!(pulled.layers.iter().map(|l| l.digest.clone()).collect::<Vec<_>>(), apps_layers);
    assert_eq!(pulled.layers.len(), 7);
    assert!(pulled.layers.iter().all(|l| l.fetched && l.present));
    assert!(pulled.layers.iter().all(|l| l.media_type == "application/vnd.oci.image.layer.v1.tar+gzip"));
    verify_layout(&l1, &pulled, &apps_diff_ids);
    let events = events.into_inner();
    let total: u64 = pulled.layers.iter().map(|l| l.size).sum();
    assert!(
        matches!(&events[0], PullEvent::ManifestResolved { layers: 7, wanted_layers: 7, wanted_bytes, .. } if *wanted_bytes == total)
    );
    assert_eq!(events.iter().filter(|e| matches!(e, PullEvent::LayerStarted { .. })).count(), 7);
    assert_eq!(events.iter().filter(|e| matches!(e, PullEvent::LayerDone { fetched: true, .. })).count(), 7);
    let last_bytes: u64 = (0..7)
        .map(|i| {
            events
                .iter()
                .filter_map(|e| match e {
                    PullEvent::LayerProgress { index, bytes, .. } if *index == i => Some(*bytes),
                    _ => None,
                })
                .max()
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(last_bytes, total);

    // Re-pull: nothing fetched.
    let t0 = Instant::now();
    let again = pull(&format!("{host}/scanner-targets/debian12-apps:oci"), &l1, &opts).expect("re-pull");
    let repull = t0.elapsed();
    assert!(again.layers.iter().all(|l| !l.fetched && l.present));
    assert_eq!(again.manifest_digest, apps_manifest);
    verify_layout(&l1, &again, &apps_diff_ids);
    let index = read_json(&l1.join("index.json"));
    assert_eq!(index["manifests"].as_array().unwrap().len(), 1, "re-pull must replace the index entry");

    // A tampered layer blob is fetched again; the others are not.
    let victim = apps_layers[2].clone();
    std::fs::write(blob(&l1, &victim), b"tampered").unwrap();
    let fixed =
        pull(&format!("{host}/scanner-targets/debian12-apps:oci"), &l1, &opts).expect("pull after tamper");
    let refetched: Vec<&str> = fixed.layers.iter().filter(|l| l.fetched).map(|l| l.digest.as_str()).collect();
    assert_eq!(refetched, vec![victim.as_str()]);
    verify_layout(&l1, &fixed, &apps_diff_ids);

    // want_layer: only the last layer; the others stay absent.
    let l2 = work.path().join("apps-last-only");
    let last = apps_diff_ids.last().unwrap().clone();
    let skipped_events = RefCell::new(0usize);
    let partial = pull_to_layout(
        &format!("{host}/scanner-targets/debian12-apps:oci"),
        &l2,
        &opts,
        &|d| d == last,
        &|e| {
            if matches!(e, PullEvent::LayerSkipped { .. }) {
                *skipped_events.borrow_mut() += 1;
            }
        },
    )
    .expect("partial pull");
    assert_eq!(skipped_events.into_inner(), 6);
    assert_eq!(
        partial.layers.iter().map(|l| l.present).collect::<Vec<_>>(),
        vec![false, false, false, false, false, false, true]
    );
    verify_layout(&l2, &partial, &apps_diff_ids);
    assert_eq!(std::fs::read_dir(l2.join("blobs/sha256")).unwrap().count(), 3, "manifest, config, one layer");

    // All layers skipped, into a fresh layout (manifest + config only).
    let l3 = work.path().join("apps-none");
    let t0 = Instant::now();
    let none =
        pull_to_layout(&format!("{host}/scanner-targets/debian12-apps:oci"), &l3, &opts, &|_| false, &|_| {})
            .expect("pull no layers");
    let skipped = t0.elapsed();
    assert!(none.layers.iter().all(|l| !l.present && !l.fetched));
    verify_layout(&l3, &none, &apps_diff_ids);
    eprintln!(
        "debian12-apps (95 MiB OCI) from loopback registry: first pull {first:.2?}, re-pull (all present) {repull:.2?}, \
         pull with all layers skipped {skipped:.2?}"
    );

    // Docker v2 schema 2: stored as it is.
    let l4 = work.path().join("apps-v2s2");
    let v2 = pull(&format!("{host}/scanner-targets/debian12-apps:v2s2"), &l4, &opts).expect("pull v2s2");
    assert_eq!(v2.manifest_media_type, DOCKER_MANIFEST);
    assert!(v2.layers.iter().all(|l| l.media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip"));
    assert_eq!(v2.layers.iter().map(|l| l.digest.clone()).collect::<Vec<_>>(), apps_layers);
    verify_layout(&l4, &v2, &apps_diff_ids);
    let stored = read_json(&blob(&l4, &v2.manifest_digest));
    assert_eq!(stored["mediaType"], DOCKER_MANIFEST);
    assert_eq!(stored["config"]["mediaType"], "application/vnd.docker.container.image.v1+json");

    // zstd layers.
    let (zstd_manifest, zstd_layers, zstd_diff_ids) = source_image(&apps_zstd);
    assert_eq!(zstd_diff_ids, apps_diff_ids, "zstd image has the same uncompressed layers");
    let l5 = work.path().join("apps-zstd");
    let z = pull(&format!("{host}/scanner-targets/debian12-apps:zstd"), &l5, &opts).expect("pull zstd");
    assert_eq!(z.manifest_digest, zstd_manifest);
    assert_eq!(z.layers.iter().map(|l| l.digest.clone()).collect::<Vec<_>>(), zstd_layers);
    assert!(z.layers.iter().all(|l| l.media_type == "application/vnd.oci.image.layer.v1.tar+zstd"));
    verify_layout(&l5, &z, &zstd_diff_ids);

    // By digest.
    let l6 = work.path().join("apps-digest");
    let by_digest_ref = format!("{host}/scanner-targets/debian12-apps@{apps_manifest}");
    let d = pull(&by_digest_ref, &l6, &opts).expect("pull by digest");
    assert_eq!(d.reference, by_digest_ref);
    assert_eq!(d.ref_name, by_digest_ref);
    assert_eq!(d.manifest_digest, apps_manifest);
    verify_layout(&l6, &d, &apps_diff_ids);

    // Multi-platform index: default platform (linux + host arch), explicit arm64/v8, no match.
    let (_, _, minbase_diff_ids) = source_image(&minbase);
    let l7 = work.path().join("multi-default");
    let multi_ref = format!("{host}/scanner-targets/multi:latest");
    let m = pull(&multi_ref, &l7, &opts).expect("pull multi default");
    assert_eq!(m.index_digest.as_deref(), Some(multi.index_digest.as_str()));
    let host_arch = rampart_registry::manifest::host_arch();
    let expect = if host_arch == "arm64" { &multi.arm64_manifest } else { &multi.amd64_manifest };
    if host_arch == "amd64" || host_arch == "arm64" {
        assert_eq!(&m.manifest_digest, expect);
    }
    verify_layout(&l7, &m, &minbase_diff_ids);
    let l8 = work.path().join("multi-arm64");
    let arm =
        RegistryOptions { platform: Some(("linux".into(), "arm64".into(), Some("v8".into()))), ..insecure() };
    let a = pull(&multi_ref, &l8, &arm).expect("pull multi arm64");
    assert_eq!(a.manifest_digest, multi.arm64_manifest);
    assert_eq!(a.platform.as_deref(), Some("linux/arm64/v8"));
    verify_layout(&l8, &a, &minbase_diff_ids);
    assert_eq!(read_json(&blob(&l8, &a.config_digest))["architecture"], "arm64");
    let amd = RegistryOptions { platform: Some(("linux".into(), "amd64".into(), None)), ..insecure() };
    let b = pull(&multi_ref, &work.path().join("multi-amd64"), &amd).expect("pull multi amd64");
    assert_eq!(b.manifest_digest, multi.amd64_manifest);
    assert_eq!(b.platform.as_deref(), Some("linux/amd64"));
    let s390 = RegistryOptions { platform: Some(("linux".into(), "s390x".into(), None)), ..insecure() };
    match pull(&multi_ref, &work.path().join("multi-none"), &s390) {
        Err(RegistryError::NoMatchingPlatform { wanted, available, reference }) => {
            assert_eq!(wanted, "linux/s390x");
            assert_eq!(available, vec!["linux/amd64".to_string(), "linux/arm64/v8".to_string()]);
            assert_eq!(reference, multi_ref);
        }
        other => panic!("expected NoMatchingPlatform, got {other:?}"),
    }

    // Unknown tag and unknown repository: not found.
    for r in [
        format!("{host}/scanner-targets/debian12-apps:nope"),
        format!("{host}/scanner-targets/nothing:latest"),
    ] {
        match pull(&r, &work.path().join("missing"), &opts) {
            Err(e @ RegistryError::NotFound { .. }) => assert!(e.to_string().contains(&r), "{e}"),
            other => panic!("expected NotFound for {r}, got {other:?}"),
        }
    }

    // HTTPS against this plain-HTTP registry: a TLS error with a hint.
    let tls = RegistryOptions { insecure: false, ..insecure() };
    match pull(&format!("{host}/scanner-targets/debian12-apps:oci"), &work.path().join("tls"), &tls) {
        Err(e @ RegistryError::Tls { .. }) => assert!(e.to_string().contains("--insecure"), "{e}"),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

struct Multi {
    dir: PathBuf,
    index_digest: String,
    amd64_manifest: String,
    arm64_manifest: String,
}

fn write_blob(dir: &Path, bytes: &[u8]) -> (String, u64) {
    let digest = format!("sha256:{:x}", Sha256::digest(bytes));
    std::fs::write(blob(dir, &digest), bytes).expect("write blob");
    (digest, bytes.len() as u64)
}

/// An OCI layout whose `latest` is an image index of two images: the real minbase image (linux/amd64) and the
/// same layers with a copied config saying arm64/v8 (so another config and manifest digest).
fn build_multi_platform(minbase: &Path, dir: &Path) -> Multi {
    std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    for entry in std::fs::read_dir(minbase.join("blobs/sha256")).unwrap() {
        let src = entry.unwrap().path();
        let dst = dir.join("blobs/sha256").join(src.file_name().unwrap());
        if std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst).expect("copy blob");
        }
    }
    let (amd64_manifest, _, _) = source_image(minbase);
    let amd64_bytes = std::fs::read(blob(minbase, &amd64_manifest)).unwrap();
    let mut manifest: Value = serde_json::from_slice(&amd64_bytes).unwrap();
    let mut config = read_json(&blob(minbase, manifest["config"]["digest"].as_str().unwrap()));
    config["architecture"] = json!("arm64");
    config["variant"] = json!("v8");
    let (cfg_digest, cfg_size) = write_blob(dir, &serde_json::to_vec(&config).unwrap());
    manifest["config"]["digest"] = json!(cfg_digest);
    manifest["config"]["size"] = json!(cfg_size);
    let (arm64_manifest, arm64_size) = write_blob(dir, &serde_json::to_vec(&manifest).unwrap());
    let index = json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {"mediaType": OCI_MANIFEST, "digest": amd64_manifest, "size": amd64_bytes.len(),
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": OCI_MANIFEST, "digest": arm64_manifest, "size": arm64_size,
             "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        ]
    });
    let (index_digest, index_size) = write_blob(dir, &serde_json::to_vec(&index).unwrap());
    let top = json!({"schemaVersion": 2, "manifests": [{"mediaType": OCI_INDEX, "digest": index_digest, "size": index_size,
        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&top).unwrap()).unwrap();
    Multi { dir: dir.to_path_buf(), index_digest, amd64_manifest, arm64_manifest }
}

// ---------------------------------------------------------------------------------------------------------
// Registry with htpasswd basic auth.

#[test]
fn basic_auth_registry() {
    let minbase = image_dir("debian12-minbase.oci");
    let (_, _, diff_ids) = source_image(&minbase);
    let reg = Registry::start(Some(("rampart", "s3cret-pw")));
    require("skopeo", "skopeo");
    reg.push(&minbase, "private/minbase:1", &["--dest-creds", "rampart:s3cret-pw"]);
    let host = reg.host();
    let r = format!("{host}/private/minbase:1");
    let work = tempfile::tempdir().unwrap();

    // No credentials: refused.
    match pull(&r, &work.path().join("anon"), &insecure()) {
        Err(e @ RegistryError::Auth { .. }) => assert!(e.to_string().contains(&host), "{e}"),
        other => panic!("expected Auth without credentials, got {other:?}"),
    }
    // Wrong password: refused.
    let wrong =
        RegistryOptions { username: Some("rampart".into()), password: Some("wrong".into()), ..insecure() };
    assert!(matches!(pull(&r, &work.path().join("wrong"), &wrong), Err(RegistryError::Auth { .. })));
    // Right password.
    let right = RegistryOptions {
        username: Some("rampart".into()),
        password: Some("s3cret-pw".into()),
        ..insecure()
    };
    let dir = work.path().join("right");
    let p = pull(&r, &dir, &right).expect("pull with basic auth");
    verify_layout(&dir, &p, &diff_ids);

    // Docker config: base64 `auth` entry, and username/password fields.
    let b64 = base64::engine::general_purpose::STANDARD.encode("rampart:s3cret-pw");
    for (name, body) in [
        ("auth", json!({"auths": {host.clone(): {"auth": b64}}})),
        ("fields", json!({"auths": {host.clone(): {"username": "rampart", "password": "s3cret-pw"}}})),
    ] {
        let cfg = work.path().join(format!("{name}.json"));
        std::fs::write(&cfg, serde_json::to_vec(&body).unwrap()).unwrap();
        let opts = RegistryOptions { docker_config: Some(cfg), ..insecure() };
        let dir = work.path().join(format!("cfg-{name}"));
        let p = pull(&r, &dir, &opts).unwrap_or_else(|e| panic!("pull with docker config ({name}): {e}"));
        verify_layout(&dir, &p, &diff_ids);
    }
    // Docker config with a wrong password: refused.
    let bad = work.path().join("bad.json");
    let b64 = base64::engine::general_purpose::STANDARD.encode("rampart:nope");
    std::fs::write(&bad, serde_json::to_vec(&json!({"auths": {host.clone(): {"auth": b64}}})).unwrap())
        .unwrap();
    let opts = RegistryOptions { docker_config: Some(bad), ..insecure() };
    assert!(matches!(pull(&r, &work.path().join("bad"), &opts), Err(RegistryError::Auth { .. })));
}
