use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0013",
    family: Family::Docker,
    service: "packages",
    severity: Severity::Low,
    title: "Full distribution upgrade in a RUN",
    description: "apt-get upgrade/dist-upgrade (apk upgrade) in a Dockerfile changes the base image's \
        packages in ways the base image's maintainers did not test, and makes builds unreproducible; \
        security fixes belong in an updated base image.",
    remediation: "Rebuild on a patched base image tag, and install only the specific packages you need.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#apt-get",
        "https://avd.aquasec.com/misconfig/ds024",
    ],
    controls: &[],
    peers: &["DS-0024", "DL3005"],
    bad_example: "FROM debian:12\nRUN apt-get update && apt-get dist-upgrade -y\n",
    good_example: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        for x in cmds(run) {
            let sub = x.subcommand();
            let hit = match x.program() {
                "apt-get" | "apt" => matches!(sub, Some("upgrade" | "dist-upgrade" | "full-upgrade")),
                "apk" => sub == Some("upgrade"),
                _ => false,
            };
            if hit {
                out.push(ctx.at(
                    &META,
                    stage,
                    run,
                    format!("RUN upgrades every package with '{} {}'", x.program(), sub.unwrap_or("")),
                ));
                break;
            }
        }
    }
}
