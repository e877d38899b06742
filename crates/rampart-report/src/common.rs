//! Helpers shared by the renderers.

use std::collections::HashSet;

use rampart_model::{Package, Relationship, ScanResult};
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
}
