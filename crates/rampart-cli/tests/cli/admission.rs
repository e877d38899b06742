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

#[test]
fn serve_denies_an_image_whose_report_has_secrets_and_logs_json() {
    let dir = Dir::new();
    let certs = dir.path().join("certs");
    let out = rampart().args(["admission", "certs", "--out"]).arg(&certs).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
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
    let port = free_port();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rampart"))
        .args(["admission", "serve", "--policy"])
        .arg(&policy)
        .arg("--tls-cert")
        .arg(certs.join("tls.crt"))
        .arg("--tls-key")
        .arg(certs.join("tls.key"))
        .args(["--listen", &format!("127.0.0.1:{port}"), "--reports"])
        .arg(&reports)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _serve = Serve(child);

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
    let pod = |image: &str| {
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
    };
    let post = |body: Value| -> Value {
        rt.block_on(async {
            let r = client.post(format!("{base}/validate")).json(&body).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            r.json::<Value>().await.unwrap()
        })
    };
    let answer = post(pod("localhost/scanner-targets/debian12-layered:latest"));
    assert_eq!(answer["response"]["allowed"], false, "{answer}");
    let msg = answer["response"]["status"]["message"].as_str().unwrap();
    assert!(msg.contains("secrets.max.total: 5 secrets, at most 0 allowed"), "{msg}");
    // An image the cache does not have, with scan on miss off: the timeout action (deny).
    let answer = post(pod("localhost/unknown/app:1"));
    assert_eq!(answer["response"]["allowed"], false);
    assert!(answer["response"]["status"]["message"].as_str().unwrap().contains("no scan report"));

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
