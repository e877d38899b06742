//! stub
use rampart_model::Ecosystem;
use crate::{AnalyzeError, Analysis, Analyzer, AnalyzerInput, FileInfo};
pub(crate) struct PdmLock;
impl Analyzer for PdmLock {
    fn name(&self) -> &'static str { "pdm_lock" }
    fn ecosystem(&self) -> Ecosystem { Ecosystem::PyPI }
    fn accepts(&self, _file: &FileInfo<'_>) -> bool { false }
    fn analyze(&self, _input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> { Ok(Analysis::default()) }
}
