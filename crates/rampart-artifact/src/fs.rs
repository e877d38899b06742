use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};
use rampart_inventory::{FileInfo, FileSource};
use rampart_model::{Diagnostic, DiagnosticCode};

use crate::{ArtifactError, Entry};

/// How to walk a directory tree.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Globs of directories to skip, matched against the path relative to the root
    /// (`**/test`, `vendor/legacy`). A bare name (`testdata`) matches at any depth.
    pub skip_dirs: Vec<String>,
    /// Globs of files to skip, same rules.
    pub skip_files: Vec<String>,
    /// Worker threads (0 = one per core).
    pub threads: usize,
}

/// A directory tree on local disk (or a single file).
#[derive(Debug)]
pub struct FsArtifact {
    root: PathBuf,
    /// `root` with symlinks resolved, once: reads are checked against it.
    canonical_root: PathBuf,
    /// When the target is a single file: its path relative to `root`.
    single: Option<String>,
    skip_dirs: GlobSet,
    skip_files: GlobSet,
    threads: usize,
}

/// What a walk produced.
#[derive(Debug, Default)]
pub struct Walked {
    pub entries: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files seen (kept or not).
    pub files_seen: u64,
}

fn globset(flag: &'static str, globs: &[String]) -> Result<GlobSet, ArtifactError> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let g = g.trim_end_matches('/');
        // A pattern without a slash matches the name at any depth, like Trivy's --skip-dirs.
        let pattern = if g.contains('/') || g.starts_with("**") { g.to_string() } else { format!("**/{g}") };
        let glob = Glob::new(&pattern).map_err(|source| ArtifactError::Glob {
            flag,
            glob: g.to_string(),
            source,
        })?;
        b.add(glob);
    }
    b.build().map_err(|source| ArtifactError::Glob { flag, glob: globs.join(","), source })
}

fn rel_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(&s.to_string_lossy());
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    true
}

impl FsArtifact {
    pub fn new(path: impl AsRef<Path>, options: &WalkOptions) -> Result<Self, ArtifactError> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path)
            .map_err(|source| ArtifactError::Root { path: path.to_path_buf(), source })?;
        let (root, single) = if meta.is_file() {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (parent.to_path_buf(), Some(name))
        } else {
            (path.to_path_buf(), None)
        };
        let canonical_root =
            root.canonicalize().map_err(|source| ArtifactError::Root { path: root.clone(), source })?;
        Ok(FsArtifact {
            root,
            canonical_root,
            single,
            skip_dirs: globset("--skip-dirs", &options.skip_dirs)?,
            skip_files: globset("--skip-files", &options.skip_files)?,
            threads: options.threads,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Walks the tree in parallel and keeps the files `want` accepts. Symlinks are not
    /// followed; `.git` directories are skipped. `on_file` is called for every regular file
    /// seen (for progress).
    pub fn walk(
        &self,
        want: &(dyn Fn(&FileInfo<'_>) -> bool + Sync),
        on_file: &(dyn Fn(u64) + Sync),
    ) -> Walked {
        if let Some(name) = &self.single {
            let full = self.root.join(name);
            let mut walked = Walked { files_seen: 1, ..Walked::default() };
            match std::fs::metadata(&full) {
                Ok(meta) => {
                    let info = FileInfo::new(name, meta.len(), is_executable(&meta));
                    if want(&info) {
                        walked.entries.push(Entry {
                            path: name.clone(),
                            size: meta.len(),
                            executable: info.executable,
                        });
                    }
                }
                Err(e) => walked.diagnostics.push(Diagnostic::warning(
                    DiagnosticCode::ReadError,
                    name.clone(),
                    e.to_string(),
                )),
            }
            on_file(1);
            return walked;
        }

        let entries = Mutex::new(Vec::new());
        let diagnostics = Mutex::new(Vec::new());
        let seen = AtomicU64::new(0);
        let walker = WalkBuilder::new(&self.root)
            .standard_filters(false)
            .follow_links(false)
            .same_file_system(false)
            .threads(self.threads)
            .build_parallel();
        walker.run(|| {
            Box::new(|result| {
                let dent = match result {
                    Ok(d) => d,
                    Err(err) => {
                        let path = match &err {
                            ignore::Error::WithPath { path, .. } => {
                                rel_path(&self.root, path).unwrap_or_else(|| path.display().to_string())
                            }
                            _ => String::new(),
                        };
                        diagnostics.lock().expect("poisoned").push(Diagnostic::warning(
                            DiagnosticCode::ReadError,
                            path,
                            err.to_string(),
                        ));
                        return WalkState::Continue;
                    }
                };
                let Some(ft) = dent.file_type() else { return WalkState::Continue };
                let Some(rel) = rel_path(&self.root, dent.path()) else { return WalkState::Continue };
                if ft.is_dir() {
                    if rel.is_empty() {
                        return WalkState::Continue;
                    }
                    if dent.file_name() == ".git" || self.skip_dirs.is_match(&rel) {
                        return WalkState::Skip;
                    }
                    return WalkState::Continue;
                }
                if !ft.is_file() {
                    return WalkState::Continue; // symlinks, sockets, devices: never followed
                }
                let n = seen.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_multiple_of(256) {
                    on_file(n);
                }
                if self.skip_files.is_match(&rel) {
                    return WalkState::Continue;
                }
                let meta = match dent.metadata() {
                    Ok(m) => m,
                    Err(e) => {
                        diagnostics.lock().expect("poisoned").push(Diagnostic::warning(
                            DiagnosticCode::ReadError,
                            rel,
                            e.to_string(),
                        ));
                        return WalkState::Continue;
                    }
                };
                let info = FileInfo::new(&rel, meta.len(), is_executable(&meta));
                if want(&info) {
                    let executable = info.executable;
                    entries.lock().expect("poisoned").push(Entry { path: rel, size: meta.len(), executable });
                }
                WalkState::Continue
            })
        });
        let files_seen = seen.load(Ordering::Relaxed);
        on_file(files_seen);
        let mut entries = entries.into_inner().expect("poisoned");
        entries.sort();
        let mut diagnostics = diagnostics.into_inner().expect("poisoned");
        diagnostics.sort();
        Walked { entries, diagnostics, files_seen }
    }

    fn resolve(&self, path: &str) -> io::Result<PathBuf> {
        let mut full = self.root.clone();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    return Err(io::Error::new(
                        io::ErrorKind::PermissionDenied,
                        format!("{path}: path leaves the scan root"),
                    ));
                }
                p => full.push(p),
            }
        }
        Ok(full)
    }
}

impl FsArtifact {
    /// Opens a file by its path relative to the root (`/`-separated), with the checks of
    /// [`FileSource::read`]: no `..`, and no symlink leading out of the root. For readers that
    /// look at a file's head before deciding to read the rest.
    pub fn open(&self, path: &str) -> io::Result<std::fs::File> {
        std::fs::File::open(self.checked(path)?)
    }

    fn checked(&self, path: &str) -> io::Result<PathBuf> {
        let full = self.resolve(path)?;
        // Never follow a symlink that leaves the root.
        let canon = full.canonicalize()?;
        if !canon.starts_with(&self.canonical_root) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{path}: resolves outside the scan root"),
            ));
        }
        Ok(canon)
    }
}

impl FileSource for FsArtifact {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.checked(path)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"x").unwrap();
    }

    fn walk_all(opts: &WalkOptions, root: &Path) -> Vec<String> {
        let a = FsArtifact::new(root, opts).unwrap();
        a.walk(&|_| true, &|_| {}).entries.into_iter().map(|e| e.path).collect()
    }

    #[test]
    fn skips_git_and_globs_but_not_node_modules() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "a/package-lock.json",
            "a/node_modules/x/package.json",
            ".git/config",
            "test/fixtures/Cargo.lock",
            "b/c.lock",
        ] {
            touch(dir.path(), f);
        }
        assert_eq!(
            walk_all(&WalkOptions::default(), dir.path()),
            ["a/node_modules/x/package.json", "a/package-lock.json", "b/c.lock", "test/fixtures/Cargo.lock"]
        );
        let opts =
            WalkOptions { skip_dirs: vec!["test".into()], skip_files: vec!["b/*.lock".into()], threads: 2 };
        assert_eq!(walk_all(&opts, dir.path()), ["a/node_modules/x/package.json", "a/package-lock.json"]);
    }

    #[test]
    fn bad_glob_is_an_error_naming_the_flag() {
        let err = FsArtifact::new(".", &WalkOptions { skip_dirs: vec!["a[".into()], ..Default::default() })
            .unwrap_err();
        assert!(err.to_string().contains("--skip-dirs"), "{err}");
    }

    #[test]
    fn reads_refuse_to_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "in/f");
        let a = FsArtifact::new(dir.path().join("in"), &WalkOptions::default()).unwrap();
        assert!(a.read("f").is_ok());
        assert!(a.read("../in/f").is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("in/link")).unwrap();
            assert!(a.read("link").is_err());
        }
    }

    #[test]
    fn a_single_file_is_a_target() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "Cargo.lock");
        assert_eq!(walk_all(&WalkOptions::default(), &dir.path().join("Cargo.lock")), ["Cargo.lock"]);
    }
}
