use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0008",
    family: Family::Docker,
    service: "runtime",
    severity: Severity::Low,
    title: "No HEALTHCHECK",
    description: "Without a HEALTHCHECK the engine only knows whether the process is running, not whether \
        it still serves; a hung service is never restarted.",
    remediation: "Add a HEALTHCHECK to the final stage (HEALTHCHECK CMD curl -f http://localhost/health || exit 1), \
        or HEALTHCHECK NONE to say explicitly that the orchestrator probes it.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#healthcheck",
        "https://avd.aquasec.com/misconfig/ds026",
    ],
    controls: &["cis-docker-1.6/4.6"],
    peers: &["DS-0026", "CKV_DOCKER_2"],
    bad_example: "FROM nginx:1.27\nUSER 101\n",
    good_example: "FROM nginx:1.27\nUSER 101\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    // a HEALTHCHECK in any stage counts, as in Trivy (the final stage may inherit it)
    if ctx.df.stages.iter().any(|s| s.instrs.iter().any(|i| i.cmd == "healthcheck")) {
        return;
    }
    if let Some(stage) = ctx.df.final_stage() {
        out.push(ctx.finding(&META, stage, stage.span(), "The image defines no HEALTHCHECK"));
    }
}
