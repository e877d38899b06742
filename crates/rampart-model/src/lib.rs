//! The report model shared by every Rampart scanner.
//!
//! Every scan — a directory, an image, later a git history or a cloud account — produces one
//! [`Report`]: a list of [`ScanResult`]s, one per file (or layer, or aggregate such as "installed
//! Node.js packages"), each carrying packages, vulnerabilities, misconfigurations and secrets.
//! Renderers and the policy gate only read this type. Libraries never print; they return these
//! values.

mod diagnostic;
mod ecosystem;
mod package;
mod report;
mod severity;

pub use diagnostic::{Diagnostic, DiagnosticCode, Severity as DiagnosticSeverity};
pub use ecosystem::{Ecosystem, OsPackageFormat, UnknownEcosystem};
pub use package::{
    Dependency, LayerRef, Location, Package, PackageBuilder, Relationship, SourcePackage, os_purl,
    package_id, purl,
};
pub use report::{
    ArtifactKind, CodeLine, Commit, Cvss, ImageConfig, ImageLayer, ImageMetadata, Misconfiguration, OsInfo,
    Report, ResultKind, SCHEMA_VERSION, ScanResult, Secret, Suppression, Vulnerability,
};
pub use severity::Severity;
