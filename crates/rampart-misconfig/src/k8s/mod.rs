//! Kubernetes manifests: parsing and the `RMP-K8S-*` checks.
//!
//! Every YAML or JSON document with `apiVersion` and `kind` becomes an [`manifest::Object`]
//! (`List` kinds give their items); each check of [`checks::CHECKS`] runs on every object and
//! skips kinds it does not know, so unknown kinds and custom resources pass through quietly.

pub mod checks;
pub mod controls;
pub mod manifest;
pub mod util;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::check::{CheckMeta, ConfigType, FamilyOutput, Finding, PolicyInput, SourceFile};

/// Every Kubernetes check, in id order.
pub fn checks() -> Vec<&'static CheckMeta> {
    let mut all: Vec<&'static CheckMeta> = checks::CHECKS.iter().map(|c| c.meta).collect();
    all.sort_by_key(|c| c.id);
    all
}

/// Checks every Kubernetes document of `files` (cross-file checks see all of them).
pub fn scan(files: &[&SourceFile]) -> FamilyOutput {
    let mut out = FamilyOutput::default();
    let parsed: Vec<_> = files.par_iter().map(|f| (f.path.as_str(), manifest::parse(f))).collect();
    let mut objects = Vec::new();
    let mut passed: BTreeMap<&str, usize> = BTreeMap::new();
    for (path, result) in parsed {
        match result {
            Ok(objs) => {
                passed.entry(path).or_default();
                objects.extend(objs);
            }
            Err(e) => out.errors.push(e),
        }
    }
    let ctx = util::Ctx::new(&objects);
    let per_object: Vec<(Vec<Finding>, usize, PolicyInput)> = objects
        .par_iter()
        .map(|obj| {
            let mut findings = Vec::new();
            let mut ok = 0;
            for check in checks::CHECKS {
                let before = findings.len();
                if (check.run)(&ctx, obj, &mut findings) && findings.len() == before {
                    ok += 1;
                }
            }
            let input = PolicyInput {
                path: obj.path.to_string(),
                config_type: ConfigType::Kubernetes,
                span: obj.span,
                resource: Some(format!("{}/{}", obj.kind, obj.name)),
                input: obj.node.to_trivy_json(obj.path),
                conftest_input: Some(obj.node.to_json()),
            };
            (findings, ok, input)
        })
        .collect();
    for ((findings, ok, input), obj) in per_object.into_iter().zip(&objects) {
        out.findings.extend(findings);
        *passed.entry(obj.path).or_default() += ok;
        out.inputs.push(input);
    }
    out.passed = passed.into_iter().map(|(p, n)| (p.to_string(), n)).collect();
    out
}
