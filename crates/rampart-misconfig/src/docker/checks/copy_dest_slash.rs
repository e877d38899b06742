use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0025",
    family: Family::Docker,
    service: "build",
    severity: Severity::Medium,
    title: "COPY of several sources to a destination without '/'",
    description: "With more than one source, the destination must be a directory ending in '/'; otherwise \
        the build fails.",
    remediation: "End the destination with '/': COPY a b /app/.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#copy",
        "https://avd.aquasec.com/misconfig/ds011",
    ],
    controls: &[],
    peers: &["DS-0011", "DL3021"],
    bad_example: "FROM debian:12\nCOPY a.txt b.txt /app\n",
    good_example: "FROM debian:12\nCOPY a.txt b.txt /app/\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stage in &ctx.df.stages {
        for c in stage.instrs.iter().filter(|i| i.cmd == "copy" || i.cmd == "add") {
            let Some(dest) = c.value.last() else { continue };
            let dest = crate::docker::parse::unquote(dest);
            if c.value.len() > 2 && !dest.ends_with('/') && !dest.ends_with('\\') && !dest.starts_with('$') {
                let what = c.cmd.to_ascii_uppercase();
                out.push(ctx.at(
                    &META,
                    stage,
                    c,
                    format!(
                        "{what} has {} sources but destination '{dest}' does not end with '/'",
                        c.value.len() - 1
                    ),
                ));
            }
        }
    }
}
