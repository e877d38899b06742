use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0014",
    family: Family::Docker,
    service: "packages",
    severity: Severity::Medium,
    title: "Package install without non-interactive flag",
    description: "apt-get/yum/dnf install without -y (zypper without -n) waits for a confirmation that a \
        build never gives: the build fails or behaves differently per tool version.",
    remediation: "Add -y (apt-get, yum, dnf) or --non-interactive (zypper).",
    references: &["https://avd.aquasec.com/misconfig/ds021"],
    controls: &[],
    peers: &["DS-0021", "DL3014", "DL3030", "DL3038", "DL3034"],
    bad_example: "FROM debian:12\nRUN apt-get install --no-install-recommends curl\n",
    good_example: "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        for x in cmds(run) {
            let p = x.program();
            let sub = x.subcommand();
            let interactive = match p {
                "apt-get" => {
                    sub == Some("install")
                        && !x.has_opt('y', &["yes", "assume-yes"])
                        && !x
                            .args()
                            .iter()
                            .any(|a| a == "-qq" || a == "-q=2" || a.contains("Assume-Yes=true"))
                }
                "yum" | "dnf" | "microdnf" => {
                    matches!(sub, Some("install" | "groupinstall")) && !x.has_opt('y', &["assumeyes"])
                }
                "zypper" => {
                    matches!(sub, Some("install" | "in"))
                        && !x.words.iter().any(|w| {
                            w == "-n" || w == "--non-interactive" || w == "-y" || w == "--no-confirm"
                        })
                }
                _ => false,
            };
            if interactive {
                out.push(ctx.at(
                    &META,
                    stage,
                    run,
                    format!("'{p} install' without a non-interactive flag (-y)"),
                ));
                break;
            }
        }
    }
}
