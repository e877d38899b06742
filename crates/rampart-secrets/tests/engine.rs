//! Scanner behaviour: prefilter, binary/size skips, allowlists, redaction, lines.

use rampart_secrets::{Allowlist, CustomRule, RegexTarget, ScanConfig, Scanner, builtin_rules};

const AKID: &str = "AKIAQYLPMN5HFIQR7BQX";

fn builtin_with(config: ScanConfig) -> Scanner {
    Scanner::new(builtin_rules().into_iter().map(CustomRule::from).collect(), config).unwrap()
}

#[test]
fn finds_with_lines_offsets_and_redaction() {
    let s = Scanner::with_builtin_rules().unwrap();
    let content = format!("# config\n\nkey_id = {AKID}\n");
    let found = s.scan("a.ini", content.as_bytes());
    assert_eq!(found.len(), 1);
    let m = &found[0];
    assert_eq!(m.rule_id, "aws-access-key-id");
    assert_eq!((m.start_line, m.end_line), (3, 3));
    assert_eq!(&content[m.start..m.end], AKID);
    assert_eq!(m.redacted, "AKIA****************");
    assert_eq!(m.secret_len, 20);
    assert_eq!(m.snippet, "key_id = AKIA****************");
}

#[test]
fn private_key_shows_only_begin_line() {
    let s = Scanner::with_builtin_rules().unwrap();
    let body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0\n";
    let content = format!("x\n-----BEGIN RSA PRIVATE KEY-----\n{body}{body}-----END RSA PRIVATE KEY-----\n");
    let found = s.scan("id_rsa", content.as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].redacted, "-----BEGIN RSA PRIVATE KEY-----");
    assert_eq!(found[0].snippet, "-----BEGIN RSA PRIVATE KEY-----");
    assert_eq!((found[0].start_line, found[0].end_line), (2, 5));
    assert!(!found[0].redacted.contains("MIIE"));
}

#[test]
fn skips_binary_and_oversized_files() {
    let s = builtin_with(ScanConfig { max_file_size: 64, ..ScanConfig::default() });
    let mut bin = format!("{AKID}\n").into_bytes();
    bin.push(0);
    assert!(s.scan("a.bin", &bin).is_empty());
    let big = format!("{AKID}\n{}", "a".repeat(100));
    assert!(s.scan("big.txt", big.as_bytes()).is_empty());
    assert_eq!(s.scan("small.txt", format!("{AKID}\n").as_bytes()).len(), 1);
}

#[test]
fn default_path_allowlist() {
    let s = Scanner::with_builtin_rules().unwrap();
    let content = format!("k = {AKID}\n");
    for p in [
        "node_modules/x/index.js",
        "a/vendor/b.go",
        "./web/node_modules/y.js",
        "go.sum",
        "sub/package-lock.json",
    ] {
        assert!(s.scan(p, content.as_bytes()).is_empty(), "{p} not allowlisted");
    }
    for p in ["src/vendors.js", "app.min.js", "vendored.txt"] {
        assert_eq!(s.scan(p, content.as_bytes()).len(), 1, "{p} wrongly allowlisted");
    }
}

#[test]
fn custom_allowlist_regexes_stopwords_and_paths() {
    let mut allowlist = Allowlist::default_paths();
    allowlist.extend(Allowlist {
        paths: vec!["fixtures/**".into()],
        path_regexes: vec![r"(^|/)testdata/".into()],
        regexes: vec!["^AKIAQYLP".into()],
        regex_target: RegexTarget::Secret,
        stopwords: vec!["r7bq".into()],
    });
    let s = builtin_with(ScanConfig { allowlist, ..ScanConfig::default() });
    assert!(s.scan("fixtures/a.txt", b"AKIAZZZZMN5HFIQR2BQX").is_empty());
    assert!(s.scan("x/testdata/a.txt", b"AKIAZZZZMN5HFIQR2BQX").is_empty());
    assert!(s.scan("a.txt", AKID.as_bytes()).is_empty());
    assert!(s.scan("a.txt", b"AKIAZZZZMN5HFIR7BQXQ").is_empty()); // stopword r7bq
    assert_eq!(s.scan("a.txt", b"AKIAZZZZMN5HFIQR2BQX").len(), 1);

    let line_target = Allowlist {
        regexes: vec!["# nosecret".into()],
        regex_target: RegexTarget::Line,
        ..Allowlist::default()
    };
    let s = builtin_with(ScanConfig { allowlist: line_target, ..ScanConfig::default() });
    assert!(s.scan("a.txt", format!("k = {AKID} # nosecret\n").as_bytes()).is_empty());
    assert_eq!(s.scan("a.txt", format!("k = {AKID}\n").as_bytes()).len(), 1);
}

#[test]
fn known_examples_and_placeholders_never_reported() {
    let s = Scanner::with_builtin_rules().unwrap();
    let content = "AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
                   token: ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\npassword = \"<your-password>\"\n\
                   password = ${DB_PASSWORD}\nsha = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"\n";
    assert_eq!(s.scan("README.md", content.as_bytes()), vec![]);
}

#[test]
fn specific_rule_wins_over_generic() {
    let s = Scanner::with_builtin_rules().unwrap();
    let found = s.scan("a.env", b"STRIPE_SECRET_TOKEN=sk_live_4f9Kq2LmZ8xRt6VbN3pW7yHd\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule_id, "stripe-secret-key");
}

#[test]
fn kubernetes_secret_reports_each_key() {
    let s = Scanner::with_builtin_rules().unwrap();
    let manifest = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\n  namespace: prod\n\
                    type: Opaque\ndata:\n  username: YWRtaW5pc3RyYXRvcg==\n  password: UzNjcjN0LVBhc3N3MHJk\n\
                    ---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n";
    let found = s.scan("k8s/secret.yaml", manifest.as_bytes());
    let lines: Vec<_> = found.iter().map(|m| (m.rule_id.as_str(), m.start_line)).collect();
    assert_eq!(lines, vec![("kubernetes-secret-data", 8), ("kubernetes-secret-data", 9)]);
}

#[test]
fn docker_config_auth() {
    let s = Scanner::with_builtin_rules().unwrap();
    // "ci-bot:9sd8f7G6h5J4k3L2" in base64
    let cfg = r#"{
  "auths": {
    "registry.acme.io": {
      "auth": "Y2ktYm90OjlzZDhmN0c2aDVKNGszTDI="
    }
  }
}"#;
    let found = s.scan(".docker/config.json", cfg.as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule_id, "docker-config-auth");
    assert_eq!(found[0].start_line, 4);
}

#[test]
fn prefilter_is_case_insensitive() {
    let s = Scanner::with_builtin_rules().unwrap();
    let found = s.scan("a.py", b"DB = 'POSTGRESQL://svc:Qm7xV2pLk9@db.prod:5432/main'\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule_id, "database-url-password");
    assert_eq!(found[0].redacted, "Qm********");
}

#[test]
fn bad_rules_are_errors() {
    let bad = CustomRule::new("bad", "([a-z", &["x"]);
    assert!(Scanner::new(vec![bad], ScanConfig::default()).is_err());
    let mut group = CustomRule::new("group", "(a)", &["a"]);
    group.secret_group = 3;
    assert!(Scanner::new(vec![group], ScanConfig::default()).is_err());
    let dup = vec![CustomRule::new("d", "a", &["a"]), CustomRule::new("d", "b", &["b"])];
    assert!(Scanner::new(dup, ScanConfig::default()).is_err());
}

#[test]
fn snippet_redacts_every_secret_on_its_line() {
    let s = Scanner::with_builtin_rules().unwrap();
    let content = format!("keys = [\"{AKID}\", \"ASIAH5CEUTW2CYQD7EJG\"]\n");
    let found = s.scan("a.py", content.as_bytes());
    assert_eq!(found.len(), 2);
    for m in &found {
        assert_eq!(m.snippet, "keys = [\"AKIA****************\", \"ASIA****************\"]");
    }
}

#[test]
fn generic_rule_rejects_code_and_prose() {
    let s = Scanner::with_builtin_rules().unwrap();
    for line in [
        "\"k8s/service-account-tokens\" => \"Protect service account tokens 2024\",",
        "actions: secretsmanager:GetSecretValue, kms:Decrypt",
        "token = request.headers.get(AUTH_HEADER)",
        "password: \"{{ .Values.db.password }}\"",
        "secret_name = \"prod-db-credentials\"",
        "use oci_client::secrets::RegistryAuth;",
        "e @ (CredentialRetrievalError::CredentialHelperFailure { .. }) => {}",
    ] {
        assert_eq!(s.scan("a.txt", line.as_bytes()), vec![], "{line}");
    }
}

#[test]
fn inline_allow_comments_drop_the_secrets_of_their_line_only() {
    let s = Scanner::with_builtin_rules().unwrap();
    for marker in ["# gitleaks:allow", "// rampart:allow", "# pragma: allowlist secret"] {
        let content = format!("a = {AKID} {marker}\nb = {AKID}\n");
        let found = s.scan("a.txt", content.as_bytes());
        assert_eq!(found.len(), 1, "{marker}");
        assert_eq!(found[0].start_line, 2, "{marker}");
    }
}

#[test]
fn fingerprint_names_the_rules_and_configuration() {
    let a = Scanner::with_builtin_rules().unwrap();
    let b = Scanner::with_builtin_rules().unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint(), "the same rules give the same fingerprint");
    assert_eq!(a.fingerprint().len(), 32);
    assert!(a.fingerprint().bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    let smaller = builtin_with(ScanConfig { max_file_size: 1024, ..ScanConfig::default() });
    assert_ne!(a.fingerprint(), smaller.fingerprint(), "the configuration is part of it");
    let mut rules: Vec<CustomRule> = builtin_rules().into_iter().map(CustomRule::from).collect();
    rules.pop();
    let fewer = Scanner::new(rules, ScanConfig::default()).unwrap();
    assert_ne!(a.fingerprint(), fewer.fingerprint(), "the rules are part of it");
}
