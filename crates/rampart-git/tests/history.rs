//! Real repositories built with the `git` CLI (fixed identities and dates), scanned with
//! the built-in rules.

use std::path::{Path, PathBuf};
use std::process::Command;

use rampart_git::{GitError, HistoryOptions, HistoryReport, RefSelection, scan_history};
use rampart_secrets::Scanner;

/// Valid checksums / shapes for the built-in rules (the rules' own examples).
const GITHUB: &str = "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";
const AWS: &str = "AKIAQYLPMN5HFIQR7BQX";
const STRIPE: &str = "sk_live_MRAg4sR7O91tL72CQfX5YkLx";

/// 2024-01-01T00:00:00Z; commit n is dated `BASE + n hours`.
const BASE: i64 = 1_704_067_200;

struct Repo {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    home: PathBuf,
    commits: i64,
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("repo");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        let repo = Repo { _tmp: tmp, dir, home, commits: 0 };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn cmd(&self, cwd: &Path, args: &[&str]) -> String {
        let date = format!("{} +0000", BASE + self.commits * 3600);
        let out = Command::new("git")
            .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "core.autocrlf=false"])
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ada Lovelace")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_NAME", "Charles Babbage")
            .env("GIT_COMMITTER_EMAIL", "charles@example.com")
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn git(&self, args: &[&str]) -> String {
        self.cmd(&self.dir, args)
    }

    fn write(&self, path: &str, content: &str) {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    fn remove(&self, path: &str) {
        std::fs::remove_file(self.dir.join(path)).unwrap();
    }

    /// Commits everything; returns the commit id.
    fn commit(&mut self, message: &str) -> String {
        self.commits += 1;
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn scan(&self, opts: &HistoryOptions) -> HistoryReport {
        scan_at(&self.dir, opts)
    }
}

fn scanner() -> Scanner {
    Scanner::with_builtin_rules().unwrap()
}

fn scan_at(path: &Path, opts: &HistoryOptions) -> HistoryReport {
    scan_history(path, &scanner(), opts, &|_| {}).unwrap()
}

fn all() -> HistoryOptions {
    HistoryOptions::default()
}

/// (commit id, path, line, rule) of each finding.
fn summary(r: &HistoryReport) -> Vec<(String, String, usize, String)> {
    r.findings
        .iter()
        .map(|f| (f.commit.id.clone(), f.path.clone(), f.secret.start_line, f.secret.rule_id.clone()))
        .collect()
}

fn row(commit: &str, path: &str, line: usize, rule: &str) -> (String, String, usize, String) {
    (commit.to_string(), path.to_string(), line, rule.to_string())
}

#[test]
fn introduced_then_edited_is_reported_once_at_the_first_commit() {
    let mut r = Repo::new();
    r.write("README.md", "# app\n");
    let c0 = r.commit("init");
    r.write("config.env", &format!("A=1\nB=2\nGITHUB_TOKEN={GITHUB}\n"));
    let c1 = r.commit("add config");
    // Edited above the secret (the line moves) and elsewhere.
    r.write("config.env", &format!("# header\nA=1\nB=3\nGITHUB_TOKEN={GITHUB}\n"));
    r.write("README.md", "# app\n\nmore\n");
    r.commit("edit config");
    r.write("src/main.rs", "fn main() {}\n");
    r.commit("code");

    let rep = r.scan(&all());
    assert_eq!(summary(&rep), vec![row(&c1, "config.env", 3, "github-pat-classic")]);
    assert_eq!(rep.commits_scanned, 4);
    let f = &rep.findings[0];
    assert_eq!(f.secret.redacted, rampart_secrets::redact(GITHUB));
    assert_eq!(f.secret.snippet, format!("GITHUB_TOKEN={}", f.secret.redacted));
    assert_ne!(c0, c1);
    assert_eq!(rep.head.as_deref(), Some(r.git(&["rev-parse", "HEAD"]).as_str()));
    assert!(!rep.shallow);
}

#[test]
fn commit_fields_are_exact() {
    let mut r = Repo::new();
    r.write("a.txt", "nothing\n");
    r.commit("first");
    r.write("deploy/aws.sh", &format!("#!/bin/sh\nexport AWS_ACCESS_KEY_ID={AWS}\n"));
    let c = r.commit("Add deploy script\n\nWith a body that is not the summary.");
    let rep = r.scan(&all());
    assert_eq!(rep.findings.len(), 1);
    let f = &rep.findings[0];
    assert_eq!(f.commit.id, c);
    assert_eq!(f.commit.author, "Ada Lovelace <ada@example.com>");
    assert_eq!(f.commit.date, "2024-01-01T02:00:00Z");
    assert_eq!(f.commit.timestamp, BASE + 2 * 3600);
    assert_eq!(f.commit.summary, "Add deploy script");
    assert_eq!(f.path, "deploy/aws.sh");
    assert_eq!(f.secret.rule_id, "aws-access-key-id");
    assert_eq!((f.secret.start_line, f.secret.end_line), (2, 2));
    assert_eq!(f.secret.redacted, "AKIA****************");
}

#[test]
fn secrets_in_commit_messages_are_reported_at_their_commit() {
    let mut r = Repo::new();
    r.write("a.txt", "nothing\n");
    r.commit("first");
    r.write("a.txt", "still nothing\n");
    let c = r.commit(&format!("Rotate the CI token\n\nThe old one was\nGITHUB_TOKEN={GITHUB}\n"));
    r.write("a.txt", "more nothing\n");
    r.write("b.env", &format!("AWS_ACCESS_KEY_ID={AWS}\n"));
    let pasted = r.commit(&format!("add b.env, key {AWS} inside"));
    r.commit("unrelated: mentions a GITHUB_TOKEN but holds none");
    let rep = r.scan(&all());
    assert_eq!(
        summary(&rep),
        vec![
            row(&c, rampart_git::COMMIT_MESSAGE_PATH, 4, "github-pat-classic"),
            row(&pasted, rampart_git::COMMIT_MESSAGE_PATH, 1, "aws-access-key-id"),
            row(&pasted, "b.env", 1, "aws-access-key-id"),
        ]
    );
    let f = &rep.findings[0];
    assert_eq!(f.commit.summary, "Rotate the CI token");
    assert_eq!(f.secret.redacted, rampart_secrets::redact(GITHUB));
    // A secret on the first line is redacted in the summary of every finding of its commit.
    let redacted = format!("add b.env, key {} inside", rampart_secrets::redact(AWS));
    assert_eq!(rep.findings[1].commit.summary, redacted);
    assert_eq!(rep.findings[2].commit.summary, redacted);
    assert!(!format!("{rep:?}").contains(GITHUB));
    assert!(!format!("{rep:?}").contains(AWS));
    // With --since past a commit, its message is not searched again.
    let rep = r.scan(&HistoryOptions { since: Some(c), ..all() });
    assert_eq!(summary(&rep).len(), 2, "only the later commit: {:?}", summary(&rep));
    let rep = r.scan(&HistoryOptions { since: Some(pasted), ..all() });
    assert!(rep.findings.is_empty(), "{:?}", summary(&rep));
}

#[test]
fn removed_secret_is_still_reported_at_the_commit_that_added_it() {
    let mut r = Repo::new();
    r.write("app.py", "print('hi')\n");
    r.commit("init");
    r.write("app.py", &format!("print('hi')\nstripe_key = '{STRIPE}'\n"));
    let c2 = r.commit("oops");
    r.write("app.py", "print('hi')\nstripe_key = os.environ['STRIPE']\n");
    r.commit("remove the key");
    r.write("leak.env", &format!("GITHUB_TOKEN={GITHUB}\n"));
    let c4 = r.commit("leak again");
    r.remove("leak.env");
    r.commit("delete the file");

    let rep = r.scan(&all());
    let rows = summary(&rep);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, c2);
    assert_eq!((rows[0].1.as_str(), rows[0].2), ("app.py", 2));
    assert_eq!(rows[1], row(&c4, "leak.env", 1, "github-pat-classic"));
}

#[test]
fn side_branch_secret_is_reported_and_merge_does_not_re_report() {
    let mut r = Repo::new();
    r.write("README.md", "# app\n");
    r.commit("init");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("ci/token.txt", &format!("token: {GITHUB}\n"));
    let side = r.commit("feature: ci token");
    r.git(&["checkout", "-q", "main"]);
    r.write("main.txt", "main work\n");
    r.commit("main work");

    // Only on the side branch.
    let rep = r.scan(&all());
    assert_eq!(summary(&rep), vec![row(&side, "ci/token.txt", 1, "github-pat-classic")]);
    // HEAD (main) alone does not reach it.
    let head_only = r.scan(&HistoryOptions { refs: RefSelection::Head, ..all() });
    assert!(head_only.findings.is_empty());
    assert_eq!(head_only.commits_scanned, 2);
    // Explicit revisions.
    let feature = r.scan(&HistoryOptions { refs: RefSelection::Revisions(vec!["feature".into()]), ..all() });
    assert_eq!(feature.findings.len(), 1);

    r.commits += 1;
    r.git(&["merge", "-q", "--no-ff", "-m", "merge feature", "feature"]);
    r.git(&["branch", "-q", "-D", "feature"]);
    let rep = r.scan(&all());
    assert_eq!(summary(&rep), vec![row(&side, "ci/token.txt", 1, "github-pat-classic")]);
    assert_eq!(rep.commits_scanned, 4);
}

#[test]
fn secret_added_by_the_merge_itself_is_reported_at_the_merge() {
    let mut r = Repo::new();
    r.write("a.txt", "a\n");
    r.commit("init");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("b.txt", "b\n");
    r.commit("feature");
    r.git(&["checkout", "-q", "main"]);
    r.write("c.txt", "c\n");
    r.commit("main");
    r.commits += 1;
    r.git(&["merge", "-q", "--no-ff", "--no-commit", "feature"]);
    r.write("b.txt", &format!("b\nAWS_ACCESS_KEY_ID={AWS}\n"));
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "evil merge"]);
    let merge = r.git(&["rev-parse", "HEAD"]);
    let rep = r.scan(&all());
    assert_eq!(summary(&rep), vec![row(&merge, "b.txt", 2, "aws-access-key-id")]);
}

#[test]
fn commit_reachable_only_from_a_tag_is_scanned() {
    let mut r = Repo::new();
    r.write("a.txt", "a\n");
    r.commit("init");
    r.git(&["checkout", "-q", "--detach"]);
    r.write("release.env", &format!("GITHUB_TOKEN={GITHUB}\n"));
    let tagged = r.commit("release build");
    r.git(&["tag", "-a", "v1.0", "-m", "v1.0"]);
    r.git(&["checkout", "-q", "main"]);

    let rep = r.scan(&all());
    assert_eq!(summary(&rep), vec![row(&tagged, "release.env", 1, "github-pat-classic")]);
    assert!(r.scan(&HistoryOptions { refs: RefSelection::Head, ..all() }).findings.is_empty());
}

#[test]
fn since_excludes_earlier_commits_and_does_not_re_report_the_boundary() {
    let mut r = Repo::new();
    r.write("one.env", &format!("GITHUB_TOKEN={GITHUB}\n"));
    r.commit("first secret");
    r.write("one.env", &format!("GITHUB_TOKEN={GITHUB}\nAWS_ACCESS_KEY_ID={AWS}\n"));
    let boundary = r.commit("second secret");
    // After the boundary: the old secrets stay in an edited file, a new one appears.
    r.write("one.env", &format!("# edited\nGITHUB_TOKEN={GITHUB}\nAWS_ACCESS_KEY_ID={AWS}\n"));
    r.write("two.py", &format!("key = '{STRIPE}'\n"));
    let after = r.commit("third");

    let full = r.scan(&all());
    assert_eq!(full.findings.len(), 3);

    for since in [boundary.as_str(), "HEAD~1", "main~1"] {
        let rep = r.scan(&HistoryOptions { since: Some(since.into()), ..all() });
        assert_eq!(rep.commits_scanned, 1, "since {since}");
        let rows = summary(&rep);
        assert_eq!(rows.len(), 1, "since {since}: {rows:?}");
        assert_eq!((rows[0].0.as_str(), rows[0].1.as_str(), rows[0].2), (after.as_str(), "two.py", 1));
    }
    // `since` at the tip: nothing to scan.
    let rep = r.scan(&HistoryOptions { since: Some("HEAD".into()), ..all() });
    assert_eq!((rep.commits_scanned, rep.findings.len()), (0, 0));
    // A tag works as a boundary too.
    r.git(&["tag", "-a", "v1", "-m", "v1", &boundary]);
    let rep = r.scan(&HistoryOptions { since: Some("v1".into()), ..all() });
    assert_eq!(rep.commits_scanned, 1);
    assert_eq!(rep.findings.len(), 1);
}

#[test]
fn bad_since_is_a_clear_error() {
    let mut r = Repo::new();
    r.write("a.txt", "a\n");
    r.commit("init");
    let err = scan_history(
        &r.dir,
        &scanner(),
        &HistoryOptions { since: Some("no-such-branch".into()), ..all() },
        &|_| {},
    )
    .unwrap_err();
    assert!(matches!(&err, GitError::Revision { rev, .. } if rev == "no-such-branch"), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("no-such-branch"), "{msg}");
    assert!(msg.contains("repo"), "{msg}");

    // A blob is not a commit.
    let blob = r.git(&["rev-parse", "HEAD:a.txt"]);
    let err =
        scan_history(&r.dir, &scanner(), &HistoryOptions { since: Some(blob.clone()), ..all() }, &|_| {})
            .unwrap_err();
    assert!(matches!(&err, GitError::Revision { rev, .. } if *rev == blob), "{err:?}");
    // A bad explicit revision.
    let err = scan_history(
        &r.dir,
        &scanner(),
        &HistoryOptions { refs: RefSelection::Revisions(vec!["HEAD~5".into()]), ..all() },
        &|_| {},
    )
    .unwrap_err();
    assert!(matches!(&err, GitError::Revision { .. }), "{err:?}");
}

#[test]
fn non_repository_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = scan_history(tmp.path(), &scanner(), &all(), &|_| {}).unwrap_err();
    assert!(matches!(&err, GitError::Open { path, .. } if path == tmp.path()), "{err:?}");
    assert!(err.to_string().contains("not a git repository"), "{err}");
    let missing = tmp.path().join("missing");
    assert!(matches!(scan_history(&missing, &scanner(), &all(), &|_| {}), Err(GitError::Open { .. })));
}

#[test]
fn empty_repository_scans_nothing() {
    let r = Repo::new();
    let rep = r.scan(&all());
    assert_eq!(rep, HistoryReport::default());
}

/// A history with a secret on a side branch, one in a tag-only commit and a merge.
fn sample() -> (Repo, Vec<(String, String, usize, String)>) {
    let mut r = Repo::new();
    r.write("a.txt", "a\n");
    r.commit("init");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("ci/token.txt", &format!("token: {GITHUB}\n"));
    r.commit("ci token");
    r.git(&["checkout", "-q", "main"]);
    r.write("deploy.sh", &format!("AWS_ACCESS_KEY_ID={AWS}\n"));
    r.commit("deploy");
    r.commits += 1;
    r.git(&["merge", "-q", "--no-ff", "-m", "merge", "feature"]);
    r.git(&["checkout", "-q", "--detach"]);
    r.write("pay.py", &format!("k = '{STRIPE}'\n"));
    r.commit("tagged only");
    r.git(&["tag", "v2"]);
    r.git(&["checkout", "-q", "main"]);
    let expected = summary(&r.scan(&all()));
    assert_eq!(expected.len(), 3, "{expected:?}");
    (r, expected)
}

#[test]
fn bare_repository_works() {
    let (r, expected) = sample();
    let bare = r.dir.parent().unwrap().join("bare.git");
    r.cmd(r.dir.parent().unwrap(), &["clone", "-q", "--bare", "repo", "bare.git"]);
    let rep = scan_at(&bare, &all());
    assert_eq!(summary(&rep), expected);
    // The `.git` directory of a work tree works too.
    assert_eq!(summary(&scan_at(&r.dir.join(".git"), &all())), expected);
}

#[test]
fn packed_repository_works() {
    let (r, expected) = sample();
    r.git(&["gc", "-q", "--aggressive", "--prune=now"]);
    assert!(r.dir.join(".git/packed-refs").exists());
    assert_eq!(
        std::fs::read_dir(r.dir.join(".git/objects")).unwrap().count(),
        2,
        "only pack/ and info/ left"
    );
    let rep = r.scan(&all());
    assert_eq!(summary(&rep), expected);
}

#[test]
fn shallow_clone_reports_the_boundary_commit_contents() {
    let (r, _) = sample();
    let parent = r.dir.parent().unwrap();
    let url = format!("file://{}", r.dir.display());
    r.cmd(parent, &["clone", "-q", "--depth", "1", "--no-local", &url, "shallow"]);
    let rep = scan_at(&parent.join("shallow"), &all());
    assert!(rep.shallow);
    assert_eq!(rep.commits_scanned, 1);
    // The boundary (the merge) holds both earlier secrets: compared with nothing, both are new.
    let mut rules: Vec<_> = rep.findings.iter().map(|f| f.secret.rule_id.as_str()).collect();
    rules.sort();
    assert_eq!(rules, ["aws-access-key-id", "github-pat-classic"]);
}

#[test]
fn large_binary_and_allowlisted_blobs_are_skipped() {
    let mut r = Repo::new();
    let big = format!("GITHUB_TOKEN={GITHUB}\n{}\n", "x".repeat(300));
    r.write("big.env", &big);
    r.write("node_modules/pkg/index.js", &format!("const t = '{GITHUB}';\n"));
    r.write("bin.dat", &format!("\0\0binary GITHUB_TOKEN={GITHUB}\n"));
    r.write("small.env", &format!("AWS_ACCESS_KEY_ID={AWS}\n"));
    r.commit("all at once");
    let rep = r.scan(&HistoryOptions { max_blob_size: 200, ..all() });
    assert_eq!(summary(&rep).len(), 1);
    assert_eq!(rep.findings[0].path, "small.env");
    assert_eq!(rep.skipped_blobs, 2, "big.env and bin.dat");
    assert_eq!(rep.skipped_too_large, 1);
    assert_eq!(rep.blobs_scanned, 1, "node_modules is never read");
    assert_eq!(rep.bytes_scanned, (AWS.len() + "AWS_ACCESS_KEY_ID=\n".len()) as u64);
    // With the default cap the big file is scanned.
    let rep = r.scan(&all());
    assert_eq!(rep.findings.len(), 2);
    assert_eq!(rep.skipped_blobs, 1);
}

#[test]
fn secret_moved_or_copied_to_another_path_is_reported_again() {
    let mut r = Repo::new();
    r.write("old.env", &format!("GITHUB_TOKEN={GITHUB}\n"));
    let c1 = r.commit("add");
    r.git(&["mv", "old.env", "new.env"]);
    let c2 = r.commit("rename");
    r.write("copy/new.env", &format!("\n\nGITHUB_TOKEN={GITHUB}\n"));
    let c3 = r.commit("copy");
    let rep = r.scan(&all());
    assert_eq!(
        summary(&rep),
        vec![
            row(&c1, "old.env", 1, "github-pat-classic"),
            row(&c2, "new.env", 1, "github-pat-classic"),
            row(&c3, "copy/new.env", 3, "github-pat-classic"),
        ]
    );
    // The same blob is scanned once.
    assert_eq!(rep.blobs_scanned, 2);
}

#[test]
fn a_second_secret_in_an_edited_file_is_new() {
    let mut r = Repo::new();
    r.write("cfg.env", &format!("GITHUB_TOKEN={GITHUB}\n"));
    let c1 = r.commit("one");
    r.write("cfg.env", &format!("GITHUB_TOKEN={GITHUB}\nAWS_ACCESS_KEY_ID={AWS}\n"));
    let c2 = r.commit("two");
    let rep = r.scan(&all());
    assert_eq!(
        summary(&rep),
        vec![row(&c1, "cfg.env", 1, "github-pat-classic"), row(&c2, "cfg.env", 2, "aws-access-key-id")]
    );
}

#[test]
fn no_secret_in_debug_output_and_progress_is_reported() {
    let (r, _) = sample();
    let seen = std::sync::Mutex::new(Vec::new());
    let rep = scan_history(&r.dir, &scanner(), &all(), &|p| seen.lock().unwrap().push(p)).unwrap();
    let debug = format!("{rep:?}");
    for secret in [GITHUB, AWS, STRIPE] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    let seen = seen.into_inner().unwrap();
    assert!(seen.iter().any(|p| matches!(p, rampart_git::Progress::Walk { commits: 5 })), "{seen:?}");
    assert!(seen.iter().any(|p| matches!(p, rampart_git::Progress::Diff { done: 5, total: 5 })), "{seen:?}");
    assert!(seen.iter().any(|p| matches!(p, rampart_git::Progress::Scan { .. })), "{seen:?}");
}

#[test]
fn findings_are_sorted_by_date_and_deterministic() {
    let (r, expected) = sample();
    let rep = r.scan(&all());
    let dates: Vec<i64> = rep.findings.iter().map(|f| f.commit.timestamp).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    for _ in 0..3 {
        assert_eq!(summary(&r.scan(&all())), expected);
    }
}

#[test]
fn refs_that_are_not_commits_are_skipped_and_listed() {
    let mut r = Repo::new();
    r.write("cfg.env", &format!("GITHUB_TOKEN={GITHUB}\n"));
    r.commit("one");
    let blob = r.git(&["rev-parse", "HEAD:cfg.env"]);
    r.git(&["tag", "blob-tag", &blob]);
    let rep = r.scan(&all());
    assert_eq!(rep.findings.len(), 1);
    assert_eq!(rep.skipped_refs.len(), 1, "{:?}", rep.skipped_refs);
    assert!(rep.skipped_refs[0].starts_with("refs/tags/blob-tag: "), "{:?}", rep.skipped_refs);
}

/// The loose object file of `id`.
fn loose(r: &Repo, id: &str) -> PathBuf {
    r.dir.join(".git/objects").join(&id[..2]).join(&id[2..])
}

#[test]
fn corrupt_repository_is_an_error_not_a_panic() {
    let mut r = Repo::new();
    r.write("dir/a.txt", "a\n");
    r.commit("one");
    r.write("dir/a.txt", &format!("GITHUB_TOKEN={GITHUB}\n"));
    r.commit("two");
    // A missing tree.
    let tree = r.git(&["rev-parse", "HEAD~1:dir"]);
    let saved = std::fs::read(loose(&r, &tree)).unwrap();
    std::fs::remove_file(loose(&r, &tree)).unwrap();
    let err = scan_history(&r.dir, &scanner(), &all(), &|_| {}).unwrap_err();
    assert!(matches!(&err, GitError::Object { id, .. } if *id == tree), "{err:?}");
    assert!(err.to_string().contains(&tree), "{err}");
    // A corrupt tree.
    std::fs::write(loose(&r, &tree), b"not zlib at all").unwrap();
    let err = scan_history(&r.dir, &scanner(), &all(), &|_| {}).unwrap_err();
    assert!(matches!(&err, GitError::Object { id, .. } if *id == tree), "{err:?}");
    std::fs::write(loose(&r, &tree), saved).unwrap();
    assert_eq!(r.scan(&all()).findings.len(), 1);
    // A missing parent commit (not a shallow clone).
    let parent = r.git(&["rev-parse", "HEAD~1"]);
    std::fs::remove_file(loose(&r, &parent)).unwrap();
    let err = scan_history(&r.dir, &scanner(), &all(), &|_| {}).unwrap_err();
    assert!(matches!(&err, GitError::Object { id, .. } if *id == parent), "{err:?}");
}

#[test]
fn missing_blobs_are_counted_not_fatal() {
    let mut r = Repo::new();
    r.write("a.txt", "nothing to see\n");
    r.write("b.env", &format!("GITHUB_TOKEN={GITHUB}\n"));
    r.commit("one");
    // As in a partial clone (`--filter=blob:none`): the blob is absent.
    let blob = r.git(&["rev-parse", "HEAD:a.txt"]);
    std::fs::remove_file(loose(&r, &blob)).unwrap();
    let rep = r.scan(&all());
    assert_eq!(rep.missing_blobs, 1);
    assert_eq!(rep.blobs_scanned, 1);
    assert_eq!(rep.findings.len(), 1);
}
