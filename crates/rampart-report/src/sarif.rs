//! SARIF 2.1.0 (<https://docs.oasis-open.org/sarif/sarif/v2.1.0/>), shaped for GitHub code
//! scanning.
//!
//! One run whose `tool.driver` is Rampart. SARIF lists findings only (no packages):
//! - one rule per advisory id (`id` and `name` the advisory id, `shortDescription` its summary,
//!   `fullDescription` the summary with the aliases, `helpUri` its first web reference, `help`
//!   a text/Markdown page, `properties.security-severity` the score GitHub ranks by,
//!   `properties.tags` `vulnerability`, `security` and the severity);
//! - one result per finding: `ruleId` / `ruleIndex`, `level` (`error` for CRITICAL and HIGH,
//!   `warning` for MEDIUM, `note` for LOW and UNKNOWN), a message naming the package, the
//!   installed and the fixed versions, one location (the package's file, relative to
//!   `%SRCROOT%`, with its lines; line 1 when unknown) and a `partialFingerprints` entry
//!   (`rampart/v1`: advisory, package and file, not the line, so alerts survive edits above
//!   them).
//!
//! `security-severity` is the score the severity was computed from when it is a CVSS v3 or v4
//! score; otherwise (advisory rating, v2 score, unknown) a representative score of the
//! severity (CRITICAL 9.5, HIGH 8.0, MEDIUM 5.5, LOW 2.0, UNKNOWN 0.0), so that GitHub shows
//! the same severity as the other formats.
//!
//! Suppressed findings are left out (their count is in `run.properties`).
//!
//! Limits (GitHub: a run is rejected over 25,000 results or 25,000 rules, and only the 5,000
//! most severe results of a run are kept; rules keep 10 tags): at most [`MAX_RESULTS`] results,
//! the most severe first, and only the rules they use (so at most as many rules); 3 tags per
//! rule; one location per result. When results are dropped, `run.properties` says so
//! (`rampart:truncated`, `rampart:totalResults`, `rampart:omittedResults`).
//!
//! Misconfigurations (failed configuration checks) share the run:
//! - one rule per check id (`name` the id, `shortDescription` the check's title,
//!   `fullDescription` its description, `help` the description, the resolution and the
//!   references, `helpUri` the first web reference, `properties.tags` `misconfiguration`,
//!   `security`, the config type, the service when there is one, and the severity,
//!   `security-severity` the representative score of the severity);
//! - one result per failed check: `level` from the severity (at most `warning` for advisory
//!   checks and Rego `warn` rules), the finding's message (with the resource), one location: the
//!   config file with the finding's lines and, when the report has every line of the region
//!   whole, its text as `region.snippet`; `partialFingerprints` from the check, file, resource and message
//!   (not the line).
//!
//! Suppressed misconfigurations (ignore file, inline comments) are left out and counted like
//! suppressed vulnerabilities. The cap applies to all results together, most severe first (at
//! equal severity, vulnerabilities before misconfigurations).
//!
//! Secrets share the run too:
//! - one rule per secret rule id (`shortDescription` the rule's title, `properties.tags`
//!   `secret`, `security` and the severity, `security-severity` the representative score);
//! - one result per secret: `level` from the severity, a message with the title and the
//!   *redacted* secret (never the secret), the layer (images) or the commit (git history), one
//!   location (the file and the secret's lines; the redacted line as `region.snippet`), and
//!   `partialFingerprints` from the rule, file, redacted secret and commit (not the line).

use std::collections::HashMap;
use std::io::Write;

use rampart_model::{Misconfiguration, Report, ScanResult, Secret, Severity, Vulnerability};
use serde::Serialize;

use crate::common::{deciding_cvss, finding_order, misconfiguration_order, web_url};
use crate::{RenderError, RenderOptions};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/rampart-security/rampart";
/// Results kept in one run: GitHub's display limit, well under its hard limit of 25,000.
pub(crate) const MAX_RESULTS: usize = 5_000;
const SRCROOT: &str = "%SRCROOT%";

#[derive(Debug, Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    properties: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Debug, Serialize)]
struct Text {
    text: String,
}

#[derive(Debug, Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Debug, Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Debug, Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: String,
    precision: &'static str,
    tags: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    partial_fingerprints: HashMap<&'static str, String>,
}

/// Where a finding is: a file under `%SRCROOT%` and its lines.
struct Place {
    uri: String,
    start: u32,
    end: u32,
    snippet: Option<String>,
}

impl SarifResult {
    /// A result with one location and the `rampart/v1` fingerprint (its rule index is set when
    /// the run is assembled).
    fn at(
        rule_id: String,
        level: &'static str,
        message: String,
        place: Place,
        fingerprint: String,
    ) -> SarifResult {
        SarifResult {
            rule_id,
            rule_index: 0,
            level,
            message: Text { text: message },
            locations: vec![SarifLocation {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation { uri: place.uri, uri_base_id: Some(SRCROOT) },
                    region: Region {
                        start_line: place.start,
                        end_line: place.end,
                        snippet: place.snippet.map(|text| Text { text }),
                    },
                },
            }],
            partial_fingerprints: HashMap::from([("rampart/v1", fingerprint)]),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    end_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

pub(crate) fn render(
    report: &Report,
    _options: &RenderOptions,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let log = build(report);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A finding ready to become a result, with what ranks it against the others.
struct Pending {
    severity: Severity,
    rule: Rule,
    result: SarifResult,
}

/// Collects rules and results from every kind of finding, then applies the limits.
#[derive(Default)]
struct RunBuilder {
    pending: Vec<Pending>,
    suppressed: usize,
}

fn build(report: &Report) -> Log {
    let mut builder = RunBuilder::default();
    vulnerability_findings(report, &mut builder);
    misconfiguration_findings(report, &mut builder);
    secret_findings(report, &mut builder);

    let total = builder.pending.len();
    // Worst first (the sort is stable: report order within a severity), then cut.
    builder.pending.sort_by_key(|p| std::cmp::Reverse(p.severity));
    builder.pending.truncate(MAX_RESULTS);

    let mut rules: Vec<Rule> = Vec::new();
    let mut rule_index: HashMap<String, usize> = HashMap::new();
    let mut results = Vec::with_capacity(builder.pending.len());
    for Pending { rule, mut result, .. } in builder.pending {
        let index = match rule_index.get(&rule.id) {
            Some(i) => *i,
            None => {
                rule_index.insert(rule.id.clone(), rules.len());
                rules.push(rule);
                rules.len() - 1
            }
        };
        result.rule_index = index;
        results.push(result);
    }

    let mut properties = serde_json::Map::new();
    if total > results.len() {
        properties.insert("rampart:truncated".into(), true.into());
        properties.insert("rampart:totalResults".into(), total.into());
        properties.insert("rampart:omittedResults".into(), (total - results.len()).into());
    }
    if builder.suppressed > 0 {
        properties.insert("rampart:suppressedResults".into(), builder.suppressed.into());
    }
    properties.insert("rampart:target".into(), report.target.clone().into());

    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: if report.tool.name.trim().is_empty() {
                        "rampart".into()
                    } else {
                        report.tool.name.clone()
                    },
                    version: Some(report.tool.version.clone()).filter(|v| !v.is_empty()),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results,
            properties,
        }],
    }
}

fn vulnerability_findings(report: &Report, builder: &mut RunBuilder) {
    for result in &report.results {
        let mut vulns: Vec<&Vulnerability> = result.vulnerabilities.iter().collect();
        vulns.sort_by(|a, b| finding_order(a, b));
        for v in vulns {
            if v.suppressed.is_some() {
                builder.suppressed += 1;
                continue;
            }
            let rule_id =
                if v.id.trim().is_empty() { "unknown-vulnerability".to_string() } else { v.id.clone() };
            let (uri, start, end) = location(result, v);
            let fixed = if v.fixed_versions.is_empty() {
                "no fixed version is known".to_string()
            } else {
                format!("fixed in {}", v.fixed_versions.join(", "))
            };
            let message = format!(
                "{} {} is affected by {} ({}{}); {}.",
                non_empty(&v.package_name, "(unnamed package)"),
                non_empty(&v.installed_version, "(unknown version)"),
                rule_id,
                v.severity,
                if v.kev { ", known exploited" } else { "" },
                fixed
            );
            let package = v.purl.as_deref().filter(|p| !p.is_empty()).unwrap_or(&v.package);
            let fingerprint = format!("{rule_id}|{package}|{uri}");
            builder.pending.push(Pending {
                severity: v.severity,
                rule: vulnerability_rule(&rule_id, v),
                result: SarifResult::at(
                    rule_id,
                    level(v.severity),
                    message,
                    Place { uri, start, end, snippet: None },
                    fingerprint,
                ),
            });
        }
    }
}

fn vulnerability_rule(rule_id: &str, v: &Vulnerability) -> Rule {
    let summary = v.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let short = summary.map(first_line).unwrap_or_else(|| format!("Vulnerability {rule_id}"));
    let mut full = summary.unwrap_or(short.as_str()).to_string();
    if !v.aliases.is_empty() {
        full.push_str(&format!(" (aliases: {})", v.aliases.join(", ")));
    }
    let links: Vec<&str> = v.references.iter().filter_map(|r| web_url(r)).collect();
    let score = deciding_cvss(v);
    let mut text = format!("{full}\n\nSeverity: {}", v.severity);
    let mut markdown =
        format!("**{}**\n\n{}\n\n| Severity | {} |\n| --- | --- |\n", md(rule_id), md(&full), v.severity);
    if let Some(c) = score {
        text.push_str(&format!(" (CVSS {} {:.1}, {})", c.version, c.score, c.vector));
        markdown.push_str(&format!("| CVSS {} | {:.1} `{}` |\n", c.version, c.score, md(&c.vector)));
    }
    if v.kev {
        text.push_str("\nListed in CISA's Known Exploited Vulnerabilities catalogue.");
        markdown.push_str("| Known exploited (CISA KEV) | yes |\n");
    }
    if !links.is_empty() {
        text.push_str("\n\nReferences:");
        markdown.push_str("\nReferences:\n");
        for l in &links {
            text.push_str(&format!("\n- {l}"));
            markdown.push_str(&format!("- <{l}>\n"));
        }
    }
    Rule {
        id: rule_id.to_string(),
        name: rule_id.to_string(),
        short_description: Text { text: short },
        full_description: Text { text: full },
        help_uri: links.first().map(|l| l.to_string()),
        help: Help { text, markdown },
        default_configuration: Configuration { level: level(v.severity) },
        properties: RuleProperties {
            security_severity: security_severity(v),
            precision: "very-high",
            tags: vec!["vulnerability".into(), "security".into(), v.severity.as_str().to_string()],
        },
    }
}

fn misconfiguration_findings(report: &Report, builder: &mut RunBuilder) {
    for result in &report.results {
        let mut found: Vec<&Misconfiguration> = result.misconfigurations.iter().collect();
        found.sort_by(|a, b| misconfiguration_order(a, b));
        let uri = relative_uri(&result.target);
        for m in found {
            if m.suppressed.is_some() {
                builder.suppressed += 1;
                continue;
            }
            let rule_id =
                if m.id.trim().is_empty() { "unknown-misconfiguration".to_string() } else { m.id.clone() };
            let start = m.start_line.unwrap_or(1).max(1);
            let end = m.end_line.unwrap_or(start).max(start);
            let title = first_line(&m.title);
            let mut message = m.message.trim().to_string();
            if message.is_empty() {
                message = if title.is_empty() { format!("Check {rule_id} failed") } else { title.clone() };
            }
            if let Some(resource) = m.resource.as_deref().map(str::trim).filter(|r| !r.is_empty())
                && !message.contains(resource)
            {
                message.push_str(&format!(" (resource: {resource})"));
            }
            let fingerprint =
                format!("{rule_id}|{uri}|{}|{}", m.resource.as_deref().unwrap_or_default(), m.message.trim());
            let level = if m.warning && level(m.severity) == "error" { "warning" } else { level(m.severity) };
            builder.pending.push(Pending {
                severity: m.severity,
                rule: misconfiguration_rule(&rule_id, m),
                result: SarifResult::at(
                    rule_id,
                    level,
                    message,
                    Place { uri: uri.clone(), start, end, snippet: snippet(m, start, end) },
                    fingerprint,
                ),
            });
        }
    }
}

fn secret_findings(report: &Report, builder: &mut RunBuilder) {
    for result in &report.results {
        let uri = relative_uri(&result.target);
        for s in &result.secrets {
            if s.suppressed.is_some() {
                builder.suppressed += 1;
                continue;
            }
            let rule_id =
                if s.rule_id.trim().is_empty() { "unknown-secret".to_string() } else { s.rule_id.clone() };
            let title = first_line(&s.title);
            let mut message = format!("{}: {}", if title.is_empty() { "Secret" } else { &title }, s.redacted);
            if let Some(layer) = &s.layer {
                message.push_str(&format!(" (image layer {}: {})", layer.index, layer.diff_id));
                if s.deleted {
                    message.push_str("; deleted by a later layer but still in the image");
                }
            }
            if let Some(c) = &s.commit {
                message.push_str(&format!(" (commit {} by {} on {})", c.id, c.author, c.date));
            }
            let start = s.start_line.max(1);
            let end = s.end_line.max(start);
            let fingerprint = format!(
                "{rule_id}|{uri}|{}|{}|{}",
                s.redacted,
                s.commit.as_ref().map_or("", |c| c.id.as_str()),
                s.layer.as_ref().map_or("", |l| l.diff_id.as_str())
            );
            let snippet = (!s.snippet.trim().is_empty() && start == end).then(|| format!("{}\n", s.snippet));
            builder.pending.push(Pending {
                severity: s.severity,
                rule: secret_rule(&rule_id, s),
                result: SarifResult::at(
                    rule_id,
                    level(s.severity),
                    message,
                    Place { uri: uri.clone(), start, end, snippet },
                    fingerprint,
                ),
            });
        }
    }
}

fn secret_rule(rule_id: &str, s: &Secret) -> Rule {
    let title = first_line(&s.title);
    let short = if title.is_empty() { format!("Secret rule {rule_id}") } else { title };
    let text = format!(
        "{short}\n\nSeverity: {}\n\nRemove the secret from the file (and from the image or the git history), revoke it at its provider and issue a new one.",
        s.severity
    );
    let markdown = format!(
        "**{}**: {}\n\n| Severity | {} |\n| --- | --- |\n\nRemove the secret from the file (and from the image or the git history), **revoke it** at its provider and issue a new one.\n",
        md(rule_id),
        md(&short),
        s.severity
    );
    Rule {
        id: rule_id.to_string(),
        name: rule_id.to_string(),
        short_description: Text { text: short.clone() },
        full_description: Text { text: short },
        help_uri: None,
        help: Help { text, markdown },
        default_configuration: Configuration { level: level(s.severity) },
        properties: RuleProperties {
            security_severity: format!("{:.1}", severity_score(s.severity)),
            precision: "high",
            tags: vec!["secret".to_string(), "security".to_string(), s.severity.as_str().to_string()],
        },
    }
}

/// Snippet lines longer than this were cut by the scanner (it caps them at 200 characters and
/// appends an ellipsis): they are not the file's text.
const MAX_SNIPPET_LINE_CHARS: usize = 200;

/// The text of lines `start..=end` when the finding has every one of them, whole.
fn snippet(m: &Misconfiguration, start: u32, end: u32) -> Option<String> {
    if m.start_line.is_none() || m.code.len() != (end - start) as usize + 1 {
        return None;
    }
    let mut text = String::new();
    for (line, expected) in m.code.iter().zip(start..=end) {
        let cut = line.content.ends_with('…') && line.content.chars().count() > MAX_SNIPPET_LINE_CHARS;
        if line.number != expected || cut {
            return None;
        }
        text.push_str(&line.content);
        text.push('\n');
    }
    Some(text)
}

fn misconfiguration_rule(rule_id: &str, m: &Misconfiguration) -> Rule {
    let title = first_line(&m.title);
    let short = if title.is_empty() { format!("Configuration check {rule_id}") } else { title };
    let description = m.description.trim();
    let full = if description.is_empty() { short.clone() } else { description.to_string() };
    let resolution = m.resolution.trim();
    let links: Vec<&str> = m.references.iter().filter_map(|r| web_url(r)).collect();
    let mut text = format!("{full}\n\nSeverity: {}", m.severity);
    let mut markdown = format!(
        "**{}**: {}\n\n{}\n\n| Severity | {} |\n| --- | --- |\n| Type | {} |\n",
        md(rule_id),
        md(&short),
        md(&full),
        m.severity,
        md(&m.config_type)
    );
    if let Some(service) = m.service.as_deref().filter(|s| !s.trim().is_empty()) {
        markdown.push_str(&format!("| Service | {} |\n", md(service)));
    }
    if !resolution.is_empty() {
        text.push_str(&format!("\n\nResolution: {resolution}"));
        markdown.push_str(&format!("\n**Resolution**: {}\n", md(resolution)));
    }
    if !links.is_empty() {
        text.push_str("\n\nReferences:");
        markdown.push_str("\nReferences:\n");
        for l in &links {
            text.push_str(&format!("\n- {l}"));
            markdown.push_str(&format!("- <{l}>\n"));
        }
    }
    let mut tags = vec!["misconfiguration".to_string(), "security".to_string()];
    for tag in std::iter::once(m.config_type.as_str()).chain(m.service.as_deref()) {
        let tag = tag.trim();
        if !tag.is_empty() && !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    tags.push(m.severity.as_str().to_string());
    Rule {
        id: rule_id.to_string(),
        name: rule_id.to_string(),
        short_description: Text { text: short },
        full_description: Text { text: full },
        help_uri: links.first().map(|l| l.to_string()),
        help: Help { text, markdown },
        default_configuration: Configuration { level: level(m.severity) },
        properties: RuleProperties {
            security_severity: format!("{:.1}", severity_score(m.severity)),
            precision: "very-high",
            tags,
        },
    }
}

/// A representative score of a severity, for findings without a CVSS score.
fn severity_score(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 9.5,
        Severity::High => 8.0,
        Severity::Medium => 5.5,
        Severity::Low => 2.0,
        Severity::Unknown => 0.0,
    }
}

/// The score GitHub ranks alerts by (see the module documentation).
fn security_severity(v: &Vulnerability) -> String {
    let from_cvss = deciding_cvss(v)
        .filter(|c| {
            c.version != "2.0"
                && (0.0..=10.0).contains(&c.score)
                && Severity::from_cvss_score(c.score) == v.severity
        })
        .map(|c| c.score);
    let score = from_cvss.unwrap_or(severity_score(v.severity));
    format!("{score:.1}")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Unknown => "note",
    }
}

/// The file of a finding (relative URI) and its lines: the finding's own location, else its
/// package's, else the result's target; line 1 when unknown.
fn location(result: &ScanResult, v: &Vulnerability) -> (String, u32, u32) {
    let package_locations =
        result.packages.iter().find(|p| p.id == v.package).map(|p| p.locations.as_slice());
    let loc = v.locations.first().or_else(|| package_locations.and_then(|l| l.first()));
    let (path, start, end) = match loc {
        Some(l) => (l.path.as_str(), l.start_line, l.end_line),
        None => (result.target.as_str(), None, None),
    };
    let start = start.unwrap_or(1).max(1);
    let end = end.unwrap_or(start).max(start);
    (relative_uri(path), start, end)
}

/// A relative URI reference for a path: leading `/` and `./` removed, `\` made `/`, and every
/// byte outside the unreserved set and `/` percent-encoded. An empty path becomes `.`.
fn relative_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut p = path.as_str();
    loop {
        if let Some(rest) = p.strip_prefix("./") {
            p = rest;
        } else if let Some(rest) = p.strip_prefix('/') {
            p = rest;
        } else {
            break;
        }
    }
    if p.is_empty() {
        return ".".to_string();
    }
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b'@' | b'+' | b'=' | b',')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().trim().to_string()
}

fn non_empty<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if s.trim().is_empty() { fallback } else { s }
}

/// Escapes the characters Markdown would interpret.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(if c.is_control() && c != '\n' { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_uris() {
        assert_eq!(relative_uri("./frontend/package-lock.json"), "frontend/package-lock.json");
        assert_eq!(
            relative_uri("/usr/lib/python3/dist-packages/x.dist-info/METADATA"),
            "usr/lib/python3/dist-packages/x.dist-info/METADATA"
        );
        assert_eq!(relative_uri("a b/c#d?e%"), "a%20b/c%23d%3Fe%25");
        assert_eq!(relative_uri(""), ".");
        assert_eq!(relative_uri("C:\\x\\y"), "C%3A/x/y");
        assert_eq!(relative_uri("é"), "%C3%A9");
    }

    #[test]
    fn snippets_only_of_whole_regions() {
        let line = |number: u32, content: &str| rampart_model::CodeLine { number, content: content.into() };
        let mut m = Misconfiguration {
            id: "X".into(),
            severity: Severity::High,
            aliases: Vec::new(),
            title: String::new(),
            message: String::new(),
            description: String::new(),
            resolution: String::new(),
            references: Vec::new(),
            config_type: "kubernetes".into(),
            service: None,
            resource: None,
            start_line: Some(2),
            end_line: Some(3),
            code: vec![line(2, "a:"), line(3, "  b: 1")],
            controls: Vec::new(),
            source: "builtin".into(),
            warning: false,
            layer: None,
            suppressed: None,
        };
        assert_eq!(snippet(&m, 2, 3).as_deref(), Some("a:\n  b: 1\n"));
        // A capped snippet, lines out of place, a line cut by the scanner: none.
        assert_eq!(snippet(&m, 2, 4), None);
        m.code[1].number = 4;
        assert_eq!(snippet(&m, 2, 3), None);
        m.code[1] = line(3, &format!("{}…", "x".repeat(200)));
        assert_eq!(snippet(&m, 2, 3), None);
        m.code[1] = line(3, "ends with an ellipsis…");
        assert!(snippet(&m, 2, 3).is_some());
        m.start_line = None;
        assert_eq!(snippet(&m, 2, 3), None);
    }

    #[test]
    fn levels() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Unknown), "note");
    }
}
