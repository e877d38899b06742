//! The image config blob (`application/vnd.oci.image.config.v1+json`, docker's `<id>.json`):
//! platform, diff_ids, history and run configuration.

use crate::digest::Digest;
use crate::error::ImageError;
use crate::platform::Platform;
use rampart_model::ImageConfig;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    os: Option<String>,
    #[serde(default)]
    architecture: Option<String>,
    #[serde(default)]
    variant: Option<String>,
    #[serde(default)]
    config: Option<RunConfig>,
    #[serde(default)]
    rootfs: Option<RootFs>,
    #[serde(default)]
    history: Option<Vec<History>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RunConfig {
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    exposed_ports: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    env: Option<Vec<String>>,
    #[serde(default)]
    entrypoint: Option<Vec<String>>,
    #[serde(default)]
    cmd: Option<Vec<String>>,
    #[serde(default)]
    working_dir: Option<String>,
    #[serde(default)]
    labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    healthcheck: Option<Healthcheck>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Healthcheck {
    #[serde(default)]
    test: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct RootFs {
    #[serde(default)]
    diff_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct History {
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    empty_layer: Option<bool>,
}

/// What the rest of the crate needs from a config.
#[derive(Debug)]
pub(crate) struct ParsedConfig {
    pub(crate) created: Option<String>,
    pub(crate) platform: Platform,
    pub(crate) diff_ids: Vec<Digest>,
    /// The `created_by` line of each non-empty history entry, in order (one per layer when the
    /// history is complete).
    pub(crate) layer_history: Vec<Option<String>>,
    pub(crate) config: ImageConfig,
}

/// Parses a config blob; `what` names it for errors. Every diff_id must be a valid digest.
pub(crate) fn parse(image: &Path, what: &str, bytes: &[u8]) -> Result<ParsedConfig, ImageError> {
    let raw: RawConfig = serde_json::from_slice(bytes).map_err(|source| ImageError::Json {
        image: image.to_owned(),
        what: what.to_owned(),
        source,
    })?;
    let mut diff_ids = Vec::new();
    for d in raw.rootfs.map(|r| r.diff_ids).unwrap_or_default() {
        let parsed = Digest::parse(&d).ok_or_else(|| ImageError::InvalidDigest {
            image: image.to_owned(),
            what: format!("{what}: rootfs.diff_ids"),
            digest: d.clone(),
        })?;
        diff_ids.push(parsed);
    }
    let history = raw.history.unwrap_or_default();
    let layer_history =
        history.iter().filter(|h| h.empty_layer != Some(true)).map(|h| h.created_by.clone()).collect();
    let run = raw.config.unwrap_or_default();
    let config = ImageConfig {
        user: run.user.filter(|u| !u.is_empty()),
        exposed_ports: run.exposed_ports.unwrap_or_default().into_keys().collect(),
        env: run.env.unwrap_or_default(),
        entrypoint: run.entrypoint.unwrap_or_default(),
        cmd: run.cmd.unwrap_or_default(),
        working_dir: run.working_dir.filter(|w| !w.is_empty()),
        labels: run.labels.unwrap_or_default(),
        healthcheck: run.healthcheck.and_then(|h| h.test),
        history: history.into_iter().map(|h| h.created_by.unwrap_or_default()).collect(),
    };
    Ok(ParsedConfig {
        created: raw.created,
        platform: Platform::new(
            raw.os.as_deref().unwrap_or(""),
            raw.architecture.as_deref().unwrap_or(""),
            raw.variant.as_deref(),
        ),
        diff_ids,
        layer_history,
        config,
    })
}

/// Reads only the platform of a config (for choosing among images).
pub(crate) fn platform_of(image: &Path, what: &str, bytes: &[u8]) -> Result<Platform, ImageError> {
    parse(image, what, bytes).map(|c| c.platform)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_run_config_and_history() {
        let json = br#"{"os":"linux","architecture":"arm64","variant":"v8","created":"2025-01-01T00:00:00Z",
          "config":{"User":"app","ExposedPorts":{"8080/tcp":{},"53/udp":{}},"Env":["A=1"],"Entrypoint":["/e"],
            "Cmd":null,"WorkingDir":"/w","Labels":{"k":"v"},"Healthcheck":{"Test":["CMD","true"]}},
          "rootfs":{"type":"layers","diff_ids":["sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]},
          "history":[{"created_by":"ADD x"},{"created_by":"ENV A=1","empty_layer":true}]}"#;
        let c = parse(Path::new("img"), "config", json).unwrap();
        assert_eq!(c.platform.to_string(), "linux/arm64");
        assert_eq!(c.config.user.as_deref(), Some("app"));
        assert_eq!(c.config.exposed_ports, vec!["53/udp", "8080/tcp"]);
        assert_eq!(c.config.cmd, Vec::<String>::new());
        assert_eq!(c.config.healthcheck, Some(vec!["CMD".to_owned(), "true".to_owned()]));
        assert_eq!(c.config.history, vec!["ADD x", "ENV A=1"]);
        assert_eq!(c.layer_history, vec![Some("ADD x".to_owned())]);
        assert_eq!(c.diff_ids.len(), 1);
    }

    #[test]
    fn bad_diff_id_is_refused() {
        let json = br#"{"rootfs":{"diff_ids":["sha256:../../x"]}}"#;
        let e = parse(Path::new("img"), "config", json).unwrap_err();
        assert!(matches!(e, ImageError::InvalidDigest { .. }), "{e}");
    }
}
