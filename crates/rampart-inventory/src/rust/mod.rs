//! rust analyzers.

use crate::Analyzer;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    Vec::new()
}
