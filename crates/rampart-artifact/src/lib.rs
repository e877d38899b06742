//! Targets as artifacts: a target only knows how to list its files and where each came from.
//! Path safety and size caps live here, once, for every scanner.

mod fs;

pub use fs::{FsArtifact, WalkOptions, Walked};

use std::path::PathBuf;

/// A file the walker kept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// Relative to the artifact root, `/`-separated.
    pub path: String,
    pub size: u64,
    pub executable: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    #[error("{path}: {source}")]
    Root { path: PathBuf, source: std::io::Error },
    #[error("invalid glob {glob:?} in {flag}: {source}")]
    Glob { flag: &'static str, glob: String, source: globset::Error },
}
