//! RubyGems versions, ordered as `Gem::Version#<=>`.
//!
//! * Surrounding whitespace is stripped; an empty version is `0`; each `-`
//!   becomes `.pre.` (so `1.0-rc1` is a prerelease of `1.0`).
//! * Segments are the runs of digits (numbers) and of letters (strings);
//!   everything else only separates (`1.0.a10` → `1, 0, "a", 10`).
//! * Canonical segments: the numeric head and the rest (from the first
//!   string on) each lose their trailing zeros, so `1.0 = 1` and
//!   `1.0.a.0 = 1.a`.
//! * Segments compare in turn, the shorter padded with 0: numbers
//!   numerically, strings bytewise, and a string is lower than a number, so
//!   `1.0.b1 < 1.0` and `1.0.a10 > 1.0.a9`.

use std::cmp::Ordering;

use crate::num::Num;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Num(Num),
    Str(Box<str>),
}

#[derive(Debug, Clone)]
pub(crate) struct GemVersion {
    segments: Vec<Seg>,
}

pub(crate) fn parse(version: &str) -> Result<GemVersion, VersionError> {
    let s = version.trim();
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))) {
        return Err(VersionError::invalid(Scheme::RubyGems, version, format!("unexpected character {c:?}")));
    }
    let s = s.replace('-', ".pre.");
    let b = s.as_bytes();
    let mut segs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            segs.push(Seg::Num(Num::new(&s[start..i])));
        } else if b[i].is_ascii_alphabetic() {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            segs.push(Seg::Str(s[start..i].into()));
        } else {
            i += 1;
        }
    }
    // canonical segments
    let split = segs.iter().position(|s| matches!(s, Seg::Str(_))).unwrap_or(segs.len());
    let mut rest = segs.split_off(split);
    let drop_zeros = |v: &mut Vec<Seg>| {
        while matches!(v.last(), Some(Seg::Num(n)) if n.is_zero()) {
            v.pop();
        }
    };
    drop_zeros(&mut segs);
    drop_zeros(&mut rest);
    segs.append(&mut rest);
    Ok(GemVersion { segments: segs })
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Seg::Num(Num::default());
        for i in 0..self.segments.len().max(other.segments.len()) {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let o = match (a, b) {
                (Seg::Num(x), Seg::Num(y)) => x.cmp(y),
                (Seg::Str(x), Seg::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
                (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
                (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}
