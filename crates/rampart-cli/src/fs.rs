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

/// What to look for. The package inventory is made by default and with `vuln` or `none`; asking
/// only for `misconfig` and/or `secret` skips it.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scanner {
    /// Known vulnerabilities of the packages, from the advisory database.
    Vuln,
    /// Misconfigurations of Kubernetes manifests, Dockerfiles, Terraform and CloudFormation
    /// (and of the image config, for images).
    Misconfig,
    /// Secrets (credentials, tokens, private keys) in every file (for images: in every layer,
    /// including files a later layer deleted, and in the image config).
    Secret,
    /// Nothing more: the inventory only.
    None,
}

/// Hides the shared options that only concern packages and vulnerabilities, for the commands
/// that scan for findings only (`config`, `repo`): they are accepted, not shown in `--help`.
pub fn hide_package_options(arg: clap::Arg) -> clap::Arg {
    const PACKAGE_OPTIONS: [&str; 7] =
        ["scanners", "db", "db_max_age", "ignore_unfixed", "vex", "list_all_pkgs", "skip_dev_deps"];
    if PACKAGE_OPTIONS.contains(&arg.get_id().as_str()) { arg.hide(true) } else { arg }
}

/// The options every scan command shares: output, scanners, database, filters, gate, progress.
#[derive(clap::Args)]
pub struct CommonArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Scanners to run [default: vuln when an advisory database exists, else none].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub scanners: Vec<Scanner>,
    #[command(flatten)]
    pub db: DbArg,
    /// Warn when the advisory database is older than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub db_max_age: i64,
    /// Keep only findings of these severities (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub severity: Vec<String>,
    /// Leave out vulnerabilities that no released version fixes yet.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Ignore file [default: .rampartignore.yaml, else .trivyignore, in the scanned directory
    /// (for images: the current directory)].
    #[arg(long, value_name = "FILE")]
    pub ignorefile: Option<PathBuf>,
    /// VEX documents (OpenVEX or CycloneDX VEX, JSON). Repeatable.
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,
    /// Keep suppressed findings in the report, marked with the reason.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Exit with this code when findings remain after the filters.
    #[arg(long, value_name = "N")]
    pub exit_code: Option<u8>,
    /// Table output: list every package even after a vulnerability scan (by default the table then
    /// shows findings only).
    #[arg(long)]
    pub list_all_pkgs: bool,
    /// Leave out packages the lockfile marks as development-only.
    #[arg(long)]
    pub skip_dev_deps: bool,
    /// No progress bar and no warnings on standard error.
    #[arg(short, long)]
    pub quiet: bool,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

#[derive(clap::Args)]
pub struct FsArgs {
    /// Directory or file to scan.
    path: PathBuf,
    /// Directories to skip (globs relative to the target; a bare name matches at any depth). Repeatable or comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    skip_dirs: Vec<String>,
    /// Files to skip (globs, same rules as --skip-dirs).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    skip_files: Vec<String>,
    #[command(flatten)]
    pub misconfig: crate::config::MisconfigArgs,
    #[command(flatten)]
    pub secret: crate::secret::SecretArgs,
    #[command(flatten)]
    pub gate: crate::gate::GateArgs,
    #[command(flatten)]
    common: CommonArgs,
}

impl CommonArgs {
    /// Whether the package inventory is made: by default, for `--scanners vuln` and for
    /// `--scanners none` (the inventory alone); not when only finding scanners are asked for
    /// (`--scanners secret`, `--scanners misconfig,secret`).
    pub fn wants_inventory(&self) -> bool {
        self.scanners.is_empty() || self.scanners.iter().any(|s| matches!(s, Scanner::Vuln | Scanner::None))
    }
}

pub fn warn(quiet: bool, msg: impl std::fmt::Display) {
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
    let ignore_default = default_ignore_file(&args.path);
    let mut prepared = Prepared::new(&args.common, ignore_default)?;
    prepared.compliance = args.misconfig.framework()?;
    prepared.policy = args.gate.policy.as_deref().map(crate::gate::load_policy).transpose()?;

    let options = WalkOptions {
        skip_dirs: args.skip_dirs.clone(),
        skip_files: args.skip_files.clone(),
        threads: args.common.threads,
    };
    let artifact = FsArtifact::new(&args.path, &options)?;
    let analyzers = match mode {
        Mode::Tree if !args.common.wants_inventory() => Vec::new(),
        Mode::Tree => rampart_inventory::analyzers(),
        Mode::Sbom => sbom_analyzer(&args.path)?,
    };
    let bar = Bar::new(args.common.quiet);
    let scan_options = ScanOptions { skip_dev_dependencies: args.common.skip_dev_deps };
    let misconfig = mode == Mode::Tree && args.common.scanners.contains(&Scanner::Misconfig);
    let secrets = match mode == Mode::Tree && args.common.scanners.contains(&Scanner::Secret) {
        true => Some(args.secret.scanner(args.path.is_dir().then_some(args.path.as_path()))?),
        false => None,
    };
    let is_config =
        |f: &rampart_inventory::FileInfo<'_>| misconfig && rampart_misconfig::is_candidate(f.path);
    let is_secret_input = |f: &rampart_inventory::FileInfo<'_>| {
        secrets.as_ref().is_some_and(|s| rampart_scan::secret::wants(s, f.path, f.size))
    };
    // One walk finds the inventory's files and, when asked, the configuration files and the
    // files to search for secrets.
    let keep = |f: &rampart_inventory::FileInfo<'_>| is_config(f) || is_secret_input(f);
    let (mut report, kept) = rampart_scan::scan_fs_keeping(
        &args.path.display().to_string(),
        &artifact,
        &analyzers,
        &scan_options,
        &bar,
        &keep,
    );
    if mode == Mode::Sbom {
        report.artifact_kind = rampart_model::ArtifactKind::Sbom;
    }
    if let Some(scanner) = &secrets {
        let entries: Vec<_> = kept.iter().filter(|e| is_secret_input(&entry_info(e))).cloned().collect();
        crate::secret::scan_fs(&mut report, &entries, &artifact, scanner, &bar);
    }
    if misconfig {
        let config_entries: Vec<_> = kept.into_iter().filter(|e| is_config(&entry_info(e))).collect();
        let (files, diagnostics) = rampart_scan::misconfig::read_sources(&config_entries, &artifact, &bar);
        report.diagnostics.extend(diagnostics);
        crate::config::scan_files(&mut report, &files, &args.misconfig, &bar)?;
    }
    prepared.finish(report, &args.common, &bar)
}

/// What a scan command checks before scanning (filters, database) and then does with the
/// inventory: vulnerabilities, filters, warnings, rendering, exit code.
pub struct Prepared {
    filters: FilterOptions,
    vuln_db: Option<VulnDb>,
    /// `--compliance`: render the framework's per-control report instead of the findings.
    pub compliance: Option<&'static rampart_misconfig::frameworks::Framework>,
    /// `--policy`: the deploy gate evaluated on the report.
    pub policy: Option<rampart_gate::Policy>,
    /// Plain HTTP to loopback registries for the gate's signature check (`image --insecure`).
    pub insecure: bool,
}

impl Prepared {
    pub fn new(common: &CommonArgs, default_ignore: Option<PathBuf>) -> anyhow::Result<Self> {
        let severities = parse_severities(&common.severity)?;
        let filters = load_filters(common, severities, default_ignore)?;
        let vuln_db = open_db(common)?;
        Ok(Prepared { filters, vuln_db, compliance: None, policy: None, insecure: false })
    }

    pub fn finish(&self, mut report: Report, args: &CommonArgs, bar: &Bar) -> anyhow::Result<u8> {
        if let Some(db) = &self.vuln_db {
            bar.message("matching packages against the advisory database");
            let stats =
                rampart_scan::vuln::detect(&mut report, db).context("querying the advisory database")?;
            if stats.os_packages_without_release > 0 {
                warn(
                    args.quiet,
                    format!(
                        "{} OS packages not matched against advisories: their OS release is unknown (no etc/os-release in the target, or no distro qualifier in the SBOM purl)",
                        stats.os_packages_without_release
                    ),
                );
            }
        }
        bar.finish();
        let outcome = rampart_filter::apply(&mut report, &self.filters);
        for d in &report.diagnostics {
            warn(args.quiet, d);
        }
        for n in &outcome.notices {
            warn(args.quiet, n);
        }
        match self.compliance {
            Some(framework) => crate::config::render_compliance(framework, &report, args)?,
            None => render(&report, args, self.vuln_db.is_some() || findings_only(args))?,
        }

        if let Some(policy) = &self.policy
            && !crate::gate::check_report(policy, &report, args.quiet, self.insecure)?
        {
            // The gate decides first: its failure has its own exit code.
            return Ok(exit::POLICY);
        }
        let remaining = report
            .results
            .iter()
            .flat_map(|r| &r.vulnerabilities)
            .filter(|v| v.suppressed.is_none() && v.informational.is_none())
            .count()
            + report
                .results
                .iter()
                .flat_map(|r| &r.misconfigurations)
                .filter(|m| m.suppressed.is_none() && !m.warning)
                .count()
            + report.results.iter().flat_map(|r| &r.secrets).filter(|s| s.suppressed.is_none()).count();
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

fn load_filters(
    args: &CommonArgs,
    severities: Option<Vec<Severity>>,
    default_ignore: Option<PathBuf>,
) -> anyhow::Result<FilterOptions> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut filters = FilterOptions::new(today);
    filters.severities = severities;
    filters.ignore_unfixed = args.ignore_unfixed;
    filters.show_suppressed = args.show_suppressed;
    let ignore_path = match &args.ignorefile {
        Some(p) => Some(p.clone()),
        None => default_ignore,
    };
    if let Some(p) = ignore_path {
        filters.ignore_file = Some(IgnoreFile::load(&p)?);
    }
    for v in &args.vex {
        filters.vex.push(VexDocument::load(v)?);
    }
    Ok(filters)
}

pub fn default_ignore_file(target: &Path) -> Option<PathBuf> {
    if !target.is_dir() {
        return None;
    }
    [".rampartignore.yaml", ".rampartignore.yml", ".trivyignore"]
        .iter()
        .map(|n| target.join(n))
        .find(|p| p.is_file())
}

fn open_db(args: &CommonArgs) -> anyhow::Result<Option<VulnDb>> {
    let explicit = !args.scanners.is_empty();
    if args.scanners.contains(&Scanner::None) {
        if args.scanners.len() > 1 {
            bail!("--scanners none cannot be combined with other scanners");
        }
        return Ok(None);
    }
    if explicit && !args.scanners.contains(&Scanner::Vuln) {
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

fn entry_info(e: &rampart_artifact::Entry) -> rampart_inventory::FileInfo<'_> {
    rampart_inventory::FileInfo::new(&e.path, e.size, e.executable)
}

/// True when the scanners asked for are all finding scanners (`--scanners secret`,
/// `misconfig`): the table then shows the findings, not the package inventory made anyway.
fn findings_only(args: &CommonArgs) -> bool {
    !args.scanners.is_empty() && !args.scanners.contains(&Scanner::None)
}

pub fn render(report: &Report, args: &CommonArgs, vulns_scanned: bool) -> anyhow::Result<()> {
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
