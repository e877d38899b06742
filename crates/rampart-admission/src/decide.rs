//! The decision on one AdmissionReview: for each container image, the policy's image rules,
//! signatures and the vulnerability/secret verdict of its scan report; for the pod spec, the
//! misconfiguration checks; then the mode decides what the API server hears.

use std::time::{Duration, Instant};

use rampart_gate::{Policy, SignatureVerifier, TimeoutAction};
use rampart_misconfig::{ConfigType, SourceFile};
use rampart_model::{ArtifactKind, Report, ResultKind, ScanResult};
use serde::Serialize;
use serde_json::Value;

use crate::pods;
use crate::review::{AdmissionRequest, AdmissionResponse, AdmissionReview, Status};

/// What the webhook does with a failed policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Deny.
    Enforce,
    /// Admit, with the failures as AdmissionReview warnings (`kubectl` prints them).
    Warn,
    /// Admit silently; the decision log records what would have been denied.
    Audit,
}

/// Scan reports of images, by reference.
pub enum Lookup {
    /// A report (cached, or scanned within the budget).
    Found(Box<Report>),
    /// No report: the scan timed out or failed (why).
    Missing(String),
}

/// Where image reports come from (a cache of CI reports, a scanner on a miss).
pub trait ReportSource: Send + Sync {
    fn report(&self, image: &str, budget: Duration) -> Lookup;
}

/// Checks that never end: no hung scan blocks the API server past the budget.
pub struct Settings {
    pub mode: Mode,
    /// Namespaces admitted without checks (`kube-system`, the webhook's own).
    pub exempt_namespaces: Vec<String>,
    /// How long a scan on a cache miss may take.
    pub scan_budget: Duration,
}

/// One image's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ImageDecision {
    pub container: String,
    pub image: String,
    pub passed: bool,
    /// Failed rules, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    /// `cache`, `scan`, or why there is no report.
    pub report: String,
}

/// One decision, as logged (JSON line).
#[derive(Debug, Clone, Serialize)]
pub struct DecisionLog {
    pub time: String,
    pub uid: String,
    pub operation: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub mode: Mode,
    /// What the API server was told.
    pub allowed: bool,
    /// Whether the policy passed (in warn/audit mode a failed policy is still admitted).
    pub policy_passed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageDecision>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misconfigurations: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    pub duration_ms: f64,
}

/// The webhook's brain: policy, settings, report source, signature verifier.
pub struct Webhook {
    pub policy: Policy,
    pub settings: Settings,
    pub reports: Box<dyn ReportSource>,
    pub verifier: Box<dyn SignatureVerifier + Send + Sync>,
}

/// Checks of the misconfiguration scanner that need more than one object (a namespace without
/// a NetworkPolicy): not decidable from a single admission request.
const CROSS_OBJECT_CHECKS: &[&str] = &["RMP-K8S-0062"];

fn now() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

impl Webhook {
    /// Answers a review. `Err` for a review without a request (the server answers 400).
    pub fn review(&self, review: &AdmissionReview) -> Result<(AdmissionReview, DecisionLog), String> {
        let start = Instant::now();
        let req = review.request.as_ref().ok_or("an AdmissionReview without a request")?;
        let mut log = DecisionLog {
            time: now(),
            uid: req.uid.clone(),
            operation: req.operation.clone(),
            kind: req.kind.kind.clone(),
            namespace: req.namespace.clone().unwrap_or_default(),
            name: object_name(req),
            mode: self.settings.mode,
            allowed: true,
            policy_passed: true,
            skipped: None,
            images: Vec::new(),
            misconfigurations: Vec::new(),
            warnings: Vec::new(),
            duration_ms: 0.0,
        };
        let spec = req.object.as_ref().and_then(|o| pods::pod_spec(&req.kind.kind, o));
        if self.settings.exempt_namespaces.contains(&log.namespace) {
            log.skipped = Some(format!("namespace {} is exempt", log.namespace));
        } else if req.operation == "DELETE" || req.operation == "CONNECT" {
            log.skipped = Some(format!("{} is not checked", req.operation));
        } else if let Some(spec) = spec {
            self.check(req, spec, &mut log);
        } else {
            log.skipped = Some(format!("{} has no pod spec", req.kind.kind));
        }
        let mut failures: Vec<String> = log
            .images
            .iter()
            .flat_map(|i| i.failures.iter().map(move |f| format!("{} ({}): {f}", i.container, i.image)))
            .collect();
        failures.extend(log.misconfigurations.iter().cloned());
        log.policy_passed = failures.is_empty() && log.images.iter().all(|i| i.passed);
        let (allowed, warnings) = match (self.settings.mode, log.policy_passed) {
            (_, true) => (true, log.warnings.clone()),
            (Mode::Enforce, false) => (false, log.warnings.clone()),
            (Mode::Warn, false) => {
                let mut w = log.warnings.clone();
                w.extend(failures.iter().map(|f| format!("rampart: {f}")));
                (true, w)
            }
            (Mode::Audit, false) => (true, Vec::new()),
        };
        log.allowed = allowed;
        let status = (!allowed).then(|| Status {
            code: 403,
            message: format!("rampart denied {} {}: {}", log.kind, log.name, failures.join("; ")),
        });
        log.duration_ms = start.elapsed().as_secs_f64() * 1000.0;
        let response = AdmissionResponse { uid: req.uid.clone(), allowed, status, warnings };
        Ok((AdmissionReview::answer(response), log))
    }

    fn check(&self, req: &AdmissionRequest, spec: &Value, log: &mut DecisionLog) {
        let today = time::OffsetDateTime::now_utc().date();
        for (container, image) in pods::images(spec) {
            let (mut report, source) = match self.reports.report(&image, self.settings.scan_budget) {
                Lookup::Found(r) => (*r, "report".to_string()),
                Lookup::Missing(why) => (Report::new(&image, ArtifactKind::ContainerImage, now()), why),
            };
            let missing = source != "report";
            // The image rules read the reference the pod names.
            report.target = image.clone();
            report.artifact_kind = ArtifactKind::ContainerImage;
            let verdict =
                rampart_gate::evaluate(&self.policy, std::slice::from_ref(&report), today, &*self.verifier);
            let mut failures: Vec<String> =
                verdict.failures().map(|(_, r)| format!("{}: {}", r.rule, r.message)).collect();
            if missing {
                let scans_matter = self.policy.vulnerabilities.is_some() || self.policy.secrets.is_some();
                if scans_matter {
                    match self.policy.on_scan_timeout.unwrap_or_default() {
                        TimeoutAction::Deny => failures.push(format!("no scan report: {source}")),
                        TimeoutAction::Allow => log.warnings.push(format!(
                            "rampart: {container} ({image}) admitted without a scan report: {source}"
                        )),
                    }
                }
            }
            log.images.push(ImageDecision {
                container,
                image,
                passed: failures.is_empty(),
                failures,
                report: source,
            });
        }
        // The pod spec's own misconfigurations, with the namespace the request names.
        if let Some(thresholds) = &self.policy.misconfigurations
            && let Some(object) = &req.object
        {
            let mut object = object.clone();
            if let (Some(ns), Some(meta)) =
                (&req.namespace, object.get_mut("metadata").and_then(Value::as_object_mut))
            {
                meta.entry("namespace").or_insert_with(|| Value::String(ns.clone()));
            }
            let file = SourceFile {
                path: format!("{}/{}", req.kind.kind, log.name),
                text: serde_json::to_string(&object).unwrap_or_default(),
                config_type: ConfigType::Kubernetes,
            };
            let out = rampart_misconfig::scan(std::slice::from_ref(&file));
            let mut result = ScanResult::packages(&file.path, "kubernetes", None, Vec::new());
            result.kind = ResultKind::Config;
            result.misconfigurations = out
                .files
                .into_values()
                .flat_map(|f| f.misconfigurations)
                .filter(|m| !CROSS_OBJECT_CHECKS.contains(&m.id.as_str()))
                .collect();
            let mut report = Report::new(&file.path, ArtifactKind::Filesystem, now());
            report.results.push(result);
            let policy = Policy {
                schema: self.policy.schema,
                misconfigurations: Some(thresholds.clone()),
                exemptions: self.policy.exemptions.clone(),
                ..Policy::default()
            };
            let verdict = rampart_gate::evaluate(&policy, &[report], today, &*self.verifier);
            for (_, rule) in verdict.failures() {
                let ids: Vec<String> = rule
                    .findings
                    .iter()
                    .map(|f| format!("{} {}", f.id, f.detail).trim().to_string())
                    .collect();
                log.misconfigurations.push(format!("{}: {} ({})", rule.rule, rule.message, ids.join(", ")));
            }
        }
    }
}

fn object_name(req: &AdmissionRequest) -> String {
    req.name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            let meta = req.object.as_ref()?.get("metadata")?;
            meta.get("name").or_else(|| meta.get("generateName")).and_then(Value::as_str).map(str::to_string)
        })
        .unwrap_or_default()
}
