use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0023",
    family: Family::Docker,
    service: "build",
    severity: Severity::Medium,
    title: "COPY --from refers to its own stage",
    description: "COPY --from=<alias> naming the stage it is in cannot work: the stage is not built yet. \
        The build fails or, with an image of that name, silently copies from a registry image instead.",
    remediation: "Name an earlier stage (or an image) in --from.",
    references: &[
        "https://docs.docker.com/build/building/multi-stage/",
        "https://avd.aquasec.com/misconfig/ds006",
    ],
    controls: &[],
    peers: &["DS-0006", "DL3023"],
    bad_example: "FROM golang:1.23 AS build\nCOPY --from=build /src /src\n",
    good_example: "FROM golang:1.23 AS build\nRUN go build -o /app\nFROM debian:12\nCOPY --from=build /app /app\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stage in &ctx.df.stages {
        let Some(alias) = stage.alias.as_deref() else { continue };
        for c in stage.instrs.iter().filter(|i| i.cmd == "copy" || i.cmd == "add") {
            if c.flag("from").is_some_and(|f| f.eq_ignore_ascii_case(alias)) {
                out.push(ctx.at(
                    &META,
                    stage,
                    c,
                    format!("COPY --from='{alias}' refers to the stage it is in"),
                ));
            }
        }
    }
}
