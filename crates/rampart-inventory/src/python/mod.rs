//! Python analyzers (ecosystem [`Ecosystem::PyPI`]).
//!
//! Names are kept as each format writes them (a vulnerability matcher normalises them per
//! PEP 503); within one file, entries are de-duplicated by their normalised name and version.
//! This module holds what the formats share: PEP 503 names, a PEP 508 requirement parser, TOML
//! loading with line numbers, the `[[package]]` blocks of TOML lockfiles and the dependency
//! declarations of a `pyproject.toml`.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::{Diagnostic, DiagnosticCode, Ecosystem, Location, Package, Relationship};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, line_of};

mod installed;
mod pdm_lock;
mod pipfile_lock;
mod poetry_lock;
mod requirements;
mod uv_lock;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![
        Box::new(requirements::Requirements),
        Box::new(poetry_lock::PoetryLock),
        Box::new(pipfile_lock::PipfileLock),
        Box::new(uv_lock::UvLock),
        Box::new(pdm_lock::PdmLock),
        Box::new(installed::Installed),
    ]
}

/// PEP 503 normal form: lower case, runs of `-`, `_` and `.` become one `-`.
pub(crate) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// True for a valid PEP 508 project name.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// True for a plausible version string (PEP 440 characters, no wildcard).
pub(crate) fn is_valid_version(version: &str) -> bool {
    !version.is_empty()
        && version.len() <= 128
        && version.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+' | b'!'))
}

/// A parsed PEP 508 requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requirement {
    pub name: String,
    pub extras: Vec<String>,
    /// `(operator, version)` clauses, e.g. `("==", "1.0")`.
    pub specifiers: Vec<(String, String)>,
    /// The direct reference of `name @ url`.
    pub url: Option<String>,
    pub marker: Option<String>,
}

impl Requirement {
    /// The exact version when pinned with `==` (no wildcard) or `===`.
    pub fn pinned(&self) -> Option<&str> {
        self.specifiers.iter().find_map(|(op, v)| match op.as_str() {
            "===" if !v.is_empty() => Some(v.as_str()),
            "==" if is_valid_version(v) => Some(v.as_str()),
            _ => None,
        })
    }
}

const OPERATORS: [&str; 8] = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];

/// Parses a PEP 508 requirement such as `requests[socks] (>=2.0,<3) ; python_version < "3"`.
pub(crate) fn parse_requirement(s: &str) -> Result<Requirement, String> {
    let s = s.trim();
    let name_end =
        s.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(s.len());
    let (name, mut rest) = s.split_at(name_end);
    if !is_valid_name(name) {
        return Err(format!("`{s}` does not start with a valid project name"));
    }
    rest = rest.trim_start();
    let mut extras = Vec::new();
    if let Some(r) = rest.strip_prefix('[') {
        let Some((inside, after)) = r.split_once(']') else {
            return Err(format!("unclosed extras in `{s}`"));
        };
        for e in inside.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if !is_valid_name(e) {
                return Err(format!("invalid extra `{e}` in `{s}`"));
            }
            extras.push(e.to_string());
        }
        rest = after.trim_start();
    }
    let (body, marker) = match rest.split_once(';') {
        Some((b, m)) => (b.trim(), Some(m.trim().to_string()).filter(|m| !m.is_empty())),
        None => (rest.trim(), None),
    };
    let mut req = Requirement { name: name.to_string(), extras, specifiers: Vec::new(), url: None, marker };
    if let Some(url) = body.strip_prefix('@') {
        let url = url.trim();
        if url.is_empty() {
            return Err(format!("missing URL after `@` in `{s}`"));
        }
        req.url = Some(url.to_string());
        return Ok(req);
    }
    let spec = match body.strip_prefix('(') {
        Some(inner) => inner.strip_suffix(')').ok_or_else(|| format!("unclosed `(` in `{s}`"))?,
        None => body,
    };
    for clause in spec.split(',').map(str::trim) {
        if clause.is_empty() {
            if spec.trim().is_empty() {
                break;
            }
            return Err(format!("empty version clause in `{s}`"));
        }
        let Some(op) = OPERATORS.iter().find(|op| clause.starts_with(**op)) else {
            return Err(format!("invalid version clause `{clause}` in `{s}`"));
        };
        let version = clause.get(op.len()..).unwrap_or("").trim();
        if version.is_empty() || version.contains(char::is_whitespace) {
            return Err(format!("invalid version in `{clause}`"));
        }
        req.specifiers.push((op.to_string(), version.to_string()));
    }
    Ok(req)
}

/// Parses a TOML document, turning a syntax error into a located [`AnalyzeError`].
pub(crate) fn parse_toml(text: &str) -> Result<toml::Table, AnalyzeError> {
    toml::from_str::<toml::Table>(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        AnalyzeError::parse(line, e.message().to_string())
    })
}

/// The `(start, end)` lines of each `[[name]]` block of a TOML file, in order. A block runs from
/// its header to its last non-empty line before the next header that is not one of its own
/// sub-tables (`[name.x]`, `[[name.x]]`). Only headers at the start of a line are seen; callers
/// use the result only when the count matches the parsed array.
pub(crate) fn table_array_blocks(text: &str, name: &str) -> Vec<(u32, u32)> {
    let header = format!("[[{name}]]");
    let sub = [format!("[{name}."), format!("[[{name}.")];
    let mut blocks = Vec::new();
    let mut current: Option<(u32, u32)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end();
        let line = line.split_once(" #").map(|(l, _)| l.trim_end()).unwrap_or(line);
        if line.starts_with('[') {
            if line == header {
                if let Some(b) = current.take() {
                    blocks.push(b);
                }
                current = Some((line_no, line_no));
                continue;
            }
            if !sub.iter().any(|s| line.starts_with(s.as_str())) {
                if let Some(b) = current.take() {
                    blocks.push(b);
                }
                continue;
            }
        }
        if let Some(b) = current.as_mut()
            && !line.trim().is_empty()
            && !line.trim_start().starts_with('#')
        {
            b.1 = line_no;
        }
    }
    if let Some(b) = current.take() {
        blocks.push(b);
    }
    blocks
}

/// Joins `dir` and a relative `path`, resolving `.` and `..`; `None` when it leaves the root.
pub(crate) fn join_path(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Reads a sibling file; `Ok(None)` when it does not exist.
pub(crate) fn read_sibling(input: &AnalyzerInput<'_>, name: &str) -> std::io::Result<Option<Vec<u8>>> {
    let path = join_path(input.file.dir(), name).unwrap_or_else(|| name.to_string());
    match input.source.read(&path) {
        Ok(c) => Ok(Some(c)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Records that a file referenced by the analysed one could not be used.
pub(crate) fn warn_reference(analysis: &mut Analysis, path: &str, line: Option<u32>, message: String) {
    analysis
        .warnings
        .push(Diagnostic::warning(DiagnosticCode::UnresolvedReference, path, message).at_line(line));
}

/// What a `pyproject.toml` declares, names normalised.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Manifest {
    /// Runtime dependencies: `[project] dependencies`, `[tool.poetry.dependencies]`.
    pub main: BTreeSet<String>,
    /// `[project.optional-dependencies]` (extras of the project: not dev).
    pub optional: BTreeMap<String, BTreeSet<String>>,
    /// Dev groups: `[dependency-groups]`, `[tool.poetry.group.X.dependencies]`,
    /// `[tool.poetry.dev-dependencies]`, `[tool.pdm.dev-dependencies]`.
    pub groups: BTreeMap<String, BTreeSet<String>>,
}

impl Manifest {
    /// Every directly declared name.
    pub fn direct(&self) -> BTreeSet<String> {
        let mut all = self.main.clone();
        for names in self.optional.values().chain(self.groups.values()) {
            all.extend(names.iter().cloned());
        }
        all
    }
}

/// Reads `pyproject.toml` beside the analysed file. Missing: `None`; unreadable or invalid: a
/// warning naming it, and `None`.
pub(crate) fn read_pyproject(input: &AnalyzerInput<'_>, analysis: &mut Analysis) -> Option<Manifest> {
    let path = join_path(input.file.dir(), "pyproject.toml")?;
    let bytes = match read_sibling(input, "pyproject.toml") {
        Ok(Some(b)) => b,
        Ok(None) => return None,
        Err(e) => {
            warn_reference(analysis, &path, None, format!("cannot read {path}: {e}"));
            return None;
        }
    };
    let text = match crate::utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            warn_reference(analysis, &path, None, format!("{path} not used: {e}"));
            return None;
        }
    };
    match parse_toml(text) {
        Ok(table) => Some(manifest_of(&table)),
        Err(e) => {
            warn_reference(analysis, &path, e.line(), format!("{path} not used: {e}"));
            None
        }
    }
}

fn requirement_names<'a>(values: impl Iterator<Item = &'a toml::Value>) -> BTreeSet<String> {
    values
        .filter_map(|v| v.as_str())
        .filter_map(|s| parse_requirement(s).ok())
        .map(|r| normalize(&r.name))
        .collect()
}

fn table_keys(table: Option<&toml::Value>) -> BTreeSet<String> {
    table
        .and_then(|t| t.as_table())
        .map(|t| t.keys().filter(|k| k.as_str() != "python").map(|k| normalize(k)).collect())
        .unwrap_or_default()
}

fn get<'a>(table: &'a toml::Table, path: &[&str]) -> Option<&'a toml::Value> {
    let (first, rest) = path.split_first()?;
    let mut value = table.get(*first)?;
    for key in rest {
        value = value.as_table()?.get(*key)?;
    }
    Some(value)
}

pub(crate) fn manifest_of(doc: &toml::Table) -> Manifest {
    let mut m = Manifest::default();
    if let Some(deps) = get(doc, &["project", "dependencies"]).and_then(|v| v.as_array()) {
        m.main.extend(requirement_names(deps.iter()));
    }
    if let Some(extras) = get(doc, &["project", "optional-dependencies"]).and_then(|v| v.as_table()) {
        for (extra, deps) in extras {
            if let Some(deps) = deps.as_array() {
                m.optional.entry(extra.clone()).or_default().extend(requirement_names(deps.iter()));
            }
        }
    }
    m.main.extend(table_keys(get(doc, &["tool", "poetry", "dependencies"])));
    let add_group = |m: &mut Manifest, group: &str, names: BTreeSet<String>| {
        m.groups.entry(group.to_string()).or_default().extend(names);
    };
    for source in [&["dependency-groups"][..], &["tool", "pdm", "dev-dependencies"][..]] {
        if let Some(groups) = get(doc, source).and_then(|v| v.as_table()) {
            for (group, deps) in groups {
                if let Some(deps) = deps.as_array() {
                    add_group(&mut m, group, requirement_names(deps.iter()));
                }
            }
        }
    }
    let dev = table_keys(get(doc, &["tool", "poetry", "dev-dependencies"]));
    if !dev.is_empty() {
        add_group(&mut m, "dev", dev);
    }
    if let Some(groups) = get(doc, &["tool", "poetry", "group"]).and_then(|v| v.as_table()) {
        for (group, body) in groups {
            let names = table_keys(body.as_table().and_then(|b| b.get("dependencies")));
            add_group(&mut m, group, names);
        }
    }
    m
}

/// One entry of a lockfile, before edges and relationships are worked out.
#[derive(Debug, Clone)]
pub(crate) struct LockEntry {
    pub name: String,
    pub version: String,
    pub location: Location,
    /// Dependencies: normalised name and, where the format says, the exact version.
    pub deps: Vec<(String, Option<String>)>,
    /// Whether the lockfile itself marks the entry dev-only (`None`: it does not say).
    pub dev: Option<bool>,
    /// The project itself.
    pub root: bool,
}

/// Turns lock entries into packages: entries with the same normalised name and version are
/// merged (the name as first written is kept), dependencies become edges to the packages of the
/// same file with that name (and version, when given). With a manifest, declared names are
/// direct, the rest indirect, and entries whose lock does not say are dev-only when reachable
/// only from dev groups. A root entry is [`Relationship::Root`].
pub(crate) fn build_packages(entries: Vec<LockEntry>, manifest: Option<&Manifest>) -> Vec<Package> {
    let mut merged: Vec<LockEntry> = Vec::new();
    let mut index: BTreeMap<(String, String), usize> = BTreeMap::new();
    for e in entries {
        let key = (normalize(&e.name), e.version.clone());
        match index.get(&key).and_then(|i| merged.get_mut(*i)) {
            Some(m) => {
                m.deps.extend(e.deps);
                m.dev = match (m.dev, e.dev) {
                    (Some(a), Some(b)) => Some(a && b),
                    (a, b) => a.or(b),
                };
                m.root |= e.root;
            }
            None => {
                index.insert(key, merged.len());
                merged.push(e);
            }
        }
    }
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in merged.iter().enumerate() {
        by_name.entry(normalize(&e.name)).or_default().push(i);
    }
    let mut edges: Vec<Vec<usize>> = Vec::with_capacity(merged.len());
    for (i, e) in merged.iter().enumerate() {
        let mut out = Vec::new();
        for (name, version) in &e.deps {
            for j in by_name.get(name).into_iter().flatten().copied() {
                let version_ok =
                    version.as_ref().is_none_or(|v| merged.get(j).is_some_and(|t| &t.version == v));
                if j != i && version_ok {
                    out.push(j);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        edges.push(out);
    }
    let indices_of = |names: &mut dyn Iterator<Item = &String>| -> Vec<usize> {
        names.flat_map(|n| by_name.get(n).into_iter().flatten().copied()).collect()
    };
    let (direct, dev_only) = match manifest {
        Some(m) => {
            let direct = m.direct();
            let prod = reachable(indices_of(&mut m.main.iter().chain(m.optional.values().flatten())), &edges);
            let dev = reachable(indices_of(&mut m.groups.values().flatten()), &edges);
            let dev_only: Vec<bool> = prod.iter().zip(&dev).map(|(p, d)| !*p && *d).collect();
            (Some(direct), dev_only)
        }
        None => (None, vec![false; merged.len()]),
    };
    let mut packages: Vec<Package> = merged
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let relationship = if e.root {
                Relationship::Root
            } else {
                match &direct {
                    Some(d) if d.contains(&normalize(&e.name)) => Relationship::Direct,
                    Some(_) => Relationship::Indirect,
                    None => Relationship::Unknown,
                }
            };
            let dev = !e.root && e.dev.unwrap_or_else(|| dev_only.get(i).copied().unwrap_or(false));
            Package::builder(Ecosystem::PyPI, e.name.clone(), e.version.clone())
                .relationship(relationship)
                .dev(dev)
                .location(e.location.clone())
                .build()
        })
        .collect();
    let ids: Vec<String> = packages.iter().map(|p| p.id.clone()).collect();
    for (p, targets) in packages.iter_mut().zip(&edges) {
        p.depends_on = targets.iter().filter_map(|j| ids.get(*j).cloned()).collect();
        p.depends_on.sort();
        p.depends_on.dedup();
    }
    packages
}

/// The entries of a lockfile's `[[package]]` array (none when it has no `package`), each with
/// the lines of its block; when the text scan does not match the parsed array, each gets the
/// file's location instead.
pub(crate) fn package_entries<'a>(
    doc: &'a toml::Table,
    text: &str,
    path: &str,
) -> Result<Vec<(&'a toml::Value, Location)>, AnalyzeError> {
    let packages = match doc.get("package") {
        None => return Ok(Vec::new()),
        Some(toml::Value::Array(a)) => a,
        Some(_) => return Err(AnalyzeError::parse(None, "`package` is not an array of tables")),
    };
    let blocks = table_array_blocks(text, "package");
    let locations = if blocks.len() == packages.len() {
        blocks.into_iter().map(|(s, e)| Location::lines(path, s, e)).collect()
    } else {
        vec![Location::file(path); packages.len()]
    };
    Ok(packages.iter().zip(locations).collect())
}

/// Marks which nodes are reachable from `roots` along `edges` (indices into the same list).
pub(crate) fn reachable(roots: impl IntoIterator<Item = usize>, edges: &[Vec<usize>]) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut stack: Vec<usize> = roots.into_iter().collect();
    while let Some(i) = stack.pop() {
        match seen.get_mut(i) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        if let Some(next) = edges.get(i) {
            stack.extend(next.iter().copied());
        }
    }
    seen
}

#[cfg(test)]
pub(crate) mod test_util {
    use crate::testing::{MemFiles, never_panics_with, run};
    use crate::{Analysis, Analyzer};

    /// Arbitrary bytes, and every truncation / random mutation of `fixture`, never panic.
    pub fn never_panics(analyzer: &dyn Analyzer, path: &'static str, fixture: &[u8], files: &MemFiles) {
        never_panics_with(fixture, |bytes| {
            let _ = run(analyzer, path, bytes, files);
        });
    }

    /// `(name, version, relationship, dev)` of every package, sorted.
    pub fn summary(a: &Analysis) -> Vec<(String, String, rampart_model::Relationship, bool)> {
        let mut v: Vec<_> =
            a.packages.iter().map(|p| (p.name.clone(), p.version.clone(), p.relationship, p.dev)).collect();
        v.sort();
        v
    }

    /// The package with this name (panics in tests only).
    pub fn pkg<'a>(a: &'a Analysis, name: &str) -> &'a rampart_model::Package {
        a.packages.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no package {name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_per_pep_503() {
        assert_eq!(normalize("Zope.Interface"), "zope-interface");
        assert_eq!(normalize("foo__bar-.baz"), "foo-bar-baz");
        assert_eq!(normalize("Django"), "django");
    }

    #[test]
    fn requirements_parse_per_pep_508() {
        let r = parse_requirement(r#"requests[socks, security] (==2.19.1) ; python_version >= "3""#).unwrap();
        assert_eq!(r.name, "requests");
        assert_eq!(r.extras, ["socks", "security"]);
        assert_eq!(r.pinned(), Some("2.19.1"));
        assert_eq!(r.marker.as_deref(), Some(r#"python_version >= "3""#));
        assert_eq!(parse_requirement("a>=1,<2").unwrap().pinned(), None);
        assert_eq!(parse_requirement("a==1.*").unwrap().pinned(), None);
        assert_eq!(parse_requirement("a===weird").unwrap().pinned(), Some("weird"));
        assert_eq!(
            parse_requirement("pkg @ https://x/y.whl").unwrap().url.as_deref(),
            Some("https://x/y.whl")
        );
        assert!(parse_requirement("-bad").is_err());
        assert!(parse_requirement("a=1").is_err());
        assert!(parse_requirement("a[x==1").is_err());
        assert_eq!(parse_requirement("setuptools").unwrap().specifiers, []);
    }

    #[test]
    fn blocks_follow_headers_and_subtables() {
        let text = "[[package]]\nname = \"a\"\n\n[package.dependencies]\nb = \"*\"\n\n[[package]]\nname = \"b\"\n\n[metadata]\nx = 1\n";
        assert_eq!(table_array_blocks(text, "package"), [(1, 5), (7, 8)]);
    }

    #[test]
    fn paths_join_inside_the_root_only() {
        assert_eq!(join_path("a/b", "../c.txt").as_deref(), Some("a/c.txt"));
        assert_eq!(join_path("", "./x/y.txt").as_deref(), Some("x/y.txt"));
        assert_eq!(join_path("a", "../../x"), None);
    }

    #[test]
    fn pyproject_declarations_are_read() {
        let doc = parse_toml(include_str!("../../fixtures/python/poetry-v2/pyproject.toml")).unwrap();
        let m = manifest_of(&doc);
        assert_eq!(m.main.len(), 12);
        assert!(m.main.contains("django") && !m.main.contains("python"));
        assert_eq!(
            m.groups.get("dev").map(|g| g.iter().cloned().collect::<Vec<_>>()),
            Some(vec!["pytest".into()])
        );
        let doc = parse_toml(include_str!("../../fixtures/python/pdm/pyproject.toml")).unwrap();
        let m = manifest_of(&doc);
        assert_eq!(m.main.iter().cloned().collect::<Vec<_>>(), ["jinja2", "zope-interface"]);
        assert_eq!(m.optional.get("yaml").map(|s| s.len()), Some(1));
        assert!(m.groups.get("dev").is_some_and(|g| g.contains("six")));
    }
}
