use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;
use crate::docker::shell::program;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0015",
    family: Family::Docker,
    service: "user",
    severity: Severity::Medium,
    title: "RUN uses sudo",
    description: "sudo in a Dockerfile means the image ships sudo and a user allowed to become root, and \
        its TTY and signal handling is unpredictable in builds.",
    remediation: "Run the privileged steps before switching USER (or switch back with USER root for them); \
        use gosu or su-exec at run time if needed.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#user",
        "https://avd.aquasec.com/misconfig/ds010",
    ],
    controls: &[],
    peers: &["DS-0010", "DL3004", "CKV2_DOCKER_1"],
    bad_example: "FROM debian:12\nRUN sudo apt-get install -y --no-install-recommends curl\n",
    good_example: "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        let uses = cmds(run).iter().any(|x| {
            x.words.iter().find(|w| !w.contains('=')).is_some_and(|w| matches!(program(w), "sudo" | "doas"))
        });
        if uses {
            out.push(ctx.at(&META, stage, run, "RUN uses 'sudo'"));
        }
    }
}
