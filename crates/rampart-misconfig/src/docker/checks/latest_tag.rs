use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

use super::{base_image, split_image};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0002",
    family: Family::Docker,
    service: "base-image",
    severity: Severity::Medium,
    title: "Base image uses ':latest' or no tag",
    description: "A FROM without a tag, or with ':latest', builds on whatever the registry serves that         day: builds are not reproducible and an upstream change (or a hijacked tag) lands silently.",
    remediation: "Name a specific version tag (ubuntu:24.04), ideally pinned by digest.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#from",
        "https://avd.aquasec.com/misconfig/ds001",
    ],
    controls: &["cis-docker-1.6/4.2"],
    peers: &["DS-0001", "CKV_DOCKER_7", "DL3006", "DL3007"],
    bad_example: "FROM ubuntu:latest\nUSER 1000\n",
    good_example: "FROM ubuntu:24.04\nUSER 1000\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stage in &ctx.df.stages {
        let Some(image) = base_image(ctx.df, stage) else { continue };
        if image.contains('$') {
            continue;
        }
        let (name, tag, digest) = split_image(&image);
        if digest.is_some() {
            continue;
        }
        match tag {
            Some("latest") => out.push(ctx.at(
                &META,
                stage,
                &stage.from,
                format!("Base image '{image}' uses the 'latest' tag"),
            )),
            None => out.push(ctx.at(
                &META,
                stage,
                &stage.from,
                format!("Base image '{name}' has no tag (implicitly 'latest')"),
            )),
            _ => {}
        }
    }
}
