//! `rampart repo`: secrets in git history through the binary, on a real repository made with the
//! `git` CLI (fixed identities and dates): commit, author, date, file and line in JSON, SARIF and
//! the table; `--since`; `--ref`; the ignore file; exit codes; errors.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{Dir, rampart};

const AWS: &str = "AKIAQYLPMN5HFIQR7BQX";
const GITHUB: &str = "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";

struct Repo {
    dir: Dir,
    commits: i64,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo { dir: Dir::new(), commits: 0 };
        std::fs::create_dir_all(repo.path()).unwrap();
        std::fs::create_dir_all(repo.dir.path().join("home")).unwrap();
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn git(&self, args: &[&str]) -> String {
        // 2024-01-01T00:00:00Z plus one hour per commit.
        let date = format!("{} +0000", 1_704_067_200 + self.commits * 3600);
        let out = Command::new("git")
            .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
            .args(args)
            .current_dir(self.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ada Lovelace")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_NAME", "Ada Lovelace")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Writes the files (empty content deletes) and commits them; returns the commit id.
    fn commit(&mut self, message: &str, files: &[(&str, &str)]) -> String {
        for (name, content) in files {
            let p = self.path().join(name);
            if content.is_empty() {
                std::fs::remove_file(&p).unwrap();
            } else {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, content).unwrap();
            }
        }
        self.commits += 1;
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}

fn repo_json(path: &Path, extra: &[&str]) -> (i32, Value) {
    let out =
        rampart().arg("repo").arg(path).args(["--format", "json", "--quiet"]).args(extra).output().unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), report)
}

/// (file, line, rule, commit id, author, date, summary) of every secret.
fn found(report: &Value) -> Vec<(String, u64, String, String, String, String, String)> {
    let mut out = Vec::new();
    for r in report["results"].as_array().unwrap() {
        for s in r["secrets"].as_array().unwrap() {
            let c = &s["commit"];
            out.push((
                r["target"].as_str().unwrap().to_string(),
                s["start_line"].as_u64().unwrap(),
                s["rule_id"].as_str().unwrap().to_string(),
                c["id"].as_str().unwrap().to_string(),
                c["author"].as_str().unwrap().to_string(),
                c["date"].as_str().unwrap().to_string(),
                c["summary"].as_str().unwrap().to_string(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn secrets_are_reported_at_the_commit_that_introduced_them_even_when_removed_later() {
    let mut repo = Repo::new();
    let first =
        repo.commit("add config", &[("app/config.env", &format!("# app\nAWS_ACCESS_KEY_ID={AWS}\n"))]);
    repo.commit(
        "edit config",
        &[("app/config.env", &format!("# app v2\nREGION=eu\nAWS_ACCESS_KEY_ID={AWS}\n"))],
    );
    repo.commit("remove the key", &[("app/config.env", "# app v2\nREGION=eu\n")]);
    let fourth = repo.commit("ci token", &[("ci/deploy.sh", &format!("export GITHUB_TOKEN={GITHUB}\n"))]);

    let (code, report) = repo_json(&repo.path(), &["--exit-code", "9"]);
    assert_eq!(code, 9);
    assert_eq!(report["artifact_kind"], "repository");
    let ada = "Ada Lovelace <ada@example.com>".to_string();
    assert_eq!(
        found(&report),
        [
            (
                "app/config.env".into(),
                2,
                "aws-access-key-id".into(),
                first.clone(),
                ada.clone(),
                "2024-01-01T01:00:00Z".into(),
                "add config".into()
            ),
            (
                "ci/deploy.sh".into(),
                1,
                "github-pat-classic".into(),
                fourth.clone(),
                ada.clone(),
                "2024-01-01T04:00:00Z".into(),
                "ci token".into()
            ),
        ]
    );

    // Incremental: only what is new since the third commit.
    let (_, report) = repo_json(&repo.path(), &["--since", "HEAD~1"]);
    assert_eq!(found(&report).len(), 1);
    assert_eq!(found(&report)[0].3, fourth);
    // Only the history of one ref.
    let (_, report) = repo_json(&repo.path(), &["--ref", &first]);
    assert_eq!(found(&report).len(), 1);

    // The ignore file at the repository root applies (secrets section).
    std::fs::write(repo.path().join(".rampartignore.yaml"), "secrets:\n  - id: aws-access-key-id\n").unwrap();
    let (code, report) = repo_json(&repo.path(), &["--exit-code", "9"]);
    assert_eq!(code, 9);
    assert_eq!(found(&report).iter().map(|f| f.2.as_str()).collect::<Vec<_>>(), ["github-pat-classic"]);
}

#[test]
fn table_and_sarif_name_the_commit_and_never_the_secret() {
    let mut repo = Repo::new();
    let id = repo.commit("add key", &[("k.env", &format!("AWS_ACCESS_KEY_ID={AWS}\n"))]);
    let table = rampart().arg("repo").arg(repo.path()).arg("--quiet").output().unwrap();
    let table = String::from_utf8_lossy(&table.stdout).to_string();
    assert!(table.contains(&format!("commit {}", &id[..12])), "{table}");
    assert!(table.contains("Ada Lovelace <ada@example.com>"), "{table}");
    assert!(!table.contains(AWS), "{table}");
    let sarif =
        rampart().arg("repo").arg(repo.path()).args(["--quiet", "--format", "sarif"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let message = doc["runs"][0]["results"][0]["message"]["text"].as_str().unwrap();
    assert!(message.contains(&id) && !message.contains(AWS), "{message}");

    // A secret in a commit message is reported, and redacted in the commit summary of every
    // format.
    let pasted = repo.commit(&format!("rotate: the old token was {GITHUB}"), &[("b.txt", "b\n")]);
    for format in ["table", "json", "sarif"] {
        let out =
            rampart().arg("repo").arg(repo.path()).args(["--quiet", "--format", format]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            text.contains("(commit message)") || text.contains("%28commit%20message%29"),
            "{format}: {text}"
        );
        assert!(text.contains(&pasted[..12]), "{format}: {text}");
        assert!(!text.contains(GITHUB) && !text.contains(AWS), "{format}: {text}");
    }
}

#[test]
fn errors_name_the_repository_or_the_revision() {
    let dir = Dir::new();
    let out = rampart().arg("repo").arg(dir.path()).arg("--quiet").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a git repository") && err.contains(&dir.path().display().to_string()), "{err}");

    let mut repo = Repo::new();
    repo.commit("one", &[("a.txt", "hello\n")]);
    let out = rampart().arg("repo").arg(repo.path()).args(["--since", "no-such-branch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-branch"));
    // SBOM formats make no sense here.
    let out = rampart().arg("repo").arg(repo.path()).args(["--format", "cyclonedx"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
