//! Cloud resources as read from Terraform (HCL or plan JSON) and CloudFormation, before the
//! AWS cloud model (`crate::aws`) gives them one shape.

use crate::check::ConfigType;
use crate::value::{Node, Span};

/// One resource (or data source) of a Terraform module or CloudFormation template, with its
/// attributes evaluated as far as is statically possible.
///
/// - Terraform: `resource_type` is the provider type (`aws_s3_bucket`); `name` the address
///   (`aws_s3_bucket.data`, `module.net.aws_vpc.main`, `aws_instance.web[0]`); nested blocks are
///   always a [`crate::value::Value::Seq`] of maps, even when written once; references to other
///   resources stay [`crate::value::Value::Ref`] with the referenced address
///   (`aws_s3_bucket.data.id`); data sources have `data: true` and a `data.` address.
/// - CloudFormation: `resource_type` is `AWS::S3::Bucket`; `name` the logical id; `attrs` the
///   `Properties` with intrinsic functions resolved where possible (`Ref` to a resource becomes
///   `Value::Ref(logical id)`, `Fn::GetAtt` becomes `Value::Ref("Id.Attr")`).
#[derive(Debug, Clone, PartialEq)]
pub struct RawResource {
    pub source: ConfigType,
    pub resource_type: String,
    pub name: String,
    /// Terraform data source (`data "aws_iam_policy_document" "x"`).
    pub data: bool,
    /// The file holding the resource, relative to the scan root.
    pub path: String,
    /// The resource's lines in that file.
    pub span: Span,
    pub attrs: Node,
}
