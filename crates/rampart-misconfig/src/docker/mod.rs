//! Dockerfiles and image configs: parsing and the `RMP-DS-*` checks.

pub mod controls;

use crate::check::{CheckMeta, FamilyOutput, SourceFile};

/// Every Dockerfile check, in id order.
pub fn checks() -> Vec<&'static CheckMeta> {
    Vec::new()
}

/// Checks every Dockerfile of `files`.
pub fn scan(_files: &[&SourceFile]) -> FamilyOutput {
    FamilyOutput::default()
}
