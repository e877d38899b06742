//! OSV range evaluation (spec section "Evaluation").
//!
//! A range is a list of events. They are sorted by version under the range's
//! scheme (`introduced: "0"` first, `limit: "*"` last; at an equal version
//! `introduced` comes before `last_affected`, `fixed` and `limit`), then walked:
//! `introduced` ≤ v starts an affected span, `fixed` ≤ v ends it (`fixed` is
//! exclusive), `last_affected` < v ends it (`last_affected` is inclusive). A
//! `limit` is an extra upper bound: v must be below every `limit`.
//!
//! `ECOSYSTEM` ranges use the ecosystem's scheme; `SEMVER` ranges use SemVer
//! 2.0.0 (the Go scheme in the Go ecosystem, which is SemVer plus Go's
//! toolchain names `go1.22rc1`). An event version the scheme cannot read is
//! ignored (the build counts them).

use std::cmp::Ordering;

use rampart_versions::{Scheme, Version};
use serde::{Deserialize, Serialize};

/// The kind of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    Introduced,
    LastAffected,
    Fixed,
    Limit,
}

impl EventKind {
    fn tag(self) -> char {
        match self {
            EventKind::Introduced => 'i',
            EventKind::LastAffected => 'l',
            EventKind::Fixed => 'f',
            EventKind::Limit => 'm',
        }
    }
    fn from_tag(c: char) -> Option<EventKind> {
        Some(match c {
            'i' => EventKind::Introduced,
            'l' => EventKind::LastAffected,
            'f' => EventKind::Fixed,
            'm' => EventKind::Limit,
            _ => return None,
        })
    }
}

/// The two evaluable range types (GIT ranges are not stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeKind {
    Ecosystem,
    Semver,
}

/// A stored range: its kind and its events in record order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub kind: RangeKind,
    pub events: Vec<(EventKind, String)>,
}

/// Stored form of the ranges of one affected entry: a JSON array of arrays,
/// each `["E" | "S", "i0", "f2.20.0", "l1.2", "m*", ...]` (kind, then events
/// as a one-letter tag followed by the version).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StoredRanges(pub Vec<Vec<String>>);

impl StoredRanges {
    pub fn encode(ranges: &[Range]) -> StoredRanges {
        StoredRanges(
            ranges
                .iter()
                .map(|r| {
                    let mut v = Vec::with_capacity(r.events.len() + 1);
                    v.push(if r.kind == RangeKind::Ecosystem { "E" } else { "S" }.to_owned());
                    for (k, ver) in &r.events {
                        let mut s = String::with_capacity(ver.len() + 1);
                        s.push(k.tag());
                        s.push_str(ver);
                        v.push(s);
                    }
                    v
                })
                .collect(),
        )
    }

    pub fn decode(&self) -> Vec<Range> {
        self.0
            .iter()
            .filter_map(|r| {
                let (head, rest) = r.split_first()?;
                let kind = match head.as_str() {
                    "E" => RangeKind::Ecosystem,
                    "S" => RangeKind::Semver,
                    _ => return None,
                };
                let events = rest
                    .iter()
                    .filter_map(|e| {
                        let mut chars = e.chars();
                        let k = EventKind::from_tag(chars.next()?)?;
                        Some((k, chars.as_str().to_owned()))
                    })
                    .collect();
                Some(Range { kind, events })
            })
            .collect()
    }
}

/// The scheme a range of `kind` uses in an ecosystem, if there is one.
pub fn range_scheme(kind: RangeKind, ecosystem: &str) -> Option<Scheme> {
    match kind {
        RangeKind::Ecosystem => Scheme::from_osv_ecosystem(ecosystem).ok(),
        RangeKind::Semver => {
            Some(if ecosystem.split(':').next() == Some("Go") { Scheme::Go } else { Scheme::Cargo })
        }
    }
}

#[derive(Debug)]
enum Key {
    Min,
    V(Version),
    Max,
}

impl Key {
    fn cmp_key(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Min, Key::Min) | (Key::Max, Key::Max) => Ordering::Equal,
            (Key::Min, _) | (_, Key::Max) => Ordering::Less,
            (_, Key::Min) | (Key::Max, _) => Ordering::Greater,
            (Key::V(a), Key::V(b)) => a.cmp(b),
        }
    }
    fn le_version(&self, v: &Version) -> bool {
        match self {
            Key::Min => true,
            Key::Max => false,
            Key::V(k) => k <= v,
        }
    }
    fn lt_version(&self, v: &Version) -> bool {
        match self {
            Key::Min => true,
            Key::Max => false,
            Key::V(k) => k < v,
        }
    }
}

/// The result of evaluating one range against a version.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RangeHit {
    /// The version is inside the range.
    pub affected: bool,
    /// The range's `fixed` versions above the version (as written), when affected.
    pub fixed_above: Vec<String>,
    /// Event versions the scheme could not read (ignored).
    pub unreadable_events: usize,
}

/// Evaluates one range's events for `installed` under `scheme`.
pub fn evaluate(scheme: Scheme, installed: &Version, events: &[(EventKind, String)]) -> RangeHit {
    PreparedRange::new(scheme, events).evaluate(installed)
}

/// A range whose events are parsed and sorted once, to be evaluated against
/// any number of installed versions.
#[derive(Debug)]
pub struct PreparedRange {
    scheme: Scheme,
    /// (parsed version, kind, version as written, trimmed), sorted.
    sorted: Vec<(Key, EventKind, String)>,
    unreadable_events: usize,
}

impl PreparedRange {
    /// Parses and sorts `events` under `scheme`.
    pub fn new(scheme: Scheme, events: &[(EventKind, String)]) -> PreparedRange {
        let mut unreadable_events = 0;
        let mut sorted: Vec<(Key, EventKind, String)> = Vec::with_capacity(events.len());
        for (kind, raw) in events {
            let raw_t = raw.trim();
            let key = match (kind, raw_t) {
                (EventKind::Introduced, "0") => Key::Min,
                (EventKind::Limit, "*") => Key::Max,
                _ => match scheme.parse(raw_t) {
                    Ok(v) => Key::V(v),
                    Err(_) => {
                        unreadable_events += 1;
                        continue;
                    }
                },
            };
            sorted.push((key, *kind, raw_t.to_owned()));
        }
        sorted.sort_by(|a, b| a.0.cmp_key(&b.0).then(a.1.cmp(&b.1)));
        PreparedRange { scheme, sorted, unreadable_events }
    }

    /// The scheme the events were parsed with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Evaluates the range for `installed` (parsed with [`PreparedRange::scheme`]).
    pub fn evaluate(&self, installed: &Version) -> RangeHit {
        let mut hit = RangeHit { unreadable_events: self.unreadable_events, ..RangeHit::default() };
        let mut affected = false;
        for (key, kind, _) in &self.sorted {
            match kind {
                EventKind::Introduced if key.le_version(installed) => affected = true,
                EventKind::Fixed if key.le_version(installed) => affected = false,
                EventKind::LastAffected if key.lt_version(installed) => affected = false,
                _ => {}
            }
        }
        if affected {
            let below_limits = self
                .sorted
                .iter()
                .filter(|(_, k, _)| *k == EventKind::Limit)
                .all(|(key, _, _)| !key.le_version(installed));
            affected = below_limits;
        }
        if affected {
            hit.affected = true;
            hit.fixed_above = self
                .sorted
                .iter()
                .filter(|(key, k, _)| *k == EventKind::Fixed && !key.le_version(installed))
                .map(|(_, _, raw)| raw.clone())
                .collect();
        }
        hit
    }
}

/// Whether `version` (a string) is affected by ranges/versions of an affected
/// entry in `ecosystem`, and the fixed versions above it. `versions` is the
/// explicit list (exact string membership).
pub fn affected_entry(
    ecosystem: &str,
    ranges: &[Range],
    versions: &[String],
    version: &str,
) -> (bool, Vec<String>) {
    affected_entry_cached(ecosystem, ranges, versions, version, &mut ParsedCache::default())
}

/// The installed version parsed once per scheme, for many entries.
#[derive(Debug, Default)]
pub struct ParsedCache(Vec<(Scheme, Option<Version>)>);

impl ParsedCache {
    /// `version` parsed under `scheme` (`None` when it does not parse); the
    /// cache must only ever see one `version`.
    fn get(&mut self, scheme: Scheme, version: &str) -> Option<&Version> {
        let idx = match self.0.iter().position(|(s, _)| *s == scheme) {
            Some(i) => i,
            None => {
                self.0.push((scheme, scheme.parse(version.trim()).ok()));
                self.0.len() - 1
            }
        };
        self.0[idx].1.as_ref()
    }
}

/// [`affected_entry`] reusing the installed version parsed in `cache` (which
/// must only ever see one `version`).
pub fn affected_entry_cached(
    ecosystem: &str,
    ranges: &[Range],
    versions: &[String],
    version: &str,
    cache: &mut ParsedCache,
) -> (bool, Vec<String>) {
    PreparedEntry::new(ecosystem, ranges, versions.to_vec()).affected(version, cache)
}

/// An affected entry (ranges + explicit versions) prepared once for any
/// number of installed versions: [`PreparedEntry::affected`] answers exactly
/// as [`affected_entry`].
#[derive(Debug)]
pub struct PreparedEntry {
    /// The ranges that have a scheme in the entry's ecosystem, in record order.
    ranges: Vec<PreparedRange>,
    versions: Vec<String>,
}

impl PreparedEntry {
    pub fn new(ecosystem: &str, ranges: &[Range], versions: Vec<String>) -> PreparedEntry {
        let ranges = ranges
            .iter()
            .filter_map(|r| Some(PreparedRange::new(range_scheme(r.kind, ecosystem)?, &r.events)))
            .collect();
        PreparedEntry { ranges, versions }
    }

    /// Whether `version` is affected, and the fixed versions above it.
    /// `cache` must only ever see this one `version`.
    pub fn affected(&self, version: &str, cache: &mut ParsedCache) -> (bool, Vec<String>) {
        let mut affected = self.versions.iter().any(|v| v == version);
        let mut fixed = Vec::new();
        for range in &self.ranges {
            let Some(installed) = cache.get(range.scheme, version) else { continue };
            let hit = range.evaluate(installed);
            if hit.affected {
                affected = true;
                fixed.extend(hit.fixed_above);
            }
        }
        (affected, fixed)
    }
}

/// Sorts and deduplicates fixed versions by `scheme` (unreadable ones last, by text).
pub fn sort_versions(scheme: Option<Scheme>, versions: &mut Vec<String>) {
    let mut keyed: Vec<(Option<Version>, String)> =
        versions.drain(..).map(|v| (scheme.and_then(|s| s.parse(&v).ok()), v)).collect();
    keyed.sort_by(|a, b| match (&a.0, &b.0) {
        (Some(x), Some(y)) => x.cmp(y).then_with(|| a.1.cmp(&b.1)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    keyed.dedup_by(|a, b| a.1 == b.1 || matches!((&a.0, &b.0), (Some(x), Some(y)) if x == y));
    versions.extend(keyed.into_iter().map(|(_, v)| v));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(list: &[(&str, &str)]) -> Vec<(EventKind, String)> {
        list.iter()
            .map(|(k, v)| {
                let kind = match *k {
                    "i" => EventKind::Introduced,
                    "f" => EventKind::Fixed,
                    "l" => EventKind::LastAffected,
                    _ => EventKind::Limit,
                };
                (kind, (*v).to_owned())
            })
            .collect()
    }

    fn hit(scheme: Scheme, v: &str, events: &[(&str, &str)]) -> RangeHit {
        evaluate(scheme, &scheme.parse(v).unwrap(), &ev(events))
    }

    #[test]
    fn introduced_fixed() {
        let e = [("i", "1.0.0"), ("f", "1.2.0")];
        assert!(!hit(Scheme::Cargo, "0.9.0", &e).affected);
        assert!(hit(Scheme::Cargo, "1.0.0", &e).affected);
        assert!(hit(Scheme::Cargo, "1.1.9", &e).affected);
        assert!(!hit(Scheme::Cargo, "1.2.0", &e).affected);
        assert_eq!(hit(Scheme::Cargo, "1.1.0", &e).fixed_above, vec!["1.2.0"]);
    }

    #[test]
    fn unordered_multiple_spans() {
        // events out of order in the record: sorted before the walk
        let e = [("f", "2.5"), ("i", "2.0"), ("f", "1.5"), ("i", "0")];
        assert!(hit(Scheme::PyPI, "1.0", &e).affected);
        assert!(!hit(Scheme::PyPI, "1.7", &e).affected);
        assert!(hit(Scheme::PyPI, "2.1", &e).affected);
        assert!(!hit(Scheme::PyPI, "2.5", &e).affected);
        assert_eq!(hit(Scheme::PyPI, "1.0", &e).fixed_above, vec!["1.5", "2.5"]);
    }

    #[test]
    fn last_affected_inclusive() {
        let e = [("i", "0"), ("l", "1.4.2")];
        assert!(hit(Scheme::Npm, "1.4.2", &e).affected);
        assert!(!hit(Scheme::Npm, "1.4.3", &e).affected);
        assert!(hit(Scheme::Npm, "0.0.1", &e).affected);
        assert!(hit(Scheme::Npm, "1.4.2", &e).fixed_above.is_empty());
    }

    #[test]
    fn limit() {
        let e = [("i", "1.0"), ("m", "2.0")];
        assert!(hit(Scheme::Cargo, "1.5.0", &e).affected);
        assert!(!hit(Scheme::Cargo, "2.0.0", &e).affected);
        let star = [("i", "1.0"), ("m", "*")];
        assert!(hit(Scheme::Cargo, "99.0.0", &star).affected);
    }

    #[test]
    fn equal_introduced_and_fixed_is_empty() {
        let e = [("f", "1.0.0"), ("i", "1.0.0")];
        assert!(!hit(Scheme::Cargo, "1.0.0", &e).affected);
    }

    #[test]
    fn prerelease_introduced_go() {
        let e = [("i", "0"), ("f", "1.19.6"), ("i", "1.20.0-0"), ("f", "1.20.1")];
        assert!(hit(Scheme::Go, "go1.20", &e).affected);
        assert!(hit(Scheme::Go, "go1.20rc1", &e).affected);
        assert!(!hit(Scheme::Go, "go1.19.6", &e).affected);
        assert!(!hit(Scheme::Go, "v1.20.1", &e).affected);
    }

    #[test]
    fn unreadable_events_ignored() {
        let h = hit(Scheme::Cargo, "1.0.0", &[("i", "not a version"), ("i", "0"), ("f", "2.0.0")]);
        assert!(h.affected);
        assert_eq!(h.unreadable_events, 1);
    }

    #[test]
    fn entry_versions_only_and_unparsable() {
        let versions = vec!["1.0".to_owned(), "weird tag".to_owned()];
        assert!(affected_entry("crates.io", &[], &versions, "1.0").0);
        assert!(!affected_entry("crates.io", &[], &versions, "1.0.0").0, "membership is by exact string");
        // an installed version the scheme cannot read: versions[] only
        let r = vec![Range { kind: RangeKind::Ecosystem, events: ev(&[("i", "0"), ("f", "2.0")]) }];
        assert!(affected_entry("crates.io", &r, &versions, "weird tag").0);
        assert!(!affected_entry("crates.io", &r, &[], "weird tag").0);
        // SEMVER range in an ecosystem without a scheme (Bitnami)
        let s = vec![Range { kind: RangeKind::Semver, events: ev(&[("i", "0"), ("f", "2.0.0")]) }];
        assert!(affected_entry("Bitnami", &s, &[], "1.5.0").0);
        assert!(affected_entry("Bitnami", &[], &versions, "1.0").0);
    }

    #[test]
    fn stored_roundtrip() {
        let r = vec![
            Range { kind: RangeKind::Ecosystem, events: ev(&[("i", "0"), ("f", "2.0")]) },
            Range { kind: RangeKind::Semver, events: ev(&[("i", "1"), ("l", "1.5"), ("m", "*")]) },
        ];
        let s = StoredRanges::encode(&r);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"[["E","i0","f2.0"],["S","i1","l1.5","m*"]]"#);
        let back: StoredRanges = serde_json::from_str(&json).unwrap();
        assert_eq!(back.decode(), r);
    }

    #[test]
    fn sorting_fixed() {
        let mut v = vec!["3.2.10".to_owned(), "3.2.9".to_owned(), "3.2.10".to_owned(), "x y".to_owned()];
        sort_versions(Some(Scheme::Cargo), &mut v);
        assert_eq!(v, vec!["3.2.9", "3.2.10", "x y"]);
        let mut v = vec!["3.2.10".to_owned(), "3.2.9".to_owned(), "3.2.9.0".to_owned()];
        sort_versions(Some(Scheme::PyPI), &mut v);
        assert_eq!(v, vec!["3.2.9", "3.2.10"], "equal versions are one");
    }
}
