//! RMP-AWS-0082: VPC has no flow logs.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0082",
    family: Family::Aws,
    service: "vpc",
    severity: Severity::Medium,
    title: r##"VPC has no flow logs"##,
    description: r##"VPC flow logs record the traffic of the network; without them incidents cannot be investigated."##,
    remediation: r##"Add an aws_flow_log with vpc_id pointing at the VPC (CloudFormation: AWS::EC2::FlowLog)."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html"],
    controls: &["cis-aws-3.0/3.7"],
    peers: &["AWS-0178", "CKV2_AWS_11"],
    bad_example: r##"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
"##,
    good_example: r##"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = "arn:aws:s3:::flow-logs"
}
"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    lacking(&META, out, m.vpcs.iter().map(|x| (&x.meta, x.flow_logs)), "VPC has no flow logs.");
}
