//! Kubernetes family: every check's examples, the shared peer fixtures, snapshots of the
//! fixtures under `fixtures/k8s/`, and robustness on arbitrary input.

use std::collections::BTreeSet;
use std::path::PathBuf;

use proptest::prelude::*;
use rampart_misconfig::k8s;
use rampart_misconfig::{ConfigType, FamilyOutput, SourceFile};

fn source(path: &str, text: &str) -> SourceFile {
    SourceFile { path: path.to_string(), text: text.to_string(), config_type: ConfigType::Kubernetes }
}

fn scan_texts(files: &[(&str, &str)]) -> FamilyOutput {
    let files: Vec<SourceFile> = files.iter().map(|(p, t)| source(p, t)).collect();
    let refs: Vec<&SourceFile> = files.iter().collect();
    k8s::scan(&refs)
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> String {
    read(&crate_dir().join("fixtures/k8s").join(name))
}

/// Scans the fixture `name` of `fixtures/k8s/` alone.
fn scan_fixture(name: &str) -> FamilyOutput {
    scan_texts(&[(name, &fixture(name))])
}

/// Findings and errors as one line each: `id start-end resource: message`.
fn render(out: &FamilyOutput) -> String {
    let mut lines: Vec<String> = out
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {}-{} {}: {}",
                f.check.id,
                f.span.start,
                f.span.end,
                f.resource.as_deref().unwrap_or("-"),
                f.message
            )
        })
        .collect();
    lines.sort_by(|a, b| {
        let key = |l: &str| {
            let mut parts = l.splitn(3, ' ');
            let id = parts.next().unwrap_or("").to_string();
            let start: u32 = parts.next().and_then(|s| s.split('-').next()?.parse().ok()).unwrap_or(0);
            (start, id, l.to_string())
        };
        key(a).cmp(&key(b))
    });
    for e in &out.errors {
        lines.push(format!("ERROR {}:{}: {}", e.path, e.line, e.message));
    }
    lines.join("\n") + "\n"
}

fn ids(out: &FamilyOutput) -> BTreeSet<&'static str> {
    out.findings.iter().map(|f| f.check.id).collect()
}

#[test]
fn at_least_55_checks_with_unique_sequential_ids() {
    let checks = k8s::checks();
    assert!(checks.len() >= 55, "{} checks", checks.len());
    for (i, c) in checks.iter().enumerate() {
        assert_eq!(c.id, format!("RMP-K8S-{:04}", i + 1));
    }
}

#[test]
fn every_bad_example_fails_and_every_good_example_passes() {
    let mut problems = Vec::new();
    for check in k8s::checks() {
        let bad = scan_texts(&[("bad.yaml", check.bad_example)]);
        assert!(bad.errors.is_empty(), "{}: bad example does not parse: {:?}", check.id, bad.errors);
        if !ids(&bad).contains(check.id) {
            problems.push(format!("{}: bad example not flagged", check.id));
        }
        for f in bad.findings.iter().filter(|f| f.check.id == check.id) {
            assert!(f.span.is_known(), "{}: finding without lines", check.id);
            assert!(f.resource.is_some(), "{}: finding without resource", check.id);
        }
        let good = scan_texts(&[("good.yaml", check.good_example)]);
        assert!(good.errors.is_empty(), "{}: good example does not parse: {:?}", check.id, good.errors);
        if ids(&good).contains(check.id) {
            problems.push(format!("{}: good example flagged: {}", check.id, render(&good)));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Peer ids each peer reports as FAILED on the shared fixtures. Computed once on this machine with
/// the commands of `shared/peers/README.md` section 1 (Trivy 0.76.0 `trivy config`, Checkov 3.3.30
/// `checkov --framework kubernetes`), on `shared/peers/fixtures/iac/k8s/deployment.yaml` and on
/// the Deployment of `shared/targets/build.sh` (`build_fs_extras`, copied to
/// `fixtures/k8s/targets-misconfig-deployment.yaml`). Each string holds ids separated by spaces.
const PEERS_SHARED: &[&str] = &[
    // Trivy
    "KSV-0001 KSV-0003 KSV-0004 KSV-0006 KSV-0009 KSV-0010 KSV-0011 KSV-0012 KSV-0013 KSV-0014 KSV-0015",
    "KSV-0016 KSV-0017 KSV-0018 KSV-0020 KSV-0021 KSV-0023 KSV-0030 KSV-0104 KSV-0105 KSV-0106 KSV-0110",
    "KSV-0111 KSV-0117 KSV-0118",
    // Checkov
    "CKV_K8S_8 CKV_K8S_9 CKV_K8S_10 CKV_K8S_11 CKV_K8S_12 CKV_K8S_13 CKV_K8S_14 CKV_K8S_16 CKV_K8S_17",
    "CKV_K8S_19 CKV_K8S_20 CKV_K8S_21 CKV_K8S_22 CKV_K8S_23 CKV_K8S_27 CKV_K8S_28 CKV_K8S_29 CKV_K8S_31",
    "CKV_K8S_37 CKV_K8S_38 CKV_K8S_40 CKV_K8S_42 CKV_K8S_43 CKV2_K8S_6",
];

const PEERS_TARGETS: &[&str] = &[
    // Trivy
    "KSV-0001 KSV-0003 KSV-0004 KSV-0009 KSV-0010 KSV-0011 KSV-0012 KSV-0013 KSV-0014 KSV-0015 KSV-0016",
    "KSV-0017 KSV-0018 KSV-0020 KSV-0021 KSV-0023 KSV-0030 KSV-0104 KSV-0105 KSV-0106 KSV-0110 KSV-0118",
    "KSV-0121 KSV-0125",
    // Checkov
    "CKV_K8S_8 CKV_K8S_9 CKV_K8S_10 CKV_K8S_11 CKV_K8S_12 CKV_K8S_13 CKV_K8S_14 CKV_K8S_16 CKV_K8S_17",
    "CKV_K8S_19 CKV_K8S_20 CKV_K8S_21 CKV_K8S_22 CKV_K8S_23 CKV_K8S_28 CKV_K8S_29 CKV_K8S_31 CKV_K8S_37",
    "CKV_K8S_38 CKV_K8S_40 CKV_K8S_43 CKV2_K8S_6",
];

/// Asserts that the findings carry every peer id of `expected` (strings of space-separated ids).
fn assert_covers(out: &FamilyOutput, expected: &[&str]) {
    let covered: BTreeSet<&str> = out.findings.iter().flat_map(|f| f.check.peers.iter().copied()).collect();
    let missing: Vec<&str> =
        expected.iter().flat_map(|ids| ids.split_whitespace()).filter(|id| !covered.contains(id)).collect();
    assert!(missing.is_empty(), "peer findings not covered: {missing:?}\n{}", render(out));
}

fn shared_fixture() -> String {
    read(&crate_dir().join("../../../shared/peers/fixtures/iac/k8s/deployment.yaml"))
}

#[test]
fn shared_fixture_covers_every_peer_finding() {
    let out = scan_texts(&[("deployment.yaml", &shared_fixture())]);
    assert!(out.errors.is_empty());
    assert_covers(&out, PEERS_SHARED);
    // What both peers miss: the literal password in the environment.
    assert!(ids(&out).contains("RMP-K8S-0040"));
    insta::assert_snapshot!("shared_deployment", render(&out));
}

#[test]
fn targets_deployment_covers_every_peer_finding() {
    let out = scan_fixture("targets-misconfig-deployment.yaml");
    assert!(out.errors.is_empty());
    assert_covers(&out, PEERS_TARGETS);
    insta::assert_snapshot!("targets_deployment", render(&out));
}

#[test]
fn targets_fixture_is_the_build_script_deployment() {
    let script = read(&crate_dir().join("../../../shared/targets/build.sh"));
    let start = script.find("cat >\"$FS/misconfig/deployment.yaml\" <<'EOF'\n").expect("heredoc");
    let body = &script[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let body = &body[..body.find("\nEOF\n").unwrap() + 1];
    assert_eq!(fixture("targets-misconfig-deployment.yaml"), body);
}

/// What the peers report as FAILED on this crate's own fixtures (same commands and versions as
/// above, run once on a folder holding copies of the fixture files).
const PEERS_OWN: &[(&str, &[&str])] = &[
    (
        "cronjob.yaml",
        &[
            "CKV_K8S_10 CKV_K8S_11 CKV_K8S_12 CKV_K8S_13 CKV_K8S_15 CKV_K8S_20 CKV_K8S_22 CKV_K8S_23",
            "CKV_K8S_28 CKV_K8S_31 CKV_K8S_37 CKV_K8S_38 CKV_K8S_40 CKV_K8S_43 KSV-0001 KSV-0003 KSV-0004",
            "KSV-0011 KSV-0012 KSV-0014 KSV-0015 KSV-0016 KSV-0018 KSV-0020 KSV-0021 KSV-0023 KSV-0026",
            "KSV-0028 KSV-0030 KSV-0103 KSV-0104 KSV-0106 KSV-0121 KSV-0125",
        ],
    ),
    // Trivy reports nothing on a `List` in JSON; Checkov reads it.
    (
        "list.json",
        &[
            "CKV_K8S_8 CKV_K8S_9 CKV_K8S_10 CKV_K8S_11 CKV_K8S_12 CKV_K8S_13 CKV_K8S_14 CKV_K8S_16",
            "CKV_K8S_19 CKV_K8S_20 CKV_K8S_22 CKV_K8S_23 CKV_K8S_26 CKV_K8S_28 CKV_K8S_29 CKV_K8S_31",
            "CKV_K8S_37 CKV_K8S_38 CKV_K8S_40 CKV_K8S_43",
        ],
    ),
    (
        "multi-doc.yaml",
        &[
            "CKV_K8S_8 CKV_K8S_9 CKV_K8S_10 CKV_K8S_11 CKV_K8S_12 CKV_K8S_13 CKV_K8S_14 CKV_K8S_15",
            "CKV_K8S_18 CKV_K8S_20 CKV_K8S_22 CKV_K8S_23 CKV_K8S_25 CKV_K8S_28 CKV_K8S_29 CKV_K8S_31",
            "CKV_K8S_35 CKV_K8S_37 CKV_K8S_38 CKV_K8S_39 CKV_K8S_40 CKV_K8S_41 CKV_K8S_43 CKV2_K8S_6",
            "KSV-0001 KSV-0002 KSV-0003 KSV-0004 KSV-0005 KSV-0008 KSV-0011 KSV-0012 KSV-0013 KSV-0014",
            "KSV-0015 KSV-0016 KSV-0018 KSV-0020 KSV-0021 KSV-0022 KSV-0025 KSV-0027 KSV-0030 KSV-0104",
            "KSV-0105 KSV-0106 KSV-0118 KSV-0119 KSV-0125",
        ],
    ),
    ("network.yaml", &["KSV-0108"]),
    // Checkov also reports CKV_K8S_155 and CKV_K8S_156 (webhooks, CSR approval) on the `*/*/*`
    // ClusterRole, which RMP-K8S-0046..0048 report as wildcards; RMP-K8S-0065/0066 flag rules
    // that name those resources.
    (
        "rbac.yaml",
        &[
            "CKV_K8S_42 CKV_K8S_49 CKV_K8S_157 CKV_K8S_158 KSV-0044 KSV-0046 KSV-0047 KSV-0048 KSV-0050",
            "KSV-0053 KSV-0111 KSV-0113",
        ],
    ),
];

#[test]
fn own_fixtures_cover_every_peer_finding() {
    for (name, expected) in PEERS_OWN {
        let out = scan_fixture(name);
        assert_covers(&out, expected);
    }
    // Neither peer flags anything in the CRD file, and the hardened StatefulSet of multi-doc.yaml.
}

#[test]
fn windows_pods_are_exempt_from_linux_only_controls() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: apps}\nspec:\n  os: {name: windows}\n  containers:\n    - name: w\n      image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n";
    let found = ids(&scan_texts(&[("w.yaml", text)]));
    let linux = ids(&scan_texts(&[("l.yaml", &text.replace("windows}", "linux}"))]));
    for id in ["RMP-K8S-0015", "RMP-K8S-0018", "RMP-K8S-0019", "RMP-K8S-0034"] {
        assert!(!found.contains(id) && linux.contains(id), "{id}");
    }
    assert!(found.contains("RMP-K8S-0016"));
}

#[test]
fn aliases_are_unknown_and_never_flag() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: apps}\nx: &no false\nspec:\n  automountServiceAccountToken: *no\n  containers:\n    - name: a\n      image: registry.example.com/a:1\n      securityContext:\n        allowPrivilegeEscalation: *no\n        privileged: *no\n";
    let found = ids(&scan_texts(&[("a.yaml", text)]));
    for id in ["RMP-K8S-0001", "RMP-K8S-0015", "RMP-K8S-0037"] {
        assert!(!found.contains(id), "{id}");
    }
}

/// The fixtures of `fixtures/k8s/` whose findings are snapshotted, with their snapshot names.
const SNAPSHOTS: &[(&str, &str)] = &[
    ("multi-doc.yaml", "multi_doc"),
    ("list.json", "list"),
    ("cronjob.yaml", "cronjob"),
    ("rbac.yaml", "rbac"),
    ("network.yaml", "network"),
];

#[test]
fn snapshot_fixtures() {
    for (name, snapshot) in SNAPSHOTS {
        let out = scan_fixture(name);
        insta::assert_snapshot!(*snapshot, render(&out));
    }
}

#[test]
fn fixture_expectations() {
    let multi_doc = scan_fixture("multi-doc.yaml");
    // The hardened StatefulSet passes every check.
    assert!(
        multi_doc.findings.iter().all(|f| !f.resource.as_deref().unwrap_or("").starts_with("StatefulSet/")),
        "{}",
        render(&multi_doc)
    );
    assert!(ids(&scan_fixture("list.json")).contains("RMP-K8S-0001"));
    // Probes are not expected of CronJobs.
    let cronjob = ids(&scan_fixture("cronjob.yaml"));
    assert!(!cronjob.contains("RMP-K8S-0025") && !cronjob.contains("RMP-K8S-0026"));
}

#[test]
fn crds_and_unknown_documents_are_skipped_quietly() {
    let out = scan_fixture("crd.yaml");
    assert!(out.findings.is_empty(), "{}", render(&out));
    assert!(out.errors.is_empty());
    // Custom policies still see both objects.
    assert_eq!(out.inputs.len(), 2);
    assert_eq!(out.inputs[1].resource.as_deref(), Some("Widget/blue"));
    insta::assert_snapshot!("crd", render(&out));
}

#[test]
fn malformed_yaml_is_an_error_with_its_line() {
    let out =
        scan_texts(&[("malformed.yaml", &fixture("malformed.yaml")), ("ok.yaml", &fixture("cronjob.yaml"))]);
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].path, "malformed.yaml");
    assert!(out.errors[0].line >= 7, "{:?}", out.errors[0]);
    // The other file is still scanned.
    assert!(!out.findings.is_empty());
    let only = scan_fixture("malformed.yaml");
    insta::assert_snapshot!("malformed", render(&only));
}

#[test]
fn network_policy_check_is_cross_file() {
    let deploy = k8s::checks().into_iter().find(|c| c.id == "RMP-K8S-0062").unwrap().bad_example;
    let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: apps}\nspec:\n  podSelector: {}\n";
    let alone = scan_texts(&[("d.yaml", deploy)]);
    assert!(ids(&alone).contains("RMP-K8S-0062"));
    let together = scan_texts(&[("d.yaml", deploy), ("np.yaml", policy)]);
    assert!(!ids(&together).contains("RMP-K8S-0062"));
    let elsewhere = scan_texts(&[("d.yaml", deploy), ("np.yaml", &policy.replace("apps", "other"))]);
    assert!(ids(&elsewhere).contains("RMP-K8S-0062"));
}

#[test]
fn inputs_and_passed_counts() {
    let out = scan_fixture("multi-doc.yaml");
    let resources: Vec<&str> = out.inputs.iter().filter_map(|i| i.resource.as_deref()).collect();
    assert_eq!(resources, ["ServiceAccount/default", "Deployment/api", "StatefulSet/db", "NetworkPolicy/db"]);
    assert_eq!(out.inputs[1].input["spec"]["template"]["spec"]["hostIPC"], true);
    assert_eq!(out.inputs[1].span.start, 8);
    assert!(out.inputs.iter().all(|i| i.config_type == ConfigType::Kubernetes));
    // Trivy's shape carries each object's lines; Conftest's is the document as written.
    assert_eq!(out.inputs[1].input["__defsec_metadata"]["startline"], 8);
    let plain = out.inputs[1].conftest_input.as_ref().expect("Conftest's shape");
    assert!(plain.get("__defsec_metadata").is_none());
    assert_eq!(plain["spec"]["template"]["spec"]["hostIPC"], true);
    assert_eq!(out.passed.len(), 1);
    let (path, passed) = &out.passed[0];
    assert_eq!(path, "multi-doc.yaml");
    // The StatefulSet alone passes every workload check that applies to it.
    assert!(*passed > 40, "{passed}");
}

#[test]
fn messages_name_the_container_and_spans_point_at_the_field() {
    let out = scan_texts(&[("deployment.yaml", &shared_fixture())]);
    let privileged = out.findings.iter().find(|f| f.check.id == "RMP-K8S-0001").unwrap();
    assert_eq!(privileged.message, "Container 'web' of Deployment 'web' runs privileged");
    assert_eq!(privileged.resource.as_deref(), Some("Deployment/default/web"));
    assert_eq!((privileged.span.start, privileged.span.end), (24, 24));
    let host_network = out.findings.iter().find(|f| f.check.id == "RMP-K8S-0002").unwrap();
    assert_eq!(host_network.span.start, 16);
}

#[test]
fn inline_suppressions_apply_to_k8s_findings() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: apps}\nspec:\n  containers:\n    - name: c\n      image: registry.example.com/c:1\n      securityContext:\n        # rampart:ignore:RMP-K8S-0001 debugging pod, removed after the incident\n        privileged: true\n";
    let out = rampart_misconfig::scan(&[source("p.yaml", text)]);
    let result = &out.files["p.yaml"];
    let privileged = result.misconfigurations.iter().find(|m| m.id == "RMP-K8S-0001").expect("finding kept");
    let suppression = privileged.suppressed.as_ref().expect("suppressed");
    assert_eq!(suppression.reason.as_deref(), Some("debugging pod, removed after the incident"));
    assert_eq!(privileged.start_line, Some(10));
    assert_eq!(privileged.code[0].content, "        privileged: true");
    assert!(
        result.misconfigurations.iter().filter(|m| m.id != "RMP-K8S-0001").all(|m| m.suppressed.is_none())
    );
    assert!(result.passed > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = scan_texts(&[("x.yaml", &text)]);
    }

    #[test]
    fn mutated_manifests_never_panic(cut in 0usize..2000, insert in "[-:\\[\\]{}#&*!|> a-z0-9\\n]{0,12}") {
        let text = fixture("multi-doc.yaml");
        let at = text.char_indices().map(|(i, _)| i).nth(cut % text.len()).unwrap_or(0);
        let mutated = format!("{}{}{}", &text[..at], insert, &text[at..]);
        let _ = scan_texts(&[("x.yaml", &mutated)]);
    }
}

/// Throughput on many documents: `cargo test --release --test k8s -- --ignored --nocapture`.
#[test]
#[ignore]
fn throughput() {
    let one = shared_fixture() + "---\n" + &fixture("multi-doc.yaml") + "---\n" + &fixture("rbac.yaml");
    let texts: Vec<(String, String)> = (0..500).map(|i| (format!("f{i}.yaml"), one.clone())).collect();
    let files: Vec<(&str, &str)> = texts.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let start = std::time::Instant::now();
    let out = scan_texts(&files);
    let elapsed = start.elapsed();
    assert_eq!(out.inputs.len(), 500 * 11);
    eprintln!("{} documents, {} findings in {elapsed:?}", out.inputs.len(), out.findings.len());
}
