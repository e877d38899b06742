//! golang analyzers.

use crate::Analyzer;

mod go_binary;
mod go_mod;

pub use go_binary::GoBinary;
pub use go_mod::GoMod;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(GoMod), Box::new(GoBinary)]
}
