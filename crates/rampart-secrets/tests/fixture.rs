//! The planted-secret fixture shared with the peer scanners (Trivy, detect-secrets):
//! every planted secret found at its file and line, nothing on decoys.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use rampart_secrets::Scanner;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Pulls `"key": value` pairs out of EXPECTED.json's flat planted objects
/// (no JSON crate among our dependencies; the file's shape is fixed).
fn planted(expected: &str) -> Vec<(String, usize, String)> {
    let start = expected.find("\"planted\"").expect("planted list");
    let end = expected[start..].find(']').unwrap() + start;
    let mut out = Vec::new();
    for obj in expected[start..end].split('{').skip(1) {
        let field = |name: &str| -> String {
            let i = obj.find(&format!("\"{name}\"")).unwrap() + name.len() + 2;
            let rest = obj[i..].trim_start().trim_start_matches(':').trim_start();
            let v: String = if let Some(r) = rest.strip_prefix('"') {
                r[..r.find('"').unwrap()].to_string()
            } else {
                rest.chars().take_while(char::is_ascii_digit).collect()
            };
            v
        };
        out.push((field("file"), field("line").parse().unwrap(), field("kind")));
    }
    out
}

#[test]
fn planted_secrets_all_found_no_false_alarms() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/peers/make-secrets-fixture.py");
    // `../shared` sits beside the repository in CI too: a missing script fails, never skips.
    assert!(script.exists(), "{} not found: ../shared must sit beside the repository", script.display());
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("python3").arg(&script).arg(dir.path()).output().expect("python3 runs");
    assert!(status.status.success(), "fixture generator failed: {}", String::from_utf8_lossy(&status.stderr));
    let expected = std::fs::read_to_string(dir.path().join("EXPECTED.json")).unwrap();
    let planted = planted(&expected);
    assert_eq!(planted.len(), 15);
    let key_files: BTreeSet<&str> =
        planted.iter().filter(|p| p.2 == "private-key").map(|p| p.0.as_str()).collect();
    let want: BTreeSet<(String, usize)> = planted.iter().map(|p| (p.0.clone(), p.1)).collect();

    let scanner = Scanner::with_builtin_rules().unwrap();
    let root = dir.path().join("tree");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut got = BTreeSet::new();
    let mut details = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let content = std::fs::read(&f).unwrap();
        for m in scanner.scan(&rel, &content) {
            let line = if key_files.contains(rel.as_str()) && m.start_line <= 2 { 1 } else { m.start_line };
            details.push(format!("{rel}:{line} {} {}", m.rule_id, m.snippet));
            got.insert((rel.clone(), line));
        }
    }
    eprintln!("{}", details.join("\n"));
    let missed: Vec<_> = want.difference(&got).collect();
    let false_alarms: Vec<_> = got.difference(&want).collect();
    assert!(
        missed.is_empty() && false_alarms.is_empty(),
        "missed {missed:?}\nfalse alarms {false_alarms:?}\nall findings:\n{}",
        details.join("\n")
    );
    assert_eq!(got.len(), 15);
}
