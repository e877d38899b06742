//! Ecosystem and package-name normalisation for lookups.
//!
//! Ecosystems are stored in a normal form (see [`split_ecosystem`]:
//! `Debian:12`, `AlmaLinux:9`, `Alpine:v3.19`, `Ubuntu:22.04` for
//! `Ubuntu:22.04:LTS`) together with their base (`Debian`, `AlmaLinux`: the
//! part before the first `:`). A query with a release (`Debian:12`) matches
//! that release only, compared in the same normal form; a query with a bare
//! name (`AlmaLinux`) matches every release.
//!
//! Package names are compared in a normal form per ecosystem:
//!
//! | ecosystem | normal form | why |
//! |---|---|---|
//! | PyPI | PEP 503: lower case, runs of `-`, `_`, `.` → `-` | pip and PyPI treat those names as one project |
//! | npm, Packagist, NuGet | lower case | the registries are case-insensitive (npm's legacy mixed-case names included) |
//! | crates.io | lower case, `_` → `-` | crates.io refuses a crate whose name equals an existing one up to case and `-`/`_`, so the normal form names exactly one crate |
//! | Go, Maven, RubyGems, distributions (deb, rpm, apk), others | as written | names are case-sensitive there (`PackageKit`, `ImageMagick` in RPM distributions) |

/// The canonical OSV spelling of an ecosystem base given in any case, or as a
/// package-URL type (`pypi`, `cargo`, `golang`, `gem`, `composer`, ...).
pub fn canonical_base(base: &str) -> String {
    let b = base.trim();
    let lower = b.to_ascii_lowercase();
    let known = match lower.as_str() {
        "pypi" => "PyPI",
        "npm" => "npm",
        "crates.io" | "cargo" => "crates.io",
        "go" | "golang" => "Go",
        "maven" => "Maven",
        "rubygems" | "gem" => "RubyGems",
        "packagist" | "composer" => "Packagist",
        "nuget" => "NuGet",
        "debian" => "Debian",
        "ubuntu" => "Ubuntu",
        "alpine" => "Alpine",
        "almalinux" => "AlmaLinux",
        "alpaquita" => "Alpaquita",
        "bellsoft hardened containers" => "BellSoft Hardened Containers",
        "wolfi" => "Wolfi",
        "chainguard" => "Chainguard",
        "minimos" => "MinimOS",
        "rocky linux" | "rocky" => "Rocky Linux",
        "red hat" | "redhat" | "rhel" => "Red Hat",
        "centos" => "CentOS",
        "fedora" => "Fedora",
        "oracle linux" | "ol" => "Oracle Linux",
        "amazon linux" | "amzn" => "Amazon Linux",
        "opensuse" => "openSUSE",
        "suse" | "sles" => "SUSE",
        "photon os" | "photon" => "Photon OS",
        "azure linux" | "azurelinux" => "Azure Linux",
        "mageia" => "Mageia",
        "openeuler" => "openEuler",
        "echo" => "Echo",
        "hackage" => "Hackage",
        "pub" => "Pub",
        "cran" => "CRAN",
        "bitnami" => "Bitnami",
        _ => return b.to_owned(),
    };
    known.to_owned()
}

/// Splits an ecosystem into its canonical base and the full name with that base
/// and its release in normal form (`"debian:12"` → `("Debian", "Debian:12")`).
///
/// Releases are normalised so that the spellings of one release in advisories
/// and in what a scanner reads from `/etc/os-release` are equal:
///
/// * Ubuntu: a trailing `:LTS` is dropped (`Ubuntu:22.04:LTS` = `Ubuntu:22.04`,
///   `Ubuntu:Pro:18.04:LTS` = `Ubuntu:Pro:18.04`; Pro stays distinct from the
///   plain release, whose packages differ).
/// * Alpine: `v` + major.minor (`3.19`, `3.19.1`, `v3.19` → `v3.19`); `edge` as written.
/// * Debian 7 and later, AlmaLinux, Rocky Linux, CentOS, Oracle Linux:
///   the major release (`12.5` → `12`, `9.3` → `9`), as their advisories name it.
///   Debian before 7 keeps its minor (`3.1`).
/// * Other releases as written (Alpaquita `23`/`stream`, Photon OS `5.0`, Red Hat's
///   CPE-like `rhel_aus:8.2::appstream`, ...).
pub fn split_ecosystem(ecosystem: &str) -> (String, String) {
    let ecosystem = ecosystem.trim();
    match ecosystem.split_once(':') {
        Some((base, release)) => {
            let base = canonical_base(base);
            let release = normalize_release(&base, release.trim());
            if release.is_empty() {
                return (base.clone(), base);
            }
            let full = format!("{base}:{release}");
            (base, full)
        }
        None => {
            let base = canonical_base(ecosystem);
            (base.clone(), base)
        }
    }
}

/// The normal form of a distribution release (see [`split_ecosystem`]).
fn normalize_release(base: &str, release: &str) -> String {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match base {
        "Ubuntu" => {
            let r = release.strip_suffix(":LTS").unwrap_or(release);
            r.to_owned()
        }
        "Alpine" => {
            let bare = release.strip_prefix('v').unwrap_or(release);
            let mut parts = bare.split('.');
            match (parts.next(), parts.next()) {
                (Some(major), Some(minor)) if numeric(major) && numeric(minor) => format!("v{major}.{minor}"),
                _ => release.to_owned(),
            }
        }
        "Debian" | "AlmaLinux" | "Rocky Linux" | "CentOS" | "Oracle Linux" => match release.split_once('.') {
            Some((major, minor)) if numeric(major) && numeric(minor) => {
                let old_debian = base == "Debian" && major.parse::<u32>().is_ok_and(|m| m < 7);
                if old_debian { release.to_owned() } else { major.to_owned() }
            }
            _ => release.to_owned(),
        },
        _ => release.to_owned(),
    }
}

/// The lookup form of a package name in an ecosystem (by its canonical base).
pub fn normalize_name(base: &str, name: &str) -> String {
    let name = name.trim();
    match base {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut in_sep = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_sep {
                        out.push('-');
                    }
                    in_sep = true;
                } else {
                    out.extend(c.to_lowercase());
                    in_sep = false;
                }
            }
            out
        }
        "npm" | "Packagist" | "NuGet" => name.to_lowercase(),
        "crates.io" => name.to_lowercase().replace('_', "-"),
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(normalize_name("PyPI", "Django"), "django");
        assert_eq!(normalize_name("PyPI", "zope.interface"), "zope-interface");
        assert_eq!(normalize_name("PyPI", "Foo__Bar-.baz"), "foo-bar-baz");
        assert_eq!(normalize_name("crates.io", "serde_json"), "serde-json");
        assert_eq!(normalize_name("npm", "JSONStream"), "jsonstream");
        assert_eq!(normalize_name("Go", "github.com/BurntSushi/toml"), "github.com/BurntSushi/toml");
        assert_eq!(normalize_name("Maven", "org.Apache:x"), "org.Apache:x");
    }

    #[test]
    fn ecosystems() {
        assert_eq!(split_ecosystem("pypi"), ("PyPI".into(), "PyPI".into()));
        assert_eq!(split_ecosystem("Debian:12"), ("Debian".into(), "Debian:12".into()));
        assert_eq!(split_ecosystem("almalinux:9"), ("AlmaLinux".into(), "AlmaLinux:9".into()));
        assert_eq!(split_ecosystem("cargo"), ("crates.io".into(), "crates.io".into()));
        assert_eq!(split_ecosystem("Ubuntu:22.04:LTS").1, "Ubuntu:22.04");
        assert_eq!(split_ecosystem("ubuntu:22.04").1, "Ubuntu:22.04");
        assert_eq!(split_ecosystem("Ubuntu:Pro:18.04:LTS").1, "Ubuntu:Pro:18.04");
        assert_eq!(split_ecosystem("Ubuntu:23.10").1, "Ubuntu:23.10");
        assert_eq!(split_ecosystem("Alpine:v3.19").1, "Alpine:v3.19");
        assert_eq!(split_ecosystem("Alpine:3.19.1").1, "Alpine:v3.19");
        assert_eq!(split_ecosystem("Alpine:edge").1, "Alpine:edge");
        assert_eq!(split_ecosystem("Debian:12.5").1, "Debian:12");
        assert_eq!(split_ecosystem("Debian:3.1").1, "Debian:3.1");
        assert_eq!(split_ecosystem("AlmaLinux:9.3").1, "AlmaLinux:9");
        assert_eq!(split_ecosystem("rocky linux:9").1, "Rocky Linux:9");
        assert_eq!(split_ecosystem("Red Hat:rhel_aus:8.2::appstream").1, "Red Hat:rhel_aus:8.2::appstream");
        assert_eq!(split_ecosystem("Photon OS:5.0").1, "Photon OS:5.0");
        assert_eq!(split_ecosystem("Alpaquita:stream").1, "Alpaquita:stream");
        assert_eq!(split_ecosystem("BellSoft Hardened Containers:23").1, "BellSoft Hardened Containers:23");
        assert_eq!(split_ecosystem("Debian:").1, "Debian");
        assert_eq!(normalize_name("AlmaLinux", "PackageKit"), "PackageKit");
        assert_eq!(normalize_name("Debian", "libxml2"), "libxml2");
        assert_eq!(normalize_name("Alpine", "py3-Babel"), "py3-Babel");
        assert_eq!(
            split_ecosystem("BellSoft Hardened Containers"),
            ("BellSoft Hardened Containers".into(), "BellSoft Hardened Containers".into())
        );
    }
}
