//! `rampart db update` against a real HTTP server on loopback (Python's `http.server`, which
//! answers `If-Modified-Since` with 304) serving the real advisory exports laid out like osv.dev.
//! No test reaches the internet.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::util::{Dir, rampart, shared_dir};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path) -> Server {
    let mut child = Command::new("python3")
        .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 http.server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
    let port = line.split_whitespace().skip_while(|w| *w != "port").nth(1).and_then(|p| p.parse().ok());
    Server { child, port: port.unwrap_or_else(|| panic!("no port in {line:?}")) }
}

fn update(db: &Path, port: u16) -> (i32, String, String) {
    let out = rampart()
        .args(["db", "update", "--quiet", "--db"])
        .arg(db)
        .args(["--osv-base", &format!("http://127.0.0.1:{port}")])
        .args(["--kev-url", &format!("http://127.0.0.1:{port}/kev.json")])
        .args(["--ecosystems", "crates.io,PyPI"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn status(db: &Path) -> Value {
    let out = rampart().args(["db", "status", "--json", "--db"]).arg(db).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn update_downloads_revalidates_and_survives_a_dead_server() {
    let adv = shared_dir().join("data/advisories");
    let srv = Dir::new();
    std::fs::create_dir_all(srv.path().join("crates.io")).unwrap();
    std::fs::create_dir_all(srv.path().join("PyPI")).unwrap();
    std::fs::copy(adv.join("osv/crates-io.zip"), srv.path().join("crates.io/all.zip")).unwrap();
    std::fs::copy(adv.join("osv/pypi.zip"), srv.path().join("PyPI/all.zip")).unwrap();
    std::fs::copy(adv.join("kev/known_exploited_vulnerabilities.json"), srv.path().join("kev.json")).unwrap();
    let server = serve(srv.path());
    let home = Dir::new();
    let db = home.path().join("db/vulndb.sqlite");

    // First run: everything is downloaded, verified, built.
    let (code, stdout, stderr) = update(&db, server.port);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let meta = status(&db);
    let first = meta["advisories"].as_u64().unwrap();
    assert!(first > 7_000, "{meta}");
    assert_eq!(meta["kev"], 1404);
    assert!(home.path().join("db/feeds/crates.io.zip").is_file());

    // Second run: conditional requests, nothing modified, no rebuild.
    let built = meta["built_at"].clone();
    let (code, stdout, _) = update(&db, server.port);
    assert_eq!(code, 0);
    assert!(stdout.contains("up to date"), "{stdout}");
    assert_eq!(status(&db)["built_at"], built);

    // A feed changes upstream (Go's export served as PyPI's): it is fetched again and the DB rebuilt.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::copy(adv.join("osv/go.zip"), srv.path().join("PyPI/all.zip")).unwrap();
    let (code, stdout, stderr) = update(&db, server.port);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_ne!(status(&db)["advisories"].as_u64().unwrap(), first);

    // The server is gone: the cached, verified copies keep the database usable; exit 3 says so.
    drop(server);
    let (code, _, stderr) = update(&db, 9);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("using the copy downloaded before"), "{stderr}");
    assert!(status(&db)["advisories"].as_u64().unwrap() > 1_000);
}
