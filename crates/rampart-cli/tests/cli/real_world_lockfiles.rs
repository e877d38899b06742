//! Robustness and correctness on a large corpus of real lockfiles written by the real package
//! managers: the parser fixtures of osv-scalibr (Apache-2.0), shipped in
//! `../shared/data/advisories/fixtures/osv-scalibr-extractors.zip` and unpacked here at test time
//! (never copied into this repository). Each fixture is placed under the file name its format uses,
//! then the whole tree is scanned once.
//!
//! What must hold: no crash, a valid report, every file that is not the format at all (`not-json`,
//! `not-toml`, ...) named in a RMP-W001 diagnostic, and exact packages for a sample of fixtures.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::util::{Dir, fs_json, shared_dir};

/// Fixture folder (under `extractor/filesystem/language/`) → the file name the format uses.
const FORMATS: &[(&str, &str)] = &[
    ("javascript/packagelockjson/testdata", "package-lock.json"),
    ("javascript/yarnlock/testdata", "yarn.lock"),
    ("javascript/pnpmlock/testdata", "pnpm-lock.yaml"),
    ("python/requirements/testdata", "requirements.txt"),
    ("python/poetrylock/testdata", "poetry.lock"),
    ("python/pipfilelock/testdata", "Pipfile.lock"),
    ("python/uvlock/testdata", "uv.lock"),
    ("python/pdmlock/testdata", "pdm.lock"),
    ("rust/cargolock/testdata", "Cargo.lock"),
    ("golang/gomod/testdata", "go.mod"),
    ("java/pomxml/testdata", "pom.xml"),
    ("java/gradlelockfile/testdata", "gradle.lockfile"),
    ("ruby/gemfilelock/testdata", "Gemfile.lock"),
    ("php/composerlock/testdata", "composer.lock"),
    ("dotnet/depsjson/testdata", "app.deps.json"),
    ("dotnet/packagesconfig/testdata", "packages.config"),
];

const PREFIX: &str = "extractor/filesystem/language/";

/// Unpacks the corpus into `dir`: `<format-folder>/<fixture>/<canonical name>`.
fn unpack(dir: &Path) -> usize {
    let zip_path = shared_dir().join("data/advisories/fixtures/osv-scalibr-extractors.zip");
    let file = std::fs::File::open(&zip_path).unwrap_or_else(|e| panic!("{}: {e}", zip_path.display()));
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut written = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_string();
        let Some(rel) = name.split_once(PREFIX).map(|(_, r)| r) else { continue };
        for (folder, canonical) in FORMATS {
            let Some(fixture) = rel.strip_prefix(folder).and_then(|r| r.strip_prefix('/')) else { continue };
            // Only direct children: nested folders are other tests' trees.
            let fixture = fixture.replace('/', "__");
            let out = dir.join(folder).join(&fixture).join(canonical);
            std::fs::create_dir_all(out.parent().unwrap()).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("read entry");
            std::fs::write(out, bytes).unwrap();
            written += 1;
        }
    }
    written
}

fn packages_of<'a>(report: &'a Value, path: &str) -> Vec<&'a Value> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["target"] == path)
        .flat_map(|r| r["packages"].as_array().unwrap())
        .collect()
}

fn nv(packages: &[&Value]) -> Vec<(String, String)> {
    let mut v: Vec<_> = packages
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p["version"].as_str().unwrap().to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn real_world_lockfiles_never_crash_and_parse_exactly() {
    let dir = Dir::new();
    let written = unpack(dir.path());
    assert!(written > 150, "only {written} fixtures unpacked");
    let (code, report, out) = fs_json(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(code == 0 || code == 3, "exit {code}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // Files that are not the format at all are named in a parse-error diagnostic.
    let diags = report["diagnostics"].as_array().unwrap();
    for (folder, canonical) in FORMATS {
        for bad in ["not-json.txt", "not-toml.txt", "not-yaml.txt", "not-go-mod.mod"] {
            let path = format!("{folder}/{bad}/{canonical}");
            if dir.path().join(&path).exists() {
                assert!(
                    diags.iter().any(|d| d["path"] == path.as_str() && d["code"] == "RMP-W001"),
                    "no RMP-W001 for {path}; diagnostics: {diags:#?}"
                );
            }
        }
    }

    let expect = |path: &str, want: &[(&str, &str)]| {
        let got = nv(&packages_of(&report, path));
        let want: Vec<(String, String)> = want.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        assert_eq!(got, want, "{path}");
    };
    expect("javascript/yarnlock/testdata/one-package.v2.lock/yarn.lock", &[("balanced-match", "1.0.2")]);
    expect("javascript/pnpmlock/testdata/one-package-dev.v9.yaml/pnpm-lock.yaml", &[("acorn", "8.11.3")]);
    expect("ruby/gemfilelock/testdata/one-gem.lock/Gemfile.lock", &[("ast", "2.4.2")]);
    expect("python/pipfilelock/testdata/one-package-dev.json/Pipfile.lock", &[("markupsafe", "2.1.1")]);
    expect("rust/cargolock/testdata/one-package.lock/Cargo.lock", &[("addr2line", "0.15.2")]);
    expect("php/composerlock/testdata/one-package-dev.json/composer.lock", &[("sentry/sdk", "2.0.4")]);
    expect(
        "java/gradlelockfile/testdata/one-pkg/gradle.lockfile",
        &[("org.springframework.security:spring-security-crypto", "5.7.3")],
    );
    let gomod = nv(&packages_of(&report, "golang/gomod/testdata/one-package.mod/go.mod"));
    assert!(gomod.contains(&("github.com/BurntSushi/toml".into(), "v1.0.0".into())), "{gomod:?}");

    // Dev flags where the format says so.
    let dev = |path: &str| packages_of(&report, path).iter().all(|p| p["dev"] == true);
    assert!(dev("javascript/pnpmlock/testdata/one-package-dev.v9.yaml/pnpm-lock.yaml"));
    assert!(dev("python/pipfilelock/testdata/one-package-dev.json/Pipfile.lock"));
    assert!(dev("php/composerlock/testdata/one-package-dev.json/composer.lock"));

    let total: usize =
        report["results"].as_array().unwrap().iter().map(|r| r["packages"].as_array().unwrap().len()).sum();
    assert!(total > 500, "only {total} packages from the whole corpus");
}
