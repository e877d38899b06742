use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0032",
    family: Family::Docker,
    service: "base-image",
    severity: Severity::Low,
    title: "FROM --platform with a fixed value",
    description: "A hard-coded --platform forces one architecture: on other hosts the image runs under \
        emulation or not at all, and multi-platform builds silently produce the wrong binaries.",
    remediation: "Drop --platform, or use the build arguments --platform=$BUILDPLATFORM / $TARGETPLATFORM.",
    references: &["https://docs.docker.com/build/building/multi-platform/"],
    controls: &[],
    peers: &["DL3029"],
    bad_example: "FROM --platform=linux/amd64 debian:12\n",
    good_example: "FROM --platform=$BUILDPLATFORM debian:12\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stage in &ctx.df.stages {
        if let Some(p) = stage.from.flag("platform").filter(|p| !p.contains('$')) {
            out.push(ctx.at(&META, stage, &stage.from, format!("FROM fixes the platform to '{p}'")));
        }
    }
}
