use rampart_model::Ecosystem;

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo};

pub(crate) struct RpmDb;

impl Analyzer for RpmDb {
    fn name(&self) -> &'static str {
        "rpmdb"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::RedHat
    }
    fn accepts(&self, _file: &FileInfo<'_>) -> bool {
        false
    }
    fn analyze(&self, _input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        Ok(Analysis::default())
    }
}
