//! `rampart fs`: inventory a directory tree, find known vulnerabilities, filter, render, gate.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::ValueEnum;
use rampart_artifact::{FsArtifact, WalkOptions};
use rampart_filter::{FilterOptions, IgnoreFile, VexDocument};
use rampart_model::{Report, Severity};
use rampart_report::{Format, RenderOptions};
use rampart_scan::ScanOptions;
use rampart_vulndb::VulnDb;

use crate::{DbArg, db::age_days, exit, progress::Bar};

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Cyclonedx,
    #[value(name = "spdx-json")]
    SpdxJson,
    Sarif,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Table => Format::Table,
            OutputFormat::Json => Format::Json,
            OutputFormat::Cyclonedx => Format::CycloneDx,
            OutputFormat::SpdxJson => Format::SpdxJson,
            OutputFormat::Sarif => Format::Sarif,
        }
    }
}

/// What to look for besides the package inventory, which is always made.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scanner {
    /// Known vulnerabilities of the packages, from the advisory database.
    Vuln,
    /// Nothing more: the inventory only.
    None,
}

#[derive(clap::Args)]
pub struct FsArgs {
    /// Directory or file to scan.
    path: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Scanners to run [default: vuln when an advisory database exists, else none].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    scanners: Vec<Scanner>,
    #[command(flatten)]
    db: DbArg,
    /// Warn when the advisory database is older than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    db_max_age: i64,
    /// Keep only findings of these severities (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    severity: Vec<String>,
    /// Leave out vulnerabilities that no released version fixes yet.
    #[arg(long)]
    ignore_unfixed: bool,
    /// Ignore file [default: .rampartignore.yaml, else .trivyignore, in the scanned directory].
    #[arg(long, value_name = "FILE")]
    ignorefile: Option<PathBuf>,
    /// VEX documents (OpenVEX or CycloneDX VEX, JSON). Repeatable.
    #[arg(long, value_name = "FILE")]
    vex: Vec<PathBuf>,
    /// Keep suppressed findings in the report, marked with the reason.
    #[arg(long)]
    show_suppressed: bool,
    /// Exit with this code when findings remain after the filters.
    #[arg(long, value_name = "N")]
    exit_code: Option<u8>,
    /// Directories to skip (globs relative to the target; a bare name matches at any depth). Repeatable or comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    skip_dirs: Vec<String>,
    /// Files to skip (globs, same rules as --skip-dirs).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    skip_files: Vec<String>,
    /// Table output: list every package even after a vulnerability scan (by default the table then
    /// shows findings only).
    #[arg(long)]
    list_all_pkgs: bool,
    /// Leave out packages the lockfile marks as development-only.
    #[arg(long)]
    skip_dev_deps: bool,
    /// No progress bar and no warnings on standard error.
    #[arg(short, long)]
    quiet: bool,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

fn warn(quiet: bool, msg: impl std::fmt::Display) {
    if !quiet {
        eprintln!("warning: {msg}");
    }
}

/// What the path names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A directory tree or a single file, read by every analyzer that recognises it.
    Tree,
    /// One SBOM document, whatever its file name.
    Sbom,
}

/// Runs one analyzer on a file whatever its name (`rampart sbom FILE`).
struct Forced(Box<dyn rampart_inventory::Analyzer>);

impl rampart_inventory::Analyzer for Forced {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn ecosystem(&self) -> rampart_model::Ecosystem {
        self.0.ecosystem()
    }
    fn accepts(&self, _file: &rampart_inventory::FileInfo<'_>) -> bool {
        true
    }
    fn max_size(&self) -> u64 {
        self.0.max_size()
    }
    fn analyze(
        &self,
        input: &rampart_inventory::AnalyzerInput<'_>,
    ) -> Result<rampart_inventory::Analysis, rampart_inventory::AnalyzeError> {
        self.0.analyze(input)
    }
}

/// The SBOM analyzer for a document, chosen by its content.
fn sbom_analyzer(path: &Path) -> anyhow::Result<Vec<Box<dyn rampart_inventory::Analyzer>>> {
    if !path.is_file() {
        bail!("{}: not a file (rampart sbom takes one CycloneDX or SPDX JSON document)", path.display());
    }
    let head = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8_lossy(&head[..head.len().min(1 << 20)]);
    let wanted = if text.contains("\"bomFormat\"") {
        "sbom-cyclonedx"
    } else if text.contains("\"spdxVersion\"") {
        "sbom-spdx"
    } else {
        bail!("{}: neither a CycloneDX (bomFormat) nor an SPDX (spdxVersion) JSON document", path.display());
    };
    let analyzer = rampart_inventory::analyzers()
        .into_iter()
        .find(|a| a.name() == wanted)
        .ok_or_else(|| anyhow::anyhow!("no {wanted} analyzer in this build"))?;
    Ok(vec![Box::new(Forced(analyzer))])
}

pub fn run(args: FsArgs, mode: Mode) -> anyhow::Result<u8> {
    // Everything that can be wrong with the command line fails before the scan.
    let severities = parse_severities(&args.severity)?;
    let filters = load_filters(&args, severities)?;
    let vuln_db = open_db(&args)?;

    let options = WalkOptions {
        skip_dirs: args.skip_dirs.clone(),
        skip_files: args.skip_files.clone(),
        threads: args.threads,
    };
    let artifact = FsArtifact::new(&args.path, &options)?;
    let analyzers = match mode {
        Mode::Tree => rampart_inventory::analyzers(),
        Mode::Sbom => sbom_analyzer(&args.path)?,
    };
    let bar = Bar::new(args.quiet);
    let scan_options = ScanOptions { skip_dev_dependencies: args.skip_dev_deps };
    let mut report =
        rampart_scan::scan_fs(&args.path.display().to_string(), &artifact, &analyzers, &scan_options, &bar);
    if mode == Mode::Sbom {
        report.artifact_kind = rampart_model::ArtifactKind::Sbom;
    }
    if let Some(db) = &vuln_db {
        bar.message("matching packages against the advisory database");
        rampart_scan::vuln::detect(&mut report, db).context("querying the advisory database")?;
    }
    bar.finish();
    let outcome = rampart_filter::apply(&mut report, &filters);
    for d in &report.diagnostics {
        warn(args.quiet, d);
    }
    for n in &outcome.notices {
        warn(args.quiet, n);
    }
    render(&report, &args, vuln_db.is_some())?;

    let remaining = report
        .results
        .iter()
        .flat_map(|r| &r.vulnerabilities)
        .filter(|v| v.suppressed.is_none() && v.informational.is_none())
        .count();
    if let Some(code) = args.exit_code
        && remaining > 0
    {
        return Ok(code);
    }
    if report.is_partial() {
        warn(
            args.quiet,
            format!(
                "{} input(s) skipped or partly read; exit code {}",
                report.diagnostics.len(),
                exit::PARTIAL
            ),
        );
        return Ok(exit::PARTIAL);
    }
    Ok(exit::OK)
}

fn parse_severities(list: &[String]) -> anyhow::Result<Option<Vec<Severity>>> {
    if list.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for s in list {
        out.push(s.parse::<Severity>().map_err(|e| anyhow::anyhow!("--severity: {e}"))?);
    }
    Ok(Some(out))
}

fn load_filters(args: &FsArgs, severities: Option<Vec<Severity>>) -> anyhow::Result<FilterOptions> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut filters = FilterOptions::new(today);
    filters.severities = severities;
    filters.ignore_unfixed = args.ignore_unfixed;
    filters.show_suppressed = args.show_suppressed;
    let ignore_path = match &args.ignorefile {
        Some(p) => Some(p.clone()),
        None => default_ignore_file(&args.path),
    };
    if let Some(p) = ignore_path {
        filters.ignore_file = Some(IgnoreFile::load(&p)?);
    }
    for v in &args.vex {
        filters.vex.push(VexDocument::load(v)?);
    }
    Ok(filters)
}

fn default_ignore_file(target: &Path) -> Option<PathBuf> {
    if !target.is_dir() {
        return None;
    }
    [".rampartignore.yaml", ".rampartignore.yml", ".trivyignore"]
        .iter()
        .map(|n| target.join(n))
        .find(|p| p.is_file())
}

fn open_db(args: &FsArgs) -> anyhow::Result<Option<VulnDb>> {
    let explicit = !args.scanners.is_empty();
    if args.scanners.contains(&Scanner::None) {
        if args.scanners.len() > 1 {
            bail!("--scanners none cannot be combined with other scanners");
        }
        return Ok(None);
    }
    let path = args.db.path()?;
    if !path.exists() {
        if explicit {
            bail!(
                "no advisory database at {}: build one with `rampart db build --from PATH...` (or pass --db)",
                path.display()
            );
        }
        warn(
            args.quiet,
            format!(
                "no advisory database at {}: vulnerabilities not scanned (build one with `rampart db build --from PATH...`)",
                path.display()
            ),
        );
        return Ok(None);
    }
    let db =
        VulnDb::open(&path).with_context(|| format!("opening the advisory database {}", path.display()))?;
    let meta = db.metadata()?;
    if let Some(days) = age_days(&meta.built_at)
        && days > args.db_max_age
    {
        warn(
            args.quiet,
            format!(
                "the advisory database was built {days} days ago (over --db-max-age {}): rebuild or update it",
                args.db_max_age
            ),
        );
    }
    Ok(Some(db))
}

fn render(report: &Report, args: &FsArgs, vulns_scanned: bool) -> anyhow::Result<()> {
    let render_options = RenderOptions {
        color: args.output.is_none() && std::io::stdout().is_terminal(),
        hide_packages: vulns_scanned && !args.list_all_pkgs,
    };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            rampart_report::render(report, args.format.into(), &render_options, &mut w)?;
            w.flush().with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            rampart_report::render(report, args.format.into(), &render_options, &mut w)?;
            w.flush()?;
        }
    }
    Ok(())
}
