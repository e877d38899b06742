//! Composer's `composer.lock`.

use std::collections::HashSet;
use std::io;

use rampart_model::{Ecosystem, Relationship};

use crate::json::{self, Node};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

/// Reads `composer.lock` (Composer 1 and 2).
///
/// Reports every package of `packages` and of `packages-dev` (the latter marked dev), with its
/// version exactly as written (Composer keeps a tag's leading `v`, e.g. `v1.27.0`, and so does
/// Trivy), its `license` list, the lines of its entry, and edges from its `require` map to the
/// packages of the file; platform requirements (`php`, `ext-*`, `lib-*`, `composer-*-api`) are
/// not packages and are left out. The lockfile does not say which packages the project asked
/// for: that comes from the `composer.json` beside it (its `require` and `require-dev` names are
/// `Direct`, the others `Indirect`); without it the relationship is unknown. The project itself
/// is not in the lockfile.
pub struct ComposerLock;

impl Analyzer for ComposerLock {
    fn name(&self) -> &'static str {
        "php-composer-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Packagist
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "composer.lock"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let root = json::parse(utf8(input.content)?)?;
        if root.members().is_none() {
            return Err(AnalyzeError::parse(
                Some(root.start),
                format!("composer.lock is {}, not an object", root.kind()),
            ));
        }
        let path = input.file.path;
        let mut analysis = Analysis::default();
        let mut sections = 0;
        let mut entries = Vec::new();
        for (key, dev) in [("packages", false), ("packages-dev", true)] {
            match root.get(key) {
                None => {}
                // `composer install --no-dev` era files may have `"packages-dev": null`.
                Some(Node { value: json::Value::Null, .. }) => sections += 1,
                Some(node) => match node.items() {
                    Some(items) => {
                        sections += 1;
                        entries.extend(super::entries(&mut analysis, path, items, dev));
                    }
                    None => analysis.warn(
                        path,
                        Some(node.start),
                        format!("`{key}` is {}, not an array", node.kind()),
                    ),
                },
            }
        }
        if sections == 0 {
            return Err(AnalyzeError::parse(Some(root.start), "no `packages` array: not a composer.lock"));
        }

        let manifest = if input.file.dir().is_empty() {
            "composer.json".to_string()
        } else {
            format!("{}/composer.json", input.file.dir())
        };
        let direct = direct_names(&mut analysis, path, &manifest, input.source.read(&manifest));
        analysis.packages = super::packages(path, &entries, |name| match &direct {
            None => Relationship::Unknown,
            Some(d) if d.contains(&name.to_ascii_lowercase()) => Relationship::Direct,
            Some(_) => Relationship::Indirect,
        });
        Ok(analysis)
    }
}

/// The (lower-cased) package names the project requires, from its `composer.json`.
fn direct_names(
    analysis: &mut Analysis,
    path: &str,
    manifest: &str,
    content: io::Result<Vec<u8>>,
) -> Option<HashSet<String>> {
    let content = match content {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            analysis.warn(path, None, format!("{manifest} unreadable ({e}); direct dependencies unknown"));
            return None;
        }
    };
    let parsed = std::str::from_utf8(content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&content))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .filter(serde_json::Value::is_object);
    let Some(json) = parsed else {
        analysis.warn(path, None, format!("{manifest} is not a JSON object; direct dependencies unknown"));
        return None;
    };
    let mut names = HashSet::new();
    for key in ["require", "require-dev"] {
        if let Some(map) = json.get(key).and_then(serde_json::Value::as_object) {
            names.extend(map.keys().filter(|n| !super::is_platform(n)).map(|n| n.to_ascii_lowercase()));
        }
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::{MemFiles, run};
    use proptest::prelude::*;
    use rampart_model::{Location, Package};

    const LOCK: &[u8] = include_bytes!("../../fixtures/php/composer.lock");
    const MANIFEST: &[u8] = include_bytes!("../../fixtures/php/composer.json");

    type Row<'a> = (&'a str, &'a str, Relationship, bool, Vec<&'a str>, Vec<&'a str>, (u32, u32));

    fn rows(packages: &[Package]) -> Vec<Row<'_>> {
        packages
            .iter()
            .map(|p| {
                assert_eq!(p.ecosystem, Ecosystem::Packagist);
                assert_eq!(p.locations.len(), 1);
                let l = &p.locations[0];
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.relationship,
                    p.dev,
                    p.licenses.iter().map(String::as_str).collect(),
                    p.depends_on.iter().map(String::as_str).collect(),
                    (l.start_line.unwrap(), l.end_line.unwrap()),
                )
            })
            .collect()
    }

    #[test]
    fn composer_lock_with_manifest() {
        let files = MemFiles(vec![("app/composer.json", MANIFEST.to_vec())]);
        let a = run(&ComposerLock, "app/composer.lock", LOCK, &files).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        use Relationship::*;
        assert_eq!(
            rows(&a.packages),
            vec![
                ("monolog/monolog", "2.9.1", Direct, false, vec!["MIT"], vec!["psr/log@3.0.0"], (9, 38)),
                ("psr/log", "3.0.0", Indirect, false, vec!["MIT"], vec![], (39, 64)),
                ("symfony/polyfill-mbstring", "v1.27.0", Direct, false, vec!["MIT"], vec![], (65, 93)),
                ("doctrine/instantiator", "1.5.0", Indirect, true, vec!["MIT"], vec![], (96, 121)),
                (
                    "myvendor/testtool",
                    "0.4.2",
                    Direct,
                    true,
                    vec!["BSD-3-Clause", "GPL-2.0-or-later"],
                    vec!["doctrine/instantiator@1.5.0", "symfony/polyfill-mbstring@v1.27.0"],
                    (122, 146)
                ),
            ]
        );
        assert_eq!(a.packages[0].locations[0].path, "app/composer.lock");
        assert_eq!(a.packages[0].purl, "pkg:composer/monolog/monolog@2.9.1");
        assert_eq!(a.packages[2].purl, "pkg:composer/symfony/polyfill-mbstring@v1.27.0");
    }

    #[test]
    fn without_manifest_relationship_is_unknown() {
        let a = run(&ComposerLock, "composer.lock", LOCK, &NoFiles).unwrap();
        assert!(a.warnings.is_empty());
        assert_eq!(a.packages.len(), 5);
        assert!(a.packages.iter().all(|p| p.relationship == Relationship::Unknown));
        let files = MemFiles(vec![("composer.json", b"[1]".to_vec())]);
        let a = run(&ComposerLock, "composer.lock", LOCK, &files).unwrap();
        assert_eq!(a.warnings.len(), 1);
        assert!(a.packages.iter().all(|p| p.relationship == Relationship::Unknown));
    }

    #[test]
    fn old_and_odd_entries() {
        let text = br#"{
  "packages": [
    {"name": "Acme/Old", "version": "dev-master", "license": "GPL-2.0+", "require": {"php": ">=5.3", "ACME/dep": "*", "acme/missing": "1"}},
    {"name": "acme/dep", "version": "1.0.0"},
    {"name": "acme/dep", "version": "1.0.0"},
    {"version": "1.0.0"},
    {"name": "acme/nover"},
    "junk"
  ],
  "packages-dev": null
}"#;
        let a = run(&ComposerLock, "composer.lock", text, &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 2);
        let old = &a.packages[0];
        assert_eq!(
            (old.id.as_str(), old.licenses.as_slice()),
            ("Acme/Old@dev-master", &["GPL-2.0+".to_string()][..])
        );
        assert_eq!(old.depends_on, vec!["acme/dep@1.0.0"]);
        assert_eq!(
            a.packages[1].locations,
            vec![Location::lines("composer.lock", 4, 4), Location::lines("composer.lock", 5, 5)]
        );
        let lines: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![Some(6), Some(7), Some(8)]);
    }

    #[test]
    fn broken_files_are_errors() {
        for (text, line) in [
            (&b"{\"packages\": [\n{\"name\": \"a\",}\n]}"[..], Some(2)),
            (b"[]", Some(1)),
            (b"{\"content-hash\": \"x\"}", Some(1)),
            (b"", Some(1)),
        ] {
            let e = run(&ComposerLock, "composer.lock", text, &NoFiles).unwrap_err();
            assert_eq!(e.line(), line, "{e}");
        }
        // `packages` of the wrong type and no other section: nothing usable.
        assert!(run(&ComposerLock, "composer.lock", b"{\"packages\": {}}", &NoFiles).is_err());
        let a = run(&ComposerLock, "composer.lock", b"{\"packages\": {}, \"packages-dev\": []}", &NoFiles)
            .unwrap();
        assert_eq!(a.warnings.len(), 1);
        let a = run(&ComposerLock, "composer.lock", b"{\"packages\": []}", &NoFiles).unwrap();
        assert_eq!(a, Analysis::default());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0..LOCK.len(), at in 0..LOCK.len(), b in any::<u8>()) {
            let files = MemFiles(vec![("composer.json", bytes.clone())]);
            let _ = run(&ComposerLock, "composer.lock", &bytes, &files);
            let _ = run(&ComposerLock, "composer.lock", &LOCK[..cut], &NoFiles);
            let mut m = LOCK.to_vec();
            m[at] = b;
            let _ = run(&ComposerLock, "composer.lock", &m, &files);
        }
    }
}
