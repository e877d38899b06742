//! .NET's `*.deps.json`, written next to a built application or library.

use std::collections::{HashMap, HashSet};

use rampart_model::{Ecosystem, Location, Package, Relationship};

use crate::json::{self, Member, Node};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

/// Reads `NAME.deps.json`.
///
/// Reports each entry of `libraries` of type `package` or `project` (keys `Name/Version`), with
/// the lines of its `libraries` entry and edges from the `dependencies` of its entry in the
/// runtime target (`runtimeTarget.name`; every target when that one is missing) to the other
/// reported libraries. Like Trivy, a package whose runtime-target entry has no `runtime`,
/// `runtimeTargets` or `native` assets (a build-time package such as SourceLink, or a reference
/// pack) is not part of the running application and is left out; reference assemblies and
/// runtime packs are too. The project named like the file (`App` for `App.deps.json`) is the
/// root, reported with its version as Trivy does; libraries it depends on are `Direct`, the
/// rest `Indirect` (unknown when no project is named like the file). The file does not say which
/// packages are development-only, nor licenses.
pub struct DepsJson;

impl Analyzer for DepsJson {
    fn name(&self) -> &'static str {
        "dotnet-deps-json"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name.len() > ".deps.json".len() && file.file_name.ends_with(".deps.json")
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let path = input.file.path;
        let root = json::parse(utf8(input.content)?)?;
        let libraries = root.get("libraries").and_then(Node::members).ok_or_else(|| {
            AnalyzeError::parse(Some(root.start), "no `libraries` object: not a .deps.json")
        })?;
        let mut analysis = Analysis::default();

        let targets = root.get("targets").and_then(Node::members).unwrap_or_default();
        let runtime_target = root.get("runtimeTarget").and_then(|t| t.get("name")).and_then(Node::as_str);
        let selected: Option<&[Member]> = runtime_target
            .and_then(|name| targets.iter().rev().find(|t| t.key == name))
            .and_then(|t| t.value.members());
        // The target entries that say what a library pulls in and ships.
        let scope: Vec<&[Member]> = match selected {
            Some(t) => vec![t],
            None => targets.iter().filter_map(|t| t.value.members()).collect(),
        };
        let target_entries = |key: &str| -> Vec<&Node> {
            scope.iter().filter_map(|t| t.iter().rev().find(|m| m.key == key)).map(|m| &m.value).collect()
        };

        // Libraries to report: (name, version, member).
        let mut kept: Vec<(&str, &str, &Member)> = Vec::new();
        for lib in libraries {
            let line = Some(lib.line);
            let Some(kind) = lib.value.get("type").and_then(Node::as_str) else {
                analysis.warn(path, line, format!("library `{}` has no type", lib.key));
                continue;
            };
            if !kind.eq_ignore_ascii_case("package") && !kind.eq_ignore_ascii_case("project") {
                continue;
            }
            let Some((name, version)) =
                lib.key.split_once('/').filter(|(n, v)| !n.is_empty() && !v.is_empty())
            else {
                analysis.warn(path, line, format!("library key `{}` is not `Name/Version`", lib.key));
                continue;
            };
            if let Some(t) = selected.and_then(|t| t.iter().rev().find(|m| m.key == lib.key)) {
                let ships = ["runtime", "runtimeTargets", "native"]
                    .iter()
                    .any(|k| t.value.get(k).is_some_and(|v| v.value != json::Value::Null));
                if !ships {
                    continue;
                }
            }
            kept.push((name, version, lib));
        }

        let id_of: HashMap<String, String> = kept
            .iter()
            .map(|(n, v, _)| (format!("{n}/{v}").to_ascii_lowercase(), format!("{n}@{v}")))
            .collect();
        let deps_of = |key: &str| -> Vec<String> {
            let mut out: Vec<String> = target_entries(key)
                .into_iter()
                .filter_map(|e| e.get("dependencies")?.members())
                .flatten()
                .filter_map(|d| {
                    id_of.get(&format!("{}/{}", d.key, d.value.as_str()?).to_ascii_lowercase()).cloned()
                })
                .collect();
            out.sort();
            out.dedup();
            out
        };

        let stem = input.file.file_name.strip_suffix(".deps.json").unwrap_or_default();
        let root_lib = kept.iter().find(|(n, _, lib)| {
            n.eq_ignore_ascii_case(stem)
                && lib
                    .value
                    .get("type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("project"))
        });
        let direct: Option<HashSet<String>> =
            root_lib.map(|(_, _, lib)| deps_of(&lib.key).into_iter().collect());
        let root_id = root_lib.map(|(n, v, _)| format!("{n}@{v}"));

        let mut seen = HashSet::new();
        for (name, version, lib) in &kept {
            let id = format!("{name}@{version}");
            if !seen.insert(id.clone()) {
                analysis.warn(path, Some(lib.line), format!("library `{}` listed twice", lib.key));
                continue;
            }
            let relationship = match (&root_id, &direct) {
                (Some(r), _) if *r == id => Relationship::Root,
                (_, Some(d)) if d.contains(&id) => Relationship::Direct,
                (_, Some(_)) => Relationship::Indirect,
                _ => Relationship::Unknown,
            };
            analysis.packages.push(
                Package::builder(Ecosystem::NuGet, *name, *version)
                    .relationship(relationship)
                    .depends_on(deps_of(&lib.key).into_iter().filter(|d| *d != id))
                    .location(Location::lines(path, lib.line, lib.value.end))
                    .build(),
            );
        }
        Ok(analysis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::run;
    use proptest::prelude::*;

    type Row<'a> = (&'a str, Relationship, Vec<&'a str>, (u32, u32));

    const DEPS: &[u8] = include_bytes!("../../fixtures/dotnet/Python.Runtime.deps.json");
    const PATH: &str = "lib/pythonnet/runtime/Python.Runtime.deps.json";

    #[test]
    fn pythonnet_deps_json() {
        let a = run(&DepsJson, PATH, DEPS, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<Row<'_>> = a
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.ecosystem, Ecosystem::NuGet);
                assert_eq!(p.locations.len(), 1);
                assert_eq!(p.locations[0].path, PATH);
                (
                    p.id.as_str(),
                    p.relationship,
                    p.depends_on.iter().map(String::as_str).collect(),
                    (p.locations[0].start_line.unwrap(), p.locations[0].end_line.unwrap()),
                )
            })
            .collect();
        use Relationship::*;
        assert_eq!(
            got,
            vec![
                (
                    "Python.Runtime@3.2.1",
                    Root,
                    vec!["Microsoft.CSharp@4.7.0", "System.Reflection.Emit@4.7.0"],
                    (104, 108)
                ),
                ("Microsoft.CSharp@4.7.0", Direct, vec![], (109, 115)),
                // Microsoft.SourceLink.GitHub ships nothing at run time: left out (as by Trivy).
                ("System.Buffers@4.6.1", Indirect, vec![], (123, 129)),
                (
                    "System.IO.Hashing@10.0.12",
                    Indirect,
                    vec!["System.Buffers@4.6.1", "System.Memory@4.6.3"],
                    (130, 136)
                ),
                (
                    "System.Memory@4.6.3",
                    Indirect,
                    vec![
                        "System.Buffers@4.6.1",
                        "System.Numerics.Vectors@4.6.1",
                        "System.Runtime.CompilerServices.Unsafe@6.1.2"
                    ],
                    (137, 143)
                ),
                ("System.Numerics.Vectors@4.6.1", Indirect, vec![], (144, 150)),
                (
                    "System.Reflection.Emit@4.7.0",
                    Direct,
                    vec!["System.Reflection.Emit.ILGeneration@4.7.0"],
                    (151, 157)
                ),
                ("System.Reflection.Emit.ILGeneration@4.7.0", Indirect, vec![], (158, 164)),
                ("System.Runtime.CompilerServices.Unsafe@6.1.2", Indirect, vec![], (165, 171)),
            ]
        );
    }

    /// Which libraries count as shipped, as Trivy 0.76 decides on the same file.
    #[test]
    fn runtime_assets_decide() {
        let text = br#"{
  "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0"},
  "targets": {
    ".NETCoreApp,Version=v8.0": {
      "App/1.0.0": {"dependencies": {"MyLib": "2.0.0", "nativeonly": "1.0.0", "Absent": "3.0.0", "CompileOnly": "1.2.0"}, "runtime": {"App.dll": {}}},
      "MyLib/2.0.0": {"runtime": {"MyLib.dll": {}}},
      "NativeOnly/1.0.0": {"native": {"runtimes/linux-x64/native/libx.so": {}}},
      "RtTargets/1.1.0": {"runtimeTargets": {"runtimes/unix/lib/net8.0/R.dll": {"rid": "unix", "assetType": "runtime"}}},
      "CompileOnly/1.2.0": {"compile": {"ref/C.dll": {}}},
      "EmptyRuntime/1.3.0": {"runtime": {}}
    }
  },
  "libraries": {
    "App/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
    "MyLib/2.0.0": {"type": "project"},
    "NativeOnly/1.0.0": {"type": "package"},
    "RtTargets/1.1.0": {"type": "Package"},
    "Absent/3.0.0": {"type": "package"},
    "CompileOnly/1.2.0": {"type": "package"},
    "EmptyRuntime/1.3.0": {"type": "package"},
    "Ref/4.0.0": {"type": "referenceassembly"},
    "NoSlash": {"type": "package"},
    "NoType/1.0.0": {}
  }
}"#;
        let a = run(&DepsJson, "bin/App.deps.json", text, &NoFiles).unwrap();
        let got: Vec<(&str, Relationship)> =
            a.packages.iter().map(|p| (p.id.as_str(), p.relationship)).collect();
        use Relationship::*;
        assert_eq!(
            got,
            vec![
                ("App@1.0.0", Root),
                ("MyLib@2.0.0", Direct),
                ("NativeOnly@1.0.0", Direct),
                ("RtTargets@1.1.0", Indirect),
                ("Absent@3.0.0", Direct),
                ("EmptyRuntime@1.3.0", Indirect),
            ]
        );
        assert_eq!(a.packages[0].depends_on, vec!["Absent@3.0.0", "MyLib@2.0.0", "NativeOnly@1.0.0"]);
        let lines: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![Some(22), Some(23)]);

        // Another file name: no root, relationships unknown; without the runtime target every
        // library counts.
        let other = String::from_utf8_lossy(text)
            .replace("\"name\": \".NETCoreApp,Version=v8.0\"", "\"name\": \"x\"");
        let a = run(&DepsJson, "bin/Other.deps.json", other.as_bytes(), &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 7);
        assert!(a.packages.iter().all(|p| p.relationship == Unknown));
        assert_eq!(a.packages[0].depends_on.len(), 4);
    }

    #[test]
    fn broken_files_are_errors() {
        for (text, line) in
            [(&b"{\"targets\": {}}"[..], Some(1)), (b"[]", Some(1)), (b"{\n\"libraries\": {\n", Some(3))]
        {
            assert_eq!(run(&DepsJson, "a.deps.json", text, &NoFiles).unwrap_err().line(), line);
        }
        assert!(!DepsJson.accepts(&FileInfo::new("x/.deps.json", 1, false)));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0..DEPS.len(), at in 0..DEPS.len(), b in any::<u8>()) {
            let _ = run(&DepsJson, "a.deps.json", &bytes, &NoFiles);
            let _ = run(&DepsJson, "Python.Runtime.deps.json", &DEPS[..cut], &NoFiles);
            let mut m = DEPS.to_vec();
            m[at] = b;
            let _ = run(&DepsJson, "Python.Runtime.deps.json", &m, &NoFiles);
        }
    }
}
