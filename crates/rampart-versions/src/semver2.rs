//! SemVer 2.0.0 precedence, shared by npm, crates.io, Go and Pub.
//!
//! Grammar accepted (a little wider than the spec, as advisory data is):
//!
//! ```text
//! [v|V] N(.N)* [ -PRE | PRE-starting-with-a-letter ] [ +BUILD ]
//! PRE, BUILD = IDENT(.IDENT)*   IDENT = [0-9A-Za-z-]+
//! ```
//!
//! * Numbers have any size (`999999999999999999999999999991` is fine) and
//!   missing release parts count as zero (`1.2` = `1.2.0`); more than three
//!   parts are kept and compared in turn.
//! * Precedence (SemVer §11): release parts numerically; a version with a
//!   prerelease is lower than the same version without; prerelease
//!   identifiers are compared left to right, numeric ones numerically,
//!   alphanumeric ones in ASCII order, numeric below alphanumeric, and a
//!   longer list wins when one is a prefix of the other.
//! * Build metadata is ignored for precedence (SemVer §10), so
//!   `1.2.3+a` = `1.2.3+b`; it is kept for schemes that order it (Pub).

use std::cmp::Ordering;

use crate::num::{Num, cmp_padded};
use crate::{Scheme, VersionError};

/// One prerelease or build identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ident {
    Num(Num),
    Alpha(Box<str>),
}

impl Ord for Ident {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Num(a), Ident::Num(b)) => a.cmp(b),
            (Ident::Num(_), Ident::Alpha(_)) => Ordering::Less,
            (Ident::Alpha(_), Ident::Num(_)) => Ordering::Greater,
            (Ident::Alpha(a), Ident::Alpha(b)) => a.as_bytes().cmp(b.as_bytes()),
        }
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A parsed SemVer-like version.
#[derive(Debug, Clone)]
pub(crate) struct SemVer {
    pub(crate) release: Vec<Num>,
    pub(crate) pre: Vec<Ident>,
    pub(crate) build: Vec<Ident>,
}

impl SemVer {
    /// Precedence without build metadata.
    pub(crate) fn cmp_precedence(&self, other: &Self) -> Ordering {
        cmp_padded(&self.release, &other.release).then_with(|| cmp_pre(&self.pre, &other.pre))
    }
}

/// Prereleases: none is highest; otherwise identifier lists in order.
pub(crate) fn cmp_pre(a: &[Ident], b: &[Ident]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.cmp(b),
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_precedence(other)
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SemVer {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemVer {}

/// Parses `[v]N(.N)*[-pre][+build]` (see the module docs) for `scheme`.
pub(crate) fn parse(scheme: Scheme, version: &str) -> Result<SemVer, VersionError> {
    let err = |reason: &str| VersionError::invalid(scheme, version, reason);
    let s = version.trim();
    let s = s.strip_prefix('v').or_else(|| s.strip_prefix('V')).unwrap_or(s);
    if s.is_empty() {
        return Err(err("empty version"));
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut release = Vec::new();
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            return Err(err(if release.is_empty() {
                "does not start with a number"
            } else {
                "empty numeric part after '.'"
            }));
        }
        release.push(Num::new(&s[start..i]));
        if i < bytes.len() && bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        break;
    }
    let rest = &s[i..];
    let (pre_str, build_str) = match rest.split_once('+') {
        Some((p, b)) => (p, Some(b)),
        None => (rest, None),
    };
    let pre_str = if let Some(p) = pre_str.strip_prefix('-') {
        if p.is_empty() {
            return Err(err("empty prerelease after '-'"));
        }
        Some(p)
    } else if pre_str.is_empty() {
        None
    } else if pre_str.as_bytes()[0].is_ascii_alphabetic() {
        // node-semver "loose" style: 1.2.3beta.1
        Some(pre_str)
    } else {
        return Err(err("unexpected character after the numeric part"));
    };
    let pre = match pre_str {
        Some(p) => idents(p).ok_or_else(|| err("bad prerelease identifier"))?,
        None => Vec::new(),
    };
    let build = match build_str {
        Some(b) => idents(b).ok_or_else(|| err("bad build metadata identifier"))?,
        None => Vec::new(),
    };
    Ok(SemVer { release, pre, build })
}

fn idents(s: &str) -> Option<Vec<Ident>> {
    s.split('.')
        .map(|id| {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                None
            } else if id.bytes().all(|b| b.is_ascii_digit()) {
                Some(Ident::Num(Num::new(id)))
            } else {
                Some(Ident::Alpha(id.into()))
            }
        })
        .collect()
}
