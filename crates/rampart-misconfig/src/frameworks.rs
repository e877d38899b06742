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
