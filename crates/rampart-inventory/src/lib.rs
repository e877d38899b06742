//! Package analyzers: bytes in, packages out.
//!
//! One analyzer per file format, each in its own file under the folder of its ecosystem
//! (`src/npm/package_lock.rs`, `src/python/poetry_lock.rs`, ...), next to its fixtures in
//! `fixtures/<ecosystem>/`. Analyzers are pure: they never print, never touch the network and
//! read other files only through [`FileSource`] (so the same code serves a directory today and an
//! image layer tomorrow).

use std::io;

use rampart_model::{Diagnostic, DiagnosticCode, Ecosystem, Package};

pub mod dotnet;
pub mod golang;
pub mod java;
pub(crate) mod json;
pub mod npm;
pub mod os;
pub mod php;
pub mod python;
pub mod ruby;
pub mod rust;
pub mod sbom;

/// Default cap on the size of a file handed to an analyzer.
pub const DEFAULT_MAX_SIZE: u64 = 128 * 1024 * 1024;

/// What the walker knows about a file before reading it.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo<'a> {
    /// Path relative to the scan root, `/`-separated, no leading `/` or `./`.
    pub path: &'a str,
    /// The last component of `path`.
    pub file_name: &'a str,
    pub size: u64,
    /// True when any execute bit is set (binaries are only sniffed then).
    pub executable: bool,
}

impl<'a> FileInfo<'a> {
    pub fn new(path: &'a str, size: u64, executable: bool) -> Self {
        let file_name = path.rsplit('/').next().unwrap_or(path);
        FileInfo { path, file_name, size, executable }
    }

    /// The directory part of `path` (empty for a file at the root).
    pub fn dir(&self) -> &'a str {
        self.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    }
}

/// Read access to other files of the same artifact (includes, sibling files such as `go.sum`).
pub trait FileSource: Sync {
    /// Reads a file by its path relative to the artifact root (`/`-separated).
    fn read(&self, path: &str) -> io::Result<Vec<u8>>;
}

/// A [`FileSource`] with no files, for tests and for single-file analysis.
pub struct NoFiles;

impl FileSource for NoFiles {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        Err(io::Error::new(io::ErrorKind::NotFound, format!("{path}: no such file")))
    }
}

/// The input of one analysis.
pub struct AnalyzerInput<'a> {
    pub file: FileInfo<'a>,
    pub content: &'a [u8],
    pub source: &'a dyn FileSource,
}

/// How the packages of a file are grouped in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grouping {
    /// One result per file (lockfiles, manifests, archives, binaries): the result target is the path.
    PerFile,
    /// Installed packages (one metadata file each) are gathered into one result with this name,
    /// e.g. "Node.js packages"; each package keeps its own location.
    Aggregate(&'static str),
}

/// What an analyzer found in one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    pub packages: Vec<Package>,
    /// Parts of the file that could not be used (code [`DiagnosticCode::PartialParse`]), with lines.
    pub warnings: Vec<Diagnostic>,
    /// OS package databases: the files the package manager says it installed, relative to the
    /// root, `/`-separated, no leading `/` (e.g. `usr/lib/python3/dist-packages/yaml/__init__.py`).
    /// The scan uses them to drop language packages that an OS package owns.
    pub installed_files: Vec<String>,
}

impl Analysis {
    pub fn packages(packages: Vec<Package>) -> Self {
        Analysis { packages, ..Analysis::default() }
    }

    /// Records that part of `path` was skipped.
    pub fn warn(&mut self, path: &str, line: Option<u32>, message: impl Into<String>) {
        self.warnings.push(Diagnostic::warning(DiagnosticCode::PartialParse, path, message).at_line(line));
    }
}

/// Why an analyzer could not use a file at all.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("{message}")]
    Parse { line: Option<u32>, message: String },
    #[error("invalid UTF-8 at byte {0}")]
    Utf8(usize),
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl AnalyzeError {
    pub fn parse(line: Option<u32>, message: impl Into<String>) -> Self {
        AnalyzeError::Parse { line, message: message.into() }
    }

    pub fn line(&self) -> Option<u32> {
        match self {
            AnalyzeError::Parse { line, .. } => *line,
            _ => None,
        }
    }
}

impl From<serde_json::Error> for AnalyzeError {
    fn from(e: serde_json::Error) -> Self {
        AnalyzeError::Parse { line: u32::try_from(e.line()).ok().filter(|l| *l > 0), message: e.to_string() }
    }
}

/// One file format.
pub trait Analyzer: Send + Sync {
    /// Stable name, used in reports (`analyzer`) and in `--list-analyzers`, e.g. `npm-package-lock`.
    fn name(&self) -> &'static str;
    /// The ecosystem of the packages it reports.
    fn ecosystem(&self) -> Ecosystem;
    /// Cheap decision from the path alone (and the executable bit for binaries).
    fn accepts(&self, file: &FileInfo<'_>) -> bool;
    /// How its packages are grouped into results.
    fn grouping(&self) -> Grouping {
        Grouping::PerFile
    }
    /// Files larger than this are skipped with a [`DiagnosticCode::TooLarge`] warning.
    fn max_size(&self) -> u64 {
        DEFAULT_MAX_SIZE
    }
    /// Parses one file. An `Ok` with no packages means "not for me after all" (e.g. a binary
    /// without build info) or an empty lockfile; an `Err` means the file is broken.
    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError>;
}

/// Every package analyzer Rampart ships.
pub fn analyzers() -> Vec<Box<dyn Analyzer>> {
    let mut all: Vec<Box<dyn Analyzer>> = Vec::new();
    all.extend(npm::analyzers());
    all.extend(python::analyzers());
    all.extend(rust::analyzers());
    all.extend(golang::analyzers());
    all.extend(java::analyzers());
    all.extend(ruby::analyzers());
    all.extend(php::analyzers());
    all.extend(dotnet::analyzers());
    all.extend(sbom::analyzers());
    all.extend(os::analyzers());
    all
}

/// Decodes UTF-8 (tolerating a BOM), or says where it is broken.
pub fn utf8(content: &[u8]) -> Result<&str, AnalyzeError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    std::str::from_utf8(content).map_err(|e| AnalyzeError::Utf8(e.valid_up_to()))
}

/// The 1-based line number of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> u32 {
    let offset = offset.min(text.len());
    u32::try_from(memchr_count(&text.as_bytes()[..offset]) + 1).unwrap_or(u32::MAX)
}

fn memchr_count(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for analyzer tests.
    use super::*;

    /// A [`FileSource`] over in-memory files.
    pub struct MemFiles(pub Vec<(&'static str, Vec<u8>)>);

    impl FileSource for MemFiles {
        fn read(&self, path: &str) -> io::Result<Vec<u8>> {
            self.0
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, c)| c.clone())
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, path.to_string()))
        }
    }

    /// Arbitrary bytes, every truncation and random mutations of `fixture` never make `parse`
    /// panic: the one hostile-input check every parser test calls.
    pub fn never_panics_with(fixture: &[u8], parse: impl Fn(&[u8])) {
        use proptest::prelude::*;
        let len = fixture.len();
        for cut in (0..len).step_by((len / 200).max(1)) {
            parse(fixture.get(..cut).unwrap_or_default());
        }
        let config = ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() };
        proptest!(config, |(bytes in proptest::collection::vec(any::<u8>(), 0..512),
                            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8))| {
            parse(&bytes);
            let mut mutated = fixture.to_vec();
            for (at, b) in edits {
                if let Some(slot) = mutated.get_mut(at % len.max(1)) {
                    *slot = b;
                }
            }
            parse(&mutated);
        });
    }

    /// Runs `analyzer` on `content` as if it were the file `path`.
    pub fn run(
        analyzer: &dyn Analyzer,
        path: &str,
        content: &[u8],
        source: &dyn FileSource,
    ) -> Result<Analysis, AnalyzeError> {
        let file = FileInfo::new(path, content.len() as u64, false);
        assert!(analyzer.accepts(&file), "{} does not accept {path}", analyzer.name());
        analyzer.analyze(&AnalyzerInput { file, content, source })
    }
}
