//! Bundler's `Gemfile.lock`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rampart_model::{Ecosystem, Location, Package, Relationship};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

/// Reads `Gemfile.lock` (any Bundler version; also `gems.locked`, its name next to a `gems.rb`).
///
/// Reports every gem of the `specs:` lists of the `GEM`, `GIT`, `PATH` and `PLUGIN SOURCE`
/// sections (a 4-space line `name (version)` or `name (version-platform)`), with the platform
/// suffix removed from the version, the line of its spec, and edges from its 6-space dependency
/// lines to the gems of the file with those names. Gems named in `DEPENDENCIES` (with or without
/// the `!` that marks a pinned source) are `Direct`, the others `Indirect`; without a
/// `DEPENDENCIES` section the relationship is unknown. A gem locked for several platforms at the
/// same version is one package with one location per spec line.
///
/// The format does not say which Gemfile groups (e.g. `:development`) a gem belongs to, so
/// nothing is marked dev; `BUNDLED WITH` names the Bundler that wrote the file, not a dependency,
/// so Bundler itself is not reported (as Trivy does); `PLATFORMS`, `RUBY VERSION`, `CHECKSUMS`
/// and unknown sections are skipped.
pub struct GemfileLock;

impl Analyzer for GemfileLock {
    fn name(&self) -> &'static str {
        "ruby-gemfile-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::RubyGems
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "Gemfile.lock" || file.file_name == "gems.locked"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        parse(input.file.path, utf8(input.content)?)
    }
}

#[derive(PartialEq, Clone, Copy)]
enum Section {
    /// Before the first header.
    None,
    /// `GEM`, `GIT`, `PATH`, `PLUGIN SOURCE`: a source with `specs:`.
    Source,
    Dependencies,
    /// Sections whose content is not about packages (`PLATFORMS`, `BUNDLED WITH`, ...).
    Other,
}

struct Spec {
    name: String,
    version: String,
    lines: Vec<u32>,
    deps: Vec<String>,
}

fn parse(path: &str, text: &str) -> Result<Analysis, AnalyzeError> {
    let mut analysis = Analysis::default();
    let mut section = Section::None;
    let mut seen_header = false;
    let mut has_dependencies = false;
    let mut direct: BTreeSet<String> = BTreeSet::new();
    let mut specs: Vec<Spec> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    // The spec that the 6-space lines below belong to (index into `specs`).
    let mut current: Option<usize> = None;

    for (index, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim_start_matches(' ');
        if content.starts_with('\t') {
            analysis.warn(path, Some(line_no), "tab in indentation; line skipped");
            continue;
        }
        if indent == 0 {
            current = None;
            seen_header = true;
            section = match content.trim_end() {
                "GEM" | "GIT" | "PATH" | "PLUGIN SOURCE" => Section::Source,
                "DEPENDENCIES" => {
                    has_dependencies = true;
                    Section::Dependencies
                }
                h if h.chars().all(|c| c.is_ascii_uppercase() || c == ' ') => Section::Other,
                _ => {
                    return Err(AnalyzeError::parse(
                        Some(line_no),
                        format!("not a Gemfile.lock section header: {}", shorten(content)),
                    ));
                }
            };
            continue;
        }
        match section {
            Section::None => {
                return Err(AnalyzeError::parse(
                    Some(line_no),
                    "indented line before any Gemfile.lock section",
                ));
            }
            Section::Other => {}
            Section::Dependencies => {
                if indent != 2 {
                    analysis.warn(
                        path,
                        Some(line_no),
                        format!("unexpected indentation {indent} in DEPENDENCIES"),
                    );
                    continue;
                }
                let name = content.split([' ', '(']).next().unwrap_or_default().trim_end_matches('!');
                if name.is_empty() {
                    analysis.warn(path, Some(line_no), "dependency without a name");
                } else {
                    direct.insert(name.to_string());
                }
            }
            Section::Source => match indent {
                // `remote:`, `revision:`, `ref:`, `branch:`, `glob:`, `specs:` ...
                2 => current = None,
                4 => {
                    current = None;
                    let Some((name, version)) = spec_line(content) else {
                        analysis.warn(
                            path,
                            Some(line_no),
                            format!("not a `name (version)` spec: {}", shorten(content)),
                        );
                        continue;
                    };
                    let id = format!("{name}@{version}");
                    let at = match by_id.get(&id) {
                        Some(&at) => at,
                        None => {
                            specs.push(Spec {
                                name: name.to_string(),
                                version: version.to_string(),
                                lines: Vec::new(),
                                deps: Vec::new(),
                            });
                            by_id.insert(id, specs.len() - 1);
                            specs.len() - 1
                        }
                    };
                    if let Some(spec) = specs.get_mut(at) {
                        spec.lines.push(line_no);
                    }
                    current = Some(at);
                }
                6 => {
                    let name = content.split([' ', '(']).next().unwrap_or_default();
                    match current.and_then(|at| specs.get_mut(at)) {
                        Some(spec) if !name.is_empty() => spec.deps.push(name.to_string()),
                        _ => analysis.warn(path, Some(line_no), "dependency line outside a spec"),
                    }
                }
                _ => analysis.warn(path, Some(line_no), format!("unexpected indentation {indent}")),
            },
        }
    }

    if !seen_header {
        if text.trim().is_empty() {
            return Ok(analysis);
        }
        return Err(AnalyzeError::parse(Some(1), "no Gemfile.lock section"));
    }

    let mut ids_by_name: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for spec in &specs {
        ids_by_name.entry(&spec.name).or_default().push(format!("{}@{}", spec.name, spec.version));
    }
    for spec in &specs {
        let relationship = if !has_dependencies {
            Relationship::Unknown
        } else if direct.contains(&spec.name) {
            Relationship::Direct
        } else {
            Relationship::Indirect
        };
        let deps = spec.deps.iter().filter_map(|d| ids_by_name.get(d.as_str())).flatten().cloned();
        let mut builder = Package::builder(Ecosystem::RubyGems, &spec.name, &spec.version)
            .relationship(relationship)
            .depends_on(deps);
        for &line in &spec.lines {
            builder = builder.location(Location::lines(path, line, line));
        }
        analysis.packages.push(builder.build());
    }
    Ok(analysis)
}

/// `name (version)` or `name (version-platform)` → (name, version without the platform).
fn spec_line(content: &str) -> Option<(&str, &str)> {
    let (name, rest) = content.trim_end().split_once(" (")?;
    let version = rest.strip_suffix(')')?;
    // RubyGems versions have no `-`; what follows the first one is the platform
    // (`x86_64-linux`, `java`, `arm64-darwin`, `x86_64-linux-musl`, ...).
    let version = version.split('-').next().unwrap_or_default();
    let valid = |s: &str| !s.is_empty() && !s.contains([' ', '(', ')', ',']);
    (valid(name) && valid(version)).then_some((name, version))
}

fn shorten(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::run;
    use proptest::prelude::*;

    const FIXTURE: &[u8] = include_bytes!("../../fixtures/ruby/Gemfile.lock");

    fn pkg<'a>(a: &'a Analysis, id: &str) -> &'a Package {
        a.packages.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("no {id}"))
    }

    #[test]
    fn bundler_lockfile() {
        let a = run(&GemfileLock, "app/Gemfile.lock", FIXTURE, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<(&str, &str, Relationship, u32, Vec<&str>)> = a
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.ecosystem, Ecosystem::RubyGems);
                assert!(!p.dev);
                assert!(p.licenses.is_empty());
                assert_eq!(p.locations.len(), 1);
                assert_eq!(p.locations[0].path, "app/Gemfile.lock");
                assert_eq!(p.locations[0].start_line, p.locations[0].end_line);
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.relationship,
                    p.locations[0].start_line.unwrap(),
                    p.depends_on.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        use Relationship::*;
        assert_eq!(
            got,
            vec![
                ("tinyutil", "0.2.0", Direct, 5, vec!["racc@1.6.0"]),
                ("mylib", "0.1.0", Direct, 11, vec!["rack@2.2.22"]),
                ("nokogiri", "1.13.10", Direct, 17, vec!["racc@1.6.0"]),
                ("racc", "1.6.0", Indirect, 19, vec![]),
                ("rack", "2.2.22", Direct, 20, vec![]),
                ("rack-test", "2.0.2", Direct, 21, vec!["rack@2.2.22"]),
                ("rake", "13.0.6", Direct, 23, vec![]),
                ("webrick", "1.8.1", Direct, 24, vec![]),
            ]
        );
        assert_eq!(pkg(&a, "nokogiri@1.13.10").purl, "pkg:gem/nokogiri@1.13.10");
    }

    /// The fixture as Bundler ≥ 2.5 writes it (`CHECKSUMS`, `RUBY VERSION`), locked for two
    /// platforms, with a transitive gem and a dependency on Bundler itself.
    #[test]
    fn newer_sections_platforms_and_indirect_gems() {
        let text = "GEM\n  remote: https://registry.example/\n  specs:\n    nokogiri (1.16.0-aarch64-linux)\n      racc (~> 1.4)\n    nokogiri (1.16.0-x86_64-linux-musl)\n      racc (~> 1.4)\n    racc (1.7.3)\n    rails-dom (1.0.0.pre.2)\n      bundler (>= 1.15.0)\n      nokogiri (>= 1.6)\n\nPLATFORMS\n  aarch64-linux\n  x86_64-linux-musl\n\nDEPENDENCIES\n  rails-dom (>= 1.0, < 2)!\n\nCHECKSUMS\n  nokogiri (1.16.0-aarch64-linux) sha256=00\n  racc (1.7.3) sha256=11\n\nRUBY VERSION\n   ruby 3.3.0p0\n\nBUNDLED WITH\n   2.5.4\n";
        let a = run(&GemfileLock, "Gemfile.lock", text.as_bytes(), &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(a.packages.len(), 3);
        let n = pkg(&a, "nokogiri@1.16.0");
        assert_eq!(n.relationship, Relationship::Indirect);
        assert_eq!(
            n.locations,
            vec![Location::lines("Gemfile.lock", 4, 4), Location::lines("Gemfile.lock", 6, 6)]
        );
        assert_eq!(n.depends_on, vec!["racc@1.7.3"]);
        let r = pkg(&a, "rails-dom@1.0.0.pre.2");
        assert_eq!(r.relationship, Relationship::Direct);
        assert_eq!(r.depends_on, vec!["nokogiri@1.16.0"]);
        assert_eq!(pkg(&a, "racc@1.7.3").relationship, Relationship::Indirect);
    }

    #[test]
    fn without_dependencies_section_relationship_is_unknown() {
        let a = run(&GemfileLock, "Gemfile.lock", b"GEM\n  specs:\n    rack (2.2.3)\n", &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.packages[0].relationship, Relationship::Unknown);
        assert_eq!(a.packages[0].id, "rack@2.2.3");
    }

    #[test]
    fn broken_entries_are_warned_and_skipped() {
        let text = "GEM\n  specs:\n    rack 2.2.3\n      orphan (>= 1)\n    rake (13.0.6)\n     odd\n\t  tabbed (1)\n    ()\n\nDEPENDENCIES\n    deep\n  rake\n";
        let a = run(&GemfileLock, "Gemfile.lock", text.as_bytes(), &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.packages[0].id, "rake@13.0.6");
        assert_eq!(a.packages[0].relationship, Relationship::Direct);
        let lines: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![Some(3), Some(4), Some(6), Some(7), Some(8), Some(11)]);
    }

    #[test]
    fn what_is_not_a_lockfile_is_an_error() {
        for (text, line) in [
            (&b"{\"lockfileVersion\": 3}"[..], 1),
            (b"  rack (1.0)\n", 1),
            (b"# comment\nGEM\n", 1),
            (b"GEM\n  specs:\nrack (1.0)\n", 3),
        ] {
            let e = run(&GemfileLock, "Gemfile.lock", text, &NoFiles).unwrap_err();
            assert_eq!(e.line(), Some(line), "{e}");
        }
        assert!(run(&GemfileLock, "Gemfile.lock", b"\xff", &NoFiles).is_err());
        assert_eq!(run(&GemfileLock, "Gemfile.lock", b"\n", &NoFiles).unwrap(), Analysis::default());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0..FIXTURE.len(), at in 0..FIXTURE.len(), b in any::<u8>()) {
            let _ = run(&GemfileLock, "Gemfile.lock", &bytes, &NoFiles);
            let _ = run(&GemfileLock, "Gemfile.lock", &FIXTURE[..cut], &NoFiles);
            let mut m = FIXTURE.to_vec();
            m[at] = b;
            let _ = run(&GemfileLock, "Gemfile.lock", &m, &NoFiles);
        }
    }
}
