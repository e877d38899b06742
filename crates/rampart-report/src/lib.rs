//! Renderers: they only read a [`Report`], never scan.

use std::io::Write;

use rampart_model::Report;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    CycloneDx,
    SpdxJson,
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
}

/// Writes `report` in `format`.
pub fn render(
    report: &Report,
    format: Format,
    _options: &RenderOptions,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            out.write_all(b"\n")?;
            Ok(())
        }
        other => Err(RenderError::Unsupported(other)),
    }
}
