use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0017",
    family: Family::Docker,
    service: "build",
    severity: Severity::Low,
    title: "Deprecated MAINTAINER",
    description: "MAINTAINER is deprecated; tools read the org.opencontainers.image.authors label instead.",
    remediation: "Replace it by LABEL org.opencontainers.image.authors=\"name <email>\".",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#maintainer-deprecated",
        "https://avd.aquasec.com/misconfig/ds022",
    ],
    controls: &[],
    peers: &["DS-0022", "CKV_DOCKER_6", "DL4000"],
    bad_example: "FROM debian:12\nMAINTAINER me@example.com\n",
    good_example: "FROM debian:12\nLABEL org.opencontainers.image.authors=\"me@example.com\"\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, m) in ctx.all("maintainer") {
        out.push(ctx.at(&META, stage, m, format!("MAINTAINER is deprecated: '{}'", m.original)));
    }
}
