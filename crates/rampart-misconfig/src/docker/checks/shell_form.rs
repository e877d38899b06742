use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0031",
    family: Family::Docker,
    service: "runtime",
    severity: Severity::Low,
    title: "CMD or ENTRYPOINT in shell form",
    description: "The shell form runs the command under /bin/sh -c, so the process is not PID 1 and does \
        not receive SIGTERM: the container is killed after the stop timeout instead of shutting down.",
    remediation: "Use the exec (JSON) form: CMD [\"/app\", \"--flag\"].",
    references: &["https://docs.docker.com/reference/dockerfile/#shell-and-exec-form"],
    controls: &[],
    peers: &["DL3025"],
    bad_example: "FROM debian:12\nCMD /app --serve\n",
    good_example: "FROM debian:12\nCMD [\"/app\", \"--serve\"]\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(stage) = ctx.df.final_stage() else { return };
    for i in stage.instrs.iter().filter(|i| (i.cmd == "cmd" || i.cmd == "entrypoint") && !i.json) {
        out.push(ctx.at(&META, stage, i, format!("{} uses the shell form", i.cmd.to_ascii_uppercase())));
    }
}
