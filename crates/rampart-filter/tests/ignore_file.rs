//! `.rampartignore.yaml` and `.trivyignore`: parsing, every matching rule, expiry, notices.

mod common;

use common::*;
use rampart_filter::{FilterOptions, IgnoreFile, IgnoreFormat, LoadError, Notice, apply};

fn with_file(today: time::Date, file: IgnoreFile) -> FilterOptions {
    FilterOptions { ignore_file: Some(file), ..options(today) }
}

fn notices(n: &[Notice]) -> Vec<String> {
    n.iter().map(ToString::to_string).collect()
}

#[test]
fn parses_the_documented_example() {
    let file = IgnoreFile::load(&fixture("rampartignore.yaml")).unwrap();
    assert_eq!(file.format, IgnoreFormat::Yaml);
    assert!(file.path.ends_with("fixtures/rampartignore.yaml"));
    let summary: Vec<_> = file
        .entries
        .iter()
        .map(|e| (e.id.as_str(), e.line, e.purls.len(), e.paths.clone(), e.expires.map(|x| x.to_string())))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "CVE-2021-23337",
                4,
                1,
                vec!["services/api/**".to_string()],
                Some("expires: 2027-01-31".to_string())
            ),
            ("GHSA-p6mc-m468-83gw", 10, 1, vec![], None),
            ("CVE-2022-24785", 14, 0, vec![], Some("expires: 2026-01-31".to_string())),
            ("CVE-2019-10744", 18, 0, vec![], None),
        ]
    );
    assert_eq!(file.entries[0].reason.as_deref(), Some("not reachable: we never call template()"));
    assert_eq!(file.entries[0].purls[0].as_str(), "pkg:npm/lodash@4.17.15");
    assert!(file.notices.is_empty());
}

#[test]
fn the_documented_example_applied() {
    let file = IgnoreFile::load(&fixture("rampartignore.yaml")).unwrap();
    let path = file.path.clone();
    let mut r = report(vec![
        (
            "services/api/package-lock.json",
            vec![
                vuln("CVE-2021-23337", "pkg:npm/lodash@4.17.15"),
                with_aliases(vuln("CVE-2020-8203", "pkg:npm/lodash@4.17.15"), &["GHSA-p6mc-m468-83gw"]),
                vuln("CVE-2022-24785", "pkg:npm/moment@2.29.1"),
            ],
        ),
        ("services/web/package-lock.json", vec![vuln("CVE-2021-23337", "pkg:npm/lodash@4.17.15")]),
    ]);
    let out = apply(&mut r, &FilterOptions { show_suppressed: true, ..with_file(day(2026, 2, 1), file) });
    assert_eq!(
        left(&r),
        [
            ("services/api/package-lock.json".into(), "CVE-2021-23337".into(), Some("ignore-file".into())),
            ("services/api/package-lock.json".into(), "CVE-2020-8203".into(), Some("ignore-file".into())),
            ("services/api/package-lock.json".into(), "CVE-2022-24785".into(), None),
            ("services/web/package-lock.json".into(), "CVE-2021-23337".into(), None),
        ]
    );
    let s = r.results[0].vulnerabilities[0].suppressed.as_ref().unwrap();
    assert_eq!(s.source, format!("{path}:4"));
    assert_eq!(s.reason.as_deref(), Some("not reachable: we never call template()"));
    assert_eq!(s.justification, None);
    assert_eq!((out.ignored, out.vex, out.by_severity, out.unfixed), (2, 0, 0, 0));
    assert_eq!(
        notices(&out.notices),
        [
            format!(
                "{path}:14: ignore entry CVE-2022-24785 expired (expires: 2026-01-31): the finding is shown again"
            ),
            format!("{path}:18: ignore entry CVE-2019-10744 matched nothing"),
        ]
    );
}

#[test]
fn expires_applies_through_its_day() {
    let text = "vulnerabilities:\n  - id: CVE-2024-0001\n    expires: 2026-01-31\n";
    let run = |today| {
        let mut r = report(vec![("a/package-lock.json", vec![vuln("CVE-2024-0001", "pkg:npm/a@1.0.0")])]);
        let out = apply(&mut r, &with_file(today, yaml(text)));
        (ids(&r), out.ignored, notices(&out.notices))
    };
    assert_eq!(run(day(2026, 1, 30)), (vec![], 1, vec![]));
    assert_eq!(run(day(2026, 1, 31)), (vec![], 1, vec![]));
    assert_eq!(run(day(2026, 2, 1)), (vec!["CVE-2024-0001".to_string()], 0, vec![
        ".rampartignore.yaml:2: ignore entry CVE-2024-0001 expired (expires: 2026-01-31): the finding is shown again"
            .to_string()
    ]));
}

#[test]
fn an_expired_entry_that_matches_nothing_says_so() {
    let text = "vulnerabilities:\n  - id: CVE-2024-0001\n    expires: 2025-12-31\n  - id: CVE-2024-0002\n    expires: 2025-12-31\n";
    let mut r = report(vec![(
        "package-lock.json",
        vec![vuln("CVE-2024-0002", "pkg:npm/a@1.0.0"), vuln("CVE-2024-0002", "pkg:npm/b@1.0.0")],
    )]);
    let out = apply(&mut r, &with_file(day(2026, 1, 1), yaml(text)));
    assert_eq!(ids(&r).len(), 2);
    assert_eq!(
        notices(&out.notices),
        [
            ".rampartignore.yaml:2: ignore entry CVE-2024-0001 expired (expires: 2025-12-31); it matches nothing now: remove it",
            ".rampartignore.yaml:4: ignore entry CVE-2024-0002 expired (expires: 2025-12-31): 2 findings are shown again",
        ]
    );
}

#[test]
fn trivy_expiry_stops_on_its_day_like_trivy() {
    let file = IgnoreFile::parse_trivyignore(".trivyignore", "CVE-2024-0001 exp:2026-01-31\n").unwrap();
    let run = |today| {
        let mut r = report(vec![("package-lock.json", vec![vuln("CVE-2024-0001", "pkg:npm/a@1.0.0")])]);
        let out = apply(&mut r, &with_file(today, file.clone()));
        (out.ignored, notices(&out.notices))
    };
    assert_eq!(run(day(2026, 1, 30)), (1, vec![]));
    assert_eq!(run(day(2026, 1, 31)), (0, vec![
        ".trivyignore:1: ignore entry CVE-2024-0001 expired (exp:2026-01-31): the finding is shown again".to_string()
    ]));
    // Trivy's YAML key keeps Trivy's meaning too.
    let trivy_yaml = yaml("vulnerabilities:\n  - id: CVE-2024-0001\n    expired_at: 2026-01-31\n");
    assert!(!trivy_yaml.entries[0].applies_on(day(2026, 1, 31)));
    assert!(trivy_yaml.entries[0].applies_on(day(2026, 1, 30)));
}

#[test]
fn matches_the_id_or_any_alias_in_any_case() {
    let text =
        "vulnerabilities:\n  - id: GHSA-35JH-R3H4-6JHM\n  - id: cve-2020-8203\n  - id: CVE-2099-0001\n";
    let mut r = report(vec![(
        "package-lock.json",
        vec![
            with_aliases(vuln("CVE-2021-23337", "pkg:npm/lodash@4.17.15"), &["GHSA-35jh-r3h4-6jhm"]),
            with_aliases(vuln("GHSA-p6mc-m468-83gw", "pkg:npm/lodash@4.17.15"), &["CVE-2020-8203"]),
            with_aliases(vuln("CVE-2099-0002", "pkg:npm/lodash@4.17.15"), &["CVE-2099-00011"]),
        ],
    )]);
    let out = apply(&mut r, &with_file(day(2026, 1, 1), yaml(text)));
    assert_eq!(ids(&r), ["CVE-2099-0002"]);
    assert_eq!(out.ignored, 2);
    assert_eq!(notices(&out.notices), [".rampartignore.yaml:4: ignore entry CVE-2099-0001 matched nothing"]);
}

#[test]
fn purl_with_and_without_version() {
    let text = "vulnerabilities:
  - id: CVE-2024-0001
    purl: pkg:npm/lodash@4.17.15
  - id: CVE-2024-0002
    purl: pkg:npm/lodash
  - id: CVE-2024-0003
    purls: [pkg:npm/other, 'pkg:npm/%40scope/pkg?arch=x']
";
    let mut r = report(vec![(
        "package-lock.json",
        vec![
            vuln("CVE-2024-0001", "pkg:npm/lodash@4.17.15"),
            vuln("CVE-2024-0001", "pkg:npm/lodash@4.17.21"),
            vuln("CVE-2024-0002", "pkg:npm/lodash@4.17.15"),
            vuln("CVE-2024-0002", "pkg:npm/lodash@4.17.21"),
            vuln("CVE-2024-0002", "pkg:npm/lodash-es@4.17.21"),
            vuln("CVE-2024-0003", "pkg:npm/%40scope/pkg@1.0.0"),
            vuln("CVE-2024-0003", "pkg:npm/lodash@4.17.21"),
        ],
    )]);
    apply(&mut r, &with_file(day(2026, 1, 1), yaml(text)));
    let left: Vec<_> = r.results[0]
        .vulnerabilities
        .iter()
        .map(|v| format!("{} {}", v.id, v.purl.as_deref().unwrap()))
        .collect();
    assert_eq!(
        left,
        [
            "CVE-2024-0001 pkg:npm/lodash@4.17.21",
            "CVE-2024-0002 pkg:npm/lodash-es@4.17.21",
            "CVE-2024-0003 pkg:npm/lodash@4.17.21",
        ]
    );
}

#[test]
fn purl_entries_use_the_package_when_the_finding_has_no_purl() {
    let text = "vulnerabilities:\n  - id: CVE-2024-0001\n    purl: pkg:npm/lodash\n";
    let mut v = vuln("CVE-2024-0001", "pkg:npm/lodash@4.17.15");
    v.purl = None;
    let mut without_package = v.clone();
    without_package.package = "missing@1".into();
    let mut r = report(vec![("package-lock.json", vec![v, without_package])]);
    r.results[0]
        .packages
        .push(rampart_model::Package::builder(rampart_model::Ecosystem::Npm, "lodash", "4.17.15").build());
    let out = apply(&mut r, &with_file(day(2026, 1, 1), yaml(text)));
    // The finding whose package is known is ignored; the one without any purl is not guessed.
    assert_eq!(out.ignored, 1);
    assert_eq!(r.results[0].vulnerabilities[0].package, "missing@1");
}

#[test]
fn path_globs_on_the_target_and_locations() {
    let text = "vulnerabilities:
  - id: CVE-2024-0001
    paths: ['services/api/**']
  - id: CVE-2024-0002
    paths: ['*/package-lock.json', './docs/**']
  - id: CVE-2024-0003
    paths: vendor/**
";
    let mut located = vuln("CVE-2024-0003", "pkg:npm/a@1.0.0");
    located.locations.push(rampart_model::Location::lines("vendor/a/package.json", 3, 9));
    let mut r = report(vec![
        ("services/api/package-lock.json", vec![vuln("CVE-2024-0001", "pkg:npm/a@1.0.0")]),
        ("services/api/deep/er/package-lock.json", vec![vuln("CVE-2024-0001", "pkg:npm/a@1.0.0")]),
        ("services/web/package-lock.json", vec![vuln("CVE-2024-0001", "pkg:npm/a@1.0.0")]),
        ("web/package-lock.json", vec![vuln("CVE-2024-0002", "pkg:npm/a@1.0.0")]),
        // `*` does not cross `/`.
        ("services/web/package-lock.json", vec![vuln("CVE-2024-0002", "pkg:npm/a@1.0.0")]),
        ("docs/site/yarn.lock", vec![vuln("CVE-2024-0002", "pkg:npm/a@1.0.0")]),
        ("Node.js packages", vec![located, vuln("CVE-2024-0003", "pkg:npm/b@1.0.0")]),
    ]);
    apply(&mut r, &with_file(day(2026, 1, 1), yaml(text)));
    let left: Vec<_> = left(&r).into_iter().map(|(t, id, _)| format!("{t} {id}")).collect();
    assert_eq!(
        left,
        [
            "services/web/package-lock.json CVE-2024-0001",
            "services/web/package-lock.json CVE-2024-0002",
            "Node.js packages CVE-2024-0003",
        ]
    );
}

#[test]
fn an_entry_matched_only_by_severity_filtered_findings_is_not_unused() {
    let text = "vulnerabilities:\n  - id: CVE-2024-0001\n";
    let mut v = vuln("CVE-2024-0001", "pkg:npm/a@1.0.0");
    v.severity = rampart_model::Severity::Low;
    let mut r = report(vec![("package-lock.json", vec![v])]);
    let opts = FilterOptions {
        severities: Some(vec![rampart_model::Severity::Critical]),
        ..with_file(day(2026, 1, 1), yaml(text))
    };
    let out = apply(&mut r, &opts);
    assert_eq!((out.by_severity, out.ignored), (1, 0));
    assert!(out.notices.is_empty());
}

#[test]
fn malformed_files_name_file_and_line() {
    let cases: &[(&str, u32, &str)] = &[
        ("vulnerabilities:\n  - purl: pkg:npm/x\n    reason: r\n", 2, "ignore entry without `id`"),
        (
            "vulnerabilities:\n  - id: CVE-1\n    expires: 2026-02-30\n",
            3,
            "invalid date \"2026-02-30\" for `expires`",
        ),
        ("vulnerabilities:\n  - id: CVE-1\n    expires: 31/01/2026\n", 3, "expected YYYY-MM-DD"),
        ("vulnerabilities:\n  - id: CVE-1\n    expires:\n", 3, "invalid date \"\""),
        (
            "vulnerabilities:\n  - id: CVE-1\n    expire: 2026-01-31\n",
            3,
            "unknown key `expire` in ignore entry",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n    purl:\n      - pkg:npm/a\n      - lodash\n",
            5,
            "\"lodash\" is not a package URL",
        ),
        ("vulnerabilities:\n  - id: CVE-1\n    paths: ['a/[b']\n", 3, "invalid glob \"a/[b\""),
        ("vulnerabilities:\n  - id: CVE-1\n  - id: [a, b]\n", 3, "`id` must be a vulnerability id"),
        ("vulnerabilities:\n  - CVE-1\n", 2, "an ignore entry must be a mapping"),
        ("vulnerabilities:\n  id: CVE-1\n", 2, "`vulnerabilities` must be a list"),
        ("- id: CVE-1\n", 1, "expected a mapping with a `vulnerabilities` list"),
        ("vulnerabilites:\n  - id: CVE-1\n", 1, "unknown key `vulnerabilites`"),
        ("schema: 2\nvulnerabilities: []\n", 1, "unsupported `schema`"),
        ("vulnerabilities:\n  - id: CVE-1\n    reason: [unclosed\n", 4, "invalid YAML"),
        ("vulnerabilities:\n  - id: CVE-1\n    id: CVE-2\n", 3, "invalid YAML"),
    ];
    for (text, line, message) in cases {
        let err = IgnoreFile::parse_yaml("conf/.rampartignore.yaml", text).unwrap_err();
        match &err {
            LoadError::Invalid { path, line: l, message: m } => {
                assert_eq!(path, "conf/.rampartignore.yaml", "{text}");
                assert_eq!(*l, Some(*line), "{text}: {m}");
                assert!(m.contains(message), "{text}: {m}");
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().starts_with(&format!("conf/.rampartignore.yaml:{line}: ")), "{err}");
    }
}

#[test]
fn empty_and_partial_files() {
    for text in ["", "# nothing yet\n", "vulnerabilities:\n", "vulnerabilities: []\n", "schema: 1\n", "~\n"] {
        let f = yaml(text);
        assert!(f.entries.is_empty() && f.notices.is_empty(), "{text:?}");
    }
    let f = yaml(
        "\u{feff}vulnerabilities:\n  - id: CVE-1\nsecrets:\n  - id: aws-access-key-id\nlicenses:\n  - id: GPL-3.0\n",
    );
    assert_eq!(f.entries.len(), 2);
    assert_eq!(
        notices(&f.notices),
        [
            ".rampartignore.yaml:5: `licenses` entries are not applied yet: only `vulnerabilities`, `misconfigurations` and `secrets` are"
        ]
    );
    // Trivy's YAML keys are read too.
    let f = yaml(
        "vulnerabilities:\n  - id: CVE-1\n    statement: old reason\n    purls: [pkg:npm/a]\n    paths: [a/**]\n",
    );
    assert_eq!(f.entries[0].reason.as_deref(), Some("old reason"));
    assert_eq!((f.entries[0].purls.len(), f.entries[0].paths.len()), (1, 1));
}

#[test]
fn trivyignore_format() {
    let file = IgnoreFile::load(&fixture("trivyignore")).unwrap();
    assert_eq!(file.format, IgnoreFormat::TrivyIgnore);
    let summary: Vec<_> = file
        .entries
        .iter()
        .map(|e| (e.id.as_str(), e.line, e.expires.map(|x| x.to_string()), e.reason.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            ("CVE-2018-14618", 2, None, None),
            ("CVE-2019-14697", 5, Some("exp:2027-01-01".to_string()), None),
            ("CVE-2019-1543", 8, None, Some("openssl is not used for this")),
            ("CVE-2020-8203", 9, Some("exp:2026-01-31".to_string()), Some("lodash zipObjectDeep")),
        ]
    );
    // Windows line endings and indentation are fine; a bad date is an error with its line.
    let f =
        IgnoreFile::parse_trivyignore(".trivyignore", "  CVE-1\r\n\r\n\tCVE-2 exp:2026-01-01\r\n").unwrap();
    assert_eq!(
        f.entries.iter().map(|e| (e.id.as_str(), e.line)).collect::<Vec<_>>(),
        [("CVE-1", 1), ("CVE-2", 3)]
    );
    let err = IgnoreFile::parse_trivyignore(".trivyignore", "CVE-1\nCVE-2 exp:2026-13-01\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        ".trivyignore:2: invalid expiry \"exp:2026-13-01\" (expected exp:YYYY-MM-DD)"
    );
}

#[test]
fn the_format_follows_the_file_name() {
    assert_eq!(IgnoreFile::parse(".rampartignore.yaml", "").unwrap().format, IgnoreFormat::Yaml);
    assert_eq!(IgnoreFile::parse("x/.trivyignore.YML", "").unwrap().format, IgnoreFormat::Yaml);
    assert_eq!(IgnoreFile::parse(".trivyignore", "").unwrap().format, IgnoreFormat::TrivyIgnore);
    let err = IgnoreFile::load(std::path::Path::new("/nonexistent/.rampartignore.yaml")).unwrap_err();
    assert!(matches!(err, LoadError::Read { .. }));
    assert_eq!(err.path(), "/nonexistent/.rampartignore.yaml");
    assert!(err.to_string().starts_with("/nonexistent/.rampartignore.yaml: "), "{err}");
}
