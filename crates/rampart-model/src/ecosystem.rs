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
    // Operating-system package families. The OSV ecosystem of an OS package also names the
    // release (`Debian:12`, `Alpine:v3.19`): see [`crate::Package::osv_ecosystem`].
    #[serde(rename = "Debian")]
    Debian,
    #[serde(rename = "Ubuntu")]
    Ubuntu,
    #[serde(rename = "Alpine")]
    Alpine,
    #[serde(rename = "Alpaquita")]
    Alpaquita,
    #[serde(rename = "Wolfi")]
    Wolfi,
    #[serde(rename = "Chainguard")]
    Chainguard,
    #[serde(rename = "AlmaLinux")]
    AlmaLinux,
    #[serde(rename = "Rocky Linux")]
    RockyLinux,
    #[serde(rename = "Red Hat")]
    RedHat,
    #[serde(rename = "CentOS")]
    CentOS,
    #[serde(rename = "Fedora")]
    Fedora,
    #[serde(rename = "Oracle Linux")]
    OracleLinux,
    #[serde(rename = "Amazon Linux")]
    AmazonLinux,
    #[serde(rename = "openSUSE")]
    OpenSuse,
    #[serde(rename = "SUSE")]
    Suse,
    #[serde(rename = "Photon OS")]
    Photon,
    #[serde(rename = "Azure Linux")]
    AzureLinux,
}

/// The package manager of an OS ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OsPackageFormat {
    Deb,
    Apk,
    Rpm,
}

impl Ecosystem {
    /// The language ecosystems.
    pub const LANGUAGES: [Ecosystem; 8] = [
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Cargo,
        Ecosystem::Go,
        Ecosystem::Maven,
        Ecosystem::RubyGems,
        Ecosystem::Packagist,
        Ecosystem::NuGet,
    ];

    /// The operating-system families.
    pub const OS: [Ecosystem; 17] = [
        Ecosystem::Debian,
        Ecosystem::Ubuntu,
        Ecosystem::Alpine,
        Ecosystem::Alpaquita,
        Ecosystem::Wolfi,
        Ecosystem::Chainguard,
        Ecosystem::AlmaLinux,
        Ecosystem::RockyLinux,
        Ecosystem::RedHat,
        Ecosystem::CentOS,
        Ecosystem::Fedora,
        Ecosystem::OracleLinux,
        Ecosystem::AmazonLinux,
        Ecosystem::OpenSuse,
        Ecosystem::Suse,
        Ecosystem::Photon,
        Ecosystem::AzureLinux,
    ];

    /// Every ecosystem: languages, then operating systems.
    pub fn all() -> impl Iterator<Item = Ecosystem> {
        Self::LANGUAGES.into_iter().chain(Self::OS)
    }

    /// The package manager of an OS ecosystem; `None` for language ecosystems.
    pub fn os_format(self) -> Option<OsPackageFormat> {
        use Ecosystem::*;
        match self {
            Npm | PyPI | Cargo | Go | Maven | RubyGems | Packagist | NuGet => None,
            Debian | Ubuntu => Some(OsPackageFormat::Deb),
            Alpine | Alpaquita | Wolfi | Chainguard => Some(OsPackageFormat::Apk),
            AlmaLinux | RockyLinux | RedHat | CentOS | Fedora | OracleLinux | AmazonLinux | OpenSuse
            | Suse | Photon | AzureLinux => Some(OsPackageFormat::Rpm),
        }
    }

    /// True for operating-system package families.
    pub fn is_os(self) -> bool {
        self.os_format().is_some()
    }

    /// The OS family from an `/etc/os-release` `ID` (`debian`, `ubuntu`, `alpine`, `almalinux`,
    /// `rocky`, `rhel`, `centos`, `fedora`, `ol`, `amzn`, `opensuse-leap`, `sles`, ...).
    pub fn from_os_release_id(id: &str) -> Option<Ecosystem> {
        use Ecosystem::*;
        Some(match id.trim().to_ascii_lowercase().as_str() {
            "debian" => Debian,
            "ubuntu" => Ubuntu,
            "alpine" => Alpine,
            "alpaquita" => Alpaquita,
            "wolfi" => Wolfi,
            "chainguard" => Chainguard,
            "almalinux" => AlmaLinux,
            "rocky" => RockyLinux,
            "rhel" | "redhat" => RedHat,
            "centos" => CentOS,
            "fedora" => Fedora,
            "ol" | "oracle" => OracleLinux,
            "amzn" => AmazonLinux,
            "opensuse" | "opensuse-leap" | "opensuse-tumbleweed" => OpenSuse,
            "sles" | "sled" | "suse" => Suse,
            "photon" => Photon,
            "azurelinux" | "mariner" => AzureLinux,
            _ => return None,
        })
    }

    /// The lower-case distribution id used in package URLs (`pkg:deb/debian/...`).
    pub fn distro_id(self) -> &'static str {
        use Ecosystem::*;
        match self {
            Debian => "debian",
            Ubuntu => "ubuntu",
            Alpine => "alpine",
            Alpaquita => "alpaquita",
            Wolfi => "wolfi",
            Chainguard => "chainguard",
            AlmaLinux => "almalinux",
            RockyLinux => "rocky",
            RedHat => "redhat",
            CentOS => "centos",
            Fedora => "fedora",
            OracleLinux => "oracle",
            AmazonLinux => "amazon",
            OpenSuse => "opensuse",
            Suse => "suse",
            Photon => "photon",
            AzureLinux => "azurelinux",
            Npm | PyPI | Cargo | Go | Maven | RubyGems | Packagist | NuGet => self.purl_type(),
        }
    }

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
            Ecosystem::Debian => "Debian",
            Ecosystem::Ubuntu => "Ubuntu",
            Ecosystem::Alpine => "Alpine",
            Ecosystem::Alpaquita => "Alpaquita",
            Ecosystem::Wolfi => "Wolfi",
            Ecosystem::Chainguard => "Chainguard",
            Ecosystem::AlmaLinux => "AlmaLinux",
            Ecosystem::RockyLinux => "Rocky Linux",
            Ecosystem::RedHat => "Red Hat",
            Ecosystem::CentOS => "CentOS",
            Ecosystem::Fedora => "Fedora",
            Ecosystem::OracleLinux => "Oracle Linux",
            Ecosystem::AmazonLinux => "Amazon Linux",
            Ecosystem::OpenSuse => "openSUSE",
            Ecosystem::Suse => "SUSE",
            Ecosystem::Photon => "Photon OS",
            Ecosystem::AzureLinux => "Azure Linux",
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
            other => match other.os_format() {
                Some(OsPackageFormat::Deb) => "deb",
                Some(OsPackageFormat::Apk) => "apk",
                _ => "rpm",
            },
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
            other => other.osv_name(),
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
        // An OSV ecosystem may carry a release (`Debian:12`); the family is the part before it.
        let family = s.split(':').next().unwrap_or(s);
        Ecosystem::all()
            .find(|e| e.osv_name().eq_ignore_ascii_case(family))
            .or_else(|| Ecosystem::LANGUAGES.into_iter().find(|e| e.purl_type().eq_ignore_ascii_case(s)))
            .ok_or_else(|| UnknownEcosystem(s.to_string()))
    }
}
