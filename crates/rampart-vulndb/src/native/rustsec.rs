//! RustSec advisories in their native form (`crates/<crate>/RUSTSEC-*.md`:
//! a ```` ```toml ```` front matter block, then Markdown), as cargo-audit reads them.
//!
//! `[versions] patched` and `unaffected` are lists of Cargo requirements; a
//! version is vulnerable unless it matches one of them (cargo-audit's rule),
//! turned into `introduced`/`fixed`/`last_affected` events by
//! [`super::semver_ranges::cargo_vulnerable`]. `informational` becomes
//! `affected[].database_specific.informational`, `withdrawn` withdraws.
//! The records are imported as a fallback (see [`super`]).

use serde::Deserialize;
use serde_json::json;

use super::semver_ranges::cargo_vulnerable;
use super::{Converted, cvss_severity, date_to_rfc3339, intervals, one_line};
use crate::osv::{OsvAffected, OsvPackage, OsvRecord, OsvReference, ParseError};

#[derive(Debug, Deserialize)]
struct Front {
    advisory: Advisory,
    #[serde(default)]
    versions: Option<Versions>,
}

#[derive(Debug, Deserialize)]
struct Advisory {
    id: String,
    package: Option<String>,
    date: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    cvss: Option<String>,
    informational: Option<String>,
    withdrawn: Option<String>,
    url: Option<String>,
    #[serde(default)]
    references: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Versions {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

/// Splits ```` ```toml … ``` ```` front matter from the Markdown after it.
fn split_front(text: &str) -> Result<(&str, &str), ParseError> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let rest =
        t.strip_prefix("```toml").ok_or_else(|| ParseError("RustSec: no ```toml front matter".into()))?;
    let end = rest.find("\n```").ok_or_else(|| ParseError("RustSec: unterminated ```toml block".into()))?;
    let body = &rest[end + 4..];
    let body = body.split_once('\n').map_or("", |(_, b)| b);
    Ok((&rest[..end], body))
}

/// Converts one RustSec Markdown advisory. Rust toolchain advisories
/// (`rust/<component>/…`) and TOML-fronted files of other databases (no
/// `[advisory] package`, e.g. HSEC) are [`Converted::Skipped`].
pub fn rustsec_to_osv(path: &str, bytes: &[u8]) -> Result<Converted, ParseError> {
    let p = path.replace('\\', "/");
    let parts: Vec<&str> = p.split(['/', '!']).filter(|s| !s.is_empty()).collect();
    if parts.len() >= 3 && parts[parts.len() - 3] == "rust" {
        return Ok(Converted::Skipped("RustSec Rust toolchain advisory (rust/), not a crate"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError(format!("not UTF-8: {e}")))?;
    let (front, body) = split_front(text)?;
    let value: toml::Table =
        toml::from_str(front).map_err(|e| ParseError(format!("TOML: {}", one_line(&e.to_string()))))?;
    let has_package = value.get("advisory").and_then(|a| a.get("package")).is_some();
    if !has_package {
        return Ok(Converted::Skipped("TOML-fronted advisory without [advisory] package (not RustSec)"));
    }
    let f: Front = value
        .try_into()
        .map_err(|e: toml::de::Error| ParseError(format!("RustSec: {}", one_line(&e.to_string()))))?;
    let a = f.advisory;
    let id = a.id.trim().to_owned();
    if id.is_empty() {
        return Err(ParseError("RustSec: empty `id`".into()));
    }
    let package = a.package.unwrap_or_default().trim().to_owned();
    if package.is_empty() {
        return Err(ParseError("RustSec: empty `package`".into()));
    }
    let v = f.versions.unwrap_or_default();
    let trim = |l: Vec<String>| l.into_iter().map(|s| s.trim().to_owned()).collect::<Vec<_>>();
    let vulnerable = cargo_vulnerable(&trim(v.patched), &trim(v.unaffected))
        .map_err(|e| ParseError(format!("RustSec: {}", one_line(&e))))?;
    let (summary, details) = {
        let mut lines = body.lines().skip_while(|l| l.trim().is_empty());
        match lines.clone().next().map(str::trim) {
            Some(l) if l.starts_with("# ") => {
                lines.next();
                let rest: Vec<&str> = lines.collect();
                (
                    Some(l[2..].trim().to_owned()),
                    Some(rest.join("\n").trim().to_owned()).filter(|d| !d.is_empty()),
                )
            }
            _ => (None, Some(body.trim().to_owned()).filter(|d| !d.is_empty())),
        }
    };
    let informational = a.informational.map(|i| i.trim().to_owned()).filter(|i| !i.is_empty());
    let mut refs: Vec<String> = a.url.into_iter().chain(a.references).map(|u| u.trim().to_owned()).collect();
    refs.dedup();
    let record = OsvRecord {
        id,
        aliases: Some(a.aliases),
        related: Some(a.related),
        summary,
        details,
        withdrawn: a.withdrawn.filter(|w| !w.trim().is_empty()),
        published: a.date.as_deref().and_then(date_to_rfc3339),
        severity: a.cvss.as_deref().and_then(cvss_severity).map(|s| vec![s]),
        references: Some(
            refs.into_iter().map(|u| OsvReference { kind: Some("WEB".into()), url: Some(u) }).collect(),
        ),
        affected: Some(vec![OsvAffected {
            package: Some(OsvPackage {
                ecosystem: Some("crates.io".into()),
                name: Some(package),
                purl: None,
            }),
            ranges: Some(intervals::to_osv_range(&vulnerable).into_iter().collect()),
            database_specific: informational.map(|i| json!({ "informational": i })),
            ..Default::default()
        }]),
        ..Default::default()
    };
    Ok(Converted::Record { record: Box::new(record), fallback: true })
}
