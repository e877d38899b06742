//! FriendsOfPHP security advisories (`<vendor>/<package>/<name>.yaml`) and
//! Composer version constraints.
//!
//! Each branch's `versions` list is an AND of comparators (an item may also
//! hold several, separated by `,` or spaces); branches are OR. Bounds are
//! compared with [`Scheme::Packagist`] (PHP `version_compare` on canonical
//! forms) and written the way Composer's `VersionParser` reads them:
//!
//! | constraint | Composer reads | stored as |
//! |---|---|---|
//! | `>=X` | `>= X-dev` (its pre-releases are in) | `introduced: X-dev` (`X` if it has a stability suffix) |
//! | `>X` | `> X.0.0.0` (padded to 4 numbers) | `introduced: X.0.0.0.0` (the next version after the padded X) |
//! | `<=X` | `<= X.0.0.0` | `last_affected: X.0.0.0` |
//! | `<X` | `< X-dev` | `fixed: X` |
//! | `=X`, `==X`, `X` | `== X.0.0.0` | `introduced: X`, `last_affected: X.0.0.0` |
//!
//! One deliberate difference: for `<X` Composer also excludes X's own
//! pre-releases (`X-beta1`); they are counted as affected here so that the
//! fixed version reads `X` (a conservative answer for pre-release installs).
//! `~`, `^`, wildcards, `!=`, `||` and hyphen ranges are not used by the
//! data and are refused (a per-record error), never guessed.

use std::collections::BTreeMap;

use rampart_versions::Scheme;
use serde::Deserialize;
use serde_json::Value;

use super::intervals::{self, Interval};
use super::{Converted, one_line};
use crate::osv::{OsvAffected, OsvPackage, OsvRecord, OsvReference, ParseError};

const S: Scheme = Scheme::Packagist;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FopFile {
    title: Option<String>,
    link: Option<String>,
    cve: Option<String>,
    branches: Option<BTreeMap<String, FopBranch>>,
    reference: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FopBranch {
    versions: Option<Value>,
}

/// `X` made of 1 to 4 numbers padded to 4 (`3.2` → `3.2.0.0`); `None` otherwise.
fn pad4(v: &str) -> Option<String> {
    let parts: Vec<&str> = v.split('.').collect();
    if parts.len() > 4 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let mut out = parts.join(".");
    for _ in parts.len()..4 {
        out.push_str(".0");
    }
    Some(out)
}

fn has_stability(v: &str) -> bool {
    v.bytes().any(|b| b.is_ascii_alphabetic())
}

/// One Composer comparator (`>=5.4.0`) as an interval.
fn comparator(c: &str) -> Result<Interval, String> {
    let (op, v) = ["<=", ">=", "==", "<", ">", "="]
        .iter()
        .find_map(|op| c.strip_prefix(op).map(|rest| (*op, rest.trim())))
        .unwrap_or(("=", c.trim()));
    if v.is_empty() {
        return Err(format!("{c:?}: no version"));
    }
    if v.starts_with(['~', '^', '!', '<', '>', '='])
        || v.contains(['*', '|', ' '])
        || v.eq_ignore_ascii_case("x")
    {
        return Err(format!("{c:?}: unsupported constraint"));
    }
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    if v.is_empty() || !v.as_bytes()[0].is_ascii_digit() {
        return Err(format!("{c:?}: not a version"));
    }
    S.parse(v).map_err(|e| format!("{c:?}: {e}"))?;
    let padded = pad4(v).unwrap_or_else(|| v.to_owned());
    Ok(match op {
        ">=" if has_stability(v) => Interval { lo: Some(v.to_owned()), hi: None },
        ">=" => Interval { lo: Some(format!("{v}-dev")), hi: None },
        ">" => Interval { lo: Some(format!("{padded}.0")), hi: None },
        "<" => Interval { lo: None, hi: Some((v.to_owned(), false)) },
        "<=" => Interval { lo: None, hi: Some((padded, true)) },
        _ => Interval { lo: Some(v.to_owned()), hi: Some((padded, true)) },
    })
}

/// A branch's constraint list (ANDed) as an interval.
pub fn composer_constraints(items: &[String]) -> Result<Interval, String> {
    let mut acc = Interval::all();
    let mut any = false;
    for item in items {
        if item.contains('|') {
            return Err(format!("{item:?}: `||` inside a branch is not supported"));
        }
        // `>= 1.0` (operator, space, version) is one comparator
        let mut glued = String::new();
        for tok in item.split([',', ' ']).filter(|t| !t.is_empty()) {
            glued.push_str(tok);
            if matches!(tok, "<" | "<=" | ">" | ">=" | "=" | "==") {
                continue;
            }
            let iv = comparator(&glued)?;
            acc = intervals::intersect(S, &acc, &iv)?;
            any = true;
            glued.clear();
        }
        if !glued.is_empty() {
            return Err(format!("{item:?}: operator without a version"));
        }
    }
    if !any {
        return Err("empty constraint list".into());
    }
    Ok(acc)
}

/// Converts one FriendsOfPHP YAML file; `path` (`…/<vendor>/<package>/<stem>.yaml`)
/// names the record when it has no CVE.
pub fn friendsofphp_to_osv(path: &str, bytes: &[u8]) -> Result<Converted, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError(format!("not UTF-8: {e}")))?;
    let f: FopFile = serde_saphyr::from_str(text)
        .map_err(|e| ParseError(format!("YAML: {}", one_line(&e.to_string()))))?;
    let reference = f.reference.as_deref().map(str::trim).unwrap_or_default();
    let name = reference
        .strip_prefix("composer://")
        .filter(|n| n.contains('/') && !n.contains(char::is_whitespace))
        .ok_or_else(|| {
            ParseError(format!("FriendsOfPHP: `reference` is not composer://vendor/package: {reference:?}"))
        })?
        .to_owned();
    let branches = f.branches.unwrap_or_default();
    if branches.is_empty() {
        return Err(ParseError("FriendsOfPHP: no `branches`".into()));
    }
    let mut ivs = Vec::new();
    for (bname, b) in &branches {
        let items: Vec<String> = match &b.versions {
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| match x {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(ParseError(format!(
                        "FriendsOfPHP: branch {bname:?}: a constraint is not a string"
                    ))),
                })
                .collect::<Result<_, _>>()?,
            Some(Value::String(s)) => vec![s.clone()],
            _ => return Err(ParseError(format!("FriendsOfPHP: branch {bname:?} has no `versions` list"))),
        };
        let iv = composer_constraints(&items)
            .map_err(|e| ParseError(format!("FriendsOfPHP: branch {bname:?}: {}", one_line(&e))))?;
        ivs.push(iv);
    }
    let ivs = intervals::union(S, ivs).map_err(|e| ParseError(format!("FriendsOfPHP: {}", one_line(&e))))?;
    let cve = f.cve.as_deref().map(str::trim).filter(|c| !c.is_empty() && *c != "~").map(str::to_owned);
    let id = match &cve {
        Some(c) if c.starts_with("CVE-") => c.clone(),
        _ => {
            let p = path.replace('\\', "/");
            let parts: Vec<&str> = p.split(['/', '!']).filter(|s| !s.is_empty()).collect();
            let stem = parts.last().map(|f| f.rsplit_once('.').map_or(*f, |(s, _)| s)).unwrap_or("");
            let vp = if parts.len() >= 3 {
                format!("{}/{}", parts[parts.len() - 3], parts[parts.len() - 2])
            } else {
                name.clone()
            };
            format!("FOP-{vp}/{stem}")
        }
    };
    let aliases: Vec<String> = cve.into_iter().filter(|c| *c != id).collect();
    let record = OsvRecord {
        id,
        aliases: Some(aliases),
        summary: f.title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
        references: Some(
            f.link
                .into_iter()
                .map(|u| OsvReference { kind: Some("ADVISORY".into()), url: Some(u.trim().to_owned()) })
                .collect(),
        ),
        affected: Some(vec![OsvAffected {
            package: Some(OsvPackage { ecosystem: Some("Packagist".into()), name: Some(name), purl: None }),
            ranges: Some(intervals::to_osv_range(&ivs).into_iter().collect()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    Ok(Converted::Record { record: Box::new(record), fallback: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn affected(items: &[&str], v: &str) -> bool {
        let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        let iv = composer_constraints(&items).unwrap();
        intervals::contains(S, &[iv], &S.parse(v).unwrap())
    }

    #[test]
    fn branch_bounds_read_like_composer() {
        let b = [">=5.4.0", "<5.4.20"];
        assert!(!affected(&b, "5.3.99"));
        assert!(affected(&b, "5.4.0"));
        assert!(affected(&b, "5.4.0-beta1"), "Composer: >=5.4.0 is >=5.4.0.0-dev");
        assert!(affected(&b, "5.4.19"));
        assert!(affected(&b, "v5.4.19"));
        assert!(!affected(&b, "5.4.20"));
        assert!(!affected(&b, "5.4.20.0"));
        assert!(affected(&["<=2.0"], "2.0.0"), "<=2.0 is <=2.0.0.0");
        assert!(!affected(&["<=2.0"], "2.0.1"));
        assert!(!affected(&["<=2.0"], "2.0.0-p1"));
        let gt = [">3.2", "<3.3.0"];
        assert!(!affected(&gt, "3.2"));
        assert!(!affected(&gt, "3.2.0"), ">3.2 is >3.2.0.0");
        assert!(affected(&gt, "3.2.1"));
        assert!(affected(&gt, "3.2.0.1"));
        assert!(affected(&[">=5.4.0,<5.4.20"], "5.4.5"));
        assert!(affected(&[">= 5.4.0", "< 5.4.20"], "5.4.5"));
        assert!(affected(&["1.2.3"], "1.2.3") && !affected(&["1.2.3"], "1.2.4"));
    }

    #[test]
    fn refused_constraints() {
        for bad in ["~1.2", "^1.2", "1.*", "!=1.0", ">=1.0 || <0.5", ">=", "", "foo"] {
            assert!(composer_constraints(&[bad.to_owned()]).is_err(), "{bad}");
        }
    }
}
