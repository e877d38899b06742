//! The AWS cloud model (one shape for Terraform and CloudFormation resources) and the
//! `RMP-AWS-*` checks, each written once against the model.
//!
//! [`scan`] builds the [`model::Model`] once from every resource of the scan (both formats), then
//! runs each check of [`checks::ALL`] on it.

pub mod adapt;
pub mod checks;
pub mod controls;
pub mod model;

use crate::check::{CheckMeta, Finding};
use crate::cloud::RawResource;

/// Every AWS check, in id order.
pub fn checks() -> Vec<&'static CheckMeta> {
    checks::ALL.iter().map(|(meta, _)| *meta).collect()
}

/// Builds the model from `resources` and runs every check on it.
pub fn scan(resources: &[RawResource]) -> Vec<Finding> {
    let model = model::Model::build(resources);
    let mut findings = Vec::new();
    for (_, check) in checks::ALL {
        check(&model, &mut findings);
    }
    findings
}
