//! `go.mod` (with the `go.sum` beside it for old modules).

use std::collections::{BTreeMap, HashMap};

use rampart_model::{Ecosystem, Location, Package, Relationship};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

/// Reads `go.mod` files: the main module (reported without a version, as [`Relationship::Root`]),
/// every `require` ([`Relationship::Direct`], or [`Relationship::Indirect`] when marked
/// `// indirect`) with its line, and the `replace` directives: a required module replaced by
/// another module version is reported as the replacement (with the lines of both directives), a
/// module replaced by a local directory is dropped (its code is part of the project).
///
/// The `go` directive says whether the file lists the whole module graph: before Go 1.17 (or
/// without a `go` line) indirect dependencies were not all listed, so the modules whose content
/// is hashed in the `go.sum` beside the file (read through the file source; the last version of
/// each module, entries with only a `/go.mod` hash are skipped) are added as indirect dependencies.
///
/// The file does not say which version of the standard library is used (the `go` and
/// `toolchain` lines are minimums), which modules are test-only, or licenses; `exclude` and
/// `retract` directives do not change the selected versions and are ignored.
pub struct GoMod;

impl Analyzer for GoMod {
    fn name(&self) -> &'static str {
        "go-mod"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Go
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "go.mod"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let path = input.file.path;
        let mut analysis = Analysis::default();
        let file = parse(text, path, &mut analysis)?;

        // Required modules, keyed by path (a later `require` of the same path wins, as in Go).
        struct Req {
            name: String,
            version: String,
            indirect: bool,
            lines: Vec<u32>,
        }
        let mut order: Vec<String> = Vec::new();
        let mut reqs: HashMap<String, Req> = HashMap::new();
        for r in &file.requires {
            if !reqs.contains_key(&r.path) {
                order.push(r.path.clone());
            }
            reqs.insert(
                r.path.clone(),
                Req {
                    name: r.path.clone(),
                    version: r.version.clone(),
                    indirect: r.indirect,
                    lines: vec![r.line],
                },
            );
        }
        for rep in &file.replaces {
            let Some(req) = reqs.get_mut(&rep.old_path) else { continue };
            if rep.old_version.as_ref().is_some_and(|v| *v != req.version) {
                continue;
            }
            match &rep.new_version {
                None => {
                    reqs.remove(&rep.old_path);
                }
                Some(version) => {
                    req.name = rep.new_path.clone();
                    req.version = version.clone();
                    req.lines.push(rep.line);
                }
            }
        }

        let mut packages: BTreeMap<String, Package> = BTreeMap::new();
        let mut direct_ids = Vec::new();
        for key in &order {
            let Some(req) = reqs.get(key) else { continue };
            let mut builder = Package::builder(Ecosystem::Go, &req.name, &req.version)
                .relationship(if req.indirect { Relationship::Indirect } else { Relationship::Direct });
            for line in &req.lines {
                builder = builder.location(Location::lines(path, *line, *line));
            }
            let pkg = builder.build();
            if !req.indirect {
                direct_ids.push(pkg.id.clone());
            }
            packages.entry(pkg.id.clone()).or_insert(pkg);
        }

        if file.go_version.as_deref().is_none_or(before_go_1_17) {
            add_go_sum(input, &reqs, &mut packages, &mut analysis);
        }

        let mut out: Vec<Package> = Vec::new();
        if let Some((module, line)) = &file.module {
            out.push(
                Package::builder(Ecosystem::Go, module, "")
                    .relationship(Relationship::Root)
                    .depends_on(direct_ids)
                    .location(Location::lines(path, *line, *line))
                    .build(),
            );
        }
        let root_id = out.first().map(|root| root.id.clone());
        out.extend(packages.into_values().filter(|p| root_id.as_ref() != Some(&p.id)));
        analysis.packages = out;
        Ok(analysis)
    }
}

fn before_go_1_17(version: &str) -> bool {
    let mut parts = version.split('.');
    let major = parts.next().and_then(|m| m.parse::<u32>().ok());
    let minor = parts.next().map(|m| m.chars().take_while(char::is_ascii_digit).collect::<String>());
    match (major, minor.and_then(|m| m.parse::<u32>().ok())) {
        (Some(major), Some(minor)) => major < 1 || (major == 1 && minor < 17),
        _ => false,
    }
}

/// Adds the modules of `go.sum` (beside `go.mod`) that `go.mod` does not list.
fn add_go_sum(
    input: &AnalyzerInput<'_>,
    reqs: &HashMap<String, impl Sized>,
    packages: &mut BTreeMap<String, Package>,
    analysis: &mut Analysis,
) {
    let dir = input.file.dir();
    let sum_path = if dir.is_empty() { "go.sum".to_string() } else { format!("{dir}/go.sum") };
    let Ok(bytes) = input.source.read(&sum_path) else { return };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        analysis.warn(
            &sum_path,
            None,
            "go.sum is not UTF-8; indirect dependencies of this old module are unknown",
        );
        return;
    };
    // The last content hash of each module: go.sum is sorted by version.
    let mut last: BTreeMap<&str, (&str, u32)> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [] => {}
            [module, version, hash] if hash.starts_with("h1:") || hash.contains(':') => {
                if version.ends_with("/go.mod") {
                    continue;
                }
                last.insert(module, (version, line_no));
            }
            _ => analysis.warn(&sum_path, Some(line_no), "not a `module version hash` line; skipped"),
        }
    }
    for (module, (version, line)) in last {
        if reqs.contains_key(module) {
            continue;
        }
        let pkg = Package::builder(Ecosystem::Go, module, version)
            .relationship(Relationship::Indirect)
            .location(Location::lines(&sum_path, line, line))
            .build();
        packages.entry(pkg.id.clone()).or_insert(pkg);
    }
}

struct Require {
    path: String,
    version: String,
    indirect: bool,
    line: u32,
}

struct Replace {
    old_path: String,
    old_version: Option<String>,
    new_path: String,
    /// `None` for a local directory.
    new_version: Option<String>,
    line: u32,
}

#[derive(Default)]
struct ModFile {
    module: Option<(String, u32)>,
    go_version: Option<String>,
    requires: Vec<Require>,
    replaces: Vec<Replace>,
}

/// One line split into tokens, with its trailing comment.
struct Line<'a> {
    tokens: Vec<String>,
    comment: &'a str,
}

/// Splits a line into tokens (bare words, `"..."` and `` `...` `` strings, `(`, `)`, `=>`).
fn tokenize(line: &str) -> Result<Line<'_>, String> {
    let mut tokens = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(Line { tokens, comment: "" });
        }
        if let Some(comment) = rest.strip_prefix("//") {
            return Ok(Line { tokens, comment: comment.trim() });
        }
        if let Some(after) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = after.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, e)) => value.push(e),
                        None => return Err("unterminated string".into()),
                    },
                    c => value.push(c),
                }
            }
            let end = end.ok_or("unterminated string")?;
            tokens.push(value);
            rest = after.get(end..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix('`') {
            let end = after.find('`').ok_or("unterminated raw string")?;
            tokens.push(after.get(..end).unwrap_or("").to_string());
            rest = after.get(end + 1..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix("=>") {
            tokens.push("=>".into());
            rest = after;
        } else if rest.starts_with(['(', ')']) {
            tokens.push(rest.get(..1).unwrap_or("").to_string());
            rest = rest.get(1..).unwrap_or("");
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"' || c == '`' || c == '(' || c == ')')
                .unwrap_or(rest.len());
            let mut word = rest.get(..end).unwrap_or("");
            // `//` and `=>` end a bare word too.
            for stop in ["//", "=>"] {
                if let Some(p) = word.find(stop).filter(|p| *p > 0) {
                    word = word.get(..p).unwrap_or(word);
                }
            }
            tokens.push(word.to_string());
            rest = rest.get(word.len()..).unwrap_or("");
        }
    }
}

fn parse(text: &str, path: &str, analysis: &mut Analysis) -> Result<ModFile, AnalyzeError> {
    let mut file = ModFile::default();
    let mut block: Option<(String, u32)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let line = tokenize(raw).map_err(|e| AnalyzeError::parse(Some(line_no), e))?;
        let mut tokens: Vec<&str> = line.tokens.iter().map(String::as_str).collect();
        if tokens.is_empty() {
            continue;
        }
        let verb = match &block {
            Some((verb, _)) => {
                if tokens == [")"] {
                    block = None;
                    continue;
                }
                verb.clone()
            }
            None => {
                let verb = tokens.remove(0).to_string();
                if tokens == ["("] {
                    block = Some((verb, line_no));
                    continue;
                }
                if tokens.first() == Some(&"(") {
                    // `require ( a v1 )` on one line.
                    tokens.remove(0);
                    if tokens.last() == Some(&")") {
                        tokens.pop();
                    } else {
                        return Err(AnalyzeError::parse(
                            Some(line_no),
                            format!("`{verb} (` must end its line"),
                        ));
                    }
                }
                verb
            }
        };
        match verb.as_str() {
            "module" => match tokens.as_slice() {
                [module] if !module.is_empty() => file.module = Some((module.to_string(), line_no)),
                _ => return Err(AnalyzeError::parse(Some(line_no), "usage: module module/path")),
            },
            "go" => match tokens.as_slice() {
                [version] => file.go_version = Some(version.to_string()),
                _ => analysis.warn(path, Some(line_no), "usage: go 1.23"),
            },
            "require" => match tokens.as_slice() {
                [module, version] if !module.is_empty() && !version.is_empty() => {
                    file.requires.push(Require {
                        path: module.to_string(),
                        version: version.to_string(),
                        indirect: is_indirect(line.comment),
                        line: line_no,
                    })
                }
                _ => analysis.warn(path, Some(line_no), "usage: require module/path v1.2.3; skipped"),
            },
            "replace" => {
                let arrow = tokens.iter().position(|t| *t == "=>");
                let parsed = arrow.and_then(|a| {
                    let (old, new) = (tokens.get(..a)?, tokens.get(a + 1..)?);
                    let (old_path, old_version) = match old {
                        [p] => (p.to_string(), None),
                        [p, v] => (p.to_string(), Some(v.to_string())),
                        _ => return None,
                    };
                    let (new_path, new_version) = match new {
                        [p] => (p.to_string(), None),
                        [p, v] => (p.to_string(), Some(v.to_string())),
                        _ => return None,
                    };
                    Some(Replace { old_path, old_version, new_path, new_version, line: line_no })
                });
                match parsed {
                    Some(rep) => file.replaces.push(rep),
                    None => analysis.warn(
                        path,
                        Some(line_no),
                        "usage: replace module/path [v1.2.3] => other/path [v1.4.5]; skipped",
                    ),
                }
            }
            // Directives that do not change the selected module versions.
            "toolchain" | "exclude" | "retract" | "godebug" | "tool" | "ignore" => {}
            other => analysis.warn(path, Some(line_no), format!("unknown directive `{other}`; skipped")),
        }
    }
    if let Some((verb, line)) = block {
        return Err(AnalyzeError::parse(Some(line), format!("`{verb} (` block is not closed")));
    }
    // Go refuses a go.mod without a module declaration ("no module declaration in go.mod"), and
    // a file of nothing but unknown directives is not a go.mod at all.
    if file.module.is_none() && file.requires.is_empty() {
        return Err(AnalyzeError::parse(None, "no `module` declaration: not a go.mod file"));
    }
    Ok(file)
}

/// `// indirect`, possibly followed by more text after `;`.
fn is_indirect(comment: &str) -> bool {
    comment == "indirect" || comment.strip_prefix("indirect;").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::{MemFiles, run};
    use proptest::prelude::*;

    const GO_APP: &str = include_str!("../../fixtures/golang/go-app/go.mod");
    const JWT_VENDOR: &str =
        include_str!("../../fixtures/golang/go-app/vendor/github.com/golang-jwt/jwt/v4/go.mod");
    const HELLO: &str = include_str!("../../fixtures/golang/gohello/go.mod");
    const OLD: &str = include_str!("../../fixtures/golang/old-module/go.mod");
    const OLD_SUM: &str = include_str!("../../fixtures/golang/old-module/go.sum");

    type Row<'a> = (&'a str, &'a str, Relationship, Vec<(Option<u32>, Option<u32>)>);

    fn rows(a: &Analysis) -> Vec<Row<'_>> {
        a.packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.relationship,
                    p.locations.iter().map(|l| (l.start_line, l.end_line)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn go_app() {
        let a = run(&GoMod, "go.mod", GO_APP.as_bytes(), &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(
            rows(&a),
            [
                ("example.com/vulngo", "", Relationship::Root, vec![(Some(1), Some(1))]),
                (
                    "github.com/dgrijalva/jwt-go",
                    "v3.2.0+incompatible",
                    Relationship::Direct,
                    vec![(Some(6), Some(6))]
                ),
                ("github.com/golang-jwt/jwt/v4", "v4.4.3", Relationship::Direct, vec![(Some(7), Some(7))]),
                ("golang.org/x/net", "v0.7.0", Relationship::Direct, vec![(Some(8), Some(8))]),
            ]
        );
        assert_eq!(
            a.packages[0].depends_on,
            [
                "github.com/dgrijalva/jwt-go@v3.2.0+incompatible",
                "github.com/golang-jwt/jwt/v4@v4.4.3",
                "golang.org/x/net@v0.7.0"
            ]
        );
        assert_eq!(a.packages[0].purl, "pkg:golang/example.com/vulngo");
    }

    #[test]
    fn vendored_module_with_retract_and_no_go_sum() {
        let path = "vendor/github.com/golang-jwt/jwt/v4/go.mod";
        let a = run(&GoMod, path, JWT_VENDOR.as_bytes(), &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(
            rows(&a),
            [("github.com/golang-jwt/jwt/v4", "", Relationship::Root, vec![(Some(1), Some(1))])]
        );
    }

    #[test]
    fn indirect_and_replacements() {
        let a = run(&GoMod, "src/go.mod", HELLO.as_bytes(), &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(
            rows(&a),
            [
                ("example.com/gohello", "", Relationship::Root, vec![(Some(1), Some(1))]),
                ("example.com/greet", "v1.2.3", Relationship::Direct, vec![(Some(6), Some(6))]),
                (
                    "example.com/shout2",
                    "v0.2.0",
                    Relationship::Indirect,
                    vec![(Some(7), Some(7)), (Some(10), Some(10))]
                ),
            ]
        );
        assert_eq!(a.packages[0].depends_on, ["example.com/greet@v1.2.3"]);
    }

    #[test]
    fn old_module_reads_go_sum_and_drops_local_replacements() {
        let files = MemFiles(vec![("old/go.sum", OLD_SUM.as_bytes().to_vec())]);
        let a = run(&GoMod, "old/go.mod", OLD.as_bytes(), &files).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<(&str, &str, Relationship, Vec<Location>)> = a
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.relationship, p.locations.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("example.com/oldmod", "", Relationship::Root, vec![Location::lines("old/go.mod", 1, 1)]),
                (
                    "example.com/wrapper",
                    "v1.0.0",
                    Relationship::Direct,
                    vec![Location::lines("old/go.mod", 7, 7)]
                ),
                (
                    "github.com/golang-jwt/jwt/v4",
                    "v4.4.3",
                    Relationship::Indirect,
                    vec![Location::lines("old/go.sum", 3, 3)]
                ),
            ]
        );
        // Without go.sum only go.mod is used.
        let a = run(&GoMod, "old/go.mod", OLD.as_bytes(), &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 2);
    }

    #[test]
    fn broken_files() {
        let err = run(&GoMod, "go.mod", b"module x\nrequire (\n a v1\n", &NoFiles).unwrap_err();
        assert_eq!(err.line(), Some(2));
        let err = run(&GoMod, "go.mod", b"module \"x\n", &NoFiles).unwrap_err();
        assert_eq!(err.line(), Some(1));
        let a =
            run(&GoMod, "go.mod", b"module x\nrequire a\nrequire b v1.0.0\nfrobnicate\n", &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 2);
        let lines: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(2), Some(4)]);
        assert!(run(&GoMod, "go.mod", b"\xff", &NoFiles).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = run(&GoMod, "go.mod", &bytes, &NoFiles);
        }

        #[test]
        fn never_panics_on_mutations(cut in 0..HELLO.len(), pos in 0..HELLO.len(), byte in any::<u8>()) {
            let mut bytes = HELLO.as_bytes().to_vec();
            bytes[pos] = byte;
            let files = MemFiles(vec![("go.sum", OLD_SUM.as_bytes()[..cut.min(OLD_SUM.len())].to_vec())]);
            let _ = run(&GoMod, "go.mod", &bytes, &files);
            let _ = run(&GoMod, "go.mod", &HELLO.as_bytes()[..cut], &files);
        }
    }
}
