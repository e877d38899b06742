//! Property tests: redaction never leaks, arbitrary input never panics.

use std::sync::OnceLock;

use proptest::prelude::*;
use rampart_secrets::{Scanner, builtin_rules};

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::with_builtin_rules().unwrap())
}

fn examples() -> Vec<&'static str> {
    builtin_rules().iter().flat_map(|r| r.examples.iter().copied()).collect()
}

fn check_invariants(content: &[u8]) {
    let lines = content.iter().filter(|&&b| b == b'\n').count() + 1;
    let found = scanner().scan("src/main.rs", content);
    for m in &found {
        // no snippet shows any secret found in the file
        for other in &found {
            if other.secret_len > 8 {
                let secret = String::from_utf8_lossy(&content[other.start..other.end]);
                assert!(
                    !m.snippet.contains(secret.as_ref()),
                    "snippet of {} leaks {}",
                    m.rule_id,
                    other.rule_id
                );
            }
        }
    }
    for m in found {
        assert!(m.start < m.end && m.end <= content.len());
        assert_eq!(m.secret_len, m.end - m.start);
        assert!(1 <= m.start_line && m.start_line <= m.end_line && m.end_line <= lines);
        let secret = &content[m.start..m.end];
        if m.secret_len > 8 {
            let secret = String::from_utf8_lossy(secret);
            assert!(!m.redacted.contains(secret.as_ref()), "redacted leaks {}", m.rule_id);
            assert!(!m.snippet.contains(secret.as_ref()), "snippet leaks {}", m.rule_id);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn redaction_never_leaks(
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..4),
        prefix in "[ -~\n]{0,40}",
        sep in "[ \n\t=:\"',;]{1,3}",
        suffix in "[ -~\n]{0,40}",
    ) {
        let ex = examples();
        let mut content = prefix;
        for p in &picks {
            content.push_str(ex[p.index(ex.len())]);
            content.push_str(&sep);
        }
        // the same secret twice on one line must be redacted twice
        content.push_str(ex[picks[0].index(ex.len())]);
        content.push_str(&suffix);
        check_invariants(content.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_invariants(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,600}") {
        check_invariants(text.as_bytes());
    }

    #[test]
    fn secretish_text_never_panics(
        text in "(?:AKIA|ghp_|xoxb-|eyJ|-----BEGIN |password=|postgres://|sk_live_|\"auth\"|data:\n  |kind: Secret\n|[A-Za-z0-9+/=_.:@-]{1,12}|[\r\n \t\"']){0,60}",
    ) {
        check_invariants(text.as_bytes());
    }
}
