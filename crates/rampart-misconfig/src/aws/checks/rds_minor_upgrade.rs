//! RMP-AWS-0062: RDS automatic minor version upgrades are disabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0062",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Low,
    title: r##"RDS automatic minor version upgrades are disabled"##,
    description: r##"Minor engine versions carry security fixes; with auto upgrades off they are not applied."##,
    remediation: r##"Leave auto_minor_version_upgrade at true."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &["cis-aws-3.0/2.3.2"],
    peers: &["CKV_AWS_226"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  auto_minor_version_upgrade = false
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  auto_minor_version_upgrade = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in m.databases.iter().filter(|x| !x.cluster) {
        let a = &x.auto_minor_upgrade;
        if a.is_false() {
            out.push(report(
                &META,
                &x.meta,
                a.span,
                "Database does not get minor version upgrades automatically.",
            ));
        }
    }
}
