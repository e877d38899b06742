//! PyPI versions: PEP 440, through the `pep440_rs` crate.
//!
//! PEP 440 orders by epoch, release (zero-padded), then dev-only releases
//! below pre-releases (`a` < `b` < `rc`, with the spellings `alpha`, `beta`,
//! `c`, `pre`, `preview` normalised), then the release itself, then
//! post-releases; `.devN` sorts before the version it is attached to; a
//! local label (`+ubuntu1`) sorts after the same public version. Case and
//! separators are normalised (`1.2b3.DEV4` = `1.2b3.dev4`).
//!
//! Strings that are not PEP 440 (pre-2014 "legacy" versions) are rejected:
//! PyPI no longer accepts them, and guessing an order for them would be
//! silently wrong.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::{Scheme, VersionError};

#[derive(Debug, Clone)]
pub(crate) struct PypiVersion(pep440_rs::Version);

pub(crate) fn parse(version: &str) -> Result<PypiVersion, VersionError> {
    pep440_rs::Version::from_str(version.trim())
        .map(PypiVersion)
        .map_err(|e| VersionError::invalid(Scheme::PyPI, version, e.to_string()))
}

impl Ord for PypiVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
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
