use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0024",
    family: Family::Docker,
    service: "build",
    severity: Severity::Medium,
    title: "Duplicate stage alias",
    description: "Two FROM ... AS share a name, so COPY --from=<name> and --target are ambiguous (BuildKit \
        rejects the file).",
    remediation: "Give each stage a unique alias.",
    references: &[
        "https://docs.docker.com/build/building/multi-stage/",
        "https://avd.aquasec.com/misconfig/ds012",
    ],
    controls: &[],
    peers: &["DS-0012", "CKV_DOCKER_11", "DL3024"],
    bad_example: "FROM golang:1.23 AS build\nFROM node:22 AS build\n",
    good_example: "FROM golang:1.23 AS build-go\nFROM node:22 AS build-js\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (n, stage) in ctx.df.stages.iter().enumerate() {
        let Some(alias) = stage.alias.as_deref() else { continue };
        let first = ctx.df.stages[..n]
            .iter()
            .find(|s| s.alias.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(alias)));
        if let Some(first) = first {
            out.push(ctx.at(
                &META,
                stage,
                &stage.from,
                format!(
                    "Stage alias '{alias}' is already used by the stage at line {}",
                    first.from.span.start
                ),
            ));
        }
    }
}
