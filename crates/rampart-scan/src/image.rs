//! Container images: every layer is analysed on its own (streamed from the image, never
//! extracted), its facts cached by diff-id, then the layers are merged in order with their
//! whiteouts into the view of the final image.
//!
//! Per layer, the walk reads only the files some analyzer accepts (plus OS release files and the
//! small manifests analyzers read beside them, like `package.json` or `go.sum`). Executables and
//! large files (jars) are analysed as they stream by and dropped; small ones are kept until the
//! end of the layer (or until 64 MiB of them are kept) so that analyzers can read their
//! siblings, then analysed in parallel.
//!
//! The merge applies whiteouts (`.wh.name` deletes `name` and everything below it; an opaque
//! `.wh..wh..opq` hides the lower content of its directory) to the facts of lower layers, so a
//! package whose files a later layer deleted is not reported. A package keeps the layer where
//! it first appeared: when a later layer rewrites the file that lists it (dpkg's `status` after
//! an `apt-get install`), packages unchanged from the lower copy keep their lower layer.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rampart_image::{EntryKind, Image, ImageError};
use rampart_inventory::{Analyzer, FileInfo, FileSource};
use rampart_model::{ArtifactKind, Diagnostic, DiagnosticCode, LayerRef, Report};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{FileFacts, ScanOptions, analyze_content, assemble, os, within_caps};

/// Version of the cached [`LayerFacts`] layout; bump on any change of its meaning.
const CACHE_FORMAT: u32 = 2;

/// Small files (manifests, metadata) are kept for the whole layer so analyzers can read their
/// siblings; bigger ones are analysed as they stream by.
const KEEP_MAX: u64 = 1024 * 1024;

/// Above this many bytes of kept files, the pending small files are analysed and the kept ones
/// dropped, so memory stays bounded whatever the layer holds (a sibling that arrives after such a
/// flush is then not seen, which only costs detail such as dev flags).
const KEPT_BUDGET: u64 = 64 * 1024 * 1024;

/// OS release files are tiny; anything bigger is not one.
const OS_FILE_MAX: u64 = 64 * 1024;

/// Files analyzers read beside the one they analyse, kept even when no analyzer takes them.
const SIBLINGS: &[&str] =
    &["package.json", "Cargo.toml", "composer.json", "pyproject.toml", "go.sum", "pom.xml"];

/// Why an image scan failed.
#[derive(Debug, thiserror::Error)]
pub enum ImageScanError {
    #[error(transparent)]
    Image(#[from] ImageError),
}

/// What one layer contributes: the unit of the cache.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LayerFacts {
    pub format: u32,
    /// Which Rampart and analyzers produced it ([`fingerprint`]).
    pub fingerprint: String,
    pub diff_id: String,
    /// Facts of the files some analyzer used.
    #[serde(default)]
    pub files: Vec<FileFacts>,
    /// Paths this layer deletes from lower layers.
    #[serde(default)]
    pub whiteouts: Vec<String>,
    /// Directories whose lower content this layer hides.
    #[serde(default)]
    pub opaque_dirs: Vec<String>,
    /// OS release files (`etc/os-release`, ...) as text.
    #[serde(default)]
    pub os_files: Vec<(String, String)>,
    /// Entries in the layer tar.
    #[serde(default)]
    pub entries: u64,
}

/// Identifies the analysis that produced cached facts: a different Rampart version or analyzer
/// set never reuses them.
pub fn fingerprint(analyzers: &[Box<dyn Analyzer>]) -> String {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(CACHE_FORMAT.to_le_bytes());
    for a in analyzers {
        h.update(b"\0");
        h.update(a.name().as_bytes());
    }
    hex(&h.finalize()[..12])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The per-layer cache: one JSON file per diff-id under `DIR/layers/`.
#[derive(Debug, Clone)]
pub struct LayerCache {
    dir: PathBuf,
}

impl LayerCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        LayerCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `DIR/layers/<fingerprint>/<alg>-<hex>.json`: facts of another analysis never share a
    /// name. Both parts name files, so only lower-case hex is accepted.
    fn path(&self, diff_id: &str, fingerprint: &str) -> Option<PathBuf> {
        let lower_hex =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        let (alg, hex) = diff_id.split_once(':')?;
        let ok = matches!(alg, "sha256" | "sha512") && lower_hex(hex) && lower_hex(fingerprint);
        ok.then(|| self.dir.join("layers").join(fingerprint).join(format!("{alg}-{hex}.json")))
    }

    /// The cached facts of a layer, when present and made by the same analysis.
    pub fn get(&self, diff_id: &str, fingerprint: &str) -> Option<LayerFacts> {
        let facts: LayerFacts = self.get_entry(diff_id, fingerprint)?;
        (facts.format == CACHE_FORMAT && facts.fingerprint == fingerprint && facts.diff_id == diff_id)
            .then_some(facts)
    }

    /// Any other per-layer result stored under `fingerprint` (which must name the analysis that
    /// made it, and differ from every other analysis's): `None` when absent or unreadable.
    pub fn get_entry<T: serde::de::DeserializeOwned>(&self, diff_id: &str, fingerprint: &str) -> Option<T> {
        let bytes = std::fs::read(self.path(diff_id, fingerprint)?).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// True when the cache has a file for this layer and analysis (checked by name only: the
    /// registry asks this before pulling, and [`LayerCache::get`] parses and checks it later).
    pub fn contains(&self, diff_id: &str, fingerprint: &str) -> bool {
        self.path(diff_id, fingerprint).is_some_and(|p| p.is_file())
    }

    /// Stores facts atomically (temporary file, then rename).
    pub fn put(&self, facts: &LayerFacts) -> io::Result<()> {
        self.put_entry(&facts.diff_id, &facts.fingerprint, facts)
    }

    /// Stores any other per-layer result under `fingerprint`, atomically (see
    /// [`LayerCache::get_entry`]).
    pub fn put_entry<T: serde::Serialize>(
        &self,
        diff_id: &str,
        fingerprint: &str,
        value: &T,
    ) -> io::Result<()> {
        let path = self.path(diff_id, fingerprint).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("not a layer digest: {diff_id}"))
        })?;
        let dir = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(dir)?;
        let tmp = tempfile::NamedTempFile::new_in(dir)?;
        let mut w = io::BufWriter::with_capacity(256 * 1024, tmp);
        serde_json::to_writer(&mut w, value)?;
        w.flush()?;
        let tmp = w.into_inner().map_err(|e| e.into_error())?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes every cached layer; returns the bytes freed.
    pub fn clean(&self) -> io::Result<u64> {
        let layers = self.dir.join("layers");
        if !layers.exists() {
            return Ok(0);
        }
        let freed = dir_size(&layers);
        std::fs::remove_dir_all(&layers)?;
        Ok(freed)
    }
}

/// Bytes of the regular files below `dir` (symlinks are not followed; unreadable parts count 0).
pub fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map(|m| m.len()).unwrap_or(0),
                _ => {}
            }
        }
    }
    total
}

/// Progress of an image scan (the CLI draws it).
pub trait ImageProgress: Sync {
    /// `total` layers, `cached` of them found in the cache.
    fn layers(&self, _total: usize, _cached: usize) {}
    /// A layer was analysed.
    fn layer_done(&self, _index: usize) {}
}

impl ImageProgress for crate::NoProgress {}

/// An image scan's report and what the cache did.
#[derive(Debug)]
pub struct ImageScan {
    pub report: Report,
    pub cached_layers: usize,
    pub analyzed_layers: usize,
}

/// Inventories an image: analyses the layers the cache lacks (in parallel), merges them all.
pub fn scan_image(
    target: &str,
    image: &Image,
    analyzers: &[Box<dyn Analyzer>],
    options: &ScanOptions,
    cache: Option<&LayerCache>,
    progress: &dyn ImageProgress,
) -> Result<ImageScan, ImageScanError> {
    let meta = image.metadata();
    let print = fingerprint(analyzers);
    let mut slots: Vec<Option<LayerFacts>> =
        meta.layers.iter().map(|l| cache.and_then(|c| c.get(&l.layer.diff_id, &print))).collect();
    let cached_layers = slots.iter().filter(|s| s.is_some()).count();
    progress.layers(slots.len(), cached_layers);
    let missing: Vec<usize> = (0..slots.len()).filter(|i| slots[*i].is_none()).collect();
    let mut diagnostics = Vec::new();
    let analysed: Vec<(usize, Result<LayerFacts, ImageError>)> = missing
        .par_iter()
        .map(|&i| {
            let r = analyze_layer(image, i, analyzers, &print);
            progress.layer_done(i);
            (i, r)
        })
        .collect();
    let analyzed_layers = analysed.len();
    for (i, facts) in analysed {
        let facts = facts?;
        if let Some(cache) = cache
            && let Err(e) = cache.put(&facts)
        {
            diagnostics.push(Diagnostic::warning(
                DiagnosticCode::ReadError,
                cache.dir().display().to_string(),
                format!("could not cache layer {}: {e}", facts.diff_id),
            ));
        }
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(facts);
        }
    }
    let layers: Vec<(LayerRef, LayerFacts)> =
        meta.layers.iter().zip(slots).filter_map(|(l, f)| f.map(|f| (l.layer.clone(), f))).collect();
    let merged = merge(layers);
    let mut report = assemble(target, ArtifactKind::ContainerImage, merged.files, analyzers, options);
    let os_files = merged.os_files;
    let detected = os::detect(&|path| os_files.get(path).map(|s| s.clone().into_bytes()));
    os::finish(&mut report, detected);
    report.image = Some(meta.clone());
    report.diagnostics.extend(diagnostics);
    report.diagnostics.sort();
    Ok(ImageScan { report, cached_layers, analyzed_layers })
}

/// Read access to the small files of the layer being analysed.
struct LayerFiles<'a>(&'a HashMap<String, Vec<u8>>);

impl FileSource for LayerFiles<'_> {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{path}: not in this layer")))
    }
}

/// Streams one layer and runs the analyzers on the files they accept.
pub fn analyze_layer(
    image: &Image,
    index: usize,
    analyzers: &[Box<dyn Analyzer>],
    fingerprint: &str,
) -> Result<LayerFacts, ImageError> {
    let diff_id = image.metadata().layers.get(index).map(|l| l.layer.diff_id.clone()).unwrap_or_default();
    let mut facts = LayerFacts {
        format: CACHE_FORMAT,
        fingerprint: fingerprint.to_string(),
        diff_id,
        ..LayerFacts::default()
    };
    let mut kept: HashMap<String, Vec<u8>> = HashMap::new();
    let mut kept_bytes = 0u64;
    let mut later: Vec<(String, u64, bool)> = Vec::new();
    let stats = image.walk_layer(index, &mut |entry| {
        match &entry.kind {
            EntryKind::Whiteout => facts.whiteouts.push(entry.path.to_string()),
            EntryKind::OpaqueDir => facts.opaque_dirs.push(entry.path.to_string()),
            EntryKind::File => {
                let path = entry.path.to_string();
                let executable = entry.mode & 0o111 != 0;
                let info = FileInfo::new(&path, entry.size, executable);
                if os::is_os_file(&path) && entry.size <= OS_FILE_MAX {
                    let bytes = entry.read_to_vec(OS_FILE_MAX)?;
                    facts.os_files.push((path.clone(), String::from_utf8_lossy(&bytes).into_owned()));
                    return Ok(());
                }
                let chosen: Vec<&dyn Analyzer> =
                    analyzers.iter().map(|a| a.as_ref()).filter(|a| a.accepts(&info)).collect();
                let sibling = SIBLINGS.contains(&info.file_name) && entry.size <= KEEP_MAX;
                if chosen.is_empty() && !sibling {
                    return Ok(());
                }
                let mut file = FileFacts { path: path.clone(), ..FileFacts::default() };
                let usable = within_caps(&info, chosen, &mut file.diagnostics);
                if usable.is_empty() && !sibling {
                    if !file.diagnostics.is_empty() {
                        facts.files.push(file);
                    }
                    return Ok(());
                }
                let cap = usable.iter().map(|a| a.max_size()).max().unwrap_or(KEEP_MAX).max(KEEP_MAX);
                let content = entry.read_to_vec(cap)?;
                // Executables are only sniffed for build info, which never needs a sibling:
                // analyse them now whatever their size, like anything too big to keep.
                if entry.size <= KEEP_MAX && !executable {
                    if !usable.is_empty() {
                        later.push((path.clone(), entry.size, executable));
                    }
                    kept_bytes += content.len() as u64;
                    kept.insert(path, content);
                    if kept_bytes > KEPT_BUDGET {
                        facts.files.extend(analyze_batch(&later, &kept, analyzers));
                        later.clear();
                        kept.clear();
                        kept_bytes = 0;
                    }
                } else {
                    let out = analyze_content(&info, &content, &LayerFiles(&kept), &usable);
                    file.outputs = out.outputs;
                    file.diagnostics.extend(out.diagnostics);
                    if !file.outputs.is_empty() || !file.diagnostics.is_empty() {
                        facts.files.push(file);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    facts.entries = stats.entries;
    facts.files.extend(analyze_batch(&later, &kept, analyzers));
    facts.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(facts)
}

/// Analyses, in parallel, the kept small files named in `later`, with every kept file readable.
fn analyze_batch(
    later: &[(String, u64, bool)],
    kept: &HashMap<String, Vec<u8>>,
    analyzers: &[Box<dyn Analyzer>],
) -> Vec<FileFacts> {
    let source = LayerFiles(kept);
    later
        .par_iter()
        .filter_map(|(path, size, executable)| {
            let info = FileInfo::new(path, *size, *executable);
            let chosen: Vec<&dyn Analyzer> =
                analyzers.iter().map(|a| a.as_ref()).filter(|a| a.accepts(&info)).collect();
            let content = kept.get(path)?;
            let out = analyze_content(&info, content, &source, &chosen);
            (!out.outputs.is_empty() || !out.diagnostics.is_empty()).then_some(out)
        })
        .collect()
}

/// The final image's view of the layers' facts.
#[derive(Debug, Default)]
pub struct Merged {
    pub files: Vec<FileFacts>,
    pub os_files: BTreeMap<String, String>,
}

/// Applies the layers in order: whiteouts and opaque directories delete lower facts, a file of a
/// higher layer replaces the same path below, and every package gets the layer it first appeared
/// in (unchanged since).
pub fn merge(layers: Vec<(LayerRef, LayerFacts)>) -> Merged {
    let mut files: BTreeMap<String, FileFacts> = BTreeMap::new();
    let mut os_files: BTreeMap<String, String> = BTreeMap::new();
    for (layer, facts) in layers {
        for dir in &facts.opaque_dirs {
            remove_below(&mut files, dir);
            remove_below(&mut os_files, dir);
        }
        for path in &facts.whiteouts {
            files.remove(path);
            os_files.remove(path);
            remove_below(&mut files, path);
            remove_below(&mut os_files, path);
        }
        for mut file in facts.files {
            // The layers of the packages of the copy this file replaces, by analyzer and id.
            let lower: HashMap<(&str, &str), &LayerRef> = files
                .get(&file.path)
                .map(|l| {
                    l.outputs
                        .iter()
                        .flat_map(|o| o.packages.iter().map(move |p| (o.analyzer.as_str(), p)))
                        .filter_map(|(a, p)| p.layer.as_ref().map(|l| ((a, p.id.as_str()), l)))
                        .collect()
                })
                .unwrap_or_default();
            for out in &mut file.outputs {
                for pkg in &mut out.packages {
                    let inherited = lower.get(&(out.analyzer.as_str(), pkg.id.as_str())).copied();
                    pkg.layer = Some(inherited.unwrap_or(&layer).clone());
                }
            }
            drop(lower);
            files.insert(file.path.clone(), file);
        }
        os_files.extend(facts.os_files);
    }
    Merged { files: files.into_values().collect(), os_files }
}

/// Removes every key strictly below directory `dir`.
fn remove_below<V>(map: &mut BTreeMap<String, V>, dir: &str) {
    let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
    let doomed: Vec<String> = map
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, _)| k.clone())
        .collect();
    for k in doomed {
        map.remove(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AnalyzerOutput;
    use rampart_model::{Ecosystem, Package};

    fn layer(i: u32) -> LayerRef {
        LayerRef { index: i, diff_id: format!("sha256:{i:064x}"), digest: None, created_by: None }
    }

    fn file(path: &str, analyzer: &str, pkgs: &[(&str, &str)]) -> FileFacts {
        FileFacts {
            path: path.into(),
            outputs: vec![AnalyzerOutput {
                analyzer: analyzer.into(),
                packages: pkgs
                    .iter()
                    .map(|(n, v)| Package::builder(Ecosystem::Debian, *n, *v).build())
                    .collect(),
                installed_files: String::new(),
            }],
            diagnostics: Vec::new(),
        }
    }

    fn facts(files: Vec<FileFacts>, whiteouts: &[&str], opaque: &[&str]) -> LayerFacts {
        LayerFacts {
            files,
            whiteouts: whiteouts.iter().map(|s| s.to_string()).collect(),
            opaque_dirs: opaque.iter().map(|s| s.to_string()).collect(),
            ..LayerFacts::default()
        }
    }

    fn layers_of(merged: &Merged) -> Vec<(String, String, u32)> {
        merged
            .files
            .iter()
            .flat_map(|f| {
                f.outputs.iter().flat_map(move |o| {
                    o.packages.iter().map(move |p| {
                        (f.path.clone(), p.id.clone(), p.layer.as_ref().map_or(99, |l| l.index))
                    })
                })
            })
            .collect()
    }

    #[test]
    fn rewritten_files_keep_the_first_layer_of_unchanged_packages() {
        let status = "var/lib/dpkg/status";
        let merged = merge(vec![
            (layer(0), facts(vec![file(status, "dpkg", &[("libc6", "2.36"), ("less", "590")])], &[], &[])),
            (
                layer(1),
                facts(
                    vec![file(status, "dpkg", &[("libc6", "2.36"), ("less", "590"), ("curl", "7.88")])],
                    &[],
                    &[],
                ),
            ),
            (layer(2), facts(vec![file(status, "dpkg", &[("libc6", "2.37"), ("curl", "7.88")])], &[], &[])),
        ]);
        assert_eq!(
            layers_of(&merged),
            vec![(status.into(), "libc6@2.37".into(), 2), (status.into(), "curl@7.88".into(), 1),]
        );
    }

    #[test]
    fn whiteouts_and_opaque_dirs_delete_lower_files_only() {
        let merged = merge(vec![
            (
                layer(0),
                facts(
                    vec![
                        file("app/a/package.json", "npm", &[("a", "1")]),
                        file("app/ab/package.json", "npm", &[("ab", "1")]),
                        file("opt/x/package.json", "npm", &[("x", "1")]),
                        file("usr/bin/tool", "go", &[("tool", "1")]),
                    ],
                    &[],
                    &[],
                ),
            ),
            (
                layer(1),
                facts(
                    vec![file("opt/x/y/package.json", "npm", &[("y", "2")])],
                    &["app/a", "usr/bin/tool"],
                    &["opt/x"],
                ),
            ),
        ]);
        assert_eq!(
            layers_of(&merged),
            vec![
                ("app/ab/package.json".into(), "ab@1".into(), 0),
                ("opt/x/y/package.json".into(), "y@2".into(), 1)
            ]
        );
    }

    #[test]
    fn the_cache_refuses_foreign_fingerprints_and_odd_digests() {
        let dir = tempfile::tempdir().unwrap();
        let cache = LayerCache::new(dir.path());
        let id = format!("sha256:{:064x}", 7);
        let f = LayerFacts {
            format: CACHE_FORMAT,
            fingerprint: "a".into(),
            diff_id: id.clone(),
            ..LayerFacts::default()
        };
        cache.put(&f).unwrap();
        assert_eq!(cache.get(&id, "a"), Some(f));
        assert_eq!(cache.get(&id, "b"), None);
        assert!(
            cache.put(&LayerFacts { diff_id: "sha256:../../x".into(), ..LayerFacts::default() }).is_err()
        );
        assert!(cache.clean().unwrap() > 0);
        assert_eq!(cache.get(&id, "a"), None);
    }
}
