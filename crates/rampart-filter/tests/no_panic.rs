//! Whatever the bytes, reading an ignore file or a VEX document returns a value or an error.

use proptest::prelude::*;
use rampart_filter::{IgnoreFile, VexDocument};

const YAML_PIECES: &[&str] = &[
    "vulnerabilities:",
    "\n",
    "  - ",
    "id: ",
    "CVE-2021-1",
    "purl: ",
    "pkg:npm/a@1",
    "paths: ",
    "[",
    "]",
    "{",
    "}",
    "expires: ",
    "2026-01-31",
    "2026-02-30",
    "reason: ",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!str ",
    "~",
    ": ",
    "- ",
    "    ",
    "#",
    "%",
    "---\n",
    "...\n",
    "\t",
    "exp:",
    "\u{feff}",
    "?",
    ",",
    "|\n",
    ">-\n",
];

const JSON_PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"@context\"",
    "\"https://openvex.dev/ns/v0.2.0\"",
    "\"statements\"",
    "\"vulnerability\"",
    "\"name\"",
    "\"CVE-1\"",
    "\"products\"",
    "\"@id\"",
    "\"pkg:npm/a@1\"",
    "\"subcomponents\"",
    "\"status\"",
    "\"not_affected\"",
    "\"fixed\"",
    "\"bomFormat\"",
    "\"CycloneDX\"",
    "\"vulnerabilities\"",
    "\"analysis\"",
    "\"state\"",
    "\"affects\"",
    "\"ref\"",
    "\"components\"",
    "\"bom-ref\"",
    "\"purl\"",
    "null",
    "1",
    "true",
    "\"timestamp\"",
    "\"2023-01-01T00:00:00Z\"",
    "\"aliases\"",
    " ",
    "\n",
];

fn pieces(set: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(set), 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = IgnoreFile::parse_yaml(".rampartignore.yaml", &text);
        let _ = IgnoreFile::parse_trivyignore(".trivyignore", &text);
        let _ = VexDocument::parse("vex.json", &bytes);
    }

    #[test]
    fn yaml_like_text(text in pieces(YAML_PIECES)) {
        if let Err(e) = IgnoreFile::parse_yaml(".rampartignore.yaml", &text) {
            prop_assert!(e.to_string().starts_with(".rampartignore.yaml"));
        }
        let _ = IgnoreFile::parse_trivyignore(".trivyignore", &text);
    }

    #[test]
    fn json_like_text(text in pieces(JSON_PIECES)) {
        if let Err(e) = VexDocument::parse("vex.json", text.as_bytes()) {
            prop_assert!(e.to_string().starts_with("vex.json"));
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for depth in [100, 1000, 100_000] {
        assert!(IgnoreFile::parse_yaml("i.yaml", &"[".repeat(depth)).is_err());
        assert!(IgnoreFile::parse_yaml("i.yaml", &"- ".repeat(depth)).is_err());
        let json = format!("{{\"statements\": {}", "[".repeat(depth));
        assert!(VexDocument::parse("v.json", json.as_bytes()).is_err());
        let json = format!(
            "{{\"statements\": [{{\"vulnerability\": \"CVE-1\", \"status\": \"fixed\", \"products\": [{}]}}]}}",
            "{\"subcomponents\": [".repeat(depth)
        );
        assert!(VexDocument::parse("v.json", json.as_bytes()).is_err());
    }
}
