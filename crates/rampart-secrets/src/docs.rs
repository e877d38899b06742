//! `docs/secret-rules.md`, generated from the built-in rules (a test keeps it current).

use crate::rules::{Rule, builtin_rules};

/// The family (source file) of a rule, for the page's sections.
fn family(rule: &Rule) -> &'static str {
    let in_family = |rules: &[Rule]| rules.iter().any(|r| r.id == rule.id);
    if in_family(crate::rules::keys_rules()) {
        "Keys, tokens and structured credentials"
    } else if in_family(crate::rules::cloud_rules()) {
        "Cloud providers"
    } else if in_family(crate::rules::vcs_rules()) {
        "Source hosting, CI and package registries"
    } else if in_family(crate::rules::saas_rules()) {
        "SaaS APIs"
    } else {
        "Generic (lowest priority)"
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The rules page, in Markdown.
pub fn markdown() -> String {
    let rules = builtin_rules();
    let mut out = String::new();
    out.push_str("# Secret rules\n\n");
    out.push_str(
        "Generated from `crates/rampart-secrets/src/rules/` (regenerate with \
         `RAMPART_BLESS=1 cargo test -p rampart-secrets rules_page`). ",
    );
    out.push_str(&format!(
        "{} built-in rules, in priority order: when two matches overlap, the rule listed first wins. \
         Every rule's examples must be found and its near misses must not be (`tests/rules.rs`).\n\n",
        rules.len()
    ));
    out.push_str(
        "Checks beyond the regex: **checksum** (the provider's own check digits), **entropy ≥ N** \
         (Shannon entropy of the secret, bits per character), **validated** (structure checked: \
         JWT header, base64 `user:password`, ...). Every rule also drops documented example \
         values and placeholders unless it says otherwise.\n\n",
    );
    let mut current = "";
    for r in &rules {
        let f = family(r);
        if f != current {
            out.push_str(&format!(
                "## {f}\n\n| id | severity | title | keywords | checks |\n| --- | --- | --- | --- | --- |\n"
            ));
            current = f;
        }
        let mut checks = Vec::new();
        if let Some(e) = r.entropy_min {
            checks.push(format!("entropy ≥ {e}"));
        }
        if r.validate.is_some() {
            checks.push(if r.description.contains("checksum") {
                "checksum".into()
            } else {
                "validated".into()
            });
        }
        if r.requires.is_some() || r.region.is_some() {
            checks.push("file structure".into());
        }
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            r.id,
            r.severity,
            cell(r.title),
            r.keywords.iter().map(|k| format!("`{}`", cell(k))).collect::<Vec<_>>().join(", "),
            checks.join(", ")
        ));
    }
    out.push_str("\n## Descriptions\n\n");
    for r in &rules {
        out.push_str(&format!("- **`{}`**: {}\n", r.id, cell(r.description)));
    }
    out
}
