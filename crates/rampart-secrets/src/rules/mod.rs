//! Built-in rules, one [`Rule`] per credential kind, grouped by provider family.

use rampart_model::Severity;

use crate::engine::Allowlist;

mod cloud;
mod generic;
mod keys;
mod saas;
mod vcs;

/// How a match's secret is shown in [`crate::SecretMatch::redacted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redaction {
    /// At most the first 4 characters, the rest as `*`.
    Prefix,
    /// Only the first line of the secret (a private key's `-----BEGIN ... -----` line).
    FirstLine,
}

/// A built-in detection rule. The `examples` must match and the `negatives` must not:
/// the test suite checks both, so they double as documentation.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable identifier, kebab-case (`aws-access-key-id`).
    pub id: &'static str,
    /// Short human title.
    pub title: &'static str,
    /// What the credential is and what it grants.
    pub description: &'static str,
    pub severity: Severity,
    /// Lowercase substrings, one of which occurs in any match: the prefilter.
    pub keywords: &'static [&'static str],
    /// The regex (Rust `regex` syntax, run over bytes).
    pub regex: &'static str,
    /// Which capture group is the secret; 0 = the first non-empty capture group, or
    /// the whole match when the regex has no groups (gitleaks' default).
    pub secret_group: usize,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    pub entropy_min: Option<f64>,
    /// Extra validation of the secret (checksums, decoding).
    pub validate: Option<fn(&str) -> bool>,
    /// Reject secrets containing placeholder stopwords (`example`, `xxxx`, ...).
    pub stopwords: bool,
    /// Only scan inside capture 1 of this regex's matches (e.g. a YAML `data:` block).
    pub region: Option<&'static str>,
    /// Only run when this regex matches the file somewhere (e.g. `kind: Secret`).
    pub requires: Option<&'static str>,
    pub redaction: Redaction,
    /// The regex is written for the ASCII-lowercased content (lowercase literals, no `(?i)`):
    /// the scanner runs it over a lowercased copy and reads the secret from the original
    /// bytes at the same offsets. A case-insensitive alternation of many keywords defeats the
    /// regex engine's literal search; lowercase literals keep it (several times faster).
    pub lowercase: bool,
    /// Strings the rule must find.
    pub examples: &'static [&'static str],
    /// Near misses the rule must not report.
    pub negatives: &'static [&'static str],
}

/// Defaults for the optional fields of a [`Rule`] (`..DEFAULT`).
pub(crate) const DEFAULT: Rule = Rule {
    id: "",
    title: "",
    description: "",
    severity: Severity::High,
    keywords: &[],
    regex: "",
    secret_group: 1,
    entropy_min: None,
    validate: None,
    stopwords: true,
    region: None,
    requires: None,
    redaction: Redaction::Prefix,
    lowercase: false,
    examples: &[],
    negatives: &[],
};

/// Every built-in rule, in priority order: when two matches overlap, the rule listed
/// first wins (specific provider rules come before the generic ones).
pub fn builtin_rules() -> Vec<&'static Rule> {
    let mut out = specific_rules();
    out.extend(generic_rules());
    out
}

/// The provider-specific built-in rules.
pub(crate) fn specific_rules() -> Vec<&'static Rule> {
    keys::RULES.iter().chain(cloud::RULES).chain(vcs::RULES).chain(saas::RULES).collect()
}

pub(crate) fn keys_rules() -> &'static [Rule] {
    keys::RULES
}
pub(crate) fn cloud_rules() -> &'static [Rule] {
    cloud::RULES
}
pub(crate) fn vcs_rules() -> &'static [Rule] {
    vcs::RULES
}
pub(crate) fn saas_rules() -> &'static [Rule] {
    saas::RULES
}

/// The generic built-in rules (connection URLs, secret-named assignments): lowest priority.
pub(crate) fn generic_rules() -> Vec<&'static Rule> {
    generic::RULES.iter().collect()
}

/// A rule with owned data: built-in rules convert into it, and gitleaks configurations
/// produce it. [`crate::Scanner::new`] takes these.
#[derive(Debug, Clone)]
pub struct CustomRule {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub keywords: Vec<String>,
    pub regex: String,
    pub secret_group: usize,
    pub entropy_min: Option<f64>,
    pub validate: Option<fn(&str) -> bool>,
    pub stopwords: bool,
    pub region: Option<String>,
    pub requires: Option<String>,
    pub redaction: Redaction,
    /// Rule-specific allowlist (gitleaks `[rules.allowlist]`).
    pub allowlist: Allowlist,
    /// See [`Rule::lowercase`].
    pub lowercase: bool,
    /// Every match of `regex` contains one of `keywords` (true for the built-in rules, whose
    /// examples prove it; false for gitleaks rules, whose keywords may be anywhere in the
    /// file). With a regex that cannot match across lines, the scanner then runs it only over
    /// the lines where a keyword occurs.
    pub keyword_in_match: bool,
}

impl CustomRule {
    /// A rule with defaults for everything but id, regex and keywords.
    pub fn new(id: &str, regex: &str, keywords: &[&str]) -> CustomRule {
        CustomRule {
            id: id.to_string(),
            title: id.to_string(),
            description: String::new(),
            severity: Severity::High,
            keywords: keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
            regex: regex.to_string(),
            secret_group: 0,
            entropy_min: None,
            validate: None,
            stopwords: true,
            region: None,
            requires: None,
            redaction: Redaction::Prefix,
            allowlist: Allowlist::default(),
            lowercase: false,
            keyword_in_match: false,
        }
    }
}

impl From<&Rule> for CustomRule {
    fn from(r: &Rule) -> CustomRule {
        CustomRule {
            id: r.id.to_string(),
            title: r.title.to_string(),
            description: r.description.to_string(),
            severity: r.severity,
            keywords: r.keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
            regex: r.regex.to_string(),
            secret_group: r.secret_group,
            entropy_min: r.entropy_min,
            validate: r.validate,
            stopwords: r.stopwords,
            region: r.region.map(str::to_string),
            requires: r.requires.map(str::to_string),
            redaction: r.redaction,
            allowlist: Allowlist::default(),
            lowercase: r.lowercase,
            keyword_in_match: true,
        }
    }
}
