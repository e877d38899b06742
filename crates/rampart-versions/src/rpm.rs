//! RPM versions: `[epoch:]version[-release]` compared as librpm does
//! (`rpmVersionCompare` / `rpmvercmp`).
//!
//! * The epoch is the run of digits before a `:` at the start; anything else
//!   before a colon (`a:1`, `1.m+e2:1`) is part of the version. A missing or
//!   empty epoch is `0`.
//! * The release is what follows the last `-`. A version with a release,
//!   even an empty one (`1-`), is newer than the same version without.
//! * `rpmvercmp` walks both strings: characters other than ASCII letters,
//!   digits, `~` and `^` only separate segments; `~` sorts before anything,
//!   even the end of the string (`1.0~rc1 < 1.0`); `^` sorts after the end
//!   of the string but before anything else (`1.0 < 1.0^git1 < 1.0.1`);
//!   then digit runs compare numerically (leading zeros ignored), letter
//!   runs with `strcmp`, and a digit run beats a letter run. When one string
//!   runs out, the one with something left is newer.

use std::cmp::Ordering;

use crate::{Scheme, VersionError};

#[derive(Debug, Clone)]
pub(crate) struct RpmVersion {
    epoch: Box<str>,
    version: Box<str>,
    release: Option<Box<str>>,
}

pub(crate) fn parse(version: &str) -> Result<RpmVersion, VersionError> {
    let s = version.trim();
    if s.is_empty() {
        return Err(VersionError::invalid(Scheme::Rpm, version, "empty version"));
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, rest) = if s.as_bytes().get(digits) == Some(&b':') {
        let e = &s[..digits];
        (if e.is_empty() { "0" } else { e }, &s[digits + 1..])
    } else {
        ("0", s)
    };
    let (ver, release) = match rest.rfind('-') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    Ok(RpmVersion { epoch: epoch.into(), version: ver.into(), release: release.map(Into::into) })
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        rpmvercmp(&self.epoch, &other.epoch).then_with(|| rpmvercmp(&self.version, &other.version)).then_with(
            || match (&self.release, &other.release) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => rpmvercmp(a, b),
            },
        )
    }
}

impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for RpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for RpmVersion {}

/// librpm's `rpmvercmp` on two strings.
pub(crate) fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let sep = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    loop {
        while i < a.len() && sep(a[i]) {
            i += 1;
        }
        while j < b.len() && sep(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca.is_none() && cb.is_none() {
            return Ordering::Equal;
        }
        // tilde: older than anything, even the end
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // caret: newer than the end, older than anything else
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(ca), Some(_)) = (ca, cb) else {
            break;
        };
        let numeric = ca.is_ascii_digit();
        let class = |c: &u8| {
            if numeric { c.is_ascii_digit() } else { c.is_ascii_alphabetic() }
        };
        let sa = i;
        while i < a.len() && class(&a[i]) {
            i += 1;
        }
        let sb = j;
        while j < b.len() && class(&b[j]) {
            j += 1;
        }
        if sb == j {
            // segments of different kinds: a number beats letters
            return if numeric { Ordering::Greater } else { Ordering::Less };
        }
        let (mut x, mut y) = (&a[sa..i], &b[sb..j]);
        if numeric {
            while x.first() == Some(&b'0') {
                x = &x[1..];
            }
            while y.first() == Some(&b'0') {
                y = &y[1..];
            }
            match x.len().cmp(&y.len()) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match x.cmp(y) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    // one side ran out: the side with something left is newer
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}
