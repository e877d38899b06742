//! CycloneDX 1.6 JSON (<https://cyclonedx.org/docs/1.6/json/>).
//!
//! Mapping:
//! - `metadata.component` is the scanned target: an `application`, or a `container` for a
//!   container image.
//! - every result becomes an `application` component (like Trivy) named after its target, with
//!   the properties `rampart:result_kind`, `rampart:analyzer` and `rampart:ecosystem`; config
//!   files checked for misconfigurations (no packages) are not part of the inventory and are
//!   left out, as are their findings;
//! - every package becomes a `library` component. Its `bom-ref` is its purl when that purl is
//!   unique in the BOM, else the purl with a `?file=<result>` qualifier (and `&id=<package id>`
//!   if still needed), then a numeric suffix: deterministic, never random. Maven names
//!   `group:artifact` are split into `group` and `name`; other names are kept whole.
//! - licences (empty ones and the placeholders `NOASSERTION` / `NONE` left out): a listed SPDX
//!   id becomes `{license:{id}}`, a valid SPDX expression
//!   `{expression}`, anything else `{license:{name}}`. The schema allows either a list of
//!   licences or a single expression: several licences of which one is an expression are
//!   joined into one expression with `AND` when all are SPDX, else all are given as licences
//!   (the expression as a name).
//! - development dependencies get `scope: excluded` (the spec's scope for components used "for
//!   test and other non-runtime purposes", not reachable at run time) and `rampart:dev=true`;
//!   the scope of other packages is left out (the default, `required`) since the inventory
//!   does not prove more.
//! - properties: `rampart:ecosystem`, `rampart:relationship` (when known), `rampart:dev`,
//!   `rampart:package_id`, and one `rampart:location` per location (`path`, `path:line` or
//!   `path:start-end`).
//! - `dependencies`: the target depends on every result; a result on its root, direct and
//!   unknown-relationship packages (so on every package when the format gives no
//!   relationships); a package on its `depends_on` edges that resolve in its result. Every
//!   component has an entry.

use std::collections::HashMap;
use std::io::Write;

use rampart_model::{
    ArtifactKind, Ecosystem, Location, Package, Report, ResultKind, Severity, Vulnerability,
};
use serde::Serialize;

use crate::common::{UniqueIds, is_top_level, normalize_timestamp, relationship_str, visible, web_url};
use crate::license::{License, meaningful};
use crate::{RenderError, RenderOptions};

/// SPDX licence ids known to the `spdx` crate but missing from the licence enum of the
/// CycloneDX 1.6 schema (`spdx.schema.json` as bundled by cyclonedx-python-lib 11.12): they are
/// written as expressions, which the schema does not restrict. The validation test renders
/// every id of the crate, so a newer crate that adds ids makes it fail until they are listed.
const NOT_IN_SCHEMA: &[&str] = &[
    "BSD-2-Clause-pos-unchanged",
    "BSD-3-Clause-OpenWebUI",
    "BSD-Source-Code-no-disclaimer",
    "BSD-Source-alt-GPL",
    "BSD-ask-to-endorse",
    "Brian-Gladman-3-Clause-no-conversion",
    "Bugroff",
    "CC-BY-NC-3.0-IGO",
    "FDK-MPEG-H",
    "GFDL-1.1-invariants",
    "GFDL-1.1-no-invariants",
    "GFDL-1.2-invariants",
    "GFDL-1.2-no-invariants",
    "GFDL-1.3-invariants",
    "GFDL-1.3-no-invariants",
    "Hippocratic-3.0-core",
    "Informatica",
    "MVT-1.1",
    "atc-game",
];

pub(crate) const SPEC_VERSION: &str = "1.6";
const SCHEMA: &str = "http://cyclonedx.org/schema/bom-1.6.schema.json";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Bom {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
    dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<VulnerabilityEntry>,
}

#[derive(Debug, Serialize)]
struct VulnerabilityEntry {
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    id: String,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Advisory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    affects: Vec<Affect>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    /// Recommendations per package, joined into `recommendation` at the end.
    #[serde(skip)]
    upgrades: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
struct Source {
    name: &'static str,
    url: String,
}

#[derive(Debug, Serialize)]
struct Reference {
    id: String,
    source: Source,
}

#[derive(Debug, Serialize)]
struct Rating {
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    severity: &'static str,
    method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<String>,
}

#[derive(Debug, Serialize)]
struct Advisory {
    url: String,
}

#[derive(Debug, Serialize)]
struct Affect {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<AffectedVersion>,
}

#[derive(Debug, Serialize)]
struct AffectedVersion {
    version: String,
    status: &'static str,
}

#[derive(Debug, Serialize)]
struct Metadata {
    timestamp: String,
    tools: Tools,
    component: Component,
}

#[derive(Debug, Serialize)]
struct Tools {
    components: Vec<Component>,
}

#[derive(Debug, Serialize)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

impl Component {
    fn new(kind: &'static str, name: impl Into<String>) -> Self {
        Component {
            kind,
            bom_ref: None,
            group: None,
            name: name.into(),
            version: None,
            scope: None,
            licenses: Vec::new(),
            purl: None,
            properties: Vec::new(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum LicenseChoice {
    License { license: LicenseObject },
    Expression { expression: String },
}

#[derive(Debug, Serialize)]
struct LicenseObject {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Debug, Serialize)]
struct Property {
    name: String,
    value: String,
}

fn prop(name: &str, value: impl Into<String>) -> Property {
    Property { name: name.to_string(), value: value.into() }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

pub(crate) fn render(
    report: &Report,
    _options: &RenderOptions,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let serial = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let bom = build(report, serial);
    serde_json::to_writer_pretty(&mut *out, &bom)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Builds the BOM; everything but `serial_number` is a function of the report.
pub(crate) fn build(report: &Report, serial_number: String) -> Bom {
    let mut ids = UniqueIds::default();

    // Package URLs seen more than once cannot be bom-refs on their own.
    let mut purl_counts: HashMap<&str, usize> = HashMap::new();
    for pkg in report.packages() {
        *purl_counts.entry(pkg.purl.as_str()).or_default() += 1;
    }

    let root_ref = ids.allocate([format!("target:{}", report.target)]);
    let mut root = Component::new(
        match report.artifact_kind {
            ArtifactKind::ContainerImage => "container",
            ArtifactKind::Filesystem | ArtifactKind::Repository | ArtifactKind::Sbom => "application",
        },
        non_empty(&report.target, "unknown target"),
    );
    root.bom_ref = Some(root_ref.clone());
    root.properties.push(prop(
        "rampart:artifact_kind",
        match report.artifact_kind {
            ArtifactKind::Filesystem => "filesystem",
            ArtifactKind::ContainerImage => "container_image",
            ArtifactKind::Repository => "repository",
            ArtifactKind::Sbom => "sbom",
        },
    ));

    let mut components = Vec::new();
    let mut dependencies = Vec::new();
    let mut root_deps = Vec::new();
    if let Some(image) = &report.image {
        root.properties.push(prop("rampart:image_id", image.id.clone()));
        for layer in &image.layers {
            root.properties.push(prop("rampart:layer_diff_id", layer.layer.diff_id.clone()));
        }
        for tag in &image.repo_tags {
            root.properties.push(prop("rampart:repo_tag", tag.clone()));
        }
    }
    if let Some(os) = &report.os {
        let os_ref = ids.allocate([format!("os:{}:{}", os.family, os.version)]);
        let mut c = Component::new("operating-system", os.family.distro_id().to_string());
        c.bom_ref = Some(os_ref.clone());
        c.version = Some(os.version.clone()).filter(|v| !v.is_empty());
        c.properties.push(prop("rampart:os_release", os.release.clone()));
        components.push(c);
        dependencies.push(Dependency { reference: os_ref.clone(), depends_on: Vec::new() });
        root_deps.push(os_ref);
    }
    let mut vulnerabilities: Vec<VulnerabilityEntry> = Vec::new();
    let mut vuln_index: HashMap<String, usize> = HashMap::new();

    for result in report.results.iter().filter(|r| crate::common::in_inventory(r)) {
        let file_ref = ids.allocate([format!("result:{}", result.target)]);
        root_deps.push(file_ref.clone());
        let mut file = Component::new("application", non_empty(&result.target, "unknown result"));
        file.bom_ref = Some(file_ref.clone());
        file.properties.push(prop(
            "rampart:result_kind",
            match result.kind {
                ResultKind::Packages => "packages",
                ResultKind::Config => "config",
                ResultKind::Secrets => "secrets",
            },
        ));
        if let Some(analyzer) = &result.analyzer {
            file.properties.push(prop("rampart:analyzer", analyzer.clone()));
        }
        if let Some(eco) = result.ecosystem {
            file.properties.push(prop("rampart:ecosystem", eco.osv_name()));
        }
        components.push(file);

        // Package id -> bom-ref within this result (first package wins on a duplicate id).
        let mut refs: HashMap<&str, String> = HashMap::new();
        let mut pkg_refs = Vec::with_capacity(result.packages.len());
        for pkg in &result.packages {
            let bom_ref = package_ref(&mut ids, pkg, &result.target, &purl_counts);
            refs.entry(pkg.id.as_str()).or_insert_with(|| bom_ref.clone());
            pkg_refs.push(bom_ref);
        }

        let file_deps = dedup(
            result.packages.iter().zip(&pkg_refs).filter(|(p, _)| is_top_level(p)).map(|(_, r)| r.clone()),
        );
        dependencies.push(Dependency { reference: file_ref.clone(), depends_on: file_deps });

        for v in visible(&result.vulnerabilities) {
            let affected = refs.get(v.package.as_str()).cloned().unwrap_or_else(|| file_ref.clone());
            add_vulnerability(&mut vulnerabilities, &mut vuln_index, &mut ids, v, affected);
        }

        for (pkg, bom_ref) in result.packages.iter().zip(pkg_refs) {
            let deps = dedup(
                pkg.depends_on
                    .iter()
                    .filter_map(|d| refs.get(d.as_str()))
                    .filter(|r| **r != bom_ref)
                    .cloned(),
            );
            components.push(package_component(pkg, bom_ref.clone()));
            dependencies.push(Dependency { reference: bom_ref, depends_on: deps });
        }
    }
    dependencies.insert(0, Dependency { reference: root_ref, depends_on: root_deps });

    let mut tool = Component::new("application", report.tool.name.clone());
    tool.version = Some(report.tool.version.clone()).filter(|v| !v.is_empty());

    Bom {
        schema: SCHEMA,
        bom_format: "CycloneDX",
        spec_version: SPEC_VERSION,
        serial_number,
        version: 1,
        metadata: Metadata {
            timestamp: normalize_timestamp(&report.created_at),
            tools: Tools { components: vec![tool] },
            component: root,
        },
        components,
        dependencies,
        vulnerabilities: vulnerabilities
            .into_iter()
            .map(|mut v| {
                v.recommendation = (!v.upgrades.is_empty()).then(|| v.upgrades.join("; "));
                v
            })
            .collect(),
    }
}

/// Adds one finding: a new entry for a new advisory id, else one more `affects` of its entry.
fn add_vulnerability(
    entries: &mut Vec<VulnerabilityEntry>,
    index: &mut HashMap<String, usize>,
    ids: &mut UniqueIds,
    v: &Vulnerability,
    affected: String,
) {
    let id = non_empty(&v.id, "unknown");
    let position = match index.get(&id) {
        Some(i) => *i,
        None => {
            index.insert(id.clone(), entries.len());
            entries.push(vulnerability_entry(ids, &id, v));
            entries.len() - 1
        }
    };
    let Some(entry) = entries.get_mut(position) else { return };
    if !entry.affects.iter().any(|a| a.reference == affected) {
        // The schema's version strings are 1 to 1,024 characters long.
        let versions = if v.installed_version.is_empty() || v.installed_version.chars().count() > 1024 {
            Vec::new()
        } else {
            vec![AffectedVersion { version: v.installed_version.clone(), status: "affected" }]
        };
        entry.affects.push(Affect { reference: affected, versions });
    }
    if let Some(fixed) = v.fixed_versions.first().filter(|f| !f.is_empty()) {
        let upgrade = format!("Upgrade {} to {fixed}", non_empty(&v.package_name, "the package"));
        if !entry.upgrades.contains(&upgrade) {
            entry.upgrades.push(upgrade);
        }
    }
    if v.kev && !entry.properties.iter().any(|p| p.name == "rampart:kev") {
        entry.properties.push(prop("rampart:kev", "true"));
    }
}

fn vulnerability_entry(ids: &mut UniqueIds, id: &str, v: &Vulnerability) -> VulnerabilityEntry {
    let mut ratings: Vec<Rating> = v
        .cvss
        .iter()
        .filter(|c| c.score.is_finite())
        .map(|c| {
            let (method, severity) = match c.version.as_str() {
                "2.0" => ("CVSSv2", v2_severity(c.score)),
                "3.0" => ("CVSSv3", Severity::from_cvss_score(c.score)),
                "3.1" => ("CVSSv31", Severity::from_cvss_score(c.score)),
                "4.0" => ("CVSSv4", Severity::from_cvss_score(c.score)),
                _ => ("other", Severity::from_cvss_score(c.score)),
            };
            Rating {
                source: None,
                score: Some(c.score),
                severity: severity_name(severity),
                method,
                vector: Some(c.vector.clone()).filter(|v| !v.is_empty()),
            }
        })
        .collect();
    if v.severity_source == "advisory" || ratings.is_empty() {
        ratings.push(Rating {
            source: (v.severity_source == "advisory").then(|| source_of(id)),
            score: None,
            severity: severity_name(v.severity),
            method: "other",
            vector: None,
        });
    }
    let mut properties = vec![
        prop("rampart:severity", v.severity.as_str()),
        prop("rampart:severity_source", non_empty(&v.severity_source, "none")),
    ];
    if v.kev {
        properties.push(prop("rampart:kev", "true"));
    }
    VulnerabilityEntry {
        bom_ref: ids.allocate([format!("vuln:{id}")]),
        id: id.to_string(),
        source: source_of(id),
        references: v
            .aliases
            .iter()
            .filter(|a| !a.trim().is_empty() && a.as_str() != id)
            .map(|a| Reference { id: a.clone(), source: source_of(a) })
            .collect(),
        ratings,
        description: v.summary.clone().filter(|s| !s.trim().is_empty()),
        recommendation: None,
        advisories: v
            .references
            .iter()
            .filter_map(|r| web_url(r))
            .map(|url| Advisory { url: url.to_string() })
            .collect(),
        published: v.published.as_deref().and_then(rfc3339),
        updated: v.modified.as_deref().and_then(rfc3339),
        affects: Vec::new(),
        properties,
        upgrades: Vec::new(),
    }
}

/// Who publishes an advisory id, and its page there.
fn source_of(id: &str) -> Source {
    let encoded = qualifier_value(id.trim()).replace(['/', ':', '@'], "_");
    if id.starts_with("CVE-") {
        Source { name: "NVD", url: format!("https://nvd.nist.gov/vuln/detail/{encoded}") }
    } else if id.starts_with("GHSA-") {
        Source { name: "GitHub", url: format!("https://github.com/advisories/{encoded}") }
    } else {
        Source { name: "OSV", url: format!("https://osv.dev/vulnerability/{encoded}") }
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Unknown => "unknown",
    }
}

/// NVD's rating of a CVSS v2 score (v2 has no CRITICAL).
fn v2_severity(score: f64) -> Severity {
    match score {
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s > 0.0 => Severity::Low,
        _ => Severity::Unknown,
    }
}

/// An RFC 3339 time as CycloneDX's `date-time`, or `None` when it does not parse.
fn rfc3339(s: &str) -> Option<String> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|_| normalize_timestamp(s))
}

fn non_empty(s: &str, fallback: &str) -> String {
    if s.trim().is_empty() { fallback.to_string() } else { s.to_string() }
}

fn dedup(refs: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    refs.filter(|r| seen.insert(r.clone())).collect()
}

fn package_ref(
    ids: &mut UniqueIds,
    pkg: &Package,
    result_target: &str,
    purl_counts: &HashMap<&str, usize>,
) -> String {
    let base = if pkg.purl.is_empty() {
        format!(
            "rampart:{}/{}",
            pkg.ecosystem.purl_type(),
            crate::common::package_id(&pkg.name, &pkg.version)
        )
    } else {
        pkg.purl.clone()
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    let with_file = format!("{base}{sep}file={}", qualifier_value(result_target));
    let with_id = format!("{with_file}&id={}", qualifier_value(&pkg.id));
    let unique = purl_counts.get(pkg.purl.as_str()).copied().unwrap_or(0) <= 1 && !pkg.purl.is_empty();
    if unique { ids.allocate([base, with_file, with_id]) } else { ids.allocate([with_file, with_id]) }
}

/// Percent-encodes what would break a purl qualifier value (`&`, `#`, `%`, `=`, space, ...);
/// `/` is kept for readable paths.
fn qualifier_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b':' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn package_component(pkg: &Package, bom_ref: String) -> Component {
    let (group, name) = match (pkg.ecosystem, pkg.name.split_once(':')) {
        (Ecosystem::Maven, Some((g, a))) if !g.is_empty() && !a.is_empty() => {
            (Some(g.to_string()), a.to_string())
        }
        _ => (None, non_empty(&pkg.name, "unknown")),
    };
    let mut c = Component::new("library", name);
    c.bom_ref = Some(bom_ref);
    c.group = group;
    c.version = Some(pkg.version.clone()).filter(|v| !v.is_empty());
    c.scope = pkg.dev.then_some("excluded");
    c.licenses = licenses(&pkg.licenses);
    c.purl = Some(pkg.purl.clone()).filter(|p| !p.is_empty());

    c.properties.push(prop("rampart:ecosystem", pkg.ecosystem.osv_name()));
    c.properties.push(prop("rampart:package_id", pkg.id.clone()));
    if let Some(r) = relationship_str(pkg.relationship) {
        c.properties.push(prop("rampart:relationship", r));
    }
    if pkg.dev {
        c.properties.push(prop("rampart:dev", "true"));
    }
    for loc in &pkg.locations {
        c.properties.push(prop("rampart:location", location_str(loc)));
    }
    if let Some(src) = &pkg.source {
        c.properties.push(prop("rampart:source_name", src.name.clone()));
        c.properties.push(prop("rampart:source_version", src.version.clone()));
    }
    if let Some(layer) = &pkg.layer {
        c.properties.push(prop("rampart:layer_diff_id", layer.diff_id.clone()));
        c.properties.push(prop("rampart:layer_index", layer.index.to_string()));
    }
    c
}

pub(crate) fn location_str(loc: &Location) -> String {
    match (loc.start_line, loc.end_line) {
        (Some(s), Some(e)) if e != s => format!("{}:{s}-{e}", loc.path),
        (Some(s), _) => format!("{}:{s}", loc.path),
        (None, _) => loc.path.clone(),
    }
}

fn licenses(raw: &[String]) -> Vec<LicenseChoice> {
    let classified: Vec<License> = meaningful(raw)
        .map(|l| match License::classify(l) {
            // The schema only takes the ids of its own copy of the licence list as `id`.
            License::Id(id) if NOT_IN_SCHEMA.contains(&id.as_str()) => License::Expression(id),
            other => other,
        })
        .collect();
    let has_expression = classified.iter().any(|l| matches!(l, License::Expression(_)));
    let all_spdx = classified.iter().all(|l| !matches!(l, License::Name(_)));
    if has_expression && all_spdx {
        let terms: Vec<String> = classified
            .iter()
            .map(|l| match l {
                License::Id(s) | License::Expression(s) | License::Name(s) => s.clone(),
            })
            .collect();
        let expression = if terms.len() == 1 {
            terms.into_iter().next().unwrap_or_default()
        } else {
            terms.iter().map(|t| License::as_term(t)).collect::<Vec<_>>().join(" AND ")
        };
        return vec![LicenseChoice::Expression { expression }];
    }
    classified
        .into_iter()
        .map(|l| match l {
            License::Id(id) => LicenseChoice::License { license: LicenseObject { id: Some(id), name: None } },
            License::Expression(s) | License::Name(s) => {
                LicenseChoice::License { license: LicenseObject { id: None, name: Some(s) } }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(l: &[&str]) -> serde_json::Value {
        let l: Vec<String> = l.iter().map(|s| s.to_string()).collect();
        serde_json::to_value(licenses(&l)).unwrap_or_default()
    }

    #[test]
    fn licence_choices() {
        assert_eq!(json(&["MIT"]), serde_json::json!([{"license": {"id": "MIT"}}]));
        assert_eq!(
            json(&["MIT", "BSD"]),
            serde_json::json!([{"license": {"id": "MIT"}}, {"license": {"name": "BSD"}}])
        );
        assert_eq!(json(&["MIT OR Apache-2.0"]), serde_json::json!([{"expression": "MIT OR Apache-2.0"}]));
        assert_eq!(
            json(&["ISC", "MIT OR Apache-2.0"]),
            serde_json::json!([{"expression": "ISC AND (MIT OR Apache-2.0)"}])
        );
        assert_eq!(
            json(&["Custom", "MIT OR Apache-2.0"]),
            serde_json::json!([{"license": {"name": "Custom"}}, {"license": {"name": "MIT OR Apache-2.0"}}])
        );
        assert_eq!(json(&[]), serde_json::json!([]));
        assert_eq!(json(&["NOASSERTION", " ", "NONE"]), serde_json::json!([]));
        assert_eq!(json(&["Bugroff"]), serde_json::json!([{"expression": "Bugroff"}]));
    }

    #[test]
    fn qualifier_values_are_escaped() {
        assert_eq!(qualifier_value("a b/c&d#e"), "a%20b/c%26d%23e");
    }
}
