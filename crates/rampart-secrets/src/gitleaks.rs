//! Reading gitleaks' TOML configuration (`.gitleaks.toml`).
//!
//! Semantics follow gitleaks v8: a configuration *replaces* the default rules unless
//! it says `[extend] useDefault = true`, in which case its rules join the defaults
//! (a rule with a default rule's id replaces that rule) and `[extend] disabledRules`
//! removes default rules. Both the old single-table allowlists (`[allowlist]`,
//! `[rules.allowlist]`) and the newer arrays (`[[allowlists]]`, `[[rules.allowlists]]`)
//! are read; gitleaks' `paths` entries are regexes. When `secretGroup` is not set,
//! the first non-empty capture group is the secret (the whole match without groups). Path-only rules (a `path` and no `regex`) and `commits`
//! allowlists do not apply to content scanning and are skipped.

use serde::Deserialize;

use crate::SecretsError;
use crate::engine::{Allowlist, RegexTarget};
use crate::rules::{CustomRule, generic_rules, specific_rules};

/// A parsed gitleaks configuration.
#[derive(Debug, Clone, Default)]
pub struct GitleaksConfig {
    pub title: Option<String>,
    /// `[extend] useDefault = true`: keep the built-in rules.
    pub use_default: bool,
    /// `[extend] disabledRules`: built-in rule ids to drop.
    pub disabled_rules: Vec<String>,
    /// The configuration's own rules.
    pub rules: Vec<CustomRule>,
    /// The global allowlist(s), merged.
    pub allowlist: Allowlist,
}

impl GitleaksConfig {
    /// The rule set to scan with. With `use_default`: the built-in provider rules,
    /// then the configuration's rules, then the built-in generic rules (so a custom
    /// rule wins over a generic match of the same text), minus disabled built-in rules
    /// and built-in rules the configuration redefines. Otherwise only its own rules.
    pub fn effective_rules(&self) -> Vec<CustomRule> {
        if !self.use_default {
            return self.rules.clone();
        }
        let keep = |r: &&&crate::Rule| {
            !self.disabled_rules.iter().any(|d| d == r.id) && !self.rules.iter().any(|c| c.id == r.id)
        };
        let mut out: Vec<CustomRule> =
            specific_rules().iter().filter(keep).map(|r| CustomRule::from(*r)).collect();
        out.extend(self.rules.iter().cloned());
        out.extend(generic_rules().iter().filter(keep).map(|r| CustomRule::from(*r)));
        out
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    title: Option<String>,
    #[serde(default)]
    extend: Option<RawExtend>,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawExtend {
    #[serde(default)]
    use_default: bool,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawAllowlist {
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
}

fn convert_allowlists(
    single: Option<RawAllowlist>,
    many: Vec<RawAllowlist>,
) -> Result<Allowlist, SecretsError> {
    let mut out = Allowlist::default();
    for raw in single.into_iter().chain(many) {
        let regex_target = match raw.regex_target.as_deref() {
            None | Some("") | Some("secret") => RegexTarget::Secret,
            Some("match") => RegexTarget::Match,
            Some("line") => RegexTarget::Line,
            Some(other) => {
                return Err(SecretsError::GitleaksConfig(format!("unknown regexTarget {other:?}")));
            }
        };
        out.extend(Allowlist {
            paths: Vec::new(),
            path_regexes: raw.paths,
            regexes: raw.regexes,
            regex_target,
            stopwords: raw.stopwords,
        });
    }
    Ok(out)
}

/// Parses a gitleaks TOML configuration. Regexes are compiled later, by
/// [`crate::Scanner::new`]; a configuration with a rule whose regex does not compile
/// is reported then.
pub fn load_gitleaks_config(text: &str) -> Result<GitleaksConfig, SecretsError> {
    let raw: RawConfig = toml::from_str(text)?;
    let mut rules = Vec::new();
    for r in raw.rules {
        let Some(regex) = r.regex.filter(|s| !s.is_empty()) else {
            continue; // path-only rule: not a content rule
        };
        let secret_group = r.secret_group.unwrap_or(0);
        let keywords: Vec<&str> = r.keywords.iter().map(String::as_str).collect();
        let mut rule = CustomRule::new(&r.id, &regex, &keywords);
        rule.description = r.description.clone().unwrap_or_default();
        rule.title = r.description.unwrap_or_else(|| r.id.clone());
        rule.secret_group = secret_group;
        rule.entropy_min = r.entropy.filter(|e| *e > 0.0);
        rule.allowlist = convert_allowlists(r.allowlist, r.allowlists)?;
        rules.push(rule);
    }
    let extend = raw.extend;
    Ok(GitleaksConfig {
        title: raw.title,
        use_default: extend.as_ref().is_some_and(|e| e.use_default),
        disabled_rules: extend.map(|e| e.disabled_rules).unwrap_or_default(),
        rules,
        allowlist: convert_allowlists(raw.allowlist, raw.allowlists)?,
    })
}
