//! Packagist (Composer) versions, ordered as PHP's `version_compare`, which
//! Composer uses on (normalised) versions.
//!
//! * A leading `v`/`V` is dropped, as Composer does.
//! * Canonical form: `-`, `_`, `+` and every other non-alphanumeric
//!   character become `.`, a `.` is inserted at each switch between digits
//!   and non-digits, and runs of `.` collapse: `1.0rc1` → `1.0.rc.1`.
//! * Parts compare in turn: numbers numerically; words by "special form",
//!   the first of `dev` < `alpha` = `a` < `beta` = `b` < `RC` = `rc` < `#` <
//!   `pl` = `p` that is a prefix of the word (so `abc` counts as `a`, `patch`
//!   as `p`), any other word lowest of all; a number against a word counts
//!   as `#`.
//! * If one version has parts left: a number left makes it newer; otherwise
//!   the rest compares against `#` (so `1.0-dev < 1.0 < 1.0pl1`).

use std::cmp::Ordering;

use crate::num::Num;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Num(Num),
    /// special-form order: -1 unknown, 0 dev, 1 alpha, 2 beta, 3 RC, 4 #, 5 pl
    Word(i8),
}

const HASH: Part = Part::Word(4);

fn special_order(word: &str) -> i8 {
    const FORMS: [(&str, i8); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS.iter().find(|(name, _)| word.starts_with(name)).map_or(-1, |(_, o)| *o)
}

#[derive(Debug, Clone)]
pub(crate) struct PackagistVersion {
    parts: Vec<Part>,
}

fn canonicalize(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len() * 2);
    out.push(b[0]);
    let mut lp = b[0];
    let isdig = |c: u8| c.is_ascii_digit();
    let isndig = |c: u8| !c.is_ascii_digit() && c != b'.';
    for &c in &b[1..] {
        let last = *out.last().unwrap_or(&b'.');
        if matches!(c, b'-' | b'_' | b'+') {
            if last != b'.' {
                out.push(b'.');
            }
        } else if (isndig(lp) && isdig(c)) || (isdig(lp) && isndig(c)) {
            if last != b'.' {
                out.push(b'.');
            }
            out.push(c);
        } else if !c.is_ascii_alphanumeric() {
            if last != b'.' {
                out.push(b'.');
            }
        } else {
            out.push(c);
        }
        lp = c;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn parse(version: &str) -> Result<PackagistVersion, VersionError> {
    let t = version.trim();
    let t = t.strip_prefix('v').or_else(|| t.strip_prefix('V')).unwrap_or(t);
    if t.is_empty() {
        return Err(VersionError::invalid(Scheme::Packagist, version, "empty version"));
    }
    let canon = if t.starts_with('#') { t.to_owned() } else { canonicalize(t) };
    let parts = canon
        .split('.')
        .map(|p| {
            if p.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                let end = p.bytes().take_while(u8::is_ascii_digit).count();
                Part::Num(Num::new(&p[..end]))
            } else {
                Part::Word(special_order(p))
            }
        })
        .collect();
    Ok(PackagistVersion { parts })
}

fn cmp_part(a: &Part, b: &Part) -> Ordering {
    match (a, b) {
        (Part::Num(x), Part::Num(y)) => x.cmp(y),
        (Part::Word(x), Part::Word(y)) => x.cmp(y),
        (Part::Num(_), Part::Word(y)) => 4.cmp(y),
        (Part::Word(x), Part::Num(_)) => x.cmp(&4),
    }
}

fn cmp_parts(a: &[Part], b: &[Part]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = cmp_part(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    let n = a.len().min(b.len());
    if a.len() > n {
        match &a[n] {
            Part::Num(_) => Ordering::Greater,
            Part::Word(_) => cmp_parts(&a[n..], std::slice::from_ref(&HASH)),
        }
    } else if b.len() > n {
        match &b[n] {
            Part::Num(_) => Ordering::Less,
            Part::Word(_) => cmp_parts(std::slice::from_ref(&HASH), &b[n..]),
        }
    } else {
        Ordering::Equal
    }
}

impl Ord for PackagistVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_parts(&self.parts, &other.parts)
    }
}

impl PartialOrd for PackagistVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PackagistVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PackagistVersion {}
