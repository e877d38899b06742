//! Real AdmissionReview requests, built from Pod, Deployment and CronJob manifests the way the
//! API server sends them, posted over HTTPS to the running webhook: allowed / denied, messages,
//! warnings, modes, exempt namespaces, cached and missing scan reports, bad requests.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rampart_admission::server::{start, tls_config};
use rampart_admission::{DecisionLog, Lookup, Mode, ReportSource, Settings, Webhook, certs};
use rampart_gate::{NoVerifier, Policy};
use rampart_model::{ArtifactKind, Report, ScanResult, Severity, Vulnerability};
use serde_json::{Value, json};

const POLICY: &str = "schema: 1
vulnerabilities:
  max: {critical: 0}
misconfigurations:
  max: {critical: 0, high: 0}
images:
  allowed_registries: [registry.example.com]
  forbidden_tags: [latest]
on_scan_timeout: deny
";

const CLEAN: &str =
    "registry.example.com/shop/api@sha256:1111111111111111111111111111111111111111111111111111111111111111";
const VULNERABLE: &str = "registry.example.com/shop/legacy:2.0";

struct Cache(HashMap<String, Report>);

impl ReportSource for Cache {
    fn report(&self, image: &str, _budget: Duration) -> Lookup {
        match self.0.get(image) {
            Some(r) => Lookup::Found(Box::new(r.clone())),
            None => Lookup::Missing("not in the report cache".into()),
        }
    }
}

fn report(image: &str, critical: bool) -> Report {
    let mut r = Report::new(image, ArtifactKind::ContainerImage, "2026-12-06T00:00:00Z");
    let mut res = ScanResult::packages("var/lib/dpkg/status", "dpkg", None, Vec::new());
    if critical {
        let v: Vulnerability = serde_json::from_value(json!({
            "id": "CVE-2024-3094", "package": "xz-utils@5.6.0", "package_name": "xz-utils",
            "installed_version": "5.6.0", "fixed_versions": ["5.6.1"], "severity": Severity::Critical,
            "severity_source": "cvss_v3", "status": "fixed"
        }))
        .unwrap();
        res.vulnerabilities.push(v);
    }
    r.results.push(res);
    r
}

struct Server {
    running: Option<rampart_admission::server::Running>,
    addr: SocketAddr,
    client: reqwest::Client,
    logs: Arc<Mutex<Vec<DecisionLog>>>,
    rt: tokio::runtime::Runtime,
}

impl Server {
    fn start(mode: Mode, policy: &str) -> Server {
        let names = certs::service_names("rampart-admission", "rampart");
        let c = certs::generate(&names).unwrap();
        let tls = tls_config(c.cert.as_bytes(), c.key.as_bytes()).unwrap();
        let cache = Cache(HashMap::from([
            (CLEAN.to_string(), report(CLEAN, false)),
            (VULNERABLE.to_string(), report(VULNERABLE, true)),
        ]));
        let webhook = Webhook {
            policy: Policy::parse("policy.yaml", policy).unwrap(),
            settings: Settings {
                mode,
                exempt_namespaces: vec!["kube-system".into()],
                scan_budget: Duration::from_millis(500),
            },
            reports: Box::new(cache),
            verifier: Box::new(NoVerifier),
        };
        let logs: Arc<Mutex<Vec<DecisionLog>>> = Arc::default();
        let sink_logs = logs.clone();
        let running = start(
            "127.0.0.1:0".parse().unwrap(),
            tls,
            Arc::new(webhook),
            Arc::new(move |l: &DecisionLog| sink_logs.lock().unwrap().push(l.clone())),
            2,
        )
        .unwrap();
        let client = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(c.ca_cert.as_bytes()).unwrap())
            .resolve("rampart-admission.rampart.svc", running.addr)
            .build()
            .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        Server { addr: running.addr, running: Some(running), client, logs, rt }
    }

    fn url(&self, path: &str) -> String {
        format!("https://rampart-admission.rampart.svc:{}{path}", self.addr.port())
    }

    fn post_raw(&self, body: Vec<u8>) -> (u16, String) {
        self.rt.block_on(async {
            let r = self.client.post(self.url("/validate")).body(body).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        })
    }

    /// Posts an AdmissionReview for `manifest` (YAML) in `namespace`; returns the response.
    fn review(&self, manifest: &str, namespace: &str) -> Value {
        let object: Value = serde_saphyr::from_str(manifest).unwrap();
        let kind = object["kind"].as_str().unwrap().to_string();
        let (group, version) = match object["apiVersion"].as_str().unwrap().split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), object["apiVersion"].as_str().unwrap().to_string()),
        };
        let resource = format!("{}s", kind.to_lowercase());
        let review = json!({
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": {
                "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                "kind": {"group": group, "version": version, "kind": kind},
                "resource": {"group": group, "version": version, "resource": resource},
                "requestKind": {"group": group, "version": version, "kind": kind},
                "requestResource": {"group": group, "version": version, "resource": resource},
                "name": object["metadata"]["name"],
                "namespace": namespace,
                "operation": "CREATE",
                "userInfo": {"username": "admin", "uid": "014fbff9a07c", "groups": ["system:authenticated"]},
                "object": object,
                "oldObject": null,
                "dryRun": false,
                "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}
            }
        });
        let (status, body) = self.post_raw(serde_json::to_vec(&review).unwrap());
        assert_eq!(status, 200, "{body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(answer["kind"], "AdmissionReview");
        assert_eq!(answer["response"]["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002");
        answer["response"].clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop();
        }
    }
}

const BAD_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: nginx:latest
      securityContext:
        privileged: true
";

const GOOD_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      automountServiceAccountToken: false
      serviceAccountName: api
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: api
          image: registry.example.com/shop/api@sha256:1111111111111111111111111111111111111111111111111111111111111111
          imagePullPolicy: Always
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources:
            limits: {cpu: 500m, memory: 256Mi}
            requests: {cpu: 100m, memory: 128Mi}
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
";

fn with_image(manifest: &str, image: &str) -> String {
    manifest.replace(CLEAN, image)
}

#[test]
fn enforce_denies_a_privileged_latest_pod_and_admits_a_clean_deployment() {
    let s = Server::start(Mode::Enforce, POLICY);
    let r = s.review(BAD_POD, "shop");
    assert_eq!(r["allowed"], false, "{r}");
    assert_eq!(r["status"]["code"], 403);
    let msg = r["status"]["message"].as_str().unwrap();
    for wanted in
        ["shell (nginx:latest)", "images.forbidden_tags", "images.allowed_registries", "RMP-K8S-0001"]
    {
        assert!(msg.contains(wanted), "{wanted} in {msg}");
    }
    let r = s.review(GOOD_DEPLOYMENT, "shop");
    assert_eq!(r["allowed"], true, "{r}");
    assert!(r.get("warnings").is_none(), "{r}");
    let logs = s.logs.lock().unwrap();
    assert_eq!(logs.len(), 2);
    assert!(!logs[0].allowed && !logs[0].policy_passed && logs[1].allowed);
    assert_eq!(logs[1].images[0].report, "report");
    // Each log line is JSON.
    let line = serde_json::to_value(&logs[0]).unwrap();
    assert_eq!(line["kind"], "Pod");
    assert_eq!(line["namespace"], "shop");
    assert_eq!(line["mode"], "enforce");
}

#[test]
fn scan_verdicts_from_the_cache_and_missing_reports() {
    let s = Server::start(Mode::Enforce, POLICY);
    let r = s.review(&with_image(GOOD_DEPLOYMENT, VULNERABLE), "shop");
    assert_eq!(r["allowed"], false);
    let msg = r["status"]["message"].as_str().unwrap();
    assert!(
        msg.contains("vulnerabilities.max.critical: 1 CRITICAL vulnerabilities, at most 0 allowed"),
        "{msg}"
    );
    let unknown = "registry.example.com/shop/new@sha256:2222222222222222222222222222222222222222222222222222222222222222";
    let r = s.review(&with_image(GOOD_DEPLOYMENT, unknown), "shop");
    assert_eq!(r["allowed"], false);
    assert!(r["status"]["message"].as_str().unwrap().contains("no scan report: not in the report cache"));
    // on_scan_timeout: allow admits with a warning.
    let lenient =
        Server::start(Mode::Enforce, &POLICY.replace("on_scan_timeout: deny", "on_scan_timeout: allow"));
    let r = lenient.review(&with_image(GOOD_DEPLOYMENT, unknown), "shop");
    assert_eq!(r["allowed"], true, "{r}");
    assert!(r["warnings"][0].as_str().unwrap().contains("admitted without a scan report"), "{r}");
}

#[test]
fn warn_and_audit_modes_admit_and_say_so_differently() {
    let warn = Server::start(Mode::Warn, POLICY);
    let r = warn.review(BAD_POD, "shop");
    assert_eq!(r["allowed"], true);
    let warnings: Vec<&str> = r["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(warnings.iter().any(|w| w.contains("images.forbidden_tags")), "{warnings:?}");
    let audit = Server::start(Mode::Audit, POLICY);
    let r = audit.review(BAD_POD, "shop");
    assert_eq!(r["allowed"], true);
    assert!(r.get("warnings").is_none());
    let logs = audit.logs.lock().unwrap();
    assert!(logs[0].allowed && !logs[0].policy_passed, "the log records what would have been denied");
}

#[test]
fn every_pod_template_kind_and_exempt_namespaces() {
    let s = Server::start(Mode::Enforce, POLICY);
    let cron = "apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: '0 * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          initContainers: [{name: init, image: 'busybox'}]
          containers: [{name: job, image: 'registry.example.com/shop/api:latest'}]
";
    let r = s.review(cron, "shop");
    assert_eq!(r["allowed"], false);
    let msg = r["status"]["message"].as_str().unwrap();
    assert!(
        msg.contains("init (busybox)") && msg.contains("job (registry.example.com/shop/api:latest)"),
        "{msg}"
    );
    for kind in ["StatefulSet", "DaemonSet", "ReplicaSet", "Job"] {
        let m = BAD_POD_AS_TEMPLATE.replace("KIND", kind);
        let r = s.review(&m, "shop");
        assert_eq!(r["allowed"], false, "{kind}: {r}");
    }
    // kube-system is exempt.
    let r = s.review(BAD_POD, "kube-system");
    assert_eq!(r["allowed"], true);
    // A ConfigMap has no pod spec.
    let r = s.review("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n", "shop");
    assert_eq!(r["allowed"], true);
    let logs = s.logs.lock().unwrap();
    assert!(logs.iter().any(|l| l.skipped.as_deref() == Some("namespace kube-system is exempt")));
}

const BAD_POD_AS_TEMPLATE: &str = "apiVersion: apps/v1
kind: KIND
metadata: {name: t}
spec:
  selector: {matchLabels: {app: t}}
  template:
    metadata: {labels: {app: t}}
    spec:
      containers: [{name: c, image: 'nginx:latest', securityContext: {privileged: true}}]
";

#[test]
fn bad_requests_and_plain_http_are_refused() {
    let s = Server::start(Mode::Enforce, POLICY);
    let (status, body) = s.post_raw(b"{not json".to_vec());
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("not an AdmissionReview"));
    let (status, _) =
        s.post_raw(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.to_vec());
    assert_eq!(status, 400);
    let health =
        s.rt.block_on(async { s.client.get(s.url("/healthz")).send().await.unwrap().status().as_u16() });
    assert_eq!(health, 200);
    // TLS only: a plain HTTP request gets no HTTP answer.
    let plain = s.rt.block_on(async {
        reqwest::Client::new().get(format!("http://127.0.0.1:{}/healthz", s.addr.port())).send().await
    });
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
}
