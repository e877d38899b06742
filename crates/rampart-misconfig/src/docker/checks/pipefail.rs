use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;
use crate::docker::shell::{has_pipe, program};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0029",
    family: Family::Docker,
    service: "build",
    severity: Severity::Low,
    title: "Pipe in RUN without pipefail",
    description: "/bin/sh -c 'a | b' succeeds when b succeeds, even if a failed: a failed download piped \
        into a command builds a broken image without an error.",
    remediation: "Set SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before the RUN, or start the script \
        with set -o pipefail.",
    references: &["https://docs.docker.com/build/building/best-practices/#using-pipes"],
    controls: &[],
    peers: &["DS-0032", "DL4006"],
    bad_example: "FROM debian:12\nRUN wget -O - https://example.com | wc -l > /n\n",
    good_example: "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://example.com | wc -l > /n\n",
};

fn shell_has_pipefail(values: &[String]) -> bool {
    let Some(first) = values.first() else { return false };
    let p = program(first);
    if matches!(p, "pwsh" | "powershell" | "cmd" | "cmd.exe" | "powershell.exe") {
        return true;
    }
    values
        .windows(2)
        .any(|w| w[0].starts_with('-') && !w[0].starts_with("--") && w[0].contains('o') && w[1] == "pipefail")
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stage in &ctx.df.stages {
        let mut pipefail = false;
        for i in &stage.instrs {
            if i.cmd == "shell" {
                pipefail = shell_has_pipefail(&i.value);
                continue;
            }
            if i.cmd != "run" || i.json || pipefail {
                continue;
            }
            let c = cmds(i);
            if !has_pipe(c) {
                continue;
            }
            let set = c.iter().any(|x| {
                x.program() == "set"
                    && (x.args().windows(2).any(|w| w[0] == "-o" && w[1] == "pipefail")
                        || x.args().iter().any(|a| a.starts_with('-') && a.contains('o'))
                            && x.has("pipefail"))
            });
            if !set {
                out.push(ctx.at(&META, stage, i, "RUN has a pipe but no 'set -o pipefail'"));
            }
        }
    }
}
