//! `Cargo.lock` (lockfile versions 1 to 4).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rampart_model::{Ecosystem, Location, Package, Relationship};
use toml::{Spanned, Table, Value};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, line_of, utf8};

/// Reads `Cargo.lock` files: every `[[package]]` entry (lockfile formats v1 with the
/// `[metadata]` checksum table, v2, v3 and v4 are the same here), its `dependencies` (written as
/// `name`, `name version` or `name version (source)`) resolved to package ids, with the lines of
/// each `[[package]]` table.
///
/// Packages without a `source` are the crates of the local project (workspace members and path
/// dependencies): they are reported with [`Relationship::Root`]. Packages that a root depends on
/// are [`Relationship::Direct`], the others [`Relationship::Indirect`].
///
/// The lockfile does not say which dependencies are dev-dependencies. When the `Cargo.toml` beside
/// it (and, for a workspace, the manifests of its members listed without globs) can be read, the
/// packages reachable from the roots only through `[dev-dependencies]` are marked `dev`; when no
/// manifest can be read, nothing is marked dev. The lockfile does not give licenses.
pub struct CargoLock;

impl Analyzer for CargoLock {
    fn name(&self) -> &'static str {
        "cargo-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Cargo
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "Cargo.lock"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let lock: Table = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        let mut analysis = Analysis::default();
        let path = input.file.path;

        let entries = parse_entries(text, &lock, path, &mut analysis)?;

        // Merge entries with the same name@version (the same crate from two sources).
        let mut order: Vec<String> = Vec::new();
        let mut by_id: HashMap<String, Entry> = HashMap::new();
        for entry in entries {
            let id = format!("{}@{}", entry.name, entry.version);
            match by_id.get_mut(&id) {
                Some(existing) => {
                    existing.lines.extend(entry.lines);
                    existing.deps.extend(entry.deps);
                    existing.sources.extend(entry.sources);
                }
                None => {
                    order.push(id.clone());
                    by_id.insert(id, entry);
                }
            }
        }

        // Resolve dependency strings to ids.
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
        for id in &order {
            if let Some(e) = by_id.get(id) {
                by_name.entry(e.name.as_str()).or_default().push(id.as_str());
            }
        }
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for id in &order {
            let Some(entry) = by_id.get(id) else { continue };
            let mut resolved = BTreeSet::new();
            for (dep, line) in &entry.deps {
                match resolve(dep, &by_name, &by_id) {
                    Some(target) => {
                        resolved.insert(target);
                    }
                    None => analysis.warn(
                        path,
                        Some(*line),
                        format!("dependency {dep:?} of {id} matches no package of the lockfile"),
                    ),
                }
            }
            edges.insert(id.clone(), resolved);
        }

        let roots: BTreeSet<&str> = order
            .iter()
            .filter(|id| by_id.get(*id).is_some_and(|e| e.is_local()))
            .map(String::as_str)
            .collect();
        let direct: BTreeSet<&str> = roots
            .iter()
            .filter_map(|r| edges.get(*r))
            .flatten()
            .map(String::as_str)
            .filter(|d| !roots.contains(d))
            .collect();
        let dev = dev_only(input, &by_id, &roots, &edges);

        for id in &order {
            let Some(entry) = by_id.get(id) else { continue };
            let relationship = if roots.contains(id.as_str()) {
                Relationship::Root
            } else if direct.contains(id.as_str()) {
                Relationship::Direct
            } else {
                Relationship::Indirect
            };
            let mut builder = Package::builder(Ecosystem::Cargo, &entry.name, &entry.version)
                .relationship(relationship)
                .dev(dev.contains(id.as_str()))
                .depends_on(edges.get(id).into_iter().flatten().cloned());
            for (start, end) in &entry.lines {
                builder = builder.location(Location::lines(path, *start, *end));
            }
            analysis.packages.push(builder.build());
        }
        Ok(analysis)
    }
}

/// One `[[package]]` table.
struct Entry {
    name: String,
    version: String,
    /// `source` values; empty for a local crate.
    sources: Vec<String>,
    /// Dependency strings with their line.
    deps: Vec<(String, u32)>,
    lines: Vec<(u32, u32)>,
}

impl Entry {
    fn is_local(&self) -> bool {
        self.sources.is_empty()
    }
}

fn toml_error(text: &str, e: &toml::de::Error) -> AnalyzeError {
    let line = e.span().map(|s| line_of(text, s.start));
    AnalyzeError::parse(line, format!("invalid TOML: {}", e.message()))
}

fn parse_entries(
    text: &str,
    lock: &Table,
    path: &str,
    analysis: &mut Analysis,
) -> Result<Vec<Entry>, AnalyzeError> {
    if let Some(version) = lock.get("version")
        && !matches!(version, Value::Integer(1..=4))
    {
        analysis.warn(path, None, format!("unknown lockfile version {version:?}; read as version 4"));
    }
    let Some(packages) = lock.get("package") else {
        // A lockfile of a crate without dependencies still lists the crate itself; an empty one is
        // only possible for an empty workspace.
        return Ok(Vec::new());
    };
    // Re-read the `package` array with spans to know the lines of each table.
    #[derive(serde::Deserialize)]
    struct Spans {
        #[serde(default)]
        package: Vec<Spanned<Table>>,
    }
    let spans: Spans = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    let Value::Array(packages) = packages else {
        return Err(AnalyzeError::parse(None, "`package` is not an array of tables"));
    };
    let mut out = Vec::new();
    for (i, value) in packages.iter().enumerate() {
        // The span is the `[[package]]` header; the table runs to the next header at column 0.
        let body = spans.package.get(i).map(|s| table_body(text, s.span().start));
        let start = body.as_ref().map(|b| line_of(text, b.start)).unwrap_or(1);
        let end = body.as_ref().map(|b| last_line(text, b)).unwrap_or(start).max(start);
        let Value::Table(table) = value else {
            analysis.warn(path, Some(start), "`package` entry is not a table; skipped");
            continue;
        };
        let field = |key: &str| table.get(key).and_then(Value::as_str).map(str::to_string);
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            analysis.warn(path, Some(start), "package without a string `name` and `version`; skipped");
            continue;
        };
        if name.is_empty() || version.is_empty() {
            analysis.warn(path, Some(start), "package with an empty `name` or `version`; skipped");
            continue;
        }
        let mut deps = Vec::new();
        match table.get("dependencies") {
            None => {}
            Some(Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(dep) => deps.push((dep.to_string(), start)),
                        None => {
                            analysis.warn(path, Some(start), format!("dependency of {name} is not a string"))
                        }
                    }
                }
            }
            Some(_) => analysis.warn(path, Some(start), format!("`dependencies` of {name} is not an array")),
        }
        // Give each dependency string its own line when it can be found inside the table.
        if let Some(range) = &body
            && let Some(body) = text.get(range.clone())
        {
            let mut from = 0;
            for (dep, line) in &mut deps {
                let needle = format!("\"{dep}\"");
                if let Some(pos) = body.get(from..).and_then(|b| b.find(&needle)) {
                    *line = line_of(text, range.start + from + pos);
                    from += pos + needle.len();
                }
            }
        }
        out.push(Entry {
            name,
            version,
            sources: field("source").into_iter().collect(),
            deps,
            lines: vec![(start, end)],
        });
    }
    Ok(out)
}

/// The byte range of the table whose header starts at `start`: up to the next line starting with
/// `[` (the next header), or the end of the file.
fn table_body(text: &str, start: usize) -> std::ops::Range<usize> {
    let start = start.min(text.len());
    let rest = text.get(start..).unwrap_or("");
    let first_line_end = rest.find('\n').map_or(rest.len(), |p| p + 1);
    let after = rest.get(first_line_end..).unwrap_or("");
    let mut offset = first_line_end;
    for line in after.split_inclusive('\n') {
        if line.starts_with('[') {
            break;
        }
        offset += line.len();
    }
    start..start + offset.min(rest.len())
}

/// The last line of `range` that is neither blank nor a comment.
fn last_line(text: &str, range: &std::ops::Range<usize>) -> u32 {
    let body = text.get(range.clone()).unwrap_or("");
    let mut end = 0;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            end = offset;
        }
        offset += line.len();
    }
    line_of(text, range.start + end)
}

/// Resolves `name`, `name version` or `name version (source)` to a package id.
fn resolve(dep: &str, by_name: &HashMap<&str, Vec<&str>>, by_id: &HashMap<String, Entry>) -> Option<String> {
    let mut parts = dep.splitn(3, ' ');
    let name = parts.next()?;
    let version = parts.next();
    let source = parts.next().map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    let candidates = by_name.get(name)?;
    let matching: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|id| {
            let Some(e) = by_id.get(*id) else { return false };
            version.is_none_or(|v| e.version == v)
                && source.is_none_or(|s| e.sources.iter().any(|es| es == s))
        })
        .collect();
    match matching.as_slice() {
        [one] => Some((*one).to_string()),
        _ => None,
    }
}

/// Ids of the packages reachable from the roots only through dev-dependencies, when the manifests
/// beside the lockfile say which dependencies are dev-only.
fn dev_only<'a>(
    input: &AnalyzerInput<'_>,
    by_id: &'a HashMap<String, Entry>,
    roots: &BTreeSet<&'a str>,
    edges: &'a BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<&'a str> {
    let manifests = read_manifests(input);
    if manifests.is_empty() {
        return BTreeSet::new();
    }
    // Walk from the roots, following from a root only the edges its manifest does not mark dev.
    let mut prod: BTreeSet<&str> = roots.clone();
    let mut stack: Vec<&str> = Vec::new();
    for root in roots {
        let Some(entry) = by_id.get(*root) else { continue };
        let dev_names = manifests.get(&entry.name);
        for dep in edges.get(*root).into_iter().flatten() {
            let dep_name = by_id.get(dep).map(|e| e.name.as_str()).unwrap_or("");
            let dev_only =
                dev_names.is_some_and(|m| m.dev.contains(dep_name) && !m.normal.contains(dep_name));
            if !dev_only && prod.insert(dep.as_str()) {
                stack.push(dep.as_str());
            }
        }
    }
    while let Some(id) = stack.pop() {
        for dep in edges.get(id).into_iter().flatten() {
            if prod.insert(dep.as_str()) {
                stack.push(dep.as_str());
            }
        }
    }
    by_id.keys().map(String::as_str).filter(|id| !prod.contains(id)).collect()
}

/// The normal/build and dev dependency names (real crate names) of one manifest.
#[derive(Default)]
struct ManifestDeps {
    normal: BTreeSet<String>,
    dev: BTreeSet<String>,
}

/// Reads `Cargo.toml` beside the lockfile and the manifests of the workspace members it lists
/// (entries without glob characters), keyed by package name.
fn read_manifests(input: &AnalyzerInput<'_>) -> HashMap<String, ManifestDeps> {
    let dir = input.file.dir();
    let join = |rel: &str| if dir.is_empty() { rel.to_string() } else { format!("{dir}/{rel}") };
    let mut out = HashMap::new();
    let Some(root) = read_toml(input, &join("Cargo.toml")) else { return out };
    add_manifest(&root, &mut out);
    let members = root
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>())
        .unwrap_or_default();
    for member in members {
        if member.contains(['*', '?', '[']) || member.split('/').any(|c| c == "..") {
            continue;
        }
        let member = member.trim_end_matches('/');
        if let Some(manifest) = read_toml(input, &join(&format!("{member}/Cargo.toml"))) {
            add_manifest(&manifest, &mut out);
        }
    }
    out
}

fn read_toml(input: &AnalyzerInput<'_>, path: &str) -> Option<Table> {
    let bytes = input.source.read(path).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    toml::from_str(text).ok()
}

fn add_manifest(manifest: &Table, out: &mut HashMap<String, ManifestDeps>) {
    let Some(name) = manifest.get("package").and_then(|p| p.get("name")).and_then(Value::as_str) else {
        return;
    };
    let mut deps = ManifestDeps::default();
    let mut tables: Vec<&Table> = vec![manifest];
    if let Some(Value::Table(targets)) = manifest.get("target") {
        tables.extend(targets.values().filter_map(Value::as_table));
    }
    for table in tables {
        for (key, dev) in [
            ("dependencies", false),
            ("build-dependencies", false),
            ("build_dependencies", false),
            ("dev-dependencies", true),
            ("dev_dependencies", true),
        ] {
            let Some(Value::Table(list)) = table.get(key) else { continue };
            for (alias, spec) in list {
                let real = spec.get("package").and_then(Value::as_str).unwrap_or(alias).to_string();
                if dev {
                    deps.dev.insert(real);
                } else {
                    deps.normal.insert(real);
                }
            }
        }
    }
    out.insert(name.to_string(), deps);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::{MemFiles, run};
    use proptest::prelude::*;

    const APP_V4: &str = include_str!("../../fixtures/rust/rust-app/Cargo.lock");
    const WS_V1: &str = include_str!("../../fixtures/rust/workspace-v1/Cargo.lock");
    const WS_V3: &str = include_str!("../../fixtures/rust/workspace-v3/Cargo.lock");
    const WS_V4: &str = include_str!("../../fixtures/rust/workspace-v4/Cargo.lock");
    const WS_TOML: &str = include_str!("../../fixtures/rust/workspace-v4/Cargo.toml");
    const APP_TOML: &str = include_str!("../../fixtures/rust/workspace-v4/app/Cargo.toml");
    const LIBA_TOML: &str = include_str!("../../fixtures/rust/workspace-v4/liba/Cargo.toml");

    fn find<'a>(a: &'a Analysis, id: &str) -> &'a Package {
        a.packages.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("{id} not found"))
    }

    #[test]
    fn rust_app_v4_lists_every_crate() {
        let a = run(&CargoLock, "Cargo.lock", APP_V4.as_bytes(), &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(a.packages.len(), 42);
        let root = find(&a, "vuln-rust-app@0.1.0");
        assert_eq!(root.relationship, Relationship::Root);
        assert_eq!(
            root.depends_on,
            ["chrono@0.4.19", "hyper@0.14.9", "regex@1.5.4", "smallvec@1.6.0", "time@0.1.43"]
        );
        let time = find(&a, "time@0.1.43");
        assert_eq!(time.relationship, Relationship::Direct);
        assert_eq!(time.depends_on, ["libc@0.2.191", "winapi@0.3.9"]);
        assert_eq!(find(&a, "libc@0.2.191").relationship, Relationship::Indirect);
        // Two versions of the same crate, referred to as `name version`.
        assert!(a.packages.iter().any(|p| p.id == "itoa@0.4.8"));
        assert!(a.packages.iter().any(|p| p.id == "itoa@1.0.19"));
        let hyper = find(&a, "hyper@0.14.9");
        assert!(hyper.depends_on.contains(&"itoa@0.4.8".to_string()), "{:?}", hyper.depends_on);
        assert!(hyper.depends_on.contains(&"socket2@0.4.10".to_string()), "{:?}", hyper.depends_on);
        assert!(a.packages.iter().all(|p| !p.dev));
        // Lines of the first and last tables.
        assert_eq!(find(&a, "aho-corasick@0.7.20").locations, [Location::lines("Cargo.lock", 5, 12)]);
        let last = a.packages.last().unwrap();
        let total = u32::try_from(APP_V4.lines().count()).unwrap();
        assert_eq!(last.locations[0].end_line, Some(total));
        assert_eq!(
            find(&a, "wasi@0.11.1+wasi-snapshot-preview1").purl,
            "pkg:cargo/wasi@0.11.1%2Bwasi-snapshot-preview1"
        );
    }

    fn check_workspace(a: &Analysis, dev_known: bool) {
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let ids: Vec<&str> = a.packages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            ["app@0.2.0", "itoa@0.4.8", "itoa@1.0.1", "liba@0.1.0", "memchr@2.4.1", "smallvec@1.6.0"]
        );
        let app = find(a, "app@0.2.0");
        assert_eq!(app.relationship, Relationship::Root);
        assert_eq!(app.depends_on, ["itoa@1.0.1", "liba@0.1.0", "smallvec@1.6.0"]);
        let liba = find(a, "liba@0.1.0");
        assert_eq!(liba.relationship, Relationship::Root);
        assert_eq!(liba.depends_on, ["itoa@0.4.8", "memchr@2.4.1"]);
        for id in ["itoa@0.4.8", "itoa@1.0.1", "memchr@2.4.1", "smallvec@1.6.0"] {
            assert_eq!(find(a, id).relationship, Relationship::Direct, "{id}");
        }
        assert_eq!(find(a, "smallvec@1.6.0").dev, dev_known);
        assert!(!find(a, "itoa@1.0.1").dev);
        assert!(!find(a, "memchr@2.4.1").dev);
    }

    #[test]
    fn workspace_v1_with_metadata_checksums() {
        let a = run(&CargoLock, "Cargo.lock", WS_V1.as_bytes(), &NoFiles).unwrap();
        check_workspace(&a, false);
        assert_eq!(find(&a, "app@0.2.0").locations, [Location::lines("Cargo.lock", 3, 10)]);
    }

    #[test]
    fn workspace_v3() {
        let a = run(&CargoLock, "Cargo.lock", WS_V3.as_bytes(), &NoFiles).unwrap();
        check_workspace(&a, false);
        assert_eq!(find(&a, "itoa@0.4.8").locations, [Location::lines("Cargo.lock", 14, 18)]);
    }

    #[test]
    fn workspace_v4_with_manifests_marks_dev_only_crates() {
        let files = MemFiles(vec![
            ("ws/Cargo.toml", WS_TOML.as_bytes().to_vec()),
            ("ws/app/Cargo.toml", APP_TOML.as_bytes().to_vec()),
            ("ws/liba/Cargo.toml", LIBA_TOML.as_bytes().to_vec()),
        ]);
        let a = run(&CargoLock, "ws/Cargo.lock", WS_V4.as_bytes(), &files).unwrap();
        check_workspace(&a, true);
        assert_eq!(find(&a, "memchr@2.4.1").locations, [Location::lines("ws/Cargo.lock", 34, 38)]);
        // Without the manifests nothing is known to be dev-only.
        let a = run(&CargoLock, "ws/Cargo.lock", WS_V4.as_bytes(), &NoFiles).unwrap();
        check_workspace(&a, false);
    }

    #[test]
    fn broken_files_are_errors_and_bad_entries_warnings() {
        let err = run(&CargoLock, "Cargo.lock", b"[[package]\nname = 1", &NoFiles).unwrap_err();
        assert_eq!(err.line(), Some(1));
        let text = "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\n \"missing\",\n]\n\n[[package]]\nname = \"b\"\n";
        let a = run(&CargoLock, "Cargo.lock", text.as_bytes(), &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 1);
        let lines: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(10), Some(7)]);
        assert!(run(&CargoLock, "Cargo.lock", b"package = 3", &NoFiles).is_err());
        assert!(run(&CargoLock, "Cargo.lock", b"\xff\xfe", &NoFiles).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = run(&CargoLock, "Cargo.lock", &bytes, &NoFiles);
        }

        #[test]
        fn never_panics_on_mutations(cut in 0..WS_V1.len(), pos in 0..WS_V1.len(), byte in any::<u8>()) {
            let mut bytes = WS_V1.as_bytes().to_vec();
            bytes[pos] = byte;
            let _ = run(&CargoLock, "Cargo.lock", &bytes, &NoFiles);
            let _ = run(&CargoLock, "Cargo.lock", &WS_V1.as_bytes()[..cut], &NoFiles);
        }
    }
}
