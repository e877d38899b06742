//! Exact version ordering per package ecosystem, as vulnerability databases
//! (OSV) need it.
//!
//! Every ecosystem has its own idea of what a version is and how two of them
//! compare; a matcher that asks "is 1.0.0-rc.1 inside `< 1.0.0`?" must use the
//! rules of the ecosystem the package comes from. [`Scheme`] names those
//! rules, [`Scheme::parse`] turns a string into a [`Version`] that can be
//! compared many times, and [`Scheme::compare`] does both at once.
//!
//! ```
//! use rampart_versions::Scheme;
//! use std::cmp::Ordering;
//!
//! let npm = Scheme::from_osv_ecosystem("npm").unwrap();
//! assert_eq!(npm.compare("1.0.0-rc.1", "1.0.0").unwrap(), Ordering::Less);
//!
//! let deb = Scheme::from_osv_ecosystem("Debian:12").unwrap();
//! let installed = deb.parse("1.2.3-1~deb12u1").unwrap();
//! let fixed = deb.parse("1.2.3-1").unwrap();
//! assert!(installed < fixed);
//! ```
//!
//! Nothing here panics on any input: a string a scheme cannot read gives a
//! [`VersionError`] naming the version and the reason.

#![forbid(unsafe_code)]

mod alpine;
mod cran;
mod debian;
mod go;
mod hackage;
mod maven;
mod npm;
mod nuget;
mod num;
mod packagist;
mod pub_dart;
mod pypi;
mod rpm;
mod rubygems;
mod semver2;

use std::cmp::Ordering;
use std::fmt;

/// Why a version string could not be read under a scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The string is not a version of that scheme.
    #[error("invalid {scheme} version {version:?}: {reason}")]
    Invalid {
        /// The scheme that was asked to read it.
        scheme: Scheme,
        /// The string as given.
        version: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The OSV ecosystem name is not one this crate knows how to order.
    #[error("unknown or unsupported OSV ecosystem {0:?}")]
    UnknownEcosystem(String),
}

impl VersionError {
    pub(crate) fn invalid(scheme: Scheme, version: &str, reason: impl Into<String>) -> Self {
        VersionError::Invalid { scheme, version: version.to_owned(), reason: reason.into() }
    }
}

/// A set of version ordering rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scheme {
    /// node-semver: `major.minor.patch[-prerelease][+build]`, build ignored.
    Npm,
    /// PEP 440 (Python packages).
    PyPI,
    /// SemVer 2.0.0 (crates.io), build metadata ignored.
    Cargo,
    /// Go module versions (`v1.2.3`, `+incompatible`, pseudo-versions) and Go
    /// toolchain versions (`go1.22rc1`, `go1.21.3`) of `stdlib`/`toolchain`.
    Go,
    /// Maven's `ComparableVersion`.
    Maven,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// Composer / PHP `version_compare` (Packagist).
    Packagist,
    /// NuGet's `NuGetVersion` (four numeric parts, case-insensitive labels).
    NuGet,
    /// dpkg: `[epoch:]upstream[-revision]` (Debian, Ubuntu).
    Debian,
    /// apk-tools (Alpine, Wolfi, Chainguard, Alpaquita).
    Alpine,
    /// RPM `[epoch:]version[-release]` with `rpmvercmp`, incl. `~` and `^`.
    Rpm,
    /// Haskell package versions (Hackage): lists of integers.
    Hackage,
    /// Dart pub versions: SemVer where build metadata orders too.
    Pub,
    /// R package versions (CRAN): integers separated by `.` or `-`.
    Cran,
}

impl Scheme {
    /// Every scheme, in declaration order.
    pub const ALL: [Scheme; 14] = [
        Scheme::Npm,
        Scheme::PyPI,
        Scheme::Cargo,
        Scheme::Go,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::Packagist,
        Scheme::NuGet,
        Scheme::Debian,
        Scheme::Alpine,
        Scheme::Rpm,
        Scheme::Hackage,
        Scheme::Pub,
        Scheme::Cran,
    ];

    /// The scheme of an OSV `affected[].package.ecosystem` value, such as
    /// `npm`, `PyPI`, `crates.io`, `Debian:12`, `Ubuntu:22.04:LTS`,
    /// `Alpine:v3.19`, `Rocky Linux:9` or `openSUSE:Leap 15.5`. The part after
    /// the first `:` (the release) does not change the ordering rules.
    pub fn from_osv_ecosystem(ecosystem: &str) -> Result<Scheme, VersionError> {
        let base = ecosystem.split(':').next().unwrap_or("").trim();
        let scheme = match base {
            "npm" => Scheme::Npm,
            "PyPI" => Scheme::PyPI,
            "crates.io" => Scheme::Cargo,
            "Go" => Scheme::Go,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::RubyGems,
            "Packagist" => Scheme::Packagist,
            "NuGet" => Scheme::NuGet,
            "Debian" | "Ubuntu" => Scheme::Debian,
            "Alpine" | "Alpaquita" | "BellSoft Hardened Containers" | "Wolfi" | "Chainguard" | "MinimOS" => {
                Scheme::Alpine
            }
            "AlmaLinux" | "Rocky Linux" | "Red Hat" | "openSUSE" | "SUSE" | "Mageia" | "openEuler"
            | "Azure Linux" | "Photon OS" | "Oracle Linux" | "Amazon Linux" | "CentOS" | "Fedora"
            | "Echo RPM" => Scheme::Rpm,
            "Hackage" | "GHC" => Scheme::Hackage,
            "Pub" => Scheme::Pub,
            "CRAN" | "Bioconductor" => Scheme::Cran,
            _ => return Err(VersionError::UnknownEcosystem(ecosystem.to_owned())),
        };
        Ok(scheme)
    }

    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Npm => "npm",
            Scheme::PyPI => "PyPI",
            Scheme::Cargo => "crates.io",
            Scheme::Go => "Go",
            Scheme::Maven => "Maven",
            Scheme::RubyGems => "RubyGems",
            Scheme::Packagist => "Packagist",
            Scheme::NuGet => "NuGet",
            Scheme::Debian => "Debian",
            Scheme::Alpine => "Alpine",
            Scheme::Rpm => "RPM",
            Scheme::Hackage => "Hackage",
            Scheme::Pub => "Pub",
            Scheme::Cran => "CRAN",
        }
    }

    /// Reads `version` under this scheme's rules.
    pub fn parse(self, version: &str) -> Result<Version, VersionError> {
        let inner = match self {
            Scheme::Npm => Inner::Npm(npm::parse(version)?),
            Scheme::PyPI => Inner::PyPI(pypi::parse(version)?),
            Scheme::Cargo => Inner::Cargo(semver2::parse(Scheme::Cargo, version)?),
            Scheme::Go => Inner::Go(go::parse(version)?),
            Scheme::Maven => Inner::Maven(maven::parse(version)?),
            Scheme::RubyGems => Inner::RubyGems(rubygems::parse(version)?),
            Scheme::Packagist => Inner::Packagist(packagist::parse(version)?),
            Scheme::NuGet => Inner::NuGet(nuget::parse(version)?),
            Scheme::Debian => Inner::Debian(debian::parse(version)?),
            Scheme::Alpine => Inner::Alpine(alpine::parse(version)?),
            Scheme::Rpm => Inner::Rpm(rpm::parse(version)?),
            Scheme::Hackage => Inner::Hackage(hackage::parse(version)?),
            Scheme::Pub => Inner::Pub(pub_dart::parse(version)?),
            Scheme::Cran => Inner::Cran(cran::parse(version)?),
        };
        Ok(Version { inner })
    }

    /// Compares two version strings under this scheme's rules.
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(self.parse(a)?.cmp(&self.parse(b)?))
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A version read under one [`Scheme`].
///
/// `Ord` gives the scheme's ordering; equal means "the same version" for the
/// scheme (`1.0` and `1.0.0` are equal under PyPI, say). Versions of two
/// different schemes do not mean anything to each other: they order by scheme
/// first, only so that `Ord` stays total.
#[derive(Debug, Clone)]
pub struct Version {
    inner: Inner,
}

#[derive(Debug, Clone)]
enum Inner {
    Npm(npm::NpmVersion),
    PyPI(pypi::PypiVersion),
    Cargo(semver2::SemVer),
    Go(go::GoVersion),
    Maven(maven::MavenVersion),
    RubyGems(rubygems::GemVersion),
    Packagist(packagist::PackagistVersion),
    NuGet(nuget::NuGetVersion),
    Debian(debian::DebVersion),
    Alpine(alpine::ApkVersion),
    Rpm(rpm::RpmVersion),
    Hackage(hackage::HackageVersion),
    Pub(pub_dart::PubVersion),
    Cran(cran::CranVersion),
}

impl Version {
    /// The scheme this version was read under.
    pub fn scheme(&self) -> Scheme {
        match &self.inner {
            Inner::Npm(_) => Scheme::Npm,
            Inner::PyPI(_) => Scheme::PyPI,
            Inner::Cargo(_) => Scheme::Cargo,
            Inner::Go(_) => Scheme::Go,
            Inner::Maven(_) => Scheme::Maven,
            Inner::RubyGems(_) => Scheme::RubyGems,
            Inner::Packagist(_) => Scheme::Packagist,
            Inner::NuGet(_) => Scheme::NuGet,
            Inner::Debian(_) => Scheme::Debian,
            Inner::Alpine(_) => Scheme::Alpine,
            Inner::Rpm(_) => Scheme::Rpm,
            Inner::Hackage(_) => Scheme::Hackage,
            Inner::Pub(_) => Scheme::Pub,
            Inner::Cran(_) => Scheme::Cran,
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.inner, &other.inner) {
            (Inner::Npm(a), Inner::Npm(b)) => a.cmp(b),
            (Inner::PyPI(a), Inner::PyPI(b)) => a.cmp(b),
            (Inner::Cargo(a), Inner::Cargo(b)) => a.cmp(b),
            (Inner::Go(a), Inner::Go(b)) => a.cmp(b),
            (Inner::Maven(a), Inner::Maven(b)) => a.cmp(b),
            (Inner::RubyGems(a), Inner::RubyGems(b)) => a.cmp(b),
            (Inner::Packagist(a), Inner::Packagist(b)) => a.cmp(b),
            (Inner::NuGet(a), Inner::NuGet(b)) => a.cmp(b),
            (Inner::Debian(a), Inner::Debian(b)) => a.cmp(b),
            (Inner::Alpine(a), Inner::Alpine(b)) => a.cmp(b),
            (Inner::Rpm(a), Inner::Rpm(b)) => a.cmp(b),
            (Inner::Hackage(a), Inner::Hackage(b)) => a.cmp(b),
            (Inner::Pub(a), Inner::Pub(b)) => a.cmp(b),
            (Inner::Cran(a), Inner::Cran(b)) => a.cmp(b),
            _ => self.scheme().cmp(&other.scheme()),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}
