//! Real Conftest and Trivy policies (under `fixtures/`) on inputs built by hand in the shapes
//! Conftest and Trivy give policies.

use std::path::PathBuf;

use rampart_misconfig::value::Span;
use rampart_misconfig::{ConfigType, PolicyInput};
use rampart_model::Severity;
use rampart_rego::{Convention, Namespaces, Policies, PolicyFinding, RegoError};
use serde_json::json;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

fn load(names: &[&str]) -> Policies {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    Policies::load(&paths).unwrap_or_else(|e| panic!("loading {names:?}: {e}"))
}

fn input(path: &str, config_type: ConfigType, span: Span, input: serde_json::Value) -> PolicyInput {
    PolicyInput { path: path.into(), config_type, span, resource: None, input, conftest_input: None }
}

/// A Deployment running as root, without an app label, with a `:latest` privileged container.
fn deployment() -> PolicyInput {
    let doc = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"tier": "web"}},
            "template": {"spec": {"containers": [
                {"name": "app", "image": "docker.io/nginx:latest", "securityContext": {"privileged": true},
                 "__defsec_metadata": {"startline": 12, "endline": 16}}
            ]}}
        }
    });
    let mut i = input("deploy/web.yaml", ConfigType::Kubernetes, Span::new(1, 16), doc);
    i.resource = Some("Deployment/web".into());
    i
}

fn compliant_deployment() -> PolicyInput {
    let doc = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "ok"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "ok"}},
            "template": {"spec": {
                "securityContext": {"runAsNonRoot": true},
                "containers": [{"name": "app", "image": "registry.example/app:1.2"}]
            }}
        }
    });
    input("deploy/ok.yaml", ConfigType::Kubernetes, Span::new(20, 35), doc)
}

/// `fixtures/inputs/Dockerfile` (`FROM alpine:latest` on line 3, where Trivy reports ID002) in
/// Trivy's shape and Conftest's.
fn dockerfile() -> PolicyInput {
    let cmd = |cmd: &str, value: &str, original: &str, line: u32| {
        json!({"Cmd": cmd, "SubCmd": "", "Flags": [], "Value": [value], "Original": original, "JSON": false,
               "Stage": 0, "Path": "app/Dockerfile", "StartLine": line, "EndLine": line})
    };
    let trivy = json!({"Stages": [{"Name": "alpine:latest", "Commands": [
        cmd("from", "alpine:latest", "FROM alpine:latest", 3),
        cmd("run", "apk add curl", "RUN apk add curl", 4),
    ]}]});
    let conftest = json!([
        {"Cmd": "from", "Flags": [], "JSON": false, "Original": "FROM alpine:latest", "Stage": 0, "SubCmd": "", "Value": ["alpine:latest"]},
        {"Cmd": "run", "Flags": [], "JSON": false, "Original": "RUN apk add curl", "Stage": 0, "SubCmd": "", "Value": ["apk add curl"]}
    ]);
    let mut i = input("app/Dockerfile", ConfigType::Dockerfile, Span::new(1, 4), trivy);
    i.conftest_input = Some(conftest);
    i
}

fn terraform() -> PolicyInput {
    let trivy = json!({"resource": {"aws_s3_bucket": {"data": [{"acl": "public-read"}]}}});
    let conftest = json!({"resource": {"aws_s3_bucket": {
        "data": [{"bucket": "my-data", "acl": "public-read"}],
        "logs": [{"bucket": "my-logs", "acl": "private"}]
    }}});
    let mut i = input("infra/main.tf", ConfigType::Terraform, Span::new(1, 9), trivy);
    i.conftest_input = Some(conftest);
    i
}

fn summary(findings: &[PolicyFinding]) -> Vec<(String, String, Severity, bool, u32, u32)> {
    findings
        .iter()
        .map(|f| (f.id.clone(), f.message.clone(), f.severity, f.warning, f.span.start, f.span.end))
        .collect()
}

#[test]
fn conftest_kubernetes_policy_in_rego_v0() {
    let policies = load(&["conftest-k8s"]);
    assert!(policies.files().iter().all(|f| !f.ends_with("_test.rego")), "{:?}", policies.files());
    assert_eq!(policies.packages(), [("main", Convention::Conftest, vec!["deny"])]);
    let findings = policies.evaluate(&[deployment(), compliant_deployment()]).unwrap();
    assert_eq!(
        summary(&findings),
        [
            ("main.deny".into(), "Containers must not run as root".into(), Severity::High, false, 1, 16),
            (
                "main.deny".into(),
                "Containers must provide app label for pod selectors".into(),
                Severity::High,
                false,
                1,
                16
            ),
        ]
    );
    let f = &findings[0];
    assert_eq!((f.path.as_str(), f.resource.as_deref()), ("deploy/web.yaml", Some("Deployment/web")));
    assert!(f.policy_file.ends_with("conftest-k8s/deployment.rego"), "{}", f.policy_file);
}

#[test]
fn conftest_policy_in_rego_v1_with_warn_and_violation_objects() {
    let policies = load(&["conftest-k8s-v1"]);
    assert_eq!(
        policies.packages(),
        [("main", Convention::Conftest, vec!["deny", "violation_privileged", "warn"])]
    );
    let findings = policies.evaluate(&[deployment(), compliant_deployment()]).unwrap();
    let mut got = summary(&findings);
    got.sort();
    assert_eq!(
        got,
        [
            ("main.deny".into(), "container app uses the latest tag".into(), Severity::High, false, 1, 16),
            (
                "main.violation_privileged".into(),
                "container app is privileged".into(),
                Severity::Critical,
                false,
                1,
                16
            ),
            ("main.warn".into(), "Deployment does not set replicas".into(), Severity::Low, true, 1, 16),
        ]
    );
}

#[test]
fn conftest_dockerfile_policy_sees_the_flat_command_list() {
    let policies = load(&["conftest-docker"]);
    let findings = policies.evaluate(&[dockerfile()]).unwrap();
    assert_eq!(
        summary(&findings),
        [
            (
                "main.deny".into(),
                "image alpine:latest uses the latest tag".into(),
                Severity::High,
                false,
                1,
                4
            ),
            ("main.warn_user".into(), "Dockerfile has no USER instruction".into(), Severity::Low, true, 1, 4),
        ]
    );
}

#[test]
fn conftest_terraform_policy_sees_hcl2_json() {
    let policies = load(&["conftest-terraform"]);
    let findings = policies.evaluate(&[terraform()]).unwrap();
    assert_eq!(
        summary(&findings),
        [("main.deny".into(), "S3 bucket `data` is publicly readable".into(), Severity::High, false, 1, 9)]
    );
}

#[test]
fn trivy_check_with_metadata_comment_and_dockerfile_selector() {
    let policies = load(&["trivy-docker"]);
    assert_eq!(policies.packages(), [("user.dockerfile.ID002", Convention::Trivy, vec!["deny"])]);
    // The Kubernetes input is not selected; the Dockerfile's FROM line is the finding's span.
    let findings = policies.evaluate(&[deployment(), dockerfile()]).unwrap();
    assert_eq!(
        summary(&findings),
        [("ID002".into(), "FROM alpine:latest uses the latest tag".into(), Severity::Medium, false, 3, 3)]
    );
    let f = &findings[0];
    assert_eq!(f.title, "Image tag latest");
    assert_eq!(f.description, "Images tagged latest change under you; pin a version.");
    assert_eq!(f.resolution, "Use a pinned tag or digest in FROM.");
    assert_eq!(f.references, ["https://docs.docker.com/develop/develop-images/dockerfile_best-practices/"]);
}

#[test]
fn trivy_check_with_rego_metadata_and_kubernetes_selector() {
    let policies = load(&["trivy-k8s"]);
    let findings = policies.evaluate(&[dockerfile(), deployment(), compliant_deployment()]).unwrap();
    let mut got = summary(&findings);
    got.sort();
    assert_eq!(
        got,
        [
            ("ID001".into(), "Container 'app' is privileged".into(), Severity::Low, false, 12, 16),
            (
                "ID001".into(),
                "Found deployment 'ok' but deployments are not allowed".into(),
                Severity::Low,
                false,
                20,
                35
            ),
            (
                "ID001".into(),
                "Found deployment 'web' but deployments are not allowed".into(),
                Severity::Low,
                false,
                1,
                16
            ),
        ]
    );
    assert!(
        findings.iter().all(|f| f.title == "Deployment not allowed" && f.resolution == "Use a StatefulSet.")
    );
}

#[test]
fn selectors_keep_policies_to_their_kind() {
    // Both Trivy checks and a Conftest policy loaded together: the Conftest one runs everywhere,
    // each Trivy one only on its kind.
    let policies = load(&["trivy-docker", "trivy-k8s", "conftest-terraform"]);
    let findings = policies.evaluate(&[dockerfile(), terraform(), deployment()]).unwrap();
    let by_file: Vec<(&str, &str)> = findings.iter().map(|f| (f.path.as_str(), f.id.as_str())).collect();
    assert_eq!(
        by_file,
        [
            ("app/Dockerfile", "ID002"),
            ("deploy/web.yaml", "ID001"),
            ("deploy/web.yaml", "ID001"),
            ("infra/main.tf", "main.deny")
        ]
    );
}

#[test]
fn syntax_error_names_file_and_line() {
    let err = Policies::load(&[fixture("syntax-error")]).unwrap_err();
    match &err {
        RegoError::Parse { path, line, message } => {
            assert!(path.ends_with("syntax-error/broken.rego"), "{path}");
            assert_eq!(*line, 6, "{message}");
            assert_eq!(message, "expecting `)` while parsing call expr");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    assert!(err.to_string().ends_with("broken.rego:6: expecting `)` while parsing call expr"), "{err}");
}

#[test]
fn missing_path_is_an_error() {
    let err = Policies::load(&[fixture("no-such-dir")]).unwrap_err();
    assert!(matches!(err, RegoError::Io { .. }), "{err:?}");
}

#[test]
fn data_documents_are_merged_into_data() {
    let policies = load(&["data"]);
    let findings = policies.evaluate(&[deployment(), compliant_deployment()]).unwrap();
    assert_eq!(
        summary(&findings),
        [(
            "main.deny".into(),
            "container app pulls from the denied registry docker.io/".into(),
            Severity::High,
            false,
            1,
            16
        )]
    );
}

#[test]
fn namespaces_select_packages() {
    let policies = load(&["conftest-k8s", "trivy-k8s"]);
    let only_user = policies.clone().with_namespaces(Namespaces::Only(vec!["user".into()]));
    assert!(only_user.evaluate(&[deployment()]).unwrap().iter().all(|f| f.id == "ID001"));
    let none = policies.clone().with_namespaces(Namespaces::Only(vec!["other".into()]));
    assert!(none.evaluate(&[deployment()]).unwrap().is_empty());
    let all = policies.with_namespaces(Namespaces::All);
    assert_eq!(all.evaluate(&[deployment()]).unwrap().len(), 4);
}

#[test]
fn finding_becomes_a_report_entry_with_code() {
    let policies = load(&["trivy-docker"]);
    let finding = policies.evaluate(&[dockerfile()]).unwrap().remove(0);
    let text = "# syntax=docker/dockerfile:1\n\nFROM alpine:latest\nRUN apk add curl\n";
    let m = finding.into_misconfiguration(Some(text));
    assert_eq!((m.id.as_str(), m.config_type.as_str()), ("ID002", "dockerfile"));
    assert_eq!((m.start_line, m.end_line), (Some(3), Some(3)));
    assert_eq!(
        m.code.iter().map(|l| (l.number, l.content.as_str())).collect::<Vec<_>>(),
        [(3, "FROM alpine:latest")]
    );
    assert!(m.source.ends_with("trivy-docker/latest.rego"));
    assert!(!m.warning);
}

#[test]
fn runtime_errors_name_the_policy_and_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("conflict.rego"),
        "package main\n\nimport rego.v1\n\ndeny := input.a if input.a\ndeny := input.b if input.b\n",
    )
    .unwrap();
    let policies = Policies::load(&[dir.path().to_path_buf()]).unwrap();
    let err = policies.evaluate(&[input(
        "x.yaml",
        ConfigType::Kubernetes,
        Span::new(1, 1),
        json!({"a": "x", "b": "y"}),
    )]);
    match err {
        Err(RegoError::Eval { policy, rule, input, .. }) => {
            assert!(policy.ends_with("conflict.rego"));
            assert_eq!((rule.as_str(), input.as_str()), ("main.deny", "x.yaml"));
        }
        other => panic!("expected an evaluation error, got {other:?}"),
    }
}

#[test]
fn conftest_exceptions_exempt_prefixed_rules() {
    let policies = load(&["conftest-exception"]);
    let mut other = deployment();
    other.path = "deploy/other.yaml".into();
    other.input["metadata"]["name"] = json!("other");
    let findings = policies.evaluate(&[deployment(), other]).unwrap();
    assert_eq!(
        summary(&findings),
        [(
            "main.deny_run_as_root".into(),
            "Deployment other runs as root".into(),
            Severity::High,
            false,
            1,
            16
        )]
    );
}

#[test]
fn rego_v1_syntax_error_is_reported_in_v1_terms() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.rego");
    std::fs::write(&file, "package main\n\nimport rego.v1\n\ndeny contains msg if {\n  msg := \n}\n")
        .unwrap();
    match Policies::load(&[file]).unwrap_err() {
        RegoError::Parse { path, line, message } => {
            assert!(path.ends_with("bad.rego"));
            assert!((6..=7).contains(&line), "{line}: {message}");
            assert!(!message.contains("future.keywords"), "{message}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn legacy_lib_result_import_still_works() {
    // Older Trivy docs imported `data.lib.result`; current Trivy has `result.new` as a builtin.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("legacy.rego"),
        "package user.dockerfile.ID003\n\nimport data.lib.result\n\n__rego_input__ := {\"selector\": [{\"type\": \"dockerfile\"}]}\n\ndeny[res] {\n  cmd := input.Stages[_].Commands[_]\n  cmd.Cmd == \"run\"\n  res := result.new(\"RUN found\", cmd)\n}\n",
    )
    .unwrap();
    let policies = Policies::load(&[dir.path().to_path_buf()]).unwrap();
    let findings = policies.evaluate(&[dockerfile(), deployment()]).unwrap();
    assert_eq!(
        summary(&findings),
        [("user.dockerfile.ID003.deny".into(), "RUN found".into(), Severity::High, false, 4, 4)]
    );
}

#[test]
fn readme_trivy_example_in_rego_v1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ID001.rego"),
        "# METADATA\n# title: Deployment runs as root\n# custom:\n#   id: ID001\n#   severity: HIGH\n#   recommended_actions: Set securityContext.runAsNonRoot to true.\n#   input:\n#     selector:\n#     - type: kubernetes\npackage user.kubernetes.ID001\n\nimport rego.v1\n\ndeny contains res if {\n\tinput.kind == \"Deployment\"\n\tnot input.spec.template.spec.securityContext.runAsNonRoot\n\tres := result.new(\"Containers must not run as root\", input)\n}\n",
    )
    .unwrap();
    let policies = Policies::load(&[dir.path().to_path_buf()]).unwrap();
    let findings = policies.evaluate(&[deployment(), compliant_deployment(), dockerfile()]).unwrap();
    assert_eq!(
        summary(&findings),
        [("ID001".into(), "Containers must not run as root".into(), Severity::High, false, 1, 16)]
    );
    assert_eq!(findings[0].title, "Deployment runs as root");
}

/// The same manifest and policies Trivy was run on (`trivy config --config-check fixtures/trivy-k8s
/// --namespaces user`): Trivy reported the Deployment at lines 1-15 and the container at 12-15.
#[test]
fn trivy_lines_on_a_parsed_manifest_match_trivy() {
    let text = std::fs::read_to_string(fixture("inputs/deploy.yaml")).unwrap();
    let docs = rampart_misconfig::yaml::load_all(&text, rampart_misconfig::yaml::Tags::Ignore).unwrap();
    let doc = &docs[0];
    let input = PolicyInput {
        path: "deploy.yaml".into(),
        config_type: ConfigType::Kubernetes,
        span: doc.span,
        resource: Some("Deployment/web".into()),
        input: rampart_rego::trivy_json(doc, "deploy.yaml"),
        conftest_input: Some(doc.to_json()),
    };
    let policies = load(&["trivy-k8s", "conftest-k8s"]);
    let findings = policies.evaluate(&[input]).unwrap();
    let mut got = summary(&findings);
    got.sort();
    assert_eq!(
        got,
        [
            ("ID001".into(), "Container 'app' is privileged".into(), Severity::Low, false, 12, 15),
            (
                "ID001".into(),
                "Found deployment 'web' but deployments are not allowed".into(),
                Severity::Low,
                false,
                1,
                15
            ),
            ("main.deny".into(), "Containers must not run as root".into(), Severity::High, false, 1, 15),
            (
                "main.deny".into(),
                "Containers must provide app label for pod selectors".into(),
                Severity::High,
                false,
                1,
                15
            ),
        ]
    );
}
