//! gitleaks configuration interop.

use rampart_secrets::{Allowlist, RegexTarget, ScanConfig, Scanner, builtin_rules, load_gitleaks_config};

const CONFIG: &str = r#"
title = "acme gitleaks config"

[extend]
useDefault = true
disabledRules = ["twilio-api-key"]

[[rules]]
id = "acme-internal-token"
description = "ACME internal service token"
regex = '''(?i)\b(acme_(?:live|prod)_[a-z0-9]{32})\b'''
secretGroup = 1
entropy = 3.0
keywords = ["acme_live_", "acme_prod_"]
tags = ["internal"]

[rules.allowlist]
description = "the shared sandbox token"
regexTarget = "match"
regexes = ['''acme_live_0000''']
stopwords = ["sandbox"]

[[rules]]
id = "acme-legacy-key"
description = "ACME legacy key, no explicit secret group"
regex = '''legacy_key\s*=\s*"([A-Z0-9]{24})"'''
keywords = ["legacy_key"]

[[rules]]
id = "only-a-path"
description = "path-only rules do not scan content"
path = '''\.p12$'''

[allowlist]
description = "global allowlist"
paths = ['''(^|/)testdata/''', '''\.snap$''']
regexes = ['''AKIAZZZZ''']
stopwords = ["ci-dummy"]
"#;

#[test]
fn parses_rules_extend_and_allowlists() {
    let cfg = load_gitleaks_config(CONFIG).unwrap();
    assert_eq!(cfg.title.as_deref(), Some("acme gitleaks config"));
    assert!(cfg.use_default);
    assert_eq!(cfg.disabled_rules, vec!["twilio-api-key"]);
    assert_eq!(cfg.rules.len(), 2, "the path-only rule is skipped");
    let r = &cfg.rules[0];
    assert_eq!(r.id, "acme-internal-token");
    assert_eq!(r.description, "ACME internal service token");
    assert_eq!(r.secret_group, 1);
    assert_eq!(r.entropy_min, Some(3.0));
    assert_eq!(r.keywords, vec!["acme_live_", "acme_prod_"]);
    assert_eq!(r.allowlist.regex_target, RegexTarget::Match);
    assert_eq!(r.allowlist.stopwords, vec!["sandbox"]);
    assert_eq!(cfg.rules[1].secret_group, 0);
    assert_eq!(cfg.allowlist.path_regexes, vec![r"(^|/)testdata/", r"\.snap$"]);
    assert_eq!(cfg.allowlist.regexes, vec!["AKIAZZZZ"]);

    let rules = cfg.effective_rules();
    assert_eq!(rules.len(), builtin_rules().len() - 1 + 2);
    assert!(!rules.iter().any(|r| r.id == "twilio-api-key"));
}

#[test]
fn custom_rules_scan_with_builtins_and_allowlists() {
    let cfg = load_gitleaks_config(CONFIG).unwrap();
    let mut allowlist = Allowlist::default_paths();
    allowlist.extend(cfg.allowlist.clone());
    let scanner =
        Scanner::new(cfg.effective_rules(), ScanConfig { allowlist, ..ScanConfig::default() }).unwrap();

    let content = "token = acme_live_8f3k2m9x7q1w5e4r6t2y8u3i9o0p7a6s\n\
                   sandbox = acme_live_0000k2m9x7q1w5e4r6t2y8u3i9o0p7a6\n\
                   legacy_key = \"Q8W7E6R5T4Y3U2I1O9P8A7S6\"\n\
                   aws = AKIAQYLPMN5HFIQR7BQX\n\
                   aws2 = AKIAZZZZMN5HFIQR7BQX\n";
    let found = scanner.scan("src/app.py", content.as_bytes());
    let got: Vec<_> = found.iter().map(|m| (m.rule_id.as_str(), m.start_line)).collect();
    assert_eq!(got, vec![("acme-internal-token", 1), ("acme-legacy-key", 3), ("aws-access-key-id", 4)]);
    assert_eq!(found[1].redacted, "Q8W7********************");
    assert!(scanner.scan("pkg/testdata/app.py", content.as_bytes()).is_empty());
    assert!(scanner.scan("ui/__snapshots__/a.snap", content.as_bytes()).is_empty());
}

#[test]
fn without_use_default_the_config_replaces_builtins() {
    let cfg = load_gitleaks_config(
        r#"
[[rules]]
id = "only-rule"
regex = '''only_[0-9a-f]{16}'''
keywords = ["only_"]
"#,
    )
    .unwrap();
    assert!(!cfg.use_default);
    let rules = cfg.effective_rules();
    assert_eq!(rules.len(), 1);
    let scanner = Scanner::new(rules, ScanConfig::default()).unwrap();
    let found = scanner.scan("a.txt", b"AKIAQYLPMN5HFIQR7BQX only_9f8e7d6c5b4a3921\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule_id, "only-rule");
}

#[test]
fn new_style_allowlist_arrays_and_errors() {
    let cfg = load_gitleaks_config(
        r#"
[[allowlists]]
paths = ['''fixtures/''']
[[allowlists]]
regexTarget = "line"
regexes = ['''gitleaks:allow''']

[[rules]]
id = "r"
regex = '''tok_[a-z]{8}'''
[[rules.allowlists]]
stopwords = ["tok_aaaa"]
"#,
    )
    .unwrap();
    assert_eq!(cfg.allowlist.path_regexes, vec!["fixtures/"]);
    assert_eq!(cfg.allowlist.regex_target, RegexTarget::Line);
    assert_eq!(cfg.rules[0].allowlist.stopwords, vec!["tok_aaaa"]);
    assert!(cfg.rules[0].keywords.is_empty());

    assert!(load_gitleaks_config("[[rules]]\nregex = 'x'\n").is_err(), "missing id");
    assert!(load_gitleaks_config("not toml = = =").is_err());
    assert!(load_gitleaks_config("[allowlist]\nregexTarget = \"everything\"\n").is_err());
    let bad_regex = load_gitleaks_config("[[rules]]\nid = 'b'\nregex = '([a-'\n").unwrap();
    assert!(Scanner::new(bad_regex.rules, ScanConfig::default()).is_err());
}
