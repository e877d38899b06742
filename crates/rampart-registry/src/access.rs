//! Registry access for other Rampart crates that talk to a registry themselves (image signing pushes and
//! fetches signature manifests): the same credential lookup and the same error mapping as [`crate::pull_to_layout`].

use oci_client::errors::OciDistributionError;
use oci_client::secrets::RegistryAuth;

use crate::auth::CredentialSource;
use crate::error::Ctx;
use crate::{RegistryError, RegistryOptions};

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
