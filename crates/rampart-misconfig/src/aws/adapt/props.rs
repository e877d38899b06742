//! Model objects read from a format's property names: the construction logic both adapters
//! share. Each adapter declares, per object, a `*Props` value naming its own properties (paths
//! into the resource's attributes) and calls `read`.

use std::collections::HashMap;

use super::lookup;
use crate::aws::model::*;
use crate::value::{Node, Span};

/// A property path (`&["vpc_config", "endpoint_public_access"]`).
pub type Path = &'static [&'static str];

/// The protocol of a rule, lowercased, with IANA numbers (and the format's `aliases`) replaced
/// by their names.
pub fn protocol(a: &Attr<String>, aliases: &[(&str, &str)]) -> Attr<String> {
    let mut a = a.clone();
    if let Some(v) = a.value.as_mut() {
        let lower = v.to_ascii_lowercase();
        *v = match lower.as_str() {
            "6" => "tcp".into(),
            "17" => "udp".into(),
            "1" => "icmp".into(),
            other => aliases.iter().find(|(k, _)| *k == other).map_or(other, |(_, v)| v).to_string(),
        };
    }
    a
}

/// A security group rule's ports, protocol and description.
pub struct SgRuleProps {
    pub protocol: Path,
    pub from_port: Path,
    pub to_port: Path,
    pub description: Path,
    pub protocol_aliases: &'static [(&'static str, &'static str)],
}

impl SgRuleProps {
    pub fn read(
        &self,
        meta: &Meta,
        r: &Reader<'_>,
        direction: Direction,
        cidrs: Vec<(String, Span)>,
    ) -> SgRule {
        SgRule {
            meta: meta.clone(),
            direction,
            span: r.span,
            protocol: protocol(&r.str(self.protocol), self.protocol_aliases),
            from_port: r.int(self.from_port),
            to_port: r.int(self.to_port),
            cidrs,
            description: r.str(self.description),
        }
    }
}

/// A network ACL rule (`egress` is decided by the adapter).
pub struct NaclRuleProps {
    pub action: Path,
    pub protocol: Path,
    pub from_port: Path,
    pub to_port: Path,
    pub cidr: Path,
    pub ipv6_cidr: Path,
    pub protocol_aliases: &'static [(&'static str, &'static str)],
}

impl NaclRuleProps {
    pub fn read(&self, meta: Meta, r: &Reader<'_>, egress: bool) -> NaclRule {
        NaclRule {
            meta,
            span: r.span,
            egress,
            allow: r.str(self.action).is("allow"),
            protocol: protocol(&r.str(self.protocol), self.protocol_aliases),
            from_port: r.int(self.from_port),
            to_port: r.int(self.to_port),
            cidr: if r.node(self.cidr).is_some() { r.str(self.cidr) } else { r.str(self.ipv6_cidr) },
        }
    }
}

/// An instance's metadata options and user data (block devices and public IP are read by the
/// adapter).
pub struct InstanceProps {
    pub http_tokens: Path,
    pub http_endpoint: Path,
    pub user_data: Path,
}

impl InstanceProps {
    pub fn read(
        &self,
        meta: Meta,
        kind: InstanceKind,
        r: &Reader<'_>,
        public_ip: Attr<bool>,
        block_devices: Vec<Attr<bool>>,
    ) -> Instance {
        Instance {
            meta,
            kind,
            http_tokens: r.str(self.http_tokens),
            http_endpoint: r.str(self.http_endpoint),
            public_ip,
            user_data: r.str(self.user_data),
            block_devices,
        }
    }
}

/// An RDS instance or cluster (`cluster` and `aurora_instance` are decided by the adapter).
pub struct DatabaseProps {
    pub storage_encrypted: Path,
    pub publicly_accessible: Path,
    pub backup_retention: Path,
    pub deletion_protection: Path,
    pub iam_auth: Path,
    pub auto_minor_upgrade: Path,
    pub performance_insights: Path,
    pub performance_insights_kms: Path,
    pub multi_az: Path,
    pub monitoring_interval: Path,
    pub log_exports: Path,
    pub copy_tags: Path,
}

impl DatabaseProps {
    pub fn read(&self, meta: Meta, a: &Reader<'_>, cluster: bool, aurora_instance: bool) -> Database {
        Database {
            cluster,
            aurora_instance,
            storage_encrypted: a.bool(self.storage_encrypted),
            publicly_accessible: a.bool(self.publicly_accessible),
            backup_retention: a.int(self.backup_retention),
            deletion_protection: a.bool(self.deletion_protection),
            iam_auth: a.bool(self.iam_auth),
            auto_minor_upgrade: a.bool(self.auto_minor_upgrade),
            performance_insights: a.bool(self.performance_insights),
            performance_insights_kms: a.str(self.performance_insights_kms),
            multi_az: a.bool(self.multi_az),
            monitoring_interval: a.int(self.monitoring_interval),
            log_exports: a.strs(self.log_exports),
            copy_tags: a.bool(self.copy_tags),
            meta,
        }
    }
}

/// A CloudTrail trail.
pub struct TrailProps {
    pub multi_region: Path,
    pub log_validation: Path,
    pub kms_key: Path,
    pub cloudwatch_logs: Path,
    pub sns_topic: Path,
    pub bucket: Path,
}

impl TrailProps {
    pub fn read(&self, meta: Meta, a: &Reader<'_>) -> Trail {
        Trail {
            multi_region: a.bool(self.multi_region),
            log_validation: a.bool(self.log_validation),
            kms_key: a.str(self.kms_key),
            cloudwatch_logs: a.str(self.cloudwatch_logs),
            sns_topic: a.str(self.sns_topic),
            bucket: a.str(self.bucket),
            bucket_ref: a.reference(self.bucket).map(str::to_string),
            meta,
        }
    }
}

/// A KMS key; its spec is the first of `spec` that is present.
pub struct KmsKeyProps {
    pub rotation: Path,
    pub spec: &'static [Path],
}

impl KmsKeyProps {
    pub fn read(&self, meta: Meta, a: &Reader<'_>) -> KmsKey {
        let mut spec = Attr::absent(a.span);
        for path in self.spec {
            if spec.is_absent() {
                spec = a.str(path);
            }
        }
        KmsKey {
            rotation: a.bool(self.rotation),
            symmetric: spec.is_absent() || spec.is("SYMMETRIC_DEFAULT"),
            meta,
        }
    }
}

/// An EKS cluster (the enabled log types are read by the adapter).
pub struct EksClusterProps {
    pub public_access: Path,
    pub public_cidrs: Path,
    pub encryption_config: Path,
    /// Inside an `encryption_config` block.
    pub encrypted_resources: Path,
}

impl EksClusterProps {
    pub fn read(&self, meta: Meta, a: &Reader<'_>, log_types: Attr<Vec<String>>) -> EksCluster {
        let secrets_encryption = match a.blocks(self.encryption_config).first() {
            None => Attr::absent(a.span),
            Some(e) => match e.strs(self.encrypted_resources) {
                Attr { value: Some(v), span, .. } => Attr::known(v.iter().any(|s| s == "secrets"), span),
                other => Attr { state: other.state, value: None, span: other.span },
            },
        };
        EksCluster {
            public_access: a.bool(self.public_access),
            public_cidrs: a.strs(self.public_cidrs),
            secrets_encryption,
            log_types,
            meta,
        }
    }
}

/// A load balancer listener and whether its default action redirects to HTTPS.
pub struct ListenerProps {
    pub protocol: Path,
    pub ssl_policy: Path,
    pub default_actions: Path,
    /// Inside a default action.
    pub action_type: Path,
    /// Inside a default action.
    pub redirect_protocol: Path,
}

impl ListenerProps {
    pub fn read(&self, meta: Meta, a: &Reader<'_>) -> Listener {
        let actions = a.blocks(self.default_actions);
        let redirects = actions
            .iter()
            .any(|d| d.str(self.action_type).is("redirect") && d.str(self.redirect_protocol).is("HTTPS"));
        let unknown = actions.iter().any(|d| d.str(self.action_type).state == State::Unknown);
        Listener {
            protocol: a.str(self.protocol),
            ssl_policy: a.str(self.ssl_policy),
            redirects_to_https: if redirects {
                Some(true)
            } else if unknown {
                None
            } else {
                Some(false)
            },
            meta,
        }
    }
}

/// The remaining services' objects, each a few properties.
pub struct ServiceProps {
    pub lambda_tracing_mode: Path,
    pub lambda_principal: Path,
    pub lambda_source_arn: Path,
    pub lambda_url_auth: Path,
    pub queue_kms_key: Path,
    pub queue_managed_sse: Path,
    pub topic_kms_key: Path,
    pub table_pitr: Path,
    pub table_sse_enabled: Path,
    pub table_kms_key: Path,
    pub ecr_scan_on_push: Path,
    pub ecr_tag_mutability: Path,
    pub log_group_kms_key: Path,
    pub log_group_retention: Path,
    pub secret_kms_key: Path,
    pub cache_at_rest: Path,
    pub cache_in_transit: Path,
    pub search_at_rest: Path,
    pub search_node_to_node: Path,
    pub search_enforce_https: Path,
    /// The `encrypted` flag of volumes, Redshift clusters and EFS file systems.
    pub encrypted: Path,
}

/// The objects [`ServiceProps`] reads alone, whatever the format: each adapter maps its
/// resource types to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Volume,
    Function,
    Permission,
    FunctionUrl,
    Queue,
    Topic,
    Table,
    Repository,
    LogGroup,
    Cache,
    SearchDomain,
    Redshift,
    FileSystem,
}

/// The [`Service`] a resource type maps to in `types`.
pub fn service(types: &[(&str, Service)], resource_type: &str) -> Option<Service> {
    types.iter().find(|(t, _)| *t == resource_type).map(|(_, s)| *s)
}

impl ServiceProps {
    /// Adds the object of `kind` that `a` describes to `model`.
    pub fn add(&self, model: &mut Model, kind: Service, meta: Meta, a: &Reader<'_>) {
        match kind {
            Service::Volume => model.volumes.push(EbsVolume { encrypted: a.bool(self.encrypted), meta }),
            Service::Function => {
                model.functions.push(LambdaFunction { tracing_mode: a.str(self.lambda_tracing_mode), meta })
            }
            Service::Permission => model.lambda_permissions.push(LambdaPermission {
                principal: a.str(self.lambda_principal),
                source_arn: a.str(self.lambda_source_arn),
                url_auth: None,
                meta,
            }),
            Service::FunctionUrl => model.lambda_permissions.push(LambdaPermission {
                principal: Attr::absent(a.span),
                source_arn: Attr::absent(a.span),
                url_auth: Some(a.str(self.lambda_url_auth)),
                meta,
            }),
            Service::Queue => model.queues.push(Queue {
                kms_key: a.str(self.queue_kms_key),
                managed_sse: a.bool(self.queue_managed_sse),
                meta,
            }),
            Service::Topic => model.topics.push(Topic { kms_key: a.str(self.topic_kms_key), meta }),
            Service::Table => model.tables.push(DynamoTable {
                pitr: a.bool(self.table_pitr),
                sse_enabled: a.bool(self.table_sse_enabled),
                kms_key: a.str(self.table_kms_key),
                meta,
            }),
            Service::Repository => model.repositories.push(EcrRepository {
                scan_on_push: a.bool(self.ecr_scan_on_push),
                tag_mutability: a.str(self.ecr_tag_mutability),
                meta,
            }),
            Service::LogGroup => model.log_groups.push(LogGroup {
                kms_key: a.str(self.log_group_kms_key),
                retention_days: a.int(self.log_group_retention),
                meta,
            }),
            Service::Cache => model.caches.push(CacheGroup {
                at_rest: a.bool(self.cache_at_rest),
                in_transit: a.bool(self.cache_in_transit),
                meta,
            }),
            Service::SearchDomain => model.search_domains.push(SearchDomain {
                at_rest: a.bool(self.search_at_rest),
                node_to_node: a.bool(self.search_node_to_node),
                enforce_https: a.bool(self.search_enforce_https),
                meta,
            }),
            Service::Redshift => {
                model.redshift_clusters.push(RedshiftCluster { encrypted: a.bool(self.encrypted), meta })
            }
            Service::FileSystem => {
                model.file_systems.push(FileSystem { encrypted: a.bool(self.encrypted), meta })
            }
        }
    }

    pub fn secret(&self, meta: Meta, a: &Reader<'_>, rotation: bool) -> Secret {
        Secret { kms_key: a.str(self.secret_kms_key), rotation, meta }
    }
}

/// The objects other resources link to (a bucket's policy or configuration resources, a VPC's
/// flow logs, a secret's rotation), indexed by name / address as they are added.
#[derive(Default)]
pub struct Links {
    pub buckets: HashMap<String, usize>,
    pub vpcs: HashMap<String, usize>,
    pub secrets: HashMap<String, usize>,
}

impl Links {
    /// Adds `b` under its resource name and, when static, its bucket name.
    pub fn add_bucket(&mut self, model: &mut Model, b: S3Bucket) {
        self.buckets.insert(b.meta.name.clone(), model.buckets.len());
        if let Some(n) = &b.bucket_name {
            self.buckets.insert(n.clone(), model.buckets.len());
        }
        model.buckets.push(b);
    }

    pub fn add_vpc(&mut self, model: &mut Model, meta: Meta) {
        self.vpcs.insert(meta.name.clone(), model.vpcs.len());
        model.vpcs.push(Vpc { meta, flow_logs: false });
    }

    pub fn add_secret(&mut self, model: &mut Model, s: Secret) {
        self.secrets.insert(s.meta.name.clone(), model.secrets.len());
        model.secrets.push(s);
    }

    /// Marks the VPC that the reference at `key` of `a` points at as having flow logs.
    pub fn flow_log(&self, model: &mut Model, a: &Reader<'_>, key: &str) {
        if let Some(i) = target(a, key).and_then(|t| lookup(&self.vpcs, &t)) {
            model.vpcs[i].flow_logs = true;
        }
    }

    /// Marks the secret that the reference at `key` of `a` points at as rotated.
    pub fn rotation(&self, model: &mut Model, a: &Reader<'_>, key: &str) {
        if let Some(i) = target(a, key).and_then(|t| lookup(&self.secrets, &t)) {
            model.secrets[i].rotation = true;
        }
    }

    /// The index of the bucket that the reference at `key` of `a` points at.
    pub fn bucket(&self, a: &Reader<'_>, key: &str) -> Option<usize> {
        target(a, key).and_then(|t| lookup(&self.buckets, &t))
    }

    /// The buckets the reference at `key` of `a` points at: the one it names, or every instance
    /// of a `count` / `for_each` bucket when it names the resource without an index
    /// (`for_each = aws_s3_bucket.b` with `bucket = each.value.id` configures each of them).
    pub fn buckets(&self, a: &Reader<'_>, key: &str) -> Vec<usize> {
        let Some(t) = target(a, key) else { return Vec::new() };
        if let Some(i) = lookup(&self.buckets, &t) {
            return vec![i];
        }
        let mut base = t.as_str();
        for _ in 0..4 {
            let prefix = format!("{base}[");
            let mut all: Vec<usize> =
                self.buckets.iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(_, &i)| i).collect();
            if !all.is_empty() {
                all.sort_unstable();
                all.dedup();
                return all;
            }
            match base.rfind('.') {
                Some(p) => base = &base[..p],
                None => break,
            }
        }
        Vec::new()
    }
}

/// What the property `key` of `a` refers to: a reference's target, or a plain name.
fn target(a: &Reader<'_>, key: &str) -> Option<String> {
    let n = a.node(&[key])?;
    n.as_ref_target().or_else(|| n.as_str()).map(str::to_string)
}

/// The bucket's static name at `path`.
pub fn bucket_name(a: &Reader<'_>, path: Path) -> Option<String> {
    a.node(path).and_then(Node::as_str).map(str::to_string)
}
