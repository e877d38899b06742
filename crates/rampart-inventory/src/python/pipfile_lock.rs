//! Pipenv lockfiles (`Pipfile.lock`).
//!
//! Reads the `default` section (runtime) and the `develop` section (dev-only) of the JSON file:
//! each member is a package whose `version` is `==x`, located at the lines of its object. A
//! package in both sections is one runtime package. Members without a version that point at a
//! path, a file, a URL or a VCS repository (`"editable": true, "path": "."`, `"git": ...`) name no
//! version and are not reported; other members without an exact version are skipped with a
//! warning.
//!
//! `Pipfile` beside the lock (through the file source) gives the direct dependencies
//! (`[packages]`, `[dev-packages]`); without it relationships are unknown. The lock records no
//! dependency edges and no licences.

use std::collections::BTreeMap;

use rampart_model::{Ecosystem, Location};

use super::{
    LockEntry, Manifest, build_packages, join_path, normalize, parse_toml, read_sibling, warn_reference,
};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, line_of, utf8};

pub(crate) struct PipfileLock;

const SECTIONS: [(&str, bool); 2] = [("default", false), ("develop", true)];

impl Analyzer for PipfileLock {
    fn name(&self) -> &'static str {
        "python-pipfile-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "Pipfile.lock"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let doc: serde_json::Value = serde_json::from_str(text)?;
        let Some(doc) = doc.as_object() else {
            return Err(AnalyzeError::parse(Some(1), "not a JSON object"));
        };
        let path = input.file.path;
        let lines = member_lines(text);
        let mut analysis = Analysis::default();
        let mut entries = Vec::new();
        for (section, dev) in SECTIONS {
            let Some(members) = doc.get(section) else { continue };
            let Some(members) = members.as_object() else {
                analysis.warn(path, None, format!("`{section}` is not an object; skipped"));
                continue;
            };
            for (name, body) in members {
                let span = lines.get(&(section.to_string(), name.clone())).copied();
                let location = match span {
                    Some((s, e)) => Location::lines(path, s, e),
                    None => Location::file(path),
                };
                let version = body.get("version").and_then(|v| v.as_str()).map(str::trim);
                let version = version.and_then(|v| v.strip_prefix("===").or_else(|| v.strip_prefix("==")));
                let Some(version) = version.map(str::trim).filter(|v| !v.is_empty()) else {
                    let reference = ["path", "file", "git", "hg", "svn", "bzr", "editable"]
                        .iter()
                        .any(|k| body.get(*k).is_some());
                    if !reference {
                        analysis.warn(
                            path,
                            span.map(|s| s.0),
                            format!("`{name}` in `{section}` has no exact version; skipped"),
                        );
                    }
                    continue;
                };
                entries.push(LockEntry {
                    name: name.clone(),
                    version: version.to_string(),
                    location,
                    deps: Vec::new(),
                    dev: Some(dev),
                    root: false,
                });
            }
        }
        let manifest = read_pipfile(input, &mut analysis);
        analysis.packages = build_packages(entries, manifest.as_ref());
        Ok(analysis)
    }
}

/// The direct dependencies declared by `Pipfile` beside the lock.
fn read_pipfile(input: &AnalyzerInput<'_>, analysis: &mut Analysis) -> Option<Manifest> {
    let path = join_path(input.file.dir(), "Pipfile")?;
    let bytes = match read_sibling(input, "Pipfile") {
        Ok(Some(b)) => b,
        Ok(None) => return None,
        Err(e) => {
            warn_reference(analysis, &path, None, format!("cannot read {path}: {e}"));
            return None;
        }
    };
    let doc = match utf8(&bytes).and_then(parse_toml) {
        Ok(d) => d,
        Err(e) => {
            warn_reference(analysis, &path, e.line(), format!("{path} not used: {e}"));
            return None;
        }
    };
    let keys = |table: &str| {
        doc.get(table)
            .and_then(|t| t.as_table())
            .map(|t| t.keys().map(|k| normalize(k)).collect())
            .unwrap_or_default()
    };
    let mut manifest = Manifest { main: keys("packages"), ..Manifest::default() };
    manifest.groups.insert("dev".to_string(), keys("dev-packages"));
    Some(manifest)
}

/// For valid JSON: the `(first, last)` lines of each member of each top-level object member,
/// keyed by `(top-level key, member key)`.
fn member_lines(text: &str) -> BTreeMap<(String, String), (u32, u32)> {
    struct Frame {
        object: bool,
        expect_key: bool,
        key: Option<String>,
        key_offset: usize,
    }
    let mut out = BTreeMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let start = i;
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                if let Some(top) = stack.last_mut()
                    && top.object
                    && top.expect_key
                {
                    top.key = text.get(start..=i).and_then(|raw| serde_json::from_str::<String>(raw).ok());
                    top.key_offset = start;
                    top.expect_key = false;
                }
            }
            b'{' | b'[' => {
                stack.push(Frame { object: b == b'{', expect_key: b == b'{', key: None, key_offset: i })
            }
            b'}' | b']' => {
                stack.pop();
                if let [root, section] = stack.as_slice()
                    && let (Some(top), Some(member)) = (&root.key, &section.key)
                {
                    out.insert(
                        (top.clone(), member.clone()),
                        (line_of(text, section.key_offset), line_of(text, i)),
                    );
                }
            }
            b',' => {
                if let Some(top) = stack.last_mut()
                    && top.object
                {
                    top.expect_key = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use rampart_model::Relationship;

    use super::*;
    use crate::python::test_util::{never_panics, pkg, summary};
    use crate::testing::{MemFiles, run};

    const LOCK: &[u8] = include_bytes!("../../fixtures/python/pipenv/Pipfile.lock");
    const PIPFILE: &[u8] = include_bytes!("../../fixtures/python/pipenv/Pipfile");

    #[test]
    fn sections_lines_and_pipfile() {
        let files = MemFiles(vec![("p/Pipfile", PIPFILE.to_vec())]);
        let a = run(&PipfileLock, "p/Pipfile.lock", LOCK, &files).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(
            summary(&a),
            [
                ("jinja2".into(), "2.10".into(), Relationship::Direct, false),
                ("markupsafe".into(), "3.0.4".into(), Relationship::Indirect, false),
                ("setuptools".into(), "84.2.1".into(), Relationship::Indirect, false),
                ("six".into(), "1.16.0".into(), Relationship::Direct, true),
                ("zope.interface".into(), "5.4.0".into(), Relationship::Direct, false),
            ]
        );
        assert_eq!(pkg(&a, "jinja2").locations, [Location::lines("p/Pipfile.lock", 19, 26)]);
        assert_eq!(pkg(&a, "six").locations, [Location::lines("p/Pipfile.lock", 251, 259)]);
    }

    #[test]
    fn without_pipfile_and_with_odd_members() {
        let text = r#"{"default": {"a": {"version": "==1"}, "b": {"editable": true, "path": "."}, "c": {"version": ">=1"}},
 "develop": {"a": {"version": "==1"}, "d": {"version": "==2"}}}"#;
        let a = run(&PipfileLock, "Pipfile.lock", text.as_bytes(), &MemFiles(vec![])).unwrap();
        assert_eq!(
            summary(&a),
            [
                ("a".into(), "1".into(), Relationship::Unknown, false),
                ("d".into(), "2".into(), Relationship::Unknown, true)
            ]
        );
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].line, Some(1));
        let e = run(&PipfileLock, "Pipfile.lock", b"{\n\"default\": {,}", &MemFiles(vec![])).unwrap_err();
        assert_eq!(e.line(), Some(2));
    }

    #[test]
    fn never_panics_on_hostile_input() {
        never_panics(&PipfileLock, "Pipfile.lock", LOCK, &MemFiles(vec![("Pipfile", PIPFILE.to_vec())]));
    }
}
