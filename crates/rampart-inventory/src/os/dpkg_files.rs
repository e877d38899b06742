//! The files dpkg installed: `var/lib/dpkg/info/*.list` (one absolute path a line, directories
//! included) and, in distroless images, `var/lib/dpkg/status.d/*.md5sums` (`<md5>  <path>`).
//!
//! Reports no packages, only [`crate::Analysis::installed_files`]: paths without the leading
//! `/`. Directories are left out the way dpkg lists them — an entry immediately followed by an
//! entry below it is a directory — and so is `/.`. Lines that are not paths are skipped.

use rampart_model::Ecosystem;

use super::{DPKG_GROUP, ends_with_path};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, Grouping, utf8};

pub(crate) struct DpkgFiles;

impl Analyzer for DpkgFiles {
    fn name(&self) -> &'static str {
        "dpkg-files"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Debian
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        let dir = file.dir();
        (file.file_name.ends_with(".list") && ends_with_path(dir, "var/lib/dpkg/info"))
            || (file.file_name.ends_with(".md5sums") && ends_with_path(dir, "var/lib/dpkg/status.d"))
    }

    fn grouping(&self) -> Grouping {
        Grouping::Aggregate(DPKG_GROUP)
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = utf8(input.content)?;
        let md5sums = input.file.file_name.ends_with(".md5sums");
        Ok(Analysis { installed_files: installed_files(text, md5sums), ..Analysis::default() })
    }
}

/// The file paths of a `.list` (or, with `md5sums`, a `.md5sums`) file, directories left out.
pub(crate) fn installed_files(text: &str, md5sums: bool) -> Vec<String> {
    let paths = text.lines().filter_map(|line| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let path = if md5sums { line.split_once("  ").map(|(_, p)| p)? } else { line };
        let path = path.trim_start_matches('/');
        (!path.is_empty() && path != ".").then_some(path)
    });
    let mut out: Vec<String> = Vec::new();
    let mut previous: Option<&str> = None;
    for path in paths {
        if let Some(prev) = previous
            && !(path.len() > prev.len()
                && path.starts_with(prev)
                && path.as_bytes().get(prev.len()) == Some(&b'/'))
        {
            out.push(prev.to_string());
        }
        previous = Some(path);
    }
    if let Some(prev) = previous {
        out.push(prev.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::never_panics_with;
    use crate::testing::{MemFiles, run};

    /// `var/lib/dpkg/info/python3-yaml.list` of the `debian12-layered` image.
    const LIST: &[u8] = include_bytes!("../../fixtures/os/dpkg/info/python3-yaml.list");
    const MD5SUMS: &[u8] = include_bytes!("../../fixtures/os/dpkg/status.d/foo.md5sums");

    #[test]
    fn list_files_without_directories() {
        let a = run(&DpkgFiles, "var/lib/dpkg/info/python3-yaml.list", LIST, &MemFiles(vec![])).unwrap();
        assert!(a.packages.is_empty());
        assert!(
            a.installed_files
                .contains(&"usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA".to_string())
        );
        assert!(!a.installed_files.iter().any(|f| f == "usr/lib/python3/dist-packages" || f == "usr"));
        assert!(a.installed_files.iter().all(|f| !f.starts_with('/')));
        assert_eq!(a.installed_files.len(), EXPECTED_FILES);
    }

    /// `grep -c` of the lines of the fixture that are not directories (counted with
    /// `while read f; do [ -d "$root$f" ] || echo; done`).
    const EXPECTED_FILES: usize = include!("../../fixtures/os/dpkg/info/python3-yaml.files-count");

    #[test]
    fn md5sums_give_paths() {
        let a = run(&DpkgFiles, "var/lib/dpkg/status.d/foo.md5sums", MD5SUMS, &MemFiles(vec![])).unwrap();
        assert_eq!(a.installed_files.first().map(String::as_str), Some("usr/lib/os-release"));
        assert!(!DpkgFiles.accepts(&FileInfo::new("var/lib/dpkg/info/foo.md5sums", 1, false)));
    }

    #[test]
    fn a_directory_is_recognised_by_its_children_only() {
        assert_eq!(
            installed_files("/.\n/usr\n/usr/bin\n/usr/bin/a\n/usr/binx\n", false),
            ["usr/bin/a", "usr/binx"]
        );
    }

    #[test]
    fn never_panics_on_hostile_input() {
        never_panics_with(LIST, |b| {
            let _ = run(&DpkgFiles, "var/lib/dpkg/info/x.list", b, &MemFiles(vec![]));
        });
    }
}
