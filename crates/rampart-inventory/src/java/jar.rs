//! Java archives: `.jar`, `.war`, `.ear`, `.par`, and the archives nested in them (Spring Boot
//! `BOOT-INF/lib/*.jar`, WAR `WEB-INF/lib/*.jar`, EAR modules ...), read in memory.
//!
//! Reports, for each archive:
//! * every `META-INF/maven/<groupId>/<artifactId>/pom.properties` as `groupId:artifactId@version`
//!   (the archive itself and any shaded libraries);
//!   The archive's own one has the artifactId and version of the file name (or is the only one,
//!   for a renamed archive such as `app.war` whose version, if any, matches);
//! * when none of them is the archive itself, an
//!   identity from `META-INF/MANIFEST.MF`: a small table of well-known `Bundle-SymbolicName`s
//!   (`org.apache.log4j` → `log4j:log4j`), else the groupId the Maven bundle plugin would have
//!   derived the `Bundle-SymbolicName` from (`<groupId>.<artifactId>`, `<groupId>` when it ends
//!   with the artifactId, `<groupId>.<rest>` for an artifactId `<last-group-section>-<rest>`),
//!   checked against the artifactId of the file name; the version is `Implementation-Version`, else
//!   that of the file name, else `Bundle-Version`;
//! * failing that, the file name (`log4j-1.2.17.jar` → `log4j` 1.2.17). The groupId is then
//!   unknown and the package is named by its artifactId alone, without a `:` (its PURL has no
//!   namespace): guessing a group would invent coordinates (Trivy asks Maven Central or its Java DB
//!   by SHA-1, which we do not have offline).
//!
//! Nested packages are located at `outer.jar/BOOT-INF/lib/inner.jar` (Trivy's style). The
//! outermost archive's own package is the [`Relationship::Root`] when the archive bundles other
//! packages (a fat jar, a WAR); other relationships are unknown, as an archive does not say which
//! bundled libraries are direct dependencies. Licences come from the manifest's `Bundle-License`.
//! Nesting depth and the bytes inflated for nested archives are capped: beyond, a warning.

use std::io::{Cursor, Read};

use rampart_model::{Ecosystem, Location, Package, Relationship};
use zip::ZipArchive;

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo};

pub struct JavaArchive;

/// Archive nesting below the scanned file that is still opened.
const MAX_DEPTH: usize = 3;
/// Largest nested archive inflated in memory.
const MAX_NESTED_SIZE: u64 = 64 * 1024 * 1024;
/// Bytes inflated for all nested archives of one scanned file.
const NESTED_BUDGET: u64 = 256 * 1024 * 1024;
/// Largest `pom.properties` or `MANIFEST.MF` read.
const MAX_META_SIZE: u64 = 1024 * 1024;

const EXTENSIONS: [&str; 4] = [".jar", ".war", ".ear", ".par"];

fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    EXTENSIONS.iter().any(|ext| lower.ends_with(ext) && lower.len() > ext.len())
}

impl Analyzer for JavaArchive {
    fn name(&self) -> &'static str {
        "java-archive"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        is_archive_name(file.file_name)
    }

    fn max_size(&self) -> u64 {
        512 * 1024 * 1024
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let path = input.file.path;
        let mut ctx = Ctx { path, analysis: Analysis::default(), budget: NESTED_BUDGET };
        ctx.scan(input.content, path, 0).map_err(|e| AnalyzeError::parse(None, e))?;
        let mut analysis = ctx.analysis;
        if analysis.packages.is_empty() {
            analysis.warn(
                path,
                None,
                "no Maven coordinates found (no pom.properties, manifest identity or versioned file name)",
            );
        }
        Ok(analysis)
    }
}

struct Ctx<'a> {
    /// The scanned file (warnings are about it).
    path: &'a str,
    analysis: Analysis,
    budget: u64,
}

impl Ctx<'_> {
    fn warn(&mut self, msg: String) {
        let path = self.path.to_string();
        self.analysis.warn(&path, None, msg);
    }

    /// Scans one archive whose location is `loc`; `Err` when it is not a readable zip.
    fn scan(&mut self, bytes: &[u8], loc: &str, depth: usize) -> Result<(), String> {
        let mut zip =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a readable zip archive: {e}"))?;
        let first = self.analysis.packages.len();
        let mut poms: Vec<PomProperties> = Vec::new();
        let mut manifest: Option<Manifest> = None;
        for i in 0..zip.len() {
            let mut entry = match zip.by_index(i) {
                Ok(e) => e,
                Err(e) => {
                    self.warn(format!("{loc}: entry #{i} skipped: {e}"));
                    continue;
                }
            };
            if entry.is_dir() {
                continue;
            }
            let name = entry.name().to_string();
            let base = name.rsplit('/').next().unwrap_or(&name);
            if base == "pom.properties" && name.starts_with("META-INF/maven/") {
                match read_capped(&mut entry, MAX_META_SIZE) {
                    Ok(data) => {
                        if let Some(p) = PomProperties::parse(&String::from_utf8_lossy(&data)) {
                            poms.push(p);
                        }
                    }
                    Err(e) => self.warn(format!("{loc}/{name}: {e}")),
                }
            } else if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
                match read_capped(&mut entry, MAX_META_SIZE) {
                    Ok(data) => manifest = Some(Manifest::parse(&String::from_utf8_lossy(&data))),
                    Err(e) => self.warn(format!("{loc}/{name}: {e}")),
                }
            } else if is_archive_name(&name) {
                let nested_loc = format!("{loc}/{name}");
                if depth >= MAX_DEPTH {
                    self.warn(format!(
                        "{nested_loc}: nested more than {MAX_DEPTH} archives deep; not opened"
                    ));
                    continue;
                }
                let cap = MAX_NESTED_SIZE.min(self.budget);
                if entry.size() > cap {
                    self.warn(format!(
                        "{nested_loc}: nested archive of {} bytes over the {cap}-byte limit; not opened",
                        entry.size()
                    ));
                    continue;
                }
                let data = match read_capped(&mut entry, cap) {
                    Ok(d) => d,
                    Err(e) => {
                        self.warn(format!("{nested_loc}: {e}; not opened"));
                        continue;
                    }
                };
                drop(entry);
                self.budget = self.budget.saturating_sub(data.len() as u64);
                if let Err(e) = self.scan(&data, &nested_loc, depth + 1) {
                    self.warn(format!("{nested_loc}: {e}"));
                }
            }
        }

        let file_name = loc.rsplit('/').next().unwrap_or(loc);
        let from_name = parse_file_name(file_name);
        let licenses = manifest.as_ref().map(Manifest::licenses).unwrap_or_default();
        let own_pom = poms
            .iter()
            .position(|p| from_name.as_ref().is_some_and(|(a, v)| *a == p.artifact_id && *v == p.version))
            .or_else(|| {
                // A renamed archive (`app.war`, `app-1.0.jar`) with a single pom.properties.
                match (poms.as_slice(), from_name.as_ref()) {
                    ([_], None) => Some(0),
                    ([p], Some((_, v))) if *v == p.version => Some(0),
                    _ => None,
                }
            });
        let mut own: Option<Package> = None;
        let mut others: Vec<Package> = Vec::new();
        for (i, p) in poms.iter().enumerate() {
            let builder =
                Package::builder(Ecosystem::Maven, format!("{}:{}", p.group_id, p.artifact_id), &p.version)
                    .location(Location::file(loc));
            if Some(i) == own_pom {
                own = Some(builder.licenses(licenses.iter().cloned()).build());
            } else {
                others.push(builder.build());
            }
        }
        if own.is_none() {
            let guess = manifest
                .as_ref()
                .and_then(|m| m.identity(from_name.as_ref()))
                .or_else(|| from_name.as_ref().map(|(a, v)| (a.clone(), v.clone())));
            if let Some((name, version)) = guess {
                let artifact = name.rsplit(':').next().unwrap_or(&name);
                // A renamed archive (`app.jar`) whose pom.properties already says what it is.
                let known = poms.iter().any(|p| p.artifact_id == artifact && p.version == version);
                if !known {
                    own = Some(
                        Package::builder(Ecosystem::Maven, name, version)
                            .licenses(licenses)
                            .location(Location::file(loc))
                            .build(),
                    );
                }
            }
        }
        let bundles_others = self.analysis.packages.len() > first || !others.is_empty();
        if let Some(mut own) = own {
            if depth == 0 && bundles_others {
                own.relationship = Relationship::Root;
            }
            self.add(first, own);
        }
        for p in others {
            let at = self.analysis.packages.len();
            self.add(at, p);
        }
        Ok(())
    }

    /// Adds a package at `at`, merging it with an earlier one of the same id.
    fn add(&mut self, at: usize, pkg: Package) {
        if let Some(existing) = self.analysis.packages.iter_mut().find(|p| p.id == pkg.id) {
            for l in pkg.locations {
                if !existing.locations.contains(&l) {
                    existing.locations.push(l);
                }
            }
            for l in pkg.licenses {
                if !existing.licenses.contains(&l) {
                    existing.licenses.push(l);
                }
            }
            if pkg.relationship == Relationship::Root {
                existing.relationship = Relationship::Root;
            }
        } else {
            let at = at.min(self.analysis.packages.len());
            self.analysis.packages.insert(at, pkg);
        }
    }
}

/// Reads an entry, refusing more than `cap` bytes whatever its header claims.
fn read_capped(entry: &mut impl Read, cap: u64) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    entry.take(cap.saturating_add(1)).read_to_end(&mut data).map_err(|e| format!("unreadable: {e}"))?;
    if data.len() as u64 > cap {
        return Err(format!("inflates to more than {cap} bytes"));
    }
    Ok(data)
}

/// `artifact-1.2.3.jar` → (`artifact`, `1.2.3`): the last `-` followed by a digit splits them.
fn parse_file_name(file_name: &str) -> Option<(String, String)> {
    let dot = file_name.rfind('.')?;
    let stem = file_name.get(..dot)?;
    let split = stem
        .char_indices()
        .filter(|(i, c)| {
            *c == '-' && stem.get(i + 1..).is_some_and(|r| r.starts_with(|d: char| d.is_ascii_digit()))
        })
        .map(|(i, _)| i)
        .next_back()?;
    let artifact = stem.get(..split)?;
    let version = stem.get(split + 1..)?;
    if artifact.is_empty() || version.is_empty() || version.contains(char::is_whitespace) {
        return None;
    }
    Some((artifact.to_string(), version.to_string()))
}

#[derive(Debug, PartialEq)]
struct PomProperties {
    group_id: String,
    artifact_id: String,
    version: String,
}

impl PomProperties {
    /// Java properties: `key=value`, `key: value` or `key value`; `#`/`!` comments.
    fn parse(text: &str) -> Option<Self> {
        let (mut g, mut a, mut v) = (None, None, None);
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            let split = line.find(['=', ':', ' ', '\t']).unwrap_or(line.len());
            let key = line.get(..split).unwrap_or("").trim();
            let value = line.get(split..).unwrap_or("");
            let value = value.trim_start();
            let value = value.strip_prefix(['=', ':']).unwrap_or(value).trim().to_string();
            match key {
                "groupId" => g = Some(value),
                "artifactId" => a = Some(value),
                "version" => v = Some(value),
                _ => {}
            }
        }
        let p = PomProperties { group_id: g?, artifact_id: a?, version: v? };
        (!p.group_id.is_empty() && !p.artifact_id.is_empty() && !p.version.is_empty()).then_some(p)
    }
}

/// Well-known `Bundle-SymbolicName`s whose Maven coordinates the bundle plugin rules miss.
const KNOWN_BUNDLES: &[(&str, &str)] = &[
    ("org.apache.log4j", "log4j:log4j"),
    ("org.apache.commons.logging", "commons-logging:commons-logging"),
    ("org.apache.commons.io", "commons-io:commons-io"),
    ("org.apache.commons.lang", "commons-lang:commons-lang"),
    ("org.apache.commons.codec", "commons-codec:commons-codec"),
    ("org.apache.commons.collections", "commons-collections:commons-collections"),
    ("org.apache.commons.fileupload", "commons-fileupload:commons-fileupload"),
    ("org.apache.commons.beanutils", "commons-beanutils:commons-beanutils"),
    ("org.apache.commons.httpclient", "commons-httpclient:commons-httpclient"),
    ("org.yaml.snakeyaml", "org.yaml:snakeyaml"),
    ("org.h2", "com.h2database:h2"),
    ("com.google.guava", "com.google.guava:guava"),
    ("com.thoughtworks.xstream", "com.thoughtworks.xstream:xstream"),
];

/// `META-INF/MANIFEST.MF`: `Name: value` headers, continuation lines start with a space; the main
/// section first, then per-entry sections after blank lines.
#[derive(Debug, Default)]
struct Manifest {
    main: Vec<(String, String)>,
    sections: Vec<(String, String)>,
}

impl Manifest {
    fn parse(text: &str) -> Self {
        let mut m = Manifest::default();
        let mut in_main = true;
        let mut current: Option<(String, String)> = None;
        let flush = |m: &mut Manifest, in_main: bool, cur: &mut Option<(String, String)>| {
            if let Some(kv) = cur.take() {
                if in_main { m.main.push(kv) } else { m.sections.push(kv) }
            }
        };
        for line in text.lines() {
            if let Some(cont) = line.strip_prefix(' ') {
                if let Some((_, v)) = current.as_mut() {
                    v.push_str(cont);
                }
                continue;
            }
            flush(&mut m, in_main, &mut current);
            if line.trim().is_empty() {
                in_main = false;
                continue;
            }
            if let Some((k, v)) = line.split_once(':') {
                current = Some((k.trim().to_string(), v.trim_start().to_string()));
            }
        }
        flush(&mut m, in_main, &mut current);
        m
    }

    /// A header of the main section, else of any section; trimmed, not empty.
    fn get(&self, key: &str) -> Option<&str> {
        fn find<'m>(list: &'m [(String, String)], key: &str) -> Option<&'m str> {
            list.iter()
                .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
        }
        find(&self.main, key).or_else(|| find(&self.sections, key))
    }

    fn symbolic_name(&self) -> Option<&str> {
        let bsn = self.get("Bundle-SymbolicName")?;
        let bsn = bsn.split(';').next().unwrap_or(bsn).trim();
        (!bsn.is_empty()).then_some(bsn)
    }

    /// `groupId:artifactId` and version, when the manifest says them (see the module docs).
    fn identity(&self, from_name: Option<&(String, String)>) -> Option<(String, String)> {
        let bsn = self.symbolic_name()?;
        let name = match KNOWN_BUNDLES.iter().find(|(b, _)| *b == bsn) {
            Some((_, coords)) => (*coords).to_string(),
            None => {
                let (artifact, _) = from_name?;
                format!("{}:{artifact}", group_from_bundle(bsn, artifact)?)
            }
        };
        let version = self
            .get("Implementation-Version")
            .map(str::to_string)
            .or_else(|| from_name.map(|(_, v)| v.clone()))
            .or_else(|| self.get("Bundle-Version").map(str::to_string))?;
        Some((name, version))
    }

    /// `Bundle-License`: OSGi clauses `name;link=...`, separated by commas.
    fn licenses(&self) -> Vec<String> {
        let Some(header) = self.get("Bundle-License") else { return Vec::new() };
        let mut out = Vec::new();
        let mut clause = String::new();
        let mut quoted = false;
        for c in header.chars().chain(std::iter::once(',')) {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    let name = clause.split(';').next().unwrap_or("").trim().trim_matches('"').to_string();
                    if !name.is_empty() {
                        out.push(spdx_of_license(&name));
                    }
                    clause.clear();
                }
                _ => clause.push(c),
            }
        }
        out
    }
}

/// Undoes the Maven bundle plugin's default `Bundle-SymbolicName` for `artifact`.
fn group_from_bundle(bsn: &str, artifact: &str) -> Option<String> {
    // `<groupId>.<artifactId>` and a groupId ending with the artifactId (the plugin then uses the
    // groupId alone: org.apache.maven:maven -> org.apache.maven) look the same: `com.google.guava`
    // may be com.google:guava or com.google.guava:guava. Ambiguous, so not guessed, unless the
    // artifactId has a dash (groupId sections rarely do: `...jackson.core.jackson-databind`).
    if bsn.rsplit('.').next() == Some(artifact) && !artifact.contains('-') {
        return None;
    }
    // `<groupId>.<artifactId>` where the artifactId has dashes or dots of its own.
    if let Some(g) = bsn.strip_suffix(artifact).and_then(|g| g.strip_suffix('.'))
        && !g.is_empty()
    {
        return Some(g.to_string());
    }
    // artifactId = <last group section>-<rest> (org.apache.maven:maven-core -> org.apache.maven.core)
    let (last, rest) = artifact.split_once('-')?;
    for rest in [rest.to_string(), rest.replace('-', ".")] {
        if let Some(g) = bsn.strip_suffix(rest.as_str()).and_then(|g| g.strip_suffix('.'))
            && g.rsplit('.').next() == Some(last)
            && g.contains('.')
        {
            return Some(g.to_string());
        }
    }
    None
}

/// SPDX ids for the licence URLs most often found in manifests; others are kept as written.
fn spdx_of_license(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let table: &[(&str, &str)] = &[
        ("apache.org/licenses/license-2.0", "Apache-2.0"),
        ("opensource.org/licenses/mit", "MIT"),
        ("eclipse.org/legal/epl-v10", "EPL-1.0"),
        ("eclipse.org/legal/epl-2.0", "EPL-2.0"),
        ("eclipse.org/legal/epl-v20", "EPL-2.0"),
        ("opensource.org/licenses/bsd-3-clause", "BSD-3-Clause"),
    ];
    table
        .iter()
        .find(|(u, _)| lower.contains(u))
        .map(|(_, id)| (*id).to_string())
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use proptest::prelude::*;
    use zip::write::{SimpleFileOptions, ZipWriter};

    use super::*;
    use crate::NoFiles;
    use crate::testing::run;

    const HELLO: &[u8] = include_bytes!("../../fixtures/java/jar/hello-lib-1.2.3.jar");
    const FAT: &[u8] = include_bytes!("../../fixtures/java/jar/hello-app-2.0.0.jar");
    const LOG4J_LIKE: &[u8] = include_bytes!("../../fixtures/java/jar/log4j-1.2.17.jar");
    const PLAIN: &[u8] = include_bytes!("../../fixtures/java/jar/plain-util-0.9.1.jar");

    type Row<'a> = (&'a str, &'a str, Relationship, &'a str);

    fn rows(a: &Analysis) -> Vec<Row<'_>> {
        a.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.relationship, p.locations[0].path.as_str()))
            .collect()
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn library_jar_with_pom_properties() {
        let a = run(&JavaArchive, "lib/hello-lib-1.2.3.jar", HELLO, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(
            rows(&a),
            vec![("com.example.hello:hello-lib", "1.2.3", Relationship::Unknown, "lib/hello-lib-1.2.3.jar")]
        );
        assert_eq!(a.packages[0].purl, "pkg:maven/com.example.hello/hello-lib@1.2.3");
        assert_eq!(a.packages[0].licenses, vec!["Apache-2.0".to_string()]);
    }

    #[test]
    fn fat_jar_with_nested_libraries() {
        let a = run(&JavaArchive, "hello-app-2.0.0.jar", FAT, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(
            rows(&a),
            vec![
                ("com.example.hello:hello-app", "2.0.0", Relationship::Root, "hello-app-2.0.0.jar"),
                (
                    "com.example.hello:hello-lib",
                    "1.2.3",
                    Relationship::Unknown,
                    "hello-app-2.0.0.jar/BOOT-INF/lib/hello-lib-1.2.3.jar"
                ),
                (
                    "log4j:log4j",
                    "1.2.17",
                    Relationship::Unknown,
                    "hello-app-2.0.0.jar/BOOT-INF/lib/log4j-1.2.17.jar"
                ),
                (
                    "plain-util",
                    "0.9.1",
                    Relationship::Unknown,
                    "hello-app-2.0.0.jar/BOOT-INF/lib/plain-util-0.9.1.jar"
                ),
            ]
        );
    }

    #[test]
    fn manifest_only_jar_uses_the_bundle_table() {
        let a = run(&JavaArchive, "lib/log4j-1.2.17.jar", LOG4J_LIKE, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        assert_eq!(rows(&a), vec![("log4j:log4j", "1.2.17", Relationship::Unknown, "lib/log4j-1.2.17.jar")]);
        assert_eq!(a.packages[0].purl, "pkg:maven/log4j/log4j@1.2.17");
        assert_eq!(a.packages[0].licenses, vec!["Apache-2.0".to_string()]);
    }

    #[test]
    fn file_name_is_the_last_resort() {
        let a = run(&JavaArchive, "plain-util-0.9.1.jar", PLAIN, &NoFiles).unwrap();
        assert_eq!(rows(&a), vec![("plain-util", "0.9.1", Relationship::Unknown, "plain-util-0.9.1.jar")]);
        assert_eq!(a.packages[0].purl, "pkg:maven/plain-util@0.9.1");
        // Nothing at all: a warning, not silence.
        let a = run(&JavaArchive, "plain.jar", PLAIN, &NoFiles).unwrap();
        assert!(a.packages.is_empty());
        assert_eq!(a.warnings.len(), 1);
    }

    #[test]
    fn renamed_jar_keeps_its_pom_properties() {
        let a = run(&JavaArchive, "app.war", FAT, &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 4);
        assert_eq!(rows(&a)[0], ("com.example.hello:hello-app", "2.0.0", Relationship::Root, "app.war"));
        let a = run(&JavaArchive, "app.jar", HELLO, &NoFiles).unwrap();
        assert_eq!(a.packages[0].licenses, vec!["Apache-2.0".to_string()]);
        assert_eq!(
            rows(&a),
            vec![("com.example.hello:hello-lib", "1.2.3", Relationship::Unknown, "app.jar")]
        );
    }

    #[test]
    fn file_names() {
        let p = |s: &str| parse_file_name(s).map(|(a, v)| format!("{a} {v}"));
        assert_eq!(p("log4j-1.2.17.jar").as_deref(), Some("log4j 1.2.17"));
        assert_eq!(p("spring-core-5.3.4-SNAPSHOT.jar").as_deref(), Some("spring-core 5.3.4-SNAPSHOT"));
        assert_eq!(p("log4j-1.2-api-2.17.1.jar").as_deref(), Some("log4j-1.2-api 2.17.1"));
        assert_eq!(p("commons-lang3-3.12.0.jar").as_deref(), Some("commons-lang3 3.12.0"));
        assert_eq!(p("app.jar"), None);
        assert_eq!(p("-1.0.jar"), None);
    }

    #[test]
    fn bundle_names_to_groups() {
        assert_eq!(
            group_from_bundle("com.fasterxml.jackson.core.jackson-databind", "jackson-databind").as_deref(),
            Some("com.fasterxml.jackson.core")
        );
        assert_eq!(
            group_from_bundle("org.apache.logging.log4j.core", "log4j-core").as_deref(),
            Some("org.apache.logging.log4j")
        );
        assert_eq!(group_from_bundle("com.google.guava", "guava"), None);
        assert_eq!(
            group_from_bundle("org.apache.commons.commons-text", "commons-text").as_deref(),
            Some("org.apache.commons")
        );
        assert_eq!(group_from_bundle("org.example.other", "log4j-core"), None);
        assert_eq!(group_from_bundle("guava", "guava"), None);
    }

    #[test]
    fn manifest_sections_and_continuations() {
        let m = Manifest::parse(
            "Manifest-Version: 1.0\r\nBundle-License: \"Apache-2.0\";link=\"x\",http://opensource.org/li\r\n censes/MIT\r\n\r\nName: a/b\r\nImplementation-Version: 3.0\r\n",
        );
        assert_eq!(m.get("Implementation-Version"), Some("3.0"));
        assert_eq!(m.licenses(), vec!["Apache-2.0".to_string(), "MIT".to_string()]);
    }

    #[test]
    fn nesting_and_size_limits_warn() {
        // Five levels of nesting: the deepest are not opened.
        let mut inner =
            zip_of(&[("META-INF/maven/g/deep/pom.properties", b"groupId=g\nartifactId=deep\nversion=1\n")]);
        for level in 0..5 {
            inner = zip_of(&[(&format!("lib/l{level}.jar"), &inner)]);
        }
        let a = run(&JavaArchive, "outer.jar", &inner, &NoFiles).unwrap();
        assert!(a.packages.is_empty());
        assert!(a.warnings.iter().any(|w| w.message.contains("nested more than")), "{:?}", a.warnings);

        // A nested archive that inflates past the cap (a small zip bomb).
        let big = vec![0u8; (MAX_NESTED_SIZE + 1) as usize];
        let bomb = zip_of(&[
            ("lib/bomb.jar", &big),
            ("META-INF/maven/g/a/pom.properties", b"groupId=g\nartifactId=a\nversion=1\n"),
        ]);
        assert!(bomb.len() < 1024 * 1024);
        let a = run(&JavaArchive, "a-1.jar", &bomb, &NoFiles).unwrap();
        assert_eq!(rows(&a), vec![("g:a", "1", Relationship::Unknown, "a-1.jar")]);
        assert!(a.warnings.iter().any(|w| w.message.contains("lib/bomb.jar")), "{:?}", a.warnings);

        // A nested file that is not a zip.
        let a = run(&JavaArchive, "x-1.0.jar", &zip_of(&[("lib/bad.jar", b"nope")]), &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 1);
        assert!(a.warnings.iter().any(|w| w.message.contains("x-1.0.jar/lib/bad.jar")));
    }

    #[test]
    fn broken_archives_fail() {
        assert!(run(&JavaArchive, "x.jar", b"not a zip", &NoFiles).is_err());
        assert!(run(&JavaArchive, "x.jar", HELLO.get(..HELLO.len() / 2).unwrap(), &NoFiles).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), cut in 0usize..100_000, pos in 0usize..100_000, byte in any::<u8>()) {
            let _ = run(&JavaArchive, "x-1.0.jar", &bytes, &NoFiles);
            for fixture in [FAT, HELLO] {
                let _ = run(&JavaArchive, "x-1.0.jar", fixture.get(..cut % (fixture.len() + 1)).unwrap_or_default(), &NoFiles);
                let mut m = fixture.to_vec();
                if let Some(b) = m.get_mut(pos % fixture.len()) { *b = byte; }
                let _ = run(&JavaArchive, "x-1.0.jar", &m, &NoFiles);
            }
        }
    }
}
