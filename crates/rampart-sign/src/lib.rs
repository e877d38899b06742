//! Cosign-compatible container image signing and verification with ECDSA P-256 keys.
//!
//! What is written and read is cosign's key-based, tag-based scheme (cosign's `specs/SIGNATURE_SPEC.md`;
//! the default of cosign 1.x and 2.x, and of cosign 3.x with `--new-bundle-format=false`):
//!
//! - Keys: [`generate_key_pair`], [`encrypt_private_key`] / [`decrypt_private_key`] (cosign's
//!   `ENCRYPTED SIGSTORE PRIVATE KEY` PEM: scrypt + NaCl secretbox around PKCS#8, see [`envelope`]),
//!   [`public_key_pem`] / [`load_public_key`] (`PUBLIC KEY` PKIX PEM, as `cosign.pub`).
//! - Payload: [`simple_signing_payload`], the exact JSON cosign signs.
//! - Storage: an OCI image manifest tagged `sha256-<hex>.sig` in the image's repository, one layer per
//!   signature (media type `application/vnd.dev.cosign.simplesigning.v1+json`, the payload as the blob, the
//!   base64 ASN.1 DER ECDSA-P256-SHA256 signature in the `dev.cosignproject.cosign/signature` annotation).
//!
//! [`sign_image`] and [`verify_image`] are blocking: they run the registry client (`oci-client`, rustls) on a
//! private single-threaded runtime. Registry access (credentials, `insecure` for a loopback registry,
//! timeouts) is configured with [`RegistryOptions`], as for pulls. Nothing is printed.
//!
//! Not covered: keyless signing (Fulcio certificates), transparency-log (Rekor) uploads and checks, the
//! Sigstore bundle / OCI referrers format of cosign 3.x, attestations, and keys other than ECDSA P-256.
//! Cosign verifies signatures made here with `cosign verify --key cosign.pub --insecure-ignore-tlog=true`
//! (there is no transparency-log entry).

pub mod envelope;
mod error;
mod keys;
mod payload;
mod remote;

pub use error::SignError;
pub use keys::{
    COSIGN_PRIVATE_KEY_LABEL, KeyPair, PUBLIC_KEY_LABEL, PublicKey, SIGSTORE_PRIVATE_KEY_LABEL,
    decrypt_private_key, encrypt_private_key, generate_key_pair, load_public_key, public_from_der,
    public_key_pem,
};
pub use payload::{COSIGN_SIGNATURE_TYPE, SimpleSigning, parse_simple_signing, simple_signing_payload};
pub use rampart_registry::RegistryOptions;
pub use remote::{OCI_MANIFEST_MEDIA_TYPE, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, signature_tag};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use oci_client::RegistryOperation;
use serde_json::Value;

use remote::{Session, empty_signature_manifest, sig_layers, signature_layer};

/// What [`sign_image`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The normalised image reference.
    pub reference: String,
    /// The manifest (or index) digest that was signed.
    pub digest: String,
    /// The signature manifest: `registry/repository:sha256-<hex>.sig`.
    pub signature_reference: String,
    /// The payload that was signed.
    pub payload: Vec<u8>,
    /// The signature, base64 of the ASN.1 DER ECDSA signature.
    pub signature: String,
    /// Signatures in the signature manifest now (earlier ones are kept; this one is the last).
    pub signatures: usize,
    /// True when an equivalent signature (same payload, valid for the same key) was already there: nothing
    /// was pushed, as cosign does.
    pub already_signed: bool,
}

/// What [`verify_image`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The normalised image reference.
    pub reference: String,
    /// The image manifest (or index) digest.
    pub digest: String,
    /// The signature manifest that was read.
    pub signature_reference: String,
    /// The signatures valid for the key and the digest (at least one).
    pub signatures: Vec<VerifiedSignature>,
    /// Signature layers in the manifest, valid or not.
    pub total: usize,
}

/// One valid signature.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedSignature {
    /// Digest of the payload blob.
    pub payload_digest: String,
    /// `critical.identity.docker-reference` of the payload (not checked, as cosign does not).
    pub docker_reference: String,
    /// `optional` annotations of the payload.
    pub optional: Option<Value>,
}

/// Sign the image `reference` with `key`: resolve the manifest digest the reference names (an index is
/// signed as such, like cosign does without `--recursive`), build the simple-signing payload, sign it, and
/// append a signature layer to the image's `sha256-<hex>.sig` manifest (created when missing). An existing
/// layer with the same payload and a signature valid for the same key is kept instead (no push).
pub fn sign_image(reference: &str, key: &KeyPair, opts: &RegistryOptions) -> Result<Signed, SignError> {
    let session = Session::open(reference, opts)?;
    session.block_on(async {
        session.login(RegistryOperation::Pull).await?;
        session.login(RegistryOperation::Push).await?;
        let digest = session.resolve_digest().await?;
        let payload = simple_signing_payload(&session.docker_reference(), &digest);
        let sig_ref = session.signature_reference(&digest);
        let mut manifest =
            session.signature_manifest(&sig_ref).await?.unwrap_or_else(empty_signature_manifest);
        let public = key.public_key();
        let payload_digest = remote::sha256_digest(&payload);
        let layers = sig_layers(&manifest);
        let duplicate = layers.iter().find(|l| {
            l.media_type == SIMPLE_SIGNING_MEDIA_TYPE
                && l.digest == payload_digest
                && l.signature.as_deref().is_some_and(|s| public.verify_base64(&payload, s).is_ok())
        });
        let mut result = Signed {
            reference: session.normalised.clone(),
            digest: digest.clone(),
            signature_reference: sig_ref.whole(),
            payload: payload.clone(),
            signature: String::new(),
            signatures: layers.len(),
            already_signed: false,
        };
        if let Some(existing) = duplicate {
            result.signature = existing.signature.clone().unwrap_or_default();
            result.already_signed = true;
            return Ok(result);
        }
        let signature = B64.encode(key.sign(&payload));
        match manifest.get_mut("layers").and_then(Value::as_array_mut) {
            Some(ls) => ls.push(signature_layer(&payload, &signature)),
            None => manifest["layers"] = Value::Array(vec![signature_layer(&payload, &signature)]),
        }
        session.push_signature_manifest(&sig_ref, manifest, payload).await?;
        result.signature = signature;
        result.signatures = layers.len() + 1;
        Ok(result)
    })
}

/// Verify the image `reference` against `key`: resolve its manifest digest, read its `sha256-<hex>.sig`
/// manifest, and check each signature layer (payload blob digest, signature by `key` over the payload, and
/// the payload's `docker-manifest-digest` equal to the image digest). At least one layer must pass all
/// three; otherwise the error lists why each failed. No signature tag, or one without layers, is
/// [`SignError::NoSignatures`].
pub fn verify_image(reference: &str, key: &PublicKey, opts: &RegistryOptions) -> Result<Verified, SignError> {
    let session = Session::open(reference, opts)?;
    session.block_on(async {
        session.login(RegistryOperation::Pull).await?;
        let digest = session.resolve_digest().await?;
        let sig_ref = session.signature_reference(&digest);
        let tag = signature_tag(&digest);
        let Some(manifest) = session.signature_manifest(&sig_ref).await? else {
            return Err(SignError::NoSignatures {
                reference: session.normalised.clone(),
                digest: digest.clone(),
                detail: format!(
                    "there is no signature tag {tag} in the repository (the image was never signed, or the \
                     reference now points to a different image than the one signed)"
                ),
            });
        };
        let layers = sig_layers(&manifest);
        if layers.is_empty() {
            return Err(SignError::NoSignatures {
                reference: session.normalised.clone(),
                digest: digest.clone(),
                detail: format!("the signature manifest {tag} has no signature layers"),
            });
        }
        let mut signatures = Vec::new();
        let mut failures = Vec::new();
        for (i, layer) in layers.iter().enumerate() {
            let n = i + 1;
            match check_layer(&session, layer, key, &digest).await {
                Ok(sig) => signatures.push(sig),
                Err(why) => failures.push(format!("signature {n} ({}): {why}", layer.digest)),
            }
        }
        if signatures.is_empty() {
            return Err(SignError::VerificationFailed {
                reference: session.normalised.clone(),
                digest,
                key: key.label(),
                failures,
            });
        }
        Ok(Verified {
            reference: session.normalised.clone(),
            digest,
            signature_reference: sig_ref.whole(),
            signatures,
            total: layers.len(),
        })
    })
}

async fn check_layer(
    session: &Session,
    layer: &remote::SigLayer,
    key: &PublicKey,
    image_digest: &str,
) -> Result<VerifiedSignature, String> {
    if layer.media_type != SIMPLE_SIGNING_MEDIA_TYPE {
        return Err(format!("media type {:?} is not a simple-signing payload", layer.media_type));
    }
    let Some(sig) = layer.signature.as_deref() else {
        return Err(format!("no {SIGNATURE_ANNOTATION} annotation (keyless or attestation layer?)"));
    };
    if !rampart_registry::manifest::is_valid_sha256_digest(&layer.digest) {
        return Err(format!("payload digest {:?} is not sha256:<64 hex>", layer.digest));
    }
    let payload = session.fetch_payload(layer).await?;
    key.verify_base64(&payload, sig).map_err(|e| format!("{e} (key {})", key.label()))?;
    let ss = parse_simple_signing(&payload)?;
    if ss.manifest_digest != image_digest {
        return Err(format!(
            "digest mismatch: the signed payload is for image digest {}, but the image is {image_digest}",
            ss.manifest_digest
        ));
    }
    Ok(VerifiedSignature {
        payload_digest: layer.digest.clone(),
        docker_reference: ss.docker_reference,
        optional: ss.optional,
    })
}
