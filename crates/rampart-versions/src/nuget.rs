//! NuGet versions, ordered as `NuGetVersion` / `VersionComparer.Default`.
//!
//! `N[.N[.N[.N]]][-label(.label)*][+metadata]`: up to four numeric parts
//! (missing ones are 0, leading zeros ignored, so `1.0 = 1.0.0.0` and
//! `1.0.01 = 1.0.1`); a version with release labels is lower than without;
//! labels compare in turn, numeric ones numerically and below alphanumeric
//! ones, alphanumeric ones ordinally ignoring case; more labels win when one
//! list is a prefix of the other; metadata is ignored.

use std::cmp::Ordering;

use crate::num::{Num, cmp_padded};
use crate::semver2::{Ident, cmp_pre};
use crate::{Scheme, VersionError};

#[derive(Debug, Clone)]
pub(crate) struct NuGetVersion {
    release: Vec<Num>,
    labels: Vec<Ident>,
}

pub(crate) fn parse(version: &str) -> Result<NuGetVersion, VersionError> {
    let err = |r: &str| VersionError::invalid(Scheme::NuGet, version, r);
    let s = version.trim();
    let s = s.split_once('+').map_or(s, |(v, _)| v);
    let (rel, labels) = match s.split_once('-') {
        Some((r, l)) => (r, Some(l)),
        None => (s, None),
    };
    let release = rel
        .split('.')
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Num::new(p))
            } else {
                Err(err("numeric part expected"))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if release.len() > 4 {
        return Err(err("more than four numeric parts"));
    }
    let labels = match labels {
        None => Vec::new(),
        Some(l) => l
            .split('.')
            .map(|id| {
                if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    Err(err("bad release label"))
                } else if id.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(Ident::Num(Num::new(id)))
                } else {
                    Ok(Ident::Alpha(id.to_ascii_lowercase().into()))
                }
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(NuGetVersion { release, labels })
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_padded(&self.release, &other.release).then_with(|| cmp_pre(&self.labels, &other.labels))
    }
}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NuGetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NuGetVersion {}
