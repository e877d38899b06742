//! Classifies the free-form licence strings of packages against the SPDX licence list, so
//! that the SBOM renderers can emit ids, expressions or plain names as their formats require.

use spdx::{Expression, ParseMode};

/// What a licence string of a package is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum License {
    /// Exactly one identifier of the SPDX licence list (possibly deprecated), e.g. `MIT`.
    Id(String),
    /// A valid SPDX licence expression that is not a single listed id, e.g.
    /// `MIT OR Apache-2.0`, `GPL-2.0-or-later WITH Classpath-exception-2.0`, `LicenseRef-x`.
    /// Common non-strict spellings (`MIT/Apache-2.0`) are canonicalised first.
    Expression(String),
    /// Anything else (`BSD`, `Apache License, Version 2.0`, a URL).
    Name(String),
}

impl License {
    pub(crate) fn classify(raw: &str) -> License {
        let s = raw.trim();
        if let Some(id) = spdx::license_id(s)
            && id.name == s
        {
            return License::Id(s.to_string());
        }
        if Expression::parse_mode(s, ParseMode::STRICT).is_ok() {
            // Operators are written upper-case (`mit or` is accepted by the parser).
            let canonical = match Expression::canonicalize(s) {
                Ok(Some(c)) if Expression::parse_mode(&c, ParseMode::STRICT).is_ok() => c,
                _ => s.to_string(),
            };
            return License::Expression(canonical);
        }
        // `MIT/Apache-2.0` (old crates.io style), lower-case operators and `GPL-2.0+` are
        // rewritten to a strict expression. Imprecise names are not: `spdx` would turn `BSD`
        // into `BSD-2-Clause`, a guess that an SBOM must not make.
        let fixable = ParseMode {
            allow_slash_as_or_operator: true,
            allow_imprecise_license_names: false,
            allow_postfix_plus_on_gpl: true,
            allow_deprecated: true,
            allow_unknown: false,
        };
        if Expression::parse_mode(s, fixable).is_ok()
            && let Ok(Some(canonical)) = Expression::canonicalize(s)
            && Expression::parse_mode(&canonical, ParseMode::STRICT).is_ok()
        {
            return match spdx::license_id(&canonical) {
                Some(id) if id.name == canonical => License::Id(canonical),
                _ => License::Expression(canonical),
            };
        }
        License::Name(s.to_string())
    }

    /// The SPDX text of an id or expression, bracketed when it is compound so that it can be
    /// joined with other terms by `AND`.
    pub(crate) fn as_term(expr: &str) -> String {
        if expr.contains(' ') { format!("({expr})") } else { expr.to_string() }
    }
}

/// The licence strings of a package that say something: empty strings and the SPDX
/// placeholders `NOASSERTION` and `NONE` (no licence information) are left out.
pub(crate) fn meaningful(raw: &[String]) -> impl Iterator<Item = &str> {
    raw.iter().map(|l| l.trim()).filter(|l| !l.is_empty() && *l != "NOASSERTION" && *l != "NONE")
}

/// Keeps only letters, digits, `.` and `-` (the SPDX `idstring` alphabet), replacing runs of
/// anything else with one `-`. Never empty.
pub(crate) fn sanitize_idstring(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
            last_dash = false;
        } else if !last_dash {
            out.push('-');
            last_dash = true;
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '.');
    if trimmed.is_empty() { "unknown".to_string() } else { trimmed.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_ids_expressions_and_names() {
        assert_eq!(License::classify("MIT"), License::Id("MIT".into()));
        assert_eq!(License::classify(" Apache-2.0 "), License::Id("Apache-2.0".into()));
        assert_eq!(License::classify("GPL-2.0"), License::Id("GPL-2.0".into()));
        assert_eq!(License::classify("MIT OR Apache-2.0"), License::Expression("MIT OR Apache-2.0".into()));
        assert_eq!(License::classify("MIT/Apache-2.0"), License::Expression("MIT OR Apache-2.0".into()));
        assert_eq!(License::classify("LicenseRef-Acme"), License::Expression("LicenseRef-Acme".into()));
        assert_eq!(License::classify("BSD"), License::Name("BSD".into()));
        assert_eq!(
            License::classify("Apache License, Version 2.0"),
            License::Name("Apache License, Version 2.0".into())
        );
        assert_eq!(License::classify("mit or apache-2.0"), License::Name("mit or apache-2.0".into()));
        assert_eq!(License::classify("MIT or Apache-2.0"), License::Expression("MIT OR Apache-2.0".into()));
        assert_eq!(License::classify("GPL-2.0+"), License::Id("GPL-2.0-or-later".into()));
        assert_eq!(License::classify("Apache 2.0"), License::Name("Apache 2.0".into()));
        assert_eq!(License::classify(""), License::Name("".into()));
    }

    #[test]
    fn sanitizes_idstrings() {
        assert_eq!(sanitize_idstring("@babel/core@7.0.0"), "babel-core-7.0.0");
        assert_eq!(sanitize_idstring("a__b"), "a-b");
        assert_eq!(sanitize_idstring("///"), "unknown");
        assert_eq!(sanitize_idstring("é"), "unknown");
    }
}
