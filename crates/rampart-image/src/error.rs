//! The one error type of this crate: every variant names the image file, and where relevant the
//! layer (index and digest) and the entry path inside the layer.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A layer as errors name it: its position in the image and its digest (the blob digest when
/// known, else the diff_id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerId {
    /// Position in the image, from 0 (the base).
    pub index: usize,
    /// Blob digest when known, else the diff_id.
    pub digest: String,
}

impl fmt::Display for LayerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "layer {} ({})", self.index, self.digest)
    }
}

/// Which of the [`crate::Limits`] was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// `max_layer_bytes`: uncompressed bytes of one layer.
    LayerBytes,
    /// `max_total_bytes`: uncompressed bytes walked over all layers of one [`crate::Image`].
    TotalBytes,
    /// `max_entries`: entries of one layer (or of the outer archive).
    Entries,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitKind::LayerBytes => "max_layer_bytes",
            LimitKind::TotalBytes => "max_total_bytes",
            LimitKind::Entries => "max_entries",
        })
    }
}

/// Everything that can go wrong opening an image or walking a layer.
///
/// `image` is always the path given to [`crate::Image::open`]; `what` names the part of the image
/// being read (`manifest.json`, `index.json`, `config sha256:…`, …).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// Reading the image file or a blob failed at the operating-system level.
    #[error("{}: {what}: {source}", image.display())]
    Io {
        image: PathBuf,
        what: String,
        #[source]
        source: io::Error,
    },
    /// The path is neither an OCI layout directory nor a docker-archive / OCI-archive tar.
    #[error("{}: not a container image: {reason}", image.display())]
    UnknownFormat { image: PathBuf, reason: String },
    /// A manifest, index or config is not the JSON it should be.
    #[error("{}: {what} is not valid JSON of the expected shape: {source}", image.display())]
    Json {
        image: PathBuf,
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// The image's structure is inconsistent (layer count differs from diff_ids, unsupported
    /// manifest schema, nesting too deep, …).
    #[error("{}: {what}: {reason}", image.display())]
    Malformed { image: PathBuf, what: String, reason: String },
    /// A digest that is not `sha256:<64 lowercase hex>` or `sha512:<128 lowercase hex>`.
    /// Digests become path components, so anything else is refused.
    #[error("{}: {what}: invalid digest {digest:?} (expected sha256:<64 hex> or sha512:<128 hex>)", image.display())]
    InvalidDigest { image: PathBuf, what: String, digest: String },
    /// A blob (or archive member) the image refers to is not there.
    #[error("{}: {what}: blob {name} is not in the image", image.display())]
    MissingBlob { image: PathBuf, what: String, name: String },
    /// A blob path that would leave the archive or layout (symlink escape, absolute link) or is not
    /// a regular file.
    #[error("{}: {what}: blob {name} refused: {reason}", image.display())]
    UnsafeBlob { image: PathBuf, what: String, name: String, reason: String },
    /// A blob's content does not hash to its digest.
    #[error("{}: {what}: digest mismatch: expected {expected}, content hashes to {actual}", image.display())]
    BlobDigestMismatch { image: PathBuf, what: String, expected: String, actual: String },
    /// A manifest, index or config larger than `max_json_bytes`.
    #[error("{}: {what} is {size} bytes, over the limit of {limit} bytes (max_json_bytes)", image.display())]
    JsonTooLarge { image: PathBuf, what: String, size: u64, limit: u64 },
    /// No image of the archive or index is for the wanted platform.
    #[error("{}: no image for platform {wanted}; available: {}", image.display(), available.join(", "))]
    PlatformNotFound { image: PathBuf, wanted: String, available: Vec<String> },
    /// No image of the archive or index has the wanted reference (repo tag or ref.name).
    #[error("{}: no image named {wanted:?}; available: {}", image.display(), available.join(", "))]
    ReferenceNotFound { image: PathBuf, wanted: String, available: Vec<String> },
    /// Several images and nothing to choose between them: give a reference (or a platform).
    #[error("{}: holds several images, choose one with a reference or a platform: {}", image.display(), available.join(", "))]
    AmbiguousImage { image: PathBuf, available: Vec<String> },
    /// `walk_layer` was given an index past the last layer.
    #[error("{}: no layer {index}: the image has {count} layers", image.display())]
    NoSuchLayer { image: PathBuf, index: usize, count: usize },
    /// A layer compressed with something other than gzip or zstd (or uncompressed tar).
    #[error("{}: {layer}: unsupported layer compression {compression}", image.display())]
    UnsupportedCompression { image: PathBuf, layer: LayerId, compression: &'static str },
    /// The layer stream is corrupt or truncated (bad gzip/zstd data, bad tar header, early end).
    #[error("{}: {layer}: corrupt or truncated layer: {source}", image.display())]
    LayerRead {
        image: PathBuf,
        layer: LayerId,
        #[source]
        source: io::Error,
    },
    /// An entry whose path (or hardlink target) is hostile: a `..` component, a NUL byte.
    #[error("{}: {layer}: entry {entry:?} refused: {reason}", image.display())]
    UnsafeEntry { image: PathBuf, layer: LayerId, entry: String, reason: &'static str },
    /// Reading an entry's content failed (corrupt or truncated layer).
    #[error("{}: {layer}: entry {entry:?}: corrupt or truncated layer: {source}", image.display())]
    EntryRead {
        image: PathBuf,
        layer: LayerId,
        entry: String,
        #[source]
        source: io::Error,
    },
    /// [`crate::LayerEntry::read_to_vec`] on an entry larger than the caller's cap.
    #[error("{}: {layer}: entry {entry:?} is {size} bytes, over the cap of {cap} bytes", image.display())]
    EntryTooLarge { image: PathBuf, layer: LayerId, entry: String, size: u64, cap: u64 },
    /// One of the [`crate::Limits`] was reached while streaming a layer.
    #[error("{}: {layer}: over the {limit} limit of {max}", image.display())]
    LimitExceeded { image: PathBuf, layer: LayerId, limit: LimitKind, max: u64 },
    /// The uncompressed layer does not hash to the diff_id the image config lists.
    #[error("{}: {layer}: diff_id mismatch: the config says {expected}, the layer hashes to {actual}", image.display())]
    DiffIdMismatch { image: PathBuf, layer: LayerId, expected: String, actual: String },
    /// An error raised by the caller's visitor (see [`crate::LayerEntry::visitor_error`]).
    #[error("{}: {layer}: entry {entry:?}: {source}", image.display())]
    Visitor {
        image: PathBuf,
        layer: LayerId,
        entry: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The payload of the `io::Error` the counting readers return when a limit is hit; turned back
/// into [`ImageError::LimitExceeded`] by [`classify_io`].
#[derive(Debug)]
pub(crate) struct LimitHit {
    pub(crate) kind: LimitKind,
    pub(crate) max: u64,
}

impl fmt::Display for LimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "over the {} limit of {}", self.kind, self.max)
    }
}

impl std::error::Error for LimitHit {}

/// Finds a [`LimitHit`] inside an `io::Error` (possibly wrapped once more by a decoder).
pub(crate) fn limit_hit(e: &io::Error) -> Option<&LimitHit> {
    let inner = e.get_ref()?;
    if let Some(hit) = inner.downcast_ref::<LimitHit>() {
        return Some(hit);
    }
    inner.downcast_ref::<io::Error>().and_then(|i| i.get_ref()).and_then(|i| i.downcast_ref::<LimitHit>())
}
