//! Static evaluation of Terraform expressions (hcl-edit syntax trees) into [`Node`]s.
//!
//! What cannot be known without running Terraform becomes [`Value::Unknown`]; references to
//! other resources and data sources become [`Value::Ref`] with the reference as written.

use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};

use super::funcs;
use crate::value::{Node, Span, Value};

/// Line starts of a file, to turn byte offsets into 1-based lines.
#[derive(Debug)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { starts }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        self.starts.partition_point(|&s| s <= offset) as u32
    }

    /// The lines of a byte range (unknown when the parser gave none).
    pub fn span(&self, range: Option<Range<usize>>) -> Span {
        match range {
            Some(r) => Span::new(self.line(r.start), self.line(r.end.saturating_sub(1).max(r.start))),
            None => Span::UNKNOWN,
        }
    }
}

/// What names outside an expression mean: variables, locals, module outputs.
pub trait Resolver {
    /// `var.name` (Unknown when not declared or without a value).
    fn var(&self, name: &str) -> Node;
    /// `local.name` (Unknown when undefined or cyclic).
    fn local(&self, name: &str) -> Node;
    /// `module.name`: an object of the module's outputs, or Unknown.
    fn module(&self, name: &str) -> Node;
    /// `path.module`.
    fn path_module(&self) -> String;
    /// The address prefix of the module instance (`module.net.`), put before references to
    /// its resources so they name the resource's full address.
    fn ref_prefix(&self) -> &str {
        ""
    }
}

/// Names bound by `for` expressions, `count`, `for_each` and dynamic block iterators: a linked
/// list living on the stack.
pub struct Scope<'a> {
    pub name: &'a str,
    pub value: &'a Node,
    pub parent: Option<&'a Scope<'a>>,
}

impl Scope<'_> {
    fn lookup(&self, name: &str) -> Option<&Node> {
        let mut s = Some(self);
        while let Some(scope) = s {
            if scope.name == name {
                return Some(scope.value);
            }
            s = scope.parent;
        }
        None
    }
}

/// Maximum nesting of evaluation on one thread, across locals, variables and modules evaluated
/// inside one another (deeply nested input must not overflow the stack).
const MAX_DEPTH: usize = 128;

/// Most expressions evaluated for one outermost expression, and for one root module (with the
/// modules it calls): nested `for` over large ranges must not keep a scan busy.
const MAX_STEPS: usize = 1_000_000;
const MAX_ROOT_STEPS: usize = 20_000_000;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static ROOT_STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Starts a new evaluation budget (one per root module).
pub fn reset_budget() {
    ROOT_STEPS.with(|s| s.set(0));
}

/// Counts one evaluation step; false when over budget.
fn step(depth: usize) -> bool {
    if depth == 0 {
        STEPS.with(|s| s.set(0));
    }
    let bump = |s: &std::cell::Cell<usize>| {
        let n = s.get().saturating_add(1);
        s.set(n);
        n
    };
    STEPS.with(bump) <= MAX_STEPS && ROOT_STEPS.with(bump) <= MAX_ROOT_STEPS
}

/// Evaluates expressions of one file.
pub struct Evaluator<'a> {
    pub resolver: &'a dyn Resolver,
    pub lines: &'a Lines,
    pub src: &'a str,
}

pub fn unknown(span: Span) -> Node {
    Node::new(Value::Unknown, span)
}

/// Gives every node of a tree the same span (values used away from where they were written).
pub fn respan(mut node: Node, span: Span) -> Node {
    fn walk(node: &mut Node, span: Span) {
        node.span = span;
        match &mut node.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| walk(n, span)),
            Value::Map(entries) => entries.iter_mut().for_each(|(_, n)| walk(n, span)),
            _ => {}
        }
    }
    walk(&mut node, span);
    node
}

impl<'a> Evaluator<'a> {
    pub fn new(resolver: &'a dyn Resolver, lines: &'a Lines, src: &'a str) -> Evaluator<'a> {
        Evaluator { resolver, lines, src }
    }

    pub fn span_of(&self, range: Option<Range<usize>>) -> Span {
        self.lines.span(range)
    }

    /// The source text of a range.
    pub fn text(&self, range: Option<Range<usize>>) -> &'a str {
        range.and_then(|r| self.src.get(r)).unwrap_or("")
    }

    /// Evaluates an expression; the result carries the expression's lines.
    pub fn eval(&self, expr: &Expression, scope: Option<&Scope>) -> Node {
        let span = self.span_of(expr.span());
        let depth = DEPTH.with(|d| d.get());
        if depth >= MAX_DEPTH || !step(depth) {
            return unknown(span);
        }
        DEPTH.with(|d| d.set(depth + 1));
        let mut node = self.eval_inner(expr, scope, span);
        DEPTH.with(|d| d.set(depth));
        node.span = span;
        node
    }

    fn eval_inner(&self, expr: &Expression, scope: Option<&Scope>, span: Span) -> Node {
        let v = match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => {
                let n = n.value();
                match n.as_i64() {
                    Some(i) => Value::Int(i),
                    None => Value::Float(n.as_f64().unwrap_or(0.0)),
                }
            }
            Expression::String(s) => Value::Str(s.value().clone()),
            Expression::Array(a) => Value::Seq(a.iter().map(|e| self.eval(e, scope)).collect()),
            Expression::Object(o) => {
                let mut entries: Vec<(String, Node)> = Vec::with_capacity(o.len());
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(e) => match self.eval(e, scope).to_text() {
                            Some(k) => k,
                            None => return unknown(span),
                        },
                    };
                    let value = self.eval(v.expr(), scope);
                    insert(&mut entries, key, value);
                }
                Value::Map(entries)
            }
            Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
                let Some(t) = expr.as_template() else { return unknown(span) };
                let mut out = String::new();
                if self.template(t, scope, &mut out, (false, false)) {
                    Value::Str(out)
                } else {
                    Value::Unknown
                }
            }
            Expression::Parenthesis(p) => return self.eval(p.inner(), scope),
            Expression::Variable(v) => match scope.and_then(|s| s.lookup(v.as_str())) {
                Some(n) => return respan(n.clone(), span),
                None => Value::Unknown,
            },
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, scope);
                match cond.as_bool() {
                    Some(true) => return self.eval(&c.true_expr, scope),
                    Some(false) => return self.eval(&c.false_expr, scope),
                    None => Value::Unknown,
                }
            }
            Expression::FuncCall(f) => {
                if f.name.is_namespaced() {
                    return unknown(span);
                }
                let name = f.name.name.as_str();
                match name {
                    "try" => {
                        for arg in f.args.iter() {
                            let v = self.eval(arg, scope);
                            if !matches!(v.value, Value::Unknown) {
                                return v;
                            }
                        }
                        return unknown(span);
                    }
                    "can" => {
                        let v = f.args.iter().next().map(|a| self.eval(a, scope));
                        return match v {
                            Some(n) if !matches!(n.value, Value::Unknown) => {
                                Node::new(Value::Bool(true), span)
                            }
                            _ => unknown(span),
                        };
                    }
                    _ => {}
                }
                let mut args: Vec<Node> = f.args.iter().map(|a| self.eval(a, scope)).collect();
                if f.args.expand_final() {
                    match args.pop() {
                        Some(Node { value: Value::Seq(items), .. }) => args.extend(items),
                        _ => return unknown(span),
                    }
                }
                return funcs::call(name, args, span);
            }
            Expression::Traversal(t) => return self.traversal(&t.expr, &t.operators, scope, span),
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, scope);
                match (u.operator.value(), &v.value) {
                    (UnaryOperator::Neg, Value::Int(i)) => Value::Int(i.wrapping_neg()),
                    (UnaryOperator::Neg, Value::Float(f)) => Value::Float(-f),
                    (UnaryOperator::Neg, Value::Str(_)) => match num(&v) {
                        Some(Num::I(i)) => Value::Int(i.wrapping_neg()),
                        Some(Num::F(f)) => Value::Float(-f),
                        None => Value::Unknown,
                    },
                    (UnaryOperator::Not, _) => match v.as_bool() {
                        Some(b) => Value::Bool(!b),
                        None => Value::Unknown,
                    },
                    _ => Value::Unknown,
                }
            }
            Expression::BinaryOp(b) => {
                let op = *b.operator.value();
                let l = self.eval(&b.lhs_expr, scope);
                // Short-circuit the logical operators where one side decides.
                match (op, l.as_bool()) {
                    (BinaryOperator::And, Some(false)) => return Node::new(Value::Bool(false), span),
                    (BinaryOperator::Or, Some(true)) => return Node::new(Value::Bool(true), span),
                    _ => {}
                }
                let r = self.eval(&b.rhs_expr, scope);
                binary(op, &l, &r)
            }
            Expression::ForExpr(f) => return self.for_expr(f, scope, span),
        };
        Node::new(v, span)
    }

    fn traversal(
        &self,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        scope: Option<&Scope>,
        span: Span,
    ) -> Node {
        if let Expression::Variable(v) = root {
            let name = v.as_str();
            if let Some(bound) = scope.and_then(|s| s.lookup(name)) {
                return self.apply(respan(bound.clone(), span), ops, scope, span);
            }
            let first = ops.first().and_then(|o| match o.value() {
                TraversalOperator::GetAttr(a) => Some(a.as_str()),
                _ => None,
            });
            let rest = ops.get(1..).unwrap_or(&[]);
            match (name, first) {
                ("var", Some(a)) => return self.apply(respan(self.resolver.var(a), span), rest, scope, span),
                ("local", Some(a)) => {
                    return self.apply(respan(self.resolver.local(a), span), rest, scope, span);
                }
                ("module", Some(a)) => {
                    return self.apply(respan(self.resolver.module(a), span), rest, scope, span);
                }
                ("path", Some("module")) => return Node::new(Value::Str(self.resolver.path_module()), span),
                ("path", Some(_)) => return Node::new(Value::Str(".".into()), span),
                ("terraform", Some("workspace")) => return Node::new(Value::Str("default".into()), span),
                ("var" | "local" | "module" | "path" | "terraform" | "self" | "count" | "each", _) => {
                    return unknown(span);
                }
                (_, None) => return unknown(span),
                _ => {}
            }
            // A resource or data source reference: keep the reference as written (with the
            // module instance's address before it).
            let mut text = format!("{}{name}", self.resolver.ref_prefix());
            for op in ops {
                match op.value() {
                    TraversalOperator::GetAttr(a) => {
                        text.push('.');
                        text.push_str(a.as_str());
                    }
                    TraversalOperator::LegacyIndex(i) => {
                        text.push('.');
                        text.push_str(&i.value().to_string());
                    }
                    TraversalOperator::AttrSplat(_) => text.push_str(".*"),
                    TraversalOperator::FullSplat(_) => text.push_str("[*]"),
                    TraversalOperator::Index(e) => {
                        let idx = self.eval(e, scope);
                        match &idx.value {
                            Value::Int(i) => text.push_str(&format!("[{i}]")),
                            Value::Str(s) => text.push_str(&format!("[{s:?}]")),
                            _ => {
                                text.push('[');
                                text.push_str(self.text(e.span()).trim());
                                text.push(']');
                            }
                        }
                    }
                }
            }
            return Node::new(Value::Ref(text), span);
        }
        let base = self.eval(root, scope);
        self.apply(base, ops, scope, span)
    }

    /// Applies attribute / index / splat operators to a value.
    fn apply(
        &self,
        mut value: Node,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        scope: Option<&Scope>,
        span: Span,
    ) -> Node {
        let mut i = 0;
        while i < ops.len() {
            match ops[i].value() {
                TraversalOperator::GetAttr(a) => value = get_attr(value, a.as_str(), span),
                TraversalOperator::LegacyIndex(n) => {
                    value = index(value, &Node::new(Value::Int(*n.value() as i64), span), span)
                }
                TraversalOperator::Index(e) => {
                    let idx = self.eval(e, scope);
                    value = index(value, &idx, span);
                }
                op @ (TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) => {
                    let full = matches!(op, TraversalOperator::FullSplat(_));
                    let mut end = i + 1;
                    while end < ops.len()
                        && (full
                            || matches!(
                                ops[end].value(),
                                TraversalOperator::GetAttr(_) | TraversalOperator::LegacyIndex(_)
                            ))
                    {
                        end += 1;
                    }
                    let sub = &ops[i + 1..end];
                    value = match value.value {
                        Value::Seq(items) => Node::new(
                            Value::Seq(
                                items.into_iter().map(|it| self.apply(it, sub, scope, span)).collect(),
                            ),
                            span,
                        ),
                        Value::Null => Node::new(Value::Seq(Vec::new()), span),
                        Value::Ref(r) => {
                            let mut text = format!("{r}[*]");
                            for op in sub {
                                if let TraversalOperator::GetAttr(a) = op.value() {
                                    text.push('.');
                                    text.push_str(a.as_str());
                                }
                            }
                            Node::new(Value::Ref(text), span)
                        }
                        Value::Unknown => unknown(span),
                        other => {
                            let one = self.apply(Node::new(other, span), sub, scope, span);
                            Node::new(Value::Seq(vec![one]), span)
                        }
                    };
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        value
    }

    fn for_expr(&self, f: &ForExpr, scope: Option<&Scope>, span: Span) -> Node {
        let coll = self.eval(&f.intro.collection_expr, scope);
        let Some(items) = iter_items(&coll) else { return unknown(span) };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str());
        let value_var = f.intro.value_var.as_str();
        let mut seq = Vec::new();
        let mut map: Vec<(String, Node)> = Vec::new();
        for (k, v) in &items {
            let s1;
            let mut sc = scope;
            if let Some(kv) = key_var {
                s1 = Scope { name: kv, value: k, parent: sc };
                sc = Some(&s1);
            }
            let s2 = Scope { name: value_var, value: v, parent: sc };
            let sc = Some(&s2);
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, sc).as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return unknown(span),
                }
            }
            let value = self.eval(&f.value_expr, sc);
            match &f.key_expr {
                Some(ke) => {
                    let Some(key) = self.eval(ke, sc).to_text() else { return unknown(span) };
                    if f.grouping {
                        match map.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, Node { value: Value::Seq(items), .. })) => items.push(value),
                            _ => map.push((key, Node::new(Value::Seq(vec![value]), span))),
                        }
                    } else {
                        insert(&mut map, key, value);
                    }
                }
                None => seq.push(value),
            }
        }
        if f.key_expr.is_some() { Node::new(Value::Map(map), span) } else { Node::new(Value::Seq(seq), span) }
    }

    /// Renders a template; false when a part is not statically known. `trim` strips the
    /// whitespace at the (start, end) of the template (`~` on the directive around it).
    fn template(&self, t: &Template, scope: Option<&Scope>, out: &mut String, trim: (bool, bool)) -> bool {
        let elements: Vec<&Element> = t.iter().collect();
        let strip_after = |e: &Element| match e {
            Element::Literal(_) => false,
            Element::Interpolation(i) => i.strip.strip_end(),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => d.endif_expr.strip.strip_end(),
                Directive::For(d) => d.endfor_expr.strip.strip_end(),
            },
        };
        let strip_before = |e: &Element| match e {
            Element::Literal(_) => false,
            Element::Interpolation(i) => i.strip.strip_start(),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => d.if_expr.strip.strip_start(),
                Directive::For(d) => d.for_expr.strip.strip_start(),
            },
        };
        for (idx, el) in elements.iter().enumerate() {
            match el {
                Element::Literal(s) => {
                    let mut text: &str = s.value();
                    if (idx == 0 && trim.0) || (idx > 0 && strip_after(elements[idx - 1])) {
                        text = text.trim_start();
                    }
                    let last = idx + 1 == elements.len();
                    if (last && trim.1) || (!last && strip_before(elements[idx + 1])) {
                        text = text.trim_end();
                    }
                    out.push_str(text);
                }
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, scope);
                    match (&v.value, v.to_text()) {
                        (Value::Null, _) => {}
                        (_, Some(s)) => out.push_str(&s),
                        // A reference inside a string stays readable (`${aws_s3_bucket.b.arn}/*`),
                        // so the rest of the string (an IAM policy heredoc) can still be checked.
                        (Value::Ref(r), _) => {
                            out.push_str("${");
                            out.push_str(r);
                            out.push('}');
                        }
                        _ => return false,
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let cond = self.eval(&d.if_expr.cond_expr, scope);
                        match cond.as_bool() {
                            Some(true) => {
                                let end = match &d.else_expr {
                                    Some(e) => e.strip.strip_start(),
                                    None => d.endif_expr.strip.strip_start(),
                                };
                                if !self.template(
                                    &d.if_expr.template,
                                    scope,
                                    out,
                                    (d.if_expr.strip.strip_end(), end),
                                ) {
                                    return false;
                                }
                            }
                            Some(false) => {
                                if let Some(e) = &d.else_expr
                                    && !self.template(
                                        &e.template,
                                        scope,
                                        out,
                                        (e.strip.strip_end(), d.endif_expr.strip.strip_start()),
                                    )
                                {
                                    return false;
                                }
                            }
                            None => return false,
                        }
                    }
                    Directive::For(d) => {
                        let fe = &d.for_expr;
                        let coll = self.eval(&fe.collection_expr, scope);
                        let Some(items) = iter_items(&coll) else { return false };
                        for (k, v) in &items {
                            let s1;
                            let mut sc = scope;
                            if let Some(kv) = &fe.key_var {
                                s1 = Scope { name: kv.as_str(), value: k, parent: sc };
                                sc = Some(&s1);
                            }
                            let s2 = Scope { name: fe.value_var.as_str(), value: v, parent: sc };
                            let trim = (fe.strip.strip_end(), d.endfor_expr.strip.strip_start());
                            if !self.template(&fe.template, Some(&s2), out, trim) {
                                return false;
                            }
                        }
                    }
                },
            }
        }
        true
    }
}

/// Sets `key` in a map's entries (a later key replaces an earlier one, keeping its place).
pub fn insert(entries: &mut Vec<(String, Node)>, key: String, value: Node) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => entries.push((key, value)),
    }
}

/// The (key, value) pairs a `for` iterates over: list index / map key.
pub fn iter_items(coll: &Node) -> Option<Vec<(Node, Node)>> {
    match &coll.value {
        Value::Seq(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Node::new(Value::Int(i as i64), v.span), v.clone()))
                .collect(),
        ),
        Value::Map(entries) => {
            let mut sorted: Vec<&(String, Node)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            Some(
                sorted
                    .into_iter()
                    .map(|(k, v)| (Node::new(Value::Str(k.clone()), v.span), v.clone()))
                    .collect(),
            )
        }
        _ => None,
    }
}

fn get_attr(value: Node, attr: &str, span: Span) -> Node {
    match value.value {
        Value::Map(entries) => entries
            .into_iter()
            .rev()
            .find(|(k, _)| k == attr)
            .map(|(_, v)| v)
            .unwrap_or_else(|| unknown(span)),
        Value::Ref(r) => Node::new(Value::Ref(format!("{r}.{attr}")), span),
        _ => unknown(span),
    }
}

fn index(value: Node, idx: &Node, span: Span) -> Node {
    match (value.value, &idx.value) {
        (Value::Seq(items), _) => match idx.as_i64() {
            Some(i) if i >= 0 => items.into_iter().nth(i as usize).unwrap_or_else(|| unknown(span)),
            _ => unknown(span),
        },
        (Value::Map(entries), _) => match idx.to_text() {
            Some(k) => get_attr(Node::new(Value::Map(entries), span), &k, span),
            None => unknown(span),
        },
        (Value::Ref(r), Value::Int(i)) => Node::new(Value::Ref(format!("{r}[{i}]")), span),
        (Value::Ref(r), Value::Str(s)) => Node::new(Value::Ref(format!("{r}[{s:?}]")), span),
        (Value::Ref(r), _) => Node::new(Value::Ref(format!("{r}[*]")), span),
        _ => unknown(span),
    }
}

/// A number, also from a string holding one.
#[derive(Debug, Clone, Copy)]
pub enum Num {
    I(i64),
    F(f64),
}

impl Num {
    pub fn f(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }

    pub fn value(self) -> Value {
        match self {
            Num::I(i) => Value::Int(i),
            Num::F(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::Int(f as i64),
            Num::F(f) => Value::Float(f),
        }
    }
}

pub fn num(n: &Node) -> Option<Num> {
    match &n.value {
        Value::Int(i) => Some(Num::I(*i)),
        Value::Float(f) => Some(Num::F(*f)),
        Value::Str(s) => {
            let s = s.trim();
            s.parse::<i64>()
                .map(Num::I)
                .ok()
                .or_else(|| s.parse::<f64>().ok().filter(|f| f.is_finite()).map(Num::F))
        }
        _ => None,
    }
}

/// Structural equality of values (spans ignored, numbers compared by value).
pub fn equal(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            num(a).map(Num::f) == num(b).map(Num::f)
        }
        (Value::Seq(x), Value::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| b.get(k).is_some_and(|w| equal(v, w)))
        }
        (x, y) => x == y,
    }
}

fn binary(op: BinaryOperator, l: &Node, r: &Node) -> Value {
    use BinaryOperator as B;
    let unknown = |n: &Node| matches!(n.value, Value::Unknown | Value::Ref(_));
    if unknown(l) || unknown(r) {
        return Value::Unknown;
    }
    match op {
        B::Eq => Value::Bool(equal(l, r)),
        B::NotEq => Value::Bool(!equal(l, r)),
        B::And | B::Or => match (l.as_bool(), r.as_bool()) {
            (Some(a), Some(b)) => Value::Bool(if op == B::And { a && b } else { a || b }),
            _ => Value::Unknown,
        },
        _ => {
            let (Some(a), Some(b)) = (num(l), num(r)) else { return Value::Unknown };
            match op {
                B::Less => Value::Bool(a.f() < b.f()),
                B::LessEq => Value::Bool(a.f() <= b.f()),
                B::Greater => Value::Bool(a.f() > b.f()),
                B::GreaterEq => Value::Bool(a.f() >= b.f()),
                B::Plus | B::Minus | B::Mul => match (a, b) {
                    (Num::I(x), Num::I(y)) => {
                        let v = match op {
                            B::Plus => x.checked_add(y),
                            B::Minus => x.checked_sub(y),
                            _ => x.checked_mul(y),
                        };
                        v.map(Value::Int).unwrap_or(Value::Unknown)
                    }
                    _ => {
                        let (x, y) = (a.f(), b.f());
                        Num::F(match op {
                            B::Plus => x + y,
                            B::Minus => x - y,
                            _ => x * y,
                        })
                        .value()
                    }
                },
                B::Div => {
                    if b.f() == 0.0 {
                        Value::Unknown
                    } else {
                        Num::F(a.f() / b.f()).value()
                    }
                }
                B::Mod => match (a, b) {
                    (Num::I(_), Num::I(0)) => Value::Unknown,
                    (Num::I(x), Num::I(y)) => Value::Int(x.wrapping_rem(y)),
                    _ if b.f() == 0.0 => Value::Unknown,
                    _ => Num::F(a.f() % b.f()).value(),
                },
                _ => Value::Unknown,
            }
        }
    }
}
