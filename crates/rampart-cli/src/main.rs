//! `rampart`: one binary for the whole life of a cloud-native application.

mod admission;
mod config;
mod db;
mod fs;
mod gate;
mod image;
mod progress;
mod rego;
mod repo;
mod secret;
mod sign;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: the scanners allocate many small strings from several threads (parsed documents,
/// findings, packages); glibc's allocator spent a fifth of a large `rampart config` run in
/// malloc/free and arena contention.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Documented exit codes (README, "Exit codes").
pub mod exit {
    /// The scan completed and, if `--exit-code` was given, found nothing to report.
    pub const OK: u8 = 0;
    /// Usage error or a fatal error (target missing, output not writable, no database).
    pub const ERROR: u8 = 2;
    /// The scan completed but some inputs were skipped or only partly read (see the warnings).
    pub const PARTIAL: u8 = 3;
    /// The deploy-gate policy (`--policy`, `rampart gate`) failed.
    pub const POLICY: u8 = 4;
    /// `rampart verify`: no valid signature for the key.
    pub const VERIFY: u8 = 5;
}

#[derive(Parser)]
#[command(
    name = "rampart",
    version,
    about = "Cloud-native application protection in one fast binary: inventory, SBOMs, vulnerabilities, misconfigurations, secrets, signing and the deploy gate"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan a directory tree (or a single file): packages from lockfiles, manifests, installed
    /// metadata and binaries, and their known vulnerabilities; misconfigurations and secrets
    /// with `--scanners`.
    Fs(fs::FsArgs),
    /// Scan a CycloneDX or SPDX (JSON) SBOM, made by Rampart or another tool, for known
    /// vulnerabilities. Takes the same options as `fs`.
    Sbom(fs::FsArgs),
    /// Scan a container image: OS and language packages layer by layer, and their known
    /// vulnerabilities. `rampart image REF` pulls from a registry; `--input` reads a
    /// docker-archive tar, an OCI layout directory or an OCI archive.
    Image(Box<image::ImageArgs>),
    /// Scan infrastructure as code for misconfigurations: Kubernetes manifests, Dockerfiles,
    /// Terraform (HCL and plan JSON) and CloudFormation, with the built-in checks and your own
    /// Rego policies.
    Config(Box<config::ConfigArgs>),
    /// Search a git repository's history for secrets: every commit reachable from the refs,
    /// each secret reported at the commit that introduced it (commit, author, date, file,
    /// line); `--since REV` scans only what is new.
    Repo(Box<repo::RepoArgs>),
    /// Evaluate a deploy-gate policy on saved JSON reports: severity thresholds, KEV, image
    /// registries, tags and digests, signatures, exemptions. Exit code 4 when it fails.
    Gate(gate::GateCommand),
    /// The Kubernetes validating admission webhook: `certs` makes its TLS certificates,
    /// `serve` enforces the deploy-gate policy on every Pod and pod template.
    #[command(subcommand)]
    Admission(admission::AdmissionCommand),
    /// Make a cosign-compatible ECDSA P-256 key pair (PREFIX.key encrypted with
    /// COSIGN_PASSWORD, PREFIX.pub).
    Keygen(sign::KeygenArgs),
    /// Sign an image in a registry, as cosign does (simple-signing payload, `sha256-<digest>.sig`).
    Sign(sign::SignArgs),
    /// Verify an image's cosign signatures with a public key (exit code 5 when none is valid).
    Verify(sign::VerifyArgs),
    /// Manage the per-layer cache of `rampart image`.
    #[command(subcommand)]
    Cache(image::CacheCommand),
    /// Build, inspect or update the local advisory database.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// List the package analyzers and their ecosystems.
    Analyzers,
}

/// The database path: `--db`, else `RAMPART_DB`, else the user cache directory.
#[derive(clap::Args, Clone)]
pub struct DbArg {
    /// The advisory database file [env: RAMPART_DB] [default: <user cache dir>/rampart/vulndb.sqlite]
    #[arg(long, value_name = "FILE", env = "RAMPART_DB", hide_env = true)]
    pub db: Option<PathBuf>,
}

impl DbArg {
    pub fn path(&self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.db {
            return Ok(p.clone());
        }
        let cache = dirs::cache_dir().ok_or_else(|| {
            anyhow::anyhow!("no user cache directory (set HOME or XDG_CACHE_HOME), or pass --db / RAMPART_DB")
        })?;
        Ok(cache.join("rampart").join("vulndb.sqlite"))
    }
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
        Command::Fs(args) => fs::run(args, fs::Mode::Tree),
        Command::Sbom(args) => fs::run(args, fs::Mode::Sbom),
        Command::Image(args) => image::run(*args),
        Command::Config(args) => config::run(*args),
        Command::Repo(args) => repo::run(*args),
        Command::Gate(args) => gate::run(args),
        Command::Admission(cmd) => admission::run(cmd),
        Command::Keygen(args) => sign::keygen(args),
        Command::Sign(args) => sign::sign(args),
        Command::Verify(args) => sign::verify(args),
        Command::Cache(cmd) => image::run_cache(cmd),
        Command::Db(cmd) => db::run(cmd),
        Command::Analyzers => {
            let mut out = std::io::stdout().lock();
            for a in rampart_inventory::analyzers() {
                writeln!(out, "{:<28} {}", a.name(), a.ecosystem())?;
            }
            Ok(exit::OK)
        }
    }
}
