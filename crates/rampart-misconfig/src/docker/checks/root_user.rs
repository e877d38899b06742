use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0001",
    family: Family::Docker,
    service: "user",
    severity: Severity::High,
    title: "Image runs as root",
    description: "The last USER of the final stage is root (or UID 0), or the final stage sets no USER, so         the container's process runs as root unless the runtime overrides it. A compromise of the         process then starts with root rights inside the container, one step from the host.",
    remediation: "Create an unprivileged user and switch to it at the end of the final stage:         RUN useradd -r -u 10001 app, then USER 10001.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#user",
        "https://avd.aquasec.com/misconfig/ds002",
    ],
    controls: &["cis-docker-1.6/4.1"],
    peers: &["DS-0002", "CKV_DOCKER_3", "CKV_DOCKER_8", "DL3002"],
    bad_example: "FROM alpine:3.20\nUSER root\nCMD [\"/app\"]\n",
    good_example: "FROM alpine:3.20\nUSER 10001\nCMD [\"/app\"]\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(stage) = ctx.df.final_stage() else { return };
    match super::last_user(ctx.df, stage) {
        Some((stage, user)) => {
            let value = user.value.first().map(|v| v.trim()).unwrap_or("");
            let name = value.split(':').next().unwrap_or("");
            if name == "root" || name == "0" {
                out.push(ctx.at(&META, stage, user, format!("Last USER of the final stage is '{value}'")));
            }
        }
        None => out.push(ctx.finding(
            &META,
            stage,
            stage.span(),
            if ctx.image {
                "The image config sets no USER, so the container runs as root"
            } else {
                "The final stage sets no USER, so the container runs as root"
            },
        )),
    }
}
