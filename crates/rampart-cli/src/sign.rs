//! `rampart keygen`, `rampart sign`, `rampart verify`: cosign-compatible image signatures
//! (ECDSA P-256 keys in cosign's formats, the simple-signing payload, `sha256-<digest>.sig`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use rampart_sign::RegistryOptions;

/// The private key's password: `COSIGN_PASSWORD`, as cosign reads it (it may be empty).
fn password() -> anyhow::Result<Vec<u8>> {
    match std::env::var("COSIGN_PASSWORD") {
        Ok(p) => Ok(p.into_bytes()),
        Err(_) => bail!("set COSIGN_PASSWORD to the private key's password (it may be empty), as for cosign"),
    }
}

/// Registry access for signing and verifying.
#[derive(clap::Args, Clone)]
pub struct RegistryArgs {
    /// Registry user name (else the Docker config file's credentials, else anonymous).
    #[arg(long, env = "RAMPART_USERNAME", hide_env_values = true)]
    username: Option<String>,
    /// Registry password or token.
    #[arg(long, env = "RAMPART_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Allow plain HTTP to a registry on a loopback address.
    #[arg(long)]
    insecure: bool,
    /// Registry request time-out in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    timeout: u64,
}

impl RegistryArgs {
    fn options(&self) -> RegistryOptions {
        RegistryOptions {
            insecure: self.insecure,
            username: self.username.clone(),
            password: self.password.clone(),
            timeout: Duration::from_secs(self.timeout),
            ..RegistryOptions::default()
        }
    }
}

#[derive(clap::Args)]
pub struct KeygenArgs {
    /// Write PREFIX.key (encrypted with COSIGN_PASSWORD) and PREFIX.pub.
    #[arg(long, default_value = "cosign")]
    output_key_prefix: PathBuf,
}

#[derive(clap::Args)]
pub struct SignArgs {
    /// The private key (cosign's encrypted PEM; password in COSIGN_PASSWORD).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The image in a registry (`registry/repo:tag` or `@sha256:...`).
    image: String,
    #[command(flatten)]
    registry: RegistryArgs,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The public key (PEM, as cosign.pub).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The image in a registry.
    image: String,
    #[command(flatten)]
    registry: RegistryArgs,
}

pub fn keygen(args: KeygenArgs) -> anyhow::Result<u8> {
    let password = password()?;
    let kp = rampart_sign::generate_key_pair();
    let private = rampart_sign::encrypt_private_key(&kp, &password)?;
    let key_path = args.output_key_prefix.with_extension("key");
    let pub_path = args.output_key_prefix.with_extension("pub");
    for p in [&key_path, &pub_path] {
        if p.exists() {
            bail!("{} exists: not overwriting a key", p.display());
        }
    }
    write_private(&key_path, &private)?;
    std::fs::write(&pub_path, rampart_sign::public_key_pem(&kp))
        .with_context(|| format!("writing {}", pub_path.display()))?;
    eprintln!("Private key written to {}\nPublic key written to {}", key_path.display(), pub_path.display());
    Ok(crate::exit::OK)
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    o.mode(0o600);
    let mut f = o.open(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes()).with_context(|| format!("writing {}", path.display()))
}

pub fn sign(args: SignArgs) -> anyhow::Result<u8> {
    let pem =
        std::fs::read_to_string(&args.key).with_context(|| format!("reading {}", args.key.display()))?;
    let kp = rampart_sign::decrypt_private_key(&pem, &password()?)
        .with_context(|| format!("{}: cannot decrypt the private key", args.key.display()))?;
    let signed = rampart_sign::sign_image(&args.image, &kp, &args.registry.options())
        .with_context(|| format!("signing {}", args.image))?;
    if signed.already_signed {
        eprintln!(
            "{}@{} was already signed with this key ({})",
            signed.reference, signed.digest, signed.signature_reference
        );
    } else {
        eprintln!(
            "signed {}@{}: {} ({} signature(s))",
            signed.reference, signed.digest, signed.signature_reference, signed.signatures
        );
    }
    Ok(crate::exit::OK)
}

pub fn verify(args: VerifyArgs) -> anyhow::Result<u8> {
    let pem =
        std::fs::read_to_string(&args.key).with_context(|| format!("reading {}", args.key.display()))?;
    let key = rampart_sign::load_public_key(&pem)
        .with_context(|| format!("{}: not a public key", args.key.display()))?
        .with_name(args.key.display().to_string());
    match rampart_sign::verify_image(&args.image, &key, &args.registry.options()) {
        Ok(v) => {
            eprintln!(
                "verified {}@{}: {} of {} signature(s) valid for {}",
                v.reference,
                v.digest,
                v.signatures.len(),
                v.total,
                args.key.display()
            );
            // The valid payloads, as cosign prints them.
            let payloads: Vec<serde_json::Value> = v
                .signatures
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "critical": {"identity": {"docker-reference": s.docker_reference},
                                     "image": {"docker-manifest-digest": v.digest},
                                     "type": rampart_sign::COSIGN_SIGNATURE_TYPE},
                        "optional": s.optional,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string(&payloads)?);
            Ok(crate::exit::OK)
        }
        Err(e) => {
            eprintln!("error: verification of {} failed: {e}", args.image);
            Ok(crate::exit::VERIFY)
        }
    }
}

/// The gate's signature check: `rampart_sign::verify_image` with one key file. Outcomes are
/// remembered (the admission webhook asks again for every pod): for a reference pinned by
/// digest for [`PINNED_TTL`], for a tag (which may move) for [`TAG_TTL`].
pub struct Verifier {
    pub options: RegistryOptions,
    pub cache: std::sync::Mutex<VerifyCache>,
}

/// Verification outcomes by (reference, key file), with when they were made.
pub type VerifyCache = std::collections::HashMap<(String, PathBuf), (std::time::Instant, Result<(), String>)>;

/// How long a verification of a digest-pinned reference is reused.
pub const PINNED_TTL: Duration = Duration::from_secs(600);
/// How long a verification of a tag is reused.
pub const TAG_TTL: Duration = Duration::from_secs(30);

impl rampart_gate::SignatureVerifier for Verifier {
    fn verify(&self, reference: &str, key: &Path) -> Result<(), String> {
        let ttl = if reference.contains('@') { PINNED_TTL } else { TAG_TTL };
        let k = (reference.to_string(), key.to_path_buf());
        if let Ok(cache) = self.cache.lock()
            && let Some((at, outcome)) = cache.get(&k)
            && at.elapsed() < ttl
        {
            return outcome.clone();
        }
        let outcome = self.verify_now(reference, key);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(k, (std::time::Instant::now(), outcome.clone()));
        }
        outcome
    }
}

impl Verifier {
    fn verify_now(&self, reference: &str, key: &Path) -> Result<(), String> {
        let pem = std::fs::read_to_string(key).map_err(|e| format!("reading the key: {e}"))?;
        let key = rampart_sign::load_public_key(&pem)
            .map_err(|e| e.to_string())?
            .with_name(key.display().to_string());
        rampart_sign::verify_image(reference, &key, &self.options).map(|_| ()).map_err(|e| e.to_string())
    }
}
