//! PyPI versions: PEP 440 through the `pep440_rs` crate, with setuptools'
//! "legacy" ordering for strings that are not PEP 440.
//!
//! PEP 440 orders by epoch, release (zero-padded), then dev-only releases
//! below pre-releases (`a` < `b` < `rc`, with the spellings `alpha`, `beta`,
//! `c`, `pre`, `preview` normalised), then the release itself, then
//! post-releases; `.devN` sorts before the version it is attached to; a
//! local label (`+ubuntu1`) sorts after the same public version. Case and
//! separators are normalised (`1.2b3.DEV4` = `1.2b3.dev4`).
//!
//! Old releases on PyPI still carry versions that are not PEP 440
//! (`0.9-doduo`, `2013-01-21T20:33:09+0100`, `0.7.10p1`). They are ordered as
//! `packaging.version.LegacyVersion` did (packaging < 22, setuptools):
//! every legacy version is lower than every PEP 440 version, and legacy
//! versions compare by a key of parts: the lower-cased string is split into
//! digit runs, letter runs, `.`, `-` and whatever lies between; `pre`,
//! `preview`, `rc` become `c`, `dev` becomes `@`, `-` becomes `final-`;
//! numbers are zero-padded to eight characters, other parts prefixed with
//! `*`; `*final` is appended; before a part starting with `*`, trailing
//! `00000000` parts are dropped, and before one that sorts below `*final`,
//! trailing `*final-` parts too. Keys compare as tuples of strings.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::{Scheme, VersionError};

#[derive(Debug, Clone)]
pub(crate) enum PypiVersion {
    Legacy(Vec<String>),
    Pep440(pep440_rs::Version),
}

pub(crate) fn parse(version: &str) -> Result<PypiVersion, VersionError> {
    let t = version.trim();
    if t.is_empty() {
        return Err(VersionError::invalid(Scheme::PyPI, version, "empty version"));
    }
    match pep440_rs::Version::from_str(t) {
        Ok(v) => Ok(PypiVersion::Pep440(v)),
        Err(_) => Ok(PypiVersion::Legacy(legacy_key(t))),
    }
}

fn legacy_parts(s: &str) -> Vec<String> {
    // re.split(r"(\d+|[a-z]+|\.|-)", s): matches and the text between them
    let mut out = Vec::new();
    let mut between = String::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        let run = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, f: fn(&char) -> bool| {
            let mut r = String::new();
            while let Some(&c) = chars.peek() {
                if !f(&c) {
                    break;
                }
                r.push(c);
                chars.next();
            }
            r
        };
        let token = if c.is_ascii_digit() {
            run(&mut chars, char::is_ascii_digit)
        } else if c.is_ascii_lowercase() {
            run(&mut chars, char::is_ascii_lowercase)
        } else if c == '.' || c == '-' {
            chars.next();
            c.to_string()
        } else {
            between.push(c);
            chars.next();
            continue;
        };
        if !between.is_empty() {
            out.push(std::mem::take(&mut between));
        }
        out.push(token);
    }
    if !between.is_empty() {
        out.push(between);
    }
    out
}

fn legacy_key(s: &str) -> Vec<String> {
    let lower = s.to_lowercase();
    let mut parts: Vec<String> = Vec::new();
    let normalised = legacy_parts(&lower)
        .into_iter()
        .filter_map(|p| {
            let p = match p.as_str() {
                "pre" | "preview" | "rc" => "c".to_owned(),
                "-" => "final-".to_owned(),
                "dev" => "@".to_owned(),
                _ => p,
            };
            if p.is_empty() || p == "." {
                None
            } else if p.as_bytes()[0].is_ascii_digit() {
                Some(format!("{p:0>8}"))
            } else {
                Some(format!("*{p}"))
            }
        })
        .chain(std::iter::once("*final".to_owned()));
    for part in normalised {
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part);
    }
    parts
}

impl Ord for PypiVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PypiVersion::Pep440(a), PypiVersion::Pep440(b)) => a.cmp(b),
            (PypiVersion::Legacy(a), PypiVersion::Legacy(b)) => a.cmp(b),
            (PypiVersion::Legacy(_), PypiVersion::Pep440(_)) => Ordering::Less,
            (PypiVersion::Pep440(_), PypiVersion::Legacy(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for PypiVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PypiVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PypiVersion {}
