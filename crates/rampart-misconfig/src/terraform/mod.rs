//! Terraform: HCL modules (with variables, locals, tfvars and local modules) and plan JSON, read
//! into [`RawResource`]s.
//!
//! A module is the `.tf` (and `.tf.json`) files of one directory. Root modules are the
//! directories no other module calls as a local `source`; each is evaluated once with its
//! variables' defaults, then `terraform.tfvars`, `*.auto.tfvars` and the other `.tfvars` of the
//! directory, and every local module it calls is instantiated with the call's arguments
//! (`module.x.` / `module.x[0].` / `module.x["k"].` before its addresses; remote sources are
//! skipped). A directory no root reaches is evaluated as a root of its own.
//!
//! Expressions are evaluated as far as is statically possible (`eval`, `funcs`): what is not
//! known is [`Value::Unknown`], references to resources and data sources are [`Value::Ref`] with
//! the full address (`module.net.aws_vpc.main.id`), and inside strings a reference is written
//! `${address}`. `count` / `for_each` give one resource per instance (`type.name[0]`,
//! `type.name["key"]`; one unindexed instance when not known). Nested blocks are always a
//! sequence of maps, dynamic blocks are expanded, `lifecycle` / `provisioner` / `connection`
//! are dropped. Every attribute node spans its argument's lines. `aws_iam_policy_document`
//! data sources also get the `json` they render.
//!
//! Each file also gives a [`PolicyInput`] in Conftest's HCL-as-JSON shape (`conftest`): `input`
//! evaluated, `conftest_input` exactly as Conftest writes it. Plans (`plan`) give their planned
//! resources, without lines.

mod conftest;
mod eval;
mod funcs;
mod iam;
mod plan;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use rayon::prelude::*;

use crate::check::{ConfigType, FileError, PolicyInput, SourceFile};
use crate::cloud::RawResource;
use crate::value::{Node, Span, Value};
use eval::{Evaluator, Lines, Resolver, Scope, insert, iter_items, unknown};

/// What the Terraform loader read.
#[derive(Debug, Default)]
pub struct Loaded {
    pub resources: Vec<RawResource>,
    pub errors: Vec<FileError>,
    pub inputs: Vec<PolicyInput>,
}

/// Most instances one `count` / `for_each` expands to (beyond: the rest is not listed).
const MAX_INSTANCES: usize = 1000;
/// Deepest chain of local module calls followed.
const MAX_MODULE_DEPTH: usize = 16;

/// Reads every `.tf` / `.tfvars` file (grouped into modules by directory) and plan JSON of `files`.
pub fn load(files: &[&SourceFile]) -> Loaded {
    let mut out = Loaded::default();
    for f in files.iter().filter(|f| f.config_type == ConfigType::TerraformPlan) {
        plan::load(f, &mut out);
    }
    let hcl: Vec<&SourceFile> =
        files.iter().copied().filter(|f| f.config_type == ConfigType::Terraform).collect();
    let parsed: Vec<Result<ParsedFile, FileError>> = hcl.par_iter().map(|f| parse_file(f)).collect();
    let mut ok = Vec::new();
    for p in parsed {
        match p {
            Ok(p) => ok.push(p),
            Err(e) => out.errors.push(e),
        }
    }
    let ctx = Ctx::new(&ok);
    let referenced = ctx.referenced_dirs();
    for (dir, module) in &ctx.modules {
        if module.files.is_empty() || referenced.contains(dir.as_str()) {
            continue;
        }
        eval::reset_budget();
        let inst = Instance::new(&ctx, module, String::new(), module.root_vars(), vec![dir.clone()]);
        inst.run();
        out.resources.extend(inst.resources.into_inner());
    }
    // Modules never instantiated (their only callers use `count = 0`, or are themselves never
    // reached) are still checked, as root modules with their defaults.
    for module in ctx.modules.values() {
        if module.files.is_empty() || ctx.inputs_done.borrow().contains(&module.dir) {
            continue;
        }
        eval::reset_budget();
        let inst = Instance::new(&ctx, module, String::new(), module.root_vars(), vec![module.dir.clone()]);
        inst.run();
        out.resources.extend(inst.resources.into_inner());
    }
    // `.tfvars` files: what Conftest's HCL parser gives for them (their arguments).
    for module in ctx.modules.values() {
        for pf in &module.tfvars {
            let ev = Evaluator::new(&NoResolver, &pf.lines, &pf.file.text);
            ctx.inputs.borrow_mut().push(policy_input(pf, &ev));
        }
    }
    out.inputs.extend(ctx.inputs.into_inner());
    out.inputs.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// One parsed HCL file.
struct ParsedFile<'a> {
    file: &'a SourceFile,
    lines: Lines,
    body: Body,
}

impl ParsedFile<'_> {
    fn name(&self) -> &str {
        self.file.path.rsplit('/').next().unwrap_or(&self.file.path)
    }

    fn is_tfvars(&self) -> bool {
        let n = self.name().to_ascii_lowercase();
        n.ends_with(".tfvars") || n.ends_with(".tfvars.json")
    }
}

fn parse_file(file: &SourceFile) -> Result<ParsedFile<'_>, FileError> {
    let lower = file.path.to_ascii_lowercase();
    let body = if lower.ends_with(".json") {
        // `.tf.json` / `.tfvars.json`: Terraform's JSON syntax, read as HCL bodies.
        let json: serde_json::Value = serde_json::from_str(file.text.trim_start_matches('\u{feff}'))
            .map_err(|e| {
                FileError::new(&file.path, e.line() as u32, format!("invalid Terraform JSON: {e}"))
            })?;
        conftest::json_body(&json)
    } else {
        // A byte order mark becomes spaces: the same offsets, so lines and source slices agree.
        let unbom;
        let text = match file.text.strip_prefix('\u{feff}') {
            Some(rest) => {
                unbom = format!("   {rest}");
                unbom.as_str()
            }
            None => file.text.as_str(),
        };
        match std::panic::catch_unwind(|| hcl_edit::parser::parse_body(text)) {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => {
                return Err(FileError::new(
                    &file.path,
                    e.location().line() as u32,
                    format!("HCL syntax error: {}", e.message()),
                ));
            }
            Err(_) => return Err(FileError::new(&file.path, 0, "HCL could not be parsed")),
        }
    };
    Ok(ParsedFile { file, lines: Lines::new(&file.text), body })
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// `dir` joined with a relative module source, normalised (`None` when it leaves the scan root).
fn join_dir(dir: &str, source: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    for p in source.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

fn labels(block: &Block) -> Vec<&str> {
    block.labels.iter().map(|l| l.as_str()).collect()
}

/// The top-level declarations of one module directory.
struct Module<'a> {
    dir: String,
    files: Vec<&'a ParsedFile<'a>>,
    tfvars: Vec<&'a ParsedFile<'a>>,
    variables: Vec<(&'a str, Option<&'a Expression>, &'a ParsedFile<'a>)>,
    locals: HashMap<&'a str, (&'a Expression, &'a ParsedFile<'a>)>,
    calls: Vec<(&'a str, &'a Block, &'a ParsedFile<'a>)>,
    outputs: Vec<(&'a str, &'a Expression, &'a ParsedFile<'a>)>,
    resources: Vec<(&'a Block, &'a ParsedFile<'a>, bool)>,
}

impl<'a> Module<'a> {
    fn new(dir: &str) -> Module<'a> {
        Module {
            dir: dir.to_string(),
            files: Vec::new(),
            tfvars: Vec::new(),
            variables: Vec::new(),
            locals: HashMap::new(),
            calls: Vec::new(),
            outputs: Vec::new(),
            resources: Vec::new(),
        }
    }

    fn add(&mut self, pf: &'a ParsedFile<'a>) {
        if pf.is_tfvars() {
            self.tfvars.push(pf);
            return;
        }
        self.files.push(pf);
        for block in pf.body.blocks() {
            let l = labels(block);
            match (block.ident.as_str(), l.as_slice()) {
                ("variable", [name]) => {
                    self.variables.push((name, block.body.get_attribute("default").map(|a| &a.value), pf))
                }
                ("locals", []) => {
                    for a in block.body.attributes() {
                        self.locals.insert(a.key.as_str(), (&a.value, pf));
                    }
                }
                ("module", [name]) => self.calls.push((name, block, pf)),
                ("output", [name]) => {
                    if let Some(v) = block.body.get_attribute("value") {
                        self.outputs.push((name, &v.value, pf));
                    }
                }
                ("resource", [_, _]) => self.resources.push((block, pf, false)),
                ("data", [_, _]) => self.resources.push((block, pf, true)),
                _ => {}
            }
        }
    }

    /// A root module's variables: defaults, then `terraform.tfvars`, `*.auto.tfvars`, then the
    /// other `.tfvars` files of the directory (each by name; later files win).
    fn root_vars(&self) -> HashMap<String, Node> {
        let mut vars = self.default_vars();
        let rank = |pf: &ParsedFile| {
            let n = pf.name().to_ascii_lowercase();
            let r = if n == "terraform.tfvars" || n == "terraform.tfvars.json" {
                0
            } else if n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json") {
                1
            } else {
                2
            };
            (r, n)
        };
        let mut tfvars = self.tfvars.clone();
        tfvars.sort_by_key(|pf| rank(pf));
        for pf in tfvars {
            let ev = Evaluator::new(&NoResolver, &pf.lines, &pf.file.text);
            for a in pf.body.attributes() {
                vars.insert(a.key.as_str().to_string(), ev.eval(&a.value, None));
            }
        }
        vars
    }

    fn default_vars(&self) -> HashMap<String, Node> {
        let mut vars = HashMap::new();
        for (name, default, pf) in &self.variables {
            let value = match default {
                Some(e) => Evaluator::new(&NoResolver, &pf.lines, &pf.file.text).eval(e, None),
                None => unknown(Span::UNKNOWN),
            };
            vars.insert(name.to_string(), value);
        }
        vars
    }
}

/// Resolves nothing (variable defaults and tfvars cannot refer to anything).
struct NoResolver;

impl Resolver for NoResolver {
    fn var(&self, _: &str) -> Node {
        unknown(Span::UNKNOWN)
    }
    fn local(&self, _: &str) -> Node {
        unknown(Span::UNKNOWN)
    }
    fn module(&self, _: &str) -> Node {
        unknown(Span::UNKNOWN)
    }
    fn path_module(&self) -> String {
        ".".into()
    }
}

/// Every module of the scan, and what was produced once per directory.
struct Ctx<'a> {
    modules: BTreeMap<String, Module<'a>>,
    inputs_done: RefCell<HashSet<String>>,
    inputs: RefCell<Vec<PolicyInput>>,
}

impl<'a> Ctx<'a> {
    fn new(files: &'a [ParsedFile<'a>]) -> Ctx<'a> {
        let mut modules: BTreeMap<String, Module<'a>> = BTreeMap::new();
        let mut sorted: Vec<&'a ParsedFile<'a>> = files.iter().collect();
        sorted.sort_by(|a, b| a.file.path.cmp(&b.file.path));
        for pf in sorted {
            let dir = dir_of(&pf.file.path);
            modules.entry(dir.to_string()).or_insert_with(|| Module::new(dir)).add(pf);
        }
        Ctx { modules, inputs_done: RefCell::new(HashSet::new()), inputs: RefCell::new(Vec::new()) }
    }

    /// Directories called as a local module by another directory.
    fn referenced_dirs(&self) -> HashSet<String> {
        let mut out = HashSet::new();
        for (dir, m) in &self.modules {
            for (_, block, _) in &m.calls {
                let Some(src) = block.body.get_attribute("source").and_then(|a| a.value.as_str()) else {
                    continue;
                };
                if is_local_source(src)
                    && let Some(target) = join_dir(dir, src)
                    && target != *dir
                {
                    out.insert(target);
                }
            }
        }
        out
    }
}

/// One instance of a module: its variable values, lazily evaluated locals and module calls, and
/// the resources found so far.
struct Instance<'a, 'c> {
    ctx: &'c Ctx<'a>,
    module: &'c Module<'a>,
    /// `module.x.` (empty for a root module).
    prefix: String,
    vars: HashMap<String, Node>,
    /// Evaluated locals; `None` while being evaluated (a cycle reads Unknown).
    local_cache: RefCell<HashMap<String, Option<Node>>>,
    /// Outputs of called modules; `None` while being evaluated.
    module_cache: RefCell<HashMap<String, Option<Node>>>,
    resources: RefCell<Vec<RawResource>>,
    /// Directories on the module call stack (recursion guard).
    stack: Vec<String>,
    /// Locals being evaluated inside one another (a long chain reads Unknown, not a stack overflow).
    local_depth: std::cell::Cell<usize>,
}

/// Longest chain of locals evaluated inside one another.
const MAX_LOCAL_DEPTH: usize = 48;

impl Resolver for Instance<'_, '_> {
    fn var(&self, name: &str) -> Node {
        self.vars.get(name).cloned().unwrap_or_else(|| unknown(Span::UNKNOWN))
    }

    fn local(&self, name: &str) -> Node {
        if let Some(cached) = self.local_cache.borrow().get(name) {
            return cached.clone().unwrap_or_else(|| unknown(Span::UNKNOWN));
        }
        let Some((expr, pf)) = self.module.locals.get(name) else { return unknown(Span::UNKNOWN) };
        let depth = self.local_depth.get();
        if depth >= MAX_LOCAL_DEPTH {
            // Not cached: evaluated again from a shallower point it can still be known.
            return unknown(Span::UNKNOWN);
        }
        self.local_cache.borrow_mut().insert(name.to_string(), None);
        self.local_depth.set(depth + 1);
        let value = Evaluator::new(self, &pf.lines, &pf.file.text).eval(expr, None);
        self.local_depth.set(depth);
        self.local_cache.borrow_mut().insert(name.to_string(), Some(value.clone()));
        value
    }

    fn module(&self, name: &str) -> Node {
        if let Some(cached) = self.module_cache.borrow().get(name) {
            return cached.clone().unwrap_or_else(|| unknown(Span::UNKNOWN));
        }
        let Some((_, block, pf)) = self.module.calls.iter().find(|(n, _, _)| *n == name) else {
            return unknown(Span::UNKNOWN);
        };
        self.module_cache.borrow_mut().insert(name.to_string(), None);
        let value = self.call_module(name, block, pf);
        self.module_cache.borrow_mut().insert(name.to_string(), Some(value.clone()));
        value
    }

    fn ref_prefix(&self) -> &str {
        &self.prefix
    }

    fn path_module(&self) -> String {
        if self.module.dir.is_empty() { ".".into() } else { self.module.dir.clone() }
    }
}

/// Meta-arguments of a resource that are not resource attributes.
const RESOURCE_META: &[&str] = &["count", "for_each", "depends_on"];
/// Blocks of a resource that are not resource attributes.
const DROPPED_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];
/// Arguments of a module call that are not the module's variables.
const MODULE_META: &[&str] = &["source", "version", "count", "for_each", "providers", "depends_on"];

impl<'a, 'c> Instance<'a, 'c> {
    fn new(
        ctx: &'c Ctx<'a>,
        module: &'c Module<'a>,
        prefix: String,
        vars: HashMap<String, Node>,
        stack: Vec<String>,
    ) -> Instance<'a, 'c> {
        Instance {
            ctx,
            module,
            prefix,
            vars,
            local_cache: RefCell::new(HashMap::new()),
            module_cache: RefCell::new(HashMap::new()),
            resources: RefCell::new(Vec::new()),
            stack,
            local_depth: std::cell::Cell::new(0),
        }
    }

    fn evaluator(&self, pf: &'c ParsedFile<'a>) -> Evaluator<'_> {
        Evaluator::new(self, &pf.lines, &pf.file.text)
    }

    /// Evaluates the module: module calls, resources, then its outputs (returned as an object).
    fn run(&self) -> Node {
        for (name, _, _) in &self.module.calls {
            self.module(name);
        }
        for (block, pf, data) in &self.module.resources {
            let expanded = self.expand(block, pf, *data);
            self.resources.borrow_mut().extend(expanded);
        }
        if !self.ctx.inputs_done.borrow().contains(&self.module.dir) {
            self.inputs();
        }
        let mut outputs = Vec::new();
        for (name, expr, pf) in &self.module.outputs {
            outputs.push((name.to_string(), self.evaluator(pf).eval(expr, None)));
        }
        Node::new(Value::Map(outputs), Span::UNKNOWN)
    }

    fn call_module(&self, name: &str, block: &'c Block, pf: &'c ParsedFile<'a>) -> Node {
        let ev = self.evaluator(pf);
        let Some(source) = block
            .body
            .get_attribute("source")
            .and_then(|a| ev.eval(&a.value, None).as_str().map(str::to_string))
        else {
            return unknown(Span::UNKNOWN);
        };
        if !is_local_source(&source) {
            return unknown(Span::UNKNOWN);
        }
        let Some(dir) = join_dir(&self.module.dir, &source) else { return unknown(Span::UNKNOWN) };
        let Some(module) = self.ctx.modules.get(&dir) else { return unknown(Span::UNKNOWN) };
        if self.stack.contains(&dir) || self.stack.len() > MAX_MODULE_DEPTH || module.files.is_empty() {
            return unknown(Span::UNKNOWN);
        }
        let span = pf.lines.span(block.span());
        let (instances, shape) = instances(&block.body, &ev, span);
        let mut outputs = Vec::new();
        for inst in instances {
            let scope = inst.binding.as_ref().map(|(n, v)| Scope { name: n, value: v, parent: None });
            let mut vars = module.default_vars();
            for a in block.body.attributes() {
                let key = a.key.as_str();
                if !MODULE_META.contains(&key) {
                    vars.insert(key.to_string(), ev.eval(&a.value, scope.as_ref()));
                }
            }
            let mut stack = self.stack.clone();
            stack.push(dir.clone());
            let prefix = format!("{}module.{name}{}.", self.prefix, inst.suffix);
            let child = Instance::new(self.ctx, module, prefix, vars, stack);
            let out = child.run();
            self.resources.borrow_mut().extend(child.resources.into_inner());
            outputs.push((inst.key, out));
        }
        match shape {
            Shape::Single => outputs.pop().map(|(_, o)| o).unwrap_or_else(|| unknown(Span::UNKNOWN)),
            Shape::List => {
                Node::new(Value::Seq(outputs.into_iter().map(|(_, o)| o).collect()), Span::UNKNOWN)
            }
            Shape::Map => Node::new(Value::Map(outputs), Span::UNKNOWN),
        }
    }

    /// The instances of one resource or data block.
    fn expand(&self, block: &'c Block, pf: &'c ParsedFile<'a>, data: bool) -> Vec<RawResource> {
        let l = labels(block);
        let (rtype, rname) = (l[0], l[1]);
        let base = format!("{}{}{rtype}.{rname}", self.prefix, if data { "data." } else { "" });
        let ev = self.evaluator(pf);
        let span = pf.lines.span(block.span());
        let (instances, _) = instances(&block.body, &ev, span);
        instances
            .into_iter()
            .map(|inst| {
                let scope = inst.binding.as_ref().map(|(n, v)| Scope { name: n, value: v, parent: None });
                let mut attrs = self.body(&block.body, &ev, scope.as_ref(), true);
                if data && rtype == "aws_iam_policy_document" && !attrs.iter().any(|(k, _)| k == "json") {
                    // What the data source renders, for policies that refer to its `json`.
                    let json = iam::policy_document_json(&Node::new(Value::Map(attrs.clone()), span));
                    let value = json.map(Value::Str).unwrap_or(Value::Unknown);
                    attrs.push(("json".into(), Node::new(value, span)));
                }
                RawResource {
                    source: ConfigType::Terraform,
                    resource_type: rtype.to_string(),
                    name: format!("{base}{}", inst.suffix),
                    data,
                    path: pf.file.path.clone(),
                    span,
                    attrs: Node::new(Value::Map(attrs), span),
                }
            })
            .collect()
    }

    /// A block body as map entries: arguments as values, nested blocks as sequences of maps,
    /// dynamic blocks expanded.
    fn body(&self, body: &'c Body, ev: &Evaluator, scope: Option<&Scope>, top: bool) -> Vec<(String, Node)> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        let mut blocks: Vec<(String, Vec<Node>)> = Vec::new();
        let mut push_block = |name: &str, node: Node| match blocks.iter_mut().find(|(n, _)| n == name) {
            Some((_, items)) => items.push(node),
            None => blocks.push((name.to_string(), vec![node])),
        };
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if top && RESOURCE_META.contains(&key) {
                        continue;
                    }
                    let mut node = ev.eval(&a.value, scope);
                    node.span = ev.span_of(a.span());
                    insert(&mut entries, key.to_string(), node);
                }
                Structure::Block(b) => {
                    let ident = b.ident.as_str();
                    if DROPPED_BLOCKS.contains(&ident) {
                        continue;
                    }
                    let span = ev.span_of(b.span());
                    if ident == "dynamic" {
                        let Some(label) = b.labels.first().map(|l| l.as_str()) else { continue };
                        let Some(content) = b.body.get_blocks("content").next() else { continue };
                        let iterator = b
                            .body
                            .get_attribute("iterator")
                            .and_then(|a| match &a.value {
                                Expression::Variable(v) => Some(v.as_str()),
                                _ => None,
                            })
                            .unwrap_or(label);
                        let coll = b.body.get_attribute("for_each").map(|a| ev.eval(&a.value, scope));
                        let items = coll
                            .as_ref()
                            .and_then(iter_items)
                            .unwrap_or_else(|| vec![(unknown(span), unknown(span))]);
                        for (k, v) in items.into_iter().take(MAX_INSTANCES) {
                            let it =
                                Node::new(Value::Map(vec![("key".into(), k), ("value".into(), v)]), span);
                            let sc = Scope { name: iterator, value: &it, parent: scope };
                            let inner = self.body(&content.body, ev, Some(&sc), false);
                            push_block(label, Node::new(Value::Map(inner), span));
                        }
                    } else {
                        let inner = self.body(&b.body, ev, scope, false);
                        push_block(ident, Node::new(Value::Map(inner), span));
                    }
                }
            }
        }
        for (name, items) in blocks {
            let span = items.iter().fold(Span::UNKNOWN, |s, n| s.join(n.span));
            insert(&mut entries, name, Node::new(Value::Seq(items), span));
        }
        entries
    }

    /// One policy input per file of the module, in Conftest's HCL-as-JSON shape: evaluated
    /// (`input`) and as Conftest writes it (`conftest_input`).
    fn inputs(&self) {
        if !self.ctx.inputs_done.borrow_mut().insert(self.module.dir.clone()) {
            return;
        }
        let mut inputs = Vec::new();
        for pf in &self.module.files {
            let ev = self.evaluator(pf);
            inputs.push(policy_input(pf, &ev));
        }
        self.ctx.inputs.borrow_mut().extend(inputs);
    }
}

/// A file's policy input in Conftest's HCL-as-JSON shape: evaluated (`input`, with what cannot
/// be evaluated as Conftest writes it) and exactly as Conftest writes it (`conftest_input`).
fn policy_input(pf: &ParsedFile, ev: &Evaluator) -> PolicyInput {
    let last = pf.lines.line(pf.file.text.len().saturating_sub(1)).max(1);
    if pf.file.path.to_ascii_lowercase().ends_with(".json") {
        // Conftest reads `.tf.json` as the JSON it is.
        let json = serde_json::from_str(pf.file.text.trim_start_matches('\u{feff}')).unwrap_or_default();
        return PolicyInput {
            path: pf.file.path.clone(),
            config_type: ConfigType::Terraform,
            span: Span::new(1, last),
            resource: None,
            input: json,
            conftest_input: None,
        };
    }
    let raw = conftest::body_json(&pf.body, &|e| conftest::raw_expr(e, &pf.file.text));
    let evaluated = conftest::body_json(&pf.body, &|e| {
        conftest::known_json(&ev.eval(e, None)).unwrap_or_else(|| conftest::raw_expr(e, &pf.file.text))
    });
    PolicyInput {
        path: pf.file.path.clone(),
        config_type: ConfigType::Terraform,
        span: Span::new(1, last),
        resource: None,
        conftest_input: (raw != evaluated).then_some(raw),
        input: evaluated,
    }
}

/// One instance of a resource or module call under `count` / `for_each`.
struct InstanceKey {
    /// `[0]`, `["key"]`, or empty.
    suffix: String,
    /// The index or key, for a module's outputs.
    key: String,
    /// `count` / `each` and its value.
    binding: Option<(&'static str, Node)>,
}

/// How a module call's outputs are addressed: `module.x.out`, `module.x[0].out`, `module.x["k"].out`.
enum Shape {
    Single,
    List,
    Map,
}

/// The instances `count` / `for_each` of a block body give (one with unknown `count.index` /
/// `each.*` when the collection is not known statically).
fn instances(body: &Body, ev: &Evaluator, span: Span) -> (Vec<InstanceKey>, Shape) {
    let map = |pairs: Vec<(&str, Node)>| {
        Node::new(Value::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()), span)
    };
    if let Some(count) = body.get_attribute("count") {
        let n = ev.eval(&count.value, None);
        return match n.as_i64() {
            Some(n) => (
                (0..n.clamp(0, MAX_INSTANCES as i64))
                    .map(|i| InstanceKey {
                        suffix: format!("[{i}]"),
                        key: i.to_string(),
                        binding: Some(("count", map(vec![("index", Node::new(Value::Int(i), span))]))),
                    })
                    .collect(),
                Shape::List,
            ),
            None => (
                vec![InstanceKey {
                    suffix: String::new(),
                    key: String::new(),
                    binding: Some(("count", map(vec![("index", unknown(span))]))),
                }],
                Shape::Single,
            ),
        };
    }
    let Some(for_each) = body.get_attribute("for_each") else {
        return (
            vec![InstanceKey { suffix: String::new(), key: String::new(), binding: None }],
            Shape::Single,
        );
    };
    let coll = ev.eval(&for_each.value, None);
    let items: Option<Vec<(Node, Node)>> = match &coll.value {
        Value::Map(_) => iter_items(&coll),
        // A set of strings: each.key = each.value = the element.
        Value::Seq(items) if items.iter().all(|i| i.to_text().is_some()) => {
            let mut keys: Vec<Node> = items.clone();
            keys.sort_by_key(|k| k.to_text());
            keys.dedup_by(|a, b| a.to_text() == b.to_text());
            Some(keys.into_iter().map(|k| (k.clone(), k)).collect())
        }
        _ => None,
    };
    match items {
        Some(items) => (
            items
                .into_iter()
                .take(MAX_INSTANCES)
                .map(|(k, v)| {
                    let key = k.to_text().unwrap_or_default();
                    InstanceKey {
                        suffix: format!("[{key:?}]"),
                        key,
                        binding: Some(("each", map(vec![("key", k), ("value", v)]))),
                    }
                })
                .collect(),
            Shape::Map,
        ),
        None => {
            // `for_each = aws_s3_bucket.b`: one instance per instance of that resource, whose
            // keys are not known here; `each.value` stays a reference to it, so
            // `each.value.id` links to every instance (`aws_s3_bucket.b.id`).
            let value = match &coll.value {
                Value::Ref(r) => Node::new(Value::Ref(r.clone()), span),
                _ => unknown(span),
            };
            (
                vec![InstanceKey {
                    suffix: String::new(),
                    key: String::new(),
                    binding: Some(("each", map(vec![("key", unknown(span)), ("value", value)]))),
                }],
                Shape::Single,
            )
        }
    }
}

/// Re-exported for the tests: the evaluator on an expression text with no context.
#[cfg(test)]
fn eval_text(text: &str) -> Node {
    let expr = hcl_edit::parser::parse_expr(text).expect("expression");
    let lines = Lines::new(text);
    Evaluator::new(&NoResolver, &lines, text).eval(&expr, None)
}

#[cfg(test)]
mod tests;
