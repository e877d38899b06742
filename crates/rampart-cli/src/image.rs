//! `rampart image`: inventory a container image (a local archive or layout, or a registry
//! reference), layer by layer with a per-layer cache, then the same vulnerability, filter and
//! rendering stages as `fs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use rampart_image::{Image, OpenOptions, Platform};
use rampart_registry::{PullEvent, RegistryOptions};
use rampart_scan::ScanOptions;
use rampart_scan::image::{LayerCache, dir_size, fingerprint, scan_image};

use crate::fs::{CommonArgs, Prepared, default_ignore_file};
use crate::progress::Bar;

#[derive(clap::Args)]
pub struct ImageArgs {
    /// Image reference in a registry (`registry:port/repo:tag`, `repo@sha256:...`).
    #[arg(value_name = "REF", required_unless_present = "input", conflicts_with = "input")]
    reference: Option<String>,
    /// A local image instead of a registry: docker-archive tar (`docker save`, `podman save`),
    /// OCI layout directory or OCI archive tar.
    #[arg(long, value_name = "FILE|DIR")]
    input: Option<PathBuf>,
    /// Which platform of a multi-platform image (`os/arch[/variant]`, e.g. `linux/arm64`)
    /// [default: linux and this machine's architecture].
    #[arg(long, value_name = "OS/ARCH")]
    platform: Option<String>,
    /// Registry user name (else the Docker config file's credentials, else anonymous).
    #[arg(long, env = "RAMPART_USERNAME", hide_env_values = true)]
    username: Option<String>,
    /// Registry password or token.
    #[arg(long, env = "RAMPART_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Allow plain HTTP to a registry on a loopback address (127.0.0.1, ::1, localhost).
    #[arg(long)]
    insecure: bool,
    /// Registry request time-out in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    timeout: u64,
    /// Cache directory for per-layer results and pulled blobs [env: RAMPART_CACHE_DIR]
    /// [default: <user cache dir>/rampart].
    #[arg(long, value_name = "DIR", env = "RAMPART_CACHE_DIR", hide_env = true)]
    cache_dir: Option<PathBuf>,
    /// Analyse every layer again, neither reading nor writing the layer cache.
    #[arg(long)]
    no_cache: bool,
    #[command(flatten)]
    misconfig: crate::config::MisconfigArgs,
    #[command(flatten)]
    secret: crate::secret::SecretArgs,
    #[command(flatten)]
    gate: crate::gate::GateArgs,
    #[command(flatten)]
    common: CommonArgs,
}

/// `rampart cache`: the per-layer cache of `rampart image`.
#[derive(clap::Subcommand)]
pub enum CacheCommand {
    /// Delete every cached layer result and pulled blob.
    Clean {
        /// The cache directory [env: RAMPART_CACHE_DIR] [default: <user cache dir>/rampart].
        #[arg(long, value_name = "DIR", env = "RAMPART_CACHE_DIR", hide_env = true)]
        cache_dir: Option<PathBuf>,
    },
}

pub fn cache_dir(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let cache = dirs::cache_dir().ok_or_else(|| {
        anyhow::anyhow!("no user cache directory (set HOME or XDG_CACHE_HOME), or pass --cache-dir")
    })?;
    Ok(cache.join("rampart"))
}

pub fn run_cache(cmd: CacheCommand) -> anyhow::Result<u8> {
    match cmd {
        CacheCommand::Clean { cache_dir: dir } => {
            let dir = cache_dir(dir.as_deref())?;
            let freed =
                LayerCache::new(&dir).clean().with_context(|| format!("cleaning {}", dir.display()))?;
            let blobs = dir.join("registry");
            let mut pulled = 0u64;
            if blobs.exists() {
                pulled = dir_size(&blobs);
                std::fs::remove_dir_all(&blobs).with_context(|| format!("removing {}", blobs.display()))?;
            }
            println!(
                "removed {} of cached layer results and {} of pulled blobs from {}",
                human(freed),
                human(pulled),
                dir.display()
            );
            Ok(crate::exit::OK)
        }
    }
}

fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}

pub fn run(args: ImageArgs) -> anyhow::Result<u8> {
    let default_ignore = std::env::current_dir().ok().and_then(|d| default_ignore_file(&d));
    let mut prepared = Prepared::new(&args.common, default_ignore)?;
    prepared.compliance = args.misconfig.framework()?;
    prepared.policy = args.gate.policy.as_deref().map(crate::gate::load_policy).transpose()?;
    prepared.insecure = args.insecure;
    let secrets = match args.common.scanners.contains(&crate::fs::Scanner::Secret) {
        true => Some(args.secret.scanner(None)?),
        false => None,
    };
    let platform: Option<Platform> = match &args.platform {
        Some(p) => Some(p.parse().map_err(|e| anyhow::anyhow!("--platform {p}: {e}"))?),
        None => None,
    };
    let analyzers = if args.common.wants_inventory() { rampart_inventory::analyzers() } else { Vec::new() };
    // The misconfiguration scanner reads every layer; the inventory and the secret scanner read
    // the layers their part of the layer cache lacks.
    let reads_layers = args.common.scanners.contains(&crate::fs::Scanner::Misconfig);
    let secret_key = secrets.as_ref().map(rampart_scan::secret::cache_key);
    let print = fingerprint(&analyzers);
    let cache_root = cache_dir(args.cache_dir.as_deref())?;
    let cache = (!args.no_cache).then(|| LayerCache::new(&cache_root));
    let bar = Bar::new(args.common.quiet);
    if args.common.threads > 0 {
        // Best effort: the global pool may already exist.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(args.common.threads).build_global();
    }

    let open_options = OpenOptions { platform: platform.clone(), ..OpenOptions::default() };
    let (image, target, _pull_dir) = match (&args.input, &args.reference) {
        (Some(path), _) => {
            if !path.exists() {
                bail!("{}: no such file or directory", path.display());
            }
            let image = Image::open(path, &open_options)
                .with_context(|| format!("opening the image {}", path.display()))?;
            (image, path.display().to_string(), None)
        }
        (None, Some(reference)) => {
            let registry_options = RegistryOptions {
                insecure: args.insecure,
                username: args.username.clone(),
                password: args.password.clone(),
                docker_config: None,
                platform: platform
                    .as_ref()
                    .map(|p| (p.os.clone(), p.architecture.clone(), p.variant.clone())),
                timeout: Duration::from_secs(args.timeout),
            };
            let want = |diff_id: &str| {
                let lacks = |key: &str| cache.as_ref().is_none_or(|c| !c.contains(diff_id, key));
                reads_layers
                    || (args.common.wants_inventory() && lacks(&print))
                    || secret_key.as_deref().is_some_and(lacks)
            };
            let (image, layout, pulled) =
                pull(reference, &registry_options, &cache_root, &open_options, &want, &bar)?;
            if !args.common.quiet {
                let fetched: Vec<_> = pulled.layers.iter().filter(|l| l.fetched).collect();
                eprintln!(
                    "pulled {} of {} layers ({}) from {reference}; the others are in the layer cache",
                    fetched.len(),
                    pulled.layers.len(),
                    human(fetched.iter().map(|l| l.size).sum())
                );
            }
            (image, reference.clone(), Some(layout))
        }
        (None, None) => bail!("name an image: REF, or --input FILE|DIR"),
    };
    let scan_options = ScanOptions { skip_dev_dependencies: args.common.skip_dev_deps };
    let mut report = if args.common.wants_inventory() {
        bar.message(format!("analysing {} layers", image.metadata().layers.len()));
        scan_image(&target, &image, &analyzers, &scan_options, cache.as_ref(), &bar)
            .with_context(|| format!("scanning {target}"))?
            .report
    } else {
        // Only finding scanners: they stream the layers themselves; no inventory pass.
        let mut report = rampart_model::Report::new(
            target.clone(),
            rampart_model::ArtifactKind::ContainerImage,
            crate::config::now(),
        );
        report.image = Some(image.metadata().clone());
        report
    };
    if args.common.scanners.contains(&crate::fs::Scanner::Misconfig) {
        crate::config::scan_image(&mut report, &image, &args.misconfig, &bar)?;
    }
    if let Some(scanner) = &secrets {
        crate::secret::scan_image(&mut report, &image, scanner, cache.as_ref(), &bar)?;
    }
    prepared.finish(report, &args.common, &bar)
}

/// Pulls `reference` into a temporary OCI layout under the cache (the layers `want` accepts)
/// and opens it.
fn pull(
    reference: &str,
    registry_options: &RegistryOptions,
    cache_root: &Path,
    open_options: &OpenOptions,
    want: &dyn Fn(&str) -> bool,
    bar: &Bar,
) -> anyhow::Result<(Image, tempfile::TempDir, rampart_registry::PulledImage)> {
    let layout = tempfile::Builder::new()
        .prefix("pull-")
        .tempdir_in(create_dir(&cache_root.join("registry"))?)
        .context("creating a pull directory in the cache")?;
    let progress = |event: PullEvent| bar.message(pull_message(&event));
    bar.message(format!("pulling {reference}"));
    let pulled =
        rampart_registry::pull_to_layout(reference, layout.path(), registry_options, want, &progress)
            .with_context(|| format!("pulling {reference}"))?;
    let options = OpenOptions { reference: Some(pulled.ref_name.clone()), ..open_options.clone() };
    let image = Image::open(layout.path(), &options)
        .with_context(|| format!("opening the image pulled from {reference}"))?;
    Ok((image, layout, pulled))
}

/// Pulls and scans `reference` quietly (inventory, vulnerabilities with the database at `db`,
/// and secrets with the built-in rules when `secrets`): the admission webhook's scan of an
/// image its report cache lacks.
pub fn scan_reference(
    reference: &str,
    insecure: bool,
    cache_root: &Path,
    db: Option<&Path>,
    secrets: bool,
    timeout: Duration,
) -> anyhow::Result<rampart_model::Report> {
    let analyzers = rampart_inventory::analyzers();
    let print = fingerprint(&analyzers);
    let cache = LayerCache::new(cache_root);
    let scanner = match secrets {
        true => Some(
            rampart_secrets::Scanner::with_builtin_rules().context("compiling the built-in secret rules")?,
        ),
        false => None,
    };
    let secret_key = scanner.as_ref().map(rampart_scan::secret::cache_key);
    let registry_options = RegistryOptions {
        insecure,
        username: None,
        password: None,
        docker_config: None,
        platform: None,
        timeout,
    };
    let want = |diff_id: &str| {
        !cache.contains(diff_id, &print) || secret_key.as_deref().is_some_and(|k| !cache.contains(diff_id, k))
    };
    let bar = Bar::new(true);
    let (image, _layout, _) =
        pull(reference, &registry_options, cache_root, &OpenOptions::default(), &want, &bar)?;
    let scan = scan_image(reference, &image, &analyzers, &ScanOptions::default(), Some(&cache), &bar)
        .with_context(|| format!("scanning {reference}"))?;
    let mut report = scan.report;
    if let Some(db) = db {
        let db = rampart_vulndb::VulnDb::open(db)
            .with_context(|| format!("opening the advisory database {}", db.display()))?;
        rampart_scan::vuln::detect(&mut report, &db).context("querying the advisory database")?;
    }
    if let Some(scanner) = &scanner {
        rampart_scan::secret::scan_image(&mut report, &image, scanner, Some(&cache))
            .with_context(|| format!("searching {reference} for secrets"))?;
    }
    Ok(report)
}

fn create_dir(dir: &Path) -> anyhow::Result<&Path> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

fn pull_message(event: &PullEvent) -> String {
    match event {
        PullEvent::ManifestResolved { reference, layers, wanted_layers, wanted_bytes, .. } => {
            format!("{reference}: {layers} layers, {wanted_layers} to fetch ({})", human(*wanted_bytes))
        }
        PullEvent::LayerSkipped { index, .. } => format!("layer {index}: in the layer cache"),
        PullEvent::LayerStarted { index, size, .. } => format!("layer {index}: fetching {}", human(*size)),
        PullEvent::LayerProgress { index, bytes, size } => {
            format!("layer {index}: {} of {}", human(*bytes), human(*size))
        }
        PullEvent::LayerDone { index, fetched, .. } => {
            format!("layer {index}: {}", if *fetched { "fetched" } else { "already present" })
        }
    }
}
