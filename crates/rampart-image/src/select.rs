//! Choosing one image among several (docker-archive entries, OCI index manifests) by reference
//! and platform.

use crate::OpenOptions;
use crate::error::ImageError;
use crate::platform::Platform;
use std::path::Path;

/// One selectable image.
pub(crate) struct Candidate<T> {
    /// Its names: repo tags (docker archive) or ref.name annotations (OCI).
    pub(crate) refs: Vec<String>,
    /// Its platform when the archive or index says it without reading the config.
    pub(crate) platform: Option<Platform>,
    /// A short label for listings (manifest digest or config name).
    pub(crate) label: String,
    /// What the format needs to open it.
    pub(crate) key: T,
}

impl<T> Candidate<T> {
    fn describe(&self) -> String {
        let name = if self.refs.is_empty() { self.label.clone() } else { self.refs.join(" ") };
        match &self.platform {
            Some(p) => format!("{name} [{p}]"),
            None => name,
        }
    }
}

/// Whether the image name `candidate` is what the user asked for with `wanted`: equal, equal once
/// a missing tag is read as `latest`, or equal to its last path components
/// (`debian12-apps:latest` names `localhost/scanner-targets/debian12-apps:latest`).
pub(crate) fn ref_matches(candidate: &str, wanted: &str) -> bool {
    fn with_tag(s: &str) -> String {
        let last = s.rsplit('/').next().unwrap_or(s);
        if last.contains(':') || last.contains('@') { s.to_owned() } else { format!("{s}:latest") }
    }
    if candidate == wanted {
        return true;
    }
    let (c, w) = (with_tag(candidate), with_tag(wanted));
    c == w || c.ends_with(&format!("/{w}"))
}

/// Picks one candidate:
/// 1. with `opts.reference`, only candidates having a matching name remain
///    ([`ImageError::ReferenceNotFound`] when none);
/// 2. a single remaining candidate is taken when no platform was asked for;
/// 3. otherwise the candidates for `opts.platform` (or the host platform) are kept: exactly one is
///    taken, none is [`ImageError::PlatformNotFound`], several are [`ImageError::AmbiguousImage`].
///
/// `load_platform` reads a candidate's platform from its config when the listing did not say it.
pub(crate) fn select<T>(
    image: &Path,
    mut candidates: Vec<Candidate<T>>,
    opts: &OpenOptions,
    mut load_platform: impl FnMut(&T) -> Result<Platform, ImageError>,
) -> Result<Candidate<T>, ImageError> {
    if let Some(wanted) = &opts.reference {
        let available: Vec<String> = candidates.iter().flat_map(|c| c.refs.clone()).collect();
        candidates.retain(|c| c.refs.iter().any(|r| ref_matches(r, wanted)));
        if candidates.is_empty() {
            return Err(ImageError::ReferenceNotFound {
                image: image.to_owned(),
                wanted: wanted.clone(),
                available,
            });
        }
    }
    if candidates.len() == 1
        && opts.platform.is_none()
        && let Some(only) = candidates.pop()
    {
        return Ok(only);
    }
    let wanted = opts.platform.clone().unwrap_or_else(Platform::host);
    for c in &mut candidates {
        if c.platform.is_none() {
            c.platform = Some(load_platform(&c.key)?);
        }
    }
    let (mut matching, others): (Vec<_>, Vec<_>) =
        candidates.into_iter().partition(|c| c.platform.as_ref().is_some_and(|p| wanted.matches(p)));
    match matching.len() {
        1 => matching.pop().ok_or_else(|| unreachable_empty(image)),
        0 => Err(ImageError::PlatformNotFound {
            image: image.to_owned(),
            wanted: wanted.to_string(),
            available: others.iter().map(Candidate::describe).collect(),
        }),
        _ => Err(ImageError::AmbiguousImage {
            image: image.to_owned(),
            available: matching.iter().map(Candidate::describe).collect(),
        }),
    }
}

fn unreachable_empty(image: &Path) -> ImageError {
    ImageError::Malformed {
        image: image.to_owned(),
        what: "image selection".into(),
        reason: "no candidate".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::ref_matches;

    #[test]
    fn reference_matching() {
        let full = "localhost/scanner-targets/debian12-apps:latest";
        assert!(ref_matches(full, full));
        assert!(ref_matches(full, "debian12-apps"));
        assert!(ref_matches(full, "debian12-apps:latest"));
        assert!(ref_matches(full, "scanner-targets/debian12-apps"));
        assert!(!ref_matches(full, "apps"));
        assert!(!ref_matches(full, "debian12-apps:v2"));
        assert!(ref_matches("latest", "latest"));
        assert!(!ref_matches(full, "latest"));
        assert!(ref_matches("docker.io/library/alpine:3.20", "alpine:3.20"));
    }
}
