//! `--scanners secret` on `fs` and `image`: which rules (built-in, or a gitleaks TOML
//! configuration), and the secret stage of each command.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rampart_artifact::{Entry, FsArtifact};
use rampart_image::Image;
use rampart_model::Report;
use rampart_scan::image::LayerCache;
use rampart_secrets::{CustomRule, ScanConfig, Scanner, builtin_rules, load_gitleaks_config};

use crate::progress::Bar;

/// Secret scanner options, shared by `fs`, `image` and `repo`.
#[derive(clap::Args, Clone, Default)]
#[command(next_help_heading = "Secret scanning")]
pub struct SecretArgs {
    /// A gitleaks TOML configuration (its rules and allowlists; add `[extend] useDefault = true`
    /// to keep the built-in rules) [default: .gitleaks.toml at the root of a scanned directory,
    /// else the built-in rules].
    #[arg(long = "secret-config", visible_alias = "config", value_name = "FILE")]
    pub secret_config: Option<PathBuf>,
    /// Files larger than this many bytes are not searched for secrets.
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub secret_max_size: usize,
}

impl SecretArgs {
    /// The configuration file in use: `--secret-config`, else `.gitleaks.toml` in `root`.
    fn config_file(&self, root: Option<&Path>) -> Option<PathBuf> {
        self.secret_config.clone().or_else(|| root.map(|r| r.join(".gitleaks.toml")).filter(|p| p.is_file()))
    }

    /// Compiles the rules: the built-in ones, or those of the gitleaks configuration.
    pub fn scanner(&self, root: Option<&Path>) -> anyhow::Result<Scanner> {
        let mut config = ScanConfig { max_file_size: self.secret_max_size, ..ScanConfig::default() };
        let file = self.config_file(root);
        let rules = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the secret configuration {}", path.display()))?;
                let gitleaks = load_gitleaks_config(&text)
                    .with_context(|| format!("in the secret configuration {}", path.display()))?;
                config.allowlist.extend(gitleaks.allowlist.clone());
                gitleaks.effective_rules()
            }
            None => builtin_rules().into_iter().map(CustomRule::from).collect(),
        };
        Scanner::new(rules, config).with_context(|| match &file {
            Some(path) => format!("compiling the rules of the secret configuration {}", path.display()),
            None => "compiling the built-in secret rules".to_string(),
        })
    }
}

/// Searches the walked files of a directory for secrets and adds the results to the report.
pub fn scan_fs(report: &mut Report, entries: &[Entry], artifact: &FsArtifact, scanner: &Scanner, bar: &Bar) {
    bar.message(format!("searching {} files for secrets", entries.len()));
    let (results, diagnostics, _stats) = rampart_scan::secret::scan_fs(entries, artifact, scanner, bar);
    report.results.extend(results);
    report.diagnostics.extend(diagnostics);
    report.diagnostics.sort();
}

/// Searches every layer of an image (those the layer cache lacks) and its config for secrets.
pub fn scan_image(
    report: &mut Report,
    image: &Image,
    scanner: &Scanner,
    cache: Option<&LayerCache>,
    bar: &Bar,
) -> anyhow::Result<()> {
    bar.message(format!("searching {} layers for secrets", image.metadata().layers.len()));
    rampart_scan::secret::scan_image(report, image, scanner, cache)
        .with_context(|| format!("searching {} for secrets", image.path().display()))?;
    Ok(())
}
