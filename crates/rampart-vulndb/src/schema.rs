//! The SQLite schema.
//!
//! ```text
//! meta(key, value)                 schema_version, built_at (RFC 3339), kev_catalog_version, ...
//! sources(name, kind, files, records, withdrawn, duplicates, superseded, failed,
//!         informational, git_ranges, other_ranges, no_package, unreadable_events,
//!         skipped, fallback_overridden)
//! problems(group_id, primary_id, ids JSON [all ids, sorted], kev 0/1)
//! advisories(adv, id UNIQUE, group_id, source, summary, severity JSON [[type, score]],
//!            db_severity, refs JSON [url], published, modified)
//! affected(adv, base, ecosystem, name, ranges JSON, versions JSON, informational, status)
//!          index (name, base): `name` is the normalised name, `base` the ecosystem before ':',
//!          `ecosystem` the normal form of `normalize::split_ecosystem`, `status` a distribution's
//!          fix state when the source states one (`will_not_fix`, `fix_deferred`,
//!          `end_of_life`, `affected`)
//! kev(cve, date_added, ransomware)
//! ```
//!
//! `affected.ranges` is [`crate::matching::StoredRanges`]; `affected.versions`
//! holds only the `versions[]` entries that the ranges do not already cover
//! (same answer, a much smaller file).

/// `PRAGMA user_version` of databases this crate writes and reads.
pub const SCHEMA_VERSION: i64 = 4;

/// `PRAGMA application_id`: "RMPV".
pub const APPLICATION_ID: i64 = 0x524d_5056;

pub const CREATE: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (
    name TEXT PRIMARY KEY, kind TEXT NOT NULL, files INTEGER NOT NULL, records INTEGER NOT NULL,
    withdrawn INTEGER NOT NULL, duplicates INTEGER NOT NULL, superseded INTEGER NOT NULL,
    failed INTEGER NOT NULL, informational INTEGER NOT NULL, git_ranges INTEGER NOT NULL,
    other_ranges INTEGER NOT NULL, no_package INTEGER NOT NULL, unreadable_events INTEGER NOT NULL,
    skipped INTEGER NOT NULL, fallback_overridden INTEGER NOT NULL
);
CREATE TABLE problems (group_id INTEGER PRIMARY KEY, primary_id TEXT NOT NULL, ids TEXT NOT NULL, kev INTEGER NOT NULL);
CREATE TABLE advisories (
    adv INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, group_id INTEGER NOT NULL, source TEXT NOT NULL,
    summary TEXT, severity TEXT, db_severity TEXT, refs TEXT, published TEXT, modified TEXT
);
CREATE TABLE affected (
    adv INTEGER NOT NULL, base TEXT NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL,
    ranges TEXT, versions TEXT, informational TEXT, status TEXT
);
CREATE TABLE kev (cve TEXT PRIMARY KEY, date_added TEXT, ransomware TEXT) WITHOUT ROWID;
";

/// Indexes, created after the rows are in.
/// `package_names` holds each distinct (normalised name, ecosystem base) once, so a matcher can
/// load the set of known packages in a couple of milliseconds (schema 3).
pub const INDEXES: &str = "CREATE INDEX affected_lookup ON affected(name, base);
CREATE TABLE package_names (name TEXT NOT NULL, base TEXT NOT NULL, PRIMARY KEY (name, base)) WITHOUT ROWID;
INSERT INTO package_names SELECT DISTINCT name, base FROM affected;";
