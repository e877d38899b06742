use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0007",
    family: Family::Docker,
    service: "supply-chain",
    severity: Severity::High,
    title: "Remote script piped into a shell",
    description: "curl ... | sh (or wget -O- | bash) runs whatever the server sends, unverified, at build \
        time; a compromised or spoofed server owns the image.",
    remediation: "Download the script to a file, verify its checksum or signature, then run it; better, \
        install a packaged, signed release.",
    references: &["https://docs.docker.com/build/building/best-practices/#using-pipes"],
    controls: &["cis-docker-1.6/4.11"],
    peers: &[],
    bad_example: "FROM alpine:3.20\nRUN curl -sSL https://example.com/install.sh | sh\n",
    good_example: "FROM alpine:3.20\nRUN curl -sSLo /tmp/i.sh https://example.com/install.sh && echo \"4a5b  /tmp/i.sh\" | sha256sum -c - && sh /tmp/i.sh\n",
};

const SHELLS: &[&str] =
    &["sh", "bash", "zsh", "ash", "dash", "ksh", "python", "python3", "perl", "ruby", "node"];

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        let c = cmds(run);
        for (i, fetch) in c.iter().enumerate() {
            if !matches!(fetch.program(), "curl" | "wget") {
                continue;
            }
            let next =
                c.get(i + 1).filter(|n| n.pipeline == fetch.pipeline && n.position == fetch.position + 1);
            if let Some(sh) = next.filter(|n| SHELLS.contains(&n.program())) {
                out.push(ctx.at(
                    &META,
                    stage,
                    run,
                    format!("RUN pipes the output of {} into {}", fetch.program(), sh.program()),
                ));
                break;
            }
        }
    }
}
