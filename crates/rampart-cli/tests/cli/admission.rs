//! `rampart admission certs` and `serve` end to end: certificates made by the binary, the
//! server started as a process with a report directory from a real `rampart image` scan, a real
//! AdmissionReview posted over HTTPS, the decision on stdout as a JSON line.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{Dir, rampart, targets_dir};

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `rampart admission serve` and an HTTPS client that trusts its CA.
struct Webhook {
    _serve: Serve,
    stdout: Option<std::process::ChildStdout>,
    client: reqwest::Client,
    rt: tokio::runtime::Runtime,
    base: String,
}

impl Webhook {
    fn start(certs: &std::path::Path, policy: &std::path::Path, extra: &[&str]) -> Webhook {
        let port = free_port();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rampart"))
            .args(["admission", "serve", "--policy"])
            .arg(policy)
            .arg("--tls-cert")
            .arg(certs.join("tls.crt"))
            .arg("--tls-key")
            .arg(certs.join("tls.key"))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take();
        let ca = std::fs::read(certs.join("ca.crt")).unwrap();
        let client = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
            .resolve("rampart-admission.rampart.svc", format!("127.0.0.1:{port}").parse().unwrap())
            .build()
            .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let base = format!("https://rampart-admission.rampart.svc:{port}");
        let start = Instant::now();
        loop {
            let up = rt.block_on(async {
                client.get(format!("{base}/healthz")).send().await.map(|r| r.status().is_success())
            });
            if up.unwrap_or(false) {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "the server did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
        Webhook { _serve: Serve(child), stdout, client, rt, base }
    }

    fn post(&self, body: Value) -> Value {
        self.rt.block_on(async {
            let r = self.client.post(format!("{}/validate", self.base)).json(&body).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            r.json::<Value>().await.unwrap()
        })
    }
}

fn pod(image: &str) -> Value {
    json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "b9f0b4a4-1f8e-4f67-9d2e-000000000001",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": "shop", "operation": "CREATE", "name": "web",
            "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
                       "spec": {"containers": [{"name": "web", "image": image}]}}
        }
    })
}

fn certs(dir: &Dir) -> std::path::PathBuf {
    let certs = dir.path().join("certs");
    let out = rampart().args(["admission", "certs", "--out"]).arg(&certs).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    certs
}

/// Scan on miss against a real registry: the image is in no report, the webhook pulls it,
/// searches it for secrets (the policy has secret thresholds) and denies it within the budget;
/// the second request is answered from the scan it kept.
#[test]
fn scan_on_miss_pulls_the_image_and_finds_its_secrets() {
    let reg = crate::images::registry_support::Registry::start(None);
    let archive = targets_dir().join("images/debian12-layered.docker.tar");
    let image = format!("{}/targets/layered:v1", reg.host());
    let out = std::process::Command::new("skopeo")
        .args(["copy", "--quiet", "--dest-tls-verify=false"])
        .arg(format!("docker-archive:{}", archive.display()))
        .arg(format!("docker://{image}"))
        .output()
        .expect("skopeo");
    assert!(out.status.success(), "skopeo: {}", String::from_utf8_lossy(&out.stderr));
    let dir = Dir::new();
    let certs = certs(&dir);
    let policy = dir.write("policy.yaml", "schema: 1\nsecrets:\n  max: {total: 0}\non_scan_timeout: deny\n");
    let cache = dir.path().join("cache");
    let hook = Webhook::start(
        &certs,
        &policy,
        &["--scan-on-miss", "--insecure", "--scan-budget", "60", "--cache-dir", cache.to_str().unwrap()],
    );
    for round in 1..=2 {
        let answer = hook.post(pod(&image));
        assert_eq!(answer["response"]["allowed"], false, "round {round}: {answer}");
        let msg = answer["response"]["status"]["message"].as_str().unwrap();
        assert!(msg.contains("secrets.max.total: 5 secrets, at most 0 allowed"), "round {round}: {msg}");
    }
}

#[test]
fn serve_denies_an_image_whose_report_has_secrets_and_logs_json() {
    let dir = Dir::new();
    let certs = certs(&dir);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(certs.join("tls.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the private key is private");
    }
    // The report cache: a real scan of the layered image (its tag names it).
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let scan = rampart()
        .args(["image", "--input"])
        .arg(targets_dir().join("images/debian12-layered.docker.tar"))
        .args(["--scanners", "secret", "--quiet", "--no-cache", "--format", "json", "--output"])
        .arg(reports.join("layered.json"))
        .output()
        .unwrap();
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let policy = dir.write("policy.yaml", "schema: 1\nsecrets:\n  max: {total: 0}\non_scan_timeout: deny\n");
    let mut hook = Webhook::start(&certs, &policy, &["--reports", reports.to_str().unwrap()]);
    let answer = hook.post(pod("localhost/scanner-targets/debian12-layered:latest"));
    assert_eq!(answer["response"]["allowed"], false, "{answer}");
    let msg = answer["response"]["status"]["message"].as_str().unwrap();
    assert!(msg.contains("secrets.max.total: 5 secrets, at most 0 allowed"), "{msg}");
    // An image the cache does not have, with scan on miss off: the timeout action (deny).
    let answer = hook.post(pod("localhost/unknown/app:1"));
    assert_eq!(answer["response"]["allowed"], false);
    assert!(answer["response"]["status"]["message"].as_str().unwrap().contains("no scan report"));

    let stdout = hook.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["uid"], "b9f0b4a4-1f8e-4f67-9d2e-000000000001");
    assert_eq!(first["allowed"], false);
    assert_eq!(first["images"][0]["image"], "localhost/scanner-targets/debian12-layered:latest");
}

#[test]
fn the_deploy_manifests_pass_our_own_checks() {
    let deploy = crate::util::workspace_root().join("deploy");
    let out = rampart()
        .arg("config")
        .arg(&deploy)
        .args(["--severity", "HIGH,CRITICAL", "--exit-code", "1", "--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> =
        report["results"].as_array().unwrap().iter().filter_map(|r| r["target"].as_str()).collect();
    for f in ["deployment.yaml", "service.yaml", "webhook.yaml", "namespace.yaml", "rbac.yaml"] {
        assert!(files.contains(&f), "{f} not checked: {files:?}");
    }
}
