//! rpm's database of installed packages, in any of its three formats, told apart by content:
//! sqlite (`rpmdb.sqlite`, RHEL 9 / Fedora), Berkeley DB hash (`Packages`, RHEL ≤ 8, CentOS 7,
//! Amazon Linux 2) and ndb (`Packages.db`, SUSE), under `var/lib/rpm/` or
//! `usr/lib/sysimage/rpm/`.
//!
//! Each stored header gives one package: `NAME`, the version as Trivy reports it
//! (`VERSION-RELEASE`, prefixed with `EPOCH:` when the epoch is above 0; the package URL moves
//! the epoch to its `epoch` qualifier), `ARCH`, `LICENSE` (kept as one expression, as written),
//! and the source package from `SOURCERPM` (`bash-5.1.8-6.el9.src.rpm` → `bash`, `5.1.8-6.el9`,
//! with the package's epoch), else the package itself. `REQUIRENAME` entries become edges to the
//! installed packages that provide them (`PROVIDENAME`, or the file for `/bin/sh`-style
//! requirements); `rpmlib(...)` requirements and unresolved names are dropped. The installed
//! files (`DIRNAMES`/`BASENAMES`/`DIRINDEXES`) go to [`crate::Analysis::installed_files`].
//! `gpg-pubkey` entries (imported signing keys) are not packages and are skipped. A header that
//! cannot be parsed is skipped with a warning; a database that cannot be read fails.

use std::collections::BTreeMap;

use rampart_model::{Ecosystem, Location, Package};

use super::rpm_header::{RpmHeader, split_source_rpm};
use super::{RPM_GROUP, ends_with_path, purl_of, rpm_bdb, rpm_header, rpm_ndb, rpm_sqlite};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, Grouping};

pub(crate) struct RpmDb;

impl Analyzer for RpmDb {
    fn name(&self) -> &'static str {
        "rpmdb"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::RedHat
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        matches!(file.file_name, "rpmdb.sqlite" | "Packages" | "Packages.db")
            && (ends_with_path(file.dir(), "var/lib/rpm")
                || ends_with_path(file.dir(), "usr/lib/sysimage/rpm"))
    }

    fn grouping(&self) -> Grouping {
        Grouping::Aggregate(RPM_GROUP)
    }

    fn max_size(&self) -> u64 {
        // Berkeley DB `Packages` files of large hosts reach a few hundred MiB.
        512 * 1024 * 1024
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let content = input.content;
        let blobs = if content.starts_with(rpm_sqlite::MAGIC) {
            rpm_sqlite::blobs(content).map_err(|e| AnalyzeError::parse(None, e.to_string()))?
        } else if content.starts_with(b"RpmP") {
            rpm_ndb::blobs(content).map_err(|e| AnalyzeError::parse(None, e.to_string()))?
        } else {
            rpm_bdb::values(content).map_err(|e| AnalyzeError::parse(None, e.to_string()))?
        };
        Ok(from_blobs(&blobs, input.file.path))
    }
}

/// The rpm version string: `version-release`, or `epoch:version-release` when the epoch is > 0.
pub(crate) fn full_version(h: &RpmHeader) -> String {
    let vr = if h.release.is_empty() { h.version.clone() } else { format!("{}-{}", h.version, h.release) };
    match h.epoch {
        Some(e) if e > 0 => format!("{e}:{vr}"),
        _ => vr,
    }
}

fn from_blobs(blobs: &[Vec<u8>], path: &str) -> Analysis {
    let mut analysis = Analysis::default();
    let mut headers = Vec::new();
    for blob in blobs {
        // Berkeley DB's record 0 holds rpm's next instance number (4 bytes), not a header.
        if blob.len() <= 8 {
            continue;
        }
        match rpm_header::parse(blob) {
            Ok(h) if h.name == "gpg-pubkey" => {}
            Ok(h) if h.name.is_empty() || h.version.is_empty() => {
                analysis.warn(path, None, "rpm header without name or version skipped");
            }
            Ok(h) => headers.push(h),
            Err(e) => analysis.warn(path, None, format!("rpm header skipped: {e}")),
        }
    }
    let versions: Vec<String> = headers.iter().map(full_version).collect();
    let mut count: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (h, v) in headers.iter().zip(&versions) {
        *count.entry((h.name.as_str(), v.as_str())).or_default() += 1;
    }
    let ids: Vec<String> = headers
        .iter()
        .zip(&versions)
        .map(|(h, v)| {
            if count.get(&(h.name.as_str(), v.as_str())).is_some_and(|n| *n > 1) && !h.arch.is_empty() {
                format!("{}:{}@{v}", h.name, h.arch)
            } else {
                format!("{}@{v}", h.name)
            }
        })
        .collect();
    let mut providers: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        providers.entry(h.name.as_str()).or_insert(i);
        for p in h.provides.iter().chain(&h.files) {
            providers.entry(p.as_str()).or_insert(i);
        }
    }
    for (i, h) in headers.iter().enumerate() {
        let version = versions.get(i).cloned().unwrap_or_default();
        let edges: Vec<String> = h
            .requires
            .iter()
            .filter(|r| !r.starts_with("rpmlib("))
            .filter_map(|r| providers.get(r.as_str()))
            .filter(|p| **p != i)
            .filter_map(|p| ids.get(*p).cloned())
            .collect();
        let (src_name, src_version) = match split_source_rpm(&h.source_rpm) {
            Some((n, v)) => match h.epoch {
                Some(e) if e > 0 => (n.to_string(), format!("{e}:{v}")),
                _ => (n.to_string(), v),
            },
            None => (h.name.clone(), version.clone()),
        };
        let mut b = Package::builder(Ecosystem::RedHat, &h.name, &version)
            .arch(&h.arch)
            .source(src_name, src_version)
            .purl(purl_of(Ecosystem::RedHat, &h.name, &version, &h.arch))
            .depends_on(edges)
            .location(Location::file(path));
        if !matches!(h.license.as_str(), "" | "(none)") {
            b = b.license(&h.license);
        }
        if let Some(id) = ids.get(i) {
            b = b.id(id);
        }
        analysis.packages.push(b.build());
        analysis.installed_files.extend(h.files.iter().map(|f| f.trim_start_matches('/').to_string()));
    }
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{MemFiles, run};

    const SQLITE: &[u8] = include_bytes!("../../fixtures/os/rpm/sqlite/rpmdb.sqlite");
    const BDB: &[u8] = include_bytes!("../../fixtures/os/rpm/bdb/Packages");
    const NDB: &[u8] = include_bytes!("../../fixtures/os/rpm/ndb/Packages.db");

    type Row = (String, String, String, String, String, (String, String), Vec<String>, Vec<String>);

    fn rows(a: &Analysis) -> Vec<Row> {
        let mut v: Vec<Row> = a
            .packages
            .iter()
            .map(|p| {
                let s = p.source.clone().unwrap();
                (
                    p.id.clone(),
                    p.version.clone(),
                    p.purl.clone(),
                    p.arch.clone().unwrap_or_default(),
                    p.licenses.join(" | "),
                    (s.name, s.version),
                    p.depends_on.clone(),
                    p.locations.iter().map(|l| l.path.clone()).collect(),
                )
            })
            .collect();
        v.sort();
        v
    }

    fn expected(path: &str) -> Vec<Row> {
        let s = |x: &str| x.to_string();
        vec![
            (
                s("epochpkg@2:3.4-5.el9"),
                s("2:3.4-5.el9"),
                s("pkg:rpm/redhat/epochpkg@3.4-5.el9?arch=noarch&epoch=2"),
                s("noarch"),
                s("GPL-2.0-or-later AND MIT"),
                (s("epochpkg"), s("2:3.4-5.el9")),
                vec![s("hello-tiny@1.0-1")],
                vec![s(path)],
            ),
            (
                s("hello-tiny@1.0-1"),
                s("1.0-1"),
                s("pkg:rpm/redhat/hello-tiny@1.0-1?arch=noarch"),
                s("noarch"),
                s("MIT"),
                (s("hello-tiny"), s("1.0-1")),
                vec![],
                vec![s(path)],
            ),
            (
                s("libfoo-bin@1.2-3"),
                s("1.2-3"),
                s("pkg:rpm/redhat/libfoo-bin@1.2-3?arch=noarch"),
                s("noarch"),
                s("BSD-3-Clause"),
                (s("srcname"), s("1.2-3")),
                vec![s("epochpkg@2:3.4-5.el9")],
                vec![s(path)],
            ),
        ]
    }

    #[test]
    fn accepts_rpm_databases() {
        for (path, ok) in [
            ("var/lib/rpm/rpmdb.sqlite", true),
            ("var/lib/rpm/Packages", true),
            ("var/lib/rpm/Packages.db", true),
            ("usr/lib/sysimage/rpm/rpmdb.sqlite", true),
            ("var/lib/rpm/Name", false),
            ("Packages", false),
        ] {
            assert_eq!(RpmDb.accepts(&FileInfo::new(path, 1, false)), ok, "{path}");
        }
    }

    #[test]
    fn the_three_formats_give_the_same_packages() {
        for (path, bytes) in [
            ("var/lib/rpm/rpmdb.sqlite", SQLITE),
            ("var/lib/rpm/Packages", BDB),
            ("var/lib/rpm/Packages.db", NDB),
        ] {
            let a = run(&RpmDb, path, bytes, &MemFiles(vec![])).unwrap();
            assert!(a.warnings.is_empty(), "{path}: {:?}", a.warnings);
            assert_eq!(rows(&a), expected(path), "{path}");
            let mut files = a.installed_files.clone();
            files.sort();
            assert_eq!(
                files,
                [
                    "etc/epochpkg.conf",
                    "usr/bin/foo",
                    "usr/lib/python3.9/site-packages/tiny-1.0.dist-info",
                    "usr/lib/python3.9/site-packages/tiny-1.0.dist-info/METADATA",
                    "usr/share/hello-tiny",
                    "usr/share/hello-tiny/README",
                ],
                "{path}"
            );
        }
    }

    #[test]
    fn broken_databases_fail() {
        let e = run(&RpmDb, "var/lib/rpm/Packages", b"garbage that is not a database", &MemFiles(vec![]));
        assert!(e.is_err());
        let e = run(&RpmDb, "var/lib/rpm/rpmdb.sqlite", SQLITE.get(..100).unwrap(), &MemFiles(vec![]));
        assert!(e.is_err());
    }
}
