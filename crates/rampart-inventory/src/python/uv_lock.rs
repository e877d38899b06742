//! stub
use rampart_model::Ecosystem;
use crate::{AnalyzeError, Analysis, Analyzer, AnalyzerInput, FileInfo};
pub(crate) struct UvLock;
impl Analyzer for UvLock {
    fn name(&self) -> &'static str { "uv_lock" }
    fn ecosystem(&self) -> Ecosystem { Ecosystem::PyPI }
    fn accepts(&self, _file: &FileInfo<'_>) -> bool { false }
    fn analyze(&self, _input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> { Ok(Analysis::default()) }
}
