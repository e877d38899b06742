//! Secrets: the files of a directory tree, every layer of an image (including files a later
//! layer deleted: they still ship), and the image config, searched with `rampart-secrets`.
//!
//! Which files are read: regular files up to the scanner's size cap, not on its path allowlist,
//! and without an extension that only names binary content ([`BINARY_EXTENSIONS`]: images,
//! archives, fonts, media, compiled code). Anything else is read once; a NUL byte in its first
//! 8 KiB marks it binary and it is dropped there (for directories, after reading that head
//! only).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Read};

use rampart_artifact::{Entry, FsArtifact};
use rampart_image::{EntryKind, Image, ImageError};
use rampart_model::{Diagnostic, DiagnosticCode, LayerRef, Report, ResultKind, ScanResult, Secret};
use rampart_secrets::{Scanner, SecretMatch};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::Progress;
use crate::image::LayerCache;

/// Extensions of files that never hold text worth searching (lower case, without the dot).
pub const BINARY_EXTENSIONS: &[&str] = &[
    // images and media
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "tif", "tiff", "webp", "avif", "heic", "psd", "mp3",
    "mp4", "m4a", "m4v", "mov", "avi", "mkv", "webm", "wav", "flac", "ogg", "oga", "opus", "aac",
    // fonts
    "ttf", "otf", "woff", "woff2", "eot", // archives and compressed data
    "zip", "gz", "tgz", "bz2", "xz", "zst", "lz4", "lzma", "7z", "rar", "tar", "jar", "war", "ear", "whl",
    "egg", "deb", "rpm", "apk", "msi", "dmg", "iso", "img", "qcow2", "vmdk", "nupkg", "gem", "crate",
    // compiled code and objects
    "class", "pyc", "pyo", "o", "a", "so", "dylib", "dll", "exe", "lib", "obj", "wasm", "node", "rlib",
    "rmeta", "beam", // documents and databases in binary formats
    "pdf", "doc", "xls", "ppt", "docx", "xlsx", "pptx", "odt", "ods", "sqlite", "sqlite3", "db", "parquet",
    "avro", "orc", "pb", "onnx", "pt", "bin", "dat", "npy", "npz", "h5", "pkl",
];

/// True when the secret scanner reads a file of this path and size.
pub fn wants(scanner: &Scanner, path: &str, size: u64) -> bool {
    if size == 0 || size > scanner.max_file_size() as u64 {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some((_, ext)) = name.rsplit_once('.')
        && ext.len() <= 8
        && BINARY_EXTENSIONS.iter().any(|b| b.eq_ignore_ascii_case(ext))
    {
        return false;
    }
    !scanner.path_allowed(path)
}

/// A match in the report's shape (the secret itself is not in a [`SecretMatch`] either).
pub fn to_model(m: &SecretMatch) -> Secret {
    Secret {
        rule_id: m.rule_id.clone(),
        severity: m.severity,
        title: m.title.clone(),
        start_line: u32::try_from(m.start_line).unwrap_or(u32::MAX),
        end_line: u32::try_from(m.end_line).unwrap_or(u32::MAX),
        redacted: m.redacted.clone(),
        snippet: m.snippet.clone(),
        layer: None,
        deleted: false,
        commit: None,
        suppressed: None,
    }
}

/// The result of one file's secrets.
pub fn result(target: impl Into<String>, secrets: Vec<Secret>) -> ScanResult {
    ScanResult {
        target: target.into(),
        kind: ResultKind::Secrets,
        analyzer: Some("secret".into()),
        ecosystem: None,
        packages: Vec::new(),
        vulnerabilities: Vec::new(),
        misconfigurations: Vec::new(),
        passed_checks: None,
        secrets,
    }
}

/// What a secret scan went through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SecretStats {
    /// Files whose content was searched (text within the size cap).
    pub files_scanned: u64,
    /// Bytes searched.
    pub bytes_scanned: u64,
    /// Files read but dropped as binary.
    pub binary_files: u64,
    /// Image layers whose secrets came from the layer cache (their files are counted above as
    /// when they were searched).
    #[serde(default)]
    pub cached_layers: u64,
}

/// How much of a file is read first to tell binary from text.
const HEAD: usize = 8 * 1024;

thread_local! {
    /// Each worker thread reads every file into the same buffer: no page faults for fresh memory
    /// per file (they cost more than the search itself on a big tree).
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads a file for the scanner into `buf` (cleared first): `false` when its head shows it is
/// binary (then only the head was read).
fn read_text(artifact: &FsArtifact, path: &str, size: u64, buf: &mut Vec<u8>) -> io::Result<bool> {
    buf.clear();
    let mut file = artifact.open(path)?;
    let want = usize::try_from(size).unwrap_or(0).saturating_add(1);
    if buf.capacity() < want {
        buf.reserve(want);
    }
    let mut head = (&mut file).take(HEAD as u64);
    head.read_to_end(buf)?;
    if Scanner::is_binary(buf) {
        return Ok(false);
    }
    if buf.len() == HEAD {
        file.read_to_end(buf)?;
    }
    Ok(true)
}

/// Searches the files of a directory tree (the entries [`wants`] accepted), in parallel; one
/// result per file with secrets, sorted by path. Unreadable files are diagnostics.
pub fn scan_fs(
    entries: &[Entry],
    artifact: &FsArtifact,
    scanner: &Scanner,
    progress: &dyn Progress,
) -> (Vec<ScanResult>, Vec<Diagnostic>, SecretStats) {
    progress.analyzing(entries.len() as u64);
    let outcomes: Vec<(Option<ScanResult>, Option<Diagnostic>, SecretStats)> = entries
        .par_iter()
        .map(|entry| {
            let mut stats = SecretStats::default();
            let read = BUFFER.with_borrow_mut(|buf| {
                let text = read_text(artifact, &entry.path, entry.size, buf)?;
                let found = text.then(|| (buf.len(), scanner.scan(&entry.path, buf)));
                if buf.capacity() > 16 << 20 {
                    // One huge file must not pin its buffer for the rest of the scan.
                    *buf = Vec::new();
                }
                Ok::<_, io::Error>(found)
            });
            let out = match read {
                Ok(Some((len, found))) => {
                    stats.files_scanned = 1;
                    stats.bytes_scanned = len as u64;
                    let r = (!found.is_empty())
                        .then(|| result(&entry.path, found.iter().map(to_model).collect()));
                    (r, None, stats)
                }
                Ok(None) => {
                    stats.binary_files = 1;
                    (None, None, stats)
                }
                Err(e) => (
                    None,
                    Some(Diagnostic::warning(DiagnosticCode::ReadError, &entry.path, e.to_string())),
                    stats,
                ),
            };
            progress.analyzed(&entry.path);
            out
        })
        .collect();
    let mut results = Vec::new();
    let mut diagnostics = Vec::new();
    let mut stats = SecretStats::default();
    for (r, d, s) in outcomes {
        results.extend(r);
        diagnostics.extend(d);
        stats.files_scanned += s.files_scanned;
        stats.bytes_scanned += s.bytes_scanned;
        stats.binary_files += s.binary_files;
    }
    results.sort_by(|a, b| a.target.cmp(&b.target));
    (results, diagnostics, stats)
}

/// Above this many bytes of files read from a layer and not yet searched, they are searched
/// (in parallel) before the walk goes on: memory stays bounded whatever the layer holds.
const LAYER_BATCH: usize = 64 * 1024 * 1024;

/// One secret of one layer, before the layers are compared.
#[derive(serde::Serialize, serde::Deserialize)]
struct LayerSecret {
    path: String,
    /// Identifies the secret without keeping it: sha256 of the rule id and the secret.
    fingerprint: [u8; 32],
    secret: Secret,
}

/// What one layer holds for the secret scanner (what the layer cache keeps of it).
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct LayerSecrets {
    found: Vec<LayerSecret>,
    /// Every file path the layer writes (a lower file there is replaced).
    files: HashSet<String>,
    whiteouts: Vec<String>,
    opaque_dirs: Vec<String>,
    stats: SecretStats,
}

fn fingerprint(rule: &str, secret: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(secret);
    h.finalize().into()
}

fn search_batch(batch: &mut Vec<(String, Vec<u8>)>, scanner: &Scanner, out: &mut LayerSecrets) {
    let found: Vec<(Vec<LayerSecret>, bool, u64)> = batch
        .par_iter()
        .map(|(path, content)| {
            if Scanner::is_binary(content) {
                return (Vec::new(), true, 0);
            }
            let found = scanner
                .scan(path, content)
                .iter()
                .map(|m| LayerSecret {
                    path: path.clone(),
                    fingerprint: fingerprint(&m.rule_id, &content[m.start..m.end]),
                    secret: to_model(m),
                })
                .collect();
            (found, false, content.len() as u64)
        })
        .collect();
    for (f, binary, bytes) in found {
        if binary {
            out.stats.binary_files += 1;
        } else {
            out.stats.files_scanned += 1;
            out.stats.bytes_scanned += bytes;
        }
        out.found.extend(f);
    }
    batch.clear();
}

fn scan_layer(image: &Image, index: usize, scanner: &Scanner) -> Result<LayerSecrets, ImageError> {
    let mut out = LayerSecrets::default();
    let mut batch: Vec<(String, Vec<u8>)> = Vec::new();
    let mut batch_bytes = 0usize;
    let cap = scanner.max_file_size() as u64;
    image.walk_layer(index, &mut |entry| {
        match entry.kind {
            EntryKind::Whiteout => out.whiteouts.push(entry.path.to_string()),
            EntryKind::OpaqueDir => out.opaque_dirs.push(entry.path.to_string()),
            EntryKind::File => {
                out.files.insert(entry.path.to_string());
                if wants(scanner, entry.path, entry.size) && entry.size <= cap {
                    // The head first: a binary file is dropped there (the rest of it is
                    // skipped by the walk, never copied).
                    let mut content = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0));
                    (&mut *entry)
                        .take(HEAD as u64)
                        .read_to_end(&mut content)
                        .map_err(|e| entry.io_error(e))?;
                    if Scanner::is_binary(&content) {
                        out.stats.binary_files += 1;
                        return Ok(());
                    }
                    entry.read_to_end(&mut content).map_err(|e| entry.io_error(e))?;
                    batch_bytes += content.len();
                    batch.push((entry.path.to_string(), content));
                    if batch_bytes > LAYER_BATCH {
                        search_batch(&mut batch, scanner, &mut out);
                        batch_bytes = 0;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    search_batch(&mut batch, scanner, &mut out);
    Ok(out)
}

/// True when `path` is `dir` or below it.
fn is_below(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

/// Bump when [`LayerSecrets`] changes shape.
const CACHE_FORMAT: u32 = 1;

/// A layer's secrets as the layer cache stores them.
#[derive(serde::Serialize, serde::Deserialize)]
struct CachedLayer {
    format: u32,
    scanner: String,
    diff_id: String,
    secrets: LayerSecrets,
}

/// The name under which the layer cache keeps the secrets `scanner` finds in a layer: it
/// changes with the rules, the configuration and Rampart's version ([`Scanner::fingerprint`]).
/// A registry pull may skip a layer the cache has under this name.
pub fn cache_key(scanner: &Scanner) -> String {
    let mut h = Sha256::new();
    h.update(b"secrets\0");
    h.update(CACHE_FORMAT.to_le_bytes());
    h.update(scanner.fingerprint().as_bytes());
    h.finalize()[..12].iter().map(|b| format!("{b:02x}")).collect()
}

fn cached_layer(cache: &LayerCache, key: &str, scanner: &Scanner, diff_id: &str) -> Option<LayerSecrets> {
    let c: CachedLayer = cache.get_entry(diff_id, key)?;
    (c.format == CACHE_FORMAT && c.scanner == scanner.fingerprint() && c.diff_id == diff_id)
        .then_some(c.secrets)
}

/// Searches every layer of an image (in parallel) and the image config. Each secret names its
/// layer; a secret whose file a later layer deleted or replaced is still reported (the bytes
/// ship in the image), marked `deleted`. A secret a later layer writes again at the same path
/// (a file rewritten with the same credential) is reported once, at the first layer.
///
/// With a `cache`, a layer searched before by the same rules ([`cache_key`]) is not read
/// again, and the layers searched now are stored (only the redacted secrets, their lines and
/// SHA-256 fingerprints, and the layer's paths; a store that fails is a warning).
pub fn scan_image(
    report: &mut Report,
    image: &Image,
    scanner: &Scanner,
    cache: Option<&LayerCache>,
) -> Result<SecretStats, ImageError> {
    let layers: Vec<LayerRef> = image.metadata().layers.iter().map(|l| l.layer.clone()).collect();
    let key = cache_key(scanner);
    let scanned: Vec<Result<(LayerSecrets, bool), ImageError>> = (0..layers.len())
        .into_par_iter()
        .map(|i| {
            let diff_id = &layers[i].diff_id;
            if let Some(hit) = cache.and_then(|c| cached_layer(c, &key, scanner, diff_id)) {
                return Ok((hit, true));
            }
            scan_layer(image, i, scanner).map(|found| (found, false))
        })
        .collect();
    let mut stats = SecretStats::default();
    let mut fresh = Vec::new();
    let mut all = Vec::with_capacity(layers.len());
    for (i, layer) in scanned.into_iter().enumerate() {
        let (layer, hit) = layer?;
        if hit {
            stats.cached_layers += 1;
        } else {
            fresh.push(i);
        }
        all.push(layer);
    }
    if let Some(cache) = cache {
        for i in fresh {
            let diff_id = layers[i].diff_id.clone();
            let entry = CachedLayer {
                format: CACHE_FORMAT,
                scanner: scanner.fingerprint().to_string(),
                diff_id,
                secrets: std::mem::take(&mut all[i]),
            };
            if let Err(e) = cache.put_entry(&entry.diff_id, &key, &entry) {
                report.diagnostics.push(Diagnostic::warning(
                    DiagnosticCode::ReadError,
                    cache.dir().display().to_string(),
                    format!("could not cache the secrets of layer {}: {e}", entry.diff_id),
                ));
            }
            all[i] = entry.secrets;
        }
    }
    let scanned = all;
    let mut by_path: BTreeMap<String, Vec<Secret>> = BTreeMap::new();
    let mut seen: HashSet<(String, [u8; 32])> = HashSet::new();
    for (i, layer) in scanned.iter().enumerate() {
        stats.files_scanned += layer.stats.files_scanned;
        stats.bytes_scanned += layer.stats.bytes_scanned;
        stats.binary_files += layer.stats.binary_files;
        for found in &layer.found {
            if !seen.insert((found.path.clone(), found.fingerprint)) {
                continue;
            }
            // Still in the final filesystem? Follow the path through the later layers.
            let mut present = true;
            for l in &scanned[i + 1..] {
                if l.whiteouts.iter().any(|w| is_below(&found.path, w))
                    || l.opaque_dirs
                        .iter()
                        .any(|d| !d.is_empty() && is_below(&found.path, d) && found.path != *d)
                {
                    present = false;
                }
                if l.files.contains(&found.path) {
                    present =
                        l.found.iter().any(|f| f.path == found.path && f.fingerprint == found.fingerprint);
                }
            }
            let deleted = !present;
            let mut secret = found.secret.clone();
            secret.layer = layers.get(i).cloned();
            secret.deleted = deleted;
            by_path.entry(found.path.clone()).or_default().push(secret);
        }
    }
    for (path, mut secrets) in by_path {
        secrets.sort_by(|a, b| {
            (a.layer.as_ref().map(|l| l.index), a.start_line, &a.rule_id).cmp(&(
                b.layer.as_ref().map(|l| l.index),
                b.start_line,
                &b.rule_id,
            ))
        });
        report.results.push(result(path, secrets));
    }
    scan_image_config(report, scanner, &layers);
    Ok(stats)
}

/// The target of the image config's secrets (env, labels, history commands).
pub const IMAGE_CONFIG_TARGET: &str = "image config";

/// Searches the image config rebuilt as a Dockerfile (`ENV`, `LABEL`, history `RUN` lines), each
/// secret with the layer its history line made.
fn scan_image_config(report: &mut Report, scanner: &Scanner, layers: &[LayerRef]) {
    let Some(image) = &report.image else { return };
    let rebuilt = rampart_misconfig::docker::image_dockerfile(&image.config);
    let mut text = rebuilt.text;
    for (k, v) in &image.config.labels {
        text.push_str(&format!("LABEL {k}={v}\n"));
    }
    let history = &image.config.history;
    let by_created: HashMap<&str, &LayerRef> =
        layers.iter().filter_map(|l| l.created_by.as_deref().map(|c| (c, l))).collect();
    let found = scanner.scan("Dockerfile", text.as_bytes());
    // The secrets themselves, to take them out of the rest of the report: the history lines,
    // env and labels they came from are in the image metadata and in every layer reference.
    let plain: Vec<(String, String)> =
        found.iter().map(|m| (text[m.start..m.end].to_string(), m.redacted.clone())).collect();
    let secrets: Vec<Secret> = found
        .iter()
        .map(|m| {
            let mut s = to_model(m);
            let line = m.start_line.saturating_sub(1);
            s.layer = rebuilt
                .history_of_line
                .get(line)
                .copied()
                .flatten()
                .and_then(|i| history.get(i))
                .and_then(|c| by_created.get(c.as_str()).map(|l| (*l).clone()));
            s
        })
        .collect();
    if !secrets.is_empty() {
        report.results.push(result(IMAGE_CONFIG_TARGET, secrets));
        redact_everywhere(report, &plain);
    }
}

/// Replaces every occurrence of each secret (longest first) in every string of the report
/// with its redacted form.
fn redact_everywhere(report: &mut Report, secrets: &[(String, String)]) {
    fn walk(v: &mut serde_json::Value, secrets: &[(String, String)]) {
        match v {
            serde_json::Value::String(s) => {
                for (secret, redacted) in secrets {
                    if s.contains(secret.as_str()) {
                        *s = s.replace(secret.as_str(), redacted);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, secrets)),
            serde_json::Value::Object(fields) => fields.values_mut().for_each(|f| walk(f, secrets)),
            _ => {}
        }
    }
    let mut secrets: Vec<(String, String)> = secrets.iter().filter(|(s, _)| !s.is_empty()).cloned().collect();
    secrets.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
    // The report's types serialise and deserialise losslessly (saved reports are read back by
    // `rampart gate`); should that ever fail, the findings are kept and the metadata dropped
    // rather than a secret printed.
    let redacted = serde_json::to_value(&*report).ok().and_then(|mut v| {
        walk(&mut v, &secrets);
        serde_json::from_value::<Report>(v).ok()
    });
    match redacted {
        Some(r) => *report = r,
        None => report.image = None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_extensions_and_caps_are_not_read() {
        let s = Scanner::with_builtin_rules().unwrap();
        assert!(wants(&s, "src/main.rs", 10));
        assert!(wants(&s, "LICENSE", 10));
        assert!(wants(&s, "app.min.js", 10));
        assert!(!wants(&s, "logo.PNG", 10));
        assert!(!wants(&s, "lib/x.jar", 10));
        assert!(!wants(&s, "a/node_modules/b/index.js", 10));
        assert!(!wants(&s, "empty.txt", 0));
        assert!(!wants(&s, "huge.txt", 1 << 40));
    }

    #[test]
    fn below_means_the_directory_or_under_it() {
        assert!(is_below("root/.aws/credentials", "root/.aws"));
        assert!(is_below("root/.aws", "root/.aws"));
        assert!(!is_below("root/.awsx/credentials", "root/.aws"));
        assert!(is_below("anything", ""));
    }
}
