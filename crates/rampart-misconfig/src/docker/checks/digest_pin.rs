use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

use super::{base_image, split_image};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0003",
    family: Family::Docker,
    service: "base-image",
    severity: Severity::Low,
    title: "Base image not pinned by digest",
    description: "A tag can be moved to another image at any time; only a digest (@sha256:...) names         exactly the image that was reviewed and scanned.",
    remediation: "Pin the base image by digest (FROM ubuntu:24.04@sha256:...) and let a bot update it.",
    references: &["https://docs.docker.com/build/building/best-practices/#pin-base-image-versions"],
    controls: &["cis-docker-1.6/4.2"],
    peers: &[],
    bad_example: "FROM ubuntu:24.04\n",
    good_example: "FROM ubuntu:24.04@sha256:2e863c44b718727c860746568e1d54afd13b2fa71b160f5cd9058fc436217b30\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stage in &ctx.df.stages {
        let Some(image) = base_image(ctx.df, stage) else { continue };
        if split_image(&image).2.is_none() {
            out.push(ctx.at(
                &META,
                stage,
                &stage.from,
                format!("Base image '{image}' is not pinned by digest"),
            ));
        }
    }
}
