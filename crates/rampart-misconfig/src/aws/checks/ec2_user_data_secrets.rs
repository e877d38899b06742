//! RMP-AWS-0055: EC2 user data contains secrets.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0055",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Critical,
    title: r##"EC2 user data contains secrets"##,
    description: r##"User data is readable by anyone who can describe the instance (and from the metadata service); AWS keys, passwords and private keys in it leak."##,
    remediation: r##"Read secrets at boot from Secrets Manager or SSM Parameter Store using the instance role."##,
    references: &["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html"],
    controls: &[],
    peers: &["AWS-0029", "CKV_AWS_46"],
    bad_example: r##"resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  user_data     = <<-EOT
    #!/bin/sh
    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  EOT
}"##,
    good_example: r##"resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  user_data     = <<-EOT
    #!/bin/sh
    aws secretsmanager get-secret-value --secret-id app
  EOT
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for i in &m.instances {
        let Some(text) = i.user_data.get() else { continue };
        if let Some(what) = secret_in(text) {
            out.push(report(&META, &i.meta, i.user_data.span, format!("User data contains {what}.")));
        }
    }
}
