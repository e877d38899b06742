use serde::{Deserialize, Serialize};

use crate::Ecosystem;

/// Where a package was declared or found. `path` is relative to the scan root and uses `/`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Self {
        Location { path: path.into(), start_line: None, end_line: None }
    }

    pub fn lines(path: impl Into<String>, start: u32, end: u32) -> Self {
        Location { path: path.into(), start_line: Some(start), end_line: Some(end) }
    }
}

/// How a package relates to the project that declares it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relationship {
    /// The project itself (e.g. the root of a lockfile, the main module of a Go binary).
    Root,
    /// Declared directly by the project.
    Direct,
    /// Pulled in by another dependency.
    Indirect,
    /// The format does not say.
    #[default]
    Unknown,
}

/// A dependency edge: `id` is the [`Package::id`] of another package in the same result.
pub type Dependency = String;

/// One package found by an analyzer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Identifier unique within its result (usually `name@version`); dependency edges use it.
    pub id: String,
    pub name: String,
    pub version: String,
    pub ecosystem: Ecosystem,
    pub purl: String,
    pub relationship: Relationship,
    /// True when the format marks the package as a development-only dependency.
    #[serde(default)]
    pub dev: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Dependency>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    /// OS packages: the distribution release the package belongs to, as the advisory feeds
    /// name it (`12` for Debian 12, `v3.19` for Alpine, `22.04` for Ubuntu, `9` for AlmaLinux).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<String>,
    /// OS packages: the source package it was built from. Distro advisories are keyed by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
    /// OS packages: the architecture (`amd64`, `x86_64`, `all`, `noarch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// Images: the layer that added this package (the earliest layer it is present in, unchanged,
    /// up to the final image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
}

/// The source package of a binary OS package.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourcePackage {
    pub name: String,
    pub version: String,
}

/// One layer of a container image, as findings refer to it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LayerRef {
    /// Position in the image, from 0 (the base).
    pub index: u32,
    /// The digest of the uncompressed layer tar (`sha256:...`), as in the image config.
    pub diff_id: String,
    /// The digest of the layer blob as stored (compressed), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// The history line that created the layer (`RUN apt-get install ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

impl Package {
    /// Starts a package; the PURL and the id are derived from ecosystem, name and version.
    pub fn builder(
        ecosystem: Ecosystem,
        name: impl Into<String>,
        version: impl Into<String>,
    ) -> PackageBuilder {
        let name = name.into();
        let version = version.into();
        PackageBuilder {
            pkg: Package {
                id: package_id(&name, &version),
                purl: purl(ecosystem, &name, &version),
                name,
                version,
                ecosystem,
                relationship: Relationship::Unknown,
                dev: false,
                licenses: Vec::new(),
                depends_on: Vec::new(),
                locations: Vec::new(),
                distro: None,
                source: None,
                arch: None,
                layer: None,
            },
        }
    }

    /// `(ecosystem, name, version)`: the identity used to compare inventories.
    pub fn key(&self) -> (Ecosystem, &str, &str) {
        (self.ecosystem, &self.name, &self.version)
    }

    /// The OSV ecosystem string advisories use for this package: the family plus the release for
    /// OS packages (`Debian:12`, `Alpine:v3.19`), the plain name for language packages.
    pub fn osv_ecosystem(&self) -> String {
        match (&self.distro, self.ecosystem.is_os()) {
            (Some(release), true) if !release.is_empty() => {
                format!("{}:{}", self.ecosystem.osv_name(), release)
            }
            _ => self.ecosystem.osv_name().to_string(),
        }
    }

    /// The name advisories are keyed by: the source package for OS packages, else the name.
    pub fn advisory_name(&self) -> &str {
        match &self.source {
            Some(src) if self.ecosystem.is_os() && !src.name.is_empty() => &src.name,
            _ => &self.name,
        }
    }

    /// The version compared with advisory ranges: the source version for OS packages whose
    /// source is known (Debian binNMUs differ from their source), else the version.
    pub fn advisory_version(&self) -> &str {
        match &self.source {
            Some(src) if self.ecosystem.is_os() && !src.version.is_empty() => &src.version,
            _ => &self.version,
        }
    }
}

/// The conventional package id: `name@version`, or `name` when the version is unknown.
pub fn package_id(name: &str, version: &str) -> String {
    if version.is_empty() { name.to_string() } else { format!("{name}@{version}") }
}

/// Builds a [`Package`] step by step.
#[derive(Debug, Clone)]
pub struct PackageBuilder {
    pkg: Package,
}

impl PackageBuilder {
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.pkg.id = id.into();
        self
    }
    pub fn relationship(mut self, relationship: Relationship) -> Self {
        self.pkg.relationship = relationship;
        self
    }
    pub fn dev(mut self, dev: bool) -> Self {
        self.pkg.dev = dev;
        self
    }
    pub fn license(mut self, license: impl Into<String>) -> Self {
        let license = license.into();
        let license = license.trim();
        if !license.is_empty() && !self.pkg.licenses.iter().any(|l| l == license) {
            self.pkg.licenses.push(license.to_string());
        }
        self
    }
    pub fn licenses<I, S>(mut self, licenses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for l in licenses {
            self = self.license(l);
        }
        self
    }
    pub fn depends_on<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.pkg.depends_on.extend(ids.into_iter().map(Into::into));
        self
    }
    pub fn location(mut self, location: Location) -> Self {
        self.pkg.locations.push(location);
        self
    }
    /// Overrides the derived package URL (OS packages: see [`os_purl`]).
    pub fn purl(mut self, purl: impl Into<String>) -> Self {
        self.pkg.purl = purl.into();
        self
    }
    pub fn distro(mut self, release: impl Into<String>) -> Self {
        self.pkg.distro = Some(release.into());
        self
    }
    pub fn source(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.pkg.source = Some(SourcePackage { name: name.into(), version: version.into() });
        self
    }
    pub fn arch(mut self, arch: impl Into<String>) -> Self {
        let arch = arch.into();
        if !arch.is_empty() {
            self.pkg.arch = Some(arch);
        }
        self
    }
    pub fn layer(mut self, layer: LayerRef) -> Self {
        self.pkg.layer = Some(layer);
        self
    }
    pub fn build(mut self) -> Package {
        self.pkg.depends_on.sort();
        self.pkg.depends_on.dedup();
        self.pkg
    }
}

/// The package URL of an OS package, the way Trivy and Syft write them:
/// `pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12.15&epoch=1`.
/// A leading `epoch:` of `version` moves to the `epoch` qualifier; `distro_version` is the full
/// OS version (`12.15`, `3.19.1`, `9.3`).
pub fn os_purl(
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
    arch: Option<&str>,
    distro_version: Option<&str>,
) -> String {
    let (epoch, bare) = match version.split_once(':') {
        Some((e, rest)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => (Some(e), rest),
        _ => (None, version),
    };
    let name = if name.is_empty() { "unknown" } else { name };
    let fallback = || format!("pkg:{}/{}/{}", ecosystem.purl_type(), ecosystem.distro_id(), name);
    let Ok(mut p) = packageurl::PackageUrl::new(ecosystem.purl_type(), name) else {
        return fallback();
    };
    if p.with_namespace(ecosystem.distro_id()).is_err() {
        return fallback();
    }
    if !bare.is_empty() && p.with_version(bare).is_err() {
        return fallback();
    }
    if let Some(arch) = arch.filter(|a| !a.is_empty()) {
        let _ = p.add_qualifier("arch", arch);
    }
    if let Some(v) = distro_version.filter(|v| !v.is_empty()) {
        let _ = p.add_qualifier("distro", format!("{}-{v}", ecosystem.distro_id()));
    }
    if let Some(e) = epoch.filter(|e| *e != "0") {
        let _ = p.add_qualifier("epoch", e);
    }
    p.to_string()
}

/// The package URL for a package, following the purl-spec rules of each type.
pub fn purl(ecosystem: Ecosystem, name: &str, version: &str) -> String {
    let (namespace, short_name): (Option<String>, String) = match ecosystem {
        Ecosystem::Npm => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, n)) => (Some(format!("@{scope}")), n.to_string()),
            None => (None, name.to_string()),
        },
        // purl-spec: PyPI names are lower-cased and `_` becomes `-`.
        Ecosystem::PyPI => (None, name.to_ascii_lowercase().replace(['_', '.'], "-")),
        Ecosystem::Go | Ecosystem::Packagist => match name.rsplit_once('/') {
            Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
            None => (None, name.to_string()),
        },
        Ecosystem::Maven => match name.split_once(':') {
            Some((group, artifact)) => (Some(group.to_string()), artifact.to_string()),
            None => (None, name.to_string()),
        },
        Ecosystem::Cargo | Ecosystem::RubyGems | Ecosystem::NuGet => (None, name.to_string()),
        os => return os_purl(os, name, version, None, None),
    };
    let short_name = if short_name.is_empty() { "unknown".to_string() } else { short_name };
    let fallback = || format!("pkg:{}/{}", ecosystem.purl_type(), short_name);
    // `new` only fails on an invalid type, and ours are constants; the setters only fail on
    // empty values, which are filtered out.
    let Ok(mut p) = packageurl::PackageUrl::new(ecosystem.purl_type(), short_name.as_str()) else {
        return fallback();
    };
    if let Some(ns) = namespace.as_deref().filter(|ns| !ns.is_empty())
        && p.with_namespace(ns).is_err()
    {
        return fallback();
    }
    if !version.is_empty() && p.with_version(version).is_err() {
        return fallback();
    }
    p.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_purls_carry_arch_distro_and_epoch() {
        assert_eq!(
            os_purl(Ecosystem::Debian, "bsdutils", "1:2.38.1-5+deb12u3", Some("amd64"), Some("12.15")),
            "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12.15&epoch=1"
        );
        assert_eq!(
            os_purl(Ecosystem::Alpine, "musl", "1.2.4-r2", Some("x86_64"), None),
            "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64"
        );
        let p = Package::builder(Ecosystem::Debian, "libssl3", "3.0.11-1~deb12u2")
            .distro("12")
            .source("openssl", "3.0.11-1~deb12u2")
            .build();
        assert_eq!(p.osv_ecosystem(), "Debian:12");
        assert_eq!(p.advisory_name(), "openssl");
        assert_eq!("Debian:12".parse::<Ecosystem>(), Ok(Ecosystem::Debian));
        assert_eq!("Rocky Linux:9".parse::<Ecosystem>(), Ok(Ecosystem::RockyLinux));
    }

    #[test]
    fn purls_follow_the_spec() {
        assert_eq!(purl(Ecosystem::Npm, "@babel/core", "7.0.0"), "pkg:npm/%40babel/core@7.0.0");
        assert_eq!(purl(Ecosystem::Npm, "lodash", "4.17.15"), "pkg:npm/lodash@4.17.15");
        assert_eq!(purl(Ecosystem::PyPI, "Django_Foo", "3.2"), "pkg:pypi/django-foo@3.2");
        assert_eq!(
            purl(Ecosystem::Go, "github.com/dgrijalva/jwt-go", "v3.2.0+incompatible"),
            "pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0%2Bincompatible"
        );
        assert_eq!(
            purl(Ecosystem::Maven, "org.apache.logging.log4j:log4j-core", "2.19.0"),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0"
        );
        assert_eq!(purl(Ecosystem::Go, "example.com/vulngo", ""), "pkg:golang/example.com/vulngo");
        assert_eq!(purl(Ecosystem::Packagist, "monolog/monolog", "1.0"), "pkg:composer/monolog/monolog@1.0");
    }
}
