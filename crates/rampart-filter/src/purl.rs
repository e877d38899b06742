//! Package URL comparison for ignore entries and VEX products.

use std::str::FromStr;

/// A package URL reduced to what identifies a package: type, namespace, name and (optional)
/// version. Qualifiers and subpath are dropped, so `pkg:deb/debian/curl@7.88?arch=amd64`
/// matches `pkg:deb/debian/curl@7.88`. Names follow the purl-spec canonical form of their type
/// (e.g. PyPI names are lower-cased, `_` becomes `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlPattern {
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    raw: String,
}

impl PurlPattern {
    /// Parses a package URL. Strict purl-spec parsing is tried first; a purl it refuses (a type
    /// rule it does not know, an unusual character) is still split leniently into its parts, so
    /// only text that is no package URL at all (no `pkg:` scheme, no type or name) is an error.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw = text.trim().to_string();
        if let Ok(p) = packageurl::PackageUrl::from_str(&raw) {
            return Ok(PurlPattern {
                ty: p.ty().to_string(),
                namespace: p.namespace().filter(|n| !n.is_empty()).map(str::to_string),
                name: p.name().to_string(),
                version: p.version().filter(|v| !v.is_empty()).map(str::to_string),
                raw,
            });
        }
        Self::parse_lenient(&raw)
            .ok_or_else(|| format!("{raw:?} is not a package URL (pkg:type/namespace/name@version)"))
    }

    fn parse_lenient(raw: &str) -> Option<Self> {
        let rest = raw.get(..4).filter(|s| s.eq_ignore_ascii_case("pkg:")).map(|_| &raw[4..])?;
        let rest = rest.trim_start_matches('/');
        let rest = rest.split('#').next().unwrap_or_default();
        let rest = rest.split('?').next().unwrap_or_default();
        let (ty, rest) = rest.split_once('/')?;
        let rest = rest.trim_end_matches('/');
        let (path, version) = match rest.rfind('@') {
            Some(at) if !rest[at..].contains('/') && at > 0 => (&rest[..at], Some(&rest[at + 1..])),
            _ => (rest, None),
        };
        let (namespace, name) = match path.rsplit_once('/') {
            Some((ns, name)) => (Some(ns), name),
            None => (None, path),
        };
        if ty.is_empty() || name.is_empty() {
            return None;
        }
        Some(PurlPattern {
            ty: ty.to_ascii_lowercase(),
            namespace: namespace.filter(|n| !n.is_empty()).map(decode),
            name: decode(name),
            version: version.filter(|v| !v.is_empty()).map(decode),
            raw: raw.to_string(),
        })
    }

    /// The purl as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// True when the pattern names a version (and so matches that version only).
    pub fn has_version(&self) -> bool {
        self.version.is_some()
    }

    /// True when `package` is the same package as this pattern and, if the pattern has a
    /// version, the same version. A version-less pattern matches every version.
    pub fn matches(&self, package: &PurlPattern) -> bool {
        self.ty == package.ty
            && self.namespace == package.namespace
            && self.name == package.name
            && self.version.as_ref().is_none_or(|v| package.version.as_ref() == Some(v))
    }
}

/// Percent-decodes `%XX` sequences (lenient path only; invalid sequences stay as written).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PurlPattern {
        PurlPattern::parse(s).unwrap()
    }

    #[test]
    fn version_less_matches_every_version() {
        assert!(p("pkg:npm/lodash").matches(&p("pkg:npm/lodash@4.17.15")));
        assert!(p("pkg:npm/lodash").matches(&p("pkg:npm/lodash")));
        assert!(p("pkg:npm/lodash@4.17.15").matches(&p("pkg:npm/lodash@4.17.15")));
        assert!(!p("pkg:npm/lodash@4.17.15").matches(&p("pkg:npm/lodash@4.17.21")));
        // A versioned pattern never matches a finding whose version is unknown.
        assert!(!p("pkg:npm/lodash@4.17.15").matches(&p("pkg:npm/lodash")));
        assert!(!p("pkg:npm/lodash").matches(&p("pkg:npm/lodash-es@4.17.15")));
        assert!(!p("pkg:npm/lodash").matches(&p("pkg:pypi/lodash@4.17.15")));
    }

    #[test]
    fn qualifiers_and_subpath_are_ignored() {
        assert!(
            p("pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12")
                .matches(&p("pkg:deb/debian/curl@7.88.1-10?arch=arm64"))
        );
        assert!(p("pkg:deb/debian/curl?arch=amd64").matches(&p("pkg:deb/debian/curl@7.88.1-10")));
        assert!(
            p("pkg:golang/github.com/a/b@v1.0.0#sub/dir").matches(&p("pkg:golang/github.com/a/b@v1.0.0"))
        );
    }

    #[test]
    fn canonical_forms_compare_equal() {
        // Scoped npm names, encoded or not.
        assert!(p("pkg:npm/@babel/core@7.0.0").matches(&p("pkg:npm/%40babel/core@7.0.0")));
        // PyPI names are case- and underscore-insensitive.
        assert!(p("pkg:pypi/Django_Foo").matches(&p("pkg:pypi/django-foo@3.2")));
        // Encoded `+` in Go versions.
        assert!(
            p("pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0+incompatible")
                .matches(&p("pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0%2Bincompatible"))
        );
        assert!(
            !p("pkg:maven/org.apache.logging.log4j/log4j-core")
                .matches(&p("pkg:maven/org.apache.logging.log4j/log4j-api@2.19.0"))
        );
    }

    #[test]
    fn rejects_what_is_no_purl() {
        for bad in ["", "lodash", "pkg:", "pkg:npm", "pkg:npm/", "https://example.com/x", "CVE-2021-1234"] {
            assert!(PurlPattern::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(p(" pkg:npm/lodash ").as_str(), "pkg:npm/lodash");
        assert!(!p("pkg:npm/lodash").has_version());
        assert!(p("pkg:npm/lodash@1").has_version());
    }
}
