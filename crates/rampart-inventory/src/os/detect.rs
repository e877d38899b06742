//! Which operating system a root filesystem holds.
//!
//! `etc/os-release` (else `usr/lib/os-release`) names the family (`ID`) and its version
//! (`VERSION_ID`, `PRETTY_NAME`); the distribution's own release file refines the version where
//! it is more precise: `etc/debian_version` (`12.15`), `etc/alpine-release` (`3.19.1`),
//! `etc/centos-release` / `etc/redhat-release` / `etc/system-release` (`... release 7.9.2009
//! (Core)`). Without an os-release, those files alone (and `etc/lsb-release` for Ubuntu) identify
//! the OS. The release advisories are keyed by follows the OSV conventions: Debian and the RHEL
//! family use the major version (`12`, `9`), Alpine `v<major>.<minor>` (or `edge`), Ubuntu the
//! `YY.MM` version, Alpaquita its `VERSION_ID` (`23`, `stream`), Wolfi and Chainguard none.

use rampart_model::{Ecosystem, OsInfo};

/// The files [`detect_os`] may read, relative to the root.
pub const OS_RELEASE_FILES: &[&str] = &[
    "etc/os-release",
    "usr/lib/os-release",
    "etc/debian_version",
    "etc/alpine-release",
    "etc/redhat-release",
    "etc/centos-release",
    "etc/system-release",
    "etc/lsb-release",
];

/// Longest release file read (they are a few hundred bytes).
const MAX_LEN: usize = 64 * 1024;

/// Detects the OS from the files of [`OS_RELEASE_FILES`], read through `read` (`None`: missing
/// or unreadable). Returns `None` when no file names a known family.
pub fn detect_os(read: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<OsInfo> {
    let text = |path: &str| -> Option<String> {
        let bytes = read(path)?;
        let bytes = bytes.get(..MAX_LEN).unwrap_or(&bytes);
        Some(String::from_utf8_lossy(bytes).into_owned())
    };
    let release = ["etc/os-release", "usr/lib/os-release"]
        .into_iter()
        .find_map(|p| text(p).map(|t| (p, parse_os_release(&t))))
        .and_then(|(p, fields)| {
            let family = Ecosystem::from_os_release_id(value(&fields, "ID")?)?;
            Some((p, family, fields))
        });
    match release {
        Some((path, family, fields)) => {
            let name = value(&fields, "PRETTY_NAME").map(str::to_string);
            let version_id = value(&fields, "VERSION_ID").unwrap_or("").to_string();
            let refined = refine(family, &text);
            let (version, source) = match refined {
                Some((v, file)) => (v, file.to_string()),
                None => (version_id.clone(), path.to_string()),
            };
            let release = release_with(family, &version, &version_id);
            Some(OsInfo { family, version, release, name, source })
        }
        None => without_os_release(&text),
    }
}

/// The version from the family's own release file, when it has one and it is usable.
fn refine(family: Ecosystem, text: &dyn Fn(&str) -> Option<String>) -> Option<(String, &'static str)> {
    use Ecosystem::*;
    match family {
        Debian => {
            let v = text("etc/debian_version")?.trim().to_string();
            v.split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then_some((v, "etc/debian_version"))
        }
        Alpine => {
            let v = text("etc/alpine-release")?.trim().to_string();
            (!v.is_empty() && !v.contains(char::is_whitespace)).then_some((v, "etc/alpine-release"))
        }
        CentOS | RedHat | AlmaLinux | RockyLinux | OracleLinux => {
            ["etc/centos-release", "etc/redhat-release", "etc/system-release"]
                .into_iter()
                .find_map(|p| release_file_version(&text(p)?).map(|v| (v, p)))
        }
        _ => None,
    }
}

/// Detection from the distribution release files alone (old or minimal images).
fn without_os_release(text: &dyn Fn(&str) -> Option<String>) -> Option<OsInfo> {
    let info = |family: Ecosystem, version: String, name: Option<String>, source: &str| {
        let release = release_with(family, &version, &version);
        Some(OsInfo { family, version, release, name, source: source.to_string() })
    };
    if let Some(v) = text("etc/alpine-release").map(|t| t.trim().to_string()).filter(|v| !v.is_empty()) {
        return info(Ecosystem::Alpine, v, None, "etc/alpine-release");
    }
    if let Some(t) = text("etc/lsb-release") {
        let fields = parse_os_release(&t);
        if let (Some(family), Some(v)) = (
            value(&fields, "DISTRIB_ID").and_then(Ecosystem::from_os_release_id),
            value(&fields, "DISTRIB_RELEASE"),
        ) {
            let name = value(&fields, "DISTRIB_DESCRIPTION").map(str::to_string);
            return info(family, v.to_string(), name, "etc/lsb-release");
        }
    }
    if let Some(v) = text("etc/debian_version").map(|t| t.trim().to_string()).filter(|v| !v.is_empty()) {
        return info(Ecosystem::Debian, v, None, "etc/debian_version");
    }
    for path in ["etc/centos-release", "etc/redhat-release", "etc/system-release"] {
        let Some(t) = text(path) else { continue };
        let line = t.lines().next().unwrap_or("").trim().to_string();
        let lower = line.to_ascii_lowercase();
        let family = if lower.starts_with("centos") {
            Ecosystem::CentOS
        } else if lower.starts_with("almalinux") {
            Ecosystem::AlmaLinux
        } else if lower.starts_with("rocky") {
            Ecosystem::RockyLinux
        } else if lower.starts_with("red hat") {
            Ecosystem::RedHat
        } else if lower.starts_with("oracle") {
            Ecosystem::OracleLinux
        } else if lower.starts_with("amazon") {
            Ecosystem::AmazonLinux
        } else if lower.starts_with("fedora") {
            Ecosystem::Fedora
        } else {
            continue;
        };
        if let Some(v) = release_file_version(&line) {
            return info(family, v, Some(line), path);
        }
    }
    None
}

/// The version in `Name release 7.9.2009 (Core)`.
fn release_file_version(text: &str) -> Option<String> {
    let line = text.lines().next()?;
    let mut words = line.split_whitespace();
    words.find(|w| *w == "release")?;
    let v = words.next()?;
    v.bytes().next().filter(u8::is_ascii_digit)?;
    Some(v.to_string())
}

/// The release advisories are keyed by, from an OS version alone (`debian 12.15` → `12`,
/// `alpine 3.19.1` → `v3.19`, `almalinux 9.3` → `9`, `ubuntu 22.04` → `22.04`, `amazon 2018.03` →
/// `1`): the rule of [`detect_os`] when the version is all that is known, e.g. the `distro`
/// qualifier of a package URL in an SBOM. Empty for families whose advisories name no release
/// (Wolfi, Chainguard) and for an empty version.
pub fn release_of(family: Ecosystem, version: &str) -> String {
    let version = version.trim();
    if version.is_empty() {
        return String::new();
    }
    release_with(family, version, version)
}

/// The release advisories are keyed by, from the most precise version and os-release's
/// `VERSION_ID`.
fn release_with(family: Ecosystem, version: &str, version_id: &str) -> String {
    use Ecosystem::*;
    let major = |v: &str| v.split(['.', '-']).next().unwrap_or("").to_string();
    match family {
        Debian => {
            if version.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
                major(version)
            } else {
                // Testing / unstable (`trixie/sid`): os-release may still give a number.
                major(version_id)
            }
        }
        Alpine => {
            if version == "edge" || version.contains("_alpha") {
                return "edge".to_string();
            }
            let mut parts = version.split('.');
            match (parts.next(), parts.next()) {
                (Some(a), Some(b)) => format!("v{a}.{b}"),
                _ => version.to_string(),
            }
        }
        Ubuntu | Alpaquita | Fedora | OpenSuse | Suse | Photon | AzureLinux => {
            if version_id.is_empty() {
                version.to_string()
            } else {
                version_id.to_string()
            }
        }
        AmazonLinux => {
            // Amazon Linux 1 is versioned by date (`2018.03`).
            let m = major(version);
            if m.len() == 4 && m.starts_with("20") && version.contains('.') { "1".to_string() } else { m }
        }
        Wolfi | Chainguard => String::new(),
        _ => major(version),
    }
}

/// `KEY=value` lines, values unquoted (`"..."` or `'...'`); comments and other lines skipped.
fn parse_os_release(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.starts_with('#') {
                return None;
            }
            let (k, v) = line.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            Some((k.trim().to_string(), v.replace("\\\"", "\"")))
        })
        .collect()
}

fn value<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `etc/os-release` and `etc/debian_version` of the `debian12-apps` image.
    const DEBIAN_OS_RELEASE: &str = include_str!("../../fixtures/os/release/debian12/os-release");

    const UBUNTU: &str = "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=jammy\n";
    const ALPINE: &str = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\nHOME_URL=\"https://alpinelinux.org/\"\n";
    const ALMA: &str = "NAME=\"AlmaLinux\"\nVERSION=\"9.3 (Shamrock Pink Squirrel)\"\nID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"AlmaLinux 9.3 (Shamrock Pink Squirrel)\"\n";
    const ROCKY: &str = "NAME=\"Rocky Linux\"\nVERSION=\"8.9 (Green Obsidian)\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"8.9\"\nPRETTY_NAME=\"Rocky Linux 8.9 (Green Obsidian)\"\n";
    const CENTOS7: &str = "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\nPRETTY_NAME=\"CentOS Linux 7 (Core)\"\n";
    const ALPAQUITA: &str = "NAME=\"BellSoft Alpaquita Linux Stream\"\nID=alpaquita\nID_LIKE=alpine\nVERSION_ID=23\nPRETTY_NAME=\"BellSoft Alpaquita Linux Stream 23\"\n";
    const WOLFI: &str = "ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"\nVERSION_ID=\"20230201\"\n";
    const AMZN2: &str = "NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=\"2\"\nPRETTY_NAME=\"Amazon Linux 2\"\n";
    const UBI9: &str = "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.3 (Plow)\"\nID=\"rhel\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.3 (Plow)\"\n";
    const LEAP: &str = "NAME=\"openSUSE Leap\"\nVERSION=\"15.5\"\nID=\"opensuse-leap\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"openSUSE Leap 15.5\"\n";

    type Detected = Option<(Ecosystem, String, String, String)>;

    fn detect(files: &[(&str, &str)]) -> Detected {
        let read = |p: &str| files.iter().find(|(f, _)| *f == p).map(|(_, c)| c.as_bytes().to_vec());
        detect_os(&read).map(|o| (o.family, o.version, o.release, o.source))
    }

    fn t(e: Ecosystem, v: &str, r: &str, s: &str) -> Detected {
        Some((e, v.into(), r.into(), s.into()))
    }

    #[test]
    fn table_of_real_release_files() {
        use Ecosystem::*;
        let cases: Vec<(Vec<(&str, &str)>, Detected)> = vec![
            (
                vec![("etc/os-release", DEBIAN_OS_RELEASE), ("etc/debian_version", "12.15\n")],
                t(Debian, "12.15", "12", "etc/debian_version"),
            ),
            // usr/lib/os-release only (etc/os-release is a symlink that may not resolve).
            (vec![("usr/lib/os-release", DEBIAN_OS_RELEASE)], t(Debian, "12", "12", "usr/lib/os-release")),
            (
                vec![("etc/os-release", DEBIAN_OS_RELEASE), ("etc/debian_version", "trixie/sid\n")],
                t(Debian, "12", "12", "etc/os-release"),
            ),
            (vec![("etc/debian_version", "11.9\n")], t(Debian, "11.9", "11", "etc/debian_version")),
            (vec![("etc/os-release", UBUNTU)], t(Ubuntu, "22.04", "22.04", "etc/os-release")),
            (
                vec![(
                    "etc/lsb-release",
                    "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\nDISTRIB_CODENAME=focal\n",
                )],
                t(Ubuntu, "20.04", "20.04", "etc/lsb-release"),
            ),
            (
                vec![("etc/os-release", ALPINE), ("etc/alpine-release", "3.19.1\n")],
                t(Alpine, "3.19.1", "v3.19", "etc/alpine-release"),
            ),
            (
                vec![("etc/alpine-release", "3.20_alpha20240329\n")],
                t(Alpine, "3.20_alpha20240329", "edge", "etc/alpine-release"),
            ),
            (vec![("etc/os-release", ALMA)], t(AlmaLinux, "9.3", "9", "etc/os-release")),
            (vec![("etc/os-release", ROCKY)], t(RockyLinux, "8.9", "8", "etc/os-release")),
            (vec![("etc/os-release", UBI9)], t(RedHat, "9.3", "9", "etc/os-release")),
            (
                vec![
                    ("etc/os-release", CENTOS7),
                    ("etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n"),
                ],
                t(CentOS, "7.9.2009", "7", "etc/centos-release"),
            ),
            (
                vec![("etc/centos-release", "CentOS release 6.10 (Final)\n")],
                t(CentOS, "6.10", "6", "etc/centos-release"),
            ),
            (vec![("etc/os-release", ALPAQUITA)], t(Alpaquita, "23", "23", "etc/os-release")),
            (vec![("etc/os-release", WOLFI)], t(Wolfi, "20230201", "", "etc/os-release")),
            (vec![("etc/os-release", AMZN2)], t(AmazonLinux, "2", "2", "etc/os-release")),
            (
                vec![("etc/system-release", "Amazon Linux AMI release 2018.03\n")],
                t(AmazonLinux, "2018.03", "1", "etc/system-release"),
            ),
            (vec![("etc/os-release", LEAP)], t(OpenSuse, "15.5", "15.5", "etc/os-release")),
            (vec![("etc/os-release", "ID=plan9\nVERSION_ID=4\n")], None),
            (vec![], None),
        ];
        for (files, want) in cases {
            assert_eq!(detect(&files), want, "{files:?}");
        }
    }

    #[test]
    fn release_of_a_bare_version() {
        use Ecosystem::*;
        for (family, version, want) in [
            (Debian, "12.15", "12"),
            (Debian, "12", "12"),
            (Ubuntu, "22.04", "22.04"),
            (Alpine, "3.19.1", "v3.19"),
            (Alpine, "edge", "edge"),
            (AlmaLinux, "9.3", "9"),
            (RedHat, "9.2", "9"),
            (AmazonLinux, "2018.03", "1"),
            (AmazonLinux, "2023", "2023"),
            (OpenSuse, "15.5", "15.5"),
            (Wolfi, "20230201", ""),
            (Debian, " ", ""),
        ] {
            assert_eq!(release_of(family, version), want, "{family:?} {version}");
        }
    }

    #[test]
    fn pretty_name_is_kept() {
        let read = |p: &str| (p == "etc/os-release").then(|| DEBIAN_OS_RELEASE.as_bytes().to_vec());
        assert_eq!(detect_os(&read).and_then(|o| o.name).as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
    }

    #[test]
    fn hostile_files_never_panic() {
        crate::testing::never_panics_with(DEBIAN_OS_RELEASE.as_bytes(), |b| {
            for path in OS_RELEASE_FILES {
                let read = |p: &str| (p == *path).then(|| b.to_vec());
                let _ = detect_os(&read);
            }
        });
    }
}
