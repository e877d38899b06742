//! Matching many packages once the database is open (the issue's "10,000
//! packages well under 100 ms").
//!
//! The database is built from `osv/{pypi,crates-io,go}.zip` + the KEV catalogue
//! of `<workspace>/../shared/data/advisories` into
//! `target/rampart-vulndb/match_10k.db` when missing (`RAMPART_VULNDB_10K`
//! names another database, e.g. one of the whole pack).
//!
//! * `mixed_10k`: 10,000 packages, 1,000 real (ecosystem, name) pairs of the
//!   database with versions taken from their advisories' events, 9,000 names
//!   that are not in the database.
//! * `all_hits_pypi`: every PyPI name of the database × `0.1.0`, `1.0.0`,
//!   `2.0.0`, `3.1.4` (nearly every lookup has advisories).
//!
//! * `os_packages_10k`: distribution packages: a database built from
//!   `osv/{almalinux,alpaquita-bellsoft}.zip` and `licence-unverified/`'s
//!   Debian tracker lists and Alpine secdb (`target/rampart-vulndb/match_os.db`),
//!   10,000 queries `(release ecosystem, name, version)` spread over its
//!   (ecosystem, name) pairs with versions from their advisories' events.
//!
//! Each sample opens a fresh `VulnDb` (so per-database caches start empty)
//! and the open is excluded from the timing.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use rampart_vulndb::{BuildOptions, QueryOptions, VulnDb, build};

fn main() {
    let _ = workloads();
    let _ = os_workload();
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

/// The database at `path`, built from `inputs` (pack-relative) when it is not there yet.
fn cached_db(path: PathBuf, inputs: &[&str]) -> PathBuf {
    if !path.is_file() {
        let data = data_dir();
        let inputs: Vec<PathBuf> = inputs.iter().map(|i| data.join(i)).collect();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let s = build(&inputs, &path, &BuildOptions::default(), |_| {}).expect("build");
        eprintln!(
            "built {} in {:.1?}: {} advisories, {} affected rows",
            path.display(),
            s.elapsed,
            s.advisories,
            s.affected_rows
        );
    }
    path
}

fn db_path() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        // `RAMPART_VULNDB_10K` names another database (e.g. the whole pack).
        let path = std::env::var_os("RAMPART_VULNDB_10K").map(PathBuf::from).unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/rampart-vulndb/match_10k.db")
        });
        cached_db(
            path,
            &["osv/pypi.zip", "osv/crates-io.zip", "osv/go.zip", "kev/known_exploited_vulnerabilities.json"],
        )
    })
}

fn os_db_path() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        cached_db(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/rampart-vulndb/match_os.db"),
            &[
                "osv/almalinux.zip",
                "osv/alpaquita-bellsoft.zip",
                "licence-unverified/debian-security-tracker.zip",
                "licence-unverified/alpine-secdb.zip",
            ],
        )
    })
}

type Query = (String, String, String);

/// A version an advisory of the row names: an introduced version (affected),
/// else a last_affected one, else a fixed one.
fn version_of(ranges: &Option<String>) -> String {
    let parsed: Vec<Vec<String>> =
        ranges.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
    let events: Vec<&String> = parsed.iter().flat_map(|r| r.iter().skip(1)).collect();
    for tag in ['i', 'l', 'f'] {
        if let Some(e) = events.iter().find(|e| e.starts_with(tag) && e.as_str() != "i0") {
            return e[1..].to_owned();
        }
    }
    "1.0.0".to_owned()
}

/// Distribution packages: 10,000 queries cycling over the (ecosystem, name)
/// pairs of the OS database, each with a version of one of its rows.
fn os_workload() -> &'static Vec<Query> {
    static W: OnceLock<Vec<Query>> = OnceLock::new();
    W.get_or_init(|| {
        let conn =
            rusqlite::Connection::open_with_flags(os_db_path(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let mut stmt = conn
            .prepare("SELECT ecosystem, name, max(ranges) FROM affected GROUP BY ecosystem, name ORDER BY ecosystem, name")
            .unwrap();
        let rows: Vec<(String, String, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let step = (rows.len() / 10_000).max(1);
        let q: Vec<Query> = rows
            .iter()
            .step_by(step)
            .cycle()
            .take(10_000)
            .map(|(eco, name, ranges)| (eco.clone(), name.clone(), version_of(ranges)))
            .collect();
        eprintln!("os: {} queries over {} (ecosystem, name) pairs", q.len(), rows.len());
        q
    })
}

struct Workloads {
    mixed: Vec<Query>,
    all_hits: Vec<Query>,
}

fn workloads() -> &'static Workloads {
    static W: OnceLock<Workloads> = OnceLock::new();
    W.get_or_init(|| {
        let conn = rusqlite::Connection::open_with_flags(db_path(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
        // One row per (ecosystem, name): its ranges, to pick a version an advisory names.
        let mut stmt = conn
            .prepare("SELECT ecosystem, name, min(ranges) FROM affected GROUP BY ecosystem, name ORDER BY ecosystem, name")
            .unwrap();
        let rows: Vec<(String, String, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let step = (rows.len() / 1000).max(1);
        let mut mixed: Vec<Query> = rows
            .iter()
            .step_by(step)
            .take(1000)
            .map(|(eco, name, ranges)| (eco.clone(), name.clone(), version_of(ranges)))
            .collect();
        let ecos = ["PyPI", "crates.io", "Go"];
        let hits = mixed.len();
        for i in 0..(10_000 - hits) {
            let eco = ecos[i % 3];
            let name = if eco == "Go" {
                format!("example.com/rampart-bench/miss-{i}")
            } else {
                format!("rampart-bench-miss-{i}")
            };
            mixed.push((eco.to_owned(), name, format!("{}.{}.{}", i % 7, i % 13, i % 5)));
        }
        // interleave hits and misses deterministically
        mixed.sort_by_key(|q| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in q.1.bytes() {
                h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
            }
            h
        });
        let mut all_hits = Vec::new();
        for (eco, name, _) in rows.iter().filter(|r| r.0 == "PyPI") {
            for v in ["0.1.0", "1.0.0", "2.0.0", "3.1.4"] {
                all_hits.push((eco.clone(), name.clone(), v.to_owned()));
            }
        }
        eprintln!("mixed: {} queries ({hits} real names); all_hits: {} queries", mixed.len(), all_hits.len());
        Workloads { mixed, all_hits }
    })
}

/// The batch API, as the scanner uses it.
fn run(db: &VulnDb, queries: &[Query]) -> usize {
    let q: Vec<(&str, &str, &str)> =
        queries.iter().map(|(e, n, v)| (e.as_str(), n.as_str(), v.as_str())).collect();
    db.matches_many(&q, QueryOptions { informational: true }).unwrap().iter().map(Vec::len).sum()
}

/// One `matches_with` call per package.
fn run_each(db: &VulnDb, queries: &[Query]) -> usize {
    let mut n = 0;
    for (eco, name, version) in queries {
        n += db.matches_with(eco, name, version, QueryOptions { informational: true }).unwrap().len();
    }
    n
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn mixed_10k(bencher: Bencher) {
    let q = &workloads().mixed;
    bencher.with_inputs(|| VulnDb::open(db_path()).unwrap()).bench_local_refs(|db| run(db, black_box(q)));
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn all_hits_pypi(bencher: Bencher) {
    let q = &workloads().all_hits;
    bencher.with_inputs(|| VulnDb::open(db_path()).unwrap()).bench_local_refs(|db| run(db, black_box(q)));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn os_packages_10k(bencher: Bencher) {
    let q = os_workload();
    bencher.with_inputs(|| VulnDb::open(os_db_path()).unwrap()).bench_local_refs(|db| run(db, black_box(q)));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn mixed_10k_one_call_each(bencher: Bencher) {
    let q = &workloads().mixed;
    bencher
        .with_inputs(|| VulnDb::open(db_path()).unwrap())
        .bench_local_refs(|db| run_each(db, black_box(q)));
}

/// The number of findings of each workload (printed once, to compare runs).
#[divan::bench(sample_count = 1, sample_size = 1)]
fn findings_count() -> (usize, usize) {
    let db = VulnDb::open(db_path()).unwrap();
    let w = workloads();
    let counts = (run(&db, &w.mixed), run(&db, &w.all_hits));
    let os = run(&VulnDb::open(os_db_path()).unwrap(), os_workload());
    eprintln!("findings: os {os}");
    let db = VulnDb::open(db_path()).unwrap();
    assert_eq!(counts, (run_each(&db, &w.mixed), run_each(&db, &w.all_hits)));
    eprintln!("findings: mixed {}, all_hits {}", counts.0, counts.1);
    counts
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn phases() {
    let w = workloads();
    let t = std::time::Instant::now();
    let db = VulnDb::open(db_path()).unwrap();
    let open = t.elapsed();
    let t = std::time::Instant::now();
    db.matches("PyPI", "no-such-thing-x", "1.0").unwrap();
    let first = t.elapsed();
    let misses: Vec<Query> = w.mixed.iter().filter(|q| q.1.contains("rampart-bench-miss")).cloned().collect();
    let t = std::time::Instant::now();
    run(&db, &misses);
    let m = t.elapsed();
    let t = std::time::Instant::now();
    run(&db, &w.mixed);
    let cold = t.elapsed();
    let t = std::time::Instant::now();
    run(&db, &w.mixed);
    let warm = t.elapsed();
    eprintln!(
        "open {open:?}, first lookup {first:?}, {} misses {m:?}, mixed cold {cold:?}, warm {warm:?}",
        misses.len()
    );
}
