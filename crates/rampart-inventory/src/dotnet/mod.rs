//! .NET analyzers: NuGet lock files, `packages.config` and the `*.deps.json` of built apps.

use crate::Analyzer;

mod deps_json;
mod packages_config;
mod packages_lock;

pub use deps_json::DepsJson;
pub use packages_config::PackagesConfig;
pub use packages_lock::PackagesLock;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(PackagesLock), Box::new(DepsJson), Box::new(PackagesConfig)]
}
