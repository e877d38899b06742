//! A Kubernetes validating admission webhook (`admission.k8s.io/v1`) enforcing the deploy
//! gate: for every Pod and pod-template kind (Deployment, StatefulSet, DaemonSet, ReplicaSet,
//! ReplicationController, Job, CronJob), each container image's registry, tag, digest and
//! signature rules and the verdict of its scan report, and the pod spec's misconfigurations.
//! Modes: enforce, warn (AdmissionReview warnings), audit. HTTPS only (rustls).
//!
//! The library never prints: each decision goes to a [`server::DecisionSink`].

pub mod certs;
pub mod decide;
pub mod pods;
pub mod review;
pub mod server;

pub use decide::{DecisionLog, ImageDecision, Lookup, Mode, ReportSource, Settings, Webhook};

/// Errors of the webhook.
#[derive(Debug, thiserror::Error)]
pub enum AdmissionError {
    #[error("TLS: {0}")]
    Tls(String),
    #[error("certificates: {0}")]
    Certs(String),
    #[error("{0}")]
    Io(String),
}
