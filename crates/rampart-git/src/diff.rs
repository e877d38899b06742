//! Tree comparison: the files of a commit whose blob differs from the blob at the same
//! path in every parent.

use std::sync::atomic::{AtomicUsize, Ordering};

use gix::ObjectId;
use gix::objs::TreeRef;
use gix::objs::tree::EntryKind;
use gix::prelude::FindExt;
use rampart_secrets::Scanner;
use rayon::prelude::*;

use crate::walk::{Commit, Ctx, Graph};
use crate::{GitError, Progress, detail};

/// A file of a commit that may hold new secrets.
pub(crate) struct Change {
    /// `/`-separated path (non-UTF-8 bytes replaced).
    pub path: String,
    /// The blob at the commit.
    pub new: ObjectId,
    /// The blobs at the same path in the parents that have a file there.
    pub old: Vec<ObjectId>,
}

/// The changes of each commit of `graph`, in the same order.
pub(crate) fn diff_all(
    ctx: &Ctx<'_>,
    graph: &Graph,
    scanner: &Scanner,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Vec<Vec<Change>>, GitError> {
    let total = graph.commits.len();
    let done = AtomicUsize::new(0);
    let out = graph
        .commits
        .par_iter()
        .map_init(
            || ctx.repo.to_thread_local(),
            |repo, commit| {
                let changes = diff_commit(ctx, repo, commit, scanner);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_multiple_of(256) || n == total {
                    progress(Progress::Diff { done: n, total });
                }
                changes
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    Ok(out)
}

fn diff_commit(
    ctx: &Ctx<'_>,
    repo: &gix::Repository,
    commit: &Commit,
    scanner: &Scanner,
) -> Result<Vec<Change>, GitError> {
    // A root commit (or a shallow boundary) is compared with the empty tree.
    let parents: Vec<Option<ObjectId>> =
        if commit.parent_trees.is_empty() { vec![None] } else { commit.parent_trees.clone() };
    let mut out = Vec::new();
    let mut prefix = Vec::new();
    let mut differ = Differ { ctx, repo, scanner, out: &mut out };
    differ.tree(commit.tree, &parents, &mut prefix)?;
    Ok(out)
}

struct Differ<'a> {
    ctx: &'a Ctx<'a>,
    repo: &'a gix::Repository,
    scanner: &'a Scanner,
    out: &'a mut Vec<Change>,
}

impl Differ<'_> {
    fn find<'b>(&self, id: &ObjectId, buf: &'b mut Vec<u8>) -> Result<TreeRef<'b>, GitError> {
        self.repo.objects.find_tree(id, buf).map_err(|e| self.ctx.object_error(id, detail(&e)))
    }

    /// Compares tree `id` (at `prefix`, empty or ending in `/`) with the parents' trees
    /// at the same path (`None`: no tree there).
    fn tree(
        &mut self,
        id: ObjectId,
        parents: &[Option<ObjectId>],
        prefix: &mut Vec<u8>,
    ) -> Result<(), GitError> {
        if parents.contains(&Some(id)) {
            return Ok(());
        }
        let mut buf = Vec::new();
        let tree = self.find(&id, &mut buf)?;
        let mut parent_bufs: Vec<Vec<u8>> = parents.iter().map(|_| Vec::new()).collect();
        let mut parent_trees: Vec<TreeRef<'_>> = Vec::with_capacity(parents.len());
        for (p, pbuf) in parents.iter().zip(parent_bufs.iter_mut()) {
            parent_trees.push(match p {
                Some(p) => self.find(p, pbuf)?,
                None => TreeRef::empty(),
            });
        }
        for entry in &tree.entries {
            match entry.mode.kind() {
                EntryKind::Tree => {
                    let sub: Vec<Option<ObjectId>> = parent_trees
                        .iter()
                        .map(|pt| pt.bisect_entry(entry.filename, true).map(|e| e.oid.to_owned()))
                        .collect();
                    let len = prefix.len();
                    prefix.extend_from_slice(entry.filename);
                    prefix.push(b'/');
                    let r = self.tree(entry.oid.to_owned(), &sub, prefix);
                    prefix.truncate(len);
                    r?;
                }
                EntryKind::Blob | EntryKind::BlobExecutable => {
                    let mut old = Vec::with_capacity(parent_trees.len());
                    let mut unchanged = false;
                    for pt in &parent_trees {
                        if let Some(e) = pt.bisect_entry(entry.filename, false)
                            && e.mode.is_blob_or_symlink()
                        {
                            unchanged |= e.oid == entry.oid;
                            old.push(e.oid.to_owned());
                        }
                    }
                    if unchanged {
                        continue;
                    }
                    let mut raw = prefix.clone();
                    raw.extend_from_slice(entry.filename);
                    let path = String::from_utf8_lossy(&raw).into_owned();
                    if self.scanner.path_allowed(&path) {
                        continue;
                    }
                    old.sort_unstable();
                    old.dedup();
                    self.out.push(Change { path, new: entry.oid.to_owned(), old });
                }
                // Symlinks hold a path, submodules a commit of another repository.
                EntryKind::Link | EntryKind::Commit => {}
            }
        }
        Ok(())
    }
}
