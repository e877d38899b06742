//! Helpers shared by the renderers.

use std::collections::HashSet;

use rampart_model::{Cvss, Misconfiguration, Package, Relationship, ScanResult, Severity, Vulnerability};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Hands out identifiers unique within one document, deterministically: the first free
/// candidate wins, else the last candidate with `-2`, `-3`, ... appended.
#[derive(Debug, Default)]
pub(crate) struct UniqueIds {
    taken: HashSet<String>,
}

impl UniqueIds {
    pub(crate) fn allocate<I>(&mut self, candidates: I) -> String
    where
        I: IntoIterator<Item = String>,
    {
        let mut last = None;
        let mut candidates = candidates.into_iter().peekable();
        if candidates.peek().is_none() {
            return self.allocate(["ref".to_string()]);
        }
        for c in candidates {
            if !self.taken.contains(&c) {
                self.taken.insert(c.clone());
                return c;
            }
            last = Some(c);
        }
        let base = last.unwrap_or_else(|| "ref".to_string());
        let mut n = 2u64;
        loop {
            let c = format!("{base}-{n}");
            if !self.taken.contains(&c) {
                self.taken.insert(c.clone());
                return c;
            }
            n += 1;
        }
    }
}

/// The report time as `YYYY-MM-DDThh:mm:ssZ` (UTC, whole seconds): the form SPDX requires and
/// CycloneDX accepts. A time that does not parse as RFC 3339 is replaced by the current time,
/// so that the document stays valid.
pub(crate) fn normalize_timestamp(created_at: &str) -> String {
    let t = OffsetDateTime::parse(created_at.trim(), &Rfc3339)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The packages a result (a file) directly holds in a dependency graph: its roots and direct
/// dependencies, plus those whose relationship the format does not give (so that, when no
/// relationship is known, every package hangs from the file).
pub(crate) fn is_top_level(pkg: &Package) -> bool {
    matches!(pkg.relationship, Relationship::Root | Relationship::Direct | Relationship::Unknown)
}

/// True for the results an SBOM lists: those of packages, and any other holding packages or
/// vulnerabilities. Config files checked for misconfigurations (and files searched for secrets)
/// are not part of the inventory.
pub(crate) fn in_inventory(result: &ScanResult) -> bool {
    result.kind == rampart_model::ResultKind::Packages
        || !result.packages.is_empty()
        || !result.vulnerabilities.is_empty()
}

/// The analyzer and ecosystem of a result, for headings and properties.
pub(crate) fn result_label(result: &ScanResult) -> Option<String> {
    match (&result.analyzer, result.ecosystem) {
        (Some(a), Some(e)) => Some(format!("{a}, {}", e.label())),
        (Some(a), None) => Some(a.clone()),
        (None, Some(e)) => Some(e.label().to_string()),
        (None, None) => None,
    }
}

/// `name@version`, or `name` when the version is unknown (as `rampart_model` builds ids).
pub(crate) fn package_id(name: &str, version: &str) -> String {
    if version.is_empty() { name.to_string() } else { format!("{name}@{version}") }
}

pub(crate) fn relationship_str(r: Relationship) -> Option<&'static str> {
    match r {
        Relationship::Root => Some("root"),
        Relationship::Direct => Some("direct"),
        Relationship::Indirect => Some("indirect"),
        Relationship::Unknown => None,
    }
}

/// The CVSS entry the severity was computed from (per `severity_source`), if any.
pub(crate) fn deciding_cvss(v: &Vulnerability) -> Option<&Cvss> {
    let versions: &[&str] = match v.severity_source.as_str() {
        "cvss_v3" => &["3.1", "3.0"],
        "cvss_v4" => &["4.0"],
        "cvss_v2" => &["2.0"],
        _ => return None,
    };
    versions.iter().find_map(|version| v.cvss.iter().find(|c| c.version == *version))
}

/// Findings shown as findings: those no filter suppressed.
pub(crate) fn visible(vulns: &[Vulnerability]) -> impl Iterator<Item = &Vulnerability> {
    vulns.iter().filter(|v| v.suppressed.is_none())
}

/// Counts per severity, indexed like [`Severity::ALL`] (UNKNOWN first).
pub(crate) fn severity_counts<'a>(vulns: impl Iterator<Item = &'a Vulnerability>) -> [usize; 5] {
    let mut counts = [0usize; 5];
    for v in vulns {
        if let Some(i) = Severity::ALL.iter().position(|s| *s == v.severity) {
            counts[i] += 1;
        }
    }
    counts
}

/// Counts per severity, indexed like [`Severity::ALL`] (UNKNOWN first).
pub(crate) fn count_severities(severities: impl Iterator<Item = Severity>) -> [usize; 5] {
    let mut counts = [0usize; 5];
    for s in severities {
        if let Some(i) = Severity::ALL.iter().position(|x| *x == s) {
            counts[i] += 1;
        }
    }
    counts
}

/// `N (HIGH: b, MEDIUM: c)`: the severities that occur, most severe first; `0` when none.
pub(crate) fn compact_breakdown(counts: [usize; 5]) -> String {
    let total: usize = counts.iter().sum();
    if total == 0 {
        return "0".to_string();
    }
    let parts: Vec<String> = Severity::ALL
        .iter()
        .zip(counts)
        .rev()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{}: {n}", s.as_str()))
        .collect();
    format!("{total} ({})", parts.join(", "))
}

/// Misconfigurations shown as findings: those no filter (or inline comment) suppressed.
pub(crate) fn visible_misconfigurations(
    misconfigurations: &[Misconfiguration],
) -> impl Iterator<Item = &Misconfiguration> {
    misconfigurations.iter().filter(|m| m.suppressed.is_none())
}

/// Worst first, then by line, id and resource: the order misconfigurations are listed in.
pub(crate) fn misconfiguration_order(a: &Misconfiguration, b: &Misconfiguration) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| a.warning.cmp(&b.warning))
        .then_with(|| a.start_line.unwrap_or(u32::MAX).cmp(&b.start_line.unwrap_or(u32::MAX)))
        .then_with(|| a.id.cmp(&b.id))
        .then_with(|| a.resource.cmp(&b.resource))
}

/// `16`, `16-20`, or nothing when the lines are unknown.
pub(crate) fn line_range(m: &Misconfiguration) -> Option<String> {
    let start = m.start_line.filter(|l| *l > 0)?;
    Some(match m.end_line.filter(|e| *e > start) {
        Some(end) => format!("{start}-{end}"),
        None => start.to_string(),
    })
}

/// `N (CRITICAL: a, HIGH: b, MEDIUM: c, LOW: d, UNKNOWN: e)`, most severe first.
pub(crate) fn severity_breakdown(counts: [usize; 5]) -> String {
    let total: usize = counts.iter().sum();
    let parts: Vec<String> =
        Severity::ALL.iter().zip(counts).rev().map(|(s, n)| format!("{}: {n}", s.as_str())).collect();
    format!("{total} ({})", parts.join(", "))
}

/// Worst first, then by package and id: the order findings are listed in.
pub(crate) fn finding_order(a: &Vulnerability, b: &Vulnerability) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| b.kev.cmp(&a.kev))
        .then_with(|| a.package_name.cmp(&b.package_name))
        .then_with(|| a.installed_version.cmp(&b.installed_version))
        .then_with(|| a.id.cmp(&b.id))
}

/// An absolute `http(s)` URL without spaces or control characters: what may be given as a link.
pub(crate) fn web_url(s: &str) -> Option<&str> {
    let s = s.trim();
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && !rest.starts_with('/')
        && s.chars().all(|c| {
            c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
        });
    ok.then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_ids_are_deterministic() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.allocate(["a".to_string()]), "a");
        assert_eq!(ids.allocate(["a".to_string(), "b".to_string()]), "b");
        assert_eq!(ids.allocate(["a".to_string(), "b".to_string()]), "b-2");
        assert_eq!(ids.allocate(["b-2".to_string()]), "b-2-2");
        assert_eq!(ids.allocate(Vec::new()), "ref");
    }

    #[test]
    fn timestamps_are_normalized() {
        assert_eq!(normalize_timestamp("2024-05-01T12:34:56Z"), "2024-05-01T12:34:56Z");
        assert_eq!(normalize_timestamp("2024-05-01T12:34:56.789+02:00"), "2024-05-01T10:34:56Z");
        assert_eq!(normalize_timestamp("garbage").len(), 20);
    }

    #[test]
    fn web_urls() {
        assert_eq!(
            web_url(" https://nvd.nist.gov/vuln/detail/CVE-2021-44228 "),
            Some("https://nvd.nist.gov/vuln/detail/CVE-2021-44228")
        );
        assert_eq!(web_url("ftp://x"), None);
        assert_eq!(web_url("https://a b"), None);
        assert_eq!(web_url("https://"), None);
        assert_eq!(web_url("javascript:alert(1)"), None);
    }

    #[test]
    fn compact() {
        assert_eq!(compact_breakdown([0, 0, 3, 2, 0]), "5 (HIGH: 2, MEDIUM: 3)");
        assert_eq!(compact_breakdown([0; 5]), "0");
        assert_eq!(
            count_severities([Severity::High, Severity::Low, Severity::High].into_iter()),
            [0, 1, 0, 2, 0]
        );
    }

    #[test]
    fn breakdown() {
        assert_eq!(
            severity_breakdown([0, 2, 5, 4, 1]),
            "12 (CRITICAL: 1, HIGH: 4, MEDIUM: 5, LOW: 2, UNKNOWN: 0)"
        );
    }
}
