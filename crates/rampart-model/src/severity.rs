use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Severity of a finding, shared by every scanner. Ordered: `Unknown < Low < ... < Critical`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    #[default]
    Unknown,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Unknown, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "UNKNOWN",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// The qualitative rating of a CVSS (v3.x or v4.0) base score.
    pub fn from_cvss_score(score: f64) -> Severity {
        match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::Unknown,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    /// Accepts the names in any case, and the usual synonyms of advisory feeds
    /// (`MODERATE` → MEDIUM, `IMPORTANT` → HIGH, `NEGLIGIBLE`/`INFO` → LOW).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "UNKNOWN" | "NONE" | "" => Ok(Severity::Unknown),
            "LOW" | "NEGLIGIBLE" | "INFO" | "INFORMATIONAL" => Ok(Severity::Low),
            "MEDIUM" | "MODERATE" => Ok(Severity::Medium),
            "HIGH" | "IMPORTANT" => Ok(Severity::High),
            "CRITICAL" => Ok(Severity::Critical),
            other => {
                Err(format!("unknown severity {other:?} (expected UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL)"))
            }
        }
    }
}
