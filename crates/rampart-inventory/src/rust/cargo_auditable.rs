//! Rust binaries built with `cargo auditable`.

use std::collections::{BTreeSet, HashMap};

use auditable_info::Error as AuditError;
use auditable_serde::DependencyKind;
use rampart_model::{Ecosystem, Location, Package, Relationship};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo};

/// Cap on the decompressed dependency list (the JSON of a big application is a few hundred KiB).
const MAX_JSON: usize = 8 * 1024 * 1024;

/// Reads the dependency list that `cargo auditable` embeds in ELF, PE and Mach-O executables
/// (the zlib-compressed JSON of the `.dep-v0` section), found in executable files (and `.exe`/`.dll`).
///
/// Reports every crate of the list with its dependency edges: the root crate (the binary's own
/// package, [`Relationship::Root`]), the crates it depends on ([`Relationship::Direct`]) and the
/// others ([`Relationship::Indirect`]). Crates used only at build time (kind `build`: build
/// scripts, proc-macros) are marked `dev`. Binaries without the section, and files that are not
/// executables, give no packages. The list gives no licenses and no checksums, and a crate's
/// registry is only named (`crates.io`, `registry`, `git`, `local`).
pub struct CargoAuditable;

impl Analyzer for CargoAuditable {
    fn name(&self) -> &'static str {
        "cargo-auditable-binary"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Cargo
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.executable || file.file_name.ends_with(".exe") || file.file_name.ends_with(".dll")
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        if !is_executable_format(input.content) {
            return Ok(Analysis::default());
        }
        let info = match auditable_info::audit_info_from_slice(input.content, MAX_JSON) {
            Ok(info) => info,
            Err(AuditError::NoAuditData) => return Ok(Analysis::default()),
            // A binary that the section reader cannot parse is only ours when it names the section.
            Err(AuditError::BinaryParsing(_)) if !mentions_section(input.content) => {
                return Ok(Analysis::default());
            }
            Err(e) => return Err(AnalyzeError::parse(None, format!("cargo-auditable dependency list: {e}"))),
        };
        let path = input.file.path;
        let mut analysis = Analysis::default();

        let ids: Vec<String> = info.packages.iter().map(|p| format!("{}@{}", p.name, p.version)).collect();
        let roots: BTreeSet<&str> =
            info.packages.iter().zip(&ids).filter(|(p, _)| p.root).map(|(_, id)| id.as_str()).collect();
        let mut direct: BTreeSet<&str> = BTreeSet::new();
        for (pkg, id) in info.packages.iter().zip(&ids) {
            if roots.contains(id.as_str()) {
                direct.extend(pkg.dependencies.iter().filter_map(|i| ids.get(*i)).map(String::as_str));
            }
        }

        // Merge entries with the same name@version (the same crate from two sources).
        let mut order: Vec<&str> = Vec::new();
        let mut merged: HashMap<&str, (bool, BTreeSet<String>)> = HashMap::new();
        for (pkg, id) in info.packages.iter().zip(&ids) {
            let mut deps = BTreeSet::new();
            for index in &pkg.dependencies {
                match ids.get(*index) {
                    Some(dep) => {
                        deps.insert(dep.clone());
                    }
                    None => analysis.warn(path, None, format!("dependency #{index} of {id} does not exist")),
                }
            }
            let build_only = pkg.kind == DependencyKind::Build;
            match merged.get_mut(id.as_str()) {
                Some((build, existing)) => {
                    *build &= build_only;
                    existing.extend(deps);
                }
                None => {
                    order.push(id);
                    merged.insert(id, (build_only, deps));
                }
            }
        }

        for (pkg, id) in info.packages.iter().zip(&ids) {
            let Some((build_only, deps)) = merged.remove(id.as_str()) else { continue };
            let relationship = if roots.contains(id.as_str()) {
                Relationship::Root
            } else if direct.contains(id.as_str()) {
                Relationship::Direct
            } else {
                Relationship::Indirect
            };
            analysis.packages.push(
                Package::builder(Ecosystem::Cargo, &pkg.name, pkg.version.to_string())
                    .relationship(relationship)
                    .dev(build_only)
                    .depends_on(deps)
                    .location(Location::file(path))
                    .build(),
            );
        }
        Ok(analysis)
    }
}

/// ELF, PE (MZ) or Mach-O (thin or fat) magic.
pub(crate) fn is_executable_format(content: &[u8]) -> bool {
    const MAGICS: [&[u8]; 7] = [
        b"\x7fELF",
        b"MZ",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
    ];
    MAGICS.iter().any(|m| content.starts_with(m))
}

fn mentions_section(content: &[u8]) -> bool {
    memchr::memmem::find(content, b"dep-v0").is_some() || memchr::memmem::find(content, b"dep_v0").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use proptest::prelude::*;

    /// `cargo auditable build --release` of a crate `tinyaud` 0.3.1 with the dependency
    /// smallvec 1.6.0, the build-dependency autocfg 1.1.0 and the dev-dependency itoa (stripped,
    /// opt-level z).
    const TINYAUD: &[u8] = include_bytes!("../../fixtures/rust/auditable/tinyaud");

    fn analyze(path: &str, content: &[u8]) -> Result<Analysis, AnalyzeError> {
        let file = FileInfo::new(path, content.len() as u64, true);
        assert!(CargoAuditable.accepts(&file));
        CargoAuditable.analyze(&AnalyzerInput { file, content, source: &NoFiles })
    }

    #[test]
    fn reads_the_embedded_dependency_list() {
        let a = analyze("usr/bin/tinyaud", TINYAUD).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<(&str, &str, Relationship, bool, Vec<String>)> = a
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.relationship, p.dev, p.depends_on.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("autocfg", "1.1.0", Relationship::Direct, true, vec![]),
                ("smallvec", "1.6.0", Relationship::Direct, false, vec![]),
                (
                    "tinyaud",
                    "0.3.1",
                    Relationship::Root,
                    false,
                    vec!["autocfg@1.1.0".to_string(), "smallvec@1.6.0".to_string()]
                ),
            ]
        );
        assert_eq!(a.packages[0].locations, [Location::file("usr/bin/tinyaud")]);
        assert_eq!(a.packages[1].purl, "pkg:cargo/smallvec@1.6.0");
    }

    #[test]
    fn other_files_give_nothing() {
        assert_eq!(analyze("bin/run.sh", b"#!/bin/sh\necho hi\n").unwrap(), Analysis::default());
        assert_eq!(analyze("bin/x", b"").unwrap(), Analysis::default());
        assert_eq!(analyze("bin/x", b"\x7fELF\x02\x01\x01").unwrap(), Analysis::default());
        // The binary with its section renamed: a Rust binary without audit data.
        let mut renamed = TINYAUD.to_vec();
        let pos = renamed.windows(7).position(|w| w == b".dep-v0").unwrap();
        renamed[pos + 1] = b'x';
        assert_eq!(analyze("bin/x", &renamed).unwrap(), Analysis::default());
    }

    #[test]
    fn corrupt_audit_data_is_an_error() {
        let mut broken = TINYAUD.to_vec();
        // Break the zlib stream of the section after its 2-byte header.
        use object::{Object, ObjectSection};
        let file = object::File::parse(TINYAUD).unwrap();
        let (start, _) = file.section_by_name(".dep-v0").unwrap().file_range().unwrap();
        let start = usize::try_from(start).unwrap();
        for b in broken.iter_mut().skip(start + 2).take(16) {
            *b = 0xff;
        }
        assert!(analyze("bin/x", &broken).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = analyze("bin/x", &bytes);
            let mut elf = b"\x7fELF".to_vec();
            elf.extend(bytes);
            let _ = analyze("bin/x", &elf);
        }

        #[test]
        fn never_panics_on_mutations(cut in 0..TINYAUD.len(), pos in 0..TINYAUD.len(), byte in any::<u8>()) {
            let mut bytes = TINYAUD.to_vec();
            bytes[pos] = byte;
            let _ = analyze("bin/x", &bytes);
            let _ = analyze("bin/x", &TINYAUD[..cut]);
        }
    }
}
