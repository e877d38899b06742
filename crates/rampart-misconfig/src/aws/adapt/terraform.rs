//! Terraform `aws_*` resources (and `aws_iam_policy_document` data sources) into the model.
//! Attribute names and defaults follow the Terraform AWS provider documentation.

use std::collections::HashMap;

use super::lookup;
use super::props::*;
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

/// `all` is Terraform's name for every protocol (`-1`).
const PROTOCOL_ALIASES: &[(&str, &str)] = &[("all", "-1")];

const SG_RULE: SgRuleProps = SgRuleProps {
    protocol: &["protocol"],
    from_port: &["from_port"],
    to_port: &["to_port"],
    description: &["description"],
    protocol_aliases: PROTOCOL_ALIASES,
};

/// `aws_vpc_security_group_*_rule`.
const VPC_SG_RULE: SgRuleProps = SgRuleProps { protocol: &["ip_protocol"], ..SG_RULE };

/// `aws_network_acl_rule`.
const NACL_RULE: NaclRuleProps = NaclRuleProps {
    action: &["rule_action"],
    protocol: &["protocol"],
    from_port: &["from_port"],
    to_port: &["to_port"],
    cidr: &["cidr_block"],
    ipv6_cidr: &["ipv6_cidr_block"],
    protocol_aliases: PROTOCOL_ALIASES,
};

/// The `ingress` / `egress` blocks of `aws_network_acl`.
const NACL_BLOCK: NaclRuleProps = NaclRuleProps { action: &["action"], ..NACL_RULE };

const INSTANCE: InstanceProps = InstanceProps {
    http_tokens: &["metadata_options", "http_tokens"],
    http_endpoint: &["metadata_options", "http_endpoint"],
    user_data: &["user_data"],
};

const DATABASE: DatabaseProps = DatabaseProps {
    storage_encrypted: &["storage_encrypted"],
    publicly_accessible: &["publicly_accessible"],
    backup_retention: &["backup_retention_period"],
    deletion_protection: &["deletion_protection"],
    iam_auth: &["iam_database_authentication_enabled"],
    auto_minor_upgrade: &["auto_minor_version_upgrade"],
    performance_insights: &["performance_insights_enabled"],
    performance_insights_kms: &["performance_insights_kms_key_id"],
    multi_az: &["multi_az"],
    monitoring_interval: &["monitoring_interval"],
    log_exports: &["enabled_cloudwatch_logs_exports"],
    copy_tags: &["copy_tags_to_snapshot"],
};

const TRAIL: TrailProps = TrailProps {
    multi_region: &["is_multi_region_trail"],
    log_validation: &["enable_log_file_validation"],
    kms_key: &["kms_key_id"],
    cloudwatch_logs: &["cloud_watch_logs_group_arn"],
    sns_topic: &["sns_topic_name"],
    bucket: &["s3_bucket_name"],
};

const KMS_KEY: KmsKeyProps =
    KmsKeyProps { rotation: &["enable_key_rotation"], spec: &[&["customer_master_key_spec"], &["key_spec"]] };

const EKS_CLUSTER: EksClusterProps = EksClusterProps {
    public_access: &["vpc_config", "endpoint_public_access"],
    public_cidrs: &["vpc_config", "public_access_cidrs"],
    encryption_config: &["encryption_config"],
    encrypted_resources: &["resources"],
};

const LISTENER: ListenerProps = ListenerProps {
    protocol: &["protocol"],
    ssl_policy: &["ssl_policy"],
    default_actions: &["default_action"],
    action_type: &["type"],
    redirect_protocol: &["redirect", "protocol"],
};

/// The resource types read by [`ServiceProps`] alone.
const SERVICE_TYPES: &[(&str, Service)] = &[
    ("aws_ebs_volume", Service::Volume),
    ("aws_lambda_function", Service::Function),
    ("aws_lambda_permission", Service::Permission),
    ("aws_lambda_function_url", Service::FunctionUrl),
    ("aws_sqs_queue", Service::Queue),
    ("aws_sns_topic", Service::Topic),
    ("aws_dynamodb_table", Service::Table),
    ("aws_ecr_repository", Service::Repository),
    ("aws_cloudwatch_log_group", Service::LogGroup),
    ("aws_elasticache_replication_group", Service::Cache),
    ("aws_elasticsearch_domain", Service::SearchDomain),
    ("aws_opensearch_domain", Service::SearchDomain),
    ("aws_redshift_cluster", Service::Redshift),
    ("aws_efs_file_system", Service::FileSystem),
];

const SERVICES: ServiceProps = ServiceProps {
    lambda_tracing_mode: &["tracing_config", "mode"],
    lambda_principal: &["principal"],
    lambda_source_arn: &["source_arn"],
    lambda_url_auth: &["authorization_type"],
    queue_kms_key: &["kms_master_key_id"],
    queue_managed_sse: &["sqs_managed_sse_enabled"],
    topic_kms_key: &["kms_master_key_id"],
    table_pitr: &["point_in_time_recovery", "enabled"],
    table_sse_enabled: &["server_side_encryption", "enabled"],
    table_kms_key: &["server_side_encryption", "kms_key_arn"],
    ecr_scan_on_push: &["image_scanning_configuration", "scan_on_push"],
    ecr_tag_mutability: &["image_tag_mutability"],
    log_group_kms_key: &["kms_key_id"],
    log_group_retention: &["retention_in_days"],
    secret_kms_key: &["kms_key_id"],
    cache_at_rest: &["at_rest_encryption_enabled"],
    cache_in_transit: &["transit_encryption_enabled"],
    search_at_rest: &["encrypt_at_rest", "enabled"],
    search_node_to_node: &["node_to_node_encryption", "enabled"],
    search_enforce_https: &["domain_endpoint_options", "enforce_https"],
    encrypted: &["encrypted"],
};

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
    props: &SgRuleProps,
    meta: &Meta,
    r: Reader<'_>,
    direction: Direction,
    cidr_keys: &[&str],
) -> SgRule {
    props.read(meta, &r, direction, cidrs(&r, cidr_keys))
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
    INSTANCE.read(meta, kind, &r, public_ip, block_devices)
}

/// Adds the Terraform resources to `model`.
pub fn adapt(resources: &[&RawResource], model: &mut Model) {
    let ctx = Ctx {
        by_address: resources.iter().enumerate().map(|(i, r)| (r.name.clone(), i)).collect(),
        resources,
    };
    let mut links = Links::default();
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
                b.bucket_name = bucket_name(&a, &["bucket"]);
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
                links.add_bucket(model, b);
            }
            t if t.starts_with("aws_s3_bucket_") => linked.push(r),
            "aws_security_group" | "aws_default_security_group" => {
                let default = r.resource_type == "aws_default_security_group";
                let mut spans = Vec::new();
                for (key, dir) in [("ingress", Direction::Ingress), ("egress", Direction::Egress)] {
                    for b in a.blocks(&[key]) {
                        spans.push(b.span);
                        model.sg_rules.push(sg_rule(
                            &SG_RULE,
                            &m,
                            b,
                            dir,
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
                model.sg_rules.push(sg_rule(&SG_RULE, &m, a, dir, &["cidr_blocks", "ipv6_cidr_blocks"]));
            }
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                let dir = if t_is(r, "egress") { Direction::Egress } else { Direction::Ingress };
                model.sg_rules.push(sg_rule(&VPC_SG_RULE, &m, a, dir, &["cidr_ipv4", "cidr_ipv6"]));
            }
            "aws_network_acl_rule" => {
                model.nacl_rules.push(NACL_RULE.read(m, &a, a.bool(&["egress"]).is_true()))
            }
            "aws_network_acl" => {
                for (key, egress) in [("ingress", false), ("egress", true)] {
                    for b in a.blocks(&[key]) {
                        model.nacl_rules.push(NACL_BLOCK.read(m.clone(), &b, egress));
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
                links.add_vpc(model, m);
            }
            "aws_flow_log" => linked.push(r),
            "aws_db_instance" | "aws_rds_cluster" | "aws_rds_cluster_instance" => {
                let cluster = r.resource_type == "aws_rds_cluster";
                let aurora_instance = r.resource_type == "aws_rds_cluster_instance";
                model.databases.push(DATABASE.read(m, &a, cluster, aurora_instance));
            }
            "aws_cloudtrail" => model.trails.push(TRAIL.read(m, &a)),
            "aws_kms_key" => model.kms_keys.push(KMS_KEY.read(m, &a)),
            "aws_eks_cluster" => {
                model.eks_clusters.push(EKS_CLUSTER.read(m, &a, a.strs(&["enabled_cluster_log_types"])))
            }
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
            "aws_lb_listener" | "aws_alb_listener" => model.listeners.push(LISTENER.read(m, &a)),
            "aws_secretsmanager_secret" => {
                let rotation = a.node(&["rotation_rules"]).is_some();
                links.add_secret(model, SERVICES.secret(m, &a, rotation));
            }
            "aws_secretsmanager_secret_rotation" => linked.push(r),
            t => {
                if let Some(kind) = service(SERVICE_TYPES, t) {
                    SERVICES.add(model, kind, m, &a);
                }
            }
        }
    }
    for r in linked {
        let a = Reader::new(&r.attrs, r.span);
        if r.resource_type == "aws_flow_log" {
            links.flow_log(model, &a, "vpc_id");
            continue;
        }
        if r.resource_type == "aws_secretsmanager_secret_rotation" {
            links.rotation(model, &a, "secret_id");
            continue;
        }
        for i in links.buckets(&a, "bucket") {
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
}

fn t_is(r: &RawResource, suffix: &str) -> bool {
    r.resource_type.ends_with(&format!("_{suffix}_rule"))
}
