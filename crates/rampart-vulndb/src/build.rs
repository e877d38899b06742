//! Reading the inputs and writing the database.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};
use serde::Deserialize;

use crate::DbError;
use crate::matching::{self, EventKind, Range, RangeKind, StoredRanges};
use crate::native::{self, Converted, Kind};
use crate::normalize::{normalize_name, split_ecosystem};
use crate::osv::{Format, OsvRecord};
use crate::schema;

/// Options of [`build`].
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The build time to record (RFC 3339); now when `None`. Also the reference
    /// for "a `modified` date in the future".
    pub built_at: Option<String>,
}

/// What [`build`] is doing, for a progress display.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    /// Reading a source; `files` entries read so far.
    Reading { source: &'a str, files: usize },
    /// Merging aliases into problems.
    Merging { advisories: usize },
    /// Writing rows: `done` of `total` advisories.
    Writing { done: usize, total: usize },
    /// The file is in place.
    Finished,
}

/// Counts for one input source (a zip, a folder or the KEV file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceStats {
    /// The input's name: the zip's or folder's file stem, or `kev`.
    pub name: String,
    /// `osv`, `kev`, or the native format read (`nodejs-security-wg`,
    /// `friendsofphp`, `rustsec`; `mixed` when several).
    pub kind: String,
    /// Advisory files read: `.json`/`.yaml`/`.yml`, and `.md` with TOML front matter.
    pub files: usize,
    /// Advisories stored (KEV: catalogue entries).
    pub records: usize,
    /// Withdrawn records left out.
    pub withdrawn: usize,
    /// Further copies of an id already read (identical, or merged into it).
    pub duplicates: usize,
    /// Stale duplicates under another id, left out (see [`BuildStats::superseded`]).
    pub superseded: usize,
    /// Files that could not be read as a record (see [`BuildStats::errors`]).
    pub failed: usize,
    /// Affected entries that are informational notices (stored, not matched by default).
    pub informational: usize,
    /// `GIT` ranges, not stored.
    pub git_ranges: usize,
    /// Ranges of another or no type, not stored.
    pub other_ranges: usize,
    /// Affected entries without an ecosystem or a name, not stored.
    pub no_package: usize,
    /// Range events whose version the ecosystem's scheme cannot read (ignored when matching).
    pub unreadable_events: usize,
    /// Files of a native format that hold no registry-package advisory (Node.js core,
    /// the NSWG index, Rust toolchain, HSEC), left out (see [`BuildStats::skipped`]).
    pub skipped: usize,
    /// Native records whose id an OSV source also has: the OSV copy won.
    pub fallback_overridden: usize,
}

/// A record that could not be read: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The file, `archive.zip!entry/path` inside a zip.
    pub path: String,
    pub reason: String,
}

/// What [`build`] did.
#[derive(Debug, Clone, Default)]
pub struct BuildStats {
    pub sources: Vec<SourceStats>,
    /// Advisories stored.
    pub advisories: usize,
    /// Problems (alias groups) stored.
    pub problems: usize,
    /// Affected (package) rows stored.
    pub affected_rows: usize,
    /// CVEs in the KEV catalogue.
    pub kev: usize,
    pub kev_catalog_version: Option<String>,
    /// Every unreadable record.
    pub errors: Vec<RecordError>,
    /// Every skipped file (`path`, `reason`): see [`SourceStats::skipped`].
    pub skipped: Vec<RecordError>,
    /// `(left out, kept)`: stale duplicates under another id.
    pub superseded: Vec<(String, String)>,
    /// Records whose `modified` is after the build time: `(id, modified)`.
    pub future_modified: Vec<(String, String)>,
    /// `versions[]` entries read, and those stored (not already covered by a range).
    pub versions_listed: usize,
    pub versions_stored: usize,
    pub built_at: String,
    pub elapsed: Duration,
    /// Size of the database file.
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Aff {
    ecosystem: String,
    name: String,
    ranges: Vec<Range>,
    versions: Vec<String>,
    informational: Option<String>,
    /// A distribution's fix state (`will_not_fix`, ...), when the source states one.
    status: Option<String>,
}

impl Hash for Range {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.kind == RangeKind::Ecosystem).hash(state);
        for (k, v) in &self.events {
            (*k as u8).hash(state);
            v.hash(state);
        }
    }
}

#[derive(Debug, Clone)]
struct Adv {
    id: String,
    source: usize,
    aliases: Vec<String>,
    upstream: Vec<String>,
    summary: Option<String>,
    details: Option<String>,
    severity: Vec<(String, String)>,
    db_severity: Option<String>,
    references: Vec<String>,
    published: Option<String>,
    modified: Option<String>,
    modified_trusted: bool,
    affected: Vec<Aff>,
    /// From a native fallback source (RustSec Markdown): an OSV copy of the id wins.
    fallback: bool,
}

#[derive(Deserialize)]
struct KevCatalog {
    #[serde(rename = "catalogVersion")]
    catalog_version: Option<String>,
    vulnerabilities: Vec<KevEntry>,
}

#[derive(Deserialize)]
struct KevEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(rename = "dateAdded")]
    date_added: Option<String>,
    #[serde(rename = "knownRansomwareCampaignUse")]
    ransomware: Option<String>,
}

struct Builder<'p> {
    built_at: String,
    sources: Vec<SourceStats>,
    advs: Vec<Adv>,
    by_id: HashMap<String, usize>,
    withdrawn_ids: HashSet<String>,
    kev: Vec<KevEntry>,
    stats: BuildStats,
    progress: &'p mut dyn FnMut(&Progress),
}

/// Builds the database at `out` from `inputs`: folders (walked recursively;
/// `.zip` files found inside are read too), `.zip` files, single OSV
/// `.json`/`.yaml` files, and the CISA KEV catalogue (any JSON file with
/// `catalogVersion` and `vulnerabilities[].cveID`). The file is written next
/// to `out` under a temporary name and renamed into place when complete.
pub fn build(
    inputs: &[PathBuf],
    out: &Path,
    options: &BuildOptions,
    mut progress: impl FnMut(&Progress),
) -> Result<BuildStats, DbError> {
    if inputs.is_empty() {
        return Err(DbError::NoInput);
    }
    let start = Instant::now();
    let built_at = options.built_at.clone().unwrap_or_else(now_rfc3339);
    let mut b = Builder {
        built_at,
        sources: Vec::new(),
        advs: Vec::new(),
        by_id: HashMap::new(),
        withdrawn_ids: HashSet::new(),
        kev: Vec::new(),
        stats: BuildStats::default(),
        progress: &mut progress,
    };
    for input in inputs {
        b.read_input(input)?;
    }
    b.finish_reading();
    let tmp = temp_path(out);
    let result = b.write(&tmp);
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        DbError::Io { path: out.to_path_buf(), source }
    })?;
    let mut stats = b.stats;
    stats.sources = b.sources;
    stats.built_at = b.built_at;
    stats.bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    stats.elapsed = start.elapsed();
    (b.progress)(&Progress::Finished);
    Ok(stats)
}

fn temp_path(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "vulndb".into());
    out.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

fn now_rfc3339() -> String {
    let now =
        time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DbError + '_ {
    move |source| DbError::Io { path: path.to_path_buf(), source }
}

impl Builder<'_> {
    fn read_input(&mut self, input: &Path) -> Result<(), DbError> {
        let meta = std::fs::metadata(input).map_err(io_err(input))?;
        if meta.is_dir() {
            let src = self.new_source(stem(input));
            let mut files = Vec::new();
            walk(input, &mut files)?;
            files.sort();
            for file in files {
                let lower = file.to_string_lossy().to_ascii_lowercase();
                if lower.ends_with(".zip") {
                    self.read_zip(&file)?;
                } else if Format::from_path(&lower).is_some()
                    || lower.ends_with(".md")
                    || native::is_tracker_list_name(&lower)
                {
                    let bytes = std::fs::read(&file).map_err(io_err(&file))?;
                    let rel = file.strip_prefix(input).unwrap_or(&file).to_string_lossy().replace('\\', "/");
                    self.read_file(src, &file.display().to_string(), &rel, &bytes, &file)?;
                }
            }
        } else if input.to_string_lossy().to_ascii_lowercase().ends_with(".zip") {
            self.read_zip(input)?;
        } else {
            let bytes = std::fs::read(input).map_err(io_err(input))?;
            let lower = input.to_string_lossy().to_ascii_lowercase();
            if Format::from_path(&lower).unwrap_or(Format::Json) == Format::Json && looks_like_kev(&bytes) {
                self.read_kev(input, &bytes)?;
            } else {
                let src = self.new_source(stem(input));
                // a single file without a known extension is read as OSV JSON
                let name = if Format::from_path(&lower).is_some()
                    || lower.ends_with(".md")
                    || native::is_tracker_list_name(&lower)
                {
                    input.to_string_lossy().replace('\\', "/")
                } else {
                    format!("{}.json", input.to_string_lossy())
                };
                self.read_file(src, &input.display().to_string(), &name, &bytes, input)?;
            }
        }
        Ok(())
    }

    fn new_source(&mut self, name: String) -> usize {
        let mut unique = name.clone();
        let mut n = 2;
        while self.sources.iter().any(|s| s.name == unique) {
            unique = format!("{name}-{n}");
            n += 1;
        }
        self.sources.push(SourceStats { name: unique, kind: "osv".into(), ..Default::default() });
        self.sources.len() - 1
    }

    fn read_zip(&mut self, path: &Path) -> Result<(), DbError> {
        let file = std::fs::File::open(path).map_err(io_err(path))?;
        let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
            .map_err(|source| DbError::Zip { path: path.to_path_buf(), source })?;
        let src = self.new_source(stem(path));
        let mut buf = Vec::new();
        for i in 0..zip.len() {
            let mut entry = match zip.by_index(i) {
                Ok(e) => e,
                Err(e) => {
                    self.fail(src, format!("{}!#{i}", path.display()), format!("zip entry: {e}"));
                    continue;
                }
            };
            if entry.is_dir() {
                continue;
            }
            let name = entry.name().to_owned();
            let lower = name.to_ascii_lowercase();
            if Format::from_path(&lower).is_none()
                && !lower.ends_with(".md")
                && !native::is_tracker_list_name(&lower)
            {
                continue;
            }
            buf.clear();
            let shown = format!("{}!{name}", path.display());
            if let Err(e) = entry.read_to_end(&mut buf) {
                self.sources[src].files += 1;
                self.fail(src, shown, format!("zip entry unreadable: {e}"));
                continue;
            }
            drop(entry);
            let bytes = std::mem::take(&mut buf);
            self.read_file(src, &shown, &name, &bytes, path)?;
            buf = bytes;
        }
        Ok(())
    }

    fn fail(&mut self, src: usize, path: String, reason: String) {
        self.sources[src].failed += 1;
        self.stats.errors.push(RecordError { path, reason });
    }

    fn read_file(
        &mut self,
        src: usize,
        shown: &str,
        name: &str,
        bytes: &[u8],
        container: &Path,
    ) -> Result<(), DbError> {
        let kind = Kind::detect(name, bytes);
        if kind == Kind::Ignored {
            return Ok(());
        }
        if kind == Kind::Osv(Format::Json) && looks_like_kev(bytes) {
            return self.read_kev(container, bytes);
        }
        self.sources[src].files += 1;
        let files = self.sources[src].files;
        if files.is_multiple_of(500) {
            let name = self.sources[src].name.clone();
            (self.progress)(&Progress::Reading { source: &name, files });
        }
        if let Kind::Osv(fmt) = kind {
            match OsvRecord::parse(bytes, fmt) {
                Ok(rec) => self.add_record(src, rec, false),
                Err(e) => self.fail(src, shown.to_owned(), e.0),
            }
            return Ok(());
        }
        let source_kind = kind.source_kind();
        let s = &mut self.sources[src];
        if s.kind == "osv" && s.files == 1 {
            s.kind = source_kind.into();
        } else if s.kind != source_kind {
            s.kind = "mixed".into();
        }
        match native::convert(kind, name, bytes) {
            Ok(Converted::Record { record, fallback }) => self.add_record(src, *record, fallback),
            Ok(Converted::Records { records, errors }) => {
                for e in errors {
                    self.fail(src, shown.to_owned(), e);
                }
                for record in records {
                    self.add_record(src, record, false);
                }
            }
            Ok(Converted::Skipped(why)) => {
                self.sources[src].skipped += 1;
                self.stats.skipped.push(RecordError { path: shown.to_owned(), reason: why.to_owned() });
            }
            Err(e) => self.fail(src, shown.to_owned(), e.0),
        }
        Ok(())
    }

    fn read_kev(&mut self, path: &Path, bytes: &[u8]) -> Result<(), DbError> {
        let cat: KevCatalog = serde_json::from_slice(bytes)
            .map_err(|e| DbError::Kev { path: path.to_path_buf(), reason: e.to_string() })?;
        let src = self.new_source("kev".into());
        self.sources[src].kind = "kev".into();
        self.sources[src].files = 1;
        self.sources[src].records = cat.vulnerabilities.len();
        self.stats.kev_catalog_version = cat.catalog_version;
        self.kev.extend(cat.vulnerabilities);
        Ok(())
    }

    fn add_record(&mut self, src: usize, rec: OsvRecord, fallback: bool) {
        let id = rec.id.trim().to_owned();
        if rec.withdrawn.as_deref().is_some_and(|w| !w.trim().is_empty()) {
            self.sources[src].withdrawn += 1;
            self.withdrawn_ids.insert(id);
            return;
        }
        let mut adv = self.convert(src, rec);
        adv.fallback = fallback;
        match self.by_id.get(&adv.id) {
            None => {
                self.by_id.insert(adv.id.clone(), self.advs.len());
                self.advs.push(adv);
            }
            Some(&i) => {
                self.sources[src].duplicates += 1;
                let existing = &mut self.advs[i];
                match (existing.fallback, adv.fallback) {
                    (false, true) => {
                        self.sources[adv.source].fallback_overridden += 1;
                        fill_from_fallback(existing, adv);
                    }
                    (true, false) => {
                        let old = std::mem::replace(existing, adv);
                        self.sources[old.source].fallback_overridden += 1;
                        fill_from_fallback(existing, old);
                    }
                    _ => merge(existing, adv),
                }
            }
        }
    }

    fn convert(&mut self, src: usize, rec: OsvRecord) -> Adv {
        let stats = &mut self.sources[src];
        let mut affected = Vec::new();
        let mut severity: Vec<(String, String)> = Vec::new();
        for s in rec.severity.iter().flatten() {
            if let (Some(k), Some(v)) = (&s.kind, &s.score) {
                push_unique(&mut severity, (k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        for a in rec.affected.iter().flatten() {
            for s in a.severity.iter().flatten() {
                if let (Some(k), Some(v)) = (&s.kind, &s.score) {
                    push_unique(&mut severity, (k.trim().to_owned(), v.trim().to_owned()));
                }
            }
            let informational = a.informational();
            let pkg = a.package.as_ref();
            let eco = pkg.and_then(|p| p.ecosystem.as_deref()).map(str::trim).filter(|s| !s.is_empty());
            let name = pkg.and_then(|p| p.name.as_deref()).map(str::trim).filter(|s| !s.is_empty());
            let mut ranges = Vec::new();
            for r in a.ranges.iter().flatten() {
                let kind = match r.kind.as_deref().map(str::trim) {
                    Some("ECOSYSTEM") => RangeKind::Ecosystem,
                    Some("SEMVER") => RangeKind::Semver,
                    Some("GIT") => {
                        stats.git_ranges += 1;
                        continue;
                    }
                    _ => {
                        stats.other_ranges += 1;
                        continue;
                    }
                };
                let mut events = Vec::new();
                for e in r.events.iter().flatten() {
                    let pairs = [
                        (EventKind::Introduced, &e.introduced),
                        (EventKind::Fixed, &e.fixed),
                        (EventKind::LastAffected, &e.last_affected),
                        (EventKind::Limit, &e.limit),
                    ];
                    for (k, v) in pairs {
                        if let Some(v) = v {
                            events.push((k, v.trim().to_owned()));
                        }
                    }
                }
                ranges.push(Range { kind, events });
            }
            let (Some(eco), Some(name)) = (eco, name) else {
                stats.no_package += 1;
                continue;
            };
            if informational.is_some() {
                stats.informational += 1;
            }
            let versions: Vec<String> =
                a.versions.iter().flatten().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect();
            let (_, full) = split_ecosystem(eco);
            // count unreadable events once, at build time
            for r in &ranges {
                if let Some(scheme) = matching::range_scheme(r.kind, &full) {
                    stats.unreadable_events += r
                        .events
                        .iter()
                        .filter(|(k, v)| {
                            !((*k == EventKind::Introduced && v == "0")
                                || (*k == EventKind::Limit && v == "*"))
                                && scheme.parse(v).is_err()
                        })
                        .count();
                }
            }
            let status = a.fix_state();
            affected.push(Aff {
                ecosystem: full,
                name: name.to_owned(),
                ranges,
                versions,
                informational,
                status,
            });
        }
        let modified = clean_date(rec.modified.as_deref());
        let modified_trusted = match &modified {
            Some(m) if m.get(..19).unwrap_or(m) > self.built_at.get(..19).unwrap_or(&self.built_at) => {
                self.stats.future_modified.push((rec.id.trim().to_owned(), m.clone()));
                false
            }
            Some(_) => true,
            None => false,
        };
        let db_severity = rec.database_severity();
        let mut references = Vec::new();
        for r in rec.references.iter().flatten() {
            if let Some(u) = r.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                push_unique(&mut references, u.to_owned());
            }
        }
        let clean_ids = |v: Option<Vec<String>>| -> Vec<String> {
            let mut out: Vec<String> =
                v.into_iter().flatten().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
            out.sort();
            out.dedup();
            out
        };
        // Distribution notices (AlmaLinux ALSA) name the CVEs they fix in `related`:
        // for records about OS packages only, those CVE ids are read as `upstream`.
        let mut upstream = rec.upstream;
        if !affected.is_empty() && affected.iter().all(|a| is_os_ecosystem(&a.ecosystem)) {
            let related = rec.related.into_iter().flatten().filter(|r| r.trim().starts_with("CVE-"));
            upstream.get_or_insert_with(Vec::new).extend(related);
        }
        Adv {
            id: rec.id.trim().to_owned(),
            source: src,
            aliases: clean_ids(rec.aliases),
            upstream: clean_ids(upstream),
            summary: rec.summary.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
            details: rec.details,
            severity,
            db_severity,
            references,
            published: clean_date(rec.published.as_deref()),
            modified,
            modified_trusted,
            affected,
            fallback: false,
        }
    }

    /// Drops withdrawn ids and stale duplicates.
    fn finish_reading(&mut self) {
        // a withdrawal wins over any other copy of the id
        let withdrawn = std::mem::take(&mut self.withdrawn_ids);
        self.advs.retain(|a| !withdrawn.contains(&a.id));
        // stale duplicates: a placeholder id (last number all zeros, RustSec's
        // pre-assignment `RUSTSEC-2025-0000`) whose details, affected entries and
        // aliases equal those of another record of the same source. Distinct ids
        // with equal content (AlmaLinux re-issues) are distinct advisories: kept.
        let mut drop = vec![false; self.advs.len()];
        let mut by_key: HashMap<u64, Vec<usize>> = HashMap::new();
        let key_of = |a: &Adv| {
            let mut h = DefaultHasher::new();
            (a.source, &a.details, &a.affected, &a.aliases).hash(&mut h);
            h.finish()
        };
        for (i, a) in self.advs.iter().enumerate() {
            if !is_placeholder_id(&a.id) {
                by_key.entry(key_of(a)).or_default().push(i);
            }
        }
        for (i, a) in self.advs.iter().enumerate() {
            if !is_placeholder_id(&a.id) || a.affected.is_empty() {
                continue;
            }
            let twin = by_key.get(&key_of(a)).into_iter().flatten().copied().find(|&j| {
                let b = &self.advs[j];
                b.source == a.source
                    && b.details == a.details
                    && b.affected == a.affected
                    && b.aliases == a.aliases
            });
            if let Some(j) = twin {
                drop[i] = true;
                self.sources[a.source].superseded += 1;
                self.stats.superseded.push((a.id.clone(), self.advs[j].id.clone()));
            }
        }
        let mut k = 0;
        self.advs.retain(|_| {
            k += 1;
            !drop[k - 1]
        });
        self.stats.superseded.sort();
        self.advs.sort_by(|a, b| a.id.cmp(&b.id));
        for a in &self.advs {
            self.sources[a.source].records += 1;
        }
    }

    fn write(&mut self, tmp: &Path) -> Result<(), DbError> {
        let _ = std::fs::remove_file(tmp);
        let sql = |doing: &str| {
            let doing = doing.to_owned();
            move |source| DbError::Sqlite { path: tmp.to_path_buf(), doing, source }
        };
        let mut conn = Connection::open(tmp).map_err(sql("creating the database"))?;
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096; PRAGMA temp_store = MEMORY;",
        )
        .map_err(sql("setting pragmas"))?;
        conn.execute_batch(schema::CREATE).map_err(sql("creating tables"))?;

        (self.progress)(&Progress::Merging { advisories: self.advs.len() });
        let groups = self.group();
        let kev_set: HashSet<&str> = self.kev.iter().map(|k| k.cve_id.trim()).collect();

        let tx = conn.transaction().map_err(sql("starting the transaction"))?;
        {
            let mut meta = tx.prepare("INSERT INTO meta VALUES (?1, ?2)").map_err(sql("preparing meta"))?;
            for (k, v) in [
                ("schema_version", schema::SCHEMA_VERSION.to_string()),
                ("built_at", self.built_at.clone()),
                ("kev_catalog_version", self.stats.kev_catalog_version.clone().unwrap_or_default()),
                ("generator", format!("rampart-vulndb {}", env!("CARGO_PKG_VERSION"))),
                ("advisory_count", self.advs.len().to_string()),
                ("problem_count", groups.problems.len().to_string()),
            ] {
                meta.execute(params![k, v]).map_err(sql("writing meta"))?;
            }

            let mut prob =
                tx.prepare("INSERT INTO problems VALUES (?1, ?2, ?3, ?4)").map_err(sql("preparing"))?;
            for (gid, g) in groups.problems.iter().enumerate() {
                let kev = g.ids.iter().any(|id| kev_set.contains(id.as_str()));
                let ids = serde_json::to_string(&g.ids).unwrap_or_default();
                prob.execute(params![gid as i64, g.primary, ids, kev as i64])
                    .map_err(sql("writing problems"))?;
            }

            let mut adv_stmt = tx
                .prepare("INSERT INTO advisories VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
                .map_err(sql("preparing"))?;
            let mut aff_stmt = tx
                .prepare("INSERT INTO affected VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                .map_err(sql("preparing"))?;
            let total = self.advs.len();
            for (i, a) in self.advs.iter().enumerate() {
                if i.is_multiple_of(2000) {
                    (self.progress)(&Progress::Writing { done: i, total });
                }
                let summary = a.summary.clone().or_else(|| a.details.as_deref().and_then(first_line));
                let severity =
                    (!a.severity.is_empty()).then(|| serde_json::to_string(&a.severity).unwrap_or_default());
                let refs = (!a.references.is_empty())
                    .then(|| serde_json::to_string(&a.references).unwrap_or_default());
                adv_stmt
                    .execute(params![
                        i as i64,
                        a.id,
                        groups.of_adv[i] as i64,
                        self.sources[a.source].name,
                        summary,
                        severity,
                        a.db_severity,
                        refs,
                        a.published,
                        a.modified
                    ])
                    .map_err(sql("writing advisories"))?;
                for aff in &a.affected {
                    let (base, full) = split_ecosystem(&aff.ecosystem);
                    let name = normalize_name(&base, &aff.name);
                    self.stats.versions_listed += aff.versions.len();
                    let extra: Vec<&String> = aff
                        .versions
                        .iter()
                        .filter(|v| !matching::affected_entry(&full, &aff.ranges, &[], v).0)
                        .collect();
                    self.stats.versions_stored += extra.len();
                    let ranges = (!aff.ranges.is_empty()).then(|| {
                        serde_json::to_string(&StoredRanges::encode(&aff.ranges)).unwrap_or_default()
                    });
                    let versions =
                        (!extra.is_empty()).then(|| serde_json::to_string(&extra).unwrap_or_default());
                    aff_stmt
                        .execute(params![
                            i as i64,
                            base,
                            full,
                            name,
                            ranges,
                            versions,
                            aff.informational,
                            aff.status
                        ])
                        .map_err(sql("writing affected"))?;
                    self.stats.affected_rows += 1;
                }
            }

            let mut kev_stmt =
                tx.prepare("INSERT OR IGNORE INTO kev VALUES (?1, ?2, ?3)").map_err(sql("preparing"))?;
            for k in &self.kev {
                kev_stmt
                    .execute(params![k.cve_id.trim(), k.date_added, k.ransomware])
                    .map_err(sql("writing kev"))?;
            }
            self.stats.kev = kev_set.len();

            let mut src_stmt = tx
                .prepare(
                    "INSERT INTO sources VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                )
                .map_err(sql("preparing"))?;
            for s in &self.sources {
                src_stmt
                    .execute(params![
                        s.name,
                        s.kind,
                        s.files as i64,
                        s.records as i64,
                        s.withdrawn as i64,
                        s.duplicates as i64,
                        s.superseded as i64,
                        s.failed as i64,
                        s.informational as i64,
                        s.git_ranges as i64,
                        s.other_ranges as i64,
                        s.no_package as i64,
                        s.unreadable_events as i64,
                        s.skipped as i64,
                        s.fallback_overridden as i64
                    ])
                    .map_err(sql("writing sources"))?;
            }
        }
        tx.commit().map_err(sql("committing"))?;
        conn.execute_batch(schema::INDEXES).map_err(sql("creating indexes"))?;
        conn.execute_batch(&format!(
            "PRAGMA user_version = {}; PRAGMA application_id = {}; ANALYZE;",
            schema::SCHEMA_VERSION,
            schema::APPLICATION_ID
        ))
        .map_err(sql("finishing"))?;
        conn.close().map_err(|(_, source)| DbError::Sqlite {
            path: tmp.to_path_buf(),
            doing: "closing".into(),
            source,
        })?;
        self.stats.advisories = self.advs.len();
        self.stats.problems = groups.problems.len();
        Ok(())
    }

    /// Union-find over ids, aliases and single upstream ids.
    fn group(&self) -> Groups {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut parent: Vec<usize> = Vec::new();
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        let mut adv_node = Vec::with_capacity(self.advs.len());
        for a in &self.advs {
            let mut ids: Vec<&str> = vec![a.id.as_str()];
            ids.extend(a.aliases.iter().map(String::as_str));
            if a.upstream.len() == 1 {
                ids.push(a.upstream[0].as_str());
            }
            let mut first = None;
            for id in ids {
                let n = match index.get(id) {
                    Some(&n) => n,
                    None => {
                        let n = parent.len();
                        parent.push(n);
                        index.insert(id, n);
                        n
                    }
                };
                match first {
                    None => first = Some(n),
                    Some(f) => {
                        let (ra, rb) = (find(&mut parent, f), find(&mut parent, n));
                        if ra != rb {
                            parent[rb] = ra;
                        }
                    }
                }
            }
            adv_node.push(first.unwrap_or(0));
        }
        // members per root
        let mut members: HashMap<usize, BTreeSet<String>> = HashMap::new();
        let mut records: HashMap<usize, BTreeSet<&str>> = HashMap::new();
        for (i, a) in self.advs.iter().enumerate() {
            let root = find(&mut parent, adv_node[i]);
            let m = members.entry(root).or_default();
            m.insert(a.id.clone());
            m.extend(a.aliases.iter().cloned());
            m.extend(a.upstream.iter().cloned());
            records.entry(root).or_default().insert(a.id.as_str());
        }
        let mut problems: Vec<(usize, Problem)> = members
            .into_iter()
            .map(|(root, ids)| {
                let cve = ids.iter().filter(|i| i.starts_with("CVE-")).min_by_key(|i| cve_key(i)).cloned();
                let primary = cve.unwrap_or_else(|| {
                    records[&root].iter().next().map(|s| s.to_string()).unwrap_or_default()
                });
                (root, Problem { primary, ids: ids.into_iter().collect() })
            })
            .collect();
        problems.sort_by(|a, b| a.1.primary.cmp(&b.1.primary).then_with(|| a.1.ids.cmp(&b.1.ids)));
        let gid: HashMap<usize, usize> =
            problems.iter().enumerate().map(|(g, (root, _))| (*root, g)).collect();
        let of_adv = (0..self.advs.len()).map(|i| gid[&find(&mut parent, adv_node[i])]).collect();
        Groups { problems: problems.into_iter().map(|(_, p)| p).collect(), of_adv }
    }
}

struct Problem {
    primary: String,
    ids: Vec<String>,
}

struct Groups {
    problems: Vec<Problem>,
    of_adv: Vec<usize>,
}

/// An ecosystem of distribution packages (deb, apk, rpm version schemes).
fn is_os_ecosystem(ecosystem: &str) -> bool {
    matches!(
        rampart_versions::Scheme::from_osv_ecosystem(ecosystem),
        Ok(rampart_versions::Scheme::Debian
            | rampart_versions::Scheme::Alpine
            | rampart_versions::Scheme::Rpm)
    )
}

/// `RUSTSEC-2025-0000`: an id whose last part is a number made of zeros.
fn is_placeholder_id(id: &str) -> bool {
    id.rsplit(['-', ':']).next().is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b == b'0'))
}

/// `CVE-2021-1234` sorts before `CVE-2021-10000`.
fn cve_key(id: &str) -> (u64, u64, String) {
    let mut parts = id.split('-').skip(1);
    let year = parts.next().and_then(|p| p.parse().ok()).unwrap_or(u64::MAX);
    let num = parts.next().and_then(|p| p.parse().ok()).unwrap_or(u64::MAX);
    (year, num, id.to_owned())
}

fn merge(into: &mut Adv, other: Adv) {
    let other_newer = other.modified_trusted
        && (!into.modified_trusted || other.modified.as_deref() > into.modified.as_deref());
    for a in other.aliases {
        if !into.aliases.contains(&a) {
            into.aliases.push(a);
        }
    }
    into.aliases.sort();
    for u in other.upstream {
        if !into.upstream.contains(&u) {
            into.upstream.push(u);
        }
    }
    into.upstream.sort();
    for r in other.references {
        push_unique(&mut into.references, r);
    }
    for s in other.severity {
        push_unique(&mut into.severity, s);
    }
    for a in other.affected {
        push_unique(&mut into.affected, a);
    }
    if other_newer {
        into.summary = other.summary.or(into.summary.take());
        into.details = other.details.or(into.details.take());
        into.db_severity = other.db_severity.or(into.db_severity.take());
        into.published = other.published.or(into.published.take());
        into.modified = other.modified;
        into.modified_trusted = true;
    }
}

/// An OSV copy (`into`) and a native fallback copy of the same id: the OSV
/// copy wins; the fallback adds aliases, references and severities, and
/// fills fields (and affected entries) the OSV copy lacks.
fn fill_from_fallback(into: &mut Adv, fallback: Adv) {
    for a in fallback.aliases {
        if !into.aliases.contains(&a) {
            into.aliases.push(a);
        }
    }
    into.aliases.sort();
    for r in fallback.references {
        push_unique(&mut into.references, r);
    }
    if into.severity.is_empty() {
        into.severity = fallback.severity;
    }
    if into.affected.is_empty() {
        into.affected = fallback.affected;
    }
    into.summary = into.summary.take().or(fallback.summary);
    into.details = into.details.take().or(fallback.details);
    into.published = into.published.take().or(fallback.published);
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// Absent for empty strings and Go's `0001-01-01T00:00:00Z`.
fn clean_date(d: Option<&str>) -> Option<String> {
    let d = d?.trim();
    if d.is_empty() || d.starts_with("0001-01-01") || d.starts_with("0000-") {
        None
    } else {
        Some(d.to_owned())
    }
}

fn first_line(details: &str) -> Option<String> {
    let line = details.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = line.trim_start_matches('#').trim();
    if line.is_empty() {
        return None;
    }
    Some(if line.chars().count() > 200 {
        line.chars().take(199).collect::<String>() + "…"
    } else {
        line.to_owned()
    })
}

/// The catalogue itself, not its JSON schema (which names the same keys): a `cveID` key must
/// hold a CVE id.
fn looks_like_kev(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    memfind(head, b"\"catalogVersion\"") && has_cve_id_value(bytes)
}

fn has_cve_id_value(bytes: &[u8]) -> bool {
    let key = b"\"cveID\"";
    let mut rest = bytes;
    while let Some(at) = rest.windows(key.len()).position(|w| w == key) {
        let after = &rest[at + key.len()..];
        let value = after.iter().position(|b| !b" \t\r\n:".contains(b)).map(|i| &after[i..]);
        if value.is_some_and(|v| v.starts_with(b"\"CVE-")) {
            return true;
        }
        rest = after;
    }
    false
}

fn memfind(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DbError> {
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let path = entry.path();
        let ft = entry.file_type().map_err(io_err(&path))?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if ft.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod kev_detection_tests {
    use super::looks_like_kev;

    #[test]
    fn the_catalogue_is_kev_its_schema_is_not() {
        assert!(looks_like_kev(
            br#"{"catalogVersion": "2025.08.25", "vulnerabilities": [{"cveID": "CVE-2021-44228"}]}"#
        ));
        assert!(!looks_like_kev(
            br#"{"$schema": "x", "properties": {"catalogVersion": {"type": "string"}, "cveID": {"type": "string"}}}"#
        ));
    }
}
