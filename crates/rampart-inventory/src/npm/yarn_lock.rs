use rampart_model::Ecosystem;

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo};

pub struct YarnLock;

impl Analyzer for YarnLock {
    fn name(&self) -> &'static str {
        "yarn-lock"
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
