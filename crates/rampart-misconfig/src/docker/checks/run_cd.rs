use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0019",
    family: Family::Docker,
    service: "build",
    severity: Severity::Low,
    title: "cd in RUN instead of WORKDIR",
    description: "cd only lasts for one RUN; WORKDIR states the directory for every later instruction and \
        is easier to read and audit.",
    remediation: "Use WORKDIR /path before the RUN.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#workdir",
        "https://avd.aquasec.com/misconfig/ds013",
    ],
    controls: &[],
    peers: &["DS-0013", "DL3003"],
    bad_example: "FROM debian:12\nRUN cd /usr/src/app && make\n",
    good_example: "FROM debian:12\nWORKDIR /usr/src/app\nRUN make\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        if let Some(cd) =
            cmds(run).iter().find(|x| x.program() == "cd" && x.args().first().is_some_and(|a| a != "-"))
        {
            out.push(ctx.at(&META, stage, run, format!("RUN uses 'cd {}'; use WORKDIR", cd.args()[0])));
        }
    }
}
