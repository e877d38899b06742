//! Alpine (apk-tools) versions, also used by Wolfi, Chainguard and Alpaquita.
//!
//! The apk format is `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`:
//!
//! * number parts compare numerically, except that after the first part a
//!   part with a leading zero compares as a string against the other
//!   (`1.01 < 1.1`, apk's "fractional" rule); a missing part is 0;
//! * then the optional single lower-case letter (none < `a` < ... < `z`);
//! * then suffixes in order, each a kind and a number (missing number = 0):
//!   `_alpha < _beta < _pre < _rc < (no suffix) < _cvs < _svn < _git < _hg < _p`;
//! * the `~hash` commit suffix is ignored;
//! * then the `-rN` package revision (missing = 0).
//!
//! Strings that do not fit (`1.2_blah`, `6.6.2p1`, `1-ruff`) are still ordered,
//! as apk orders them: parsing stops where the format breaks, what parsed
//! compares as above, and a version with unparsed text left is older than one
//! without. Two versions that both break the format before their revision and
//! are otherwise equal compare as plain strings. The comparison is a total
//! order.

use std::cmp::Ordering;

use crate::num::Num;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone)]
pub(crate) struct ApkVersion {
    original: Box<str>,
    /// (digits as written, numeric value)
    numbers: Vec<(Box<str>, Num)>,
    letter: Option<u8>,
    /// (weight, number); weight 4 is "no suffix"
    suffixes: Vec<(u8, Num)>,
    revision: Num,
    /// text left after parsing
    remainder: bool,
    /// the format broke before the revision
    invalid: bool,
}

const NO_SUFFIX: u8 = 4;

fn suffix_weight(name: &str) -> Option<u8> {
    Some(match name {
        "alpha" => 0,
        "beta" => 1,
        "pre" => 2,
        "rc" => 3,
        "cvs" => 5,
        "svn" => 6,
        "git" => 7,
        "hg" => 8,
        "p" => 9,
        _ => return None,
    })
}

pub(crate) fn parse(version: &str) -> Result<ApkVersion, VersionError> {
    let s = version.trim();
    if s.is_empty() {
        return Err(VersionError::invalid(Scheme::Alpine, version, "empty version"));
    }
    let b = s.as_bytes();
    let mut i = 0;
    let digits_from = |mut k: usize| {
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        k
    };

    let mut numbers = Vec::new();
    if b[0].is_ascii_digit() {
        loop {
            let end = digits_from(i);
            numbers.push((s[i..end].into(), Num::new(&s[i..end])));
            i = end;
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                i += 1;
            } else {
                break;
            }
        }
    }

    let mut letter = None;
    if i < b.len() && b[i].is_ascii_lowercase() {
        letter = Some(b[i]);
        i += 1;
    }

    let mut suffixes = Vec::new();
    while i < b.len() && b[i] == b'_' {
        let name_end = {
            let mut k = i + 1;
            while k < b.len() && b[k].is_ascii_lowercase() {
                k += 1;
            }
            k
        };
        let Some(weight) = suffix_weight(&s[i + 1..name_end]) else {
            break;
        };
        let end = digits_from(name_end);
        suffixes.push((weight, Num::new(&s[name_end..end])));
        i = end;
    }

    if i < b.len() && b[i] == b'~' {
        let mut k = i + 1;
        while k < b.len() && matches!(b[k], b'0'..=b'9' | b'a'..=b'f') {
            k += 1;
        }
        if k > i + 1 {
            i = k;
        }
    }

    let mut revision = Num::default();
    let mut invalid = false;
    if i < b.len() {
        if s[i..].starts_with("-r") {
            let end = digits_from(i + 2);
            revision = Num::new(&s[i + 2..end]);
            i = end;
        } else {
            invalid = true;
        }
    }

    Ok(ApkVersion {
        original: s.into(),
        numbers,
        letter,
        suffixes,
        revision,
        remainder: i < b.len(),
        invalid,
    })
}

fn cmp_number(i: usize, a: &(Box<str>, Num), b: &(Box<str>, Num)) -> Ordering {
    if i > 0 && (a.0.starts_with('0') || b.0.starts_with('0')) { a.0.cmp(&b.0) } else { a.1.cmp(&b.1) }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero: (Box<str>, Num) = ("".into(), Num::default());
        for i in 0..self.numbers.len().max(other.numbers.len()) {
            let o = match (self.numbers.get(i), other.numbers.get(i)) {
                (Some(a), Some(b)) => cmp_number(i, a, b),
                (Some(a), None) => a.1.cmp(&zero.1),
                (None, Some(b)) => zero.1.cmp(&b.1),
                (None, None) => Ordering::Equal,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        let o = self.letter.cmp(&other.letter);
        if o != Ordering::Equal {
            return o;
        }
        let none = (NO_SUFFIX, Num::default());
        for i in 0..self.suffixes.len().max(other.suffixes.len()) {
            let a = self.suffixes.get(i).unwrap_or(&none);
            let b = other.suffixes.get(i).unwrap_or(&none);
            let o = a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1));
            if o != Ordering::Equal {
                return o;
            }
        }
        self.revision
            .cmp(&other.revision)
            // something left over is older
            .then_with(|| other.remainder.cmp(&self.remainder))
            .then_with(|| self.invalid.cmp(&other.invalid))
            .then_with(|| if self.invalid { self.original.cmp(&other.original) } else { Ordering::Equal })
    }
}

impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ApkVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ApkVersion {}
