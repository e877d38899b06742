//! Every built-in rule finds its examples and stays quiet on its near misses.

use rampart_secrets::{CustomRule, ScanConfig, Scanner, builtin_rules};

fn single(rule: &rampart_secrets::Rule) -> Scanner {
    Scanner::new(vec![CustomRule::from(rule)], ScanConfig::default()).expect("rule compiles")
}

#[test]
fn every_rule_is_documented_and_has_examples() {
    let rules = builtin_rules();
    assert!(rules.len() >= 60, "only {} rules", rules.len());
    for r in &rules {
        assert!(!r.title.is_empty() && !r.description.is_empty(), "{} undocumented", r.id);
        assert!(!r.examples.is_empty(), "{} has no example", r.id);
        assert!(!r.negatives.is_empty(), "{} has no near miss", r.id);
        assert!(!r.keywords.is_empty(), "{} has no keyword", r.id);
        for k in r.keywords {
            assert_eq!(*k, k.to_ascii_lowercase(), "{}: keyword {k} not lowercase", r.id);
        }
    }
    // all compile together, ids unique
    Scanner::with_builtin_rules().expect("builtin rules parse").compile_all().expect("builtin rules compile");
}

#[test]
fn examples_match() {
    let mut failures = Vec::new();
    for r in builtin_rules() {
        let scanner = single(r);
        for ex in r.examples {
            let found = scanner.scan("src/app.txt", ex.as_bytes());
            if !found.iter().any(|m| m.rule_id == r.id) {
                failures.push(format!("{}: example not found: {ex}", r.id));
            }
            // keywords really prefilter: some keyword occurs in every example
            let lower = ex.to_ascii_lowercase();
            if !r.keywords.iter().any(|k| lower.contains(k)) {
                failures.push(format!("{}: no keyword in example {ex}", r.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn negatives_do_not_match() {
    let mut failures = Vec::new();
    for r in builtin_rules() {
        let scanner = single(r);
        for neg in r.negatives {
            let found = scanner.scan("src/app.txt", neg.as_bytes());
            if let Some(m) = found.iter().find(|m| m.rule_id == r.id) {
                failures.push(format!("{}: near miss reported ({}): {neg}", r.id, m.redacted));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn examples_found_by_the_full_rule_set() {
    // With every rule loaded, each example is still reported (maybe by a more
    // specific rule) and never produces two findings on the same secret bytes.
    let scanner = Scanner::with_builtin_rules().unwrap();
    for r in builtin_rules() {
        for ex in r.examples {
            let found = scanner.scan("src/app.txt", ex.as_bytes());
            assert!(!found.is_empty(), "{}: nothing found in {ex}", r.id);
            for w in found.windows(2) {
                assert!(w[0].end <= w[1].start, "{}: overlapping findings in {ex}", r.id);
            }
        }
    }
}

#[test]
fn line_windows_find_exactly_what_a_whole_file_search_finds() {
    // The built-in rules promise that every match contains a keyword (`keyword_in_match`), so
    // rules that cannot match across lines are only run over lines with a keyword. Searching
    // whole files instead must give the same findings: every example, alone and inside a
    // bigger file (other lines with keywords before and after, CRLF line ends).
    let windowed = Scanner::with_builtin_rules().unwrap();
    let whole = Scanner::new(
        builtin_rules()
            .into_iter()
            .map(|r| CustomRule { keyword_in_match: false, ..CustomRule::from(r) })
            .collect(),
        rampart_secrets::ScanConfig::default(),
    )
    .unwrap();
    let all: Vec<&str> = builtin_rules().iter().flat_map(|r| r.examples.iter().copied()).collect();
    let mut texts: Vec<String> = all.iter().map(|e| e.to_string()).collect();
    texts.push(all.join("\n# password token secret api_key\n"));
    texts.push(all.join("\r\n"));
    for text in &texts {
        let a = windowed.scan("src/app.txt", text.as_bytes());
        let b = whole.scan("src/app.txt", text.as_bytes());
        assert_eq!(a, b, "in {text:.200}");
    }
}
