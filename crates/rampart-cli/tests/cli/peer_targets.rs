//! The acceptance check of the inventory: on every real target built by
//! `../shared/targets/build.sh`, Rampart's (type, name, version) set must contain the one the peer
//! (Trivy 0.76) reported, in both its lockfile (`fs`) and installed (`rootfs`) views.
//!
//! The targets are found in `$RAMPART_TARGETS` (default `target/rampart-targets`, which `.ci/run`
//! builds). Missing targets fail the test: this check must never pass by not running.

use std::collections::BTreeSet;

use crate::util::{fs_json, reference_file, targets_dir};

type Key = (String, String, String);

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `pkg:type/namespace/name@version?qualifiers` → (type, full name, version), names normalised
/// the way the ecosystem compares them.
fn key_of_purl(purl: &str) -> Option<Key> {
    let rest = purl.strip_prefix("pkg:")?;
    let rest = rest.split(['?', '#']).next()?;
    let (ty, path) = rest.split_once('/')?;
    let (path, version) = match path.rsplit_once('@') {
        Some((p, v)) if !p.is_empty() => (p, percent_decode(v)),
        _ => (path, String::new()),
    };
    let mut name = percent_decode(path);
    if ty == "pypi" {
        name = name.to_ascii_lowercase().replace(['_', '.'], "-");
    }
    if ty == "maven" {
        name = name.replacen('/', ":", 1);
    }
    Some((ty.to_string(), name, version))
}

fn trivy_keys(file: &str) -> Option<BTreeSet<Key>> {
    let path = reference_file(file);
    let text = std::fs::read_to_string(&path).ok()?;
    let bom: serde_json::Value = serde_json::from_str(&text).expect("reference is JSON");
    Some(
        bom["components"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["type"] == "library")
            .filter_map(|c| c["purl"].as_str().and_then(key_of_purl))
            .collect(),
    )
}

fn rampart_keys(target: &str) -> BTreeSet<Key> {
    let path = targets_dir().join(target);
    let (code, report, out) = fs_json(&path, &[]);
    assert!(code == 0, "rampart fs {target} exited {code}: {}", String::from_utf8_lossy(&out.stderr));
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .flat_map(|r| r["packages"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["purl"].as_str().and_then(key_of_purl))
        .collect()
}

fn check(target: &str) {
    let ours = rampart_keys(&format!("fs/{target}"));
    let mut compared = 0;
    let mut missing = Vec::new();
    for view in ["fs", "rootfs-fs"] {
        let Some(theirs) = trivy_keys(&format!("{view}-{target}.cdx.json")) else { continue };
        compared += 1;
        missing.extend(theirs.difference(&ours).map(|k| format!("{view}: {k:?}")));
    }
    assert!(compared > 0, "no peer reference for {target}");
    assert!(
        missing.is_empty(),
        "{target}: packages the peer found and Rampart did not:\n{}",
        missing.join("\n")
    );
}

macro_rules! targets {
    ($($fn:ident => $name:literal,)*) => {
        $(#[test] fn $fn() { check($name); })*
    };
}

targets! {
    node_app => "node-app",
    node_npm_v1 => "node-npm-v1",
    node_pnpm_v9 => "node-pnpm-v9",
    node_yarn_v1 => "node-yarn-v1",
    python_app => "python-app",
    python_uv => "python-uv",
    python_site_packages => "python-site-packages",
    rust_app => "rust-app",
    rust_bin => "rust-bin",
    go_app => "go-app",
    java_app => "java-app",
}

/// A whole Debian root filesystem with applications: every package the peer found in `rootfs`
/// mode, the 132 dpkg packages included (exactly those: purged ones are not installed), and no
/// PyPI copy of a Python package that a deb installed.
#[test]
fn rootfs_debian12_apps_all_packages() {
    let ours = rampart_keys("rootfs/debian12-apps");
    let theirs: BTreeSet<Key> = trivy_keys("rootfs-debian12-apps.cdx.json").expect("reference");
    assert!(theirs.len() > 250, "reference has only {} packages", theirs.len());
    let missing: Vec<_> = theirs.difference(&ours).collect();
    assert!(missing.is_empty(), "packages the peer found and Rampart did not: {missing:#?}");
    let debs = |s: &BTreeSet<Key>| s.iter().filter(|k| k.0 == "deb").cloned().collect::<BTreeSet<_>>();
    assert_eq!(debs(&ours), debs(&theirs));
    assert_eq!(debs(&ours).len(), 132);
    // bookworm's python3-yaml ships PyYAML 6.0 metadata: it is the deb, not a PyPI install.
    let pyyaml: Vec<_> = ours.iter().filter(|k| k.0 == "pypi" && k.1 == "pyyaml").collect();
    assert_eq!(pyyaml, [&("pypi".to_string(), "pyyaml".to_string(), "5.3".to_string())]);
}

#[test]
fn purl_keys_normalise_like_the_ecosystems() {
    assert_eq!(
        key_of_purl("pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0%2Bincompatible"),
        Some(("golang".into(), "github.com/dgrijalva/jwt-go".into(), "v3.2.0+incompatible".into()))
    );
    assert_eq!(key_of_purl("pkg:pypi/Django_X@3.2"), Some(("pypi".into(), "django-x".into(), "3.2".into())));
    assert_eq!(
        key_of_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0"),
        Some(("maven".into(), "org.apache.logging.log4j:log4j-core".into(), "2.19.0".into()))
    );
    assert_eq!(
        key_of_purl("pkg:npm/%40babel/core@7.0.0"),
        Some(("npm".into(), "@babel/core".into(), "7.0.0".into()))
    );
    assert_eq!(
        key_of_purl("pkg:golang/example.com/vulngo"),
        Some(("golang".into(), "example.com/vulngo".into(), "".into()))
    );
}
