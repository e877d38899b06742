//! Poetry lockfiles (`poetry.lock`).
//!
//! Reads every `[[package]]` (name, version) with the lines of its block, and its
//! `[package.dependencies]` table as edges to the other packages of the file. Dev-only: poetry
//! < 1.5 writes `category = "dev"`; poetry ≥ 2 writes `groups` (a package outside the `main` group
//! is dev-only); poetry 1.5–1.8 writes neither, and then the packages reachable only from
//! `pyproject.toml`'s dev groups are dev-only.
//!
//! `pyproject.toml` beside the lock (read through the file source) gives the direct dependencies
//! (`[tool.poetry.dependencies]`, `[tool.poetry.group.X.dependencies]`,
//! `[tool.poetry.dev-dependencies]`, PEP 621 `[project] dependencies`); without it relationships
//! are unknown. The project itself is not in the lock and is not reported. Entries without a name
//! or version are skipped with a warning.

use rampart_model::Ecosystem;

use super::{LockEntry, build_packages, normalize, package_entries, parse_toml, read_pyproject};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

pub(crate) struct PoetryLock;

impl Analyzer for PoetryLock {
    fn name(&self) -> &'static str {
        "python-poetry-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "poetry.lock"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let doc = parse_toml(text)?;
        let path = input.file.path;
        let mut analysis = Analysis::default();
        let packages = package_entries(&doc, text, path)?;
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
            let dev = match (table.get("category").and_then(|c| c.as_str()), table.get("groups")) {
                (_, Some(toml::Value::Array(groups))) if !groups.is_empty() => {
                    Some(!groups.iter().any(|g| g.as_str() == Some("main")))
                }
                (Some(category), _) => Some(category == "dev"),
                _ => None,
            };
            let deps = table
                .get("dependencies")
                .and_then(|d| d.as_table())
                .map(|d| d.keys().map(|k| (normalize(k), None)).collect())
                .unwrap_or_default();
            entries.push(LockEntry {
                name: name.to_string(),
                version: version.to_string(),
                location,
                deps,
                dev,
                root: false,
            });
        }
        let manifest = read_pyproject(input, &mut analysis);
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

    const V2: &[u8] = include_bytes!("../../fixtures/python/poetry-v2/poetry.lock");
    const V2_PYPROJECT: &[u8] = include_bytes!("../../fixtures/python/poetry-v2/pyproject.toml");
    const V1: &[u8] = include_bytes!("../../fixtures/python/poetry-v1/poetry.lock");
    const V1_PYPROJECT: &[u8] = include_bytes!("../../fixtures/python/poetry-v1/pyproject.toml");

    #[test]
    fn poetry_2_groups_and_pyproject() {
        let files = MemFiles(vec![("app/pyproject.toml", V2_PYPROJECT.to_vec())]);
        let a = run(&PoetryLock, "app/poetry.lock", V2, &files).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(a.packages.len(), 21);
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
                "urllib3@1.23"
            ]
        );
        assert!(a.packages.iter().filter(|p| !p.dev).all(|p| p.relationship == Relationship::Direct));
        let pytest = pkg(&a, "pytest");
        assert_eq!((pytest.relationship, pytest.dev), (Relationship::Direct, true));
        let atomic = pkg(&a, "atomicwrites");
        assert_eq!((atomic.relationship, atomic.dev), (Relationship::Indirect, true));
        assert_eq!(atomic.locations, [Location::lines("app/poetry.lock", 23, 38)]);
        assert_eq!(pkg(&a, "asgiref").locations, [Location::lines("app/poetry.lock", 3, 21)]);
        assert_eq!(pkg(&a, "django").depends_on, ["asgiref@3.3.4", "pytz@2021.1", "sqlparse@0.4.1"]);
        assert_eq!(
            pkg(&a, "requests").depends_on,
            ["certifi@2018.4.16", "chardet@3.0.4", "idna@2.7", "urllib3@1.23"]
        );
    }

    #[test]
    fn poetry_2_without_pyproject() {
        let a = run(&PoetryLock, "poetry.lock", V2, &MemFiles(vec![])).unwrap();
        assert!(a.packages.iter().all(|p| p.relationship == Relationship::Unknown));
        assert_eq!(a.packages.iter().filter(|p| p.dev).count(), 9);
    }

    #[test]
    fn poetry_1_4_categories() {
        let files = MemFiles(vec![("pyproject.toml", V1_PYPROJECT.to_vec())]);
        let a = run(&PoetryLock, "poetry.lock", V1, &files).unwrap();
        assert_eq!(
            summary(&a),
            [
                ("jinja2".into(), "2.10".into(), Relationship::Direct, false),
                ("markupsafe".into(), "3.0.4".into(), Relationship::Indirect, false),
                ("setuptools".into(), "84.2.1".into(), Relationship::Indirect, false),
                ("six".into(), "1.16.0".into(), Relationship::Direct, true),
                ("zope-interface".into(), "5.4.0".into(), Relationship::Direct, false),
            ]
        );
        // `MarkupSafe = ">=0.23"` as written links to `markupsafe`.
        assert_eq!(pkg(&a, "jinja2").depends_on, ["markupsafe@3.0.4"]);
        assert_eq!(pkg(&a, "zope-interface").depends_on, ["setuptools@84.2.1"]);
    }

    #[test]
    fn poetry_1_5_without_categories_uses_pyproject_groups() {
        let text = String::from_utf8(V1.to_vec())
            .unwrap()
            .replace("category = \"main\"\n", "")
            .replace("category = \"dev\"\n", "");
        let files = MemFiles(vec![("pyproject.toml", V1_PYPROJECT.to_vec())]);
        let a = run(&PoetryLock, "poetry.lock", text.as_bytes(), &files).unwrap();
        let dev: Vec<_> = a.packages.iter().filter(|p| p.dev).map(|p| p.id.as_str()).collect();
        assert_eq!(dev, ["six@1.16.0"]);
    }

    #[test]
    fn broken_entries_warn_and_broken_files_fail() {
        let text = b"[[package]]\nname = \"a\"\nversion = \"1\"\n\n[[package]]\nname = \"b\"\n";
        let a = run(&PoetryLock, "poetry.lock", text, &MemFiles(vec![])).unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].line, Some(5));
        let e = run(&PoetryLock, "poetry.lock", b"[[package]\nname = 1", &MemFiles(vec![])).unwrap_err();
        assert_eq!(e.line(), Some(1));
        let files = MemFiles(vec![("pyproject.toml", b"[tool.poetry\n".to_vec())]);
        let a = run(&PoetryLock, "poetry.lock", V1, &files).unwrap();
        assert_eq!(a.packages.len(), 5);
        assert_eq!(a.warnings.len(), 1, "a broken pyproject.toml is named");
        assert_eq!(a.warnings[0].path, "pyproject.toml");
    }

    #[test]
    fn never_panics_on_hostile_input() {
        never_panics(
            &PoetryLock,
            "poetry.lock",
            V1,
            &MemFiles(vec![("pyproject.toml", V1_PYPROJECT.to_vec())]),
        );
    }
}
