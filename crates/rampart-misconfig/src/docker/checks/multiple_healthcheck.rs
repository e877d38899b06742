use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0022",
    family: Family::Docker,
    service: "runtime",
    severity: Severity::Medium,
    title: "Several HEALTHCHECK instructions in a stage",
    description: "Only the last HEALTHCHECK of a stage takes effect; the earlier ones are dead code that misleads readers about how the container starts or is probed.",
    remediation: "Keep a single HEALTHCHECK per stage.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#healthcheck",
        "https://avd.aquasec.com/misconfig/ds023",
    ],
    controls: &[],
    peers: &["DS-0023", "DL3012"],
    bad_example: "FROM debian:12\nHEALTHCHECK CMD /a\nHEALTHCHECK CMD /b\n",
    good_example: "FROM debian:12\nHEALTHCHECK CMD /b\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    super::several_in_a_stage(ctx, &META, "healthcheck", out);
}
