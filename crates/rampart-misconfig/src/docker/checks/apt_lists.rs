use rampart_model::Severity;

use super::{apt, cmds};
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0011",
    family: Family::Docker,
    service: "packages",
    severity: Severity::Low,
    title: "apt lists not removed after install",
    description: "apt-get update leaves the package lists in /var/lib/apt/lists; if the same RUN does not \
        remove them, they stay in the layer of the final image (tens of MB).",
    remediation: "End the RUN that installs with && rm -rf /var/lib/apt/lists/* (or use a cache mount on \
        /var/lib/apt).",
    references: &["https://docs.docker.com/build/building/best-practices/#apt-get"],
    controls: &["cis-docker-1.6/4.3"],
    peers: &["DL3009"],
    bad_example: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
    good_example: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    // only the final stage ships; builder stages may keep their caches
    let Some(stage) = ctx.df.final_stage() else { return };
    for run in stage.instrs.iter().filter(|i| i.cmd == "run") {
        let c = cmds(run);
        if apt(c, &["install"]).next().is_none() {
            continue;
        }
        let cleaned = c
            .iter()
            .any(|x| x.program() == "rm" && x.args().iter().any(|a| a.starts_with("/var/lib/apt/lists")));
        let cache_mount = run.flags.iter().any(|f| f.contains("/var/lib/apt"));
        if !cleaned && !cache_mount {
            out.push(ctx.at(
                &META,
                stage,
                run,
                "apt-get install without removing /var/lib/apt/lists afterwards",
            ));
        }
    }
}
