//! Image platforms (`os/architecture[/variant]`) in OCI terms, and matching them.

use std::fmt;
use std::str::FromStr;

/// An image platform as OCI indexes describe it: `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`.
///
/// Architecture names are normalised to OCI terms on parsing (`x86_64` → `amd64`, `aarch64` →
/// `arm64`); `arm64/v8` is the same as plain `arm64`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Platform {
    /// `linux`, `windows`, …
    pub os: String,
    /// `amd64`, `arm64`, `arm`, `386`, `ppc64le`, `s390x`, `riscv64`, …
    pub architecture: String,
    /// `v7`, `v8`, … when the architecture has variants.
    pub variant: Option<String>,
}

/// The error of [`Platform::from_str`]: the string is not `os/architecture[/variant]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid platform {0:?}: expected os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8")]
pub struct PlatformParseError(pub String);

impl Platform {
    /// `linux` and this machine's architecture in OCI terms (`amd64` on x86_64, `arm64` on aarch64).
    pub fn host() -> Platform {
        let architecture = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "x86" => "386",
            "aarch64" => "arm64",
            "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
            "loongarch64" => "loong64",
            other => other,
        };
        Platform::new("linux", architecture, None)
    }

    /// Builds a platform, normalising the architecture and variant.
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Platform {
        let architecture = match architecture {
            "x86_64" | "x86-64" => "amd64",
            "aarch64" => "arm64",
            "i386" | "i686" => "386",
            other => other,
        };
        let variant = variant
            .filter(|v| !v.is_empty())
            .map(|v| if v.bytes().all(|b| b.is_ascii_digit()) { format!("v{v}") } else { v.to_owned() });
        // arm64 has one variant in practice: v8 is the default, spelled or not.
        let variant =
            if architecture == "arm64" && variant.as_deref() == Some("v8") { None } else { variant };
        Platform { os: os.to_ascii_lowercase(), architecture: architecture.to_owned(), variant }
    }

    /// Whether an image for `candidate` runs where `self` is wanted: same os and architecture, and
    /// the same variant when both name one (a wanted platform without variant takes any).
    pub fn matches(&self, candidate: &Platform) -> bool {
        let a = Platform::new(&self.os, &self.architecture, self.variant.as_deref());
        let b = Platform::new(&candidate.os, &candidate.architecture, candidate.variant.as_deref());
        a.os == b.os && a.architecture == b.architecture && (a.variant.is_none() || a.variant == b.variant)
    }
}

impl FromStr for Platform {
    type Err = PlatformParseError;

    /// Parses `os/architecture` or `os/architecture/variant`.
    fn from_str(s: &str) -> Result<Platform, PlatformParseError> {
        let parts: Vec<&str> = s.split('/').collect();
        let valid = |p: &&str| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        };
        match parts.as_slice() {
            [os, arch] if valid(os) && valid(arch) => Ok(Platform::new(os, arch, None)),
            [os, arch, variant] if valid(os) && valid(arch) && valid(variant) => {
                Ok(Platform::new(os, arch, Some(variant)))
            }
            _ => Err(PlatformParseError(s.to_owned())),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let p: Platform = "linux/amd64".parse().unwrap();
        assert_eq!(p, Platform::new("linux", "amd64", None));
        assert_eq!(p.to_string(), "linux/amd64");
        let p: Platform = "linux/arm64/v8".parse().unwrap();
        assert_eq!(p.to_string(), "linux/arm64");
        let p: Platform = "linux/arm/7".parse().unwrap();
        assert_eq!(p.to_string(), "linux/arm/v7");
        assert_eq!("linux/x86_64".parse::<Platform>().unwrap().architecture, "amd64");
        for bad in ["linux", "linux/", "/amd64", "a/b/c/d", "linux/am d64", ""] {
            assert!(bad.parse::<Platform>().is_err(), "{bad}");
        }
    }

    #[test]
    fn matching() {
        let arm: Platform = "linux/arm".parse().unwrap();
        let arm7: Platform = "linux/arm/v7".parse().unwrap();
        let arm6: Platform = "linux/arm/v6".parse().unwrap();
        assert!(arm.matches(&arm7));
        assert!(arm7.matches(&arm7));
        assert!(!arm7.matches(&arm6));
        let arm64: Platform = "linux/arm64".parse().unwrap();
        assert!(arm64.matches(&"linux/arm64/v8".parse().unwrap()));
        assert!(!arm64.matches(&"linux/amd64".parse().unwrap()));
        assert!(!arm64.matches(&"windows/arm64".parse().unwrap()));
    }

    #[test]
    fn host_is_linux() {
        let h = Platform::host();
        assert_eq!(h.os, "linux");
        if cfg!(target_arch = "x86_64") {
            assert_eq!(h.architecture, "amd64");
        }
    }
}
