//! The one pipeline every scan shares: artifact → analyzers → findings → report.

pub mod vuln;

use std::collections::BTreeMap;

use rampart_artifact::{Entry, FsArtifact};
use rampart_inventory::{Analyzer, AnalyzerInput, FileInfo, FileSource, Grouping};
use rampart_model::{ArtifactKind, Diagnostic, DiagnosticCode, Package, Report, ScanResult};
use rayon::prelude::*;

/// Receives progress events (the CLI draws bars from them; libraries never print).
pub trait Progress: Sync {
    /// `n` files seen so far by the walk.
    fn walking(&self, _n: u64) {}
    /// The walk is over: `total` files will be analyzed.
    fn analyzing(&self, _total: u64) {}
    /// One more file analyzed.
    fn analyzed(&self, _path: &str) {}
}

/// No progress reporting.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Scan settings shared by every target.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Drop packages the format marks as development-only.
    pub skip_dev_dependencies: bool,
}

/// Inventories a directory tree (or a single file).
pub fn scan_fs(
    target: &str,
    artifact: &FsArtifact,
    analyzers: &[Box<dyn Analyzer>],
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Report {
    let want = |f: &FileInfo<'_>| analyzers.iter().any(|a| a.accepts(f));
    let walked = artifact.walk(&want, &|n| progress.walking(n));
    let mut report = analyze_entries(
        target,
        ArtifactKind::Filesystem,
        &walked.entries,
        artifact,
        analyzers,
        options,
        progress,
    );
    report.diagnostics.extend(walked.diagnostics);
    report.diagnostics.sort();
    report
}

/// Runs the analyzers over a list of files of any artifact and builds the report.
pub fn analyze_entries(
    target: &str,
    kind: ArtifactKind,
    entries: &[Entry],
    source: &dyn FileSource,
    analyzers: &[Box<dyn Analyzer>],
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Report {
    progress.analyzing(entries.len() as u64);
    let outputs: Vec<FileOutput> = entries
        .par_iter()
        .map(|entry| {
            let out = analyze_file(entry, source, analyzers);
            progress.analyzed(&entry.path);
            out
        })
        .collect();

    let mut per_file: Vec<ScanResult> = Vec::new();
    let mut aggregates: BTreeMap<&'static str, ScanResult> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for out in outputs {
        diagnostics.extend(out.diagnostics);
        for (analyzer, mut packages) in out.results {
            if options.skip_dev_dependencies {
                packages.retain(|p| !p.dev);
            }
            if packages.is_empty() {
                continue;
            }
            match analyzer.grouping() {
                Grouping::PerFile => {
                    // An SBOM mixes ecosystems: a result names one only when all its packages agree.
                    let ecosystem = common_ecosystem(&packages);
                    per_file.push(ScanResult::packages(&out.path, analyzer.name(), ecosystem, packages));
                }
                Grouping::Aggregate(name) => {
                    aggregates
                        .entry(name)
                        .or_insert_with(|| {
                            ScanResult::packages(
                                name,
                                analyzer.name(),
                                Some(analyzer.ecosystem()),
                                Vec::new(),
                            )
                        })
                        .packages
                        .extend(packages);
                }
            }
        }
    }
    per_file.sort_by(|a, b| a.target.cmp(&b.target).then(a.analyzer.cmp(&b.analyzer)));
    for result in &mut per_file {
        result.packages.sort_by(|a, b| {
            (a.name.as_str(), a.version.as_str()).cmp(&(b.name.as_str(), b.version.as_str()))
        });
    }
    let mut report = Report::new(target, kind, now_rfc3339());
    report.results = per_file;
    for (_, mut result) in aggregates {
        result.packages.sort_by(|a, b| {
            (a.name.as_str(), a.version.as_str(), &a.locations).cmp(&(
                b.name.as_str(),
                b.version.as_str(),
                &b.locations,
            ))
        });
        report.results.push(result);
    }
    report.diagnostics = diagnostics;
    report.diagnostics.sort();
    report
}

struct FileOutput<'a> {
    path: String,
    results: Vec<(&'a dyn Analyzer, Vec<Package>)>,
    diagnostics: Vec<Diagnostic>,
}

fn analyze_file<'a>(
    entry: &Entry,
    source: &dyn FileSource,
    analyzers: &'a [Box<dyn Analyzer>],
) -> FileOutput<'a> {
    let mut out = FileOutput { path: entry.path.clone(), results: Vec::new(), diagnostics: Vec::new() };
    let info = FileInfo::new(&entry.path, entry.size, entry.executable);
    let chosen: Vec<&dyn Analyzer> =
        analyzers.iter().map(|a| a.as_ref()).filter(|a| a.accepts(&info)).collect();
    if chosen.is_empty() {
        return out;
    }
    let usable: Vec<&dyn Analyzer> = chosen
        .into_iter()
        .filter(|a| {
            if entry.size > a.max_size() {
                out.diagnostics.push(Diagnostic::warning(
                    DiagnosticCode::TooLarge,
                    &entry.path,
                    format!(
                        "{} bytes is over the {} analyzer's cap of {} bytes; skipped",
                        entry.size,
                        a.name(),
                        a.max_size()
                    ),
                ));
                false
            } else {
                true
            }
        })
        .collect();
    if usable.is_empty() {
        return out;
    }
    let content = match source.read(&entry.path) {
        Ok(c) => c,
        Err(e) => {
            out.diagnostics.push(Diagnostic::warning(DiagnosticCode::ReadError, &entry.path, e.to_string()));
            return out;
        }
    };
    for analyzer in usable {
        let input = AnalyzerInput { file: info, content: &content, source };
        match analyzer.analyze(&input) {
            Ok(analysis) => {
                out.diagnostics.extend(analysis.warnings);
                out.results.push((analyzer, analysis.packages));
            }
            Err(e) => out.diagnostics.push(
                Diagnostic::warning(
                    DiagnosticCode::ParseError,
                    &entry.path,
                    format!("{}: {e}", analyzer.name()),
                )
                .at_line(e.line()),
            ),
        }
    }
    out
}

fn common_ecosystem(packages: &[Package]) -> Option<rampart_model::Ecosystem> {
    let first = packages.first()?.ecosystem;
    packages.iter().all(|p| p.ecosystem == first).then_some(first)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}
