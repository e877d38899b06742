use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0035",
    family: Family::Docker,
    service: "supply-chain",
    severity: Severity::High,
    title: "Package signature verification disabled",
    description: "apt-get --allow-unauthenticated / --force-yes, yum/dnf --nogpgcheck, rpm --nosignature, \
        apk --allow-untrusted install packages whose signatures are missing or invalid: a tampered \
        package is installed without a warning.",
    remediation: "Keep signature checks on; import the repository's signing key instead.",
    references: &["https://www.checkov.io/5.Policy%20Index/dockerfile.html"],
    controls: &["cis-docker-1.6/4.11", "cis-docker-1.6/4.12"],
    peers: &["CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"],
    bad_example: "FROM rockylinux:9\nRUN yum install -y --nogpgcheck httpd && yum clean all\n",
    good_example: "FROM rockylinux:9\nRUN yum install -y httpd && yum clean all\n",
};

const FLAGS: &[(&str, &[&str])] = &[
    ("apt-get", &["--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"]),
    ("apt", &["--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"]),
    ("yum", &["--nogpgcheck"]),
    ("dnf", &["--nogpgcheck"]),
    ("tdnf", &["--nogpgcheck"]),
    ("microdnf", &["--nogpgcheck"]),
    ("rpm", &["--nosignature", "--nodigest", "--noverify", "--nofiledigest"]),
    ("apk", &["--allow-untrusted"]),
    ("zypper", &["--no-gpg-checks"]),
];

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        let hit = cmds(run).iter().find_map(|x| {
            let (tool, flags) = FLAGS.iter().find(|(t, _)| *t == x.program())?;
            x.args().iter().find(|a| flags.contains(&a.as_str())).map(|f| format!("{tool} {f}"))
        });
        if let Some(what) = hit {
            out.push(ctx.at(
                &META,
                stage,
                run,
                format!("RUN installs packages without signature checks ({what})"),
            ));
        }
    }
}
