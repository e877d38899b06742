use rampart_model::Severity;

use super::{apt, cmds};
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0010",
    family: Family::Docker,
    service: "packages",
    severity: Severity::Low,
    title: "OS packages installed without a version",
    description: "apt-get install <package> (apk add <package>) takes whatever version the mirror has at build time: two builds \
        of the same Dockerfile can differ, and a regression or compromised update slips in unnoticed.",
    remediation: "Pin versions (apt-get install curl=7.88.1-10+deb12u8, apk add curl=8.9.1-r0), or pin the base image by digest \
        and rebuild on purpose.",
    references: &["https://docs.docker.com/build/building/best-practices/#apt-get"],
    controls: &[],
    peers: &["DL3008", "DL3018"],
    bad_example: "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n",
    good_example: "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        let c = cmds(run);
        let apk = c.iter().filter(|x| x.program() == "apk" && x.subcommand() == Some("add"));
        let unpinned: Vec<&str> = apt(c, &["install"])
            .chain(apk)
            .flat_map(|a| a.operands())
            .filter(|p| {
                !p.contains('=')
                    && !p.ends_with(".deb")
                    && !p.ends_with(".apk")
                    && !p.starts_with('.')
                    && !p.contains('$')
                    && !p.contains('/')
            })
            .collect();
        if !unpinned.is_empty() {
            out.push(ctx.at(
                &META,
                stage,
                run,
                format!("Packages installed without a pinned version: {}", unpinned.join(", ")),
            ));
        }
    }
}
