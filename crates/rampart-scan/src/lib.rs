//! The one pipeline every scan shares: artifact → analyzers → findings → report.

pub mod image;
pub mod misconfig;
pub mod os;
pub mod secret;
pub mod vuln;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    scan_fs_keeping(target, artifact, analyzers, options, progress, &|_| false).0
}

/// [`scan_fs`], also returning the files `keep` accepts (configuration files for the
/// misconfiguration scanner), so one walk serves both.
pub fn scan_fs_keeping(
    target: &str,
    artifact: &FsArtifact,
    analyzers: &[Box<dyn Analyzer>],
    options: &ScanOptions,
    progress: &dyn Progress,
    keep: &(dyn Fn(&FileInfo<'_>) -> bool + Sync),
) -> (Report, Vec<Entry>) {
    let analyzed = |f: &FileInfo<'_>| analyzers.iter().any(|a| a.accepts(f));
    let want = |f: &FileInfo<'_>| analyzed(f) || keep(f);
    let walked = artifact.walk(&want, &|n| progress.walking(n));
    let kept: Vec<Entry> = walked.entries.iter().filter(|e| keep(&entry_info(e))).cloned().collect();
    let to_analyze: Vec<Entry> = walked.entries.into_iter().filter(|e| analyzed(&entry_info(e))).collect();
    let mut report = analyze_entries(
        target,
        ArtifactKind::Filesystem,
        &to_analyze,
        artifact,
        analyzers,
        options,
        progress,
    );
    report.diagnostics.extend(walked.diagnostics);
    report.diagnostics.sort();
    (report, kept)
}

fn entry_info(e: &Entry) -> FileInfo<'_> {
    FileInfo::new(&e.path, e.size, e.executable)
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
    let facts: Vec<FileFacts> = entries
        .par_iter()
        .map(|entry| {
            let out = analyze_file(entry, source, analyzers);
            progress.analyzed(&entry.path);
            out
        })
        .collect();
    let os = os::detect(&|path| source.read(path).ok());
    let mut report = assemble(target, kind, facts, analyzers, options);
    os::finish(&mut report, os);
    report
}

/// What the analyzers made of one file: the unit the image cache stores per layer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    pub path: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<AnalyzerOutput>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

/// One analyzer's packages from one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyzerOutput {
    /// [`Analyzer::name`].
    pub analyzer: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<Package>,
    /// Files an OS package manager says it installed (see `rampart_inventory::Analysis`), one
    /// root-relative path a line: one string rather than thousands keeps the image layer cache
    /// quick to load.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub installed_files: String,
}

/// Groups the facts of every file into results (one per lockfile, one per aggregate of installed
/// packages), sorted, with the diagnostics. OS post-processing is [`os::finish`]'s job.
pub fn assemble(
    target: &str,
    kind: ArtifactKind,
    facts: Vec<FileFacts>,
    analyzers: &[Box<dyn Analyzer>],
    options: &ScanOptions,
) -> Report {
    let by_name: BTreeMap<&str, &dyn Analyzer> = analyzers.iter().map(|a| (a.name(), a.as_ref())).collect();
    let mut per_file: Vec<ScanResult> = Vec::new();
    let mut aggregates: BTreeMap<&'static str, ScanResult> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    let mut installed: Vec<String> = Vec::new();
    for file in facts {
        diagnostics.extend(file.diagnostics);
        for out in file.outputs {
            if !out.installed_files.is_empty() {
                installed.push(out.installed_files);
            }
            let mut packages = out.packages;
            if options.skip_dev_dependencies {
                packages.retain(|p| !p.dev);
            }
            if packages.is_empty() {
                continue;
            }
            let analyzer = by_name.get(out.analyzer.as_str());
            match analyzer.map(|a| (a.grouping(), a.ecosystem())) {
                Some((Grouping::Aggregate(name), ecosystem)) => {
                    aggregates
                        .entry(name)
                        .or_insert_with(|| {
                            ScanResult::packages(name, &out.analyzer, Some(ecosystem), Vec::new())
                        })
                        .packages
                        .extend(packages);
                }
                _ => {
                    // An SBOM mixes ecosystems: a result names one only when all its packages agree.
                    let ecosystem = common_ecosystem(&packages);
                    per_file.push(ScanResult::packages(&file.path, &out.analyzer, ecosystem, packages));
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
    os::drop_os_owned(&mut report, installed);
    report.diagnostics = diagnostics;
    report.diagnostics.sort();
    report
}

/// Runs the analyzers that accept `entry` on it (size caps, read, parse).
pub fn analyze_file(entry: &Entry, source: &dyn FileSource, analyzers: &[Box<dyn Analyzer>]) -> FileFacts {
    let info = entry_info(entry);
    let chosen: Vec<&dyn Analyzer> =
        analyzers.iter().map(|a| a.as_ref()).filter(|a| a.accepts(&info)).collect();
    let mut out = FileFacts { path: entry.path.clone(), ..FileFacts::default() };
    let usable = within_caps(&info, chosen, &mut out.diagnostics);
    if usable.is_empty() {
        return out;
    }
    match source.read(&entry.path) {
        Ok(content) => {
            let facts = analyze_content(&info, &content, source, &usable);
            out.outputs = facts.outputs;
            out.diagnostics.extend(facts.diagnostics);
        }
        Err(e) => {
            out.diagnostics.push(Diagnostic::warning(DiagnosticCode::ReadError, &entry.path, e.to_string()))
        }
    }
    out
}

/// The analyzers of `chosen` whose size cap `info` fits; a [`DiagnosticCode::TooLarge`] warning
/// for each of the others.
pub fn within_caps<'a>(
    info: &FileInfo<'_>,
    chosen: Vec<&'a dyn Analyzer>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<&'a dyn Analyzer> {
    chosen
        .into_iter()
        .filter(|a| {
            if info.size > a.max_size() {
                diagnostics.push(Diagnostic::warning(
                    DiagnosticCode::TooLarge,
                    info.path,
                    format!(
                        "{} bytes is over the {} analyzer's cap of {} bytes; skipped",
                        info.size,
                        a.name(),
                        a.max_size()
                    ),
                ));
                false
            } else {
                true
            }
        })
        .collect()
}

/// Runs `analyzers` on content already read.
pub fn analyze_content(
    info: &FileInfo<'_>,
    content: &[u8],
    source: &dyn FileSource,
    analyzers: &[&dyn Analyzer],
) -> FileFacts {
    let mut out = FileFacts { path: info.path.to_string(), ..FileFacts::default() };
    for analyzer in analyzers {
        let input = AnalyzerInput { file: *info, content, source };
        match analyzer.analyze(&input) {
            Ok(analysis) => {
                out.diagnostics.extend(analysis.warnings);
                out.outputs.push(AnalyzerOutput {
                    analyzer: analyzer.name().to_string(),
                    packages: analysis.packages,
                    installed_files: analysis.installed_files.join("\n"),
                });
            }
            Err(e) => out.diagnostics.push(
                Diagnostic::warning(
                    DiagnosticCode::ParseError,
                    info.path,
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

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}
