//! Builders shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use rampart_filter::{FilterOptions, IgnoreFile, VexDocument};
use rampart_model::{ArtifactKind, Ecosystem, Report, ScanResult, Severity, Vulnerability};
use time::{Date, Month};

pub fn day(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

pub fn vex(name: &str) -> VexDocument {
    VexDocument::load(&fixture(name)).unwrap()
}

pub fn yaml(text: &str) -> IgnoreFile {
    IgnoreFile::parse_yaml(".rampartignore.yaml", text).unwrap()
}

/// A finding of `purl` (`pkg:type/name@version`).
pub fn vuln(id: &str, purl: &str) -> Vulnerability {
    let tail = purl.rsplit('/').next().unwrap();
    let (name, version) = tail.split_once('@').unwrap_or((tail, ""));
    Vulnerability {
        id: id.into(),
        aliases: Vec::new(),
        package: format!("{name}@{version}"),
        package_name: name.into(),
        installed_version: version.into(),
        purl: Some(purl.into()),
        fixed_versions: vec!["999.0.0".into()],
        severity: Severity::High,
        severity_source: "cvss_v3".into(),
        cvss: Vec::new(),
        kev: false,
        informational: None,
        summary: None,
        references: Vec::new(),
        published: None,
        modified: None,
        locations: Vec::new(),
        layer: None,
        status: None,
        suppressed: None,
    }
}

pub fn with_aliases(mut v: Vulnerability, aliases: &[&str]) -> Vulnerability {
    v.aliases = aliases.iter().map(|a| a.to_string()).collect();
    v
}

pub fn report(results: Vec<(&str, Vec<Vulnerability>)>) -> Report {
    let mut r = Report::new(".", ArtifactKind::Filesystem, "2026-01-01T00:00:00Z");
    for (target, vulns) in results {
        let mut res = ScanResult::packages(target, "package-lock", Some(Ecosystem::Npm), Vec::new());
        res.vulnerabilities = vulns;
        r.results.push(res);
    }
    r
}

/// `(target, id)` of every finding left, with the suppression kind when marked.
pub fn left(r: &Report) -> Vec<(String, String, Option<String>)> {
    r.results
        .iter()
        .flat_map(|res| {
            res.vulnerabilities
                .iter()
                .map(|v| (res.target.clone(), v.id.clone(), v.suppressed.as_ref().map(|s| s.kind.clone())))
        })
        .collect()
}

pub fn ids(r: &Report) -> Vec<String> {
    left(r).into_iter().map(|(_, id, _)| id).collect()
}

pub fn options(today: Date) -> FilterOptions {
    FilterOptions::new(today)
}

/// A failed check `id` of `severity` at `line`, as the misconfiguration scanner reports it.
pub fn misconfig(id: &str, severity: Severity, line: u32) -> rampart_model::Misconfiguration {
    rampart_model::Misconfiguration {
        id: id.into(),
        severity,
        aliases: vec![format!("PEER-{id}")],
        title: format!("title of {id}"),
        message: format!("message of {id}"),
        description: String::new(),
        resolution: String::new(),
        references: Vec::new(),
        config_type: "kubernetes".into(),
        service: None,
        resource: Some("Deployment/default/web".into()),
        start_line: Some(line),
        end_line: Some(line),
        code: Vec::new(),
        controls: Vec::new(),
        source: "builtin".into(),
        warning: false,
        layer: None,
        suppressed: None,
    }
}

/// Appends config results (`target`, findings) to `r`.
pub fn with_configs(mut r: Report, results: Vec<(&str, Vec<rampart_model::Misconfiguration>)>) -> Report {
    for (target, misconfigurations) in results {
        r.results.push(ScanResult {
            target: target.into(),
            kind: rampart_model::ResultKind::Config,
            analyzer: Some("kubernetes".into()),
            ecosystem: None,
            packages: Vec::new(),
            vulnerabilities: Vec::new(),
            misconfigurations,
            passed_checks: None,
            secrets: Vec::new(),
        });
    }
    r
}

/// `(target, id)` of every misconfiguration left, with the suppression kind when marked.
pub fn left_misconfigs(r: &Report) -> Vec<(String, String, Option<String>)> {
    r.results
        .iter()
        .flat_map(|res| {
            res.misconfigurations
                .iter()
                .map(|m| (res.target.clone(), m.id.clone(), m.suppressed.as_ref().map(|s| s.kind.clone())))
        })
        .collect()
}
