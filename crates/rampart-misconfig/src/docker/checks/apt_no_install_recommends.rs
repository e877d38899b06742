use rampart_model::Severity;

use super::{apt, cmds};
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0009",
    family: Family::Docker,
    service: "packages",
    severity: Severity::Low,
    title: "apt-get install without --no-install-recommends",
    description: "apt installs recommended packages by default: more software, more vulnerabilities and a \
        bigger image than the application needs.",
    remediation: "Use apt-get install -y --no-install-recommends <packages>.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#apt-get",
        "https://avd.aquasec.com/misconfig/ds029",
    ],
    controls: &["cis-docker-1.6/4.3"],
    peers: &["DS-0029", "DL3015"],
    bad_example: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
    good_example: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        let c = cmds(run);
        let missing = apt(c, &["install"]).any(|a| {
            !a.has("--no-install-recommends")
                && !a
                    .args()
                    .iter()
                    .any(|w| w.contains("Install-Recommends=false") || w.contains("Install-Recommends=0"))
        });
        if missing {
            out.push(ctx.at(&META, stage, run, "apt-get install without '--no-install-recommends'"));
        }
    }
}
