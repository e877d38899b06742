//! docker-archive (`docker save`, `podman save`, skopeo `docker-archive:`): `manifest.json` lists
//! `[{Config, RepoTags, Layers}]` with archive paths (`<hex>.json`, `<hex>.tar`, `<id>/layer.tar`
//! or docker 25+'s `blobs/sha256/<hex>`).

use crate::config;
use crate::digest::{Algorithm, Digest};
use crate::error::ImageError;
use crate::select::{self, Candidate};
use crate::store::{Store, normalise_archive_path};
use crate::{LayerLoc, OpenOptions, Opened};
use rampart_model::{ImageLayer, ImageMetadata, LayerRef};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManifestEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

/// The digest an archive path spells, if any: `blobs/<alg>/<hex>` or `<64 hex>.tar|.json`.
fn digest_from_name(name: &str) -> Option<Digest> {
    let name = normalise_archive_path(name)?;
    if let Some(rest) = name.strip_prefix("blobs/") {
        let (alg, hex) = rest.split_once('/')?;
        return Digest::parse(&format!("{alg}:{hex}"));
    }
    let stem = name.strip_suffix(".tar").or_else(|| name.strip_suffix(".json"))?;
    if stem.contains('/') {
        return None;
    }
    Digest::parse(&format!("sha256:{stem}"))
}

/// Opens the docker-archive image chosen by `opts` from `store`.
pub(crate) fn open(image: &Path, store: Store, opts: &OpenOptions) -> Result<Opened, ImageError> {
    let limit = opts.limits.max_json_bytes;
    let bytes = store.read_small(image, "manifest.json", "manifest.json", limit)?;
    let entries: Vec<ManifestEntry> = serde_json::from_slice(&bytes).map_err(|source| ImageError::Json {
        image: image.to_owned(),
        what: "manifest.json".into(),
        source,
    })?;
    if entries.is_empty() {
        return Err(ImageError::Malformed {
            image: image.to_owned(),
            what: "manifest.json".into(),
            reason: "lists no image".into(),
        });
    }
    let candidates = entries
        .into_iter()
        .map(|e| Candidate {
            refs: e.repo_tags.clone().unwrap_or_default(),
            platform: None,
            label: e.config.clone(),
            key: e,
        })
        .collect();
    let chosen = select::select(image, candidates, opts, |e: &ManifestEntry| {
        let what = format!("config {}", e.config);
        let bytes = store.read_small(image, &e.config, &what, limit)?;
        config::platform_of(image, &what, &bytes)
    })?;
    let entry = chosen.key;
    let what = format!("config {}", entry.config);
    let config_bytes = store.read_small(image, &entry.config, &what, limit)?;
    let id = match digest_from_name(&entry.config) {
        Some(named) => {
            let actual = Digest::of(named.algorithm, &config_bytes);
            if actual != named {
                return Err(ImageError::BlobDigestMismatch {
                    image: image.to_owned(),
                    what,
                    expected: named.to_string(),
                    actual: actual.to_string(),
                });
            }
            named
        }
        None => Digest::of(Algorithm::Sha256, &config_bytes),
    };
    let parsed = config::parse(image, &what, &config_bytes)?;
    if parsed.diff_ids.len() != entry.layers.len() {
        return Err(ImageError::Malformed {
            image: image.to_owned(),
            what: "manifest.json".into(),
            reason: format!(
                "{} layers listed but the config has {} diff_ids",
                entry.layers.len(),
                parsed.diff_ids.len()
            ),
        });
    }
    let mut layers = Vec::with_capacity(entry.layers.len());
    let mut meta_layers = Vec::with_capacity(entry.layers.len());
    for (index, (name, diff_id)) in entry.layers.iter().zip(&parsed.diff_ids).enumerate() {
        let digest = digest_from_name(name);
        let size = store.locate(image, name, "layer").map(|l| l.size()).unwrap_or(0);
        meta_layers.push(ImageLayer {
            layer: LayerRef {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                diff_id: diff_id.to_string(),
                digest: digest.as_ref().map(Digest::to_string),
                created_by: parsed.layer_history.get(index).cloned().flatten(),
            },
            media_type: String::new(),
            size,
        });
        layers.push(LayerLoc { name: name.clone(), digest, diff_id: diff_id.clone() });
    }
    let metadata = ImageMetadata {
        id: id.to_string(),
        manifest_digest: None,
        repo_tags: entry.repo_tags.unwrap_or_default(),
        repo_digests: Vec::new(),
        os: parsed.platform.os.clone(),
        architecture: parsed.platform.architecture.clone(),
        created: parsed.created,
        layers: meta_layers,
        config: parsed.config,
    };
    Ok(Opened { metadata, layers, store })
}

#[cfg(test)]
mod tests {
    use super::digest_from_name;

    #[test]
    fn digests_from_archive_names() {
        let hex = "3ba8107b035d335b0ad2006877cce3d241b7076849ebd50892afc9c686d14b69";
        let want = Some(format!("sha256:{hex}"));
        assert_eq!(digest_from_name(&format!("{hex}.tar")).map(|d| d.to_string()), want);
        assert_eq!(digest_from_name(&format!("blobs/sha256/{hex}")).map(|d| d.to_string()), want);
        assert_eq!(digest_from_name(&format!("{hex}/layer.tar")), None);
        assert_eq!(digest_from_name("blobs/sha256/../../x"), None);
    }
}
