//! rust analyzers.

use crate::Analyzer;

mod cargo_auditable;
mod cargo_lock;

pub use cargo_auditable::CargoAuditable;
pub(crate) use cargo_auditable::is_executable_format;
pub use cargo_lock::CargoLock;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(CargoLock), Box::new(CargoAuditable)]
}
