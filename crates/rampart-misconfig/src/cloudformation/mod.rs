//! CloudFormation templates (YAML with short intrinsic tags, JSON) read into [`RawResource`]s.
//!
//! Intrinsic functions are resolved where that is possible without deploying the stack:
//!
//! - `Ref` to a parameter gives its `Default` (no default: unknown); `Ref` to a resource gives
//!   [`Value::Ref`] with the logical id; `Fn::GetAtt` gives `Value::Ref("Logical.Attr")`.
//! - Pseudo parameters: `AWS::Partition` is `aws`, `AWS::URLSuffix` is `amazonaws.com`,
//!   `AWS::NoValue` removes the property. `AWS::Region`, `AWS::AccountId`, `AWS::StackName`,
//!   `AWS::StackId` and `AWS::NotificationARNs` are *unknown*: a template is deployed to any
//!   account and region, and a guessed `us-east-1` would make findings depend on a made-up value.
//! - `Fn::Sub` (string and list form), `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`,
//!   `Fn::If` and the condition functions (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`,
//!   `Condition`) are evaluated when their inputs are known; `Fn::Base64` gives its input text
//!   (so checks read user data as written). `Fn::ImportValue`, `Fn::GetAZs`, `Fn::Cidr` and
//!   anything else are unknown.
//!
//! Resources whose `Condition` is statically false are left out. Resolved nodes keep the lines
//! of the expression they came from.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::check::{ConfigType, FileError, PolicyInput, SourceFile};
use crate::cloud::RawResource;
use crate::terraform::Loaded;
use crate::value::{Node, Span, Value};
use crate::yaml::{self, Tags};

/// Deepest intrinsic nesting evaluated; deeper expressions are unknown.
const MAX_DEPTH: usize = 64;

/// Reads every template of `files`.
pub fn load(files: &[&SourceFile]) -> Loaded {
    let mut out = Loaded::default();
    for file in files {
        load_file(file, &mut out);
    }
    out
}

fn load_file(file: &SourceFile, out: &mut Loaded) {
    let docs = match yaml::load_all(&file.text, Tags::CloudFormation) {
        Ok(docs) => docs,
        Err(e) => {
            out.errors.push(FileError::new(
                &file.path,
                e.line,
                format!("CloudFormation template: {}", e.message),
            ));
            return;
        }
    };
    let Some(doc) = docs.into_iter().next() else {
        return;
    };
    if !doc.is_map() {
        out.errors.push(FileError::new(
            &file.path,
            doc.span.start,
            "CloudFormation template is not a mapping",
        ));
        return;
    }
    out.inputs.push(PolicyInput {
        path: file.path.clone(),
        config_type: ConfigType::CloudFormation,
        span: doc.span,
        resource: None,
        input: doc.to_trivy_json(&file.path),
        conftest_input: Some(doc.to_json()),
    });
    let Some(resources) = doc.get("Resources") else {
        out.errors.push(FileError::new(
            &file.path,
            doc.span.start,
            "CloudFormation template has no Resources",
        ));
        return;
    };
    if !resources.is_map() {
        out.errors.push(FileError::new(&file.path, resources.span.start, "Resources is not a mapping"));
        return;
    }
    let template = Template::new(&doc, resources);
    let lines: Vec<&str> = file.text.lines().collect();
    let mut previous_end = resources.span.start.saturating_sub(1);
    for (id, res) in resources.entries() {
        let span = resource_span(&lines, id, res.span, previous_end);
        previous_end = res.span.end;
        let Some(resource_type) = res.get("Type").and_then(Node::as_str) else {
            out.errors.push(FileError::new(&file.path, span.start, format!("resource {id} has no Type")));
            continue;
        };
        if let Some(cond) = res.get("Condition").and_then(Node::as_str)
            && template.condition(cond, 0) == Some(false)
        {
            continue;
        }
        let attrs = match res.get("Properties") {
            Some(props) => {
                template.resolve(props, 0).unwrap_or_else(|| Node::new(Value::Map(Vec::new()), props.span))
            }
            None => Node::new(Value::Map(Vec::new()), span),
        };
        out.resources.push(RawResource {
            source: ConfigType::CloudFormation,
            resource_type: resource_type.to_string(),
            name: id.clone(),
            data: false,
            path: file.path.clone(),
            span,
            attrs,
        });
    }
}

/// The resource's lines, from the line holding its logical id (the key has no span of its own).
fn resource_span(lines: &[&str], id: &str, body: Span, previous_end: u32) -> Span {
    if !body.is_known() {
        return body;
    }
    let quoted = format!("\"{id}\"");
    let mut line = body.start;
    while line > previous_end && line >= 1 {
        let text = lines.get(line as usize - 1).copied().unwrap_or("").trim_start();
        if text.starts_with(id) || text.starts_with(&quoted) || text.starts_with(&format!("'{id}'")) {
            return Span::new(line, body.end);
        }
        line -= 1;
    }
    body
}

struct Template<'a> {
    params: HashMap<&'a str, Option<&'a Node>>,
    mappings: Option<&'a Node>,
    conditions: HashMap<&'a str, &'a Node>,
    resources: HashSet<&'a str>,
    evaluated: RefCell<HashMap<String, Option<bool>>>,
    evaluating: RefCell<HashSet<String>>,
}

fn unknown(span: Span) -> Node {
    Node::new(Value::Unknown, span)
}

impl<'a> Template<'a> {
    fn new(doc: &'a Node, resources: &'a Node) -> Template<'a> {
        let params = doc
            .get("Parameters")
            .map(|p| p.entries().iter().map(|(k, v)| (k.as_str(), v.get("Default"))).collect())
            .unwrap_or_default();
        let conditions = doc
            .get("Conditions")
            .map(|c| c.entries().iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default();
        Template {
            params,
            mappings: doc.get("Mappings"),
            conditions,
            resources: resources.entries().iter().map(|(k, _)| k.as_str()).collect(),
            evaluated: RefCell::new(HashMap::new()),
            evaluating: RefCell::new(HashSet::new()),
        }
    }

    /// The value of a named condition, when it is static.
    fn condition(&self, name: &str, depth: usize) -> Option<bool> {
        if let Some(v) = self.evaluated.borrow().get(name) {
            return *v;
        }
        if depth > MAX_DEPTH || !self.evaluating.borrow_mut().insert(name.to_string()) {
            return None;
        }
        let v = self.conditions.get(name).and_then(|n| self.eval_condition(n, depth + 1));
        self.evaluating.borrow_mut().remove(name);
        self.evaluated.borrow_mut().insert(name.to_string(), v);
        v
    }

    fn eval_condition(&self, node: &Node, depth: usize) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        let [(key, arg)] = node.entries() else {
            return node.as_bool();
        };
        match key.as_str() {
            "Condition" => self.condition(arg.as_str()?, depth + 1),
            "Fn::Equals" => {
                let [a, b] = arg.items() else { return None };
                let a = self.resolve(a, depth + 1)?;
                let b = self.resolve(b, depth + 1)?;
                Some(scalar_text(&a)? == scalar_text(&b)?)
            }
            "Fn::Not" => {
                let [a] = arg.items() else { return None };
                self.eval_condition(a, depth + 1).map(|v| !v)
            }
            "Fn::And" | "Fn::Or" => {
                let and = key == "Fn::And";
                let mut unknown = false;
                for item in arg.items() {
                    match self.eval_condition(item, depth + 1) {
                        Some(v) if v != and => return Some(v),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                if unknown { None } else { Some(and) }
            }
            _ => None,
        }
    }

    /// Resolves intrinsic functions in `node`. `None` is `AWS::NoValue`: the property is removed.
    fn resolve(&self, node: &Node, depth: usize) -> Option<Node> {
        let span = node.span;
        if depth > MAX_DEPTH {
            return Some(unknown(span));
        }
        match &node.value {
            Value::Map(entries) => {
                if let [(key, arg)] = entries.as_slice()
                    && (key == "Ref" || key == "Condition" || key.starts_with("Fn::"))
                {
                    return self.intrinsic(key, arg, span, depth + 1);
                }
                let entries = entries
                    .iter()
                    .filter_map(|(k, v)| self.resolve(v, depth + 1).map(|v| (k.clone(), v)))
                    .collect();
                Some(Node::new(Value::Map(entries), span))
            }
            Value::Seq(items) => Some(Node::new(
                Value::Seq(items.iter().filter_map(|v| self.resolve(v, depth + 1)).collect()),
                span,
            )),
            _ => Some(node.clone()),
        }
    }

    fn intrinsic(&self, key: &str, arg: &Node, span: Span, depth: usize) -> Option<Node> {
        let text = |s: &str| Some(Node::new(Value::Str(s.to_string()), span));
        match key {
            "Ref" => {
                let Some(name) = arg.as_str() else { return Some(unknown(span)) };
                self.reference(name, span, depth)
            }
            "Condition" => Some(
                arg.as_str()
                    .and_then(|c| self.condition(c, depth))
                    .map_or(unknown(span), |b| Node::new(Value::Bool(b), span)),
            ),
            "Fn::GetAtt" => {
                let target = match &arg.value {
                    Value::Str(s) => Some(s.clone()),
                    Value::Seq(items) => {
                        let parts: Option<Vec<String>> = items
                            .iter()
                            .map(|i| self.resolve(i, depth).and_then(|n| scalar_text(&n)))
                            .collect();
                        parts.map(|p| p.join("."))
                    }
                    _ => None,
                };
                Some(target.map_or(unknown(span), |t| Node::new(Value::Ref(t), span)))
            }
            "Fn::Base64" => self.resolve(arg, depth).map(|mut n| {
                n.span = span;
                n
            }),
            "Fn::Sub" => {
                Some(self.sub(arg, span, depth).map_or(unknown(span), |s| Node::new(Value::Str(s), span)))
            }
            "Fn::Join" => {
                let [delim, list] = arg.items() else { return Some(unknown(span)) };
                let delim = self.resolve(delim, depth).and_then(|d| scalar_text(&d));
                let list = self.resolve(list, depth);
                let joined = delim.zip(list).and_then(|(d, list)| {
                    let parts: Option<Vec<String>> = list.items().iter().map(scalar_text).collect();
                    if matches!(list.value, Value::Seq(_)) { parts.map(|p| p.join(&d)) } else { None }
                });
                joined.map_or(Some(unknown(span)), |s| text(&s))
            }
            "Fn::Select" => {
                let [index, list] = arg.items() else { return Some(unknown(span)) };
                let index = self.resolve(index, depth).and_then(|i| i.as_i64());
                let list = self.resolve(list, depth);
                let picked = index
                    .zip(list)
                    .and_then(|(i, l)| usize::try_from(i).ok().and_then(|i| l.items().get(i).cloned()));
                Some(picked.map_or_else(|| unknown(span), |n| at(n, span)))
            }
            "Fn::Split" => {
                let [delim, source] = arg.items() else { return Some(unknown(span)) };
                let delim =
                    self.resolve(delim, depth).and_then(|d| scalar_text(&d)).filter(|d| !d.is_empty());
                let source = self.resolve(source, depth).and_then(|s| scalar_text(&s));
                Some(delim.zip(source).map_or(unknown(span), |(d, s)| {
                    Node::new(
                        Value::Seq(
                            s.split(d.as_str()).map(|p| Node::new(Value::Str(p.into()), span)).collect(),
                        ),
                        span,
                    )
                }))
            }
            "Fn::FindInMap" => {
                let keys: Option<Vec<String>> = arg
                    .items()
                    .iter()
                    .map(|k| self.resolve(k, depth).and_then(|n| scalar_text(&n)))
                    .collect();
                let found = keys
                    .filter(|k| k.len() == 3)
                    .and_then(|k| self.mappings?.get(&k[0])?.get(&k[1])?.get(&k[2]))
                    .and_then(|n| self.resolve(n, depth));
                Some(found.map_or_else(|| unknown(span), |n| at(n, span)))
            }
            "Fn::If" => {
                let [cond, then, otherwise] = arg.items() else { return Some(unknown(span)) };
                match cond.as_str().and_then(|c| self.condition(c, depth)) {
                    Some(true) => self.resolve(then, depth),
                    Some(false) => self.resolve(otherwise, depth),
                    None => Some(unknown(span)),
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let node = Node::new(Value::Map(vec![(key.to_string(), arg.clone())]), span);
                Some(
                    self.eval_condition(&node, depth)
                        .map_or(unknown(span), |b| Node::new(Value::Bool(b), span)),
                )
            }
            _ => Some(unknown(span)),
        }
    }

    fn reference(&self, name: &str, span: Span, depth: usize) -> Option<Node> {
        let text = |s: &str| Some(Node::new(Value::Str(s.to_string()), span));
        match name {
            "AWS::NoValue" => None,
            "AWS::Partition" => text("aws"),
            "AWS::URLSuffix" => text("amazonaws.com"),
            _ if self.resources.contains(name) => Some(Node::new(Value::Ref(name.to_string()), span)),
            _ => match self.params.get(name) {
                Some(Some(default)) => self.resolve(default, depth).map(|mut n| {
                    n.span = span;
                    n
                }),
                _ => Some(unknown(span)),
            },
        }
    }

    /// `Fn::Sub`: the text with every `${Name}` replaced, or `None` when a name is not static.
    fn sub(&self, arg: &Node, span: Span, depth: usize) -> Option<String> {
        let (template, vars) = match &arg.value {
            Value::Str(s) => (s.as_str(), None),
            Value::Seq(items) => match items.as_slice() {
                [t, vars] => (t.as_str()?, Some(vars)),
                [t] => (t.as_str()?, None),
                _ => return None,
            },
            _ => return None,
        };
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}')?;
            let name = after[..end].trim();
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let value = match vars.and_then(|v| v.get(name)) {
                    Some(v) => self.resolve(v, depth)?,
                    None if name.contains('.') => return None,
                    None => self.reference(name, span, depth)?,
                };
                out.push_str(&scalar_text(&value)?);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }
}

/// `node` placed at the lines of the expression that gave it (a value from a mapping or a list
/// elsewhere in the template is reported where it is used).
fn at(mut node: Node, span: Span) -> Node {
    node.span = span;
    node
}

fn scalar_text(node: &Node) -> Option<String> {
    node.to_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_one(text: &str) -> Loaded {
        let f =
            SourceFile { path: "t.yaml".into(), text: text.into(), config_type: ConfigType::CloudFormation };
        load(&[&f])
    }

    #[test]
    fn intrinsics_resolve() {
        let out = load_one(
            "Parameters:\n  Env:\n    Type: String\n    Default: prod\nMappings:\n  M:\n    prod:\n      Size: 5\n\
             Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n  IsDev: !Not [!Condition IsProd]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      \
             Name: !Sub '${Env}-${AWS::Partition}-${!x}'\n      Size: !FindInMap [M, !Ref Env, Size]\n      J: !Join ['-', [a, !Ref Env]]\n      \
             S: !Select [1, !Split [',', 'a,b,c']]\n      I: !If [IsProd, yes, !Ref AWS::NoValue]\n      N: !If [IsDev, x, !Ref AWS::NoValue]\n      \
             R: !Ref Other\n      G: !GetAtt Other.Arn\n      U: !Ref AWS::Region\n  Other:\n    Type: AWS::SQS::Queue\n    Condition: IsDev\n",
        );
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert_eq!(out.resources.len(), 1, "Other is dropped: its condition is false");
        let a = &out.resources[0].attrs;
        assert_eq!(a.get("Name").unwrap().as_str(), Some("prod-aws-${x}"));
        assert_eq!(a.get("Size").unwrap().as_i64(), Some(5));
        assert_eq!(a.get("J").unwrap().as_str(), Some("a-prod"));
        assert_eq!(a.get("S").unwrap().as_str(), Some("b"));
        assert_eq!(a.get("I").unwrap().as_str(), Some("yes"));
        assert!(a.get("N").is_none());
        assert_eq!(a.get("R").unwrap().as_ref_target(), Some("Other"));
        assert_eq!(a.get("G").unwrap().as_ref_target(), Some("Other.Arn"));
        assert_eq!(a.get("U").unwrap().value, Value::Unknown);
        assert_eq!(out.resources[0].span, Span::new(13, 24));
        assert_eq!(a.get("Size").unwrap().span, Span::line(17));
    }

    #[test]
    fn errors_and_cycles() {
        let out = load_one("Resources:\n  A:\n    Type: [\n");
        assert_eq!(out.errors.len(), 1);
        assert!(out.errors[0].line > 0);
        let out = load_one(
            "Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  X:\n    Type: T\n    Condition: A\n  Y:\n    Properties: {}\n",
        );
        assert_eq!(out.resources.len(), 1);
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0].line, 8);
    }
}
