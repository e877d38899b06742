//! Custom Rego policies for the misconfiguration scanner (`--policy` / `--config-policy`), over
//! `rampart-rego`.

use std::path::PathBuf;

use anyhow::Context;
use rampart_misconfig::PolicyInput;
use rampart_model::Misconfiguration;
use rampart_rego::{Namespaces, Policies};
use rampart_scan::misconfig::PolicyEngine;

struct Engine(Policies);

impl PolicyEngine for Engine {
    fn evaluate(&self, inputs: &[PolicyInput]) -> Result<Vec<(String, Misconfiguration)>, String> {
        let found = self.0.evaluate(inputs).map_err(|e| e.to_string())?;
        Ok(found.into_iter().map(|f| (f.path.clone(), f.into_misconfiguration(None))).collect())
    }
}

/// Loads the policies under `paths`; `namespaces` selects packages (`*` for all).
pub fn load(paths: &[PathBuf], namespaces: &[String]) -> anyhow::Result<Box<dyn PolicyEngine>> {
    for p in paths {
        if !p.exists() {
            anyhow::bail!("{}: no such policy file or directory", p.display());
        }
    }
    let mut policies = Policies::load(paths).context("loading the custom policies")?;
    if namespaces.iter().any(|n| n == "*") {
        policies = policies.with_namespaces(Namespaces::All);
    } else if !namespaces.is_empty() {
        policies = policies.with_namespaces(Namespaces::Only(namespaces.to_vec()));
    }
    if policies.packages().is_empty() {
        anyhow::bail!(
            "no policy rules (deny, violation, warn) in the selected namespaces of {} policy file(s)",
            policies.files().len()
        );
    }
    Ok(Box::new(Engine(policies)))
}
