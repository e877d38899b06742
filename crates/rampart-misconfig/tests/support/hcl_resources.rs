//! A tiny HCL reader for tests: `resource` and `data` blocks of a Terraform snippet into
//! [`RawResource`]s shaped as the Terraform loader's contract says (nested blocks are lists of
//! maps, references stay `Value::Ref` with their address, `jsonencode(...)` is evaluated,
//! heredocs are text, anything else dynamic is unknown). It lets the checks' HCL examples run
//! before the real Terraform loader is merged; spans are the block's lines, counted in the text.

use hcl::expr::{Expression, ObjectKey, TemplateExpr, TraversalOperator};
use rampart_misconfig::cloud::RawResource;
use rampart_misconfig::value::{Node, Span, Value};
use rampart_misconfig::ConfigType;

pub fn hcl_resources(path: &str, text: &str) -> Vec<RawResource> {
    let body = hcl::parse(text).unwrap_or_else(|e| panic!("{path}: example does not parse: {e}\n{text}"));
    let starts: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("resource ") || l.starts_with("data "))
        .map(|(i, l)| (i + 1, l))
        .collect();
    let mut out = Vec::new();
    for (n, block) in body.blocks().filter(|b| matches!(b.identifier.as_str(), "resource" | "data")).enumerate() {
        let data = block.identifier.as_str() == "data";
        let [kind, name] = block.labels.as_slice() else { continue };
        let start = starts.get(n).map_or(0, |s| s.0 as u32);
        let end = text.lines().enumerate().skip(start as usize).find(|(_, l)| *l == "}").map_or(start, |(i, _)| i as u32 + 1);
        let span = Span::new(start, end);
        let address = format!("{}{}.{}", if data { "data." } else { "" }, kind.as_str(), name.as_str());
        out.push(RawResource {
            source: ConfigType::Terraform,
            resource_type: kind.as_str().to_string(),
            name: address,
            data,
            path: path.to_string(),
            span,
            attrs: body_node(&block.body, span),
        });
    }
    out
}

fn body_node(body: &hcl::Body, span: Span) -> Node {
    let mut entries: Vec<(String, Node)> = body.attributes().map(|a| (a.key.as_str().to_string(), expr(&a.expr, span))).collect();
    let mut blocks: Vec<(String, Vec<Node>)> = Vec::new();
    for b in body.blocks() {
        let node = body_node(&b.body, span);
        match blocks.iter_mut().find(|(k, _)| k == b.identifier.as_str()) {
            Some((_, list)) => list.push(node),
            None => blocks.push((b.identifier.as_str().to_string(), vec![node])),
        }
    }
    entries.extend(blocks.into_iter().map(|(k, v)| (k, Node::new(Value::Seq(v), span))));
    Node::new(Value::Map(entries), span)
}

fn expr(e: &Expression, span: Span) -> Node {
    let v = match e {
        Expression::Null => Value::Null,
        Expression::Bool(b) => Value::Bool(*b),
        Expression::Number(n) => n.as_i64().map_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0)), Value::Int),
        Expression::String(s) => Value::Str(s.clone()),
        Expression::Array(items) => Value::Seq(items.iter().map(|i| expr(i, span)).collect()),
        Expression::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.clone(),
                        ObjectKey::Expression(other) => other.to_string(),
                        _ => String::new(),
                    };
                    (key, expr(v, span))
                })
                .collect(),
        ),
        Expression::TemplateExpr(t) => match t.as_ref() {
            TemplateExpr::QuotedString(s) if !s.contains("${") => Value::Str(s.clone()),
            TemplateExpr::Heredoc(h) if !h.template.contains("${") => Value::Str(h.template.clone()),
            _ => Value::Unknown,
        },
        Expression::Variable(v) => Value::Ref(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let mut address = match &t.expr {
                Expression::Variable(v) => v.as_str().to_string(),
                _ => return Node::new(Value::Unknown, span),
            };
            for op in &t.operators {
                match op {
                    TraversalOperator::GetAttr(i) => {
                        address.push('.');
                        address.push_str(i.as_str());
                    }
                    _ => return Node::new(Value::Unknown, span),
                }
            }
            Value::Ref(address)
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" && f.args.len() == 1 => {
            Value::Str(expr(&f.args[0], span).to_json().to_string())
        }
        Expression::Parenthesis(inner) => return expr(inner, span),
        _ => Value::Unknown,
    };
    Node::new(v, span)
}
