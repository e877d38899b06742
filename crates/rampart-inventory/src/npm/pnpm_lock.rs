use rampart_model::Ecosystem;

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo};

pub struct PnpmLock;

impl Analyzer for PnpmLock {
    fn name(&self) -> &'static str {
        "pnpm-lock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn accepts(&self, _file: &FileInfo<'_>) -> bool {
        false
    }
    fn analyze(&self, _input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        Ok(Analysis::default())
    }
}
