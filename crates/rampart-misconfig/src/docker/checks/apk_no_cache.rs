use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0027",
    family: Family::Docker,
    service: "packages",
    severity: Severity::Low,
    title: "apk add without --no-cache",
    description: "apk add without --no-cache keeps the package index in /var/cache/apk in the layer.",
    remediation: "Use apk add --no-cache <packages>.",
    references: &["https://avd.aquasec.com/misconfig/ds025"],
    controls: &["cis-docker-1.6/4.3"],
    peers: &["DS-0025", "DL3019"],
    bad_example: "FROM alpine:3.20\nRUN apk add curl\n",
    good_example: "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        let c = cmds(run);
        let cleaned =
            c.iter().any(|x| x.program() == "rm" && x.args().iter().any(|a| a.starts_with("/var/cache/apk")));
        let cache_mount = run.flags.iter().any(|f| f.contains("/var/cache/apk"));
        if cleaned || cache_mount {
            continue;
        }
        if c.iter().any(|x| x.program() == "apk" && x.subcommand() == Some("add") && !x.has("--no-cache")) {
            out.push(ctx.at(&META, stage, run, "apk add without '--no-cache'"));
        }
    }
}
