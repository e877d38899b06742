//! The deploy gate: `rampart gate --policy FILE REPORT.json...` on saved reports, and
//! `--policy FILE` on `fs` and `image` on the fly. A failed policy exits with
//! [`crate::exit::POLICY`], distinct from "findings found" (`--exit-code`) and from errors.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::ValueEnum;
use rampart_gate::{Policy, Verdict};
use rampart_model::Report;

/// `--policy` on the scan commands.
#[derive(clap::Args, Clone, Default)]
#[command(next_help_heading = "Deploy gate")]
pub struct GateArgs {
    /// A deploy-gate policy (YAML; docs/gate-policy.schema.json): severity thresholds, KEV,
    /// registries, tags, digests, signatures, exemptions. The verdict goes to standard error;
    /// a failed policy exits with code 4.
    #[arg(long = "policy", value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum VerdictFormat {
    Table,
    Json,
}

#[derive(clap::Args)]
pub struct GateCommand {
    /// The policy file.
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// Rampart JSON reports (`--format json` of fs, image, sbom, config, repo).
    #[arg(value_name = "REPORT.json", required = true)]
    reports: Vec<PathBuf>,
    /// Verdict format.
    #[arg(short, long, value_enum, default_value = "table")]
    format: VerdictFormat,
    /// Write the verdict to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Do not list the findings behind each failed rule (table).
    #[arg(long)]
    brief: bool,
    /// Signature rule: allow plain HTTP to registries on loopback addresses.
    #[arg(long)]
    insecure: bool,
}

/// The signature verifier (cosign-compatible, `rampart verify`'s); `insecure` allows plain
/// HTTP to loopback registries.
pub fn verifier(insecure: bool) -> crate::sign::Verifier {
    crate::sign::Verifier {
        options: rampart_sign::RegistryOptions { insecure, ..rampart_sign::RegistryOptions::default() },
        cache: Default::default(),
    }
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Loads the policy named on the command line (errors name the file).
pub fn load_policy(path: &Path) -> anyhow::Result<Policy> {
    Ok(Policy::load(path)?)
}

/// Evaluates a policy on one report made on the fly; prints the verdict on standard error
/// (unless quiet) and says whether it passed.
pub fn check_report(policy: &Policy, report: &Report, quiet: bool, insecure: bool) -> anyhow::Result<bool> {
    let verdict = rampart_gate::evaluate(policy, std::slice::from_ref(report), today(), &verifier(insecure));
    if !quiet || !verdict.passed {
        let mut err = std::io::stderr().lock();
        write_table(&verdict, false, &mut err)?;
    }
    Ok(verdict.passed)
}

pub fn run(args: GateCommand) -> anyhow::Result<u8> {
    let policy = load_policy(&args.policy)?;
    let mut reports = Vec::new();
    for path in &args.reports {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let report: Report = serde_json::from_slice(&bytes)
            .with_context(|| format!("{}: not a Rampart JSON report", path.display()))?;
        if report.schema_version != rampart_model::SCHEMA_VERSION {
            bail!(
                "{}: report schema version {} (this version reads {})",
                path.display(),
                report.schema_version,
                rampart_model::SCHEMA_VERSION
            );
        }
        reports.push(report);
    }
    let verdict = rampart_gate::evaluate(&policy, &reports, today(), &verifier(args.insecure));
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.format {
        VerdictFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &verdict)?;
            writeln!(out)?;
        }
        VerdictFormat::Table => write_table(&verdict, args.brief, &mut out)?,
    }
    out.flush()?;
    Ok(if verdict.passed { crate::exit::OK } else { crate::exit::POLICY })
}

/// Findings listed under a failed rule before the rest are counted.
const MAX_LISTED: usize = 10;

fn write_table(verdict: &Verdict, brief: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let failed = verdict.failures().count();
    let total: usize = verdict.reports.iter().map(|r| r.rules.len()).sum();
    if verdict.passed {
        writeln!(out, "Policy {}: PASSED ({total} rules)", verdict.policy)?;
    } else {
        writeln!(out, "Policy {}: FAILED ({failed} of {total} rules)", verdict.policy)?;
    }
    for report in &verdict.reports {
        writeln!(out, "{}: {}", report.target, if report.passed { "passed" } else { "FAILED" })?;
        for rule in &report.rules {
            let mark = if rule.passed { "ok  " } else { "FAIL" };
            writeln!(out, "  {mark} {}: {}", rule.rule, rule.message)?;
            if rule.passed || brief {
                continue;
            }
            for f in rule.findings.iter().take(MAX_LISTED) {
                let detail = if f.detail.is_empty() { String::new() } else { format!(" {}", f.detail) };
                let kev = if f.kev { " [KEV]" } else { "" };
                writeln!(out, "         {} ({}){kev}{detail} in {}", f.id, f.severity, f.target)?;
            }
            if rule.findings.len() > MAX_LISTED {
                writeln!(out, "         ... and {} more", rule.findings.len() - MAX_LISTED)?;
            }
        }
        for e in &report.exempted {
            writeln!(
                out,
                "  exempt {} ({}) in {}: {} [{}, until {}]",
                e.finding.id, e.finding.severity, e.finding.target, e.reason, e.owner, e.expires
            )?;
        }
    }
    for n in &verdict.notices {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}
