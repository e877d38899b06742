//! `rampart db`: build and inspect the local advisory database.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use rampart_vulndb::{BuildOptions, Progress, VulnDb};

use crate::{DbArg, exit, progress::Bar};

#[derive(Subcommand)]
pub enum DbCommand {
    /// Build the database from OSV exports (folders or `.zip` files like osv.dev's `all.zip`, JSON
    /// or YAML) and the CISA KEV catalogue (its JSON file).
    Build {
        /// Inputs: folders, `.zip` files, OSV records, the KEV JSON. Repeatable.
        #[arg(long = "from", value_name = "PATH", required = true, num_args = 1..)]
        from: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArg,
        /// No progress bar.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Download the advisory feeds (OSV per-ecosystem exports and the CISA KEV catalogue) with
    /// conditional requests, verify them, and rebuild the database when any changed.
    Update {
        #[command(flatten)]
        db: DbArg,
        /// Where downloaded feeds are kept [default: next to the database, in `feeds/`].
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
        /// Base URL of the OSV exports (`{base}/{ecosystem}/all.zip`).
        #[arg(long, value_name = "URL", default_value = rampart_feeds::DEFAULT_OSV_BASE)]
        osv_base: String,
        /// URL of the CISA KEV catalogue JSON (empty: none).
        #[arg(long, value_name = "URL", default_value = rampart_feeds::DEFAULT_KEV_URL)]
        kev_url: String,
        /// OSV ecosystems to download, comma-separated [default: the major language and distro ecosystems].
        #[arg(long, value_delimiter = ',', value_name = "LIST")]
        ecosystems: Vec<String>,
        /// Allow plain HTTP to hosts other than loopback.
        #[arg(long)]
        allow_insecure_http: bool,
        /// No progress bar.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Show what the database holds and how old it is.
    Status {
        #[command(flatten)]
        db: DbArg,
        /// Print the metadata as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: DbCommand) -> anyhow::Result<u8> {
    match cmd {
        DbCommand::Build { from, db, quiet } => build(from, db, quiet),
        DbCommand::Status { db, json } => status(db, json),
        DbCommand::Update { db, cache_dir, osv_base, kev_url, ecosystems, allow_insecure_http, quiet } => {
            update(db, cache_dir, &osv_base, &kev_url, &ecosystems, allow_insecure_http, quiet)
        }
    }
}

fn update(
    db: DbArg,
    cache_dir: Option<PathBuf>,
    osv_base: &str,
    kev_url: &str,
    ecosystems: &[String],
    allow_insecure_http: bool,
    quiet: bool,
) -> anyhow::Result<u8> {
    let path = db.path()?;
    let dir =
        path.parent().filter(|d| !d.as_os_str().is_empty()).map(PathBuf::from).unwrap_or_else(|| ".".into());
    let cache = cache_dir.unwrap_or_else(|| dir.join("feeds"));
    std::fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
    let names: Vec<&str> = if ecosystems.is_empty() {
        rampart_feeds::DEFAULT_ECOSYSTEMS.to_vec()
    } else {
        ecosystems.iter().map(String::as_str).collect()
    };
    let feeds = rampart_feeds::default_feeds(osv_base.trim_end_matches('/'), kev_url, &names);
    let options = rampart_feeds::FetchOptions { allow_insecure_http, ..Default::default() };
    let bar = Bar::new(quiet);
    let mut inputs = Vec::new();
    let mut changed = false;
    let mut failed = 0;
    for feed in &feeds {
        bar.message(format!("fetching {}", feed.name));
        match rampart_feeds::fetch(feed, &cache, &options) {
            Ok(outcome) => {
                if let rampart_feeds::FetchOutcome::Downloaded { bytes, .. } = &outcome {
                    changed = true;
                    bar.message(format!("{}: {bytes} bytes", feed.name));
                }
                inputs.push(outcome.path().to_path_buf());
            }
            Err(err) => {
                failed += 1;
                // A previous verified copy keeps the database usable; say that it is stale.
                match rampart_feeds::cached(feed, &cache) {
                    Some((old, _)) => {
                        eprintln!("warning: {err:#}; using the copy downloaded before");
                        inputs.push(old);
                    }
                    None => eprintln!("warning: {err:#}; feed left out"),
                }
            }
        }
    }
    bar.finish();
    if inputs.is_empty() {
        anyhow::bail!("no feed could be downloaded and none was cached in {}", cache.display());
    }
    if !changed && VulnDb::open(&path).is_ok() {
        println!("{}: up to date ({} feeds not modified)", path.display(), inputs.len());
        return Ok(if failed > 0 { exit::PARTIAL } else { exit::OK });
    }
    let code = build(inputs, db, quiet)?;
    Ok(if failed > 0 { exit::PARTIAL } else { code })
}

fn build(from: Vec<PathBuf>, db: DbArg, quiet: bool) -> anyhow::Result<u8> {
    let path = db.path()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let bar = Bar::new(quiet);
    let stats = rampart_vulndb::build(&from, &path, &BuildOptions::default(), |p| match p {
        Progress::Reading { source, files } => bar.message(format!("reading {source}: {files} files")),
        Progress::Merging { advisories } => {
            bar.message(format!("merging aliases of {advisories} advisories"))
        }
        Progress::Writing { done, total } => bar.message(format!("writing {done}/{total} advisories")),
        Progress::Finished => {}
    })?;
    bar.finish();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} advisories ({} problems after merging aliases), {} KEV entries, {:.1} MiB, built in {:.1} s",
        path.display(),
        stats.advisories,
        stats.problems,
        stats.kev,
        stats.bytes as f64 / 1_048_576.0,
        stats.elapsed.as_secs_f64()
    )?;
    for s in &stats.sources {
        writeln!(
            out,
            "  {:<24} {:>7} records  {:>6} withdrawn  {:>5} duplicates  {:>5} GIT ranges skipped  {:>4} unreadable",
            s.name, s.records, s.withdrawn, s.duplicates, s.git_ranges, s.failed
        )?;
    }
    if !stats.errors.is_empty() {
        for e in stats.errors.iter().take(20) {
            eprintln!("warning: RMP-W001: {}: {}", e.path, e.reason);
        }
        if stats.errors.len() > 20 {
            eprintln!("warning: ... and {} more unreadable records", stats.errors.len() - 20);
        }
        return Ok(exit::PARTIAL);
    }
    Ok(exit::OK)
}

fn status(db: DbArg, json: bool) -> anyhow::Result<u8> {
    let path = db.path()?;
    let vdb = VulnDb::open(&path).with_context(|| {
        format!(
            "no usable advisory database at {}: build one with `rampart db build --from PATH...`",
            path.display()
        )
    })?;
    let meta = vdb.metadata()?;
    let mut out = std::io::stdout().lock();
    let age = age_days(&meta.built_at);
    if json {
        let sources: Vec<_> = meta
            .sources
            .iter()
            .map(|s| serde_json::json!({"name": s.name, "kind": s.kind, "records": s.records, "withdrawn": s.withdrawn}))
            .collect();
        let doc = serde_json::json!({
            "path": path,
            "schema_version": meta.schema_version,
            "built_at": meta.built_at,
            "age_days": age,
            "advisories": meta.advisory_count,
            "problems": meta.problem_count,
            "kev": meta.kev_count,
            "kev_catalog_version": meta.kev_catalog_version,
            "sources": sources,
        });
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(exit::OK);
    }
    writeln!(out, "database:   {}", path.display())?;
    writeln!(out, "schema:     {}", meta.schema_version)?;
    match age {
        Some(d) => writeln!(out, "built:      {} ({d} days ago)", meta.built_at)?,
        None => writeln!(out, "built:      {}", meta.built_at)?,
    }
    writeln!(
        out,
        "advisories: {} ({} problems after merging aliases)",
        meta.advisory_count, meta.problem_count
    )?;
    writeln!(
        out,
        "KEV:        {} CVEs (catalogue {})",
        meta.kev_count,
        meta.kev_catalog_version.as_deref().unwrap_or("-")
    )?;
    writeln!(out, "sources:")?;
    for s in &meta.sources {
        writeln!(
            out,
            "  {:<24} {:<4} {:>7} records  {:>6} withdrawn",
            s.name, s.kind, s.records, s.withdrawn
        )?;
    }
    Ok(exit::OK)
}

/// Whole days since an RFC 3339 time, if it parses.
pub fn age_days(rfc3339: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).ok()?;
    Some((time::OffsetDateTime::now_utc() - t).whole_days())
}
