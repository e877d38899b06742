//! Misconfigurations through the shared filters: severity, the ignore file's `misconfigurations`
//! section, plain `.trivyignore` ids, inline suppressions; not VEX nor ignore-unfixed.

mod common;

use common::*;
use rampart_filter::{EntryKind, FilterOptions, IgnoreFile, LoadError, Notice, VexDocument, apply};
use rampart_model::{Severity, Suppression};

fn notices(n: &[Notice]) -> Vec<String> {
    n.iter().map(ToString::to_string).collect()
}

fn configs() -> rampart_model::Report {
    with_configs(
        report(vec![("package-lock.json", vec![vuln("CVE-2021-23337", "pkg:npm/lodash@4.17.15")])]),
        vec![
            (
                "deploy/dev/web.yaml",
                vec![
                    misconfig("RMP-K8S-0001", Severity::High, 10),
                    misconfig("AVD-KSV-0017", Severity::Medium, 12),
                    misconfig("RMP-K8S-0002", Severity::Low, 14),
                ],
            ),
            (
                "./deploy/prod/web.yaml",
                vec![
                    misconfig("RMP-K8S-0001", Severity::High, 10),
                    misconfig("AVD-KSV-0017", Severity::Medium, 12),
                ],
            ),
        ],
    )
}

#[test]
fn severities_apply_to_misconfigurations() {
    let mut r = configs();
    let opts = FilterOptions {
        severities: Some(vec![Severity::High]),
        show_suppressed: true,
        ..options(day(2026, 1, 1))
    };
    let out = apply(&mut r, &opts);
    assert_eq!(
        left_misconfigs(&r),
        [
            ("deploy/dev/web.yaml".to_string(), "RMP-K8S-0001".to_string(), None),
            ("./deploy/prod/web.yaml".to_string(), "RMP-K8S-0001".to_string(), None),
        ]
    );
    // Two misconfigurations below HIGH in one file, one in the other; the vulnerability is HIGH.
    assert_eq!(out.by_severity, 3);
    assert_eq!(ids(&r), ["CVE-2021-23337"]);
}

#[test]
fn ignore_unfixed_and_vex_leave_misconfigurations_alone() {
    let vex = VexDocument::parse(
        "vex.json",
        br#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2024-01-01T00:00:00Z","version":1,
            "statements":[{"vulnerability":{"name":"RMP-K8S-0001"},"products":[{"@id":"pkg:npm/lodash@4.17.15"}],"status":"not_affected","justification":"component_not_present"}]}"#,
    )
    .unwrap();
    let mut r = configs();
    let before = r.results[1..].to_vec();
    let out =
        apply(&mut r, &FilterOptions { ignore_unfixed: true, vex: vec![vex], ..options(day(2026, 1, 1)) });
    assert_eq!(r.results[1..], before[..]);
    assert_eq!((out.unfixed, out.vex, out.ignored), (0, 0, 0));
}

#[test]
fn the_misconfigurations_section_applied() {
    let file = IgnoreFile::load(&fixture("rampartignore-misconfig.yaml")).unwrap();
    let path = file.path.clone();
    assert!(file.notices.is_empty(), "the section is supported: {:?}", file.notices);
    let kinds: Vec<_> = file.entries.iter().map(|e| (e.id.as_str(), e.kind, e.line)).collect();
    assert_eq!(
        kinds,
        [
            ("CVE-2021-23337", EntryKind::Vulnerability, 3),
            ("RMP-K8S-0001", EntryKind::Misconfiguration, 7),
            ("AVD-KSV-0017", EntryKind::Misconfiguration, 12),
            ("RMP-DOCKER-0002", EntryKind::Misconfiguration, 16),
        ]
    );
    let mut r = configs();
    let out = apply(
        &mut r,
        &FilterOptions {
            ignore_file: Some(file.clone()),
            show_suppressed: true,
            ..options(day(2026, 1, 15))
        },
    );
    assert_eq!(
        left_misconfigs(&r),
        [
            // `paths` restricts the first entry to the dev file.
            ("deploy/dev/web.yaml".into(), "RMP-K8S-0001".into(), Some("ignore-file".into())),
            ("deploy/dev/web.yaml".into(), "AVD-KSV-0017".into(), Some("ignore-file".into())),
            ("deploy/dev/web.yaml".into(), "RMP-K8S-0002".into(), None),
            ("./deploy/prod/web.yaml".into(), "RMP-K8S-0001".into(), None),
            ("./deploy/prod/web.yaml".into(), "AVD-KSV-0017".into(), Some("ignore-file".into())),
        ]
    );
    let s = r.results[1].misconfigurations[0].suppressed.as_ref().unwrap();
    assert_eq!(s.source, format!("{path}:7"));
    assert_eq!(s.reason.as_deref(), Some("the dev cluster runs privileged debug pods"));
    assert_eq!(
        r.results[1].misconfigurations[1].suppressed.as_ref().unwrap().reason.as_deref(),
        Some("accepted")
    );
    // The vulnerability entry suppressed the vulnerability: 1 + 3.
    assert_eq!(out.ignored, 4);
    assert_eq!(notices(&out.notices), [format!("{path}:16: ignore entry RMP-DOCKER-0002 matched nothing")]);

    // Without show_suppressed they are gone; on the expiry day of `expired_at` (Trivy's
    // meaning) the AVD entry stops applying and says so.
    let mut r = configs();
    let out = apply(&mut r, &FilterOptions { ignore_file: Some(file), ..options(day(2026, 1, 31)) });
    assert_eq!(
        left_misconfigs(&r),
        [
            ("deploy/dev/web.yaml".into(), "AVD-KSV-0017".into(), None),
            ("deploy/dev/web.yaml".into(), "RMP-K8S-0002".into(), None),
            ("./deploy/prod/web.yaml".into(), "RMP-K8S-0001".into(), None),
            ("./deploy/prod/web.yaml".into(), "AVD-KSV-0017".into(), None),
        ]
    );
    assert_eq!(out.ignored, 2);
    assert_eq!(
        notices(&out.notices),
        [
            format!(
                "{path}:12: ignore entry AVD-KSV-0017 expired (expired_at: 2026-01-31): 2 findings are shown again"
            ),
            format!("{path}:16: ignore entry RMP-DOCKER-0002 matched nothing"),
        ]
    );
}

#[test]
fn expires_applies_through_its_day_for_misconfigurations() {
    let text = "misconfigurations:\n  - id: rmp-k8s-0002\n    expires: 2026-01-31\n";
    let run = |today| {
        let mut r = configs();
        let out = apply(&mut r, &FilterOptions { ignore_file: Some(yaml(text)), ..options(today) });
        (left_misconfigs(&r).len(), out.ignored, notices(&out.notices))
    };
    // The id matches in any ASCII case.
    assert_eq!(run(day(2026, 1, 31)), (4, 1, vec![]));
    assert_eq!(
        run(day(2026, 2, 1)),
        (
            5,
            0,
            vec![
                ".rampartignore.yaml:2: ignore entry rmp-k8s-0002 expired (expires: 2026-01-31): the finding is shown again"
                    .to_string()
            ]
        )
    );
}

#[test]
fn sections_do_not_cross() {
    // A vulnerability entry naming a check id does not hide the misconfiguration, and a
    // misconfiguration entry naming a CVE does not hide the vulnerability.
    let text = "vulnerabilities:\n  - id: RMP-K8S-0002\nmisconfigurations:\n  - id: CVE-2021-23337\n";
    let mut r = configs();
    let out = apply(&mut r, &FilterOptions { ignore_file: Some(yaml(text)), ..options(day(2026, 1, 1)) });
    assert_eq!(out.ignored, 0);
    assert_eq!(left_misconfigs(&r).len(), 5);
    assert_eq!(ids(&r), ["CVE-2021-23337"]);
    assert_eq!(
        notices(&out.notices),
        [
            ".rampartignore.yaml:2: ignore entry RMP-K8S-0002 matched nothing",
            ".rampartignore.yaml:4: ignore entry CVE-2021-23337 matched nothing",
        ]
    );
}

#[test]
fn plain_trivyignore_ids_apply_to_both() {
    let file = IgnoreFile::parse_trivyignore(
        ".trivyignore",
        "CVE-2021-23337\nAVD-KSV-0017 exp:2026-06-01 # accepted\nRMP-K8S-0002\n",
    )
    .unwrap();
    assert!(file.entries.iter().all(|e| e.kind == EntryKind::Any));
    let mut r = configs();
    let out = apply(
        &mut r,
        &FilterOptions { ignore_file: Some(file), show_suppressed: true, ..options(day(2026, 1, 1)) },
    );
    assert_eq!(out.ignored, 1 + 2 + 1);
    let s = r.results[2].misconfigurations[1].suppressed.as_ref().unwrap();
    assert_eq!(
        (s.kind.as_str(), s.source.as_str(), s.reason.as_deref()),
        ("ignore-file", ".trivyignore:2", Some("accepted"))
    );
    assert!(left(&r).iter().all(|(_, _, s)| s.is_some()));
    assert!(out.notices.is_empty(), "{:?}", out.notices);
}

fn inline() -> Suppression {
    Suppression {
        kind: "inline".into(),
        source: "deploy/dev/web.yaml:9".into(),
        reason: Some("debug pod".into()),
        justification: None,
    }
}

#[test]
fn inline_suppressions_are_dropped_unless_asked() {
    let mut r = configs();
    r.results[1].misconfigurations[0].suppressed = Some(inline());
    let mut shown = r.clone();
    // An ignore entry for the same finding: the inline suppression came first, the entry is unused
    // (as for findings suppressed before, which no entry is matched against).
    let text = "misconfigurations:\n  - id: RMP-K8S-0001\n    paths: [deploy/dev/*]\n";
    let out = apply(&mut r, &FilterOptions { ignore_file: Some(yaml(text)), ..options(day(2026, 1, 1)) });
    assert_eq!(left_misconfigs(&r).len(), 4);
    assert!(!r.results[1].misconfigurations.iter().any(|m| m.id == "RMP-K8S-0001"));
    assert_eq!((out.inline, out.ignored, out.suppressed()), (1, 0, 1));
    assert_eq!(notices(&out.notices), [".rampartignore.yaml:2: ignore entry RMP-K8S-0001 matched nothing"]);

    // Kept as they arrived with show_suppressed, whatever the severity filter says.
    let out = apply(
        &mut shown,
        &FilterOptions {
            show_suppressed: true,
            severities: Some(vec![Severity::Critical]),
            ..options(day(2026, 1, 1))
        },
    );
    assert_eq!(shown.results[1].misconfigurations.len(), 1);
    assert_eq!(shown.results[1].misconfigurations[0].suppressed, Some(inline()));
    assert_eq!((out.inline, out.by_severity), (1, 1 + 2 + 2));

    // Suppressed by an earlier filtering (not inline): kept or dropped, not counted again.
    let mut again = configs();
    again.results[1].misconfigurations[0].suppressed =
        Some(Suppression { kind: "ignore-file".into(), ..inline() });
    let out = apply(&mut again, &options(day(2026, 1, 1)));
    assert_eq!((out.inline, out.ignored, left_misconfigs(&again).len()), (0, 0, 4));
}

#[test]
fn malformed_misconfiguration_entries_name_file_and_line() {
    let cases: &[(&str, u32, &str)] = &[
        (
            "misconfigurations:\n  - id: RMP-K8S-0001\n    purl: pkg:npm/a\n",
            3,
            "`purl` does not apply to misconfigurations (expected id, paths, reason, expires)",
        ),
        (
            "misconfigurations:\n  - id: RMP-K8S-0001\n    expire: 2026-01-31\n",
            3,
            "unknown key `expire` in ignore entry (expected id, paths, reason, expires)",
        ),
        ("misconfigurations:\n  - paths: [a]\n", 2, "ignore entry without `id`"),
        ("misconfigurations:\n  - id: [a]\n", 2, "`id` must be a check id"),
        ("misconfigurations:\n  id: RMP-K8S-0001\n", 2, "`misconfigurations` must be a list"),
        ("misconfigurations:\n  - id: X\n    expires: 2026-02-30\n", 3, "invalid date \"2026-02-30\""),
        ("misconfigurations:\n  - id: X\n    paths: ['a/[b']\n", 3, "invalid glob"),
        ("misconfiguration:\n  - id: X\n", 1, "expected `vulnerabilities`, `misconfigurations` or `secrets`"),
        ("secrets:\n  - id: X\n    purl: pkg:npm/a\n", 3, "`purl` does not apply to secrets"),
    ];
    for (text, line, message) in cases {
        match IgnoreFile::parse_yaml(".rampartignore.yaml", text).unwrap_err() {
            LoadError::Invalid { line: l, message: m, .. } => {
                assert_eq!(l, Some(*line), "{text}: {m}");
                assert!(m.contains(message), "{text}: {m}");
            }
            other => panic!("{other:?}"),
        }
    }
    // An empty section is fine and says nothing.
    let f = yaml("misconfigurations:\nvulnerabilities: []\n");
    assert!(f.entries.is_empty() && f.notices.is_empty());
}
