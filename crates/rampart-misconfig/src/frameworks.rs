//! Compliance frameworks and their controls. Checks name the controls they cover
//! ([`crate::CheckMeta::controls`], `framework/control`); `--compliance NAME` reports per control.
//!
//! The controls of each framework are listed next to the checks that cover them:
//! `k8s/controls.rs` (Pod Security Standards, NSA/CISA, CIS Kubernetes), `docker/controls.rs`
//! (CIS Docker), `aws/controls.rs` (CIS AWS Foundations).

/// A framework: a benchmark or standard with numbered controls.
#[derive(Debug)]
pub struct Framework {
    /// The name `--compliance` takes (`pss-baseline`, `cis-aws-3.0`).
    pub id: &'static str,
    pub title: &'static str,
    pub url: &'static str,
}

/// One control of a framework.
#[derive(Debug)]
pub struct Control {
    /// `framework/control`: `pss-baseline/privileged`, `cis-aws-3.0/2.1.1`.
    pub id: &'static str,
    pub title: &'static str,
}

pub static FRAMEWORKS: &[Framework] = &[
    Framework {
        id: "pss-baseline",
        title: "Kubernetes Pod Security Standards: Baseline",
        url: "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    },
    Framework {
        id: "pss-restricted",
        title: "Kubernetes Pod Security Standards: Restricted",
        url: "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    },
    Framework {
        id: "nsa-cisa-k8s",
        title: "NSA/CISA Kubernetes Hardening Guide v1.2",
        url: "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    },
    Framework {
        id: "cis-k8s-1.9",
        title: "CIS Kubernetes Benchmark v1.9.0 (section 5: policies)",
        url: "https://www.cisecurity.org/benchmark/kubernetes",
    },
    Framework {
        id: "cis-docker-1.6",
        title: "CIS Docker Benchmark v1.6.0 (section 4: images and build files)",
        url: "https://www.cisecurity.org/benchmark/docker",
    },
    Framework {
        id: "cis-aws-3.0",
        title: "CIS Amazon Web Services Foundations Benchmark v3.0.0",
        url: "https://www.cisecurity.org/benchmark/amazon_web_services",
    },
];

/// Every control of every framework.
pub fn controls() -> impl Iterator<Item = &'static Control> {
    crate::k8s::controls::CONTROLS
        .iter()
        .chain(crate::docker::controls::CONTROLS)
        .chain(crate::aws::controls::CONTROLS)
}

/// The control with this id (`framework/control`).
pub fn control(id: &str) -> Option<&'static Control> {
    controls().find(|c| c.id == id)
}

/// The framework with this id (case-insensitive).
pub fn framework(id: &str) -> Option<&'static Framework> {
    FRAMEWORKS.iter().find(|f| f.id.eq_ignore_ascii_case(id))
}

/// The controls of one framework, in catalogue order.
pub fn controls_of(framework: &str) -> Vec<&'static Control> {
    controls()
        .filter(|c| c.id.split_once('/').is_some_and(|(f, _)| f.eq_ignore_ascii_case(framework)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_belongs_to_a_framework() {
        for c in controls() {
            let (fw, _) = c.id.split_once('/').expect("framework/control");
            assert!(framework(fw).is_some(), "{}: unknown framework", c.id);
        }
    }
}

/// Whether a control holds on the scanned configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    Fail,
    /// None of the control's checks apply to the configuration scanned (no input of their kind),
    /// or no built-in check covers the control.
    NotEvaluated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::NotEvaluated => "NOT EVALUATED",
        }
    }
}

/// One control's result.
#[derive(Debug, Clone)]
pub struct ControlResult {
    pub control: &'static Control,
    /// The built-in checks covering it.
    pub checks: Vec<&'static str>,
    pub status: Status,
    /// The failed findings: (file, check id, resource, line).
    pub failures: Vec<(String, String, Option<String>, Option<u32>)>,
}

/// Assesses a framework on a scan: `scanned` are the kinds of configuration present, `findings`
/// the unsuppressed misconfigurations with their file.
pub fn assess<'a>(
    framework: &Framework,
    scanned: &[crate::ConfigType],
    findings: impl Iterator<Item = (&'a str, &'a rampart_model::Misconfiguration)>,
) -> Vec<ControlResult> {
    use crate::ConfigType as T;
    use crate::check::Family;
    let findings: Vec<_> = findings.collect();
    let applies = |family: Family| {
        scanned.iter().any(|t| match family {
            Family::Kubernetes => *t == T::Kubernetes,
            Family::Docker => matches!(t, T::Dockerfile | T::ImageConfig),
            Family::Aws => matches!(t, T::Terraform | T::TerraformPlan | T::CloudFormation),
        })
    };
    let all = crate::checks();
    controls_of(framework.id)
        .into_iter()
        .map(|control| {
            let covering: Vec<&'static crate::CheckMeta> =
                all.iter().copied().filter(|c| c.controls.contains(&control.id)).collect();
            let failures: Vec<_> = findings
                .iter()
                .filter(|(_, m)| m.controls.iter().any(|c| c == control.id))
                .map(|(path, m)| (path.to_string(), m.id.clone(), m.resource.clone(), m.start_line))
                .collect();
            let status = if !failures.is_empty() {
                Status::Fail
            } else if covering.iter().any(|c| applies(c.family)) {
                Status::Pass
            } else {
                Status::NotEvaluated
            };
            ControlResult { control, checks: covering.iter().map(|c| c.id).collect(), status, failures }
        })
        .collect()
}
