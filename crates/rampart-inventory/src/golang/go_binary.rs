//! Go executables: the build information the linker embeds.

use std::collections::BTreeSet;

use object::{Object, ObjectSection};
use rampart_model::{Ecosystem, Location, Package, Relationship};

use crate::rust::is_executable_format;
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo};

const MAGIC: &[u8] = b"\xff Go buildinf:";
/// Magic, pointer size, flags, and two pointers (or padding) before the strings.
const HEADER_SIZE: usize = 32;
const ALIGN: usize = 16;
/// Set in the flags byte when the strings follow the header (Go 1.18 and later).
const FLAG_INLINE: u8 = 0x2;
/// Cap on each embedded string (module lists of big programs are well under 1 MiB).
const MAX_STRING: u64 = 16 * 1024 * 1024;

/// Reads the build information of Go executables (ELF, PE, Mach-O): the `\xff Go buildinf:`
/// header in the `.go.buildinfo` / `__go_buildinfo` section, or, when the section headers are gone
/// or the format has none (PE), found by scanning the file at 16-byte alignment. The Go 1.18+
/// layout (strings inline after the header) is read; binaries of Go 1.17 and older, whose header
/// points to the strings by address, are recognised but give no packages (a warning says so).
///
/// Reports `stdlib` at the Go version (`go1.19.8` → `v1.19.8`, [`Relationship::Direct`]), the main
/// module ([`Relationship::Root`]; a `(devel)` version is left empty), and every `dep` line (with
/// its `=>` replacement applied; a replacement by a local directory keeps the module path with an
/// empty version). Versions keep their `v`. The main module depends on all other packages: the
/// build information does not say which modules are direct dependencies, nor licenses.
pub struct GoBinary;

impl Analyzer for GoBinary {
    fn name(&self) -> &'static str {
        "go-binary"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Go
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.executable || file.file_name.ends_with(".exe")
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let content = input.content;
        if !is_executable_format(content) {
            return Ok(Analysis::default());
        }
        let Some(offset) = find_header(content) else { return Ok(Analysis::default()) };
        let path = input.file.path;
        let mut analysis = Analysis::default();
        let header = content.get(offset..).unwrap_or_default();
        let flags = header.get(15).copied().unwrap_or(0);
        if flags & FLAG_INLINE == 0 {
            analysis.warn(
                path,
                None,
                "Go build information of Go 1.17 or older (pointer format) is not read",
            );
            return Ok(analysis);
        }
        let mut rest = header.get(HEADER_SIZE..).ok_or_else(|| truncated("header"))?;
        let go_version = read_string(&mut rest).ok_or_else(|| truncated("Go version"))?;
        let mod_info = read_string(&mut rest).ok_or_else(|| truncated("module list"))?;
        let go_version = std::str::from_utf8(go_version)
            .map_err(|_| AnalyzeError::parse(None, "Go version in the build information is not UTF-8"))?;
        let mod_info = strip_sentinels(mod_info);
        let mod_info = std::str::from_utf8(mod_info)
            .map_err(|_| AnalyzeError::parse(None, "module list in the build information is not UTF-8"))?;

        let info = parse_mod_info(mod_info, path, &mut analysis);
        let location = || Location::file(path);
        let mut packages: Vec<Package> = Vec::new();
        let mut seen = BTreeSet::new();

        // "go1.22.3 X:boringcrypto" → "v1.22.3"
        let stdlib = go_version.strip_prefix("go").and_then(|v| v.split(' ').next()).unwrap_or("");
        if stdlib.starts_with(|c: char| c.is_ascii_digit()) {
            let pkg = Package::builder(Ecosystem::Go, "stdlib", format!("v{stdlib}"))
                .relationship(Relationship::Direct)
                .location(location())
                .build();
            seen.insert(pkg.id.clone());
            packages.push(pkg);
        } else if !go_version.is_empty() {
            analysis.warn(path, None, format!("unrecognised Go version {go_version:?}; stdlib not reported"));
        }
        for (name, version) in &info.deps {
            let pkg = Package::builder(Ecosystem::Go, name, version).location(location()).build();
            if seen.insert(pkg.id.clone()) {
                packages.push(pkg);
            }
        }
        if let Some((name, version)) = &info.main {
            let ids: Vec<String> = packages.iter().map(|p| p.id.clone()).collect();
            let root = Package::builder(Ecosystem::Go, name, version)
                .relationship(Relationship::Root)
                .depends_on(ids)
                .location(location())
                .build();
            if !seen.contains(&root.id) {
                packages.push(root);
            }
        }
        analysis.packages = packages;
        Ok(analysis)
    }
}

fn truncated(what: &str) -> AnalyzeError {
    AnalyzeError::parse(None, format!("Go build information is truncated ({what})"))
}

/// Finds the build information header: in its section when the file has one, else by scanning.
fn find_header(content: &[u8]) -> Option<usize> {
    if let Ok(file) = object::File::parse(content) {
        for name in [".go.buildinfo", "__go_buildinfo"] {
            if let Some((start, size)) = file.section_by_name(name).and_then(|s| s.file_range())
                && let (Ok(start), Ok(size)) = (usize::try_from(start), usize::try_from(size))
                && let Some(data) = content.get(start..start.saturating_add(size))
                && let Some(at) = scan(data)
            {
                return Some(start + at);
            }
        }
    }
    scan(content)
}

/// The first occurrence of the magic at a 16-byte aligned offset with room for the header.
fn scan(data: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = data.get(from..).and_then(|d| find(d, MAGIC)) {
        let at = from + found;
        if at % ALIGN == 0 && data.len() - at >= HEADER_SIZE {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// Reads a uvarint-length-prefixed string and advances `data`.
fn read_string<'a>(data: &mut &'a [u8]) -> Option<&'a [u8]> {
    let mut len: u64 = 0;
    let mut shift = 0u32;
    let mut used = 0usize;
    loop {
        let byte = *data.get(used)?;
        used += 1;
        len |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
    if len > MAX_STRING {
        return None;
    }
    let len = usize::try_from(len).ok()?;
    let s = data.get(used..used.checked_add(len)?)?;
    *data = data.get(used + len..)?;
    Some(s)
}

/// The module list is framed by two 16-byte sentinels.
fn strip_sentinels(info: &[u8]) -> &[u8] {
    if info.len() >= 33 && info.get(info.len() - 17) == Some(&b'\n') {
        info.get(16..info.len() - 16).unwrap_or(info)
    } else {
        info
    }
}

#[derive(Debug, Default, PartialEq)]
struct ModInfo {
    main: Option<(String, String)>,
    /// Dependencies after replacement.
    deps: Vec<(String, String)>,
}

/// Parses `path`, `mod`, `dep`, `=>` and `build` lines (`runtime/debug.BuildInfo` text).
fn parse_mod_info(text: &str, path: &str, analysis: &mut Analysis) -> ModInfo {
    let mut info = ModInfo::default();
    // Where a `=>` line applies: the main module or the last dependency.
    let mut last_is_main = false;
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            [""] | [] => {}
            ["path", ..] | ["build", ..] => {}
            ["mod", module, version, ..] => {
                info.main = Some((module.to_string(), clean_version(version)));
                last_is_main = true;
            }
            ["dep", module, version, ..] if !module.is_empty() => {
                info.deps.push((module.to_string(), clean_version(version)));
                last_is_main = false;
            }
            ["=>", module, version, ..] if !module.is_empty() => {
                let target = if last_is_main { info.main.as_mut() } else { info.deps.last_mut() };
                match target {
                    Some(entry) if is_local_path(module) => entry.1 = String::new(),
                    Some(entry) => *entry = (module.to_string(), clean_version(version)),
                    None => {
                        analysis.warn(path, None, format!("replacement {module} without a module before it"))
                    }
                }
            }
            _ => analysis.warn(path, None, format!("unrecognised build information line {line:?}")),
        }
    }
    info
}

fn clean_version(version: &str) -> String {
    if version == "(devel)" { String::new() } else { version.to_string() }
}

fn is_local_path(module: &str) -> bool {
    module.starts_with('.') || module.starts_with('/') || module.get(1..3) == Some(":\\")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use proptest::prelude::*;

    /// `go build -trimpath -ldflags="-s -w"` (go1.19.8, linux/amd64, vendored modules) of
    /// `fixtures/golang/gohello`.
    const STRIPPED: &[u8] = include_bytes!("../../fixtures/golang/gohello/gohello-stripped");
    /// The same for windows/386 (PE, no build information section).
    const WINDOWS: &[u8] = include_bytes!("../../fixtures/golang/gohello/gohello-386.exe");
    /// The same for darwin/arm64 (Mach-O, `__go_buildinfo`).
    const DARWIN: &[u8] = include_bytes!("../../fixtures/golang/gohello/gohello-darwin");

    fn analyze(path: &str, content: &[u8]) -> Result<Analysis, AnalyzeError> {
        let file = FileInfo::new(path, content.len() as u64, true);
        assert!(GoBinary.accepts(&file));
        GoBinary.analyze(&AnalyzerInput { file, content, source: &NoFiles })
    }

    fn check(a: &Analysis, path: &str) {
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<(&str, &str, Relationship)> =
            a.packages.iter().map(|p| (p.name.as_str(), p.version.as_str(), p.relationship)).collect();
        assert_eq!(
            got,
            [
                ("stdlib", "v1.19.8", Relationship::Direct),
                ("example.com/greet", "v1.2.3", Relationship::Unknown),
                ("example.com/shout2", "v0.2.0", Relationship::Unknown),
                ("example.com/gohello", "", Relationship::Root),
            ]
        );
        let root = &a.packages[3];
        assert_eq!(root.id, "example.com/gohello");
        assert_eq!(root.purl, "pkg:golang/example.com/gohello");
        assert_eq!(
            root.depends_on,
            ["example.com/greet@v1.2.3", "example.com/shout2@v0.2.0", "stdlib@v1.19.8"]
        );
        assert!(a.packages.iter().all(|p| p.locations == [Location::file(path)]));
    }

    #[test]
    fn elf_with_section() {
        check(&analyze("bin/gohello", STRIPPED).unwrap(), "bin/gohello");
    }

    #[test]
    fn pe_and_mach_o() {
        check(&analyze("gohello.exe", WINDOWS).unwrap(), "gohello.exe");
        check(&analyze("bin/gohello", DARWIN).unwrap(), "bin/gohello");
    }

    #[test]
    fn without_section_names_the_header_is_found_by_scanning() {
        let mut renamed = STRIPPED.to_vec();
        let pos = find(&renamed, b".go.buildinfo").unwrap();
        renamed[pos + 1] = b'x';
        assert!(object::File::parse(&*renamed).unwrap().section_by_name(".go.buildinfo").is_none());
        check(&analyze("bin/gohello", &renamed).unwrap(), "bin/gohello");
    }

    #[test]
    fn other_files_give_nothing() {
        assert_eq!(analyze("bin/run", b"#!/bin/sh\n").unwrap(), Analysis::default());
        assert_eq!(analyze("bin/run", b"\x7fELF").unwrap(), Analysis::default());
        let rust = include_bytes!("../../fixtures/rust/auditable/tinyaud");
        assert_eq!(analyze("bin/tinyaud", rust).unwrap(), Analysis::default());
    }

    #[test]
    fn truncated_build_information_is_an_error() {
        let at = find_header(STRIPPED).unwrap();
        assert!(analyze("bin/x", &STRIPPED[..at + HEADER_SIZE + 4]).is_err());
        let mut old = STRIPPED.to_vec();
        old[at + 15] = 0;
        let a = analyze("bin/x", &old).unwrap();
        assert!(a.packages.is_empty());
        assert_eq!(a.warnings.len(), 1);
    }

    #[test]
    fn module_lines() {
        let mut a = Analysis::default();
        let text = "path\tex.com/cmd/x\nmod\tex.com\tv1.0.0\th1:x=\ndep\ta.com/b\tv0.1.0\th1:y=\n=>\t../b\t(devel)\t\ndep\tc.com/d\tv2.0.0+incompatible\th1:z=\n=>\te.com/f\tv2.1.0\th1:w=\nbuild\t-compiler=gc\n";
        assert_eq!(
            parse_mod_info(text, "x", &mut a),
            ModInfo {
                main: Some(("ex.com".into(), "v1.0.0".into())),
                deps: vec![("a.com/b".into(), String::new()), ("e.com/f".into(), "v2.1.0".into())],
            }
        );
        assert!(a.warnings.is_empty());
        parse_mod_info("=>\tx\tv1\nweird line\n", "x", &mut a);
        assert_eq!(a.warnings.len(), 2);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let mut elf = b"\x7fELF".to_vec();
            elf.extend(b"\0".repeat(12));
            elf.extend(MAGIC);
            elf.extend(&bytes);
            let _ = analyze("bin/x", &elf);
            let _ = analyze("bin/x", &bytes);
        }

        #[test]
        fn never_panics_on_mutations(pos in 0..HEADER_SIZE + 600, byte in any::<u8>(), cut in 0..HEADER_SIZE + 600) {
            let at = find_header(STRIPPED).unwrap_or(0);
            let mut bytes = STRIPPED.to_vec();
            bytes[at + pos] = byte;
            let _ = analyze("bin/x", &bytes);
            let _ = analyze("bin/x", &STRIPPED[..at + cut]);
        }
    }
}
