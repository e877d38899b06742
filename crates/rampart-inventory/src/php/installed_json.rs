//! Composer's record of installed packages, `vendor/composer/installed.json`.

use std::collections::HashSet;

use rampart_model::{Ecosystem, Relationship};

use crate::json::{self, Node};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, Grouping, utf8};

/// Reads `installed.json` in a `composer` directory (normally `vendor/composer/`): Composer 1
/// writes an array of package objects, Composer 2 `{"packages": [...], "dev": …,
/// "dev-package-names": [...]}`.
///
/// Reports each installed package (version as written, `license` list, the lines of its entry,
/// edges from `require` to the other installed packages, platform requirements left out) in the
/// "PHP packages" group. Composer 2 names the packages installed only for development in
/// `dev-package-names`; those are marked dev. The file does not say which packages the project
/// asked for, so the relationship is unknown.
pub struct InstalledJson;

impl Analyzer for InstalledJson {
    fn name(&self) -> &'static str {
        "php-installed-json"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Packagist
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "installed.json" && (file.dir() == "composer" || file.dir().ends_with("/composer"))
    }

    fn grouping(&self) -> Grouping {
        Grouping::Aggregate("PHP packages")
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let root = json::parse(utf8(input.content)?)?;
        let path = input.file.path;
        let mut analysis = Analysis::default();
        let (items, dev_names): (&[Node], HashSet<String>) = match (root.items(), root.get("packages")) {
            // Composer 1.
            (Some(items), _) => (items, HashSet::new()),
            // Composer 2.
            (None, Some(packages)) => {
                let items = packages.items().ok_or_else(|| {
                    AnalyzeError::parse(
                        Some(packages.start),
                        format!("`packages` is {}, not an array", packages.kind()),
                    )
                })?;
                let dev_names = root
                    .get("dev-package-names")
                    .and_then(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_str)
                    .map(str::to_ascii_lowercase)
                    .collect();
                (items, dev_names)
            }
            (None, None) => {
                return Err(AnalyzeError::parse(
                    Some(root.start),
                    "neither an array of packages nor an object with `packages`: not Composer's installed.json",
                ));
            }
        };
        let mut entries = super::entries(&mut analysis, path, items, false);
        for e in &mut entries {
            e.dev = dev_names.contains(&e.name.to_ascii_lowercase());
        }
        analysis.packages = super::packages(path, &entries, |_| Relationship::Unknown);
        Ok(analysis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::run;
    use proptest::prelude::*;
    use rampart_model::Location;

    type Row<'a> = (&'a str, bool, Vec<&'a str>, Vec<&'a str>, Vec<Location>);

    const INSTALLED: &[u8] = include_bytes!("../../fixtures/php/installed.json");
    const PATH: &str = "app/vendor/composer/installed.json";

    #[test]
    fn composer2_installed_json() {
        let a = run(&InstalledJson, PATH, INSTALLED, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<Row<'_>> = a
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.relationship, Relationship::Unknown);
                assert_eq!(p.ecosystem, Ecosystem::Packagist);
                (
                    p.id.as_str(),
                    p.dev,
                    p.licenses.iter().map(String::as_str).collect(),
                    p.depends_on.iter().map(String::as_str).collect(),
                    p.locations.clone(),
                )
            })
            .collect();
        let at = |s, e| vec![Location::lines(PATH, s, e)];
        assert_eq!(
            got,
            vec![
                ("doctrine/instantiator@1.5.0", true, vec!["MIT"], vec![], at(3, 31)),
                ("monolog/monolog@2.9.1", false, vec!["MIT"], vec!["psr/log@3.0.0"], at(32, 64)),
                (
                    "myvendor/testtool@0.4.2",
                    true,
                    vec!["BSD-3-Clause", "GPL-2.0-or-later"],
                    vec!["doctrine/instantiator@1.5.0", "symfony/polyfill-mbstring@v1.27.0"],
                    at(65, 92)
                ),
                ("psr/log@3.0.0", false, vec!["MIT"], vec![], at(93, 121)),
                ("symfony/polyfill-mbstring@v1.27.0", false, vec!["MIT"], vec![], at(122, 153)),
            ]
        );
    }

    /// Composer 1 wrote the bare array of packages (and no dev list): the same entries, derived
    /// from the real Composer 2 file.
    #[test]
    fn composer1_installed_json() {
        let text = std::str::from_utf8(INSTALLED).unwrap();
        let start = text.find('[').unwrap();
        let end = text.find("\n    ],").unwrap() + "\n    ]".len();
        let composer1 = &text[start..end];
        let a =
            run(&InstalledJson, "vendor/composer/installed.json", composer1.as_bytes(), &NoFiles).unwrap();
        assert!(a.warnings.is_empty());
        assert_eq!(a.packages.len(), 5);
        assert!(a.packages.iter().all(|p| !p.dev));
        assert_eq!(a.packages[1].id, "monolog/monolog@2.9.1");
        assert_eq!(a.packages[1].locations[0].start_line, Some(31));
    }

    #[test]
    fn accepts_and_rejects() {
        let accepts = |p: &str| InstalledJson.accepts(&FileInfo::new(p, 1, false));
        assert!(accepts("vendor/composer/installed.json"));
        assert!(accepts("composer/installed.json"));
        assert!(!accepts("vendor/installed.json"));
        assert!(!accepts("node_modules/x/installed.json"));
        for (text, line) in
            [(&b"{\"dev\": true}"[..], Some(1)), (b"{\"packages\": 3}", Some(1)), (b"nul", Some(1))]
        {
            assert_eq!(run(&InstalledJson, PATH, text, &NoFiles).unwrap_err().line(), line);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0..INSTALLED.len(), at in 0..INSTALLED.len(), b in any::<u8>()) {
            let _ = run(&InstalledJson, PATH, &bytes, &NoFiles);
            let _ = run(&InstalledJson, PATH, &INSTALLED[..cut], &NoFiles);
            let mut m = INSTALLED.to_vec();
            m[at] = b;
            let _ = run(&InstalledJson, PATH, &m, &NoFiles);
        }
    }
}
