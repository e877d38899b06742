//! `terraform show -json` plans: the planned resources of the root module and its child modules.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::Loaded;
use crate::check::{ConfigType, FileError, PolicyInput, SourceFile};
use crate::cloud::RawResource;
use crate::value::{Node, Span, Value};

pub fn load(file: &SourceFile, out: &mut Loaded) {
    let plan: Json = match serde_json::from_str(file.text.trim_start_matches('\u{feff}')) {
        Ok(p) => p,
        Err(e) => {
            out.errors.push(FileError::new(&file.path, e.line() as u32, format!("invalid plan JSON: {e}")));
            return;
        }
    };
    // Values known only after apply.
    let mut after_unknown: HashMap<&str, &Json> = HashMap::new();
    for rc in plan.get("resource_changes").and_then(Json::as_array).into_iter().flatten() {
        if let (Some(addr), Some(au)) =
            (rc.get("address").and_then(Json::as_str), rc.pointer("/change/after_unknown"))
        {
            after_unknown.insert(addr, au);
        }
    }
    if let Some(root) = plan.pointer("/planned_values/root_module") {
        module(root, file, &after_unknown, out, 0);
    }
    let lines = file.text.lines().count().max(1) as u32;
    out.inputs.push(PolicyInput {
        path: file.path.clone(),
        config_type: ConfigType::TerraformPlan,
        span: Span::new(1, lines),
        resource: None,
        input: plan,
        conftest_input: None,
    });
}

fn module(m: &Json, file: &SourceFile, unknown: &HashMap<&str, &Json>, out: &mut Loaded, depth: usize) {
    for r in m.get("resources").and_then(Json::as_array).into_iter().flatten() {
        let (Some(address), Some(rtype)) =
            (r.get("address").and_then(Json::as_str), r.get("type").and_then(Json::as_str))
        else {
            continue;
        };
        let data = r.get("mode").and_then(Json::as_str) == Some("data");
        let mut attrs = Node::from_json(r.get("values").unwrap_or(&Json::Null), Span::UNKNOWN);
        if attrs.is_null() {
            attrs = Node::new(Value::Map(Vec::new()), Span::UNKNOWN);
        }
        if let Some(au) = unknown.get(address) {
            mark_unknown(&mut attrs, au);
        }
        out.resources.push(RawResource {
            source: ConfigType::TerraformPlan,
            resource_type: rtype.to_string(),
            name: address.to_string(),
            data,
            path: file.path.clone(),
            span: Span::UNKNOWN,
            attrs,
        });
    }
    if depth < 32 {
        for child in m.get("child_modules").and_then(Json::as_array).into_iter().flatten() {
            module(child, file, unknown, out, depth + 1);
        }
    }
}

/// Sets the values `after_unknown` marks `true` to Unknown (adding missing keys).
fn mark_unknown(node: &mut Node, au: &Json) {
    match au {
        Json::Bool(true) => node.value = Value::Unknown,
        Json::Object(m) => {
            if let Value::Map(entries) = &mut node.value {
                for (k, v) in m {
                    match entries.iter_mut().find(|(ek, _)| ek == k) {
                        Some((_, n)) => mark_unknown(n, v),
                        None if v == &Json::Bool(true) => {
                            entries.push((k.clone(), Node::new(Value::Unknown, Span::UNKNOWN)))
                        }
                        None => {}
                    }
                }
            }
        }
        Json::Array(items) => {
            if let Value::Seq(nodes) = &mut node.value {
                for (n, v) in nodes.iter_mut().zip(items) {
                    mark_unknown(n, v);
                }
            }
        }
        _ => {}
    }
}
