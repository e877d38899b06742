//! S3 buckets with their (possibly separate) ACL, public access block, encryption, versioning,
//! logging and policy.

use super::{Attr, Meta, PolicyDocument};
use crate::value::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct S3Bucket {
    pub meta: Meta,
    /// The bucket's name, when static.
    pub bucket_name: Option<String>,
    /// Canned ACL (`private`, `public-read`, CloudFormation `PublicRead` is normalised to
    /// `public-read`).
    pub acl: Attr<String>,
    /// Grants to everyone (`AllUsers`/`AuthenticatedUsers` URIs) in an ACL grant list.
    pub public_grant: Option<Span>,
    pub public_access_block: Option<PublicAccessBlock>,
    /// Default encryption algorithm (`AES256`, `aws:kms`, `aws:kms:dsse`), absent when none.
    pub encryption: Attr<String>,
    /// The KMS key of the default encryption.
    pub kms_key: Attr<String>,
    pub versioning: Attr<bool>,
    pub mfa_delete: Attr<bool>,
    /// Access logging target configured.
    pub logging: Attr<bool>,
    pub lifecycle: bool,
    pub notifications: bool,
    pub replication: bool,
    pub policy: Option<PolicyDocument>,
    /// A policy is attached but its document is not static (a reference, a template).
    pub policy_unknown: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublicAccessBlock {
    pub meta: Meta,
    pub block_public_acls: Attr<bool>,
    pub block_public_policy: Attr<bool>,
    pub ignore_public_acls: Attr<bool>,
    pub restrict_public_buckets: Attr<bool>,
}

impl S3Bucket {
    pub fn new(meta: Meta) -> S3Bucket {
        let span = meta.span;
        S3Bucket {
            meta,
            bucket_name: None,
            acl: Attr::absent(span),
            public_grant: None,
            public_access_block: None,
            encryption: Attr::absent(span),
            kms_key: Attr::absent(span),
            versioning: Attr::absent(span),
            mfa_delete: Attr::absent(span),
            logging: Attr::absent(span),
            lifecycle: false,
            notifications: false,
            replication: false,
            policy: None,
            policy_unknown: false,
        }
    }

    /// The ACL grants read or write to everyone.
    pub fn public_acl(&self) -> Option<Span> {
        let public = ["public-read", "public-read-write", "authenticated-read", "website"];
        if public.iter().any(|p| self.acl.is(p)) {
            return Some(self.acl.span);
        }
        self.public_grant
    }
}

/// Normalises a CloudFormation `AccessControl` (`PublicRead`) to the canned ACL name.
pub fn canned_acl(cfn: &str) -> String {
    let mut out = String::new();
    for (i, c) in cfn.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
