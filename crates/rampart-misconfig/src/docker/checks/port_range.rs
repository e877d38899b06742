use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0033",
    family: Family::Docker,
    service: "network",
    severity: Severity::Medium,
    title: "Exposed port out of range",
    description: "EXPOSE names a port outside 0-65535 (or not a number): the build fails or the \
        documented port is wrong.",
    remediation: "Expose a valid port number between 0 and 65535.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#expose",
        "https://avd.aquasec.com/misconfig/ds008",
    ],
    controls: &[],
    peers: &["DS-0008", "DL3011"],
    bad_example: "FROM debian:12\nEXPOSE 70000\n",
    good_example: "FROM debian:12\nEXPOSE 8080\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, e) in ctx.all("expose") {
        for v in &e.value {
            let (port, _) = super::port_22::ports(v);
            if port.contains('$') {
                continue;
            }
            let ok = port.split('-').all(|p| p.parse::<u32>().is_ok_and(|n| n <= 65535));
            if !ok {
                out.push(ctx.at(&META, stage, e, format!("EXPOSE port '{v}' is out of range 0-65535")));
            }
        }
    }
}
