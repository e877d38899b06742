//! OpenVEX and CycloneDX VEX: detection, matching, statuses, errors.

mod common;

use common::*;
use rampart_filter::{FilterOptions, IgnoreFile, LoadError, VexDocument, VexFormat, apply};

fn with_vex(docs: Vec<VexDocument>) -> FilterOptions {
    FilterOptions { vex: docs, show_suppressed: true, ..options(day(2026, 1, 1)) }
}

/// `(id, purl, justification)` of each finding, the justification when suppressed by VEX.
fn decided(r: &rampart_model::Report) -> Vec<(String, String, Option<String>)> {
    r.results
        .iter()
        .flat_map(|res| &res.vulnerabilities)
        .map(|v| {
            let s = v.suppressed.as_ref().inspect(|s| assert_eq!(s.kind, "vex"));
            (v.id.clone(), v.purl.clone().unwrap(), s.and_then(|s| s.justification.clone()))
        })
        .collect()
}

#[test]
fn openvex_spec_example_spring_boot() {
    let doc = vex("openvex-spring-boot.json");
    assert_eq!(doc.format, VexFormat::OpenVex);
    assert_eq!(doc.statements.len(), 1);
    assert_eq!(doc.statements[0].aliases, ["GHSA-jfh8-c2jp-5v3q"]);
    let mut r = report(vec![(
        "pom.xml",
        vec![
            vuln("CVE-2021-44228", "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3"),
            // Matched by the statement's alias.
            vuln("GHSA-jfh8-c2jp-5v3q", "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3"),
            // Another version, another package, another vulnerability.
            vuln("CVE-2021-44228", "pkg:maven/org.springframework.boot/spring-boot@2.6.1"),
            vuln("CVE-2021-44228", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
            vuln("CVE-2021-45046", "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3"),
        ],
    )]);
    let out = apply(&mut r, &with_vex(vec![doc]));
    let j = Some("not_affected: vulnerable_code_not_in_execute_path".to_string());
    let spring = "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3".to_string();
    assert_eq!(
        decided(&r),
        [
            ("CVE-2021-44228".into(), spring.clone(), j.clone()),
            ("GHSA-jfh8-c2jp-5v3q".into(), spring.clone(), j),
            ("CVE-2021-44228".into(), "pkg:maven/org.springframework.boot/spring-boot@2.6.1".into(), None),
            ("CVE-2021-44228".into(), "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into(), None),
            ("CVE-2021-45046".into(), spring, None),
        ]
    );
    assert_eq!((out.vex, out.ignored), (2, 0));
    let s = r.results[0].vulnerabilities[0].suppressed.as_ref().unwrap();
    assert!(s.source.ends_with("fixtures/openvex-spring-boot.json"));
    assert!(s.reason.as_deref().unwrap().starts_with("Spring Boot users are only affected"));
    // The suppression is part of the JSON report.
    let json = serde_json::to_value(&r.results[0].vulnerabilities[0]).unwrap();
    assert_eq!(json["suppressed"]["justification"], "not_affected: vulnerable_code_not_in_execute_path");
    assert_eq!(json["suppressed"]["kind"], "vex");
}

#[test]
fn openvex_newest_statement_wins_and_qualifiers_are_ignored() {
    let mut r = report(vec![(
        "lib/apk/db/installed",
        vec![
            // under_investigation (2023-01-08), then fixed (document time, 2023-01-09): fixed.
            vuln("CVE-2023-12345", "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64"),
            // not_affected (2023-01-08), then affected (2023-02-14): shown.
            vuln("CVE-2023-23946", "pkg:apk/wolfi/git@2.39.0-r1"),
            vuln("CVE-2023-12345", "pkg:apk/wolfi/git@2.39.1-r0"),
        ],
    )]);
    let out = apply(&mut r, &with_vex(vec![vex("openvex-wolfi-git.json")]));
    assert_eq!(
        decided(&r),
        [
            ("CVE-2023-12345".into(), "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64".into(), Some("fixed".into())),
            ("CVE-2023-23946".into(), "pkg:apk/wolfi/git@2.39.0-r1".into(), None),
            ("CVE-2023-12345".into(), "pkg:apk/wolfi/git@2.39.1-r0".into(), None),
        ]
    );
    assert_eq!(out.vex, 1);
}

#[test]
fn openvex_subcomponents_and_version_less_products() {
    let doc = vex("openvex-image-subcomponents.json");
    let mut r = report(vec![(
        "app/package-lock.json",
        vec![
            with_aliases(vuln("GHSA-35jh-r3h4-6jhm", "pkg:npm/lodash@4.17.15"), &[]),
            vuln("CVE-2021-23337", "pkg:npm/lodash@4.17.21"),
            vuln("CVE-2022-24785", "pkg:npm/moment@2.29.1"),
            vuln("CVE-2020-28500", "pkg:npm/lodash@4.17.15"),
            vuln("CVE-2024-0001", "pkg:npm/api@1.0.0"),
        ],
    )]);
    let out = apply(&mut r, &FilterOptions { show_suppressed: false, ..with_vex(vec![doc]) });
    // Removed: lodash 4.17.15 (by the alias), every moment version. Kept: the other lodash
    // version, the `affected` statement, and the statement naming no package URL.
    assert_eq!(ids(&r), ["CVE-2021-23337", "CVE-2020-28500", "CVE-2024-0001"]);
    assert_eq!(out.vex, 2);
    assert_eq!(out.notices.len(), 1);
    assert!(
        out.notices[0].message.starts_with("1 VEX statement(s) name no package URL"),
        "{:?}",
        out.notices
    );
}

#[test]
fn cyclonedx_vex() {
    let doc = vex("cyclonedx-vex.json");
    assert_eq!(doc.format, VexFormat::CycloneDx);
    assert_eq!(doc.statements.len(), 6);
    let mut r = report(vec![(
        "pom.xml",
        vec![
            // bom-ref → component purl (its `?type=jar` qualifier ignored).
            vuln("CVE-2021-44228", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
            // Matched by a `references[].id` alias, through a BOM-Link to a bom-ref.
            vuln("CVE-2020-36518", "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.2"),
            // exploitable: shown.
            vuln("CVE-2022-1471", "pkg:maven/org.yaml/snakeyaml@1.30"),
            // resolved, `affects.ref` is a purl itself.
            vuln("CVE-2022-25857", "pkg:maven/org.yaml/snakeyaml@1.30"),
            // in_triage: shown.
            vuln("CVE-2022-38749", "pkg:maven/org.yaml/snakeyaml@1.30"),
            // Another version of log4j-core.
            vuln("CVE-2021-44228", "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1"),
        ],
    )]);
    let out = apply(&mut r, &with_vex(vec![doc]));
    let v = |id: &str, purl: &str, j: Option<&str>| (id.to_string(), purl.to_string(), j.map(str::to_string));
    assert_eq!(
        decided(&r),
        [
            v(
                "CVE-2021-44228",
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                Some("not_affected: code_not_reachable")
            ),
            v(
                "CVE-2020-36518",
                "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.2",
                Some("false_positive")
            ),
            v("CVE-2022-1471", "pkg:maven/org.yaml/snakeyaml@1.30", None),
            v("CVE-2022-25857", "pkg:maven/org.yaml/snakeyaml@1.30", Some("resolved")),
            v("CVE-2022-38749", "pkg:maven/org.yaml/snakeyaml@1.30", None),
            v("CVE-2021-44228", "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1", None),
        ]
    );
    assert_eq!(out.vex, 3);
    let s = r.results[0].vulnerabilities[0].suppressed.as_ref().unwrap();
    assert!(s.reason.as_deref().unwrap().starts_with("JNDI lookups are disabled"));
    // The statement whose ref resolves to nothing is reported.
    assert_eq!(out.notices.len(), 1);
}

#[test]
fn the_ignore_file_wins_over_vex_and_several_documents_combine() {
    let ignore =
        IgnoreFile::parse_yaml("i.yaml", "vulnerabilities:\n  - id: CVE-2021-44228\n    reason: ours\n")
            .unwrap();
    let mut r = report(vec![(
        "pom.xml",
        vec![
            vuln("CVE-2021-44228", "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3"),
            vuln("CVE-2022-25857", "pkg:maven/org.yaml/snakeyaml@1.30"),
        ],
    )]);
    let opts = FilterOptions {
        ignore_file: Some(ignore),
        ..with_vex(vec![vex("openvex-spring-boot.json"), vex("cyclonedx-vex.json")])
    };
    let out = apply(&mut r, &opts);
    let kinds: Vec<_> = left(&r).into_iter().map(|(_, id, k)| (id, k.unwrap())).collect();
    assert_eq!(
        kinds,
        [("CVE-2021-44228".to_string(), "ignore-file".to_string()), ("CVE-2022-25857".into(), "vex".into())]
    );
    assert_eq!((out.ignored, out.vex, out.suppressed()), (1, 1, 2));
}

#[test]
fn detection_and_errors_name_the_file() {
    let cases: &[(&str, Option<u32>, &str)] = &[
        ("{}", None, "not a VEX document"),
        ("[1, 2]", None, "not a VEX document"),
        ("{\"bomFormat\": \"SPDX\"}", None, "not a VEX document"),
        ("{\"document\": {\"category\": \"csaf_vex\"}}", None, "CSAF VEX is not supported yet"),
        ("  <?xml version=\"1.0\"?><bom/>", None, "XML VEX"),
        ("{\n  \"statements\": [\n", Some(3), "invalid VEX JSON"),
        (
            "{\"@context\": \"https://openvex.dev/ns/v0.2.0\",\n\"statements\": [{\"vulnerability\": {\"name\": \"CVE-1\"},\n\"status\": \"maybe\"}]}",
            Some(3),
            "unknown variant `maybe`",
        ),
        (
            "{\"statements\": [{\"vulnerability\": {}, \"status\": \"fixed\"}]}",
            None,
            "statement 1 has no `vulnerability.name`",
        ),
        ("{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}", Some(1), "missing field `statements`"),
        (
            "{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"analysis\": {\"state\": \"nope\"}}]}",
            Some(1),
            "unknown variant `nope`",
        ),
    ];
    for (text, line, message) in cases {
        let err = VexDocument::parse("vex/doc.json", text.as_bytes()).unwrap_err();
        let LoadError::Invalid { path, line: l, message: m } = &err else { panic!("{err:?}") };
        assert_eq!(path, "vex/doc.json");
        assert_eq!(l, line, "{text}: {m}");
        assert!(m.contains(message), "{text}: {m}");
        assert!(err.to_string().starts_with("vex/doc.json"));
    }
    let err = VexDocument::load(std::path::Path::new("/nonexistent/vex.json")).unwrap_err();
    assert_eq!(err.path(), "/nonexistent/vex.json");
}

#[test]
fn openvex_older_string_forms_and_minimal_cyclonedx() {
    // OpenVEX v0.0.x: vulnerability and products as strings, statement-level subcomponents.
    let old = br#"{"@context": "https://openvex.dev/ns", "timestamp": "2023-01-01T00:00:00Z",
        "statements": [{"vulnerability": "CVE-2023-1", "products": ["pkg:oci/app"],
        "subcomponents": ["pkg:pypi/Requests@2.0.0"], "status": "not_affected",
        "justification": "component_not_present"}]}"#;
    let doc = VexDocument::parse("old.json", old).unwrap();
    let mut r = report(vec![("requirements.txt", vec![vuln("CVE-2023-1", "pkg:pypi/requests@2.0.0")])]);
    assert_eq!(apply(&mut r, &with_vex(vec![doc])).vex, 1);

    let cdx = br#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
        "vulnerabilities": [{"id": "CVE-2023-2", "analysis": {"state": "not_affected"},
        "affects": [{"ref": "pkg:npm/a"}]}, {"id": "CVE-2023-3", "affects": [{"ref": "pkg:npm/a"}]}]}"#;
    let doc = VexDocument::parse("bom.json", cdx).unwrap();
    assert_eq!(doc.statements.len(), 1, "a vulnerability without analysis says nothing");
    let mut r = report(vec![(
        "package-lock.json",
        vec![vuln("CVE-2023-2", "pkg:npm/a@1.0.0"), vuln("CVE-2023-3", "pkg:npm/a@1.0.0")],
    )]);
    let out = apply(&mut r, &with_vex(vec![doc]));
    assert_eq!((out.vex, left(&r)[0].2.as_deref()), (1, Some("vex")));
    assert_eq!(
        r.results[0].vulnerabilities[0].suppressed.as_ref().unwrap().justification.as_deref(),
        Some("not_affected")
    );
}
