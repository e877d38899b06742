//! Credentials for a registry: explicit user name and password, else the Docker config file, else podman's
//! `auth.json`, else anonymous.
//!
//! Notes: `auths.<host>.auth` (base64 `user:password`) and `username`/`password` entries are read.
//! Credential helpers (`credHelpers`, `credsStore`) are run by the `docker_credential` crate when the file
//! names one for the host; when a helper is missing or fails, the pull goes on anonymously (a public image
//! still pulls; a private one then fails with an authentication error). `identitytoken` entries (OAuth
//! refresh tokens) are not supported and are treated as no credentials.

use std::path::{Path, PathBuf};

use docker_credential::{CredentialRetrievalError, DockerCredential};
use oci_client::secrets::RegistryAuth;

use crate::{RegistryError, RegistryOptions};

/// Where credentials came from (for messages and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// No credentials.
    Anonymous,
    /// `--username/--password`.
    Options,
    /// A Docker or podman auth file.
    File(PathBuf),
}

/// The Docker config file used when none is given: `$DOCKER_CONFIG/config.json`, else
/// `$HOME/.docker/config.json`.
pub fn default_docker_config() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG") {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker").join("config.json"))
}

/// Podman's auth file: `$REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json`.
pub fn default_podman_auth() -> Option<PathBuf> {
    if let Some(f) = std::env::var_os("REGISTRY_AUTH_FILE") {
        return Some(PathBuf::from(f));
    }
    std::env::var_os("XDG_RUNTIME_DIR").map(|d| PathBuf::from(d).join("containers").join("auth.json"))
}

/// The keys a credentials file may use for `registry` (Docker Hub has its historic URL key).
fn server_keys(registry: &str) -> Vec<String> {
    if matches!(registry, "docker.io" | "index.docker.io" | "registry-1.docker.io") {
        vec!["https://index.docker.io/v1/".into(), "docker.io".into(), "index.docker.io".into()]
    } else {
        vec![registry.to_string()]
    }
}

/// Look `registry` up in one credentials file. `Ok(None)`: the file has nothing for it (or its helper
/// failed). `required` files that cannot be read or parsed are an error; optional ones are skipped.
fn from_file(path: &Path, registry: &str, required: bool) -> Result<Option<RegistryAuth>, RegistryError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            if required {
                return Err(RegistryError::Credentials { path: path.to_path_buf(), reason: e.to_string() });
            }
            return Ok(None);
        }
    };
    for key in server_keys(registry) {
        match docker_credential::get_credential_from_reader(bytes.as_slice(), &key) {
            Ok(DockerCredential::UsernamePassword(u, p)) => return Ok(Some(RegistryAuth::Basic(u, p))),
            Ok(DockerCredential::IdentityToken(_)) => return Ok(None),
            Err(CredentialRetrievalError::NoCredentialConfigured) => {}
            Err(CredentialRetrievalError::ConfigReadError) if required => {
                return Err(RegistryError::Credentials {
                    path: path.to_path_buf(),
                    reason: "not a valid Docker config JSON file".into(),
                });
            }
            Err(CredentialRetrievalError::ConfigReadError) => return Ok(None),
            Err(
                e @ (CredentialRetrievalError::CredentialDecodingError
                | CredentialRetrievalError::CredentialMismatchError),
            ) => {
                return Err(RegistryError::Credentials {
                    path: path.to_path_buf(),
                    reason: format!("entry for {key}: {e}"),
                });
            }
            // A credential helper is missing or failed: go on anonymously.
            Err(_) => return Ok(None),
        }
    }
    Ok(None)
}

/// Resolve the credentials for `registry` (the host[:port] of the reference) from the options.
pub(crate) fn resolve(
    opts: &RegistryOptions,
    reference: &str,
    registry: &str,
) -> Result<(RegistryAuth, CredentialSource), RegistryError> {
    match (&opts.username, &opts.password) {
        (Some(u), Some(p)) => {
            return Ok((RegistryAuth::Basic(u.clone(), p.clone()), CredentialSource::Options));
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(RegistryError::InvalidOptions {
                reference: reference.to_string(),
                reason: "a user name and a password must be given together".into(),
            });
        }
        (None, None) => {}
    }
    let explicit = opts.docker_config.is_some();
    let docker = opts.docker_config.clone().or_else(default_docker_config);
    if let Some(path) = docker
        && let Some(auth) = from_file(&path, registry, explicit)?
    {
        return Ok((auth, CredentialSource::File(path)));
    }
    if let Some(path) = default_podman_auth()
        && let Some(auth) = from_file(&path, registry, false)?
    {
        return Ok((auth, CredentialSource::File(path)));
    }
    Ok((RegistryAuth::Anonymous, CredentialSource::Anonymous))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_auth_and_username_password_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        // "alice:s3cret" in base64
        std::fs::write(
            &path,
            r#"{"auths":{"127.0.0.1:5000":{"auth":"YWxpY2U6czNjcmV0"},"registry.example":{"username":"bob","password":"pw"},
               "https://index.docker.io/v1/":{"auth":"aHViOmh1YnB3"}}}"#,
        )
        .unwrap();
        let get = |r: &str| from_file(&path, r, true).unwrap();
        assert_eq!(get("127.0.0.1:5000"), Some(RegistryAuth::Basic("alice".into(), "s3cret".into())));
        assert_eq!(get("registry.example"), Some(RegistryAuth::Basic("bob".into(), "pw".into())));
        assert_eq!(get("docker.io"), Some(RegistryAuth::Basic("hub".into(), "hubpw".into())));
        assert_eq!(get("other.example"), None);
    }

    #[test]
    fn explicit_file_must_exist_and_parse() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.json");
        assert!(matches!(from_file(&missing, "x", true), Err(RegistryError::Credentials { .. })));
        assert_eq!(from_file(&missing, "x", false).unwrap(), None);
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{not json").unwrap();
        assert!(matches!(from_file(&bad, "x", true), Err(RegistryError::Credentials { .. })));
        assert_eq!(from_file(&bad, "x", false).unwrap(), None);
    }

    #[test]
    fn username_without_password_is_refused() {
        let opts = RegistryOptions { username: Some("u".into()), ..RegistryOptions::default() };
        assert!(matches!(resolve(&opts, "r", "h"), Err(RegistryError::InvalidOptions { .. })));
    }
}
