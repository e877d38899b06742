use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0026",
    family: Family::Docker,
    service: "packages",
    severity: Severity::Low,
    title: "yum/dnf/microdnf/zypper cache not cleaned",
    description: "An install with yum, dnf, microdnf or zypper leaves the package cache in the layer unless \
        the same RUN cleans it: a bigger image with stale metadata.",
    remediation: "End the RUN with && yum clean all (dnf clean all, microdnf clean all, zypper clean).",
    references: &[
        "https://avd.aquasec.com/misconfig/ds015",
        "https://avd.aquasec.com/misconfig/ds019",
        "https://avd.aquasec.com/misconfig/ds020",
    ],
    controls: &["cis-docker-1.6/4.3"],
    peers: &["DS-0015", "DS-0019", "DS-0020", "DS-0027", "DL3032", "DL3040", "DL3036", "DL3041"],
    bad_example: "FROM rockylinux:9\nRUN yum install -y httpd\n",
    good_example: "FROM rockylinux:9\nRUN yum install -y httpd && yum clean all\n",
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        let c = cmds(run);
        for tool in ["yum", "dnf", "microdnf", "zypper"] {
            let installs = c.iter().find(|x| {
                x.program() == tool
                    && matches!(
                        x.subcommand(),
                        Some("install" | "in" | "groupinstall" | "update" | "upgrade")
                    )
            });
            let cleans = c
                .iter()
                .any(|x| x.program() == tool && matches!(x.subcommand(), Some("clean" | "cc")))
                || c.iter()
                    .any(|x| x.program() == "rm" && x.args().iter().any(|a| a.starts_with("/var/cache/")));
            if let Some(x) = installs
                && !cleans
            {
                let sub = x.subcommand().unwrap_or("install");
                out.push(ctx.at(
                    &META,
                    stage,
                    run,
                    format!("'{tool} {sub}' without '{tool} clean' in the same RUN"),
                ));
                break;
            }
        }
    }
}
