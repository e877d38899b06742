//! Ignore files: Rampart's `.rampartignore.yaml` and Trivy's plain `.trivyignore`.
//!
//! ```yaml
//! # schema: 1
//! vulnerabilities:
//!   - id: CVE-2021-23337                 # the finding's id or any of its aliases
//!     purl: pkg:npm/lodash@4.17.15       # optional; a version-less purl matches every version
//!     paths: ["services/api/**"]         # optional globs on the result target
//!     reason: "not reachable: we never call template()"
//!     expires: 2027-01-31                # optional; applies up to and including this day
//!
//! misconfigurations:
//!   - id: RMP-K8S-0001                   # the check id
//!     paths: ["deploy/dev/**"]           # optional globs on the config file
//!     reason: "dev cluster only"
//!
//! secrets:
//!   - id: generic-password               # the secret rule id
//!     paths: ["test/fixtures/**"]        # optional globs on the file
//!     reason: "throw-away test credentials"
//! ```
//!
//! Plain `.trivyignore` ids apply to vulnerabilities, misconfigurations and secret rules, as in
//! Trivy.
//!
//! The full format, with the Trivy keys accepted for migration, is documented in
//! `crates/rampart-filter/IGNOREFILE.md`.

use std::fmt;
use std::path::Path;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use time::{Date, Month};

use crate::purl::PurlPattern;
use crate::yaml::{self, Node};
use crate::{LoadError, Notice};

/// Which syntax an ignore file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreFormat {
    /// `.rampartignore.yaml` (also reads the keys of Trivy's `.trivyignore.yaml`).
    Yaml,
    /// Trivy's plain `.trivyignore`: one id a line, `#` comments, optional `exp:YYYY-MM-DD`.
    TrivyIgnore,
}

/// When an ignore entry stops applying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    /// The date as written.
    pub date: Date,
    /// `expires:` (Rampart) applies up to and including `date`; Trivy's `exp:` and
    /// `expired_at:` stop applying at the start of `date` (Trivy compares with midnight UTC), so
    /// a migrated file hides exactly what it hid under Trivy.
    pub inclusive: bool,
    key: &'static str,
}

impl Expiry {
    /// True while the entry still applies on `today`.
    pub fn applies_on(&self, today: Date) -> bool {
        if self.inclusive { today <= self.date } else { today < self.date }
    }
}

impl fmt::Display for Expiry {
    /// The expiry as the file wrote it: `expires: 2027-01-31` or `exp:2027-01-31`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.key, format_date(self.date))
    }
}

/// Which findings an ignore entry is about: its section of `.rampartignore.yaml`, or both for a
/// plain `.trivyignore` id (as in Trivy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The `vulnerabilities` section: matched on the id and aliases, package and paths.
    Vulnerability,
    /// The `misconfigurations` section: matched on the check id and the config file.
    Misconfiguration,
    /// The `secrets` section: matched on the rule id and the file.
    Secret,
    /// A `.trivyignore` line: matched on the id of either kind of finding.
    Any,
}

/// One rule of an ignore file.
#[derive(Debug, Clone)]
pub struct IgnoreEntry {
    /// A vulnerability id (matches the finding's id or any of its aliases) or a check id (matches
    /// the misconfiguration's id); ASCII case-insensitive.
    pub id: String,
    /// The findings the entry is about.
    pub kind: EntryKind,
    /// When not empty, only findings of one of these packages match.
    pub purls: Vec<PurlPattern>,
    /// When not empty, only findings whose result target (or package location) matches one of
    /// these globs match. `*` stays within a path segment, `**` crosses segments.
    pub paths: Vec<String>,
    globs: Option<GlobSet>,
    pub reason: Option<String>,
    pub expires: Option<Expiry>,
    /// 1-based line of the entry in its file.
    pub line: u32,
}

impl IgnoreEntry {
    /// True when the entry is still in force on `today` (no expiry, or not reached).
    pub fn applies_on(&self, today: Date) -> bool {
        self.expires.is_none_or(|e| e.applies_on(today))
    }

    /// True when the entry names this finding. `ids` are the finding's id and aliases; `purl`
    /// its package (an entry restricted to packages never matches a finding without one);
    /// `paths` the result target and the package's locations. Expiry is not considered here.
    pub(crate) fn matches(&self, ids: &[&str], purl: Option<&PurlPattern>, paths: &[&str]) -> bool {
        matches!(self.kind, EntryKind::Vulnerability | EntryKind::Any)
            && ids.iter().any(|id| id.eq_ignore_ascii_case(&self.id))
            && (self.purls.is_empty() || purl.is_some_and(|p| self.purls.iter().any(|pat| pat.matches(p))))
            && self
                .globs
                .as_ref()
                .is_none_or(|g| paths.iter().any(|p| g.is_match(p.strip_prefix("./").unwrap_or(p))))
    }

    /// True when the entry names this misconfiguration: its check `id` or one of the peers' ids
    /// of the same check (`KSV-0017`, Trivy's `AVD-KSV-0017`, `CKV_K8S_16`; ASCII
    /// case-insensitive) in the config file `target` (when the entry has `paths`). Expiry is not
    /// considered here.
    pub(crate) fn matches_misconfiguration(&self, id: &str, aliases: &[String], target: &str) -> bool {
        let wanted =
            self.id.strip_prefix("AVD-").or_else(|| self.id.strip_prefix("avd-")).unwrap_or(&self.id);
        matches!(self.kind, EntryKind::Misconfiguration | EntryKind::Any)
            && self.purls.is_empty()
            && (id.eq_ignore_ascii_case(&self.id)
                || aliases.iter().any(|a| a.eq_ignore_ascii_case(&self.id) || a.eq_ignore_ascii_case(wanted)))
            && self.globs.as_ref().is_none_or(|g| g.is_match(target.strip_prefix("./").unwrap_or(target)))
    }
}

impl IgnoreEntry {
    /// True when the entry names this secret: its rule id (ASCII case-insensitive) in the file
    /// `target` (when the entry has `paths`). Expiry is not considered here.
    pub(crate) fn matches_secret(&self, rule_id: &str, target: &str) -> bool {
        matches!(self.kind, EntryKind::Secret | EntryKind::Any)
            && self.purls.is_empty()
            && rule_id.eq_ignore_ascii_case(&self.id)
            && self.globs.as_ref().is_none_or(|g| g.is_match(target.strip_prefix("./").unwrap_or(target)))
    }
}

/// A parsed ignore file.
#[derive(Debug, Clone)]
pub struct IgnoreFile {
    /// The file as the user named it; used in notices and suppressions.
    pub path: String,
    pub format: IgnoreFormat,
    pub entries: Vec<IgnoreEntry>,
    /// Things worth telling that are not errors (sections not applied yet), returned again by
    /// [`crate::apply`].
    pub notices: Vec<Notice>,
}

impl IgnoreFile {
    /// Reads and parses an ignore file; the format follows the name (see [`IgnoreFile::parse`]).
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| LoadError::Read { path: shown.clone(), source })?;
        let text = String::from_utf8(bytes)
            .map_err(|e| LoadError::invalid(&shown, None, format!("not UTF-8 text ({e})")))?;
        Self::parse(&shown, &text)
    }

    /// Parses `text`: YAML when `path` ends with `.yaml` or `.yml`, Trivy's plain
    /// `.trivyignore` format otherwise.
    pub fn parse(path: &str, text: &str) -> Result<Self, LoadError> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Self::parse_yaml(path, text)
        } else {
            Self::parse_trivyignore(path, text)
        }
    }

    /// Parses a `.rampartignore.yaml`.
    pub fn parse_yaml(path: &str, text: &str) -> Result<Self, LoadError> {
        let mut file = IgnoreFile {
            path: path.to_string(),
            format: IgnoreFormat::Yaml,
            entries: Vec::new(),
            notices: Vec::new(),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let doc = yaml::load(text).map_err(|(line, message)| LoadError::invalid(path, line, message))?;
        let Some(doc) = doc.filter(|d| !yaml::is_null(d)) else {
            return Ok(file);
        };
        let top = yaml::mapping(&doc).ok_or_else(|| {
            LoadError::invalid(
                path,
                Some(yaml::line(&doc)),
                "expected a mapping with a `vulnerabilities` list",
            )
        })?;
        for (key, key_line, value) in top {
            match key {
                Some(section @ ("vulnerabilities" | "misconfigurations" | "secrets")) => {
                    if yaml::is_null(value) {
                        continue;
                    }
                    let items = yaml::sequence(value).ok_or_else(|| {
                        LoadError::invalid(
                            path,
                            Some(yaml::line(value)),
                            format!("`{section}` must be a list of entries"),
                        )
                    })?;
                    let kind = match section {
                        "vulnerabilities" => EntryKind::Vulnerability,
                        "misconfigurations" => EntryKind::Misconfiguration,
                        _ => EntryKind::Secret,
                    };
                    for item in items {
                        file.entries.push(parse_entry(path, item, kind)?);
                    }
                }
                Some("schema") => {
                    if yaml::scalar(value) != Some("1") {
                        return Err(LoadError::invalid(
                            path,
                            Some(yaml::line(value)),
                            "unsupported `schema` (this version reads schema 1)",
                        ));
                    }
                }
                Some(section @ "licenses") => file.notices.push(Notice {
                    path: path.to_string(),
                    line: Some(key_line),
                    message: format!(
                        "`{section}` entries are not applied yet: only `vulnerabilities`, `misconfigurations` and `secrets` are"
                    ),
                }),
                Some(other) => {
                    return Err(LoadError::invalid(
                        path,
                        Some(key_line),
                        format!(
                            "unknown key `{other}` (expected `vulnerabilities`, `misconfigurations` or `secrets`)"
                        ),
                    ));
                }
                None => return Err(LoadError::invalid(path, Some(key_line), "keys must be plain text")),
            }
        }
        Ok(file)
    }

    /// Parses Trivy's plain `.trivyignore`: one id a line; blank lines and lines starting with
    /// `#` are skipped; a field `exp:YYYY-MM-DD` anywhere on the line sets the expiry (as in
    /// Trivy, the entry stops applying on that day); text after a `#` is kept as the reason.
    pub fn parse_trivyignore(path: &str, text: &str) -> Result<Self, LoadError> {
        let mut file = IgnoreFile {
            path: path.to_string(),
            format: IgnoreFormat::TrivyIgnore,
            entries: Vec::new(),
            notices: Vec::new(),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, raw) in text.lines().enumerate() {
            let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let mut fields = trimmed.split_whitespace();
            let id = fields.next().unwrap_or_default().to_string();
            let mut expires = None;
            for field in fields {
                if let Some(date) = field.strip_prefix("exp:")
                    && expires.is_none()
                {
                    let date = parse_date(date).ok_or_else(|| {
                        LoadError::invalid(
                            path,
                            Some(line),
                            format!("invalid expiry {field:?} (expected exp:YYYY-MM-DD)"),
                        )
                    })?;
                    expires = Some(Expiry { date, inclusive: false, key: "exp:" });
                }
            }
            let reason =
                trimmed.split_once('#').map(|(_, r)| r.trim()).filter(|r| !r.is_empty()).map(str::to_string);
            file.entries.push(IgnoreEntry {
                id,
                kind: EntryKind::Any,
                purls: Vec::new(),
                paths: Vec::new(),
                globs: None,
                reason,
                expires,
                line,
            });
        }
        Ok(file)
    }
}

const ENTRY_KEYS: &str = "id, purl, paths, reason, expires";
const MISCONFIG_ENTRY_KEYS: &str = "id, paths, reason, expires";

fn parse_entry(path: &str, item: &Node<'_>, kind: EntryKind) -> Result<IgnoreEntry, LoadError> {
    let line = yaml::line(item);
    let err = |line: u32, message: String| LoadError::invalid(path, Some(line), message);
    let (keys, what) = match kind {
        EntryKind::Misconfiguration => (MISCONFIG_ENTRY_KEYS, "a check id"),
        EntryKind::Secret => (MISCONFIG_ENTRY_KEYS, "a secret rule id"),
        _ => (ENTRY_KEYS, "a vulnerability id"),
    };
    let fields = yaml::mapping(item)
        .ok_or_else(|| err(line, format!("an ignore entry must be a mapping with an `id` (keys: {keys})")))?;
    let mut entry = IgnoreEntry {
        id: String::new(),
        kind,
        purls: Vec::new(),
        paths: Vec::new(),
        globs: None,
        reason: None,
        expires: None,
        line,
    };
    for (key, key_line, value) in fields {
        let key = key.ok_or_else(|| err(key_line, "keys must be plain text".into()))?;
        match key {
            "id" => entry.id = text(value).ok_or_else(|| err(key_line, format!("`id` must be {what}")))?,
            "purl" | "purls" if matches!(kind, EntryKind::Misconfiguration | EntryKind::Secret) => {
                let what = if kind == EntryKind::Secret { "secrets" } else { "misconfigurations" };
                return Err(err(
                    key_line,
                    format!("`{key}` does not apply to {what} (expected {MISCONFIG_ENTRY_KEYS})"),
                ));
            }
            "purl" | "purls" => {
                for (purl, purl_line) in texts(value).ok_or_else(|| {
                    err(key_line, format!("`{key}` must be a package URL or a list of them"))
                })? {
                    entry.purls.push(PurlPattern::parse(&purl).map_err(|m| err(purl_line, m))?);
                }
            }
            "paths" | "path" => {
                for (glob, glob_line) in texts(value)
                    .ok_or_else(|| err(key_line, format!("`{key}` must be a glob or a list of globs")))?
                {
                    let glob = glob.strip_prefix("./").unwrap_or(&glob).to_string();
                    GlobBuilder::new(&glob)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| err(glob_line, format!("invalid glob {glob:?}: {}", e.kind())))?;
                    entry.paths.push(glob);
                }
            }
            "reason" | "statement" => entry.reason = text(value),
            "expires" | "expired_at" => {
                let written = text(value).unwrap_or_default();
                let date = parse_date(&written).ok_or_else(|| {
                    err(
                        yaml::line(value),
                        format!("invalid date {written:?} for `{key}` (expected YYYY-MM-DD)"),
                    )
                })?;
                entry.expires = Some(if key == "expires" {
                    Expiry { date, inclusive: true, key: "expires: " }
                } else {
                    Expiry { date, inclusive: false, key: "expired_at: " }
                });
            }
            other => {
                return Err(err(
                    key_line,
                    format!("unknown key `{other}` in ignore entry (expected {keys})"),
                ));
            }
        }
    }
    if entry.id.is_empty() {
        return Err(err(line, "ignore entry without `id`".into()));
    }
    if !entry.paths.is_empty() {
        let mut set = GlobSetBuilder::new();
        for glob in &entry.paths {
            // Every glob was checked above.
            if let Ok(g) = GlobBuilder::new(glob).literal_separator(true).build() {
                set.add(g);
            }
        }
        entry.globs = Some(set.build().map_err(|e| err(line, format!("invalid globs: {e}")))?);
    }
    Ok(entry)
}

/// A non-null scalar, trimmed and non-empty.
fn text(node: &Node<'_>) -> Option<String> {
    if yaml::is_null(node) {
        return None;
    }
    yaml::scalar(node).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// One text or a list of texts, each with its line.
fn texts(node: &Node<'_>) -> Option<Vec<(String, u32)>> {
    match yaml::sequence(node) {
        Some(items) => items.iter().map(|i| text(i).map(|t| (t, yaml::line(i)))).collect(),
        None => text(node).map(|t| vec![(t, yaml::line(node))]),
    }
}

/// Parses `YYYY-MM-DD` (a real calendar day) and nothing else.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

pub(crate) fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}
