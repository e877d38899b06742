//! RMP-AWS-0054: EC2 instance or launch template assigns a public IP address.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0054",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Medium,
    title: r##"EC2 instance or launch template assigns a public IP address"##,
    description: r##"A public IP address makes the instance directly reachable from the internet, bypassing load balancers and NAT."##,
    remediation: r##"Set associate_public_ip_address = false and reach instances through a load balancer, NAT or SSM."##,
    references: &["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html"],
    controls: &[],
    peers: &["AWS-0009", "CKV_AWS_88"],
    bad_example: r##"resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  associate_public_ip_address = true
}"##,
    good_example: r##"resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  associate_public_ip_address = false
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.instances.iter().map(|x| (&x.meta, &x.public_ip));
    turned_on(&META, out, attrs, "Instance is given a public IP address.");
}
