//! Dockerfile family: every check's examples, the peers' findings on the shared fixtures,
//! snapshots over our fixtures, image configs, and robustness on arbitrary text.

use std::collections::BTreeSet;
use std::path::PathBuf;

use rampart_misconfig::docker::{self, image_dockerfile, scan_image};
use rampart_misconfig::{ConfigType, FamilyOutput, SourceFile};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    let p = crate_dir().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn scan_text(path: &str, text: &str) -> FamilyOutput {
    let f = SourceFile { path: path.into(), text: text.into(), config_type: ConfigType::Dockerfile };
    docker::scan(&[&f])
}

fn ids(out: &FamilyOutput) -> BTreeSet<&'static str> {
    out.findings.iter().map(|f| f.check.id).collect()
}

/// (id, start line, end line) of every finding.
fn hits(out: &FamilyOutput) -> BTreeSet<(&'static str, u32, u32)> {
    out.findings.iter().map(|f| (f.check.id, f.span.start, f.span.end)).collect()
}

#[test]
fn every_check_fires_on_its_bad_example_and_not_on_its_good_example() {
    let checks = docker::checks();
    assert!(checks.len() >= 24, "{} checks", checks.len());
    for c in checks {
        let bad = scan_text("Dockerfile", c.bad_example);
        assert!(bad.errors.is_empty(), "{}: bad example does not parse: {:?}", c.id, bad.errors);
        assert!(ids(&bad).contains(c.id), "{}: bad example does not fire; got {:?}", c.id, ids(&bad));
        let good = scan_text("Dockerfile", c.good_example);
        assert!(good.errors.is_empty(), "{}: good example does not parse: {:?}", c.id, good.errors);
        assert!(!ids(&good).contains(c.id), "{}: good example fires: {:?}", c.id, good.findings);
        for f in bad.findings.iter().filter(|f| f.check.id == c.id) {
            assert!(f.span.start >= 1 && f.span.end >= f.span.start, "{}: span {:?}", c.id, f.span);
            assert!(f.resource.is_some() && !f.message.is_empty(), "{}", c.id);
        }
    }
}

/// Peer id → our id and the line the peer reports (None: the peer gives no line, a whole-file
/// finding). The rows come from running the peers once on the fixture (see
/// `shared/peers/README.md`): Trivy 0.76.0 `trivy config`, Checkov 3.3.30 `--framework dockerfile`,
/// hadolint 2.15.1 `-f json`.
type Expected = &'static [(&'static str, &'static str, Option<u32>)];

fn assert_covers(out: &FamilyOutput, expected: Expected) {
    let found = hits(out);
    for (peer, ours, line) in expected {
        let ok =
            found.iter().any(|(id, start, end)| id == ours && line.is_none_or(|l| *start <= l && l <= *end));
        assert!(ok, "{peer} (ours {ours}, line {line:?}) not found; we found {found:?}");
    }
}

#[test]
fn covers_the_peers_on_the_shared_fixture() {
    let text = read("../../../shared/peers/fixtures/iac/docker/Dockerfile");
    let out = scan_text("Dockerfile", &text);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    // Trivy 0.76.0: DS-0001 1, DS-0002 (no line), DS-0004 9, DS-0022 2, DS-0026 (no line), DS-0029 4, DS-0031 3.
    // Checkov 3.3.30: CKV_DOCKER_1 9, _7 1, _6 2, _4 5, _2 [1,10], _3 [1,10].
    // hadolint 2.15.1: DL3007 1, DL4000 2, DL3064 3, DL3008 4, DL3015 4, DL3009 4, DL4006 6.
    const EXPECTED: Expected = &[
        ("DS-0001", "RMP-DS-0002", Some(1)),
        ("DS-0002", "RMP-DS-0001", None),
        ("DS-0004", "RMP-DS-0016", Some(9)),
        ("DS-0022", "RMP-DS-0017", Some(2)),
        ("DS-0026", "RMP-DS-0008", None),
        ("DS-0029", "RMP-DS-0009", Some(4)),
        ("DS-0031", "RMP-DS-0006", Some(3)),
        ("CKV_DOCKER_1", "RMP-DS-0016", Some(9)),
        ("CKV_DOCKER_7", "RMP-DS-0002", Some(1)),
        ("CKV_DOCKER_6", "RMP-DS-0017", Some(2)),
        ("CKV_DOCKER_4", "RMP-DS-0004", Some(5)),
        ("CKV_DOCKER_2", "RMP-DS-0008", None),
        ("CKV_DOCKER_3", "RMP-DS-0001", None),
        ("DL3007", "RMP-DS-0002", Some(1)),
        ("DL4000", "RMP-DS-0017", Some(2)),
        ("DL3064", "RMP-DS-0006", Some(3)),
        ("DL3008", "RMP-DS-0010", Some(4)),
        ("DL3015", "RMP-DS-0009", Some(4)),
        ("DL3009", "RMP-DS-0011", Some(4)),
        ("DL4006", "RMP-DS-0029", Some(6)),
    ];
    assert_covers(&out, EXPECTED);
    // what none of the three reports as such: the remote script piped into bash
    assert!(hits(&out).contains(&("RMP-DS-0007", 6, 6)));
}

#[test]
fn covers_the_peers_on_the_targets_misconfig_dockerfile() {
    // a copy of the Dockerfile that shared/targets/build.sh (build_fs_extras) writes
    let out = scan_text("Dockerfile", &read("fixtures/docker/targets-misconfig/Dockerfile"));
    // Trivy 0.76.0: DS-0002 5, DS-0004 4, DS-0026 (no line), DS-0029 2.
    // Checkov 3.3.30: CKV_DOCKER_1 4, _8 5, _4 3, _2 [1,6].
    // hadolint 2.15.1: DL3008 2, DL3015 2, DL3009 2, DL3002 5, DL3066 5.
    const EXPECTED: Expected = &[
        ("DS-0002", "RMP-DS-0001", Some(5)),
        ("DS-0004", "RMP-DS-0016", Some(4)),
        ("DS-0026", "RMP-DS-0008", None),
        ("DS-0029", "RMP-DS-0009", Some(2)),
        ("CKV_DOCKER_1", "RMP-DS-0016", Some(4)),
        ("CKV_DOCKER_8", "RMP-DS-0001", Some(5)),
        ("CKV_DOCKER_4", "RMP-DS-0005", Some(3)),
        ("CKV_DOCKER_2", "RMP-DS-0008", None),
        ("DL3008", "RMP-DS-0010", Some(2)),
        ("DL3015", "RMP-DS-0009", Some(2)),
        ("DL3009", "RMP-DS-0011", Some(2)),
        ("DL3002", "RMP-DS-0001", Some(5)),
        ("DL3066", "RMP-DS-0036", Some(5)),
    ];
    assert_covers(&out, EXPECTED);
}

#[test]
fn covers_the_peers_on_the_multistage_fixture() {
    let out = scan_text("Dockerfile", &read("fixtures/docker/multistage/Dockerfile"));
    // Trivy 0.76.0: DS-0001 13, DS-0006 11, DS-0008 17, DS-0009 6, DS-0011 16, DS-0012 5 (we report
    // the second alias, 13), DS-0013 8-10, DS-0016 19, DS-0025 14-15, DS-0031 23.
    // Checkov 3.3.30: CKV_DOCKER_7 13, _10 6, CKV2_DOCKER_6 23, CKV2_DOCKER_2 14-15.
    // hadolint 2.15.1: DL3029 5, DL3000 6, DL3064 7 and 23, DL3003 8, DL3023 11, DL3024 13, DL4006 14,
    // DL3018 14, DL3019 14, DL3021 16, DL3011 17, DL4003 19, DL3025 26.
    const EXPECTED: Expected = &[
        ("DS-0001", "RMP-DS-0002", Some(13)),
        ("DS-0006", "RMP-DS-0023", Some(11)),
        ("DS-0008", "RMP-DS-0033", Some(17)),
        ("DS-0009", "RMP-DS-0018", Some(6)),
        ("DS-0011", "RMP-DS-0025", Some(16)),
        ("DS-0012", "RMP-DS-0024", Some(13)),
        ("DS-0013", "RMP-DS-0019", Some(8)),
        ("DS-0016", "RMP-DS-0020", Some(19)),
        ("DS-0025", "RMP-DS-0027", Some(14)),
        ("DS-0031", "RMP-DS-0006", Some(23)),
        ("CKV_DOCKER_7", "RMP-DS-0002", Some(13)),
        ("CKV_DOCKER_10", "RMP-DS-0018", Some(6)),
        ("CKV2_DOCKER_6", "RMP-DS-0034", Some(23)),
        ("CKV2_DOCKER_2", "RMP-DS-0034", Some(14)),
        ("DL3029", "RMP-DS-0032", Some(5)),
        ("DL3064", "RMP-DS-0006", Some(7)),
        ("DL3003", "RMP-DS-0019", Some(8)),
        ("DL3023", "RMP-DS-0023", Some(11)),
        ("DL3024", "RMP-DS-0024", Some(13)),
        ("DL4006", "RMP-DS-0029", Some(14)),
        ("DL3018", "RMP-DS-0010", Some(14)),
        ("DL3019", "RMP-DS-0027", Some(14)),
        ("DL3021", "RMP-DS-0025", Some(16)),
        ("DL3011", "RMP-DS-0033", Some(17)),
        ("DL4003", "RMP-DS-0020", Some(19)),
        ("DL3025", "RMP-DS-0031", Some(26)),
    ];
    assert_covers(&out, EXPECTED);
    // the RUN spans its three continuation lines
    assert!(hits(&out).contains(&("RMP-DS-0019", 8, 10)));
}

#[test]
fn covers_the_peers_on_the_heredoc_containerfile() {
    let out = scan_text("Containerfile", &read("fixtures/docker/heredoc/Containerfile"));
    // Trivy 0.76.0: DS-0015 3-7, DS-0023 17, DS-0030 15.
    // Checkov 3.3.30: CKV2_DOCKER_9 3, CKV2_DOCKER_17 3, CKV2_DOCKER_1 (sudo, line 13), CKV_DOCKER_2/_3
    // (Checkov stops reading at the here-document; the file has a HEALTHCHECK and a USER).
    // hadolint 2.15.1 cannot parse here-documents (DL1000).
    const EXPECTED: Expected = &[
        ("DS-0015", "RMP-DS-0026", Some(3)),
        ("DS-0023", "RMP-DS-0022", Some(17)),
        ("DS-0030", "RMP-DS-0037", Some(15)),
        ("CKV2_DOCKER_9", "RMP-DS-0035", Some(3)),
        ("CKV2_DOCKER_17", "RMP-DS-0038", Some(3)),
        ("CKV2_DOCKER_1", "RMP-DS-0015", Some(13)),
    ];
    assert_covers(&out, EXPECTED);
    // the here-document RUN spans to its closing delimiter
    assert!(hits(&out).contains(&("RMP-DS-0026", 3, 7)));
}

#[test]
fn user_is_inherited_from_the_parent_stage() {
    let ok = scan_text("Dockerfile", "FROM debian:12 AS base\nUSER 10001\nFROM base\nCMD [\"/a\"]\n");
    assert!(!ids(&ok).contains("RMP-DS-0001"), "{:?}", ok.findings);
    let root = scan_text("Dockerfile", "FROM debian:12 AS base\nUSER root\nFROM base\nCMD [\"/a\"]\n");
    assert!(hits(&root).contains(&("RMP-DS-0001", 2, 2)), "{:?}", root.findings);
}

#[test]
fn empty_dockerfile_is_quietly_skipped() {
    let out = scan_text("Dockerfile", "# nothing here\n\n");
    assert!(out.findings.is_empty() && out.errors.is_empty());
    let out = scan_text("Dockerfile", "RUN echo no FROM\n");
    assert_eq!(out.errors.len(), 1);
}

#[test]
fn whole_scan_gives_snippets_and_honours_inline_suppressions() {
    let text = "FROM debian:12\n# rampart:ignore:RMP-DS-0016 bastion image, reviewed\nEXPOSE 22\nRUN apt-get update && \\\n    apt-get install -y curl\nUSER 10001\n";
    let out = rampart_misconfig::scan(&[SourceFile {
        path: "img/Containerfile".into(),
        text: text.into(),
        config_type: ConfigType::Dockerfile,
    }]);
    let file = &out.files["img/Containerfile"];
    assert_eq!(file.config_type, ConfigType::Dockerfile);
    let port = file.misconfigurations.iter().find(|m| m.id == "RMP-DS-0016").unwrap();
    assert!(port.suppressed.as_ref().is_some_and(|s| s.reason.as_deref() == Some("bastion image, reviewed")));
    let apt = file.misconfigurations.iter().find(|m| m.id == "RMP-DS-0009").unwrap();
    assert_eq!((apt.start_line, apt.end_line), (Some(4), Some(5)));
    assert_eq!(apt.code.iter().map(|l| l.number).collect::<Vec<_>>(), [4, 5]);
    assert!(file.passed > 0);
    assert_eq!(out.inputs.len(), 1);
}

#[test]
fn global_args_are_checked() {
    let out =
        scan_text("Dockerfile", "ARG NPM_TOKEN=abc\nARG GIT_SSL_NO_VERIFY=1\nFROM node:22\nUSER 1000\n");
    let found: Vec<_> = out
        .findings
        .iter()
        .map(|f| (f.check.id, f.span.start, f.resource.as_deref().unwrap_or("")))
        .collect();
    assert!(found.contains(&("RMP-DS-0006", 1, "global ARG")), "{found:?}");
    assert!(found.contains(&("RMP-DS-0034", 2, "global ARG")), "{found:?}");
}

fn render(out: &FamilyOutput) -> String {
    let mut s = String::new();
    for f in &out.findings {
        s.push_str(&format!(
            "{} {}-{} [{}] {}\n",
            f.check.id,
            f.span.start,
            f.span.end,
            f.resource.as_deref().unwrap_or(""),
            f.message
        ));
    }
    for e in &out.errors {
        s.push_str(&format!("error {}:{} {}\n", e.path, e.line, e.message));
    }
    for (p, n) in &out.passed {
        s.push_str(&format!("passed {p}: {n}\n"));
    }
    s
}

#[test]
fn snapshot_multistage() {
    insta::assert_snapshot!(render(&scan_text("Dockerfile", &read("fixtures/docker/multistage/Dockerfile"))));
}

#[test]
fn snapshot_heredoc_containerfile() {
    insta::assert_snapshot!(render(&scan_text(
        "Containerfile",
        &read("fixtures/docker/heredoc/Containerfile")
    )));
}

#[test]
fn snapshot_targets_misconfig() {
    insta::assert_snapshot!(render(&scan_text(
        "Dockerfile",
        &read("fixtures/docker/targets-misconfig/Dockerfile")
    )));
}

#[test]
fn malformed_file_is_an_error_with_its_line() {
    let out = scan_text("bad/Dockerfile", &read("fixtures/docker/malformed/Dockerfile"));
    assert!(out.findings.is_empty());
    assert_eq!(out.errors.len(), 1);
    assert_eq!((out.errors[0].path.as_str(), out.errors[0].line), ("bad/Dockerfile", 3));
    insta::assert_snapshot!(render(&out));
}

#[test]
fn policy_inputs_have_trivy_and_conftest_shapes() {
    let out = scan_text("Dockerfile", &read("fixtures/docker/multistage/Dockerfile"));
    assert_eq!(out.inputs.len(), 1);
    let input = &out.inputs[0];
    insta::assert_json_snapshot!("trivy_input", input.input);
    insta::assert_json_snapshot!("conftest_input", input.conftest_input);
}

fn image_config() -> rampart_model::ImageConfig {
    let raw: serde_json::Value = serde_json::from_str(&read("fixtures/docker/image/config.json")).unwrap();
    let c = &raw["config"];
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    rampart_model::ImageConfig {
        user: c["User"].as_str().filter(|u| !u.is_empty()).map(String::from),
        exposed_ports: c["ExposedPorts"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default(),
        env: strings(&c["Env"]),
        cmd: strings(&c["Cmd"]),
        history: raw["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["created_by"].as_str().unwrap_or("").to_string())
            .collect(),
        ..Default::default()
    }
}

#[test]
fn image_config_is_checked_as_a_dockerfile() {
    let config = image_config();
    let df = image_dockerfile(&config);
    assert_eq!(df.history_of_line.len(), df.text.lines().count());
    insta::assert_snapshot!("image_dockerfile", df.text);
    let (_, out) = scan_image("image:config", &config);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let found = ids(&out);
    for id in ["RMP-DS-0001", "RMP-DS-0006", "RMP-DS-0007", "RMP-DS-0008", "RMP-DS-0009", "RMP-DS-0016"] {
        assert!(found.contains(id), "{id} missing: {found:?}");
    }
    // base-image tag checks make no sense for a synthesized FROM scratch
    assert!(!found.contains("RMP-DS-0002") && !found.contains("RMP-DS-0003"));
    // the pipe-to-shell finding is attributed to its history entry (the 4th, index 3)
    let pipe = out.findings.iter().find(|f| f.check.id == "RMP-DS-0007").unwrap();
    assert_eq!(df.history_of_line[pipe.span.start as usize - 1], Some(3));
    insta::assert_snapshot!("image_findings", render(&out));
}

proptest::proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = scan_text("Dockerfile", &text);
    }

    #[test]
    fn dockerfile_like_text_never_panics(
        lines in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("FROM alpine AS a".to_string()),
                proptest::strategy::Just("RUN a \\".to_string()),
                proptest::strategy::Just("RUN <<EOF".to_string()),
                proptest::strategy::Just("EOF".to_string()),
                proptest::strategy::Just("# c".to_string()),
                proptest::strategy::Just("".to_string()),
                "(RUN|ENV|ARG|COPY|ADD|USER|EXPOSE|CMD|WORKDIR|HEALTHCHECK|SHELL) [ -~]{0,30}",
            ],
            0..20,
        )
    ) {
        let text = lines.join("\n");
        let out = scan_text("Dockerfile", &text);
        let n = text.lines().count() as u32;
        for f in &out.findings {
            proptest::prop_assert!(f.span.start >= 1 && f.span.end <= n.max(1), "{:?} in {text:?}", f.span);
        }
    }
}

#[test]
fn large_dockerfile_is_fast() {
    let mut text = String::from("FROM debian:12 AS build\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "RUN apt-get update && \\\n    apt-get install -y --no-install-recommends pkg{i}=1.0 && \\\n    curl -sSL https://x/{i} | tar xz && rm -rf /var/lib/apt/lists/*\nENV VAR_{i}=value{i}\n"
        ));
    }
    let start = std::time::Instant::now();
    let out = scan_text("Dockerfile", &text);
    let took = start.elapsed();
    assert!(out.errors.is_empty());
    assert_eq!(out.findings.iter().filter(|f| f.check.id == "RMP-DS-0029").count(), 4000);
    eprintln!("16001-line Dockerfile: {took:?}");
    assert!(took.as_secs() < 20, "{took:?}");
}
