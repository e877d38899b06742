//! Installed packages: `node_modules/**/package.json`.

use rampart_model::{Ecosystem, Location, Package};

use crate::json;
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, Grouping, utf8};

/// Reads the `package.json` of each package installed in a `node_modules` directory
/// (`node_modules/x/package.json`, `node_modules/@scope/x/package.json`, at any depth).
///
/// Reports `name`, `version` and the licence (`license` as a string or a `{type}` object, or the
/// legacy `licenses` array). A `package.json` without a name or a version is not a package (test
/// fixtures, nested `package.json` files marking a module type) and is skipped without a word.
/// The format says nothing about relationships, dev status or dependency edges that would
/// identify the installed version of each dependency, so none are reported.
pub struct NodePackageJson;

/// True when `path` is `…node_modules/NAME/package.json` or `…node_modules/@SCOPE/NAME/package.json`.
fn is_installed_manifest(path: &str) -> bool {
    let Some(dir) = path.strip_suffix("/package.json") else {
        return false;
    };
    let mut parts = dir.rsplit('/');
    let (Some(name), Some(parent)) = (parts.next(), parts.next()) else {
        return false;
    };
    if name.is_empty() || name.starts_with('.') || name == "node_modules" {
        return false;
    }
    if parent == "node_modules" {
        return !name.starts_with('@');
    }
    parent.starts_with('@') && parent.len() > 1 && parts.next() == Some("node_modules")
}

impl Analyzer for NodePackageJson {
    fn name(&self) -> &'static str {
        "node-package-json"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "package.json" && is_installed_manifest(file.path)
    }

    fn grouping(&self) -> Grouping {
        Grouping::Aggregate("Node.js packages")
    }

    fn max_size(&self) -> u64 {
        16 * 1024 * 1024
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let root = json::parse(text)?;
        if !root.is_object() {
            return Err(AnalyzeError::parse(Some(1), "package.json must be a JSON object"));
        }
        let name = root.str_field("name").map(str::trim).unwrap_or_default();
        let version = root.str_field("version").map(str::trim).unwrap_or_default();
        if name.is_empty() || version.is_empty() {
            return Ok(Analysis::default());
        }
        let mut licenses: Vec<String> = super::json_license(root.get("license")).into_iter().collect();
        if let Some(json::Value::Array(items)) = root.get("licenses").map(|n| &n.value) {
            licenses.extend(items.iter().filter_map(|item| super::json_license(Some(item))));
        }
        let package = Package::builder(Ecosystem::Npm, name, version)
            .licenses(licenses)
            .location(Location::file(input.file.path))
            .build();
        Ok(Analysis::packages(vec![package]))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rampart_model::Relationship;

    use super::*;
    use crate::NoFiles;
    use crate::testing::run;

    const EXPRESS: &[u8] = include_bytes!("../../fixtures/npm/node_modules/express/package.json");
    const SCOPED: &[u8] = include_bytes!("../../fixtures/npm/node_modules/@tootallnate/once/package.json");

    #[test]
    fn accepts_only_installed_manifests() {
        let yes = |p: &str| NodePackageJson.accepts(&FileInfo::new(p, 1, false));
        assert!(yes("node_modules/express/package.json"));
        assert!(yes("app/node_modules/a/node_modules/@s/b/package.json"));
        assert!(yes("node_modules/@s/b/package.json"));
        assert!(!yes("package.json"));
        assert!(!yes("app/package.json"));
        assert!(!yes("node_modules/package.json"));
        assert!(!yes("node_modules/@s/package.json"));
        assert!(!yes("node_modules/express/lib/package.json"));
        assert!(!yes("node_modules/@s/b/c/package.json"));
        assert!(!yes("node_modules/.bin/package.json"));
        assert!(!yes("node_modules/express/package.jsonx"));
    }

    #[test]
    fn reads_name_version_and_licence() {
        let a = run(&NodePackageJson, "app/node_modules/express/package.json", EXPRESS, &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 1);
        let p = &a.packages[0];
        assert_eq!(
            (p.name.as_str(), p.version.as_str(), p.licenses.as_slice()),
            ("express", "4.16.0", ["MIT".to_string()].as_slice())
        );
        assert_eq!(p.relationship, Relationship::Unknown);
        assert_eq!(p.locations, [Location::file("app/node_modules/express/package.json")]);
        let a =
            run(&NodePackageJson, "node_modules/@tootallnate/once/package.json", SCOPED, &NoFiles).unwrap();
        assert_eq!(a.packages[0].id, "@tootallnate/once@2.0.0");
        assert_eq!(a.packages[0].purl, "pkg:npm/%40tootallnate/once@2.0.0");
    }

    #[test]
    fn legacy_licence_forms_and_non_packages() {
        let p = "node_modules/x/package.json";
        let obj = br#"{"name": "x", "version": "1.0.0", "license": {"type": "BSD", "url": "u"}}"#;
        assert_eq!(run(&NodePackageJson, p, obj, &NoFiles).unwrap().packages[0].licenses, ["BSD"]);
        let arr = br#"{"name": "x", "version": "1.0.0", "licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}, "GPL-2.0"]}"#;
        assert_eq!(
            run(&NodePackageJson, p, arr, &NoFiles).unwrap().packages[0].licenses,
            ["MIT", "Apache-2.0", "GPL-2.0"]
        );
        for none in [&br#"{"type": "module"}"#[..], br#"{"name": "x"}"#, br#"{"name": "", "version": "1"}"#] {
            let a = run(&NodePackageJson, p, none, &NoFiles).unwrap();
            assert!(a.packages.is_empty() && a.warnings.is_empty());
        }
        assert!(run(&NodePackageJson, p, b"[1]", &NoFiles).is_err());
        assert_eq!(run(&NodePackageJson, p, b"{\n\"name\": x", &NoFiles).unwrap_err().line(), Some(2));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), cut in 0usize..4096, at in 0usize..4096, byte in any::<u8>()) {
            let p = "node_modules/x/package.json";
            let _ = run(&NodePackageJson, p, &bytes, &NoFiles);
            let cut = cut % (EXPRESS.len() + 1);
            let _ = run(&NodePackageJson, p, &EXPRESS[..cut], &NoFiles);
            let mut mutated = EXPRESS.to_vec();
            let at = at % mutated.len();
            mutated[at] = byte;
            let _ = run(&NodePackageJson, p, &mutated, &NoFiles);
        }
    }
}
