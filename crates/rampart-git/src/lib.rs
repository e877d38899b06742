//! Secrets in git history: every commit reachable from the refs is compared with its
//! parent(s), and each secret is reported once, at the commit that introduced it, with
//! the commit's id, author, date and summary, the file's path and the line. Commit
//! messages are searched too.
//!
//! The repository is read with `gix` (pure Rust, no `git` binary,
//! no checkout); file contents are scanned by a [`rampart_secrets::Scanner`].
//!
//! # What is scanned
//!
//! * **Commits**: every commit reachable from the selected refs ([`RefSelection`]; by
//!   default every reference under `refs/` — branches, tags, remote-tracking branches,
//!   stash, notes — plus `HEAD`, like `git log --all`), each visited once, merges
//!   included, minus the commits reachable from [`HistoryOptions::since`] (like
//!   `git log SINCE..` with those refs).
//! * **Changes**: a commit is compared with each of its parents, tree by tree (identical
//!   subtrees are skipped without being read). A file (regular or executable blob;
//!   symlinks and submodules are not files) is a candidate when its blob differs from
//!   the blob at the same path in *every* parent. A root commit, and a commit whose
//!   parents are missing from a shallow clone, is compared with the empty tree.
//! * **Blobs**: each distinct blob is read and scanned once, in parallel. Paths on the
//!   scanner's path allowlist ([`rampart_secrets::Scanner::path_allowed`], e.g.
//!   `node_modules/`) are dropped before any blob is read; blobs larger than
//!   [`HistoryOptions::max_blob_size`] are skipped from their header, before being
//!   decompressed, and binary blobs (a NUL byte in the first 8 KiB) after reading.
//! * **Messages**: the whole message of every scanned commit, reported with the path
//!   [`COMMIT_MESSAGE_PATH`] at that commit (a message is never inherited, so each
//!   commit that repeats a secret in its message is reported). Annotated tag messages are
//!   not searched.
//!
//! # When a secret is reported
//!
//! A secret is identified by its rule id and a SHA-256 of its bytes (the hash is only
//! compared in memory, never returned). A finding is reported at commit `C` for path
//! `P` when the secret is in `P`'s blob at `C` and in the blob at `P` of none of `C`'s
//! parents — the commit that *introduced* it, as gitleaks reports a secret on the
//! added line of `git log -p`:
//!
//! * a secret added in one commit and its file edited later is reported once, at the
//!   first commit, with its line in that commit's blob;
//! * a secret removed later is still reported (at the commit that added it); deleting a
//!   file reports nothing;
//! * the same secret copied or moved to another path is reported again for that path
//!   (renames are not followed);
//! * a merge reports only what is in none of its parents, so it does not re-report the
//!   secrets of the branches it merges (an evil merge's own secrets are reported);
//! * with `since`, the first commits after the boundary are still compared with their
//!   (excluded) parents, so the secrets already present at `since` are not re-reported.
//!
//! Findings are sorted by author date, then commit id, path, line and offset.
//!
//! # Secrets never leave
//!
//! A [`HistoryFinding`] holds a [`SecretMatch`], which only has the redacted secret and
//! a redacted snippet; no type of this crate (their `Debug` included) holds a secret.
//!
//! ```no_run
//! use rampart_git::{HistoryOptions, scan_history};
//! use rampart_secrets::Scanner;
//!
//! let scanner = Scanner::with_builtin_rules()?;
//! let opts = HistoryOptions { since: Some("v1.2.0".into()), ..HistoryOptions::default() };
//! let report = scan_history(std::path::Path::new("."), &scanner, &opts, &|_| {})?;
//! for f in &report.findings {
//!     let _ = (&f.commit.id, &f.commit.author, &f.path, f.secret.start_line, &f.secret.rule_id);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The library never prints; errors are [`GitError`].

mod diff;
mod scan;
mod walk;

use std::path::{Path, PathBuf};

use rampart_secrets::{Scanner, SecretMatch};
use rayon::prelude::*;

/// Which refs give the commits to scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RefSelection {
    /// Every reference under `refs/` (local branches, tags, remote-tracking branches,
    /// stash, notes, ...) and `HEAD`, like `git log --all`. References that do not
    /// point (after peeling tags) to a commit are skipped and listed in
    /// [`HistoryReport::skipped_refs`].
    #[default]
    All,
    /// `HEAD` only (its commit and ancestors). An unborn `HEAD` scans nothing.
    Head,
    /// These revisions (`main`, `origin/dev`, `v1.0`, a commit id, `HEAD~3`, ...): each
    /// must resolve to a commit (or a tag of one), else [`GitError::Revision`].
    Revisions(Vec<String>),
}

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryOptions {
    /// A revision (commit id, tag, branch, `HEAD~3`, ...): the commits reachable from it
    /// are not scanned, like `git log SINCE..`. Secrets already present at `since` are
    /// not reported. A revision that does not resolve to a commit is
    /// [`GitError::Revision`].
    pub since: Option<String>,
    /// The refs whose history is scanned (default: all refs and `HEAD`).
    pub refs: RefSelection,
    /// Blobs larger than this (bytes) are skipped and counted in
    /// [`HistoryReport::skipped_blobs`] (default: 10 MiB, the scanner's default file cap).
    pub max_blob_size: u64,
}

/// Default [`HistoryOptions::max_blob_size`]: 10 MiB.
pub const DEFAULT_MAX_BLOB_SIZE: u64 = 10 * 1024 * 1024;

impl Default for HistoryOptions {
    fn default() -> HistoryOptions {
        HistoryOptions { since: None, refs: RefSelection::All, max_blob_size: DEFAULT_MAX_BLOB_SIZE }
    }
}

/// A commit that introduced a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CommitInfo {
    /// Full hexadecimal commit id.
    pub id: String,
    /// The author, `Name <email>`.
    pub author: String,
    /// The author date, RFC 3339 in UTC (`2024-05-01T12:00:00Z`).
    pub date: String,
    /// The author date, seconds since the Unix epoch.
    pub timestamp: i64,
    /// The first line of the commit message.
    pub summary: String,
}

/// The [`HistoryFinding::path`] of secrets found in a commit's message rather than in a file.
pub const COMMIT_MESSAGE_PATH: &str = "(commit message)";

/// A secret introduced by a commit in a file, or written in its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryFinding {
    /// The commit that introduced the secret at [`path`](Self::path).
    pub commit: CommitInfo,
    /// The file's path in the repository, `/`-separated (non-UTF-8 bytes replaced), or
    /// [`COMMIT_MESSAGE_PATH`] for a secret in the commit message (lines count from the
    /// message's first line).
    pub path: String,
    /// The secret (redacted), its lines and byte offsets in the file's blob at that commit.
    pub secret: SecretMatch,
}

/// The result of [`scan_history`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryReport {
    /// Every secret, at the commit that introduced it, sorted by author date, commit id,
    /// path, line.
    pub findings: Vec<HistoryFinding>,
    /// Commits compared with their parents.
    pub commits_scanned: usize,
    /// Distinct blobs read and scanned.
    pub blobs_scanned: usize,
    /// Bytes of the scanned blobs.
    pub bytes_scanned: u64,
    /// Distinct blobs not scanned: larger than [`HistoryOptions::max_blob_size`] or binary.
    pub skipped_blobs: usize,
    /// Of [`skipped_blobs`](Self::skipped_blobs), those over the size cap.
    pub skipped_too_large: usize,
    /// Distinct blobs absent from the object database (a partial clone): not scanned.
    pub missing_blobs: usize,
    /// References skipped because they do not point to a commit (a tag of a tree or a
    /// blob) or could not be read, each `refs/...: reason`.
    pub skipped_refs: Vec<String>,
    /// The commit `HEAD` points to (full hex), `None` when `HEAD` is unborn.
    pub head: Option<String>,
    /// Whether the repository is a shallow clone (history before its boundary is absent;
    /// the boundary commits are compared with the empty tree).
    pub shallow: bool,
}

/// Progress of [`scan_history`], reported from any thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// Walking the commit graph: commits found so far.
    Walk { commits: usize },
    /// Comparing commits with their parents.
    Diff { done: usize, total: usize },
    /// Reading and scanning distinct blobs.
    Scan { done: usize, total: usize },
}

/// Errors of [`scan_history`]. Each names the repository path.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The path is not a git repository (or it could not be opened).
    #[error("{path}: not a git repository: {detail}")]
    Open { path: PathBuf, detail: String },
    /// A revision (`since`, or one of [`RefSelection::Revisions`]) does not resolve to a commit.
    #[error("{path}: revision {rev:?}: {detail}")]
    Revision { path: PathBuf, rev: String, detail: String },
    /// An object is missing or corrupt.
    #[error("{path}: object {id}: {detail}")]
    Object { path: PathBuf, id: String, detail: String },
    /// The references could not be listed.
    #[error("{path}: references: {detail}")]
    Refs { path: PathBuf, detail: String },
}

/// The delta-base cache of each thread's repository handle.
const DELTA_BASE_CACHE: &str = "core.deltaBaseCacheLimit=32m";

/// A gix error and its causes on one line: `error: cause: cause`.
pub(crate) fn detail(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// The first line of `message` with the secrets `found` in it replaced by their redacted form.
fn redacted_summary(message: &[u8], found: &[SecretMatch]) -> String {
    let end = memchr::memchr(b'\n', message).unwrap_or(message.len());
    let mut out: Vec<u8> = Vec::with_capacity(end);
    let mut at = 0;
    let mut matches: Vec<&SecretMatch> = found.iter().filter(|m| m.start < end).collect();
    matches.sort_by_key(|m| m.start);
    for m in matches {
        if m.start < at {
            continue;
        }
        out.extend_from_slice(&message[at..m.start]);
        out.extend_from_slice(m.redacted.lines().next().unwrap_or_default().as_bytes());
        at = m.end.min(end);
    }
    out.extend_from_slice(&message[at.min(end)..end]);
    String::from_utf8_lossy(&out).trim_end().to_string()
}

/// Scans the history of the repository at `repo_path` (a work tree, its `.git`
/// directory, or a bare repository; no upward discovery) for secrets.
///
/// `progress` is called (from any thread) while walking, diffing and scanning.
pub fn scan_history(
    repo_path: &Path,
    scanner: &Scanner,
    opts: &HistoryOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<HistoryReport, GitError> {
    // gix's default delta-base cache keeps 64 small entries: reading a history's blobs
    // resolves long delta chains again and again (5x slower). A memory-capped cache per
    // thread, like git's own `core.deltaBaseCacheLimit`, keeps the bases.
    let options = gix::open::Options::default().config_overrides([DELTA_BASE_CACHE]);
    let repo = gix::ThreadSafeRepository::open_opts(repo_path, options)
        .map_err(|e| GitError::Open { path: repo_path.to_path_buf(), detail: detail(&e) })?;
    let ctx = walk::Ctx { path: repo_path, repo: &repo };
    let mut graph = walk::walk(&ctx, opts, progress)?;
    // Commit messages: a token pasted into "fix: rotate key AKIA..." ships with the history too.
    // A secret on the message's first line is redacted in the summary every finding of that
    // commit carries.
    let in_messages: Vec<Vec<SecretMatch>> =
        graph.commits.par_iter().map(|c| scanner.scan(COMMIT_MESSAGE_PATH, &c.message)).collect();
    for (commit, found) in graph.commits.iter_mut().zip(&in_messages) {
        if !found.is_empty() {
            commit.info.summary = redacted_summary(&commit.message, found);
        }
    }
    let changes = diff::diff_all(&ctx, &graph, scanner, progress)?;
    let blobs = scan::scan_blobs(&ctx, &changes, scanner, opts.max_blob_size, progress)?;
    let mut findings = Vec::new();
    for (commit, list) in graph.commits.iter().zip(&changes) {
        for change in list {
            let Some(new) = blobs.results.get(&change.new) else { continue };
            if new.is_empty() {
                continue;
            }
            let known: std::collections::HashSet<(&str, &[u8; 32])> = change
                .old
                .iter()
                .filter_map(|o| blobs.results.get(o))
                .flatten()
                .map(|f| (f.secret.rule_id.as_str(), &f.hash))
                .collect();
            for f in new {
                if !known.contains(&(f.secret.rule_id.as_str(), &f.hash)) {
                    findings.push(HistoryFinding {
                        commit: commit.info.clone(),
                        path: change.path.clone(),
                        secret: f.secret.clone(),
                    });
                }
            }
        }
    }
    for (commit, found) in graph.commits.iter().zip(in_messages) {
        findings.extend(found.into_iter().map(|secret| HistoryFinding {
            commit: commit.info.clone(),
            path: COMMIT_MESSAGE_PATH.to_string(),
            secret,
        }));
    }
    findings.sort_by(|a, b| {
        (a.commit.timestamp, &a.commit.id, &a.path, a.secret.start_line, a.secret.start).cmp(&(
            b.commit.timestamp,
            &b.commit.id,
            &b.path,
            b.secret.start_line,
            b.secret.start,
        ))
    });
    Ok(HistoryReport {
        findings,
        commits_scanned: graph.commits.len(),
        blobs_scanned: blobs.scanned,
        bytes_scanned: blobs.bytes,
        skipped_blobs: blobs.skipped,
        skipped_too_large: blobs.too_large,
        missing_blobs: blobs.missing,
        skipped_refs: graph.skipped_refs,
        head: graph.head,
        shallow: graph.shallow,
    })
}
