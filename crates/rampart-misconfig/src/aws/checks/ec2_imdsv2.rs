//! RMP-AWS-0053: EC2 instance metadata service does not require IMDSv2 tokens.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0053",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::High,
    title: r##"EC2 instance metadata service does not require IMDSv2 tokens"##,
    description: r##"With IMDSv1, a server-side request forgery in the workload can read the instance role's credentials from the metadata service."##,
    remediation: r##"Set metadata_options { http_tokens = "required" } (CloudFormation: MetadataOptions HttpTokens required, in a launch template for instances)."##,
    references: &["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html"],
    controls: &["cis-aws-3.0/5.6"],
    peers: &["AWS-0028", "AWS-0130", "CKV_AWS_79"],
    bad_example: r##"resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
}"##,
    good_example: r##"resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for i in &m.instances {
        if i.http_endpoint.is("disabled") || i.http_tokens.state == State::Unknown {
            continue;
        }
        if !i.http_tokens.is("required") {
            out.push(report(
                &META,
                &i.meta,
                i.http_tokens.span,
                "Instance metadata service does not require IMDSv2 session tokens.",
            ));
        }
    }
}
