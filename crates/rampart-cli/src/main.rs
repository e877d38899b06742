//! `rampart`: one binary for the whole life of a cloud-native application.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rampart_artifact::{FsArtifact, WalkOptions};
use rampart_report::{Format, RenderOptions};
use rampart_scan::{Progress, ScanOptions};

/// Documented exit codes (README, "Exit codes").
mod exit {
    /// The scan completed and, if `--exit-code` was given, found nothing to report.
    pub const OK: u8 = 0;
    /// Usage error or a fatal error (target missing, output not writable).
    pub const ERROR: u8 = 2;
    /// The scan completed but some inputs were skipped or only partly read (see the warnings).
    pub const PARTIAL: u8 = 3;
}

#[derive(Parser)]
#[command(
    name = "rampart",
    version,
    about = "Cloud-native application protection: inventory, SBOMs and more, in one fast binary"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan a directory tree (or a single file): packages from lockfiles, manifests, installed metadata and binaries.
    Fs(FsArgs),
    /// List the package analyzers and the files each reads.
    Analyzers,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Table,
    Json,
    Cyclonedx,
    #[value(name = "spdx-json")]
    SpdxJson,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Table => Format::Table,
            OutputFormat::Json => Format::Json,
            OutputFormat::Cyclonedx => Format::CycloneDx,
            OutputFormat::SpdxJson => Format::SpdxJson,
        }
    }
}

#[derive(clap::Args)]
struct FsArgs {
    /// Directory or file to scan.
    path: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Directories to skip (globs relative to the target; a bare name matches at any depth). Repeatable or comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    skip_dirs: Vec<String>,
    /// Files to skip (globs, same rules as --skip-dirs).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    skip_files: Vec<String>,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`rampart fs . | head`) is not an error worth a word.
        Err(err) if is_broken_pipe(&err) => ExitCode::from(exit::OK),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<rampart_report::RenderError>().is_some_and(|r| match r {
                rampart_report::RenderError::Io(io) => io.kind() == std::io::ErrorKind::BrokenPipe,
                rampart_report::RenderError::Json(j) => {
                    j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe)
                }
                _ => false,
            })
    })
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Fs(args) => fs(args),
        Command::Analyzers => {
            let mut out = std::io::stdout().lock();
            for a in rampart_inventory::analyzers() {
                writeln!(out, "{:<28} {}", a.name(), a.ecosystem())?;
            }
            Ok(exit::OK)
        }
    }
}

struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let pb = ProgressBar::new_spinner();
        pb.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("static template"));
        pb.enable_steady_tick(Duration::from_millis(120));
        Bar(Some(pb))
    }
}

impl Progress for Bar {
    fn walking(&self, n: u64) {
        if let Some(pb) = &self.0 {
            pb.set_message(format!("walking: {n} files seen"));
        }
    }
    fn analyzing(&self, total: u64) {
        if let Some(pb) = &self.0 {
            pb.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} files analyzed {msg}")
                    .expect("static template"),
            );
            pb.set_length(total);
            pb.set_position(0);
            pb.set_message("");
        }
    }
    fn analyzed(&self, _path: &str) {
        if let Some(pb) = &self.0 {
            pb.inc(1);
        }
    }
}

fn fs(args: FsArgs) -> anyhow::Result<u8> {
    let options =
        WalkOptions { skip_dirs: args.skip_dirs, skip_files: args.skip_files, threads: args.threads };
    let artifact = FsArtifact::new(&args.path, &options)?;
    let analyzers = rampart_inventory::analyzers();
    let bar = Bar::new(args.quiet);
    let scan_options = ScanOptions { skip_dev_dependencies: args.skip_dev_deps };
    let report =
        rampart_scan::scan_fs(&args.path.display().to_string(), &artifact, &analyzers, &scan_options, &bar);
    if let Some(pb) = &bar.0 {
        pb.finish_and_clear();
    }
    if !args.quiet {
        for d in &report.diagnostics {
            eprintln!("warning: {d}");
        }
    }
    let render_options = RenderOptions { color: args.output.is_none() && std::io::stdout().is_terminal() };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            rampart_report::render(&report, args.format.into(), &render_options, &mut w)?;
            w.flush().with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            rampart_report::render(&report, args.format.into(), &render_options, &mut w)?;
            w.flush()?;
        }
    }
    if report.is_partial() {
        if !args.quiet {
            eprintln!(
                "warning: {} input(s) skipped or partly read; exit code {}",
                report.diagnostics.len(),
                exit::PARTIAL
            );
        }
        return Ok(exit::PARTIAL);
    }
    Ok(exit::OK)
}
