//! apk's database of installed packages: `lib/apk/db/installed`.
//!
//! One paragraph per package of `X:value` lines: `P` name, `V` version, `A` architecture, `o`
//! origin (the source package, whose version is the package's), `L` licence (an SPDX
//! expression, kept as written), `D` dependencies, `p` what it provides, `F` a directory and
//! `R` a file of the directory before it (→ [`crate::Analysis::installed_files`]).
//!
//! Dependencies are resolved among the packages of the same file: a plain name, a
//! `name=version` / `name>=version` constraint (constraint ignored), `so:libc.musl-x86_64.so.1`,
//! `cmd:sh` or `pc:...` through the `p` (provides) of the installed packages; conflicts (`!name`)
//! are ignored. A paragraph without `P` or `V` is skipped with a warning.

use std::collections::BTreeMap;

use rampart_model::{Ecosystem, Location, Package};

use super::{APK_GROUP, ends_with_path, paragraphs, purl_of};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, Grouping, utf8};

pub(crate) struct ApkInstalled;

impl Analyzer for ApkInstalled {
    fn name(&self) -> &'static str {
        "apk-installed"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Alpine
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "installed" && ends_with_path(file.path, "lib/apk/db/installed")
    }

    fn grouping(&self) -> Grouping {
        Grouping::Aggregate(APK_GROUP)
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        Ok(parse_installed(utf8(input.content)?, input.file.path))
    }
}

struct Entry {
    name: String,
    version: String,
    arch: String,
    origin: String,
    license: String,
    deps: Vec<String>,
    lines: (u32, u32),
}

/// The name part of a dependency or provides entry: `so:libc.musl-x86_64.so.1=1` →
/// `so:libc.musl-x86_64.so.1`, `busybox>=1.36` → `busybox`.
fn bare(dep: &str) -> &str {
    dep.split(['=', '<', '>', '~']).next().unwrap_or("").trim()
}

pub(crate) fn parse_installed(text: &str, path: &str) -> Analysis {
    let mut analysis = Analysis::default();
    let mut entries = Vec::new();
    let mut providers: BTreeMap<String, usize> = BTreeMap::new();
    for (start, end, fields) in paragraphs(text, ':') {
        let mut e = Entry {
            name: String::new(),
            version: String::new(),
            arch: String::new(),
            origin: String::new(),
            license: String::new(),
            deps: Vec::new(),
            lines: (start, end),
        };
        let mut provides = Vec::new();
        let mut dir = String::new();
        for (key, value) in &fields {
            match *key {
                "P" => e.name = value.clone(),
                "V" => e.version = value.clone(),
                "A" => e.arch = value.clone(),
                "o" => e.origin = value.clone(),
                "L" => e.license = value.clone(),
                "D" => e.deps.extend(
                    value.split_whitespace().filter(|d| !d.starts_with('!')).map(|d| bare(d).to_string()),
                ),
                "p" => provides.extend(value.split_whitespace().map(|p| bare(p).to_string())),
                "F" => dir = value.trim_matches('/').to_string(),
                "R" if !value.is_empty() => {
                    let file = value.trim_start_matches('/');
                    analysis.installed_files.push(if dir.is_empty() {
                        file.to_string()
                    } else {
                        format!("{dir}/{file}")
                    });
                }
                _ => {}
            }
        }
        if e.name.is_empty() || e.version.is_empty() {
            analysis.warn(path, Some(start), "package paragraph without `P` (name) or `V` (version) skipped");
            continue;
        }
        let index = entries.len();
        providers.entry(e.name.clone()).or_insert(index);
        for p in provides {
            providers.entry(p).or_insert(index);
        }
        entries.push(e);
    }
    let ids: Vec<String> = entries.iter().map(|e| format!("{}@{}", e.name, e.version)).collect();
    for (i, e) in entries.iter().enumerate() {
        let edges = e
            .deps
            .iter()
            .filter_map(|d| providers.get(d.as_str()))
            .filter(|p| **p != i)
            .filter_map(|p| ids.get(*p).cloned());
        let origin = if e.origin.is_empty() { &e.name } else { &e.origin };
        let p = Package::builder(Ecosystem::Alpine, &e.name, &e.version)
            .arch(&e.arch)
            .source(origin, &e.version)
            .license(&e.license)
            .purl(purl_of(Ecosystem::Alpine, &e.name, &e.version, &e.arch))
            .depends_on(edges)
            .location(Location::lines(path, e.lines.0, e.lines.1))
            .build();
        analysis.packages.push(p);
    }
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::never_panics_with;
    use crate::testing::{MemFiles, run};

    /// osv-scalibr's `apk/testdata/installed` (Apache-2.0): a real Alpine 3.18 database.
    const INSTALLED: &[u8] = include_bytes!("../../fixtures/os/apk/installed");

    #[test]
    fn real_database() {
        let a = run(&ApkInstalled, "lib/apk/db/installed", INSTALLED, &MemFiles(vec![])).unwrap();
        assert!(a.warnings.is_empty());
        let got: Vec<(&str, &str)> =
            a.packages.iter().map(|p| (p.name.as_str(), p.version.as_str())).collect();
        assert_eq!(got, EXPECTED);
        let musl = a.packages.iter().find(|p| p.name == "musl").unwrap();
        assert_eq!(musl.arch.as_deref(), Some("x86_64"));
        assert_eq!(musl.licenses, ["MIT"]);
        assert_eq!(ssl_license(&a), ["Apache-2.0"]);
        assert_eq!(musl.purl, "pkg:apk/alpine/musl@1.2.4-r0?arch=x86_64");
        let ssl = a.packages.iter().find(|p| p.name == "libssl3").unwrap();
        assert_eq!(
            ssl.source.as_ref().map(|s| (s.name.as_str(), s.version.as_str())),
            Some(("openssl", "3.1.0-r4"))
        );
        // `D:so:libc.musl-x86_64.so.1 so:libcrypto.so.3` resolves through `p:`.
        assert_eq!(ssl.depends_on, ["libcrypto3@3.1.0-r4", "musl@1.2.4-r0"]);
        assert!(a.installed_files.contains(&"lib/libssl.so.3".to_string()), "{:?}", &a.installed_files[..5]);
        assert!(a.installed_files.contains(&"etc/motd".to_string()));
    }

    const EXPECTED: &[(&str, &str)] = &[
        ("alpine-baselayout", "3.4.3-r1"),
        ("alpine-baselayout-data", "3.4.3-r1"),
        ("alpine-keys", "2.4-r1"),
        ("apk-tools", "2.14.0-r0"),
        ("busybox", "1.36.0-r9"),
        ("busybox-binsh", "1.36.0-r9"),
        ("ca-certificates-bundle", "20230506-r0"),
        ("libc-utils", "0.7.2-r5"),
        ("libcrypto3", "3.1.0-r4"),
        ("libssl3", "3.1.0-r4"),
        ("musl", "1.2.4-r0"),
        ("musl-utils", "1.2.4-r0"),
        ("scanelf", "1.3.7-r1"),
        ("ssl_client", "1.36.0-r9"),
        ("zlib", "1.2.13-r1"),
    ];

    fn ssl_license(a: &Analysis) -> Vec<String> {
        a.packages.iter().find(|p| p.name == "libssl3").map(|p| p.licenses.clone()).unwrap_or_default()
    }

    #[test]
    fn paragraph_without_name_is_skipped() {
        let a = run(&ApkInstalled, "lib/apk/db/installed", b"P:a\nV:1\n\nV:2\nA:x86_64\n", &MemFiles(vec![]))
            .unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.warnings.len(), 1);
    }

    #[test]
    fn never_panics_on_hostile_input() {
        never_panics_with(INSTALLED, |b| {
            let _ = run(&ApkInstalled, "lib/apk/db/installed", b, &MemFiles(vec![]));
        });
    }
}
