//! The policy file (YAML, `schema: 1`), documented by `docs/gate-policy.schema.json`.
//!
//! ```yaml
//! schema: 1
//! name: production
//! vulnerabilities:
//!   max: { critical: 0, high: 0, medium: 1, low: 5 }   # absent severity: no limit
//!   fixable_only: true      # only findings with a fixed version count toward `max`
//!   kev: block              # any finding in CISA's KEV catalogue fails the gate
//! misconfigurations:
//!   max: { critical: 0, high: 0 }
//! secrets:
//!   max: { total: 0 }
//! images:
//!   allowed_registries: [registry.example.com, ghcr.io/acme]
//!   forbidden_tags: [latest]
//!   require_digest: true
//! signatures:
//!   keys: [keys/cosign.pub]  # at least one must verify the image
//! exemptions:
//!   - id: CVE-2023-44487
//!     owner: alice@example.com
//!     reason: HTTP/2 is not exposed
//!     expires: 2027-01-31
//!     images: ["registry.example.com/edge/*"]   # optional
//!     paths: ["app/**"]                          # optional
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::GateError;

/// The only policy schema version this build reads.
pub const SCHEMA: u32 = 1;

/// A deploy-gate policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub schema: u32,
    /// Shown in verdicts.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub vulnerabilities: Option<VulnerabilityRules>,
    #[serde(default)]
    pub misconfigurations: Option<Thresholds>,
    #[serde(default)]
    pub secrets: Option<Thresholds>,
    #[serde(default)]
    pub images: Option<ImageRules>,
    #[serde(default)]
    pub signatures: Option<SignatureRules>,
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
    /// For the admission webhook: what to do when a scan does not finish in time.
    #[serde(default)]
    pub on_scan_timeout: Option<TimeoutAction>,
}

/// At most this many findings of each severity (`None`: no limit), and in total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Max {
    #[serde(default)]
    pub critical: Option<u64>,
    #[serde(default)]
    pub high: Option<u64>,
    #[serde(default)]
    pub medium: Option<u64>,
    #[serde(default)]
    pub low: Option<u64>,
    #[serde(default)]
    pub unknown: Option<u64>,
    #[serde(default)]
    pub total: Option<u64>,
}

/// Severity thresholds for one kind of finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[serde(default)]
    pub max: Max,
}

/// What a KEV-listed vulnerability does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KevAction {
    /// Any KEV-listed finding fails the gate, whatever the thresholds say.
    Block,
    /// KEV findings only count toward the thresholds.
    #[default]
    Count,
}

/// Vulnerability thresholds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilityRules {
    #[serde(default)]
    pub max: Max,
    /// Only findings that a released version fixes count toward `max`.
    #[serde(default)]
    pub fixable_only: bool,
    #[serde(default)]
    pub kev: KevAction,
}

/// Rules on the image reference.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRules {
    /// Registry hosts or repository prefixes (`registry.example.com`, `ghcr.io/acme`); an
    /// image from anywhere else fails. Empty: any registry.
    #[serde(default)]
    pub allowed_registries: Vec<String>,
    /// Tags that may not be deployed (`latest`); an untagged, unpinned reference means `latest`.
    #[serde(default)]
    pub forbidden_tags: Vec<String>,
    /// The reference must pin a digest (`repo@sha256:...`).
    #[serde(default)]
    pub require_digest: bool,
}

/// Signature rules: the image must carry a cosign signature that one of the keys verifies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureRules {
    /// Public keys (cosign `.pub` PEM files), relative to the policy file.
    pub keys: Vec<PathBuf>,
}

/// What the admission webhook does when the scan of an uncached image times out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeoutAction {
    /// Admit, with a warning.
    Allow,
    /// Refuse.
    #[default]
    Deny,
}

/// A finding the gate does not count, for a reason someone owns, until a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// A vulnerability id or alias, a check id (or its peer alias), or a secret rule id.
    pub id: String,
    /// Who answers for it.
    pub owner: String,
    pub reason: String,
    /// Last day it applies (`YYYY-MM-DD`, inclusive).
    pub expires: String,
    /// Only in these images (globs on the reference; `*` does not cross `/`).
    #[serde(default)]
    pub images: Vec<String>,
    /// Only in these files (globs on the result target).
    #[serde(default)]
    pub paths: Vec<String>,
}

impl Policy {
    /// Reads and checks a policy file; key paths are made relative to its directory.
    pub fn load(path: &Path) -> Result<Policy, GateError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| GateError::Read { path: path.display().to_string(), source })?;
        let mut policy = Policy::parse(&path.display().to_string(), &text)?;
        if let Some(sig) = &mut policy.signatures {
            let base = path.parent().unwrap_or(Path::new("."));
            for k in &mut sig.keys {
                if k.is_relative() {
                    *k = base.join(&*k);
                }
            }
        }
        Ok(policy)
    }

    /// Parses a policy; `name` names it in errors.
    pub fn parse(name: &str, text: &str) -> Result<Policy, GateError> {
        let policy: Policy = serde_saphyr::from_str(text)
            .map_err(|e| GateError::Invalid { path: name.to_string(), message: one_line(&e.to_string()) })?;
        let invalid = |message: String| GateError::Invalid { path: name.to_string(), message };
        if policy.schema != SCHEMA {
            return Err(invalid(format!(
                "unsupported schema {} (this version reads schema {SCHEMA})",
                policy.schema
            )));
        }
        for (i, e) in policy.exemptions.iter().enumerate() {
            let which = format!("exemption {} ({})", i + 1, e.id);
            if e.id.trim().is_empty() || e.owner.trim().is_empty() || e.reason.trim().is_empty() {
                return Err(invalid(format!("{which}: `id`, `owner` and `reason` must not be empty")));
            }
            crate::eval::parse_date(&e.expires).ok_or_else(|| {
                invalid(format!("{which}: `expires` {:?} is not a YYYY-MM-DD date", e.expires))
            })?;
            for g in e.images.iter().chain(&e.paths) {
                globset::GlobBuilder::new(g)
                    .literal_separator(true)
                    .build()
                    .map_err(|err| invalid(format!("{which}: invalid glob {g:?}: {}", err.kind())))?;
            }
        }
        if let Some(sig) = &policy.signatures
            && sig.keys.is_empty()
        {
            return Err(invalid("`signatures.keys` must name at least one public key".into()));
        }
        Ok(policy)
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
