//! NuGet's older `packages.config`.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use rampart_model::{Ecosystem, Location, Package};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, line_of, utf8};

/// Reads `packages.config`: `<packages><package id="…" version="…" targetFramework="…"
/// developmentDependency="true"/></packages>`.
///
/// Reports each `<package>` (with its lines), marking `developmentDependency="true"` ones dev
/// (Trivy leaves those out; Rampart keeps them, flagged). The file is the flat list of every
/// package restored into the project, so it does not say which were asked for directly nor what
/// depends on what; nor does it carry licenses.
pub struct PackagesConfig;

impl Analyzer for PackagesConfig {
    fn name(&self) -> &'static str {
        "dotnet-packages-config"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "packages.config"
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        parse(input.file.path, utf8(input.content)?)
    }
}

fn parse(path: &str, text: &str) -> Result<Analysis, AnalyzeError> {
    let mut analysis = Analysis::default();
    let mut reader = Reader::from_str(text);
    let mut depth = 0usize;
    let mut seen_root = false;
    let mut index: HashMap<String, usize> = HashMap::new();
    let line = |offset: u64| line_of(text, usize::try_from(offset).unwrap_or(usize::MAX));

    loop {
        let before = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            AnalyzeError::parse(Some(line(reader.error_position())), format!("invalid XML: {e}"))
        })?;
        let after = reader.buffer_position();
        let (start, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let element = start.local_name();
        if depth == 0 {
            if seen_root || element.as_ref() != b"packages" {
                return Err(AnalyzeError::parse(
                    Some(line(before)),
                    format!(
                        "root element is <{}>, not <packages>",
                        String::from_utf8_lossy(element.as_ref())
                    ),
                ));
            }
            seen_root = true;
        } else if depth == 1 && element.as_ref() == b"package" {
            let (from, to) = (line(before), line(after.saturating_sub(1)));
            match package(&reader, start) {
                Ok((id, version, dev)) => {
                    let location = Location::lines(path, from, to);
                    let key = format!("{id}@{version}");
                    if let Some(p) = index.get(&key).and_then(|&i| analysis.packages.get_mut(i)) {
                        p.locations.push(location);
                        p.dev &= dev;
                    } else {
                        index.insert(key, analysis.packages.len());
                        analysis.packages.push(
                            Package::builder(Ecosystem::NuGet, id, version)
                                .dev(dev)
                                .location(location)
                                .build(),
                        );
                    }
                }
                Err(message) => analysis.warn(path, Some(from), message),
            }
        }
        if !empty {
            depth += 1;
        }
    }
    if !seen_root {
        return Err(AnalyzeError::parse(None, "no <packages> element"));
    }
    if depth > 0 {
        return Err(AnalyzeError::parse(
            Some(line(reader.buffer_position())),
            "unexpected end of file: unclosed element",
        ));
    }
    Ok(analysis)
}

/// The `id`, `version` and dev flag of a `<package>`.
fn package(reader: &Reader<&[u8]>, element: &BytesStart<'_>) -> Result<(String, String, bool), String> {
    let (mut id, mut version, mut dev) = (None, None, false);
    for attr in element.attributes() {
        let attr = attr.map_err(|e| format!("bad <package> attribute: {e}"))?;
        let value = || {
            attr.decode_and_unescape_value(reader.decoder())
                .map(|v| v.trim().to_string())
                .map_err(|e| format!("bad <package> attribute value: {e}"))
        };
        match attr.key.local_name().as_ref() {
            b"id" => id = Some(value()?),
            b"version" => version = Some(value()?),
            b"developmentDependency" => dev = value()?.eq_ignore_ascii_case("true"),
            _ => {}
        }
    }
    let id = id.filter(|i| !i.is_empty()).ok_or("<package> without an id")?;
    let version = version
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("<package id=\"{id}\"> without a version"))?;
    Ok((id, version, dev))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::run;
    use proptest::prelude::*;
    use rampart_model::Relationship;

    const CONFIG: &[u8] = include_bytes!("../../fixtures/dotnet/packages.config");

    #[test]
    fn visual_studio_packages_config() {
        let a = run(&PackagesConfig, "Web/packages.config", CONFIG, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<(&str, bool, u32)> = a
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.relationship, Relationship::Unknown);
                assert!(p.depends_on.is_empty() && p.licenses.is_empty());
                assert_eq!(p.locations.len(), 1);
                let l = &p.locations[0];
                assert_eq!((l.path.as_str(), l.start_line), ("Web/packages.config", l.end_line));
                (p.id.as_str(), p.dev, l.start_line.unwrap())
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("Antlr@3.5.0.2", false, 3),
                ("bootstrap@3.4.1", false, 4),
                ("jQuery@3.4.1", false, 5),
                ("Microsoft.AspNet.Mvc@5.2.7", false, 6),
                ("Microsoft.AspNet.Razor@3.2.7", false, 7),
                ("Microsoft.AspNet.WebPages@3.2.7", false, 8),
                ("Microsoft.CodeDom.Providers.DotNetCompilerPlatform@2.0.1", false, 9),
                ("Microsoft.Web.Infrastructure@1.0.0.0", false, 10),
                ("Newtonsoft.Json@12.0.2", false, 11),
                ("StyleCop.Analyzers@1.1.118", true, 12),
            ]
        );
        assert_eq!(a.packages[2].purl, "pkg:nuget/jQuery@3.4.1");
    }

    #[test]
    fn bom_multiline_and_odd_entries() {
        let text = "\u{feff}<?xml version=\"1.0\"?>\n<!-- c -->\n<packages>\n  <package\n    id=\"A&amp;B\"\n    version=\"1.0\" />\n  <package id=\"NoVersion\"/>\n  <package version=\"1\"/>\n  <package id=\"X\" id=\"Y\" version=\"1\"/>\n  <other><package id=\"Nested\" version=\"1\"/></other>\n  <package id=\"A&amp;B\" version=\"1.0\"></package>\n</packages>\n";
        let a = run(&PackagesConfig, "packages.config", text.as_bytes(), &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.packages[0].id, "A&B@1.0");
        assert_eq!(
            a.packages[0].locations,
            vec![Location::lines("packages.config", 4, 6), Location::lines("packages.config", 11, 11)]
        );
        let lines: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![Some(7), Some(8), Some(9)]);
    }

    #[test]
    fn broken_files_are_errors() {
        for (text, line) in [
            (&b"<packages>\n  <package id=\"a\" version=\"1\"/>\n"[..], Some(3)),
            (b"<project/>", Some(1)),
            (b"", None),
            (b"<packages/>\n<packages/>", Some(2)),
            (b"<packages>\n</package>", Some(2)),
        ] {
            let e = run(&PackagesConfig, "packages.config", text, &NoFiles).unwrap_err();
            assert_eq!(e.line(), line, "{e}");
        }
        assert_eq!(
            run(&PackagesConfig, "packages.config", b"<packages/>", &NoFiles).unwrap(),
            Analysis::default()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0..CONFIG.len(), at in 0..CONFIG.len(), b in any::<u8>()) {
            let _ = run(&PackagesConfig, "packages.config", &bytes, &NoFiles);
            let _ = run(&PackagesConfig, "packages.config", &CONFIG[..cut], &NoFiles);
            let mut m = CONFIG.to_vec();
            m[at] = b;
            let _ = run(&PackagesConfig, "packages.config", &m, &NoFiles);
        }
    }
}
