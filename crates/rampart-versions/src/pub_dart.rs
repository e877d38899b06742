//! Dart pub versions (`pub_semver`'s `Version.compareTo`).
//!
//! SemVer 2.0.0 precedence, except that build metadata also orders: with
//! equal precedence, no build is lower than a build, and builds compare as
//! identifier lists (numeric below alphanumeric, missing below present), so
//! `1.0.0 < 1.0.0+build` and `1.2.3+9 < 1.2.3+a`.

use std::cmp::Ordering;

use crate::semver2::{self, SemVer};
use crate::{Scheme, VersionError};

#[derive(Debug, Clone)]
pub(crate) struct PubVersion(SemVer);

pub(crate) fn parse(version: &str) -> Result<PubVersion, VersionError> {
    semver2::parse(Scheme::Pub, version).map(PubVersion)
}

impl Ord for PubVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp_precedence(&other.0).then_with(|| {
            match (self.0.build.is_empty(), other.0.build.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => self.0.build.cmp(&other.0.build),
            }
        })
    }
}

impl PartialOrd for PubVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PubVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PubVersion {}
