//! Installed Python packages: core metadata files.
//!
//! Reads `*.dist-info/METADATA` (wheels, pip), `*.egg-info/PKG-INFO` and `EGG-INFO/PKG-INFO`
//! (setuptools, eggs) and bare `*.egg-info` files (distutils installs write the same headers to
//! a file). The RFC 822-style headers give `Name` and `Version` (as written), and the licence:
//! `License-Expression` (PEP 639) when present, else `License` when it is a short one-line name
//! (not a pasted licence text, not `UNKNOWN`), else the last part of each
//! `Classifier: License :: ...` (e.g. `MIT License`). Names are not mapped to SPDX ids.
//!
//! One package per file, gathered into the "Python packages" result, located at the file. The
//! metadata does not say whether a package was installed directly or as a dependency, nor which
//! installed packages satisfy its `Requires-Dist`: relationships stay unknown, no edges. A file
//! without `Name` or `Version` is broken and fails.

use rampart_model::{Ecosystem, Location, Package};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, Grouping, utf8};

pub(crate) struct Installed;

/// Longest `License` value taken as a licence name rather than a pasted text.
const MAX_LICENSE_NAME: usize = 100;

impl Analyzer for Installed {
    fn name(&self) -> &'static str {
        "python-installed"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        let dir = file.dir().rsplit('/').next().unwrap_or("");
        match file.file_name {
            "METADATA" => dir.ends_with(".dist-info"),
            "PKG-INFO" => dir.ends_with(".egg-info") || dir == "EGG-INFO",
            name => name.ends_with(".egg-info"),
        }
    }

    fn grouping(&self) -> Grouping {
        Grouping::Aggregate("Python packages")
    }

    fn max_size(&self) -> u64 {
        16 * 1024 * 1024
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let headers = headers(text);
        let first = |key: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let (Some(name), Some(version)) = (first("Name"), first("Version")) else {
            return Err(AnalyzeError::parse(
                None,
                "no `Name` and `Version` headers: not a usable metadata file",
            ));
        };
        let licenses: Vec<String> = if let Some(expr) = first("License-Expression") {
            vec![expr.to_string()]
        } else if let Some(l) = first("License").filter(|l| {
            !l.contains('\n') && l.len() <= MAX_LICENSE_NAME && !l.eq_ignore_ascii_case("UNKNOWN")
        }) {
            vec![l.to_string()]
        } else {
            headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("Classifier"))
                .filter_map(|(_, v)| {
                    let parts: Vec<&str> = v.split("::").map(str::trim).collect();
                    match parts.as_slice() {
                        ["License", .., last] if parts.len() > 1 && *last != "OSI Approved" => {
                            Some(last.to_string())
                        }
                        _ => None,
                    }
                })
                .collect()
        };
        let package = Package::builder(Ecosystem::PyPI, name, version)
            .licenses(licenses)
            .location(Location::file(input.file.path))
            .build();
        Ok(Analysis::packages(vec![package]))
    }
}

/// The header fields before the first empty line; indented lines continue the previous field.
/// A line that is neither a field nor a continuation ends the headers.
fn headers(text: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            match out.last_mut() {
                Some((_, value)) => {
                    value.push('\n');
                    value.push_str(line.trim());
                }
                None => break,
            }
            continue;
        }
        match line.split_once(':') {
            Some((key, value)) if !key.is_empty() && !key.contains(char::is_whitespace) => {
                out.push((key, value.trim().to_string()));
            }
            _ => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::test_util::never_panics;
    use crate::testing::{MemFiles, run};

    const DJANGO: &[u8] = include_bytes!("../../fixtures/python/site-packages/Django-3.2.dist-info/METADATA");
    const JINJA: &[u8] = include_bytes!("../../fixtures/python/site-packages/Jinja2-2.10.dist-info/METADATA");
    const CHARDET: &[u8] =
        include_bytes!("../../fixtures/python/site-packages/chardet-3.0.4.dist-info/METADATA");
    const MARKUPSAFE: &[u8] =
        include_bytes!("../../fixtures/python/site-packages/markupsafe-1.1.1.dist-info/METADATA");
    const BLINKER: &[u8] =
        include_bytes!("../../fixtures/python/site-packages/blinker-1.9.0.dist-info/METADATA");
    const EGG: &[u8] = include_bytes!("../../fixtures/python/egg-info/Egg_Demo.egg-info/PKG-INFO");

    fn one(path: &str, content: &[u8]) -> Package {
        let a = run(&Installed, path, content, &MemFiles(vec![])).unwrap();
        assert!(a.warnings.is_empty());
        assert_eq!(a.packages.len(), 1);
        a.packages.into_iter().next().unwrap()
    }

    #[test]
    fn accepts_metadata_files_only() {
        for (path, ok) in [
            ("lib/site-packages/Django-3.2.dist-info/METADATA", true),
            ("src/Egg_Demo.egg-info/PKG-INFO", true),
            ("x/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO", true),
            ("usr/lib/python3/dist-packages/foo-1.0.egg-info", true),
            ("sdist/foo-1.0/PKG-INFO", false),
            ("METADATA", false),
            ("Django-3.2.dist-info/RECORD", false),
        ] {
            assert_eq!(Installed.accepts(&FileInfo::new(path, 1, false)), ok, "{path}");
        }
    }

    #[test]
    fn dist_info_names_versions_and_licences() {
        let p = one("sp/Django-3.2.dist-info/METADATA", DJANGO);
        assert_eq!(
            (p.name.as_str(), p.version.as_str(), p.purl.as_str()),
            ("Django", "3.2", "pkg:pypi/django@3.2")
        );
        assert_eq!(p.licenses, ["BSD-3-Clause"]);
        assert_eq!(p.locations, [Location::file("sp/Django-3.2.dist-info/METADATA")]);
        assert_eq!(p.relationship, rampart_model::Relationship::Unknown);
        assert_eq!(one("Jinja2-2.10.dist-info/METADATA", JINJA).licenses, ["BSD"]);
        assert_eq!(one("chardet-3.0.4.dist-info/METADATA", CHARDET).licenses, ["LGPL"]);
        let m = one("markupsafe-1.1.1.dist-info/METADATA", MARKUPSAFE);
        assert_eq!((m.name.as_str(), m.version.as_str()), ("MarkupSafe", "1.1.1"));
        // No `License` header: the classifier gives the name.
        assert_eq!(one("blinker-1.9.0.dist-info/METADATA", BLINKER).licenses, ["MIT License"]);
    }

    #[test]
    fn egg_info_and_license_expression() {
        let p = one("src/Egg_Demo.egg-info/PKG-INFO", EGG);
        assert_eq!((p.name.as_str(), p.version.as_str()), ("Egg_Demo", "1.2.3"));
        assert_eq!(p.licenses, ["MIT OR Apache-2.0"]);
        let bare = one("dist-packages/Egg_Demo-1.2.3.egg-info", EGG);
        assert_eq!(bare.locations, [Location::file("dist-packages/Egg_Demo-1.2.3.egg-info")]);
    }

    #[test]
    fn long_or_unknown_license_falls_back_to_classifiers() {
        let text = "Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense: Copyright (c) someone\n        Permission is hereby granted\nClassifier: License :: OSI Approved\nClassifier: License :: OSI Approved :: MIT License\n\nbody: not a header\n";
        assert_eq!(one("x-1.dist-info/METADATA", text.as_bytes()).licenses, ["MIT License"]);
        let text = "Name: y\nVersion: 2\nLicense: UNKNOWN\n";
        assert!(one("y-2.dist-info/METADATA", text.as_bytes()).licenses.is_empty());
    }

    #[test]
    fn metadata_without_name_or_version_fails() {
        let e =
            run(&Installed, "x.dist-info/METADATA", b"Metadata-Version: 2.1\nName: x\n", &MemFiles(vec![]));
        assert!(e.is_err());
        // The body never provides headers.
        let e = run(&Installed, "x.dist-info/METADATA", b"Name: x\n\nVersion: 1\n", &MemFiles(vec![]));
        assert!(e.is_err());
    }

    #[test]
    fn never_panics_on_hostile_input() {
        never_panics(&Installed, "a.dist-info/METADATA", DJANGO, &MemFiles(vec![]));
    }
}
