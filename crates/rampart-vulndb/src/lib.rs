//! Rampart's advisory database.
//!
//! [`build`] reads OSV advisories (folders or `.zip` files laid out like
//! osv.dev's `all.zip`, JSON or YAML, walked regardless of directory layout)
//! and the CISA KEV catalogue, and writes them into one SQLite file. Native
//! formats (Node.js security WG npm JSON, FriendsOfPHP YAML, RustSec
//! Markdown, Alpine secdb YAML, the Debian security tracker's DSA/DLA lists)
//! are detected by content and converted to OSV on import: see [`native`].
//! [`VulnDb::matches`] answers "which problems affect `name@version` in this
//! ecosystem?" with the exact version ordering of
//! [`rampart_versions`].
//!
//! # What a match is
//!
//! * Records that share an id through `id`, `aliases` or `upstream` are one
//!   *problem* (union-find at build time); a query returns one [`Match`] per
//!   problem, whose `id` is the problem's CVE (the lowest if several) or else
//!   its lowest advisory id, and whose `aliases` are all the other ids.
//!   `upstream` links are followed only when a record names exactly one
//!   upstream id: a record bundling several upstream CVEs (a distribution
//!   notice) would otherwise fuse unrelated problems; its upstream ids are
//!   still listed in its problem's ids and counted for KEV.
//! * Ranges are evaluated as the OSV specification says (see [`matching`]);
//!   `GIT` ranges are not stored (counted in [`SourceStats::git_ranges`]).
//!   `versions[]` lists match by exact string. An installed version the
//!   ecosystem's scheme cannot read matches through `versions[]` only.
//! * RustSec's informational notices (`affected[].database_specific.informational`:
//!   `unmaintained`, `unsound`, `notice`) are not vulnerabilities: [`VulnDb::matches`]
//!   leaves them out; [`VulnDb::matches_with`] can include them.
//! * Withdrawn records are not stored (counted); a withdrawal wins over a
//!   non-withdrawn copy of the same id.
//! * Distribution packages: a query names the release (`Debian:12`,
//!   `Alpine:v3.19`, `Ubuntu:22.04`, `AlmaLinux:9`) and matches that
//!   release's advisories only, releases compared in a normal form
//!   ([`normalize::split_ecosystem`]: `Ubuntu:22.04:LTS` = `Ubuntu:22.04`);
//!   versions in dpkg, apk or rpm order. The CVEs a distribution notice
//!   fixes (`related` in AlmaLinux, `upstream` in Alpaquita and the native
//!   Debian/Alpine importers) are in the match's ids. A stated fix state
//!   (Debian `<no-dsa>`, `<end-of-life>`, ...) is [`Match::status`].
//!
//! # Importer pitfalls handled
//!
//! * The same id in several files (AlmaLinux's per-release folders): identical
//!   copies are counted as duplicates; differing ones are merged (affected
//!   entries, aliases, references united; the rest from the newest copy).
//! * Stale duplicates under a placeholder id (RustSec's `RUSTSEC-2025-0000`,
//!   the pre-assignment id of `RUSTSEC-2025-0065`): a record whose id ends in
//!   a number made of zeros and whose details, affected entries and aliases
//!   equal those of another record of the same source is left out; the pair
//!   is listed in [`BuildStats::superseded`]. Other records with equal
//!   content under distinct ids (AlmaLinux re-issues such as
//!   `ALSA-2025:19345`/`ALSA-2025:20955`) are distinct advisories and kept.
//! * Go's `0001-01-01T00:00:00Z` dates are stored as absent; a `modified`
//!   date after the build time is kept but counted and never preferred.
//! * Alpaquita's CVE ids in `upstream`; PSF records without an ecosystem.
//!
//! The library never prints; progress goes to the callback given to [`build`].

#![forbid(unsafe_code)]

mod build;
pub mod matching;
pub mod native;
pub mod normalize;
pub mod osv;
mod query;
mod schema;

use std::path::PathBuf;

pub use build::{BuildOptions, BuildStats, Progress, RecordError, SourceStats, build};
pub use query::{Match, Metadata, QueryOptions, VulnDb};
pub use schema::SCHEMA_VERSION;

/// Everything that can go wrong building or reading the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a readable zip archive: {source}")]
    Zip {
        path: PathBuf,
        #[source]
        source: zip::result::ZipError,
    },
    #[error("{path}: SQLite error while {doing}: {source}")]
    Sqlite {
        path: PathBuf,
        doing: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: not a Rampart advisory database (application_id {found:#x})")]
    NotADatabase { path: PathBuf, found: i64 },
    #[error(
        "{path}: advisory database schema version {found}, this Rampart reads version {expected}: rebuild the database"
    )]
    SchemaVersion { path: PathBuf, found: i64, expected: i64 },
    #[error("{path}: CISA KEV catalogue unreadable: {reason}")]
    Kev { path: PathBuf, reason: String },
    #[error("{path}: corrupt row for {record}: {reason}")]
    Corrupt { path: PathBuf, record: String, reason: String },
    #[error("no input given to build the advisory database from")]
    NoInput,
}
