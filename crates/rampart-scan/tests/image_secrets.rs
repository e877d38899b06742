//! Secrets in images: every layer is searched, a file a later layer deletes or replaces is still
//! reported (it ships in the image) and marked `deleted`, a secret written again by a later
//! layer is reported once, and the image config (env, history commands) is searched too.

use rampart_image::{Image, OpenOptions};
use rampart_model::{ArtifactKind, Report};
use rampart_scan::image::LayerCache;
use rampart_scan::secret::SecretStats;
use rampart_secrets::Scanner;

mod common;
use common::{docker_archive_with, layer};

const KEY: &[u8] = b"[default]\naws_access_key_id = AKIAQYLPMN5HFIQR7BQX\n";
const OTHER_KEY: &[u8] = b"[default]\naws_access_key_id = AKIAZ3MPL7QRWX2NB4TE\n";
const TOKEN: &[u8] = b"GITLAB_TOKEN=glpat-sM79C5FWyJeNjzYxLCTc\n";

type Found = Vec<(Option<u32>, String, u32, String, bool)>;

/// (layer, target, line, rule, deleted) of every secret.
fn scan(layers: &[Vec<u8>], run_config: serde_json::Value, history: &[&str]) -> Found {
    let (_dir, path) = docker_archive_with(layers, run_config, history);
    let image = Image::open(&path, &OpenOptions::default()).expect("image opens");
    let scanner = Scanner::with_builtin_rules().unwrap();
    let (found, stats) = scan_image(&image, &scanner, None);
    assert!(stats.files_scanned > 0);
    found
}

fn scan_image(image: &Image, scanner: &Scanner, cache: Option<&LayerCache>) -> (Found, SecretStats) {
    let mut report = Report::new("t", ArtifactKind::ContainerImage, "now");
    report.image = Some(image.metadata().clone());
    let stats = rampart_scan::secret::scan_image(&mut report, image, scanner, cache).expect("scan");
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    (found(&report), stats)
}

fn found(report: &Report) -> Found {
    let mut out = Vec::new();
    for r in &report.results {
        for s in &r.secrets {
            out.push((
                s.layer.as_ref().map(|l| l.index),
                r.target.clone(),
                s.start_line,
                s.rule_id.clone(),
                s.deleted,
            ));
        }
    }
    out
}

#[test]
fn layer_results_are_cached_per_rule_set() {
    let layers = [
        layer(&[("root/.aws/credentials", KEY), ("etc/app/token.env", TOKEN)]),
        layer(&[("root/.aws/.wh.credentials", b""), ("srv/b.ini", OTHER_KEY)]),
    ];
    let (_dir, path) = docker_archive_with(&layers, serde_json::json!({}), &[]);
    let image = Image::open(&path, &OpenOptions::default()).expect("image opens");
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = LayerCache::new(cache_dir.path());
    let scanner = Scanner::with_builtin_rules().unwrap();

    let (cold, stats) = scan_image(&image, &scanner, Some(&cache));
    assert_eq!(stats.cached_layers, 0);
    assert_eq!(cold.len(), 3, "{cold:?}");
    let key = rampart_scan::secret::cache_key(&scanner);
    for l in &image.metadata().layers {
        assert!(cache.contains(&l.layer.diff_id, &key), "layer {} cached", l.layer.index);
    }
    // The cache never holds a secret.
    for entry in walk(cache_dir.path()) {
        let text = std::fs::read_to_string(&entry).unwrap();
        for secret in ["AKIAQYLPMN5HFIQR7BQX", "AKIAZ3MPL7QRWX2NB4TE", "glpat-sM79C5FWyJeNjzYxLCTc"] {
            assert!(!text.contains(secret), "{} holds {secret}", entry.display());
        }
    }

    let (warm, stats) = scan_image(&image, &scanner, Some(&cache));
    assert_eq!(stats.cached_layers, 2);
    assert_eq!(warm, cold, "cached layers give the same report, deleted flags included");

    // Other rules: other cache entries, the layers are searched again.
    let only_aws = Scanner::new(
        rampart_secrets::builtin_rules()
            .into_iter()
            .map(rampart_secrets::CustomRule::from)
            .filter(|r| r.id.starts_with("aws"))
            .collect(),
        rampart_secrets::ScanConfig::default(),
    )
    .unwrap();
    assert_ne!(rampart_scan::secret::cache_key(&only_aws), key);
    let (aws, stats) = scan_image(&image, &only_aws, Some(&cache));
    assert_eq!(stats.cached_layers, 0);
    assert_eq!(aws.len(), 2, "{aws:?}");

    // A damaged entry is searched again (and rewritten), never trusted.
    for entry in walk(cache_dir.path()) {
        std::fs::write(&entry, b"{not json").unwrap();
    }
    let (again, stats) = scan_image(&image, &scanner, Some(&cache));
    assert_eq!(stats.cached_layers, 0);
    assert_eq!(again, cold);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

fn row(
    layer: u32,
    target: &str,
    line: u32,
    rule: &str,
    deleted: bool,
) -> (Option<u32>, String, u32, String, bool) {
    (Some(layer), target.into(), line, rule.into(), deleted)
}

#[test]
fn deleted_replaced_and_rewritten_files() {
    let found = scan(
        &[
            layer(&[
                ("root/.aws/credentials", KEY),
                ("etc/app/token.env", TOKEN),
                ("opt/keys/a.ini", KEY),
                ("srv/kept.ini", KEY),
            ]),
            layer(&[
                // Deleted by a whiteout.
                ("root/.aws/.wh.credentials", b""),
                // Rewritten with the same token: still there, reported once (layer 0).
                ("etc/app/token.env", TOKEN),
                // Hidden by an opaque directory.
                ("opt/keys/.wh..wh..opq", b""),
                // Replaced by a file with another key: the first one is gone from the final view.
                ("srv/kept.ini", OTHER_KEY),
            ]),
        ],
        serde_json::json!({}),
        &[],
    );
    assert_eq!(
        found,
        [
            row(0, "etc/app/token.env", 1, "gitlab-token", false),
            row(0, "opt/keys/a.ini", 2, "aws-access-key-id", true),
            row(0, "root/.aws/credentials", 2, "aws-access-key-id", true),
            row(0, "srv/kept.ini", 2, "aws-access-key-id", true),
            row(1, "srv/kept.ini", 2, "aws-access-key-id", false),
        ]
    );
}

#[test]
fn the_image_config_is_searched_with_the_layer_of_each_history_line() {
    let found = scan(
        &[layer(&[("etc/hostname", b"box\n")]), layer(&[("app/readme.txt", b"hello\n")])],
        serde_json::json!({
            "Env": ["PATH=/usr/bin", "AWS_ACCESS_KEY_ID=AKIAQYLPMN5HFIQR7BQX"],
            "Labels": {"deploy.token": "glpat-sM79C5FWyJeNjzYxLCTc"}
        }),
        &[
            "COPY rootfs /",
            "/bin/sh -c git clone https://oauth2:glpat-Xk29LmQ7vRt3NpW8sYzA@gitlab.internal/app.git /app",
        ],
    );
    let config: Vec<_> = found.iter().filter(|f| f.1 == "image config").collect();
    let rules: Vec<(&str, Option<u32>)> = config.iter().map(|f| (f.3.as_str(), f.0)).collect();
    assert!(rules.contains(&("aws-access-key-id", None)), "{found:?}");
    assert!(
        rules.contains(&("gitlab-token", Some(1))),
        "the RUN line's token has the second layer: {found:?}"
    );
    assert_eq!(config.len(), 3, "{found:?}");
}

#[test]
fn secrets_of_the_image_config_are_redacted_in_the_whole_report() {
    let clone = "git clone https://oauth2:glpat-Xk29LmQ7vRt3NpW8sYzA@gitlab.internal/app.git /app";
    let (_dir, path) = docker_archive_with(
        &[layer(&[("etc/hostname", b"box\n")]), layer(&[("app/readme.txt", b"hello\n")])],
        serde_json::json!({
            "Env": ["AWS_ACCESS_KEY_ID=AKIAQYLPMN5HFIQR7BQX"],
            "Labels": {"deploy.token": "glpat-sM79C5FWyJeNjzYxLCTc"}
        }),
        &["COPY rootfs /", &format!("/bin/sh -c {clone}")],
    );
    let image = Image::open(&path, &OpenOptions::default()).expect("image opens");
    let mut report = Report::new("t", ArtifactKind::ContainerImage, "now");
    report.image = Some(image.metadata().clone());
    let scanner = Scanner::with_builtin_rules().unwrap();
    rampart_scan::secret::scan_image(&mut report, &image, &scanner, None).expect("scan");
    let json = serde_json::to_string(&report).unwrap();
    for secret in ["AKIAQYLPMN5HFIQR7BQX", "glpat-sM79C5FWyJeNjzYxLCTc", "glpat-Xk29LmQ7vRt3NpW8sYzA"] {
        assert!(!json.contains(secret), "{secret} is in the report: {json}");
    }
    let meta = report.image.as_ref().expect("the image metadata stays");
    assert!(meta.config.history.iter().any(|h| h.contains("oauth2:glpa")), "{:?}", meta.config.history);
    assert_eq!(meta.layers.len(), 2);
}

#[test]
fn binary_files_in_layers_are_skipped() {
    let mut elf = b"\x7fELF\0\0\0\0".to_vec();
    elf.extend_from_slice(KEY);
    let found = scan(
        &[layer(&[("usr/bin/tool", &elf), ("usr/share/x.png", KEY), ("etc/motd", b"hi\n")])],
        serde_json::json!({}),
        &[],
    );
    assert!(found.is_empty(), "{found:?}");
}
