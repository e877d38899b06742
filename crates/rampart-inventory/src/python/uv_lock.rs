//! uv lockfiles (`uv.lock`).
//!
//! Reads every `[[package]]` (name, version) with the lines of its block; `dependencies`,
//! `[package.optional-dependencies]` and `[package.dev-dependencies]` give the edges (to the
//! exact version when uv names one, as it does when a name is locked at several versions).
//!
//! The project is the package whose `source` is `{ editable = "." }` or `{ virtual = "." }`: it is
//! reported with [`Relationship::Root`] when it has a version (as the peer does), and its own
//! dependency lists tell what is direct and what is dev-only: packages reachable only from its
//! `dev-dependencies` groups are dev-only; its optional dependencies (extras) are not dev.
//! Without such a root, relationships are unknown. Other workspace members without a version
//! (editable, virtual or directory sources) are not reported; other entries without a name or a
//! version are skipped with a warning. The lock does not record licences.
//!
//! [`Relationship::Root`]: rampart_model::Relationship::Root

use rampart_model::Ecosystem;

use super::{LockEntry, Manifest, build_packages, normalize, package_entries, parse_toml};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

pub(crate) struct UvLock;

type Dep = (String, Option<String>);

/// `[{ name = "x", version = "1" }, ...]` as `(normalised name, version)`.
fn deps_of(value: Option<&toml::Value>) -> Vec<Dep> {
    value
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_table())
        .filter_map(|d| {
            let name = d.get("name")?.as_str()?;
            Some((normalize(name), d.get("version").and_then(|v| v.as_str()).map(str::to_string)))
        })
        .collect()
}

/// `{ group = [deps], ... }` as `(group, deps)`.
fn grouped_deps(value: Option<&toml::Value>) -> Vec<(String, Vec<Dep>)> {
    value
        .and_then(|v| v.as_table())
        .into_iter()
        .flatten()
        .map(|(group, deps)| (group.clone(), deps_of(Some(deps))))
        .collect()
}

fn source_kind(table: &toml::Table) -> Option<(&str, &str)> {
    let source = table.get("source")?.as_table()?;
    source.iter().find_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
}

impl Analyzer for UvLock {
    fn name(&self) -> &'static str {
        "python-uv-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "uv.lock"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let doc = parse_toml(text)?;
        let path = input.file.path;
        let mut analysis = Analysis::default();
        let packages = package_entries(&doc, text, path)?;
        let mut entries = Vec::new();
        let mut manifest: Option<Manifest> = None;
        for (value, location) in packages {
            let line = location.start_line;
            let Some(table) = value.as_table() else {
                analysis.warn(path, line, "package entry is not a table; skipped");
                continue;
            };
            let Some(name) = table.get("name").and_then(|v| v.as_str()).filter(|n| !n.trim().is_empty())
            else {
                analysis.warn(path, line, "package entry without a name; skipped");
                continue;
            };
            let source = source_kind(table);
            let root = matches!(source, Some(("editable" | "virtual", ".")));
            let main = deps_of(table.get("dependencies"));
            let optional = grouped_deps(table.get("optional-dependencies"));
            let dev = grouped_deps(table.get("dev-dependencies"));
            if root {
                if manifest.is_some() {
                    analysis.warn(path, line, "a second project root; read as a plain package");
                } else {
                    manifest = Some(Manifest {
                        main: main.iter().map(|(n, _)| n.clone()).collect(),
                        optional: optional
                            .iter()
                            .map(|(g, d)| (g.clone(), d.iter().map(|(n, _)| n.clone()).collect()))
                            .collect(),
                        groups: dev
                            .iter()
                            .map(|(g, d)| (g.clone(), d.iter().map(|(n, _)| n.clone()).collect()))
                            .collect(),
                    });
                }
            }
            let Some(version) =
                table.get("version").and_then(|v| v.as_str()).filter(|v| !v.trim().is_empty())
            else {
                if !matches!(source, Some(("editable" | "virtual" | "directory", _))) {
                    analysis.warn(path, line, format!("package `{name}` without a version; skipped"));
                }
                continue;
            };
            // The project's edges are its runtime ones; dev groups are reached from the manifest.
            let mut deps = main;
            deps.extend(optional.into_iter().flat_map(|(_, d)| d));
            if !root {
                deps.extend(dev.into_iter().flat_map(|(_, d)| d));
            }
            entries.push(LockEntry {
                name: name.to_string(),
                version: version.to_string(),
                location,
                deps,
                dev: None,
                root,
            });
        }
        analysis.packages = build_packages(entries, manifest.as_ref());
        Ok(analysis)
    }
}

#[cfg(test)]
mod tests {
    use rampart_model::{Location, Relationship};

    use super::*;
    use crate::python::test_util::{never_panics, pkg};
    use crate::testing::{MemFiles, run};

    const LOCK: &[u8] = include_bytes!("../../fixtures/python/uv/uv.lock");

    #[test]
    fn project_root_direct_and_dev() {
        let a = run(&UvLock, "uv.lock", LOCK, &MemFiles(vec![])).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(a.packages.len(), 25);
        let prod: Vec<_> = a.packages.iter().filter(|p| !p.dev).map(|p| p.id.as_str()).collect();
        assert_eq!(
            prod,
            [
                "asgiref@3.3.4",
                "certifi@2018.4.16",
                "chardet@3.0.4",
                "django@3.2",
                "idna@2.7",
                "jinja2@2.10",
                "markupsafe@1.1.1",
                "pytz@2021.1",
                "pyyaml@5.3",
                "requests@2.19.1",
                "sqlparse@0.4.1",
                "urllib3@1.23",
                "vuln-python-app@0.1.0"
            ]
        );
        let root = pkg(&a, "vuln-python-app");
        assert_eq!(root.relationship, Relationship::Root);
        assert_eq!(root.depends_on.len(), 12);
        assert!(!root.depends_on.iter().any(|d| d.starts_with("pytest")));
        assert!(
            a.packages
                .iter()
                .filter(|p| !p.dev && p.relationship != Relationship::Root)
                .all(|p| p.relationship == Relationship::Direct)
        );
        let pytest = pkg(&a, "pytest");
        assert_eq!((pytest.relationship, pytest.dev), (Relationship::Direct, true));
        let attrs: Vec<_> = a.packages.iter().filter(|p| p.name == "attrs").collect();
        assert_eq!(attrs.len(), 2);
        assert!(attrs.iter().all(|p| p.dev && p.relationship == Relationship::Indirect));
        assert_eq!(pkg(&a, "django").depends_on, ["asgiref@3.3.4", "pytz@2021.1", "sqlparse@0.4.1"]);
        assert_eq!(pkg(&a, "asgiref").locations, [Location::lines("uv.lock", 10, 17)]);
    }

    #[test]
    fn versioned_edges_pick_the_named_version() {
        let a = run(&UvLock, "uv.lock", LOCK, &MemFiles(vec![])).unwrap();
        let pytest = pkg(&a, "pytest");
        assert!(pytest.depends_on.contains(&"attrs@25.3.0".to_string()));
        assert!(pytest.depends_on.contains(&"attrs@26.1.0".to_string()));
        let text = "[[package]]\nname = \"app\"\nversion = \"1\"\nsource = { virtual = \".\" }\ndependencies = [{ name = \"a\", version = \"2\" }]\n\n[[package]]\nname = \"a\"\nversion = \"1\"\n\n[[package]]\nname = \"A\"\nversion = \"2\"\n\n[[package]]\nname = \"b\"\nsource = { registry = \"x\" }\n";
        let a = run(&UvLock, "uv.lock", text.as_bytes(), &MemFiles(vec![])).unwrap();
        assert_eq!(pkg(&a, "app").depends_on, ["A@2"]);
        assert_eq!(pkg(&a, "a").relationship, Relationship::Direct);
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].line, Some(15));
    }

    #[test]
    fn virtual_root_without_version_is_not_reported() {
        let text = "[[package]]\nname = \"ws\"\nsource = { virtual = \".\" }\ndependencies = [{ name = \"a\" }]\n\n[[package]]\nname = \"a\"\nversion = \"1\"\nsource = { registry = \"x\" }\n";
        let a = run(&UvLock, "uv.lock", text.as_bytes(), &MemFiles(vec![])).unwrap();
        assert!(a.warnings.is_empty());
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.packages[0].relationship, Relationship::Direct);
    }

    #[test]
    fn never_panics_on_hostile_input() {
        never_panics(&UvLock, "uv.lock", LOCK, &MemFiles(vec![]));
    }
}
