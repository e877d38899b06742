//! Measures loading and evaluating policies: `cargo run --release -p rampart-rego --example timing -- [POLICY_DIR...]`
//! (default: the crate's fixtures). Prints the time per input; not a test, so no assertion.

use std::path::PathBuf;
use std::time::Instant;

use rampart_misconfig::value::Span;
use rampart_misconfig::{ConfigType, PolicyInput};
use rampart_rego::{Namespaces, Policies};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        paths = ["conftest-k8s", "trivy-k8s", "trivy-docker", "conftest-terraform"]
            .iter()
            .map(|d| fixtures.join(d))
            .collect();
    }
    let start = Instant::now();
    let policies = Policies::load(&paths)?.with_namespaces(Namespaces::default());
    println!("load: {:?} ({} files)", start.elapsed(), policies.files().len());

    let pod = serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"tier": "web"}}, "template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:latest", "securityContext": {"privileged": true}}
        ]}}}
    });
    let inputs: Vec<PolicyInput> = (0..2000)
        .map(|i| PolicyInput {
            path: format!("deploy/{i}.yaml"),
            config_type: ConfigType::Kubernetes,
            span: Span::new(1, 12),
            resource: None,
            input: pod.clone(),
            conftest_input: None,
        })
        .collect();
    for round in 0..3 {
        let start = Instant::now();
        let findings = policies.evaluate(&inputs)?;
        let elapsed = start.elapsed();
        println!(
            "round {round}: {} inputs, {} findings, {:?} total, {:.1} µs per input (all threads)",
            inputs.len(),
            findings.len(),
            elapsed,
            elapsed.as_secs_f64() * 1e6 / inputs.len() as f64
        );
    }
    Ok(())
}
