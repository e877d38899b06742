//! PDM lockfiles (`pdm.lock`).
//!
//! Reads every `[[package]]` (name, version) with the lines of its block; its `dependencies`
//! (PEP 508 strings) give edges to the packages of the same file with that name (the pinned
//! version when `==`). Entries that PDM writes once per extra (`extras = [...]`, same name and
//! version) are merged.
//!
//! Dev-only: a package whose `groups` are all dev groups. `pyproject.toml` beside the lock
//! (through the file source) says which groups those are (`[dependency-groups]`,
//! `[tool.pdm.dev-dependencies]`; `[project.optional-dependencies]` extras are not dev) and which
//! names are direct. Without it, a package outside the `default` group counts as dev-only (it is
//! not part of a default install) and relationships are unknown. Locks without per-package
//! `groups` (before lock format 4.4) fall back to reachability from the pyproject's groups.
//! The project itself is not in the lock and is not reported.

use rampart_model::Ecosystem;

use super::{
    LockEntry, build_packages, normalize, package_entries, parse_requirement, parse_toml, read_pyproject,
};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

pub(crate) struct PdmLock;

impl Analyzer for PdmLock {
    fn name(&self) -> &'static str {
        "python-pdm-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "pdm.lock"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let doc = parse_toml(text)?;
        let path = input.file.path;
        let mut analysis = Analysis::default();
        let packages = package_entries(&doc, text, path)?;
        let manifest = read_pyproject(input, &mut analysis);
        let mut entries = Vec::new();
        for (value, location) in packages {
            let line = location.start_line;
            let Some(table) = value.as_table() else {
                analysis.warn(path, line, "package entry is not a table; skipped");
                continue;
            };
            let name = table.get("name").and_then(|v| v.as_str()).filter(|n| !n.trim().is_empty());
            let version = table.get("version").and_then(|v| v.as_str()).filter(|v| !v.trim().is_empty());
            let (Some(name), Some(version)) = (name, version) else {
                analysis.warn(path, line, "package entry without a name or version; skipped");
                continue;
            };
            let groups: Vec<&str> = table
                .get("groups")
                .and_then(|g| g.as_array())
                .into_iter()
                .flatten()
                .filter_map(|g| g.as_str())
                .collect();
            let dev = match (&manifest, groups.is_empty()) {
                (_, true) => None,
                (Some(m), false) => Some(groups.iter().all(|g| m.groups.contains_key(*g))),
                (None, false) => Some(!groups.contains(&"default")),
            };
            let mut deps = Vec::new();
            for dep in table.get("dependencies").and_then(|d| d.as_array()).into_iter().flatten() {
                let Some(dep) = dep.as_str() else { continue };
                match parse_requirement(dep) {
                    Ok(r) => deps.push((normalize(&r.name), r.pinned().map(str::to_string))),
                    Err(e) => {
                        analysis.warn(path, line, format!("dependency of `{name}` not understood: {e}"))
                    }
                }
            }
            entries.push(LockEntry {
                name: name.to_string(),
                version: version.to_string(),
                location,
                deps,
                dev,
                root: false,
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
    use crate::python::test_util::{never_panics, pkg, summary};
    use crate::testing::{MemFiles, run};

    const LOCK: &[u8] = include_bytes!("../../fixtures/python/pdm/pdm.lock");
    const PYPROJECT: &[u8] = include_bytes!("../../fixtures/python/pdm/pyproject.toml");

    #[test]
    fn groups_with_pyproject() {
        let files = MemFiles(vec![("proj/pyproject.toml", PYPROJECT.to_vec())]);
        let a = run(&PdmLock, "proj/pdm.lock", LOCK, &files).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(
            summary(&a),
            [
                ("jinja2".into(), "2.10".into(), Relationship::Direct, false),
                ("markupsafe".into(), "3.0.4".into(), Relationship::Indirect, false),
                ("pyyaml".into(), "6.0.2".into(), Relationship::Direct, false),
                ("setuptools".into(), "84.2.1".into(), Relationship::Indirect, false),
                ("six".into(), "1.16.0".into(), Relationship::Direct, true),
                ("zope-interface".into(), "5.4.0".into(), Relationship::Direct, false),
            ]
        );
        assert_eq!(pkg(&a, "jinja2").depends_on, ["markupsafe@3.0.4"]);
        assert_eq!(pkg(&a, "zope-interface").depends_on, ["setuptools@84.2.1"]);
        assert_eq!(pkg(&a, "jinja2").locations, [Location::lines("proj/pdm.lock", 13, 24)]);
    }

    #[test]
    fn groups_without_pyproject() {
        let a = run(&PdmLock, "pdm.lock", LOCK, &MemFiles(vec![])).unwrap();
        let dev: Vec<_> = a.packages.iter().filter(|p| p.dev).map(|p| p.id.as_str()).collect();
        assert_eq!(dev, ["pyyaml@6.0.2", "six@1.16.0"]);
        assert!(a.packages.iter().all(|p| p.relationship == Relationship::Unknown));
    }

    #[test]
    fn extras_entries_merge() {
        let text = "[[package]]\nname = \"requests\"\nversion = \"2.19.1\"\ngroups = [\"default\"]\ndependencies = [\"idna<2.8,>=2.5\"]\n\n[[package]]\nname = \"requests\"\nversion = \"2.19.1\"\nextras = [\"socks\"]\ngroups = [\"default\"]\ndependencies = [\"PySocks!=1.5.7,>=1.5.6\", \"requests==2.19.1\"]\n\n[[package]]\nname = \"idna\"\nversion = \"2.7\"\ngroups = [\"default\"]\n\n[[package]]\nname = \"pysocks\"\nversion = \"1.7.1\"\ngroups = [\"default\"]\n";
        let a = run(&PdmLock, "pdm.lock", text.as_bytes(), &MemFiles(vec![])).unwrap();
        assert_eq!(a.packages.len(), 3);
        assert_eq!(pkg(&a, "requests").depends_on, ["idna@2.7", "pysocks@1.7.1"]);
        assert_eq!(pkg(&a, "requests").locations, [Location::lines("pdm.lock", 1, 5)]);
    }

    #[test]
    fn never_panics_on_hostile_input() {
        never_panics(&PdmLock, "pdm.lock", LOCK, &MemFiles(vec![("pyproject.toml", PYPROJECT.to_vec())]));
    }
}
