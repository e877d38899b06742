//! Native (non-OSV) advisory formats, converted into OSV records on import.
//!
//! | format | detected by | ecosystem | id |
//! |---|---|---|---|
//! | Node.js security WG / NSP (`vuln/npm/*.json`) | a JSON object with `module_name` and `vulnerable_versions` | `npm` | `NSWG-ECO-<id>`, aliases: `cves` |
//! | FriendsOfPHP (`<vendor>/<package>/*.yaml`) | a YAML with `branches` and `reference: composer://…` | `Packagist` | the CVE, else `FOP-<vendor>/<package>/<stem>` |
//! | RustSec (`crates/<crate>/RUSTSEC-*.md`) | a `.md` opening with a ```` ```toml ```` block with `[advisory]` | `crates.io` | `[advisory] id`, aliases: `aliases` |
//! | Alpine secdb (`v3.11/main.yaml`) | a YAML with `distroversion:` and `packages:` | `Alpine:v3.11` | `ALPINE-<CVE>` per id, upstream: the id ([`alpine_secdb`]) |
//! | Debian security tracker (`data/DSA/list`, `data/DLA/list`) | a file named `list` opening with `[dd Mon yyyy] DSA-`/`DLA-` | `Debian:<release number>` | `DSA-…`/`DLA-…`, upstream: its CVEs ([`debian_tracker`]) |
//!
//! Skipped (counted in [`crate::SourceStats::skipped`], listed in
//! [`crate::BuildStats::skipped`]): Node.js runtime advisories
//! (`vuln/core/*.json`, no package registry), the NSWG `index.json` (a copy
//! of every record), RustSec's Rust toolchain advisories (`rust/<component>/`),
//! and TOML-fronted Markdown that is not RustSec (HSEC).
//!
//! Version ranges: see [`semver_ranges`] (npm ranges, Cargo requirements)
//! and [`composer`] (Packagist constraints). A range that cannot be read
//! makes the record an error (path and reason); nothing is guessed.
//!
//! RustSec records are a *fallback*: when the same id is also imported from
//! an OSV source (RustSec's own OSV export), the OSV copy's affected
//! entries and fields win and the native copy only adds aliases and
//! references (and fields the OSV copy lacks).

pub mod alpine_secdb;
pub mod composer;
pub mod debian_tracker;
pub mod intervals;
mod nswg;
mod rustsec;
pub mod semver_ranges;

pub use alpine_secdb::alpine_secdb_to_osv;
pub use composer::friendsofphp_to_osv;
pub use debian_tracker::{STATUS_KEY, debian_tracker_to_osv};
pub use nswg::nswg_to_osv;
pub use rustsec::rustsec_to_osv;

use crate::osv::{Format, OsvRecord, OsvSeverity, ParseError};

/// A native record converted into OSV, or why the file was skipped.
#[derive(Debug, Clone)]
pub enum Converted {
    /// The record; `fallback`: an OSV copy of the same id wins over it.
    Record { record: Box<OsvRecord>, fallback: bool },
    /// Not an advisory about a registry package (counted, not an error).
    Skipped(&'static str),
    /// A file holding many advisories (Alpine secdb, Debian tracker lists),
    /// and the parts of it that could not be read (`where: reason`).
    Records { records: Vec<OsvRecord>, errors: Vec<String> },
}

/// What a file holds, judged by its name and content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An OSV record (JSON or YAML).
    Osv(Format),
    /// Node.js security WG (NSP) JSON.
    Nswg,
    /// Node.js runtime advisory (`vuln/core/`): skipped.
    NodeCore,
    /// FriendsOfPHP YAML.
    FriendsOfPhp,
    /// Markdown with TOML front matter (RustSec; HSEC is skipped).
    TomlMarkdown,
    /// Alpine secdb YAML.
    AlpineSecdb,
    /// Debian security tracker `DSA/list` or `DLA/list`.
    DebianTracker,
    /// Not an advisory file (other Markdown, other extensions).
    Ignored,
}

impl Kind {
    /// The kind of a file from its path (inside a folder or a zip) and bytes.
    pub fn detect(path: &str, bytes: &[u8]) -> Kind {
        let lower = path.to_ascii_lowercase();
        if is_tracker_list_name(&lower) {
            return if looks_like_tracker_list(bytes) { Kind::DebianTracker } else { Kind::Ignored };
        }
        if lower.ends_with(".md") {
            let head = &bytes[..bytes.len().min(64 * 1024)];
            let text = String::from_utf8_lossy(head);
            let t = text.trim_start_matches('\u{feff}').trim_start();
            return if t.starts_with("```toml") && text.contains("[advisory]") {
                Kind::TomlMarkdown
            } else {
                Kind::Ignored
            };
        }
        let Some(fmt) = Format::from_path(&lower) else { return Kind::Ignored };
        match fmt {
            Format::Json => {
                if memfind(bytes, b"\"module_name\"") && memfind(bytes, b"\"vulnerable_versions\"") {
                    Kind::Nswg
                } else if (lower.contains("/vuln/core/") || lower.starts_with("vuln/core/"))
                    && memfind(bytes, b"\"vulnerable\"")
                {
                    Kind::NodeCore
                } else {
                    Kind::Osv(fmt)
                }
            }
            Format::Yaml => {
                if memfind(bytes, b"composer://") && memfind(bytes, b"branches") {
                    Kind::FriendsOfPhp
                } else if memfind(&bytes[..bytes.len().min(4096)], b"distroversion:")
                    && memfind(bytes, b"packages:")
                {
                    Kind::AlpineSecdb
                } else {
                    Kind::Osv(fmt)
                }
            }
        }
    }

    /// The name recorded as the source's kind.
    pub fn source_kind(self) -> &'static str {
        match self {
            Kind::Osv(_) | Kind::Ignored => "osv",
            Kind::Nswg | Kind::NodeCore => "nodejs-security-wg",
            Kind::FriendsOfPhp => "friendsofphp",
            Kind::TomlMarkdown => "rustsec",
            Kind::AlpineSecdb => "alpine-secdb",
            Kind::DebianTracker => "debian-security-tracker",
        }
    }
}

/// Converts a native file of `kind` (not [`Kind::Osv`] nor [`Kind::Ignored`]).
pub fn convert(kind: Kind, path: &str, bytes: &[u8]) -> Result<Converted, ParseError> {
    match kind {
        Kind::Nswg => nswg_to_osv(bytes),
        Kind::NodeCore => Ok(Converted::Skipped("Node.js runtime advisory (vuln/core), not an npm package")),
        Kind::FriendsOfPhp => friendsofphp_to_osv(path, bytes),
        Kind::TomlMarkdown => rustsec_to_osv(path, bytes),
        Kind::AlpineSecdb => alpine_secdb_to_osv(bytes),
        Kind::DebianTracker => debian_tracker_to_osv(bytes),
        Kind::Osv(_) | Kind::Ignored => Err(ParseError("not a native advisory format".into())),
    }
}

/// A path whose last component is `list` (the Debian tracker's `data/DSA/list`,
/// `data/DLA/list`); `lower` is lower case.
pub fn is_tracker_list_name(lower: &str) -> bool {
    lower == "list" || lower.ends_with("/list") || lower.ends_with("\\list")
}

/// A Debian tracker advisory list: the first line is `[dd Mon yyyy] DSA-…` or `DLA-…`.
fn looks_like_tracker_list(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256)];
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    first.starts_with(b"[") && (memfind(first, b"] DSA-") || memfind(first, b"] DLA-"))
}

fn memfind(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// `severity[]` entry for a CVSS vector (`CVSS:3.1/...` → `CVSS_V3`, `CVSS:4.0/...` →
/// `CVSS_V4`, a bare v2 vector → `CVSS_V2`).
pub(crate) fn cvss_severity(vector: &str) -> Option<OsvSeverity> {
    let v = vector.trim();
    if v.is_empty() {
        return None;
    }
    let kind = if v.starts_with("CVSS:3") {
        "CVSS_V3"
    } else if v.starts_with("CVSS:4") {
        "CVSS_V4"
    } else if v.starts_with("AV:") {
        "CVSS_V2"
    } else {
        return None;
    };
    Some(OsvSeverity { kind: Some(kind.into()), score: Some(v.into()) })
}

/// `2015-10-17` → `2015-10-17T00:00:00Z`; other forms as written.
pub(crate) fn date_to_rfc3339(d: &str) -> Option<String> {
    let d = d.trim();
    if d.is_empty() {
        return None;
    }
    let b = d.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' && d.bytes().filter(u8::is_ascii_digit).count() == 8 {
        Some(format!("{d}T00:00:00Z"))
    } else {
        Some(d.to_owned())
    }
}

/// Cuts long messages (parse errors quote input).
pub(crate) fn one_line(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 300 { s.chars().take(300).collect::<String>() + "…" } else { s }
}
