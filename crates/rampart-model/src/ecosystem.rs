use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A package ecosystem. The serialised names are the OSV ecosystem names, so the advisory
/// database (issue "part 2") can key on them directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ecosystem {
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "crates.io")]
    Cargo,
    #[serde(rename = "Go")]
    Go,
    #[serde(rename = "Maven")]
    Maven,
    #[serde(rename = "RubyGems")]
    RubyGems,
    #[serde(rename = "Packagist")]
    Packagist,
    #[serde(rename = "NuGet")]
    NuGet,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 8] = [
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Cargo,
        Ecosystem::Go,
        Ecosystem::Maven,
        Ecosystem::RubyGems,
        Ecosystem::Packagist,
        Ecosystem::NuGet,
    ];

    /// The OSV ecosystem name.
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Cargo => "crates.io",
            Ecosystem::Go => "Go",
            Ecosystem::Maven => "Maven",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::NuGet => "NuGet",
        }
    }

    /// The package-URL type (<https://github.com/package-url/purl-spec>).
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Go => "golang",
            Ecosystem::Maven => "maven",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Packagist => "composer",
            Ecosystem::NuGet => "nuget",
        }
    }

    /// A short human label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Ecosystem::Npm => "Node.js",
            Ecosystem::PyPI => "Python",
            Ecosystem::Cargo => "Rust",
            Ecosystem::Go => "Go",
            Ecosystem::Maven => "Java",
            Ecosystem::RubyGems => "Ruby",
            Ecosystem::Packagist => "PHP",
            Ecosystem::NuGet => ".NET",
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEcosystem(pub String);

impl fmt::Display for UnknownEcosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown ecosystem {:?}", self.0)
    }
}

impl std::error::Error for UnknownEcosystem {}

impl FromStr for Ecosystem {
    type Err = UnknownEcosystem;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ecosystem::ALL
            .into_iter()
            .find(|e| e.osv_name().eq_ignore_ascii_case(s) || e.purl_type().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownEcosystem(s.to_string()))
    }
}
