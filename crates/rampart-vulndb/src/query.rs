//! Reading the database.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rampart_versions::Scheme;
use rusqlite::{CachedStatement, Connection, OpenFlags, OptionalExtension, params};

use crate::DbError;
use crate::build::SourceStats;
use crate::matching::{self, PreparedEntry, StoredRanges};
use crate::normalize::{normalize_name, split_ecosystem};
use crate::schema;

/// One problem affecting a package version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The problem's CVE (the lowest if several) or else its lowest advisory id.
    pub id: String,
    /// Every other id of the problem (advisory ids, aliases, upstream), sorted, deduplicated.
    pub aliases: Vec<String>,
    /// The summary of the matching advisory (the primary's when it matched), or
    /// when the record has none, the first line of its details (≤ 200 chars).
    pub summary: Option<String>,
    /// OSV `severity[]` of the matching advisories: (type, score), deduplicated.
    pub severity: Vec<(String, String)>,
    /// `database_specific.severity` (GHSA/PyPA, e.g. `MODERATE`) when present.
    pub database_severity: Option<String>,
    /// Fixed versions above the installed one, nearest first.
    pub fixed_versions: Vec<String>,
    /// Any id of the problem is in CISA KEV.
    pub kev: bool,
    pub references: Vec<String>,
    /// Earliest `published` of the matching advisories.
    pub published: Option<String>,
    /// Latest `modified` of the matching advisories.
    pub modified: Option<String>,
    /// The matching advisory ids (the records whose ranges matched), sorted.
    pub advisories: Vec<String>,
    /// Set when every matching entry is an informational notice (`unmaintained`,
    /// `unsound`, ...); only with [`QueryOptions::informational`].
    pub informational: Option<String>,
    /// A distribution's fix state, when the source states one and no fixed
    /// version is known: `will_not_fix` (Debian `<no-dsa>`, `<ignored>`),
    /// `fix_deferred` (`<postponed>`), `end_of_life` (`<end-of-life>`),
    /// `affected` (`<unfixed>`). `None` otherwise: an OS package match with
    /// empty `fixed_versions` and no state is affected with no fix known.
    pub status: Option<String>,
}

/// Options of [`VulnDb::matches_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryOptions {
    /// Also return RustSec informational notices (unmaintained, unsound).
    pub informational: bool,
}

/// What the database holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub schema_version: i64,
    /// RFC 3339.
    pub built_at: String,
    pub sources: Vec<SourceStats>,
    pub advisory_count: u64,
    pub problem_count: u64,
    pub kev_count: u64,
    pub kev_catalog_version: Option<String>,
}

/// A read-only advisory database.
///
/// Lookups fill per-database caches (never invalidated: the file is immutable
/// while open): the set of packages the database names, each looked-up
/// package's affected entries with their ranges parsed and sorted, and each
/// matched advisory's columns, decoded.
pub struct VulnDb {
    conn: Connection,
    path: PathBuf,
    cache: RefCell<Cache>,
}

#[derive(Default)]
struct Cache {
    /// `base \0 normalised name` of every affected row, read at the first lookup,
    /// so that a package the database does not name costs one hash probe.
    keys: Option<HashSet<String>>,
    /// The affected entries of a package, by the same key.
    packages: HashMap<String, Arc<[Entry]>>,
    /// Advisory (and problem) columns, by advisory rowid.
    advisories: HashMap<i64, Arc<Advisory>>,
}

/// One affected row, decoded.
struct Entry {
    adv: i64,
    ecosystem: String,
    informational: Option<String>,
    status: Option<String>,
    scheme: Option<Scheme>,
    /// The `ranges` and `versions` columns as stored.
    raw: (Option<String>, Option<String>),
    /// The prepared ranges, or why the row could not be decoded (reported only
    /// when a lookup reaches the row). Prepared at the first lookup that needs
    /// the row: a query names one release, so other releases' rows of the
    /// package are never parsed.
    body: std::cell::OnceCell<Result<PreparedEntry, String>>,
}

impl Entry {
    fn prepared(&self) -> &Result<PreparedEntry, String> {
        self.body.get_or_init(|| {
            let ranges = match &self.raw.0 {
                Some(t) => {
                    serde_json::from_str::<StoredRanges>(t).map_err(|e| format!("ranges: {e}"))?.decode()
                }
                None => Vec::new(),
            };
            let versions: Vec<String> = match &self.raw.1 {
                Some(t) => serde_json::from_str(t).map_err(|e| format!("versions: {e}"))?,
                None => Vec::new(),
            };
            Ok(PreparedEntry::new(&self.ecosystem, &ranges, versions))
        })
    }
}

/// The columns of an advisory and of its problem that a [`Match`] needs.
struct Advisory {
    group: i64,
    id: String,
    summary: Option<String>,
    severity: Vec<(String, String)>,
    db_severity: Option<String>,
    refs: Vec<String>,
    published: Option<String>,
    modified: Option<String>,
    primary: String,
    /// The problem's ids other than `primary`, sorted, deduplicated.
    aliases: Vec<String>,
    kev: bool,
}

impl std::fmt::Debug for VulnDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulnDb").field("path", &self.path).finish()
    }
}

/// The statements of a batch of lookups, prepared when first needed.
///
/// (`prepare_cached` for each lookup was measured at ~20 µs a call on this
/// database, 20× the query itself.)
#[derive(Default)]
struct Statements<'c> {
    entries: Option<CachedStatement<'c>>,
    advisory: Option<CachedStatement<'c>>,
}

/// One matching affected entry, with its advisory's and problem's columns.
struct Hit {
    fixed: Vec<String>,
    informational: Option<String>,
    status: Option<String>,
    scheme: Option<Scheme>,
    adv: Arc<Advisory>,
}

impl VulnDb {
    /// Opens a database read-only; refuses a file that is not one or has another schema version.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        if !path.is_file() {
            return Err(DbError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "advisory database not found"),
            });
        }
        let sql =
            |doing: &str, source| DbError::Sqlite { path: path.to_path_buf(), doing: doing.into(), source };
        // The file is never written while open (a rebuild renames a new file into
        // place), so SQLite may skip file locking and change checks: `immutable=1`
        // saves ~15 µs of system calls per lookup.
        let conn = Connection::open_with_flags(
            sqlite_uri(path, "mode=ro&immutable=1"),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| sql("opening", e))?;
        conn.execute_batch("PRAGMA cache_size = -16384; PRAGMA mmap_size = 268435456;")
            .map_err(|e| sql("setting pragmas", e))?;
        let app: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| sql("reading application_id", e))?;
        if app != schema::APPLICATION_ID {
            return Err(DbError::NotADatabase { path: path.to_path_buf(), found: app });
        }
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| sql("reading user_version", e))?;
        if found != schema::SCHEMA_VERSION {
            return Err(DbError::SchemaVersion {
                path: path.to_path_buf(),
                found,
                expected: schema::SCHEMA_VERSION,
            });
        }
        Ok(VulnDb { conn, path: path.to_path_buf(), cache: RefCell::default() })
    }

    fn sql(&self, doing: &str) -> impl FnOnce(rusqlite::Error) -> DbError + '_ {
        let doing = doing.to_owned();
        move |source| DbError::Sqlite { path: self.path.clone(), doing, source }
    }

    /// What the database holds and when it was built.
    pub fn metadata(&self) -> Result<Metadata, DbError> {
        let meta = |key: &str| -> Result<Option<String>, DbError> {
            self.conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(self.sql("reading meta"))
        };
        let count = |table: &str| -> Result<u64, DbError> {
            self.conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(self.sql("counting"))
        };
        let mut stmt =
            self.conn.prepare("SELECT * FROM sources ORDER BY rowid").map_err(self.sql("reading sources"))?;
        let sources = stmt
            .query_map([], |r| {
                let n = |i: usize| r.get::<_, i64>(i).map(|v| v as usize);
                Ok(SourceStats {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    files: n(2)?,
                    records: n(3)?,
                    withdrawn: n(4)?,
                    duplicates: n(5)?,
                    superseded: n(6)?,
                    failed: n(7)?,
                    informational: n(8)?,
                    git_ranges: n(9)?,
                    other_ranges: n(10)?,
                    no_package: n(11)?,
                    unreadable_events: n(12)?,
                    skipped: n(13)?,
                    fallback_overridden: n(14)?,
                })
            })
            .map_err(self.sql("reading sources"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql("reading sources"))?;
        Ok(Metadata {
            schema_version: meta("schema_version")?.and_then(|v| v.parse().ok()).unwrap_or(0),
            built_at: meta("built_at")?.unwrap_or_default(),
            sources,
            advisory_count: match meta("advisory_count")?.and_then(|v| v.parse().ok()) {
                Some(n) => n,
                None => count("advisories")?,
            },
            problem_count: match meta("problem_count")?.and_then(|v| v.parse().ok()) {
                Some(n) => n,
                None => count("problems")?,
            },
            kev_count: count("kev")?,
            kev_catalog_version: meta("kev_catalog_version")?.filter(|v| !v.is_empty()),
        })
    }

    /// The problems affecting `name@version` in `ecosystem` (an OSV ecosystem
    /// name such as `PyPI`, `npm`, `crates.io`, `Go`, `Maven`, `Debian:12`; a
    /// bare distribution name such as `AlmaLinux` covers all its releases).
    ///
    /// Distribution packages: the ecosystem names the release (`Debian:12`,
    /// `Alpine:v3.19`, `Ubuntu:22.04`, `AlmaLinux:9`, `Alpaquita:stream`) and
    /// matches only advisories of that release (in the normal form of
    /// [`crate::normalize::split_ecosystem`]: `Ubuntu:22.04` matches
    /// `Ubuntu:22.04:LTS` records); `name` is the source package for Debian and
    /// Ubuntu, the binary package for RPM and apk distributions; `version` is
    /// compared in the distribution's order (dpkg, apk, rpm with `epoch:`).
    /// Informational notices are left out. Sorted by id.
    pub fn matches(&self, ecosystem: &str, name: &str, version: &str) -> Result<Vec<Match>, DbError> {
        self.matches_with(ecosystem, name, version, QueryOptions::default())
    }

    /// [`VulnDb::matches`] with options.
    pub fn matches_with(
        &self,
        ecosystem: &str,
        name: &str,
        version: &str,
        options: QueryOptions,
    ) -> Result<Vec<Match>, DbError> {
        self.lookup(&mut Statements::default(), ecosystem, name, version, options)
    }

    /// [`VulnDb::matches_with`] for many `(ecosystem, name, version)` at once,
    /// answers in the same order. Same answers as one call each, faster: the
    /// statements are prepared once for the whole batch.
    pub fn matches_many(
        &self,
        queries: &[(&str, &str, &str)],
        options: QueryOptions,
    ) -> Result<Vec<Vec<Match>>, DbError> {
        let mut statements = Statements::default();
        queries
            .iter()
            .map(|(ecosystem, name, version)| self.lookup(&mut statements, ecosystem, name, version, options))
            .collect()
    }

    fn lookup<'c>(
        &'c self,
        statements: &mut Statements<'c>,
        ecosystem: &str,
        name: &str,
        version: &str,
        options: QueryOptions,
    ) -> Result<Vec<Match>, DbError> {
        let (base, full) = split_ecosystem(ecosystem);
        let norm = normalize_name(&base, name);
        let version = version.trim();
        let with_release = full != base;
        let key = format!("{base}\0{norm}");
        let Some(entries) = self.entries(statements, &key, &norm, &base)? else { return Ok(Vec::new()) };

        let mut hits: Vec<Hit> = Vec::new();
        let mut cache = matching::ParsedCache::default();
        for e in entries.iter() {
            if with_release && e.ecosystem != full {
                continue;
            }
            if e.informational.is_some() && !options.informational {
                continue;
            }
            let entry = e.prepared().as_ref().map_err(|reason| DbError::Corrupt {
                path: self.path.clone(),
                record: format!("advisory row {}", e.adv),
                reason: reason.clone(),
            })?;
            let (affected, fixed) = entry.affected(version, &mut cache);
            if affected {
                hits.push(Hit {
                    fixed,
                    informational: e.informational.clone(),
                    status: e.status.clone(),
                    scheme: e.scheme,
                    adv: self.advisory(statements, e.adv)?,
                });
            }
        }
        let mut by_group: BTreeMap<i64, Vec<Hit>> = BTreeMap::new();
        for h in hits {
            by_group.entry(h.adv.group).or_default().push(h);
        }
        let mut out = Vec::with_capacity(by_group.len());
        for (_, hits) in by_group {
            out.push(assemble(hits));
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// The affected entries of a package (`key` = `base \0 norm`), `None` when
    /// the database does not name it. Cached.
    fn entries<'c>(
        &'c self,
        statements: &mut Statements<'c>,
        key: &str,
        norm: &str,
        base: &str,
    ) -> Result<Option<Arc<[Entry]>>, DbError> {
        let mut cache = self.cache.borrow_mut();
        if cache.keys.is_none() {
            cache.keys = Some(self.load_keys()?);
        }
        if !cache.keys.as_ref().is_some_and(|k| k.contains(key)) {
            return Ok(None);
        }
        if let Some(e) = cache.packages.get(key) {
            return Ok(Some(e.clone()));
        }
        let entries = self.load_entries(statements, norm, base)?;
        cache.packages.insert(key.to_owned(), entries.clone());
        Ok(Some(entries))
    }

    fn load_keys(&self) -> Result<HashSet<String>, DbError> {
        // One row per known package (written at build time).
        let mut stmt = self
            .conn
            .prepare("SELECT name, base FROM package_names")
            .map_err(self.sql("preparing the query"))?;
        let mut rows = stmt.query([]).map_err(self.sql("reading package names"))?;
        let mut keys = HashSet::new();
        let get =
            |e| DbError::Sqlite { path: self.path.clone(), doing: "reading package names".into(), source: e };
        while let Some(row) = rows.next().map_err(self.sql("reading package names"))? {
            let text = |i: usize| -> Result<&str, DbError> {
                row.get_ref(i).and_then(|v| v.as_str().map_err(rusqlite::Error::from)).map_err(get)
            };
            let (name, base) = (text(0)?, text(1)?);
            let mut k = String::with_capacity(base.len() + 1 + name.len());
            k.push_str(base);
            k.push('\0');
            k.push_str(name);
            keys.insert(k);
        }
        Ok(keys)
    }

    fn load_entries<'c>(
        &'c self,
        statements: &mut Statements<'c>,
        norm: &str,
        base: &str,
    ) -> Result<Arc<[Entry]>, DbError> {
        let stmt = match &mut statements.entries {
            Some(s) => s,
            None => statements.entries.insert(
                self.conn
                    .prepare_cached(
                        "SELECT adv, ecosystem, ranges, versions, informational, status FROM affected WHERE name = ?1 AND base = ?2",
                    )
                    .map_err(self.sql("preparing the query"))?,
            ),
        };
        let mut rows = stmt.query(params![norm, base]).map_err(self.sql("querying"))?;
        let get = |e| DbError::Sqlite { path: self.path.clone(), doing: "reading a row".into(), source: e };
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(self.sql("querying"))? {
            let adv: i64 = row.get(0).map_err(get)?;
            let text = |i: usize| -> Result<Option<&str>, DbError> {
                row.get_ref(i).and_then(|v| v.as_str_or_null().map_err(rusqlite::Error::from)).map_err(get)
            };
            let ecosystem = text(1)?.unwrap_or_default().to_owned();
            let informational = text(4)?.map(str::to_owned);
            let status = text(5)?.map(str::to_owned);
            let raw = (text(2)?.map(str::to_owned), text(3)?.map(str::to_owned));
            out.push(Entry {
                adv,
                scheme: Scheme::from_osv_ecosystem(&ecosystem).ok(),
                ecosystem,
                informational,
                status,
                raw,
                body: std::cell::OnceCell::new(),
            });
        }
        Ok(out.into())
    }

    /// An advisory's and its problem's columns, decoded. Cached.
    fn advisory<'c>(&'c self, statements: &mut Statements<'c>, adv: i64) -> Result<Arc<Advisory>, DbError> {
        if let Some(a) = self.cache.borrow().advisories.get(&adv) {
            return Ok(a.clone());
        }
        let stmt = match &mut statements.advisory {
            Some(s) => s,
            None => statements.advisory.insert(
                self.conn
                    .prepare_cached(
                        "SELECT d.group_id, d.id, d.summary, d.severity, d.db_severity, d.refs, d.published, \
                         d.modified, p.primary_id, p.ids, p.kev \
                         FROM advisories d JOIN problems p ON p.group_id = d.group_id WHERE d.adv = ?1",
                    )
                    .map_err(self.sql("preparing the query"))?,
            ),
        };
        #[allow(clippy::type_complexity)]
        let row: (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            String,
            bool,
        ) = stmt
            .query_row([adv], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get::<_, i64>(10)? != 0,
                ))
            })
            .map_err(self.sql("reading an advisory"))?;
        let (group, id, summary, severity, db_severity, refs, published, modified, primary, ids, kev) = row;
        let corrupt = |what: &str, e: serde_json::Error| DbError::Corrupt {
            path: self.path.clone(),
            record: primary.clone(),
            reason: format!("{what}: {e}"),
        };
        let ids: Vec<String> = serde_json::from_str(&ids).map_err(|e| corrupt("ids", e))?;
        let mut aliases: Vec<String> = ids.into_iter().filter(|i| *i != primary).collect();
        aliases.sort();
        aliases.dedup();
        let severity: Vec<(String, String)> = match &severity {
            Some(t) => serde_json::from_str(t).map_err(|e| corrupt("severity", e))?,
            None => Vec::new(),
        };
        let refs: Vec<String> = match &refs {
            Some(t) => serde_json::from_str(t).map_err(|e| corrupt("references", e))?,
            None => Vec::new(),
        };
        let a = Arc::new(Advisory {
            group,
            id,
            summary,
            severity,
            db_severity,
            refs,
            published,
            modified,
            primary,
            aliases,
            kev,
        });
        self.cache.borrow_mut().advisories.insert(adv, a.clone());
        Ok(a)
    }

    /// Whether a CVE id is in the CISA KEV catalogue.
    pub fn is_kev(&self, cve: &str) -> Result<bool, DbError> {
        self.conn
            .query_row("SELECT 1 FROM kev WHERE cve = ?1", [cve.trim()], |_| Ok(()))
            .optional()
            .map(|o| o.is_some())
            .map_err(self.sql("reading kev"))
    }
}

fn assemble(mut hits: Vec<Hit>) -> Match {
    hits.sort_by(|a, b| a.adv.id.cmp(&b.adv.id));
    let first = &hits[0].adv;
    let primary = first.primary.clone();
    let mut m = Match {
        id: primary.clone(),
        aliases: first.aliases.clone(),
        summary: None,
        severity: Vec::new(),
        database_severity: None,
        fixed_versions: Vec::new(),
        kev: first.kev,
        references: Vec::new(),
        published: None,
        modified: None,
        advisories: Vec::new(),
        informational: None,
        status: None,
    };
    let mut summaries: Vec<(bool, &str, &str)> = Vec::new();
    let mut seen_adv: Vec<&str> = Vec::new();
    for h in &hits {
        let a = &h.adv;
        if seen_adv.contains(&a.id.as_str()) {
            continue; // a second affected entry of the same advisory
        }
        seen_adv.push(&a.id);
        if let Some(s) = &a.summary {
            summaries.push((a.id != primary, &a.id, s));
        }
        for s in &a.severity {
            if !m.severity.contains(s) {
                m.severity.push(s.clone());
            }
        }
        if m.database_severity.is_none() {
            m.database_severity = a.db_severity.clone();
        }
        for r in &a.refs {
            if !m.references.contains(r) {
                m.references.push(r.clone());
            }
        }
        if let Some(p) = &a.published
            && m.published.as_ref().is_none_or(|cur| p < cur)
        {
            m.published = Some(p.clone());
        }
        if let Some(d) = &a.modified
            && m.modified.as_ref().is_none_or(|cur| d > cur)
        {
            m.modified = Some(d.clone());
        }
        m.advisories.push(a.id.clone());
    }
    summaries.sort();
    m.summary = summaries.first().map(|(_, _, s)| (*s).to_owned());

    let scheme = hits.iter().find_map(|h| h.scheme);
    let mut fixed: Vec<String> = hits.iter().flat_map(|h| h.fixed.iter().cloned()).collect();
    matching::sort_versions(scheme, &mut fixed);
    m.fixed_versions = fixed;
    if m.fixed_versions.is_empty() {
        // the most final state stated by a matching entry
        let rank = |s: &str| match s {
            "end_of_life" => 0,
            "will_not_fix" => 1,
            "fix_deferred" => 2,
            _ => 3,
        };
        m.status = hits.iter().filter_map(|h| h.status.as_deref()).min_by_key(|s| rank(s)).map(str::to_owned);
    }
    if hits.iter().all(|h| h.informational.is_some()) {
        m.informational = hits.iter().find_map(|h| h.informational.clone());
    }
    m
}

/// An SQLite `file:` URI for `path` with `query` parameters.
fn sqlite_uri(path: &Path, query: &str) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file:");
    // `C:/x` → `file:///C:/x`
    if text.as_bytes().get(1) == Some(&b':') {
        out.push_str("///");
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push('?');
    out.push_str(query);
    out
}
