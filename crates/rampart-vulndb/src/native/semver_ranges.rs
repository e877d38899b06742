//! npm range strings and Cargo (RustSec) version requirements, as interval sets.
//!
//! # npm
//!
//! Desugared exactly as node-semver 7 does with `includePrerelease: true`
//! (`Range` → comparator sets → primitive comparators), then evaluated in
//! the total SemVer order of [`Scheme::Npm`]. That is the OSV reading of a
//! range: a pre-release is an ordinary version between its neighbours.
//! node-semver's *default* additionally refuses a pre-release version unless
//! a comparator of the same set names a pre-release of the same
//! `major.minor.patch`; that gate is not a set of intervals and is not
//! applied (a vulnerable `<1.2.3` flags `1.0.0-beta`, as GHSA/OSV do).
//!
//! Exclusive lower bounds `>v` become `>= succ(v)`: the next version in
//! SemVer order is `M.m.(p+1)-0` after a release and `M.m.p-pre.0` after a
//! pre-release (build metadata is ignored by the order), so the
//! translation is exact.
//!
//! # Cargo
//!
//! A requirement (`>= 1.6.1, < 2`, `^0.6.14`, `~1.2`, `=1.2.3`, `1.*`, a bare
//! version = caret) is read like the `semver` crate: a comparator with a
//! partial version compares the given fields only (`<= 1.2` is
//! `< 1.3.0-0`), the others as [`Scheme::Cargo`] orders them. The `semver`
//! crate's pre-release gate (a pre-release only matches a comparator naming
//! a pre-release of the same `major.minor.patch`) is not applied, as for npm.

use rampart_versions::Scheme;

use super::intervals::{self, Interval};

/// A version as written in a range: missing or wildcard parts are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    /// Pre-release identifiers joined by `.`; only with a patch.
    pre: String,
    /// A part was written as `x`, `X` or `*` (not merely left out).
    wild: bool,
}

impl Partial {
    fn full(&self) -> Option<String> {
        let (Some(m), Some(n), Some(p)) = (self.major, self.minor, self.patch) else { return None };
        Some(if self.pre.is_empty() { format!("{m}.{n}.{p}") } else { format!("{m}.{n}.{p}-{}", self.pre) })
    }
}

fn is_wild(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

/// `[v|=]M[.m[.p]][-pre][+build]` with `x`/`X`/`*` wildcards.
fn parse_partial(text: &str) -> Result<Partial, String> {
    let t = text.trim();
    let t = t.strip_prefix('=').unwrap_or(t).trim_start();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    if t.is_empty() {
        return Err(format!("empty version in {text:?}"));
    }
    let t = t.split_once('+').map_or(t, |(a, _)| a);
    // the pre-release starts at the first '-' after the third number
    let (core, pre) = match t.find('-') {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return Err(format!("too many version parts in {text:?}"));
    }
    let mut nums = [None; 3];
    let mut wild = false;
    for (i, p) in parts.iter().enumerate() {
        if is_wild(p) {
            wild = true;
            continue;
        }
        if wild {
            return Err(format!("a number after a wildcard in {text:?}"));
        }
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("not a version: {text:?}"));
        }
        nums[i] = Some(p.parse::<u64>().map_err(|_| format!("number too large in {text:?}"))?);
    }
    if !pre.is_empty() || t.ends_with('-') {
        if nums[2].is_none() {
            return Err(format!("a pre-release on a partial version in {text:?}"));
        }
        if pre
            .split('.')
            .any(|id| id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        {
            return Err(format!("bad pre-release in {text:?}"));
        }
    }
    Ok(Partial { major: nums[0], minor: nums[1], patch: nums[2], pre: pre.to_owned(), wild })
}

fn inc(n: u64, text: &str) -> Result<u64, String> {
    n.checked_add(1).ok_or_else(|| format!("number too large in {text:?}"))
}

/// The next version after `v` (`M.m.p[-pre]`, as this module writes them) in SemVer order.
pub fn semver_succ(v: &str) -> Result<String, String> {
    let v = v.split_once('+').map_or(v, |(a, _)| a);
    if v.contains('-') {
        return Ok(format!("{v}.0"));
    }
    let parts: Vec<&str> = v.split('.').collect();
    let [m, n, p] = parts[..] else { return Err(format!("not a full version: {v:?}")) };
    let p: u64 = p.parse().map_err(|_| format!("not a full version: {v:?}"))?;
    Ok(format!("{m}.{n}.{}-0", inc(p, v)?))
}

fn lo(v: String) -> Interval {
    Interval { lo: Some(v), hi: None }
}
fn lt(v: String) -> Interval {
    Interval { lo: None, hi: Some((v, false)) }
}
fn le(v: String) -> Interval {
    Interval { lo: None, hi: Some((v, true)) }
}
fn between(a: String, b: String) -> Interval {
    Interval { lo: Some(a), hi: Some((b, false)) }
}
fn nothing() -> Interval {
    Interval { lo: Some("0.0.0".into()), hi: Some(("0.0.0-0".into(), false)) }
}

// ---------------------------------------------------------------- npm

/// The interval of one npm primitive or X-range/tilde/caret comparator.
fn npm_comparator(op: &str, text: &str) -> Result<Interval, String> {
    let p = parse_partial(text)?;
    let Some(maj) = p.major else {
        // `*`, `x`: everything, but `<*` and `>*` are nothing
        return Ok(if op == "<" || op == ">" { nothing() } else { Interval::all() });
    };
    match op {
        "~" => {
            return Ok(match (p.minor, p.patch) {
                (None, _) => between(format!("{maj}.0.0"), format!("{}.0.0-0", inc(maj, text)?)),
                (Some(m), None) => between(format!("{maj}.{m}.0"), format!("{maj}.{}.0-0", inc(m, text)?)),
                (Some(m), Some(_)) => {
                    between(p.full().unwrap_or_default(), format!("{maj}.{}.0-0", inc(m, text)?))
                }
            });
        }
        "^" => {
            return Ok(match (p.minor, p.patch) {
                (None, _) => between(format!("{maj}.0.0-0"), format!("{}.0.0-0", inc(maj, text)?)),
                (Some(m), None) if maj == 0 => {
                    between(format!("0.{m}.0-0"), format!("0.{}.0-0", inc(m, text)?))
                }
                (Some(m), None) => between(format!("{maj}.{m}.0-0"), format!("{}.0.0-0", inc(maj, text)?)),
                (Some(m), Some(pt)) => {
                    let hi = if maj != 0 {
                        format!("{}.0.0-0", inc(maj, text)?)
                    } else if m != 0 {
                        format!("0.{}.0-0", inc(m, text)?)
                    } else {
                        format!("0.0.{}-0", inc(pt, text)?)
                    };
                    // includePrerelease: `-0` on the lower bound of a release
                    let from = if p.pre.is_empty() {
                        format!("{maj}.{m}.{pt}-0")
                    } else {
                        p.full().unwrap_or_default()
                    };
                    // node-semver writes `>=M.m.p` (no `-0`) for a major above 0
                    let from = if maj != 0 && p.pre.is_empty() { format!("{maj}.{m}.{pt}") } else { from };
                    between(from, hi)
                }
            });
        }
        _ => {}
    }
    if let Some(full) = p.full() {
        return Ok(match op {
            "<" => lt(full),
            "<=" => le(full),
            ">" => lo(semver_succ(&full)?),
            ">=" => lo(full),
            _ => Interval { lo: Some(full.clone()), hi: Some((full, true)) },
        });
    }
    // X-range: a missing or wildcard minor or patch
    let (m, xm) = match p.minor {
        Some(m) => (m, false),
        None => (0, true),
    };
    Ok(match op {
        ">" if xm => lo(format!("{}.0.0-0", inc(maj, text)?)),
        ">" => lo(format!("{maj}.{}.0-0", inc(m, text)?)),
        "<=" if xm => lt(format!("{}.0.0-0", inc(maj, text)?)),
        "<=" => lt(format!("{maj}.{}.0-0", inc(m, text)?)),
        "<" => lt(format!("{maj}.{m}.0-0")),
        ">=" => lo(format!("{maj}.{m}.0-0")),
        _ if xm => between(format!("{maj}.0.0-0"), format!("{}.0.0-0", inc(maj, text)?)),
        _ => between(format!("{maj}.{m}.0-0"), format!("{maj}.{}.0-0", inc(m, text)?)),
    })
}

/// A hyphen range `a - b` (node-semver `hyphenReplace` with `includePrerelease`).
fn npm_hyphen(from: &str, to: &str) -> Result<Interval, String> {
    let f = parse_partial(from)?;
    let t = parse_partial(to)?;
    let lo = match (f.major, f.minor, f.patch) {
        (None, _, _) => None,
        (Some(m), None, _) => Some(format!("{m}.0.0-0")),
        (Some(m), Some(n), None) => Some(format!("{m}.{n}.0-0")),
        (Some(_), Some(_), Some(_)) if !f.pre.is_empty() => f.full(),
        (Some(m), Some(n), Some(p)) => Some(format!("{m}.{n}.{p}-0")),
    };
    let hi = match (t.major, t.minor, t.patch) {
        (None, _, _) => None,
        (Some(m), None, _) => Some((format!("{}.0.0-0", inc(m, to)?), false)),
        (Some(m), Some(n), None) => Some((format!("{m}.{}.0-0", inc(n, to)?), false)),
        (Some(_), Some(_), Some(_)) if !t.pre.is_empty() => t.full().map(|v| (v, true)),
        (Some(m), Some(n), Some(p)) => Some((format!("{m}.{n}.{}-0", inc(p, to)?), false)),
    };
    Ok(Interval { lo, hi })
}

const NPM_OPS: [&str; 8] = [">=", "<=", ">", "<", "=", "~>", "~", "^"];

fn split_op(tok: &str) -> (&str, &str) {
    for op in NPM_OPS {
        if let Some(rest) = tok.strip_prefix(op) {
            return (if op == "~>" { "~" } else { op }, rest);
        }
    }
    ("", tok)
}

/// One comparator set (space-separated comparators, ANDed) as an interval.
fn npm_set(set: &str) -> Result<Interval, String> {
    let raw: Vec<&str> = set.split_whitespace().collect();
    if raw.is_empty() {
        return Ok(Interval::all()); // `""` is `*`
    }
    if raw.len() == 3 && raw[1] == "-" {
        return npm_hyphen(raw[0], raw[2]);
    }
    // join an operator standing alone with the version after it (`< 2.0.5`)
    let mut toks: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let (op, rest) = split_op(raw[i]);
        if rest.is_empty() && !op.is_empty() {
            let next = raw.get(i + 1).ok_or_else(|| format!("operator {op:?} without a version"))?;
            let (op2, _) = split_op(next);
            if !op2.is_empty() {
                return Err(format!("two operators in a row: {op:?} {next:?}"));
            }
            toks.push((op.to_owned(), (*next).to_owned()));
            i += 2;
        } else {
            if raw[i] == "-" {
                return Err("misplaced hyphen range".into());
            }
            toks.push((op.to_owned(), rest.to_owned()));
            i += 1;
        }
    }
    let mut acc = Interval::all();
    for (op, v) in toks {
        let c = npm_comparator(&op, &v)?;
        intervals::validate(Scheme::Npm, &c)?;
        acc = intervals::intersect(Scheme::Npm, &acc, &c)?;
    }
    Ok(acc)
}

/// An npm range (`<=1.2.3 || >=2.0.0 <2.1.0`) as sorted, disjoint intervals
/// of [`Scheme::Npm`] versions; empty when the range matches nothing.
pub fn npm_range(range: &str) -> Result<Vec<Interval>, String> {
    if range.len() > 4096 {
        return Err("range too long".into());
    }
    let mut sets = Vec::new();
    for set in range.split("||") {
        sets.push(npm_set(set).map_err(|e| format!("npm range {range:?}: {e}"))?);
    }
    intervals::union(Scheme::Npm, sets).map_err(|e| format!("npm range {range:?}: {e}"))
}

// ---------------------------------------------------------------- Cargo

/// One `semver` crate comparator as an interval.
fn cargo_comparator(op: &str, text: &str) -> Result<Interval, String> {
    let p = parse_partial(text)?;
    let Some(maj) = p.major else {
        return if op.is_empty() || op == "^" || op == "~" || op == "=" || op == ">=" || op == "<=" {
            Ok(Interval::all())
        } else {
            Err(format!("wildcard with {op:?} in {text:?}"))
        };
    };
    if p.wild && !(op.is_empty() || op == "=") {
        return Err(format!("wildcard with {op:?} in {text:?}"));
    }
    let op = if p.wild { "=" } else { op };
    let full = p.full();
    // [start, end) of "the given fields are equal"
    let eq_start = || match (p.minor, p.patch) {
        (None, _) => format!("{maj}.0.0-0"),
        (Some(m), None) => format!("{maj}.{m}.0-0"),
        _ => full.clone().unwrap_or_default(),
    };
    let eq_end_excl = || -> Result<Option<String>, String> {
        Ok(match (p.minor, p.patch) {
            (None, _) => Some(format!("{}.0.0-0", inc(maj, text)?)),
            (Some(m), None) => Some(format!("{maj}.{}.0-0", inc(m, text)?)),
            _ => None,
        })
    };
    Ok(match op {
        "=" => match (eq_end_excl()?, &full) {
            (Some(end), _) => between(eq_start(), end),
            (None, Some(f)) => Interval { lo: Some(f.clone()), hi: Some((f.clone(), true)) },
            (None, None) => unreachable!("a full version has an end"),
        },
        ">" => match (eq_end_excl()?, &full) {
            (Some(end), _) => lo(end),
            (None, Some(f)) => lo(semver_succ(f)?),
            _ => unreachable!(),
        },
        ">=" => lo(eq_start()),
        "<" => lt(eq_start()),
        "<=" => match (eq_end_excl()?, &full) {
            (Some(end), _) => lt(end),
            (None, Some(f)) => le(f.clone()),
            _ => unreachable!(),
        },
        "~" => match (p.minor, p.patch) {
            (None, _) => between(eq_start(), format!("{}.0.0-0", inc(maj, text)?)),
            (Some(m), _) => between(eq_start(), format!("{maj}.{}.0-0", inc(m, text)?)),
        },
        "^" | "" => match (p.minor, p.patch) {
            (None, _) => between(eq_start(), format!("{}.0.0-0", inc(maj, text)?)),
            (Some(_), _) if maj > 0 => between(eq_start(), format!("{}.0.0-0", inc(maj, text)?)),
            (Some(m), None) => between(eq_start(), format!("0.{}.0-0", inc(m, text)?)),
            (Some(m), Some(_)) if m > 0 => between(eq_start(), format!("0.{}.0-0", inc(m, text)?)),
            (Some(_), Some(pt)) => between(eq_start(), format!("0.0.{}-0", inc(pt, text)?)),
        },
        _ => return Err(format!("unknown operator {op:?}")),
    })
}

/// One Cargo requirement (comma-separated comparators, ANDed) as an interval.
pub fn cargo_req(req: &str) -> Result<Interval, String> {
    let mut acc = Interval::all();
    let mut any = false;
    for c in req.split(',') {
        let c = c.trim();
        if c.is_empty() {
            return Err(format!("empty comparator in {req:?}"));
        }
        any = true;
        let (op, rest) = match ["<=", ">=", "<", ">", "=", "~", "^"].iter().find(|op| c.starts_with(**op)) {
            Some(op) => (*op, c[op.len()..].trim()),
            None => ("", c),
        };
        if rest.contains(char::is_whitespace) {
            return Err(format!("comparators must be separated by commas in {req:?}"));
        }
        let iv = cargo_comparator(op, rest).map_err(|e| format!("requirement {req:?}: {e}"))?;
        intervals::validate(Scheme::Cargo, &iv)?;
        acc = intervals::intersect(Scheme::Cargo, &acc, &iv)?;
    }
    if !any {
        return Err("empty requirement".into());
    }
    Ok(acc)
}

/// cargo-audit's rule: a version is vulnerable unless it matches one of the
/// `patched` or `unaffected` requirements. The vulnerable versions as sorted,
/// disjoint intervals.
pub fn cargo_vulnerable(patched: &[String], unaffected: &[String]) -> Result<Vec<Interval>, String> {
    let mut safe = Vec::new();
    for r in patched.iter().chain(unaffected) {
        safe.push(cargo_req(r)?);
    }
    let safe = intervals::union(Scheme::Cargo, safe)?;
    intervals::complement(Scheme::Cargo, &safe, semver_succ)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: Option<&str>, hi: Option<(&str, bool)>) -> Interval {
        Interval { lo: lo.map(str::to_owned), hi: hi.map(|(h, i)| (h.to_owned(), i)) }
    }

    fn has(ivs: &[Interval], scheme: Scheme, v: &str) -> bool {
        intervals::contains(scheme, ivs, &scheme.parse(v).unwrap())
    }

    #[test]
    fn npm_union_of_sets() {
        let r = npm_range(">=1.0.0 <1.2.3 || >=2.0.0 <2.0.5").unwrap();
        assert_eq!(
            r,
            vec![iv(Some("1.0.0"), Some(("1.2.3", false))), iv(Some("2.0.0"), Some(("2.0.5", false)))]
        );
        for (v, want) in [
            ("0.9.9", false),
            ("1.0.0", true),
            ("1.2.2", true),
            ("1.2.3-rc.1", true),
            ("1.2.3", false),
            ("1.5.0", false),
            ("2.0.0-beta", false),
            ("2.0.0", true),
            ("2.0.4", true),
            ("2.0.5", false),
        ] {
            assert_eq!(has(&r, Scheme::Npm, v), want, "{v}");
        }
    }

    #[test]
    fn npm_simple_bounds() {
        assert_eq!(npm_range("<=1.2.3").unwrap(), vec![iv(None, Some(("1.2.3", true)))]);
        assert_eq!(npm_range("<= 1.2.3").unwrap(), vec![iv(None, Some(("1.2.3", true)))]);
        assert_eq!(npm_range("*").unwrap(), vec![Interval::all()]);
        assert_eq!(npm_range("").unwrap(), vec![Interval::all()]);
        assert_eq!(npm_range("x").unwrap(), vec![Interval::all()]);
        assert_eq!(npm_range(">=0.0.0").unwrap(), vec![iv(Some("0.0.0"), None)]);
        assert_eq!(npm_range("1.2.3").unwrap(), vec![iv(Some("1.2.3"), Some(("1.2.3", true)))]);
        assert_eq!(npm_range("=v1.2.3").unwrap(), vec![iv(Some("1.2.3"), Some(("1.2.3", true)))]);
        assert_eq!(npm_range(">1.2.3").unwrap(), vec![iv(Some("1.2.4-0"), None)]);
        assert_eq!(npm_range(">1.2.3-beta.1").unwrap(), vec![iv(Some("1.2.3-beta.1.0"), None)]);
        assert_eq!(npm_range("<0.0.0").unwrap(), vec![iv(None, Some(("0.0.0", false)))]);
        assert_eq!(npm_range(">2.0.0 <1.0.0").unwrap(), vec![], "an empty set matches nothing");
        assert_eq!(npm_range("<*").unwrap(), vec![]);
    }

    #[test]
    fn npm_exclusive_lower_bound_is_exact() {
        let r = npm_range(">1.2.3").unwrap();
        assert!(!has(&r, Scheme::Npm, "1.2.3"));
        assert!(!has(&r, Scheme::Npm, "1.2.3+build"));
        assert!(has(&r, Scheme::Npm, "1.2.4-0"));
        assert!(has(&r, Scheme::Npm, "1.2.4-alpha"));
        let r = npm_range(">1.2.3-beta").unwrap();
        assert!(!has(&r, Scheme::Npm, "1.2.3-beta"));
        assert!(has(&r, Scheme::Npm, "1.2.3-beta.0"));
        assert!(has(&r, Scheme::Npm, "1.2.3-beta0"));
        assert!(has(&r, Scheme::Npm, "1.2.3"));
        assert!(!has(&r, Scheme::Npm, "1.2.3-alpha"));
    }

    #[test]
    fn npm_prereleases() {
        let r = npm_range("<=1.7.0-alpha2").unwrap();
        assert!(has(&r, Scheme::Npm, "1.7.0-alpha2"));
        assert!(has(&r, Scheme::Npm, "1.7.0-alpha1"));
        assert!(!has(&r, Scheme::Npm, "1.7.0-alpha3"));
        assert!(!has(&r, Scheme::Npm, "1.7.0"));
        let r = npm_range("2.1.0-M1 || 2.1.0-M2").unwrap();
        assert_eq!(r.len(), 2);
        assert!(has(&r, Scheme::Npm, "2.1.0-M2") && !has(&r, Scheme::Npm, "2.1.0"));
        let r = npm_range(">=1.7.0 <1.7.16 || >=3.0.0-beta.1 <3.0.0-beta.7").unwrap();
        assert!(has(&r, Scheme::Npm, "3.0.0-beta.6"));
        assert!(!has(&r, Scheme::Npm, "3.0.0-beta.7"));
        assert!(!has(&r, Scheme::Npm, "3.0.0"));
    }

    #[test]
    fn npm_wildcards_tilde_caret_hyphen() {
        assert_eq!(
            npm_range("2.0.x || 2.1.x").unwrap(),
            vec![iv(Some("2.0.0-0"), Some(("2.2.0-0", false)))],
            "touching sets merge"
        );
        assert_eq!(npm_range("1.x").unwrap(), vec![iv(Some("1.0.0-0"), Some(("2.0.0-0", false)))]);
        assert_eq!(npm_range("1").unwrap(), vec![iv(Some("1.0.0-0"), Some(("2.0.0-0", false)))]);
        assert_eq!(npm_range(">= 1.x").unwrap(), vec![iv(Some("1.0.0-0"), None)]);
        assert_eq!(npm_range("<= 1.0").unwrap(), vec![iv(None, Some(("1.1.0-0", false)))]);
        assert_eq!(npm_range(">1.2").unwrap(), vec![iv(Some("1.3.0-0"), None)]);
        assert_eq!(npm_range("~1.2.3").unwrap(), vec![iv(Some("1.2.3"), Some(("1.3.0-0", false)))]);
        assert_eq!(npm_range("~0.8.0-pre").unwrap(), vec![iv(Some("0.8.0-pre"), Some(("0.9.0-0", false)))]);
        assert_eq!(npm_range("~1").unwrap(), vec![iv(Some("1.0.0"), Some(("2.0.0-0", false)))]);
        assert_eq!(npm_range("^1.2.3").unwrap(), vec![iv(Some("1.2.3"), Some(("2.0.0-0", false)))]);
        assert_eq!(npm_range("^0.2.3").unwrap(), vec![iv(Some("0.2.3-0"), Some(("0.3.0-0", false)))]);
        assert_eq!(npm_range("^0.0.3").unwrap(), vec![iv(Some("0.0.3-0"), Some(("0.0.4-0", false)))]);
        assert_eq!(npm_range("^1.2").unwrap(), vec![iv(Some("1.2.0-0"), Some(("2.0.0-0", false)))]);
        assert_eq!(npm_range("1.2.3 - 2.3.4").unwrap(), vec![iv(Some("1.2.3-0"), Some(("2.3.5-0", false)))]);
        assert_eq!(npm_range("1.2 - 2").unwrap(), vec![iv(Some("1.2.0-0"), Some(("3.0.0-0", false)))]);
        assert_eq!(
            npm_range("1.0.0-rc.1 - 2.0.0-rc.2").unwrap(),
            vec![iv(Some("1.0.0-rc.1"), Some(("2.0.0-rc.2", true)))]
        );
    }

    #[test]
    fn npm_overlapping_sets_and_spacing() {
        assert_eq!(npm_range("<2.0.1 || <1.1.7").unwrap(), vec![iv(None, Some(("2.0.1", false)))]);
        assert_eq!(
            npm_range("< 3.1.3  || >= 4.0.0 <4.1.1").unwrap(),
            vec![iv(None, Some(("3.1.3", false))), iv(Some("4.0.0"), Some(("4.1.1", false)))]
        );
        assert_eq!(
            npm_range("<5.0.3 >=5.0.0 || < 4.2.1").unwrap(),
            vec![iv(None, Some(("4.2.1", false))), iv(Some("5.0.0"), Some(("5.0.3", false)))]
        );
        assert_eq!(
            npm_range(">= 5.2.1 <= 6.0.0 || >=6.0.0 <= 6.0.2").unwrap(),
            vec![iv(Some("5.2.1"), Some(("6.0.2", true)))]
        );
    }

    #[test]
    fn npm_errors() {
        for bad in [
            "<",
            ">= <1",
            "1.2.3.4",
            "abc",
            "1.2-beta",
            "1.x.3",
            "^",
            "1.2.3 - ",
            "- 1.2.3",
            "<99999999999999999999999",
        ] {
            assert!(npm_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cargo_requirements() {
        let v =
            cargo_vulnerable(&[">= 0.6.14, < 1.0.0".into(), ">= 1.6.1".into()], &["< 0.6.3".into()]).unwrap();
        assert_eq!(
            v,
            vec![iv(Some("0.6.3"), Some(("0.6.14", false))), iv(Some("1.0.0"), Some(("1.6.1", false)))]
        );
        assert_eq!(cargo_vulnerable(&[], &[]).unwrap(), vec![Interval::all()]);
        assert_eq!(cargo_req("^0.6.14").unwrap(), iv(Some("0.6.14"), Some(("0.7.0-0", false))));
        assert_eq!(cargo_req("^1.2").unwrap(), iv(Some("1.2.0-0"), Some(("2.0.0-0", false))));
        assert_eq!(cargo_req("^0.0.3").unwrap(), iv(Some("0.0.3"), Some(("0.0.4-0", false))));
        assert_eq!(cargo_req("1.2.3").unwrap(), iv(Some("1.2.3"), Some(("2.0.0-0", false))));
        assert_eq!(cargo_req("~1.2").unwrap(), iv(Some("1.2.0-0"), Some(("1.3.0-0", false))));
        assert_eq!(cargo_req("<= 1.2").unwrap(), iv(None, Some(("1.3.0-0", false))));
        assert_eq!(cargo_req("> 1.2.3").unwrap(), iv(Some("1.2.4-0"), None));
        assert_eq!(cargo_req("> 1").unwrap(), iv(Some("2.0.0-0"), None));
        assert_eq!(cargo_req("=1.2.3").unwrap(), iv(Some("1.2.3"), Some(("1.2.3", true))));
        assert_eq!(cargo_req("1.*").unwrap(), iv(Some("1.0.0-0"), Some(("2.0.0-0", false))));
        assert_eq!(cargo_req("*").unwrap(), Interval::all());
        assert_eq!(cargo_req("1.2.*").unwrap(), iv(Some("1.2.0-0"), Some(("1.3.0-0", false))));
        assert!(cargo_req(">= 1.2.*").is_err());
        // unaffected `<= 0.2.5`, patched `>= 0.3.0`: the gap starts right after 0.2.5
        let v = cargo_vulnerable(&[">= 0.3.0".into()], &["<= 0.2.5".into()]).unwrap();
        assert_eq!(v, vec![iv(Some("0.2.6-0"), Some(("0.3.0", false)))]);
        assert!(cargo_req(">= 1.0 2.0").is_err());
        assert!(cargo_req("").is_err());
    }
}
