//! Arbitrary text as a gitleaks TOML configuration: loading and compiling either succeed or
//! return an error, never panic; a compiled configuration scans its own text safely.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_secrets::{ScanConfig, Scanner, load_gitleaks_config};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(config) = load_gitleaks_config(text) else { return };
    let mut scan_config = ScanConfig::default();
    scan_config.allowlist.extend(config.allowlist.clone());
    if let Ok(scanner) = Scanner::new(config.effective_rules(), scan_config) {
        let _ = scanner.scan("a.txt", data);
    }
});
