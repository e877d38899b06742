//! SBOMs as input: CycloneDX JSON (`sbom-cyclonedx`) and SPDX 2.x JSON (`sbom-spdx`), written
//! by Rampart or by another tool (Trivy, Syft, cdxgen, osv-scalibr...).
//!
//! Both read the package URL of each component/package and turn it back into the
//! `(ecosystem, name, version)` of [`rampart_model::Ecosystem`] (the inverse of
//! [`rampart_model::purl`] and [`rampart_model::os_purl`]). OS packages (`deb`, `apk`, `rpm`
//! purls of a known distribution) keep their package URL and get their architecture, their
//! distribution release (from the `distro` qualifier; none without one, so they are not matched
//! against advisories) and their source package (the document's own fields, else Syft's
//! `upstream` qualifier; none when neither says). Packages of other purl types (`generic`...),
//! of unknown distributions and packages without a purl are counted and named in one warning
//! per file: they are not scanned.
//!
//! The result of one SBOM mixes ecosystems: each package carries its own, but the
//! [`Analyzer::ecosystem`] of these analyzers can only name one (see [`SBOM_ECOSYSTEM`]).

use std::collections::{BTreeMap, HashMap};

use rampart_model::{Ecosystem, LayerRef, Location, Package, Relationship, SourcePackage};

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
    Package(PurlPackage),
    /// A well-formed purl of a type Rampart does not scan (lower-cased type), or an OS purl of
    /// an unknown distribution (`deb/kali`).
    Unsupported(String),
    /// Not a purl, or one without a name.
    Invalid,
}

/// What a supported package URL says about its package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PurlPackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    /// OS packages: `epoch:version` when the `epoch` qualifier is present and not `0`.
    pub version: String,
    /// OS packages: the `arch` qualifier.
    pub arch: Option<String>,
    /// OS packages: the release advisories are keyed by, from the `distro` qualifier
    /// (`debian-12.15` → `12`, `3.19.1` → `v3.19`); `None` without one.
    pub release: Option<String>,
    /// OS packages: the source package of Syft's `upstream` qualifier.
    pub upstream: Option<SourcePackage>,
}

impl PurlPackage {
    fn language(ecosystem: Ecosystem, name: String, version: String) -> Self {
        PurlPackage { ecosystem, name, version, arch: None, release: None, upstream: None }
    }
}

/// Parses `pkg:type/namespace/name@version?qualifiers#subpath` (purl-spec): components are
/// percent-decoded, the subpath ignored. Names are rebuilt the way Rampart's analyzers write
/// them: `@scope/name` (npm), `group:artifact` (Maven), `namespace/name` (Go, Composer).
///
/// OS purls (`deb`, `apk`, `rpm`) name their distribution in the namespace (`debian`,
/// `alpine`, `almalinux`, `redhat`, `amazon`...: an os-release `ID` or
/// [`Ecosystem::distro_id`]), else in the `distro` qualifier; their qualifiers give the epoch,
/// the architecture, the release (see [`PurlPackage::release`]) and Syft's `upstream` source
/// package. A distribution Rampart does not know, or one of another package format
/// (`pkg:apk/debian/...`), is [`Purl::Unsupported`].
pub(crate) fn parse_purl(purl: &str) -> Purl {
    let purl = purl.trim();
    let Some(rest) = purl.get(..4).filter(|s| s.eq_ignore_ascii_case("pkg:")).and_then(|_| purl.get(4..))
    else {
        return Purl::Invalid;
    };
    let rest = rest.trim_start_matches('/');
    let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
    let (rest, qualifiers) = rest.split_once('?').unwrap_or((rest, ""));
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
    let version = decode(version).trim().to_string();
    let ecosystem = match ty.as_str() {
        "npm" => Ecosystem::Npm,
        "pypi" => Ecosystem::PyPI,
        "cargo" => Ecosystem::Cargo,
        "golang" => Ecosystem::Go,
        "maven" => Ecosystem::Maven,
        "gem" => Ecosystem::RubyGems,
        "composer" => Ecosystem::Packagist,
        "nuget" => Ecosystem::NuGet,
        "deb" | "apk" | "rpm" => return os_purl_package(&ty, &namespace, name, version, qualifiers),
        _ => return Purl::Unsupported(ty),
    };
    let name = match ecosystem {
        _ if namespace.is_empty() => name,
        Ecosystem::Maven => format!("{namespace}:{name}"),
        Ecosystem::Npm | Ecosystem::Go | Ecosystem::Packagist => format!("{namespace}/{name}"),
        // These types have no namespace; keep it rather than lose it.
        _ => format!("{namespace}/{name}"),
    };
    Purl::Package(PurlPackage::language(ecosystem, name, version))
}

/// The qualifiers of a purl as (lower-cased key, decoded value); the first of a key wins.
fn qualifiers(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in text.split('&') {
        let Some((k, v)) = pair.split_once('=') else { continue };
        let k = k.trim().to_ascii_lowercase();
        let v = decode(v).trim().to_string();
        if !k.is_empty() && !v.is_empty() && !out.iter().any(|(seen, _)| *seen == k) {
            out.push((k, v));
        }
    }
    out
}

/// The OS family a purl namespace (or the id part of a `distro` qualifier) names: an
/// os-release `ID`, an [`Ecosystem::distro_id`], or a name Trivy uses (`alma`, `cbl-mariner`,
/// `opensuse.leap`).
fn os_family(id: &str) -> Option<Ecosystem> {
    let id = id.trim().to_ascii_lowercase().replace('.', "-");
    match id.as_str() {
        "alma" => return Some(Ecosystem::AlmaLinux),
        "cbl-mariner" => return Some(Ecosystem::AzureLinux),
        _ => {}
    }
    Ecosystem::from_os_release_id(&id)
        .or_else(|| Ecosystem::OS.into_iter().find(|e| e.distro_id() == id))
        .filter(|e| e.is_os())
}

/// Splits a `distro` qualifier into its distribution id and OS version: `debian-12.15` →
/// (`debian`, `12.15`), `opensuse-leap-15.5` → (`opensuse-leap`, `15.5`), `3.19.1` → (none,
/// `3.19.1`), `alpine-edge` → (`alpine`, `edge`), `debian-bookworm` → (`debian-bookworm`, none).
fn split_distro(value: &str) -> (Option<&str>, Option<&str>) {
    if value.starts_with(|c: char| c.is_ascii_digit()) || value == "edge" {
        return (None, Some(value));
    }
    if let Some(id) = value.strip_suffix("-edge") {
        return (Some(id), Some("edge"));
    }
    for (i, _) in value.match_indices('-') {
        let after = value.get(i + 1..).unwrap_or("");
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            return (value.get(..i), Some(after));
        }
    }
    (Some(value), None)
}

fn os_purl_package(ty: &str, namespace: &str, name: String, version: String, qualifiers_text: &str) -> Purl {
    let q = qualifiers(qualifiers_text);
    let get = |key: &str| q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let (distro_id, distro_version) = get("distro").map_or((None, None), split_distro);
    let format_ok = |e: &Ecosystem| e.purl_type() == ty;
    let Some(ecosystem) = os_family(namespace).filter(format_ok).or_else(|| {
        if namespace.is_empty() { distro_id.and_then(os_family).filter(format_ok) } else { None }
    }) else {
        return Purl::Unsupported(if namespace.is_empty() {
            ty.to_string()
        } else {
            format!("{ty}/{}", namespace.to_ascii_lowercase())
        });
    };
    let epoch = get("epoch")
        .filter(|e| e.bytes().all(|b| b.is_ascii_digit()))
        .map(|e| e.trim_start_matches('0'))
        .filter(|e| !e.is_empty());
    let version = match epoch {
        Some(e) if !version.is_empty() && !version.contains(':') => format!("{e}:{version}"),
        _ => version,
    };
    let release = distro_version.map(|v| crate::os::release_of(ecosystem, v)).filter(|r| !r.is_empty());
    let upstream = get("upstream").and_then(|u| upstream_source(ty, u, &version));
    Purl::Package(PurlPackage {
        ecosystem,
        name,
        version,
        arch: get("arch").map(str::to_string),
        release,
        upstream,
    })
}

/// Syft's `upstream` qualifier: `name` or `name@version` (deb, apk), `name-version-release.src.rpm`
/// (rpm). Without a version the source version is the package's (dpkg and apk leave it out when
/// they are equal); an rpm source takes the package's epoch, as Rampart's rpm analyzer does.
fn upstream_source(ty: &str, upstream: &str, version: &str) -> Option<SourcePackage> {
    let source = |name: &str, v: &str| SourcePackage { name: name.to_string(), version: v.to_string() };
    if ty == "rpm"
        && let Some((name, v)) = crate::os::split_source_rpm(upstream)
    {
        let v = match version.split_once(':') {
            Some((epoch, _)) if !v.contains(':') => format!("{epoch}:{v}"),
            _ => v,
        };
        return Some(source(name, &v));
    }
    let (name, v) = upstream.split_once('@').unwrap_or((upstream, version));
    let name = name.trim();
    if name.is_empty() || name.ends_with(".rpm") {
        return None;
    }
    Some(source(name, if v.trim().is_empty() { version } else { v.trim() }))
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
    /// OS packages only.
    pub os: Option<OsFields>,
}

/// What an OS package carries besides its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OsFields {
    /// The package URL as the document wrote it.
    pub purl: String,
    pub arch: Option<String>,
    pub distro: Option<String>,
    pub source: Option<SourcePackage>,
    pub layer: Option<LayerRef>,
}

/// The OS fields of a package read from `purl` (parsed as `parsed`): `declared` is the source
/// package the document states (it wins over the purl's `upstream` qualifier). `None` for
/// language packages.
pub(crate) fn os_fields(
    purl: &str,
    parsed: &PurlPackage,
    declared: Option<SourcePackage>,
    layer: Option<LayerRef>,
) -> Option<OsFields> {
    parsed.ecosystem.is_os().then(|| OsFields {
        purl: purl.trim().to_string(),
        arch: parsed.arch.clone(),
        distro: parsed.release.clone(),
        source: declared.filter(|s| !s.name.trim().is_empty()).or_else(|| parsed.upstream.clone()),
        layer,
    })
}

/// `[epoch:]version[-release]` from the parts Trivy splits a source version into (`SrcEpoch`,
/// `SrcVersion`, `SrcRelease`); an epoch of `0` is left out.
pub(crate) fn join_version(epoch: Option<&str>, version: &str, release: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(e) = epoch.map(str::trim).filter(|e| !e.is_empty() && *e != "0") {
        out.push_str(e);
        out.push(':');
    }
    out.push_str(version.trim());
    if let Some(r) = release.map(str::trim).filter(|r| !r.is_empty()) {
        out.push('-');
        out.push_str(r);
    }
    out
}

/// The packages of one SBOM, merged by `(ecosystem, name, version, arch)`, and what was skipped.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    /// Package id -> entry, in id order.
    entries: BTreeMap<String, Entry>,
    keys: HashMap<(Ecosystem, String, String, Option<String>), String>,
    /// Skipped components by purl type (`none` for no purl, `invalid` for a broken one).
    skipped: BTreeMap<String, usize>,
}

impl Collector {
    /// Adds a package (merging it into an equal one) and returns its id.
    pub fn add(&mut self, entry: Entry) -> String {
        let arch = entry.os.as_ref().and_then(|o| o.arch.clone());
        let key = (entry.ecosystem, entry.name.clone(), entry.version.clone(), arch);
        if let Some(id) = self.keys.get(&key) {
            if let Some(existing) = self.entries.get_mut(id) {
                if let (Some(have), Some(new)) = (existing.os.as_mut(), entry.os) {
                    have.distro = have.distro.take().or(new.distro);
                    have.source = have.source.take().or(new.source);
                    have.layer = have.layer.take().or(new.layer);
                }
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
            if let Some(os) = e.os {
                b = b.purl(os.purl);
                if let Some(arch) = os.arch {
                    b = b.arch(arch);
                }
                if let Some(distro) = os.distro {
                    b = b.distro(distro);
                }
                if let Some(src) = os.source {
                    b = b.source(src.name, src.version);
                }
                if let Some(layer) = os.layer {
                    b = b.layer(layer);
                }
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
        Purl::Package(PurlPackage::language(ecosystem, name.into(), version.into()))
    }

    /// An OS package: (ecosystem, name, version, arch, release, upstream source).
    fn os(
        ecosystem: Ecosystem,
        name: &str,
        version: &str,
        arch: Option<&str>,
        release: Option<&str>,
        upstream: Option<(&str, &str)>,
    ) -> Purl {
        Purl::Package(PurlPackage {
            ecosystem,
            name: name.into(),
            version: version.into(),
            arch: arch.map(Into::into),
            release: release.map(Into::into),
            upstream: upstream.map(|(n, v)| SourcePackage { name: n.into(), version: v.into() }),
        })
    }

    #[test]
    fn parses_os_purls() {
        use Ecosystem::*;
        for (purl, want) in [
            // Trivy / Rampart.
            (
                "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12.15&epoch=1",
                os(Debian, "bsdutils", "1:2.38.1-5+deb12u3", Some("amd64"), Some("12"), None),
            ),
            (
                "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1",
                os(Alpine, "musl", "1.2.4-r2", Some("x86_64"), Some("v3.19"), None),
            ),
            (
                "pkg:rpm/almalinux/openssl@3.0.7-24.el9?arch=x86_64&epoch=1&distro=almalinux-9.3",
                os(AlmaLinux, "openssl", "1:3.0.7-24.el9", Some("x86_64"), Some("9"), None),
            ),
            (
                "pkg:rpm/alma/openssl@3.0.7-24.el9?distro=alma-9.3",
                os(AlmaLinux, "openssl", "3.0.7-24.el9", None, Some("9"), None),
            ),
            (
                "pkg:rpm/redhat/bash@5.1.8-6.el9?arch=x86_64&distro=redhat-9.3",
                os(RedHat, "bash", "5.1.8-6.el9", Some("x86_64"), Some("9"), None),
            ),
            (
                "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?arch=amd64&distro=ubuntu-22.04",
                os(Ubuntu, "libc6", "2.35-0ubuntu3.6", Some("amd64"), Some("22.04"), None),
            ),
            (
                "pkg:apk/wolfi/glibc@2.39-r1?arch=x86_64&distro=20230201",
                os(Wolfi, "glibc", "2.39-r1", Some("x86_64"), None, None),
            ),
            (
                "pkg:rpm/amazon/curl@8.5.0-1.amzn2023.0.2?distro=amazon-2023",
                os(AmazonLinux, "curl", "8.5.0-1.amzn2023.0.2", None, Some("2023"), None),
            ),
            (
                "pkg:rpm/opensuse.leap/zlib@1.2.13-150500.4.3.1?distro=opensuse.leap-15.5",
                os(OpenSuse, "zlib", "1.2.13-150500.4.3.1", None, Some("15.5"), None),
            ),
            ("pkg:rpm/oracle/zlib@1.2.11-40.el9", os(OracleLinux, "zlib", "1.2.11-40.el9", None, None, None)),
            // Syft: `upstream`, `distro=<id>-<VERSION_ID>`.
            (
                "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc",
                os(
                    Debian,
                    "libc6",
                    "2.36-9+deb12u4",
                    Some("amd64"),
                    Some("12"),
                    Some(("glibc", "2.36-9+deb12u4")),
                ),
            ),
            (
                "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.15?arch=amd64&upstream=openssl%403.0.2-0ubuntu1.14",
                os(
                    Ubuntu,
                    "openssl",
                    "3.0.2-0ubuntu1.15",
                    Some("amd64"),
                    None,
                    Some(("openssl", "3.0.2-0ubuntu1.14")),
                ),
            ),
            (
                "pkg:rpm/redhat/glibc-common@2.34-60.el9?arch=x86_64&upstream=glibc-2.34-60.el9.src.rpm&distro=rhel-9.2",
                os(
                    RedHat,
                    "glibc-common",
                    "2.34-60.el9",
                    Some("x86_64"),
                    Some("9"),
                    Some(("glibc", "2.34-60.el9")),
                ),
            ),
            (
                "pkg:rpm/rhel/openssl-libs@3.0.7-24.el9?epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm",
                os(RedHat, "openssl-libs", "1:3.0.7-24.el9", None, None, Some(("openssl", "1:3.0.7-24.el9"))),
            ),
            (
                "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&upstream=openssl&distro=alpine-3.19.1",
                os(
                    Alpine,
                    "libcrypto3",
                    "3.1.4-r5",
                    Some("x86_64"),
                    Some("v3.19"),
                    Some(("openssl", "3.1.4-r5")),
                ),
            ),
            ("pkg:apk/alpine/a@1?distro=alpine-edge", os(Alpine, "a", "1", None, Some("edge"), None)),
            // The family from the distro qualifier when there is no namespace.
            (
                "pkg:deb/tzdata@2024a-0?distro=debian-11.9",
                os(Debian, "tzdata", "2024a-0", None, Some("11"), None),
            ),
            // Epoch 0 is no epoch; an epoch already in the version is not repeated; a bad epoch
            // is ignored; qualifier keys are case-insensitive, the first of a key wins.
            ("pkg:deb/debian/a@1.0?epoch=0", os(Debian, "a", "1.0", None, None, None)),
            ("pkg:deb/debian/a@1.0?epoch=01", os(Debian, "a", "1:1.0", None, None, None)),
            ("pkg:deb/debian/a@2:1.0?epoch=2", os(Debian, "a", "2:1.0", None, None, None)),
            ("pkg:deb/debian/a@1.0?epoch=x1", os(Debian, "a", "1.0", None, None, None)),
            ("pkg:deb/debian/a@1.0?ARCH=arm64&arch=amd64", os(Debian, "a", "1.0", Some("arm64"), None, None)),
            // Missing or broken qualifiers.
            ("pkg:deb/debian/a?distro=debian-bookworm", os(Debian, "a", "", None, None, None)),
            ("pkg:deb/debian/a@1?distro=&arch&=x&&", os(Debian, "a", "1", None, None, None)),
            ("pkg:deb/debian/a@1?distro=debian-12%2", os(Debian, "a", "1", None, Some("12%2"), None)),
            ("pkg:deb/debian/a@1#sub?distro=debian-12", os(Debian, "a", "1", None, None, None)),
            // Unknown distributions and mismatched formats.
            ("pkg:deb/kali/a@1", Purl::Unsupported("deb/kali".into())),
            ("pkg:apk/debian/a@1?distro=debian-12", Purl::Unsupported("apk/debian".into())),
            ("pkg:deb/a@1", Purl::Unsupported("deb".into())),
            ("pkg:deb/debian/", Purl::Unsupported("deb".into())),
            ("pkg:deb/", Purl::Invalid),
            ("pkg:alpm/arch/pacman@6.0.2-9", Purl::Unsupported("alpm".into())),
        ] {
            assert_eq!(parse_purl(purl), want, "{purl}");
        }
    }

    #[test]
    fn inverts_rampart_os_purls() {
        for (eco, version, arch, distro, release) in [
            (Ecosystem::Debian, "1:2.38.1-5+deb12u3", "amd64", "12.15", "12"),
            (Ecosystem::Ubuntu, "2.35-0ubuntu3.6", "amd64", "22.04", "22.04"),
            (Ecosystem::Alpine, "1.2.4-r2", "x86_64", "3.19.1", "v3.19"),
            (Ecosystem::RockyLinux, "1:3.0.7-24.el9", "x86_64", "9.3", "9"),
            (Ecosystem::AmazonLinux, "2.0-1.amzn2", "aarch64", "2", "2"),
            (Ecosystem::Suse, "1.2-3", "x86_64", "15.5", "15.5"),
        ] {
            let p = rampart_model::os_purl(eco, "pkg", version, Some(arch), Some(distro));
            assert_eq!(parse_purl(&p), os(eco, "pkg", version, Some(arch), Some(release), None), "{p}");
        }
    }

    #[test]
    fn joins_trivy_source_versions() {
        assert_eq!(join_version(Some("1"), "3.8", Some("4")), "1:3.8-4");
        assert_eq!(join_version(Some("0"), "3.8", Some("")), "3.8");
        assert_eq!(join_version(None, "3.118", None), "3.118");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]
        /// Hostile purls and qualifiers never panic, and an OS purl keeps its family.
        #[test]
        fn hostile_purls_never_panic(
            ty in proptest::sample::select(vec!["deb", "apk", "rpm", "npm", "DEB", ""]),
            ns in "[a-z.%0-9-]{0,12}",
            rest in "\\PC{0,40}",
            q in proptest::collection::vec(("[a-zA-Z%]{0,6}", "\\PC{0,16}"), 0..5),
        ) {
            let query: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let purl = format!("pkg:{ty}/{ns}/{rest}?{}", query.join("&"));
            let _ = parse_purl(&purl);
            let debian = format!("pkg:deb/debian/x@1?{}", query.join("&"));
            match parse_purl(&debian) {
                Purl::Package(p) => proptest::prop_assert_eq!(p.ecosystem, Ecosystem::Debian),
                other => proptest::prop_assert!(false, "{debian}: {other:?}"),
            }
        }
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
        let Purl::Package(PurlPackage { name, .. }) = parse_purl(&p) else { panic!("{p}") };
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
