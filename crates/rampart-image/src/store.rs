//! Where blobs live: files of an OCI layout directory, or members of a tar read in place.
//!
//! A tar is indexed once with header seeks (no member data is read); a member is later read by
//! seeking to its data. Symlinks and hardlinks between members (the legacy `<id>/layer.tar` links
//! of docker archives) are resolved inside the archive index only, never on the filesystem.

use crate::error::{ImageError, LimitKind};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// How many link hops a member name may take before it is refused as a loop.
const MAX_LINK_HOPS: usize = 16;

/// One member of an indexed tar.
#[derive(Debug, Clone)]
pub(crate) enum Member {
    /// A regular file: its data starts at `offset` in the tar and is `size` bytes long.
    File { offset: u64, size: u64 },
    /// A symbolic link (target relative to the link's directory, or absolute).
    Symlink { target: String },
    /// A hard link (target is an archive path).
    Hardlink { target: String },
    /// A directory, device, sparse file or anything else that is not readable as a blob.
    Other,
}

/// The blobs of an image.
#[derive(Debug)]
pub(crate) enum Store {
    /// An OCI layout (or extracted docker archive) directory.
    Dir { root: PathBuf, canonical_root: PathBuf },
    /// A tar archive indexed by normalised member path.
    Tar { members: HashMap<String, Member> },
}

/// A blob located in the store, ready to be opened.
#[derive(Debug, Clone)]
pub(crate) enum BlobLoc {
    /// A whole file.
    File { path: PathBuf, size: u64 },
    /// `size` bytes at `offset` of the image tar itself.
    Range { offset: u64, size: u64 },
}

impl BlobLoc {
    pub(crate) fn size(&self) -> u64 {
        match self {
            BlobLoc::File { size, .. } | BlobLoc::Range { size, .. } => *size,
        }
    }
}

/// Normalises an archive path: '/'-separated, no empty or `.` components, `..` resolved
/// lexically; `None` when `..` would climb above the root.
pub(crate) fn normalise_archive_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

impl Store {
    /// A directory store rooted at `root`.
    pub(crate) fn dir(image: &Path, root: &Path) -> Result<Store, ImageError> {
        let canonical_root = root.canonicalize().map_err(|source| ImageError::Io {
            image: image.to_owned(),
            what: "resolving the layout directory".into(),
            source,
        })?;
        Ok(Store::Dir { root: root.to_owned(), canonical_root })
    }

    /// Indexes the tar at `image` with header seeks. At most `max_entries` members.
    pub(crate) fn tar(image: &Path, file: &File, max_entries: u64) -> Result<Store, ImageError> {
        let not_tar = |e: io::Error| ImageError::UnknownFormat {
            image: image.to_owned(),
            reason: format!("not a readable tar archive: {e}"),
        };
        let mut archive = tar::Archive::new(file);
        let entries = archive.entries_with_seek().map_err(not_tar)?;
        let mut members = HashMap::new();
        let mut count = 0u64;
        for entry in entries {
            let entry = entry.map_err(not_tar)?;
            count += 1;
            if count > max_entries {
                return Err(ImageError::Malformed {
                    image: image.to_owned(),
                    what: "archive".into(),
                    reason: format!("more than {max_entries} members ({})", LimitKind::Entries),
                });
            }
            let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(name) = normalise_archive_path(&raw_name) else {
                // A member climbing out of the archive can never be a blob we look up.
                continue;
            };
            let header = entry.header();
            let link = || {
                entry.link_name_bytes().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
            };
            let kind = header.entry_type();
            let member = if kind.is_file() {
                Member::File { offset: entry.raw_file_position(), size: entry.size() }
            } else if kind.is_symlink() {
                Member::Symlink { target: link() }
            } else if kind.is_hard_link() {
                Member::Hardlink { target: link() }
            } else {
                Member::Other
            };
            members.insert(name, member);
        }
        Ok(Store::Tar { members })
    }

    /// Whether a member or file named `name` exists (links are not followed).
    pub(crate) fn contains(&self, name: &str) -> bool {
        match self {
            Store::Dir { root, .. } => root.join(name).symlink_metadata().is_ok(),
            Store::Tar { members } => {
                normalise_archive_path(name).map(|n| members.contains_key(&n)).unwrap_or(false)
            }
        }
    }

    /// Finds the blob `name` (an archive-relative path), following links inside the archive.
    /// `what` names the blob's role for errors.
    pub(crate) fn locate(&self, image: &Path, name: &str, what: &str) -> Result<BlobLoc, ImageError> {
        let unsafe_blob = |reason: &str| ImageError::UnsafeBlob {
            image: image.to_owned(),
            what: what.to_owned(),
            name: name.to_owned(),
            reason: reason.to_owned(),
        };
        let missing = || ImageError::MissingBlob {
            image: image.to_owned(),
            what: what.to_owned(),
            name: name.to_owned(),
        };
        let rel = normalise_archive_path(name)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| unsafe_blob("the path leaves the image"))?;
        match self {
            Store::Dir { root, canonical_root } => {
                let path = root.join(&rel);
                // Canonicalise always: a symlinked blob or a symlinked `blobs/` directory must not
                // lead outside the image directory.
                let real = match path.canonicalize() {
                    Ok(p) => p,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(missing()),
                    Err(source) => {
                        return Err(ImageError::Io {
                            image: image.to_owned(),
                            what: format!("{what}: {name}"),
                            source,
                        });
                    }
                };
                if !real.starts_with(canonical_root) {
                    return Err(unsafe_blob("a symlink pointing outside the image directory"));
                }
                let meta = real.metadata().map_err(|source| ImageError::Io {
                    image: image.to_owned(),
                    what: format!("{what}: {name}"),
                    source,
                })?;
                let path = real;
                if !meta.is_file() {
                    return Err(unsafe_blob("not a regular file"));
                }
                Ok(BlobLoc::File { path, size: meta.len() })
            }
            Store::Tar { members } => {
                let mut current = rel;
                for _ in 0..MAX_LINK_HOPS {
                    match members.get(&current) {
                        None => return Err(missing()),
                        Some(Member::File { offset, size }) => {
                            return Ok(BlobLoc::Range { offset: *offset, size: *size });
                        }
                        Some(Member::Other) => return Err(unsafe_blob("not a regular file")),
                        Some(Member::Symlink { target }) => {
                            if target.starts_with('/') {
                                return Err(unsafe_blob("a symlink with an absolute target"));
                            }
                            let parent = current.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                            current = normalise_archive_path(&format!("{parent}/{target}"))
                                .filter(|n| !n.is_empty())
                                .ok_or_else(|| unsafe_blob("a symlink leaving the archive"))?;
                        }
                        Some(Member::Hardlink { target }) => {
                            current = normalise_archive_path(target)
                                .filter(|n| !n.is_empty())
                                .ok_or_else(|| unsafe_blob("a hardlink leaving the archive"))?;
                        }
                    }
                }
                Err(unsafe_blob("too many links (a loop?)"))
            }
        }
    }

    /// Reads a whole small blob (manifest, config, index), refusing more than `limit` bytes.
    pub(crate) fn read_small(
        &self,
        image: &Path,
        name: &str,
        what: &str,
        limit: u64,
    ) -> Result<Vec<u8>, ImageError> {
        let loc = self.locate(image, name, what)?;
        if loc.size() > limit {
            return Err(ImageError::JsonTooLarge {
                image: image.to_owned(),
                what: what.to_owned(),
                size: loc.size(),
                limit,
            });
        }
        let io_err =
            |source| ImageError::Io { image: image.to_owned(), what: format!("reading {what}"), source };
        let mut reader = open_loc(image, &loc).map_err(io_err)?;
        let mut buf = Vec::with_capacity(usize::try_from(loc.size()).unwrap_or(0));
        reader.by_ref().take(limit.saturating_add(1)).read_to_end(&mut buf).map_err(io_err)?;
        if buf.len() as u64 > limit {
            return Err(ImageError::JsonTooLarge {
                image: image.to_owned(),
                what: what.to_owned(),
                size: buf.len() as u64,
                limit,
            });
        }
        Ok(buf)
    }
}

/// Opens a located blob with a fresh file handle, positioned at its first byte and limited to its
/// size.
pub(crate) fn open_loc(image: &Path, loc: &BlobLoc) -> io::Result<io::Take<File>> {
    match loc {
        BlobLoc::File { path, size } => Ok(File::open(path)?.take(*size)),
        BlobLoc::Range { offset, size } => {
            let mut f = File::open(image)?;
            f.seek(SeekFrom::Start(*offset))?;
            Ok(f.take(*size))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_archive_path as n;

    #[test]
    fn archive_paths() {
        assert_eq!(n("./a//b/./c").as_deref(), Some("a/b/c"));
        assert_eq!(n("a/../b").as_deref(), Some("b"));
        assert_eq!(n("/abs").as_deref(), Some("abs"));
        assert_eq!(n("a/../../b"), None);
        assert_eq!(n("..").as_deref(), None);
    }
}
