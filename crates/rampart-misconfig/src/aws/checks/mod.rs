//! The `RMP-AWS-*` checks, one file each, all written against the [`Model`] so they apply to
//! Terraform and CloudFormation alike. [`ALL`] lists them in id order.

pub(crate) use crate::aws::model::*;
pub(crate) use crate::check::{CheckMeta, ConfigType, Family, Finding};
pub(crate) use crate::value::Span;

mod common;
pub(crate) use common::*;

mod cloudtrail_bucket_logging;
mod cloudtrail_bucket_public;
mod cloudtrail_cloudwatch;
mod cloudtrail_kms;
mod cloudtrail_log_validation;
mod cloudtrail_multi_region;
mod cloudtrail_sns;
mod default_sg_rules;
mod dynamodb_cmk;
mod dynamodb_pitr;
mod ebs_default_encryption;
mod ebs_volume_encryption;
mod ec2_block_device_encryption;
mod ec2_imdsv2;
mod ec2_public_ip;
mod ec2_user_data_secrets;
mod ecr_immutable_tags;
mod ecr_scan_on_push;
mod efs_encryption;
mod eks_control_plane_logging;
mod eks_public_endpoint;
mod eks_secrets_encryption;
mod elasticache_at_rest;
mod elasticache_in_transit;
mod elb_drop_invalid_headers;
mod elb_http_not_redirected;
mod elb_outdated_tls;
mod iam_credentials_exposure;
mod iam_data_exfiltration;
mod iam_full_admin;
mod iam_full_iam_access;
mod iam_passrole_any;
mod iam_password_length;
mod iam_password_lowercase;
mod iam_password_max_age;
mod iam_password_numbers;
mod iam_password_reuse;
mod iam_password_symbols;
mod iam_password_uppercase;
mod iam_permissions_management;
mod iam_privilege_escalation;
mod iam_service_wildcard;
mod iam_trust_any_principal;
mod iam_trust_cross_account_external_id;
mod iam_user_attached_policy;
mod iam_user_inline_policy;
mod iam_wildcard_action;
mod iam_wildcard_resource;
mod iam_write_unconstrained;
mod kms_rotation;
mod lambda_public_access;
mod lambda_tracing;
mod log_group_kms;
mod log_group_retention;
mod nacl_public_admin_ports;
mod opensearch_at_rest;
mod opensearch_enforce_https;
mod opensearch_node_to_node;
mod rds_backup_retention;
mod rds_copy_tags;
mod rds_deletion_protection;
mod rds_enhanced_monitoring;
mod rds_iam_auth;
mod rds_log_exports;
mod rds_minor_upgrade;
mod rds_multi_az;
mod rds_performance_insights;
mod rds_public;
mod rds_storage_encryption;
mod redshift_encryption;
mod s3_access_logging;
mod s3_block_public_acls;
mod s3_block_public_policy;
mod s3_encryption_cmk;
mod s3_event_notifications;
mod s3_ignore_public_acls;
mod s3_lifecycle;
mod s3_mfa_delete;
mod s3_no_default_encryption;
mod s3_no_public_access_block;
mod s3_policy_public_principal;
mod s3_public_acl;
mod s3_replication;
mod s3_restrict_public_buckets;
mod s3_tls_only;
mod s3_versioning;
mod secret_cmk;
mod secret_rotation;
mod sg_description;
mod sg_public_all_ports;
mod sg_public_database_ports;
mod sg_public_egress;
mod sg_public_ingress;
mod sg_public_rdp;
mod sg_public_ssh;
mod sg_rule_description;
mod sns_encryption;
mod sqs_encryption;
mod vpc_flow_logs;

/// A check's code: reads the model, appends findings.
pub type CheckFn = fn(&Model, &mut Vec<Finding>);

/// Every check with its code, in id order.
pub static ALL: &[(&CheckMeta, CheckFn)] = &[
    (&s3_public_acl::META, s3_public_acl::check as CheckFn),
    (&s3_block_public_acls::META, s3_block_public_acls::check as CheckFn),
    (&s3_block_public_policy::META, s3_block_public_policy::check as CheckFn),
    (&s3_ignore_public_acls::META, s3_ignore_public_acls::check as CheckFn),
    (&s3_restrict_public_buckets::META, s3_restrict_public_buckets::check as CheckFn),
    (&s3_no_public_access_block::META, s3_no_public_access_block::check as CheckFn),
    (&s3_no_default_encryption::META, s3_no_default_encryption::check as CheckFn),
    (&s3_encryption_cmk::META, s3_encryption_cmk::check as CheckFn),
    (&s3_versioning::META, s3_versioning::check as CheckFn),
    (&s3_access_logging::META, s3_access_logging::check as CheckFn),
    (&s3_tls_only::META, s3_tls_only::check as CheckFn),
    (&s3_policy_public_principal::META, s3_policy_public_principal::check as CheckFn),
    (&s3_mfa_delete::META, s3_mfa_delete::check as CheckFn),
    (&s3_lifecycle::META, s3_lifecycle::check as CheckFn),
    (&s3_event_notifications::META, s3_event_notifications::check as CheckFn),
    (&s3_replication::META, s3_replication::check as CheckFn),
    (&cloudtrail_bucket_public::META, cloudtrail_bucket_public::check as CheckFn),
    (&cloudtrail_bucket_logging::META, cloudtrail_bucket_logging::check as CheckFn),
    (&sg_public_ssh::META, sg_public_ssh::check as CheckFn),
    (&sg_public_rdp::META, sg_public_rdp::check as CheckFn),
    (&sg_public_all_ports::META, sg_public_all_ports::check as CheckFn),
    (&sg_public_database_ports::META, sg_public_database_ports::check as CheckFn),
    (&sg_public_ingress::META, sg_public_ingress::check as CheckFn),
    (&sg_public_egress::META, sg_public_egress::check as CheckFn),
    (&sg_rule_description::META, sg_rule_description::check as CheckFn),
    (&sg_description::META, sg_description::check as CheckFn),
    (&default_sg_rules::META, default_sg_rules::check as CheckFn),
    (&nacl_public_admin_ports::META, nacl_public_admin_ports::check as CheckFn),
    (&iam_full_admin::META, iam_full_admin::check as CheckFn),
    (&iam_wildcard_action::META, iam_wildcard_action::check as CheckFn),
    (&iam_service_wildcard::META, iam_service_wildcard::check as CheckFn),
    (&iam_passrole_any::META, iam_passrole_any::check as CheckFn),
    (&iam_privilege_escalation::META, iam_privilege_escalation::check as CheckFn),
    (&iam_credentials_exposure::META, iam_credentials_exposure::check as CheckFn),
    (&iam_data_exfiltration::META, iam_data_exfiltration::check as CheckFn),
    (&iam_permissions_management::META, iam_permissions_management::check as CheckFn),
    (&iam_write_unconstrained::META, iam_write_unconstrained::check as CheckFn),
    (&iam_wildcard_resource::META, iam_wildcard_resource::check as CheckFn),
    (&iam_full_iam_access::META, iam_full_iam_access::check as CheckFn),
    (&iam_trust_any_principal::META, iam_trust_any_principal::check as CheckFn),
    (&iam_trust_cross_account_external_id::META, iam_trust_cross_account_external_id::check as CheckFn),
    (&iam_user_attached_policy::META, iam_user_attached_policy::check as CheckFn),
    (&iam_user_inline_policy::META, iam_user_inline_policy::check as CheckFn),
    (&iam_password_length::META, iam_password_length::check as CheckFn),
    (&iam_password_reuse::META, iam_password_reuse::check as CheckFn),
    (&iam_password_symbols::META, iam_password_symbols::check as CheckFn),
    (&iam_password_numbers::META, iam_password_numbers::check as CheckFn),
    (&iam_password_uppercase::META, iam_password_uppercase::check as CheckFn),
    (&iam_password_lowercase::META, iam_password_lowercase::check as CheckFn),
    (&iam_password_max_age::META, iam_password_max_age::check as CheckFn),
    (&ebs_volume_encryption::META, ebs_volume_encryption::check as CheckFn),
    (&ebs_default_encryption::META, ebs_default_encryption::check as CheckFn),
    (&ec2_imdsv2::META, ec2_imdsv2::check as CheckFn),
    (&ec2_public_ip::META, ec2_public_ip::check as CheckFn),
    (&ec2_user_data_secrets::META, ec2_user_data_secrets::check as CheckFn),
    (&ec2_block_device_encryption::META, ec2_block_device_encryption::check as CheckFn),
    (&rds_storage_encryption::META, rds_storage_encryption::check as CheckFn),
    (&rds_public::META, rds_public::check as CheckFn),
    (&rds_backup_retention::META, rds_backup_retention::check as CheckFn),
    (&rds_deletion_protection::META, rds_deletion_protection::check as CheckFn),
    (&rds_iam_auth::META, rds_iam_auth::check as CheckFn),
    (&rds_minor_upgrade::META, rds_minor_upgrade::check as CheckFn),
    (&rds_performance_insights::META, rds_performance_insights::check as CheckFn),
    (&rds_multi_az::META, rds_multi_az::check as CheckFn),
    (&rds_enhanced_monitoring::META, rds_enhanced_monitoring::check as CheckFn),
    (&rds_log_exports::META, rds_log_exports::check as CheckFn),
    (&rds_copy_tags::META, rds_copy_tags::check as CheckFn),
    (&cloudtrail_multi_region::META, cloudtrail_multi_region::check as CheckFn),
    (&cloudtrail_log_validation::META, cloudtrail_log_validation::check as CheckFn),
    (&cloudtrail_kms::META, cloudtrail_kms::check as CheckFn),
    (&cloudtrail_cloudwatch::META, cloudtrail_cloudwatch::check as CheckFn),
    (&cloudtrail_sns::META, cloudtrail_sns::check as CheckFn),
    (&kms_rotation::META, kms_rotation::check as CheckFn),
    (&eks_public_endpoint::META, eks_public_endpoint::check as CheckFn),
    (&eks_secrets_encryption::META, eks_secrets_encryption::check as CheckFn),
    (&eks_control_plane_logging::META, eks_control_plane_logging::check as CheckFn),
    (&lambda_tracing::META, lambda_tracing::check as CheckFn),
    (&lambda_public_access::META, lambda_public_access::check as CheckFn),
    (&elb_http_not_redirected::META, elb_http_not_redirected::check as CheckFn),
    (&elb_outdated_tls::META, elb_outdated_tls::check as CheckFn),
    (&elb_drop_invalid_headers::META, elb_drop_invalid_headers::check as CheckFn),
    (&vpc_flow_logs::META, vpc_flow_logs::check as CheckFn),
    (&sqs_encryption::META, sqs_encryption::check as CheckFn),
    (&sns_encryption::META, sns_encryption::check as CheckFn),
    (&dynamodb_pitr::META, dynamodb_pitr::check as CheckFn),
    (&dynamodb_cmk::META, dynamodb_cmk::check as CheckFn),
    (&ecr_scan_on_push::META, ecr_scan_on_push::check as CheckFn),
    (&ecr_immutable_tags::META, ecr_immutable_tags::check as CheckFn),
    (&log_group_kms::META, log_group_kms::check as CheckFn),
    (&log_group_retention::META, log_group_retention::check as CheckFn),
    (&secret_rotation::META, secret_rotation::check as CheckFn),
    (&secret_cmk::META, secret_cmk::check as CheckFn),
    (&elasticache_at_rest::META, elasticache_at_rest::check as CheckFn),
    (&elasticache_in_transit::META, elasticache_in_transit::check as CheckFn),
    (&opensearch_at_rest::META, opensearch_at_rest::check as CheckFn),
    (&opensearch_node_to_node::META, opensearch_node_to_node::check as CheckFn),
    (&opensearch_enforce_https::META, opensearch_enforce_https::check as CheckFn),
    (&redshift_encryption::META, redshift_encryption::check as CheckFn),
    (&efs_encryption::META, efs_encryption::check as CheckFn),
];

/// A finding on a model object: at `span` when known, else at the object's lines.
pub(crate) fn report(meta: &'static CheckMeta, m: &Meta, span: Span, message: impl Into<String>) -> Finding {
    let span = if span.is_known() { span } else { m.span };
    Finding::new(meta, &m.path, span, message).resource(m.name.clone())
}

/// A finding on a statement of a policy document, which may be in another file than the
/// object holding it (a Terraform `aws_iam_policy_document` data source).
pub(crate) fn report_doc(
    meta: &'static CheckMeta,
    m: &Meta,
    doc: &PolicyDocument,
    span: Span,
    message: impl Into<String>,
) -> Finding {
    if doc.path == m.path || !span.is_known() {
        return report(meta, m, if span.is_known() { span } else { doc.span }, message);
    }
    Finding::new(meta, &doc.path, span, message).resource(m.name.clone())
}

/// The bucket a trail writes to, when it is in the scan.
pub(crate) fn trail_bucket(m: &Model, t: &Trail) -> Option<usize> {
    let target = t.bucket_ref.as_deref().or(t.bucket.get().map(String::as_str))?;
    crate::aws::adapt::lookup(&m.bucket_index, target)
}

fn verb(action: &str) -> &str {
    action.rsplit(':').next().unwrap_or(action)
}

/// Read-only actions (List*, Describe*, Get*, Head*), which rarely support resource-level
/// permissions.
pub(crate) fn is_read_action(action: &str) -> bool {
    let v = verb(action);
    !v.contains('*')
        && ["List", "Describe", "Get", "Head", "View", "Search", "Lookup"].iter().any(|p| v.starts_with(p))
}

/// Actions that create, change or delete (or a wildcard that includes such actions).
pub(crate) fn is_write_action(action: &str) -> bool {
    let v = verb(action);
    v.contains('*')
        || [
            "Create",
            "Put",
            "Update",
            "Delete",
            "Attach",
            "Detach",
            "Modify",
            "Add",
            "Remove",
            "Set",
            "Write",
            "Upload",
            "Run",
            "Start",
            "Stop",
            "Terminate",
            "Invoke",
            "Publish",
            "Send",
            "Tag",
            "Untag",
            "Restore",
            "Reset",
            "Enable",
            "Disable",
            "Associate",
            "Disassociate",
            "Replace",
            "Revoke",
            "Authorize",
        ]
        .iter()
        .any(|p| v.starts_with(p))
}

/// The kind of secret found in `text` (user data), if any.
pub(crate) fn secret_in(text: &str) -> Option<&'static str> {
    static PATTERNS: std::sync::LazyLock<Vec<(regex::Regex, &'static str)>> =
        std::sync::LazyLock::new(|| {
            [
                (r"\b(AKIA|ASIA)[0-9A-Z]{16}\b", "an AWS access key id"),
                (r"(?i)aws_secret_access_key\s*[=:]\s*\S{20,}", "an AWS secret access key"),
                (r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----", "a private key"),
                (
                    r#"(?i)\b(password|passwd|secret|token|api_?key)\s*[=:]\s*['"]?[^\s'"$]{8,}"#,
                    "a password or token",
                ),
            ]
            .into_iter()
            .filter_map(|(p, what)| regex::Regex::new(p).ok().map(|r| (r, what)))
            .collect()
        });
    PATTERNS.iter().find(|(r, _)| r.is_match(text)).map(|(_, what)| *what)
}
