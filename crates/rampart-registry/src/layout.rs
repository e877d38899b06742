//! The local OCI image layout: `oci-layout`, `index.json` and `blobs/sha256/<hex>`. Every blob is written to
//! a temp file inside `blobs/sha256/` and renamed to its name only after its sha256 matched; no path is ever
//! built from anything but a validated `sha256:<64 hex>` digest.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::RegistryError;
use crate::manifest::{Descriptor, is_valid_sha256_digest};

/// The `org.opencontainers.image.ref.name` annotation key.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// An OCI layout directory being filled.
pub(crate) struct Layout {
    root: PathBuf,
    blobs: PathBuf,
}

fn io_err(path: &Path, what: &str, e: &std::io::Error) -> RegistryError {
    RegistryError::Layout { path: path.to_path_buf(), reason: format!("{what}: {e}") }
}

/// Create `dir` as a real directory (not a symlink) if missing.
fn ensure_dir(dir: &Path) -> Result<(), RegistryError> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(RegistryError::Layout {
            path: dir.to_path_buf(),
            reason: "exists and is not a directory (symlinks are refused)".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir(dir).map_err(|e| io_err(dir, "cannot create directory", &e))
        }
        Err(e) => Err(io_err(dir, "cannot inspect", &e)),
    }
}

/// sha256 of a file's content and its length.
pub(crate) fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or_default());
        len += n as u64;
    }
    Ok((format!("sha256:{:x}", h.finalize()), len))
}

impl Layout {
    /// Open or create the layout at `root`: the directory, `oci-layout` and `blobs/sha256/`.
    pub(crate) fn open(root: &Path) -> Result<Self, RegistryError> {
        if !root.exists() {
            fs::create_dir_all(root).map_err(|e| io_err(root, "cannot create layout directory", &e))?;
        }
        if !root.is_dir() {
            return Err(RegistryError::Layout { path: root.to_path_buf(), reason: "not a directory".into() });
        }
        let marker = root.join("oci-layout");
        if !marker.exists() {
            write_atomic(root, &marker, br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        }
        let blobs_top = root.join("blobs");
        ensure_dir(&blobs_top)?;
        let blobs = blobs_top.join("sha256");
        ensure_dir(&blobs)?;
        Ok(Self { root: root.to_path_buf(), blobs })
    }

    /// The path of a blob; `None` for anything but `sha256:<64 hex>`.
    pub(crate) fn blob_path(&self, digest: &str) -> Option<PathBuf> {
        if !is_valid_sha256_digest(digest) {
            return None;
        }
        digest.strip_prefix("sha256:").map(|hex| self.blobs.join(hex))
    }

    fn checked_path(&self, digest: &str) -> Result<PathBuf, RegistryError> {
        self.blob_path(digest).ok_or_else(|| RegistryError::Layout {
            path: self.blobs.clone(),
            reason: format!("refusing blob name {digest:?}: not sha256:<64 hex>"),
        })
    }

    /// True when the blob is present as a regular file with the given size and a matching sha256. A file
    /// that does not match (or is a symlink or directory) is removed so it will be fetched again.
    pub(crate) fn has_verified(&self, digest: &str, size: u64) -> Result<bool, RegistryError> {
        let path = self.checked_path(digest)?;
        let meta = match fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io_err(&path, "cannot inspect blob", &e)),
        };
        if meta.is_file() && meta.len() == size {
            let (actual, _) = hash_file(&path).map_err(|e| io_err(&path, "cannot read blob", &e))?;
            if actual == digest {
                return Ok(true);
            }
        }
        if meta.is_dir() {
            fs::remove_dir_all(&path).map_err(|e| io_err(&path, "cannot remove stale blob directory", &e))?;
        } else {
            fs::remove_file(&path).map_err(|e| io_err(&path, "cannot remove stale blob", &e))?;
        }
        Ok(false)
    }

    /// Start writing a blob: a temp file in `blobs/sha256/`.
    pub(crate) fn writer(&self, digest: &str) -> Result<BlobWriter, RegistryError> {
        let dest = self.checked_path(digest)?;
        let tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.blobs)
            .map_err(|e| io_err(&self.blobs, "cannot create temp file", &e))?;
        Ok(BlobWriter { tmp, dest, hasher: Sha256::new(), len: 0 })
    }

    /// Store `bytes` (already verified by the caller or verified here) as blob `digest`.
    pub(crate) fn put_bytes(&self, digest: &str, bytes: &[u8]) -> Result<(), RegistryError> {
        let mut w = self.writer(digest)?;
        w.write(bytes)?;
        match w.finish(digest)? {
            Ok(_) => Ok(()),
            Err(m) => Err(RegistryError::Layout {
                path: self.blobs.clone(),
                reason: format!("content for {digest} hashes to {}", m.actual),
            }),
        }
    }

    /// Add `desc` to `index.json`, replacing any entry with the same `org.opencontainers.image.ref.name`, and
    /// keeping the other entries (one layout can hold several pulled images).
    pub(crate) fn add_to_index(&self, desc: &Descriptor) -> Result<(), RegistryError> {
        let path = self.root.join("index.json");
        let ref_name = desc.annotations.as_ref().and_then(|a| a.get(REF_NAME)).cloned();
        let mut manifests: Vec<serde_json::Value> = Vec::new();
        match fs::read(&path) {
            Ok(bytes) => {
                let old: serde_json::Value =
                    serde_json::from_slice(&bytes).map_err(|e| RegistryError::Layout {
                        path: path.clone(),
                        reason: format!("existing index.json is not valid JSON: {e}"),
                    })?;
                if let Some(list) = old.get("manifests").and_then(|m| m.as_array()) {
                    for entry in list {
                        let name =
                            entry.get("annotations").and_then(|a| a.get(REF_NAME)).and_then(|v| v.as_str());
                        if name.is_none() || name != ref_name.as_deref() {
                            manifests.push(entry.clone());
                        }
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&path, "cannot read", &e)),
        }
        let entry = serde_json::to_value(desc).map_err(|e| RegistryError::Layout {
            path: path.clone(),
            reason: format!("cannot encode descriptor: {e}"),
        })?;
        manifests.push(entry);
        let index = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": crate::manifest::OCI_INDEX,
            "manifests": manifests,
        });
        let bytes = serde_json::to_vec_pretty(&index).map_err(|e| RegistryError::Layout {
            path: path.clone(),
            reason: format!("cannot encode index: {e}"),
        })?;
        write_atomic(&self.root, &path, &bytes)
    }
}

/// Write `bytes` to `dest` through a temp file in `dir` and a rename.
fn write_atomic(dir: &Path, dest: &Path, bytes: &[u8]) -> Result<(), RegistryError> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(|e| io_err(dir, "cannot create temp file", &e))?;
    tmp.write_all(bytes).map_err(|e| io_err(tmp.path(), "cannot write", &e))?;
    tmp.persist(dest).map_err(|e| io_err(dest, "cannot rename into place", &e.error))?;
    Ok(())
}

/// A blob being written: hashes while writing, renamed into place by [`BlobWriter::finish`] only when the
/// digest matches. Dropped unfinished, the temp file is removed.
pub(crate) struct BlobWriter {
    tmp: tempfile::NamedTempFile,
    dest: PathBuf,
    hasher: Sha256,
    len: u64,
}

/// A finished blob whose content did not match its name.
pub(crate) struct Mismatch {
    pub actual: String,
}

impl BlobWriter {
    /// Append bytes.
    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<(), RegistryError> {
        self.hasher.update(bytes);
        self.len += bytes.len() as u64;
        self.tmp.write_all(bytes).map_err(|e| io_err(self.tmp.path(), "cannot write blob", &e))
    }

    /// Bytes written so far.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Check the sha256 against `digest`; rename into place when it matches. The outer error is I/O, the inner
    /// one a mismatch (the temp file is then removed).
    pub(crate) fn finish(self, digest: &str) -> Result<Result<PathBuf, Mismatch>, RegistryError> {
        let actual = format!("sha256:{:x}", self.hasher.finalize());
        if actual != digest {
            return Ok(Err(Mismatch { actual }));
        }
        let mut tmp = self.tmp;
        tmp.flush().map_err(|e| io_err(tmp.path(), "cannot flush blob", &e))?;
        tmp.persist(&self.dest).map_err(|e| io_err(&self.dest, "cannot rename blob into place", &e.error))?;
        Ok(Ok(self.dest))
    }
}
