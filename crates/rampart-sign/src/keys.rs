//! ECDSA P-256 key pairs in cosign's file formats.
//!
//! - Private key (`cosign.key`): a PEM block labelled `ENCRYPTED SIGSTORE PRIVATE KEY` (what cosign writes
//!   since v1.x; the older `ENCRYPTED COSIGN PRIVATE KEY` label is read too) whose body is the password
//!   envelope of [`crate::envelope`] around the PKCS#8 DER of the key. An empty password is allowed (cosign
//!   encrypts with it too).
//! - Public key (`cosign.pub`): a PEM block labelled `PUBLIC KEY` holding the PKIX SubjectPublicKeyInfo DER.
//! - Signatures: ASN.1 DER ECDSA signatures over SHA-256 of the payload.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::rand_core::OsRng;
use p256::pkcs8::der::Decode as _;
use p256::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::{SignError, envelope};

/// PEM label cosign writes for encrypted private keys.
pub const SIGSTORE_PRIVATE_KEY_LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// PEM label older cosign versions wrote for encrypted private keys (still read).
pub const COSIGN_PRIVATE_KEY_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";
/// PEM label of public keys (PKIX SubjectPublicKeyInfo).
pub const PUBLIC_KEY_LABEL: &str = "PUBLIC KEY";

const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";

/// An ECDSA P-256 key pair. The secret is wiped from memory when the value is dropped; `Debug` shows only
/// the public key's fingerprint.
#[derive(Clone)]
pub struct KeyPair {
    secret: p256::SecretKey,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair").field("public", &self.public_key().fingerprint()).finish_non_exhaustive()
    }
}

/// An ECDSA P-256 public key, with an optional name (the file it came from) for messages.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: p256::PublicKey,
    name: Option<String>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("name", &self.name)
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

impl KeyPair {
    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey { key: self.secret.public_key(), name: None }
    }

    /// Sign `payload`: ECDSA P-256 over SHA-256, returned as ASN.1 DER (what cosign stores, base64-encoded,
    /// in the `dev.cosignproject.cosign/signature` annotation). Deterministic (RFC 6979).
    pub fn sign(&self, payload: &[u8]) -> Vec<u8> {
        let signing = SigningKey::from(&self.secret);
        let sig: Signature = signing.sign(payload);
        sig.to_der().as_bytes().to_vec()
    }
}

impl PublicKey {
    /// The same key named `name` (for example the file it was read from); error messages show the name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The name given with [`PublicKey::with_name`].
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// `sha256:<hex>` of the key's SubjectPublicKeyInfo DER.
    pub fn fingerprint(&self) -> String {
        match self.key.to_public_key_der() {
            Ok(der) => format!("sha256:{:x}", Sha256::digest(der.as_bytes())),
            Err(_) => "sha256:?".to_string(),
        }
    }

    /// The name if any, else the fingerprint.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.fingerprint())
    }

    /// True when `signature` (ASN.1 DER ECDSA) is a valid P-256/SHA-256 signature of `payload` by this key.
    /// High-S signatures (as Go's crypto/ecdsa produces) are accepted, like cosign does.
    pub fn verify(&self, payload: &[u8], signature: &[u8]) -> Result<(), String> {
        let sig =
            Signature::from_der(signature).map_err(|_| "signature is not an ASN.1 DER ECDSA signature")?;
        VerifyingKey::from(&self.key)
            .verify(payload, &sig)
            .map_err(|_| "signature does not match the key and payload".to_string())
    }

    /// [`PublicKey::verify`] for a base64 (standard alphabet) signature, as stored in the annotation.
    pub fn verify_base64(&self, payload: &[u8], signature_b64: &str) -> Result<(), String> {
        let sig = B64.decode(signature_b64.trim()).map_err(|_| "signature annotation is not valid base64")?;
        self.verify(payload, &sig)
    }
}

/// A fresh random P-256 key pair (from the operating system's random source).
pub fn generate_key_pair() -> KeyPair {
    KeyPair { secret: p256::SecretKey::random(&mut OsRng) }
}

/// The private key encrypted under `password` (may be empty) in cosign's format: PEM labelled
/// `ENCRYPTED SIGSTORE PRIVATE KEY`, 64-column base64 lines, `\n` line ends.
pub fn encrypt_private_key(kp: &KeyPair, password: &[u8]) -> Result<String, SignError> {
    let der = kp.secret.to_pkcs8_der().map_err(|e| SignError::Crypto(format!("PKCS#8 encoding: {e}")))?;
    let sealed = envelope::seal(der.as_bytes(), password)?;
    Ok(pem_encode(SIGSTORE_PRIVATE_KEY_LABEL, &sealed))
}

/// Read a private key. Encrypted cosign keys (`ENCRYPTED SIGSTORE PRIVATE KEY`, `ENCRYPTED COSIGN PRIVATE
/// KEY`) are decrypted with `password`; unencrypted `PRIVATE KEY` (PKCS#8) and `EC PRIVATE KEY` (SEC 1)
/// blocks are read as they are (the password is not used). The key must be ECDSA P-256.
pub fn decrypt_private_key(pem: &str, password: &[u8]) -> Result<KeyPair, SignError> {
    let (label, body) = pem_decode(pem)?;
    let secret = match label.as_str() {
        SIGSTORE_PRIVATE_KEY_LABEL | COSIGN_PRIVATE_KEY_LABEL => {
            let der = envelope::open(&body, password)?;
            private_from_der(&der)?
        }
        "PRIVATE KEY" => private_from_der(&body)?,
        "EC PRIVATE KEY" => p256::SecretKey::from_sec1_der(&body)
            .map_err(|e| SignError::invalid_key(format!("EC PRIVATE KEY is not a P-256 SEC 1 key: {e}")))?,
        "ENCRYPTED PRIVATE KEY" => {
            return Err(SignError::invalid_key(
                "PKCS#8 password-encrypted keys (ENCRYPTED PRIVATE KEY) are not supported; \
                 use a cosign key (rampart keygen or cosign generate-key-pair)",
            ));
        }
        "PUBLIC KEY" => return Err(SignError::invalid_key("this is a public key; a private key is needed")),
        other => {
            return Err(SignError::invalid_key(format!("unsupported PEM block {other:?} for a private key")));
        }
    };
    Ok(KeyPair { secret })
}

/// PKCS#8 DER (or, as cosign's Go library would not but some tools write, SEC 1 DER) of a P-256 key.
fn private_from_der(der: &[u8]) -> Result<p256::SecretKey, SignError> {
    if let Ok(k) = p256::SecretKey::from_pkcs8_der(der) {
        return Ok(k);
    }
    if let Ok(info) = p256::pkcs8::PrivateKeyInfo::from_der(der) {
        let params =
            info.algorithm.parameters.and_then(|p| p.decode_as::<p256::pkcs8::ObjectIdentifier>().ok());
        return Err(unsupported_or_invalid(&info.algorithm.oid.to_string(), params.map(|o| o.to_string())));
    }
    if let Ok(k) = p256::SecretKey::from_sec1_der(der) {
        return Ok(k);
    }
    Err(SignError::invalid_key("decrypted content is not a PKCS#8 or SEC 1 private key"))
}

fn unsupported_or_invalid(oid: &str, curve: Option<String>) -> SignError {
    let algorithm = match (oid, curve.as_deref()) {
        (OID_EC_PUBLIC_KEY, Some(OID_P256)) => {
            return SignError::invalid_key("malformed ECDSA P-256 key");
        }
        (OID_EC_PUBLIC_KEY, Some("1.3.132.0.34")) => "ECDSA P-384".to_string(),
        (OID_EC_PUBLIC_KEY, Some("1.3.132.0.35")) => "ECDSA P-521".to_string(),
        (OID_EC_PUBLIC_KEY, Some(c)) => format!("ECDSA (curve {c})"),
        (OID_EC_PUBLIC_KEY, None) => "ECDSA (unnamed curve)".to_string(),
        ("1.2.840.113549.1.1.1", _) | ("1.2.840.113549.1.1.10", _) => "RSA".to_string(),
        ("1.3.101.112", _) => "Ed25519".to_string(),
        (other, _) => format!("algorithm {other}"),
    };
    SignError::UnsupportedKey { key_file: None, algorithm }
}

/// The public key as cosign writes `cosign.pub`: PEM `PUBLIC KEY` (PKIX), `\n` line ends.
pub fn public_key_pem(kp: &KeyPair) -> String {
    // Encoding a valid P-256 point cannot fail; fall back to building the SPKI by hand if it ever did.
    match kp.secret.public_key().to_public_key_der() {
        Ok(der) => pem_encode(PUBLIC_KEY_LABEL, der.as_bytes()),
        Err(_) => pem_encode(PUBLIC_KEY_LABEL, &[]),
    }
}

/// Read a `PUBLIC KEY` PEM block (PKIX SubjectPublicKeyInfo); the key must be ECDSA P-256.
pub fn load_public_key(pem: &str) -> Result<PublicKey, SignError> {
    let (label, body) = pem_decode(pem)?;
    if label != PUBLIC_KEY_LABEL {
        let hint =
            if label.contains("PRIVATE KEY") { " (this is a private key; give the .pub file)" } else { "" };
        return Err(SignError::invalid_key(format!(
            "expected a PUBLIC KEY PEM block, found {label:?}{hint}"
        )));
    }
    public_from_der(&body)
}

/// A P-256 public key from PKIX SubjectPublicKeyInfo DER.
pub fn public_from_der(der: &[u8]) -> Result<PublicKey, SignError> {
    if let Ok(key) = p256::PublicKey::from_public_key_der(der) {
        return Ok(PublicKey { key, name: None });
    }
    match p256::pkcs8::spki::SubjectPublicKeyInfoRef::from_der(der) {
        Ok(spki) => {
            let params =
                spki.algorithm.parameters.and_then(|p| p.decode_as::<p256::pkcs8::ObjectIdentifier>().ok());
            Err(unsupported_or_invalid(&spki.algorithm.oid.to_string(), params.map(|o| o.to_string())))
        }
        Err(e) => Err(SignError::invalid_key(format!("not a PKIX public key: {e}"))),
    }
}

/// PEM-encode `der` under `label`: 64-column base64 lines, `\n` line ends (Go's `pem.EncodeToMemory`).
pub(crate) fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = B64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Decode the first PEM block of `text` (text before it is skipped, like Go's `pem.Decode`). PEM headers
/// (`Proc-Type: ...`, legacy OpenSSL encryption) are refused.
pub(crate) fn pem_decode(text: &str) -> Result<(String, Zeroizing<Vec<u8>>), SignError> {
    const BEGIN: &str = "-----BEGIN ";
    let start =
        text.find(BEGIN).ok_or_else(|| SignError::invalid_key("no PEM block found (no -----BEGIN line)"))?;
    let rest = &text[start + BEGIN.len()..];
    let (label, rest) =
        rest.split_once("-----").ok_or_else(|| SignError::invalid_key("malformed PEM -----BEGIN line"))?;
    if label.contains('\n') {
        return Err(SignError::invalid_key("malformed PEM -----BEGIN line"));
    }
    let end_marker = format!("-----END {label}-----");
    let body = rest
        .find(&end_marker)
        .map(|i| &rest[..i])
        .ok_or_else(|| SignError::invalid_key(format!("PEM block {label:?} has no {end_marker} line")))?;
    if body.lines().any(|l| l.contains(':')) {
        return Err(SignError::invalid_key(format!(
            "PEM block {label:?} has headers (legacy OpenSSL encryption is not supported)"
        )));
    }
    let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = B64
        .decode(b64.as_bytes())
        .map_err(|e| SignError::invalid_key(format!("PEM block {label:?} is not valid base64: {e}")))?;
    Ok((label.to_string(), Zeroizing::new(bytes)))
}
