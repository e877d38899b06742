//! CloudFormation `AWS::*` resources into the model. Property names follow the CloudFormation
//! resource reference. MFA delete cannot be set in a template (it is enabled out of band by the
//! root user), so it is *unknown* for CloudFormation buckets, never a finding.

use std::collections::HashMap;

use super::lookup;
use crate::aws::model::*;
use crate::cloud::RawResource;
use crate::value::{Node, Span};

fn protocol(a: &Attr<String>) -> Attr<String> {
    let mut a = a.clone();
    if let Some(v) = a.value.as_mut() {
        *v = match v.to_ascii_lowercase().as_str() {
            "6" => "tcp".into(),
            "17" => "udp".into(),
            "1" => "icmp".into(),
            other => other.to_string(),
        };
    }
    a
}

fn sg_rule(meta: &Meta, r: Reader<'_>, direction: Direction) -> SgRule {
    let mut cidrs = Vec::new();
    for key in ["CidrIp", "CidrIpv6"] {
        if let Some(n) = r.node(&[key])
            && let Some(s) = n.as_str()
        {
            cidrs.push((s.to_string(), if n.span.is_known() { n.span } else { r.span }));
        }
    }
    SgRule {
        meta: meta.clone(),
        direction,
        span: r.span,
        protocol: protocol(&r.str(&["IpProtocol"])),
        from_port: r.int(&["FromPort"]),
        to_port: r.int(&["ToPort"]),
        cidrs,
        description: r.str(&["Description"]),
    }
}

fn instance(meta: Meta, kind: InstanceKind, a: Reader<'_>) -> Instance {
    let mut block_devices = Vec::new();
    for b in a.blocks(&["BlockDeviceMappings"]) {
        if let Some(e) = b.block(&["Ebs"]) {
            block_devices.push(e.bool(&["Encrypted"]));
        }
    }
    let public_ip = match kind {
        InstanceKind::LaunchConfiguration => a.bool(&["AssociatePublicIpAddress"]),
        _ => a
            .blocks(&["NetworkInterfaces"])
            .into_iter()
            .map(|n| n.bool(&["AssociatePublicIpAddress"]))
            .find(|p| p.is_set())
            .unwrap_or(Attr::absent(a.span)),
    };
    // An instance's metadata options are only settable through a launch template.
    let templated = kind == InstanceKind::Instance && a.node(&["LaunchTemplate"]).is_some();
    Instance {
        meta,
        kind,
        http_tokens: if templated {
            Attr::unknown(a.span)
        } else {
            a.str(&["MetadataOptions", "HttpTokens"])
        },
        http_endpoint: a.str(&["MetadataOptions", "HttpEndpoint"]),
        public_ip,
        user_data: a.str(&["UserData"]),
        block_devices,
    }
}

fn document(node: Option<&Node>, path: &str) -> Option<PolicyDocument> {
    PolicyDocument::from_node(node?, path)
}

fn inline_policies(model: &mut Model, m: &Meta, a: Reader<'_>, owner: PolicyOwner) {
    for p in a.blocks(&["Policies"]) {
        if let Some(document) = document(p.node(&["PolicyDocument"]), &m.path) {
            model.policies.push(IamPolicy { meta: m.clone(), owner, document });
        }
    }
}

fn non_empty(a: &Reader<'_>, key: &str) -> bool {
    a.node(&[key]).is_some_and(|n| !n.items_or_self().is_empty())
}

/// Adds the CloudFormation resources to `model`.
pub fn adapt(resources: &[&RawResource], model: &mut Model) {
    let mut buckets: HashMap<String, usize> = HashMap::new();
    let mut vpcs: HashMap<String, usize> = HashMap::new();
    let mut secrets: HashMap<String, usize> = HashMap::new();
    let mut linked = Vec::new();
    for r in resources.iter().copied() {
        let m = meta(r);
        let a = Reader::new(&r.attrs, r.span);
        let path = r.path.as_str();
        match r.resource_type.as_str() {
            "AWS::S3::Bucket" => {
                let mut b = S3Bucket::new(m);
                b.bucket_name = a.node(&["BucketName"]).and_then(Node::as_str).map(str::to_string);
                b.acl = a.str(&["AccessControl"]).map(|s| canned_acl(&s));
                if let Some(p) = a.block(&["PublicAccessBlockConfiguration"]) {
                    b.public_access_block = Some(PublicAccessBlock {
                        meta: Meta { span: p.span, ..b.meta.clone() },
                        block_public_acls: p.bool(&["BlockPublicAcls"]),
                        block_public_policy: p.bool(&["BlockPublicPolicy"]),
                        ignore_public_acls: p.bool(&["IgnorePublicAcls"]),
                        restrict_public_buckets: p.bool(&["RestrictPublicBuckets"]),
                    });
                }
                if let Some(rule) =
                    a.blocks(&["BucketEncryption", "ServerSideEncryptionConfiguration"]).first()
                    && let Some(d) = rule.block(&["ServerSideEncryptionByDefault"])
                {
                    b.encryption = d.str(&["SSEAlgorithm"]);
                    b.kms_key = d.str(&["KMSMasterKeyID"]);
                }
                let status = a.str(&["VersioningConfiguration", "Status"]);
                b.versioning = status.map(|s| s == "Enabled");
                b.mfa_delete = Attr::unknown(r.span);
                if let Some(l) = a.node(&["LoggingConfiguration"]) {
                    b.logging = Attr::known(true, if l.span.is_known() { l.span } else { r.span });
                }
                b.lifecycle = a.node(&["LifecycleConfiguration"]).is_some();
                b.notifications = a.node(&["NotificationConfiguration"]).is_some();
                b.replication = a.node(&["ReplicationConfiguration"]).is_some();
                buckets.insert(b.meta.name.clone(), model.buckets.len());
                if let Some(n) = &b.bucket_name {
                    buckets.insert(n.clone(), model.buckets.len());
                }
                model.buckets.push(b);
            }
            "AWS::S3::BucketPolicy" | "AWS::EC2::FlowLog" | "AWS::SecretsManager::RotationSchedule" => {
                linked.push(r)
            }
            "AWS::EC2::SecurityGroup" => {
                for (key, dir) in
                    [("SecurityGroupIngress", Direction::Ingress), ("SecurityGroupEgress", Direction::Egress)]
                {
                    for b in a.blocks(&[key]) {
                        model.sg_rules.push(sg_rule(&m, b, dir));
                    }
                }
                model.security_groups.push(SecurityGroup {
                    description: a.str(&["GroupDescription"]),
                    default: false,
                    rule_spans: Vec::new(),
                    meta: m,
                });
            }
            "AWS::EC2::SecurityGroupIngress" => model.sg_rules.push(sg_rule(&m, a, Direction::Ingress)),
            "AWS::EC2::SecurityGroupEgress" => model.sg_rules.push(sg_rule(&m, a, Direction::Egress)),
            "AWS::EC2::NetworkAclEntry" => model.nacl_rules.push(NaclRule {
                span: r.span,
                egress: a.bool(&["Egress"]).is_true(),
                allow: a.str(&["RuleAction"]).is("allow"),
                protocol: protocol(&a.str(&["Protocol"])),
                from_port: a.int(&["PortRange", "From"]),
                to_port: a.int(&["PortRange", "To"]),
                cidr: if a.node(&["CidrBlock"]).is_some() {
                    a.str(&["CidrBlock"])
                } else {
                    a.str(&["Ipv6CidrBlock"])
                },
                meta: m,
            }),
            "AWS::IAM::Role" => {
                inline_policies(model, &m, a, PolicyOwner::Role);
                model
                    .roles
                    .push(IamRole { trust: document(a.node(&["AssumeRolePolicyDocument"]), path), meta: m });
            }
            "AWS::IAM::User" => {
                inline_policies(model, &m, a, PolicyOwner::User);
                if non_empty(&a, "ManagedPolicyArns") {
                    model.user_attachments.push(m);
                }
            }
            "AWS::IAM::Group" => inline_policies(model, &m, a, PolicyOwner::Group),
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let managed = r.resource_type == "AWS::IAM::ManagedPolicy";
                let to_users = non_empty(&a, "Users");
                let owner = match () {
                    _ if managed => PolicyOwner::Managed,
                    _ if to_users => PolicyOwner::User,
                    _ if non_empty(&a, "Roles") => PolicyOwner::Role,
                    _ => PolicyOwner::Group,
                };
                if managed && to_users {
                    model.user_attachments.push(m.clone());
                }
                if let Some(document) = document(a.node(&["PolicyDocument"]), path) {
                    model.policies.push(IamPolicy { meta: m, owner, document });
                }
            }
            "AWS::EC2::Volume" => {
                model.volumes.push(EbsVolume { encrypted: a.bool(&["Encrypted"]), meta: m })
            }
            "AWS::EC2::Instance" => model.instances.push(instance(m, InstanceKind::Instance, a)),
            "AWS::EC2::LaunchTemplate" => {
                let data = a.block(&["LaunchTemplateData"]).unwrap_or(Reader::new(Node::null(), r.span));
                model.instances.push(instance(m, InstanceKind::LaunchTemplate, data))
            }
            "AWS::AutoScaling::LaunchConfiguration" => {
                model.instances.push(instance(m, InstanceKind::LaunchConfiguration, a))
            }
            "AWS::EC2::VPC" => {
                vpcs.insert(m.name.clone(), model.vpcs.len());
                model.vpcs.push(Vpc { meta: m, flow_logs: false });
            }
            "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" => {
                let cluster = r.resource_type == "AWS::RDS::DBCluster";
                let pi_key = if cluster { "PerformanceInsightsEnabled" } else { "EnablePerformanceInsights" };
                model.databases.push(Database {
                    cluster,
                    aurora_instance: !cluster && a.node(&["DBClusterIdentifier"]).is_some(),
                    storage_encrypted: a.bool(&["StorageEncrypted"]),
                    publicly_accessible: a.bool(&["PubliclyAccessible"]),
                    backup_retention: a.int(&["BackupRetentionPeriod"]),
                    deletion_protection: a.bool(&["DeletionProtection"]),
                    iam_auth: a.bool(&["EnableIAMDatabaseAuthentication"]),
                    auto_minor_upgrade: a.bool(&["AutoMinorVersionUpgrade"]),
                    performance_insights: a.bool(&[pi_key]),
                    performance_insights_kms: a.str(&["PerformanceInsightsKMSKeyId"]),
                    multi_az: a.bool(&["MultiAZ"]),
                    monitoring_interval: a.int(&["MonitoringInterval"]),
                    log_exports: a.strs(&["EnableCloudwatchLogsExports"]),
                    copy_tags: a.bool(&["CopyTagsToSnapshot"]),
                    meta: m,
                });
            }
            "AWS::CloudTrail::Trail" => model.trails.push(Trail {
                multi_region: a.bool(&["IsMultiRegionTrail"]),
                log_validation: a.bool(&["EnableLogFileValidation"]),
                kms_key: a.str(&["KMSKeyId"]),
                cloudwatch_logs: a.str(&["CloudWatchLogsLogGroupArn"]),
                sns_topic: a.str(&["SnsTopicName"]),
                bucket: a.str(&["S3BucketName"]),
                bucket_ref: a.reference(&["S3BucketName"]).map(str::to_string),
                meta: m,
            }),
            "AWS::KMS::Key" => {
                let spec = a.str(&["KeySpec"]);
                model.kms_keys.push(KmsKey {
                    rotation: a.bool(&["EnableKeyRotation"]),
                    symmetric: spec.is_absent() || spec.is("SYMMETRIC_DEFAULT"),
                    meta: m,
                });
            }
            "AWS::EKS::Cluster" => {
                let enc = a.blocks(&["EncryptionConfig"]);
                let secrets_encryption = match enc.first() {
                    None => Attr::absent(r.span),
                    Some(e) => match e.strs(&["Resources"]) {
                        Attr { value: Some(v), span, .. } => {
                            Attr::known(v.iter().any(|s| s == "secrets"), span)
                        }
                        other => Attr { state: other.state, value: None, span: other.span },
                    },
                };
                let log_types = match a.node(&["Logging", "ClusterLogging", "EnabledTypes"]) {
                    None => Attr::absent(r.span),
                    Some(n) => {
                        let types: Option<Vec<String>> =
                            n.items().iter().map(|t| t.get("Type").and_then(Node::to_text)).collect();
                        types.map_or(Attr::unknown(n.span), |t| Attr::known(t, n.span))
                    }
                };
                model.eks_clusters.push(EksCluster {
                    public_access: a.bool(&["ResourcesVpcConfig", "EndpointPublicAccess"]),
                    public_cidrs: a.strs(&["ResourcesVpcConfig", "PublicAccessCidrs"]),
                    secrets_encryption,
                    log_types,
                    meta: m,
                });
            }
            "AWS::Lambda::Function" => model
                .functions
                .push(LambdaFunction { tracing_mode: a.str(&["TracingConfig", "Mode"]), meta: m }),
            "AWS::Lambda::Permission" => model.lambda_permissions.push(LambdaPermission {
                principal: a.str(&["Principal"]),
                source_arn: a.str(&["SourceArn"]),
                url_auth: None,
                meta: m,
            }),
            "AWS::Lambda::Url" => model.lambda_permissions.push(LambdaPermission {
                principal: Attr::absent(r.span),
                source_arn: Attr::absent(r.span),
                url_auth: Some(a.str(&["AuthType"])),
                meta: m,
            }),
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                let drop = a
                    .blocks(&["LoadBalancerAttributes"])
                    .into_iter()
                    .find(|kv| kv.str(&["Key"]).is("routing.http.drop_invalid_header_fields.enabled"))
                    .map_or(Attr::absent(r.span), |kv| kv.bool(&["Value"]));
                let scheme = a.str(&["Scheme"]);
                model.load_balancers.push(LoadBalancer {
                    lb_type: a.node(&["Type"]).and_then(Node::as_str).unwrap_or("application").to_string(),
                    internal: scheme.map(|s| s == "internal"),
                    drop_invalid_headers: drop,
                    meta: m,
                });
            }
            "AWS::ElasticLoadBalancingV2::Listener" => {
                let actions = a.blocks(&["DefaultActions"]);
                let redirects = actions.iter().any(|d| {
                    d.str(&["Type"]).is("redirect") && d.str(&["RedirectConfig", "Protocol"]).is("HTTPS")
                });
                let unknown = actions.iter().any(|d| d.str(&["Type"]).state == State::Unknown);
                model.listeners.push(Listener {
                    protocol: a.str(&["Protocol"]),
                    ssl_policy: a.str(&["SslPolicy"]),
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
            "AWS::SQS::Queue" => model.queues.push(Queue {
                kms_key: a.str(&["KmsMasterKeyId"]),
                managed_sse: a.bool(&["SqsManagedSseEnabled"]),
                meta: m,
            }),
            "AWS::SNS::Topic" => model.topics.push(Topic { kms_key: a.str(&["KmsMasterKeyId"]), meta: m }),
            "AWS::DynamoDB::Table" => model.tables.push(DynamoTable {
                pitr: a.bool(&["PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"]),
                sse_enabled: a.bool(&["SSESpecification", "SSEEnabled"]),
                kms_key: a.str(&["SSESpecification", "KMSMasterKeyId"]),
                meta: m,
            }),
            "AWS::ECR::Repository" => model.repositories.push(EcrRepository {
                scan_on_push: a.bool(&["ImageScanningConfiguration", "ScanOnPush"]),
                tag_mutability: a.str(&["ImageTagMutability"]),
                meta: m,
            }),
            "AWS::Logs::LogGroup" => model.log_groups.push(LogGroup {
                kms_key: a.str(&["KmsKeyId"]),
                retention_days: a.int(&["RetentionInDays"]),
                meta: m,
            }),
            "AWS::SecretsManager::Secret" => {
                secrets.insert(m.name.clone(), model.secrets.len());
                model.secrets.push(Secret { kms_key: a.str(&["KmsKeyId"]), rotation: false, meta: m });
            }
            "AWS::ElastiCache::ReplicationGroup" => model.caches.push(CacheGroup {
                at_rest: a.bool(&["AtRestEncryptionEnabled"]),
                in_transit: a.bool(&["TransitEncryptionEnabled"]),
                meta: m,
            }),
            "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" => {
                model.search_domains.push(SearchDomain {
                    at_rest: a.bool(&["EncryptionAtRestOptions", "Enabled"]),
                    node_to_node: a.bool(&["NodeToNodeEncryptionOptions", "Enabled"]),
                    enforce_https: a.bool(&["DomainEndpointOptions", "EnforceHTTPS"]),
                    meta: m,
                })
            }
            "AWS::Redshift::Cluster" => {
                model.redshift_clusters.push(RedshiftCluster { encrypted: a.bool(&["Encrypted"]), meta: m })
            }
            "AWS::EFS::FileSystem" => {
                model.file_systems.push(FileSystem { encrypted: a.bool(&["Encrypted"]), meta: m })
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
        match r.resource_type.as_str() {
            "AWS::EC2::FlowLog" => {
                if let Some(i) = target("ResourceId").and_then(|t| lookup(&vpcs, &t)) {
                    model.vpcs[i].flow_logs = true;
                }
            }
            "AWS::SecretsManager::RotationSchedule" => {
                if let Some(i) = target("SecretId").and_then(|t| lookup(&secrets, &t)) {
                    model.secrets[i].rotation = true;
                }
            }
            _ => {
                if let Some(i) = target("Bucket").and_then(|t| lookup(&buckets, &t)) {
                    let policy = document(a.node(&["PolicyDocument"]), &r.path);
                    model.buckets[i].policy_unknown = policy.is_none();
                    model.buckets[i].policy = policy;
                }
            }
        }
    }
    let _ = Span::UNKNOWN;
}
