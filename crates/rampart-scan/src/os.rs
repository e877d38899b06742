//! The operating-system stage shared by root filesystems and images: which OS this is, OS
//! packages named after it, and language packages that really belong to an OS package dropped.

use std::collections::HashSet;

use rampart_inventory::os as inv;
use rampart_model::{OsInfo, Report};

/// True for the files OS detection reads (`etc/os-release`, `etc/debian_version`, ...).
pub fn is_os_file(path: &str) -> bool {
    inv::OS_RELEASE_FILES.contains(&path)
}

/// Detects the OS from its release files, read through `read` (root-relative paths).
pub fn detect(read: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<OsInfo> {
    inv::detect_os(read)
}

/// Names the OS packages after the detected OS (ecosystem, release, package URL with the `distro`
/// qualifier) and records the OS on the report. Without a detected OS, OS packages keep the
/// package manager's default family and no release: they are listed, but advisories keyed by a
/// release cannot match them.
pub fn finish(report: &mut Report, os: Option<OsInfo>) {
    if let Some(os) = &os {
        for result in &mut report.results {
            if result.packages.iter().any(|p| p.ecosystem.is_os()) {
                inv::apply_os(&mut result.packages, os);
                if result.packages.iter().all(|p| p.ecosystem == os.family) {
                    result.ecosystem = Some(os.family);
                    let manager = match os.family.os_format() {
                        Some(rampart_model::OsPackageFormat::Deb) => "dpkg",
                        Some(rampart_model::OsPackageFormat::Apk) => "apk",
                        _ => "rpm",
                    };
                    result.target = format!("{} {} ({manager})", os.family, os.version);
                }
            }
        }
    }
    report.os = os;
}

/// Drops language packages found in files an OS package installed (Debian's
/// `python3-yaml` ships `PyYAML-6.0.egg-info`: it is the deb, not a PyPI install, and its
/// advisories are the distro's). Per-file results go when their file is OS-owned; packages of
/// aggregates go when every location they were found at is.
pub(crate) fn drop_os_owned(report: &mut Report, installed: Vec<String>) {
    if installed.is_empty() {
        return;
    }
    // Each string holds one path a line.
    let owned: HashSet<&str> =
        installed.iter().flat_map(|list| list.lines()).map(|p| p.trim_start_matches('/')).collect();
    report.results.retain_mut(|result| {
        if result.packages.iter().any(|p| p.ecosystem.is_os()) {
            return true;
        }
        if owned.contains(result.target.as_str()) {
            return false;
        }
        result.packages.retain(|p| {
            p.locations.is_empty() || !p.locations.iter().all(|l| owned.contains(l.path.as_str()))
        });
        !result.packages.is_empty()
    });
}
