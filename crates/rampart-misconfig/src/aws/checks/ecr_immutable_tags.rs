//! RMP-AWS-0088: ECR repository allows tags to be overwritten.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0088",
    family: Family::Aws,
    service: "ecr",
    severity: Severity::Medium,
    title: r##"ECR repository allows tags to be overwritten"##,
    description: r##"With mutable tags, a pushed image can silently replace the one a tag pointed at."##,
    remediation: r##"Set image_tag_mutability = "IMMUTABLE"."##,
    references: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html"],
    controls: &[],
    peers: &["AWS-0031", "CKV_AWS_51"],
    bad_example: r##"resource "aws_ecr_repository" "app" {
  name = "app"
}"##,
    good_example: r##"resource "aws_ecr_repository" "app" {
  name = "app"
  image_tag_mutability = "IMMUTABLE"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in &m.repositories {
        let a = &x.tag_mutability;
        if a.is_absent() || a.is("MUTABLE") {
            out.push(report(&META, &x.meta, a.span, "Repository tags are mutable."));
        }
    }
}
