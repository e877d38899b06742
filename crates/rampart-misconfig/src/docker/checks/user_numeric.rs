use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0036",
    family: Family::Docker,
    service: "user",
    severity: Severity::Low,
    title: "Final USER is a name, not a numeric UID",
    description: "Kubernetes runAsNonRoot can only verify a numeric user: with USER app the kubelet \
        refuses the pod or the policy cannot prove the user is not root.",
    remediation: "Use the numeric UID (and GID): USER 10001:10001.",
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/"],
    controls: &["cis-docker-1.6/4.1"],
    peers: &["DL3066"],
    bad_example: "FROM debian:12\nRUN useradd -u 10001 app\nUSER app\n",
    good_example: "FROM debian:12\nRUN useradd -u 10001 app\nUSER 10001\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(stage) = ctx.df.final_stage() else { return };
    let Some((stage, user)) = super::last_user(ctx.df, stage) else { return };
    let value = user.value.first().map(|v| v.trim()).unwrap_or("");
    let name = value.split(':').next().unwrap_or("");
    if !name.is_empty() && !name.starts_with('$') && !name.chars().all(|c| c.is_ascii_digit()) {
        out.push(ctx.at(&META, stage, user, format!("USER '{value}' is not a numeric UID")));
    }
}
