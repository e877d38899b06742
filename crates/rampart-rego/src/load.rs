//! Finding, parsing and indexing policy files and data documents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rampart_misconfig::yaml::{Tags, load_all};
use regorus::{Engine, Value};

use crate::metadata::Metadata;
use crate::{Convention, Namespaces, Package, Policies, RegoError};

/// Trivy's `data.lib.result` helper: `result.new(msg, cause)` returns the message with the lines
/// of its cause (`__defsec_metadata` or the `StartLine`/`EndLine` of a Dockerfile command).
const LIB_RESULT: &str = r#"package lib.result

import rego.v1

_meta(cause) := object.get(cause, "__defsec_metadata", cause) if is_object(cause)

_meta(cause) := {} if not is_object(cause)

_line(m, lower, upper) := object.get(m, lower, object.get(m, upper, 0))

new(message, cause) := {
	"msg": message,
	"startline": _line(_meta(cause), "startline", "StartLine"),
	"endline": _line(_meta(cause), "endline", "EndLine"),
}
"#;
const LIB_RESULT_PATH: &str = "<rampart>/lib/result.rego";

/// Trivy's `result.new(msg, cause)` builtin: the message with the lines of its cause (its
/// `__defsec_metadata`, or the `StartLine`/`EndLine` of a Dockerfile command).
fn result_new(args: Vec<Value>) -> anyhow::Result<Value> {
    let mut args = args.into_iter();
    let msg = args.next().unwrap_or(Value::Undefined);
    let cause = args.next().unwrap_or(Value::Undefined);
    let field = |v: &Value, k: &str| match v {
        Value::Object(_) => v[&Value::from(k)].clone(),
        _ => Value::Undefined,
    };
    let meta = match field(&cause, "__defsec_metadata") {
        m @ Value::Object(_) => m,
        _ => cause,
    };
    let line = |lower: &str, upper: &str| match (field(&meta, lower), field(&meta, upper)) {
        (n @ Value::Number(_), _) | (_, n @ Value::Number(_)) => n,
        _ => Value::from(0u64),
    };
    let mut out = std::collections::BTreeMap::new();
    out.insert(Value::from("msg"), msg);
    out.insert(Value::from("startline"), line("startline", "StartLine"));
    out.insert(Value::from("endline"), line("endline", "EndLine"));
    Ok(Value::from(out))
}

/// Deepest directory nesting followed (guards against symlink loops).
const MAX_DEPTH: usize = 32;

pub(crate) fn load(paths: &[PathBuf]) -> Result<Policies, RegoError> {
    let mut rego = Vec::new();
    let mut data = Vec::new();
    for p in paths {
        walk(p, 0, true, &mut rego, &mut data)?;
    }
    rego.sort();
    rego.dedup();
    data.sort();
    data.dedup();

    let mut engine = Engine::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    for file in &rego {
        let name = file.display().to_string();
        let text =
            std::fs::read_to_string(file).map_err(|source| RegoError::Io { path: name.clone(), source })?;
        add_policy(&mut engine, &name, &text)?;
        sources.push((name, text));
    }
    engine.set_rego_v0(false);
    let components = engine.get_policy_package_components().map_err(|e| parse_error("", &e))?;
    if !components.iter().any(|c| c.components == ["lib", "result"]) {
        engine
            .add_policy(LIB_RESULT_PATH.to_string(), LIB_RESULT.to_string())
            .map_err(|e| parse_error(LIB_RESULT_PATH, &e))?;
    }
    engine
        .add_extension("result.new".into(), 2, Box::new(result_new))
        .map_err(|e| parse_error(LIB_RESULT_PATH, &e))?;
    for file in &data {
        add_data(&mut engine, file)?;
    }

    // Group the modules by package.
    let texts: BTreeMap<&str, &str> = sources.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let mut packages: BTreeMap<String, Package> = BTreeMap::new();
    let mut rego_meta: Vec<(String, String, Vec<&str>)> = Vec::new(); // (package, file, __rego_* documents)
    for module in &components {
        let Some(text) = texts.get(module.source_file.as_str()) else { continue };
        let file = module.source_file.clone();
        let path = module.components.join(".");
        let package = packages.entry(path.clone()).or_insert_with(|| Package {
            query: query_prefix(&module.components),
            path: path.clone(),
            rules: Vec::new(),
            meta: Metadata::default(),
            convention: Convention::Conftest,
            exception: false,
        });
        for rule in candidate_rules(text) {
            let declared =
                engine.has_declared_rule_rooted_at(&file, &rule).map_err(|e| parse_error(&file, &e))?;
            if declared && rule == "exception" {
                package.exception = true;
            } else if declared && !package.rules.iter().any(|(r, _)| *r == rule) {
                package.rules.push((rule, file.clone()));
            }
        }
        let comments = Metadata::from_comments(text)
            .map_err(|message| RegoError::Metadata { path: file.clone(), message })?;
        if let Some(m) = comments {
            package.meta.merge(m);
        }
        let mut declared = Vec::new();
        for doc in ["__rego_metadata__", "__rego_input__"] {
            if engine.has_declared_rule_rooted_at(&file, doc).map_err(|e| parse_error(&file, &e))? {
                declared.push(doc);
            }
        }
        if !declared.is_empty() {
            rego_meta.push((path.clone(), file.clone(), declared));
        }
    }
    engine.set_input(Value::new_object());
    for (path, file, declared) in rego_meta {
        let Some(package) = packages.get_mut(&path) else { continue };
        let mut get = |doc: &str| -> Result<Option<serde_json::Value>, RegoError> {
            if !declared.contains(&doc) {
                return Ok(None);
            }
            let v = engine
                .eval_rule(format!("{}.{doc}", package.query))
                .map_err(|e| RegoError::Metadata { path: file.clone(), message: format!("{doc}: {e}") })?;
            Ok((v != Value::Undefined).then(|| serde_json::to_value(&v).unwrap_or(serde_json::Value::Null)))
        };
        let meta = get("__rego_metadata__")?;
        let input = get("__rego_input__")?;
        let m = Metadata::from_rego(meta.as_ref(), input.as_ref())
            .map_err(|message| RegoError::Metadata { path: file.clone(), message })?;
        package.meta.merge(m);
    }

    let packages: Vec<Package> = packages
        .into_values()
        .filter(|p| !p.rules.is_empty())
        .map(|mut p| {
            if p.meta.trivy || p.path.starts_with("user.") || p.path.starts_with("builtin.") {
                p.convention = Convention::Trivy;
            }
            p.rules.sort();
            p
        })
        .collect();
    // Prepare the engine once (analysis, rule gathering) so that worker clones start ready.
    engine.set_input(Value::new_object());
    if let Some(p) = packages.first()
        && let Some((rule, file)) = p.rules.first()
    {
        engine.eval_rule(format!("{}.{rule}", p.query)).map_err(|e| RegoError::Eval {
            policy: file.clone(),
            rule: format!("{}.{rule}", p.path),
            input: "{}".into(),
            message: e.to_string(),
        })?;
    }
    Ok(Policies {
        engine,
        packages,
        namespaces: Namespaces::default(),
        files: sources.into_iter().map(|(n, _)| n).collect(),
    })
}

/// Collects `.rego` files (not `_test.rego`) and data documents under `path`.
fn walk(
    path: &Path,
    depth: usize,
    explicit: bool,
    rego: &mut Vec<PathBuf>,
    data: &mut Vec<PathBuf>,
) -> Result<(), RegoError> {
    let io = |source| RegoError::Io { path: path.display().to_string(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(path).map_err(io)?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            let hidden = entry.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
            if !hidden {
                walk(&entry, depth + 1, false, rego, data)?;
            }
        }
        return Ok(());
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
    if name.ends_with(".rego") {
        if explicit || !name.ends_with("_test.rego") {
            rego.push(path.to_path_buf());
        }
    } else if [".json", ".yaml", ".yml"].iter().any(|e| name.ends_with(e)) {
        data.push(path.to_path_buf());
    }
    Ok(())
}

/// Parses a policy as Rego v1, else as v0; on failure reports the error of the syntax that got
/// further into the file.
fn add_policy(engine: &mut Engine, name: &str, text: &str) -> Result<(), RegoError> {
    engine.set_rego_v0(false);
    let v1 = match engine.add_policy(name.to_string(), text.to_string()) {
        Ok(_) => return Ok(()),
        Err(e) => parse_error(name, &e),
    };
    engine.set_rego_v0(true);
    let v0 = match engine.add_policy(name.to_string(), text.to_string()) {
        Ok(_) => return Ok(()),
        Err(e) => parse_error(name, &e),
    };
    let line = |e: &RegoError| match e {
        RegoError::Parse { line, .. } => *line,
        _ => 0,
    };
    let declares_v1 = text.lines().any(|l| l.trim() == "import rego.v1");
    Err(if declares_v1 || line(&v1) >= line(&v0) { v1 } else { v0 })
}

/// A regorus error as a [`RegoError::Parse`]: regorus writes `--> file:line:col`, the source
/// line, then `error: message`.
fn parse_error(name: &str, e: &impl std::fmt::Display) -> RegoError {
    let full = e.to_string();
    let prefix = format!("{name}:");
    let line = full
        .find(&prefix)
        .map(|at| full[at + prefix.len()..].chars().take_while(|c| c.is_ascii_digit()).collect::<String>())
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    let message = full
        .lines()
        .find_map(|l| l.trim().strip_prefix("error:"))
        .or_else(|| full.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("invalid policy")
        .trim()
        .to_string();
    RegoError::Parse { path: name.to_string(), line, message }
}

/// Merges a JSON or YAML data document (every document of a multi-document YAML) into `data`.
fn add_data(engine: &mut Engine, file: &Path) -> Result<(), RegoError> {
    let name = file.display().to_string();
    let text =
        std::fs::read_to_string(file).map_err(|source| RegoError::Io { path: name.clone(), source })?;
    // Example configuration kept next to the policies (a test Deployment, a template) is not data.
    if rampart_misconfig::detect(&name, &text).is_some() {
        return Ok(());
    }
    let err = |line: u32, message: String| RegoError::Data { path: name.clone(), line, message };
    let docs: Vec<serde_json::Value> = if name.to_ascii_lowercase().ends_with(".json") {
        vec![serde_json::from_str(&text).map_err(|e| err(e.line() as u32, e.to_string()))?]
    } else {
        load_all(&text, Tags::Ignore)
            .map_err(|e| err(e.line, e.message))?
            .iter()
            .map(|d| d.to_json())
            .collect()
    };
    for doc in docs {
        if doc.is_null() {
            continue;
        }
        if !doc.is_object() {
            return Err(err(1, "a data document must be an object (its keys are merged into `data`)".into()));
        }
        engine.add_data(Value::from(doc)).map_err(|e| err(0, e.to_string()))?;
    }
    Ok(())
}

/// `data.main`, `data.user.kubernetes.ID001`, `data.a["b.c"]`.
fn query_prefix(components: &[String]) -> String {
    let mut q = String::from("data");
    for c in components {
        let ident = c.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
            && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if ident {
            q.push('.');
            q.push_str(c);
        } else {
            q.push('[');
            q.push_str(&serde_json::Value::String(c.clone()).to_string());
            q.push(']');
        }
    }
    q
}

/// Names at the start of a line that look like policy rules (`deny`, `warn_latest`...); the
/// engine then confirms each is a declared rule.
fn candidate_rules(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let ident: String =
            line.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let policy = ident == "exception"
            || ["deny", "violation", "warn"]
                .iter()
                .any(|p| ident == *p || ident.strip_prefix(p).is_some_and(|r| r.starts_with('_')));
        if policy && !out.contains(&ident) {
            out.push(ident);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_candidate_rules() {
        let src = "package main\ndeny[msg] {\n  true\n}\nwarn_latest contains m if { m := 1 }\ndenylist := []\nviolation_x = 1\nexception[r] { r := [] }\n";
        assert_eq!(candidate_rules(src), ["deny", "warn_latest", "violation_x", "exception"]);
    }

    #[test]
    fn quotes_odd_package_components() {
        assert_eq!(query_prefix(&["main".into()]), "data.main");
        assert_eq!(query_prefix(&["a".into(), "b.c".into()]), "data.a[\"b.c\"]");
    }
}
