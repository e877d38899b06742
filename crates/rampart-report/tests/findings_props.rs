//! Whatever a finding holds, every format renders it: no panic, valid JSON, a table that fits in
//! 100 terminal columns (display width: combining marks take none, wide characters two) without
//! control characters, SARIF lines from 1.

mod fixture;

use fixture::arbitrary_finding as finding;
use proptest::prelude::*;
use rampart_report::{Format, RenderOptions, render};

fn render_str(report: &rampart_model::Report, format: Format) -> String {
    let mut out = Vec::new();
    render(report, format, &RenderOptions::default(), &mut out).expect("renders");
    String::from_utf8(out).expect("UTF-8")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_findings_render_in_every_format(findings in prop::collection::vec(finding(), 1..6), at in 0usize..6) {
        let mut report = fixture::sample_report();
        let slot = at % report.results.len();
        report.results[slot].vulnerabilities.extend(findings);

        let table = render_str(&report, Format::Table);
        prop_assert!(!table.contains('\x1b'));
        for line in table.lines() {
            prop_assert!(unicode_width::UnicodeWidthStr::width(line) <= 100, "line too wide: {}", line);
        }
        for format in [Format::Json, Format::CycloneDx, Format::SpdxJson] {
            let doc: serde_json::Value = serde_json::from_str(&render_str(&report, format)).expect("JSON");
            prop_assert!(doc.is_object());
        }
        let sarif: serde_json::Value = serde_json::from_str(&render_str(&report, Format::Sarif)).expect("JSON");
        let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().cloned().unwrap_or_default();
        for r in sarif["runs"][0]["results"].as_array().into_iter().flatten() {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            prop_assert!(region["startLine"].as_u64().unwrap_or(0) >= 1);
            prop_assert!(region["endLine"].as_u64() >= region["startLine"].as_u64());
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap_or_default();
            prop_assert!(!uri.is_empty() && uri.is_ascii() && !uri.contains(' ') && !uri.starts_with('/'));
            let index = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            prop_assert_eq!(&rules[index]["id"], &r["ruleId"]);
        }
        for rule in &rules {
            let score: f64 = rule["properties"]["security-severity"].as_str().unwrap_or("x").parse().expect("a number");
            prop_assert!((0.0..=10.0).contains(&score));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_misconfigurations_render_in_every_format(
        found in prop::collection::vec(fixture::arbitrary_misconfiguration(), 1..6),
        target in "\\PC{0,40}",
        color in any::<bool>(),
    ) {
        let mut report = fixture::sample_report();
        report.results.push(fixture::config_result(&target, "kubernetes", found));

        let mut out = Vec::new();
        render(&report, Format::Table, &RenderOptions { color, ..Default::default() }, &mut out).expect("renders");
        let table = String::from_utf8(out).expect("UTF-8");
        if !color {
            prop_assert!(!table.contains('\x1b'));
            for line in table.lines() {
                prop_assert!(unicode_width::UnicodeWidthStr::width(line) <= 100, "line too wide: {}", line);
            }
        }
        for format in [Format::Json, Format::CycloneDx, Format::SpdxJson] {
            let doc: serde_json::Value = serde_json::from_str(&render_str(&report, format)).expect("JSON");
            prop_assert!(doc.is_object());
        }
        let sarif: serde_json::Value = serde_json::from_str(&render_str(&report, Format::Sarif)).expect("JSON");
        let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().cloned().unwrap_or_default();
        for r in sarif["runs"][0]["results"].as_array().into_iter().flatten() {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            prop_assert!(region["startLine"].as_u64().unwrap_or(0) >= 1);
            prop_assert!(region["endLine"].as_u64() >= region["startLine"].as_u64());
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap_or_default();
            prop_assert!(!uri.is_empty() && uri.is_ascii() && !uri.contains(' ') && !uri.starts_with('/'));
            let index = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            prop_assert_eq!(&rules[index]["id"], &r["ruleId"]);
        }
    }
}
