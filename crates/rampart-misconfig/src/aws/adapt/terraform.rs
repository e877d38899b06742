//! Terraform `aws_*` resources (and `aws_iam_policy_document` data sources) into the model.
//! Attribute names and defaults follow the Terraform AWS provider documentation.

use std::collections::HashMap;

use super::lookup;
use crate::aws::model::*;
use crate::cloud::RawResource;
use crate::value::{Node, Span};

struct Ctx<'a> {
    /// Every resource and data source by address.
    by_address: HashMap<String, usize>,
    resources: &'a [&'a RawResource],
}

impl Ctx<'_> {
    /// A policy document: a JSON string, an object, or a reference to an
    /// `aws_iam_policy_document` data source.
    fn document(&self, node: Option<&Node>, path: &str) -> Option<PolicyDocument> {
        let node = node?;
        if let Some(target) = node.as_ref_target() {
            let r = self.resources[lookup(&self.by_address, target)?];
            return (r.data && r.resource_type == "aws_iam_policy_document")
                .then(|| PolicyDocument::from_data_source(Reader::new(&r.attrs, r.span), &r.path));
        }
        PolicyDocument::from_node(node, path)
    }
}

fn protocol(a: &Attr<String>) -> Attr<String> {
    let mut a = a.clone();
    if let Some(v) = a.value.as_mut() {
        *v = match v.to_ascii_lowercase().as_str() {
            "6" => "tcp".into(),
            "17" => "udp".into(),
            "1" => "icmp".into(),
            "all" => "-1".into(),
            other => other.to_string(),
        };
    }
    a
}

fn cidrs(r: &Reader<'_>, keys: &[&str]) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for key in keys {
        if let Some(n) = r.node(&[key]) {
            for item in n.items_or_self() {
                if let Some(s) = item.as_str() {
                    out.push((s.to_string(), if item.span.is_known() { item.span } else { r.span }));
                }
            }
        }
    }
    out
}

fn sg_rule(
    meta: &Meta,
    r: Reader<'_>,
    direction: Direction,
    protocol_key: &str,
    cidr_keys: &[&str],
) -> SgRule {
    SgRule {
        meta: meta.clone(),
        direction,
        span: r.span,
        protocol: protocol(&r.str(&[protocol_key])),
        from_port: r.int(&["from_port"]),
        to_port: r.int(&["to_port"]),
        cidrs: cidrs(&r, cidr_keys),
        description: r.str(&["description"]),
    }
}

fn sse(r: &Reader<'_>, bucket: &mut S3Bucket) {
    if let Some(d) = r.block(&["rule", "apply_server_side_encryption_by_default"]) {
        bucket.encryption = d.str(&["sse_algorithm"]);
        bucket.kms_key = d.str(&["kms_master_key_id"]);
    }
}

fn public_grant(grants: Vec<Reader<'_>>) -> Option<Span> {
    grants.into_iter().find_map(|g| {
        let uri = g.node(&["uri"]).or_else(|| g.node(&["grantee", "uri"]))?.as_str()?;
        (uri.ends_with("/AllUsers") || uri.ends_with("/AuthenticatedUsers")).then_some(g.span)
    })
}

fn instance(meta: Meta, kind: InstanceKind, r: Reader<'_>) -> Instance {
    let mut block_devices: Vec<Attr<bool>> = Vec::new();
    for key in ["root_block_device", "ebs_block_device"] {
        block_devices.extend(r.blocks(&[key]).iter().map(|b| b.bool(&["encrypted"])));
    }
    block_devices.extend(
        r.blocks(&["block_device_mappings"])
            .iter()
            .filter_map(|b| b.block(&["ebs"]))
            .map(|e| e.bool(&["encrypted"])),
    );
    let public_ip = match kind {
        InstanceKind::LaunchTemplate => r.bool(&["network_interfaces", "associate_public_ip_address"]),
        _ => r.bool(&["associate_public_ip_address"]),
    };
    Instance {
        meta,
        kind,
        http_tokens: r.str(&["metadata_options", "http_tokens"]),
        http_endpoint: r.str(&["metadata_options", "http_endpoint"]),
        public_ip,
        user_data: r.str(&["user_data"]),
        block_devices,
    }
}

/// Adds the Terraform resources to `model`.
pub fn adapt(resources: &[&RawResource], model: &mut Model) {
    let ctx = Ctx {
        by_address: resources.iter().enumerate().map(|(i, r)| (r.name.clone(), i)).collect(),
        resources,
    };
    let mut buckets: HashMap<String, usize> = HashMap::new();
    let mut vpcs: HashMap<String, usize> = HashMap::new();
    let mut secrets: HashMap<String, usize> = HashMap::new();
    let mut linked = Vec::new();
    for r in resources.iter().copied() {
        let m = meta(r);
        let a = Reader::new(&r.attrs, r.span);
        let path = r.path.as_str();
        if r.data {
            continue;
        }
        match r.resource_type.as_str() {
            "aws_s3_bucket" => {
                let mut b = S3Bucket::new(m);
                b.bucket_name = a.node(&["bucket"]).and_then(Node::as_str).map(str::to_string);
                b.acl = a.str(&["acl"]);
                b.public_grant = public_grant(a.blocks(&["grant"]));
                if let Some(v) = a.block(&["versioning"]) {
                    b.versioning = v.bool(&["enabled"]);
                    b.mfa_delete = v.bool(&["mfa_delete"]);
                }
                if let Some(l) = a.block(&["logging"]) {
                    b.logging = Attr::known(true, l.span);
                }
                if let Some(s) = a.block(&["server_side_encryption_configuration"]) {
                    sse(&s, &mut b);
                }
                b.lifecycle = a.node(&["lifecycle_rule"]).is_some();
                b.replication = a.node(&["replication_configuration"]).is_some();
                b.policy = ctx.document(a.node(&["policy"]), path);
                b.policy_unknown = b.policy.is_none() && a.node(&["policy"]).is_some();
                buckets.insert(b.meta.name.clone(), model.buckets.len());
                if let Some(n) = &b.bucket_name {
                    buckets.insert(n.clone(), model.buckets.len());
                }
                model.buckets.push(b);
            }
            t if t.starts_with("aws_s3_bucket_") => linked.push(r),
            "aws_security_group" | "aws_default_security_group" => {
                let default = r.resource_type == "aws_default_security_group";
                let mut spans = Vec::new();
                for (key, dir) in [("ingress", Direction::Ingress), ("egress", Direction::Egress)] {
                    for b in a.blocks(&[key]) {
                        spans.push(b.span);
                        model.sg_rules.push(sg_rule(
                            &m,
                            b,
                            dir,
                            "protocol",
                            &["cidr_blocks", "ipv6_cidr_blocks"],
                        ));
                    }
                }
                model.security_groups.push(SecurityGroup {
                    description: if default { Attr::unknown(r.span) } else { a.str(&["description"]) },
                    default,
                    rule_spans: spans,
                    meta: m,
                });
            }
            "aws_security_group_rule" => {
                let dir = if a.str(&["type"]).is("egress") { Direction::Egress } else { Direction::Ingress };
                model.sg_rules.push(sg_rule(&m, a, dir, "protocol", &["cidr_blocks", "ipv6_cidr_blocks"]));
            }
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                let dir = if t_is(r, "egress") { Direction::Egress } else { Direction::Ingress };
                model.sg_rules.push(sg_rule(&m, a, dir, "ip_protocol", &["cidr_ipv4", "cidr_ipv6"]));
            }
            "aws_network_acl_rule" => model.nacl_rules.push(NaclRule {
                span: r.span,
                egress: a.bool(&["egress"]).is_true(),
                allow: a.str(&["rule_action"]).is("allow"),
                protocol: protocol(&a.str(&["protocol"])),
                from_port: a.int(&["from_port"]),
                to_port: a.int(&["to_port"]),
                cidr: if a.node(&["cidr_block"]).is_some() {
                    a.str(&["cidr_block"])
                } else {
                    a.str(&["ipv6_cidr_block"])
                },
                meta: m,
            }),
            "aws_network_acl" => {
                for (key, egress) in [("ingress", false), ("egress", true)] {
                    for b in a.blocks(&[key]) {
                        model.nacl_rules.push(NaclRule {
                            meta: m.clone(),
                            span: b.span,
                            egress,
                            allow: b.str(&["action"]).is("allow"),
                            protocol: protocol(&b.str(&["protocol"])),
                            from_port: b.int(&["from_port"]),
                            to_port: b.int(&["to_port"]),
                            cidr: if b.node(&["cidr_block"]).is_some() {
                                b.str(&["cidr_block"])
                            } else {
                                b.str(&["ipv6_cidr_block"])
                            },
                        });
                    }
                }
            }
            "aws_iam_policy" | "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                let owner = match r.resource_type.as_str() {
                    "aws_iam_role_policy" => PolicyOwner::Role,
                    "aws_iam_user_policy" => PolicyOwner::User,
                    "aws_iam_group_policy" => PolicyOwner::Group,
                    _ => PolicyOwner::Managed,
                };
                if let Some(document) = ctx.document(a.node(&["policy"]), path) {
                    model.policies.push(IamPolicy { meta: m, owner, document });
                }
            }
            "aws_iam_role" => {
                for p in a.blocks(&["inline_policy"]) {
                    if let Some(document) = ctx.document(p.node(&["policy"]), path) {
                        model.policies.push(IamPolicy {
                            meta: m.clone(),
                            owner: PolicyOwner::Role,
                            document,
                        });
                    }
                }
                model
                    .roles
                    .push(IamRole { trust: ctx.document(a.node(&["assume_role_policy"]), path), meta: m });
            }
            "aws_iam_user_policy_attachment" => model.user_attachments.push(m),
            "aws_iam_policy_attachment"
                if a.node(&["users"]).is_some_and(|u| !u.items_or_self().is_empty()) =>
            {
                model.user_attachments.push(m)
            }
            "aws_iam_account_password_policy" => model.password_policies.push(PasswordPolicy {
                minimum_length: a.int(&["minimum_password_length"]),
                reuse_prevention: a.int(&["password_reuse_prevention"]),
                require_symbols: a.bool(&["require_symbols"]),
                require_numbers: a.bool(&["require_numbers"]),
                require_uppercase: a.bool(&["require_uppercase_characters"]),
                require_lowercase: a.bool(&["require_lowercase_characters"]),
                max_age: a.int(&["max_password_age"]),
                meta: m,
            }),
            "aws_ebs_volume" => model.volumes.push(EbsVolume { encrypted: a.bool(&["encrypted"]), meta: m }),
            "aws_ebs_encryption_by_default" => {
                let enabled = a.bool(&["enabled"]);
                let enabled = if enabled.is_absent() { Attr::known(true, r.span) } else { enabled };
                model.ebs_defaults.push(EbsDefaultEncryption { enabled, meta: m });
            }
            "aws_instance" => model.instances.push(instance(m, InstanceKind::Instance, a)),
            "aws_launch_template" => model.instances.push(instance(m, InstanceKind::LaunchTemplate, a)),
            "aws_launch_configuration" => {
                model.instances.push(instance(m, InstanceKind::LaunchConfiguration, a))
            }
            "aws_vpc" => {
                vpcs.insert(m.name.clone(), model.vpcs.len());
                model.vpcs.push(Vpc { meta: m, flow_logs: false });
            }
            "aws_flow_log" => linked.push(r),
            "aws_db_instance" | "aws_rds_cluster" | "aws_rds_cluster_instance" => {
                let cluster = r.resource_type == "aws_rds_cluster";
                let pi = a.bool(&["performance_insights_enabled"]);
                model.databases.push(Database {
                    cluster,
                    aurora_instance: r.resource_type == "aws_rds_cluster_instance",
                    storage_encrypted: a.bool(&["storage_encrypted"]),
                    publicly_accessible: a.bool(&["publicly_accessible"]),
                    backup_retention: a.int(&["backup_retention_period"]),
                    deletion_protection: a.bool(&["deletion_protection"]),
                    iam_auth: a.bool(&["iam_database_authentication_enabled"]),
                    auto_minor_upgrade: a.bool(&["auto_minor_version_upgrade"]),
                    performance_insights: pi,
                    performance_insights_kms: a.str(&["performance_insights_kms_key_id"]),
                    multi_az: a.bool(&["multi_az"]),
                    monitoring_interval: a.int(&["monitoring_interval"]),
                    log_exports: a.strs(&["enabled_cloudwatch_logs_exports"]),
                    copy_tags: a.bool(&["copy_tags_to_snapshot"]),
                    meta: m,
                });
            }
            "aws_cloudtrail" => model.trails.push(Trail {
                multi_region: a.bool(&["is_multi_region_trail"]),
                log_validation: a.bool(&["enable_log_file_validation"]),
                kms_key: a.str(&["kms_key_id"]),
                cloudwatch_logs: a.str(&["cloud_watch_logs_group_arn"]),
                sns_topic: a.str(&["sns_topic_name"]),
                bucket: a.str(&["s3_bucket_name"]),
                bucket_ref: a.reference(&["s3_bucket_name"]).map(str::to_string),
                meta: m,
            }),
            "aws_kms_key" => {
                let spec = a.str(&["customer_master_key_spec"]);
                let spec = if spec.is_absent() { a.str(&["key_spec"]) } else { spec };
                model.kms_keys.push(KmsKey {
                    rotation: a.bool(&["enable_key_rotation"]),
                    symmetric: spec.is_absent() || spec.is("SYMMETRIC_DEFAULT"),
                    meta: m,
                });
            }
            "aws_eks_cluster" => {
                let enc = a.blocks(&["encryption_config"]);
                let secrets_encryption = match enc.first() {
                    None => Attr::absent(r.span),
                    Some(e) => match e.strs(&["resources"]) {
                        Attr { value: Some(v), span, .. } => {
                            Attr::known(v.iter().any(|s| s == "secrets"), span)
                        }
                        other => Attr { state: other.state, value: None, span: other.span },
                    },
                };
                model.eks_clusters.push(EksCluster {
                    public_access: a.bool(&["vpc_config", "endpoint_public_access"]),
                    public_cidrs: a.strs(&["vpc_config", "public_access_cidrs"]),
                    secrets_encryption,
                    log_types: a.strs(&["enabled_cluster_log_types"]),
                    meta: m,
                });
            }
            "aws_lambda_function" => model
                .functions
                .push(LambdaFunction { tracing_mode: a.str(&["tracing_config", "mode"]), meta: m }),
            "aws_lambda_permission" => model.lambda_permissions.push(LambdaPermission {
                principal: a.str(&["principal"]),
                source_arn: a.str(&["source_arn"]),
                url_auth: None,
                meta: m,
            }),
            "aws_lambda_function_url" => model.lambda_permissions.push(LambdaPermission {
                principal: Attr::absent(r.span),
                source_arn: Attr::absent(r.span),
                url_auth: Some(a.str(&["authorization_type"])),
                meta: m,
            }),
            "aws_lb" | "aws_alb" => model.load_balancers.push(LoadBalancer {
                lb_type: a
                    .node(&["load_balancer_type"])
                    .and_then(Node::as_str)
                    .unwrap_or("application")
                    .to_string(),
                internal: a.bool(&["internal"]),
                drop_invalid_headers: a.bool(&["drop_invalid_header_fields"]),
                meta: m,
            }),
            "aws_lb_listener" | "aws_alb_listener" => {
                let actions = a.blocks(&["default_action"]);
                let redirects = actions
                    .iter()
                    .any(|d| d.str(&["type"]).is("redirect") && d.str(&["redirect", "protocol"]).is("HTTPS"));
                let unknown = actions.iter().any(|d| d.str(&["type"]).state == State::Unknown);
                model.listeners.push(Listener {
                    protocol: a.str(&["protocol"]),
                    ssl_policy: a.str(&["ssl_policy"]),
                    redirects_to_https: if redirects {
                        Some(true)
                    } else if unknown {
                        None
                    } else {
                        Some(false)
                    },
                    meta: m,
                });
            }
            "aws_sqs_queue" => model.queues.push(Queue {
                kms_key: a.str(&["kms_master_key_id"]),
                managed_sse: a.bool(&["sqs_managed_sse_enabled"]),
                meta: m,
            }),
            "aws_sns_topic" => model.topics.push(Topic { kms_key: a.str(&["kms_master_key_id"]), meta: m }),
            "aws_dynamodb_table" => model.tables.push(DynamoTable {
                pitr: a.bool(&["point_in_time_recovery", "enabled"]),
                sse_enabled: a.bool(&["server_side_encryption", "enabled"]),
                kms_key: a.str(&["server_side_encryption", "kms_key_arn"]),
                meta: m,
            }),
            "aws_ecr_repository" => model.repositories.push(EcrRepository {
                scan_on_push: a.bool(&["image_scanning_configuration", "scan_on_push"]),
                tag_mutability: a.str(&["image_tag_mutability"]),
                meta: m,
            }),
            "aws_cloudwatch_log_group" => model.log_groups.push(LogGroup {
                kms_key: a.str(&["kms_key_id"]),
                retention_days: a.int(&["retention_in_days"]),
                meta: m,
            }),
            "aws_secretsmanager_secret" => {
                secrets.insert(m.name.clone(), model.secrets.len());
                let rotation = a.node(&["rotation_rules"]).is_some();
                model.secrets.push(Secret { kms_key: a.str(&["kms_key_id"]), rotation, meta: m });
            }
            "aws_secretsmanager_secret_rotation" => linked.push(r),
            "aws_elasticache_replication_group" => model.caches.push(CacheGroup {
                at_rest: a.bool(&["at_rest_encryption_enabled"]),
                in_transit: a.bool(&["transit_encryption_enabled"]),
                meta: m,
            }),
            "aws_elasticsearch_domain" | "aws_opensearch_domain" => model.search_domains.push(SearchDomain {
                at_rest: a.bool(&["encrypt_at_rest", "enabled"]),
                node_to_node: a.bool(&["node_to_node_encryption", "enabled"]),
                enforce_https: a.bool(&["domain_endpoint_options", "enforce_https"]),
                meta: m,
            }),
            "aws_redshift_cluster" => {
                model.redshift_clusters.push(RedshiftCluster { encrypted: a.bool(&["encrypted"]), meta: m })
            }
            "aws_efs_file_system" => {
                model.file_systems.push(FileSystem { encrypted: a.bool(&["encrypted"]), meta: m })
            }
            _ => {}
        }
    }
    for r in linked {
        let a = Reader::new(&r.attrs, r.span);
        let target = |key: &str| -> Option<String> {
            let n = a.node(&[key])?;
            n.as_ref_target().or_else(|| n.as_str()).map(str::to_string)
        };
        if r.resource_type == "aws_flow_log" {
            if let Some(i) = target("vpc_id").and_then(|t| lookup(&vpcs, &t)) {
                model.vpcs[i].flow_logs = true;
            }
            continue;
        }
        if r.resource_type == "aws_secretsmanager_secret_rotation" {
            if let Some(i) = target("secret_id").and_then(|t| lookup(&secrets, &t)) {
                model.secrets[i].rotation = true;
            }
            continue;
        }
        let Some(i) = target("bucket").and_then(|t| lookup(&buckets, &t)) else { continue };
        let b = &mut model.buckets[i];
        // Lines of a configuration resource in another file than the bucket cannot be reported
        // with the bucket's path: such attributes fall back to the bucket's lines.
        let elsewhere = r.path != b.meta.path;
        let at = |span: Span| if elsewhere { Span::UNKNOWN } else { span };
        match r.resource_type.as_str() {
            "aws_s3_bucket_public_access_block" => {
                let setting = |key: &str| {
                    let mut v = a.bool(&[key]);
                    v.span = at(v.span);
                    v
                };
                b.public_access_block = Some(PublicAccessBlock {
                    meta: meta(r),
                    block_public_acls: setting("block_public_acls"),
                    block_public_policy: setting("block_public_policy"),
                    ignore_public_acls: setting("ignore_public_acls"),
                    restrict_public_buckets: setting("restrict_public_buckets"),
                })
            }
            "aws_s3_bucket_server_side_encryption_configuration" => {
                sse(&a, b);
                b.encryption.span = at(b.encryption.span);
                b.kms_key.span = at(b.kms_key.span);
            }
            "aws_s3_bucket_versioning" => {
                let mut status = a.str(&["versioning_configuration", "status"]);
                status.span = at(status.span);
                b.versioning = status.map(|s| s == "Enabled");
                let mut mfa = a.str(&["versioning_configuration", "mfa_delete"]);
                mfa.span = at(mfa.span);
                b.mfa_delete = mfa.map(|s| s == "Enabled");
            }
            "aws_s3_bucket_logging" => b.logging = Attr::known(true, at(r.span)),
            "aws_s3_bucket_acl" => {
                let mut acl = a.str(&["acl"]);
                acl.span = at(acl.span);
                if acl.is_set() {
                    b.acl = acl;
                }
                let grants = a.blocks(&["access_control_policy", "grant"]);
                b.public_grant = b.public_grant.or(public_grant(grants).map(at));
            }
            "aws_s3_bucket_policy" => {
                b.policy = ctx.document(a.node(&["policy"]), &r.path);
                b.policy_unknown = b.policy.is_none();
            }
            "aws_s3_bucket_lifecycle_configuration" => b.lifecycle = true,
            "aws_s3_bucket_notification" => b.notifications = true,
            "aws_s3_bucket_replication_configuration" => b.replication = true,
            _ => {}
        }
    }
}

fn t_is(r: &RawResource, suffix: &str) -> bool {
    r.resource_type.ends_with(&format!("_{suffix}_rule"))
}
