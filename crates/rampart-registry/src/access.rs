//! Registry access for other Rampart crates that talk to a registry themselves (image signing pushes and
//! fetches signature manifests): the same credential lookup and the same error mapping as [`crate::pull_to_layout`].

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::OciDistributionError;
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};

use crate::auth::CredentialSource;
use crate::error::Ctx;
use crate::{RegistryError, RegistryOptions, is_loopback_registry, parse_reference};

/// An OCI client set up for the registry of one image reference: its credentials resolved, plain HTTP
/// only to a loopback registry with `--insecure`, the options' time-outs, and a private single-threaded
/// runtime to drive it from synchronous code.
pub struct Connection {
    pub client: Client,
    pub auth: RegistryAuth,
    /// The parsed reference.
    pub image: Reference,
    /// The reference written in full (`registry/repository:tag` or `@digest`), for messages.
    pub normalised: String,
    /// The reference's `host[:port]`, for messages.
    pub registry: String,
    runtime: tokio::runtime::Runtime,
}

impl Connection {
    /// Parse `reference`, check the transport policy, resolve credentials and build the client.
    pub fn open(reference: &str, opts: &RegistryOptions) -> Result<Connection, RegistryError> {
        let image = parse_reference(reference)?;
        let normalised = image.whole();
        let registry = image.registry().to_string();
        if opts.insecure && !is_loopback_registry(image.resolve_registry()) {
            return Err(RegistryError::InsecureNotLoopback { registry });
        }
        let (auth, _source) = resolve_credentials(opts, &normalised, &registry)?;
        let config = ClientConfig {
            protocol: if opts.insecure { ClientProtocol::Http } else { ClientProtocol::Https },
            platform_resolver: None,
            read_timeout: Some(opts.timeout),
            connect_timeout: Some(opts.timeout),
            ..ClientConfig::default()
        };
        let client = Client::try_from(config)
            .map_err(|e| map_client_error(&normalised, &registry, "client setup", e))?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
            RegistryError::Network {
                reference: normalised.clone(),
                registry: registry.clone(),
                detail: format!("cannot start the async runtime: {e}"),
            }
        })?;
        Ok(Connection { client, auth, image, normalised, registry, runtime })
    }

    /// Run `fut` to completion on the connection's runtime.
    pub fn block_on<T>(&self, fut: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(fut)
    }

    /// [`map_client_error`] for this reference.
    pub fn error(&self, what: &str, err: OciDistributionError) -> RegistryError {
        map_client_error(&self.normalised, &self.registry, what, err)
    }
}

/// Resolve the credentials for `registry` (the `host[:port]` of `reference`) from `opts`: user name and
/// password, else the Docker config file, else podman's `auth.json`, else anonymous (see [`crate::auth`]).
pub fn resolve_credentials(
    opts: &RegistryOptions,
    reference: &str,
    registry: &str,
) -> Result<(RegistryAuth, CredentialSource), RegistryError> {
    crate::auth::resolve(opts, reference, registry)
}

/// Map an error of the OCI client onto [`RegistryError`] (authentication, not found, TLS, network, ...);
/// `what` names the object being fetched or pushed, for the message.
pub fn map_client_error(
    reference: &str,
    registry: &str,
    what: &str,
    err: OciDistributionError,
) -> RegistryError {
    Ctx { reference, registry }.map(what, err)
}

/// Map an I/O error raised while reading a blob stream of the OCI client onto [`RegistryError`].
pub fn map_stream_error(reference: &str, registry: &str, what: &str, err: &std::io::Error) -> RegistryError {
    Ctx { reference, registry }.map_io(what, err)
}
