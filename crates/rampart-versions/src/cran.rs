//! CRAN (R `package_version`) versions: integers separated by `.` or `-`,
//! compared as lists, so `0.1-0 = 0.01.0` and `0.1.0 < 0.1.0.0`.

use std::cmp::Ordering;

use crate::num::Num;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CranVersion(Vec<Num>);

pub(crate) fn parse(version: &str) -> Result<CranVersion, VersionError> {
    crate::hackage::numbers(Scheme::Cran, version, &['.', '-']).map(CranVersion)
}

impl Ord for CranVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for CranVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
