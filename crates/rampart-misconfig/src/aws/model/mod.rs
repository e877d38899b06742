//! The AWS cloud model: one typed shape for resources read from Terraform and CloudFormation.
//!
//! Every attribute is an [`Attr`] that keeps the lines it was written on (or the resource's
//! lines when it is absent), so a finding points at the offending line whichever format the
//! resource came from. The adapters (`crate::aws::adapt`) fill the model; the checks read only it.

pub mod ec2;
pub mod iam;
pub mod s3;
pub mod services;

use crate::check::ConfigType;
use crate::value::{Node, Span, Value};

pub use ec2::*;
pub use iam::*;
pub use s3::*;
pub use services::*;

/// Where a model object came from: its resource name (Terraform address or CloudFormation
/// logical id), file and lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub name: String,
    pub path: String,
    pub span: Span,
    pub source: ConfigType,
}

/// Whether an attribute was written, and whether its value is known statically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not written: the provider default applies.
    Absent,
    /// Written, but the value is a reference or an expression of unknown inputs.
    Unknown,
    Known,
}

/// One attribute of a model object with its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr<T> {
    pub state: State,
    pub value: Option<T>,
    /// The attribute's lines, or the resource's lines when it is absent.
    pub span: Span,
}

impl<T> Attr<T> {
    pub fn absent(span: Span) -> Attr<T> {
        Attr { state: State::Absent, value: None, span }
    }

    pub fn unknown(span: Span) -> Attr<T> {
        Attr { state: State::Unknown, value: None, span }
    }

    pub fn known(value: T, span: Span) -> Attr<T> {
        Attr { state: State::Known, value: Some(value), span }
    }

    /// Written (known or not).
    pub fn is_set(&self) -> bool {
        self.state != State::Absent
    }

    pub fn is_absent(&self) -> bool {
        self.state == State::Absent
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Attr<U> {
        Attr { state: self.state, value: self.value.map(f), span: self.span }
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }
}

impl Attr<bool> {
    pub fn is_true(&self) -> bool {
        self.value == Some(true)
    }

    pub fn is_false(&self) -> bool {
        self.value == Some(false)
    }

    /// Known false, or absent (for settings whose default is off).
    pub fn off_or_absent(&self) -> bool {
        self.is_false() || self.is_absent()
    }
}

impl Attr<String> {
    /// Known and equal to `s` (ASCII case-insensitive).
    pub fn is(&self, s: &str) -> bool {
        self.value.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(s))
    }

    /// Absent, or known and empty.
    pub fn is_empty_or_absent(&self) -> bool {
        self.is_absent() || self.value.as_deref().is_some_and(|v| v.trim().is_empty())
    }
}

/// Reads attributes of a resource's node, keeping spans. Paths go through Terraform's nested
/// block lists (a `Seq` of maps) by taking the first block.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub node: &'a Node,
    /// Used for absent attributes.
    pub span: Span,
}

impl<'a> Reader<'a> {
    pub fn new(node: &'a Node, span: Span) -> Reader<'a> {
        Reader { node, span }
    }

    pub fn node(&self, path: &[&str]) -> Option<&'a Node> {
        let mut node = self.node;
        for key in path {
            node = first_block(node).get(key)?;
        }
        match &node.value {
            Value::Null => None,
            _ => Some(node),
        }
    }

    /// A reader for a nested block (first one, Terraform's single blocks), if present.
    pub fn block(&self, path: &[&str]) -> Option<Reader<'a>> {
        let node = first_block(self.node(path)?);
        Some(Reader { node, span: if node.span.is_known() { node.span } else { self.span } })
    }

    /// Every block of a (Terraform) block list or (CloudFormation) list of maps.
    pub fn blocks(&self, path: &[&str]) -> Vec<Reader<'a>> {
        self.node(path)
            .map(|n| {
                n.items_or_self()
                    .into_iter()
                    .filter(|b| b.is_map())
                    .map(|b| Reader { node: b, span: if b.span.is_known() { b.span } else { self.span } })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn attr<T>(&self, path: &[&str], f: impl Fn(&Node) -> Option<T>) -> Attr<T> {
        match self.node(path) {
            None => Attr::absent(self.span),
            Some(n) => {
                let span = if n.span.is_known() { n.span } else { self.span };
                match f(n) {
                    Some(v) if !n.is_unknown() => Attr::known(v, span),
                    _ => Attr::unknown(span),
                }
            }
        }
    }

    pub fn bool(&self, path: &[&str]) -> Attr<bool> {
        self.attr(path, Node::as_bool)
    }

    pub fn int(&self, path: &[&str]) -> Attr<i64> {
        self.attr(path, Node::as_i64)
    }

    /// A string; a reference is *set* but unknown.
    pub fn str(&self, path: &[&str]) -> Attr<String> {
        self.attr(path, Node::to_text)
    }

    /// A list of strings (a single string is a list of one); unknown when any item is.
    pub fn strs(&self, path: &[&str]) -> Attr<Vec<String>> {
        self.attr(path, |n| n.items_or_self().into_iter().map(Node::to_text).collect())
    }

    /// The referenced address when the attribute is a reference.
    pub fn reference(&self, path: &[&str]) -> Option<&'a str> {
        self.node(path).and_then(Node::as_ref_target)
    }
}

fn first_block(node: &Node) -> &Node {
    match &node.value {
        Value::Seq(items) if items.len() == 1 && items[0].is_map() => &items[0],
        _ => node,
    }
}

/// Every AWS object of one scan, from all files and both formats.
#[derive(Debug, Default)]
pub struct Model {
    pub buckets: Vec<S3Bucket>,
    pub security_groups: Vec<SecurityGroup>,
    /// Every security group rule, inline or standalone.
    pub sg_rules: Vec<SgRule>,
    pub nacl_rules: Vec<NaclRule>,
    pub policies: Vec<IamPolicy>,
    pub roles: Vec<IamRole>,
    /// Managed policies attached directly to IAM users.
    pub user_attachments: Vec<Meta>,
    pub password_policies: Vec<PasswordPolicy>,
    pub volumes: Vec<EbsVolume>,
    pub ebs_defaults: Vec<EbsDefaultEncryption>,
    pub instances: Vec<Instance>,
    pub vpcs: Vec<Vpc>,
    pub databases: Vec<Database>,
    pub trails: Vec<Trail>,
    pub kms_keys: Vec<KmsKey>,
    pub eks_clusters: Vec<EksCluster>,
    pub functions: Vec<LambdaFunction>,
    pub lambda_permissions: Vec<LambdaPermission>,
    pub load_balancers: Vec<LoadBalancer>,
    pub listeners: Vec<Listener>,
    pub queues: Vec<Queue>,
    pub topics: Vec<Topic>,
    pub tables: Vec<DynamoTable>,
    pub repositories: Vec<EcrRepository>,
    pub log_groups: Vec<LogGroup>,
    pub secrets: Vec<Secret>,
    pub caches: Vec<CacheGroup>,
    pub search_domains: Vec<SearchDomain>,
    pub redshift_clusters: Vec<RedshiftCluster>,
    pub file_systems: Vec<FileSystem>,
    /// Buckets by resource name (address / logical id) and by bucket name.
    pub bucket_index: std::collections::HashMap<String, usize>,
}

impl Model {
    pub fn build(resources: &[crate::cloud::RawResource]) -> Model {
        let mut model = Model::default();
        let (tf, cfn): (Vec<_>, Vec<_>) =
            resources.iter().partition(|r| r.source != ConfigType::CloudFormation);
        crate::aws::adapt::terraform::adapt(&tf, &mut model);
        crate::aws::adapt::cloudformation::adapt(&cfn, &mut model);
        for (i, b) in model.buckets.iter().enumerate() {
            model.bucket_index.insert(b.meta.name.clone(), i);
            if let Some(name) = &b.bucket_name {
                model.bucket_index.entry(name.clone()).or_insert(i);
            }
        }
        model
    }
}

/// `Meta` of a raw resource.
pub fn meta(r: &crate::cloud::RawResource) -> Meta {
    Meta { name: r.name.clone(), path: r.path.clone(), span: r.span, source: r.source }
}
