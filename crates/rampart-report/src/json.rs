//! The JSON report: the [`Report`] as it is (schema in `docs/report-schema.md`).

use std::io::Write;

use rampart_model::Report;

use crate::RenderError;

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), RenderError> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")?;
    Ok(())
}
