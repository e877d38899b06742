//! Cosign's "simple signing" payload (containers/image's signature format, with cosign's `critical.type`).
//!
//! cosign (sigstore's `payload.Cosign.MarshalJSON`) writes, with no whitespace and keys in this order:
//!
//! ```json
//! {"critical":{"identity":{"docker-reference":"REGISTRY/REPOSITORY"},
//!  "image":{"docker-manifest-digest":"sha256:..."},"type":"cosign container image signature"},
//!  "optional":null}
//! ```
//!
//! `docker-reference` is go-containerregistry's `Repository.Name()`: the registry host (Docker Hub as its API
//! host, `index.docker.io`) and the repository (with `library/` for Docker Hub official images), no tag or
//! digest. Verifiers ignore it (cosign's spec says so); the digest is what binds the signature to the image.

use serde_json::Value;

/// `critical.type` of cosign image signatures.
pub const COSIGN_SIGNATURE_TYPE: &str = "cosign container image signature";

/// The exact payload bytes cosign signs for `docker_reference` (`registry/repository`) and `manifest_digest`
/// (`sha256:<hex>`). Strings are JSON-escaped; references and digests never contain the characters Go would
/// escape differently (`<`, `>`, `&`).
pub fn simple_signing_payload(docker_reference: &str, manifest_digest: &str) -> Vec<u8> {
    let s = |v: &str| Value::String(v.to_string()).to_string();
    format!(
        r#"{{"critical":{{"identity":{{"docker-reference":{}}},"image":{{"docker-manifest-digest":{}}},"type":"{COSIGN_SIGNATURE_TYPE}"}},"optional":null}}"#,
        s(docker_reference),
        s(manifest_digest)
    )
    .into_bytes()
}

/// What a verifier reads from a simple-signing payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleSigning {
    /// `critical.identity.docker-reference`.
    pub docker_reference: String,
    /// `critical.image.docker-manifest-digest`.
    pub manifest_digest: String,
    /// `optional` (annotations given at signing time), `None` when `null` or absent.
    pub optional: Option<Value>,
}

/// Go's `encoding/json` matches object keys case-insensitively; so does this lookup (exact match first).
fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let map = v.as_object()?;
    map.get(key).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

/// Parse a payload; it must be JSON with `critical.type` = [`COSIGN_SIGNATURE_TYPE`] and a
/// `critical.image.docker-manifest-digest` string.
pub fn parse_simple_signing(payload: &[u8]) -> Result<SimpleSigning, String> {
    let v: Value = serde_json::from_slice(payload).map_err(|e| format!("payload is not JSON: {e}"))?;
    let critical = get(&v, "critical").ok_or("payload has no \"critical\" object")?;
    let kind = get(critical, "type").and_then(Value::as_str).unwrap_or("");
    if kind != COSIGN_SIGNATURE_TYPE {
        return Err(format!("payload type is {kind:?}, not {COSIGN_SIGNATURE_TYPE:?}"));
    }
    let manifest_digest = get(critical, "image")
        .and_then(|i| get(i, "docker-manifest-digest"))
        .and_then(Value::as_str)
        .ok_or("payload has no critical.image.docker-manifest-digest")?
        .to_string();
    let docker_reference = get(critical, "identity")
        .and_then(|i| get(i, "docker-reference"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let optional = get(&v, "optional").filter(|o| !o.is_null()).cloned();
    Ok(SimpleSigning { docker_reference, manifest_digest, optional })
}
