//! Severity and ignore-unfixed filtering, their order, and what `apply` counts.

mod common;

use common::*;
use rampart_filter::{FilterOptions, FilterOutcome, IgnoreFile, apply};
use rampart_model::{Severity, Suppression};

fn sev(id: &str, severity: Severity, fixed: &[&str]) -> rampart_model::Vulnerability {
    let mut v = vuln(id, "pkg:npm/a@1.0.0");
    v.severity = severity;
    v.fixed_versions = fixed.iter().map(|f| f.to_string()).collect();
    v
}

fn sample() -> rampart_model::Report {
    report(vec![
        (
            "a/package-lock.json",
            vec![
                sev("CVE-1", Severity::Critical, &["1.0.1"]),
                sev("CVE-2", Severity::High, &[]),
                sev("CVE-3", Severity::Medium, &["2.0.0"]),
                sev("CVE-4", Severity::Unknown, &["2.0.0"]),
            ],
        ),
        (
            "b/package-lock.json",
            vec![sev("CVE-5", Severity::Low, &[]), sev("CVE-6", Severity::High, &["1.2.0"])],
        ),
    ])
}

#[test]
fn no_options_keep_everything() {
    let mut r = sample();
    let before = r.clone();
    let out = apply(&mut r, &options(day(2026, 1, 1)));
    assert_eq!(r, before);
    assert_eq!(out, FilterOutcome::default());
}

#[test]
fn severities_keep_only_the_listed_ones() {
    let mut r = sample();
    let opts = FilterOptions {
        severities: Some(vec![Severity::Critical, Severity::High, Severity::Unknown]),
        show_suppressed: true,
        ..options(day(2026, 1, 1))
    };
    let out = apply(&mut r, &opts);
    assert_eq!(ids(&r), ["CVE-1", "CVE-2", "CVE-4", "CVE-6"]);
    assert_eq!(out.by_severity, 2);
    // Not a suppression: nothing is kept marked, even with show_suppressed.
    assert!(left(&r).iter().all(|(_, _, s)| s.is_none()));
    let mut r = sample();
    let out = apply(&mut r, &FilterOptions { severities: Some(vec![]), ..options(day(2026, 1, 1)) });
    assert_eq!((ids(&r).len(), out.by_severity), (0, 6));
}

#[test]
fn ignore_unfixed_drops_findings_without_a_fixed_version() {
    let mut r = sample();
    r.results[1].vulnerabilities[1].fixed_versions = vec![" ".into()];
    let out = apply(
        &mut r,
        &FilterOptions { ignore_unfixed: true, show_suppressed: true, ..options(day(2026, 1, 1)) },
    );
    assert_eq!(ids(&r), ["CVE-1", "CVE-3", "CVE-4"]);
    assert_eq!(out.unfixed, 3);
}

#[test]
fn ignore_unfixed_honours_distro_states() {
    let mut r = sample();
    let kept = ids(&r).len();
    // A fixed version in another branch, but the distro will not fix this release.
    r.results[0].vulnerabilities[0].status = Some("will_not_fix".into());
    let out = apply(&mut r, &FilterOptions { ignore_unfixed: true, ..options(day(2026, 1, 1)) });
    assert_eq!(out.unfixed, 2 + 1, "the two without a fix and the will-not-fix one");
    assert_eq!(ids(&r).len(), kept - 3);
    assert!(!ids(&r).iter().any(|i| i == "CVE-1"));
}

#[test]
fn each_finding_counts_under_the_first_filter_that_removes_it() {
    let ignore =
        IgnoreFile::parse_yaml("i.yaml", "vulnerabilities:\n  - id: CVE-2\n  - id: CVE-5\n  - id: CVE-6\n")
            .unwrap();
    let mut r = sample();
    let opts = FilterOptions {
        severities: Some(vec![Severity::Critical, Severity::High]),
        ignore_unfixed: true,
        ignore_file: Some(ignore),
        ..options(day(2026, 1, 1))
    };
    let out = apply(&mut r, &opts);
    // CVE-5 (LOW) goes to severity, CVE-2 (no fix) to unfixed, CVE-6 to the ignore file.
    assert_eq!(ids(&r), ["CVE-1"]);
    assert_eq!((out.by_severity, out.unfixed, out.ignored, out.vex), (3, 1, 1, 0));
    // The entries for CVE-2 and CVE-5 matched findings: they are not reported unused.
    assert!(out.notices.is_empty(), "{:?}", out.notices);
}

#[test]
fn already_suppressed_findings_are_kept_only_when_asked() {
    let mut r = sample();
    r.results[0].vulnerabilities[0].suppressed = Some(Suppression {
        kind: "vex".into(),
        source: "earlier.json".into(),
        reason: None,
        justification: Some("fixed".into()),
    });
    let mut shown = r.clone();
    let out = apply(&mut r, &options(day(2026, 1, 1)));
    assert_eq!(ids(&r), ["CVE-2", "CVE-3", "CVE-4", "CVE-5", "CVE-6"]);
    assert_eq!(out, FilterOutcome::default());
    apply(&mut shown, &FilterOptions { show_suppressed: true, ..options(day(2026, 1, 1)) });
    assert_eq!(shown.results[0].vulnerabilities[0].suppressed.as_ref().unwrap().source, "earlier.json");
}

fn secret(rule: &str, severity: Severity) -> rampart_model::Secret {
    rampart_model::Secret {
        rule_id: rule.into(),
        severity,
        title: "T".into(),
        start_line: 1,
        end_line: 1,
        redacted: "AKIA****".into(),
        snippet: String::new(),
        layer: None,
        deleted: false,
        commit: None,
        suppressed: None,
    }
}

#[test]
fn secrets_follow_severity_and_the_secrets_section() {
    let mut r = sample();
    r.results[0].secrets.push(secret("aws-access-key-id", Severity::Critical));
    r.results[0].secrets.push(secret("generic-password", Severity::Low));
    r.results[0].secrets.push(secret("slack-webhook-url", Severity::High));
    apply(
        &mut r,
        &FilterOptions {
            severities: Some(vec![Severity::Critical, Severity::High]),
            ..options(day(2026, 1, 1))
        },
    );
    let rules = |r: &rampart_model::Report| {
        r.results[0].secrets.iter().map(|s| s.rule_id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(rules(&r), ["aws-access-key-id", "slack-webhook-url"]);

    let file = IgnoreFile::parse_yaml(
        ".rampartignore.yaml",
        "secrets:\n  - id: slack-webhook-url\n    reason: rotated\nmisconfigurations:\n  - id: aws-access-key-id\n",
    )
    .unwrap();
    let out = apply(&mut r, &FilterOptions { ignore_file: Some(file), ..options(day(2026, 1, 1)) });
    // A misconfigurations entry never hides a secret with the same id.
    assert_eq!(rules(&r), ["aws-access-key-id"]);
    assert_eq!(out.ignored, 1);
    // Plain .trivyignore ids apply to secret rules, as in Trivy.
    let file = IgnoreFile::parse_trivyignore(".trivyignore", "AWS-ACCESS-KEY-ID\n").unwrap();
    apply(&mut r, &FilterOptions { ignore_file: Some(file), ..options(day(2026, 1, 1)) });
    assert!(rules(&r).is_empty());
}
