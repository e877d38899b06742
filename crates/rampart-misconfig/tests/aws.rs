//! The `RMP-AWS-*` checks: every check's examples, the "written once" property (the Terraform
//! and CloudFormation forms of a resource give the same findings), and coverage of what Trivy
//! and Checkov find on the shared fixtures.

/// Terraform resources of `text` through the real loader (HCL parsing, evaluation, links).
fn hcl_resources(path: &str, text: &str) -> Vec<RawResource> {
    let file = rampart_misconfig::SourceFile {
        path: path.to_string(),
        text: text.to_string(),
        config_type: rampart_misconfig::ConfigType::Terraform,
    };
    let loaded = rampart_misconfig::terraform::load(&[&file]);
    assert!(loaded.errors.is_empty(), "{path}: {:?}\n{text}", loaded.errors);
    loaded.resources
}
use std::collections::BTreeSet;

use rampart_misconfig::cloud::RawResource;
use rampart_misconfig::{ConfigType, Finding, SourceFile, aws, cloudformation};

fn ids(findings: &[Finding], id: &str) -> usize {
    findings.iter().filter(|f| f.check.id == id).count()
}

fn cfn(text: &str) -> Vec<RawResource> {
    let f = SourceFile {
        path: "template.yaml".into(),
        text: text.into(),
        config_type: ConfigType::CloudFormation,
    };
    let loaded = cloudformation::load(&[&f]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.resources
}

#[test]
fn at_least_65_checks_with_unique_ids() {
    let all = aws::checks();
    assert!(all.len() >= 65, "{} checks", all.len());
    let ids: BTreeSet<&str> = all.iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), all.len());
    for (i, c) in all.iter().enumerate() {
        assert_eq!(c.id, format!("RMP-AWS-{:04}", i + 1), "ids are dense and in order");
    }
}

/// Every check fails its bad example and passes its good example (both Terraform HCL, read with
/// the test HCL reader until the Terraform loader is merged).
#[test]
fn every_check_fires_on_its_bad_example_only() {
    for c in aws::checks() {
        let bad = aws::scan(&hcl_resources("main.tf", c.bad_example));
        assert!(ids(&bad, c.id) > 0, "{} does not fire on its bad example:\n{}", c.id, c.bad_example);
        let f = bad.iter().find(|f| f.check.id == c.id).unwrap();
        assert!(f.span.is_known() && f.resource.is_some(), "{}: {f:?}", c.id);
        let good = aws::scan(&hcl_resources("main.tf", c.good_example));
        assert_eq!(ids(&good, c.id), 0, "{} fires on its good example:\n{}", c.id, c.good_example);
    }
}

/// The same resource written in CloudFormation: (check, bad template, good template). The
/// Terraform form is the check's own bad/good example.
const CFN_FORMS: &[(&str, &str, &str)] = &[
    (
        "RMP-AWS-0001",
        "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketName: data\n    AccessControl: PublicRead\n",
        "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketName: data\n    AccessControl: Private\n",
    ),
    (
        "RMP-AWS-0002",
        "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration:\n      BlockPublicAcls: false\n",
        "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration:\n      BlockPublicAcls: true\n",
    ),
    (
        "RMP-AWS-0006",
        "B:\n  Type: AWS::S3::Bucket\n",
        "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}\n",
    ),
    (
        "RMP-AWS-0009",
        "B:\n  Type: AWS::S3::Bucket\n",
        "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    VersioningConfiguration:\n      Status: Enabled\n",
    ),
    (
        "RMP-AWS-0010",
        "B:\n  Type: AWS::S3::Bucket\n",
        "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    LoggingConfiguration:\n      DestinationBucketName: logs\n",
    ),
    (
        "RMP-AWS-0008",
        "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketEncryption:\n      ServerSideEncryptionConfiguration:\n        - ServerSideEncryptionByDefault:\n            SSEAlgorithm: AES256\n",
        "K:\n  Type: AWS::KMS::Key\n  Properties:\n    EnableKeyRotation: true\nB:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketEncryption:\n      ServerSideEncryptionConfiguration:\n        - ServerSideEncryptionByDefault:\n            SSEAlgorithm: aws:kms\n            KMSMasterKeyID: !GetAtt K.Arn\n",
    ),
    (
        "RMP-AWS-0012",
        "B:\n  Type: AWS::S3::Bucket\nP:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n    Bucket: !Ref B\n    PolicyDocument:\n      Statement:\n        - Effect: Allow\n          Principal: '*'\n          Action: s3:GetObject\n          Resource: !Sub 'arn:aws:s3:::${B}/*'\n",
        "B:\n  Type: AWS::S3::Bucket\nP:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n    Bucket: !Ref B\n    PolicyDocument:\n      Statement:\n        - Effect: Allow\n          Principal: {AWS: 'arn:aws:iam::123456789012:root'}\n          Action: s3:GetObject\n          Resource: !Sub 'arn:aws:s3:::${B}/*'\n",
    ),
    (
        "RMP-AWS-0019",
        "G:\n  Type: AWS::EC2::SecurityGroup\n  Properties:\n    GroupDescription: web\n    SecurityGroupIngress:\n      - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0, Description: in}\n",
        "G:\n  Type: AWS::EC2::SecurityGroup\n  Properties:\n    GroupDescription: web\n    SecurityGroupIngress:\n      - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8, Description: in}\n",
    ),
    (
        "RMP-AWS-0021",
        "G:\n  Type: AWS::EC2::SecurityGroupIngress\n  Properties:\n    GroupId: sg-1\n    IpProtocol: '-1'\n    CidrIpv6: ::/0\n",
        "G:\n  Type: AWS::EC2::SecurityGroupIngress\n  Properties:\n    GroupId: sg-1\n    IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    CidrIp: 0.0.0.0/0\n",
    ),
    (
        "RMP-AWS-0025",
        "G:\n  Type: AWS::EC2::SecurityGroup\n  Properties:\n    GroupDescription: web\n    SecurityGroupIngress:\n      - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}\n",
        "G:\n  Type: AWS::EC2::SecurityGroup\n  Properties:\n    GroupDescription: web\n    SecurityGroupIngress:\n      - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: HTTPS from the VPC}\n",
    ),
    (
        "RMP-AWS-0029",
        "P:\n  Type: AWS::IAM::ManagedPolicy\n  Properties:\n    PolicyDocument:\n      Version: '2012-10-17'\n      Statement:\n        - {Effect: Allow, Action: '*', Resource: '*'}\n",
        "P:\n  Type: AWS::IAM::ManagedPolicy\n  Properties:\n    PolicyDocument:\n      Statement:\n        - {Effect: Allow, Action: [s3:GetObject], Resource: 'arn:aws:s3:::data/*'}\n",
    ),
    (
        "RMP-AWS-0032",
        "P:\n  Type: AWS::IAM::ManagedPolicy\n  Properties:\n    PolicyDocument:\n      Statement:\n        - {Effect: Allow, Action: iam:PassRole, Resource: '*'}\n",
        "P:\n  Type: AWS::IAM::ManagedPolicy\n  Properties:\n    PolicyDocument:\n      Statement:\n        - {Effect: Allow, Action: iam:PassRole, Resource: 'arn:aws:iam::123456789012:role/app'}\n",
    ),
    (
        "RMP-AWS-0040",
        "R:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument:\n      Statement:\n        - {Effect: Allow, Action: sts:AssumeRole, Principal: {AWS: '*'}}\n",
        "R:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument:\n      Statement:\n        - {Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}\n",
    ),
    (
        "RMP-AWS-0041",
        "R:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument:\n      Statement:\n        - {Effect: Allow, Action: sts:AssumeRole, Principal: {AWS: 'arn:aws:iam::210987654321:root'}}\n",
        "R:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument:\n      Statement:\n        - Effect: Allow\n          Action: sts:AssumeRole\n          Principal: {AWS: 'arn:aws:iam::210987654321:root'}\n          Condition: {StringEquals: {'sts:ExternalId': secret-id}}\n",
    ),
    (
        "RMP-AWS-0051",
        "V:\n  Type: AWS::EC2::Volume\n  Properties:\n    AvailabilityZone: us-east-1a\n    Size: 40\n",
        "V:\n  Type: AWS::EC2::Volume\n  Properties:\n    AvailabilityZone: us-east-1a\n    Size: 40\n    Encrypted: true\n",
    ),
    (
        "RMP-AWS-0057",
        "D:\n  Type: AWS::RDS::DBInstance\n  Properties:\n    Engine: postgres\n    StorageEncrypted: false\n",
        "D:\n  Type: AWS::RDS::DBInstance\n  Properties:\n    Engine: postgres\n    StorageEncrypted: true\n",
    ),
    (
        "RMP-AWS-0058",
        "D:\n  Type: AWS::RDS::DBInstance\n  Properties:\n    PubliclyAccessible: true\n",
        "D:\n  Type: AWS::RDS::DBInstance\n  Properties:\n    PubliclyAccessible: false\n",
    ),
    (
        "RMP-AWS-0068",
        "T:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    S3BucketName: trail-logs\n    IsMultiRegionTrail: false\n",
        "T:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    S3BucketName: trail-logs\n    IsMultiRegionTrail: true\n",
    ),
    (
        "RMP-AWS-0073",
        "K:\n  Type: AWS::KMS::Key\n  Properties:\n    Description: app\n",
        "K:\n  Type: AWS::KMS::Key\n  Properties:\n    Description: app\n    EnableKeyRotation: true\n",
    ),
    (
        "RMP-AWS-0082",
        "V:\n  Type: AWS::EC2::VPC\n  Properties:\n    CidrBlock: 10.0.0.0/16\n",
        "V:\n  Type: AWS::EC2::VPC\n  Properties:\n    CidrBlock: 10.0.0.0/16\nF:\n  Type: AWS::EC2::FlowLog\n  Properties:\n    ResourceId: !Ref V\n    ResourceType: VPC\n    TrafficType: ALL\n",
    ),
    (
        "RMP-AWS-0083",
        "Q:\n  Type: AWS::SQS::Queue\n  Properties:\n    QueueName: jobs\n",
        "Q:\n  Type: AWS::SQS::Queue\n  Properties:\n    QueueName: jobs\n    KmsMasterKeyId: alias/sqs\n",
    ),
    (
        "RMP-AWS-0085",
        "T:\n  Type: AWS::DynamoDB::Table\n",
        "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    PointInTimeRecoverySpecification:\n      PointInTimeRecoveryEnabled: true\n",
    ),
    (
        "RMP-AWS-0088",
        "R:\n  Type: AWS::ECR::Repository\n",
        "R:\n  Type: AWS::ECR::Repository\n  Properties:\n    ImageTagMutability: IMMUTABLE\n",
    ),
    (
        "RMP-AWS-0091",
        "S:\n  Type: AWS::SecretsManager::Secret\n",
        "S:\n  Type: AWS::SecretsManager::Secret\nR:\n  Type: AWS::SecretsManager::RotationSchedule\n  Properties:\n    SecretId: !Ref S\n    RotationRules: {AutomaticallyAfterDays: 30}\n",
    ),
    (
        "RMP-AWS-0099",
        "F:\n  Type: AWS::EFS::FileSystem\n",
        "F:\n  Type: AWS::EFS::FileSystem\n  Properties:\n    Encrypted: true\n",
    ),
];

fn indent(resources: &str) -> String {
    let body: String = resources.lines().map(|l| format!("  {l}\n")).collect();
    format!("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n{body}")
}

/// "Written once": the Terraform and the CloudFormation form of the same resource give the same
/// findings of the check (same count, fired on bad, silent on good).
#[test]
fn checks_fire_identically_for_terraform_and_cloudformation() {
    assert!(CFN_FORMS.len() >= 15);
    for (id, cfn_bad, cfn_good) in CFN_FORMS {
        let c = rampart_misconfig::check(id).unwrap();
        let tf_bad = ids(&aws::scan(&hcl_resources("main.tf", c.bad_example)), id);
        let cf_bad = ids(&aws::scan(&cfn(&indent(cfn_bad))), id);
        assert!(tf_bad > 0, "{id}: Terraform bad example");
        assert_eq!(tf_bad, cf_bad, "{id}: Terraform and CloudFormation bad forms differ");
        let tf_good = ids(&aws::scan(&hcl_resources("main.tf", c.good_example)), id);
        let cf_good = ids(&aws::scan(&cfn(&indent(cfn_good))), id);
        assert_eq!((tf_good, cf_good), (0, 0), "{id}: good forms");
    }
}

#[test]
fn findings_point_at_the_offending_line() {
    let text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n  Q:\n    Type: AWS::SQS::Queue\n";
    let findings = aws::scan(&cfn(text));
    let acl = findings.iter().find(|f| f.check.id == "RMP-AWS-0001").unwrap();
    assert_eq!((acl.span.start, acl.span.end), (5, 5));
    assert_eq!(acl.resource.as_deref(), Some("B"));
    let sqs = findings.iter().find(|f| f.check.id == "RMP-AWS-0083").unwrap();
    assert_eq!((sqs.span.start, sqs.span.end), (6, 7), "absent attribute: the resource's lines");
}

#[test]
fn terraform_split_bucket_resources_and_policy_documents_link() {
    let tf = r#"
resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_acl" "data" {
  bucket = aws_s3_bucket.data.id
  acl    = "public-read-write"
}

resource "aws_s3_bucket_public_access_block" "by_name" {
  bucket                  = "data"
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = false
}

data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "admin" {
  policy = data.aws_iam_policy_document.admin.json
}

resource "aws_iam_role" "r" {
  assume_role_policy = <<POLICY
{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": "*"}]}
POLICY
}
"#;
    let findings = aws::scan(&hcl_resources("main.tf", tf));
    let fired = |id: &str| ids(&findings, id);
    assert_eq!(fired("RMP-AWS-0001"), 1, "ACL from aws_s3_bucket_acl");
    assert_eq!(fired("RMP-AWS-0002"), 0, "public access block linked by bucket name");
    assert_eq!(fired("RMP-AWS-0005"), 1);
    assert_eq!(fired("RMP-AWS-0006"), 0);
    assert_eq!(fired("RMP-AWS-0029"), 1, "data source document through its .json reference");
    assert_eq!(fired("RMP-AWS-0040"), 1, "heredoc trust policy");
    let admin = findings.iter().find(|f| f.check.id == "RMP-AWS-0029").unwrap();
    assert_eq!(admin.resource.as_deref(), Some("aws_iam_policy.admin"));
}

#[test]
fn unknown_values_are_never_findings() {
    let tf = r#"
resource "aws_db_instance" "db" {
  storage_encrypted   = var.encrypted
  publicly_accessible = var.public
}

resource "aws_security_group" "g" {
  description = "x"
  ingress {
    description = "x"
    from_port   = var.port
    to_port     = var.port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;
    let mut resources = hcl_resources("main.tf", tf);
    resources.extend(cfn("Resources:\n  B:\n    Type: AWS::S3::Bucket\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref B\n      PolicyDocument: !ImportValue shared-policy\n"));
    let findings = aws::scan(&resources);
    assert_eq!(ids(&findings, "RMP-AWS-0009"), 1, "the bucket is checked");
    assert_eq!(ids(&findings, "RMP-AWS-0011"), 0, "an unknown bucket policy may deny plain HTTP");
    for id in ["RMP-AWS-0057", "RMP-AWS-0058", "RMP-AWS-0019", "RMP-AWS-0020", "RMP-AWS-0021", "RMP-AWS-0022"]
    {
        assert_eq!(ids(&findings, id), 0, "{id} on an unknown value");
    }
}

/// Each peer failure `(resource, peer id)` must be covered by one of our checks listing that
/// peer id in `peers`, firing on the same resource.
fn assert_covers(findings: &[Finding], expected: &[(&str, &str)]) {
    let checks = aws::checks();
    let mut missing = Vec::new();
    for (resource, peer) in expected {
        let ours: Vec<&str> = checks.iter().filter(|c| c.peers.contains(peer)).map(|c| c.id).collect();
        assert!(!ours.is_empty(), "no check maps peer id {peer}");
        let covered =
            findings.iter().any(|f| ours.contains(&f.check.id) && f.resource.as_deref() == Some(*resource));
        if !covered {
            missing.push(format!("{peer} on {resource} (ours: {ours:?})"));
        }
    }
    assert!(missing.is_empty(), "peer findings not covered: {missing:#?}");
}

/// Failures of `trivy config` (0.76.0) and `checkov -d ... --framework cloudformation` (3.3.30)
/// on `shared/peers/fixtures/iac/cfn/template.yaml`, from one run of each (see the peers' README
/// for the commands).
const CFN_PEER_FAILURES: &[(&str, &str)] = &[
    // Trivy
    ("DataBucket", "AWS-0086"),
    ("DataBucket", "AWS-0087"),
    ("DataBucket", "AWS-0089"),
    ("DataBucket", "AWS-0090"),
    ("DataBucket", "AWS-0091"),
    ("DataBucket", "AWS-0092"),
    ("DataBucket", "AWS-0093"),
    ("DataBucket", "AWS-0094"),
    ("DataBucket", "AWS-0132"),
    ("Queue", "AWS-0096"),
    ("SshSecurityGroup", "AWS-0107"),
    ("SshSecurityGroup", "AWS-0124"),
    // Checkov
    ("DataBucket", "CKV_AWS_53"),
    ("DataBucket", "CKV_AWS_54"),
    ("DataBucket", "CKV_AWS_20"),
    ("DataBucket", "CKV_AWS_18"),
    ("DataBucket", "CKV_AWS_56"),
    ("DataBucket", "CKV_AWS_55"),
    ("DataBucket", "CKV_AWS_21"),
    ("SshSecurityGroup", "CKV_AWS_24"),
    ("SshSecurityGroup", "CKV_AWS_23"),
    ("AdminRole", "CKV_AWS_110"),
    ("AdminRole", "CKV_AWS_111"),
    ("AdminRole", "CKV_AWS_108"),
    ("AdminRole", "CKV_AWS_62"),
    ("AdminRole", "CKV_AWS_109"),
    ("AdminRole", "CKV_AWS_107"),
    ("AdminRole", "CKV_AWS_63"),
    ("AdminRole", "CKV_AWS_60"),
    ("Queue", "CKV_AWS_27"),
];

fn shared(path: &str) -> Option<String> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared").join(path);
    std::fs::read_to_string(p).ok()
}

#[test]
fn shared_cfn_fixture_covers_trivy_and_checkov() {
    let Some(text) = shared("peers/fixtures/iac/cfn/template.yaml") else {
        eprintln!("shared fixtures not present; skipped");
        return;
    };
    let findings = aws::scan(&cfn(&text));
    assert_covers(&findings, CFN_PEER_FAILURES);
}

/// Failures of Trivy 0.76.0 and Checkov 3.3.30 on `shared/peers/fixtures/iac/terraform/main.tf`,
/// checked here through the test HCL reader (the real Terraform loader is tested after merging).
/// Left out: CKV2_AWS_5 (security group not attached to a resource: graph hygiene without a
/// Rampart counterpart) and CKV_AWS_226 (auto minor version upgrade), which Checkov fails when
/// the attribute is absent although the provider's default is `true` — RMP-AWS-0062 fires only
/// when it is set to false.
const TF_PEER_FAILURES: &[(&str, &str)] = &[
    // Trivy
    ("aws_cloudtrail.trail", "AWS-0014"),
    ("aws_cloudtrail.trail", "AWS-0015"),
    ("aws_cloudtrail.trail", "AWS-0016"),
    ("aws_cloudtrail.trail", "AWS-0162"),
    ("aws_db_instance.db", "AWS-0077"),
    ("aws_db_instance.db", "AWS-0080"),
    ("aws_db_instance.db", "AWS-0133"),
    ("aws_db_instance.db", "AWS-0176"),
    ("aws_db_instance.db", "AWS-0177"),
    ("aws_db_instance.db", "AWS-0180"),
    ("aws_s3_bucket.data", "AWS-0086"),
    ("aws_s3_bucket.data", "AWS-0087"),
    ("aws_s3_bucket.data", "AWS-0089"),
    ("aws_s3_bucket.data", "AWS-0090"),
    ("aws_s3_bucket.data", "AWS-0091"),
    ("aws_s3_bucket.data", "AWS-0092"),
    ("aws_s3_bucket.data", "AWS-0093"),
    ("aws_s3_bucket.data", "AWS-0094"),
    ("aws_s3_bucket.data", "AWS-0132"),
    ("aws_s3_bucket.data", "AWS-0161"),
    ("aws_s3_bucket.data", "AWS-0163"),
    ("aws_security_group.ssh", "AWS-0104"),
    ("aws_security_group.ssh", "AWS-0107"),
    ("aws_security_group.ssh", "AWS-0124"),
    // Checkov
    ("aws_security_group.ssh", "CKV_AWS_24"),
    ("aws_security_group.ssh", "CKV_AWS_382"),
    ("aws_security_group.ssh", "CKV_AWS_23"),
    ("aws_db_instance.db", "CKV_AWS_16"),
    ("aws_db_instance.db", "CKV_AWS_293"),
    ("aws_db_instance.db", "CKV_AWS_17"),
    ("aws_db_instance.db", "CKV_AWS_157"),
    ("aws_db_instance.db", "CKV_AWS_118"),
    ("aws_db_instance.db", "CKV_AWS_129"),
    ("aws_db_instance.db", "CKV_AWS_161"),
    ("aws_db_instance.db", "CKV2_AWS_60"),
    ("aws_iam_policy.admin", "CKV_AWS_286"),
    ("aws_iam_policy.admin", "CKV_AWS_290"),
    ("aws_iam_policy.admin", "CKV_AWS_288"),
    ("aws_iam_policy.admin", "CKV_AWS_62"),
    ("aws_iam_policy.admin", "CKV_AWS_289"),
    ("aws_iam_policy.admin", "CKV_AWS_287"),
    ("aws_iam_policy.admin", "CKV_AWS_63"),
    ("aws_iam_policy.admin", "CKV_AWS_355"),
    ("aws_iam_policy.admin", "CKV2_AWS_40"),
    ("aws_cloudtrail.trail", "CKV_AWS_36"),
    ("aws_cloudtrail.trail", "CKV_AWS_67"),
    ("aws_cloudtrail.trail", "CKV_AWS_252"),
    ("aws_cloudtrail.trail", "CKV_AWS_35"),
    ("aws_cloudtrail.trail", "CKV2_AWS_10"),
    ("aws_s3_bucket.data", "CKV2_AWS_6"),
    ("aws_s3_bucket.data", "CKV2_AWS_62"),
    ("aws_s3_bucket.data", "CKV_AWS_18"),
    ("aws_s3_bucket.data", "CKV2_AWS_61"),
    ("aws_s3_bucket.data", "CKV_AWS_21"),
    ("aws_s3_bucket.data", "CKV_AWS_144"),
    ("aws_s3_bucket.data", "CKV_AWS_20"),
    ("aws_s3_bucket.data", "CKV_AWS_145"),
];

#[test]
fn shared_terraform_fixture_covers_trivy_and_checkov() {
    let Some(text) = shared("peers/fixtures/iac/terraform/main.tf") else {
        eprintln!("shared fixtures not present; skipped");
        return;
    };
    let findings = aws::scan(&hcl_resources("main.tf", &text));
    assert_covers(&findings, TF_PEER_FAILURES);
}

/// A module whose resources link to each other (split bucket resources, standalone rules,
/// data-source policy documents, a trail and its bucket, flow logs): the findings by check and
/// resource. Lines are left out so the snapshot holds for the real Terraform loader too.
#[test]
fn linked_terraform_module() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/aws/main.tf")).unwrap();
    let findings = aws::scan(&hcl_resources("main.tf", &text));
    let mut lines: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {} {}", f.check.id, f.resource.as_deref().unwrap_or("-"), f.message))
        .collect();
    lines.sort();
    let rendered = lines.join("\n");
    for absent in
        ["RMP-AWS-0001 ", "RMP-AWS-0006 ", "RMP-AWS-0009 ", "RMP-AWS-0011 ", "RMP-AWS-0017 ", "RMP-AWS-0070 "]
    {
        assert!(!rendered.contains(absent), "{absent}should be satisfied by a linked resource:\n{rendered}");
    }
    insta::assert_snapshot!(rendered);
}

/// A bucket's configuration resource in another file of the module: its findings stay in the
/// bucket's file, at the bucket's lines.
#[test]
fn split_bucket_resources_in_other_files_report_in_the_bucket_file() {
    let mut resources = hcl_resources("s3.tf", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n");
    resources.extend(hcl_resources(
        "versioning.tf",
        "\n\n\n\nresource \"aws_s3_bucket_versioning\" \"b\" {\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {\n    status = \"Suspended\"\n  }\n}\n",
    ));
    let findings = aws::scan(&resources);
    let v = findings.iter().find(|f| f.check.id == "RMP-AWS-0009").expect("versioning suspended");
    assert_eq!((v.path.as_str(), v.span.start, v.span.end), ("s3.tf", 1, 3));
}

#[test]
fn configuration_resources_under_for_each_over_a_bucket_resource_configure_every_instance() {
    let tf = r#"
resource "aws_s3_bucket" "b" {
  for_each = toset(["logs", "data"])
  bucket   = "acme-${each.key}"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  for_each = aws_s3_bucket.b
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
"#;
    let resources = hcl_resources("main.tf", tf);
    let findings = aws::scan(&resources);
    let buckets: BTreeSet<&str> =
        resources.iter().filter(|r| r.resource_type == "aws_s3_bucket").map(|r| r.name.as_str()).collect();
    assert_eq!(buckets.len(), 2, "{buckets:?}");
    assert_eq!(ids(&findings, "RMP-AWS-0007"), 0, "both instances are encrypted");
    // Without the configuration resource, both are reported.
    let bare = hcl_resources("main.tf", &tf[..tf.find("resource \"aws_s3_bucket_server").unwrap()]);
    assert_eq!(ids(&aws::scan(&bare), "RMP-AWS-0007"), 2);
}
