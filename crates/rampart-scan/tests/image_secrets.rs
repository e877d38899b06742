//! Secrets in images: every layer is searched, a file a later layer deletes or replaces is still
//! reported (it ships in the image) and marked `deleted`, a secret written again by a later
//! layer is reported once, and the image config (env, history commands) is searched too.

use rampart_image::{Image, OpenOptions};
use rampart_model::{ArtifactKind, Report};
use rampart_secrets::Scanner;

mod common;
use common::{docker_archive_with, layer};

const KEY: &[u8] = b"[default]\naws_access_key_id = AKIAQYLPMN5HFIQR7BQX\n";
const OTHER_KEY: &[u8] = b"[default]\naws_access_key_id = AKIAZ3MPL7QRWX2NB4TE\n";
const TOKEN: &[u8] = b"GITLAB_TOKEN=glpat-sM79C5FWyJeNjzYxLCTc\n";

/// (layer, target, line, rule, deleted) of every secret.
fn scan(
    layers: &[Vec<u8>],
    run_config: serde_json::Value,
    history: &[&str],
) -> Vec<(Option<u32>, String, u32, String, bool)> {
    let (_dir, path) = docker_archive_with(layers, run_config, history);
    let image = Image::open(&path, &OpenOptions::default()).expect("image opens");
    let mut report = Report::new("t", ArtifactKind::ContainerImage, "now");
    report.image = Some(image.metadata().clone());
    let scanner = Scanner::with_builtin_rules().unwrap();
    let stats = rampart_scan::secret::scan_image(&mut report, &image, &scanner).expect("scan");
    assert!(stats.files_scanned > 0);
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
