//! npm versions, ordered as node-semver's `compare` does.
//!
//! node-semver accepts an optional leading `=` or `v` and surrounding
//! whitespace, then SemVer 2.0.0; `compare` orders by major, minor, patch,
//! then prerelease (numeric identifiers numerically and below alphanumeric
//! ones, which compare in ASCII order; no prerelease is highest) and ignores
//! build metadata. Parsing is shared with the other SemVer schemes (see
//! `semver2`), which also accepts the wider forms seen in advisory data
//! (`1.2`, huge numbers, `1.2.3beta`).

use crate::semver2::{self, SemVer};
use crate::{Scheme, VersionError};

pub(crate) type NpmVersion = SemVer;

pub(crate) fn parse(version: &str) -> Result<NpmVersion, VersionError> {
    let t = version.trim();
    let t = t.strip_prefix('=').unwrap_or(t).trim_start();
    semver2::parse(Scheme::Npm, t).map_err(|e| match e {
        VersionError::Invalid { scheme, reason, .. } => {
            VersionError::Invalid { scheme, version: version.to_owned(), reason }
        }
        other => other,
    })
}
