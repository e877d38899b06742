//! What a built-in check is (its documented metadata) and what it finds.

use rampart_model::Severity;

use crate::value::Span;

/// The kind of configuration a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConfigType {
    Kubernetes,
    Dockerfile,
    /// Terraform HCL (`.tf`, `.tfvars`).
    Terraform,
    /// `terraform show -json` output.
    TerraformPlan,
    CloudFormation,
    /// A container image's config and history, checked with the Dockerfile checks.
    ImageConfig,
}

impl ConfigType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigType::Kubernetes => "kubernetes",
            ConfigType::Dockerfile => "dockerfile",
            ConfigType::Terraform => "terraform",
            ConfigType::TerraformPlan => "terraform-plan",
            ConfigType::CloudFormation => "cloudformation",
            ConfigType::ImageConfig => "image-config",
        }
    }
}

impl std::fmt::Display for ConfigType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family a check belongs to, which decides the inputs it runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Kubernetes manifests.
    Kubernetes,
    /// Dockerfiles and image configs.
    Docker,
    /// AWS resources from Terraform (HCL or plan) and CloudFormation, through the cloud model.
    Aws,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Kubernetes => "kubernetes",
            Family::Docker => "docker",
            Family::Aws => "aws",
        }
    }
}

/// A built-in check's documented metadata. Each check file holds one `pub static META` of this
/// type next to the function that runs the check; `rampart config --list-checks` and
/// `docs/checks.md` are generated from it.
#[derive(Debug)]
pub struct CheckMeta {
    /// Stable id: `RMP-K8S-0001`, `RMP-DS-0001`, `RMP-AWS-0001`. Never reused or renumbered.
    pub id: &'static str,
    pub family: Family,
    /// The service or area (`pod-security`, `rbac`, `s3`, `iam`, `build`).
    pub service: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// What the check looks for and why it matters.
    pub description: &'static str,
    /// How to fix it.
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    /// Framework controls (`pss-baseline/privileged`, `cis-aws-3.0/2.1.1`), see [`crate::frameworks`].
    pub controls: &'static [&'static str],
    /// Ids of the same check in peer tools (`KSV-0017`, `CKV_K8S_16`, `DS-0002`, `AWS-0086`).
    pub peers: &'static [&'static str],
    /// A minimal input that fails the check.
    pub bad_example: &'static str,
    /// The same input, fixed.
    pub good_example: &'static str,
}

/// One failed check on one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub check: &'static CheckMeta,
    /// The file the lines are in, relative to the scan root (for Terraform, possibly a module's file).
    pub path: String,
    /// What is wrong with this resource, in one sentence.
    pub message: String,
    /// `Deployment/default/web`, `aws_s3_bucket.data`, `DataBucket`, `stage builder`.
    pub resource: Option<String>,
    pub span: Span,
}

impl Finding {
    pub fn new(check: &'static CheckMeta, path: &str, span: Span, message: impl Into<String>) -> Finding {
        Finding { check, path: path.to_string(), message: message.into(), resource: None, span }
    }

    pub fn resource(mut self, resource: impl Into<String>) -> Finding {
        self.resource = Some(resource.into());
        self
    }
}

/// A file that could not be read as its format (a YAML syntax error, an HCL error), or a part of
/// it that was skipped. Becomes a diagnostic naming the file and line; the rest of the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub path: String,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    pub message: String,
}

impl FileError {
    pub fn new(path: &str, line: u32, message: impl Into<String>) -> FileError {
        FileError { path: path.to_string(), line, message: message.into() }
    }
}

/// A configuration file handed to the scanner: its path relative to the scan root and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    pub config_type: ConfigType,
}

/// A parsed document as custom (Rego) policies see it: the `input` Conftest and Trivy give
/// policies for this kind of file.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyInput {
    pub path: String,
    pub config_type: ConfigType,
    /// The lines of the document within the file (whole file when unknown).
    pub span: Span,
    /// A name for the document (`Deployment/web`), when it has one.
    pub resource: Option<String>,
    /// The input as Trivy's parsers give it to custom checks.
    pub input: serde_json::Value,
    /// The input as Conftest's parser gives it, where that shape differs from Trivy's
    /// (Dockerfiles: a flat list of commands; Terraform: Conftest's HCL-as-JSON).
    pub conftest_input: Option<serde_json::Value>,
}

/// What a family found in the files it was given.
#[derive(Debug, Default)]
pub struct FamilyOutput {
    pub findings: Vec<Finding>,
    pub errors: Vec<FileError>,
    pub inputs: Vec<PolicyInput>,
    /// Per file: how many (check, resource) pairs were evaluated and passed, for the summary.
    pub passed: Vec<(String, usize)>,
}

impl PartialEq for CheckMeta {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
