//! Registry side of signing and verification: resolve the image digest, read and write the
//! `sha256-<hex>.sig` signature manifest and its payload blobs.

use futures_util::StreamExt as _;
use oci_client::client::LayerDescriptor;
use oci_client::{Reference, RegistryOperation};
use rampart_registry::access::{Connection, map_stream_error};
use rampart_registry::manifest::ACCEPTED_MANIFESTS;
use rampart_registry::{RegistryError, RegistryOptions};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::SignError;

/// Media type of the payload layers of a signature manifest.
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Layer annotation holding the base64 signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Media type of the signature manifests this crate writes (cosign's default).
pub const OCI_MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
const DOCKER_MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
const OCI_CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
/// Largest signature payload read (payloads are a few hundred bytes; this bounds memory on hostile input).
const MAX_PAYLOAD_BYTES: usize = 1 << 20;

/// The signature tag of a manifest digest: `sha256:<hex>` → `sha256-<hex>.sig`.
pub fn signature_tag(digest: &str) -> String {
    format!("{}.sig", digest.replacen(':', "-", 1))
}

pub(crate) fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// One signature-manifest layer as read from the registry.
pub(crate) struct SigLayer {
    pub media_type: String,
    pub digest: String,
    pub size: u64,
    pub signature: Option<String>,
}

/// A connection to the registry of one image reference (see [`Connection`]).
pub(crate) struct Session {
    conn: Connection,
    pub normalised: String,
}

impl Session {
    pub fn open(reference: &str, opts: &RegistryOptions) -> Result<Session, SignError> {
        let conn = Connection::open(reference, opts)?;
        Ok(Session { normalised: conn.normalised.clone(), conn })
    }

    /// Run `fut` to completion on the session's runtime.
    pub fn block_on<T>(&self, fut: impl std::future::Future<Output = T>) -> T {
        self.conn.block_on(fut)
    }

    fn err(&self, what: &str, e: oci_client::errors::OciDistributionError) -> RegistryError {
        self.conn.error(what, e)
    }

    /// `cosign`'s `docker-reference` for this image: registry API host and repository.
    pub fn docker_reference(&self) -> String {
        format!("{}/{}", self.conn.image.resolve_registry(), self.conn.image.repository())
    }

    /// The reference of the signature manifest for `digest`, in the image's repository.
    pub fn signature_reference(&self, digest: &str) -> Reference {
        Reference::with_tag(
            self.conn.image.registry().to_string(),
            self.conn.image.repository().to_string(),
            signature_tag(digest),
        )
    }

    /// Log in for `op` up front, so refused credentials are reported as such.
    pub async fn login(&self, op: RegistryOperation) -> Result<(), SignError> {
        self.conn
            .client
            .auth(&self.conn.image, &self.conn.auth, op)
            .await
            .map_err(|e| self.err("login", e))?;
        Ok(())
    }

    /// The digest of the manifest (or index) the reference names, checked against the reference's digest.
    pub async fn resolve_digest(&self) -> Result<String, SignError> {
        let (body, _) = self
            .conn
            .client
            .pull_manifest_raw(&self.conn.image, &self.conn.auth, ACCEPTED_MANIFESTS)
            .await
            .map_err(|e| self.err("manifest", e))?;
        let digest = sha256_digest(&body);
        if let Some(want) = self.conn.image.digest()
            && want != digest
        {
            return Err(RegistryError::DigestMismatch {
                reference: self.normalised.clone(),
                what: "manifest".into(),
                expected: want.to_string(),
                actual: digest,
            }
            .into());
        }
        Ok(digest)
    }

    /// The signature manifest at `sig` as JSON, or `None` when the tag does not exist.
    pub async fn signature_manifest(&self, sig: &Reference) -> Result<Option<Value>, SignError> {
        let tag = sig.tag().unwrap_or_default().to_string();
        let accepted = [OCI_MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE];
        let body = match self.conn.client.pull_manifest_raw(sig, &self.conn.auth, &accepted).await {
            Ok((body, _)) => body,
            Err(e) => {
                return match self.err(&format!("signature manifest {tag}"), e) {
                    RegistryError::NotFound { .. } => Ok(None),
                    other => Err(other.into()),
                };
            }
        };
        let value: Value =
            serde_json::from_slice(&body).map_err(|e| SignError::InvalidSignatureManifest {
                reference: self.normalised.clone(),
                tag: tag.clone(),
                reason: format!("not JSON: {e}"),
            })?;
        if !value.get("layers").is_some_and(Value::is_array) && value.get("layers").is_some() {
            return Err(SignError::InvalidSignatureManifest {
                reference: self.normalised.clone(),
                tag,
                reason: "\"layers\" is not an array".into(),
            });
        }
        Ok(Some(value))
    }

    /// Fetch a payload blob (bounded) and check it against its digest and size.
    pub async fn fetch_payload(&self, layer: &SigLayer) -> Result<Vec<u8>, String> {
        if layer.size > MAX_PAYLOAD_BYTES as u64 {
            return Err(format!("payload is {} bytes (limit {MAX_PAYLOAD_BYTES})", layer.size));
        }
        let urls = None;
        let desc = LayerDescriptor { digest: &layer.digest, urls: &urls };
        let what = format!("signature payload {}", layer.digest);
        let mut stream = self
            .conn
            .client
            .pull_blob_stream(&self.conn.image, &desc)
            .await
            .map_err(|e| self.err(&what, e).to_string())?;
        let mut data = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                map_stream_error(&self.normalised, &self.conn.registry, &what, &e).to_string()
            })?;
            if data.len() + chunk.len() > MAX_PAYLOAD_BYTES {
                return Err(format!("payload is larger than {MAX_PAYLOAD_BYTES} bytes"));
            }
            data.extend_from_slice(&chunk);
        }
        let actual = sha256_digest(&data);
        if actual != layer.digest {
            return Err(format!("payload blob hashes to {actual}, not its descriptor digest"));
        }
        if data.len() as u64 != layer.size {
            return Err(format!("payload is {} bytes, descriptor says {}", data.len(), layer.size));
        }
        Ok(data)
    }

    async fn push_blob(&self, sig: &Reference, data: Vec<u8>, what: &str) -> Result<String, SignError> {
        let digest = sha256_digest(&data);
        self.conn.client.push_blob(sig, data, &digest).await.map_err(|e| self.err(what, e))?;
        Ok(digest)
    }

    /// Write `manifest` (a signature manifest whose last layer is `payload`) and its blobs to `sig`. The
    /// config is rebuilt for the layers (`rootfs.diff_ids` = the payload digests, as the payloads are not
    /// compressed).
    pub async fn push_signature_manifest(
        &self,
        sig: &Reference,
        mut manifest: Value,
        payload: Vec<u8>,
    ) -> Result<(), SignError> {
        self.push_blob(sig, payload, "signature payload").await?;
        let diff_ids: Vec<Value> = manifest["layers"]
            .as_array()
            .map(|ls| ls.iter().filter_map(|l| l.get("digest").cloned()).collect())
            .unwrap_or_default();
        let history: Vec<Value> =
            diff_ids.iter().map(|_| json!({"created": "0001-01-01T00:00:00Z"})).collect();
        let config = json!({
            "architecture": "",
            "created": "0001-01-01T00:00:00Z",
            "history": history,
            "os": "",
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "config": {}
        });
        let config_bytes =
            serde_json::to_vec(&config).map_err(|e| SignError::Crypto(format!("JSON: {e}")))?;
        let config_size = config_bytes.len();
        let config_digest = self.push_blob(sig, config_bytes, "signature config").await?;
        let config_media_type = manifest["config"]
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or(OCI_CONFIG_MEDIA_TYPE)
            .to_string();
        manifest["config"] =
            json!({"mediaType": config_media_type, "size": config_size, "digest": config_digest});
        let media_type =
            manifest.get("mediaType").and_then(Value::as_str).unwrap_or(OCI_MANIFEST_MEDIA_TYPE).to_string();
        let body = serde_json::to_vec(&manifest).map_err(|e| SignError::Crypto(format!("JSON: {e}")))?;
        let content_type = media_type.parse().map_err(|_| SignError::InvalidSignatureManifest {
            reference: self.normalised.clone(),
            tag: sig.tag().unwrap_or_default().to_string(),
            reason: format!("media type {media_type:?} is not a valid header value"),
        })?;
        self.conn
            .client
            .push_manifest_raw(sig, body, content_type)
            .await
            .map_err(|e| self.err("signature manifest", e))?;
        Ok(())
    }
}

/// The layers of a signature manifest.
pub(crate) fn sig_layers(manifest: &Value) -> Vec<SigLayer> {
    let Some(layers) = manifest.get("layers").and_then(Value::as_array) else { return Vec::new() };
    layers
        .iter()
        .map(|l| SigLayer {
            media_type: l.get("mediaType").and_then(Value::as_str).unwrap_or_default().to_string(),
            digest: l.get("digest").and_then(Value::as_str).unwrap_or_default().to_string(),
            size: l.get("size").and_then(Value::as_u64).unwrap_or(0),
            signature: l
                .get("annotations")
                .and_then(|a| a.get(SIGNATURE_ANNOTATION))
                .and_then(Value::as_str)
                .map(str::to_string),
        })
        .collect()
}

/// A new, empty signature manifest (OCI media types, like cosign's default).
pub(crate) fn empty_signature_manifest() -> Value {
    json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST_MEDIA_TYPE,
        "config": {"mediaType": OCI_CONFIG_MEDIA_TYPE, "size": 0, "digest": ""},
        "layers": []
    })
}

/// The layer descriptor of a new signature.
pub(crate) fn signature_layer(payload: &[u8], signature_b64: &str) -> Value {
    json!({
        "mediaType": SIMPLE_SIGNING_MEDIA_TYPE,
        "size": payload.len(),
        "digest": sha256_digest(payload),
        "annotations": {SIGNATURE_ANNOTATION: signature_b64}
    })
}
