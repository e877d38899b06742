//! Ecosystem and package-name normalisation for lookups.
//!
//! Ecosystems are stored as the advisory writes them (`Debian:12`,
//! `AlmaLinux:9`) together with their base (`Debian`, `AlmaLinux`: the part
//! before the first `:`). A query with a release (`Debian:12`) matches that
//! release only; a query with a bare name (`AlmaLinux`) matches every release.
//!
//! Package names are compared in a normal form per ecosystem:
//!
//! | ecosystem | normal form | why |
//! |---|---|---|
//! | PyPI | PEP 503: lower case, runs of `-`, `_`, `.` → `-` | pip and PyPI treat those names as one project |
//! | npm, Packagist, NuGet | lower case | the registries are case-insensitive (npm's legacy mixed-case names included) |
//! | crates.io | lower case, `_` → `-` | crates.io refuses a crate whose name equals an existing one up to case and `-`/`_`, so the normal form names exactly one crate |
//! | Go, Maven, RubyGems, distributions, others | as written | names are case-sensitive there |

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
        "hackage" => "Hackage",
        "pub" => "Pub",
        "cran" => "CRAN",
        "bitnami" => "Bitnami",
        _ => return b.to_owned(),
    };
    known.to_owned()
}

/// Splits an ecosystem into its canonical base and the full name with that base
/// (`"debian:12"` → `("Debian", "Debian:12")`).
pub fn split_ecosystem(ecosystem: &str) -> (String, String) {
    let ecosystem = ecosystem.trim();
    match ecosystem.split_once(':') {
        Some((base, release)) => {
            let base = canonical_base(base);
            let full = format!("{base}:{release}");
            (base, full)
        }
        None => {
            let base = canonical_base(ecosystem);
            (base.clone(), base)
        }
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
        assert_eq!(
            split_ecosystem("BellSoft Hardened Containers"),
            ("BellSoft Hardened Containers".into(), "BellSoft Hardened Containers".into())
        );
    }
}
