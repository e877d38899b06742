//! Renderers: they only read a [`Report`], never scan, never print.
//!
//! - [`Format::Table`]: for people, one section per result (`table.rs`); config files list
//!   their failed checks with snippets;
//! - [`Format::Json`]: the report itself (`json.rs`);
//! - [`Format::CycloneDx`]: CycloneDX 1.6 JSON (`cyclonedx.rs`);
//! - [`Format::SpdxJson`]: SPDX 2.3 JSON (`spdx.rs`);
//! - [`Format::Sarif`]: SARIF 2.1.0 for GitHub code scanning, findings only: vulnerabilities
//!   and misconfigurations (`sarif.rs`).
//!
//! CycloneDX and SPDX are inventories: config files checked for misconfigurations hold no
//! package and are left out of them.

mod common;
mod cyclonedx;
mod json;
mod license;
mod sarif;
mod spdx;
mod table;

use std::io::Write;

use rampart_model::Report;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    CycloneDx,
    SpdxJson,
    Sarif,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("writing the report: {0}")]
    Io(#[from] std::io::Error),
    #[error("serialising the report: {0}")]
    Json(#[from] serde_json::Error),
    #[error("format {0:?} is not available yet")]
    Unsupported(Format),
}

/// Options that affect rendering.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use colours / terminal width (table only).
    pub color: bool,
    /// Table only: leave out the package lists and the results without findings (the view after
    /// a vulnerability scan; the summary still counts every package).
    pub hide_packages: bool,
}

/// Writes `report` in `format`.
pub fn render(
    report: &Report,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    match format {
        Format::Table => table::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::CycloneDx => cyclonedx::render(report, options, out),
        Format::SpdxJson => spdx::render(report, options, out),
        Format::Sarif => sarif::render(report, options, out),
    }
}
