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
            },
        }
    }

    /// `(ecosystem, name, version)`: the identity used to compare inventories.
    pub fn key(&self) -> (Ecosystem, &str, &str) {
        (self.ecosystem, &self.name, &self.version)
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
    pub fn build(mut self) -> Package {
        self.pkg.depends_on.sort();
        self.pkg.depends_on.dedup();
        self.pkg
    }
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
