//! Operating-system packages: the databases of dpkg, apk and rpm, and OS detection.
//!
//! The package databases do not say which distribution they belong to (a dpkg status file is the
//! same on Debian and Ubuntu), so each analyzer reports the family of its format —
//! [`Ecosystem::Debian`] for dpkg, [`Ecosystem::Alpine`] for apk, [`Ecosystem::RedHat`] for rpm —
//! with the architecture and the source package. Once the scan knows the OS ([`detect_os`] on
//! the files of [`OS_RELEASE_FILES`]), [`apply_os`] rewrites the ecosystem, the distribution
//! release and the package URL of the packages whose format matches.
//!
//! Besides packages, the analyzers report the files the package manager installed
//! ([`crate::Analysis::installed_files`]), so language packages owned by an OS package can be
//! dropped.

use rampart_model::{Ecosystem, OsInfo, Package, os_purl};

use crate::Analyzer;

mod apk;
mod detect;
mod dpkg;
mod dpkg_files;
mod rpm_bdb;
mod rpm_header;
mod rpm_ndb;
mod rpm_sqlite;
mod rpmdb;

pub use detect::{OS_RELEASE_FILES, detect_os, release_of};
pub(crate) use rpm_header::split_source_rpm;

/// The result name of dpkg packages.
pub const DPKG_GROUP: &str = "OS packages (dpkg)";
/// The result name of apk packages.
pub const APK_GROUP: &str = "OS packages (apk)";
/// The result name of rpm packages.
pub const RPM_GROUP: &str = "OS packages (rpm)";

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![
        Box::new(dpkg::DpkgStatus),
        Box::new(dpkg_files::DpkgFiles),
        Box::new(apk::ApkInstalled),
        Box::new(rpmdb::RpmDb),
    ]
}

/// Gives OS packages the identity of the detected OS: for every package whose format (deb, apk,
/// rpm) is the format of `os.family`, the ecosystem becomes `os.family`, `distro` becomes
/// `os.release` (none when empty, e.g. Wolfi) and the package URL is rebuilt with the
/// architecture and the full OS version. Packages of another format (an rpm database on a
/// Debian image) and language packages are left as they are.
pub fn apply_os(packages: &mut [Package], os: &OsInfo) {
    let Some(format) = os.family.os_format() else { return };
    for p in packages.iter_mut() {
        if p.ecosystem.os_format() != Some(format) {
            continue;
        }
        p.ecosystem = os.family;
        p.distro = Some(os.release.clone()).filter(|r| !r.is_empty());
        let version = Some(os.version.as_str()).filter(|v| !v.is_empty());
        p.purl = os_purl(os.family, &p.name, &p.version, p.arch.as_deref(), version);
    }
}

/// True when `path` is `suffix` or ends with `/suffix` (no allocation: `accepts` runs on every
/// file of a scan).
pub(crate) fn ends_with_path(path: &str, suffix: &str) -> bool {
    path.strip_suffix(suffix).is_some_and(|rest| rest.is_empty() || rest.ends_with('/'))
}

/// The package URL of a package found by an analyzer, before the OS is known.
pub(crate) fn purl_of(ecosystem: Ecosystem, name: &str, version: &str, arch: &str) -> String {
    os_purl(ecosystem, name, version, Some(arch).filter(|a| !a.is_empty()), None)
}

/// One paragraph: first line, last line, `(key, value)` fields in order.
pub(crate) type Paragraph<'a> = (u32, u32, Vec<(&'a str, String)>);

/// Splits `text` into paragraphs of `Key: value` fields separated by empty lines (the format of
/// dpkg's status file and apk's installed database, which uses one-letter keys). Yields
/// `(first line, last line, fields)`; continuation lines (starting with a space or tab) are
/// appended to the previous value after a newline. A line without `:` is ignored.
pub(crate) fn paragraphs(text: &str, separator: char) -> Vec<Paragraph<'_>> {
    let mut out = Vec::new();
    let mut fields: Vec<(&str, String)> = Vec::new();
    let mut start = 0u32;
    let mut end = 0u32;
    for (i, line) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if !fields.is_empty() {
                out.push((start, end, std::mem::take(&mut fields)));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
                end = line_no;
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(separator) {
            if fields.is_empty() {
                start = line_no;
            }
            fields.push((key.trim(), value.trim().to_string()));
            end = line_no;
        }
    }
    if !fields.is_empty() {
        out.push((start, end, fields));
    }
    out
}

/// The value of the first field named `key` (case-insensitive), trimmed, when not empty.
pub(crate) fn field<'a>(fields: &'a [(&str, String)], key: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(family: Ecosystem, version: &str, release: &str) -> OsInfo {
        OsInfo {
            family,
            version: version.into(),
            release: release.into(),
            name: None,
            source: "etc/os-release".into(),
        }
    }

    #[test]
    fn apply_os_rewrites_matching_formats_only() {
        let deb = Package::builder(Ecosystem::Debian, "bsdutils", "1:2.38.1-5+deb12u3")
            .arch("amd64")
            .source("util-linux", "2.38.1-5+deb12u3")
            .build();
        let rpm = Package::builder(Ecosystem::RedHat, "bash", "5.1.8-6.el9").arch("x86_64").build();
        let py = Package::builder(Ecosystem::PyPI, "PyYAML", "6.0").build();
        let mut all = vec![deb, rpm.clone(), py.clone()];
        apply_os(&mut all, &os(Ecosystem::Ubuntu, "22.04", "22.04"));
        assert_eq!(all[0].ecosystem, Ecosystem::Ubuntu);
        assert_eq!(all[0].distro.as_deref(), Some("22.04"));
        assert_eq!(
            all[0].purl,
            "pkg:deb/ubuntu/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=ubuntu-22.04&epoch=1"
        );
        assert_eq!(all[1], rpm);
        assert_eq!(all[2], py);
        apply_os(&mut all, &os(Ecosystem::RockyLinux, "9.3", "9"));
        assert_eq!(all[1].ecosystem, Ecosystem::RockyLinux);
        assert_eq!(all[1].purl, "pkg:rpm/rocky/bash@5.1.8-6.el9?arch=x86_64&distro=rocky-9.3");
        let mut w = vec![Package::builder(Ecosystem::Alpine, "busybox", "1.36.1-r0").arch("x86_64").build()];
        apply_os(&mut w, &os(Ecosystem::Wolfi, "20230201", ""));
        assert_eq!((w[0].ecosystem, w[0].distro.as_deref()), (Ecosystem::Wolfi, None));
        assert_eq!(w[0].osv_ecosystem(), "Wolfi");
    }

    #[test]
    fn paragraphs_keep_lines_and_continuations() {
        let text = "A: 1\nB: x\n y\n\n\nA: 2\n";
        let p = paragraphs(text, ':');
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].0, p[0].1), (1, 3));
        assert_eq!(field(&p[0].2, "b"), Some("x\ny"));
        assert_eq!((p[1].0, p[1].1, field(&p[1].2, "A")), (6, 6, Some("2")));
    }
}
