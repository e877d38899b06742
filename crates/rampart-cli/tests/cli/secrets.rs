//! `--scanners secret` on `fs` and `image`: the shared planted-secret fixture (scored by the
//! peers' script), the real targets against the peer's references, layers and deleted files,
//! redaction in every format, filters, inline allows, gitleaks configurations, exit codes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{Dir, fs_json, rampart, reference_file, shared_dir, targets_dir, validate};

/// (file, line, rule) of every secret in a JSON report.
fn secrets(report: &Value) -> Vec<(String, u64, String)> {
    let mut out = Vec::new();
    for r in report["results"].as_array().expect("results") {
        for s in r["secrets"].as_array().into_iter().flatten() {
            out.push((
                r["target"].as_str().unwrap().to_string(),
                s["start_line"].as_u64().unwrap(),
                s["rule_id"].as_str().unwrap().to_string(),
            ));
        }
    }
    out.sort();
    out
}

/// Writes the shared planted-secret fixture (15 secrets and decoys) into `dir`.
fn planted_fixture(dir: &Path) -> PathBuf {
    let script = shared_dir().join("peers/make-secrets-fixture.py");
    assert!(script.is_file(), "{} is missing", script.display());
    let status = std::process::Command::new("python3").arg(&script).arg(dir).status().expect("python3 runs");
    assert!(status.success(), "make-secrets-fixture.py failed");
    dir.join("tree")
}

#[test]
fn finds_every_planted_secret_without_false_alarms_by_the_peers_score() {
    let dir = Dir::new();
    let tree = planted_fixture(dir.path());
    let (code, report, _) = fs_json(&tree, &["--scanners", "secret"]);
    assert_eq!(code, 0);
    let plain: Vec<Value> = secrets(&report)
        .into_iter()
        .map(|(file, line, _)| serde_json::json!({"file": file, "line": line}))
        .collect();
    let hits = dir.write("rampart-plain.json", serde_json::to_vec(&plain).unwrap());
    let out = std::process::Command::new("python3")
        .arg(shared_dir().join("peers/score-secrets.py"))
        .arg(dir.path().join("EXPECTED.json"))
        .arg("plain")
        .arg(&hits)
        .output()
        .expect("score-secrets.py runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let score: Value = serde_json::from_slice(&out.stdout).expect("score JSON");
    assert_eq!(score["planted"], 15, "{score}");
    assert_eq!(score["tp"], 15, "{score}");
    assert_eq!(score["fp"], 0, "{score}");
}

/// The secret values planted in the fixture, read back from the planted lines (EXPECTED.json
/// names file and line; a private key's second line is its body): every run of 20+ token
/// characters that is not a plain identifier such as `AWS_SECRET_ACCESS_KEY`.
fn planted_values(fixture: &Path) -> Vec<String> {
    let expected: Value =
        serde_json::from_slice(&std::fs::read(fixture.join("EXPECTED.json")).unwrap()).unwrap();
    let mut values = Vec::new();
    for p in expected["planted"].as_array().unwrap() {
        let text = std::fs::read_to_string(fixture.join("tree").join(p["file"].as_str().unwrap())).unwrap();
        let mut line = p["line"].as_u64().unwrap() as usize;
        if p["kind"] == "private-key" {
            line += 1;
        }
        let line = text.lines().nth(line - 1).unwrap();
        let token = |c: char| c.is_ascii_alphanumeric() || "_-+/.:".contains(c);
        for run in line.split(|c: char| !token(c)) {
            let identifier = run.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                || run.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if run.len() >= 20 && !identifier {
                values.push(run.to_string());
            }
        }
    }
    values
}

#[test]
fn no_format_ever_prints_a_secret() {
    let dir = Dir::new();
    let tree = planted_fixture(dir.path());
    let values = planted_values(dir.path());
    assert!(values.len() >= 14, "too few values read back: {}", values.len());
    for format in ["table", "json", "sarif"] {
        let out = rampart()
            .arg("fs")
            .arg(&tree)
            .args(["--scanners", "secret", "--quiet", "--format", format])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("AKIA****"), "{format}: no redacted key in\n{text}");
        for v in &values {
            assert!(!text.contains(v.as_str()), "{format} output leaks {}…", &v[..4]);
        }
    }
}

#[test]
fn sarif_of_secrets_is_valid() {
    let dir = Dir::new();
    let tree = planted_fixture(dir.path());
    let sarif = dir.path().join("secrets.sarif");
    let out = rampart()
        .arg("fs")
        .arg(&tree)
        .args(["--scanners", "secret", "--quiet", "--format", "sarif", "--output"])
        .arg(&sarif)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let (ok, log) = validate("sarif", &sarif);
    assert!(ok, "{log}");
    let doc: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 15);
    let rules: BTreeSet<&str> = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rules.contains("aws-access-key-id") && rules.contains("private-key"), "{rules:?}");
}

/// The peer's rule ids, in ours.
fn our_rule(trivy: &str) -> &[&str] {
    match trivy {
        "github-pat" => &["github-pat-classic", "github-token-unverified"],
        "gitlab-pat" => &["gitlab-token"],
        "aws-access-key-id" => &["aws-access-key-id"],
        "aws-secret-access-key" => &["aws-secret-access-key"],
        "private-key" => &["private-key"],
        _ => &[],
    }
}

/// (file, line, Trivy rule) of the peer's reference report; private keys on line 1 (Trivy gives
/// the first body line, Rampart the BEGIN line).
fn trivy_secrets(file: &str) -> Vec<(String, u64, String)> {
    let doc: Value =
        serde_json::from_slice(&std::fs::read(reference_file(file)).expect("reference")).unwrap();
    let mut out = Vec::new();
    for r in doc["Results"].as_array().into_iter().flatten() {
        for s in r["Secrets"].as_array().into_iter().flatten() {
            let rule = s["RuleID"].as_str().unwrap().to_string();
            let line = if rule == "private-key" { 1 } else { s["StartLine"].as_u64().unwrap() };
            out.push((r["Target"].as_str().unwrap().trim_start_matches('/').to_string(), line, rule));
        }
    }
    out.sort();
    out
}

fn assert_same_as_peer(ours: &[(String, u64, String)], theirs: &[(String, u64, String)]) {
    assert_eq!(theirs.len(), 5, "reference: {theirs:?}");
    let ours_at: BTreeSet<(&str, u64)> = ours.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    let theirs_at: BTreeSet<(&str, u64)> = theirs.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    assert_eq!(ours_at, theirs_at, "ours {ours:?}\ntheirs {theirs:?}");
    for (f, l, rule) in theirs {
        let mine = ours.iter().find(|(g, m, _)| g == f && m == l).map(|(_, _, r)| r.as_str()).unwrap();
        assert!(our_rule(rule).contains(&mine), "{f}:{l}: peer says {rule}, we say {mine}");
    }
}

#[test]
fn fs_secrets_target_matches_the_peer() {
    let (code, report, _) = fs_json(&targets_dir().join("fs/secrets"), &["--scanners", "secret"]);
    assert_eq!(code, 0);
    assert_same_as_peer(&secrets(&report), &trivy_secrets("fs-secrets.secrets.json"));
}

#[test]
fn image_secrets_carry_their_layer_even_when_a_later_layer_deleted_the_file() {
    let input = targets_dir().join("images/debian12-layered.docker.tar");
    assert!(input.exists(), "{} is missing: build the targets (`.ci/run`)", input.display());
    let report = crate::images::image_json(&["--input", input.to_str().unwrap(), "--scanners", "secret"]);
    let found = secrets(&report);
    assert_same_as_peer(&found, &trivy_secrets("image-debian12-layered.secrets.json"));
    let third_layer = report["image"]["layers"][2]["diff_id"].as_str().unwrap().to_string();
    for r in report["results"].as_array().unwrap() {
        for s in r["secrets"].as_array().into_iter().flatten() {
            let target = r["target"].as_str().unwrap();
            assert_eq!(s["layer"]["index"], 2, "{target}");
            assert_eq!(s["layer"]["diff_id"].as_str(), Some(third_layer.as_str()), "{target}");
            assert!(s["layer"]["created_by"].as_str().unwrap().starts_with("COPY credentials"));
            // Layer 4 removes ~/.aws and the key; app.env stays.
            let deleted = target.starts_with("root/");
            assert_eq!(s["deleted"].as_bool().unwrap_or(false), deleted, "{target}");
        }
    }
}

#[test]
fn exit_code_ignore_file_inline_allow_and_severity() {
    let dir = Dir::new();
    dir.write("app/.env", "AWS_ACCESS_KEY_ID=AKIAQYLPMN5HFIQR7BQX\n");
    dir.write("app/test.env", "AWS_ACCESS_KEY_ID=AKIAQYLPMN5HFIQR7BQY # gitleaks:allow\n");
    dir.write("app/db.yaml", "url: postgres://svc:zWIYuJxnXlu8ejSx@db.internal:5432/app\n");
    let root = dir.path().join("app");
    let (code, report, _) = fs_json(&root, &["--scanners", "secret", "--exit-code", "7"]);
    assert_eq!(code, 7);
    let found = secrets(&report);
    assert_eq!(
        found.iter().map(|(f, _, r)| (f.as_str(), r.as_str())).collect::<Vec<_>>(),
        [(".env", "aws-access-key-id"), ("db.yaml", "database-url-password")]
    );
    let (code, report, _) =
        fs_json(&root, &["--scanners", "secret", "--exit-code", "7", "--severity", "CRITICAL"]);
    assert_eq!((code, secrets(&report).len()), (7, 1));

    dir.write(
        "app/.rampartignore.yaml",
        "secrets:\n  - id: aws-access-key-id\n    paths: [\".env\"]\n    reason: rotated\n  - id: database-url-password\n",
    );
    let (code, report, _) = fs_json(&root, &["--scanners", "secret", "--exit-code", "7"]);
    assert_eq!(code, 0, "{report}");
    assert!(secrets(&report).is_empty());
    let (_, report, _) = fs_json(&root, &["--scanners", "secret", "--show-suppressed"]);
    let shown =
        &report["results"].as_array().unwrap().iter().find(|r| r["target"] == ".env").unwrap()["secrets"][0];
    assert_eq!(shown["suppressed"]["reason"], "rotated");
}

#[test]
fn gitleaks_configuration_replaces_or_extends_the_rules() {
    let dir = Dir::new();
    dir.write("src/a.txt", "internal = ACME-7f3a9c2e5b1d4f60\nkey = AKIAQYLPMN5HFIQR7BQX\n");
    let rules = "[[rules]]\nid = \"acme-internal-key\"\ndescription = \"ACME internal key\"\nregex = '''ACME-[0-9a-f]{16}'''\nkeywords = [\"acme-\"]\n";
    let own = dir.write("own.toml", rules);
    let extended = dir.write("extended.toml", format!("[extend]\nuseDefault = true\n\n{rules}"));
    let src = dir.path().join("src");
    let ids = |cfg: &Path| {
        let (_, report, _) =
            fs_json(&src, &["--scanners", "secret", "--secret-config", cfg.to_str().unwrap()]);
        secrets(&report).into_iter().map(|(_, _, r)| r).collect::<Vec<_>>()
    };
    assert_eq!(ids(&own), ["acme-internal-key"]);
    assert_eq!(ids(&extended), ["acme-internal-key", "aws-access-key-id"]);
    // A .gitleaks.toml at the root is picked up; `--config` is the gitleaks spelling.
    dir.write("src/.gitleaks.toml", rules);
    let (_, report, _) = fs_json(&src, &["--scanners", "secret"]);
    assert_eq!(secrets(&report).len(), 1);
    let (_, report, _) = fs_json(&src, &["--scanners", "secret", "--config", extended.to_str().unwrap()]);
    assert_eq!(secrets(&report).len(), 2);
    // A broken configuration is an error naming the file.
    let bad = dir.write("bad.toml", "[[rules]]\nid = \"x\"\nregex = '''(unclosed'''\n");
    let out = rampart()
        .arg("fs")
        .arg(&src)
        .args(["--scanners", "secret", "--secret-config"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml"), "{err}");
}

#[test]
fn binary_and_oversized_files_are_skipped_but_text_is_read_whole() {
    let dir = Dir::new();
    let mut bin = b"\x7fELF\0\0\0".to_vec();
    bin.extend_from_slice(b"AKIAQYLPMN5HFIQR7BQX\n");
    dir.write("t/tool", &bin);
    dir.write("t/logo.png", "AKIAQYLPMN5HFIQR7BQX\n");
    // The key after 64 KiB of text: past the head read first.
    dir.write("t/big.log", format!("{}\nkey=AKIAQYLPMN5HFIQR7BQX\n", "x".repeat(64 * 1024)));
    dir.write("t/huge.txt", format!("AKIAQYLPMN5HFIQR7BQX\n{}", "y".repeat(2048)));
    let (_, report, _) =
        fs_json(&dir.path().join("t"), &["--scanners", "secret", "--secret-max-size", "1024"]);
    assert_eq!(secrets(&report), []);
    let (_, report, _) = fs_json(&dir.path().join("t"), &["--scanners", "secret"]);
    let files: Vec<String> = secrets(&report).into_iter().map(|(f, _, _)| f).collect();
    assert_eq!(files, ["big.log", "huge.txt"]);
}
