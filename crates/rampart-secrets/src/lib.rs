//! Secret detection engine: finds credentials (cloud keys, VCS tokens, SaaS API keys,
//! private keys, passwords in URLs and assignments) in file contents.
//!
//! * [`builtin_rules`] lists the provider rules (one [`Rule`] per credential kind).
//! * [`Scanner`] compiles rules once; [`Scanner::scan`] runs an Aho-Corasick keyword
//!   prefilter over a file and only runs the regexes of the rules whose keyword occurs.
//! * Every [`SecretMatch`] is redacted: the secret itself is never kept.
//! * [`load_gitleaks_config`] reads gitleaks' TOML configuration.
//!
//! The library never prints; errors are [`SecretsError`].
//!
//! ```
//! use rampart_secrets::Scanner;
//!
//! let scanner = Scanner::with_builtin_rules()?;
//! let found = scanner.scan("config/app.env", b"AWS_ACCESS_KEY_ID=AKIAQYLPMN5HFIQR7BQX\n");
//! assert_eq!(found.len(), 1);
//! assert_eq!(found[0].rule_id, "aws-access-key-id");
//! assert_eq!(found[0].start_line, 1);
//! assert_eq!(found[0].redacted, "AKIA****************");
//! assert_eq!(found[0].snippet, "AWS_ACCESS_KEY_ID=AKIA****************");
//! # Ok::<(), rampart_secrets::SecretsError>(())
//! ```

pub mod docs;
mod engine;
mod gitleaks;
pub mod rules;
mod util;

pub use engine::{Allowlist, INLINE_ALLOW, RegexTarget, ScanConfig, Scanner, SecretMatch};
pub use gitleaks::{GitleaksConfig, load_gitleaks_config};
pub use rules::{CustomRule, Redaction, Rule, builtin_rules};
pub use util::{is_known_example, is_placeholder, redact, shannon_entropy};

/// Errors of the secret engine.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// A rule's regex (or region/requires regex) does not compile.
    #[error("rule {rule}: invalid regex: {source}")]
    Regex {
        rule: String,
        #[source]
        source: regex::Error,
    },
    /// A rule's secret group does not exist in its regex.
    #[error("rule {rule}: secret group {group} does not exist in its regex")]
    SecretGroup { rule: String, group: usize },
    /// Two rules share an id.
    #[error("duplicate rule id {0}")]
    DuplicateRule(String),
    /// An allowlist path glob does not compile.
    #[error("invalid path glob {glob}: {source}")]
    Glob {
        glob: String,
        #[source]
        source: globset::Error,
    },
    /// An allowlist regex does not compile.
    #[error("invalid allowlist regex {pattern}: {source}")]
    AllowlistRegex {
        pattern: String,
        #[source]
        source: regex::Error,
    },
    /// The keyword automaton could not be built.
    #[error("keyword prefilter: {0}")]
    Prefilter(String),
    /// A gitleaks configuration is not valid TOML or has the wrong shape.
    #[error("gitleaks config: {0}")]
    GitleaksToml(#[from] toml::de::Error),
    /// A gitleaks configuration is valid TOML but not usable.
    #[error("gitleaks config: {0}")]
    GitleaksConfig(String),
}

#[cfg(test)]
mod tests {
    /// `docs/secret-rules.md` is generated: regenerate it with
    /// `RAMPART_BLESS=1 cargo test -p rampart-secrets rules_page`.
    #[test]
    fn rules_page_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/secret-rules.md");
        let expected = crate::docs::markdown();
        if std::env::var_os("RAMPART_BLESS").is_some() {
            std::fs::write(&path, &expected).expect("writing docs/secret-rules.md");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "docs/secret-rules.md is out of date: run RAMPART_BLESS=1 cargo test -p rampart-secrets rules_page"
        );
    }
}
