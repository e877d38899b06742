//! Infrastructure-as-code misconfiguration scanning.
//!
//! Files are recognised by [`detect`], parsed into line-spanned [`value::Node`] trees, and checked
//! by the built-in checks of three families:
//!
//! - [`k8s`]: Kubernetes manifests (`RMP-K8S-*`);
//! - [`docker`]: Dockerfiles and image configs (`RMP-DS-*`);
//! - [`aws`]: AWS resources from [`terraform`] and [`cloudformation`], translated into one cloud
//!   model so each `RMP-AWS-*` check is written once.
//!
//! Every check is one file holding its documented [`CheckMeta`] and its code. [`scan`] applies
//! inline suppressions (`# rampart:ignore:RMP-K8S-0001 reason`) and returns findings as report
//! [`Misconfiguration`]s with the lines and snippet of the source. Libraries never print.

pub mod aws;
pub mod check;
pub mod cloud;
pub mod cloudformation;
pub mod docker;
pub mod docs;
pub mod frameworks;
pub mod k8s;
mod suppress;
pub mod terraform;
pub mod value;
pub mod yaml;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rampart_model::{CodeLine, Misconfiguration, Suppression};

pub use check::{CheckMeta, ConfigType, FamilyOutput, FileError, Finding, PolicyInput, SourceFile};

/// Files larger than this are not read as configuration.
pub const MAX_CONFIG_SIZE: u64 = 32 << 20;
/// Most lines kept in a finding's snippet.
const MAX_SNIPPET_LINES: usize = 12;

/// Every built-in check, sorted by id.
pub fn checks() -> Vec<&'static CheckMeta> {
    let mut all = k8s::checks();
    all.extend(docker::checks());
    all.extend(aws::checks());
    all.sort_by_key(|c| c.id);
    all
}

/// The check with this id.
pub fn check(id: &str) -> Option<&'static CheckMeta> {
    checks().into_iter().find(|c| c.id.eq_ignore_ascii_case(id))
}

/// True when a file of this path may be a configuration file (decided on the name alone, before
/// reading it): Dockerfiles, `.tf`/`.tfvars`, YAML, JSON and `.template` files.
pub fn is_candidate(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    is_dockerfile_name(&lower)
        || [".tf", ".tfvars", ".tf.json", ".yaml", ".yml", ".json", ".template"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

fn is_dockerfile_name(lower: &str) -> bool {
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

/// What kind of configuration `path` holds, from its name and (for YAML/JSON) its content.
pub fn detect(path: &str, text: &str) -> Option<ConfigType> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if is_dockerfile_name(&lower) {
        return Some(ConfigType::Dockerfile);
    }
    if lower.ends_with(".tf")
        || lower.ends_with(".tfvars")
        || lower.ends_with(".tf.json")
        || lower.ends_with(".tfvars.json")
    {
        return Some(ConfigType::Terraform);
    }
    let yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    let json = lower.ends_with(".json");
    if !(yaml || json || lower.ends_with(".template")) {
        return None;
    }
    if json
        && text.contains("\"terraform_version\"")
        && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
    {
        return Some(ConfigType::TerraformPlan);
    }
    if looks_like_cloudformation(text) {
        return Some(ConfigType::CloudFormation);
    }
    if looks_like_kubernetes(text) {
        // Helm templates are not YAML until rendered.
        if path.split('/').any(|c| c == "templates") && text.contains("{{") {
            return None;
        }
        return Some(ConfigType::Kubernetes);
    }
    None
}

/// A template declares its format version, or has a top-level `Resources` with `AWS::` types
/// (other JSON that merely mentions them, such as AWS SDK models, is not a template).
fn looks_like_cloudformation(text: &str) -> bool {
    static TOP_RESOURCES: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?m)^(Resources\s*:|\s{0,4}"Resources"\s*:\s*\{)"#).expect("regex")
    });
    static AWS_TYPE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?m)(^\s+Type\s*:\s*['"]?AWS::|"Type"\s*:\s*"AWS::)"#).expect("regex")
    });
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("AWS::") && TOP_RESOURCES.is_match(text) && AWS_TYPE.is_match(text))
}

/// A manifest has `apiVersion` and `kind` keys with text values (YAML at the start of a line, or
/// JSON string members), not just the words.
fn looks_like_kubernetes(text: &str) -> bool {
    static API_VERSION: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?m)(^\s*(- )?apiVersion\s*:\s*['"]?[a-zA-Z]|"apiVersion"\s*:\s*"[a-z][a-zA-Z0-9.-]*(/v|v)[0-9])"#)
            .expect("regex")
    });
    static KIND: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?m)(^\s*(- )?kind\s*:\s*['"]?[A-Z]|"kind"\s*:\s*"[A-Z])"#).expect("regex")
    });
    text.contains("apiVersion") && text.contains("kind") && API_VERSION.is_match(text) && KIND.is_match(text)
}

/// Everything [`scan`] found.
#[derive(Debug, Default)]
pub struct ScanOutput {
    /// Per file (relative path): its kind and findings, sorted by line then id.
    pub files: BTreeMap<String, FileResult>,
    /// Files (or parts of files) that could not be read.
    pub errors: Vec<FileError>,
    /// The parsed documents, for custom policies.
    pub inputs: Vec<PolicyInput>,
}

/// One configuration file's result.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub config_type: ConfigType,
    pub misconfigurations: Vec<Misconfiguration>,
    /// Checks evaluated on the file that passed.
    pub passed: usize,
}

/// Scans configuration files of any kind (each with its [`ConfigType`] from [`detect`]).
pub fn scan(files: &[SourceFile]) -> ScanOutput {
    let by_type = |t: &[ConfigType]| files.iter().filter(|f| t.contains(&f.config_type)).collect::<Vec<_>>();
    let k8s_files = by_type(&[ConfigType::Kubernetes]);
    let docker_files = by_type(&[ConfigType::Dockerfile, ConfigType::ImageConfig]);
    let tf_files = by_type(&[ConfigType::Terraform, ConfigType::TerraformPlan]);
    let cfn_files = by_type(&[ConfigType::CloudFormation]);

    let ((k8s_out, docker_out), (tf, cfn)) = rayon::join(
        || rayon::join(|| k8s::scan(&k8s_files), || docker::scan(&docker_files)),
        || rayon::join(|| terraform::load(&tf_files), || cloudformation::load(&cfn_files)),
    );
    let mut resources = tf.resources;
    resources.extend(cfn.resources);
    let aws_findings = aws::scan(&resources);

    let mut out = ScanOutput::default();
    let mut findings = Vec::new();
    let mut passed: BTreeMap<String, usize> = BTreeMap::new();
    for family in [k8s_out, docker_out] {
        findings.extend(family.findings);
        out.errors.extend(family.errors);
        out.inputs.extend(family.inputs);
        for (path, n) in family.passed {
            *passed.entry(path).or_default() += n;
        }
    }
    findings.extend(aws_findings);
    for loaded in [tf.errors, cfn.errors] {
        out.errors.extend(loaded);
    }
    out.inputs.extend(tf.inputs);
    out.inputs.extend(cfn.inputs);

    let texts: BTreeMap<&str, &SourceFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut suppressions: BTreeMap<&str, suppress::Inline> = BTreeMap::new();
    for f in files {
        out.files.insert(
            f.path.clone(),
            FileResult {
                config_type: f.config_type,
                misconfigurations: Vec::new(),
                passed: passed.get(&f.path).copied().unwrap_or(0),
            },
        );
    }
    for finding in findings {
        let source = texts.get(finding.path.as_str());
        let inline = source
            .map(|s| suppressions.entry(s.path.as_str()).or_insert_with(|| suppress::Inline::parse(&s.text)));
        // A finding's file is one of `files`; the fallback only guards against a family naming
        // another path.
        let config_type = source.map(|s| s.config_type).unwrap_or(ConfigType::Terraform);
        let mut m = to_model(&finding, config_type, source.map(|s| s.text.as_str()));
        if let Some(hit) = inline.and_then(|i| i.matching(finding.check.id, finding.span)) {
            m.suppressed = Some(Suppression {
                kind: "inline".into(),
                source: format!("{}:{}", finding.path, hit.line),
                reason: hit.reason.clone(),
                justification: None,
            });
        }
        out.files
            .entry(finding.path.clone())
            .or_insert_with(|| FileResult { config_type, misconfigurations: Vec::new(), passed: 0 })
            .misconfigurations
            .push(m);
    }
    for result in out.files.values_mut() {
        result
            .misconfigurations
            .sort_by(|a, b| (a.start_line, &a.id, &a.resource).cmp(&(b.start_line, &b.id, &b.resource)));
        result.misconfigurations.dedup_by(|a, b| {
            a.id == b.id && a.resource == b.resource && a.start_line == b.start_line && a.message == b.message
        });
    }
    out.errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out
}

/// A finding in a file of `config_type` as a report entry, with its snippet from `text`.
pub fn to_model(finding: &Finding, config_type: ConfigType, text: Option<&str>) -> Misconfiguration {
    let check = finding.check;
    let span = finding.span;
    Misconfiguration {
        id: check.id.to_string(),
        severity: check.severity,
        aliases: check.peers.iter().map(|p| p.to_string()).collect(),
        title: check.title.to_string(),
        message: finding.message.clone(),
        description: check.description.to_string(),
        resolution: check.remediation.to_string(),
        references: check.references.iter().map(|r| r.to_string()).collect(),
        config_type: config_type.as_str().to_string(),
        service: Some(check.service.to_string()).filter(|s| !s.is_empty()),
        resource: finding.resource.clone(),
        start_line: span.is_known().then_some(span.start),
        end_line: span.is_known().then_some(span.end),
        code: text.map(|t| snippet(t, span)).unwrap_or_default(),
        controls: check.controls.iter().map(|c| c.to_string()).collect(),
        source: "builtin".into(),
        warning: false,
        layer: None,
        suppressed: None,
    }
}

/// The lines of `span` in `text` (at most [`MAX_SNIPPET_LINES`], each capped at 200 chars).
pub fn snippet(text: &str, span: Span) -> Vec<CodeLine> {
    if !span.is_known() {
        return Vec::new();
    }
    text.lines()
        .enumerate()
        .skip(span.start as usize - 1)
        .take(((span.end - span.start) as usize + 1).min(MAX_SNIPPET_LINES))
        .map(|(i, line)| {
            let mut content: String = line.chars().take(200).collect();
            if content.len() < line.len() {
                content.push('…');
            }
            CodeLine { number: i as u32 + 1, content }
        })
        .collect()
}

use value::Span;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_kinds() {
        assert_eq!(detect("a/Dockerfile", ""), Some(ConfigType::Dockerfile));
        assert_eq!(detect("Dockerfile.prod", ""), Some(ConfigType::Dockerfile));
        assert_eq!(detect("x/app.dockerfile", ""), Some(ConfigType::Dockerfile));
        assert_eq!(detect("Containerfile", ""), Some(ConfigType::Dockerfile));
        assert_eq!(detect("main.tf", ""), Some(ConfigType::Terraform));
        assert_eq!(detect("prod.tfvars", ""), Some(ConfigType::Terraform));
        assert_eq!(detect("terraform.tfvars.json", "{}"), Some(ConfigType::Terraform));
        assert_eq!(
            detect("plan.json", "{\"terraform_version\": \"1.9\", \"planned_values\": {}}"),
            Some(ConfigType::TerraformPlan)
        );
        assert_eq!(
            detect("t.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}"),
            Some(ConfigType::CloudFormation)
        );
        assert_eq!(detect("d.yaml", "apiVersion: v1\nkind: Pod\n"), Some(ConfigType::Kubernetes));
        assert_eq!(detect("chart/templates/d.yaml", "apiVersion: v1\nkind: {{ .Values.k }}\n"), None);
        assert_eq!(detect("values.yaml", "replicas: 2\n"), None);
        assert_eq!(
            detect("t.json", "{\n  \"Resources\": {\n    \"B\": {\"Type\": \"AWS::S3::Bucket\"}\n  }\n}"),
            Some(ConfigType::CloudFormation)
        );
        assert_eq!(
            detect("t.yml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"),
            Some(ConfigType::CloudFormation)
        );
        assert_eq!(
            detect("k.json", "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\"}"),
            Some(ConfigType::Kubernetes)
        );
        assert_eq!(detect("l.yaml", "- apiVersion: v1\n  kind: Pod\n"), Some(ConfigType::Kubernetes));
        // AWS SDK service models mention Resources, AWS:: types, apiVersion and kind.
        let model = "{\"metadata\": {\"apiVersion\": \"2017-07-25\"},\n \"shapes\": {\"Resources\": {\"type\": \"list\"},\n \"kind\": {\"shape\": \"S\"}, \"d\": \"AWS::S3::Bucket\"}}";
        assert_eq!(detect("service-2.json", model), None);
        assert_eq!(detect("package.json", "{\"name\": \"x\"}"), None);
        assert_eq!(detect("README.md", "apiVersion kind"), None);
        assert!(is_candidate("deploy/x.YML") && is_candidate("Dockerfile") && !is_candidate("main.go"));
    }

    #[test]
    fn snippets() {
        let text = "a\nb\nc\nd\n";
        let s = snippet(text, Span::new(2, 3));
        assert_eq!(
            s.iter().map(|l| (l.number, l.content.as_str())).collect::<Vec<_>>(),
            [(2, "b"), (3, "c")]
        );
        assert!(snippet(text, Span::UNKNOWN).is_empty());
        assert_eq!(snippet(text, Span::new(4, 9)).len(), 1);
    }

    #[test]
    fn check_ids_are_unique_and_documented() {
        let all = checks();
        let mut ids: Vec<&str> = all.iter().map(|c| c.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "duplicate check ids");
        for c in all {
            assert!(c.id.starts_with("RMP-"), "{}", c.id);
            for field in [c.title, c.description, c.remediation, c.bad_example, c.good_example] {
                assert!(!field.trim().is_empty(), "{}: every field is documented", c.id);
            }
            for control in c.controls {
                assert!(frameworks::control(control).is_some(), "{}: unknown control {control}", c.id);
            }
        }
    }
}

#[cfg(test)]
mod docs_tests {
    /// `docs/checks.md` is generated: regenerate it with
    /// `RAMPART_BLESS=1 cargo test -p rampart-misconfig checks_page` (or `rampart config --list-checks markdown`).
    #[test]
    fn checks_page_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md");
        let expected = crate::docs::markdown();
        if std::env::var_os("RAMPART_BLESS").is_some() {
            std::fs::write(&path, &expected).expect("writing docs/checks.md");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "docs/checks.md is out of date: run RAMPART_BLESS=1 cargo test -p rampart-misconfig checks_page"
        );
    }
}
