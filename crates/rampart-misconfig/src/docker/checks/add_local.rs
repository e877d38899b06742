use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0005",
    family: Family::Docker,
    service: "build",
    severity: Severity::Low,
    title: "ADD used for local files",
    description: "ADD copies local files like COPY but also extracts archives implicitly (and fetches         URLs), which makes its effect depend on the file's content. COPY says exactly what happens.",
    remediation: "Use COPY for local files; to unpack an archive, COPY it and extract it in a RUN (or keep         ADD deliberately and suppress this finding).",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#add-or-copy",
        "https://avd.aquasec.com/misconfig/ds005",
    ],
    controls: &["cis-docker-1.6/4.9"],
    peers: &["DS-0005", "CKV_DOCKER_4", "DL3020"],
    bad_example: "FROM alpine:3.20\nADD app.tar.gz /app/\n",
    good_example: "FROM alpine:3.20\nCOPY app /app/\n",
};

const ARCHIVES: &[&str] =
    &[".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".gz", ".bz2", ".xz"];

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, add) in ctx.all("add") {
        let n = add.value.len().saturating_sub(1);
        for src in add.value[..n].iter().filter(|s| !super::add_url::is_url(s) && !s.starts_with("<<")) {
            let lower = src.to_ascii_lowercase();
            let message = if ARCHIVES.iter().any(|a| lower.ends_with(a)) {
                format!("ADD extracts the archive '{src}' implicitly; use COPY and extract it explicitly")
            } else {
                format!("ADD is used for the local file '{src}' where COPY would do")
            };
            out.push(ctx.at(&META, stage, add, message));
        }
    }
}
