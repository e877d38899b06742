//! VEX documents: OpenVEX (v0.2.0, and the string forms of v0.0.x) and CycloneDX VEX (JSON).
//!
//! Both are reduced to [`VexStatement`]s: a vulnerability (id and aliases), the package URLs it
//! speaks about, and whether its status suppresses findings. OpenVEX `not_affected` and `fixed`
//! suppress; CycloneDX `not_affected`, `false_positive`, `resolved` and `resolved_with_pedigree`
//! suppress. Other statuses (`affected`, `under_investigation`, `exploitable`, `in_triage`)
//! never hide a finding, and when they are the newest statement about a finding they override an
//! older suppressing one, as the OpenVEX specification says.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::purl::PurlPattern;
use crate::{LoadError, Notice};

/// The syntax a VEX document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VexFormat {
    OpenVex,
    CycloneDx,
}

/// One statement about one vulnerability, whatever the source format.
#[derive(Debug, Clone, PartialEq)]
pub struct VexStatement {
    pub vulnerability: String,
    pub aliases: Vec<String>,
    /// The products and subcomponents the statement names that are package URLs. A statement
    /// without any never matches (only package URLs can be compared with findings).
    pub products: Vec<PurlPattern>,
    /// The status as written (`not_affected`, `fixed`, `false_positive`, ...).
    pub status: String,
    /// True when the status hides the findings it matches.
    pub suppresses: bool,
    /// Status and justification for [`rampart_model::Suppression::justification`], e.g.
    /// `not_affected: vulnerable_code_not_present`, or `fixed`.
    pub justification: Option<String>,
    /// OpenVEX `impact_statement` (or `status_notes`), CycloneDX `analysis.detail`.
    pub reason: Option<String>,
    /// The statement's time (the document's when the statement has none); the newest matching
    /// statement decides.
    pub timestamp: Option<OffsetDateTime>,
}

impl VexStatement {
    fn names(&self, ids: &[&str]) -> bool {
        ids.iter().any(|id| {
            id.eq_ignore_ascii_case(&self.vulnerability)
                || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
        })
    }

    fn covers(&self, purl: &PurlPattern) -> bool {
        self.products.iter().any(|p| p.matches(purl))
    }
}

/// A parsed VEX document.
#[derive(Debug, Clone, PartialEq)]
pub struct VexDocument {
    /// The file as the user named it; used in suppressions and notices.
    pub source: String,
    pub format: VexFormat,
    pub statements: Vec<VexStatement>,
    /// Things worth telling that are not errors (statements that can never match).
    pub notices: Vec<Notice>,
}

impl VexDocument {
    /// Reads and parses a VEX file.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| LoadError::Read { path: shown.clone(), source })?;
        Self::parse(&shown, &bytes)
    }

    /// Parses a VEX document, detecting OpenVEX or CycloneDX from the content.
    pub fn parse(source: &str, bytes: &[u8]) -> Result<Self, LoadError> {
        let json_err = |e: serde_json::Error| {
            LoadError::invalid(
                source,
                u32::try_from(e.line()).ok().filter(|l| *l > 0),
                format!("invalid VEX JSON: {e}"),
            )
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') {
            return Err(LoadError::invalid(
                source,
                None,
                "XML VEX (CycloneDX XML) is not supported: use the JSON form",
            ));
        }
        let probe: Value = serde_json::from_slice(bytes).map_err(json_err)?;
        let Some(top) = probe.as_object() else {
            return Err(LoadError::invalid(source, None, NOT_VEX));
        };
        let context = top.get("@context").and_then(Value::as_str).unwrap_or_default();
        let doc = if context.contains("openvex") || top.contains_key("statements") {
            let doc: OpenVex = serde_json::from_slice(bytes).map_err(json_err)?;
            open_vex(source, doc)?
        } else if top.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
            let doc: CycloneDx = serde_json::from_slice(bytes).map_err(json_err)?;
            cyclone_dx(source, doc)
        } else if top.get("document").and_then(|d| d.get("category")).and_then(Value::as_str)
            == Some("csaf_vex")
        {
            return Err(LoadError::invalid(
                source,
                None,
                "CSAF VEX is not supported yet: use OpenVEX or CycloneDX VEX",
            ));
        } else {
            return Err(LoadError::invalid(source, None, NOT_VEX));
        };
        Ok(doc)
    }

    /// The statement that decides about a finding (the newest one naming it and its package),
    /// when that statement suppresses it.
    pub(crate) fn suppressing(&self, ids: &[&str], purl: Option<&PurlPattern>) -> Option<&VexStatement> {
        let purl = purl?;
        let mut best: Option<(Option<OffsetDateTime>, usize)> = None;
        for (i, s) in self.statements.iter().enumerate() {
            if s.names(ids) && s.covers(purl) && best.is_none_or(|b| (s.timestamp, i) >= b) {
                best = Some((s.timestamp, i));
            }
        }
        best.map(|(_, i)| &self.statements[i]).filter(|s| s.suppresses)
    }
}

const NOT_VEX: &str = "not a VEX document: expected OpenVEX (`@context` https://openvex.dev/ns/..., \
                       `statements`) or CycloneDX JSON (`bomFormat: CycloneDX`, `vulnerabilities`)";

fn timestamp(s: Option<&str>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s?.trim(), &Rfc3339).ok()
}

fn no_purl_notice(source: &str, count: usize) -> Option<Notice> {
    (count > 0).then(|| Notice {
        path: source.to_string(),
        line: None,
        message: format!(
            "{count} VEX statement(s) name no package URL (pkg:...) among their products; they match nothing"
        ),
    })
}

// ---------------------------------------------------------------------------------------------
// OpenVEX

#[derive(Deserialize)]
struct OpenVex {
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
    statements: Vec<OvStatement>,
}

#[derive(Deserialize)]
struct OvStatement {
    vulnerability: Value,
    #[serde(default)]
    products: Vec<Value>,
    /// OpenVEX v0.0.x put subcomponents on the statement.
    #[serde(default)]
    subcomponents: Vec<Value>,
    status: OvStatus,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    status_notes: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum OvStatus {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

fn open_vex(source: &str, doc: OpenVex) -> Result<VexDocument, LoadError> {
    let doc_time = timestamp(doc.last_updated.as_deref()).or(timestamp(doc.timestamp.as_deref()));
    let mut statements = Vec::with_capacity(doc.statements.len());
    let mut without_purl = 0;
    for (n, st) in doc.statements.into_iter().enumerate() {
        let (vulnerability, aliases) = match &st.vulnerability {
            Value::String(name) => (name.trim().to_string(), Vec::new()),
            Value::Object(o) => {
                let name = o.get("name").or_else(|| o.get("@id")).and_then(Value::as_str).unwrap_or_default();
                let aliases = o
                    .get("aliases")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(|s| s.trim().to_string()).collect())
                    .unwrap_or_default();
                (name.trim().to_string(), aliases)
            }
            _ => (String::new(), Vec::new()),
        };
        if vulnerability.is_empty() {
            return Err(LoadError::invalid(
                source,
                None,
                format!("statement {} has no `vulnerability.name`", n + 1),
            ));
        }
        let mut products = Vec::new();
        for p in st.products.iter().chain(&st.subcomponents) {
            collect_openvex_purls(p, &mut products, 0);
        }
        if products.is_empty() {
            without_purl += 1;
        }
        let (status, suppresses) = match st.status {
            OvStatus::NotAffected => ("not_affected", true),
            OvStatus::Fixed => ("fixed", true),
            OvStatus::Affected => ("affected", false),
            OvStatus::UnderInvestigation => ("under_investigation", false),
        };
        let justification = match st.justification.as_deref().map(str::trim).filter(|j| !j.is_empty()) {
            Some(j) => format!("{status}: {j}"),
            None => status.to_string(),
        };
        statements.push(VexStatement {
            vulnerability,
            aliases,
            products,
            status: status.to_string(),
            suppresses,
            justification: Some(justification),
            reason: st
                .impact_statement
                .or(st.status_notes)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            timestamp: timestamp(st.last_updated.as_deref())
                .or(timestamp(st.timestamp.as_deref()))
                .or(doc_time),
        });
    }
    Ok(VexDocument {
        source: source.to_string(),
        format: VexFormat::OpenVex,
        statements,
        notices: no_purl_notice(source, without_purl).into_iter().collect(),
    })
}

/// The package URLs of an OpenVEX product (a string, or an object with `@id`,
/// `identifiers.purl` and `subcomponents`).
fn collect_openvex_purls(product: &Value, out: &mut Vec<PurlPattern>, depth: usize) {
    let mut push = |s: &str| {
        if s.trim_start().get(..4).is_some_and(|p| p.eq_ignore_ascii_case("pkg:"))
            && let Ok(p) = PurlPattern::parse(s)
            && !out.contains(&p)
        {
            out.push(p);
        }
    };
    match product {
        Value::String(s) => push(s),
        Value::Object(o) => {
            if let Some(id) = o.get("@id").and_then(Value::as_str) {
                push(id);
            }
            if let Some(purl) = o.get("identifiers").and_then(|i| i.get("purl")).and_then(Value::as_str) {
                push(purl);
            }
            if depth < 8
                && let Some(subs) = o.get("subcomponents").and_then(Value::as_array)
            {
                for s in subs {
                    collect_openvex_purls(s, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// CycloneDX

#[derive(Deserialize)]
struct CycloneDx {
    #[serde(default)]
    metadata: Option<CdxMetadata>,
    #[serde(default)]
    components: Vec<CdxComponent>,
    #[serde(default)]
    vulnerabilities: Vec<CdxVulnerability>,
}

#[derive(Deserialize)]
struct CdxMetadata {
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    component: Option<CdxComponent>,
}

#[derive(Deserialize)]
struct CdxComponent {
    #[serde(default, rename = "bom-ref")]
    bom_ref: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    components: Vec<CdxComponent>,
}

#[derive(Deserialize)]
struct CdxVulnerability {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    references: Vec<CdxReference>,
    #[serde(default)]
    analysis: Option<CdxAnalysis>,
    #[serde(default)]
    affects: Vec<CdxAffects>,
    #[serde(default)]
    updated: Option<String>,
    #[serde(default)]
    published: Option<String>,
}

#[derive(Deserialize)]
struct CdxReference {
    #[serde(default)]
    id: Option<String>,
}

#[derive(Deserialize)]
struct CdxAnalysis {
    #[serde(default)]
    state: Option<CdxState>,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default, rename = "lastUpdated")]
    last_updated: Option<String>,
    #[serde(default, rename = "firstIssued")]
    first_issued: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum CdxState {
    Resolved,
    ResolvedWithPedigree,
    Exploitable,
    InTriage,
    FalsePositive,
    NotAffected,
}

#[derive(Deserialize)]
struct CdxAffects {
    #[serde(rename = "ref")]
    reference: String,
}

fn cyclone_dx(source: &str, doc: CycloneDx) -> VexDocument {
    // bom-ref → purl of every component, nested ones and the metadata component included.
    let mut refs: Vec<(String, String)> = Vec::new();
    fn walk(c: &CdxComponent, refs: &mut Vec<(String, String)>) {
        if let (Some(r), Some(p)) = (&c.bom_ref, &c.purl) {
            refs.push((r.clone(), p.clone()));
        }
        for child in &c.components {
            walk(child, refs);
        }
    }
    let doc_time = doc.metadata.as_ref().and_then(|m| timestamp(m.timestamp.as_deref()));
    if let Some(c) = doc.metadata.as_ref().and_then(|m| m.component.as_ref()) {
        walk(c, &mut refs);
    }
    for c in &doc.components {
        walk(c, &mut refs);
    }
    let resolve = |r: &str| -> Option<PurlPattern> {
        // A BOM-Link (`urn:cdx:serial/version#bom-ref`) points into another BOM: use its ref.
        let r = r.trim();
        let r = if r.starts_with("urn:cdx:") { r.split_once('#').map_or(r, |(_, frag)| frag) } else { r };
        let purl = refs.iter().find(|(k, _)| k == r).map(|(_, p)| p.as_str()).unwrap_or(r);
        purl.get(..4).filter(|p| p.eq_ignore_ascii_case("pkg:")).and_then(|_| PurlPattern::parse(purl).ok())
    };
    let mut statements = Vec::new();
    let mut without_purl = 0;
    for v in doc.vulnerabilities {
        let Some(id) = v.id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) else { continue };
        let Some(analysis) = v.analysis else { continue };
        let Some(state) = analysis.state else { continue };
        let (status, suppresses) = match state {
            CdxState::NotAffected => ("not_affected", true),
            CdxState::FalsePositive => ("false_positive", true),
            CdxState::Resolved => ("resolved", true),
            CdxState::ResolvedWithPedigree => ("resolved_with_pedigree", true),
            CdxState::Exploitable => ("exploitable", false),
            CdxState::InTriage => ("in_triage", false),
        };
        let mut products = Vec::new();
        for a in &v.affects {
            if let Some(p) = resolve(&a.reference)
                && !products.contains(&p)
            {
                products.push(p);
            }
        }
        if products.is_empty() {
            without_purl += 1;
        }
        let justification = match analysis.justification.as_deref().map(str::trim).filter(|j| !j.is_empty()) {
            Some(j) => format!("{status}: {j}"),
            None => status.to_string(),
        };
        let time = [
            analysis.last_updated.as_deref(),
            v.updated.as_deref(),
            analysis.first_issued.as_deref(),
            v.published.as_deref(),
        ]
        .into_iter()
        .find_map(timestamp)
        .or(doc_time);
        statements.push(VexStatement {
            aliases: v
                .references
                .iter()
                .filter_map(|r| r.id.as_deref())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && *s != id)
                .collect(),
            vulnerability: id,
            products,
            status: status.to_string(),
            suppresses,
            justification: Some(justification),
            reason: analysis.detail.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            timestamp: time,
        });
    }
    VexDocument {
        source: source.to_string(),
        format: VexFormat::CycloneDx,
        statements,
        notices: no_purl_notice(source, without_purl).into_iter().collect(),
    }
}
