//! `pnpm-lock.yaml`, lockfileVersion 5.x, 6.x, 7 and 9.

use std::collections::HashMap;

use rampart_model::{Ecosystem, Location};

use super::yaml::{self, Node};
use super::{Entries, Entry, split_name_range};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

/// Reads pnpm's `pnpm-lock.yaml`.
///
/// Packages are the entries of `packages` (keys `/name/1.2.3_peer` in v5, `/name@1.2.3(peer)` in
/// v6, `name@1.2.3(peer)` in v7/v9; the `name`/`version` fields win when present, as for git and
/// tarball packages), located at the lines of their entry. Variants of one package that differ
/// only by their peers are merged. Edges come from each entry's `dependencies` and
/// `optionalDependencies` (from `snapshots` in v7/v9). Direct packages are those the importers
/// (the root document in v5/v6 without workspaces, else each of `importers`) declare. Dev: the
/// `dev` flags of v5/v6 when present, else (v7/v9) the packages reachable only from
/// `devDependencies`. `link:` dependencies (workspace packages) are not packages. pnpm records no
/// licences.
pub struct PnpmLock;

impl Analyzer for PnpmLock {
    fn name(&self) -> &'static str {
        "pnpm-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "pnpm-lock.yaml" && !super::in_node_modules(file.path)
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let Some(doc) = yaml::load(text)? else {
            return Err(AnalyzeError::parse(None, "empty pnpm-lock.yaml"));
        };
        if !yaml::is_mapping(&doc) {
            return Err(AnalyzeError::parse(
                Some(yaml::start_line(&doc)),
                "pnpm-lock.yaml must be a mapping",
            ));
        }
        let Some(version) = yaml::get_str(&doc, "lockfileVersion") else {
            return Err(AnalyzeError::parse(Some(1), "no `lockfileVersion`: not a pnpm lockfile"));
        };
        let major: u32 =
            version.trim_matches(['\'', '"']).split('.').next().and_then(|m| m.parse().ok()).ok_or_else(
                || {
                    AnalyzeError::parse(
                        Some(yaml::start_line(&doc)),
                        format!("unknown lockfileVersion `{version}`"),
                    )
                },
            )?;
        if !(5..=9).contains(&major) {
            return Err(AnalyzeError::parse(Some(1), format!("unsupported lockfileVersion `{version}`")));
        }
        let path = input.file.path;
        let mut analysis = Analysis::default();
        let mut entries = Entries::default();
        let style = if major < 6 { KeyStyle::V5 } else { KeyStyle::V6 };

        // Packages, with the key that dependency references resolve to.
        let mut keys: HashMap<String, String> = HashMap::new(); // normalized key -> id
        let mut any_dev_flag = false;
        let packages = yaml::get(&doc, "packages");
        for (key, node) in packages.map(yaml::entries).unwrap_or_default() {
            let parsed = parse_key(key, style);
            let name = yaml::get_str(node, "name").or(parsed.map(|p| p.0));
            let version = yaml::get_str(node, "version").or(parsed.map(|p| p.1));
            let (Some(name), Some(version)) = (name, version) else {
                analysis.warn(
                    path,
                    Some(yaml::start_line(node)),
                    format!("cannot read a name and version from `{key}`: skipped"),
                );
                continue;
            };
            let mut entry = Entry::new(name, version);
            if let Some(dev) = yaml::get(node, "dev").and_then(yaml::scalar) {
                any_dev_flag = true;
                entry.dev = dev == "true";
            }
            let start = yaml::get_key_line(packages, key).unwrap_or_else(|| yaml::start_line(node));
            entry.locations.push(Location::lines(path, start, yaml::end_line(node).max(start)));
            let id = entries.add(entry);
            keys.insert(normalize_key(key, style), id);
        }
        let lookup = |key: &str| -> Option<String> {
            let wanted = normalize_key(key, style);
            keys.get(&wanted).cloned()
        };

        // Edges: from `snapshots` (v7+) or from `packages`.
        let graph = yaml::get(&doc, "snapshots").or(packages);
        for (key, node) in graph.map(yaml::entries).unwrap_or_default() {
            let Some(from) = lookup(key) else {
                analysis.warn(
                    path,
                    Some(yaml::start_line(node)),
                    format!("snapshot `{key}` has no package entry: skipped"),
                );
                continue;
            };
            let mut edges = Vec::new();
            for field in ["dependencies", "optionalDependencies"] {
                for (dep, reference) in yaml::get(node, field).map(yaml::entries).unwrap_or_default() {
                    let Some(reference) = yaml::string(reference) else { continue };
                    match reference_key(dep, reference, style).and_then(|k| lookup(&k)) {
                        Some(id) => edges.push(id),
                        None if reference.starts_with("link:") || reference.starts_with("file:") => {}
                        None => analysis.warn(
                            path,
                            Some(yaml::start_line(node)),
                            format!("`{key}` depends on `{dep}` {reference}, which is not in the lockfile"),
                        ),
                    }
                }
            }
            if let Some(e) = entries.get_mut(&from) {
                e.depends_on.extend(edges);
            }
        }

        // Direct dependencies of the importers.
        let importers: Vec<&Node<'_>> = match yaml::get(&doc, "importers") {
            Some(importers) => yaml::entries(importers).into_iter().map(|(_, n)| n).collect(),
            None => vec![&doc],
        };
        let (mut prod_roots, mut dev_roots) = (Vec::new(), Vec::new());
        for importer in importers {
            for (field, dev) in
                [("dependencies", false), ("optionalDependencies", false), ("devDependencies", true)]
            {
                for (dep, spec) in yaml::get(importer, field).map(yaml::entries).unwrap_or_default() {
                    // v5: `name: version`; v6+: `name: {specifier, version}`.
                    let Some(reference) = yaml::string(spec).or_else(|| yaml::get_str(spec, "version"))
                    else {
                        continue;
                    };
                    let Some(id) = reference_key(dep, reference, style).and_then(|k| lookup(&k)) else {
                        if !reference.starts_with("link:") && !reference.starts_with("file:") {
                            analysis.warn(
                                path,
                                Some(yaml::start_line(spec)),
                                format!("`{dep}` {reference} is not in the lockfile"),
                            );
                        }
                        continue;
                    };
                    if let Some(e) = entries.get_mut(&id) {
                        e.direct = true;
                    }
                    if dev { dev_roots.push(id) } else { prod_roots.push(id) }
                }
            }
        }
        if !any_dev_flag {
            entries.derive_dev(&prod_roots, &dev_roots);
        }
        analysis.packages = entries.into_packages(true);
        Ok(analysis)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum KeyStyle {
    /// `/name/1.2.3_peer@1.0.0`
    V5,
    /// `/name@1.2.3(peer@1.0.0)` (v6) and `name@1.2.3(peer@1.0.0)` (v7/v9)
    V6,
}

/// The name and version of a package key, without its peer suffix.
fn parse_key(key: &str, style: KeyStyle) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    match style {
        KeyStyle::V5 => {
            let (name_end, rest) = if key.starts_with('@') {
                let first = key.find('/')?;
                let second = key.get(first + 1..)?.find('/')? + first + 1;
                (second, key.get(second + 1..)?)
            } else {
                let first = key.find('/')?;
                (first, key.get(first + 1..)?)
            };
            let name = key.get(..name_end)?;
            let version = rest.split('_').next()?;
            (!name.is_empty() && !version.is_empty() && !version.contains('/')).then_some((name, version))
        }
        KeyStyle::V6 => {
            let key = key.split('(').next()?;
            let (name, version) = split_name_range(key)?;
            (!version.is_empty()).then_some((name, version))
        }
    }
}

/// A key reduced to `name@version`, for matching references to entries.
fn normalize_key(key: &str, style: KeyStyle) -> String {
    match parse_key(key, style) {
        Some((name, version)) => format!("{name}@{version}"),
        None => key.to_string(),
    }
}

/// The package key a dependency reference points to: `2.1.2`, `2.1.2_peer`, `2.1.2(peer)`, an
/// alias (`/other/1.0.0`, `other@1.0.0`) or a full key.
fn reference_key(dep: &str, reference: &str, style: KeyStyle) -> Option<String> {
    if reference.starts_with("link:") || reference.starts_with("file:") {
        return None;
    }
    let alias = style == KeyStyle::V6 && reference.split('(').next().and_then(split_name_range).is_some();
    if reference.starts_with('/') || alias {
        return Some(reference.to_string());
    }
    let version = match style {
        KeyStyle::V5 => reference.split('_').next()?,
        KeyStyle::V6 => reference.split('(').next()?,
    };
    Some(match style {
        KeyStyle::V5 => format!("/{dep}/{version}"),
        KeyStyle::V6 => format!("{dep}@{version}"),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rampart_model::{Package, Relationship};

    use super::*;
    use crate::NoFiles;
    use crate::testing::run;

    const V5: &[u8] = include_bytes!("../../fixtures/npm/pnpm-v5/pnpm-lock.yaml");
    const V6: &[u8] = include_bytes!("../../fixtures/npm/pnpm-v6/pnpm-lock.yaml");
    const V9: &[u8] = include_bytes!("../../fixtures/npm/pnpm-v9/pnpm-lock.yaml");

    fn summary(pkgs: &[Package]) -> Vec<(String, Relationship, bool, Vec<String>, u32, u32)> {
        pkgs.iter()
            .map(|p| {
                let l = &p.locations[0];
                (
                    p.id.clone(),
                    p.relationship,
                    p.dev,
                    p.depends_on.clone(),
                    l.start_line.unwrap(),
                    l.end_line.unwrap(),
                )
            })
            .collect()
    }

    fn s(
        id: &str,
        r: Relationship,
        dev: bool,
        deps: &[&str],
        start: u32,
        end: u32,
    ) -> (String, Relationship, bool, Vec<String>, u32, u32) {
        (id.to_string(), r, dev, deps.iter().map(|d| d.to_string()).collect(), start, end)
    }

    use Relationship::{Direct, Indirect};

    #[test]
    fn keys_of_each_version() {
        assert_eq!(parse_key("/@scope/a/1.0.0_b@2.0.0", KeyStyle::V5), Some(("@scope/a", "1.0.0")));
        assert_eq!(parse_key("/a/1.0.0", KeyStyle::V5), Some(("a", "1.0.0")));
        assert_eq!(parse_key("/@scope/a@1.0.0(b@2.0.0)", KeyStyle::V6), Some(("@scope/a", "1.0.0")));
        assert_eq!(parse_key("a@1.0.0(b@2.0.0)(c@1)", KeyStyle::V6), Some(("a", "1.0.0")));
        assert_eq!(parse_key("/a", KeyStyle::V5), None);
        assert_eq!(reference_key("ms", "2.1.2", KeyStyle::V5).as_deref(), Some("/ms/2.1.2"));
        assert_eq!(
            reference_key("x", "string-width@4.2.3", KeyStyle::V6).as_deref(),
            Some("string-width@4.2.3")
        );
        assert_eq!(reference_key("x", "4.2.3(y@1)", KeyStyle::V6).as_deref(), Some("x@4.2.3"));
        assert_eq!(reference_key("x", "link:../x", KeyStyle::V6), None);
    }

    #[test]
    fn v5_with_dev_flags() {
        let a = run(&PnpmLock, "pnpm-lock.yaml", V5, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(
            summary(&a.packages),
            [
                s("@tootallnate/once@2.0.0", Direct, false, &[], 21, 24),
                s("debug@4.3.4", Direct, false, &["ms@2.1.2"], 26, 36),
                s("minimist@1.2.8", Direct, true, &[], 38, 40),
                s("ms@2.0.0", Direct, true, &[], 42, 44),
                s("ms@2.1.2", Indirect, false, &[], 46, 48),
                s("once@1.4.0", Direct, false, &["wrappy@1.0.2"], 50, 54),
                s("wrappy@1.0.2", Indirect, false, &[], 56, 58),
            ]
        );
    }

    #[test]
    fn v6_with_dev_flags() {
        let a = run(&PnpmLock, "pnpm-lock.yaml", V6, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got = summary(&a.packages);
        assert_eq!(got.len(), 7);
        assert_eq!(got[1], s("debug@4.3.4", Direct, false, &["ms@2.1.2"], 33, 43));
        assert_eq!(got[3], s("ms@2.0.0", Direct, true, &[], 49, 51));
        assert_eq!(got[6], s("wrappy@1.0.2", Indirect, false, &[], 63, 65));
    }

    #[test]
    fn v9_dev_from_reachability() {
        let a = run(&PnpmLock, "pnpm-lock.yaml", V9, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got = summary(&a.packages);
        let ids: Vec<_> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(ids.len(), 76, "{ids:?}");
        let find = |id: &str| got.iter().find(|g| g.0 == id).unwrap().clone();
        assert_eq!(find("express@4.16.0").1, Direct);
        assert!(!find("express@4.16.0").2);
        assert_eq!((find("mocha@5.2.0").1, find("mocha@5.2.0").2), (Direct, true));
        // minimist 0.0.8 only comes through mocha -> mkdirp.
        assert_eq!((find("minimist@0.0.8").1, find("minimist@0.0.8").2), (Indirect, true));
        assert_eq!(find("mkdirp@0.5.1").3, ["minimist@0.0.8"]);
        assert_eq!((find("minimist@1.2.0").1, find("minimist@1.2.0").2), (Direct, false));
        // debug 2.6.9 is used by express (prod) and 3.1.0 by mocha (dev).
        assert!(!find("debug@2.6.9").2);
        assert!(find("debug@3.1.0").2);
        let accepts = find("accepts@1.3.8");
        assert_eq!((accepts.4, accepts.5), (27, 29));
        assert_eq!(accepts.3, ["mime-types@2.1.35", "negotiator@0.6.3"]);
    }

    #[test]
    fn broken_files() {
        for bad in [
            &b""[..],
            b"- a",
            b"lockfileVersion: x\n",
            b"lockfileVersion: '3.0'\n",
            b"packages: {}\n",
            b"lockfileVersion: 9\npackages: [\n",
        ] {
            assert!(
                run(&PnpmLock, "pnpm-lock.yaml", bad, &NoFiles).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let partial = b"lockfileVersion: '9.0'\npackages:\n  weird: {}\n  a@1.0.0: {}\nsnapshots:\n  a@1.0.0:\n    dependencies:\n      b: 2.0.0\n";
        let a = run(&PnpmLock, "pnpm-lock.yaml", partial, &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.warnings.iter().map(|w| w.line).collect::<Vec<_>>(), [Some(3), Some(7)]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), cut in 0usize..8192, at in 0usize..8192, byte in any::<u8>()) {
            let _ = run(&PnpmLock, "pnpm-lock.yaml", &bytes, &NoFiles);
            for fixture in [V5, V6] {
                let cut = cut % (fixture.len() + 1);
                let _ = run(&PnpmLock, "pnpm-lock.yaml", &fixture[..cut], &NoFiles);
                let mut mutated = fixture.to_vec();
                let at = at % mutated.len();
                mutated[at] = byte;
                let _ = run(&PnpmLock, "pnpm-lock.yaml", &mutated, &NoFiles);
            }
        }
    }
}
