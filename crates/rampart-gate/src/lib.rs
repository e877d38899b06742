//! The deploy gate: a policy ("a few lows are fine, two mediums block", KEV always blocks, only
//! allowed registries, no `latest`, pinned digests, signed images, exemptions with owner, reason
//! and expiry) evaluated on Rampart reports. [`Policy`] reads the YAML file, [`evaluate`] gives
//! a [`Verdict`] naming each rule that failed and the findings behind it. The library never
//! prints; errors are [`GateError`].

mod eval;
mod image_ref;
pub mod policy;

pub use eval::{
    Exempted, FindingRef, NoVerifier, ReportVerdict, RuleOutcome, SignatureVerifier, Verdict, evaluate,
    image_references,
};
pub use image_ref::ImageRef;
pub use policy::{Exemption, ImageRules, KevAction, Max, Policy, SignatureRules, Thresholds, TimeoutAction};

/// Errors of the gate.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: invalid policy: {message}")]
    Invalid { path: String, message: String },
}
