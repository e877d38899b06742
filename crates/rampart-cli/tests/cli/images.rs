//! `rampart image` on the real images built by `../shared/targets/build.sh` (and `checks.sh` for
//! the podman-built one): the package set must contain the peer's (Trivy 0.76) on every image
//! and format, OS packages must match exactly (name, version, source package) so that packages a
//! later layer purged are not reported, layers are attributed, and the cache gives the same
//! report.
//!
//! The peer's reference inventories are read from `$RAMPART_TARGETS/reference/` when `.ci/run`
//! made them from the very images under test (the Debian layer follows the mirror's point
//! release), else from `../shared/targets/reference/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{Dir, rampart, reference_file, report_packages, targets_dir};

/// (purl type, name, version, source name, source version); the source is empty for language
/// packages.
type Key = (String, String, String, String, String);

fn reference(file: &str) -> Value {
    let path = reference_file(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("reference is JSON")
}

fn prop<'a>(c: &'a Value, name: &str) -> Option<&'a str> {
    c["properties"].as_array()?.iter().find(|p| p["name"] == name)?["value"].as_str()
}

fn norm_name(ty: &str, name: &str) -> String {
    match ty {
        "pypi" => name.to_ascii_lowercase().replace(['_', '.'], "-"),
        _ => name.to_string(),
    }
}

fn trivy_keys(file: &str) -> BTreeSet<Key> {
    let bom = reference(file);
    bom["components"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["type"] == "library")
        .filter_map(|c| {
            let purl = c["purl"].as_str()?;
            let ty = purl.strip_prefix("pkg:")?.split('/').next()?.to_string();
            let mut name = c["name"].as_str()?.to_string();
            if let Some(group) = c["group"].as_str().filter(|g| !g.is_empty()) {
                name = match ty.as_str() {
                    "maven" => format!("{group}:{name}"),
                    _ => format!("{group}/{name}"),
                };
            }
            let (src, src_version) = if ty == "deb" {
                // Trivy splits the source version into epoch, upstream version and release.
                let epoch =
                    prop(c, "aquasecurity:trivy:SrcEpoch").map(|e| format!("{e}:")).unwrap_or_default();
                let release =
                    prop(c, "aquasecurity:trivy:SrcRelease").map(|r| format!("-{r}")).unwrap_or_default();
                (
                    prop(c, "aquasecurity:trivy:SrcName").unwrap_or_default().to_string(),
                    format!(
                        "{epoch}{}{release}",
                        prop(c, "aquasecurity:trivy:SrcVersion").unwrap_or_default()
                    ),
                )
            } else {
                (String::new(), String::new())
            };
            Some((
                ty.clone(),
                norm_name(&ty, &name),
                c["version"].as_str().unwrap_or_default().to_string(),
                src,
                src_version,
            ))
        })
        .collect()
}

pub fn image_json(args: &[&str]) -> Value {
    let out = rampart()
        .arg("image")
        .args(args)
        .args(["--format", "json", "--quiet", "--no-cache"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "rampart image {args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn packages(report: &Value) -> Vec<Value> {
    report_packages(report)
}

fn rampart_keys(report: &Value) -> BTreeSet<Key> {
    packages(report)
        .iter()
        .filter_map(|p| {
            let purl = p["purl"].as_str()?;
            let ty = purl.strip_prefix("pkg:")?.split('/').next()?.to_string();
            let (src, src_version) = if ty == "deb" {
                (
                    p["source"]["name"].as_str().unwrap_or_default().to_string(),
                    p["source"]["version"].as_str().unwrap_or_default().to_string(),
                )
            } else {
                (String::new(), String::new())
            };
            Some((
                ty.clone(),
                norm_name(&ty, p["name"].as_str()?),
                p["version"].as_str()?.to_string(),
                src,
                src_version,
            ))
        })
        .collect()
}

fn image(name: &str) -> PathBuf {
    let p = targets_dir().join("images").join(name);
    assert!(p.exists(), "{} is missing: build the targets (`.ci/run`)", p.display());
    p
}

/// Rampart's set contains the peer's; for OS packages the two sets are equal.
fn check(input: &Path, reference_file: &str) -> Value {
    let report = image_json(&["--input", input.to_str().expect("utf-8 path")]);
    let ours = rampart_keys(&report);
    let theirs = trivy_keys(reference_file);
    assert!(!theirs.is_empty(), "empty reference {reference_file}");
    let missing: Vec<_> = theirs.difference(&ours).collect();
    assert!(
        missing.is_empty(),
        "{}: packages the peer found and Rampart did not: {missing:#?}",
        input.display()
    );
    let debs = |s: &BTreeSet<Key>| s.iter().filter(|k| k.0 == "deb").cloned().collect::<BTreeSet<_>>();
    let extra: Vec<_> = debs(&ours).difference(&debs(&theirs)).cloned().collect();
    assert!(extra.is_empty(), "{}: OS packages the peer does not list: {extra:#?}", input.display());
    report
}

#[test]
fn minbase_docker_archive() {
    let report = check(&image("debian12-minbase.docker.tar"), "image-debian12-minbase.docker.cdx.json");
    assert_eq!(report["artifact_kind"], "container_image");
    assert_eq!(report["os"]["family"], "Debian");
    assert_eq!(report["os"]["release"], "12");
    assert_eq!(report["image"]["layers"].as_array().map(Vec::len), Some(1));
}

#[test]
fn layered_docker_archive_drops_the_purged_package() {
    let report = check(&image("debian12-layered.docker.tar"), "image-debian12-layered.docker.cdx.json");
    let pkgs = packages(&report);
    assert!(pkgs.iter().all(|p| p["name"] != "less"), "less was purged by layer 4 but is reported");
    // curl came with the second layer, libc6 with the base.
    let layer_of = |name: &str| {
        pkgs.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{name} missing"))["layer"]["index"]
            .as_u64()
    };
    assert_eq!(layer_of("curl"), Some(1));
    assert_eq!(layer_of("libc6"), Some(0));
    let curl = pkgs.iter().find(|p| p["name"] == "curl").expect("curl");
    assert!(curl["purl"].as_str().expect("purl").contains("distro=debian-12."), "{curl}");
    let diff_ids: Vec<&str> = report["image"]["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["diff_id"].as_str().expect("diff_id"))
        .collect();
    assert_eq!(curl["layer"]["diff_id"].as_str(), diff_ids.get(1).copied());
}

#[test]
fn apps_docker_archive() {
    let report = check(&image("debian12-apps.docker.tar"), "image-debian12-apps.docker.cdx.json");
    let pkgs = packages(&report);
    let django = pkgs.iter().find(|p| p["name"] == "Django").expect("Django");
    assert_eq!(django["layer"]["index"], 4, "{django}");
    assert!(django["layer"]["created_by"].as_str().is_some_and(|s| !s.is_empty()), "{django}");
    // python3-yaml's egg-info belongs to the deb: not a second, PyPI, copy.
    assert!(
        !pkgs.iter().any(|p| p["ecosystem"] == "PyPI"
            && p["locations"].as_array().into_iter().flatten().any(|l| l["path"]
                .as_str()
                .is_some_and(|s| s.starts_with("usr/lib/python3/dist-packages/")))),
        "dpkg-owned Python packages reported as PyPI"
    );
}

#[test]
fn apps_oci_layout_gzip() {
    check(&image("debian12-apps.oci"), "image-debian12-apps.oci-dir.cdx.json");
}

#[test]
fn apps_oci_layout_zstd() {
    check(&image("debian12-apps.zstd.oci"), "image-debian12-apps.zstd-oci-dir.cdx.json");
}

#[test]
fn apps_oci_archive_which_the_peer_cannot_read() {
    check(&image("debian12-apps.oci.tar"), "image-debian12-apps.docker.cdx.json");
}

#[test]
fn podman_built_image_with_opaque_whiteouts() {
    check(&image("debian12-podman-built.docker.tar"), "image-debian12-podman-built.docker.cdx.json");
    check(&image("debian12-podman-built.oci.tar"), "image-debian12-podman-built.docker.cdx.json");
}

/// All formats of one image give the same inventory.
#[test]
fn every_format_gives_the_same_packages() {
    let a =
        rampart_keys(&image_json(&["--input", image("debian12-apps.docker.tar").to_str().expect("path")]));
    for other in ["debian12-apps.oci", "debian12-apps.oci.tar", "debian12-apps.zstd.oci"] {
        let b = rampart_keys(&image_json(&["--input", image(other).to_str().expect("path")]));
        assert_eq!(a, b, "{other} differs from the docker archive");
    }
}

/// The cached layer files (`layers/<analysis fingerprint>/<diff-id>.json`).
fn cached_layers(cache: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(cache.join("layers")).expect("layers cached").flatten() {
        for f in std::fs::read_dir(dir.path()).expect("fingerprint dir").flatten() {
            out.push(f.path());
        }
    }
    out
}

fn strip_volatile(mut v: Value) -> Value {
    v["created_at"] = Value::Null;
    v
}

#[test]
fn the_layer_cache_gives_the_same_report_and_can_be_cleaned() {
    let cache = Dir::new();
    let input = image("debian12-layered.docker.tar");
    let run = |scanners: &str| {
        let out = rampart()
            .args(["image", "--input"])
            .arg(&input)
            .args(["--scanners", scanners, "--format", "json", "--quiet", "--cache-dir"])
            .arg(cache.path())
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        strip_volatile(serde_json::from_slice(&out.stdout).expect("json"))
    };
    let cold = run("none");
    let cached = cached_layers(cache.path());
    assert_eq!(cached.len(), 4, "one cache entry per layer");
    let warm = run("none");
    assert_eq!(cold, warm, "a cached scan must report exactly what a cold one does");
    // The secret scanner keeps its own entry per layer; the deleted flags and layers of its
    // findings come out the same from the cache.
    let cold = run("secret");
    assert_eq!(cached_layers(cache.path()).len(), 8, "a secret entry per layer too");
    let found: usize =
        cold["results"].as_array().unwrap().iter().map(|r| r["secrets"].as_array().unwrap().len()).sum();
    assert_eq!(found, 5, "{}", cold["results"]);
    let warm = run("secret");
    assert_eq!(cold, warm, "cached secrets must be reported exactly as searched ones");
    let out = rampart().args(["cache", "clean", "--cache-dir"]).arg(cache.path()).output().expect("run");
    assert!(out.status.success());
    assert!(!cache.path().join("layers").exists());
}

/// A layer with `../` in an entry path is refused with an error naming the layer, not scanned.
#[test]
fn a_hostile_layer_is_an_error_naming_it() {
    let dir = Dir::new();
    let layer = {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        let data = b"root:x:0:0::/root:/bin/sh\n";
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        // `append_data` refuses `..`; write the name bytes directly like a hostile tool would.
        h.as_old_mut().name[..16].copy_from_slice(b"../../etc/passwd");
        h.set_cksum();
        b.append(&h, &data[..]).expect("append");
        b.into_inner().expect("tar")
    };
    let diff_id = format!("sha256:{}", sha256_hex(&layer));
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created_by": "ADD evil.tar /"}]
    })
    .to_string();
    let config_name = format!("{}.json", sha256_hex(config.as_bytes()));
    let manifest =
        serde_json::json!([{"Config": config_name, "RepoTags": ["evil:latest"], "Layers": ["layer.tar"]}])
            .to_string();
    let archive = {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in [
            ("manifest.json", manifest.as_bytes()),
            (config_name.as_str(), config.as_bytes()),
            ("layer.tar", &layer[..]),
        ] {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, data).expect("append");
        }
        b.into_inner().expect("tar")
    };
    let path = dir.write("evil.docker.tar", archive);
    let out = rampart().args(["image", "--quiet", "--no-cache", "--input"]).arg(&path).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("../../etc/passwd") && err.contains("layer"), "{err}");
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// OS vulnerabilities end to end on the real Debian image. The pack has no Debian 12 advisories
/// (osv.dev keeps Debian's OSV records outside git), so this test writes records of the shape
/// Debian's OSV export has — keyed by release and SOURCE package — around the image's real
/// openssl version: one fixed above it, one for Debian 11 that must not apply, one with no fix.
#[test]
fn os_vulnerabilities_match_by_release_and_source_package() {
    let input = image("debian12-layered.docker.tar");
    let inventory = image_json(&["--input", input.to_str().expect("path"), "--scanners", "none"]);
    let pkgs = packages(&inventory);
    let libssl = pkgs.iter().find(|p| p["name"] == "libssl3").expect("libssl3 in the image");
    assert_eq!(libssl["source"]["name"], "openssl");
    let installed = libssl["source"]["version"].as_str().expect("source version").to_string();

    let dir = Dir::new();
    let record = |id: &str, eco: &str, fixed: Option<&str>| {
        let mut events = vec![serde_json::json!({"introduced": "0"})];
        if let Some(f) = fixed {
            events.push(serde_json::json!({"fixed": f}));
        }
        serde_json::json!({
            "schema_version": "1.6.0", "id": id, "modified": "2026-11-01T00:00:00Z",
            "aliases": [format!("CVE-2099-{}", &id[id.len() - 4..])],
            "summary": "test record around the image's real openssl version",
            "affected": [{"package": {"ecosystem": eco, "name": "openssl"},
                          "ranges": [{"type": "ECOSYSTEM", "events": events}]}]
        })
        .to_string()
    };
    dir.write(
        "osv/DEBIAN-TEST-0001.json",
        record("DEBIAN-TEST-0001", "Debian:12", Some(&format!("{installed}+fix1"))),
    );
    dir.write(
        "osv/DEBIAN-TEST-0002.json",
        record("DEBIAN-TEST-0002", "Debian:11", Some(&format!("{installed}+fix1"))),
    );
    dir.write("osv/DEBIAN-TEST-0003.json", record("DEBIAN-TEST-0003", "Debian:12", None));
    let db = dir.path().join("db.sqlite");
    let out = rampart()
        .args(["db", "build", "--quiet", "--db"])
        .arg(&db)
        .arg("--from")
        .arg(dir.path().join("osv"))
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let scan = |extra: &[&str]| {
        let out = rampart()
            .args(["image", "--quiet", "--no-cache", "--format", "json", "--input"])
            .arg(&input)
            .arg("--db")
            .arg(&db)
            .args(extra)
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).expect("json");
        report["results"]
            .as_array()
            .expect("results")
            .iter()
            .flat_map(|r| r["vulnerabilities"].as_array().cloned().unwrap_or_default())
            .map(|v| {
                (
                    v["package_name"].as_str().unwrap_or_default().to_string(),
                    v["id"].as_str().unwrap_or_default().to_string(),
                    v["status"].as_str().unwrap_or_default().to_string(),
                    v["layer"]["index"].as_u64(),
                )
            })
            .collect::<BTreeSet<_>>()
    };
    let openssl_binaries: BTreeSet<String> = pkgs
        .iter()
        .filter(|p| p["source"]["name"] == "openssl")
        .map(|p| p["name"].as_str().expect("name").to_string())
        .collect();
    assert!(
        openssl_binaries.contains("openssl") && openssl_binaries.contains("libssl3"),
        "{openssl_binaries:?}"
    );
    let found = scan(&[]);
    let layer =
        |name: &str| pkgs.iter().find(|p| p["name"] == name).and_then(|p| p["layer"]["index"].as_u64());
    let mut expected = BTreeSet::new();
    for name in &openssl_binaries {
        expected.insert((name.clone(), "CVE-2099-0001".to_string(), "fixed".to_string(), layer(name)));
        expected.insert((name.clone(), "CVE-2099-0003".to_string(), "affected".to_string(), layer(name)));
    }
    assert_eq!(found, expected);
    let fixed_only = scan(&["--ignore-unfixed"]);
    assert!(fixed_only.iter().all(|(_, id, _, _)| id == "CVE-2099-0001"), "{fixed_only:?}");
    assert_eq!(fixed_only.len(), openssl_binaries.len());
}

#[path = "../../../rampart-registry/tests/support/mod.rs"]
pub mod registry_support;

/// `rampart image REF` against a real registry (Debian's docker-registry on loopback, filled by
/// skopeo): the same packages as the archive; with a warm cache no layer is downloaded again;
/// basic auth is required when the registry asks for it.
#[test]
fn registry_pull_matches_the_archive_and_reuses_the_cache() {
    let reg = registry_support::Registry::start(Some(("scanner", "s3cret")));
    let oci = image("debian12-apps.oci");
    let out = std::process::Command::new("skopeo")
        .args(["copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", "scanner:s3cret"])
        .arg(format!("oci:{}:latest", oci.display()))
        .arg(format!("docker://{}/scanner-targets/debian12-apps:v1", reg.host()))
        .output()
        .expect("skopeo");
    assert!(out.status.success(), "skopeo: {}", String::from_utf8_lossy(&out.stderr));
    let reference = format!("{}/scanner-targets/debian12-apps:v1", reg.host());
    let cache = Dir::new();
    let pull_with = |scanners: &str, extra: &[&str]| {
        rampart()
            .args([
                "image",
                &reference,
                "--insecure",
                "--format",
                "json",
                "--scanners",
                scanners,
                "--cache-dir",
            ])
            .arg(cache.path())
            .args(extra)
            .env("DOCKER_CONFIG", cache.path().join("no-docker-config"))
            .output()
            .expect("run")
    };
    let pull = |extra: &[&str]| pull_with("none", extra);
    let denied = pull(&[]);
    assert_eq!(denied.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&denied.stderr).to_lowercase().contains("auth"),
        "{}",
        String::from_utf8_lossy(&denied.stderr)
    );

    let creds = ["--username", "scanner", "--password", "s3cret"];
    let cold = pull(&creds);
    assert!(cold.status.success(), "{}", String::from_utf8_lossy(&cold.stderr));
    assert!(
        String::from_utf8_lossy(&cold.stderr).contains("pulled 7 of 7 layers"),
        "{}",
        String::from_utf8_lossy(&cold.stderr)
    );
    let cold: Value = serde_json::from_slice(&cold.stdout).expect("json");
    let archive = image_json(&["--input", image("debian12-apps.docker.tar").to_str().expect("path")]);
    assert_eq!(rampart_keys(&cold), rampart_keys(&archive));
    assert_eq!(cold["image"]["layers"].as_array().map(Vec::len), Some(7));
    assert!(
        cold["image"]["manifest_digest"].as_str().is_some_and(|d| d.starts_with("sha256:")),
        "{}",
        cold["image"]
    );

    // Warm: every layer is in the cache, so nothing but the manifest and config is fetched.
    let before = cached_layers(cache.path()).len();
    let warm = pull(&creds);
    assert!(warm.status.success(), "{}", String::from_utf8_lossy(&warm.stderr));
    assert!(
        String::from_utf8_lossy(&warm.stderr).contains("pulled 0 of 7 layers"),
        "{}",
        String::from_utf8_lossy(&warm.stderr)
    );
    let warm: Value = serde_json::from_slice(&warm.stdout).expect("json");
    assert_eq!(rampart_keys(&warm), rampart_keys(&cold));
    assert_eq!(cached_layers(cache.path()).len(), before);
    // The secret scanner reads the layers its part of the cache lacks: all of them once, none
    // the second time.
    for (round, pulled) in [(1, "pulled 7 of 7 layers"), (2, "pulled 0 of 7 layers")] {
        let out = pull_with("secret", &creds);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.contains(pulled), "secret scan {round}: {stderr}");
    }
    // No pulled blob is left behind in the cache.
    let leftovers: Vec<_> = std::fs::read_dir(cache.path().join("registry")).expect("pull dir").collect();
    assert!(leftovers.is_empty(), "pull directories left: {leftovers:?}");
}
