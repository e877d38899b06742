use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0016",
    family: Family::Docker,
    service: "network",
    severity: Severity::Medium,
    title: "Port 22 (SSH) exposed",
    description: "EXPOSE 22 suggests an SSH server inside the container: another service to patch and \
        attack, and a way around the orchestrator's access control. Use docker exec / kubectl exec.",
    remediation: "Remove EXPOSE 22 and the SSH server.",
    references: &["https://avd.aquasec.com/misconfig/ds004"],
    controls: &[],
    peers: &["DS-0004", "CKV_DOCKER_1"],
    bad_example: "FROM debian:12\nEXPOSE 22\n",
    good_example: "FROM debian:12\nEXPOSE 8080\n",
};

/// The port number part of an EXPOSE value (`22/tcp` → `22`).
pub(crate) fn ports(value: &str) -> (&str, &str) {
    value.split_once('/').unwrap_or((value, "tcp"))
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, e) in ctx.all("expose") {
        for v in &e.value {
            let (port, proto) = ports(v);
            let covers = port == "22" || port.split_once('-').is_some_and(|(a, b)| {
                matches!((a.parse::<u32>(), b.parse::<u32>()), (Ok(a), Ok(b)) if a <= 22 && 22 <= b)
            });
            if covers && proto.eq_ignore_ascii_case("tcp") {
                out.push(ctx.at(&META, stage, e, format!("Port 22 is exposed ('{v}')")));
            }
        }
    }
}
