//! Reading and scanning the distinct blobs, in parallel, each once.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use gix::ObjectId;
use gix::prelude::Find;
use rampart_secrets::{Scanner, SecretMatch};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::diff::Change;
use crate::walk::Ctx;
use crate::{GitError, Progress, detail};

/// How far binary detection looks for a NUL byte (as the scanner does).
const BINARY_PROBE: usize = 8 * 1024;

/// A secret found in a blob, with a hash of the secret bytes to recognise it elsewhere.
pub(crate) struct Found {
    pub secret: SecretMatch,
    pub hash: [u8; 32],
}

impl std::fmt::Debug for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Found").field("secret", &self.secret).finish_non_exhaustive()
    }
}

/// The scan results of the blobs, by blob id, and the counters.
#[derive(Default)]
pub(crate) struct Blobs {
    /// Secrets of each blob read (skipped and missing blobs have none).
    pub results: HashMap<ObjectId, Vec<Found>>,
    pub scanned: usize,
    pub bytes: u64,
    pub skipped: usize,
    pub too_large: usize,
    pub missing: usize,
}

enum Outcome {
    Scanned { bytes: u64, found: Vec<Found> },
    TooLarge,
    Binary,
    Missing,
}

/// Scans the new blob of every change, then, for the changes whose new blob has
/// secrets, the parents' blobs not scanned yet (to tell new secrets from old ones).
pub(crate) fn scan_blobs(
    ctx: &Ctx<'_>,
    changes: &[Vec<Change>],
    scanner: &Scanner,
    max_blob_size: u64,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Blobs, GitError> {
    let packs = PackOrder::new(ctx);
    let mut blobs = Blobs::default();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut todo: Vec<(ObjectId, &str)> = Vec::new();
    for c in changes.iter().flatten() {
        if seen.insert(c.new) {
            todo.push((c.new, &c.path));
        }
    }
    let done = AtomicUsize::new(0);
    let first = todo.len();
    run(ctx, &packs, todo, scanner, max_blob_size, &mut blobs, &done, first, progress)?;

    let mut todo: Vec<(ObjectId, &str)> = Vec::new();
    for c in changes.iter().flatten() {
        if blobs.results.get(&c.new).is_some_and(|f| !f.is_empty()) {
            for old in &c.old {
                if !blobs.results.contains_key(old) && seen.insert(*old) {
                    todo.push((*old, &c.path));
                }
            }
        }
    }
    let total = first + todo.len();
    run(ctx, &packs, todo, scanner, max_blob_size, &mut blobs, &done, total, progress)?;
    Ok(blobs)
}

#[allow(clippy::too_many_arguments)]
fn run(
    ctx: &Ctx<'_>,
    packs: &PackOrder,
    mut todo: Vec<(ObjectId, &str)>,
    scanner: &Scanner,
    max_blob_size: u64,
    blobs: &mut Blobs,
    done: &AtomicUsize,
    total: usize,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(), GitError> {
    packs.sort(&mut todo);
    let outcomes = todo
        .par_iter()
        .map_init(
            || (ctx.repo.to_thread_local(), Vec::new()),
            |(repo, buf), (id, path)| {
                let r = scan_one(ctx, repo, buf, *id, path, scanner, max_blob_size);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_multiple_of(256) || n == total {
                    progress(Progress::Scan { done: n, total });
                }
                r.map(|o| (*id, o))
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    for (id, outcome) in outcomes {
        let found = match outcome {
            Outcome::Scanned { bytes, found } => {
                blobs.scanned += 1;
                blobs.bytes += bytes;
                found
            }
            Outcome::TooLarge => {
                blobs.skipped += 1;
                blobs.too_large += 1;
                Vec::new()
            }
            Outcome::Binary => {
                blobs.skipped += 1;
                Vec::new()
            }
            Outcome::Missing => {
                blobs.missing += 1;
                Vec::new()
            }
        };
        blobs.results.insert(id, found);
    }
    Ok(())
}

fn scan_one(
    ctx: &Ctx<'_>,
    repo: &gix::Repository,
    buf: &mut Vec<u8>,
    id: ObjectId,
    path: &str,
    scanner: &Scanner,
    max_blob_size: u64,
) -> Result<Outcome, GitError> {
    // The header gives the size without decompressing the blob.
    match repo.try_find_header(id) {
        Ok(None) => return Ok(Outcome::Missing),
        Ok(Some(h)) if h.size() > max_blob_size => return Ok(Outcome::TooLarge),
        Ok(Some(_)) => {}
        Err(e) => return Err(ctx.object_error(id, detail(&e))),
    }
    let data = match repo.objects.try_find(&id, buf) {
        Ok(Some(data)) => data,
        Ok(None) => return Ok(Outcome::Missing),
        Err(e) => return Err(ctx.object_error(id, detail(&e))),
    };
    if data.kind != gix::object::Kind::Blob {
        return Err(ctx.object_error(id, format!("expected a blob, found a {}", data.kind)));
    }
    let content = data.data;
    if memchr::memchr(0, &content[..content.len().min(BINARY_PROBE)]).is_some() {
        return Ok(Outcome::Binary);
    }
    let found = scanner
        .scan(path, content)
        .into_iter()
        .map(|secret| {
            let bytes = content.get(secret.start..secret.end).unwrap_or_default();
            Found { hash: Sha256::digest(bytes).into(), secret }
        })
        .collect();
    Ok(Outcome::Scanned { bytes: content.len() as u64, found })
}

/// The packs' indexes, to read blobs in pack order: a delta's base is then usually still
/// in the delta-base cache (reading a history's blobs in walk order resolves the same
/// delta chains again and again, up to 10 times slower).
struct PackOrder {
    indexes: Vec<gix::odb::pack::index::File>,
}

impl PackOrder {
    fn new(ctx: &Ctx<'_>) -> PackOrder {
        let repo = ctx.repo.to_thread_local();
        let dir = repo.objects.store_ref().path().join("pack");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "idx"))
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        // An unreadable index only costs the order: it is left out.
        let indexes = paths
            .iter()
            .filter_map(|p| gix::odb::pack::index::File::at(p, repo.object_hash()).ok())
            .collect();
        PackOrder { indexes }
    }

    /// Sorts by (pack, offset); loose objects (and those of alternates) last, in their order.
    fn sort(&self, todo: &mut [(ObjectId, &str)]) {
        if self.indexes.is_empty() {
            return;
        }
        todo.sort_by_cached_key(|(id, _)| {
            self.indexes
                .iter()
                .enumerate()
                .find_map(|(i, idx)| idx.lookup(id).map(|e| (i, idx.pack_offset_at_index(e))))
                .unwrap_or((usize::MAX, 0))
        });
    }
}
