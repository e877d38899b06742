use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0028",
    family: Family::Docker,
    service: "packages",
    severity: Severity::Low,
    title: "pip install without --no-cache-dir",
    description: "pip keeps downloaded wheels in ~/.cache/pip, which then stays in the image layer.",
    remediation: "Use pip install --no-cache-dir (or set PIP_NO_CACHE_DIR=1, or a cache mount).",
    references: &["https://pip.pypa.io/en/stable/topics/caching/"],
    controls: &["cis-docker-1.6/4.3"],
    peers: &["DL3042"],
    bad_example: "FROM python:3.12-slim\nRUN pip install flask==3.0.3\n",
    good_example: "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let env_off = ctx.df.instructions().any(|i| {
        i.cmd == "env"
            && i.value.chunks(2).any(|c| {
                c[0] == "PIP_NO_CACHE_DIR"
                    && c.get(1).is_some_and(|v| !matches!(v.as_str(), "0" | "false" | "\"0\""))
            })
    });
    if env_off {
        return;
    }
    for (stage, run, _) in ctx.runs() {
        if run.flags.iter().any(|f| f.contains("type=cache")) {
            continue;
        }
        let c = cmds(run);
        let hit = c.iter().find(|x| {
            let e = x.effective();
            let pip_at = e.iter().position(|w| {
                let p = crate::docker::shell::program(w);
                p == "pip" || p == "pip3" || p.starts_with("pip3.")
            });
            let is_module = e.windows(2).any(|w| w[0] == "-m" && w[1] == "pip");
            (pip_at == Some(0) || is_module)
                && e.iter().any(|w| w == "install")
                && !e.iter().any(|w| w == "--no-cache-dir")
        });
        if hit.is_some() {
            out.push(ctx.at(&META, stage, run, "pip install without '--no-cache-dir'"));
        }
    }
}
