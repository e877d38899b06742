//! Feeds arbitrary bytes to every package analyzer (the first byte picks the analyzer, the rest is
//! the file). Any panic is a bug: analyzers must turn hostile input into errors or warnings.
//!
//! Run: `cd crates/rampart-inventory/fuzz && cargo fuzz run -s none analyzers` (stable toolchain).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_inventory::{AnalyzerInput, FileInfo, NoFiles, analyzers};

/// A file name each analyzer accepts (the first one that matches is used).
const PATHS: &[&str] = &[
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "node_modules/x/package.json",
    "requirements.txt",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "x-1.0.dist-info/METADATA",
    "x-1.0.egg-info/PKG-INFO",
    "Cargo.lock",
    "go.mod",
    "pom.xml",
    "gradle.lockfile",
    "app.jar",
    "Gemfile.lock",
    "specifications/x-1.0.gemspec",
    "composer.lock",
    "vendor/composer/installed.json",
    "packages.lock.json",
    "app.deps.json",
    "packages.config",
    "bin/app",
    "var/lib/dpkg/status",
    "var/lib/dpkg/info/x.list",
    "lib/apk/db/installed",
    "var/lib/rpm/Packages",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else { return };
    let all = analyzers();
    if all.is_empty() {
        return;
    }
    let analyzer = &all[usize::from(pick) % all.len()];
    for path in PATHS {
        for executable in [false, true] {
            let file = FileInfo::new(path, content.len() as u64, executable);
            if analyzer.accepts(&file) {
                let _ = analyzer.analyze(&AnalyzerInput { file, content, source: &NoFiles });
                return;
            }
        }
    }
});
