//! Sets of versions as sorted, disjoint intervals, ordered by a
//! [`rampart_versions::Scheme`], and their translation into OSV events.
//!
//! An interval's lower bound is inclusive or absent (an exclusive lower bound
//! `> v` is first rewritten as `>= succ(v)` by the caller, with a successor
//! that is exact in the scheme's order); its upper bound is exclusive
//! (`fixed`), inclusive (`last_affected`) or absent.

use std::cmp::Ordering;

use rampart_versions::{Scheme, Version};

use crate::osv::{OsvEvent, OsvRange};

/// One interval of versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    /// Inclusive lower bound; `None`: from the lowest version.
    pub lo: Option<String>,
    /// Upper bound and whether it is inclusive; `None`: no upper bound.
    pub hi: Option<(String, bool)>,
}

impl Interval {
    /// Every version.
    pub fn all() -> Interval {
        Interval { lo: None, hi: None }
    }
}

/// A version parsed once for comparisons.
fn parse(scheme: Scheme, v: &str) -> Result<Version, String> {
    scheme.parse(v).map_err(|e| format!("version {v:?}: {e}"))
}

fn cmp(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, String> {
    Ok(parse(scheme, a)?.cmp(&parse(scheme, b)?))
}

/// Compares lower bounds (`None` lowest).
fn cmp_lo(scheme: Scheme, a: &Option<String>, b: &Option<String>) -> Result<Ordering, String> {
    Ok(match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(a), Some(b)) => cmp(scheme, a, b)?,
    })
}

/// Compares upper bounds (`None` highest; at one version, exclusive below inclusive).
fn cmp_hi(
    scheme: Scheme,
    a: &Option<(String, bool)>,
    b: &Option<(String, bool)>,
) -> Result<Ordering, String> {
    Ok(match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Greater,
        (_, None) => Ordering::Less,
        (Some((a, ai)), Some((b, bi))) => cmp(scheme, a, b)?.then(ai.cmp(bi)),
    })
}

/// Checks that every bound reads under `scheme`.
pub fn validate(scheme: Scheme, iv: &Interval) -> Result<(), String> {
    if let Some(lo) = &iv.lo {
        parse(scheme, lo)?;
    }
    if let Some((hi, _)) = &iv.hi {
        parse(scheme, hi)?;
    }
    Ok(())
}

/// The intersection of two intervals (possibly empty).
pub fn intersect(scheme: Scheme, a: &Interval, b: &Interval) -> Result<Interval, String> {
    let lo = if cmp_lo(scheme, &a.lo, &b.lo)? == Ordering::Less { b.lo.clone() } else { a.lo.clone() };
    let hi = if cmp_hi(scheme, &a.hi, &b.hi)? == Ordering::Greater { b.hi.clone() } else { a.hi.clone() };
    Ok(Interval { lo, hi })
}

/// Whether the interval holds no version.
pub fn is_empty(scheme: Scheme, iv: &Interval) -> Result<bool, String> {
    let (Some(lo), Some((hi, incl))) = (&iv.lo, &iv.hi) else { return Ok(false) };
    Ok(match cmp(scheme, lo, hi)? {
        Ordering::Greater => true,
        Ordering::Equal => !incl,
        Ordering::Less => false,
    })
}

/// The union of intervals as sorted, disjoint, non-empty intervals.
pub fn union(scheme: Scheme, ivs: Vec<Interval>) -> Result<Vec<Interval>, String> {
    let mut keep = Vec::with_capacity(ivs.len());
    for iv in ivs {
        validate(scheme, &iv)?;
        if !is_empty(scheme, &iv)? {
            keep.push(iv);
        }
    }
    // validated above: comparisons below cannot fail
    keep.sort_by(|a, b| cmp_lo(scheme, &a.lo, &b.lo).unwrap_or(Ordering::Equal));
    let mut out: Vec<Interval> = Vec::with_capacity(keep.len());
    for iv in keep {
        if let Some(last) = out.last_mut() {
            // overlapping or touching ([a, v) and [v, b)): one interval
            let touches = match (&last.hi, &iv.lo) {
                (None, _) | (_, None) => true,
                (Some((h, _)), Some(l)) => cmp(scheme, l, h)? != Ordering::Greater,
            };
            if touches {
                if cmp_hi(scheme, &iv.hi, &last.hi)? == Ordering::Greater {
                    last.hi = iv.hi;
                }
                continue;
            }
        }
        out.push(iv);
    }
    Ok(out)
}

/// The versions in none of `ivs` (sorted, disjoint, as [`union`] returns),
/// with `succ` the exact successor of a version in the scheme's order (the
/// start of the gap after an inclusive upper bound).
pub fn complement(
    scheme: Scheme,
    ivs: &[Interval],
    succ: impl Fn(&str) -> Result<String, String>,
) -> Result<Vec<Interval>, String> {
    let mut out = Vec::new();
    let mut cursor: Option<Option<String>> = Some(None); // None: no gap left
    for iv in ivs {
        let Some(from) = cursor.take() else { break };
        if let Some(lo) = &iv.lo {
            let gap = Interval { lo: from, hi: Some((lo.clone(), false)) };
            if !is_empty(scheme, &gap)? {
                out.push(gap);
            }
        }
        cursor = match &iv.hi {
            None => None,
            Some((h, true)) => Some(Some(succ(h)?)),
            Some((h, false)) => Some(Some(h.clone())),
        };
    }
    if let Some(from) = cursor {
        out.push(Interval { lo: from, hi: None });
    }
    Ok(out)
}

/// One OSV `ECOSYSTEM` range holding sorted, disjoint intervals (none: no range).
pub fn to_osv_range(ivs: &[Interval]) -> Option<OsvRange> {
    if ivs.is_empty() {
        return None;
    }
    let mut events = Vec::new();
    for iv in ivs {
        events.push(OsvEvent {
            introduced: Some(iv.lo.clone().unwrap_or_else(|| "0".into())),
            ..Default::default()
        });
        match &iv.hi {
            Some((h, false)) => events.push(OsvEvent { fixed: Some(h.clone()), ..Default::default() }),
            Some((h, true)) => events.push(OsvEvent { last_affected: Some(h.clone()), ..Default::default() }),
            None => {}
        }
    }
    Some(OsvRange { kind: Some("ECOSYSTEM".into()), events: Some(events), ..Default::default() })
}

/// Whether `v` is in one of `ivs` (reference evaluation, for tests and checks).
pub fn contains(scheme: Scheme, ivs: &[Interval], v: &Version) -> bool {
    ivs.iter().any(|iv| {
        let above = iv.lo.as_deref().is_none_or(|lo| scheme.parse(lo).is_ok_and(|lo| lo <= *v));
        let below = match &iv.hi {
            None => true,
            Some((h, incl)) => scheme.parse(h).is_ok_and(|h| if *incl { *v <= h } else { *v < h }),
        };
        above && below
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: Option<&str>, hi: Option<(&str, bool)>) -> Interval {
        Interval { lo: lo.map(str::to_owned), hi: hi.map(|(h, i)| (h.to_owned(), i)) }
    }

    #[test]
    fn union_merges_overlaps_and_touching() {
        let s = Scheme::Npm;
        let u = union(
            s,
            vec![
                iv(None, Some(("2.0.1", false))),
                iv(None, Some(("1.1.7", false))),
                iv(Some("3.0.0"), Some(("3.1.0", false))),
                iv(Some("3.1.0"), Some(("3.2.0", true))),
                iv(Some("5.0.0"), Some(("4.0.0", false))), // empty
            ],
        )
        .unwrap();
        assert_eq!(u, vec![iv(None, Some(("2.0.1", false))), iv(Some("3.0.0"), Some(("3.2.0", true)))]);
    }

    #[test]
    fn complement_of_patched() {
        let s = Scheme::Cargo;
        let succ = |v: &str| Ok(format!("{v}.succ"));
        let c = complement(s, &[iv(Some("1.6.1"), None)], succ).unwrap();
        assert_eq!(c, vec![iv(None, Some(("1.6.1", false)))]);
        let c = complement(s, &[], succ).unwrap();
        assert_eq!(c, vec![Interval::all()]);
        let c = complement(
            s,
            &[iv(None, Some(("0.6.3", false))), iv(Some("0.6.14"), Some(("1.0.0", false)))],
            succ,
        )
        .unwrap();
        assert_eq!(c, vec![iv(Some("0.6.3"), Some(("0.6.14", false))), iv(Some("1.0.0"), None)]);
    }
}
