use serde::{Deserialize, Serialize};

use crate::{Diagnostic, Ecosystem, Package};

/// The version of the JSON report schema (`docs/report-schema.md`). Bumped on any change that
/// removes or renames a field; new optional fields do not bump it.
pub const SCHEMA_VERSION: u32 = 1;

/// What was scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    Filesystem,
    ContainerImage,
    Repository,
    /// A CycloneDX or SPDX document listing packages.
    Sbom,
}

/// One scan, whatever the target and scanners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    /// The target as the user named it (a path or an image reference).
    pub target: String,
    pub artifact_kind: ArtifactKind,
    /// The producing tool and its version.
    pub tool: Tool,
    /// RFC 3339 UTC time the scan finished.
    pub created_at: String,
    /// The operating system detected in the artifact (images and root filesystems).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<OsInfo>,
    /// Container images: what the image is (digests, layers, config).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageMetadata>,
    pub results: Vec<ScanResult>,
    /// Problems met during the scan (skipped files, partial parses), with stable codes.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
}

/// An operating system found in `/etc/os-release` (or `/etc/alpine-release`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsInfo {
    /// The family, as an OS ecosystem (`Debian`, `Alpine`, `AlmaLinux`, ...).
    pub family: Ecosystem,
    /// The full version (`12.15`, `3.19.1`, `9.3`, `22.04`).
    pub version: String,
    /// The release advisories are keyed by (`12`, `v3.19`, `9`, `22.04`).
    pub release: String,
    /// The pretty name, when the file gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The file the version was read from.
    pub source: String,
}

/// A container image's identity, layers and run configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageMetadata {
    /// The config blob digest (`sha256:...`), which is the image id.
    pub id: String,
    /// The manifest digest, when the image came from a registry or an OCI index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_digest: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_digests: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub architecture: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The layers, base first.
    pub layers: Vec<ImageLayer>,
    /// The run configuration (user, ports, env, entrypoint, labels), for misconfiguration checks.
    #[serde(default)]
    pub config: ImageConfig,
}

/// One layer of an image with its sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageLayer {
    #[serde(flatten)]
    pub layer: crate::LayerRef,
    /// The blob's media type.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub media_type: String,
    /// Size of the stored (compressed) blob in bytes.
    #[serde(default)]
    pub size: u64,
}

/// The parts of an image's run configuration that scanners look at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exposed_ports: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entrypoint: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cmd: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub labels: std::collections::BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Vec<String>>,
    /// Every history line (`created_by`), base first, including empty (config-only) layers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Report {
    pub fn new(
        target: impl Into<String>,
        artifact_kind: ArtifactKind,
        created_at: impl Into<String>,
    ) -> Self {
        Report {
            schema_version: SCHEMA_VERSION,
            target: target.into(),
            artifact_kind,
            tool: Tool { name: "rampart".into(), version: env!("CARGO_PKG_VERSION").into() },
            created_at: created_at.into(),
            os: None,
            image: None,
            results: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// All packages of all results.
    pub fn packages(&self) -> impl Iterator<Item = &Package> {
        self.results.iter().flat_map(|r| r.packages.iter())
    }

    /// True when some input was skipped or only partly read.
    pub fn is_partial(&self) -> bool {
        !self.diagnostics.is_empty()
    }
}

/// What a result holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResultKind {
    /// Packages declared by a lockfile or manifest, or installed packages of one type.
    Packages,
    /// Configuration documents checked for misconfigurations.
    Config,
    /// A file searched for secrets.
    Secrets,
}

/// The findings for one target inside the artifact: a lockfile, an aggregate of installed
/// packages, a config file, a layer. One type for every scanner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanResult {
    /// A file path relative to the scan root, or an aggregate name (e.g. "Node.js packages").
    pub target: String,
    pub kind: ResultKind,
    /// The analyzer that produced it (e.g. `package-lock`, `python-installed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analyzer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<Ecosystem>,
    #[serde(default)]
    pub packages: Vec<Package>,
    #[serde(default)]
    pub vulnerabilities: Vec<Vulnerability>,
    #[serde(default)]
    pub misconfigurations: Vec<Misconfiguration>,
    /// Config results: how many (check, resource) evaluations passed, as Trivy's `Successes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed_checks: Option<u32>,
    #[serde(default)]
    pub secrets: Vec<Secret>,
}

impl ScanResult {
    pub fn packages(
        target: impl Into<String>,
        analyzer: &str,
        ecosystem: Option<Ecosystem>,
        packages: Vec<Package>,
    ) -> Self {
        ScanResult {
            target: target.into(),
            kind: ResultKind::Packages,
            analyzer: Some(analyzer.to_string()),
            ecosystem,
            packages,
            vulnerabilities: Vec::new(),
            misconfigurations: Vec::new(),
            passed_checks: None,
            secrets: Vec::new(),
        }
    }
}

/// A CVSS vector with the base score computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cvss {
    /// `"3.0"`, `"3.1"` or `"4.0"`.
    pub version: String,
    pub vector: String,
    pub score: f64,
    /// Who published the vector (e.g. `nvd`, `ghsa`, the OSV record's source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Why a finding is hidden (ignore file entry, VEX statement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `ignore-file` or `vex`.
    pub kind: String,
    /// Where the rule came from (file path).
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// VEX status/justification, e.g. `not_affected: vulnerable_code_not_present`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

/// A known vulnerability affecting a package (filled by the vulnerability scanner). One problem
/// is one finding: the advisory and all its aliases (CVE, GHSA, PYSEC, RUSTSEC, GO, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    /// The primary id: the CVE when there is one, else the advisory's own id.
    pub id: String,
    /// Every other id of the same problem, sorted.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// [`Package::id`] of the affected package in the same result.
    pub package: String,
    pub package_name: String,
    pub installed_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Versions that fix it, nearest above the installed one first.
    #[serde(default)]
    pub fixed_versions: Vec<String>,
    pub severity: crate::Severity,
    /// Where the severity came from: `cvss_v3`, `cvss_v4`, `advisory`, `cvss_v2` or `none`.
    pub severity_source: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<Cvss>,
    /// Listed in CISA's Known Exploited Vulnerabilities catalogue.
    #[serde(default)]
    pub kev: bool,
    /// Set for advisories that are notices rather than vulnerabilities (RustSec `unmaintained`,
    /// `unsound`, `notice`): reported like cargo-audit's warnings, not counted by `--exit-code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// The file and lines of the package.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<crate::Location>,
    /// Images: the layer that added the affected package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<crate::LayerRef>,
    /// `fixed` when a fixed version exists, `affected` when the vendor has none yet, or a
    /// distro state (`will_not_fix`, `fix_deferred`, `end_of_life`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Set when a filter hid the finding (only kept when the user asks to see suppressed ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// A failed configuration check (filled by the misconfiguration scanner): a built-in check of
/// `rampart-misconfig` (stable `RMP-...` id) or a user's Rego policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Misconfiguration {
    /// The check id (`RMP-K8S-0001`), or a custom policy's id (its `__rego_metadata__` id, else
    /// `<package>.<rule>`).
    pub id: String,
    pub severity: crate::Severity,
    /// The same check's ids in other tools (`KSV-0017`, `CKV_K8S_16`, `DS-0002`), so ignore
    /// files written for them keep working.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub title: String,
    /// What is wrong with this resource, in one sentence.
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resolution: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The kind of configuration: `kubernetes`, `dockerfile`, `terraform`, `terraform-plan`,
    /// `cloudformation`, `image-config`.
    pub config_type: String,
    /// The cloud service or area (`s3`, `iam`, `pod-security`, `rbac`), when the check has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The resource the finding is about (`Deployment/default/web`, `aws_s3_bucket.data`,
    /// `DataBucket`, `stage 0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// 1-based lines in the result's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// The lines `start_line..=end_line` (capped), for the table's snippet and SARIF.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<CodeLine>,
    /// Framework controls this check maps to (`pss-baseline/host-namespaces`, `cis-aws-2.0/2.1.1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    /// `builtin`, or the policy file of a custom Rego rule.
    #[serde(default = "builtin_source", skip_serializing_if = "is_builtin")]
    pub source: String,
    /// Rego `warn` rules and built-in checks marked advisory: reported, not counted by `--exit-code`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
    /// Images: the layer whose history line the finding is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<crate::LayerRef>,
    /// Set when a filter hid the finding (only kept when the user asks to see suppressed ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

fn builtin_source() -> String {
    "builtin".into()
}

fn is_builtin(s: &str) -> bool {
    s == "builtin"
}

/// One line of a finding's snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeLine {
    pub number: u32,
    pub content: String,
}

/// A secret found in a file (filled by the secret scanner); never holds the secret in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Secret {
    /// The rule that found it (`aws-access-key-id`, `github-pat-classic`, or a custom rule's id).
    pub rule_id: String,
    pub severity: crate::Severity,
    pub title: String,
    /// 1-based lines of the secret in the result's file.
    pub start_line: u32,
    pub end_line: u32,
    /// The secret with all but (at most) its first 4 characters masked: `AKIA****************`.
    pub redacted: String,
    /// The secret's line, with every secret in it masked (long lines cut).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub snippet: String,
    /// Images: the layer that holds the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<crate::LayerRef>,
    /// Images: the file is not in the final filesystem (a later layer deleted or replaced it),
    /// yet it still ships in the image.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// Git history: the commit that introduced the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<Commit>,
    /// Set when a filter hid the finding (only kept when the user asks to see suppressed ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// A git commit (secrets found in history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// Full hex id.
    pub id: String,
    /// `Name <email>`.
    pub author: String,
    /// Author date, RFC 3339 (UTC).
    pub date: String,
    /// First line of the message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
}
