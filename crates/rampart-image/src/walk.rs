//! Streaming one layer: locate the blob, sniff its compression, decompress through counters and
//! hashers that enforce the limits and compute the diff_id, and hand each tar entry to the visitor.

use crate::Image;
use crate::digest::BackgroundHasher;
use crate::error::{ImageError, LayerId, LimitHit, LimitKind, limit_hit};
use crate::store::open_loc;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Buffer between the file and the decompressor, and between the decompressor and the tar reader.
const BUF: usize = 128 * 1024;

/// What one entry of a layer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (also GNU sparse and contiguous files); its content is readable.
    File,
    /// A directory.
    Dir,
    /// A symbolic link; `target` as stored (relative or absolute, never followed by this crate).
    Symlink { target: String },
    /// A hard link to `target`, an earlier entry's path, normalised like entry paths.
    Hardlink { target: String },
    /// An overlay whiteout: the entry's `path` is the path the layer deletes (the `.wh.` prefix
    /// removed from the file name).
    Whiteout,
    /// An opaque-directory marker (`.wh..wh..opq`): the entry's `path` is the directory whose
    /// content from lower layers is hidden (`""` for the root).
    OpaqueDir,
    /// Devices, FIFOs, AUFS metadata (`.wh..wh.*`) and anything else.
    Other,
}

/// Sizes of one walk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LayerStats {
    /// Entries handed to the visitor.
    pub entries: u64,
    /// Bytes of the uncompressed layer tar (what the diff_id hashes).
    pub uncompressed_bytes: u64,
    /// Bytes of the blob as stored.
    pub compressed_bytes: u64,
}

/// One entry of a layer, handed to the visitor of [`Image::walk_layer`].
///
/// The content is readable once, through [`LayerEntry::read_to_vec`] or [`Read`]; whatever the
/// visitor leaves unread is skipped (still hashed) when the visitor returns.
pub struct LayerEntry<'a> {
    /// The entry's path: relative, '/'-separated, without leading `./` or `/` or trailing `/`;
    /// `""` is the layer's root directory. For whiteouts it is the deleted path.
    pub path: &'a str,
    /// What the entry is.
    pub kind: EntryKind,
    /// Content size in bytes, from the tar header (0 for non-files).
    pub size: u64,
    /// Permission and type bits from the tar header (e.g. `0o755`).
    pub mode: u32,
    /// Owner user id.
    pub uid: u64,
    /// Owner group id.
    pub gid: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: u64,
    reader: &'a mut dyn Read,
    image: &'a Path,
    layer: &'a LayerId,
}

impl LayerEntry<'_> {
    /// Reads the entry's whole content. Refuses ([`ImageError::EntryTooLarge`]) an entry larger
    /// than `cap` bytes without reading it: check [`LayerEntry::size`] first to skip such files.
    pub fn read_to_vec(&mut self, cap: u64) -> Result<Vec<u8>, ImageError> {
        if self.size > cap {
            return Err(self.too_large(self.size, cap));
        }
        let mut v = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
        let result = (&mut *self.reader).take(cap.saturating_add(1)).read_to_end(&mut v);
        if let Err(e) = result {
            return Err(self.io_error(e));
        }
        if v.len() as u64 > cap {
            return Err(self.too_large(v.len() as u64, cap));
        }
        Ok(v)
    }

    /// The index of the layer this entry belongs to.
    pub fn layer_index(&self) -> usize {
        self.layer.index
    }

    /// Turns an error met by the visitor into an [`ImageError::Visitor`] naming the image, layer
    /// and entry.
    pub fn visitor_error(&self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> ImageError {
        ImageError::Visitor {
            image: self.image.to_owned(),
            layer: self.layer.clone(),
            entry: self.path.to_owned(),
            source: source.into(),
        }
    }

    /// Turns an `io::Error` from this entry's [`Read`] into an [`ImageError`]
    /// ([`ImageError::LimitExceeded`] when a limit was hit, else [`ImageError::EntryRead`]).
    pub fn io_error(&self, e: io::Error) -> ImageError {
        match limit_hit(&e) {
            Some(hit) => ImageError::LimitExceeded {
                image: self.image.to_owned(),
                layer: self.layer.clone(),
                limit: hit.kind,
                max: hit.max,
            },
            None => ImageError::EntryRead {
                image: self.image.to_owned(),
                layer: self.layer.clone(),
                entry: self.path.to_owned(),
                source: e,
            },
        }
    }

    fn too_large(&self, size: u64, cap: u64) -> ImageError {
        ImageError::EntryTooLarge {
            image: self.image.to_owned(),
            layer: self.layer.clone(),
            entry: self.path.to_owned(),
            size,
            cap,
        }
    }
}

impl Read for LayerEntry<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

impl std::fmt::Debug for LayerEntry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayerEntry")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("size", &self.size)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// Counts (and optionally hashes) the stored bytes.
struct Compressed<'s, R> {
    inner: R,
    count: &'s mut u64,
    hasher: &'s mut Option<BackgroundHasher>,
}

impl<R: Read> Read for Compressed<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = buf.get(..n).unwrap_or_default();
        *self.count += got.len() as u64;
        if let Some(h) = self.hasher.as_mut() {
            h.update(got);
        }
        Ok(n)
    }
}

/// Counts and hashes the uncompressed bytes, failing past the layer and total limits.
struct Uncompressed<'s, R> {
    inner: R,
    count: &'s mut u64,
    hasher: &'s mut BackgroundHasher,
    max_layer: u64,
    total: &'s AtomicU64,
    max_total: u64,
}

impl<R: Read> Read for Uncompressed<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = buf.get(..n).unwrap_or_default();
        let len = got.len() as u64;
        *self.count += len;
        if *self.count > self.max_layer {
            return Err(io::Error::other(LimitHit { kind: LimitKind::LayerBytes, max: self.max_layer }));
        }
        let before = self.total.fetch_add(len, Ordering::Relaxed);
        if before.saturating_add(len) > self.max_total {
            return Err(io::Error::other(LimitHit { kind: LimitKind::TotalBytes, max: self.max_total }));
        }
        self.hasher.update(got);
        Ok(n)
    }
}

/// The uncompressed stream as the tar reader sees it: a forward-only "seek" lets the tar reader
/// skip unread entry data by consuming this buffer in place (the bytes are still counted and
/// hashed below it), instead of copying them into a scratch buffer.
struct Forward<R> {
    inner: BufReader<R>,
    pos: u64,
}

impl<R: Read> Read for Forward<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read> Seek for Forward<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let mut left = match to {
            SeekFrom::Current(d) => u64::try_from(d).ok(),
            SeekFrom::Start(p) => p.checked_sub(self.pos),
            SeekFrom::End(_) => None,
        }
        .ok_or_else(|| io::Error::new(io::ErrorKind::Unsupported, "backward seek in a layer"))?;
        while left > 0 {
            let available = self.inner.fill_buf()?.len();
            if available == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "unexpected end of the layer inside an entry",
                ));
            }
            let step = available.min(usize::try_from(left).unwrap_or(usize::MAX));
            self.inner.consume(step);
            self.pos += step as u64;
            left -= step as u64;
        }
        Ok(self.pos)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    Plain,
    Gzip,
    Zstd,
    Xz,
    Bzip2,
}

fn sniff(magic: &[u8]) -> Compression {
    match magic {
        [0x1f, 0x8b, ..] => Compression::Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Compression::Zstd,
        [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Compression::Xz,
        [b'B', b'Z', b'h', ..] => Compression::Bzip2,
        _ => Compression::Plain,
    }
}

/// Normalises an entry path into `out`: drops empty and `.` components; refuses `..` and NUL.
fn normalise_entry(raw: &[u8], out: &mut String) -> Result<(), &'static str> {
    if raw.contains(&0) {
        return Err("NUL byte in the path");
    }
    out.clear();
    let text = String::from_utf8_lossy(raw);
    for comp in text.split('/') {
        match comp {
            "" | "." => {}
            ".." => return Err("'..' component in the path"),
            c => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(c);
            }
        }
    }
    Ok(())
}

/// Rewrites a whiteout entry's path to the path it deletes and says which kind it is.
fn whiteout(path: &mut String) -> Result<Option<EntryKind>, &'static str> {
    let (parent, name) = match path.rsplit_once('/') {
        Some((p, n)) => (p, n),
        None => ("", path.as_str()),
    };
    let Some(deleted) = name.strip_prefix(".wh.") else {
        return Ok(None);
    };
    if deleted == ".wh..opq" {
        let parent = parent.to_owned();
        *path = parent;
        return Ok(Some(EntryKind::OpaqueDir));
    }
    if deleted.starts_with(".wh.") || deleted.is_empty() {
        return Ok(Some(EntryKind::Other));
    }
    if deleted == "." || deleted == ".." {
        return Err("whiteout of '.' or '..'");
    }
    let new = if parent.is_empty() { deleted.to_owned() } else { format!("{parent}/{deleted}") };
    *path = new;
    Ok(Some(EntryKind::Whiteout))
}

pub(crate) fn walk(
    img: &Image,
    index: usize,
    visit: &mut dyn FnMut(&mut LayerEntry<'_>) -> Result<(), ImageError>,
) -> Result<LayerStats, ImageError> {
    let image = img.path.as_path();
    let loc = img.layers.get(index).ok_or_else(|| ImageError::NoSuchLayer {
        image: image.to_owned(),
        index,
        count: img.layers.len(),
    })?;
    let layer = LayerId { index, digest: loc.digest.as_ref().unwrap_or(&loc.diff_id).to_string() };
    let what = format!("layer {index}");
    let blob = img.store.locate(image, &loc.name, &what)?;
    let io_err =
        |source| ImageError::Io { image: image.to_owned(), what: format!("reading {layer}"), source };
    let layer_err = |e: io::Error| match limit_hit(&e) {
        Some(hit) => ImageError::LimitExceeded {
            image: image.to_owned(),
            layer: layer.clone(),
            limit: hit.kind,
            max: hit.max,
        },
        None => ImageError::LayerRead { image: image.to_owned(), layer: layer.clone(), source: e },
    };

    // Sniff the compression from the first bytes, whatever the media type says.
    let mut file = open_loc(image, &blob).map_err(io_err)?;
    let mut magic = Vec::with_capacity(6);
    (&mut file).take(6).read_to_end(&mut magic).map_err(io_err)?;
    let mut file = file.into_inner();
    match &blob {
        crate::store::BlobLoc::File { .. } => file.seek(SeekFrom::Start(0)),
        crate::store::BlobLoc::Range { offset, .. } => file.seek(SeekFrom::Start(*offset)),
    }
    .map_err(io_err)?;
    let file = file.take(blob.size());
    let compression = sniff(&magic);
    let unsupported = |name| ImageError::UnsupportedCompression {
        image: image.to_owned(),
        layer: layer.clone(),
        compression: name,
    };
    match compression {
        Compression::Xz => return Err(unsupported("xz")),
        Compression::Bzip2 => return Err(unsupported("bzip2")),
        _ => {}
    }

    // Blob digest: hashed separately unless the blob is the plain tar and its digest uses the
    // diff_id's algorithm (then one hash serves both).
    let blob_digest = loc.digest.as_ref().filter(|d| img.verify_blob_digests && **d != loc.diff_id);
    let shared_hash = compression == Compression::Plain
        && blob_digest.is_some_and(|d| d.algorithm == loc.diff_id.algorithm);
    let mut compressed_count = 0u64;
    let mut compressed_hasher =
        blob_digest.filter(|_| !shared_hash).map(|d| BackgroundHasher::new(d.algorithm));
    let mut uncompressed_count = 0u64;
    let mut diff_hasher = BackgroundHasher::new(loc.diff_id.algorithm);
    let mut entries = 0u64;
    let mut headers = 0u64;
    {
        let counted =
            Compressed { inner: file, count: &mut compressed_count, hasher: &mut compressed_hasher };
        let decoded: Box<dyn Read + '_> = match compression {
            Compression::Gzip => {
                Box::new(flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(BUF, counted)))
            }
            Compression::Zstd => Box::new(
                zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(BUF, counted))
                    .map_err(layer_err)?,
            ),
            _ => Box::new(counted),
        };
        let uncompressed = Uncompressed {
            inner: decoded,
            count: &mut uncompressed_count,
            hasher: &mut diff_hasher,
            max_layer: img.limits.max_layer_bytes,
            total: &img.walked_total,
            max_total: img.limits.max_total_bytes,
        };
        let mut archive =
            tar::Archive::new(Forward { inner: BufReader::with_capacity(BUF, uncompressed), pos: 0 });
        let mut path = String::new();
        for entry in archive.entries_with_seek().map_err(layer_err)? {
            let mut entry = entry.map_err(layer_err)?;
            let header = entry.header();
            let et = header.entry_type();
            headers += 1;
            if headers > img.limits.max_entries {
                return Err(ImageError::LimitExceeded {
                    image: image.to_owned(),
                    layer: layer.clone(),
                    limit: LimitKind::Entries,
                    max: img.limits.max_entries,
                });
            }
            if et.is_pax_global_extensions() {
                continue;
            }
            entries += 1;
            let unsafe_entry = |entry: String, reason| ImageError::UnsafeEntry {
                image: image.to_owned(),
                layer: layer.clone(),
                entry,
                reason,
            };
            let raw = entry.path_bytes();
            if let Err(reason) = normalise_entry(&raw, &mut path) {
                return Err(unsafe_entry(String::from_utf8_lossy(&raw).into_owned(), reason));
            }
            let link = || entry.link_name_bytes().map(|b| b.into_owned()).unwrap_or_default();
            let mut kind = if et.is_file() || et.is_contiguous() || et.is_gnu_sparse() {
                EntryKind::File
            } else if et.is_dir() {
                EntryKind::Dir
            } else if et.is_symlink() {
                let target = link();
                if target.contains(&0) {
                    return Err(unsafe_entry(path.clone(), "NUL byte in the symlink target"));
                }
                EntryKind::Symlink { target: String::from_utf8_lossy(&target).into_owned() }
            } else if et.is_hard_link() {
                let mut target = String::new();
                if let Err(reason) = normalise_entry(&link(), &mut target) {
                    return Err(unsafe_entry(path.clone(), reason));
                }
                if target.is_empty() {
                    return Err(unsafe_entry(path.clone(), "empty hardlink target"));
                }
                EntryKind::Hardlink { target }
            } else {
                EntryKind::Other
            };
            match whiteout(&mut path) {
                Ok(Some(k)) => kind = k,
                Ok(None) => {}
                Err(reason) => return Err(unsafe_entry(path.clone(), reason)),
            }
            let size = if kind == EntryKind::File { entry.size() } else { 0 };
            let mode = header.mode().unwrap_or(0);
            let uid = header.uid().unwrap_or(0);
            let gid = header.gid().unwrap_or(0);
            let mtime = header.mtime().unwrap_or(0);
            let mut le = LayerEntry {
                path: &path,
                kind,
                size,
                mode,
                uid,
                gid,
                mtime,
                reader: &mut entry,
                image,
                layer: &layer,
            };
            visit(&mut le)?;
        }
        // Read past the end-of-archive marker so the diff_id covers the whole stream.
        let mut rest = archive.into_inner();
        io::copy(&mut rest, &mut io::sink()).map_err(layer_err)?;
    }

    let diff = diff_hasher.finish();
    if let Some(expected) = blob_digest {
        let actual = match compressed_hasher {
            Some(h) => h.finish(),
            None => diff.clone(),
        };
        if &actual != expected {
            return Err(ImageError::BlobDigestMismatch {
                image: image.to_owned(),
                what: format!("{layer} blob"),
                expected: expected.to_string(),
                actual: actual.to_string(),
            });
        }
    }
    if diff != loc.diff_id {
        return Err(ImageError::DiffIdMismatch {
            image: image.to_owned(),
            layer,
            expected: loc.diff_id.to_string(),
            actual: diff.to_string(),
        });
    }
    Ok(LayerStats { entries, uncompressed_bytes: uncompressed_count, compressed_bytes: compressed_count })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Result<String, &'static str> {
        let mut out = String::new();
        normalise_entry(s.as_bytes(), &mut out).map(|()| out)
    }

    #[test]
    fn entry_paths() {
        assert_eq!(norm("./usr/bin/").unwrap(), "usr/bin");
        assert_eq!(norm("/etc/passwd").unwrap(), "etc/passwd");
        assert_eq!(norm("./").unwrap(), "");
        assert_eq!(norm("a//b/./c").unwrap(), "a/b/c");
        assert!(norm("../../etc/passwd").is_err());
        assert!(norm("a/../b").is_err());
        assert!(normalise_entry(b"a\0b", &mut String::new()).is_err());
    }

    #[test]
    fn whiteouts() {
        let mut p = "root/.wh..aws".to_owned();
        assert_eq!(whiteout(&mut p), Ok(Some(EntryKind::Whiteout)));
        assert_eq!(p, "root/.aws");
        let mut p = "usr/bin/.wh.less".to_owned();
        assert_eq!(whiteout(&mut p), Ok(Some(EntryKind::Whiteout)));
        assert_eq!(p, "usr/bin/less");
        let mut p = "etc/vuln-app/.wh..wh..opq".to_owned();
        assert_eq!(whiteout(&mut p), Ok(Some(EntryKind::OpaqueDir)));
        assert_eq!(p, "etc/vuln-app");
        let mut p = ".wh..wh..opq".to_owned();
        assert_eq!(whiteout(&mut p), Ok(Some(EntryKind::OpaqueDir)));
        assert_eq!(p, "");
        let mut p = ".wh.top".to_owned();
        assert_eq!(whiteout(&mut p), Ok(Some(EntryKind::Whiteout)));
        assert_eq!(p, "top");
        let mut p = "a/.wh..wh.plnk".to_owned();
        assert_eq!(whiteout(&mut p), Ok(Some(EntryKind::Other)));
        let mut p = "a/.wh...".to_owned();
        assert!(whiteout(&mut p).is_err());
        let mut p = "a/b.wh.c".to_owned();
        assert_eq!(whiteout(&mut p), Ok(None));
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8]), Compression::Gzip);
        assert_eq!(sniff(&[0x28, 0xb5, 0x2f, 0xfd]), Compression::Zstd);
        assert_eq!(sniff(b"BZh9"), Compression::Bzip2);
        assert_eq!(sniff(b"usr/"), Compression::Plain);
        assert_eq!(sniff(b""), Compression::Plain);
    }
}
