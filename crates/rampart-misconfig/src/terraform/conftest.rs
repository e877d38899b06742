//! Conftest's HCL-as-JSON shape (its `hcl2` parser, from tmccombs/hcl2json): a block becomes
//! `{type: {label1: {label2: [body, ...]}}}` (the innermost level is always a list of bodies),
//! literals stay values, and any other expression is its source text wrapped in `${...}`.
//! Also Terraform's JSON syntax (`.tf.json`) read into an HCL body.

use hcl_edit::Ident;
use hcl_edit::Span as _;
use hcl_edit::expr::{Array, Expression, Object, ObjectKey, ObjectValue, UnaryOperator};
use hcl_edit::structure::{Attribute, Block, Body, Structure};
use hcl_edit::template::{Directive, Element, StringTemplate, Template};
use serde_json::{Map, Value as Json};

use crate::value::{Node, Value};

/// A body as Conftest shows it; `attr` converts an argument's expression.
pub fn body_json(body: &Body, attr: &dyn Fn(&Expression) -> Json) -> Json {
    let mut out = Map::new();
    for a in body.attributes() {
        out.insert(a.key.as_str().to_string(), attr(&a.value));
    }
    for b in body.blocks() {
        add_block(b, &mut out, attr);
    }
    Json::Object(out)
}

fn add_block(block: &Block, out: &mut Map<String, Json>, attr: &dyn Fn(&Expression) -> Json) {
    let value = body_json(&block.body, attr);
    let mut key = block.ident.as_str().to_string();
    let mut obj = out;
    for label in &block.labels {
        let entry = obj.entry(key).or_insert_with(|| Json::Object(Map::new()));
        let Json::Object(inner) = entry else { return };
        obj = inner;
        key = label.as_str().to_string();
    }
    match obj.get_mut(&key) {
        Some(Json::Array(list)) => list.push(value),
        Some(other) => {
            let prev = other.take();
            *other = Json::Array(vec![prev, value]);
        }
        None => {
            obj.insert(key, Json::Array(vec![value]));
        }
    }
}

/// An evaluated value as JSON, references written as Conftest writes them (`${aws_s3_bucket.b.id}`);
/// `None` when a part of it is unknown.
pub fn known_json(n: &Node) -> Option<Json> {
    Some(match &n.value {
        Value::Unknown => return None,
        Value::Ref(r) => Json::String(format!("${{{r}}}")),
        Value::Seq(items) => Json::Array(items.iter().map(known_json).collect::<Option<_>>()?),
        Value::Map(entries) => {
            let mut m = Map::new();
            for (k, v) in entries {
                m.insert(k.clone(), known_json(v)?);
            }
            Json::Object(m)
        }
        _ => n.to_json(),
    })
}

fn source<'s>(e: &Expression, src: &'s str) -> &'s str {
    e.span().and_then(|r| src.get(r)).unwrap_or("")
}

fn wrap(e: &Expression, src: &str) -> String {
    format!("${{{}}}", source(e, src))
}

/// An expression as Conftest writes it (without evaluating anything).
pub fn raw_expr(e: &Expression, src: &str) -> Json {
    match e {
        Expression::Null(_) => Json::Null,
        Expression::Bool(b) => Json::Bool(*b.value()),
        Expression::Number(n) => {
            let n = n.value();
            match n.as_i64() {
                Some(i) => Json::from(i),
                None => serde_json::Number::from_f64(n.as_f64().unwrap_or(0.0))
                    .map(Json::Number)
                    .unwrap_or(Json::Null),
            }
        }
        Expression::String(s) => Json::String(s.value().clone()),
        Expression::Array(a) => Json::Array(a.iter().map(|e| raw_expr(e, src)).collect()),
        Expression::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(Expression::Traversal(_) | Expression::Variable(_)) => {
                        k.span().and_then(|r| src.get(r)).unwrap_or("").to_string()
                    }
                    ObjectKey::Expression(e) => string_part(e, src),
                };
                m.insert(key, raw_expr(v.expr(), src));
            }
            Json::Object(m)
        }
        Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
            let Some(t) = e.as_template() else { return Json::Null };
            // `"${x}"` alone is the expression `x`.
            if let Some(Element::Interpolation(i)) = t.as_single_element()
                && matches!(e, Expression::StringTemplate(_))
            {
                return raw_expr(&i.expr, src);
            }
            Json::String(template(t, src))
        }
        // `-1`, `!true`: the literal's value.
        Expression::UnaryOp(u) if matches!(u.expr, Expression::Number(_) | Expression::Bool(_)) => {
            match (raw_expr(&u.expr, src), u.operator.value()) {
                (Json::Number(n), UnaryOperator::Neg) => match n.as_i64() {
                    Some(i) => Json::from(-i),
                    None => serde_json::Number::from_f64(-n.as_f64().unwrap_or(0.0))
                        .map(Json::Number)
                        .unwrap_or(Json::Null),
                },
                (Json::Bool(b), UnaryOperator::Not) => Json::Bool(!b),
                _ => Json::String(wrap(e, src)),
            }
        }
        _ => {
            // Type constraints (`string`, `list(string)`) are written as they are.
            let text = source(e, src);
            if TYPE_PREFIXES.iter().any(|t| text.starts_with(t)) {
                Json::String(text.to_string())
            } else {
                Json::String(wrap(e, src))
            }
        }
    }
}

/// Expressions Conftest writes without `${...}` when their text starts with one of these.
const TYPE_PREFIXES: &[&str] = &["string", "number", "bool", "list", "set", "map", "object", "tuple"];

fn string_part(e: &Expression, src: &str) -> String {
    match e {
        Expression::String(s) => s.value().clone(),
        Expression::Number(n) => n.value().to_string(),
        Expression::Bool(b) => b.value().to_string(),
        Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
            e.as_template().map(|t| template(t, src)).unwrap_or_default()
        }
        Expression::Conditional(c) => {
            let t = string_part(&c.true_expr, src);
            let f = string_part(&c.false_expr, src);
            let mut out = format!("%{{if {}}}{t}", source(&c.cond_expr, src));
            if !f.is_empty() {
                out.push_str("%{else}");
                out.push_str(&f);
            }
            out.push_str("%{endif}");
            out
        }
        _ => wrap(e, src),
    }
}

fn template(t: &Template, src: &str) -> String {
    let mut out = String::new();
    for el in t.iter() {
        match el {
            Element::Literal(s) => out.push_str(s.value()),
            Element::Interpolation(i) => out.push_str(&string_part(&i.expr, src)),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    out.push_str(&format!("%{{if {}}}", source(&d.if_expr.cond_expr, src)));
                    out.push_str(&template(&d.if_expr.template, src));
                    if let Some(e) = &d.else_expr {
                        let f = template(&e.template, src);
                        if !f.is_empty() {
                            out.push_str("%{else}");
                            out.push_str(&f);
                        }
                    }
                    out.push_str("%{endif}");
                }
                Directive::For(d) => {
                    let f = &d.for_expr;
                    out.push_str("%{for ");
                    if let Some(k) = &f.key_var {
                        out.push_str(k.as_str());
                        out.push_str(", ");
                    }
                    out.push_str(f.value_var.as_str());
                    out.push_str(" in ");
                    out.push_str(source(&f.collection_expr, src));
                    out.push('}');
                    out.push_str(&template(&f.template, src));
                    out.push_str("%{endfor}");
                }
            },
        }
    }
    out
}

/// Map-typed arguments that Terraform JSON writes as objects (everything else written as an
/// object inside a resource is taken for a nested block).
const MAP_ARGS: &[&str] = &[
    "tags",
    "tags_all",
    "labels",
    "variables",
    "environment_variables",
    "parameters",
    "metadata",
    "triggers",
    "annotations",
    "selector",
    "options",
    "attributes",
    "policy",
];

/// A `.tf.json` document as an HCL body (without spans).
pub fn json_body(json: &Json) -> Body {
    let mut structures = Vec::new();
    let Json::Object(top) = json else { return Body::from(structures) };
    for (kind, v) in top {
        match kind.as_str() {
            "resource" | "data" => {
                for (rtype, names) in objects(v) {
                    for (name, bodies) in objects(names) {
                        for body in each_object(bodies) {
                            structures.push(block(kind, &[rtype, name], body, true));
                        }
                    }
                }
            }
            "variable" | "output" | "module" | "provider" => {
                for (name, bodies) in objects(v) {
                    for body in each_object(bodies) {
                        structures.push(block(kind, &[name], body, false));
                    }
                }
            }
            "locals" => {
                for body in each_object(v) {
                    structures.push(block(kind, &[], body, false));
                }
            }
            _ => {
                // Not a Terraform block: a `.tfvars.json` argument.
                if let Ok(id) = Ident::try_new(kind.as_str()) {
                    structures.push(Structure::Attribute(Attribute::new(id, json_expr(v))));
                }
            }
        }
    }
    Body::from(structures)
}

fn objects(v: &Json) -> Vec<(&String, &Json)> {
    each_object(v).into_iter().flat_map(|m| m.iter()).collect()
}

fn each_object(v: &Json) -> Vec<&Map<String, Json>> {
    match v {
        Json::Object(m) => vec![m],
        Json::Array(items) => items.iter().filter_map(Json::as_object).collect(),
        _ => Vec::new(),
    }
}

fn block(kind: &str, labels: &[&String], body: &Map<String, Json>, nested_blocks: bool) -> Structure {
    let mut b = Block::new(Ident::new_unchecked(kind));
    b.labels = labels.iter().map(|l| hcl_edit::structure::BlockLabel::from(l.as_str())).collect();
    let mut structures = Vec::new();
    for (k, v) in body {
        if k == "//" {
            continue;
        }
        let Ok(id) = Ident::try_new(k.as_str()) else { continue };
        let is_block = nested_blocks
            && !MAP_ARGS.contains(&k.as_str())
            && match v {
                Json::Object(_) => true,
                Json::Array(items) => !items.is_empty() && items.iter().all(Json::is_object),
                _ => false,
            };
        if is_block {
            for inner in each_object(v) {
                let Structure::Block(nb) = block(k, &[], inner, true) else { continue };
                structures.push(Structure::Block(nb));
            }
        } else {
            structures.push(Structure::Attribute(Attribute::new(id, json_expr(v))));
        }
    }
    b.body = Body::from(structures);
    Structure::Block(b)
}

/// A JSON value as an expression; strings holding `${...}` are templates.
fn json_expr(v: &Json) -> Expression {
    match v {
        Json::Null => Expression::null(),
        Json::Bool(b) => Expression::from(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Expression::from(i),
            None => Expression::from(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) if s.contains("${") || s.contains("%{") => {
            match hcl_edit::parser::parse_template(s) {
                Ok(t) => Expression::from(StringTemplate::from(t)),
                Err(_) => Expression::from(s.as_str()),
            }
        }
        Json::String(s) => Expression::from(s.as_str()),
        Json::Array(items) => Expression::from(items.iter().map(json_expr).collect::<Array>()),
        Json::Object(m) => {
            let mut o = Object::new();
            for (k, v) in m {
                o.insert(ObjectKey::Expression(Expression::from(k.as_str())), ObjectValue::new(json_expr(v)));
            }
            Expression::from(o)
        }
    }
}
