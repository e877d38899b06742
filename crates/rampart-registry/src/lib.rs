//! Pull container images from an OCI / Docker registry into a local OCI image-layout directory.
//!
//! The API is blocking: [`pull_to_layout`] runs the registry client (the `oci-client` crate, rustls) on a
//! private single-threaded tokio runtime and returns when the layout is written. It resolves the reference,
//! follows a multi-platform index to the wanted platform's image, and writes `oci-layout`, `index.json` and
//! the manifest, config and wanted layer blobs under `blobs/sha256/`, each verified against its digest before
//! it is renamed into place. Docker schema-2 manifests are stored as they are.
//!
//! Credentials: `--username/--password`, else the Docker config file, else podman's `auth.json`, else
//! anonymous; Bearer-token challenges are answered as the registry asks (see [`auth`] for what is read).

pub mod access;
pub mod auth;
mod error;
mod layout;
pub mod manifest;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt as _;
use oci_client::client::LayerDescriptor;
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference, RegistryOperation};
use sha2::{Digest as _, Sha256};

use error::Ctx;
pub use error::RegistryError;
use layout::{Layout, REF_NAME};
use manifest::{Descriptor, ImageManifest, ParseError, Parsed};

/// How to reach the registry and which image to pick.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// Speak plain HTTP instead of HTTPS. Allowed only when the registry host is loopback (127.0.0.0/8, ::1,
    /// localhost); any other host makes [`pull_to_layout`] fail with [`RegistryError::InsecureNotLoopback`].
    pub insecure: bool,
    /// User name for HTTP basic auth or the registry's token service (needs `password`).
    pub username: Option<String>,
    /// Password (needs `username`).
    pub password: Option<String>,
    /// Docker config file to read credentials from. `None`: `$DOCKER_CONFIG/config.json` or
    /// `~/.docker/config.json` when present; podman's `${XDG_RUNTIME_DIR}/containers/auth.json` (or
    /// `$REGISTRY_AUTH_FILE`) is read too when present. A file named here that cannot be read is an error.
    pub docker_config: Option<PathBuf>,
    /// `(os, architecture, variant)` to pick from a multi-platform index. `None`: `linux` and the host's
    /// architecture, any variant.
    pub platform: Option<(String, String, Option<String>)>,
    /// Connect timeout, and the longest wait for any read from the registry.
    pub timeout: Duration,
}

impl Default for RegistryOptions {
    /// HTTPS, anonymous or credentials from the default config files, linux on the host architecture, 60 s.
    fn default() -> Self {
        Self {
            insecure: false,
            username: None,
            password: None,
            docker_config: None,
            platform: None,
            timeout: Duration::from_secs(60),
        }
    }
}

/// What [`pull_to_layout`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledImage {
    /// The normalised reference (`registry/repository:tag` or `...@sha256:...`; Docker Hub as `docker.io`).
    pub reference: String,
    /// Digest of the (platform) image manifest stored in the layout.
    pub manifest_digest: String,
    /// Media type of that manifest (OCI or Docker schema 2).
    pub manifest_media_type: String,
    /// Digest of the multi-platform index the reference pointed to, when it pointed to one.
    pub index_digest: Option<String>,
    /// The platform of the image, as `os/arch[/variant]`, when the index said.
    pub platform: Option<String>,
    /// Digest of the image config blob.
    pub config_digest: String,
    /// The `org.opencontainers.image.ref.name` annotation written into `index.json` (the normalised reference).
    pub ref_name: String,
    /// The image's layers, bottom first.
    pub layers: Vec<PulledLayer>,
}

/// One layer of a pulled image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledLayer {
    /// The (compressed) blob digest from the manifest.
    pub digest: String,
    /// The uncompressed digest from the config's `rootfs.diff_ids` at the same position.
    pub diff_id: String,
    /// The blob's media type.
    pub media_type: String,
    /// The blob's size in bytes.
    pub size: u64,
    /// True when the blob was downloaded by this pull; false when it was skipped (`want_layer` said no) or
    /// already present and verified in the layout. See [`PulledLayer::present`].
    pub fetched: bool,
    /// True when the blob is in the layout after the pull (downloaded now or before).
    pub present: bool,
}

/// Progress of a pull, for a progress bar. Events come in this order: `ManifestResolved`, then per layer
/// `LayerSkipped` or `LayerStarted` .. `LayerProgress`* .. `LayerDone` (layers may interleave).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullEvent {
    /// The image manifest and config are known.
    ManifestResolved {
        /// The normalised reference.
        reference: String,
        /// The image manifest digest.
        manifest_digest: String,
        /// Number of layers in the image.
        layers: usize,
        /// Number of layers `want_layer` asked for.
        wanted_layers: usize,
        /// Sum of the sizes of the wanted layers.
        wanted_bytes: u64,
    },
    /// `want_layer` said no: the blob is not fetched.
    LayerSkipped {
        /// Position in the image, from 0.
        index: usize,
        /// Blob digest.
        digest: String,
    },
    /// A wanted layer is being checked / fetched.
    LayerStarted {
        /// Position in the image, from 0.
        index: usize,
        /// Blob digest.
        digest: String,
        /// Blob size.
        size: u64,
    },
    /// Bytes of a layer received so far.
    LayerProgress {
        /// Position in the image, from 0.
        index: usize,
        /// Bytes received so far.
        bytes: u64,
        /// Blob size.
        size: u64,
    },
    /// A wanted layer is in the layout.
    LayerDone {
        /// Position in the image, from 0.
        index: usize,
        /// Blob digest.
        digest: String,
        /// True when downloaded now; false when it was already present and verified.
        fetched: bool,
    },
}

/// Largest manifest config accepted (configs are a few KiB; this bounds memory on hostile input).
const MAX_CONFIG_BYTES: u64 = 64 << 20;
/// Layers downloaded at the same time.
const CONCURRENT_LAYERS: usize = 3;

/// True when `registry` (`host`, `host:port`, `[v6]:port`) names the loopback interface.
pub fn is_loopback_registry(registry: &str) -> bool {
    let host = if let Some(rest) = registry.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else if registry.matches(':').count() > 1 {
        registry // bare IPv6 without port
    } else {
        registry.split(':').next().unwrap_or_default()
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => v6 == Ipv6Addr::LOCALHOST,
        Err(_) => false,
    }
}

/// Parse and normalise an image reference (default registry `docker.io`, default tag `latest`); a digest must
/// be `sha256:<64 hex>`.
pub fn parse_reference(reference: &str) -> Result<Reference, RegistryError> {
    let parsed: Reference = reference.parse().map_err(|e: oci_client::ParseError| {
        RegistryError::InvalidReference { reference: reference.to_string(), reason: e.to_string() }
    })?;
    if let Some(d) = parsed.digest()
        && !manifest::is_valid_sha256_digest(d)
    {
        return Err(RegistryError::InvalidReference {
            reference: reference.to_string(),
            reason: format!("digest {d:?} is not sha256:<64 lower-case hex>"),
        });
    }
    Ok(parsed)
}

/// Pull `reference` into the OCI layout at `layout_dir` (created if missing; other images already in it are
/// kept). `want_layer(diff_id)` decides which layer blobs are fetched; the others are left out of the layout
/// (the manifest still lists them). `progress` receives [`PullEvent`]s. Blobs already present and matching
/// their digest are not fetched again; present ones that do not match are replaced.
///
/// Refuses: plain HTTP to a non-loopback registry, digests other than `sha256:<64 hex>`, Docker schema-1
/// manifests and non-image artifacts, a config whose `diff_ids` do not match the layers, content whose digest
/// or size differs from its descriptor.
pub fn pull_to_layout(
    reference: &str,
    layout_dir: &Path,
    opts: &RegistryOptions,
    want_layer: &dyn Fn(&str) -> bool,
    progress: &dyn Fn(PullEvent),
) -> Result<PulledImage, RegistryError> {
    let conn = access::Connection::open(reference, opts)?;
    let ctx = Ctx { reference: &conn.normalised, registry: &conn.registry };
    let layout = Layout::open(layout_dir)?;
    let job =
        Pull { client: &conn.client, image: &conn.image, auth: &conn.auth, ctx: &ctx, layout: &layout, opts };
    conn.block_on(job.run(want_layer, progress))
}

struct Pull<'a> {
    client: &'a Client,
    image: &'a Reference,
    auth: &'a RegistryAuth,
    ctx: &'a Ctx<'a>,
    layout: &'a Layout,
    opts: &'a RegistryOptions,
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

impl Pull<'_> {
    fn invalid(&self, what: &str, reason: impl Into<String>) -> RegistryError {
        RegistryError::InvalidManifest {
            reference: self.ctx.reference.to_string(),
            what: what.to_string(),
            reason: reason.into(),
        }
    }

    fn parse_error(&self, what: &str, e: ParseError) -> RegistryError {
        match e {
            ParseError::Unsupported { what: part, media_type } => RegistryError::UnsupportedMediaType {
                reference: self.ctx.reference.to_string(),
                what: if part == "manifest" { what.to_string() } else { format!("{part} in {what}") },
                media_type,
            },
            ParseError::Invalid(reason) => self.invalid(what, reason),
        }
    }

    /// Fetch a manifest by `image` (tag or digest); return its bytes and sha256 digest, checked against
    /// `expected` when given.
    async fn fetch_manifest(
        &self,
        image: &Reference,
        what: &str,
        expected: Option<&str>,
    ) -> Result<(bytes::Bytes, String), RegistryError> {
        let (body, _) = self
            .client
            .pull_manifest_raw(image, self.auth, manifest::ACCEPTED_MANIFESTS)
            .await
            .map_err(|e| self.ctx.map(what, e))?;
        let digest = sha256_hex(&body);
        if let Some(want) = expected
            && want != digest
        {
            return Err(RegistryError::DigestMismatch {
                reference: self.ctx.reference.to_string(),
                what: what.to_string(),
                expected: want.to_string(),
                actual: digest,
            });
        }
        Ok((body, digest))
    }

    /// Stream blob `digest` into the layout (unless present and verified). Returns true when downloaded.
    async fn fetch_blob(
        &self,
        what: &str,
        digest: &str,
        size: u64,
        on_bytes: &dyn Fn(u64),
    ) -> Result<bool, RegistryError> {
        if self.layout.has_verified(digest, size)? {
            return Ok(false);
        }
        let urls = None;
        let desc = LayerDescriptor { digest, urls: &urls };
        let mut stream =
            self.client.pull_blob_stream(self.image, &desc).await.map_err(|e| self.ctx.map(what, e))?;
        let mut writer = self.layout.writer(digest)?;
        let size_error = |actual: u64| RegistryError::SizeMismatch {
            reference: self.ctx.reference.to_string(),
            what: what.to_string(),
            digest: digest.to_string(),
            expected: size,
            actual,
        };
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.ctx.map_io(what, &e))?;
            if writer.len().saturating_add(chunk.len() as u64) > size {
                return Err(size_error(writer.len().saturating_add(chunk.len() as u64)));
            }
            writer.write(&chunk)?;
            on_bytes(writer.len());
        }
        if writer.len() != size {
            return Err(size_error(writer.len()));
        }
        match writer.finish(digest)? {
            Ok(_) => Ok(true),
            Err(m) => Err(RegistryError::DigestMismatch {
                reference: self.ctx.reference.to_string(),
                what: what.to_string(),
                expected: digest.to_string(),
                actual: m.actual,
            }),
        }
    }

    async fn run(
        &self,
        want_layer: &dyn Fn(&str) -> bool,
        progress: &dyn Fn(PullEvent),
    ) -> Result<PulledImage, RegistryError> {
        // Ask for a token up front so a refused login is reported as such (the client would otherwise
        // fall back to an anonymous request and report a bare 401).
        self.client
            .auth(self.image, self.auth, RegistryOperation::Pull)
            .await
            .map_err(|e| self.ctx.map("login", e))?;

        let (top_body, top_digest) = self.fetch_manifest(self.image, "manifest", self.image.digest()).await?;
        let top = manifest::parse_manifest(&top_body).map_err(|e| self.parse_error("manifest", e))?;
        let (body, digest, image_manifest, index_digest, platform) = match top {
            Parsed::Image(m) => (top_body, top_digest, m, None, None),
            Parsed::Index { manifests, .. } => {
                let (os, arch, variant) = match &self.opts.platform {
                    Some((os, arch, variant)) => (os.clone(), arch.clone(), variant.clone()),
                    None => ("linux".to_string(), manifest::host_arch().to_string(), None),
                };
                let Some(entry) = manifest::select_platform(&manifests, &os, &arch, variant.as_deref())
                else {
                    let wanted = match &variant {
                        Some(v) => format!("{os}/{arch}/{v}"),
                        None => format!("{os}/{arch}"),
                    };
                    let available = manifests
                        .iter()
                        .map(|m| {
                            m.platform.as_ref().map_or_else(|| "(no platform)".to_string(), |p| p.display())
                        })
                        .collect();
                    return Err(RegistryError::NoMatchingPlatform {
                        reference: self.ctx.reference.to_string(),
                        wanted,
                        available,
                    });
                };
                let platform = entry.platform.as_ref().map(|p| p.display());
                let by_digest = self.image.clone_with_digest(entry.digest.clone());
                let what = format!("manifest for {}", platform.as_deref().unwrap_or("the platform"));
                let (body, digest) = self.fetch_manifest(&by_digest, &what, Some(&entry.digest)).await?;
                match manifest::parse_manifest(&body).map_err(|e| self.parse_error(&what, e))? {
                    Parsed::Image(m) => (body, digest, m, Some(top_digest), platform),
                    Parsed::Index { .. } => return Err(self.invalid(&what, "an index nested in an index")),
                }
            }
        };
        let ImageManifest { media_type, config, layers } = image_manifest;

        // Config: bounded, verified, stored, then read back for the diff_ids.
        if config.size > MAX_CONFIG_BYTES {
            return Err(
                self.invalid("config", format!("config is {} bytes (limit {MAX_CONFIG_BYTES})", config.size))
            );
        }
        self.fetch_blob("config", &config.digest, config.size, &|_| {}).await?;
        let config_path =
            self.layout.blob_path(&config.digest).ok_or_else(|| self.invalid("config", "bad digest"))?;
        let config_bytes = std::fs::read(&config_path).map_err(|e| RegistryError::Layout {
            path: config_path.clone(),
            reason: format!("cannot read config blob: {e}"),
        })?;
        let diff_ids =
            manifest::diff_ids(&config_bytes, layers.len()).map_err(|r| self.invalid("config", r))?;

        let wanted: Vec<bool> = diff_ids.iter().map(|d| want_layer(d)).collect();
        progress(PullEvent::ManifestResolved {
            reference: self.ctx.reference.to_string(),
            manifest_digest: digest.clone(),
            layers: layers.len(),
            wanted_layers: wanted.iter().filter(|w| **w).count(),
            wanted_bytes: layers.iter().zip(&wanted).filter(|(_, w)| **w).map(|(l, _)| l.size).sum(),
        });

        let mut fetched = vec![false; layers.len()];
        let mut jobs = Vec::new();
        for (index, (layer, want)) in layers.iter().zip(&wanted).enumerate() {
            if !*want {
                progress(PullEvent::LayerSkipped { index, digest: layer.digest.clone() });
                continue;
            }
            jobs.push(async move {
                progress(PullEvent::LayerStarted { index, digest: layer.digest.clone(), size: layer.size });
                let what = format!("layer {} ({})", index + 1, layer.digest);
                let size = layer.size;
                let on_bytes = |bytes: u64| progress(PullEvent::LayerProgress { index, bytes, size });
                let got = self.fetch_blob(&what, &layer.digest, size, &on_bytes).await?;
                progress(PullEvent::LayerDone { index, digest: layer.digest.clone(), fetched: got });
                Ok::<_, RegistryError>((index, got))
            });
        }
        let mut results = futures_util::stream::iter(jobs).buffer_unordered(CONCURRENT_LAYERS);
        while let Some(result) = results.next().await {
            let (index, got) = result?;
            if let Some(slot) = fetched.get_mut(index) {
                *slot = got;
            }
        }
        drop(results);

        // Manifest and index last: an interrupted pull leaves no index entry.
        self.layout.put_bytes(&digest, &body)?;
        let ref_name = self.ctx.reference.to_string();
        let mut annotations = BTreeMap::new();
        annotations.insert(REF_NAME.to_string(), ref_name.clone());
        self.layout.add_to_index(&Descriptor {
            media_type: media_type.clone(),
            digest: digest.clone(),
            size: body.len() as u64,
            platform: None,
            annotations: Some(annotations),
        })?;

        let pulled = layers
            .iter()
            .zip(diff_ids)
            .zip(wanted.iter().zip(fetched))
            .map(|((l, diff_id), (want, got))| PulledLayer {
                digest: l.digest.clone(),
                diff_id,
                media_type: l.media_type.clone(),
                size: l.size,
                fetched: got,
                present: *want,
            })
            .collect();
        Ok(PulledImage {
            reference: self.ctx.reference.to_string(),
            manifest_digest: digest,
            manifest_media_type: media_type,
            index_digest,
            platform,
            config_digest: config.digest,
            ref_name,
            layers: pulled,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for r in ["127.0.0.1:5000", "127.1.2.3", "localhost:80", "LOCALHOST", "[::1]:5000", "::1"] {
            assert!(is_loopback_registry(r), "{r}");
        }
        for r in
            ["10.0.0.1:5000", "registry.example", "localhost.example:5000", "[::2]:5000", "128.0.0.1", ""]
        {
            assert!(!is_loopback_registry(r), "{r}");
        }
    }

    #[test]
    fn insecure_refused_for_remote_registry_without_network() {
        let dir = tempfile::tempdir().unwrap();
        let opts = RegistryOptions { insecure: true, ..RegistryOptions::default() };
        let err =
            pull_to_layout("registry.example/team/app:1", dir.path(), &opts, &|_| true, &|_| {}).unwrap_err();
        assert!(
            matches!(&err, RegistryError::InsecureNotLoopback { registry } if registry == "registry.example")
        );
        assert!(err.to_string().contains("allowed only for a loopback registry"), "{err}");
        // Nothing was written.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn references_are_normalised() {
        assert_eq!(parse_reference("debian").unwrap().whole(), "docker.io/library/debian:latest");
        assert_eq!(parse_reference("127.0.0.1:5000/a/b:t").unwrap().whole(), "127.0.0.1:5000/a/b:t");
        let bad = parse_reference("debian@sha256:abc").unwrap_err();
        assert!(matches!(bad, RegistryError::InvalidReference { .. }), "{bad}");
        assert!(matches!(parse_reference("debian:bad tag"), Err(RegistryError::InvalidReference { .. })));
    }
}
