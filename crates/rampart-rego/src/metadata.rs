//! Trivy check metadata: a `# METADATA` comment block (YAML) above the package, or the
//! `__rego_metadata__` and `__rego_input__` documents.

use rampart_misconfig::yaml::{Tags, load_all};
use rampart_misconfig::{ConfigType, PolicyInput};
use rampart_model::Severity;
use serde_json::Value as Json;

/// What a policy package says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub severity: Option<Severity>,
    pub resolution: Option<String>,
    pub references: Vec<String>,
    /// Trivy input selector types (`kubernetes`, `dockerfile`...); `None` when not given.
    pub selectors: Option<Vec<String>>,
    /// True when any Trivy metadata was found (the package follows Trivy's conventions).
    pub trivy: bool,
}

impl Metadata {
    /// Fills the fields still unset from `other`.
    pub(crate) fn merge(&mut self, other: Metadata) {
        self.id = self.id.take().or(other.id);
        self.title = self.title.take().or(other.title);
        self.description = self.description.take().or(other.description);
        self.severity = self.severity.or(other.severity);
        self.resolution = self.resolution.take().or(other.resolution);
        if self.references.is_empty() {
            self.references = other.references;
        }
        self.selectors = self.selectors.take().or(other.selectors);
        self.trivy |= other.trivy;
    }

    /// Reads `__rego_metadata__` (and `__rego_input__` into `selectors`).
    pub(crate) fn from_rego(meta: Option<&Json>, input: Option<&Json>) -> Result<Metadata, String> {
        let mut m = Metadata { trivy: meta.is_some() || input.is_some(), ..Metadata::default() };
        if let Some(meta) = meta {
            if !meta.is_object() {
                return Err("__rego_metadata__ is not an object".into());
            }
            m.id = text(meta, &["id", "avd_id"]);
            m.title = text(meta, &["title"]);
            m.description = text(meta, &["description"]);
            m.resolution = text(meta, &["recommended_actions", "recommended_action", "resolution"]);
            m.severity = severity(meta)?;
            m.references =
                references(meta.get("url")).into_iter().chain(references(meta.get("references"))).collect();
        }
        if let Some(input) = input {
            m.selectors = selectors(input)?;
        }
        Ok(m)
    }

    /// Reads the `# METADATA` block of a policy file's source (the one above `package`, or one
    /// with `scope: package`). `Ok(None)` when the file has none.
    pub(crate) fn from_comments(source: &str) -> Result<Option<Metadata>, String> {
        let Some(block) = package_block(source) else { return Ok(None) };
        let docs = load_all(&block, Tags::Ignore)
            .map_err(|e| format!("METADATA block, line {}: {}", e.line, e.message))?;
        let Some(doc) = docs.first().map(|d| d.to_json()) else { return Ok(None) };
        if !doc.is_object() {
            return Err("METADATA block is not a YAML mapping".into());
        }
        let custom = doc.get("custom").cloned().unwrap_or(Json::Null);
        let mut m = Metadata {
            id: text(&custom, &["id", "avd_id"]),
            title: text(&doc, &["title"]),
            description: text(&doc, &["description"]),
            severity: severity(&custom)?,
            resolution: text(&custom, &["recommended_actions", "recommended_action", "resolution"]),
            references: references(doc.get("related_resources")),
            selectors: None,
            trivy: custom.is_object(),
        };
        if let Some(input) = custom.get("input") {
            m.selectors = selectors(input)?;
        }
        Ok(Some(m))
    }

    /// True when this (Trivy) policy runs on `input`: no selector, or a selector naming its type.
    pub(crate) fn selects(&self, input: &PolicyInput) -> bool {
        match &self.selectors {
            None => true,
            Some(types) => types.iter().any(|t| selector_matches(t, input)),
        }
    }
}

/// Trivy's selector type names, matched against the input's kind.
fn selector_matches(selector: &str, input: &PolicyInput) -> bool {
    let lower_path = input.path.to_ascii_lowercase();
    let ext = |e: &[&str]| e.iter().any(|e| lower_path.ends_with(e));
    match selector.to_ascii_lowercase().as_str() {
        "kubernetes" | "rbac" => input.config_type == ConfigType::Kubernetes,
        "dockerfile" => matches!(input.config_type, ConfigType::Dockerfile | ConfigType::ImageConfig),
        "cloudformation" => input.config_type == ConfigType::CloudFormation,
        "terraform" | "terraform-raw" | "terraform_raw" | "hcl" => input.config_type == ConfigType::Terraform,
        "terraformplan" | "terraform-plan" | "terraformplan-json" | "terraform-plan-json" => {
            input.config_type == ConfigType::TerraformPlan
        }
        "yaml" => ext(&[".yaml", ".yml"]),
        "json" => ext(&[".json"]),
        // `cloud` (Trivy's adapted cloud state), `defsec`, `toml`, `helm`...: not available.
        _ => false,
    }
}

fn text(obj: &Json, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match obj.get(*k)? {
        Json::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Json::Array(items) => {
            let lines: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
            (!lines.is_empty()).then(|| lines.join("\n"))
        }
        _ => None,
    })
}

fn severity(obj: &Json) -> Result<Option<Severity>, String> {
    match obj.get("severity") {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => s.parse().map(Some),
        Some(other) => Err(format!("severity {other} is not a string")),
    }
}

/// URLs of `related_resources` (strings or `{ref: url}`), `url`, `references`.
fn references(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Json::String(s) => Some(s.clone()),
                Json::Object(o) => o.get("ref").and_then(|r| r.as_str()).map(str::to_string),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `{"selector": [{"type": "kubernetes"}, ...]}` → the types.
fn selectors(input: &Json) -> Result<Option<Vec<String>>, String> {
    match input.get("selector") {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| {
                i.get("type")
                    .and_then(|t| t.as_str())
                    .map(str::to_string)
                    .ok_or_else(|| format!("input selector {i} has no type"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(format!("input selector {other} is not a list")),
    }
}

/// The YAML text of the package's `# METADATA` block.
fn package_block(source: &str) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let mut blocks: Vec<(usize, String)> = Vec::new(); // (line after the block, yaml)
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "# METADATA" {
            let mut yaml = String::new();
            i += 1;
            while i < lines.len() {
                let t = lines[i].trim_start();
                let Some(rest) = t.strip_prefix('#') else { break };
                yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                yaml.push('\n');
                i += 1;
            }
            blocks.push((i, yaml));
        } else {
            i += 1;
        }
    }
    let package_line = lines.iter().position(|l| l.trim_start().starts_with("package "));
    let is_package_scope = |yaml: &str| yaml.lines().any(|l| l.trim() == "scope: package");
    blocks
        .iter()
        .find(|(after, yaml)| {
            package_line.is_some_and(|p| *after <= p && lines[*after..p].iter().all(|l| l.trim().is_empty()))
                || is_package_scope(yaml)
        })
        .map(|(_, yaml)| yaml.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_metadata_block() {
        let src = "# METADATA\n# title: No latest\n# description: Pin images.\n# related_resources:\n# - https://example.com/a\n# custom:\n#   id: ID002\n#   severity: MEDIUM\n#   recommended_actions: Use a tag.\n#   input:\n#     selector:\n#     - type: dockerfile\npackage user.dockerfile.ID002\n";
        let m = Metadata::from_comments(src).unwrap().unwrap();
        assert_eq!(m.id.as_deref(), Some("ID002"));
        assert_eq!(m.title.as_deref(), Some("No latest"));
        assert_eq!(m.severity, Some(Severity::Medium));
        assert_eq!(m.resolution.as_deref(), Some("Use a tag."));
        assert_eq!(m.references, ["https://example.com/a"]);
        assert_eq!(m.selectors, Some(vec!["dockerfile".to_string()]));
        assert!(m.trivy);
    }

    #[test]
    fn ignores_rule_scoped_blocks_away_from_the_package() {
        let src = "package main\n\n# METADATA\n# title: a rule\ndeny[msg] { msg := \"x\" }\n";
        assert_eq!(Metadata::from_comments(src).unwrap(), None);
        assert!(Metadata::from_comments("# METADATA\n# custom:\n#   severity: BAD\npackage x\n").is_err());
    }

    #[test]
    fn reads_rego_metadata_documents() {
        let meta =
            serde_json::json!({"id": "ID001", "title": "T", "severity": "LOW", "recommended_actions": "fix"});
        let input = serde_json::json!({"selector": [{"type": "kubernetes"}]});
        let m = Metadata::from_rego(Some(&meta), Some(&input)).unwrap();
        assert_eq!((m.id.as_deref(), m.severity), (Some("ID001"), Some(Severity::Low)));
        assert_eq!(m.selectors, Some(vec!["kubernetes".to_string()]));
        assert!(Metadata::from_rego(None, Some(&serde_json::json!({"selector": "x"}))).is_err());
    }
}
