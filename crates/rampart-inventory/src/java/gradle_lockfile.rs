//! `gradle.lockfile` (Gradle ≥ 6 single lock file per project) and the older per-configuration
//! `gradle/dependency-locks/<configuration>.lockfile` files.
//!
//! Each line is `group:artifact:version=conf1,conf2,...` (old format: `group:artifact:version`,
//! the configuration being the file name). `#` lines are comments and the `empty=...` line lists
//! configurations without dependencies; both are ignored.
//!
//! Reports every locked module as `group:artifact@version` with its line. A module locked only in
//! configurations whose name starts with `test` (`testCompileClasspath`, `testRuntimeClasspath`,
//! ...) is marked dev. The format does not say which modules are direct dependencies nor how they
//! depend on each other, so relationships are unknown and there are no edges.

use rampart_model::{Ecosystem, Location, Package};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, utf8};

pub struct GradleLockfile;

impl Analyzer for GradleLockfile {
    fn name(&self) -> &'static str {
        "gradle-lockfile"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "gradle.lockfile"
            || (file.file_name.ends_with(".lockfile")
                && (file.dir() == "dependency-locks" || file.dir().ends_with("/dependency-locks")))
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let path = input.file.path;
        // Old format: the configuration is the file name.
        let file_conf = input
            .file
            .file_name
            .strip_suffix(".lockfile")
            .filter(|_| input.file.file_name != "gradle.lockfile");
        let mut analysis = Analysis::default();
        let mut seen_entry = false;
        for (idx, raw) in text.lines().enumerate() {
            let line_no = u32::try_from(idx + 1).unwrap_or(u32::MAX);
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (coords, confs) = match line.split_once('=') {
                Some((c, confs)) => (c.trim(), confs),
                None => (line, file_conf.unwrap_or("")),
            };
            if coords == "empty" {
                seen_entry = true;
                continue;
            }
            let parts: Vec<&str> = coords.split(':').map(str::trim).collect();
            let [group, artifact, version] = parts.as_slice() else {
                analysis.warn(path, Some(line_no), format!("not a group:artifact:version entry: {coords:?}"));
                continue;
            };
            if group.is_empty() || artifact.is_empty() || version.is_empty() {
                analysis.warn(path, Some(line_no), format!("empty group, artifact or version in {coords:?}"));
                continue;
            }
            seen_entry = true;
            let confs: Vec<&str> = confs.split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
            let dev = !confs.is_empty() && confs.iter().all(|c| c.starts_with("test"));
            let pkg = Package::builder(Ecosystem::Maven, format!("{group}:{artifact}"), *version)
                .dev(dev)
                .location(Location::lines(path, line_no, line_no))
                .build();
            // The same module twice (hand-edited or merged files): keep one, dev only if both are.
            if let Some(existing) = analysis.packages.iter_mut().find(|p| p.id == pkg.id) {
                existing.dev &= pkg.dev;
                existing.locations.extend(pkg.locations);
            } else {
                analysis.packages.push(pkg);
            }
        }
        if !seen_entry && !analysis.warnings.is_empty() {
            return Err(AnalyzeError::parse(
                analysis.warnings.first().and_then(|w| w.line),
                "no valid lock entry",
            ));
        }
        Ok(analysis)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::NoFiles;
    use crate::testing::run;

    const FIXTURE: &[u8] = include_bytes!("../../fixtures/java/gradle.lockfile");

    #[test]
    fn reads_the_lockfile() {
        let a = run(&GradleLockfile, "app/gradle.lockfile", FIXTURE, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let got: Vec<(&str, &str, bool, Option<u32>)> = a
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.dev, p.locations[0].start_line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("com.fasterxml.jackson.core:jackson-annotations", "2.14.0", false, Some(4)),
                ("com.fasterxml.jackson.core:jackson-core", "2.14.0", false, Some(5)),
                ("com.fasterxml.jackson.core:jackson-databind", "2.14.0", false, Some(6)),
                ("junit:junit", "4.13.2", true, Some(7)),
                ("org.apache.logging.log4j:log4j-api", "2.19.0", false, Some(8)),
                ("org.apache.logging.log4j:log4j-core", "2.19.0", false, Some(9)),
                ("org.hamcrest:hamcrest-core", "1.3", true, Some(10)),
                ("org.jetbrains.kotlin:kotlin-compiler-embeddable", "1.9.22", false, Some(11)),
            ]
        );
        let p = &a.packages[2];
        assert_eq!(p.purl, "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.14.0");
        assert_eq!(p.locations[0], Location::lines("app/gradle.lockfile", 6, 6));
        assert!(a.packages.iter().all(|p| p.relationship == rampart_model::Relationship::Unknown));
    }

    #[test]
    fn old_per_configuration_files() {
        let f = FileInfo::new("gradle/dependency-locks/testRuntimeClasspath.lockfile", 0, false);
        assert!(GradleLockfile.accepts(&f));
        assert!(!GradleLockfile.accepts(&FileInfo::new("other/x.lockfile", 0, false)));
        let a = run(
            &GradleLockfile,
            "gradle/dependency-locks/testRuntimeClasspath.lockfile",
            b"# comment\njunit:junit:4.12\n",
            &NoFiles,
        )
        .unwrap();
        assert_eq!(a.packages.len(), 1);
        assert!(a.packages[0].dev);
        let a =
            run(&GradleLockfile, "gradle/dependency-locks/compileClasspath.lockfile", b"a:b:1.0\n", &NoFiles)
                .unwrap();
        assert!(!a.packages[0].dev);
    }

    #[test]
    fn bad_lines_warn_and_garbage_fails() {
        let a = run(
            &GradleLockfile,
            "gradle.lockfile",
            b"a:b=compileClasspath\nc:d:2.0=compileClasspath\n",
            &NoFiles,
        )
        .unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].line, Some(1));
        let e = run(&GradleLockfile, "gradle.lockfile", b"<html>oops</html>\n", &NoFiles).unwrap_err();
        assert_eq!(e.line(), Some(1));
        assert!(run(&GradleLockfile, "gradle.lockfile", b"\xff\xfe", &NoFiles).is_err());
        let a = run(&GradleLockfile, "gradle.lockfile", b"# only comments\nempty=\n", &NoFiles).unwrap();
        assert!(a.packages.is_empty() && a.warnings.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), cut in 0usize..2000, pos in 0usize..2000, byte in any::<u8>()) {
            let _ = run(&GradleLockfile, "gradle.lockfile", &bytes, &NoFiles);
            let cut = cut.min(FIXTURE.len());
            let _ = run(&GradleLockfile, "gradle.lockfile", FIXTURE.get(..cut).unwrap_or_default(), &NoFiles);
            let mut m = FIXTURE.to_vec();
            if let Some(b) = m.get_mut(pos % FIXTURE.len()) { *b = byte; }
            let _ = run(&GradleLockfile, "gradle.lockfile", &m, &NoFiles);
        }
    }
}
