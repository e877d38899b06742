use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0037",
    family: Family::Docker,
    service: "build",
    severity: Severity::High,
    title: "WORKDIR on a system directory",
    description: "WORKDIR under /proc, /sys, /dev or /boot (or WORKDIR /, /etc, /usr...) makes later COPY and \
        RUN write into kernel or system directories; a COPY . lands the build context over the OS.",
    remediation: "Use an application directory such as /app or /srv/app.",
    references: &["https://avd.aquasec.com/misconfig/ds030"],
    controls: &[],
    peers: &["DS-0030"],
    bad_example: "FROM debian:12\nWORKDIR /proc/self/fd/1\n",
    good_example: "FROM debian:12\nWORKDIR /app\n",
};

/// Directories (and everything under them) that are the kernel's or the boot loader's.
const SYSTEM_TREES: &[&str] = &["/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found"];
/// Directories that hold the OS itself (the directory exactly).
const SYSTEM_DIRS: &[&str] =
    &["/", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib"];

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, w) in ctx.all("workdir") {
        let path = crate::docker::parse::unquote(w.value.first().map(|s| s.trim()).unwrap_or(""));
        let p = if path == "/" { path } else { path.trim_end_matches('/') };
        let tree =
            SYSTEM_TREES.iter().any(|s| p == *s || p.strip_prefix(s).is_some_and(|r| r.starts_with('/')));
        if tree || SYSTEM_DIRS.contains(&p) {
            out.push(ctx.at(&META, stage, w, format!("WORKDIR '{path}' is a system directory")));
        }
    }
}
