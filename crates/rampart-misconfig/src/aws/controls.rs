//! CIS Amazon Web Services Foundations Benchmark v3.0.0 controls covered by the `RMP-AWS-*`
//! checks (see `crate::frameworks`). Only controls that can be decided from infrastructure
//! code are listed.

use crate::frameworks::Control;

pub static CONTROLS: &[Control] = &[
    Control {
        id: "cis-aws-3.0/1.8",
        title: "Ensure IAM password policy requires minimum length of 14 or greater",
    },
    Control { id: "cis-aws-3.0/1.9", title: "Ensure IAM password policy prevents password reuse" },
    Control { id: "cis-aws-3.0/1.15", title: "Ensure IAM Users Receive Permissions Only Through Groups" },
    Control {
        id: "cis-aws-3.0/1.16",
        title: "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached",
    },
    Control { id: "cis-aws-3.0/2.1.1", title: "Ensure S3 Bucket Policy is set to deny HTTP requests" },
    Control { id: "cis-aws-3.0/2.1.2", title: "Ensure MFA Delete is enabled on S3 buckets" },
    Control {
        id: "cis-aws-3.0/2.1.4",
        title: "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'",
    },
    Control { id: "cis-aws-3.0/2.2.1", title: "Ensure EBS Volume Encryption is Enabled in all Regions" },
    Control { id: "cis-aws-3.0/2.3.1", title: "Ensure that encryption-at-rest is enabled for RDS Instances" },
    Control {
        id: "cis-aws-3.0/2.3.2",
        title: "Ensure Auto Minor Version Upgrade feature is Enabled for RDS Instances",
    },
    Control { id: "cis-aws-3.0/2.3.3", title: "Ensure that public access is not given to RDS Instance" },
    Control { id: "cis-aws-3.0/2.4.1", title: "Ensure that encryption is enabled for EFS file systems" },
    Control { id: "cis-aws-3.0/3.1", title: "Ensure CloudTrail is enabled in all regions" },
    Control { id: "cis-aws-3.0/3.2", title: "Ensure CloudTrail log file validation is enabled" },
    Control {
        id: "cis-aws-3.0/3.4",
        title: "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket",
    },
    Control { id: "cis-aws-3.0/3.5", title: "Ensure CloudTrail logs are encrypted at rest using KMS CMKs" },
    Control {
        id: "cis-aws-3.0/3.6",
        title: "Ensure rotation for customer-created symmetric CMKs is enabled",
    },
    Control { id: "cis-aws-3.0/3.7", title: "Ensure VPC flow logging is enabled in all VPCs" },
    Control {
        id: "cis-aws-3.0/5.1",
        title: "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports",
    },
    Control {
        id: "cis-aws-3.0/5.2",
        title: "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports",
    },
    Control {
        id: "cis-aws-3.0/5.3",
        title: "Ensure no security groups allow ingress from ::/0 to remote server administration ports",
    },
    Control {
        id: "cis-aws-3.0/5.4",
        title: "Ensure the default security group of every VPC restricts all traffic",
    },
    Control { id: "cis-aws-3.0/5.6", title: "Ensure that EC2 Metadata Service only allows IMDSv2" },
];
