//! `fetch` against real local HTTP servers on 127.0.0.1 serving the real
//! advisory files from `shared/data/advisories`. Nothing here leaves the
//! machine: every URL is loopback, and a non-loopback `http://` redirect
//! is refused before any connection is made.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rampart_feeds::{
    CachedFeed, Feed, FetchError, FetchOptions, FetchOutcome, FetchProgress, cached, default_feeds, fetch,
    fetch_with_progress,
};
use sha2::{Digest, Sha256};

/// `<workspace>/../shared/data/advisories`; for a worktree nested deeper
/// (a git worktree one level deeper), the nearest ancestor that has `shared/` beside it.
fn advisories() -> PathBuf {
    const REL: &str = "shared/data/advisories";
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let beside = workspace.join("..").join(REL);
    let dir = workspace
        .ancestors()
        .skip(1)
        .map(|d| d.join(REL))
        .find(|p| p.join("osv/crates-io.zip").is_file())
        .unwrap_or(beside);
    assert!(
        dir.join("osv/crates-io.zip").is_file(),
        "the advisory data pack is missing: expected {} (see shared/data/advisories/README.md)",
        dir.display()
    );
    dir
}

fn data(rel: &str) -> Vec<u8> {
    let p = advisories().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sha256(b: &[u8]) -> String {
    Sha256::digest(b).iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Clone)]
struct Served {
    body: Arc<Vec<u8>>,
    etag: Option<String>,
    last_modified: Option<String>,
}

impl Served {
    fn new(body: Vec<u8>, version: &str) -> Self {
        Served {
            etag: Some(format!("\"{}\"", &sha256(&body)[..16])),
            last_modified: Some(format!("Wed, 21 Oct 2015 07:{version}:00 GMT")),
            body: Arc::new(body),
        }
    }
}

/// How the server answers the next requests.
#[derive(Clone, Debug, PartialEq)]
enum Mode {
    Normal,
    /// As `Normal`, but bodies go out with chunked transfer encoding.
    Chunked,
    /// Answer every request with this status and a short text body.
    Status(u16),
    /// 200 with the right length but bytes flipped in the middle.
    Corrupt,
    /// 200, sends half the body, then stalls for this long.
    Slow(Duration),
    /// 302 to this Location.
    Redirect(String),
}

#[derive(Debug, Clone)]
struct Seen {
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
    status: u16,
    body_bytes: usize,
}

struct State {
    files: HashMap<String, Served>,
    mode: Mode,
    seen: Vec<Seen>,
}

/// A tiny_http server on 127.0.0.1:0 with ETag / Last-Modified validators.
struct TestServer {
    base: String,
    state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    fn start(files: &[(&str, Served)]) -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            files: files.iter().map(|(p, s)| (p.to_string(), s.clone())).collect(),
            mode: Mode::Normal,
            seen: Vec::new(),
        }));
        let (srv, st) = (server.clone(), state.clone());
        let thread = std::thread::spawn(move || {
            for req in srv.incoming_requests() {
                handle(req, &st);
            }
        });
        TestServer { base: format!("http://127.0.0.1:{port}"), state, server, thread: Some(thread) }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    fn set_mode(&self, mode: Mode) {
        self.state.lock().unwrap().mode = mode;
    }
    fn set_file(&self, path: &str, served: Served) {
        self.state.lock().unwrap().files.insert(path.to_string(), served);
    }
    fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn header(req: &tiny_http::Request, name: &'static str) -> Option<String> {
    req.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_string())
}

fn handle(req: tiny_http::Request, state: &Mutex<State>) {
    let path = req.url().to_string();
    let inm = header(&req, "If-None-Match");
    let ims = header(&req, "If-Modified-Since");
    let (mode, file) = {
        let st = state.lock().unwrap();
        (st.mode.clone(), st.files.get(&path).cloned())
    };
    let record = |status: u16, body_bytes: usize| {
        state.lock().unwrap().seen.push(Seen {
            if_none_match: inm.clone(),
            if_modified_since: ims.clone(),
            status,
            body_bytes,
        })
    };
    let h = |k: &str, v: &str| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap();
    match mode {
        Mode::Status(code) => {
            record(code, 0);
            let _ = req.respond(tiny_http::Response::from_string("nope").with_status_code(code));
        }
        Mode::Redirect(to) => {
            record(302, 0);
            let _ = req.respond(tiny_http::Response::empty(302).with_header(h("Location", &to)));
        }
        _ => {
            let Some(file) = file else {
                record(404, 0);
                let _ = req.respond(tiny_http::Response::from_string("not found").with_status_code(404));
                return;
            };
            let not_modified = match (&inm, &ims) {
                (Some(inm), _) => file.etag.as_deref() == Some(inm.as_str()),
                (None, Some(ims)) => file.last_modified.as_deref() == Some(ims.as_str()),
                (None, None) => false,
            };
            let mut headers = Vec::new();
            if let Some(e) = &file.etag {
                headers.push(h("ETag", e));
            }
            if let Some(lm) = &file.last_modified {
                headers.push(h("Last-Modified", lm));
            }
            if not_modified && matches!(mode, Mode::Normal | Mode::Chunked) {
                record(304, 0);
                let mut resp = tiny_http::Response::empty(304);
                for hd in headers {
                    resp.add_header(hd);
                }
                let _ = req.respond(resp);
                return;
            }
            let len = file.body.len();
            let reader: Box<dyn Read + Send> = match mode {
                Mode::Corrupt => {
                    let mut b = file.body.to_vec();
                    for x in &mut b[len / 3..len / 3 + 4096.min(len / 3)] {
                        *x ^= 0x5a;
                    }
                    Box::new(std::io::Cursor::new(b))
                }
                Mode::Slow(stall) => {
                    Box::new(std::io::Cursor::new(file.body[..len / 2].to_vec()).chain(Stall(Some(stall))))
                }
                _ => Box::new(std::io::Cursor::new(file.body.to_vec())),
            };
            record(200, len);
            // Content-Length, unless chunked on purpose (tiny_http's default
            // for bodies over 32 KiB).
            let threshold = if mode == Mode::Chunked { 32 * 1024 } else { usize::MAX };
            let resp = tiny_http::Response::new(200.into(), headers, reader, Some(len), None)
                .with_chunked_threshold(threshold);
            let _ = req.respond(resp);
        }
    }
}

/// A reader that sleeps once, then reports end of file.
struct Stall(Option<Duration>);
impl Read for Stall {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        if let Some(d) = self.0.take() {
            std::thread::sleep(d);
        }
        Ok(0)
    }
}

/// A raw TCP server that answers one request with a 200 announcing
/// `announce` bytes (or no Content-Length), sends `body`, then closes the
/// connection — a server killed mid-download.
fn dying_server(body: Vec<u8>, announce: Option<usize>) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let mut req = Vec::new();
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                return;
            }
            req.extend_from_slice(&buf[..n]);
        }
        let mut head = String::from("HTTP/1.1 200 OK\r\nETag: \"dying\"\r\n");
        match announce {
            Some(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
            None => head.push_str("Connection: close\r\n"),
        }
        head.push_str("\r\n");
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(&body);
        let _ = s.flush();
        // Dropping the stream closes the connection.
    });
    (format!("http://127.0.0.1:{port}"), t)
}

fn opts() -> FetchOptions {
    FetchOptions { read_timeout: Duration::from_secs(10), ..FetchOptions::default() }
}

fn no_leftovers(dir: &Path) {
    let stray: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(stray.is_empty(), "temporary files left behind: {stray:?}");
}

/// Downloads `feed` once and returns the cached path and its bytes.
fn prime(feed: &Feed, dir: &Path) -> (PathBuf, Vec<u8>) {
    let out = fetch(feed, dir, &opts()).unwrap();
    assert!(matches!(out, FetchOutcome::Downloaded { .. }), "{out:?}");
    let p = out.path().to_path_buf();
    let b = std::fs::read(&p).unwrap();
    (p, b)
}

fn assert_intact(path: &Path, bytes: &[u8], meta: &CachedFeed, feed: &Feed, dir: &Path) {
    assert!(std::fs::read(path).unwrap() == bytes, "cached file changed");
    assert_eq!(&cached(feed, dir).unwrap().1, meta, "sidecar changed");
    no_leftovers(dir);
}

#[test]
fn downloads_verifies_then_revalidates_then_refetches_a_changed_file() {
    let crates = data("osv/crates-io.zip");
    let go = data("osv/go.zip");
    let server = TestServer::start(&[("/crates.io/all.zip", Served::new(crates.clone(), "28"))]);
    let dir = tempfile::tempdir().unwrap();
    let feed = Feed::new("crates.io", server.url("/crates.io/all.zip"));

    // First fetch: a full download, hashed while streaming.
    let mut events = Vec::new();
    let out = fetch_with_progress(&feed, dir.path(), &opts(), &mut |p| events.push(p)).unwrap();
    let path = dir.path().join("crates.io.zip");
    assert_eq!(
        out,
        FetchOutcome::Downloaded { path: path.clone(), bytes: crates.len() as u64, sha256: sha256(&crates) }
    );
    assert!(std::fs::read(&path).unwrap() == crates);
    assert_eq!(events.last(), Some(&FetchProgress::Verifying { bytes: crates.len() as u64 }));
    assert!(events.contains(&FetchProgress::Receiving {
        received: crates.len() as u64,
        total: Some(crates.len() as u64)
    }));
    let (_, meta) = cached(&feed, dir.path()).unwrap();
    assert_eq!(meta.url, feed.url);
    assert_eq!(meta.sha256, sha256(&crates));
    assert_eq!(meta.etag.as_deref(), Some(&*format!("\"{}\"", &sha256(&crates)[..16])));
    assert_eq!(meta.last_modified.as_deref(), Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    no_leftovers(dir.path());
    // The sidecar is JSON, next to the file.
    let side: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("crates.io.zip.meta")).unwrap()).unwrap();
    assert_eq!(side["bytes"], crates.len());

    // Second fetch: validators sent, 304, nothing transferred.
    let out = fetch(&feed, dir.path(), &opts()).unwrap();
    assert_eq!(out, FetchOutcome::NotModified { path: path.clone() });
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!((seen[0].if_none_match.as_deref(), seen[0].status), (None, 200));
    assert_eq!(seen[1].if_none_match, meta.etag);
    assert_eq!(seen[1].if_modified_since, meta.last_modified);
    assert_eq!((seen[1].status, seen[1].body_bytes), (304, 0));
    assert!(std::fs::read(&path).unwrap() == crates);

    // The file changes upstream (new ETag): downloaded again.
    server.set_file("/crates.io/all.zip", Served::new(go.clone(), "29"));
    let out = fetch(&feed, dir.path(), &opts()).unwrap();
    assert_eq!(
        out,
        FetchOutcome::Downloaded { path: path.clone(), bytes: go.len() as u64, sha256: sha256(&go) }
    );
    assert!(std::fs::read(&path).unwrap() == go);
    let seen = server.seen();
    assert_eq!(seen[2].if_none_match, meta.etag);
    assert_eq!(seen[2].status, 200);
    let (_, meta2) = cached(&feed, dir.path()).unwrap();
    assert_ne!(meta2.etag, meta.etag);
    assert_eq!(meta2.sha256, sha256(&go));
    assert_eq!(fetch(&feed, dir.path(), &opts()).unwrap(), FetchOutcome::NotModified { path });
}

#[test]
fn kev_json_is_fetched_and_verified_and_the_default_feed_layout_is_served() {
    let kev = data("kev/known_exploited_vulnerabilities.json");
    let server = TestServer::start(&[
        ("/crates.io/all.zip", Served::new(data("osv/crates-io.zip"), "1")),
        ("/Go/all.zip", Served::new(data("osv/go.zip"), "1")),
        ("/kev/known_exploited_vulnerabilities.json", Served::new(kev.clone(), "1")),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let feeds = default_feeds(
        &server.base,
        &server.url("/kev/known_exploited_vulnerabilities.json"),
        &["crates.io", "Go"],
    );
    let names: Vec<_> = feeds
        .iter()
        .map(|f| fetch(f, dir.path(), &opts()).unwrap())
        .map(|o| o.path().file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["crates.io.zip", "Go.zip", "kev.json"]);
    assert!(std::fs::read(dir.path().join("kev.json")).unwrap() == kev);
    for f in &feeds {
        assert!(matches!(fetch(f, dir.path(), &opts()).unwrap(), FetchOutcome::NotModified { .. }));
    }

    // A new version sent with chunked transfer encoding.
    let kev_feed = &feeds[2];
    let mut kev2 = kev.clone();
    kev2.extend_from_slice(b"\n\n");
    server.set_file("/kev/known_exploited_vulnerabilities.json", Served::new(kev2.clone(), "2"));
    server.set_mode(Mode::Chunked);
    let mut totals = Vec::new();
    let out = fetch_with_progress(kev_feed, dir.path(), &opts(), &mut |p| {
        if let FetchProgress::Receiving { total, .. } = p {
            totals.push(total)
        }
    })
    .unwrap();
    assert!(totals.iter().all(Option::is_none), "expected no Content-Length: {totals:?}");
    assert_eq!(
        out,
        FetchOutcome::Downloaded { path: out.path().into(), bytes: kev2.len() as u64, sha256: sha256(&kev2) }
    );
    assert!(matches!(fetch(kev_feed, dir.path(), &opts()).unwrap(), FetchOutcome::NotModified { .. }));

    // A truncated JSON body does not parse: refused.
    let (path, bytes) = (dir.path().join("kev.json"), kev2.clone());
    let (_, meta) = cached(kev_feed, dir.path()).unwrap();
    let mut cut = kev.clone();
    cut.truncate(kev.len() / 2);
    server.set_file("/kev/known_exploited_vulnerabilities.json", Served::new(cut, "3"));
    let err = fetch(kev_feed, dir.path(), &opts()).unwrap_err();
    assert!(matches!(err, FetchError::Invalid { .. }), "{err}");
    assert!(err.to_string().contains("JSON"), "{err}");
    assert_intact(&path, &bytes, &meta, kev_feed, dir.path());
}

#[test]
fn a_corrupt_zip_is_refused_and_the_old_file_kept() {
    let crates = data("osv/crates-io.zip");
    let server = TestServer::start(&[("/crates.io/all.zip", Served::new(crates.clone(), "1"))]);
    let dir = tempfile::tempdir().unwrap();
    let feed = Feed::new("crates.io", server.url("/crates.io/all.zip"));
    let (path, bytes) = prime(&feed, dir.path());
    let (_, meta) = cached(&feed, dir.path()).unwrap();
    // A new version whose body arrives with flipped bytes mid-file: the
    // central directory still reads, the CRC check of an entry does not.
    server.set_file("/crates.io/all.zip", Served::new(data("osv/go.zip"), "2"));
    server.set_mode(Mode::Corrupt);
    let err = fetch(&feed, dir.path(), &opts()).unwrap_err();
    assert!(matches!(err, FetchError::Invalid { .. }), "{err}");
    assert!(err.to_string().contains(&feed.url), "{err}");
    assert_intact(&path, &bytes, &meta, &feed, dir.path());

    // Not a zip at all (an HTML error page served with 200).
    server.set_mode(Mode::Normal);
    server.set_file("/crates.io/all.zip", Served::new(b"<html>quota exceeded</html>".to_vec(), "3"));
    let err = fetch(&feed, dir.path(), &opts()).unwrap_err();
    assert!(matches!(err, FetchError::Invalid { .. }), "{err}");
    assert_intact(&path, &bytes, &meta, &feed, dir.path());
}

#[test]
fn a_server_dying_mid_download_leaves_the_old_file() {
    let crates = data("osv/crates-io.zip");
    let go = data("osv/go.zip");
    let dir = tempfile::tempdir().unwrap();

    // Content-Length announced, connection closed halfway.
    let (base, t) = dying_server(go[..go.len() / 2].to_vec(), Some(go.len()));
    let feed = Feed::new("crates.io", format!("{base}/crates.io/all.zip"));
    std::fs::write(dir.path().join("crates.io.zip"), &crates).unwrap();
    let err = fetch(&feed, dir.path(), &opts()).unwrap_err();
    t.join().unwrap();
    assert!(matches!(err, FetchError::Body { .. } | FetchError::Truncated { .. }), "{err}");
    assert!(err.to_string().contains(&feed.url), "{err}");
    assert!(std::fs::read(dir.path().join("crates.io.zip")).unwrap() == crates);
    assert!(cached(&feed, dir.path()).is_none(), "no sidecar may appear");
    no_leftovers(dir.path());

    // No Content-Length (close-delimited): the transport cannot tell, the
    // zip check does.
    let (base, t) = dying_server(go[..go.len() / 2].to_vec(), None);
    let feed = Feed::new("crates.io", format!("{base}/crates.io/all.zip"));
    let err = fetch(&feed, dir.path(), &opts()).unwrap_err();
    t.join().unwrap();
    assert!(matches!(err, FetchError::Invalid { .. }), "{err}");
    assert!(std::fs::read(dir.path().join("crates.io.zip")).unwrap() == crates);
    no_leftovers(dir.path());

    // The same server sending everything, close-delimited: accepted.
    let (base, t) = dying_server(go.clone(), None);
    let feed = Feed::new("crates.io", format!("{base}/crates.io/all.zip"));
    let out = fetch(&feed, dir.path(), &opts()).unwrap();
    t.join().unwrap();
    assert_eq!(out.path(), dir.path().join("crates.io.zip"));
    assert!(std::fs::read(out.path()).unwrap() == go);
    assert_eq!(cached(&feed, dir.path()).unwrap().1.etag.as_deref(), Some("\"dying\""));
}

#[test]
fn http_errors_name_the_url_and_status() {
    let crates = data("osv/crates-io.zip");
    let server = TestServer::start(&[("/crates.io/all.zip", Served::new(crates, "1"))]);
    let dir = tempfile::tempdir().unwrap();
    let feed = Feed::new("crates.io", server.url("/crates.io/all.zip"));
    let (path, bytes) = prime(&feed, dir.path());
    let (_, meta) = cached(&feed, dir.path()).unwrap();

    let missing = Feed::new("Nope", server.url("/Nope/all.zip"));
    let err = fetch(&missing, dir.path(), &opts()).unwrap_err();
    assert!(matches!(err, FetchError::Status { status: 404, .. }), "{err}");
    assert_eq!(err.to_string(), format!("GET {}: HTTP 404", missing.url));
    assert!(!dir.path().join("Nope.zip").exists());

    server.set_mode(Mode::Status(500));
    let err = fetch(&feed, dir.path(), &opts()).unwrap_err();
    assert_eq!(err.to_string(), format!("GET {}: HTTP 500", feed.url));
    assert_intact(&path, &bytes, &meta, &feed, dir.path());
}

#[test]
fn a_stalled_transfer_times_out_and_an_oversize_one_is_capped() {
    let crates = data("osv/crates-io.zip");
    let server = TestServer::start(&[("/crates.io/all.zip", Served::new(crates.clone(), "1"))]);
    let dir = tempfile::tempdir().unwrap();
    let feed = Feed::new("crates.io", server.url("/crates.io/all.zip"));
    let (path, bytes) = prime(&feed, dir.path());
    let (_, meta) = cached(&feed, dir.path()).unwrap();
    server.set_file("/crates.io/all.zip", Served::new(data("osv/go.zip"), "2"));

    // Half the body, then silence for longer than the read timeout.
    server.set_mode(Mode::Slow(Duration::from_secs(2)));
    let quick = FetchOptions { read_timeout: Duration::from_millis(300), ..opts() };
    let started = std::time::Instant::now();
    let err = fetch(&feed, dir.path(), &quick).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "timeout not honoured: {:?}", started.elapsed());
    assert!(matches!(err, FetchError::Body { .. }), "{err}");
    assert_intact(&path, &bytes, &meta, &feed, dir.path());

    // The overall budget applies too.
    let budget = FetchOptions { total_timeout: Some(Duration::from_millis(300)), ..opts() };
    let started = std::time::Instant::now();
    assert!(fetch(&feed, dir.path(), &budget).is_err());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_intact(&path, &bytes, &meta, &feed, dir.path());

    // Size cap: refused from the Content-Length before reading the body.
    server.set_mode(Mode::Normal);
    let small = FetchOptions { max_bytes: 1000, ..opts() };
    let err = fetch(&feed, dir.path(), &small).unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { limit: 1000, announced: Some(_), .. }), "{err}");
    assert_intact(&path, &bytes, &meta, &feed, dir.path());
    // ... and while streaming when there is no Content-Length.
    let (base, t) = dying_server(crates.clone(), None);
    let feed2 = Feed::new("crates.io", format!("{base}/crates.io/all.zip"));
    let err = fetch(&feed2, dir.path(), &small).unwrap_err();
    t.join().unwrap();
    assert!(matches!(err, FetchError::TooLarge { limit: 1000, announced: None, .. }), "{err}");
    assert_intact(&path, &bytes, &meta, &feed, dir.path());
}

#[test]
fn redirects_are_followed_bounded_and_checked() {
    let crates = data("osv/crates-io.zip");
    let server = TestServer::start(&[("/crates.io/all.zip", Served::new(crates.clone(), "1"))]);
    let dir = tempfile::tempdir().unwrap();
    let feed = Feed::new("crates.io", server.url("/old/crates.io/all.zip"));

    server.set_mode(Mode::Redirect("/crates.io/all.zip".into()));
    // Every request is redirected: a loop, cut off.
    let err = fetch(&feed, dir.path(), &opts()).unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects { max: 5, .. }), "{err}");
    assert_eq!(server.seen().len(), 6);

    // One redirect to the real file (a relative Location).
    let server2 = TestServer::start(&[("/crates.io/all.zip", Served::new(crates.clone(), "1"))]);
    let hop = TestServer::start(&[]);
    hop.set_mode(Mode::Redirect(server2.url("/crates.io/all.zip")));
    let feed = Feed::new("crates.io", hop.url("/crates.io/all.zip"));
    let out = fetch(&feed, dir.path(), &opts()).unwrap();
    assert!(matches!(out, FetchOutcome::Downloaded { bytes, .. } if bytes == crates.len() as u64));
    // The validators travel through the redirect.
    assert!(matches!(fetch(&feed, dir.path(), &opts()).unwrap(), FetchOutcome::NotModified { .. }));
    assert_eq!(server2.seen()[1].status, 304);

    // A redirect to plain http on a non-loopback host is refused before
    // any connection is attempted.
    hop.set_mode(Mode::Redirect("http://feeds.example.invalid/crates.io/all.zip".into()));
    let err = fetch(&feed, dir.path(), &opts()).unwrap_err();
    assert!(matches!(err, FetchError::InsecureUrl { ref url } if url.contains("example.invalid")), "{err}");
}

#[test]
fn validators_only_for_the_same_url_and_last_modified_alone_works() {
    let crates = data("osv/crates-io.zip");
    let mut served = Served::new(crates.clone(), "1");
    served.etag = None;
    let server = TestServer::start(&[("/a/all.zip", served.clone()), ("/b/all.zip", served)]);
    let dir = tempfile::tempdir().unwrap();

    let a = Feed::new("crates.io", server.url("/a/all.zip"));
    prime(&a, dir.path());
    // Last-Modified alone revalidates.
    assert!(matches!(fetch(&a, dir.path(), &opts()).unwrap(), FetchOutcome::NotModified { .. }));
    assert_eq!(server.seen()[1].if_modified_since.as_deref(), Some("Wed, 21 Oct 2015 07:1:00 GMT"));
    assert_eq!(server.seen()[1].if_none_match, None);

    // Same cache file, different URL: the old validators are not sent.
    let b = Feed::new("crates.io", server.url("/b/all.zip"));
    assert!(matches!(fetch(&b, dir.path(), &opts()).unwrap(), FetchOutcome::Downloaded { .. }));
    assert_eq!(server.seen()[2].if_modified_since, None);

    // A cached file whose size disagrees with the sidecar is not trusted.
    std::fs::write(dir.path().join("crates.io.zip"), b"tampered").unwrap();
    assert!(cached(&b, dir.path()).is_none());
    assert!(matches!(fetch(&b, dir.path(), &opts()).unwrap(), FetchOutcome::Downloaded { .. }));
    assert_eq!(server.seen()[3].if_modified_since, None);
    assert!(std::fs::read(dir.path().join("crates.io.zip")).unwrap() == crates);
}

#[test]
fn refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let plain = Feed::new("x", "http://feeds.example.invalid/x/all.zip");
    let err = fetch(&plain, dir.path(), &opts()).unwrap_err();
    assert!(matches!(err, FetchError::InsecureUrl { .. }), "{err}");
    assert!(err.to_string().contains("http://feeds.example.invalid/x/all.zip"));
    let odd = Feed::new("x", "http://127.0.0.1:1/x/all.tar.gz");
    assert!(matches!(fetch(&odd, dir.path(), &opts()), Err(FetchError::UnknownFormat { .. })));
    // Nothing listens on port 1: a connection error naming the URL.
    let closed = Feed::new("x", "http://127.0.0.1:1/x/all.zip");
    let err = fetch(&closed, dir.path(), &opts()).unwrap_err();
    assert!(matches!(err, FetchError::Request { .. }), "{err}");
    assert!(err.to_string().contains("http://127.0.0.1:1/x/all.zip"), "{err}");
}
