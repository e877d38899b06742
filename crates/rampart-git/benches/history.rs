//! `scan_history` on a generated repository: 500 commits over 300 files of ~4 KiB in 30
//! directories (each commit edits 3 files; about 1 edit in 100 adds a secret), written
//! with `git fast-import` and packed with `git gc`. Walk, tree diffs, blob reads (pack
//! order) and the secret scan are included; building the scanner is not.
//!
//! Run: `cargo bench -p rampart-git`. Needs `git` on the PATH.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use rampart_git::{HistoryOptions, scan_history};
use rampart_secrets::Scanner;

const COMMITS: usize = 500;
const FILES: usize = 300;

fn main() {
    // Generate the repository before timing anything.
    LazyLock::force(&FIXTURE);
    divan::main();
}

struct Fixture {
    _tmp: tempfile::TempDir,
    repo: PathBuf,
    scanner: Scanner,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    generate(&repo);
    Fixture { _tmp: tmp, repo, scanner: Scanner::with_builtin_rules().expect("rules") }
});

/// A small deterministic pseudo-random generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const WORDS: &[&str] =
    &["let", "value", "config", "server", "client", "request", "handler", "result", "option"];
const SECRETS: &[&str] = &[
    "GITHUB_TOKEN=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",
    "AWS_ACCESS_KEY_ID=AKIAQYLPMN5HFIQR7BQX",
    "stripe = 'sk_live_MRAg4sR7O91tL72CQfX5YkLx'",
];

fn line(rng: &mut Rng) -> String {
    let words: Vec<&str> = (0..8).map(|_| WORDS[rng.next(WORDS.len())]).collect();
    format!("{} {};", words.join(" "), rng.next(1000))
}

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).env("GIT_CONFIG_NOSYSTEM", "1").env("HOME", dir);
    cmd
}

fn generate(repo: &Path) {
    std::fs::create_dir_all(repo).expect("mkdir");
    assert!(git(repo).args(["init", "-q", "-b", "main"]).status().expect("git").success());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut files: Vec<Vec<String>> = Vec::new();
    let mut stream = Vec::new();
    for c in 0..COMMITS {
        let ts = 1_704_067_200 + c * 600;
        write!(stream, "commit refs/heads/main\nmark :{}\n", c + 1).unwrap();
        write!(
            stream,
            "author Dev <dev@example.com> {ts} +0000\ncommitter Dev <dev@example.com> {ts} +0000\n"
        )
        .unwrap();
        let msg = format!("commit {c}");
        write!(stream, "data {}\n{msg}\n", msg.len()).unwrap();
        if c > 0 {
            writeln!(stream, "from :{c}").unwrap();
        }
        let touched: Vec<usize> =
            if c == 0 { (0..FILES).collect() } else { (0..3).map(|_| rng.next(FILES)).collect() };
        for f in touched {
            if files.len() <= f {
                files.push((0..100).map(|_| line(&mut rng)).collect());
            } else {
                let n = files[f].len();
                let l = line(&mut rng);
                files[f][rng.next(n)] = l;
                if rng.next(100) == 0 {
                    let s = SECRETS[rng.next(SECRETS.len())].to_string();
                    files[f].insert(rng.next(n), s);
                }
            }
            let content = files[f].join("\n") + "\n";
            write!(
                stream,
                "M 100644 inline src/mod{}/file{f}.rs\ndata {}\n{content}\n",
                f % 30,
                content.len()
            )
            .unwrap();
        }
        stream.push(b'\n');
    }
    let mut child =
        git(repo).args(["fast-import", "--quiet"]).stdin(Stdio::piped()).spawn().expect("git fast-import");
    child.stdin.take().expect("stdin").write_all(&stream).expect("write stream");
    assert!(child.wait().expect("fast-import").success());
    assert!(git(repo).args(["gc", "-q"]).status().expect("git gc").success());
}

#[divan::bench(sample_count = 10)]
fn full_history() -> usize {
    let f = &*FIXTURE;
    let report = scan_history(&f.repo, &f.scanner, &HistoryOptions::default(), &|_| {}).expect("scan");
    assert_eq!(report.commits_scanned, COMMITS);
    report.findings.len()
}

#[divan::bench(sample_count = 10)]
fn since_last_50_commits() -> usize {
    let f = &*FIXTURE;
    let opts = HistoryOptions { since: Some("HEAD~50".into()), ..HistoryOptions::default() };
    let report = scan_history(&f.repo, &f.scanner, &opts, &|_| {}).expect("scan");
    assert_eq!(report.commits_scanned, 50);
    report.findings.len()
}
