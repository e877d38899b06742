//! CVSS base scores from vectors, and the severity decision for a vulnerability.
//!
//! - [`score`]: the score of one CVSS vector (v2.0, v3.0, v3.1, v4.0). The arithmetic is the
//!   RustSec [`cvss`] crate's, which is tested upstream against Red Hat's reference test sets
//!   (every CVSS 4.0 base vector among them); `tests/fixtures/cvss_scores.tsv` cross-checks it
//!   against Red Hat's Python library here.
//! - [`assess`]: the severity of a finding from the CVSS vectors and the rating of its
//!   advisory (see [`assess`] for the order of preference and why).
//!
//! Nothing here panics on input: an invalid vector is an error from [`score`] and is skipped
//! by [`assess`].

use std::str::FromStr;

use rampart_model::{Cvss, Severity};

/// Why a vector could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    #[error("empty CVSS vector")]
    Empty,
    #[error("unsupported CVSS version {0:?} (expected 2.0, 3.0, 3.1 or 4.0)")]
    UnsupportedVersion(String),
    #[error("invalid CVSS vector {vector:?}: {reason}")]
    Invalid { vector: String, reason: String },
}

/// OSV `severity[].type` values this crate scores.
pub const OSV_CVSS_V2: &str = "CVSS_V2";
pub const OSV_CVSS_V3: &str = "CVSS_V3";
pub const OSV_CVSS_V4: &str = "CVSS_V4";

/// The score of a CVSS vector.
///
/// - `CVSS:3.0/...` and `CVSS:3.1/...`: the base score (temporal and environmental metrics, if
///   present, are parsed but do not change it), with each version's own rounding;
/// - `CVSS:4.0/...`: the CVSS 4.0 score of the vector as written: CVSS-B for a base vector,
///   CVSS-BT / BE / BTE when threat or environmental metrics are set (the v4 specification
///   scores the vector as a whole; that is also what FIRST's calculator shows);
/// - v2 (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, also accepted in parentheses as NVD prints it, or with a
///   `CVSS:2.0/` prefix): the base score.
///
/// The returned [`Cvss`] has `version` `"2.0"`, `"3.0"`, `"3.1"` or `"4.0"`, the vector as given
/// (trimmed), and no `source`.
pub fn score(vector: &str) -> Result<Cvss, CvssError> {
    let original = vector.trim();
    if original.is_empty() {
        return Err(CvssError::Empty);
    }
    let invalid = |reason: String| CvssError::Invalid { vector: original.to_string(), reason };

    let (version, value) = if let Some(rest) = original.strip_prefix("CVSS:") {
        let version = rest.split('/').next().unwrap_or_default();
        match version {
            "3.0" | "3.1" => {
                let v = cvss::v3::Vector::from_str(original).map_err(|e| invalid(e.to_string()))?;
                // The parser leaves missing metrics unset; the specification requires all
                // eight base metrics.
                let missing = [
                    ("AV", v.av.is_none()),
                    ("AC", v.ac.is_none()),
                    ("PR", v.pr.is_none()),
                    ("UI", v.ui.is_none()),
                    ("S", v.s.is_none()),
                    ("C", v.c.is_none()),
                    ("I", v.i.is_none()),
                    ("A", v.a.is_none()),
                ];
                if let Some((metric, _)) = missing.iter().find(|(_, m)| *m) {
                    return Err(invalid(format!("missing base metric {metric}")));
                }
                (version, v.base_score().value())
            }
            "4.0" => {
                let v = cvss::v4::Vector::from_str(original).map_err(|e| invalid(e.to_string()))?;
                (version, v.score().value())
            }
            "2.0" => ("2.0", score_v2(rest.strip_prefix("2.0/").unwrap_or_default(), &invalid)?),
            other => return Err(CvssError::UnsupportedVersion(other.to_string())),
        }
    } else {
        let bare = original.strip_prefix('(').and_then(|s| s.strip_suffix(')')).unwrap_or(original);
        ("2.0", score_v2(bare, &invalid)?)
    };
    if !value.is_finite() || !(0.0..=10.0).contains(&value) {
        return Err(invalid(format!("score {value} out of range")));
    }
    Ok(Cvss { version: version.to_string(), vector: original.to_string(), score: value, source: None })
}

fn score_v2(vector: &str, invalid: &dyn Fn(String) -> CvssError) -> Result<f64, CvssError> {
    if !vector.starts_with("AV:") {
        return Err(invalid("not a CVSS vector (no CVSS:x.y/ prefix, and not a v2 vector)".into()));
    }
    let v = cvss::v2::Vector::from_str(vector).map_err(|e| invalid(e.to_string()))?;
    Ok(v.score().value())
}

/// Where the severity of an [`Assessment`] came from (the values of
/// `Vulnerability::severity_source`).
pub mod source {
    pub const CVSS_V3: &str = "cvss_v3";
    pub const CVSS_V4: &str = "cvss_v4";
    pub const ADVISORY: &str = "advisory";
    pub const CVSS_V2: &str = "cvss_v2";
    pub const NONE: &str = "none";
}

/// The severity decision for one vulnerability.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub severity: Severity,
    /// One of [`source`]: `cvss_v3`, `cvss_v4`, `advisory`, `cvss_v2` or `none`.
    pub source: &'static str,
    /// Every valid CVSS vector given, scored, in the order given (duplicates removed).
    pub cvss: Vec<Cvss>,
}

/// Decides the severity of a vulnerability.
///
/// `osv_severity` is the OSV record's `severity[]` as `(type, score)` pairs; `database_severity`
/// is the advisory's own rating (e.g. GHSA's `database_specific.severity`, `MODERATE`).
///
/// Every `CVSS_V2` / `CVSS_V3` / `CVSS_V4` entry is scored (invalid vectors are skipped; the
/// version is read from the vector itself, so a v4 vector filed as `CVSS_V3` still counts as
/// v4). The severity is, in this order:
///
/// 1. from the CVSS v3 score (v3.1 preferred over v3.0, the first vector of a version wins):
///    v3 is what NVD, GitHub and Trivy display, so users comparing with them see the same
///    rating. The v3 and v4 ratings of one problem often differ, and a v3-first rule keeps
///    the rating stable when a record later adds a v4 vector;
/// 2. else from the CVSS v4 score;
/// 3. else the advisory's own rating: `database_severity`, then any non-CVSS `osv_severity`
///    entry whose score is a rating word (e.g. `("Ubuntu", "medium")`), read with
///    [`Severity::from_str`] (`MODERATE` → MEDIUM, `IMPORTANT` → HIGH, ...);
/// 4. else from a CVSS v2 score, on the v2 scale (LOW < 4.0 ≤ MEDIUM < 7.0 ≤ HIGH; v2 has no
///    CRITICAL), as NVD rated old CVEs that never got a v3 vector;
/// 5. else UNKNOWN (`none`).
///
/// Scores of 0.0 (no impact) rate as UNKNOWN and do not stop the search.
pub fn assess(osv_severity: &[(String, String)], database_severity: Option<&str>) -> Assessment {
    let mut cvss: Vec<Cvss> = Vec::new();
    let mut ratings: Vec<&str> = database_severity.into_iter().collect();
    for (kind, value) in osv_severity {
        let kind = kind.trim();
        if kind.eq_ignore_ascii_case(OSV_CVSS_V2)
            || kind.eq_ignore_ascii_case(OSV_CVSS_V3)
            || kind.eq_ignore_ascii_case(OSV_CVSS_V4)
        {
            if let Ok(c) = score(value)
                && !cvss.iter().any(|seen| seen.vector == c.vector)
            {
                cvss.push(c);
            }
        } else {
            ratings.push(value);
        }
    }

    let best = |versions: &[&str]| -> Option<f64> {
        versions.iter().find_map(|v| cvss.iter().find(|c| c.version == *v).map(|c| c.score))
    };
    let rated = |s: Option<f64>| s.map(Severity::from_cvss_score).filter(|s| *s != Severity::Unknown);

    let (severity, source) = if let Some(s) = rated(best(&["3.1", "3.0"])) {
        (s, source::CVSS_V3)
    } else if let Some(s) = rated(best(&["4.0"])) {
        (s, source::CVSS_V4)
    } else if let Some(s) =
        ratings.iter().filter_map(|r| Severity::from_str(r).ok()).find(|s| *s != Severity::Unknown)
    {
        (s, source::ADVISORY)
    } else if let Some(s) = best(&["2.0"]).map(v2_severity).filter(|s| *s != Severity::Unknown) {
        (s, source::CVSS_V2)
    } else {
        (Severity::Unknown, source::NONE)
    };
    Assessment { severity, source, cvss }
}

/// NVD's qualitative rating of a CVSS v2 base score.
fn v2_severity(score: f64) -> Severity {
    match score {
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s > 0.0 => Severity::Low,
        _ => Severity::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn scores_each_version() {
        let c = score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
        assert_eq!((c.version.as_str(), c.score), ("3.1", 9.8));
        let c = score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H").unwrap();
        assert_eq!((c.version.as_str(), c.score), ("3.0", 10.0));
        let c = score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").unwrap();
        assert_eq!((c.version.as_str(), c.score), ("4.0", 9.3));
        let c = score("AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap();
        assert_eq!((c.version.as_str(), c.score), ("2.0", 7.5));
        assert_eq!(score("(AV:N/AC:L/Au:N/C:P/I:P/A:P)").unwrap().score, 7.5);
        assert_eq!(score("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap().score, 7.5);
        assert_eq!(score("  CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n").unwrap().vector.len(), 44);
    }

    #[test]
    fn rejects_bad_vectors() {
        assert_eq!(score(""), Err(CvssError::Empty));
        assert!(matches!(score("CVSS:5.0/AV:N"), Err(CvssError::UnsupportedVersion(_))));
        assert!(matches!(score("CVSS:3.1/AV:N"), Err(CvssError::Invalid { .. })));
        assert!(matches!(
            score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Err(CvssError::Invalid { .. })
        ));
        assert!(matches!(score("HIGH"), Err(CvssError::Invalid { .. })));
        assert!(matches!(score("9.8"), Err(CvssError::Invalid { .. })));
        assert!(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N").is_err());
    }

    #[test]
    fn v3_wins_over_v4_and_the_advisory() {
        let a = assess(
            &pairs(&[
                ("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
                ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"),
            ]),
            Some("LOW"),
        );
        assert_eq!((a.severity, a.source), (Severity::Medium, "cvss_v3"));
        assert_eq!(a.cvss.len(), 2);
        assert_eq!(a.cvss[0].version, "4.0");
    }

    #[test]
    fn v3_1_is_preferred_to_v3_0() {
        let a = assess(
            &pairs(&[
                ("CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
                ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"),
            ]),
            None,
        );
        assert_eq!((a.severity, a.source), (Severity::Medium, "cvss_v3"));
    }

    #[test]
    fn then_v4_then_advisory_then_v2_then_none() {
        let v4 = ("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
        let a = assess(&pairs(&[v4]), Some("LOW"));
        assert_eq!((a.severity, a.source), (Severity::Critical, "cvss_v4"));

        let v2 = ("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C");
        let a = assess(&pairs(&[v2, ("CVSS_V3", "garbage")]), Some("MODERATE"));
        assert_eq!((a.severity, a.source), (Severity::Medium, "advisory"));
        assert_eq!(a.cvss.len(), 1);

        let a = assess(&pairs(&[("Ubuntu", "high")]), None);
        assert_eq!((a.severity, a.source), (Severity::High, "advisory"));
        let a = assess(&pairs(&[("Ubuntu", "negligible")]), Some("unknown"));
        assert_eq!((a.severity, a.source), (Severity::Low, "advisory"));

        // v2 10.0 is HIGH: v2 has no CRITICAL.
        let a = assess(&pairs(&[v2]), Some("bogus"));
        assert_eq!((a.severity, a.source), (Severity::High, "cvss_v2"));
        assert_eq!(a.cvss[0].score, 10.0);

        let a = assess(&[], None);
        assert_eq!((a.severity, a.source, a.cvss.len()), (Severity::Unknown, "none", 0));
    }

    #[test]
    fn the_version_comes_from_the_vector_and_duplicates_are_dropped() {
        let v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        let a = assess(&pairs(&[("CVSS_V3", v4), ("cvss_v4", v4)]), None);
        assert_eq!((a.severity, a.source, a.cvss.len()), (Severity::Critical, "cvss_v4", 1));
    }

    #[test]
    fn zero_scores_do_not_decide() {
        let none = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N";
        let a = assess(&pairs(&[("CVSS_V3", none)]), Some("HIGH"));
        assert_eq!((a.severity, a.source), (Severity::High, "advisory"));
        assert_eq!(a.cvss[0].score, 0.0);
    }
}
