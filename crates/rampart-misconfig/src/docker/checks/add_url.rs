use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0004",
    family: Family::Docker,
    service: "build",
    severity: Severity::Medium,
    title: "ADD downloads from a URL",
    description: "ADD <url> fetches a remote file at build time with no checksum check (unless --checksum         is given), so the image contains whatever the server returned; the file also stays in a layer.",
    remediation: "Download with curl or wget in a RUN, verify a checksum, and remove what is not needed         in the same RUN; or use ADD --checksum=sha256:...",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#add",
        "https://docs.docker.com/build/building/best-practices/#add-or-copy",
    ],
    controls: &["cis-docker-1.6/4.9", "cis-docker-1.6/4.11"],
    peers: &["CKV_DOCKER_4", "DL3020"],
    bad_example: "FROM alpine:3.20\nADD https://example.com/app.tar.gz /opt/\n",
    good_example: "FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/app.tar.gz /opt/\n",
};

pub(crate) fn is_url(src: &str) -> bool {
    let l = src.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("git@") || l.starts_with("ftp://")
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, add) in ctx.all("add") {
        if add.flag("checksum").is_some() {
            continue;
        }
        let n = add.value.len().saturating_sub(1);
        for src in add.value[..n].iter().filter(|s| is_url(s)) {
            out.push(ctx.at(&META, stage, add, format!("ADD downloads '{src}' without a checksum")));
        }
    }
}
