//! Kubernetes manifests: parsing and the `RMP-K8S-*` checks.

pub mod controls;

use crate::check::{CheckMeta, FamilyOutput, SourceFile};

/// Every Kubernetes check, in id order.
pub fn checks() -> Vec<&'static CheckMeta> {
    Vec::new()
}

/// Checks every Kubernetes document of `files` (cross-file checks see all of them).
pub fn scan(_files: &[&SourceFile]) -> FamilyOutput {
    FamilyOutput::default()
}
