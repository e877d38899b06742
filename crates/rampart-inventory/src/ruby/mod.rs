//! Ruby analyzers: Bundler lockfiles and installed gemspecs.

use crate::Analyzer;

mod gemfile_lock;
mod gemspec;

pub use gemfile_lock::GemfileLock;
pub use gemspec::Gemspec;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(GemfileLock), Box::new(Gemspec)]
}
