//! rust analyzers.

use crate::Analyzer;

mod cargo_lock;

pub use cargo_lock::CargoLock;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(CargoLock)]
}
