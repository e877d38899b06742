//! Installed gems: the `specifications/*.gemspec` files RubyGems writes.

use rampart_model::{Ecosystem, Location, Package};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, Grouping, utf8};

/// Reads the gemspecs of installed gems: `…/specifications/NAME-VERSION[-PLATFORM].gemspec` and
/// the default gems of Ruby in `…/specifications/default/`.
///
/// These are Ruby source written by RubyGems (`s.name = "rack".freeze`, `s.version = "2.2.3"`,
/// `s.licenses = ["MIT".freeze]`). They are never evaluated: a small scanner reads the string
/// literals (`"…"`, `'…'`, `%q<…>` and friends, with an optional `.freeze`) assigned to
/// `name`, `version` and `licenses`/`license` at the start of a line. Reports one package per file
/// (relationship unknown, location the whole file) in the "Ruby gems" group.
///
/// The platform (`s.platform = "x86_64-linux"`) is not part of the version. The runtime
/// dependencies name gems by constraint only and may be installed elsewhere, so no edges are
/// reported. A gemspec whose name or version is not a string literal (a project's hand-written
/// gemspec using `Foo::VERSION`) is an error rather than a guess.
pub struct Gemspec;

impl Analyzer for Gemspec {
    fn name(&self) -> &'static str {
        "ruby-gemspec"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::RubyGems
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        if !file.file_name.ends_with(".gemspec") {
            return false;
        }
        let dir = file.dir();
        let parent = dir.strip_suffix("/default").unwrap_or(dir);
        parent == "specifications" || parent.ends_with("/specifications")
    }

    fn grouping(&self) -> Grouping {
        Grouping::Aggregate("Ruby gems")
    }

    fn max_size(&self) -> u64 {
        4 * 1024 * 1024
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        parse(input.file.path, utf8(input.content)?)
    }
}

fn parse(path: &str, text: &str) -> Result<Analysis, AnalyzeError> {
    let mut analysis = Analysis::default();
    let mut name: Option<String> = None;
    let mut version: Option<String> = None;
    let mut licenses: Vec<String> = Vec::new();

    for (index, line) in text.lines().enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let Some((attr, value)) = assignment(line) else { continue };
        match attr {
            "name" | "version" => {
                let slot = if attr == "name" { &mut name } else { &mut version };
                if slot.is_some() {
                    continue;
                }
                match string_literal(value) {
                    Some((s, _)) if !s.trim().is_empty() => *slot = Some(s.trim().to_string()),
                    _ => {
                        return Err(AnalyzeError::parse(
                            Some(line_no),
                            format!("gem {attr} is not a string literal"),
                        ));
                    }
                }
            }
            "license" => match string_literal(value) {
                Some((s, _)) => licenses.push(s),
                None => analysis.warn(path, Some(line_no), "license is not a string literal"),
            },
            "licenses" => match string_list(value) {
                Some(list) => licenses.extend(list),
                None => analysis.warn(path, Some(line_no), "licenses are not a list of string literals"),
            },
            _ => {}
        }
    }

    let name = name.ok_or_else(|| AnalyzeError::parse(None, "no gem name (`s.name = \"…\"`)"))?;
    let version = version.ok_or_else(|| AnalyzeError::parse(None, "no gem version (`s.version = \"…\"`)"))?;
    analysis.packages.push(
        Package::builder(Ecosystem::RubyGems, name, version)
            .licenses(licenses)
            .location(Location::file(path))
            .build(),
    );
    Ok(analysis)
}

/// `  s.ATTR = VALUE` (any receiver name) → (ATTR, VALUE), for the attributes we read.
fn assignment(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start();
    let ident_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let rest = line.get(ident_end..)?.strip_prefix('.')?;
    if ident_end == 0 {
        return None;
    }
    let attr_end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let attr = rest.get(..attr_end)?;
    if !matches!(attr, "name" | "version" | "license" | "licenses") {
        return None;
    }
    let value = rest.get(attr_end..)?.trim_start().strip_prefix('=')?;
    if value.starts_with(['=', '~']) {
        return None; // `==`, `=~`
    }
    Some((attr, value.trim_start()))
}

/// A Ruby string literal at the start of `s`, with an optional `.freeze`/`.dup`: (its value, the
/// rest of `s`).
fn string_literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    let (value, rest) = if let Some(body) = s.strip_prefix('"') {
        double_quoted(body)?
    } else if let Some(body) = s.strip_prefix('\'') {
        single_quoted(body)?
    } else if let Some(body) = s.strip_prefix('%') {
        percent(body)?
    } else {
        return None;
    };
    let rest = rest.strip_prefix(".freeze").or_else(|| rest.strip_prefix(".dup")).unwrap_or(rest);
    Some((value, rest))
}

/// `[lit, lit, …]` → the values.
fn string_list(s: &str) -> Option<Vec<String>> {
    let mut rest = s.trim_start().strip_prefix('[')?.trim_start();
    let mut out = Vec::new();
    if let Some(after) = rest.strip_prefix(']') {
        return after_value_ok(after).then_some(out);
    }
    loop {
        let (value, after) = string_literal(rest)?;
        out.push(value);
        let after = after.trim_start();
        if let Some(after) = after.strip_prefix(',') {
            rest = after.trim_start();
        } else {
            return after_value_ok(after.strip_prefix(']')?).then_some(out);
        }
    }
}

/// What may follow an assigned value on its line.
fn after_value_ok(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with('#') || rest.starts_with("if ")
}

fn double_quoted(body: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, body.get(i + 1..)?)),
            '#' if body.get(i + 1..)?.starts_with('{') => return None, // interpolation
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'u' => {
                        let hex = body.get(i + 2..i + 6)?;
                        let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
                        out.push(c);
                        for _ in 0..4 {
                            chars.next();
                        }
                    }
                    other => out.push(other),
                }
            }
            c => out.push(c),
        }
    }
    None
}

fn single_quoted(body: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => return Some((out, body.get(i + 1..)?)),
            '\\' => match chars.next()? {
                (_, e @ ('\'' | '\\')) => out.push(e),
                (_, e) => {
                    out.push('\\');
                    out.push(e);
                }
            },
            c => out.push(c),
        }
    }
    None
}

/// `%q<…>`, `%Q{…}`, `%(…)`, `%q|…|`: the body after `%`.
fn percent(body: &str) -> Option<(String, &str)> {
    let body = body.strip_prefix(['q', 'Q']).unwrap_or(body);
    let open = body.chars().next()?;
    let close = match open {
        '<' => '>',
        '{' => '}',
        '(' => ')',
        '[' => ']',
        c if c.is_ascii_punctuation() => c,
        _ => return None,
    };
    let inner = body.get(open.len_utf8()..)?;
    let end = inner.find(close)?;
    Some((inner.get(..end)?.to_string(), inner.get(end + close.len_utf8()..)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::run;
    use proptest::prelude::*;
    use rampart_model::Relationship;

    const RACK: &[u8] = include_bytes!("../../fixtures/ruby/rack-2.2.22.gemspec");
    const NOKOGIRI: &[u8] = include_bytes!("../../fixtures/ruby/nokogiri-1.13.10-x86_64-linux.gemspec");
    const JSON: &[u8] = include_bytes!("../../fixtures/ruby/json-2.6.1.gemspec");

    fn one(path: &str, content: &[u8]) -> Package {
        let a = run(&Gemspec, path, content, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(a.packages.len(), 1);
        a.packages.into_iter().next().unwrap()
    }

    #[test]
    fn installed_gemspecs() {
        let path = "usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec";
        let rack = one(path, RACK);
        assert_eq!((rack.name.as_str(), rack.version.as_str()), ("rack", "2.2.22"));
        assert_eq!(rack.licenses, vec!["MIT"]);
        assert_eq!(rack.purl, "pkg:gem/rack@2.2.22");
        assert_eq!(rack.relationship, Relationship::Unknown);
        assert!(rack.depends_on.is_empty() && !rack.dev);
        assert_eq!(rack.locations, vec![Location::file(path)]);

        let path = "var/lib/gems/3.1.0/specifications/nokogiri-1.13.10-x86_64-linux.gemspec";
        let nokogiri = one(path, NOKOGIRI);
        assert_eq!(
            (nokogiri.id.as_str(), nokogiri.licenses.as_slice()),
            ("nokogiri@1.13.10", &["MIT".to_string()][..])
        );

        let json = one("usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", JSON);
        assert_eq!((json.id.as_str(), json.licenses.as_slice()), ("json@2.6.1", &["Ruby".to_string()][..]));
    }

    #[test]
    fn accepts_only_specification_dirs() {
        let accepts = |p: &str| Gemspec.accepts(&FileInfo::new(p, 1, false));
        assert!(accepts("specifications/a-1.gemspec"));
        assert!(accepts("usr/lib/ruby/gems/3.1.0/specifications/a-1.gemspec"));
        assert!(accepts("usr/lib/ruby/gems/3.1.0/specifications/default/a-1.gemspec"));
        assert!(!accepts("src/myproj/myproj.gemspec"));
        assert!(!accepts("specifications/a-1.gemspec.bak"));
        assert!(!accepts("usr/lib/ruby/gems/3.1.0/gems/a-1/a.gemspec"));
        assert!(!accepts("x/nospecifications/a.gemspec"));
        assert!(!accepts("default/a.gemspec"));
    }

    #[test]
    fn literal_forms() {
        let text = "Gem::Specification.new do |spec|\n  spec.name    = %q{net-ssh}\n  spec.description = \"s.name = 'x'\"\n  spec.version = '7.0.1'.freeze # comment\n  spec.license = \"MIT\"\n  spec.licenses = [%q<Ruby>.freeze, 'BSD-2-Clause', \"\\u00e9\"]\n  spec.name = \"ignored\"\nend\n";
        let p = one("specifications/net-ssh-7.0.1.gemspec", text.as_bytes());
        assert_eq!(p.id, "net-ssh@7.0.1");
        assert_eq!(p.licenses, vec!["MIT", "Ruby", "BSD-2-Clause", "\u{e9}"]);
        assert_eq!(string_literal("'it\\'s'.freeze x"), Some(("it's".to_string(), " x")));
        assert_eq!(string_literal("\"a#{b}\""), None);
        assert_eq!(string_list("[]"), Some(vec![]));
        assert_eq!(string_list("[\"a\", b]"), None);
        assert_eq!(assignment("  s.name == \"x\""), None);
        assert_eq!(assignment(".name = \"x\""), None);
    }

    #[test]
    fn unusable_gemspecs() {
        let e =
            run(&Gemspec, "specifications/a.gemspec", b"s.name = \"a\"\ns.version = A::VERSION\n", &NoFiles)
                .unwrap_err();
        assert_eq!(e.line(), Some(2));
        let e = run(&Gemspec, "specifications/a.gemspec", b"s.version = \"1\"\n", &NoFiles).unwrap_err();
        assert!(e.to_string().contains("no gem name"), "{e}");
        assert!(run(&Gemspec, "specifications/a.gemspec", b"s.name = \"a\"\n", &NoFiles).is_err());
        assert!(run(&Gemspec, "specifications/a.gemspec", b"", &NoFiles).is_err());
        let a = run(
            &Gemspec,
            "specifications/a.gemspec",
            b"s.name = 'a'\ns.version = '1'\ns.licenses = LICENSES\n",
            &NoFiles,
        )
        .unwrap();
        assert_eq!(a.packages[0].id, "a@1");
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].line, Some(3));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0..RACK.len(), at in 0..RACK.len(), b in any::<u8>(), s in "[sa.=\"'%q<>{}()\\[\\], \\\\u0-9#]{0,30}") {
            let _ = run(&Gemspec, "specifications/x.gemspec", &bytes, &NoFiles);
            let _ = run(&Gemspec, "specifications/x.gemspec", &RACK[..cut], &NoFiles);
            let mut m = RACK.to_vec();
            m[at] = b;
            let _ = run(&Gemspec, "specifications/x.gemspec", &m, &NoFiles);
            let _ = run(&Gemspec, "specifications/x.gemspec", format!("s.name = {s}\ns.version = {s}\ns.licenses = {s}").as_bytes(), &NoFiles);
        }
    }
}
