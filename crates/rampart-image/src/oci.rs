//! OCI image layout (directory or tar): `oci-layout`, `index.json` (possibly nesting indexes and
//! docker manifest lists), manifests, configs and layers under `blobs/<alg>/<hex>`.

use crate::config;
use crate::digest::Digest;
use crate::error::ImageError;
use crate::platform::Platform;
use crate::select::{self, Candidate};
use crate::store::Store;
use crate::{LayerLoc, OpenOptions, Opened};
use rampart_model::{ImageLayer, ImageMetadata, LayerRef};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const REF_NAME: &str = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME: &str = "io.containerd.image.name";

/// How deep indexes may nest.
const MAX_DEPTH: usize = 8;
/// How many manifests all indexes together may list.
const MAX_CANDIDATES: usize = 4096;

#[derive(Debug, Clone, Deserialize)]
struct Descriptor {
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
    digest: String,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    platform: Option<RawPlatform>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawPlatform {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
}

/// An index or a manifest: which one it is shows by `manifests` or `config` being present.
#[derive(Debug, Deserialize)]
struct AnyManifest {
    #[serde(rename = "schemaVersion", default)]
    schema_version: Option<u64>,
    #[serde(default)]
    manifests: Option<Vec<Descriptor>>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Vec<Descriptor>,
}

/// A manifest found in the index tree.
struct Key {
    digest: Digest,
}

fn parse_digest(image: &Path, what: &str, s: &str) -> Result<Digest, ImageError> {
    Digest::parse(s).ok_or_else(|| ImageError::InvalidDigest {
        image: image.to_owned(),
        what: what.to_owned(),
        digest: s.to_owned(),
    })
}

/// Reads a JSON blob and checks it hashes to its digest.
fn read_blob(
    image: &Path,
    store: &Store,
    digest: &Digest,
    what: &str,
    limit: u64,
) -> Result<Vec<u8>, ImageError> {
    let bytes = store.read_small(image, &digest.blob_path(), what, limit)?;
    let actual = Digest::of(digest.algorithm, &bytes);
    if &actual != digest {
        return Err(ImageError::BlobDigestMismatch {
            image: image.to_owned(),
            what: what.to_owned(),
            expected: digest.to_string(),
            actual: actual.to_string(),
        });
    }
    Ok(bytes)
}

fn parse_any(image: &Path, what: &str, bytes: &[u8]) -> Result<AnyManifest, ImageError> {
    let m: AnyManifest = serde_json::from_slice(bytes).map_err(|source| ImageError::Json {
        image: image.to_owned(),
        what: what.to_owned(),
        source,
    })?;
    if m.schema_version == Some(1) {
        return Err(ImageError::Malformed {
            image: image.to_owned(),
            what: what.to_owned(),
            reason: "docker schema 1 manifests are not supported".into(),
        });
    }
    Ok(m)
}

struct Walker<'a> {
    image: &'a Path,
    store: &'a Store,
    limit: u64,
    out: Vec<Candidate<Key>>,
}

impl Walker<'_> {
    fn collect(
        &mut self,
        descriptors: &[Descriptor],
        what: &str,
        inherited_ref: Option<&str>,
        depth: usize,
    ) -> Result<(), ImageError> {
        if depth > MAX_DEPTH {
            return Err(ImageError::Malformed {
                image: self.image.to_owned(),
                what: what.to_owned(),
                reason: format!("indexes nested deeper than {MAX_DEPTH}"),
            });
        }
        for (i, desc) in descriptors.iter().enumerate() {
            let desc_what = format!("{what}: manifests[{i}]");
            let digest = parse_digest(self.image, &desc_what, &desc.digest)?;
            let annotations = desc.annotations.as_ref();
            let get = |k: &str| annotations.and_then(|a| a.get(k)).map(String::as_str);
            if get("vnd.docker.reference.type") == Some("attestation-manifest") {
                continue;
            }
            let platform =
                desc.platform.as_ref().map(|p| Platform::new(&p.os, &p.architecture, p.variant.as_deref()));
            if platform.as_ref().is_some_and(|p| p.os == "unknown") {
                continue;
            }
            let ref_name = get(REF_NAME).or_else(|| get(CONTAINERD_NAME)).or(inherited_ref);
            let blob_what = format!("manifest {digest}");
            let is_index = match desc.media_type.as_deref() {
                Some(OCI_INDEX | DOCKER_LIST) => true,
                Some(OCI_MANIFEST | DOCKER_MANIFEST) => false,
                Some(_) => continue, // artifacts, signatures, schema 1: not images
                None => {
                    let bytes = read_blob(self.image, self.store, &digest, &blob_what, self.limit)?;
                    parse_any(self.image, &blob_what, &bytes)?.manifests.is_some()
                }
            };
            if is_index {
                let bytes = read_blob(self.image, self.store, &digest, &blob_what, self.limit)?;
                let nested = parse_any(self.image, &blob_what, &bytes)?;
                let inner = nested.manifests.unwrap_or_default();
                self.collect(&inner, &format!("index {digest}"), ref_name, depth + 1)?;
                continue;
            }
            if let Some(existing) = self.out.iter_mut().find(|c| c.key.digest == digest) {
                if let Some(r) = ref_name
                    && !existing.refs.iter().any(|e| e == r)
                {
                    existing.refs.push(r.to_owned());
                }
                continue;
            }
            if self.out.len() >= MAX_CANDIDATES {
                return Err(ImageError::Malformed {
                    image: self.image.to_owned(),
                    what: what.to_owned(),
                    reason: format!("more than {MAX_CANDIDATES} manifests"),
                });
            }
            self.out.push(Candidate {
                refs: ref_name.map(str::to_owned).into_iter().collect(),
                platform,
                label: digest.to_string(),
                key: Key { digest },
            });
        }
        Ok(())
    }
}

/// Reads manifest `digest` and returns it with its config descriptor's digest.
fn load_manifest(
    image: &Path,
    store: &Store,
    digest: &Digest,
    limit: u64,
) -> Result<(AnyManifest, Digest), ImageError> {
    let what = format!("manifest {digest}");
    let bytes = read_blob(image, store, digest, &what, limit)?;
    let manifest = parse_any(image, &what, &bytes)?;
    let config = manifest.config.as_ref().ok_or_else(|| ImageError::Malformed {
        image: image.to_owned(),
        what: what.clone(),
        reason: "no config descriptor".into(),
    })?;
    let config_digest = parse_digest(image, &format!("{what}: config"), &config.digest)?;
    Ok((manifest, config_digest))
}

/// Opens the OCI image chosen by `opts` from `store` (a layout directory or an OCI archive).
pub(crate) fn open(image: &Path, store: Store, opts: &OpenOptions) -> Result<Opened, ImageError> {
    let limit = opts.limits.max_json_bytes;
    let bytes = store.read_small(image, "index.json", "index.json", limit)?;
    let index = parse_any(image, "index.json", &bytes)?;
    let manifests = index.manifests.unwrap_or_default();
    let mut walker = Walker { image, store: &store, limit, out: Vec::new() };
    walker.collect(&manifests, "index.json", None, 0)?;
    let candidates = walker.out;
    if candidates.is_empty() {
        return Err(ImageError::Malformed {
            image: image.to_owned(),
            what: "index.json".into(),
            reason: "lists no image manifest".into(),
        });
    }
    let chosen = select::select(image, candidates, opts, |key: &Key| {
        let (_, config_digest) = load_manifest(image, &store, &key.digest, limit)?;
        let what = format!("config {config_digest}");
        let bytes = read_blob(image, &store, &config_digest, &what, limit)?;
        config::platform_of(image, &what, &bytes)
    })?;
    let manifest_digest = chosen.key.digest;
    let (manifest, config_digest) = load_manifest(image, &store, &manifest_digest, limit)?;
    let config_what = format!("config {config_digest}");
    let config_bytes = read_blob(image, &store, &config_digest, &config_what, limit)?;
    let parsed = config::parse(image, &config_what, &config_bytes)?;
    if parsed.diff_ids.len() != manifest.layers.len() {
        return Err(ImageError::Malformed {
            image: image.to_owned(),
            what: format!("manifest {manifest_digest}"),
            reason: format!(
                "{} layers listed but the config has {} diff_ids",
                manifest.layers.len(),
                parsed.diff_ids.len()
            ),
        });
    }
    let mut layers = Vec::with_capacity(manifest.layers.len());
    let mut meta_layers = Vec::with_capacity(manifest.layers.len());
    for (index, (desc, diff_id)) in manifest.layers.iter().zip(&parsed.diff_ids).enumerate() {
        let digest =
            parse_digest(image, &format!("manifest {manifest_digest}: layers[{index}]"), &desc.digest)?;
        meta_layers.push(ImageLayer {
            layer: LayerRef {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                diff_id: diff_id.to_string(),
                digest: Some(digest.to_string()),
                created_by: parsed.layer_history.get(index).cloned().flatten(),
            },
            media_type: desc.media_type.clone().unwrap_or_default(),
            size: desc.size,
        });
        layers.push(LayerLoc { name: digest.blob_path(), digest: Some(digest), diff_id: diff_id.clone() });
    }
    let metadata = ImageMetadata {
        id: config_digest.to_string(),
        manifest_digest: Some(manifest_digest.to_string()),
        repo_tags: chosen.refs,
        repo_digests: Vec::new(),
        os: parsed.platform.os.clone(),
        architecture: parsed.platform.architecture.clone(),
        created: parsed.created,
        layers: meta_layers,
        config: parsed.config,
    };
    Ok(Opened { metadata, layers, store })
}
