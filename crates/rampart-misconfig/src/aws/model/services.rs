//! The other services: RDS, CloudTrail, KMS, EKS, Lambda, load balancers, SQS, SNS, DynamoDB,
//! ECR, CloudWatch Logs, Secrets Manager, ElastiCache, OpenSearch, Redshift, EFS.

use super::{Attr, Meta};

/// An RDS instance or Aurora cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Database {
    pub meta: Meta,
    pub cluster: bool,
    /// Aurora member instance (its storage and backups are the cluster's).
    pub aurora_instance: bool,
    pub storage_encrypted: Attr<bool>,
    pub publicly_accessible: Attr<bool>,
    pub backup_retention: Attr<i64>,
    pub deletion_protection: Attr<bool>,
    pub iam_auth: Attr<bool>,
    pub auto_minor_upgrade: Attr<bool>,
    pub performance_insights: Attr<bool>,
    pub performance_insights_kms: Attr<String>,
    pub multi_az: Attr<bool>,
    pub monitoring_interval: Attr<i64>,
    pub log_exports: Attr<Vec<String>>,
    pub copy_tags: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    pub meta: Meta,
    pub multi_region: Attr<bool>,
    pub log_validation: Attr<bool>,
    pub kms_key: Attr<String>,
    pub cloudwatch_logs: Attr<String>,
    pub sns_topic: Attr<String>,
    /// The bucket as written (a name, or a reference to a bucket resource).
    pub bucket: Attr<String>,
    /// The reference target, when the bucket is a reference.
    pub bucket_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KmsKey {
    pub meta: Meta,
    pub rotation: Attr<bool>,
    /// Symmetric encryption key (the only kind that can rotate).
    pub symmetric: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EksCluster {
    pub meta: Meta,
    pub public_access: Attr<bool>,
    pub public_cidrs: Attr<Vec<String>>,
    /// `encryption_config` for `secrets`.
    pub secrets_encryption: Attr<bool>,
    pub log_types: Attr<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LambdaFunction {
    pub meta: Meta,
    pub tracing_mode: Attr<String>,
}

/// A Lambda permission or function URL.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaPermission {
    pub meta: Meta,
    pub principal: Attr<String>,
    pub source_arn: Attr<String>,
    /// Function URL with `auth_type` (`NONE` is public).
    pub url_auth: Option<Attr<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    pub meta: Meta,
    /// `application`, `network`, `gateway`.
    pub lb_type: String,
    pub internal: Attr<bool>,
    pub drop_invalid_headers: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    pub meta: Meta,
    pub protocol: Attr<String>,
    pub ssl_policy: Attr<String>,
    /// The default action redirects to HTTPS (unknown: `None`).
    pub redirects_to_https: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    pub meta: Meta,
    pub kms_key: Attr<String>,
    pub managed_sse: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub meta: Meta,
    pub kms_key: Attr<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DynamoTable {
    pub meta: Meta,
    pub pitr: Attr<bool>,
    pub sse_enabled: Attr<bool>,
    pub kms_key: Attr<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EcrRepository {
    pub meta: Meta,
    pub scan_on_push: Attr<bool>,
    pub tag_mutability: Attr<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogGroup {
    pub meta: Meta,
    pub kms_key: Attr<String>,
    pub retention_days: Attr<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    pub meta: Meta,
    pub kms_key: Attr<String>,
    pub rotation: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CacheGroup {
    pub meta: Meta,
    pub at_rest: Attr<bool>,
    pub in_transit: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchDomain {
    pub meta: Meta,
    pub at_rest: Attr<bool>,
    pub node_to_node: Attr<bool>,
    pub enforce_https: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RedshiftCluster {
    pub meta: Meta,
    pub encrypted: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileSystem {
    pub meta: Meta,
    pub encrypted: Attr<bool>,
}
