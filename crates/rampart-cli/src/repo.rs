//! `rampart repo PATH`: secrets in a git repository's history (every commit reachable from the
//! refs), each reported at the commit that introduced it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use rampart_git::{HistoryOptions, Progress, RefSelection};
use rampart_model::{ArtifactKind, Commit, Diagnostic, DiagnosticCode, Report};

use crate::fs::{CommonArgs, OutputFormat, Prepared, default_ignore_file};
use crate::progress::Bar;
use crate::secret::SecretArgs;

#[derive(clap::Args)]
#[command(mut_args(crate::fs::hide_package_options))]
pub struct RepoArgs {
    /// The repository: a work tree, its `.git` directory, or a bare repository.
    path: PathBuf,
    /// Scan only the commits not reachable from this revision (a commit id, tag, branch,
    /// `HEAD~10`): secrets already present there are not reported again. For incremental
    /// scans in CI: pass the last scanned commit.
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// Scan the history of these revisions only (branches, tags, commits; repeatable or
    /// comma-separated) [default: every ref and HEAD, like `git log --all`].
    #[arg(long = "ref", value_delimiter = ',', value_name = "REV")]
    refs: Vec<String>,
    #[command(flatten)]
    secret: SecretArgs,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(mut args: RepoArgs) -> anyhow::Result<u8> {
    if matches!(args.common.format, OutputFormat::Cyclonedx | OutputFormat::SpdxJson) {
        anyhow::bail!("rampart repo writes table, json or sarif: an SBOM has no secrets");
    }
    if !args.common.scanners.is_empty() {
        anyhow::bail!("rampart repo runs the secret scanner only");
    }
    args.common.scanners = vec![crate::fs::Scanner::Secret];
    let prepared = Prepared::new(&args.common, default_ignore_file(&args.path))?;
    let work_tree = args.path.is_dir().then_some(args.path.as_path());
    let scanner = args.secret.scanner(work_tree)?;
    let options = HistoryOptions {
        since: args.since.clone(),
        refs: if args.refs.is_empty() {
            RefSelection::All
        } else {
            RefSelection::Revisions(args.refs.clone())
        },
        max_blob_size: args.secret.secret_max_size as u64,
    };
    let bar = Bar::new(args.common.quiet);
    let progress = |p: Progress| match p {
        Progress::Walk { commits } => bar.message(format!("walking the history: {commits} commits")),
        Progress::Diff { done, total } => bar.message(format!("comparing commits: {done} of {total}")),
        Progress::Scan { done, total } => bar.message(format!("searching files: {done} of {total}")),
        _ => {}
    };
    let history = rampart_git::scan_history(&args.path, &scanner, &options, &progress)
        .with_context(|| format!("scanning the history of {}", args.path.display()))?;

    let mut report =
        Report::new(args.path.display().to_string(), ArtifactKind::Repository, crate::config::now());
    let mut by_path: BTreeMap<String, Vec<rampart_model::Secret>> = BTreeMap::new();
    for f in &history.findings {
        let mut secret = rampart_scan::secret::to_model(&f.secret);
        secret.commit = Some(Commit {
            id: f.commit.id.clone(),
            author: f.commit.author.clone(),
            date: f.commit.date.clone(),
            summary: f.commit.summary.clone(),
        });
        by_path.entry(f.path.clone()).or_default().push(secret);
    }
    for (path, secrets) in by_path {
        report.results.push(rampart_scan::secret::result(path, secrets));
    }
    for r in &history.skipped_refs {
        report.diagnostics.push(Diagnostic::warning(
            DiagnosticCode::ReadError,
            r.clone(),
            "reference skipped",
        ));
    }
    if history.missing_blobs > 0 {
        report.diagnostics.push(Diagnostic::warning(
            DiagnosticCode::ReadError,
            args.path.display().to_string(),
            format!(
                "{} files are missing from the object database (a partial clone?): not searched",
                history.missing_blobs
            ),
        ));
    }
    if !args.common.quiet {
        let shallow =
            if history.shallow { " (shallow clone: history before its boundary is absent)" } else { "" };
        eprintln!(
            "searched {} commits, {} distinct files ({:.1} MB){shallow}; {} skipped as binary or over the size cap",
            history.commits_scanned,
            history.blobs_scanned,
            history.bytes_scanned as f64 / 1e6,
            history.skipped_blobs
        );
        if let Some(head) = &history.head {
            eprintln!("HEAD is {head}: pass `--since {head}` next time to scan only newer commits");
        }
    }
    prepared.finish(report, &args.common, &bar)
}
