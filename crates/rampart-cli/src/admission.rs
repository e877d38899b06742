//! `rampart admission certs|serve`: the Kubernetes validating admission webhook.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::ValueEnum;
use rampart_admission::{DecisionLog, Lookup, Mode, ReportSource, Settings, Webhook, certs};
use rampart_model::Report;

#[derive(clap::Subcommand)]
pub enum AdmissionCommand {
    /// Make a CA and a serving certificate for the webhook's Service (writes ca.crt, tls.crt,
    /// tls.key; put ca.crt base64-encoded in the webhook configuration's caBundle).
    Certs {
        /// The Service name.
        #[arg(long, default_value = "rampart-admission")]
        service: String,
        /// The Service's namespace.
        #[arg(long, default_value = "rampart")]
        namespace: String,
        /// Directory to write the files to.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Serve the webhook over HTTPS (`POST /validate`, `GET /healthz`); every decision is
    /// written to standard output as a JSON line.
    Serve(Box<ServeArgs>),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// Deny what fails the policy.
    Enforce,
    /// Admit, with AdmissionReview warnings.
    Warn,
    /// Admit; only the decision log says what would have been denied.
    Audit,
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The deploy-gate policy (YAML).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// Serving certificate (PEM chain).
    #[arg(long, value_name = "FILE")]
    tls_cert: PathBuf,
    /// Its private key (PEM).
    #[arg(long, value_name = "FILE")]
    tls_key: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0:8443")]
    listen: SocketAddr,
    /// What to do with a failed policy.
    #[arg(long, value_enum, default_value = "enforce")]
    mode: ModeArg,
    /// Namespaces admitted without checks (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "kube-system,kube-public,kube-node-lease")]
    exempt_namespaces: Vec<String>,
    /// Scan reports of images (Rampart JSON, e.g. made in CI with `rampart image REF -f json`),
    /// looked up by the reference, tags and digests they name. Reloaded when files change.
    #[arg(long, value_name = "DIR")]
    reports: Option<PathBuf>,
    /// On a cache miss, pull and scan the image (with `--db` for vulnerabilities) within
    /// `--scan-budget`; after that, `on_scan_timeout` in the policy decides.
    #[arg(long)]
    scan_on_miss: bool,
    /// Seconds a scan on a cache miss may take before the policy's timeout action applies.
    #[arg(long, default_value_t = 8.0)]
    scan_budget: f64,
    /// Allow plain HTTP to registries on loopback addresses (scan on miss).
    #[arg(long)]
    insecure: bool,
    #[command(flatten)]
    db: crate::DbArg,
    /// Cache directory for scans on a miss [default: <user cache dir>/rampart].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Worker threads of the server.
    #[arg(long, default_value_t = 2)]
    workers: usize,
}

pub fn run(cmd: AdmissionCommand) -> anyhow::Result<u8> {
    match cmd {
        AdmissionCommand::Certs { service, namespace, out } => {
            let c = certs::generate(&certs::service_names(&service, &namespace))?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            write(&out.join("ca.crt"), &c.ca_cert, 0o644)?;
            write(&out.join("tls.crt"), &c.cert, 0o644)?;
            write(&out.join("tls.key"), &c.key, 0o600)?;
            eprintln!(
                "wrote ca.crt, tls.crt and tls.key to {} for {service}.{namespace}.svc; the caBundle is `base64 -w0 {}`",
                out.display(),
                out.join("ca.crt").display()
            );
            Ok(crate::exit::OK)
        }
        AdmissionCommand::Serve(args) => serve(*args),
    }
}

fn write(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    o.mode(mode);
    let mut f = o.open(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn serve(args: ServeArgs) -> anyhow::Result<u8> {
    let policy = crate::gate::load_policy(&args.policy)?;
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    let tls = rampart_admission::server::tls_config(&read(&args.tls_cert)?, &read(&args.tls_key)?)
        .with_context(|| format!("{} / {}", args.tls_cert.display(), args.tls_key.display()))?;
    if !args.scan_budget.is_finite() || args.scan_budget <= 0.0 {
        bail!("--scan-budget must be a positive number of seconds");
    }
    let db = args.db.path()?;
    let source = Reports {
        dir: args.reports.clone(),
        index: Mutex::new(Index::default()),
        scanned: Arc::new(Mutex::new(HashMap::new())),
        scan: args.scan_on_miss.then(|| ScanOnMiss {
            insecure: args.insecure,
            cache_root: crate::image::cache_dir(args.cache_dir.as_deref())
                .unwrap_or_else(|_| PathBuf::from(".")),
            db: db.exists().then_some(db),
            // Only a policy with secret thresholds needs the image's secrets.
            secrets: policy.secrets.is_some(),
        }),
    };
    source.reload()?;
    let webhook = Webhook {
        policy,
        settings: Settings {
            mode: match args.mode {
                ModeArg::Enforce => Mode::Enforce,
                ModeArg::Warn => Mode::Warn,
                ModeArg::Audit => Mode::Audit,
            },
            exempt_namespaces: args.exempt_namespaces.clone(),
            scan_budget: Duration::from_secs_f64(args.scan_budget),
        },
        reports: Box::new(source),
        verifier: Box::new(crate::gate::verifier(args.insecure)),
    };
    let sink = Arc::new(|log: &DecisionLog| {
        if let Ok(line) = serde_json::to_string(log) {
            println!("{line}");
        }
    });
    let running = rampart_admission::server::start(args.listen, tls, Arc::new(webhook), sink, args.workers)?;
    eprintln!("rampart admission webhook listening on https://{}", running.addr);
    running.wait();
    Ok(crate::exit::OK)
}

/// Reports by image reference, tag and digest.
#[derive(Default)]
struct Index {
    by_ref: HashMap<String, Arc<Report>>,
    /// Modification times of the files indexed, to reload on change.
    stamp: Vec<(PathBuf, std::time::SystemTime)>,
    /// When the directory was last looked at.
    checked: Option<std::time::Instant>,
}

/// How often a request may look at the report directory for changes (each look stats every
/// file; at hundreds of reviews a second, once per request would be most of the work).
const RELOAD_EVERY: Duration = Duration::from_secs(2);

struct ScanOnMiss {
    insecure: bool,
    cache_root: PathBuf,
    db: Option<PathBuf>,
    secrets: bool,
}

struct Reports {
    dir: Option<PathBuf>,
    index: Mutex<Index>,
    /// Scans made on a miss (finished ones; a scan that outlives its budget lands here later).
    scanned: Arc<Mutex<HashMap<String, Arc<Report>>>>,
    scan: Option<ScanOnMiss>,
}

/// `name@sha256:...` → the digest.
fn digest_of(reference: &str) -> Option<&str> {
    reference.split_once('@').map(|(_, d)| d)
}

impl Reports {
    fn stamps(&self) -> Vec<(PathBuf, std::time::SystemTime)> {
        let Some(dir) = &self.dir else { return Vec::new() };
        let mut out: Vec<(PathBuf, std::time::SystemTime)> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .filter_map(|p| std::fs::metadata(&p).and_then(|m| m.modified()).ok().map(|t| (p, t)))
            .collect();
        out.sort();
        out
    }

    /// Re-reads the report directory when its files changed (looked at every [`RELOAD_EVERY`]).
    fn reload(&self) -> anyhow::Result<()> {
        let mut index = self.index.lock().map_err(|_| anyhow::anyhow!("report index poisoned"))?;
        if index.checked.is_some_and(|t| t.elapsed() < RELOAD_EVERY) {
            return Ok(());
        }
        index.checked = Some(std::time::Instant::now());
        let stamps = self.stamps();
        if index.stamp == stamps {
            return Ok(());
        }
        let mut by_ref = HashMap::new();
        for (path, _) in &stamps {
            let Ok(bytes) = std::fs::read(path) else { continue };
            let Ok(report) = serde_json::from_slice::<Report>(&bytes) else {
                eprintln!("warning: {}: not a Rampart JSON report; skipped", path.display());
                continue;
            };
            let report = Arc::new(report);
            let mut keys = vec![report.target.clone()];
            if let Some(image) = &report.image {
                keys.extend(image.repo_tags.iter().cloned());
                keys.extend(image.repo_digests.iter().cloned());
                keys.extend(image.repo_digests.iter().filter_map(|d| digest_of(d).map(str::to_string)));
                keys.extend(image.manifest_digest.iter().cloned());
            }
            for k in keys {
                by_ref.insert(k, report.clone());
            }
        }
        *index = Index { by_ref, stamp: stamps, checked: index.checked };
        Ok(())
    }

    fn cached(&self, image: &str) -> Option<Arc<Report>> {
        let _ = self.reload();
        let index = self.index.lock().ok()?;
        index
            .by_ref
            .get(image)
            .or_else(|| digest_of(image).and_then(|d| index.by_ref.get(d)))
            .cloned()
            .or_else(|| self.scanned.lock().ok()?.get(image).cloned())
    }
}

impl ReportSource for Reports {
    fn report(&self, image: &str, budget: Duration) -> Lookup {
        if let Some(r) = self.cached(image) {
            return Lookup::Found(Box::new((*r).clone()));
        }
        let Some(scan) = &self.scan else {
            return Lookup::Missing("not in the report cache (scan on miss is off)".into());
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let (reference, insecure, cache_root, db, secrets) =
            (image.to_string(), scan.insecure, scan.cache_root.clone(), scan.db.clone(), scan.secrets);
        let scanned = self.scanned.clone();
        // The scan goes on after the budget: its report serves the next request.
        std::thread::spawn(move || {
            let result = crate::image::scan_reference(
                &reference,
                insecure,
                &cache_root,
                db.as_deref(),
                secrets,
                Duration::from_secs(300),
            );
            if let Ok(report) = &result
                && let Ok(mut map) = scanned.lock()
            {
                map.insert(reference.clone(), Arc::new(report.clone()));
            }
            let _ = tx.send(result.map_err(|e| format!("{e:#}")));
        });
        match rx.recv_timeout(budget) {
            Ok(Ok(report)) => Lookup::Found(Box::new(report)),
            Ok(Err(e)) => Lookup::Missing(format!("the scan failed: {e}")),
            Err(_) => {
                Lookup::Missing(format!("the scan did not finish within {:.1} s", budget.as_secs_f64()))
            }
        }
    }
}
