//! Arbitrary bytes as a file's content: the scanner never panics, offsets and lines are
//! consistent, and no finding carries more of the secret than its redaction allows.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rampart_secrets::Scanner;

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::with_builtin_rules().expect("built-in rules"))
}

fuzz_target!(|data: &[u8]| {
    for m in scanner().scan("fuzz/input.env", data) {
        assert!(m.start < m.end && m.end <= data.len());
        assert!(m.start_line <= m.end_line);
        let secret = &data[m.start..m.end];
        if secret.len() > 8 {
            assert!(!m.redacted.as_bytes().windows(secret.len()).any(|w| w == secret));
            assert!(!m.snippet.as_bytes().windows(secret.len()).any(|w| w == secret));
        }
    }
});
