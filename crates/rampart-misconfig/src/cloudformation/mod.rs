//! CloudFormation templates (YAML with short intrinsic tags, JSON) read into [`RawResource`]s.

use crate::check::SourceFile;
use crate::terraform::Loaded;

/// Reads every template of `files`.
pub fn load(_files: &[&SourceFile]) -> Loaded {
    Loaded::default()
}
