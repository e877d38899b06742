//! Manifests, indexes and image configs as the registry serves them: parsing, validation and platform
//! selection. Pure functions over bytes: no network, no files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// The media types asked for in the `Accept` header when fetching a manifest.
pub const ACCEPTED_MANIFESTS: &[&str] = &[OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST];

/// Config media types of container images.
const CONFIG_TYPES: &[&str] =
    &["application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json"];

/// Layer media types of container images this crate pulls (what the image reader can decompress).
const LAYER_TYPES: &[&str] = &[
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.diff.tar",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.diff.tar.zstd",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
];

/// A content descriptor (the fields this crate uses; unknown fields are ignored).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// The media type of the object.
    #[serde(default)]
    pub media_type: String,
    /// `algorithm:hex`.
    pub digest: String,
    /// Its length in bytes.
    pub size: u64,
    /// The platform of an index entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// The platform of an index entry.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Platform {
    /// `linux`, `windows`, ...
    #[serde(default)]
    pub os: String,
    /// `amd64`, `arm64`, ...
    #[serde(default)]
    pub architecture: String,
    /// `v7`, `v8`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

impl Platform {
    /// `os/arch[/variant]`.
    pub fn display(&self) -> String {
        match &self.variant {
            Some(v) if !v.is_empty() => format!("{}/{}/{}", self.os, self.architecture, v),
            _ => format!("{}/{}", self.os, self.architecture),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    #[serde(default)]
    schema_version: Option<i64>,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    manifests: Option<serde_json::Value>,
    #[serde(default)]
    config: Option<serde_json::Value>,
    #[serde(default)]
    layers: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct IndexDoc {
    manifests: Vec<Descriptor>,
}

#[derive(Deserialize)]
struct ManifestDoc {
    config: Descriptor,
    layers: Vec<Descriptor>,
}

/// A parsed image manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageManifest {
    /// Its media type (from the document, or OCI when the document omits it).
    pub media_type: String,
    /// The config descriptor.
    pub config: Descriptor,
    /// The layer descriptors, bottom first.
    pub layers: Vec<Descriptor>,
}

/// What a manifest document turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A multi-platform index / manifest list.
    Index {
        /// Its media type.
        media_type: String,
        /// Its entries.
        manifests: Vec<Descriptor>,
    },
    /// A single image.
    Image(ImageManifest),
}

/// Why a document was refused; the caller adds the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The media type is not one of a container image.
    Unsupported {
        /// Which object.
        what: String,
        /// The media type.
        media_type: String,
    },
    /// The document is malformed.
    Invalid(String),
}

/// True when `digest` is `sha256:` followed by exactly 64 lower-case hex digits: the only form that may
/// become a file name under `blobs/sha256/`.
pub fn is_valid_sha256_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Parse a manifest or index document and check every digest and media type in it.
pub fn parse_manifest(body: &[u8]) -> Result<Parsed, ParseError> {
    let probe: Probe =
        serde_json::from_slice(body).map_err(|e| ParseError::Invalid(format!("not a JSON manifest: {e}")))?;
    match probe.schema_version {
        Some(2) => {}
        Some(1) => {
            return Err(ParseError::Unsupported {
                what: "manifest".into(),
                media_type: probe
                    .media_type
                    .unwrap_or_else(|| "application/vnd.docker.distribution.manifest.v1+json".into()),
            });
        }
        Some(v) => return Err(ParseError::Invalid(format!("unsupported schemaVersion {v}"))),
        None => return Err(ParseError::Invalid("no schemaVersion".into())),
    }
    let is_index = match probe.media_type.as_deref() {
        Some(OCI_INDEX | DOCKER_LIST) => true,
        Some(OCI_MANIFEST | DOCKER_MANIFEST) => false,
        Some(other) => {
            return Err(ParseError::Unsupported { what: "manifest".into(), media_type: other.into() });
        }
        None if probe.manifests.is_some() => true,
        None if probe.config.is_some() && probe.layers.is_some() => false,
        None => return Err(ParseError::Invalid("neither an image manifest nor an index".into())),
    };
    if is_index {
        let media_type = probe.media_type.unwrap_or_else(|| OCI_INDEX.to_string());
        let doc: IndexDoc =
            serde_json::from_slice(body).map_err(|e| ParseError::Invalid(format!("malformed index: {e}")))?;
        for m in &doc.manifests {
            if !is_valid_sha256_digest(&m.digest) {
                return Err(ParseError::Invalid(format!(
                    "index entry digest {:?} is not sha256:<64 hex>",
                    m.digest
                )));
            }
        }
        return Ok(Parsed::Index { media_type, manifests: doc.manifests });
    }
    let media_type = probe.media_type.unwrap_or_else(|| OCI_MANIFEST.to_string());
    let doc: ManifestDoc = serde_json::from_slice(body)
        .map_err(|e| ParseError::Invalid(format!("malformed image manifest: {e}")))?;
    if !CONFIG_TYPES.contains(&doc.config.media_type.as_str()) {
        return Err(ParseError::Unsupported { what: "config".into(), media_type: doc.config.media_type });
    }
    if !is_valid_sha256_digest(&doc.config.digest) {
        return Err(ParseError::Invalid(format!(
            "config digest {:?} is not sha256:<64 hex>",
            doc.config.digest
        )));
    }
    for (i, l) in doc.layers.iter().enumerate() {
        if !LAYER_TYPES.contains(&l.media_type.as_str()) {
            return Err(ParseError::Unsupported {
                what: format!("layer {}", i + 1),
                media_type: l.media_type.clone(),
            });
        }
        if !is_valid_sha256_digest(&l.digest) {
            return Err(ParseError::Invalid(format!(
                "layer {} digest {:?} is not sha256:<64 hex>",
                i + 1,
                l.digest
            )));
        }
    }
    Ok(Parsed::Image(ImageManifest { media_type, config: doc.config, layers: doc.layers }))
}

#[derive(Deserialize)]
struct ConfigDoc {
    rootfs: RootFs,
}

#[derive(Deserialize)]
struct RootFs {
    #[serde(default)]
    diff_ids: Vec<String>,
}

/// Read `rootfs.diff_ids` from an image config and check there is one per layer, each `sha256:<64 hex>`.
pub fn diff_ids(config: &[u8], layer_count: usize) -> Result<Vec<String>, String> {
    let doc: ConfigDoc =
        serde_json::from_slice(config).map_err(|e| format!("malformed image config: {e}"))?;
    let ids = doc.rootfs.diff_ids;
    if ids.len() != layer_count {
        return Err(format!("config lists {} diff_ids but the manifest has {layer_count} layers", ids.len()));
    }
    if let Some(bad) = ids.iter().find(|d| !is_valid_sha256_digest(d)) {
        return Err(format!("diff_id {bad:?} is not sha256:<64 hex>"));
    }
    Ok(ids)
}

/// The OCI architecture name of the machine this runs on.
pub fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        "loongarch64" => "loong64",
        "mips64" => "mips64le",
        other => other,
    }
}

/// Pick the index entry for `os/arch[/variant]`. A wanted variant of `None` accepts any variant (the first
/// entry wins); `arm64` treats a missing variant as `v8`. Entries without a platform never match.
pub fn select_platform<'a>(
    manifests: &'a [Descriptor],
    os: &str,
    arch: &str,
    variant: Option<&str>,
) -> Option<&'a Descriptor> {
    manifests.iter().find(|m| {
        let Some(p) = &m.platform else { return false };
        if p.os != os || p.architecture != arch {
            return false;
        }
        match variant {
            None => true,
            Some(want) => {
                let have = p.variant.as_deref().filter(|v| !v.is_empty());
                have == Some(want) || (arch == "arm64" && want == "v8" && have.is_none())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    #[test]
    fn digests() {
        assert!(is_valid_sha256_digest(D1));
        assert!(!is_valid_sha256_digest("sha256:../../etc/passwd"));
        assert!(!is_valid_sha256_digest(&D1.to_uppercase()));
        assert!(!is_valid_sha256_digest(&format!("{D1}0")));
        assert!(!is_valid_sha256_digest(&D1.replace("sha256", "sha512")));
    }

    #[test]
    fn oci_manifest_without_media_type() {
        let body = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{D1}","size":3}},
            "layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"{D2}","size":9}}]}}"#
        );
        let Ok(Parsed::Image(m)) = parse_manifest(body.as_bytes()) else { panic!("not an image") };
        assert_eq!(m.media_type, OCI_MANIFEST);
        assert_eq!(m.config.size, 3);
        assert_eq!(m.layers.len(), 1);
    }

    #[test]
    fn refuses_bad_digest_and_media_types() {
        let body = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{D1}","size":3}},
            "layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:../x","size":9}}]}}"#
        );
        assert!(matches!(parse_manifest(body.as_bytes()), Err(ParseError::Invalid(_))));
        let helm = body
            .replace("application/vnd.oci.image.config.v1+json", "application/vnd.cncf.helm.config.v1+json");
        assert_eq!(
            parse_manifest(helm.as_bytes()),
            Err(ParseError::Unsupported {
                what: "config".into(),
                media_type: "application/vnd.cncf.helm.config.v1+json".into()
            })
        );
        let v1 = br#"{"schemaVersion":1,"name":"x","fsLayers":[]}"#;
        assert!(matches!(parse_manifest(v1), Err(ParseError::Unsupported { .. })));
    }

    #[test]
    fn platforms() {
        let mk = |arch: &str, variant: Option<&str>, d: &str| Descriptor {
            media_type: OCI_MANIFEST.into(),
            digest: d.into(),
            size: 1,
            platform: Some(Platform {
                os: "linux".into(),
                architecture: arch.into(),
                variant: variant.map(Into::into),
            }),
            annotations: None,
        };
        let list = vec![mk("amd64", None, D1), mk("arm64", None, D2)];
        assert_eq!(select_platform(&list, "linux", "arm64", Some("v8")).map(|d| d.digest.as_str()), Some(D2));
        assert_eq!(select_platform(&list, "linux", "amd64", None).map(|d| d.digest.as_str()), Some(D1));
        assert!(select_platform(&list, "linux", "s390x", None).is_none());
        assert!(select_platform(&list, "windows", "amd64", None).is_none());
        assert!(select_platform(&list, "linux", "amd64", Some("v2")).is_none());
    }

    #[test]
    fn diff_id_count_must_match() {
        let cfg = format!(r#"{{"rootfs":{{"type":"layers","diff_ids":["{D1}"]}}}}"#);
        assert_eq!(diff_ids(cfg.as_bytes(), 1), Ok(vec![D1.to_string()]));
        assert!(diff_ids(cfg.as_bytes(), 2).is_err());
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
            #[test]
            fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
                let _ = parse_manifest(&bytes);
                let _ = diff_ids(&bytes, 1);
            }

            #[test]
            fn truncated_manifest_never_panics(cut in 0usize..400) {
                let body = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":7,"platform":{"os":"linux","architecture":"amd64"}}]}"#;
                let cut = cut.min(body.len());
                let _ = parse_manifest(body.get(..cut).unwrap_or_default());
            }
        }
    }
}
