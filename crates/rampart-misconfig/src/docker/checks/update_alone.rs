use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0012",
    family: Family::Docker,
    service: "packages",
    severity: Severity::High,
    title: "Package index update alone in a RUN",
    description: "A RUN with apt-get update (apk update, yum makecache...) but no install creates a cached \
        layer; later RUNs that install reuse that stale index and get old, vulnerable package versions.",
    remediation: "Update and install in the same RUN: RUN apt-get update && apt-get install -y ...",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#apt-get",
        "https://avd.aquasec.com/misconfig/ds017",
    ],
    controls: &["cis-docker-1.6/4.7"],
    peers: &["DS-0017", "CKV_DOCKER_5"],
    bad_example: "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n",
    good_example: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
};

fn is_update(program: &str, sub: Option<&str>) -> bool {
    match program {
        "apt-get" | "apt" | "apk" | "zypper" => matches!(sub, Some("update" | "refresh" | "ref")),
        "yum" | "dnf" | "microdnf" => matches!(sub, Some("makecache")),
        _ => false,
    }
}

fn is_install(program: &str, sub: Option<&str>) -> bool {
    match program {
        "apt-get" | "apt" => matches!(
            sub,
            Some("install" | "upgrade" | "dist-upgrade" | "full-upgrade" | "source" | "build-dep")
        ),
        "apk" => matches!(sub, Some("add" | "upgrade")),
        "yum" | "dnf" | "microdnf" => matches!(sub, Some("install" | "update" | "upgrade" | "groupinstall")),
        "zypper" => matches!(sub, Some("install" | "in" | "update" | "up" | "patch")),
        _ => false,
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        let c = cmds(run);
        let update = c.iter().find(|x| is_update(x.program(), x.subcommand()));
        let install = c.iter().any(|x| is_install(x.program(), x.subcommand()));
        if let Some(u) = update
            && !install
        {
            out.push(ctx.at(
                &META,
                stage,
                run,
                format!(
                    "'{} {}' without an install in the same RUN",
                    u.program(),
                    u.subcommand().unwrap_or("")
                ),
            ));
        }
    }
}
