//! IAM: policy documents (one type for JSON strings, `jsonencode`, heredocs,
//! `aws_iam_policy_document` data sources and CloudFormation maps), policies, roles, password
//! policies.

use super::{Attr, Meta, Reader};
use crate::value::{Node, Span, Value};

/// A policy document: its statements, with the file and lines each was written on.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// The file the statements are in (a data source may be in another file of the module).
    pub path: String,
    pub span: Span,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub span: Span,
    pub allow: bool,
    /// Known `Action` values (unknown ones are left out).
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    pub principal: Principal,
    /// `(operator, key, values)`, e.g. `("StringEquals", "sts:ExternalId", ["x"])`.
    pub conditions: Vec<(String, String, Vec<String>)>,
}

/// A statement's principal.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Principal {
    /// `"*"` or `{"AWS": "*"}`.
    pub everyone: bool,
    pub aws: Vec<String>,
    pub service: Vec<String>,
    pub federated: Vec<String>,
    pub written: bool,
}

impl Statement {
    pub fn has_action(&self, pred: impl Fn(&str) -> bool) -> Option<&str> {
        self.actions.iter().map(String::as_str).find(|a| pred(a))
    }

    /// Any resource (`*`), or a `NotResource`.
    pub fn any_resource(&self) -> bool {
        self.resources.iter().any(|r| r == "*") || !self.not_resources.is_empty()
    }

    /// The statement allows `action` (`iam:PassRole`), through a wildcard or `NotAction` too.
    pub fn allows(&self, action: &str) -> bool {
        self.allow
            && (self.actions.iter().any(|a| action_matches(a, action))
                || (!self.not_actions.is_empty()
                    && !self.not_actions.iter().any(|a| action_matches(a, action))))
    }

    pub fn condition_key(&self, key: &str) -> bool {
        self.conditions.iter().any(|(_, k, _)| k.eq_ignore_ascii_case(key))
    }
}

/// IAM action matching: case-insensitive, `*` and `?` wildcards.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    fn go(p: &[u8], a: &[u8]) -> bool {
        match (p.first(), a.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], a) || (!a.is_empty() && go(p, &a[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &a[1..]),
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => go(&p[1..], &a[1..]),
            _ => false,
        }
    }
    pattern.len() <= 256 && go(pattern.as_bytes(), action.as_bytes())
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.map(|n| {
        n.items_or_self()
            .into_iter()
            .filter_map(|i| if i.is_unknown() { None } else { i.to_text() })
            .collect()
    })
    .unwrap_or_default()
}

fn get_ci<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.entries().iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

impl PolicyDocument {
    /// A document from a JSON string (`jsonencode` output, heredoc) or a map (CloudFormation,
    /// HCL object). `None` for anything else (a reference, an unknown value, invalid JSON).
    pub fn from_node(node: &Node, path: &str) -> Option<PolicyDocument> {
        match &node.value {
            Value::Str(s) => {
                let json: serde_json::Value = serde_json::from_str(s).ok()?;
                Some(Self::from_map(&Node::from_json(&json, node.span), path))
            }
            Value::Map(_) => Some(Self::from_map(node, path)),
            _ => None,
        }
    }

    fn from_map(node: &Node, path: &str) -> PolicyDocument {
        let statements = get_ci(node, "Statement")
            .map(|s| s.items_or_self().into_iter().filter(|s| s.is_map()).map(Self::statement).collect())
            .unwrap_or_default();
        PolicyDocument { path: path.to_string(), span: node.span, statements }
    }

    fn statement(s: &Node) -> Statement {
        let mut principal = Principal::default();
        if let Some(p) = get_ci(s, "Principal") {
            principal.written = true;
            match &p.value {
                Value::Str(x) if x == "*" => principal.everyone = true,
                _ => {
                    principal.aws = strings(get_ci(p, "AWS"));
                    principal.service = strings(get_ci(p, "Service"));
                    principal.federated = strings(get_ci(p, "Federated"));
                    principal.everyone = principal.aws.iter().any(|a| a == "*");
                }
            }
        }
        let mut conditions = Vec::new();
        if let Some(c) = get_ci(s, "Condition") {
            for (op, keys) in c.entries() {
                for (key, values) in keys.entries() {
                    conditions.push((op.clone(), key.clone(), strings(Some(values))));
                }
            }
        }
        Statement {
            span: s.span,
            allow: !get_ci(s, "Effect")
                .and_then(Node::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case("deny")),
            actions: strings(get_ci(s, "Action")),
            not_actions: strings(get_ci(s, "NotAction")),
            resources: strings(get_ci(s, "Resource")),
            not_resources: strings(get_ci(s, "NotResource")),
            principal,
            conditions,
        }
    }

    /// A Terraform `aws_iam_policy_document` data source's statements.
    pub fn from_data_source(r: Reader<'_>, path: &str) -> PolicyDocument {
        let statements = r
            .blocks(&["statement"])
            .into_iter()
            .map(|s| {
                let mut principal = Principal::default();
                for p in s.blocks(&["principals"]) {
                    principal.written = true;
                    let ids = strings(p.node(&["identifiers"]));
                    match p.node(&["type"]).and_then(Node::as_str).unwrap_or("") {
                        "AWS" => principal.aws.extend(ids),
                        "Service" => principal.service.extend(ids),
                        "Federated" => principal.federated.extend(ids),
                        "*" => principal.aws.extend(ids),
                        _ => {}
                    }
                }
                principal.everyone = principal.aws.iter().any(|a| a == "*");
                let conditions = s
                    .blocks(&["condition"])
                    .into_iter()
                    .map(|c| {
                        let text = |k: &str| c.node(&[k]).and_then(Node::to_text).unwrap_or_default();
                        (text("test"), text("variable"), strings(c.node(&["values"])))
                    })
                    .collect();
                Statement {
                    span: s.span,
                    allow: !s
                        .node(&["effect"])
                        .and_then(Node::as_str)
                        .is_some_and(|e| e.eq_ignore_ascii_case("deny")),
                    actions: strings(s.node(&["actions"])),
                    not_actions: strings(s.node(&["not_actions"])),
                    resources: strings(s.node(&["resources"])),
                    not_resources: strings(s.node(&["not_resources"])),
                    principal,
                    conditions,
                }
            })
            .collect();
        PolicyDocument { path: path.to_string(), span: r.span, statements }
    }
}

/// Who an identity policy is given to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyOwner {
    /// A managed policy (`aws_iam_policy`, `AWS::IAM::ManagedPolicy`).
    Managed,
    Role,
    User,
    Group,
}

/// An identity-based policy.
#[derive(Debug, Clone, PartialEq)]
pub struct IamPolicy {
    pub meta: Meta,
    pub owner: PolicyOwner,
    pub document: PolicyDocument,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IamRole {
    pub meta: Meta,
    pub trust: Option<PolicyDocument>,
}

/// `aws_iam_account_password_policy`.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordPolicy {
    pub meta: Meta,
    pub minimum_length: Attr<i64>,
    pub reuse_prevention: Attr<i64>,
    pub require_symbols: Attr<bool>,
    pub require_numbers: Attr<bool>,
    pub require_uppercase: Attr<bool>,
    pub require_lowercase: Attr<bool>,
    pub max_age: Attr<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_wildcards() {
        assert!(action_matches("*", "iam:PassRole"));
        assert!(action_matches("iam:*", "iam:PassRole"));
        assert!(action_matches("IAM:pass*", "iam:PassRole"));
        assert!(action_matches("iam:Pass?ole", "iam:PassRole"));
        assert!(!action_matches("s3:*", "iam:PassRole"));
        assert!(!action_matches("iam:PassRoles", "iam:PassRole"));
    }

    #[test]
    fn documents_from_json_strings_and_maps() {
        let json = r#"{"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*",
            "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]},
            "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}}"#;
        let doc =
            PolicyDocument::from_node(&Node::new(Value::Str(json.into()), Span::line(4)), "a.tf").unwrap();
        let s = &doc.statements[0];
        assert!(s.allow && s.principal.everyone && s.any_resource());
        assert!(s.allows("s3:GetObject") && !s.allows("iam:PassRole"), "NotAction");
        assert!(s.condition_key("sts:externalid"));
        assert_eq!(s.span, Span::line(4));
        assert!(
            PolicyDocument::from_node(&Node::new(Value::Str("{not json".into()), Span::line(1)), "a")
                .is_none()
        );
        assert!(PolicyDocument::from_node(&Node::new(Value::Ref("x".into()), Span::line(1)), "a").is_none());
        let deny = Node::from_json(
            &serde_json::json!({"Statement": [{"Effect": "Deny", "Action": "*"}]}),
            Span::line(2),
        );
        assert!(!PolicyDocument::from_node(&deny, "t.yaml").unwrap().statements[0].allow);
    }
}
