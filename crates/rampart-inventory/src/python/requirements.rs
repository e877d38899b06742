//! pip requirements files.
//!
//! Reads files named `*requirements*.txt` (`requirements.txt`, `requirements-dev.txt`,
//! `dev-requirements.txt`...) and any `*.txt` in a directory named `requirements/`.
//! `constraints*.txt` files are not read on their own: a constraint restricts a version, it does
//! not install anything.
//!
//! Reports every requirement pinned with `==` (no wildcard) or `===`, with its extras and markers
//! stripped, at the exact lines of its logical line (continuations with `\` included). Lines are
//! joined and comments removed the way pip does it; per-requirement options (`--hash=...`) are
//! dropped. `-e`/`--editable`, URL, path and VCS lines, `name @ url` references and unpinned
//! requirements are skipped: they do not name a version. Other pip options are skipped.
//!
//! `-r`/`--requirement` includes are read through the file source, relative to the including
//! file's directory; their packages keep their own file and line. `-c`/`--constraint` files give
//! the version of a requirement listed without a pin (the package then has the requirement's
//! location and the constraint's); constraint-only entries are not reported. Cycles and repeats
//! are read once; an include that cannot be read is a warning naming it.
//!
//! The format does not say which requirements are direct (pip-compile output lists transitive
//! ones too), which are dev-only, nor how they depend on each other: relationships stay unknown
//! and there are no edges. Environment variables (`${VAR}`) are not expanded.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::{Ecosystem, Location, Package};

use super::{join_path, normalize, parse_requirement, warn_reference};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

pub(crate) struct Requirements;

/// Nesting depth and file count caps for includes.
const MAX_DEPTH: usize = 16;
const MAX_FILES: usize = 256;

impl Analyzer for Requirements {
    fn name(&self) -> &'static str {
        "python-requirements"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        let name = file.file_name;
        let is_txt =
            name.len() > 4 && name.get(name.len() - 4..).is_some_and(|ext| ext.eq_ignore_ascii_case(".txt"));
        if !is_txt {
            return false;
        }
        name.to_ascii_lowercase().contains("requirements")
            || file.dir().rsplit('/').next() == Some("requirements")
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let mut walk = Walk::default_for(input);
        walk.visited.insert(input.file.path.to_string());
        walk.file(input.file.path, text, Mode::Require, 0);
        Ok(walk.finish())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Require,
    Constrain,
}

struct Pin {
    name: String,
    version: String,
    locations: Vec<Location>,
}

struct Walk<'a, 'b> {
    input: &'a AnalyzerInput<'b>,
    analysis: Analysis,
    visited: BTreeSet<String>,
    /// Pinned requirements by `(normalised name, version)`, in order of appearance.
    pins: Vec<Pin>,
    pin_index: BTreeMap<(String, String), usize>,
    /// Unpinned requirements by normalised name: the name as written and where.
    unpinned: BTreeMap<String, (String, Location)>,
    /// Constraints by normalised name: version and where.
    constraints: BTreeMap<String, (String, Location)>,
}

impl<'a, 'b> Walk<'a, 'b> {
    fn default_for(input: &'a AnalyzerInput<'b>) -> Self {
        Walk {
            input,
            analysis: Analysis::default(),
            visited: BTreeSet::new(),
            pins: Vec::new(),
            pin_index: BTreeMap::new(),
            unpinned: BTreeMap::new(),
            constraints: BTreeMap::new(),
        }
    }

    fn file(&mut self, path: &str, text: &str, mode: Mode, depth: usize) {
        let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        for (start, end, line) in logical_lines(text) {
            let line = strip_comment(&line);
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if line.starts_with('-') {
                self.option(path, dir, line, start, mode, depth);
                continue;
            }
            // Per-requirement options start at the first token beginning with `-`.
            let requirement: Vec<&str> =
                line.split_whitespace().take_while(|t| !t.starts_with('-')).collect();
            let requirement = requirement.join(" ");
            if is_url_or_path(&requirement) {
                continue;
            }
            let req = match parse_requirement(&requirement) {
                Ok(r) => r,
                Err(e) => {
                    self.analysis.warn(path, Some(start), format!("not a valid requirement: {e}"));
                    continue;
                }
            };
            if req.url.is_some() {
                continue;
            }
            let location = Location::lines(path, start, end);
            let key = normalize(&req.name);
            match (req.pinned(), mode) {
                (Some(version), Mode::Require) => self.pin(req.name.clone(), version.to_string(), location),
                (Some(version), Mode::Constrain) => {
                    self.constraints.entry(key).or_insert((version.to_string(), location));
                }
                (None, Mode::Require) => {
                    if req.specifiers.iter().any(|(op, _)| op == "==" || op == "===") {
                        self.analysis.warn(
                            path,
                            Some(start),
                            format!("`{requirement}`: version is not a valid exact version; skipped"),
                        );
                    }
                    self.unpinned.entry(key).or_insert((req.name.clone(), location));
                }
                (None, Mode::Constrain) => {}
            }
        }
    }

    fn pin(&mut self, name: String, version: String, location: Location) {
        let key = (normalize(&name), version.clone());
        match self.pin_index.get(&key).and_then(|i| self.pins.get_mut(*i)) {
            Some(pin) => {
                if !pin.locations.contains(&location) {
                    pin.locations.push(location);
                }
            }
            None => {
                self.pin_index.insert(key, self.pins.len());
                self.pins.push(Pin { name, version, locations: vec![location] });
            }
        }
    }

    fn option(&mut self, path: &str, dir: &str, line: &str, line_no: u32, mode: Mode, depth: usize) {
        let (flag, value) = split_option(line);
        let include_mode = match flag {
            "-r" | "--requirement" => mode,
            "-c" | "--constraint" => Mode::Constrain,
            "-e"
            | "--editable"
            | "-i"
            | "--index-url"
            | "--extra-index-url"
            | "-f"
            | "--find-links"
            | "--no-index"
            | "--pre"
            | "--trusted-host"
            | "--prefer-binary"
            | "--require-hashes"
            | "--only-binary"
            | "--no-binary"
            | "--use-feature"
            | "--config-settings"
            | "--global-option"
            | "--install-option"
            | "--hash"
            | "-Z"
            | "--always-unzip"
            | "--process-dependency-links" => {
                return;
            }
            _ => {
                self.analysis.warn(path, Some(line_no), format!("unknown pip option `{flag}`; line skipped"));
                return;
            }
        };
        let Some(target) = value.filter(|v| !v.is_empty()) else {
            self.analysis.warn(path, Some(line_no), format!("`{flag}` without a file name"));
            return;
        };
        if target.contains("://") || target.starts_with('/') {
            warn_reference(
                &mut self.analysis,
                path,
                Some(line_no),
                format!("include `{target}` is not a path inside the scanned tree; not followed"),
            );
            return;
        }
        let Some(full) = join_path(dir, target) else {
            warn_reference(
                &mut self.analysis,
                path,
                Some(line_no),
                format!("include `{target}` leaves the scanned tree; not followed"),
            );
            return;
        };
        if self.visited.contains(&full) {
            return;
        }
        if depth >= MAX_DEPTH || self.visited.len() >= MAX_FILES {
            warn_reference(
                &mut self.analysis,
                path,
                Some(line_no),
                format!("include `{full}` not followed: more than {MAX_DEPTH} levels or {MAX_FILES} files"),
            );
            return;
        }
        self.visited.insert(full.clone());
        let bytes = match self.input.source.read(&full) {
            Ok(b) => b,
            Err(e) => {
                warn_reference(
                    &mut self.analysis,
                    path,
                    Some(line_no),
                    format!("cannot read include {full}: {e}"),
                );
                return;
            }
        };
        match utf8(&bytes) {
            Ok(text) => self.file(&full, text, include_mode, depth + 1),
            Err(e) => warn_reference(
                &mut self.analysis,
                path,
                Some(line_no),
                format!("include {full} not used: {e}"),
            ),
        }
    }

    fn finish(mut self) -> Analysis {
        let unpinned = std::mem::take(&mut self.unpinned);
        let pinned_names: BTreeSet<String> = self.pins.iter().map(|p| normalize(&p.name)).collect();
        for (key, (name, location)) in unpinned {
            if pinned_names.contains(&key) {
                continue;
            }
            if let Some((version, constraint_at)) = self.constraints.get(&key).cloned() {
                self.pin(name.clone(), version, location);
                if let Some(pin) = self.pins.last_mut()
                    && !pin.locations.contains(&constraint_at)
                {
                    pin.locations.push(constraint_at);
                }
            }
        }
        let mut analysis = self.analysis;
        for pin in self.pins {
            let mut b = Package::builder(Ecosystem::PyPI, pin.name, pin.version);
            for l in pin.locations {
                b = b.location(l);
            }
            analysis.packages.push(b.build());
        }
        analysis
    }
}

/// `-r file`, `-rfile`, `--requirement=file`, `--requirement file`.
fn split_option(line: &str) -> (&str, Option<&str>) {
    if let Some(long) = line.strip_prefix("--") {
        let end = long.find(|c: char| c == '=' || c.is_whitespace()).map(|i| i + 2).unwrap_or(line.len());
        let (flag, rest) = line.split_at(end);
        let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
        return (flag, Some(rest).filter(|r| !r.is_empty()));
    }
    let mut chars = line.char_indices();
    chars.next();
    let end = chars.next().map(|(i, c)| i + c.len_utf8()).unwrap_or(line.len());
    let (flag, rest) = line.split_at(end);
    (flag, Some(rest.trim()).filter(|r| !r.is_empty()))
}

fn is_url_or_path(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    s.contains("://")
        || s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with('~')
        || lower.starts_with("git+")
        || lower.starts_with("hg+")
        || lower.starts_with("svn+")
        || lower.starts_with("bzr+")
        || lower.starts_with("file:")
        || [".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar"].iter().any(|ext| lower.ends_with(ext))
}

/// pip's `COMMENT_RE.match`: a line that is only a comment.
fn is_comment_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Removes `(^|\s+)#.*$`.
fn strip_comment(line: &str) -> String {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes.get(i - 1).is_some_and(|p| p.is_ascii_whitespace())) {
            return line.get(..i).unwrap_or("").to_string();
        }
    }
    line.to_string()
}

/// pip's `join_lines`: `(first line, last line, joined text)` of each logical line.
fn logical_lines(text: &str) -> Vec<(u32, u32, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if !line.ends_with('\\') || is_comment_line(line) {
            let line = if is_comment_line(line) { format!(" {line}") } else { line.to_string() };
            match pending.take() {
                Some((start, mut joined)) => {
                    joined.push_str(&line);
                    out.push((start, n, joined));
                }
                None => out.push((n, n, line)),
            }
        } else {
            let part = line.trim_matches('\\');
            match pending.as_mut() {
                Some((_, joined)) => joined.push_str(part),
                None => pending = Some((n, part.to_string())),
            }
        }
    }
    if let Some((start, joined)) = pending {
        let end = u32::try_from(text.lines().count()).unwrap_or(u32::MAX).max(start);
        out.push((start, end, joined));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::test_util::never_panics;
    use crate::testing::{MemFiles, run};
    use rampart_model::DiagnosticCode;

    const APP: &[u8] = include_bytes!("../../fixtures/python/requirements/requirements.txt");
    const COMPILED: &[u8] = include_bytes!("../../fixtures/python/requirements/requirements-lock.txt");
    const TOP: &[u8] = include_bytes!("../../fixtures/python/requirements/requirements-dev.txt");
    const CONSTRAINTS: &[u8] = include_bytes!("../../fixtures/python/requirements/constraints.txt");

    fn triples(a: &Analysis) -> Vec<(String, String, Vec<Location>)> {
        a.packages.iter().map(|p| (p.name.clone(), p.version.clone(), p.locations.clone())).collect()
    }

    #[test]
    fn accepts_requirements_files_only() {
        let r = Requirements;
        for (path, ok) in [
            ("requirements.txt", true),
            ("a/dev-requirements.txt", true),
            ("requirements_test.txt", true),
            ("requirements/base.txt", true),
            ("constraints.txt", false),
            ("requirements.in", false),
            ("notes.txt", false),
        ] {
            assert_eq!(r.accepts(&FileInfo::new(path, 1, false)), ok, "{path}");
        }
    }

    #[test]
    fn plain_pins_with_lines() {
        let a = run(&Requirements, "app/requirements.txt", APP, &MemFiles(vec![])).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(a.packages.len(), 12);
        let p = &a.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("django", "3.2"));
        assert_eq!(p.locations, [Location::lines("app/requirements.txt", 2, 2)]);
        let last = &a.packages[11];
        assert_eq!((last.name.as_str(), last.version.as_str()), ("pytz", "2021.1"));
        assert_eq!(last.locations, [Location::lines("app/requirements.txt", 13, 13)]);
        assert!(a.packages.iter().all(|p| p.relationship == rampart_model::Relationship::Unknown && !p.dev));
    }

    #[test]
    fn pip_compile_output_with_hashes_and_markers() {
        let a = run(&Requirements, "requirements-lock.txt", COMPILED, &MemFiles(vec![])).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let names: Vec<_> = a.packages.iter().map(|p| format!("{}@{}", p.name, p.version)).collect();
        assert_eq!(
            names,
            [
                "asgiref@3.13.0",
                "certifi@2026.10.18",
                "chardet@3.0.4",
                "django@3.2",
                "idna@2.7",
                "pysocks@1.7.1",
                "pytz@2026.6",
                "requests@2.19.1",
                "sqlparse@0.6.1",
                "urllib3@1.23"
            ]
        );
        let requests = a.packages.iter().find(|p| p.name == "requests").unwrap();
        assert_eq!(requests.locations, [Location::lines("requirements-lock.txt", 36, 38)]);
        assert_eq!(a.packages[0].locations, [Location::lines("requirements-lock.txt", 7, 9)]);
    }

    #[test]
    fn includes_constraints_and_skipped_lines() {
        let files = MemFiles(vec![
            ("requirements-lock.txt", COMPILED.to_vec()),
            ("constraints.txt", CONSTRAINTS.to_vec()),
        ]);
        let a = run(&Requirements, "requirements-dev.txt", TOP, &files).unwrap();
        let own: Vec<_> =
            triples(&a).into_iter().filter(|(_, _, l)| l[0].path == "requirements-dev.txt").collect();
        assert_eq!(
            own,
            [
                (
                    "Jinja2".to_string(),
                    "2.10".to_string(),
                    vec![Location::lines("requirements-dev.txt", 4, 4)]
                ),
                (
                    "zope.interface".into(),
                    "5.4.0".into(),
                    vec![Location::lines("requirements-dev.txt", 6, 7)]
                ),
                ("pytest".into(), "6.2.4".into(), vec![Location::lines("requirements-dev.txt", 11, 11)]),
                (
                    "six".into(),
                    "1.16.0".into(),
                    vec![
                        Location::lines("requirements-dev.txt", 14, 14),
                        Location::lines("constraints.txt", 3, 3)
                    ]
                ),
            ]
        );
        // Included packages keep their own file and lines; `django` is listed by both files with
        // the same version and merged.
        let django = a.packages.iter().find(|p| p.name == "django").unwrap();
        assert_eq!(
            django.locations,
            [
                Location::lines("requirements-lock.txt", 19, 21),
                Location::lines("requirements-dev.txt", 15, 15)
            ]
        );
        assert_eq!(a.packages.len(), 14);
        // Constraint-only entries are not packages.
        assert!(!a.packages.iter().any(|p| p.name == "attrs"));
        let warnings: Vec<_> = a.warnings.iter().map(|w| (w.code, w.path.as_str(), w.line)).collect();
        assert_eq!(
            warnings,
            [
                (DiagnosticCode::PartialParse, "requirements-dev.txt", Some(12)),
                (DiagnosticCode::UnresolvedReference, "requirements-dev.txt", Some(17)),
            ]
        );
        assert!(a.warnings[1].message.contains("missing.txt"));
    }

    #[test]
    fn include_cycles_are_read_once() {
        let files = MemFiles(vec![
            ("a/requirements.txt", b"-r ../b/requirements.txt\nx==1\n".to_vec()),
            ("b/requirements.txt", b"--requirement=../a/requirements.txt\ny==2\n".to_vec()),
        ]);
        let a = run(&Requirements, "a/requirements.txt", &files.0[0].1.clone(), &files).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(
            triples(&a),
            [
                ("y".into(), "2".into(), vec![Location::lines("b/requirements.txt", 2, 2)]),
                ("x".into(), "1".into(), vec![Location::lines("a/requirements.txt", 2, 2)]),
            ]
        );
    }

    #[test]
    fn duplicates_merge_by_normalised_name() {
        let text = b"Foo_Bar==1.0\nfoo-bar==1.0\nfoo.bar==2.0 ; python_version < '3'\n";
        let a = run(&Requirements, "requirements.txt", text, &MemFiles(vec![])).unwrap();
        assert_eq!(
            triples(&a),
            [
                (
                    "Foo_Bar".into(),
                    "1.0".into(),
                    vec![
                        Location::lines("requirements.txt", 1, 1),
                        Location::lines("requirements.txt", 2, 2)
                    ]
                ),
                ("foo.bar".into(), "2.0".into(), vec![Location::lines("requirements.txt", 3, 3)]),
            ]
        );
    }

    #[test]
    fn never_panics_on_hostile_input() {
        let files = MemFiles(vec![("requirements-lock.txt", COMPILED.to_vec())]);
        never_panics(&Requirements, "requirements-dev.txt", TOP, &files);
        never_panics(&Requirements, "requirements.txt", COMPILED, &files);
    }
}
