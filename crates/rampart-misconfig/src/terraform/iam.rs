//! The `json` an `aws_iam_policy_document` data source renders, computed from its statements
//! when they are known, so a policy attribute referring to it can be read like an inline policy.

use serde_json::{Map, Value as Json};

use crate::value::{Node, Value};

/// The policy JSON of an `aws_iam_policy_document`'s attributes, `None` when a part that
/// decides its shape is unknown.
pub fn policy_document_json(attrs: &Node) -> Option<String> {
    let mut doc = Map::new();
    doc.insert(
        "Version".into(),
        Json::String(text(attrs.get("version")).unwrap_or_else(|| "2012-10-17".into())),
    );
    if let Some(id) = text(attrs.get("policy_id")) {
        doc.insert("Id".into(), Json::String(id));
    }
    // Documents merged in: their statements come first (overrides are taken as more statements).
    let mut statements = Vec::new();
    for attr in ["source_policy_documents", "override_policy_documents", "source_json", "override_json"] {
        let Some(n) = attrs.get(attr).filter(|n| !n.is_null()) else { continue };
        for d in n.items_or_self() {
            let parsed: Json = serde_json::from_str(d.as_str()?).ok()?;
            match parsed.get("Statement") {
                Some(Json::Array(items)) => statements.extend(items.iter().cloned()),
                Some(one @ Json::Object(_)) => statements.push(one.clone()),
                _ => {}
            }
        }
    }
    for st in attrs.get("statement").map(Node::items).unwrap_or_default() {
        let mut out = Map::new();
        if let Some(sid) = text(st.get("sid")) {
            out.insert("Sid".into(), Json::String(sid));
        }
        let effect = match st.get("effect") {
            None => "Allow".to_string(),
            Some(n) if n.is_null() => "Allow".to_string(),
            Some(n) => text(Some(n))?,
        };
        out.insert("Effect".into(), Json::String(effect));
        for (attr, key) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(v) = st.get(attr).and_then(strings) {
                out.insert(key.into(), v);
            }
        }
        for (attr, key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            let blocks = st.get(attr).map(Node::items).unwrap_or_default();
            if blocks.is_empty() {
                continue;
            }
            let mut principals = Map::new();
            for p in blocks {
                let ptype = text(p.get("type"))?;
                let ids = strings(p.get("identifiers")?)?;
                if ptype == "*" {
                    principals.clear();
                    out.insert(key.into(), Json::String("*".into()));
                    break;
                }
                principals.insert(ptype, ids);
            }
            if !principals.is_empty() {
                out.insert(key.into(), Json::Object(principals));
            }
        }
        let conditions = st.get("condition").map(Node::items).unwrap_or_default();
        if !conditions.is_empty() {
            let mut cond = Map::new();
            for c in conditions {
                let test = text(c.get("test"))?;
                let variable = text(c.get("variable"))?;
                let values = strings(c.get("values")?)?;
                let entry = cond.entry(test).or_insert_with(|| Json::Object(Map::new()));
                if let Json::Object(m) = entry {
                    m.insert(variable, values);
                }
            }
            out.insert("Condition".into(), Json::Object(cond));
        }
        statements.push(Json::Object(out));
    }
    doc.insert("Statement".into(), Json::Array(statements));
    Some(Json::Object(doc).to_string())
}

fn text(n: Option<&Node>) -> Option<String> {
    match n.map(|n| &n.value) {
        Some(Value::Ref(r)) => Some(format!("${{{r}}}")),
        _ => n?.to_text(),
    }
}

/// A list of strings as the provider writes it: a single string alone, otherwise a list.
fn strings(n: &Node) -> Option<Json> {
    let items: Vec<String> = match &n.value {
        Value::Seq(items) => items.iter().map(|i| text(Some(i))).collect::<Option<_>>()?,
        _ => vec![text(Some(n))?],
    };
    Some(match items.as_slice() {
        [one] => Json::String(one.clone()),
        _ => Json::Array(items.into_iter().map(Json::String).collect()),
    })
}
