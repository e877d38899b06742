//! NuGet's `packages.lock.json`.

use std::collections::HashMap;

use rampart_model::{Ecosystem, Location, Package, Relationship};

use crate::json::{self, Node};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

/// Reads `packages.lock.json` (NuGet lock file version 1 and 2, written with
/// `RestorePackagesWithLockFile`).
///
/// `dependencies` maps each target framework (`net8.0`, or `net8.0/linux-x64` for a runtime) to
/// its packages. Reports each package at its `resolved` version: `Direct` entries as direct,
/// `Transitive` and `CentralTransitive` entries as indirect (direct wins when frameworks
/// disagree), with the lines of its entry (one location per framework listing it) and edges from
/// its `dependencies` map to the version resolved in the same framework. `Project` entries are
/// other projects of the solution, not packages, and are skipped, as is the project itself
/// (which the file does not name). The file does not say which packages are development-only.
pub struct PackagesLock;

impl Analyzer for PackagesLock {
    fn name(&self) -> &'static str {
        "dotnet-packages-lock"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "packages.lock.json"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let path = input.file.path;
        let root = json::parse(utf8(input.content)?)?;
        let frameworks = root.get("dependencies").and_then(Node::members).ok_or_else(|| {
            AnalyzeError::parse(Some(root.start), "no `dependencies` object: not a packages.lock.json")
        })?;
        let mut analysis = Analysis::default();
        let mut packages: Vec<Package> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();

        for framework in frameworks {
            let Some(entries) = framework.value.members() else {
                analysis.warn(
                    path,
                    Some(framework.line),
                    format!("framework `{}` is not an object", framework.key),
                );
                continue;
            };
            // The id each (case-insensitive) name resolves to in this framework; projects resolve
            // to nothing.
            let resolved: HashMap<String, String> = entries
                .iter()
                .filter(|e| e.value.get("type").and_then(Node::as_str) != Some("Project"))
                .filter_map(|e| {
                    let version = e.value.get("resolved")?.as_str().filter(|v| !v.is_empty())?;
                    Some((e.key.to_ascii_lowercase(), format!("{}@{version}", e.key)))
                })
                .collect();
            for entry in entries {
                let line = Some(entry.line);
                let kind = entry.value.get("type").and_then(Node::as_str);
                if kind == Some("Project") {
                    continue;
                }
                if entry.value.members().is_none() {
                    analysis.warn(path, line, format!("package `{}` is not an object", entry.key));
                    continue;
                }
                let Some(version) =
                    entry.value.get("resolved").and_then(Node::as_str).filter(|v| !v.is_empty())
                else {
                    analysis.warn(path, line, format!("package `{}` has no resolved version", entry.key));
                    continue;
                };
                if entry.key.is_empty() {
                    analysis.warn(path, line, "package without a name");
                    continue;
                }
                let relationship = match kind {
                    Some("Direct") => Relationship::Direct,
                    Some("Transitive" | "CentralTransitive") => Relationship::Indirect,
                    _ => Relationship::Unknown,
                };
                let deps: Vec<String> = entry
                    .value
                    .get("dependencies")
                    .and_then(Node::members)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|d| resolved.get(&d.key.to_ascii_lowercase()).cloned())
                    .collect();
                let location = Location::lines(path, entry.line, entry.value.end);
                let id = format!("{}@{version}", entry.key);
                match index.get(&id).and_then(|&i| packages.get_mut(i)) {
                    Some(p) => {
                        if relationship == Relationship::Direct
                            || (p.relationship == Relationship::Unknown
                                && relationship == Relationship::Indirect)
                        {
                            p.relationship = relationship;
                        }
                        p.locations.push(location);
                        for d in deps {
                            if !p.depends_on.contains(&d) {
                                p.depends_on.push(d);
                            }
                        }
                        p.depends_on.sort();
                    }
                    None => {
                        index.insert(id, packages.len());
                        packages.push(
                            Package::builder(Ecosystem::NuGet, entry.key.as_str(), version)
                                .relationship(relationship)
                                .depends_on(deps)
                                .location(location)
                                .build(),
                        );
                    }
                }
            }
        }
        analysis.packages = packages;
        Ok(analysis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::run;
    use proptest::prelude::*;

    type Row<'a> = (&'a str, Relationship, Vec<&'a str>, Vec<(u32, u32)>);

    const LOCK: &[u8] = include_bytes!("../../fixtures/dotnet/packages.lock.json");

    #[test]
    fn multi_target_lockfile() {
        let a = run(&PackagesLock, "src/App/packages.lock.json", LOCK, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<Row<'_>> = a
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.ecosystem, Ecosystem::NuGet);
                assert!(!p.dev && p.licenses.is_empty());
                assert!(p.locations.iter().all(|l| l.path == "src/App/packages.lock.json"));
                (
                    p.id.as_str(),
                    p.relationship,
                    p.depends_on.iter().map(String::as_str).collect(),
                    p.locations.iter().map(|l| (l.start_line.unwrap(), l.end_line.unwrap())).collect(),
                )
            })
            .collect();
        use Relationship::*;
        assert_eq!(
            got,
            vec![
                ("Newtonsoft.Json@13.0.3", Direct, vec![], vec![(5, 10), (38, 43)]),
                ("Serilog.Sinks.Console@5.0.1", Direct, vec!["Serilog@3.1.1"], vec![(11, 19), (44, 52)]),
                ("Microsoft.Extensions.Logging.Abstractions@6.0.0", Indirect, vec![], vec![(20, 24)]),
                ("Serilog@3.1.1", Indirect, vec![], vec![(25, 29), (66, 70)]),
                (
                    "Microsoft.Extensions.DependencyInjection.Abstractions@8.0.0",
                    Indirect,
                    vec![],
                    vec![(53, 57)]
                ),
                (
                    "Microsoft.Extensions.Logging.Abstractions@8.0.0",
                    Indirect,
                    vec!["Microsoft.Extensions.DependencyInjection.Abstractions@8.0.0"],
                    vec![(58, 65)]
                ),
            ]
        );
        assert_eq!(a.packages[0].purl, "pkg:nuget/Newtonsoft.Json@13.0.3");
    }

    #[test]
    fn central_runtime_and_odd_entries() {
        let text = br#"{
  "version": 2,
  "dependencies": {
    "net8.0": {
      "Azure.Core": {"type": "CentralTransitive", "requested": "[1.38.0, )", "resolved": "1.38.0", "dependencies": {"system.memory.data": "1.0.2", "Lib": "1.0.0"}},
      "System.Memory.Data": {"type": "Transitive", "resolved": "1.0.2"},
      "Lib": {"type": "Project"},
      "NoVersion": {"type": "Direct", "requested": "[1.0.0, )"},
      "Weird": 3
    },
    "net8.0/linux-x64": {
      "Azure.Core": {"type": "Direct", "resolved": "1.38.0"},
      "Odd": {"type": "Something", "resolved": "2.0.0"}
    },
    "net9.0": []
  }
}"#;
        let a = run(&PackagesLock, "packages.lock.json", text, &NoFiles).unwrap();
        let ids: Vec<(&str, Relationship, &[String])> =
            a.packages.iter().map(|p| (p.id.as_str(), p.relationship, p.depends_on.as_slice())).collect();
        assert_eq!(
            ids,
            vec![
                ("Azure.Core@1.38.0", Relationship::Direct, &["System.Memory.Data@1.0.2".to_string()][..]),
                ("System.Memory.Data@1.0.2", Relationship::Indirect, &[][..]),
                ("Odd@2.0.0", Relationship::Unknown, &[][..]),
            ]
        );
        let lines: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![Some(8), Some(9), Some(15)]);
    }

    #[test]
    fn broken_files_are_errors() {
        for (text, line) in
            [(&b"{\"version\": 1}"[..], Some(1)), (b"{\"dependencies\": [1]}", Some(1)), (b"{\n,}", Some(2))]
        {
            assert_eq!(run(&PackagesLock, "packages.lock.json", text, &NoFiles).unwrap_err().line(), line);
        }
        let a = run(&PackagesLock, "packages.lock.json", b"{\"version\": 1, \"dependencies\": {}}", &NoFiles)
            .unwrap();
        assert_eq!(a, Analysis::default());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0..LOCK.len(), at in 0..LOCK.len(), b in any::<u8>()) {
            let _ = run(&PackagesLock, "packages.lock.json", &bytes, &NoFiles);
            let _ = run(&PackagesLock, "packages.lock.json", &LOCK[..cut], &NoFiles);
            let mut m = LOCK.to_vec();
            m[at] = b;
            let _ = run(&PackagesLock, "packages.lock.json", &m, &NoFiles);
        }
    }
}
