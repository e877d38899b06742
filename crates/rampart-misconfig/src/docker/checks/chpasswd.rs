use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0038",
    family: Family::Docker,
    service: "secrets",
    severity: Severity::Medium,
    title: "Password set in a RUN (chpasswd/passwd)",
    description: "Setting a password with chpasswd or passwd --stdin in a RUN writes it into the build \
        cache and the image history, and leaves a password-based account in the image.",
    remediation: "Do not create password logins in images; if unavoidable, pass the password with \
        RUN --mount=type=secret.",
    references: &["https://docs.docker.com/build/building/secrets/"],
    controls: &["cis-docker-1.6/4.10"],
    peers: &["CKV2_DOCKER_17"],
    bad_example: "FROM debian:12\nRUN echo 'root:toor' | chpasswd\n",
    good_example: "FROM debian:12\nRUN useradd -r -u 10001 app\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        if run.flags.iter().any(|f| f.contains("type=secret")) {
            continue;
        }
        let hit = cmds(run)
            .iter()
            .any(|x| x.program() == "chpasswd" || (x.program() == "passwd" && x.has("--stdin")));
        if hit {
            out.push(ctx.at(&META, stage, run, "RUN sets a password with chpasswd/passwd"));
        }
    }
}
