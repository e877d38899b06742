//! Serde types for the OSV schema (<https://ossf.github.io/osv-schema/>), read
//! from JSON or YAML.
//!
//! The types are tolerant: unknown fields are ignored, every field but `id` is
//! optional, `null` is accepted wherever a list or an object may be, and
//! free-form parts (`ecosystem_specific`, `database_specific`) are kept as
//! [`serde_json::Value`]. A record that still cannot be read gives a
//! [`ParseError`] with the reason; nothing here panics on any input.

use serde::Deserialize;
use serde_json::Value;

/// One OSV record.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvRecord {
    pub id: String,
    pub schema_version: Option<String>,
    pub modified: Option<String>,
    pub published: Option<String>,
    pub withdrawn: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub related: Option<Vec<String>>,
    pub upstream: Option<Vec<String>>,
    pub summary: Option<String>,
    pub details: Option<String>,
    pub severity: Option<Vec<OsvSeverity>>,
    pub affected: Option<Vec<OsvAffected>>,
    pub references: Option<Vec<OsvReference>>,
    pub database_specific: Option<Value>,
}

/// `severity[]`: a scoring system and its vector or score.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvSeverity {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub score: Option<String>,
}

/// `affected[]`: one package and the versions of it that are affected.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvAffected {
    pub package: Option<OsvPackage>,
    pub severity: Option<Vec<OsvSeverity>>,
    pub ranges: Option<Vec<OsvRange>>,
    pub versions: Option<Vec<String>>,
    pub ecosystem_specific: Option<Value>,
    pub database_specific: Option<Value>,
}

/// `affected[].package`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvPackage {
    pub ecosystem: Option<String>,
    pub name: Option<String>,
    pub purl: Option<String>,
}

/// `affected[].ranges[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvRange {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub repo: Option<String>,
    pub events: Option<Vec<OsvEvent>>,
    pub database_specific: Option<Value>,
}

/// `affected[].ranges[].events[]`: exactly one of the fields is set in a valid record.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvEvent {
    pub introduced: Option<String>,
    pub fixed: Option<String>,
    pub last_affected: Option<String>,
    pub limit: Option<String>,
}

/// `references[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvReference {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub url: Option<String>,
}

/// The syntax a record is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// The format of a file, from its name (`.json`, `.yaml`, `.yml`), if it is one.
    pub fn from_path(path: &str) -> Option<Format> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(Format::Json)
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(Format::Yaml)
        } else {
            None
        }
    }
}

/// Why a record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl OsvRecord {
    /// Reads one record. Never panics; an unreadable record or one without an
    /// `id` is an error naming the reason.
    pub fn parse(bytes: &[u8], format: Format) -> Result<OsvRecord, ParseError> {
        let record: OsvRecord = match format {
            Format::Json => serde_json::from_slice(bytes).map_err(|e| ParseError(format!("JSON: {e}")))?,
            Format::Yaml => {
                let text = std::str::from_utf8(bytes).map_err(|e| ParseError(format!("not UTF-8: {e}")))?;
                serde_saphyr::from_str(text).map_err(|e| ParseError(format!("YAML: {}", one_line(&e))))?
            }
        };
        if record.id.trim().is_empty() {
            return Err(ParseError("not an OSV record: no `id`".into()));
        }
        Ok(record)
    }

    /// `database_specific.severity` when it is a string (GHSA, PyPA: `"MODERATE"`, ...).
    pub fn database_severity(&self) -> Option<String> {
        match self.database_specific.as_ref()?.get("severity")? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        }
    }
}

impl OsvAffected {
    /// RustSec's `database_specific.informational` (`"unmaintained"`, `"unsound"`, ...):
    /// the entry is a notice, not a vulnerability.
    pub fn informational(&self) -> Option<String> {
        match self.database_specific.as_ref()?.get("informational")? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        }
    }
}

impl OsvAffected {
    /// A distribution's fix state carried by a native importer in
    /// `database_specific` under [`crate::native::STATUS_KEY`]: one of
    /// `will_not_fix`, `fix_deferred`, `end_of_life`, `affected` (other values
    /// are ignored).
    pub fn fix_state(&self) -> Option<String> {
        match self.database_specific.as_ref()?.get(crate::native::STATUS_KEY)? {
            Value::String(s)
                if matches!(s.as_str(), "will_not_fix" | "fix_deferred" | "end_of_life" | "affected") =>
            {
                Some(s.clone())
            }
            _ => None,
        }
    }
}

fn one_line(e: &dyn std::fmt::Display) -> String {
    let s = e.to_string();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 300 { s.chars().take(300).collect::<String>() + "…" } else { s }
}
