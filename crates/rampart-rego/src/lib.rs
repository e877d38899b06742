//! Custom misconfiguration policies in Rego, evaluated with [regorus], following the conventions
//! of Conftest and of Trivy's custom checks so that existing policies run unchanged.
//!
//! - [`Policies::load`] reads every `.rego` file under the given paths (recursively; `_test.rego`
//!   files are skipped), in Rego v1 or v0 syntax (detected per file), plus JSON/YAML data
//!   documents found next to them, merged into `data`.
//! - [`Policies::evaluate`] runs the `deny`, `violation` and `warn` rules (and their `deny_*`,
//!   `violation_*`, `warn_*` variants) of every package in the selected namespaces on each
//!   [`PolicyInput`], in parallel, and returns one [`PolicyFinding`] per result.
//!
//! Conftest-style packages (`package main`) see the Conftest input shape
//! ([`PolicyInput::conftest_input`] when set); Trivy-style packages (`package user.*`, or any
//! package with `__rego_metadata__`, `__rego_input__` or a `# METADATA` block with `custom`) see
//! Trivy's shape and only the inputs their selector names. Trivy's `data.lib.result` helper
//! (`result.new(msg, cause)`) is provided; Trivy's other embedded libraries are not.
//!
//! Libraries never print: problems are [`RegoError`]s naming the file and line.

mod input;
mod load;
mod metadata;

use std::path::PathBuf;

use rampart_misconfig::value::Span;
use rampart_misconfig::{ConfigType, PolicyInput};
use rampart_model::{Misconfiguration, Severity};
use rayon::prelude::*;
use regorus::Value;

pub use input::trivy_json;
pub use metadata::Metadata;

/// A problem with the policies: a file that cannot be read or parsed, a data document that is
/// not an object, or a rule that fails when evaluated.
#[derive(Debug, thiserror::Error)]
pub enum RegoError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A Rego syntax error; `line` is 1-based, 0 when unknown.
    #[error("{path}:{line}: {message}")]
    Parse { path: String, line: u32, message: String },
    /// A data document (JSON/YAML next to the policies) that cannot be used.
    #[error("{path}:{line}: {message}")]
    Data { path: String, line: u32, message: String },
    /// A `# METADATA` block or `__rego_metadata__` that cannot be read.
    #[error("{path}: {message}")]
    Metadata { path: String, message: String },
    /// A rule that failed at evaluation (a conflict, a call to an unknown function...).
    #[error("{policy}: evaluating {rule} on {input}: {message}")]
    Eval { policy: String, rule: String, input: String, message: String },
}

/// Which packages run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespaces {
    /// Packages equal to or nested under one of these (Conftest's `--namespace`, Trivy's
    /// `--namespaces`). The default is `["main", "user"]`.
    Only(Vec<String>),
    /// Every package (Conftest's `--all-namespaces`).
    All,
}

impl Default for Namespaces {
    fn default() -> Self {
        Namespaces::Only(vec!["main".into(), "user".into()])
    }
}

impl Namespaces {
    fn includes(&self, package: &str) -> bool {
        match self {
            Namespaces::All => true,
            Namespaces::Only(list) => list.iter().any(|ns| {
                package == ns || (package.starts_with(ns.as_str()) && package[ns.len()..].starts_with('.'))
            }),
        }
    }
}

/// The input convention a package follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    /// `package main`, input in Conftest's shape, runs on every input.
    Conftest,
    /// `package user.*` or Trivy metadata, input in Trivy's shape, runs on the inputs its
    /// selector names (every input when it has none).
    Trivy,
}

/// One Rego package holding policy rules.
#[derive(Debug, Clone)]
pub(crate) struct Package {
    /// Dotted package path without `data.` (`main`, `user.kubernetes.ID001`).
    pub path: String,
    /// The rule reference prefix for queries (`data.main`, `data.a["b.c"]`).
    pub query: String,
    /// Policy rules (`deny`, `warn_latest`...) with the file declaring each.
    pub rules: Vec<(String, String)>,
    pub meta: Metadata,
    pub convention: Convention,
    /// Declares Conftest's `exception` rule (names of `deny_<name>`/`violation_<name>` rules
    /// whose results do not count for this input).
    pub exception: bool,
}

/// Loaded, parsed policies, ready to evaluate.
#[derive(Clone)]
pub struct Policies {
    engine: regorus::Engine,
    packages: Vec<Package>,
    namespaces: Namespaces,
    files: Vec<String>,
}

impl std::fmt::Debug for Policies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policies")
            .field("files", &self.files)
            .field("packages", &self.packages.iter().map(|p| &p.path).collect::<Vec<_>>())
            .field("namespaces", &self.namespaces)
            .finish()
    }
}

/// One result of one policy rule on one input.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyFinding {
    /// The input's file.
    pub path: String,
    pub config_type: ConfigType,
    /// Lines of the result: the cause's lines when the result carries them (Trivy's
    /// `result.new`, a `startline`/`endline` in the result object), else the input's.
    pub span: Span,
    pub resource: Option<String>,
    /// The metadata id (`custom.id`, `__rego_metadata__.id`), else `<package>.<rule>`.
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub message: String,
    pub description: String,
    pub resolution: String,
    pub references: Vec<String>,
    /// From a `warn` rule: reported, not counted as a failure.
    pub warning: bool,
    /// The `.rego` file declaring the rule.
    pub policy_file: String,
}

impl PolicyFinding {
    /// The finding as a report entry, with the code lines of `text` (the input file's content).
    pub fn into_misconfiguration(self, text: Option<&str>) -> Misconfiguration {
        let span = self.span;
        Misconfiguration {
            id: self.id,
            severity: self.severity,
            aliases: Vec::new(),
            title: self.title,
            message: self.message,
            description: self.description,
            resolution: self.resolution,
            references: self.references,
            config_type: self.config_type.as_str().to_string(),
            service: None,
            resource: self.resource,
            start_line: span.is_known().then_some(span.start),
            end_line: span.is_known().then_some(span.end),
            code: text.map(|t| rampart_misconfig::snippet(t, span)).unwrap_or_default(),
            controls: Vec::new(),
            source: self.policy_file,
            warning: self.warning,
            layer: None,
            suppressed: None,
        }
    }
}

impl Policies {
    /// Loads every `.rego` file under `paths` (files or directories, recursively; `_test.rego`
    /// skipped) and every `.json`/`.yaml`/`.yml` data document under them.
    pub fn load(paths: &[PathBuf]) -> Result<Policies, RegoError> {
        load::load(paths)
    }

    /// Selects the packages that run (default: `main` and `user.*`).
    pub fn with_namespaces(mut self, namespaces: Namespaces) -> Policies {
        self.namespaces = namespaces;
        self
    }

    /// The policy files loaded.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Packages with policy rules in the selected namespaces: (package, convention, rules).
    pub fn packages(&self) -> Vec<(&str, Convention, Vec<&str>)> {
        self.selected()
            .map(|p| (p.path.as_str(), p.convention, p.rules.iter().map(|(r, _)| r.as_str()).collect()))
            .collect()
    }

    fn selected(&self) -> impl Iterator<Item = &Package> {
        self.packages.iter().filter(|p| self.namespaces.includes(&p.path))
    }

    /// Runs the selected packages' rules on every input, in parallel (one engine clone per
    /// worker). Findings are sorted by file, line and id.
    pub fn evaluate(&self, inputs: &[PolicyInput]) -> Result<Vec<PolicyFinding>, RegoError> {
        let packages: Vec<&Package> = self.selected().collect();
        if packages.is_empty() || inputs.is_empty() {
            return Ok(Vec::new());
        }
        // A few chunks per worker thread, each evaluated by its own engine clone.
        let chunk = inputs.len().div_ceil(rayon::current_num_threads() * 4).max(1);
        let per_chunk: Vec<Result<Vec<PolicyFinding>, RegoError>> = inputs
            .par_chunks(chunk)
            .map(|inputs| {
                let mut engine = self.engine.clone();
                let mut out = Vec::new();
                for input in inputs {
                    out.extend(evaluate_one(&mut engine, &packages, input)?);
                }
                Ok(out)
            })
            .collect();
        let mut out = Vec::new();
        for r in per_chunk {
            out.extend(r?);
        }
        out.sort_by(|a, b| {
            (&a.path, a.span.start, &a.id, &a.message).cmp(&(&b.path, b.span.start, &b.id, &b.message))
        });
        out.dedup();
        Ok(out)
    }
}

fn evaluate_one(
    engine: &mut regorus::Engine,
    packages: &[&Package],
    input: &PolicyInput,
) -> Result<Vec<PolicyFinding>, RegoError> {
    let mut out = Vec::new();
    let mut current: Option<Convention> = None;
    // Conftest packages first, then Trivy ones, so the input is set at most twice.
    let order = packages
        .iter()
        .filter(|p| p.convention == Convention::Conftest)
        .chain(packages.iter().filter(|p| p.convention == Convention::Trivy));
    for package in order {
        if package.convention == Convention::Trivy && !package.meta.selects(input) {
            continue;
        }
        let want = match (package.convention, &input.conftest_input) {
            (Convention::Conftest, Some(_)) => Convention::Conftest,
            _ => Convention::Trivy,
        };
        if current != Some(want) {
            let doc = match want {
                Convention::Conftest => input.conftest_input.as_ref().unwrap_or(&input.input),
                Convention::Trivy => &input.input,
            };
            // Deserialized from the borrowed JSON: no copy of the document first.
            let value = <Value as serde::Deserialize>::deserialize(doc).map_err(|e| RegoError::Eval {
                policy: package.rules.first().map(|(_, f)| f.clone()).unwrap_or_default(),
                rule: "input".into(),
                input: input.path.clone(),
                message: e.to_string(),
            })?;
            engine.set_input(value);
            current = Some(want);
        }
        let excepted = if package.exception { exceptions(engine, package, input)? } else { Vec::new() };
        for (rule, file) in &package.rules {
            let name = rule.split_once('_').map(|(_, n)| n).unwrap_or_default();
            if !name.is_empty() && !rule.starts_with("warn") && excepted.iter().any(|e| e == name) {
                continue;
            }
            let query = format!("{}.{rule}", package.query);
            let value = engine.eval_rule(query).map_err(|e| RegoError::Eval {
                policy: file.clone(),
                rule: format!("{}.{rule}", package.path),
                input: input.path.clone(),
                message: e.to_string(),
            })?;
            for item in results(&value) {
                out.push(finding(package, rule, file, input, item));
            }
        }
    }
    Ok(out)
}

/// The rule names a Conftest `exception` rule exempts on the current input (`exception[rules]
/// { ...; rules := ["run_as_root"] }` exempts `deny_run_as_root`).
fn exceptions(
    engine: &mut regorus::Engine,
    package: &Package,
    input: &PolicyInput,
) -> Result<Vec<String>, RegoError> {
    let value = engine.eval_rule(format!("{}.exception", package.query)).map_err(|e| RegoError::Eval {
        policy: package.rules.first().map(|(_, f)| f.clone()).unwrap_or_default(),
        rule: format!("{}.exception", package.path),
        input: input.path.clone(),
        message: e.to_string(),
    })?;
    let mut names = Vec::new();
    for item in results(&value) {
        match item {
            Value::String(s) => names.push(s.to_string()),
            Value::Array(items) => {
                names.extend(items.iter().filter_map(|i| i.as_string().ok()).map(|s| s.to_string()))
            }
            Value::Set(items) => {
                names.extend(items.iter().filter_map(|i| i.as_string().ok()).map(|s| s.to_string()))
            }
            _ => {}
        }
    }
    Ok(names)
}

/// The individual results of a rule's value: the members of a set or array, a single string or
/// object, or `true` (a failure without a message).
fn results(value: &Value) -> Vec<&Value> {
    match value {
        Value::Set(items) => items.iter().collect(),
        Value::Array(items) => items.iter().collect(),
        Value::String(_) | Value::Object(_) | Value::Bool(true) => vec![value],
        _ => Vec::new(),
    }
}

fn finding(package: &Package, rule: &str, file: &str, input: &PolicyInput, item: &Value) -> PolicyFinding {
    let json = serde_json::to_value(item).unwrap_or(serde_json::Value::Null);
    let warning = rule == "warn" || rule.starts_with("warn_");
    let mut message = String::new();
    let mut severity = None;
    let mut span = input.span;
    match &json {
        serde_json::Value::String(s) => message = s.clone(),
        serde_json::Value::Bool(_) => {}
        serde_json::Value::Object(obj) => {
            message = match obj.get("msg") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => json.to_string(),
            };
            severity = obj.get("severity").and_then(|s| s.as_str()).and_then(|s| s.parse().ok());
            let line = |k: &str, k2: &str| {
                obj.get(k)
                    .or_else(|| obj.get(k2))
                    .and_then(|v| v.as_u64())
                    .filter(|&n| n > 0 && n <= u32::MAX as u64)
            };
            if let Some(start) = line("startline", "StartLine") {
                let end = line("endline", "EndLine").filter(|&e| e >= start).unwrap_or(start);
                span = Span::new(start as u32, end as u32);
            }
        }
        other => message = other.to_string(),
    }
    let meta = &package.meta;
    let default_severity = if warning { Severity::Low } else { Severity::High };
    let id = meta.id.clone().unwrap_or_else(|| format!("{}.{rule}", package.path));
    let title =
        meta.title.clone().unwrap_or_else(|| if message.is_empty() { id.clone() } else { message.clone() });
    if message.is_empty() {
        message = title.clone();
    }
    PolicyFinding {
        path: input.path.clone(),
        config_type: input.config_type,
        span,
        resource: input.resource.clone(),
        id,
        title,
        severity: severity.or(meta.severity).unwrap_or(default_severity),
        message,
        description: meta.description.clone().unwrap_or_default(),
        resolution: meta.resolution.clone().unwrap_or_default(),
        references: meta.references.clone(),
        warning,
        policy_file: file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_match_nested_packages() {
        let ns = Namespaces::default();
        assert!(ns.includes("main"));
        assert!(ns.includes("user.kubernetes.ID001"));
        assert!(!ns.includes("username"));
        assert!(!ns.includes("lib.result"));
        assert!(Namespaces::All.includes("lib.result"));
        assert!(Namespaces::Only(vec!["kubernetes".into()]).includes("kubernetes"));
    }
}
