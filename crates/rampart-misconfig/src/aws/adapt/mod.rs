//! Translation of [`crate::cloud::RawResource`]s into the [`crate::aws::model::Model`]: one
//! adapter per source format. Resources are indexed by address / logical id once, so linking a
//! bucket's separate configuration resources (or a flow log to its VPC) is a hash lookup.
//! The construction of model objects is shared ([`props`]): each adapter only names its format's
//! resource types and properties.

pub mod cloudformation;
pub mod props;
pub mod terraform;

use std::collections::HashMap;

/// Finds the index of the object a reference points at: the reference itself
/// (`DataBucket`), or with trailing attributes removed (`aws_s3_bucket.data.id` →
/// `aws_s3_bucket.data`, `Role.Arn` → `Role`).
pub fn lookup(index: &HashMap<String, usize>, target: &str) -> Option<usize> {
    let mut t = target;
    for _ in 0..4 {
        if let Some(&i) = index.get(t) {
            return Some(i);
        }
        t = &t[..t.rfind('.')?];
    }
    None
}
