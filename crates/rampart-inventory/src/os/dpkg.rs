//! dpkg's database of installed packages: `var/lib/dpkg/status` and the one-file-per-package
//! `var/lib/dpkg/status.d/*` of distroless images (their `*.md5sums` are file lists, read by
//! [`super::dpkg_files`]).
//!
//! One paragraph per package. Only packages whose `Status` is `install ok installed` (or, in
//! `status.d`, which has no `Status`, every package) are reported: removed packages that left
//! their configuration files (`deinstall ok config-files`), half-installed and unpacked ones are
//! not on the system as the package manager sees it. Each package gives `Package`, `Version`
//! (with its epoch, `1:2.38.1-5+deb12u3`), `Architecture` and its source: `Source: name` or
//! `Source: name (version)`, else the package itself; the source version is the package's
//! version unless written (binNMUs: `bash (5.2.15-2)` for `5.2.15-2+b13`). `Depends` and
//! `Pre-Depends` become edges to the packages of the same file with that name (every
//! alternative of `a | b` that is installed; `:any`/`:amd64` qualifiers dropped; when several
//! architectures of one name are installed, the one of the same architecture, else the first).
//! Virtual packages (`Provides`) are not resolved. A paragraph without `Package` or `Version` is
//! skipped with a warning; the same name, version and architecture twice is kept once.

use std::collections::BTreeMap;

use rampart_model::{Ecosystem, Location, Package};

use super::{DPKG_GROUP, ends_with_path, field, paragraphs, purl_of};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, Grouping, utf8};

pub(crate) struct DpkgStatus;

impl Analyzer for DpkgStatus {
    fn name(&self) -> &'static str {
        "dpkg-status"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Debian
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        is_status_file(file.path)
    }

    fn grouping(&self) -> Grouping {
        Grouping::Aggregate(DPKG_GROUP)
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        Ok(parse_status(text, input.file.path, input.file.path.contains("status.d/")))
    }
}

/// `var/lib/dpkg/status` or a package file of `var/lib/dpkg/status.d/`, at any depth.
pub(crate) fn is_status_file(path: &str) -> bool {
    if ends_with_path(path, "var/lib/dpkg/status") {
        return true;
    }
    match path.rsplit_once('/') {
        Some((dir, name)) => {
            ends_with_path(dir, "var/lib/dpkg/status.d") && !name.is_empty() && !name.ends_with(".md5sums")
        }
        None => false,
    }
}

/// One installed package before edges are resolved.
struct Entry {
    name: String,
    version: String,
    arch: String,
    source: (String, String),
    deps: Vec<String>,
    lines: (u32, u32),
}

/// Parses a status file; `status_d`: a distroless per-package file, whose paragraphs have no
/// `Status` field.
pub(crate) fn parse_status(text: &str, path: &str, status_d: bool) -> Analysis {
    let mut analysis = Analysis::default();
    let mut entries: Vec<Entry> = Vec::new();
    for (start, end, fields) in paragraphs(text, ':') {
        match field(&fields, "Status") {
            Some(status) if !is_installed(status) => continue,
            None if !status_d => continue,
            _ => {}
        }
        let (Some(name), Some(version)) = (field(&fields, "Package"), field(&fields, "Version")) else {
            analysis.warn(path, Some(start), "package paragraph without `Package` or `Version` skipped");
            continue;
        };
        let arch = field(&fields, "Architecture").unwrap_or("").to_string();
        let source = match field(&fields, "Source") {
            Some(s) => match s.split_once('(') {
                Some((n, v)) => {
                    let v = v.trim_end().trim_end_matches(')').trim();
                    (n.trim().to_string(), if v.is_empty() { version.to_string() } else { v.to_string() })
                }
                None => (s.to_string(), version.to_string()),
            },
            None => (name.to_string(), version.to_string()),
        };
        let mut deps = Vec::new();
        for key in ["Pre-Depends", "Depends"] {
            if let Some(list) = field(&fields, key) {
                deps.extend(dependency_names(list));
            }
        }
        if entries.iter().any(|e| e.name == name && e.version == version && e.arch == arch) {
            continue;
        }
        entries.push(Entry {
            name: name.to_string(),
            version: version.to_string(),
            arch,
            source,
            deps,
            lines: (start, end),
        });
    }
    analysis.packages = build(entries, path);
    analysis
}

/// `install ok installed` (and `hold ok installed`: held packages are installed too).
fn is_installed(status: &str) -> bool {
    let words: Vec<&str> = status.split_whitespace().collect();
    matches!(words.as_slice(), [want, "ok", "installed"] if matches!(*want, "install" | "hold"))
}

/// The package names of a `Depends` field: every alternative, without version constraints
/// and architecture qualifiers.
fn dependency_names(list: &str) -> Vec<String> {
    list.split([',', '|'])
        .filter_map(|dep| {
            let dep = dep.split(['(', '[', '<']).next().unwrap_or("").trim();
            let dep = dep.split(':').next().unwrap_or("").trim();
            (!dep.is_empty()).then(|| dep.to_string())
        })
        .collect()
}

fn id_of(e: &Entry, duplicated: bool) -> String {
    if duplicated && !e.arch.is_empty() {
        format!("{}:{}@{}", e.name, e.arch, e.version)
    } else {
        format!("{}@{}", e.name, e.version)
    }
}

fn build(entries: Vec<Entry>, path: &str) -> Vec<Package> {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_name.entry(e.name.as_str()).or_default().push(i);
    }
    let ids: Vec<String> =
        entries.iter().map(|e| id_of(e, by_name.get(e.name.as_str()).is_some_and(|v| v.len() > 1))).collect();
    let mut packages = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let mut edges = Vec::new();
        for dep in &e.deps {
            let Some(candidates) = by_name.get(dep.as_str()) else { continue };
            let pick = candidates
                .iter()
                .find(|c| entries.get(**c).is_some_and(|d| d.arch == e.arch))
                .or_else(|| candidates.iter().find(|c| entries.get(**c).is_some_and(|d| d.arch == "all")))
                .or(candidates.first());
            if let Some(id) = pick.filter(|c| **c != i).and_then(|c| ids.get(*c)) {
                edges.push(id.clone());
            }
        }
        let mut b = Package::builder(Ecosystem::Debian, &e.name, &e.version)
            .arch(&e.arch)
            .source(&e.source.0, &e.source.1)
            .purl(purl_of(Ecosystem::Debian, &e.name, &e.version, &e.arch))
            .depends_on(edges)
            .location(Location::lines(path, e.lines.0, e.lines.1));
        if let Some(id) = ids.get(i) {
            b = b.id(id);
        }
        packages.push(b.build());
    }
    packages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::never_panics_with;
    use crate::testing::{MemFiles, run};

    /// Five paragraphs of the status file of the `debian12-layered` image (built by the targets'
    /// `build.sh` with mmdebstrap and apt).
    const STATUS: &[u8] = include_bytes!("../../fixtures/os/dpkg/status");
    /// osv-scalibr's `statusfield` test file (Apache-2.0): one paragraph per dpkg status.
    const STATUSES: &[u8] = include_bytes!("../../fixtures/os/dpkg/statusfield");
    /// osv-scalibr's distroless `status.d/foo` (Apache-2.0).
    const STATUS_D: &[u8] = include_bytes!("../../fixtures/os/dpkg/status.d/foo");

    fn analyze(path: &str, content: &[u8]) -> Analysis {
        run(&DpkgStatus, path, content, &MemFiles(vec![])).unwrap()
    }

    #[test]
    fn accepts_status_files() {
        for (path, ok) in [
            ("var/lib/dpkg/status", true),
            ("chroot/var/lib/dpkg/status", true),
            ("var/lib/dpkg/status.d/base-files", true),
            ("var/lib/dpkg/status.d/base-files.md5sums", false),
            ("var/lib/dpkg/status-old", false),
            ("var/lib/dpkg/info/bash.list", false),
            ("status", false),
        ] {
            assert_eq!(DpkgStatus.accepts(&FileInfo::new(path, 1, false)), ok, "{path}");
        }
    }

    #[test]
    fn real_status_paragraphs() {
        let a = analyze("var/lib/dpkg/status", STATUS);
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<_> = a
            .packages
            .iter()
            .map(|p| {
                let s = p.source.as_ref().unwrap();
                (
                    p.id.as_str(),
                    p.arch.as_deref().unwrap(),
                    s.name.as_str(),
                    s.version.as_str(),
                    p.depends_on.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "bash@5.2.15-2+b13",
                    "amd64",
                    "bash",
                    "5.2.15-2",
                    vec!["base-files@12.4+deb12u15".to_string(), "libc6@2.36-9+deb12u14".to_string()]
                ),
                ("base-files@12.4+deb12u15", "amd64", "base-files", "12.4+deb12u15", vec![]),
                (
                    "bsdutils@1:2.38.1-5+deb12u3",
                    "amd64",
                    "util-linux",
                    "2.38.1-5+deb12u3",
                    vec!["libc6@2.36-9+deb12u14".to_string()]
                ),
                ("libc6@2.36-9+deb12u14", "amd64", "glibc", "2.36-9+deb12u14", vec![]),
                (
                    "diffutils@1:3.8-4",
                    "amd64",
                    "diffutils",
                    "1:3.8-4",
                    vec!["libc6@2.36-9+deb12u14".to_string()]
                ),
            ]
        );
        let b = &a.packages[2];
        assert_eq!(b.version, "1:2.38.1-5+deb12u3");
        assert_eq!(b.purl, "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&epoch=1");
        assert_eq!(b.ecosystem, Ecosystem::Debian);
        assert_eq!(b.locations[0].path, "var/lib/dpkg/status");
        assert!(b.locations[0].start_line.is_some_and(|l| l > 1));
    }

    #[test]
    fn only_installed_packages_are_reported() {
        let a = analyze("var/lib/dpkg/status", STATUSES);
        let names: Vec<&str> = a.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["wantinstall_installed"]);
        let a = analyze("var/lib/dpkg/status.d/foo", STATUS_D);
        let names: Vec<&str> = a.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["foo"]);
    }

    #[test]
    fn multi_arch_duplicates_get_distinct_ids() {
        let text = "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36\n\n\
                    Package: libc6\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.36\n\n\
                    Package: libfoo\nStatus: install ok installed\nArchitecture: i386\nVersion: 1\nDepends: libc6:i386 (>= 2.34), nothere | libc6\n";
        let a = analyze("var/lib/dpkg/status", text.as_bytes());
        let ids: Vec<&str> = a.packages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["libc6:amd64@2.36", "libc6:i386@2.36", "libfoo@1"]);
        assert_eq!(a.packages[2].depends_on, ["libc6:i386@2.36"]);
        let text = "Package: x\nVersion: 1\nStatus: install ok installed\n\nStatus: install ok installed\nVersion: 2\n";
        let a = analyze("var/lib/dpkg/status", text.as_bytes());
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].line, Some(5));
    }

    #[test]
    fn never_panics_on_hostile_input() {
        never_panics_with(STATUS, |b| {
            let _ = run(&DpkgStatus, "var/lib/dpkg/status", b, &MemFiles(vec![]));
        });
    }
}
