//! RMP-AWS-0087: ECR repository does not scan images on push.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0087",
    family: Family::Aws,
    service: "ecr",
    severity: Severity::Medium,
    title: r##"ECR repository does not scan images on push"##,
    description: r##"Scanning on push finds known vulnerabilities in every image as it is pushed."##,
    remediation: r##"Add image_scanning_configuration { scan_on_push = true }."##,
    references: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html"],
    controls: &[],
    peers: &["AWS-0030", "CKV_AWS_163"],
    bad_example: r##"resource "aws_ecr_repository" "app" {
  name = "app"
}"##,
    good_example: r##"resource "aws_ecr_repository" "app" {
  name = "app"
  image_scanning_configuration {
    scan_on_push = true
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.repositories.iter().map(|x| (&x.meta, &x.scan_on_push));
    off_or_absent(&META, out, attrs, "Repository does not scan images on push.");
}
