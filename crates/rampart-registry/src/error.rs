//! The one error type of this crate and the mapping from the OCI client's errors onto it.

use std::path::PathBuf;

use oci_client::errors::{DigestError, OciDistributionError, OciErrorCode};

/// Why a pull failed. Every variant names the image reference or the registry host it is about,
/// so a message printed alone still tells the user which pull went wrong.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The image reference could not be parsed (bad characters, bad digest, ...).
    #[error("invalid image reference {reference:?}: {reason}")]
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The options contradict each other or are incomplete (for example a user name without a password).
    #[error("invalid registry options for {reference}: {reason}")]
    InvalidOptions {
        /// The reference being pulled.
        reference: String,
        /// What is wrong.
        reason: String,
    },
    /// Plain HTTP was asked for a registry that is not on the loopback interface.
    #[error(
        "refusing plain HTTP (--insecure) for registry {registry}: it is allowed only for a loopback registry \
         (127.0.0.0/8, ::1, localhost)"
    )]
    InsecureNotLoopback {
        /// The registry host (and port) of the reference.
        registry: String,
    },
    /// The registry refused the credentials, or asked for credentials that were not given (HTTP 401/403, or a
    /// failed token request).
    #[error("authentication to registry {registry} failed for {reference}: {detail}")]
    Auth {
        /// The reference being pulled.
        reference: String,
        /// The registry host.
        registry: String,
        /// What the registry said.
        detail: String,
    },
    /// The registry does not know the repository, tag, manifest or blob (HTTP 404).
    #[error("not found in registry {registry}: {reference}: {detail}")]
    NotFound {
        /// The reference being pulled.
        reference: String,
        /// The registry host.
        registry: String,
        /// What the registry said.
        detail: String,
    },
    /// The TLS handshake with the registry failed (certificate not trusted, wrong host name, the registry
    /// speaks plain HTTP, ...).
    #[error("TLS error talking to registry {registry} for {reference}: {detail}{hint}")]
    Tls {
        /// The reference being pulled.
        reference: String,
        /// The registry host.
        registry: String,
        /// The TLS library's message.
        detail: String,
        /// A hint for the user (may be empty).
        hint: String,
    },
    /// The registry could not be reached, the connection broke, or it timed out.
    #[error("network error talking to registry {registry} for {reference}: {detail}")]
    Network {
        /// The reference being pulled.
        reference: String,
        /// The registry host.
        registry: String,
        /// What failed.
        detail: String,
    },
    /// The registry answered with an error this crate has no better variant for (5xx, spec violations, ...).
    #[error("registry {registry} failed for {reference}: {detail}")]
    Registry {
        /// The reference being pulled.
        reference: String,
        /// The registry host.
        registry: String,
        /// What the registry said.
        detail: String,
    },
    /// Downloaded content does not hash to the digest that names it.
    #[error("digest mismatch for {what} of {reference}: expected {expected}, got {actual}")]
    DigestMismatch {
        /// The reference being pulled.
        reference: String,
        /// Which object (manifest, config, layer N).
        what: String,
        /// The digest that was asked for.
        expected: String,
        /// The digest of what arrived.
        actual: String,
    },
    /// Downloaded content is not as long as its descriptor says.
    #[error(
        "size mismatch for {what} {digest} of {reference}: descriptor says {expected} bytes, got {actual}"
    )]
    SizeMismatch {
        /// The reference being pulled.
        reference: String,
        /// Which object (config, layer N).
        what: String,
        /// The blob digest.
        digest: String,
        /// The descriptor's size.
        expected: u64,
        /// The bytes received (may be a lower bound when the transfer was cut off for being too long).
        actual: u64,
    },
    /// A manifest, config or layer has a media type this crate does not pull (Docker schema 1, artifacts
    /// that are not container images, encrypted layers, ...).
    #[error("unsupported media type {media_type:?} for {what} of {reference}")]
    UnsupportedMediaType {
        /// The reference being pulled.
        reference: String,
        /// Which object.
        what: String,
        /// Its media type.
        media_type: String,
    },
    /// The reference names a multi-platform index and none of its images is for the wanted platform.
    #[error("no image for platform {wanted} in {reference}; available: {}", available.join(", "))]
    NoMatchingPlatform {
        /// The reference being pulled.
        reference: String,
        /// The wanted platform as `os/arch[/variant]`.
        wanted: String,
        /// The platforms the index offers.
        available: Vec<String>,
    },
    /// A manifest, index or config is not valid JSON of the expected shape, or is inconsistent (a digest that
    /// is not `sha256:<64 hex>`, a config whose diff_ids do not match the layers, ...).
    #[error("invalid {what} for {reference}: {reason}")]
    InvalidManifest {
        /// The reference being pulled.
        reference: String,
        /// Which document.
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A Docker or podman credentials file that was named explicitly could not be read or parsed.
    #[error("cannot read registry credentials from {}: {reason}", path.display())]
    Credentials {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Reading or writing the local OCI layout failed.
    #[error("OCI layout {}: {reason}", path.display())]
    Layout {
        /// The file or directory.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
}

/// What the mapping needs to name the failing pull.
pub(crate) struct Ctx<'a> {
    pub reference: &'a str,
    pub registry: &'a str,
}

impl Ctx<'_> {
    /// Map an error of the OCI client onto [`RegistryError`]; `what` names the object being fetched.
    pub(crate) fn map(&self, what: &str, err: OciDistributionError) -> RegistryError {
        let reference = self.reference.to_string();
        let registry = self.registry.to_string();
        match err {
            OciDistributionError::AuthenticationFailure(detail) => RegistryError::Auth {
                reference,
                registry,
                detail: format!("token request refused: {}", detail.trim()),
            },
            OciDistributionError::UnauthorizedError { url } => RegistryError::Auth {
                reference,
                registry,
                detail: format!("401 Unauthorized for {url} (wrong or missing credentials)"),
            },
            OciDistributionError::RegistryError { envelope, url } => {
                let detail = format!("{what}: {url}: {envelope}");
                let codes: Vec<&OciErrorCode> = envelope.errors.iter().map(|e| &e.code).collect();
                if codes.iter().any(|c| matches!(c, OciErrorCode::Unauthorized | OciErrorCode::Denied)) {
                    RegistryError::Auth { reference, registry, detail }
                } else if codes.iter().any(|c| {
                    matches!(
                        c,
                        OciErrorCode::ManifestUnknown
                            | OciErrorCode::NameUnknown
                            | OciErrorCode::BlobUnknown
                            | OciErrorCode::NotFound
                    )
                }) {
                    RegistryError::NotFound { reference, registry, detail }
                } else {
                    RegistryError::Registry { reference, registry, detail }
                }
            }
            OciDistributionError::ServerError { code, url, message } => {
                let detail = format!("{what}: HTTP {code} for {url}: {}", message.trim());
                match code {
                    401 | 403 => RegistryError::Auth { reference, registry, detail },
                    404 => RegistryError::NotFound { reference, registry, detail },
                    _ => RegistryError::Registry { reference, registry, detail },
                }
            }
            OciDistributionError::ImageManifestNotFoundError(detail) => {
                RegistryError::NotFound { reference, registry, detail }
            }
            OciDistributionError::DigestError(DigestError::VerificationError { expected, actual }) => {
                RegistryError::DigestMismatch { reference, what: what.to_string(), expected, actual }
            }
            OciDistributionError::UnsupportedMediaTypeError(media_type)
            | OciDistributionError::IncompatibleLayerMediaTypeError(media_type) => {
                RegistryError::UnsupportedMediaType { reference, what: what.to_string(), media_type }
            }
            OciDistributionError::RequestError(e) => self.map_transport(what, &e),
            OciDistributionError::IoError(e) => self.map_io(what, &e),
            other => RegistryError::Registry { reference, registry, detail: format!("{what}: {other}") },
        }
    }

    /// Map an error raised while reading a blob stream.
    pub(crate) fn map_io(&self, what: &str, err: &std::io::Error) -> RegistryError {
        if let Some(DigestError::VerificationError { expected, actual }) =
            err.get_ref().and_then(|inner| inner.downcast_ref::<DigestError>())
        {
            return RegistryError::DigestMismatch {
                reference: self.reference.to_string(),
                what: what.to_string(),
                expected: expected.clone(),
                actual: actual.clone(),
            };
        }
        self.map_transport(what, err)
    }

    /// Classify a transport error by walking its source chain: TLS, timeout, or other network error.
    fn map_transport(&self, what: &str, err: &(dyn std::error::Error + 'static)) -> RegistryError {
        let reference = self.reference.to_string();
        let registry = self.registry.to_string();
        let mut chain = Vec::new();
        let mut tls: Option<String> = None;
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = cur {
            let text = e.to_string();
            if tls.is_none()
                && let Some(r) = find_rustls(e)
            {
                tls = Some(r.to_string());
            }
            if chain.last() != Some(&text) {
                chain.push(text);
            }
            cur = e.source();
        }
        let detail = format!("{what}: {}", chain.join(": "));
        if let Some(tls_detail) = tls {
            let hint = if tls_detail.contains("InvalidContentType") || tls_detail.contains("corrupt message")
            {
                " (the registry may speak plain HTTP; --insecure allows that for a loopback registry)"
                    .to_string()
            } else {
                String::new()
            };
            return RegistryError::Tls { reference, registry, detail: format!("{what}: {tls_detail}"), hint };
        }
        RegistryError::Network { reference, registry, detail }
    }
}

/// The rustls error in `e`, looking through nested `io::Error`s (whose `source()` skips the error they wrap).
fn find_rustls<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(r) = e.downcast_ref::<rustls::Error>() {
        return Some(r);
    }
    let inner = e.downcast_ref::<std::io::Error>()?.get_ref()?;
    find_rustls(inner)
}
