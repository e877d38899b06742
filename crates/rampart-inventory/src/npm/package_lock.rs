//! `package-lock.json` / `npm-shrinkwrap.json`, lockfileVersion 1, 2 and 3.

use std::collections::HashMap;

use rampart_model::{Ecosystem, Location};

use super::{Entries, Entry, Manifest, json_license, sibling_manifest};
use crate::json::{self, Node};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

/// Reads npm's `package-lock.json` and `npm-shrinkwrap.json`.
///
/// * v2/v3: the `packages` map, keyed by install path (`node_modules/a/node_modules/b`). The
///   root `""` entry is the project (reported as the root package when it has a name and a
///   version, like Trivy and like the yarn analyzer); its `dependencies`, `devDependencies`,
///   `optionalDependencies` and `peerDependencies` make the direct packages, and so do the
///   workspaces (`link: true` entries, reported as their target entry) and what they declare.
///   `dev`/`devOptional` make dev packages; `license` gives the licence. Entries without a
///   `version` are skipped.
/// * v1: the nested `dependencies` tree, edges from `requires`, dev from `dev`. v1 does not list
///   the project's own dependencies: direct packages come from the `package.json` beside the
///   lockfile when there is one (else the relationship is unknown). v1 has no licences.
///
/// Edges are found the way node resolves a name: the nearest enclosing `node_modules`. Each
/// package is located at the lines of its object (several when it is installed at several paths).
pub struct PackageLock;

impl Analyzer for PackageLock {
    fn name(&self) -> &'static str {
        "npm-package-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        matches!(file.file_name, "package-lock.json" | "npm-shrinkwrap.json")
            && !super::in_node_modules(file.path)
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let root = json::parse(text)?;
        if !root.is_object() {
            return Err(AnalyzeError::parse(Some(1), "a package lock must be a JSON object"));
        }
        let lock = Lock { path: input.file.path, analysis: Analysis::default(), installed: HashMap::new() };
        match root.get("packages") {
            Some(packages) if packages.is_object() => lock.v2(packages),
            Some(packages) => Err(AnalyzeError::parse(Some(packages.start), "`packages` must be an object")),
            None => {
                let manifest = sibling_manifest(input);
                match root.get("dependencies") {
                    Some(deps) if deps.is_object() => lock.v1(&root, deps, manifest.as_ref()),
                    Some(deps) => {
                        Err(AnalyzeError::parse(Some(deps.start), "`dependencies` must be an object"))
                    }
                    // An empty v1 lockfile (a project without dependencies).
                    None if root.get("lockfileVersion").is_some() => Ok(Analysis::default()),
                    None => Err(AnalyzeError::parse(
                        Some(1),
                        "neither `packages` nor `dependencies`: not a package lock",
                    )),
                }
            }
        }
    }
}

/// One installed package: where it lives and what it declares.
struct Installed<'a> {
    /// The install path of the package's real directory (a link's target).
    real: String,
    node: &'a Node,
    id: String,
    /// Names it depends on.
    deps: Vec<String>,
}

struct Lock<'a> {
    path: &'a str,
    analysis: Analysis,
    /// Install path (`node_modules/a/node_modules/b`) to the package found there.
    installed: HashMap<String, Installed<'a>>,
}

/// The package name implied by an install path: what follows the last `node_modules/`.
fn name_from_path(key: &str) -> &str {
    key.rsplit_once("node_modules/").map(|(_, n)| n).unwrap_or(key)
}

fn dep_names(node: &Node, fields: &[&str]) -> Vec<String> {
    fields
        .iter()
        .filter_map(|f| node.get(f))
        .flat_map(|deps| deps.members().unwrap_or_default().iter().map(|m| m.key.clone()))
        .collect()
}

impl<'a> Lock<'a> {
    /// Finds the install path node would load `name` from, for a package whose real directory
    /// is `from`: `from/node_modules/name`, then each enclosing directory's.
    fn resolve(&self, from: &str, name: &str) -> Option<&Installed<'a>> {
        let mut dir = from;
        loop {
            if !dir.ends_with("node_modules") {
                let candidate = if dir.is_empty() {
                    format!("node_modules/{name}")
                } else {
                    format!("{dir}/node_modules/{name}")
                };
                if let Some(found) = self.installed.get(&candidate) {
                    return Some(found);
                }
            }
            if dir.is_empty() {
                return None;
            }
            dir = dir.rsplit_once('/').map(|(parent, _)| parent).unwrap_or("");
        }
    }

    fn location(&self, node: &Node) -> Location {
        Location::lines(self.path, node.start, node.end)
    }

    fn warn(&mut self, node: &Node, message: String) {
        self.analysis.warn(self.path, Some(node.start), message);
    }

    fn v2(mut self, packages: &'a Node) -> Result<Analysis, AnalyzeError> {
        let members = packages.members().unwrap_or_default();
        let by_key: HashMap<&str, &Node> = members.iter().map(|m| (m.key.as_str(), &m.value)).collect();
        let mut entries = Entries::default();
        let mut workspaces: Vec<String> = Vec::new();
        for json::Member { key, value: node, .. } in members {
            if key.is_empty() {
                continue;
            }
            if !node.is_object() {
                self.warn(node, format!("package `{key}` is not an object: skipped"));
                continue;
            }
            if !key.contains("node_modules/") {
                // A workspace's own directory: reported through the link that points to it.
                continue;
            }
            let (real, target) = if node.flag("link") {
                let Some(resolved) = node.str_field("resolved") else {
                    self.warn(node, format!("link `{key}` has no `resolved` target: skipped"));
                    continue;
                };
                let Some(target) = by_key.get(resolved).copied().filter(|t| t.is_object()) else {
                    // A link to a directory outside the lockfile's tree: nothing to report.
                    continue;
                };
                if !resolved.contains("node_modules/") {
                    workspaces.push(resolved.to_string());
                }
                (resolved.to_string(), target)
            } else {
                (key.clone(), node)
            };
            let Some(version) = target.str_field("version").filter(|v| !v.is_empty()) else {
                continue;
            };
            let name =
                target.str_field("name").filter(|n| !n.is_empty()).unwrap_or_else(|| name_from_path(key));
            let mut entry = Entry::new(name, version);
            entry.dev = target.flag("dev") || target.flag("devOptional");
            entry.licenses.extend(json_license(target.get("license")));
            entry.locations.push(self.location(target));
            let id = entries.add(entry);
            let deps = dep_names(target, &["dependencies", "optionalDependencies", "peerDependencies"]);
            self.installed.insert(key.clone(), Installed { real, node: target, id, deps });
        }
        // Direct: what the root declares, and the workspaces and what each declares.
        let mut direct_from: Vec<(String, Vec<String>)> = Vec::new();
        if let Some(root) = by_key.get("").copied() {
            direct_from
                .push((String::new(), Manifest::from_json(root).all().map(|(n, _)| n.clone()).collect()));
        }
        for ws in &workspaces {
            if let Some(node) = by_key.get(ws.as_str()) {
                direct_from
                    .push((ws.clone(), Manifest::from_json(node).all().map(|(n, _)| n.clone()).collect()));
            }
        }
        let mut direct_ids: Vec<String> = Vec::new();
        for (from, names) in &direct_from {
            for name in names {
                if let Some(found) = self.resolve(from, name) {
                    direct_ids.push(found.id.clone());
                }
            }
        }
        for found in self.installed.values() {
            if workspaces.contains(&found.real) {
                direct_ids.push(found.id.clone());
            }
        }
        // The project itself, when the lock names it with a version (as Trivy reports it).
        if let Some(root) = by_key.get("").copied() {
            let root_deps: Vec<String> = direct_from
                .first()
                .filter(|(from, _)| from.is_empty())
                .map(|(_, names)| {
                    names.iter().filter_map(|n| self.resolve("", n)).map(|f| f.id.clone()).collect()
                })
                .unwrap_or_default();
            self.add_root(&mut entries, root, root_deps);
        }
        self.finish(entries, Some(direct_ids))
    }

    /// Adds the project (the lock's root entry, or the v1 lock's top level) as the root package,
    /// depending on its direct packages, when it has a name and a version.
    fn add_root(&self, entries: &mut Entries, node: &Node, direct: Vec<String>) {
        let (Some(name), Some(version)) = (node.str_field("name"), node.str_field("version")) else { return };
        if name.trim().is_empty() || version.trim().is_empty() {
            return;
        }
        let mut entry = Entry::new(name.trim(), version.trim());
        entry.root = true;
        entry.licenses.extend(json_license(node.get("license")));
        entry.depends_on.extend(direct);
        entry.locations.push(self.location(node));
        entries.add(entry);
    }

    fn v1(
        mut self,
        top: &'a Node,
        deps: &'a Node,
        manifest: Option<&Manifest>,
    ) -> Result<Analysis, AnalyzeError> {
        let mut entries = Entries::default();
        // Depth-first over the nested trees, with each entry's install path.
        let mut stack: Vec<(String, &'a Node)> = vec![(String::new(), deps)];
        while let Some((parent, deps)) = stack.pop() {
            for json::Member { key: name, value: node, .. } in deps.members().unwrap_or_default() {
                let key = if parent.is_empty() {
                    format!("node_modules/{name}")
                } else {
                    format!("{parent}/node_modules/{name}")
                };
                if !node.is_object() {
                    self.warn(node, format!("dependency `{name}` is not an object: skipped"));
                    continue;
                }
                if let Some(nested) = node.get("dependencies") {
                    if nested.is_object() {
                        stack.push((key.clone(), nested));
                    } else {
                        self.warn(nested, format!("`dependencies` of `{name}` is not an object: ignored"));
                    }
                }
                let Some(version) = node.str_field("version").filter(|v| !v.is_empty()) else {
                    continue;
                };
                let mut entry = Entry::new(name, version);
                entry.dev = node.flag("dev");
                entry.locations.push(self.location(node));
                let id = entries.add(entry);
                let deps = dep_names(node, &["requires"]);
                self.installed.insert(key.clone(), Installed { real: key, node, id, deps });
            }
        }
        let direct_ids: Option<Vec<String>> = manifest.map(|m| {
            m.all().filter_map(|(name, _)| self.resolve("", name)).map(|found| found.id.clone()).collect()
        });
        self.add_root(&mut entries, top, direct_ids.clone().unwrap_or_default());
        self.finish(entries, direct_ids)
    }

    /// Adds the edges and the direct flags, and builds the result.
    fn finish(
        mut self,
        mut entries: Entries,
        direct_ids: Option<Vec<String>>,
    ) -> Result<Analysis, AnalyzeError> {
        let mut unresolved: Vec<(&Node, String)> = Vec::new();
        for found in self.installed.values() {
            let mut edges = Vec::new();
            for dep in &found.deps {
                match self.resolve(&found.real, dep) {
                    Some(target) => edges.push(target.id.clone()),
                    // Optional and peer dependencies are often absent: only a missing
                    // `dependencies`/`requires` entry is worth a word, and npm itself tolerates it.
                    None => {
                        let required = ["dependencies", "requires"]
                            .iter()
                            .any(|f| found.node.get(f).and_then(|d| d.get(dep)).is_some())
                            && found.node.get("optionalDependencies").and_then(|d| d.get(dep)).is_none();
                        if required && !found.node.flag("optional") {
                            unresolved.push((
                                found.node,
                                format!("`{}` needs `{dep}`, which is not in the lockfile", found.id),
                            ));
                        }
                    }
                }
            }
            if let Some(e) = entries.get_mut(&found.id) {
                e.depends_on.extend(edges);
            }
        }
        unresolved.sort_by_key(|(n, _)| n.offset);
        for (node, message) in unresolved {
            self.analysis.warn(self.path, Some(node.start), message);
        }
        let known = direct_ids.is_some();
        for id in direct_ids.unwrap_or_default() {
            if let Some(e) = entries.get_mut(&id) {
                e.direct = true;
            }
        }
        self.analysis.packages = entries.into_packages(known);
        Ok(self.analysis)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rampart_model::{Package, Relationship};

    use super::*;
    use crate::NoFiles;
    use crate::testing::{MemFiles, run};

    const V3_WORKSPACES: &[u8] = include_bytes!("../../fixtures/npm/lock-v3-workspaces/package-lock.json");
    const V2: &[u8] = include_bytes!("../../fixtures/npm/lock-v2/package-lock.json");
    const V1: &[u8] = include_bytes!("../../fixtures/npm/lock-v1/package-lock.json");
    const V1_MANIFEST: &[u8] = include_bytes!("../../fixtures/npm/lock-v1/package.json");

    fn find<'a>(pkgs: &'a [Package], id: &str) -> &'a Package {
        pkgs.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("{id} missing"))
    }

    fn lines(p: &Package) -> Vec<(u32, u32)> {
        p.locations.iter().map(|l| (l.start_line.unwrap(), l.end_line.unwrap())).collect()
    }

    #[test]
    fn v3_with_workspaces_links_nesting_and_flags() {
        let a = run(&PackageLock, "app/package-lock.json", V3_WORKSPACES, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let ids: Vec<_> = a.packages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "@fixture/lib@0.2.0",
                "@tootallnate/once@2.0.0",
                "debug@4.3.4",
                "ms@2.0.0",
                "ms@2.1.2",
                "ms@2.1.3",
                "once@1.4.0",
                "wrappy@1.0.2",
                "ws-root@1.0.0"
            ]
        );
        let root = find(&a.packages, "ws-root@1.0.0");
        assert_eq!(root.relationship, Relationship::Root);
        assert!(root.depends_on.iter().any(|d| d == "debug@4.3.4"), "{:?}", root.depends_on);
        let lib = find(&a.packages, "@fixture/lib@0.2.0");
        assert_eq!(lib.relationship, Relationship::Direct);
        assert_eq!(lib.depends_on, ["ms@2.1.3", "once@1.4.0"]);
        assert_eq!(lib.licenses, ["ISC"]);
        assert_eq!(lines(lib), [(76, 84)]);
        assert_eq!(lib.locations[0].path, "app/package-lock.json");
        let debug = find(&a.packages, "debug@4.3.4");
        assert_eq!((debug.relationship, debug.dev), (Relationship::Direct, false));
        assert_eq!(debug.depends_on, ["ms@2.1.2"]);
        assert_eq!(lines(debug), [(36, 51)]);
        let ms = find(&a.packages, "ms@2.0.0");
        assert_eq!((ms.relationship, ms.dev), (Relationship::Direct, true));
        let nested = find(&a.packages, "ms@2.1.2");
        assert_eq!((nested.relationship, nested.dev), (Relationship::Indirect, false));
        assert_eq!(lines(nested), [(52, 56)]);
        assert_eq!(find(&a.packages, "ms@2.1.3").relationship, Relationship::Direct);
        assert_eq!(find(&a.packages, "once@1.4.0").relationship, Relationship::Direct);
        assert_eq!(find(&a.packages, "once@1.4.0").depends_on, ["wrappy@1.0.2"]);
        let wrappy = find(&a.packages, "wrappy@1.0.2");
        assert_eq!(
            (wrappy.relationship, wrappy.licenses.as_slice()),
            (Relationship::Indirect, ["ISC".to_string()].as_slice())
        );
        assert_eq!(find(&a.packages, "@tootallnate/once@2.0.0").relationship, Relationship::Direct);
        assert_eq!(find(&a.packages, "@tootallnate/once@2.0.0").purl, "pkg:npm/%40tootallnate/once@2.0.0");
    }

    #[test]
    fn v2_uses_packages_and_dev_flags() {
        let a = run(&PackageLock, "package-lock.json", V2, &NoFiles).unwrap();
        assert!(a.warnings.is_empty());
        let got: Vec<_> = a.packages.iter().map(|p| (p.id.as_str(), p.relationship, p.dev)).collect();
        assert_eq!(
            got,
            [
                ("@tootallnate/once@2.0.0", Relationship::Direct, false),
                ("debug@4.3.4", Relationship::Direct, false),
                ("fixture-app@1.0.0", Relationship::Root, false),
                ("minimist@1.2.8", Relationship::Direct, true),
                ("ms@2.0.0", Relationship::Direct, true),
                ("ms@2.1.2", Relationship::Indirect, false),
                ("once@1.4.0", Relationship::Direct, false),
                ("wrappy@1.0.2", Relationship::Indirect, false),
            ]
        );
        assert_eq!(lines(find(&a.packages, "minimist@1.2.8")), [(49, 57)]);
    }

    #[test]
    fn v1_tree_with_requires_and_manifest() {
        let files = MemFiles(vec![("package.json", V1_MANIFEST.to_vec())]);
        let a = run(&PackageLock, "npm-shrinkwrap.json", V1, &files).unwrap();
        assert!(a.warnings.is_empty());
        let got: Vec<_> = a.packages.iter().map(|p| (p.id.as_str(), p.relationship, p.dev)).collect();
        assert_eq!(
            got,
            [
                ("@tootallnate/once@2.0.0", Relationship::Direct, false),
                ("debug@4.3.4", Relationship::Direct, false),
                ("fixture-app@1.0.0", Relationship::Root, false),
                ("minimist@1.2.8", Relationship::Direct, true),
                ("ms@2.0.0", Relationship::Direct, true),
                ("ms@2.1.2", Relationship::Indirect, false),
                ("once@1.4.0", Relationship::Direct, false),
                ("wrappy@1.0.2", Relationship::Indirect, false),
            ]
        );
        let debug = find(&a.packages, "debug@4.3.4");
        assert_eq!(debug.depends_on, ["ms@2.1.2"]);
        assert_eq!(lines(debug), [(12, 26)]);
        assert_eq!(lines(find(&a.packages, "ms@2.1.2")), [(20, 24)]);
        assert_eq!(find(&a.packages, "once@1.4.0").depends_on, ["wrappy@1.0.2"]);
        // Without the package.json the relationship is unknown.
        let a = run(&PackageLock, "npm-shrinkwrap.json", V1, &NoFiles).unwrap();
        assert!(
            a.packages.iter().all(|p| matches!(p.relationship, Relationship::Unknown | Relationship::Root))
        );
    }

    #[test]
    fn duplicates_merge_and_broken_entries_warn() {
        let text = br#"{"lockfileVersion": 3, "packages": {
  "": {"dependencies": {"a": "1"}},
  "node_modules/a": {"version": "1.0.0", "dependencies": {"b": "1", "gone": "1"}},
  "node_modules/a/node_modules/b": {"version": "1.0.0", "dev": true},
  "node_modules/b": {"version": "1.0.0"},
  "node_modules/c": 7,
  "node_modules/d": {"resolved": "x"}
}}"#;
        let a = run(&PackageLock, "package-lock.json", text, &NoFiles).unwrap();
        let b = find(&a.packages, "b@1.0.0");
        assert_eq!(lines(b), [(4, 4), (5, 5)]);
        assert!(!b.dev);
        assert_eq!(find(&a.packages, "a@1.0.0").depends_on, ["b@1.0.0"]);
        assert_eq!(a.packages.len(), 2);
        let lines: Vec<_> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(6), Some(3)]);
    }

    #[test]
    fn lockfiles_inside_installed_packages_are_not_read() {
        let accepts = |p: &str| PackageLock.accepts(&FileInfo::new(p, 1, false));
        assert!(accepts("app/package-lock.json") && accepts("npm-shrinkwrap.json"));
        assert!(!accepts("node_modules/x/package-lock.json"));
        assert!(!accepts("node_modules/.package-lock.json"));
    }

    #[test]
    fn broken_files_are_errors() {
        for bad in
            [&b"{\"packages\": ["[..], b"[]", b"{\"packages\": 1}", b"{}", b"{\"dependencies\": \"x\"}"]
        {
            assert!(run(&PackageLock, "package-lock.json", bad, &NoFiles).is_err());
        }
        assert!(
            run(&PackageLock, "package-lock.json", br#"{"lockfileVersion": 1}"#, &NoFiles)
                .unwrap()
                .packages
                .is_empty()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), cut in 0usize..4096, at in 0usize..4096, byte in any::<u8>()) {
            let _ = run(&PackageLock, "package-lock.json", &bytes, &NoFiles);
            for fixture in [V3_WORKSPACES, V1] {
                let cut = cut % (fixture.len() + 1);
                let _ = run(&PackageLock, "package-lock.json", &fixture[..cut], &NoFiles);
                let mut mutated = fixture.to_vec();
                let at = at % mutated.len();
                mutated[at] = byte;
                let _ = run(&PackageLock, "package-lock.json", &mutated, &NoFiles);
            }
        }
    }
}
