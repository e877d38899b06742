//! `yarn.lock`: yarn v1 (its own format) and yarn berry (v2+, YAML with `__metadata`).

use std::collections::HashMap;

use rampart_model::{Ecosystem, Location};

use super::yaml;
use super::{Entries, Entry, Manifest, sibling_manifest, split_name_range};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

/// Reads `yarn.lock`, both the yarn v1 format and yarn berry's YAML (recognised by
/// `__metadata`).
///
/// Each entry (one or more descriptors such as `"a@^1", a@~1.2:` in v1, `"a@npm:^1":` in berry)
/// is a package with its `version`, located at the lines of the entry; entries resolving to the
/// same name and version are merged. Edges come from `dependencies` and `optionalDependencies`,
/// matched to the entry listing the same descriptor. Berry entries resolved through the
/// `workspace:`, `link:` or `portal:` protocols are the project and its workspaces, not packages;
/// `patch:` entries are the package they patch.
///
/// yarn.lock says neither which packages the project depends on directly nor which are dev-only:
/// both come from the `package.json` beside the lockfile (dev = reachable only from its
/// `devDependencies`), as Trivy does. Without it, berry's root workspace entry gives the direct
/// packages (not dev), and v1 leaves the relationship unknown. yarn.lock records no licences.
pub struct YarnLock;

impl Analyzer for YarnLock {
    fn name(&self) -> &'static str {
        "yarn-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "yarn.lock" && !super::in_node_modules(file.path)
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let path = input.file.path;
        let is_berry = text.lines().any(|l| l.starts_with("__metadata:"));
        let mut lock = if is_berry { parse_berry(text, path)? } else { parse_v1(text, path)? };
        let manifest = sibling_manifest(input);
        let dir = input.file.dir();
        let manifest_path =
            if dir.is_empty() { "package.json".to_string() } else { format!("{dir}/package.json") };
        lock.finish(manifest.as_ref(), &manifest_path);
        Ok(Analysis {
            packages: lock.entries.into_packages(lock.relationships_known),
            warnings: lock.analysis.warnings,
            installed_files: Vec::new(),
        })
    }
}

/// `(name, range)` pairs.
type Deps = Vec<(String, String)>;

/// One lockfile entry before resolution.
struct Raw {
    line: u32,
    id: String,
    /// `(name, range)` it depends on.
    deps: Vec<(String, String)>,
}

#[derive(Default)]
struct Lock {
    analysis: Analysis,
    entries: Entries,
    raws: Vec<Raw>,
    /// Descriptor (`name@range`) to package id.
    descriptors: HashMap<String, String>,
    /// Package name to the ids with that name.
    by_name: HashMap<String, Vec<String>>,
    /// What the berry root workspace entry depends on.
    root_deps: Option<Vec<(String, String)>>,
    relationships_known: bool,
    path: String,
}

impl Lock {
    fn new(path: &str) -> Self {
        Lock { path: path.to_string(), ..Lock::default() }
    }

    fn add(&mut self, descriptors: &[String], entry: Entry, deps: Vec<(String, String)>, line: u32) {
        let name = entry.name.clone();
        let id = self.entries.add(entry);
        for d in descriptors {
            self.descriptors.insert(d.clone(), id.clone());
        }
        let ids = self.by_name.entry(name).or_default();
        if !ids.contains(&id) {
            ids.push(id.clone());
        }
        self.raws.push(Raw { line, id, deps });
    }

    /// The id a `name` + `range` dependency resolves to.
    fn resolve(&self, name: &str, range: &str) -> Option<String> {
        let exact = self
            .descriptors
            .get(&format!("{name}@{range}"))
            .or_else(|| self.descriptors.get(&format!("{name}@npm:{range}")));
        exact.cloned()
    }

    /// Like [`Lock::resolve`], falling back to the only package of that name.
    fn resolve_loose(&self, name: &str, range: &str) -> Option<String> {
        self.resolve(name, range).or_else(|| match self.by_name.get(name).map(Vec::as_slice) {
            Some([only]) => Some(only.clone()),
            _ => None,
        })
    }

    fn finish(&mut self, manifest: Option<&Manifest>, manifest_path: &str) {
        let mut warnings = Vec::new();
        let mut edges: Vec<(String, Vec<String>)> = Vec::new();
        for raw in &self.raws {
            let mut to = Vec::new();
            for (name, range) in &raw.deps {
                match self.resolve(name, range) {
                    Some(id) => to.push(id),
                    None if is_local(range) => {}
                    None => warnings.push((
                        raw.line,
                        format!("`{}` depends on `{name}@{range}`, which is not in the lockfile", raw.id),
                    )),
                }
            }
            edges.push((raw.id.clone(), to));
        }
        for (id, to) in edges {
            if let Some(e) = self.entries.get_mut(&id) {
                e.depends_on.extend(to);
            }
        }
        for (line, message) in warnings {
            self.analysis.warn(&self.path, Some(line), message);
        }
        let (prod, dev): (Deps, Deps) = match (manifest, &self.root_deps) {
            (Some(m), _) => (
                m.prod.iter().map(|(n, r)| (n.clone(), r.clone())).collect(),
                m.dev.iter().map(|(n, r)| (n.clone(), r.clone())).collect(),
            ),
            (None, Some(root)) => (root.clone(), Vec::new()),
            (None, None) => return,
        };
        self.relationships_known = true;
        let prod_ids: Vec<String> = prod.iter().filter_map(|(n, r)| self.resolve_loose(n, r)).collect();
        let dev_ids: Vec<String> = dev.iter().filter_map(|(n, r)| self.resolve_loose(n, r)).collect();
        for id in prod_ids.iter().chain(&dev_ids) {
            if let Some(e) = self.entries.get_mut(id) {
                e.direct = true;
            }
        }
        self.entries.derive_dev(&prod_ids, &dev_ids);
        // The project itself, as Trivy reports it, when its package.json names and versions it.
        if let Some((name, version)) = manifest.and_then(|m| m.name_version.as_ref()) {
            let mut root = Entry::new(name, version);
            if self.entries.get_mut(&root.id()).is_none() {
                root.root = true;
                root.depends_on.extend(prod_ids.iter().chain(&dev_ids).cloned());
                root.locations.push(Location::file(manifest_path));
                self.entries.add(root);
            }
        }
    }
}

/// Ranges that point at the project's own files rather than at a package.
fn is_local(range: &str) -> bool {
    ["workspace:", "link:", "portal:", "file:"].iter().any(|p| range.starts_with(p))
}

/// Removes the quotes of a yarn v1 token (JSON-style escapes).
fn unquote(token: &str) -> String {
    let token = token.trim();
    let Some(inner) = token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return token.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits `key value` (either may be quoted) of a yarn v1 field line.
fn split_field(line: &str) -> (String, String) {
    let line = line.trim();
    let key_end = if let Some(rest) = line.strip_prefix('"') {
        let mut escaped = false;
        let mut end = None;
        for (i, c) in rest.char_indices() {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => {
                    end = Some(i + 2);
                    break;
                }
                _ => escaped = false,
            }
        }
        end.unwrap_or(line.len())
    } else {
        line.find([' ', ':']).unwrap_or(line.len())
    };
    let (key, value) = line.split_at(key_end.min(line.len()));
    let value = value.trim_start_matches(':').trim();
    (unquote(key), unquote(value))
}

/// A descriptor's package name: `name@range`, or for aliases `alias@npm:real@range` the alias
/// name (what dependents ask for).
fn descriptor_name(descriptor: &str) -> Option<&str> {
    split_name_range(descriptor).map(|(n, _)| n)
}

fn parse_v1(text: &str, path: &str) -> Result<Lock, AnalyzeError> {
    struct Current {
        descriptors: Vec<String>,
        start: u32,
        end: u32,
        version: Option<String>,
        deps: Vec<(String, String)>,
        section: Option<String>,
    }
    let mut lock = Lock::new(path);
    let mut current: Option<Current> = None;
    let mut saw_content = false;
    let flush = |lock: &mut Lock, c: Current| {
        let Some(name) = c.descriptors.first().and_then(|d| descriptor_name(d)).map(str::to_string) else {
            lock.analysis.warn(path, Some(c.start), "entry without a package name: skipped");
            return;
        };
        let Some(version) = c.version.filter(|v| !v.is_empty()) else {
            lock.analysis.warn(path, Some(c.start), format!("`{name}` has no version: skipped"));
            return;
        };
        let mut entry = Entry::new(&name, &version);
        entry.locations.push(Location::lines(path, c.start, c.end));
        lock.add(&c.descriptors, entry, c.deps, c.start);
    };
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw_line.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        saw_content = true;
        let indent = line.len() - trimmed.len();
        if indent == 0 {
            if let Some(c) = current.take() {
                flush(&mut lock, c);
            }
            let Some(header) = trimmed.strip_suffix(':') else {
                return Err(AnalyzeError::parse(Some(line_no), "expected an entry header ending with `:`"));
            };
            let descriptors: Vec<String> =
                header.split(", ").map(unquote).filter(|d| !d.is_empty()).collect();
            current = Some(Current {
                descriptors,
                start: line_no,
                end: line_no,
                version: None,
                deps: Vec::new(),
                section: None,
            });
            continue;
        }
        let Some(c) = current.as_mut() else {
            return Err(AnalyzeError::parse(Some(line_no), "indented line outside of an entry"));
        };
        c.end = line_no;
        if indent <= 2 {
            let (key, value) = split_field(trimmed);
            if trimmed.ends_with(':') && value.is_empty() {
                c.section = Some(key);
            } else {
                c.section = None;
                if key == "version" {
                    c.version = Some(value);
                }
            }
        } else if let Some("dependencies" | "optionalDependencies") = c.section.as_deref() {
            let (name, range) = split_field(trimmed);
            if !name.is_empty() {
                c.deps.push((name, range));
            }
        }
    }
    if let Some(c) = current.take() {
        flush(&mut lock, c);
    }
    if saw_content && lock.raws.is_empty() && lock.analysis.warnings.is_empty() {
        return Err(AnalyzeError::parse(Some(1), "no entries: not a yarn.lock"));
    }
    Ok(lock)
}

fn parse_berry(text: &str, path: &str) -> Result<Lock, AnalyzeError> {
    let Some(doc) = yaml::load(text)? else {
        return Err(AnalyzeError::parse(None, "empty yarn.lock"));
    };
    if !yaml::is_mapping(&doc) {
        return Err(AnalyzeError::parse(Some(yaml::start_line(&doc)), "yarn.lock must be a mapping"));
    }
    let mut lock = Lock::new(path);
    for (key, node) in yaml::entries(&doc) {
        if key == "__metadata" {
            continue;
        }
        let start = yaml::get_key_line(Some(&doc), key).unwrap_or_else(|| yaml::start_line(node));
        let descriptors: Vec<String> =
            key.split(',').map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect();
        let Some(resolution) = yaml::get_str(node, "resolution") else {
            lock.analysis.warn(path, Some(start), format!("`{key}` has no resolution: skipped"));
            continue;
        };
        let Some((name, reference)) = split_name_range(resolution) else {
            lock.analysis.warn(
                path,
                Some(start),
                format!("cannot read the resolution `{resolution}`: skipped"),
            );
            continue;
        };
        let deps: Vec<(String, String)> = ["dependencies", "optionalDependencies"]
            .iter()
            .filter_map(|f| yaml::get(node, f))
            .flat_map(yaml::entries)
            .filter_map(|(n, r)| yaml::string(r).map(|r| (n.to_string(), r.to_string())))
            .collect();
        if is_local(reference) {
            if reference == "workspace:." {
                lock.root_deps = Some(deps);
            }
            continue;
        }
        let Some(version) = yaml::get_str(node, "version") else {
            lock.analysis.warn(path, Some(start), format!("`{key}` has no version: skipped"));
            continue;
        };
        let mut entry = Entry::new(name, version);
        entry.locations.push(Location::lines(path, start, yaml::end_line(node).max(start)));
        lock.add(&descriptors, entry, deps, start);
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rampart_model::{Package, Relationship};

    use super::*;
    use crate::NoFiles;
    use crate::testing::{MemFiles, run};

    const V1: &[u8] = include_bytes!("../../fixtures/npm/yarn-v1/yarn.lock");
    const V1_MANIFEST: &[u8] = include_bytes!("../../fixtures/npm/yarn-v1/package.json");
    const BERRY: &[u8] = include_bytes!("../../fixtures/npm/yarn-berry/yarn.lock");
    const BERRY_MANIFEST: &[u8] = include_bytes!("../../fixtures/npm/yarn-berry/package.json");

    use Relationship::{Direct, Indirect, Unknown};

    fn find<'a>(pkgs: &'a [Package], id: &str) -> &'a Package {
        pkgs.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("{id} missing"))
    }

    fn facts(p: &Package) -> (Relationship, bool, Vec<String>, u32, u32) {
        let l = &p.locations[0];
        (p.relationship, p.dev, p.depends_on.clone(), l.start_line.unwrap(), l.end_line.unwrap())
    }

    fn v(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn v1_with_manifest() {
        let files = MemFiles(vec![("web/package.json", V1_MANIFEST.to_vec())]);
        let a = run(&YarnLock, "web/yarn.lock", V1, &files).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(a.packages.len(), 78);
        let root = find(&a.packages, "vuln-node-app@1.0.0");
        assert_eq!(root.relationship, Relationship::Root);
        assert_eq!(root.depends_on, ["express@4.16.0", "lodash@4.17.15", "minimist@1.2.0", "mocha@5.2.0"]);
        assert_eq!(root.locations, [Location::file("web/package.json")]);
        assert_eq!(
            facts(find(&a.packages, "accepts@1.3.8")),
            (Indirect, false, v(&["mime-types@2.1.35", "negotiator@0.6.3"]), 5, 11)
        );
        assert_eq!(facts(find(&a.packages, "array-flatten@1.1.1")), (Indirect, false, v(&[]), 13, 16));
        assert_eq!(find(&a.packages, "accepts@1.3.8").locations[0].path, "web/yarn.lock");
        let express = find(&a.packages, "express@4.16.0");
        assert_eq!((express.relationship, express.dev), (Direct, false));
        let mocha = find(&a.packages, "mocha@5.2.0");
        assert_eq!((mocha.relationship, mocha.dev), (Direct, true));
        assert_eq!(find(&a.packages, "mkdirp@0.5.1").depends_on, ["minimist@0.0.8"]);
        let m = find(&a.packages, "minimist@0.0.8");
        assert_eq!((m.relationship, m.dev), (Indirect, true));
        let m = find(&a.packages, "minimist@1.2.0");
        assert_eq!((m.relationship, m.dev), (Direct, false));
        // Without package.json: no relationships, no dev.
        let a = run(&YarnLock, "web/yarn.lock", V1, &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 77);
        assert!(a.packages.iter().all(|p| p.relationship == Unknown && !p.dev));
    }

    #[test]
    fn v1_multiple_descriptors_quoting_and_scopes() {
        let text = b"# yarn lockfile v1\n\n\"@s/a@^1.0.0\", \"@s/a@~1.2.0\":\n  version \"1.2.3\"\n  dependencies:\n    \"@s/b\" \"^2\"\n    c \"1\"\n\n\"@s/b@^2\":\n  version \"2.0.0\"\n\nc@1:\n  version \"1.0.0\"\n  optionalDependencies:\n    d \"*\"\n";
        let a = run(&YarnLock, "yarn.lock", text, &NoFiles).unwrap();
        let ids: Vec<_> = a.packages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["@s/a@1.2.3", "@s/b@2.0.0", "c@1.0.0"]);
        assert_eq!(facts(&a.packages[0]), (Unknown, false, v(&["@s/b@2.0.0", "c@1.0.0"]), 3, 7));
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].line, Some(12));
    }

    #[test]
    fn berry_with_manifest() {
        let files = MemFiles(vec![("package.json", BERRY_MANIFEST.to_vec())]);
        let a = run(&YarnLock, "yarn.lock", BERRY, &files).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let root = find(&a.packages, "fixture-app@1.0.0");
        assert_eq!((root.relationship, root.depends_on.len()), (Relationship::Root, 5));
        let got: Vec<_> = a
            .packages
            .iter()
            .filter(|p| p.relationship != Relationship::Root)
            .map(|p| (p.id.as_str(), facts(p)))
            .collect();
        assert_eq!(
            got,
            [
                ("@tootallnate/once@2.0.0", (Direct, false, v(&[]), 8, 13)),
                ("debug@4.3.4", (Direct, false, v(&["ms@2.1.2"]), 15, 25)),
                ("minimist@1.2.8", (Direct, true, v(&[]), 39, 44)),
                ("ms@2.0.0", (Direct, true, v(&[]), 46, 51)),
                ("ms@2.1.2", (Indirect, false, v(&[]), 53, 58)),
                ("once@1.4.0", (Direct, false, v(&["wrappy@1.0.2"]), 60, 67)),
                ("wrappy@1.0.2", (Indirect, false, v(&[]), 69, 74)),
            ]
        );
        // Without package.json the root workspace entry still gives the direct packages.
        let a = run(&YarnLock, "yarn.lock", BERRY, &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 7);
        assert_eq!(find(&a.packages, "ms@2.0.0").relationship, Direct);
        assert_eq!(find(&a.packages, "ms@2.1.2").relationship, Indirect);
    }

    #[test]
    fn berry_patch_and_protocols() {
        let text = br#"__metadata:
  version: 8

"resolve@npm:^1.20.0":
  version: 1.22.8
  resolution: "resolve@npm:1.22.8"
  languageName: node
  linkType: hard

"resolve@patch:resolve@npm%3A^1.20.0#~builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#~builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  languageName: node
  linkType: hard

"lib@workspace:packages/lib":
  version: 0.0.0-use.local
  resolution: "lib@workspace:packages/lib"
  dependencies:
    resolve: "patch:resolve@npm%3A^1.20.0#~builtin<compat/resolve>"
  languageName: unknown
  linkType: soft
"#;
        let a = run(&YarnLock, "yarn.lock", text, &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.packages[0].id, "resolve@1.22.8");
        let lines: Vec<_> = a.packages[0].locations.iter().map(|l| (l.start_line, l.end_line)).collect();
        assert_eq!(lines, [(Some(4), Some(8)), (Some(10), Some(14))]);
    }

    #[test]
    fn broken_files() {
        for bad in [
            &b"a@1\n  version \"1\"\n"[..],
            b"  version \"1\"\n",
            b"__metadata:\n  version: [\n",
            b"- x\n__metadata:\n",
        ] {
            assert!(run(&YarnLock, "yarn.lock", bad, &NoFiles).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let a =
            run(&YarnLock, "yarn.lock", b"a@1:\n  resolved \"x\"\n\nb@1:\n  version \"1.0.0\"\n", &NoFiles)
                .unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.warnings[0].line, Some(1));
        assert!(
            run(&YarnLock, "yarn.lock", b"# yarn lockfile v1\n\n", &NoFiles).unwrap().packages.is_empty()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), cut in 0usize..8192, at in 0usize..8192, byte in any::<u8>()) {
            let _ = run(&YarnLock, "yarn.lock", &bytes, &NoFiles);
            for fixture in [BERRY, &V1[..4000]] {
                let cut = cut % (fixture.len() + 1);
                let _ = run(&YarnLock, "yarn.lock", &fixture[..cut], &NoFiles);
                let mut mutated = fixture.to_vec();
                let at = at % mutated.len();
                mutated[at] = byte;
                let _ = run(&YarnLock, "yarn.lock", &mutated, &NoFiles);
            }
        }
    }
}
