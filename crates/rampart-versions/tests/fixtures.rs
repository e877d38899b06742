//! Runs every case of osv-scalibr's version-comparison fixtures
//! (`semantic/testdata/<ecosystem>-versions*.txt`, lines `a < b`, `a = b`,
//! `a > b`) through the matching scheme, both ways round.
//!
//! The fixtures are read from the shared zip at test time and never copied
//! into the repository; the test fails if the zip is missing.

use std::cmp::Ordering;
use std::io::Read;
use std::path::PathBuf;

use rampart_versions::Scheme;

const PREFIX: &str = "version-comparison/semantic/testdata/";

/// Cases whose expected answer we deliberately do not reproduce, with the
/// reason. Keep this list small and explained.
const KNOWN_EXCEPTIONS: &[(Scheme, &str, &str)] = &[
    (
        Scheme::Packagist,
        "1.2.3.# = 1.2.3",
        "PHP's own version_compare (php-cli 8.2) returns -1: `#` canonicalises to \
         an empty trailing part, which sorts below nothing; the fixture line follows \
         osv-scalibr's regex emulation, not PHP",
    ),
    (Scheme::Packagist, "1.2.3.# = 1.2.3.1", "PHP's own version_compare (php-cli 8.2) returns -1, as above"),
    (
        Scheme::Alpine,
        "1-ruff2 = 1--ruff1",
        "both malformed; the fixture itself notes apk 2.x and 3.x disagree on this \
         family. osv-scalibr calls them equal while string-ordering other pairs of \
         malformed versions, which is not transitive; we keep a total order (a \
         revision that parsed sorts after one that did not)",
    ),
];

/// `<workspace>/../shared/data/advisories/fixtures/version-comparison.zip`;
/// for a worktree nested deeper (a git worktree one level deeper), the nearest ancestor
/// that has `shared/` beside it.
fn zip_path() -> PathBuf {
    const REL: &str = "shared/data/advisories/fixtures/version-comparison.zip";
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let beside = workspace.join("..").join(REL);
    workspace.ancestors().skip(1).map(|dir| dir.join(REL)).find(|p| p.is_file()).unwrap_or(beside)
}

fn read_fixture(name: &str) -> String {
    let path = zip_path();
    let file = std::fs::File::open(&path)
        .unwrap_or_else(|e| panic!("fixture zip {} is missing: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file).expect("fixture zip is readable");
    let mut entry = archive
        .by_name(&format!("{PREFIX}{name}"))
        .unwrap_or_else(|e| panic!("{name} not in fixture zip: {e}"));
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("fixture is UTF-8");
    text
}

fn expected(op: &str) -> Ordering {
    match op {
        "<" => Ordering::Less,
        "=" => Ordering::Equal,
        ">" => Ordering::Greater,
        other => panic!("unknown comparator {other:?}"),
    }
}

/// Runs one fixture file under one scheme; returns (passed, failures).
fn run(scheme: Scheme, name: &str) -> (usize, Vec<String>) {
    let text = read_fixture(name);
    let mut passed = 0;
    let mut failures = Vec::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with("# ") || line.starts_with("// ") {
            continue;
        }
        let pieces: Vec<&str> = line.split(' ').collect();
        assert_eq!(pieces.len(), 3, "malformed fixture line {line:?} in {name}");
        let (a, op, b) = (pieces[0], pieces[1], pieces[2]);
        let want = expected(op);
        let forward = scheme.compare(a, b);
        let backward = scheme.compare(b, a);
        let ok = matches!((&forward, &backward), (Ok(f), Ok(r)) if *f == want && *r == want.reverse());
        let excepted = KNOWN_EXCEPTIONS.iter().any(|(s, l, _)| *s == scheme && *l == line);
        match (ok, excepted) {
            (true, false) => passed += 1,
            (true, true) => failures
                .push(format!("{name} [{scheme}]: {line:?} is listed as a known exception but now passes")),
            (false, true) => {}
            (false, false) => {
                failures.push(format!("{name} [{scheme}]: {line:?}: got {forward:?} / reversed {backward:?}"))
            }
        }
    }
    (passed, failures)
}

fn check(scheme: Scheme, files: &[&str]) {
    let mut all = Vec::new();
    let mut total_passed = 0;
    for name in files {
        let (passed, failures) = run(scheme, name);
        eprintln!("{scheme} {name}: {passed} passed, {} failed", failures.len());
        total_passed += passed;
        all.extend(failures);
    }
    assert!(total_passed > 0, "no cases ran for {scheme}");
    if !all.is_empty() {
        let shown: Vec<_> = all.iter().take(60).collect();
        panic!(
            "{} {scheme} cases failed (first {}):\n{}",
            all.len(),
            shown.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
        );
    }
}

#[test]
fn npm() {
    check(Scheme::Npm, &["semver-versions.txt"]);
}

#[test]
fn cargo() {
    check(Scheme::Cargo, &["semver-versions.txt"]);
}

#[test]
fn go() {
    check(Scheme::Go, &["semver-versions.txt"]);
}

#[test]
fn pypi() {
    check(Scheme::PyPI, &["pypi-versions.txt", "pypi-versions-generated.txt"]);
}

#[test]
fn maven() {
    check(Scheme::Maven, &["maven-versions.txt", "maven-versions-generated.txt"]);
}

#[test]
fn rubygems() {
    check(Scheme::RubyGems, &["rubygems-versions.txt", "rubygems-versions-generated.txt"]);
}

#[test]
fn packagist() {
    check(Scheme::Packagist, &["packagist-versions.txt", "packagist-versions-generated.txt"]);
}

#[test]
fn nuget() {
    check(Scheme::NuGet, &["nuget-versions.txt"]);
}

#[test]
fn debian() {
    check(Scheme::Debian, &["debian-versions.txt", "debian-versions-generated.txt"]);
}

#[test]
fn alpine() {
    check(Scheme::Alpine, &["alpine-versions.txt", "alpine-versions-generated.txt"]);
}

#[test]
fn rpm() {
    check(Scheme::Rpm, &["redhat-versions.txt"]);
}

#[test]
fn hackage() {
    check(Scheme::Hackage, &["hackage-versions.txt"]);
}

#[test]
fn pub_dart() {
    check(Scheme::Pub, &["pub-versions.txt"]);
}

#[test]
fn cran() {
    check(Scheme::Cran, &["cran-versions.txt", "cran-versions-generated.txt"]);
}
