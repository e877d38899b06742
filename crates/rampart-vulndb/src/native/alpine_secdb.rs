//! Alpine secdb YAML (`alpine-secdb/v3.11/main.yaml`, `community.yaml`): the
//! per-release security fix lists Alpine published before its OSV feed.
//!
//! ```yaml
//! distroversion: v3.11
//! packages:
//!   - pkg:
//!       name: openssl
//!       secfixes:
//!         1.1.1g-r0:
//!           - CVE-2020-1967
//! ```
//!
//! * Ecosystem `Alpine:<distroversion>`; each `secfixes` key is the first
//!   fixed version of the package in that release for the ids listed under
//!   it: `introduced: 0`, `fixed: <key>`.
//! * The key `0` means "never affected in this release" (Alpine's
//!   convention): no affected entry.
//! * One OSV record per id and file: id `ALPINE-<id>` (osv.dev's spelling),
//!   `upstream: [<id>]`, one affected entry per package. When an id is
//!   listed under several fixed versions of one package, the lowest (in
//!   apk order) is kept: versions from it on are fixed. Records of the same
//!   id from other releases' files merge on import.
//! * Entries may hold several ids and free text (`CVE-2018-1 CVE-2018-2`,
//!   `CVE-2017-13044 (HNCP)`): tokens shaped like an id (`CVE-…`, `XSA-…`,
//!   `TALOS-…`, `ZBX-…`, `wnpa-sec-…`) are taken, `CVE_2019_1234` read as
//!   `CVE-2019-1234`; other text is ignored.
//! * A fixed version that apk ordering cannot read, a package without a
//!   name: per-entry errors (reported), the rest of the file is kept.

use std::collections::BTreeMap;

use rampart_versions::Scheme;
use serde::Deserialize;

use super::{Converted, one_line};
use crate::osv::{OsvAffected, OsvEvent, OsvPackage, OsvRange, OsvRecord, OsvReference, ParseError};

#[derive(Deserialize)]
struct SecDb {
    distroversion: Option<String>,
    #[serde(default)]
    packages: Option<Vec<PackageEntry>>,
}

#[derive(Deserialize)]
struct PackageEntry {
    pkg: Option<Pkg>,
}

#[derive(Deserialize)]
struct Pkg {
    name: Option<String>,
    #[serde(default)]
    secfixes: Option<BTreeMap<String, Option<Vec<Option<String>>>>>,
}

/// The advisory ids in one secfixes entry (see the module documentation).
pub fn ids_in_entry(entry: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tok in entry.split_whitespace() {
        let tok = tok.trim_matches(|c: char| c == ',' || c == ';');
        let id = if let Some(rest) = tok.strip_prefix("CVE_") {
            format!("CVE-{}", rest.replace('_', "-"))
        } else {
            tok.to_owned()
        };
        let Some((prefix, rest)) = id.split_once('-') else { continue };
        let known = matches!(prefix, "CVE" | "XSA" | "TALOS" | "ZBX" | "wnpa" | "GHSA" | "OSV");
        if known && rest.bytes().any(|b| b.is_ascii_digit()) && !id.contains(['(', ')']) && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

/// Converts one secdb file into one OSV record per advisory id. Returns the
/// records and the per-entry errors (`package: reason`).
pub fn alpine_secdb_to_osv(bytes: &[u8]) -> Result<Converted, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError(format!("not UTF-8: {e}")))?;
    let db: SecDb = serde_saphyr::from_str(text)
        .map_err(|e| ParseError(format!("YAML: {}", one_line(&e.to_string()))))?;
    let release = db
        .distroversion
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
        .ok_or_else(|| ParseError("Alpine secdb: no `distroversion`".into()))?;
    let ecosystem = format!("Alpine:{release}");
    let scheme = Scheme::Alpine;
    let mut errors = Vec::new();
    // id -> package -> lowest fixed version (as written)
    let mut by_id: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (i, entry) in db.packages.into_iter().flatten().enumerate() {
        let Some(pkg) = entry.pkg else {
            errors.push(format!("packages[{i}]: no `pkg`"));
            continue;
        };
        let Some(name) = pkg.name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) else {
            errors.push(format!("packages[{i}]: no `pkg.name`"));
            continue;
        };
        for (fixed, ids) in pkg.secfixes.into_iter().flatten() {
            let fixed = fixed.trim().to_owned();
            if fixed == "0" {
                continue; // never affected in this release
            }
            let Ok(parsed) = scheme.parse(&fixed) else {
                errors.push(format!("{name}: fixed version {fixed:?} is not an apk version"));
                continue;
            };
            for id in ids.into_iter().flatten().flatten().flat_map(|e| ids_in_entry(&e)) {
                let slot = by_id.entry(id).or_default();
                match slot.get(&name) {
                    Some(cur) if scheme.parse(cur).is_ok_and(|c| c <= parsed) => {}
                    _ => {
                        slot.insert(name.clone(), fixed.clone());
                    }
                }
            }
        }
    }
    let records = by_id
        .into_iter()
        .map(|(id, pkgs)| OsvRecord {
            id: format!("ALPINE-{id}"),
            upstream: Some(vec![id.clone()]),
            summary: None,
            affected: Some(
                pkgs.into_iter()
                    .map(|(name, fixed)| OsvAffected {
                        package: Some(OsvPackage {
                            ecosystem: Some(ecosystem.clone()),
                            name: Some(name),
                            purl: None,
                        }),
                        ranges: Some(vec![OsvRange {
                            kind: Some("ECOSYSTEM".into()),
                            events: Some(vec![
                                OsvEvent { introduced: Some("0".into()), ..Default::default() },
                                OsvEvent { fixed: Some(fixed), ..Default::default() },
                            ]),
                            ..Default::default()
                        }]),
                        ..Default::default()
                    })
                    .collect(),
            ),
            references: Some(vec![OsvReference {
                kind: Some("ADVISORY".into()),
                url: Some(format!("https://security.alpinelinux.org/vuln/{id}")),
            }]),
            ..Default::default()
        })
        .collect();
    Ok(Converted::Records { records, errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(ids_in_entry("CVE-2017-13044 (HNCP)"), vec!["CVE-2017-13044"]);
        assert_eq!(ids_in_entry("CVE-2018-1 CVE-2018-2"), vec!["CVE-2018-1", "CVE-2018-2"]);
        assert_eq!(ids_in_entry("CVE_2019_5188"), vec!["CVE-2019-5188"]);
        assert_eq!(ids_in_entry("XSA-300"), vec!["XSA-300"]);
        assert!(ids_in_entry("partially fixed, but too unreliably reproduced").is_empty());
    }

    #[test]
    fn small_file() {
        let y = "distroversion: v3.11\nreponame: main\npackages:\n  - pkg:\n      name: openssl\n      secfixes:\n        1.1.1g-r0:\n          - CVE-2020-1967\n        1.1.1d-r2:\n          - CVE-2019-1547\n        1.1.1a-r0:\n          - CVE-2019-1547\n        0:\n          - CVE-2014-0001\n  - pkg:\n      name: bad\n      secfixes:\n        \"\":\n          - CVE-2020-2\n";
        let Converted::Records { records, errors } = alpine_secdb_to_osv(y.as_bytes()).unwrap() else {
            panic!()
        };
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec!["ALPINE-CVE-2019-1547", "ALPINE-CVE-2020-1967"]);
        let fixed =
            records[0].affected.as_ref().unwrap()[0].ranges.as_ref().unwrap()[0].events.as_ref().unwrap()[1]
                .fixed
                .clone();
        assert_eq!(fixed.as_deref(), Some("1.1.1a-r0"), "the lowest fixed version is kept");
        assert_eq!(errors, vec!["bad: fixed version \"\" is not an apk version"]);
    }
}
