use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0018",
    family: Family::Docker,
    service: "build",
    severity: Severity::Medium,
    title: "Relative WORKDIR",
    description: "A relative WORKDIR depends on the previous WORKDIR (possibly set by the base image), so \
        the directory files land in is not evident and changes with the base image.",
    remediation: "Use an absolute path: WORKDIR /app.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#workdir",
        "https://avd.aquasec.com/misconfig/ds009",
    ],
    controls: &[],
    peers: &["DS-0009", "CKV_DOCKER_10", "DL3000"],
    bad_example: "FROM debian:12\nWORKDIR app\n",
    good_example: "FROM debian:12\nWORKDIR /app\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, w) in ctx.all("workdir") {
        let path = crate::docker::parse::unquote(w.value.first().map(|s| s.trim()).unwrap_or(""));
        let windows = path.len() >= 2 && path.as_bytes()[1] == b':';
        if !path.starts_with('/') && !path.starts_with('$') && !path.starts_with('\\') && !windows {
            out.push(ctx.at(&META, stage, w, format!("WORKDIR '{path}' is not an absolute path")));
        }
    }
}
