//! Hackage (Haskell PVP) versions: `N(.N)*`, compared as lists of integers,
//! so a prefix is lower (`1.0 < 1.0.0`) and `0.1.26.0 > 0`.

use std::cmp::Ordering;

use crate::num::Num;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HackageVersion(Vec<Num>);

pub(crate) fn parse(version: &str) -> Result<HackageVersion, VersionError> {
    numbers(Scheme::Hackage, version, &['.']).map(HackageVersion)
}

/// Splits `version` at `seps` into non-empty digit runs.
pub(crate) fn numbers(scheme: Scheme, version: &str, seps: &[char]) -> Result<Vec<Num>, VersionError> {
    version
        .trim()
        .split(seps)
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Num::new(p))
            } else {
                Err(VersionError::invalid(scheme, version, "parts must be non-empty numbers"))
            }
        })
        .collect()
}

impl Ord for HackageVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for HackageVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
