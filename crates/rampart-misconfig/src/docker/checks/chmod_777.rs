use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0030",
    family: Family::Docker,
    service: "permissions",
    severity: Severity::Medium,
    title: "World-writable permissions (chmod 777)",
    description: "chmod 777 (or o+w) lets every user in the container rewrite the files, including the \
        application's code and configuration: any foothold becomes persistence.",
    remediation: "Give ownership to the user that needs to write (COPY --chown, chown) and use 755/644 \
        or stricter.",
    references: &["https://docs.docker.com/reference/dockerfile/#copy---chown---chmod"],
    controls: &[],
    peers: &[],
    bad_example: "FROM debian:12\nRUN chmod -R 777 /app\n",
    good_example: "FROM debian:12\nRUN chown -R 10001 /app && chmod -R 755 /app\n",
};

fn world_writable(mode: &str) -> bool {
    if mode.chars().all(|c| c.is_ascii_digit()) && mode.len() >= 3 {
        // 1777 (sticky, as on /tmp) is the usual shared-directory mode, not a mistake
        if mode.len() == 4 && matches!(mode.as_bytes()[0], b'1' | b'3' | b'5' | b'7') {
            return false;
        }
        let last = mode.as_bytes()[mode.len() - 1];
        return matches!(last, b'2' | b'3' | b'6' | b'7');
    }
    mode.split(',').any(|m| {
        (m.starts_with('o') || m.starts_with('a') || m.starts_with('+'))
            && m.contains('+')
            && m.split('+').nth(1).is_some_and(|p| p.contains('w'))
    })
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        let hit = cmds(run).iter().find_map(|x| {
            (x.program() == "chmod")
                .then(|| x.args().iter().find(|a| !a.starts_with('-') || a.starts_with("-w")).cloned())
                .flatten()
        });
        if let Some(mode) = hit.filter(|m| world_writable(m)) {
            out.push(ctx.at(
                &META,
                stage,
                run,
                format!("RUN makes files world-writable with 'chmod {mode}'"),
            ));
        }
    }
    for stage in &ctx.df.stages {
        for c in stage.instrs.iter().filter(|i| i.cmd == "copy" || i.cmd == "add") {
            if let Some(mode) = c.flag("chmod").filter(|m| world_writable(m)) {
                out.push(ctx.at(
                    &META,
                    stage,
                    c,
                    format!("{} --chmod={mode} makes files world-writable", c.cmd.to_ascii_uppercase()),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::world_writable;

    #[test]
    fn modes() {
        for m in ["777", "0777", "666", "o+w", "a+rwx", "u+x,o+w"] {
            assert!(world_writable(m), "{m}");
        }
        for m in ["755", "0644", "1777", "+x", "u+w", "o-w", "go-rwx"] {
            assert!(!world_writable(m), "{m}");
        }
    }
}
