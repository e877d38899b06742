use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0040",
    family: Family::Docker,
    service: "packages",
    severity: Severity::Low,
    title: "apt used instead of apt-get",
    description: "apt is the interactive front end: its command-line interface is not stable for scripts \
        and it warns so. Builds should use apt-get (or apt-cache).",
    remediation: "Replace apt by apt-get in RUN instructions.",
    references: &[
        "https://manpages.debian.org/bookworm/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS",
    ],
    controls: &[],
    peers: &["CKV_DOCKER_9", "DL3027"],
    bad_example: "FROM debian:12\nRUN apt install -y --no-install-recommends curl=7.88.1-10+deb12u8\n",
    good_example: "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        if let Some(x) = cmds(run).iter().find(|x| x.program() == "apt") {
            out.push(ctx.at(
                &META,
                stage,
                run,
                format!("RUN uses 'apt {}'; use apt-get", x.subcommand().unwrap_or("")),
            ));
        }
    }
}
