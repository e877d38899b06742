//! Reading the database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rampart_versions::Scheme;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::DbError;
use crate::build::SourceStats;
use crate::matching::{self, StoredRanges};
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
pub struct VulnDb {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for VulnDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulnDb").field("path", &self.path).finish()
    }
}

/// A matching affected row: advisory rowid, fixed versions above, informational kind, scheme.
type RowHit = (i64, Vec<String>, Option<String>, Option<Scheme>);

/// One matching affected entry, with its advisory's and problem's columns.
struct Hit {
    group: i64,
    fixed: Vec<String>,
    informational: Option<String>,
    scheme: Option<Scheme>,
    id: String,
    summary: Option<String>,
    severity: Option<String>,
    db_severity: Option<String>,
    refs: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    primary: String,
    ids: String,
    kev: bool,
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
        Ok(VulnDb { conn, path: path.to_path_buf() })
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
        let (base, full) = split_ecosystem(ecosystem);
        let norm = normalize_name(&base, name);
        let version = version.trim();
        let with_release = full != base;
        // Two steps: the package's affected rows (one index probe), then the
        // advisory and problem of each matching row by rowid. One three-table
        // join costs ~30 µs even when nothing matches; this costs ~7 µs.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT adv, ecosystem, ranges, versions, informational FROM affected WHERE name = ?1 AND base = ?2",
            )
            .map_err(self.sql("preparing the query"))?;
        let mut rows = stmt.query(params![norm, base]).map_err(self.sql("querying"))?;
        let mut matched: Vec<RowHit> = Vec::new();
        let mut cache = matching::ParsedCache::default();
        let get = |e| DbError::Sqlite { path: self.path.clone(), doing: "reading a row".into(), source: e };
        while let Some(row) = rows.next().map_err(self.sql("querying"))? {
            let adv: i64 = row.get(0).map_err(get)?;
            let text = |i: usize| -> Result<Option<&str>, DbError> {
                row.get_ref(i).and_then(|v| v.as_str_or_null().map_err(rusqlite::Error::from)).map_err(get)
            };
            let eco = text(1)?.unwrap_or_default();
            if with_release && eco != full {
                continue;
            }
            let informational = text(4)?;
            if informational.is_some() && !options.informational {
                continue;
            }
            let corrupt = |what: &str, e: serde_json::Error| DbError::Corrupt {
                path: self.path.clone(),
                record: format!("advisory row {adv}"),
                reason: format!("{what}: {e}"),
            };
            let ranges = match text(2)? {
                Some(t) => {
                    serde_json::from_str::<StoredRanges>(t).map_err(|e| corrupt("ranges", e))?.decode()
                }
                None => Vec::new(),
            };
            let versions: Vec<String> = match text(3)? {
                Some(t) => serde_json::from_str(t).map_err(|e| corrupt("versions", e))?,
                None => Vec::new(),
            };
            let (affected, fixed) =
                matching::affected_entry_cached(eco, &ranges, &versions, version, &mut cache);
            if affected {
                matched.push((
                    adv,
                    fixed,
                    informational.map(str::to_owned),
                    Scheme::from_osv_ecosystem(eco).ok(),
                ));
            }
        }
        drop(rows);
        let mut hits: Vec<Hit> = Vec::with_capacity(matched.len());
        if !matched.is_empty() {
            let mut adv_stmt = self
                .conn
                .prepare_cached(
                    "SELECT d.group_id, d.id, d.summary, d.severity, d.db_severity, d.refs, d.published, d.modified, \
                     p.primary_id, p.ids, p.kev \
                     FROM advisories d JOIN problems p ON p.group_id = d.group_id WHERE d.adv = ?1",
                )
                .map_err(self.sql("preparing the query"))?;
            for (adv, fixed, informational, scheme) in matched {
                let hit = adv_stmt
                    .query_row([adv], |r| {
                        Ok(Hit {
                            group: r.get(0)?,
                            fixed,
                            informational,
                            scheme,
                            id: r.get(1)?,
                            summary: r.get(2)?,
                            severity: r.get(3)?,
                            db_severity: r.get(4)?,
                            refs: r.get(5)?,
                            published: r.get(6)?,
                            modified: r.get(7)?,
                            primary: r.get(8)?,
                            ids: r.get(9)?,
                            kev: r.get::<_, i64>(10)? != 0,
                        })
                    })
                    .map_err(self.sql("reading an advisory"))?;
                hits.push(hit);
            }
        }
        let mut by_group: BTreeMap<i64, Vec<Hit>> = BTreeMap::new();
        for h in hits {
            by_group.entry(h.group).or_default().push(h);
        }
        let mut out = Vec::with_capacity(by_group.len());
        for (_, hits) in by_group {
            out.push(self.assemble(hits)?);
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    fn assemble(&self, mut hits: Vec<Hit>) -> Result<Match, DbError> {
        hits.sort_by(|a, b| a.id.cmp(&b.id));
        let primary = hits[0].primary.clone();
        let corrupt = |what: &str, e: serde_json::Error| DbError::Corrupt {
            path: self.path.clone(),
            record: primary.clone(),
            reason: format!("{what}: {e}"),
        };
        let ids: Vec<String> = serde_json::from_str(&hits[0].ids).map_err(|e| corrupt("ids", e))?;
        let mut aliases: Vec<String> = ids.into_iter().filter(|i| *i != primary).collect();
        aliases.sort();
        aliases.dedup();
        let mut m = Match {
            id: primary.clone(),
            aliases,
            summary: None,
            severity: Vec::new(),
            database_severity: None,
            fixed_versions: Vec::new(),
            kev: hits[0].kev,
            references: Vec::new(),
            published: None,
            modified: None,
            advisories: Vec::new(),
            informational: None,
        };
        let mut summaries: Vec<(bool, &str, &str)> = Vec::new();
        let mut seen_adv: Vec<&str> = Vec::new();
        for h in &hits {
            if seen_adv.contains(&h.id.as_str()) {
                continue; // a second affected entry of the same advisory
            }
            seen_adv.push(&h.id);
            if let Some(s) = &h.summary {
                summaries.push((h.id != primary, &h.id, s));
            }
            if let Some(t) = &h.severity {
                let sev: Vec<(String, String)> =
                    serde_json::from_str(t).map_err(|e| corrupt("severity", e))?;
                for s in sev {
                    if !m.severity.contains(&s) {
                        m.severity.push(s);
                    }
                }
            }
            if m.database_severity.is_none() {
                m.database_severity = h.db_severity.clone();
            }
            if let Some(t) = &h.refs {
                let refs: Vec<String> = serde_json::from_str(t).map_err(|e| corrupt("references", e))?;
                for r in refs {
                    if !m.references.contains(&r) {
                        m.references.push(r);
                    }
                }
            }
            if let Some(p) = &h.published
                && m.published.as_ref().is_none_or(|cur| p < cur)
            {
                m.published = Some(p.clone());
            }
            if let Some(d) = &h.modified
                && m.modified.as_ref().is_none_or(|cur| d > cur)
            {
                m.modified = Some(d.clone());
            }
            m.advisories.push(h.id.clone());
        }
        summaries.sort();
        m.summary = summaries.first().map(|(_, _, s)| (*s).to_owned());

        let scheme = hits.iter().find_map(|h| h.scheme);
        let mut fixed: Vec<String> = hits.iter().flat_map(|h| h.fixed.iter().cloned()).collect();
        matching::sort_versions(scheme, &mut fixed);
        m.fixed_versions = fixed;
        if hits.iter().all(|h| h.informational.is_some()) {
            m.informational = hits.iter().find_map(|h| h.informational.clone());
        }
        Ok(m)
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
