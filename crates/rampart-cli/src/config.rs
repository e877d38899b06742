//! `rampart config`: misconfigurations of Kubernetes manifests, Dockerfiles, Terraform and
//! CloudFormation in a directory tree, with the built-in checks and the user's Rego policies;
//! the checks list (`--list-checks`) and per-framework compliance (`--compliance`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::ValueEnum;
use rampart_artifact::{FsArtifact, WalkOptions};
use rampart_misconfig::ConfigType;
use rampart_misconfig::frameworks::{self, Framework, Status};
use rampart_model::{ArtifactKind, Report};
use rampart_scan::misconfig::{MisconfigOptions, PolicyEngine};

use crate::fs::{CommonArgs, OutputFormat, Prepared, Scanner, default_ignore_file};
use crate::progress::Bar;

/// Kinds of configuration, for `--config-types`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigTypeArg {
    Kubernetes,
    Dockerfile,
    Terraform,
    TerraformPlan,
    Cloudformation,
}

impl From<ConfigTypeArg> for ConfigType {
    fn from(t: ConfigTypeArg) -> Self {
        match t {
            ConfigTypeArg::Kubernetes => ConfigType::Kubernetes,
            ConfigTypeArg::Dockerfile => ConfigType::Dockerfile,
            ConfigTypeArg::Terraform => ConfigType::Terraform,
            ConfigTypeArg::TerraformPlan => ConfigType::TerraformPlan,
            ConfigTypeArg::Cloudformation => ConfigType::CloudFormation,
        }
    }
}

/// The misconfiguration options `config`, `fs` and `image` share.
#[derive(clap::Args, Default)]
pub struct MisconfigArgs {
    /// Custom policies: Rego files or directories, in Conftest's or Trivy's conventions
    /// (`deny`/`warn`/`violation` rules; `package main`, or `package user.*` with metadata).
    /// Repeatable.
    #[arg(long = "config-policy", value_name = "DIR")]
    pub config_policy: Vec<PathBuf>,
    /// Rego packages whose rules are evaluated, with their sub-packages (`*`: every package)
    /// [default: main,user].
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub namespaces: Vec<String>,
    /// Only these kinds of configuration (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub config_types: Vec<ConfigTypeArg>,
    /// Report per control of a framework instead of per finding: pss-baseline, pss-restricted,
    /// nsa-cisa-k8s, cis-k8s-1.9, cis-docker-1.6, cis-aws-3.0.
    #[arg(long, value_name = "NAME")]
    pub compliance: Option<String>,
}

impl MisconfigArgs {
    pub fn framework(&self) -> anyhow::Result<Option<&'static Framework>> {
        match &self.compliance {
            None => Ok(None),
            Some(name) => match frameworks::framework(name) {
                Some(f) => Ok(Some(f)),
                None => {
                    let known: Vec<&str> = frameworks::FRAMEWORKS.iter().map(|f| f.id).collect();
                    bail!("--compliance {name}: unknown framework (known: {})", known.join(", "))
                }
            },
        }
    }

    fn policies(&self) -> anyhow::Result<Option<Box<dyn PolicyEngine>>> {
        if self.config_policy.is_empty() {
            return Ok(None);
        }
        crate::rego::load(&self.config_policy, &self.namespaces).map(Some)
    }
}

/// What `--list-checks` prints.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    /// The checks page of the docs (`docs/checks.md`).
    Markdown,
}

#[derive(clap::Args)]
#[command(mut_args(crate::fs::hide_package_options))]
pub struct ConfigArgs {
    /// Directory or file to scan.
    #[arg(required_unless_present = "list_checks")]
    path: Option<PathBuf>,
    /// List the built-in checks and exit.
    #[arg(long, value_enum, value_name = "FORMAT", num_args = 0..=1, default_missing_value = "table")]
    list_checks: Option<ListFormat>,
    /// Directories to skip (globs relative to the target; a bare name matches at any depth).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    skip_dirs: Vec<String>,
    /// Files to skip (globs, same rules as --skip-dirs).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    skip_files: Vec<String>,
    /// Custom policies (same as --config-policy).
    #[arg(long, value_name = "DIR")]
    policy: Vec<PathBuf>,
    #[command(flatten)]
    misconfig: MisconfigArgs,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(mut args: ConfigArgs) -> anyhow::Result<u8> {
    if let Some(format) = args.list_checks {
        return list_checks(format);
    }
    let Some(path) = args.path.clone() else { bail!("name a directory or file to scan") };
    if matches!(args.common.format, OutputFormat::Cyclonedx | OutputFormat::SpdxJson) {
        bail!("rampart config writes table, json or sarif: an SBOM has no misconfigurations");
    }
    args.misconfig.config_policy.append(&mut args.policy);
    if args.common.scanners.iter().any(|s| *s != Scanner::Misconfig) {
        bail!(
            "rampart config runs the misconfiguration scanner only: use `rampart fs --scanners ...` for others"
        );
    }
    args.common.scanners = vec![Scanner::Misconfig];
    let mut prepared = Prepared::new(&args.common, default_ignore_file(&path))?;
    prepared.compliance = args.misconfig.framework()?;
    let options = WalkOptions {
        skip_dirs: args.skip_dirs.clone(),
        skip_files: args.skip_files.clone(),
        threads: args.common.threads,
    };
    let artifact = FsArtifact::new(&path, &options)?;
    let bar = Bar::new(args.common.quiet);
    let mut report = Report::new(path.display().to_string(), ArtifactKind::Filesystem, now());
    scan_tree(&mut report, &artifact, &args.misconfig, &bar)?;
    prepared.finish(report, &args.common, &bar)
}

/// Adds the misconfigurations of the tree to `report`.
pub fn scan_tree(
    report: &mut Report,
    artifact: &FsArtifact,
    args: &MisconfigArgs,
    bar: &Bar,
) -> anyhow::Result<()> {
    bar.message("reading configuration files");
    let (files, diagnostics) = rampart_scan::misconfig::collect_fs(artifact, bar);
    report.diagnostics.extend(diagnostics);
    scan_files(report, &files, args, bar)
}

/// Runs the checks and the user's policies over configuration files already read.
pub fn scan_files(
    report: &mut Report,
    files: &[rampart_misconfig::SourceFile],
    args: &MisconfigArgs,
    bar: &Bar,
) -> anyhow::Result<()> {
    let policies = args.policies()?;
    bar.message(format!("checking {} configuration files", files.len()));
    let options = MisconfigOptions {
        policies: policies.as_deref(),
        config_types: args.config_types.iter().map(|t| (*t).into()).collect(),
    };
    rampart_scan::misconfig::scan_sources(report, files, &options);
    report.diagnostics.sort();
    Ok(())
}

/// Adds the image's misconfigurations to its `report`: its config and history (as a
/// Dockerfile), and the configuration files in its filesystem.
pub fn scan_image(
    report: &mut Report,
    image: &rampart_image::Image,
    args: &MisconfigArgs,
    bar: &Bar,
) -> anyhow::Result<()> {
    let policies = args.policies()?;
    let options = MisconfigOptions {
        policies: policies.as_deref(),
        config_types: args.config_types.iter().map(|t| (*t).into()).collect(),
    };
    rampart_scan::misconfig::scan_image_config(report, &options);
    bar.message("checking the configuration files in the image");
    rampart_scan::misconfig::scan_image_files(report, image, &options)
        .context("reading the image's configuration files")?;
    Ok(())
}

/// The time now, RFC 3339 UTC to the second, for a report's `created_at`.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

fn list_checks(format: ListFormat) -> anyhow::Result<u8> {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let checks = rampart_misconfig::checks();
    match format {
        ListFormat::Markdown => w.write_all(rampart_misconfig::docs::markdown().as_bytes())?,
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = checks
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id,
                        "family": c.family.as_str(),
                        "service": c.service,
                        "severity": c.severity,
                        "title": c.title,
                        "description": c.description,
                        "remediation": c.remediation,
                        "references": c.references,
                        "controls": c.controls,
                        "peers": c.peers,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut w, &list)?;
            writeln!(w)?;
        }
        ListFormat::Table => {
            for c in &checks {
                writeln!(
                    w,
                    "{:<14} {:<9} {:<11} {:<16} {}",
                    c.id,
                    c.severity,
                    c.family.as_str(),
                    c.service,
                    c.title
                )?;
            }
            writeln!(w, "{} checks", checks.len())?;
        }
    }
    w.flush()?;
    Ok(crate::exit::OK)
}

/// Renders the per-control report of `--compliance` (table, or JSON for `--format json`).
pub fn render_compliance(framework: &Framework, report: &Report, args: &CommonArgs) -> anyhow::Result<()> {
    let scanned: Vec<ConfigType> = report
        .results
        .iter()
        .filter(|r| r.kind == rampart_model::ResultKind::Config)
        .filter_map(|r| r.analyzer.as_deref())
        .filter_map(config_type_of)
        .collect();
    let findings = report.results.iter().flat_map(|r| {
        r.misconfigurations.iter().filter(|m| m.suppressed.is_none()).map(move |m| (r.target.as_str(), m))
    });
    let results = frameworks::assess(framework, &scanned, findings);
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.format {
        OutputFormat::Json => {
            let controls: Vec<serde_json::Value> = results
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.control.id,
                        "title": r.control.title,
                        "status": r.status.as_str(),
                        "checks": r.checks,
                        "failures": r.failures.iter().map(|(path, id, resource, line)| serde_json::json!({
                            "path": path, "check": id, "resource": resource, "line": line,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let count = |s: Status| results.iter().filter(|r| r.status == s).count();
            let doc = serde_json::json!({
                "framework": framework.id,
                "title": framework.title,
                "target": report.target,
                "summary": {
                    "pass": count(Status::Pass),
                    "fail": count(Status::Fail),
                    "not_evaluated": count(Status::NotEvaluated),
                },
                "controls": controls,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        OutputFormat::Table => {
            writeln!(out, "{} ({})\n{}\n", framework.title, framework.id, report.target)?;
            for r in &results {
                let id = r.control.id.split_once('/').map(|(_, c)| c).unwrap_or(r.control.id);
                writeln!(out, "{:<13} {:<28} {}", r.status.as_str(), id, r.control.title)?;
                for (path, check, resource, line) in r.failures.iter().take(20) {
                    let at = line.map(|l| format!(":{l}")).unwrap_or_default();
                    let resource = resource.as_deref().map(|r| format!(" {r}")).unwrap_or_default();
                    writeln!(out, "{:<13} {check}  {path}{at}{resource}", "")?;
                }
                if r.failures.len() > 20 {
                    writeln!(out, "{:<13} ... and {} more", "", r.failures.len() - 20)?;
                }
            }
            let count = |s: Status| results.iter().filter(|r| r.status == s).count();
            writeln!(
                out,
                "\n{} controls: {} pass, {} fail, {} not evaluated",
                results.len(),
                count(Status::Pass),
                count(Status::Fail),
                count(Status::NotEvaluated)
            )?;
        }
        _ => bail!("--compliance renders as table or json"),
    }
    out.flush()?;
    Ok(())
}

fn config_type_of(name: &str) -> Option<ConfigType> {
    [
        ConfigType::Kubernetes,
        ConfigType::Dockerfile,
        ConfigType::Terraform,
        ConfigType::TerraformPlan,
        ConfigType::CloudFormation,
        ConfigType::ImageConfig,
    ]
    .into_iter()
    .find(|t| t.as_str() == name)
}
