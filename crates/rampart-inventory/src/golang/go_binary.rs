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
/// module ([`Relationship::Root`]; a `(devel)` or `v0.0.0-...` version is replaced by a version
/// stamped with `-ldflags "-X main.version=..."` when the build settings record one, else a
/// `(devel)` version is left empty), and every `dep` line (with
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
            let stamped = info.ldflags.as_deref().and_then(|flags| ldflags_version(name, flags));
            let version = match stamped {
                Some(stamped) if version.is_empty() || version.starts_with("v0.0.0") => stamped,
                _ => version.clone(),
            };
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
    /// The `-ldflags` build setting.
    ldflags: Option<String>,
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
            ["build", setting] => {
                if let Some(value) = setting.strip_prefix("-ldflags=") {
                    info.ldflags = Some(unquote(value));
                }
            }
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

/// Undoes the Go quoting of a build setting value (`"..."` with backslash escapes).
fn unquote(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.to_string();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(e) => out.push(e),
            None => {}
        }
    }
    out
}

/// Splits a command line the way a POSIX shell does (quotes and backslashes, no expansion).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                word.push(e);
                            }
                        }
                        q => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(e) = chars.next() {
                    word.push(e);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The main module version stamped with `-ldflags "-X pkg.version=1.2.3"`, chosen as Trivy does:
/// a `<module>/cmd/...` variable first, then one in a package named `main`, `common`, `version`
/// or `cmd`, then any other; none when the chosen kind has several.
fn ldflags_version(module: &str, ldflags: &str) -> Option<String> {
    let words = shell_words(ldflags);
    let mut values: Vec<(String, String)> = Vec::new();
    let mut iter = words.iter();
    while let Some(word) = iter.next() {
        let assignment = match word.as_str() {
            "-X" | "--X" => iter.next().cloned(),
            w => w.strip_prefix("-X=").or_else(|| w.strip_prefix("--X=")).map(str::to_string),
        };
        let Some((key, value)) = assignment.as_deref().and_then(|a| a.split_once('=')) else { continue };
        let key = key.trim_start_matches('\'');
        let value = value.trim_end_matches('\'');
        values.retain(|(k, _)| k != key);
        values.push((key.to_string(), value.to_string()));
    }
    let mut kinds: [Vec<&str>; 3] = Default::default();
    for (key, value) in &values {
        let lower = key.to_ascii_lowercase();
        if !(lower.ends_with(".version") || lower.ends_with(".ver")) || !is_semver(value) {
            continue;
        }
        let package =
            key.rsplit('/').next().unwrap_or(key).split('.').next().unwrap_or("").to_ascii_lowercase();
        let kind = if key.starts_with(&format!("{module}/cmd/")) {
            0
        } else if ["main", "common", "version", "cmd"].contains(&package.as_str()) {
            1
        } else {
            2
        };
        if let Some(list) = kinds.get_mut(kind) {
            list.push(value);
        }
    }
    kinds.iter().find(|k| !k.is_empty()).and_then(|k| match k.as_slice() {
        [one] => Some((*one).to_string()),
        _ => None,
    })
}

/// `[v]MAJOR[.MINOR[.PATCH[-pre][+build]]]` with numeric parts (Go's `semver.IsValid`).
fn is_semver(version: &str) -> bool {
    let v = version.strip_prefix('v').unwrap_or(version);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0'))
    };
    let short = core.len() == v.len();
    (1..=3).contains(&parts.len()) && parts.iter().all(numeric) && (parts.len() == 3 || short)
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
                ldflags: None,
                deps: vec![("a.com/b".into(), String::new()), ("e.com/f".into(), "v2.1.0".into())],
            }
        );
        assert!(a.warnings.is_empty());
        parse_mod_info("=>\tx\tv1\nweird line\n", "x", &mut a);
        assert_eq!(a.warnings.len(), 2);
    }

    #[test]
    fn main_module_version_from_ldflags() {
        // The module list of `go build -ldflags="-s -w -X main.version=1.4.2 -X
        // 'example.com/gohello/internal/build.Ver=v0.9.0'"` (no -trimpath) of fixtures/golang/gohello.
        let text = "path\texample.com/gohello\nmod\texample.com/gohello\t(devel)\t\ndep\texample.com/greet\tv1.2.3\t\ndep\texample.com/shout\tv0.1.0\n=>\texample.com/shout2\tv0.2.0\t\n\nbuild\t-compiler=gc\nbuild\t-ldflags=\"-s -w -X main.version=1.4.2 -X 'example.com/gohello/internal/build.Ver=v0.9.0'\"\nbuild\tCGO_ENABLED=0\nbuild\tGOARCH=amd64\nbuild\tGOOS=linux\nbuild\tGOAMD64=v1\n";
        let mut a = Analysis::default();
        let info = parse_mod_info(text, "x", &mut a);
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let flags = info.ldflags.as_deref().unwrap();
        assert_eq!(flags, "-s -w -X main.version=1.4.2 -X 'example.com/gohello/internal/build.Ver=v0.9.0'");
        assert_eq!(ldflags_version("example.com/gohello", flags).as_deref(), Some("1.4.2"));
        assert_eq!(ldflags_version("m", "-X=other/pkg.Version=v2.0.0").as_deref(), Some("v2.0.0"));
        assert_eq!(
            ldflags_version("m", "-X m/cmd/x.version=1.0.0 -X main.version=2.0.0").as_deref(),
            Some("1.0.0")
        );
        assert_eq!(ldflags_version("m", "-X main.version=1.0.0 -X cmd.version=2.0.0"), None);
        assert_eq!(ldflags_version("m", "-X main.version=dev -X main.commit=1.0.0"), None);
        assert!(
            is_semver("v1.2.3-rc.1+meta") && is_semver("1.2") && !is_semver("1.2-rc") && !is_semver("01.2.3")
        );
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
