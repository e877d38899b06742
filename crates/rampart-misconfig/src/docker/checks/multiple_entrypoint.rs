use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0021",
    family: Family::Docker,
    service: "runtime",
    severity: Severity::Medium,
    title: "Several ENTRYPOINT instructions in a stage",
    description: "Only the last ENTRYPOINT of a stage takes effect; the earlier ones are dead code that misleads readers about how the container starts or is probed.",
    remediation: "Keep a single ENTRYPOINT per stage.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#entrypoint",
        "https://avd.aquasec.com/misconfig/ds007",
    ],
    controls: &[],
    peers: &["DS-0007", "DL4004"],
    bad_example: "FROM debian:12\nENTRYPOINT [\"/a\"]\nENTRYPOINT [\"/b\"]\n",
    good_example: "FROM debian:12\nENTRYPOINT [\"/b\"]\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    super::several_in_a_stage(ctx, &META, "entrypoint", out);
}
