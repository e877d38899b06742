//! The Debian security tracker's advisory lists, `data/DSA/list` (Debian
//! Security Advisories) and `data/DLA/list` (Debian LTS Advisories); the
//! lines under a header are indented with a tab:
//!
//! ```text
//! [29 Mar 2023] DSA-5380-1 xorg-server - security update
//!     {CVE-2023-1393}
//!     [bullseye] - xorg-server 2:1.20.11-1+deb11u6
//!     [buster] - xorg-server <not-affected> (Vulnerable code introduced later)
//!     NOTE: ...
//! ```
//!
//! * One OSV record per advisory header: id `DSA-5380-1` / `DLA-3022-1` (old
//!   ones have no suffix: `DSA-1260`), `published` the bracketed date,
//!   `summary` the rest of the header line, `upstream` the CVE ids of the
//!   `{…}` lines (not `aliases`: an advisory fixing several CVEs must not fuse
//!   them into one problem; a single upstream CVE does join its problem).
//! * `[release] - source-package version`: ecosystem `Debian:<number>`
//!   (release names → numbers: woody 3.0, sarge 3.1, etch 4.0, lenny 5.0,
//!   squeeze 6.0, wheezy 7, jessie 8, stretch 9, buster 10, bullseye 11,
//!   bookworm 12, trixie 13, forky 14), the *source* package name, range
//!   `introduced: 0`, `fixed: version`.
//! * `[release] - package <state>`: `<not-affected>` gives no entry; the
//!   others give an entry without a fix (`introduced: 0`), with the state in
//!   `affected[].database_specific` under [`STATUS_KEY`]:
//!   `<no-dsa>`, `<ignored>` → `will_not_fix`; `<postponed>` → `fix_deferred`;
//!   `<end-of-life>` → `end_of_life`; `<unfixed>`, `<undetermined>` →
//!   `affected`.
//! * `NOTE:` lines are comments. An unknown release name or state, a package
//!   line before any header: per-line errors (reported); the rest is kept.

use serde_json::{Value, json};

use super::Converted;
use crate::osv::{OsvAffected, OsvEvent, OsvPackage, OsvRange, OsvRecord, OsvReference, ParseError};

/// The key of `affected[].database_specific` that carries a distribution's
/// fix state (`will_not_fix`, `fix_deferred`, `end_of_life`, `affected`).
pub const STATUS_KEY: &str = "rampart_fix_state";

/// The Debian release number OSV uses for a code name (`bullseye` → `11`).
pub fn debian_release_number(codename: &str) -> Option<&'static str> {
    Some(match codename {
        "woody" => "3.0",
        "sarge" => "3.1",
        "etch" => "4.0",
        "lenny" => "5.0",
        "squeeze" => "6.0",
        "wheezy" => "7",
        "jessie" => "8",
        "stretch" => "9",
        "buster" => "10",
        "bullseye" => "11",
        "bookworm" => "12",
        "trixie" => "13",
        "forky" => "14",
        _ => return None,
    })
}

/// The fix state a tracker tag stands for; `Some(None)` for `<not-affected>`
/// (no entry), `None` for an unknown tag.
fn state(tag: &str) -> Option<Option<&'static str>> {
    Some(match tag {
        "<not-affected>" => None,
        "<no-dsa>" | "<ignored>" => Some("will_not_fix"),
        "<postponed>" => Some("fix_deferred"),
        "<end-of-life>" => Some("end_of_life"),
        "<unfixed>" | "<undetermined>" => Some("affected"),
        _ => return None,
    })
}

fn month(m: &str) -> Option<u32> {
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    months.iter().position(|x| *x == m).map(|i| i as u32 + 1)
}

/// `[29 Mar 2023] DSA-5380-1 xorg-server - security update` → (date, id, summary).
fn header(line: &str) -> Option<(Option<String>, String, Option<String>)> {
    let rest = line.strip_prefix('[')?;
    let (date, rest) = rest.split_once(']')?;
    let mut d = date.split_whitespace();
    let published = match (d.next(), d.next().and_then(month), d.next()) {
        (Some(day), Some(mon), Some(year))
            if day.len() <= 2
                && day.bytes().all(|b| b.is_ascii_digit())
                && year.len() == 4
                && year.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let day: u32 = day.parse().ok()?;
            Some(format!("{year}-{mon:02}-{day:02}T00:00:00Z"))
        }
        _ => None,
    };
    let rest = rest.trim();
    let (id, summary) = match rest.split_once(char::is_whitespace) {
        Some((id, s)) => (id, Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
        None => (rest, None),
    };
    if !(id.starts_with("DSA-") || id.starts_with("DLA-")) {
        return None;
    }
    Some((published, id.to_owned(), summary))
}

/// Converts a whole `DSA/list` or `DLA/list` file. Returns the records and
/// the per-line errors (`line N: reason`).
pub fn debian_tracker_to_osv(bytes: &[u8]) -> Result<Converted, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError(format!("not UTF-8: {e}")))?;
    let mut records: Vec<OsvRecord> = Vec::new();
    let mut errors = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let lineno = n + 1;
        if raw.trim().is_empty() {
            continue;
        }
        if !raw.starts_with(char::is_whitespace) {
            match header(raw) {
                Some((published, id, summary)) => records.push(OsvRecord {
                    references: Some(vec![OsvReference {
                        kind: Some("ADVISORY".into()),
                        url: Some(format!("https://security-tracker.debian.org/tracker/{id}")),
                    }]),
                    id,
                    published,
                    summary,
                    ..Default::default()
                }),
                None => errors.push(format!("line {lineno}: not an advisory header: {:?}", cut(raw))),
            }
            continue;
        }
        let line = raw.trim();
        if line.starts_with("NOTE:") {
            continue;
        }
        let Some(rec) = records.last_mut() else {
            errors.push(format!("line {lineno}: {:?} before any advisory header", cut(line)));
            continue;
        };
        if let Some(ids) = line.strip_prefix('{') {
            let ids = ids.trim_end_matches('}');
            let up = rec.upstream.get_or_insert_with(Vec::new);
            for id in ids.split_whitespace() {
                if !up.iter().any(|u| u == id) {
                    up.push(id.to_owned());
                }
            }
            continue;
        }
        if line.starts_with('[') {
            match package_line(line) {
                Ok(Some(aff)) => rec.affected.get_or_insert_with(Vec::new).push(aff),
                Ok(None) => {}
                Err(e) => errors.push(format!("line {lineno} ({}): {e}", rec.id)),
            }
            continue;
        }
        errors.push(format!("line {lineno} ({}): unrecognised line {:?}", rec.id, cut(line)));
    }
    Ok(Converted::Records { records, errors })
}

/// `[bullseye] - openssl 1.1.1n-0+deb11u4 (bug #1)` → an affected entry;
/// `None` for `<not-affected>`.
fn package_line(line: &str) -> Result<Option<OsvAffected>, String> {
    let rest = line.strip_prefix('[').ok_or("no release")?;
    let (release, rest) = rest.split_once(']').ok_or("no `]` after the release")?;
    let number =
        debian_release_number(release.trim()).ok_or_else(|| format!("unknown release {release:?}"))?;
    let rest = rest.trim_start().strip_prefix('-').ok_or("no `-` before the package")?;
    let mut words = rest.split_whitespace();
    let name = words.next().ok_or("no package name")?;
    let what = words.next().ok_or_else(|| format!("{name}: no version or state"))?;
    let mut events = vec![OsvEvent { introduced: Some("0".into()), ..Default::default() }];
    let mut database_specific: Option<Value> = None;
    if what.starts_with('<') {
        match state(what) {
            Some(None) => return Ok(None),
            Some(Some(s)) => database_specific = Some(json!({ STATUS_KEY: s })),
            None => return Err(format!("{name}: unknown state {what}")),
        }
    } else {
        events.push(OsvEvent { fixed: Some(what.to_owned()), ..Default::default() });
    }
    Ok(Some(OsvAffected {
        package: Some(OsvPackage {
            ecosystem: Some(format!("Debian:{number}")),
            name: Some(name.to_owned()),
            purl: None,
        }),
        ranges: Some(vec![OsvRange {
            kind: Some("ECOSYSTEM".into()),
            events: Some(events),
            ..Default::default()
        }]),
        database_specific,
        ..Default::default()
    }))
}

fn cut(s: &str) -> String {
    s.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_list() {
        let t = "[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393 CVE-2023-0001}\n\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n\t[buster] - xorg-server <not-affected> (Vulnerable code introduced later)\n\tNOTE: hello\n[25 Oct 2016] DSA-3699-1 virtualbox - end of life\n\t[jessie] - virtualbox <end-of-life>\n\t[hamm] - x 1\n";
        let Converted::Records { records, errors } = debian_tracker_to_osv(t.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(records.len(), 2);
        let r = &records[0];
        assert_eq!(r.id, "DSA-5380-1");
        assert_eq!(r.published.as_deref(), Some("2023-03-29T00:00:00Z"));
        assert_eq!(r.summary.as_deref(), Some("xorg-server - security update"));
        assert_eq!(r.upstream.as_deref().unwrap(), ["CVE-2023-1393", "CVE-2023-0001"]);
        let aff = r.affected.as_ref().unwrap();
        assert_eq!(aff.len(), 1, "not-affected gives no entry");
        assert_eq!(aff[0].package.as_ref().unwrap().ecosystem.as_deref(), Some("Debian:11"));
        let ev = aff[0].ranges.as_ref().unwrap()[0].events.as_ref().unwrap();
        assert_eq!(ev[1].fixed.as_deref(), Some("2:1.20.11-1+deb11u6"));
        let eol = &records[1].affected.as_ref().unwrap()[0];
        assert_eq!(eol.database_specific.as_ref().unwrap()[STATUS_KEY], "end_of_life");
        assert_eq!(errors, vec!["line 8 (DSA-3699-1): unknown release \"hamm\""]);
    }
}
