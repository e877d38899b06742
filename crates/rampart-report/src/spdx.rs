//! SPDX 2.3 JSON (<https://spdx.github.io/spdx-spec/v2.3/>).
//!
//! Mapping:
//! - the scanned target is a package (`primaryPackagePurpose` `APPLICATION`, or `CONTAINER`
//!   for an image) that the document `DESCRIBES`;
//! - every result is a package too (`APPLICATION`, named after its file or aggregate), which the
//!   target `CONTAINS` (config files checked for misconfigurations, which hold no package, are
//!   left out). Results are not SPDX `files` entries: those need a SHA-1 checksum that
//!   the report does not carry;
//! - every package of a result is a `LIBRARY` package that the result `CONTAINS`; the result
//!   `DEPENDS_ON` its root, direct and unknown-relationship packages, except development ones,
//!   which are `DEV_DEPENDENCY_OF` the result instead; packages `DEPENDS_ON` their resolved
//!   `depends_on` edges (an edge from a non-dev package to a dev one is written
//!   `dev DEV_DEPENDENCY_OF package`);
//! - ids are `SPDXRef-` + letters, digits, `.` and `-` only, unique and deterministic;
//! - `licenseDeclared` is the package's licences joined with `AND`: SPDX ids and expressions as
//!   they are, other names as `LicenseRef-<name>` declared in `hasExtractedLicensingInfos`
//!   (as are `LicenseRef-`s written by the package itself); `NOASSERTION` when none.
//!   `licenseConcluded` is always `NOASSERTION`: Rampart concludes nothing;
//! - the purl is an `externalRefs` entry (`PACKAGE-MANAGER`, `purl`); locations go to
//!   `sourceInfo`, relationship and dev flag to `comment`.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use rampart_model::{ArtifactKind, Package, Report};
use serde::Serialize;
use spdx::{Expression, LicenseItem, ParseMode};

use crate::common::{UniqueIds, is_top_level, normalize_timestamp, relationship_str};
use crate::cyclonedx::location_str;
use crate::license::{License, meaningful, sanitize_idstring};
use crate::{RenderError, RenderOptions};

const NOASSERTION: &str = "NOASSERTION";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Document {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    packages: Vec<SpdxPackage>,
    relationships: Vec<Relationship>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<ExtractedLicense>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    name: String,
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<String>,
    download_location: &'static str,
    files_analyzed: bool,
    license_concluded: &'static str,
    license_declared: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    primary_package_purpose: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

impl SpdxPackage {
    fn new(name: &str, spdx_id: String, purpose: &'static str) -> Self {
        SpdxPackage {
            name: if name.trim().is_empty() { "unknown".to_string() } else { name.to_string() },
            spdx_id,
            version_info: None,
            download_location: NOASSERTION,
            files_analyzed: false,
            license_concluded: NOASSERTION,
            license_declared: NOASSERTION.to_string(),
            external_refs: Vec::new(),
            primary_package_purpose: purpose,
            source_info: None,
            comment: None,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

fn rel(a: &str, kind: &'static str, b: &str) -> Relationship {
    Relationship {
        spdx_element_id: a.to_string(),
        relationship_type: kind,
        related_spdx_element: b.to_string(),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    license_id: String,
    extracted_text: String,
    name: String,
}

pub(crate) fn render(
    report: &Report,
    _options: &RenderOptions,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let namespace =
        format!("https://rampart.dev/spdx/{}-{}", sanitize_idstring(&report.target), uuid::Uuid::new_v4());
    let doc = build(report, namespace);
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Builds the document; everything but `document_namespace` is a function of the report.
pub(crate) fn build(report: &Report, document_namespace: String) -> Document {
    let mut ids = UniqueIds::default();
    ids.allocate(["SPDXRef-DOCUMENT".to_string()]);
    let mut licenses = LicenseRefs::default();

    let mut packages = Vec::new();
    let mut relationships = Vec::new();

    let root_id = ids.allocate([format!("SPDXRef-Target-{}", sanitize_idstring(&report.target))]);
    let mut root = SpdxPackage::new(
        &report.target,
        root_id.clone(),
        match report.artifact_kind {
            ArtifactKind::ContainerImage => "CONTAINER",
            ArtifactKind::Filesystem | ArtifactKind::Repository | ArtifactKind::Sbom => "APPLICATION",
        },
    );
    root.comment = Some(format!(
        "The {} scanned by {}.",
        match report.artifact_kind {
            ArtifactKind::Filesystem => "filesystem",
            ArtifactKind::ContainerImage => "container image",
            ArtifactKind::Repository => "repository",
            ArtifactKind::Sbom => "sbom",
        },
        report.tool.name
    ));
    packages.push(root);
    relationships.push(rel("SPDXRef-DOCUMENT", "DESCRIBES", &root_id));

    for result in report.results.iter().filter(|r| crate::common::in_inventory(r)) {
        let result_id = ids.allocate([format!("SPDXRef-Result-{}", sanitize_idstring(&result.target))]);
        let mut pkg = SpdxPackage::new(&result.target, result_id.clone(), "APPLICATION");
        let mut comment = Vec::new();
        if let Some(a) = &result.analyzer {
            comment.push(format!("analyzer: {a}"));
        }
        if let Some(e) = result.ecosystem {
            comment.push(format!("ecosystem: {}", e.osv_name()));
        }
        pkg.comment = Some(comment.join("; ")).filter(|c| !c.is_empty());
        packages.push(pkg);
        relationships.push(rel(&root_id, "CONTAINS", &result_id));

        // Package id -> (SPDX id, dev flag), first package wins on a duplicate id.
        let mut by_pkg_id: HashMap<&str, (String, bool)> = HashMap::new();
        let mut spdx_ids = Vec::with_capacity(result.packages.len());
        for p in &result.packages {
            let id = ids.allocate([format!(
                "SPDXRef-Package-{}-{}",
                p.ecosystem.purl_type(),
                sanitize_idstring(&crate::common::package_id(&p.name, &p.version))
            )]);
            by_pkg_id.entry(p.id.as_str()).or_insert_with(|| (id.clone(), p.dev));
            spdx_ids.push(id);
        }

        for (p, id) in result.packages.iter().zip(&spdx_ids) {
            packages.push(package(p, id.clone(), &mut licenses));
            relationships.push(rel(&result_id, "CONTAINS", id));
            if p.dev {
                relationships.push(rel(id, "DEV_DEPENDENCY_OF", &result_id));
            } else if is_top_level(p) {
                relationships.push(rel(&result_id, "DEPENDS_ON", id));
            }
            let mut seen = std::collections::HashSet::new();
            for dep in &p.depends_on {
                if let Some((dep_id, dep_dev)) = by_pkg_id.get(dep.as_str())
                    && dep_id != id
                    && seen.insert(dep_id)
                {
                    // An edge to a development package (from a non-dev one) is a dev edge.
                    if *dep_dev && !p.dev {
                        relationships.push(rel(dep_id, "DEV_DEPENDENCY_OF", id));
                    } else {
                        relationships.push(rel(id, "DEPENDS_ON", dep_id));
                    }
                }
            }
        }
    }

    Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name: if report.target.trim().is_empty() { "unknown".to_string() } else { report.target.clone() },
        document_namespace,
        creation_info: CreationInfo {
            created: normalize_timestamp(&report.created_at),
            creators: vec![format!("Tool: {}-{}", report.tool.name, report.tool.version)],
        },
        packages,
        relationships,
        has_extracted_licensing_infos: licenses.into_infos(),
    }
}

fn package(p: &Package, spdx_id: String, licenses: &mut LicenseRefs) -> SpdxPackage {
    let mut pkg = SpdxPackage::new(&p.name, spdx_id, "LIBRARY");
    pkg.version_info = Some(p.version.clone()).filter(|v| !v.is_empty());
    pkg.license_declared = licenses.declared(&p.licenses);
    if !p.purl.is_empty() {
        pkg.external_refs.push(ExternalRef {
            reference_category: "PACKAGE-MANAGER",
            reference_type: "purl",
            reference_locator: p.purl.clone(),
        });
    }
    if !p.locations.is_empty() {
        let locs: Vec<String> = p.locations.iter().map(location_str).collect();
        pkg.source_info = Some(format!("found in {}", locs.join(", ")));
    }
    let mut comment = vec![format!("ecosystem: {}", p.ecosystem.osv_name())];
    if let Some(r) = relationship_str(p.relationship) {
        comment.push(format!("relationship: {r}"));
    }
    if p.dev {
        comment.push("development dependency".to_string());
    }
    pkg.comment = Some(comment.join("; "));
    pkg
}

/// The `LicenseRef-`s of the document and what they stand for.
#[derive(Debug, Default)]
struct LicenseRefs {
    ids: UniqueIds,
    /// Free-form licence name -> its `LicenseRef-` id.
    by_name: HashMap<String, String>,
    /// `LicenseRef-` id -> (name, text), sorted for a stable output.
    infos: BTreeMap<String, (String, String)>,
}

impl LicenseRefs {
    /// The `licenseDeclared` value for these licence strings.
    fn declared(&mut self, raw: &[String]) -> String {
        let mut terms: Vec<String> = Vec::new();
        for l in meaningful(raw) {
            let term = match License::classify(l) {
                License::Id(id) => id,
                License::Expression(e) => match self.register_refs(&e) {
                    true => e,
                    false => self.named(l),
                },
                License::Name(name) => self.named(&name),
            };
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        match terms.len() {
            0 => NOASSERTION.to_string(),
            1 => terms.into_iter().next().unwrap_or_else(|| NOASSERTION.to_string()),
            _ => terms.iter().map(|t| License::as_term(t)).collect::<Vec<_>>().join(" AND "),
        }
    }

    /// Declares the `LicenseRef-`s an expression uses; false when it refers to another
    /// document (`DocumentRef-`), which this document cannot declare.
    fn register_refs(&mut self, expression: &str) -> bool {
        let Ok(parsed) = Expression::parse_mode(expression, ParseMode::STRICT) else {
            return false;
        };
        let mut refs = Vec::new();
        for req in parsed.requirements() {
            if let LicenseItem::Other(r) = &req.req.license {
                if r.doc_ref.is_some() {
                    return false;
                }
                refs.push(format!("LicenseRef-{}", r.lic_ref));
            }
        }
        for r in refs {
            self.ids.allocate([r.clone()]);
            self.infos.entry(r.clone()).or_insert_with(|| {
                (r.clone(), format!("The package declares the licence {r}; its text is not known."))
            });
        }
        true
    }

    /// The `LicenseRef-` for a licence that is not an SPDX id or expression.
    fn named(&mut self, name: &str) -> String {
        if let Some(id) = self.by_name.get(name) {
            return id.clone();
        }
        let id = self.ids.allocate([format!("LicenseRef-{}", sanitize_idstring(name))]);
        self.by_name.insert(name.to_string(), id.clone());
        self.infos.insert(id.clone(), (name.to_string(), name.to_string()));
        id
    }

    fn into_infos(self) -> Vec<ExtractedLicense> {
        self.infos
            .into_iter()
            .map(|(license_id, (name, extracted_text))| ExtractedLicense { license_id, extracted_text, name })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(l: &[&str]) -> (String, Vec<String>) {
        let mut refs = LicenseRefs::default();
        let l: Vec<String> = l.iter().map(|s| s.to_string()).collect();
        let d = refs.declared(&l);
        (d, refs.into_infos().into_iter().map(|i| i.license_id).collect())
    }

    #[test]
    fn declared_licences() {
        assert_eq!(declared(&[]), ("NOASSERTION".into(), vec![]));
        assert_eq!(declared(&["MIT"]), ("MIT".into(), vec![]));
        assert_eq!(declared(&["NOASSERTION"]), ("NOASSERTION".into(), vec![]));
        assert_eq!(declared(&["MIT", "Apache-2.0 OR ISC"]), ("MIT AND (Apache-2.0 OR ISC)".into(), vec![]));
        assert_eq!(
            declared(&["Apache License 2.0 (custom)", "BSD"]),
            (
                "LicenseRef-Apache-License-2.0-custom AND LicenseRef-BSD".into(),
                vec!["LicenseRef-Apache-License-2.0-custom".into(), "LicenseRef-BSD".into()]
            )
        );
        assert_eq!(
            declared(&["MIT OR LicenseRef-Acme"]),
            ("MIT OR LicenseRef-Acme".into(), vec!["LicenseRef-Acme".into()])
        );
        assert_eq!(
            declared(&["DocumentRef-x:LicenseRef-y"]),
            (
                "LicenseRef-DocumentRef-x-LicenseRef-y".into(),
                vec!["LicenseRef-DocumentRef-x-LicenseRef-y".into()]
            )
        );
    }

    #[test]
    fn named_licences_that_sanitise_alike_get_distinct_refs() {
        assert_eq!(
            declared(&["Foo Bar", "Foo_Bar"]),
            (
                "LicenseRef-Foo-Bar AND LicenseRef-Foo-Bar-2".into(),
                vec!["LicenseRef-Foo-Bar".into(), "LicenseRef-Foo-Bar-2".into()]
            )
        );
    }
}
