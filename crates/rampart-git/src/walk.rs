//! The commits to scan: the refs' tips, the commits reachable from them minus those
//! reachable from `since`, and each commit's parent trees.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use gix::ObjectId;
use gix::prelude::Find;

use crate::{CommitInfo, GitError, HistoryOptions, Progress, RefSelection, detail};

/// The repository and its path (for errors).
pub(crate) struct Ctx<'a> {
    pub path: &'a Path,
    pub repo: &'a gix::ThreadSafeRepository,
}

impl Ctx<'_> {
    pub fn object_error(&self, id: impl std::fmt::Display, detail: String) -> GitError {
        GitError::Object { path: self.path.to_path_buf(), id: id.to_string(), detail }
    }

    fn revision_error(&self, rev: &str, detail: String) -> GitError {
        GitError::Revision { path: self.path.to_path_buf(), rev: rev.to_string(), detail }
    }
}

/// A commit to scan.
pub(crate) struct Commit {
    pub info: CommitInfo,
    /// The whole commit message (searched for secrets too).
    pub message: Vec<u8>,
    pub tree: ObjectId,
    /// The tree of each parent; `None` for a parent beyond a shallow boundary.
    pub parent_trees: Vec<Option<ObjectId>>,
}

/// The commits to scan, in no particular order.
pub(crate) struct Graph {
    pub commits: Vec<Commit>,
    pub skipped_refs: Vec<String>,
    pub head: Option<String>,
    pub shallow: bool,
}

/// A decoded commit: its tree and parents (none for a shallow boundary commit).
struct Raw {
    tree: ObjectId,
    parents: Vec<ObjectId>,
}

/// A commit's author, date and summary, and its whole message.
type Described = (CommitInfo, Vec<u8>);

struct Reader<'a> {
    ctx: &'a Ctx<'a>,
    repo: gix::Repository,
    buf: Vec<u8>,
    /// Commits whose parents are absent (a shallow clone's boundary).
    shallow: HashSet<ObjectId>,
}

impl Reader<'_> {
    /// Reads commit `id`; `info` also decodes its author, date, summary and message.
    fn read(&mut self, id: ObjectId, info: bool) -> Result<(Raw, Option<Described>), GitError> {
        let data = self
            .repo
            .objects
            .try_find(&id, &mut self.buf)
            .map_err(|e| self.ctx.object_error(id, detail(&e)))?
            .ok_or_else(|| self.ctx.object_error(id, "commit not found".into()))?;
        if data.kind != gix::object::Kind::Commit {
            return Err(self.ctx.object_error(id, format!("expected a commit, found a {}", data.kind)));
        }
        let commit = gix::objs::CommitRef::from_bytes(data.data, id.kind())
            .map_err(|e| self.ctx.object_error(id, format!("corrupt commit: {}", detail(&e))))?;
        let parents = if self.shallow.contains(&id) { Vec::new() } else { commit.parents().collect() };
        let raw = Raw { tree: commit.tree(), parents };
        let info = info.then(|| (commit_info(id, &commit), commit.message.to_vec()));
        Ok((raw, info))
    }
}

fn commit_info(id: ObjectId, commit: &gix::objs::CommitRef<'_>) -> CommitInfo {
    let (author, timestamp) = match commit.author() {
        Ok(sig) => {
            let sig = sig.trim();
            (format!("{} <{}>", sig.name, sig.email), sig.seconds())
        }
        Err(_) => (String::from_utf8_lossy(commit.author).trim().to_string(), 0),
    };
    let date = time::OffsetDateTime::from_unix_timestamp(timestamp)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default();
    let message: &[u8] = commit.message;
    let first = message.split(|&b| b == b'\n').next().unwrap_or_default();
    let summary = String::from_utf8_lossy(first).trim_end().to_string();
    CommitInfo { id: id.to_string(), author, date, timestamp, summary }
}

/// Resolves `rev` to a commit id (peeling tags).
fn resolve(ctx: &Ctx<'_>, repo: &gix::Repository, rev: &str) -> Result<ObjectId, GitError> {
    let id = repo.rev_parse_single(rev).map_err(|e| ctx.revision_error(rev, detail(&e)))?;
    let object = id.object().map_err(|e| ctx.revision_error(rev, detail(&e)))?;
    let commit = object.peel_to_commit().map_err(|e| ctx.revision_error(rev, detail(&e)))?;
    Ok(commit.id)
}

/// The tips of `selection` (commit ids, possibly repeated) and the refs skipped.
fn tips(
    ctx: &Ctx<'_>,
    repo: &gix::Repository,
    selection: &RefSelection,
    head: Option<ObjectId>,
) -> Result<(Vec<ObjectId>, Vec<String>), GitError> {
    let mut tips: Vec<ObjectId> = head.into_iter().collect();
    let mut skipped = Vec::new();
    match selection {
        RefSelection::Head => {}
        RefSelection::Revisions(revs) => {
            tips.clear();
            for rev in revs {
                tips.push(resolve(ctx, repo, rev)?);
            }
        }
        RefSelection::All => {
            let refs_error =
                |e: gix::Error| GitError::Refs { path: ctx.path.to_path_buf(), detail: detail(&e) };
            let platform = repo.references().map_err(refs_error)?;
            for r in platform.all().map_err(refs_error)? {
                let mut r = match r {
                    Ok(r) => r,
                    Err(e) => {
                        skipped.push(detail(&e));
                        continue;
                    }
                };
                let name = r.name().as_bstr().to_string();
                match r.peel_to_id() {
                    Ok(id) => match repo.find_header(id.detach()) {
                        Ok(h) if h.kind() == gix::object::Kind::Commit => tips.push(id.detach()),
                        Ok(h) => skipped.push(format!("{name}: points to a {}, not a commit", h.kind())),
                        Err(e) => skipped.push(format!("{name}: {}", detail(&e))),
                    },
                    Err(e) => skipped.push(format!("{name}: {}", detail(&e))),
                }
            }
        }
    }
    Ok((tips, skipped))
}

pub(crate) fn walk(
    ctx: &Ctx<'_>,
    opts: &HistoryOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Graph, GitError> {
    let repo = ctx.repo.to_thread_local();
    let shallow_commits: HashSet<ObjectId> = match repo.shallow_commits() {
        Ok(Some(list)) => list.iter().copied().collect(),
        Ok(None) => HashSet::new(),
        Err(e) => return Err(ctx.object_error("shallow", detail(&e))),
    };
    let shallow = !shallow_commits.is_empty();
    // An unborn HEAD (empty repository) has no id: nothing to add.
    let head = repo.head_id().ok().map(|id| id.detach());
    let (tips, skipped_refs) = tips(ctx, &repo, &opts.refs, head)?;
    let since = opts.since.as_deref().map(|rev| resolve(ctx, &repo, rev)).transpose()?;
    let mut reader = Reader { ctx, repo, buf: Vec::new(), shallow: shallow_commits };

    // Commits reachable from `since`: excluded.
    let mut hidden: HashSet<ObjectId> = HashSet::new();
    let mut hidden_trees: HashMap<ObjectId, ObjectId> = HashMap::new();
    if let Some(since) = since {
        let mut stack = vec![since];
        while let Some(id) = stack.pop() {
            if !hidden.insert(id) {
                continue;
            }
            let (raw, _) = reader.read(id, false)?;
            hidden_trees.insert(id, raw.tree);
            stack.extend(raw.parents.into_iter().filter(|p| !hidden.contains(p)));
        }
    }

    let mut index: HashMap<ObjectId, usize> = HashMap::new();
    let mut commits: Vec<(Commit, Vec<ObjectId>)> = Vec::new();
    let mut stack: Vec<ObjectId> = tips.into_iter().rev().collect();
    while let Some(id) = stack.pop() {
        if hidden.contains(&id) || index.contains_key(&id) {
            continue;
        }
        let (raw, info) = reader.read(id, true)?;
        let (info, message) = info.unwrap_or_default();
        index.insert(id, commits.len());
        stack.extend(raw.parents.iter().rev().filter(|p| !hidden.contains(*p) && !index.contains_key(*p)));
        commits.push((Commit { info, message, tree: raw.tree, parent_trees: Vec::new() }, raw.parents));
        if commits.len().is_multiple_of(1024) {
            progress(Progress::Walk { commits: commits.len() });
        }
    }
    progress(Progress::Walk { commits: commits.len() });

    let trees: Vec<ObjectId> = commits.iter().map(|(c, _)| c.tree).collect();
    let commits = commits
        .into_iter()
        .map(|(mut commit, parents)| {
            commit.parent_trees = parents
                .iter()
                .map(|p| match index.get(p) {
                    Some(&i) => Some(trees[i]),
                    None => hidden_trees.get(p).copied(),
                })
                .collect();
            commit
        })
        .collect();
    Ok(Graph { commits, skipped_refs, head: head.map(|h| h.to_string()), shallow })
}
