//! The one error type of this crate.

use rampart_registry::RegistryError;

/// Why a key operation, a signing or a verification failed. Messages name the key file (when the caller gave
/// one, see [`SignError::with_key_file`]) or the image, so a message printed alone tells what went wrong.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The text is not a PEM block of the expected kind, or its content is malformed.
    #[error("{}: {reason}", subject(key_file, "invalid key"))]
    InvalidKey {
        /// The key file, when known.
        key_file: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// The private key could not be decrypted: the password is wrong or the file was altered.
    #[error(
        "{}: decryption failed: wrong password, or the key file is corrupt",
        subject(key_file, "encrypted private key")
    )]
    WrongPassword {
        /// The key file, when known.
        key_file: Option<String>,
    },
    /// The key is valid but not an ECDSA P-256 key (RSA, Ed25519, P-384, ...), which this crate does not
    /// sign or verify with.
    #[error("{}: {algorithm} keys are not supported (only ECDSA P-256)", subject(key_file, "key"))]
    UnsupportedKey {
        /// The key file, when known.
        key_file: Option<String>,
        /// What the key is.
        algorithm: String,
    },
    /// A random number could not be drawn from the operating system, or encryption failed.
    #[error("cryptography failure: {0}")]
    Crypto(String),
    /// The registry could not be reached, refused access, or answered with an error.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The image (or its signature manifest) has no signature at all.
    #[error("no signatures found for {reference} (image digest {digest}): {detail}")]
    NoSignatures {
        /// The image reference.
        reference: String,
        /// The image manifest digest the signatures were looked up for.
        digest: String,
        /// Why none were found (no `.sig` tag, no signature layers, ...).
        detail: String,
    },
    /// Signatures exist but none is valid for the key and the image digest; `failures` says why for each.
    #[error(
        "no valid signature for {reference} (image digest {digest}) with key {key}: {}",
        failures.join("; ")
    )]
    VerificationFailed {
        /// The image reference.
        reference: String,
        /// The image manifest digest.
        digest: String,
        /// The public key file (or "the given key").
        key: String,
        /// One line per signature layer: why it did not verify.
        failures: Vec<String>,
    },
    /// The signature manifest of the image is malformed.
    #[error("invalid signature manifest {tag} for {reference}: {reason}")]
    InvalidSignatureManifest {
        /// The image reference.
        reference: String,
        /// The `sha256-<hex>.sig` tag.
        tag: String,
        /// What is wrong.
        reason: String,
    },
}

fn subject(key_file: &Option<String>, what: &str) -> String {
    match key_file {
        Some(f) => format!("{what} {f}"),
        None => what.to_string(),
    }
}

impl SignError {
    /// Attach the key file name to a key error (other variants are returned as they are), so the message
    /// names the file: `decrypt_private_key(&pem, pw).map_err(|e| e.with_key_file("cosign.key"))`.
    pub fn with_key_file(self, file: impl Into<String>) -> Self {
        let file = Some(file.into());
        match self {
            SignError::InvalidKey { reason, .. } => SignError::InvalidKey { key_file: file, reason },
            SignError::WrongPassword { .. } => SignError::WrongPassword { key_file: file },
            SignError::UnsupportedKey { algorithm, .. } => {
                SignError::UnsupportedKey { key_file: file, algorithm }
            }
            other => other,
        }
    }

    pub(crate) fn invalid_key(reason: impl Into<String>) -> Self {
        SignError::InvalidKey { key_file: None, reason: reason.into() }
    }
}
