//! Downloads Rampart's advisory feeds into a local cache.
//!
//! This is the fetching half of `rampart db update`: each [`Feed`] (an OSV
//! per-ecosystem `all.zip`, or the CISA KEV catalogue) is fetched into a
//! cache directory with [`fetch`], and the cached files are then handed to
//! `rampart_vulndb::build`.
//!
//! # What [`fetch`] does
//!
//! * **Conditional requests.** Next to each cached file `NAME.EXT` sits a
//!   small JSON sidecar `NAME.EXT.meta` ([`CachedFeed`]) holding the URL, the
//!   server's `ETag` and `Last-Modified`, the size and the SHA-256. When the
//!   sidecar matches the feed's URL and the cached file's size, the request
//!   carries `If-None-Match` / `If-Modified-Since`; a `304 Not Modified`
//!   answers [`FetchOutcome::NotModified`] without transferring a body.
//! * **Verified, atomic replacement.** A `200` body is streamed into a
//!   temporary file in the cache directory (SHA-256 computed on the way,
//!   size capped by [`FetchOptions::max_bytes`], `Content-Length` checked),
//!   fsynced, then verified: a `.zip` feed must open as a zip archive (and,
//!   with [`FetchOptions::verify_zip_entries`], every entry must decompress
//!   with a correct CRC-32); a `.json` feed must parse as JSON. Only then is
//!   it renamed over the cached file and the sidecar rewritten (itself via
//!   a temporary file and a rename). Any failure — an HTTP error status, a
//!   dropped connection, a timeout, an oversize, truncated or corrupt body —
//!   returns a [`FetchError`] and leaves the previous cached file and its
//!   sidecar untouched; the temporary file is removed.
//! * **Redirects** are followed by this crate (at most
//!   [`FetchOptions::max_redirects`]), so every hop is checked against the
//!   transport policy below.
//! * **Transport policy.** `https://` always; plain `http://` only to
//!   loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`) unless
//!   [`FetchOptions::allow_insecure_http`] is set. Other schemes are refused.
//!
//! # HTTP client, TLS and proxies
//!
//! Requests are made with [`ureq`] 3 (synchronous, no async runtime) over
//! [rustls](https://docs.rs/rustls) with the *ring* provider — no OpenSSL.
//! Server certificates are checked against the Mozilla root set compiled in
//! through the `webpki-roots` crate; the platform's certificate store is
//! **not** consulted, so a TLS-intercepting corporate proxy whose CA lives
//! only in the system store will be rejected.
//!
//! Proxies follow ureq's default: the first of `ALL_PROXY`, `HTTPS_PROXY`,
//! `HTTP_PROXY` (or their lower-case forms) holding a valid `http://` proxy
//! URL is used for every request, with `NO_PROXY` exceptions. Requests to
//! loopback hosts never go through a proxy.
//!
//! Response bodies are not content-decoded (no `Accept-Encoding` is sent);
//! the feeds are already compressed.
//!
//! # The cache directory
//!
//! It holds `NAME.zip` / `NAME.json`, their `NAME.EXT.meta` sidecars, and
//! while a download runs a hidden `.NAME.EXT.XXXXXX.part` temporary file
//! (removed on failure). Pass the [`FetchOutcome::path`]s to
//! `rampart_vulndb::build`, or the directory itself (it reads only `.zip`,
//! `.json` and `.yaml` files). Two fetches of the same feed running at once
//! each replace the file atomically with a complete, verified copy; the
//! sidecar may then describe the other copy, which at worst costs one
//! needless download later (validators are sent only when the sidecar's
//! size matches the file).
//!
//! Deep zip verification runs at about 50 MB/s of compressed input on one
//! core (release build, OSV zips), download, hashing and fsync included.
//!
//! The library never prints; progress goes to the callback of
//! [`fetch_with_progress`].

#![forbid(unsafe_code)]

use std::fs::{self, File};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ureq::http::{StatusCode, Uri, header};

/// Base URL of osv.dev's public bucket; an ecosystem's advisories are at
/// `{base}/{ecosystem}/all.zip`.
pub const DEFAULT_OSV_BASE: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The CISA Known Exploited Vulnerabilities catalogue (JSON).
pub const DEFAULT_KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";

/// OSV ecosystems fetched by default (osv.dev's spelling).
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "crates.io",
    "PyPI",
    "Go",
    "npm",
    "Maven",
    "RubyGems",
    "Packagist",
    "NuGet",
    "Debian",
    "Ubuntu",
    "Alpine",
    "AlmaLinux",
    "Rocky Linux",
];

/// Default cap on one downloaded file: 2 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

/// The name of the KEV feed produced by [`default_feeds`].
pub const KEV_FEED_NAME: &str = "kev";

/// One downloadable feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// A short name (an OSV ecosystem such as `crates.io`, or `kev`); the
    /// cached file is named after it (see [`Feed::file_name`]).
    pub name: String,
    /// An `https://` (or loopback `http://`) URL whose path ends in `.zip`
    /// or `.json`, which decides how the download is verified.
    pub url: String,
}

/// How a feed's body is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Zip,
    Json,
}

impl FeedFormat {
    fn ext(self) -> &'static str {
        match self {
            FeedFormat::Zip => "zip",
            FeedFormat::Json => "json",
        }
    }
}

impl std::fmt::Display for FeedFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FeedFormat::Zip => "zip archive",
            FeedFormat::Json => "JSON document",
        })
    }
}

impl Feed {
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Feed { name: name.into(), url: url.into() }
    }

    /// The format, from the extension of the URL's path (`.zip` or `.json`,
    /// case-insensitive); `None` for anything else.
    pub fn format(&self) -> Option<FeedFormat> {
        let path = self.url.split(['?', '#']).next().unwrap_or("");
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("zip") => Some(FeedFormat::Zip),
            Some("json") => Some(FeedFormat::Json),
            _ => None,
        }
    }

    /// The cached file's name: the feed name with every character other
    /// than ASCII letters, digits, `.`, `-` and `_` replaced by `_` (and a
    /// leading `.` too), plus the format's extension: `crates.io.zip`,
    /// `Rocky_Linux.zip`, `kev.json`. `None` when the format is unknown.
    pub fn file_name(&self) -> Option<String> {
        let fmt = self.format()?;
        let mut stem: String = self
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
            .collect();
        if stem.is_empty() || stem.starts_with('.') {
            stem.insert(0, '_');
        }
        Some(format!("{stem}.{}", fmt.ext()))
    }

    /// Where [`fetch`] keeps this feed in `cache_dir`.
    pub fn cached_path(&self, cache_dir: &Path) -> Option<PathBuf> {
        Some(cache_dir.join(self.file_name()?))
    }
}

/// The OSV feeds `{osv_base}/{ecosystem}/all.zip` (the ecosystem
/// percent-encoded as one path segment, so `Rocky Linux` becomes
/// `Rocky%20Linux`), named after their ecosystem, followed by the KEV
/// catalogue at `kev_url` named [`KEV_FEED_NAME`]. Pass the `DEFAULT_*`
/// constants for osv.dev and CISA; an empty `kev_url` leaves KEV out.
pub fn default_feeds(osv_base: &str, kev_url: &str, ecosystems: &[&str]) -> Vec<Feed> {
    let base = osv_base.trim_end_matches('/');
    let mut feeds: Vec<Feed> = ecosystems
        .iter()
        .map(|eco| Feed::new(*eco, format!("{base}/{}/all.zip", percent_encode_segment(eco))))
        .collect();
    if !kev_url.is_empty() {
        feeds.push(Feed::new(KEV_FEED_NAME, kev_url));
    }
    feeds
}

fn percent_encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Knobs for [`fetch`]. `Default` gives the documented defaults.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Largest body accepted, in bytes (default [`DEFAULT_MAX_BYTES`]).
    pub max_bytes: u64,
    /// Budget for DNS, TCP and TLS setup of one connection (default 30 s).
    pub connect_timeout: Duration,
    /// Longest wait for any single read from the server — a stalled
    /// transfer fails after this long (default 60 s).
    pub read_timeout: Duration,
    /// Budget for the whole fetch, redirects and body included (default one
    /// hour; `None`: no overall limit).
    pub total_timeout: Option<Duration>,
    /// Redirects followed before giving up (default 5).
    pub max_redirects: u32,
    /// Allow plain `http://` to hosts other than loopback (default false).
    pub allow_insecure_http: bool,
    /// Also decompress every entry of a downloaded zip, checking its
    /// CRC-32, before accepting it (default true). Without it a zip is only
    /// required to have a readable central directory.
    pub verify_zip_entries: bool,
    /// The `User-Agent` header (default `rampart/VERSION`).
    pub user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            total_timeout: Some(Duration::from_secs(3600)),
            max_redirects: 5,
            allow_insecure_http: false,
            verify_zip_entries: true,
            user_agent: concat!("rampart/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// What [`fetch`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// The server answered `304 Not Modified`: the cached file is current.
    NotModified { path: PathBuf },
    /// A new copy was downloaded, verified and moved into place.
    Downloaded { path: PathBuf, bytes: u64, sha256: String },
}

impl FetchOutcome {
    /// The cached file, current either way.
    pub fn path(&self) -> &Path {
        match self {
            FetchOutcome::NotModified { path } | FetchOutcome::Downloaded { path, .. } => path,
        }
    }
}

/// Progress of one fetch, for [`fetch_with_progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchProgress {
    /// Body bytes received so far, and the announced total if any.
    Receiving { received: u64, total: Option<u64> },
    /// The body is complete and being verified.
    Verifying { bytes: u64 },
}

/// Why a fetch failed. Every variant names the URL concerned; the cached
/// copy, if any, is untouched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not a valid http(s) URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("{url}: refusing plain http:// to a non-loopback host (allow_insecure_http is off)")]
    InsecureUrl { url: String },
    #[error("{url}: unknown feed format: the URL's path must end in .zip or .json")]
    UnknownFormat { url: String },
    #[error("GET {url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("GET {url}: HTTP {status} redirect without a usable Location header")]
    BadRedirect { url: String, status: u16 },
    #[error("GET {url}: more than {max} redirects")]
    TooManyRedirects { url: String, max: u32 },
    #[error("GET {url}: HTTP 304 Not Modified, but there is no cached copy")]
    UnexpectedNotModified { url: String },
    #[error("GET {url}: {source}")]
    Request {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("GET {url}: body larger than the {limit}-byte cap{}", announced.map(|n| format!(" (Content-Length {n})")).unwrap_or_default())]
    TooLarge { url: String, limit: u64, announced: Option<u64> },
    #[error("GET {url}: reading the body failed after {received} bytes: {source}")]
    Body {
        url: String,
        received: u64,
        #[source]
        source: io::Error,
    },
    #[error("GET {url}: body truncated: {received} of {expected} bytes")]
    Truncated { url: String, received: u64, expected: u64 },
    #[error("{url}: the download is not a valid {format}: {reason}")]
    Invalid { url: String, format: FeedFormat, reason: String },
    #[error("{url}: {}: {source}", path.display())]
    Io {
        url: String,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The sidecar kept next to a cached feed (`NAME.EXT.meta`, JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedFeed {
    /// The URL the file was requested from (validators are only sent when
    /// it equals the feed's current URL).
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub bytes: u64,
    pub sha256: String,
    /// When it was downloaded, in seconds since the Unix epoch.
    pub fetched_at: u64,
}

fn sidecar_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".meta");
    PathBuf::from(s)
}

/// The cached copy of `feed` in `cache_dir` and its sidecar, if both exist,
/// the sidecar parses and its size matches the file's.
pub fn cached(feed: &Feed, cache_dir: &Path) -> Option<(PathBuf, CachedFeed)> {
    let path = feed.cached_path(cache_dir)?;
    let meta: CachedFeed = serde_json::from_slice(&fs::read(sidecar_path(&path)).ok()?).ok()?;
    let len = fs::metadata(&path).ok()?.len();
    (len == meta.bytes).then_some((path, meta))
}

/// Fetches `feed` into `cache_dir` (created if missing). See the crate
/// documentation for the protocol.
pub fn fetch(feed: &Feed, cache_dir: &Path, options: &FetchOptions) -> Result<FetchOutcome, FetchError> {
    fetch_with_progress(feed, cache_dir, options, &mut |_| {})
}

/// [`fetch`], reporting progress to `progress`.
pub fn fetch_with_progress(
    feed: &Feed,
    cache_dir: &Path,
    options: &FetchOptions,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<FetchOutcome, FetchError> {
    let url = feed.url.clone();
    let format = feed.format().ok_or_else(|| FetchError::UnknownFormat { url: url.clone() })?;
    let path = feed.cached_path(cache_dir).ok_or_else(|| FetchError::UnknownFormat { url: url.clone() })?;
    check_url(&url, options)?;
    let io_err = |p: &Path, source| FetchError::Io { url: url.clone(), path: p.to_path_buf(), source };
    fs::create_dir_all(cache_dir).map_err(|e| io_err(cache_dir, e))?;

    let previous = cached(feed, cache_dir).filter(|(_, m)| m.url == feed.url).map(|(_, m)| m);
    let deadline = options.total_timeout.map(|t| std::time::Instant::now() + t);

    // Follow redirects ourselves so that every hop passes `check_url`.
    let mut current = url.clone();
    let mut redirects = 0;
    let response = loop {
        let agent = agent_for(&current, options, deadline);
        let mut req = agent.get(&current);
        if let Some(prev) = &previous {
            if let Some(etag) = &prev.etag {
                req = req.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &prev.last_modified {
                req = req.header(header::IF_MODIFIED_SINCE, lm);
            }
        }
        let resp =
            req.call().map_err(|e| FetchError::Request { url: current.clone(), source: Box::new(e) })?;
        let status = resp.status();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let location = resp
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|loc| resolve_location(&current, loc))
                .ok_or_else(|| FetchError::BadRedirect { url: current.clone(), status: status.as_u16() })?;
            redirects += 1;
            if redirects > options.max_redirects {
                return Err(FetchError::TooManyRedirects { url: url.clone(), max: options.max_redirects });
            }
            check_url(&location, options)?;
            current = location;
            continue;
        }
        break resp;
    };

    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return match previous {
            Some(_) => Ok(FetchOutcome::NotModified { path }),
            None => Err(FetchError::UnexpectedNotModified { url: current }),
        };
    }
    if status != StatusCode::OK {
        return Err(FetchError::Status { url: current, status: status.as_u16() });
    }

    let header_str =
        |name| response.headers().get(name).and_then(|v: &ureq::http::HeaderValue| v.to_str().ok());
    let etag = header_str(header::ETAG).map(str::to_string);
    let last_modified = header_str(header::LAST_MODIFIED).map(str::to_string);
    let announced: Option<u64> = header_str(header::CONTENT_LENGTH).and_then(|v| v.trim().parse().ok());
    if let Some(n) = announced.filter(|&n| n > options.max_bytes) {
        return Err(FetchError::TooLarge { url: current, limit: options.max_bytes, announced: Some(n) });
    }

    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("feed");
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".part")
        .tempfile_in(cache_dir)
        .map_err(|e| io_err(cache_dir, e))?;

    // Stream the body: hash, count, cap.
    let mut reader = response.into_body().into_reader();
    let mut hasher = Sha256::new();
    let mut received: u64 = 0;
    let mut buf = vec![0u8; 128 * 1024];
    progress(FetchProgress::Receiving { received, total: announced });
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(source) => return Err(FetchError::Body { url: current, received, source }),
        };
        received += n as u64;
        if received > options.max_bytes {
            return Err(FetchError::TooLarge { url: current, limit: options.max_bytes, announced });
        }
        hasher.update(&buf[..n]);
        tmp.write_all(&buf[..n]).map_err(|e| io_err(tmp.path(), e))?;
        progress(FetchProgress::Receiving { received, total: announced });
    }
    drop(reader);
    if let Some(expected) = announced.filter(|&n| n != received) {
        return Err(FetchError::Truncated { url: current, received, expected });
    }
    tmp.as_file().sync_all().map_err(|e| io_err(tmp.path(), e))?;
    let sha256 = hex(&hasher.finalize());

    progress(FetchProgress::Verifying { bytes: received });
    let file = tmp.as_file_mut();
    file.seek(SeekFrom::Start(0)).map_err(|e| io_err(&path, e))?;
    verify(file, format, options.verify_zip_entries).map_err(|reason| FetchError::Invalid {
        url: current.clone(),
        format,
        reason,
    })?;

    tmp.persist(&path).map_err(|e| io_err(&path, e.error))?;
    let meta = CachedFeed {
        url: feed.url.clone(),
        etag,
        last_modified,
        bytes: received,
        sha256: sha256.clone(),
        fetched_at: SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
    };
    write_sidecar(&path, &meta).map_err(|e| io_err(&sidecar_path(&path), e))?;
    Ok(FetchOutcome::Downloaded { path, bytes: received, sha256 })
}

fn write_sidecar(path: &Path, meta: &CachedFeed) -> io::Result<()> {
    let side = sidecar_path(path);
    let dir = side.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".meta.").suffix(".part").tempfile_in(dir)?;
    serde_json::to_writer_pretty(&mut tmp, meta)?;
    tmp.write_all(b"\n")?;
    tmp.as_file().sync_all()?;
    tmp.persist(&side).map_err(|e| e.error)?;
    Ok(())
}

fn verify(file: &mut File, format: FeedFormat, zip_entries: bool) -> Result<(), String> {
    match format {
        FeedFormat::Json => {
            serde_json::from_reader::<_, serde::de::IgnoredAny>(BufReader::new(file))
                .map_err(|e| e.to_string())?;
        }
        FeedFormat::Zip => {
            let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| e.to_string())?;
            if zip_entries {
                for i in 0..archive.len() {
                    let mut entry = archive.by_index(i).map_err(|e| format!("entry {i}: {e}"))?;
                    io::copy(&mut entry, &mut io::sink()).map_err(|e| format!("{}: {e}", entry.name()))?;
                }
            }
        }
    }
    Ok(())
}

fn agent_for(url: &str, options: &FetchOptions, deadline: Option<std::time::Instant>) -> ureq::Agent {
    let loopback = url.parse::<Uri>().ok().and_then(|u| u.host().map(is_loopback)).unwrap_or(false);
    let remaining = deadline
        .map(|d| d.saturating_duration_since(std::time::Instant::now()).max(Duration::from_millis(1)));
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(options.user_agent.as_str())
        .accept_encoding("")
        .timeout_connect(Some(options.connect_timeout))
        .timeout_per_read(Some(options.read_timeout))
        .timeout_global(remaining);
    if loopback {
        config = config.proxy(None);
    }
    config.build().new_agent()
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

fn check_url(url: &str, options: &FetchOptions) -> Result<(), FetchError> {
    let invalid = |reason: &str| FetchError::InvalidUrl { url: url.to_string(), reason: reason.to_string() };
    let uri: Uri = url.parse().map_err(|e: ureq::http::uri::InvalidUri| invalid(&e.to_string()))?;
    let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(|| invalid("no host"))?;
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if options.allow_insecure_http || is_loopback(host) => Ok(()),
        Some("http") => Err(FetchError::InsecureUrl { url: url.to_string() }),
        _ => Err(invalid("the scheme must be https (or http to a loopback host)")),
    }
}

/// Resolves a `Location` header against the URL that sent it.
fn resolve_location(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.is_empty() {
        return None;
    }
    if location.contains("://") {
        return Some(location.to_string());
    }
    let uri: Uri = base.parse().ok()?;
    let scheme = uri.scheme_str()?;
    let authority = uri.authority()?.as_str();
    if let Some(rest) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{rest}"));
    }
    if location.starts_with('/') {
        return Some(format!("{scheme}://{authority}{location}"));
    }
    let dir = uri.path().rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    Some(format!("{scheme}://{authority}{dir}/{location}"))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_feed_urls() {
        let feeds = default_feeds(DEFAULT_OSV_BASE, DEFAULT_KEV_URL, DEFAULT_ECOSYSTEMS);
        assert_eq!(feeds.len(), DEFAULT_ECOSYSTEMS.len() + 1);
        assert_eq!(feeds[0].url, "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip");
        let rocky = feeds.iter().find(|f| f.name == "Rocky Linux").unwrap();
        assert_eq!(rocky.url, "https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip");
        assert_eq!(rocky.file_name().as_deref(), Some("Rocky_Linux.zip"));
        let kev = feeds.last().unwrap();
        assert_eq!(kev.name, KEV_FEED_NAME);
        assert_eq!(kev.format(), Some(FeedFormat::Json));
        assert_eq!(kev.file_name().as_deref(), Some("kev.json"));
        assert_eq!(feeds[0].file_name().as_deref(), Some("crates.io.zip"));
        let custom = default_feeds("http://127.0.0.1:8/osv/", "", &["Debian:12"]);
        assert_eq!(custom, vec![Feed::new("Debian:12", "http://127.0.0.1:8/osv/Debian%3A12/all.zip")]);
        assert_eq!(custom[0].file_name().as_deref(), Some("Debian_12.zip"));
        assert_eq!(Feed::new("..", "https://x/a.zip").file_name().as_deref(), Some("_...zip"));
        assert_eq!(Feed::new("x", "https://x/a.tar.gz").format(), None);
        assert_eq!(Feed::new("x", "https://x/a.JSON?x=1").format(), Some(FeedFormat::Json));
    }

    #[test]
    fn url_policy() {
        let o = FetchOptions::default();
        assert!(check_url("https://example.org/a.zip", &o).is_ok());
        assert!(check_url("http://127.0.0.1:80/a.zip", &o).is_ok());
        assert!(check_url("http://127.8.9.10/a.zip", &o).is_ok());
        assert!(check_url("http://localhost/a.zip", &o).is_ok());
        assert!(check_url("http://[::1]:9/a.zip", &o).is_ok());
        assert!(matches!(check_url("http://example.org/a.zip", &o), Err(FetchError::InsecureUrl { .. })));
        assert!(matches!(check_url("http://10.0.0.1/a.zip", &o), Err(FetchError::InsecureUrl { .. })));
        assert!(matches!(check_url("ftp://example.org/a.zip", &o), Err(FetchError::InvalidUrl { .. })));
        assert!(matches!(check_url("/a.zip", &o), Err(FetchError::InvalidUrl { .. })));
        let insecure = FetchOptions { allow_insecure_http: true, ..FetchOptions::default() };
        assert!(check_url("http://example.org/a.zip", &insecure).is_ok());
    }

    #[test]
    fn locations() {
        let b = "http://127.0.0.1:5/a/b/c.zip?x";
        assert_eq!(resolve_location(b, "https://h/x.zip").as_deref(), Some("https://h/x.zip"));
        assert_eq!(resolve_location(b, "//h/x.zip").as_deref(), Some("http://h/x.zip"));
        assert_eq!(resolve_location(b, "/x.zip").as_deref(), Some("http://127.0.0.1:5/x.zip"));
        assert_eq!(resolve_location(b, "d.zip").as_deref(), Some("http://127.0.0.1:5/a/b/d.zip"));
        assert_eq!(resolve_location(b, " "), None);
    }
}
