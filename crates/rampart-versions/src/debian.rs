//! Debian (and Ubuntu) versions: dpkg's `[epoch:]upstream[-revision]`,
//! through the `debversion` crate.
//!
//! dpkg compares the epoch numerically (missing = 0), then the upstream
//! version, then the revision (missing = `0`-equivalent empty), each with
//! `verrevcmp`: alternating non-digit and digit runs; non-digit runs compare
//! character by character where `~` sorts before everything (even the end
//! of the string), then the end, then letters, then other characters; digit
//! runs compare numerically. So `1.0~rc1 < 1.0 < 1.0+b1` and
//! `1.2.3-1~deb12u1 < 1.2.3-1`.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::{Scheme, VersionError};

#[derive(Debug, Clone)]
pub(crate) struct DebVersion(debversion::Version);

pub(crate) fn parse(version: &str) -> Result<DebVersion, VersionError> {
    let t = version.trim();
    if t.is_empty() {
        return Err(VersionError::invalid(Scheme::Debian, version, "empty version"));
    }
    debversion::Version::from_str(t)
        .map(DebVersion)
        .map_err(|e| VersionError::invalid(Scheme::Debian, version, e.to_string()))
}

impl Ord for DebVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for DebVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for DebVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DebVersion {}
