//! SBOMs as input: CycloneDX JSON (`sbom-cyclonedx`) and SPDX 2.x JSON (`sbom-spdx`), written
//! by Rampart or by another tool (Trivy, Syft, cdxgen, osv-scalibr...).
//!
//! Both read the package URL of each component/package and turn it back into the
//! `(ecosystem, name, version)` of [`rampart_model::Ecosystem`] (the inverse of
//! [`rampart_model::purl`]). Packages of other purl types (`deb`, `apk`, `rpm`, `generic`...)
//! and packages without a purl are counted and named in one warning per file: they are not
//! scanned (OS packages come later).
//!
//! The result of one SBOM mixes ecosystems: each package carries its own, but the
//! [`Analyzer::ecosystem`] of these analyzers can only name one (see [`SBOM_ECOSYSTEM`]).

use std::collections::{BTreeMap, HashMap};

use rampart_model::{Ecosystem, Location, Package, Relationship};

use crate::{Analysis, Analyzer};

mod cyclonedx;
mod spdx;

pub use cyclonedx::CycloneDx;
pub use spdx::Spdx;

/// What [`Analyzer::ecosystem`] returns for the SBOM analyzers. The trait allows one ecosystem
/// per analyzer while an SBOM mixes them; every [`Package`] has its own, which is what the
/// vulnerability matcher uses.
pub const SBOM_ECOSYSTEM: Ecosystem = Ecosystem::Npm;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(CycloneDx), Box::new(Spdx)]
}

/// A package URL turned back into a package, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Purl {
    Package {
        ecosystem: Ecosystem,
        name: String,
        version: String,
    },
    /// A well-formed purl of a type Rampart does not scan (lower-cased type).
    Unsupported(String),
    /// Not a purl, or one without a name.
    Invalid,
}

/// Parses `pkg:type/namespace/name@version?qualifiers#subpath` (purl-spec): components are
/// percent-decoded, qualifiers and subpath ignored. Names are rebuilt the way Rampart's
/// analyzers write them: `@scope/name` (npm), `group:artifact` (Maven), `namespace/name` (Go,
/// Composer).
pub(crate) fn parse_purl(purl: &str) -> Purl {
    let purl = purl.trim();
    let Some(rest) = purl.get(..4).filter(|s| s.eq_ignore_ascii_case("pkg:")).and_then(|_| purl.get(4..))
    else {
        return Purl::Invalid;
    };
    let rest = rest.trim_start_matches('/');
    let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    let Some((ty, path)) = rest.split_once('/') else {
        return Purl::Invalid;
    };
    let ty = ty.to_ascii_lowercase();
    if ty.is_empty() {
        return Purl::Invalid;
    }
    let path = path.trim_end_matches('/');
    // The version follows the last `@` of the last segment (an npm scope may be written `@`).
    let last_slash = path.rfind('/').map_or(0, |i| i + 1);
    let (path, version) = match path.get(last_slash..).and_then(|last| last.rfind('@')) {
        Some(at) => {
            (path.get(..last_slash + at).unwrap_or(path), path.get(last_slash + at + 1..).unwrap_or(""))
        }
        None => (path, ""),
    };
    let mut segments: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(decode).collect();
    let Some(name) = segments.pop().filter(|n| !n.trim().is_empty()) else {
        return Purl::Invalid;
    };
    let namespace = segments.join("/");
    let version = decode(version);
    let ecosystem = match ty.as_str() {
        "npm" => Ecosystem::Npm,
        "pypi" => Ecosystem::PyPI,
        "cargo" => Ecosystem::Cargo,
        "golang" => Ecosystem::Go,
        "maven" => Ecosystem::Maven,
        "gem" => Ecosystem::RubyGems,
        "composer" => Ecosystem::Packagist,
        "nuget" => Ecosystem::NuGet,
        _ => return Purl::Unsupported(ty),
    };
    let name = match ecosystem {
        _ if namespace.is_empty() => name,
        Ecosystem::Maven => format!("{namespace}:{name}"),
        Ecosystem::Npm | Ecosystem::Go | Ecosystem::Packagist => format!("{namespace}/{name}"),
        // These types have no namespace; keep it rather than lose it.
        Ecosystem::PyPI | Ecosystem::Cargo | Ecosystem::RubyGems | Ecosystem::NuGet => {
            format!("{namespace}/{name}")
        }
        // OS purls (`pkg:deb/debian/...`) are not produced above.
        _ => name,
    };
    Purl::Package { ecosystem, name, version: version.trim().to_string() }
}

/// Percent-decodes a purl component (a `%` not followed by two hex digits is kept).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name to report: the purl's, except that a PyPI name keeps the spelling of the SBOM's
/// own `name` field when it is the same project (purls lower-case and normalise PyPI names).
pub(crate) fn pick_name(ecosystem: Ecosystem, purl_name: String, declared: Option<&str>) -> String {
    let normalize = |s: &str| s.to_ascii_lowercase().replace(['_', '.'], "-");
    match declared.map(str::trim) {
        Some(d) if ecosystem == Ecosystem::PyPI && !d.is_empty() && normalize(d) == normalize(&purl_name) => {
            d.to_string()
        }
        _ => purl_name,
    }
}

/// One package while the document is read.
#[derive(Debug)]
pub(crate) struct Entry {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
    pub relationship: Relationship,
    pub dev: bool,
    pub licenses: Vec<String>,
    pub locations: Vec<Location>,
    pub depends_on: Vec<String>,
}

/// The packages of one SBOM, merged by `(ecosystem, name, version)`, and what was skipped.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    /// Package id -> entry, in id order.
    entries: BTreeMap<String, Entry>,
    keys: HashMap<(Ecosystem, String, String), String>,
    /// Skipped components by purl type (`none` for no purl, `invalid` for a broken one).
    skipped: BTreeMap<String, usize>,
}

impl Collector {
    /// Adds a package (merging it into an equal one) and returns its id.
    pub fn add(&mut self, entry: Entry) -> String {
        let key = (entry.ecosystem, entry.name.clone(), entry.version.clone());
        if let Some(id) = self.keys.get(&key) {
            if let Some(existing) = self.entries.get_mut(id) {
                existing.dev &= entry.dev;
                if existing.relationship == Relationship::Unknown {
                    existing.relationship = entry.relationship;
                }
                for l in entry.licenses {
                    if !existing.licenses.contains(&l) {
                        existing.licenses.push(l);
                    }
                }
                for l in entry.locations {
                    if !existing.locations.contains(&l) {
                        existing.locations.push(l);
                    }
                }
                existing.depends_on.extend(entry.depends_on);
            }
            return id.clone();
        }
        let base = rampart_model::package_id(&entry.name, &entry.version);
        // The same name@version in two ecosystems: prefix the later one with its purl type.
        let mut id = base.clone();
        let mut n = 1;
        while self.entries.contains_key(&id) {
            id = if n == 1 {
                format!("{}:{base}", entry.ecosystem.purl_type())
            } else {
                format!("{}:{base}#{n}", entry.ecosystem.purl_type())
            };
            n += 1;
        }
        self.keys.insert(key, id.clone());
        self.entries.insert(id.clone(), entry);
        id
    }

    pub fn skip(&mut self, purl_type: &str) {
        *self.skipped.entry(purl_type.to_string()).or_default() += 1;
    }

    pub fn add_edge(&mut self, from: &str, to: &str) {
        if from != to
            && let Some(e) = self.entries.get_mut(from)
        {
            e.depends_on.push(to.to_string());
        }
    }

    pub fn set_dev(&mut self, id: &str, dev: bool) {
        if let Some(e) = self.entries.get_mut(id) {
            e.dev = dev;
        }
    }

    /// The packages, and the one warning about what was not scanned.
    pub fn finish(self, path: &str, what: &str) -> Analysis {
        let mut analysis = Analysis::default();
        let total: usize = self.skipped.values().sum();
        if total > 0 {
            let mut by_type: Vec<(&String, &usize)> = self.skipped.iter().collect();
            by_type.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let list: Vec<String> = by_type.iter().map(|(t, n)| format!("{t}: {n}")).collect();
            let (noun, verb) =
                if total == 1 { (what.to_string(), "has") } else { (format!("{what}s"), "have") };
            analysis.warn(
                path,
                None,
                format!(
                    "{total} {noun} {verb} no purl of a supported ecosystem ({}): not scanned",
                    list.join(", ")
                ),
            );
        }
        let ids: Vec<String> = self.entries.keys().cloned().collect();
        for (id, e) in self.entries {
            let mut b = Package::builder(e.ecosystem, e.name, e.version)
                .id(id.clone())
                .relationship(e.relationship)
                .dev(e.dev)
                .licenses(e.licenses)
                .depends_on(e.depends_on.into_iter().filter(|d| *d != id && ids.binary_search(d).is_ok()));
            for l in e.locations {
                b = b.location(l);
            }
            analysis.packages.push(b.build());
        }
        analysis
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(ecosystem: Ecosystem, name: &str, version: &str) -> Purl {
        Purl::Package { ecosystem, name: name.into(), version: version.into() }
    }

    #[test]
    fn parses_purls_back_into_packages() {
        for (purl, want) in [
            ("pkg:npm/%40babel/core@7.0.0", pkg(Ecosystem::Npm, "@babel/core", "7.0.0")),
            ("pkg:npm/@babel/core@7.0.0", pkg(Ecosystem::Npm, "@babel/core", "7.0.0")),
            ("pkg:npm/@babel/core", pkg(Ecosystem::Npm, "@babel/core", "")),
            ("pkg:npm/lodash@4.17.15?vcs_url=x#sub/path", pkg(Ecosystem::Npm, "lodash", "4.17.15")),
            ("pkg:pypi/django-foo@3.2", pkg(Ecosystem::PyPI, "django-foo", "3.2")),
            (
                "pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0%2Bincompatible",
                pkg(Ecosystem::Go, "github.com/dgrijalva/jwt-go", "v3.2.0+incompatible"),
            ),
            ("pkg:golang/example.com/vulngo", pkg(Ecosystem::Go, "example.com/vulngo", "")),
            (
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0?type=jar",
                pkg(Ecosystem::Maven, "org.apache.logging.log4j:log4j-core", "2.19.0"),
            ),
            ("pkg:composer/monolog/monolog@1.0", pkg(Ecosystem::Packagist, "monolog/monolog", "1.0")),
            ("PKG:Cargo/rustls@0.23.13", pkg(Ecosystem::Cargo, "rustls", "0.23.13")),
            ("pkg://gem/rails@7.0.1", pkg(Ecosystem::RubyGems, "rails", "7.0.1")),
            ("pkg:nuget/Newtonsoft.Json@13.0.1", pkg(Ecosystem::NuGet, "Newtonsoft.Json", "13.0.1")),
            ("pkg:deb/debian/libc6@2.36-9?arch=amd64", Purl::Unsupported("deb".into())),
            ("pkg:generic/openssl@1.1.1", Purl::Unsupported("generic".into())),
            ("pkg:npm/", Purl::Invalid),
            ("pkg:npm/@1.0", Purl::Invalid),
            ("pkg:npm", Purl::Invalid),
            ("npm/lodash@1", Purl::Invalid),
            ("", Purl::Invalid),
            ("pkg:/x", Purl::Invalid),
            ("pkg:npm/a%2", pkg(Ecosystem::Npm, "a%2", "")),
            ("pkg:npm/%e9t%C3%A9@1", pkg(Ecosystem::Npm, "\u{fffd}t\u{e9}", "1")),
        ] {
            assert_eq!(parse_purl(purl), want, "{purl}");
        }
    }

    #[test]
    fn inverts_rampart_purls() {
        for (eco, name, version) in [
            (Ecosystem::Npm, "@types/node", "20.1.0"),
            (Ecosystem::Go, "golang.org/x/net", "v0.7.0"),
            (Ecosystem::Maven, "com.fasterxml.jackson.core:jackson-databind", "2.13.0"),
            (Ecosystem::Packagist, "symfony/http-kernel", "v5.4.0"),
            (Ecosystem::Cargo, "serde", "1.0.0+build.1"),
            (Ecosystem::NuGet, "System.Text.Json", "8.0.0-rc.1"),
            (Ecosystem::RubyGems, "nokogiri", "1.13.10-x86_64-linux"),
        ] {
            let p = rampart_model::purl(eco, name, version);
            assert_eq!(parse_purl(&p), pkg(eco, name, version), "{p}");
        }
        let p = rampart_model::purl(Ecosystem::PyPI, "PyYAML", "6.0");
        let Purl::Package { name, .. } = parse_purl(&p) else { panic!("{p}") };
        assert_eq!(pick_name(Ecosystem::PyPI, name, Some("PyYAML")), "PyYAML");
        assert_eq!(pick_name(Ecosystem::PyPI, "pyyaml".into(), Some("other")), "pyyaml");
        assert_eq!(pick_name(Ecosystem::Npm, "a".into(), Some("A")), "a");
    }
}

/// Rampart's own CycloneDX and SPDX output of the `python-app` target read back.
#[cfg(test)]
mod round_trip {
    use super::*;
    use crate::NoFiles;
    use crate::testing::run;

    const CDX: &[u8] = include_bytes!("../../fixtures/sbom/rampart-python-app.cdx.json");
    const SPDX: &[u8] = include_bytes!("../../fixtures/sbom/rampart-python-app.spdx.json");

    /// `rampart fs python-app --format json`: (name, version, dev) of every package (all PyPI).
    const WRITTEN: [(&str, &str, bool); 21] = [
        ("asgiref", "3.3.4", false),
        ("atomicwrites", "1.4.1", true),
        ("attrs", "25.3.0", true),
        ("certifi", "2018.4.16", false),
        ("chardet", "3.0.4", false),
        ("colorama", "0.4.6", true),
        ("django", "3.2", false),
        ("idna", "2.7", false),
        ("iniconfig", "2.1.0", true),
        ("jinja2", "2.10", false),
        ("markupsafe", "1.1.1", false),
        ("packaging", "26.2", true),
        ("pluggy", "0.13.1", true),
        ("py", "1.11.0", true),
        ("pytest", "6.2.4", true),
        ("pytz", "2021.1", false),
        ("pyyaml", "5.3", false),
        ("requests", "2.19.1", false),
        ("sqlparse", "0.4.1", false),
        ("toml", "0.10.2", true),
        ("urllib3", "1.23", false),
    ];

    #[test]
    fn reads_back_what_rampart_wrote() {
        let cdx = run(&CycloneDx, "python-app.cdx.json", CDX, &NoFiles).unwrap();
        let spdx = run(&Spdx, "python-app.spdx.json", SPDX, &NoFiles).unwrap();
        for a in [&cdx, &spdx] {
            assert!(a.warnings.is_empty(), "{:?}", a.warnings);
            let got: Vec<_> = a
                .packages
                .iter()
                .map(|p| (p.ecosystem, p.name.as_str(), p.version.as_str(), p.dev))
                .collect();
            let want: Vec<_> = WRITTEN.iter().map(|(n, v, d)| (Ecosystem::PyPI, *n, *v, *d)).collect();
            assert_eq!(got, want);
            let get = |id: &str| a.packages.iter().find(|p| p.id == id).unwrap();
            let django = get("django@3.2");
            assert_eq!(django.depends_on, ["asgiref@3.3.4", "pytz@2021.1", "sqlparse@0.4.1"]);
            assert_eq!(django.relationship, Relationship::Direct);
            assert_eq!(get("pytest@6.2.4").depends_on.len(), 8);
            assert_eq!(get("toml@0.10.2").relationship, Relationship::Indirect);
        }
        // django is listed twice (poetry.lock and requirements.txt): merged, both places kept.
        let django = cdx.packages.iter().find(|p| p.name == "django").unwrap();
        assert_eq!(django.locations.len(), 2);
        assert!(django.locations.iter().all(|l| l.path == "python-app.cdx.json" && l.start_line.is_some()));
    }
}
