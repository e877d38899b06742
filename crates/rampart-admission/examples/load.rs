//! Loopback load test of the webhook with cached verdicts: N requests at a fixed rate over
//! keep-alive HTTPS connections; prints requests/s, p50/p90/p99/max latency and errors.
//!
//! `cargo run --release -p rampart-admission --example load -- [RATE] [REQUESTS] [CONNECTIONS]`
//! (defaults 200/s, 4,000 requests = 20 s, 8 connections). Bounded in time and count.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rampart_admission::server::{start, tls_config};
use rampart_admission::{DecisionLog, Lookup, Mode, ReportSource, Settings, Webhook, certs};
use rampart_gate::{NoVerifier, Policy};
use rampart_model::{ArtifactKind, Report};
use serde_json::json;

struct Cache(HashMap<String, Report>);

impl ReportSource for Cache {
    fn report(&self, image: &str, _budget: Duration) -> Lookup {
        match self.0.get(image) {
            Some(r) => Lookup::Found(Box::new(r.clone())),
            None => Lookup::Missing("not cached".into()),
        }
    }
}

const IMAGE: &str =
    "registry.example.com/shop/api@sha256:1111111111111111111111111111111111111111111111111111111111111111";

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let rate = *args.first().unwrap_or(&200);
    let total = *args.get(1).unwrap_or(&4000);
    let conns = *args.get(2).unwrap_or(&8);
    let c = certs::generate(&certs::service_names("rampart-admission", "rampart")).expect("certs");
    let policy = Policy::parse(
        "load.yaml",
        "schema: 1\nvulnerabilities: {max: {critical: 0, high: 0}}\nmisconfigurations: {max: {critical: 0, high: 0}}\nimages: {allowed_registries: [registry.example.com], forbidden_tags: [latest], require_digest: true}\n",
    )
    .expect("policy");
    let webhook = Webhook {
        policy,
        settings: Settings {
            mode: Mode::Enforce,
            exempt_namespaces: vec![],
            scan_budget: Duration::from_secs(1),
        },
        reports: Box::new(Cache(HashMap::from([(
            IMAGE.to_string(),
            Report::new(IMAGE, ArtifactKind::ContainerImage, "2026-12-06T00:00:00Z"),
        )]))),
        verifier: Box::new(NoVerifier),
    };
    let running = start(
        "127.0.0.1:0".parse().unwrap(),
        tls_config(c.cert.as_bytes(), c.key.as_bytes()).unwrap(),
        Arc::new(webhook),
        Arc::new(|_: &DecisionLog| {}),
        2,
    )
    .expect("server");
    let body = serde_json::to_vec(&json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "load", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
            "namespace": "shop", "operation": "CREATE", "name": "api",
            "object": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"},
              "spec": {"selector": {"matchLabels": {"app": "api"}}, "template": {"metadata": {"labels": {"app": "api"}},
                "spec": {"automountServiceAccountToken": false, "serviceAccountName": "api",
                  "securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
                  "containers": [{"name": "api", "image": IMAGE, "imagePullPolicy": "Always",
                    "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}},
                    "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}}]}}}}
        }
    }))
    .unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(c.ca_cert.as_bytes()).unwrap())
        .resolve("rampart-admission.rampart.svc", running.addr)
        .pool_max_idle_per_host(conns as usize)
        .build()
        .unwrap();
    let url = format!("https://rampart-admission.rampart.svc:{}/validate", running.addr.port());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let (lat, errors, wall) = rt.block_on(async move {
        // Warm the connections.
        for _ in 0..conns {
            let _ = client.post(&url).body(body.clone()).send().await;
        }
        let interval = Duration::from_secs_f64(1.0 / rate as f64);
        let start = Instant::now();
        let mut tasks = Vec::with_capacity(total as usize);
        for i in 0..total {
            let due = start + interval * i as u32;
            tokio::time::sleep_until(due.into()).await;
            let (client, url, body) = (client.clone(), url.clone(), body.clone());
            tasks.push(tokio::spawn(async move {
                let t = Instant::now();
                let ok = match client.post(&url).body(body).send().await {
                    Ok(r) if r.status().is_success() => r
                        .bytes()
                        .await
                        .map(|b| b.windows(14).any(|w| w == b"\"allowed\":true"))
                        .unwrap_or(false),
                    _ => false,
                };
                (t.elapsed(), ok)
            }));
        }
        let mut lat = Vec::new();
        let mut errors = 0;
        for t in tasks {
            match t.await {
                Ok((d, true)) => lat.push(d),
                _ => errors += 1,
            }
        }
        (lat, errors, start.elapsed())
    });
    let mut ms: Vec<f64> = lat.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        ms.get(((ms.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(f64::NAN)
    };
    println!(
        "{} requests in {:.2} s = {:.0} req/s (target {rate}/s, {conns} connections); latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; errors {errors}",
        total,
        wall.as_secs_f64(),
        total as f64 / wall.as_secs_f64(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        ms.last().copied().unwrap_or(f64::NAN),
    );
    running.stop();
}
