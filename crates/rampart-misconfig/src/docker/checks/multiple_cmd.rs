use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0020",
    family: Family::Docker,
    service: "runtime",
    severity: Severity::Medium,
    title: "Several CMD instructions in a stage",
    description: "Only the last CMD of a stage takes effect; the earlier ones are dead code that misleads readers about how the container starts or is probed.",
    remediation: "Keep a single CMD per stage.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#cmd",
        "https://avd.aquasec.com/misconfig/ds016",
    ],
    controls: &[],
    peers: &["DS-0016", "DL4003"],
    bad_example: "FROM debian:12\nCMD [\"/a\"]\nCMD [\"/b\"]\n",
    good_example: "FROM debian:12\nCMD [\"/b\"]\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    super::several_in_a_stage(ctx, &META, "cmd", out);
}
