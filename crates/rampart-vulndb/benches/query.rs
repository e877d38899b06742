//! `VulnDb::matches` per package, on a database built from the whole advisory
//! pack (every `osv/*.zip` + the KEV catalogue in
//! `<workspace>/../shared/data/advisories`).
//!
//! Run with `cargo bench -p rampart-vulndb`. The database is kept at
//! `$RAMPART_VULNDB` (default `target/rampart-vulndb/pack.db`); when missing it
//! is built first and the build time, size and counts are printed.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use rampart_vulndb::{BuildOptions, VulnDb, build};

fn main() {
    let _ = db_path();
    divan::main();
}

fn data_dir() -> PathBuf {
    const REL: &str = "shared/data/advisories";
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = workspace
        .ancestors()
        .skip(1)
        .map(|d| d.join(REL))
        .find(|p| p.join("osv").is_dir())
        .unwrap_or_else(|| workspace.join("..").join(REL));
    assert!(dir.join("osv").is_dir(), "advisory data pack missing at {}", dir.display());
    dir
}

fn db_path() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let path = std::env::var_os("RAMPART_VULNDB").map(PathBuf::from).unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/rampart-vulndb/pack.db")
        });
        if !path.is_file() {
            let data = data_dir();
            let mut inputs: Vec<PathBuf> = std::fs::read_dir(data.join("osv"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "zip"))
                .collect();
            inputs.sort();
            inputs.push(data.join("kev/known_exploited_vulnerabilities.json"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let s = build(&inputs, &path, &BuildOptions::default(), |_| {}).expect("build");
            eprintln!(
                "built {} in {:.1?}: {} bytes, {} advisories, {} problems, {} affected rows, {} KEV, \
                 versions[] {} listed / {} stored, {} unreadable records",
                path.display(),
                s.elapsed,
                s.bytes,
                s.advisories,
                s.problems,
                s.affected_rows,
                s.kev,
                s.versions_listed,
                s.versions_stored,
                s.errors.len()
            );
            for src in &s.sources {
                eprintln!("  {src:?}");
            }
        }
        path
    })
}

fn db() -> VulnDb {
    VulnDb::open(db_path()).expect("open")
}

const QUERIES: &[(&str, &str, &str)] = &[
    ("PyPI", "django", "3.2"),
    ("PyPI", "requests", "2.19.1"),
    ("PyPI", "no-such-package", "1.0"),
    ("crates.io", "smallvec", "1.6.0"),
    ("Go", "stdlib", "go1.20"),
    ("Go", "golang.org/x/net", "v0.6.0"),
    ("AlmaLinux:9", "openssl", "1:3.0.7-6.el9_2"),
    ("Alpaquita:stream", "openssl", "3.0.12-r4"),
];

#[divan::bench(args = QUERIES.iter().map(|q| format!("{}/{}@{}", q.0, q.1, q.2)))]
fn matches(bencher: Bencher, query: &str) {
    let (eco, rest) = query.split_once('/').unwrap();
    let (name, version) = rest.rsplit_once('@').unwrap();
    let db = db();
    bencher.bench_local(|| db.matches(black_box(eco), black_box(name), black_box(version)).unwrap());
}

#[divan::bench]
fn open_and_metadata() -> u64 {
    db().metadata().unwrap().advisory_count
}
