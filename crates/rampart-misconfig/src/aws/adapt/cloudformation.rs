//! CloudFormation `AWS::*` resources into the model. Property names follow the CloudFormation
//! resource reference. MFA delete cannot be set in a template (it is enabled out of band by the
//! root user), so it is *unknown* for CloudFormation buckets, never a finding.

use super::props::*;
use crate::aws::model::*;
use crate::cloud::RawResource;
use crate::value::{Node, Span};

const SG_RULE: SgRuleProps = SgRuleProps {
    protocol: &["IpProtocol"],
    from_port: &["FromPort"],
    to_port: &["ToPort"],
    description: &["Description"],
    protocol_aliases: &[],
};

const NACL_RULE: NaclRuleProps = NaclRuleProps {
    action: &["RuleAction"],
    protocol: &["Protocol"],
    from_port: &["PortRange", "From"],
    to_port: &["PortRange", "To"],
    cidr: &["CidrBlock"],
    ipv6_cidr: &["Ipv6CidrBlock"],
    protocol_aliases: &[],
};

const INSTANCE: InstanceProps = InstanceProps {
    http_tokens: &["MetadataOptions", "HttpTokens"],
    http_endpoint: &["MetadataOptions", "HttpEndpoint"],
    user_data: &["UserData"],
};

const DB_INSTANCE: DatabaseProps = DatabaseProps {
    storage_encrypted: &["StorageEncrypted"],
    publicly_accessible: &["PubliclyAccessible"],
    backup_retention: &["BackupRetentionPeriod"],
    deletion_protection: &["DeletionProtection"],
    iam_auth: &["EnableIAMDatabaseAuthentication"],
    auto_minor_upgrade: &["AutoMinorVersionUpgrade"],
    performance_insights: &["EnablePerformanceInsights"],
    performance_insights_kms: &["PerformanceInsightsKMSKeyId"],
    multi_az: &["MultiAZ"],
    monitoring_interval: &["MonitoringInterval"],
    log_exports: &["EnableCloudwatchLogsExports"],
    copy_tags: &["CopyTagsToSnapshot"],
};

const DB_CLUSTER: DatabaseProps =
    DatabaseProps { performance_insights: &["PerformanceInsightsEnabled"], ..DB_INSTANCE };

const TRAIL: TrailProps = TrailProps {
    multi_region: &["IsMultiRegionTrail"],
    log_validation: &["EnableLogFileValidation"],
    kms_key: &["KMSKeyId"],
    cloudwatch_logs: &["CloudWatchLogsLogGroupArn"],
    sns_topic: &["SnsTopicName"],
    bucket: &["S3BucketName"],
};

const KMS_KEY: KmsKeyProps = KmsKeyProps { rotation: &["EnableKeyRotation"], spec: &[&["KeySpec"]] };

const EKS_CLUSTER: EksClusterProps = EksClusterProps {
    public_access: &["ResourcesVpcConfig", "EndpointPublicAccess"],
    public_cidrs: &["ResourcesVpcConfig", "PublicAccessCidrs"],
    encryption_config: &["EncryptionConfig"],
    encrypted_resources: &["Resources"],
};

const LISTENER: ListenerProps = ListenerProps {
    protocol: &["Protocol"],
    ssl_policy: &["SslPolicy"],
    default_actions: &["DefaultActions"],
    action_type: &["Type"],
    redirect_protocol: &["RedirectConfig", "Protocol"],
};

/// The resource types read by [`ServiceProps`] alone.
const SERVICE_TYPES: &[(&str, Service)] = &[
    ("AWS::EC2::Volume", Service::Volume),
    ("AWS::Lambda::Function", Service::Function),
    ("AWS::Lambda::Permission", Service::Permission),
    ("AWS::Lambda::Url", Service::FunctionUrl),
    ("AWS::SQS::Queue", Service::Queue),
    ("AWS::SNS::Topic", Service::Topic),
    ("AWS::DynamoDB::Table", Service::Table),
    ("AWS::ECR::Repository", Service::Repository),
    ("AWS::Logs::LogGroup", Service::LogGroup),
    ("AWS::ElastiCache::ReplicationGroup", Service::Cache),
    ("AWS::OpenSearchService::Domain", Service::SearchDomain),
    ("AWS::Elasticsearch::Domain", Service::SearchDomain),
    ("AWS::Redshift::Cluster", Service::Redshift),
    ("AWS::EFS::FileSystem", Service::FileSystem),
];

const SERVICES: ServiceProps = ServiceProps {
    lambda_tracing_mode: &["TracingConfig", "Mode"],
    lambda_principal: &["Principal"],
    lambda_source_arn: &["SourceArn"],
    lambda_url_auth: &["AuthType"],
    queue_kms_key: &["KmsMasterKeyId"],
    queue_managed_sse: &["SqsManagedSseEnabled"],
    topic_kms_key: &["KmsMasterKeyId"],
    table_pitr: &["PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"],
    table_sse_enabled: &["SSESpecification", "SSEEnabled"],
    table_kms_key: &["SSESpecification", "KMSMasterKeyId"],
    ecr_scan_on_push: &["ImageScanningConfiguration", "ScanOnPush"],
    ecr_tag_mutability: &["ImageTagMutability"],
    log_group_kms_key: &["KmsKeyId"],
    log_group_retention: &["RetentionInDays"],
    secret_kms_key: &["KmsKeyId"],
    cache_at_rest: &["AtRestEncryptionEnabled"],
    cache_in_transit: &["TransitEncryptionEnabled"],
    search_at_rest: &["EncryptionAtRestOptions", "Enabled"],
    search_node_to_node: &["NodeToNodeEncryptionOptions", "Enabled"],
    search_enforce_https: &["DomainEndpointOptions", "EnforceHTTPS"],
    encrypted: &["Encrypted"],
};

fn sg_rule(meta: &Meta, r: Reader<'_>, direction: Direction) -> SgRule {
    let mut cidrs = Vec::new();
    for key in ["CidrIp", "CidrIpv6"] {
        if let Some(n) = r.node(&[key])
            && let Some(s) = n.as_str()
        {
            cidrs.push((s.to_string(), if n.span.is_known() { n.span } else { r.span }));
        }
    }
    SG_RULE.read(meta, &r, direction, cidrs)
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
    let mut i = INSTANCE.read(meta, kind, &a, public_ip, block_devices);
    // An instance's metadata options are only settable through a launch template.
    if kind == InstanceKind::Instance && a.node(&["LaunchTemplate"]).is_some() {
        i.http_tokens = Attr::unknown(a.span);
    }
    i
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
    let mut links = Links::default();
    let mut linked = Vec::new();
    for r in resources.iter().copied() {
        let m = meta(r);
        let a = Reader::new(&r.attrs, r.span);
        let path = r.path.as_str();
        match r.resource_type.as_str() {
            "AWS::S3::Bucket" => {
                let mut b = S3Bucket::new(m);
                b.bucket_name = bucket_name(&a, &["BucketName"]);
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
                links.add_bucket(model, b);
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
            "AWS::EC2::NetworkAclEntry" => {
                model.nacl_rules.push(NACL_RULE.read(m, &a, a.bool(&["Egress"]).is_true()))
            }
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
            "AWS::EC2::Instance" => model.instances.push(instance(m, InstanceKind::Instance, a)),
            "AWS::EC2::LaunchTemplate" => {
                let data = a.block(&["LaunchTemplateData"]).unwrap_or(Reader::new(Node::null(), r.span));
                model.instances.push(instance(m, InstanceKind::LaunchTemplate, data))
            }
            "AWS::AutoScaling::LaunchConfiguration" => {
                model.instances.push(instance(m, InstanceKind::LaunchConfiguration, a))
            }
            "AWS::EC2::VPC" => {
                links.add_vpc(model, m);
            }
            "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" => {
                let cluster = r.resource_type == "AWS::RDS::DBCluster";
                let props = if cluster { &DB_CLUSTER } else { &DB_INSTANCE };
                let aurora_instance = !cluster && a.node(&["DBClusterIdentifier"]).is_some();
                model.databases.push(props.read(m, &a, cluster, aurora_instance));
            }
            "AWS::CloudTrail::Trail" => model.trails.push(TRAIL.read(m, &a)),
            "AWS::KMS::Key" => model.kms_keys.push(KMS_KEY.read(m, &a)),
            "AWS::EKS::Cluster" => {
                let log_types = match a.node(&["Logging", "ClusterLogging", "EnabledTypes"]) {
                    None => Attr::absent(r.span),
                    Some(n) => {
                        let types: Option<Vec<String>> =
                            n.items().iter().map(|t| t.get("Type").and_then(Node::to_text)).collect();
                        types.map_or(Attr::unknown(n.span), |t| Attr::known(t, n.span))
                    }
                };
                model.eks_clusters.push(EKS_CLUSTER.read(m, &a, log_types));
            }
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
            "AWS::ElasticLoadBalancingV2::Listener" => model.listeners.push(LISTENER.read(m, &a)),
            "AWS::SecretsManager::Secret" => links.add_secret(model, SERVICES.secret(m, &a, false)),
            t => {
                if let Some(kind) = service(SERVICE_TYPES, t) {
                    SERVICES.add(model, kind, m, &a);
                }
            }
        }
    }
    for r in linked {
        let a = Reader::new(&r.attrs, r.span);
        match r.resource_type.as_str() {
            "AWS::EC2::FlowLog" => links.flow_log(model, &a, "ResourceId"),
            "AWS::SecretsManager::RotationSchedule" => links.rotation(model, &a, "SecretId"),
            _ => {
                if let Some(i) = links.bucket(&a, "Bucket") {
                    let policy = document(a.node(&["PolicyDocument"]), &r.path);
                    model.buckets[i].policy_unknown = policy.is_none();
                    model.buckets[i].policy = policy;
                }
            }
        }
    }
    let _ = Span::UNKNOWN;
}
