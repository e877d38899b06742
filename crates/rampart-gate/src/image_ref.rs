//! Image references as the rules see them: registry, repository, tag, digest.

/// A parsed image reference (`[registry/]repo[:tag][@digest]`), normalised the way Docker
/// does: no registry means `docker.io`, and a one-part name there means `library/NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// `registry/repository`, e.g. `docker.io/library/nginx`, `registry.example.com:5000/app`.
    pub name: String,
    pub registry: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a reference; `None` for text that cannot be one (spaces, empty parts).
    pub fn parse(reference: &str) -> Option<ImageRef> {
        let r = reference.trim();
        if r.is_empty() || r.contains(char::is_whitespace) || r.starts_with('/') || r.starts_with('.') {
            return None;
        }
        let (rest, digest) = match r.split_once('@') {
            Some((n, d)) if d.contains(':') => (n, Some(d.to_string())),
            Some(_) => return None,
            None => (r, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(rest[last_slash + i + 1..].to_string())),
            None => (rest, None),
        };
        if name.is_empty() || name.split('/').any(str::is_empty) || tag.as_deref() == Some("") {
            return None;
        }
        let first = name.split('/').next().unwrap_or_default();
        let has_registry =
            name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
        let (registry, path) = if has_registry {
            (first.to_string(), name[first.len() + 1..].to_string())
        } else if name.contains('/') {
            ("docker.io".to_string(), name.to_string())
        } else {
            ("docker.io".to_string(), format!("library/{name}"))
        };
        Some(ImageRef { name: format!("{registry}/{path}"), registry, tag, digest })
    }

    /// The tag deployed: the tag given, or `latest` for a reference with neither tag nor digest.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// Whether the image comes from `allowed`: a registry host (`ghcr.io`) or a repository
    /// prefix (`ghcr.io/acme`), matched on whole path segments.
    pub fn from_registry(&self, allowed: &str) -> bool {
        let allowed = allowed.trim().trim_end_matches('/');
        let allowed = ImageRef::normalise_prefix(allowed);
        self.name == allowed || self.name.starts_with(&format!("{allowed}/"))
    }

    /// `docker.io` spelled as Docker's API host, or bare `library` names, normalised.
    fn normalise_prefix(p: &str) -> String {
        p.strip_prefix("index.docker.io").map(|r| format!("docker.io{r}")).unwrap_or_else(|| p.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalise_like_docker() {
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!((r.name.as_str(), r.effective_tag()), ("docker.io/library/nginx", Some("latest")));
        let r = ImageRef::parse("registry.example.com:5000/team/app:1.2@sha256:abc").unwrap();
        assert_eq!(r.registry, "registry.example.com:5000");
        assert_eq!(r.name, "registry.example.com:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = ImageRef::parse("localhost/app@sha256:abc").unwrap();
        assert_eq!((r.registry.as_str(), r.effective_tag()), ("localhost", None));
        assert!(ImageRef::parse("acme/api:2").unwrap().from_registry("docker.io/acme"));
        assert!(ImageRef::parse("ghcr.io/acme/api").unwrap().from_registry("ghcr.io"));
        assert!(!ImageRef::parse("ghcr.io/acme-evil/api").unwrap().from_registry("ghcr.io/acme"));
        assert!(ImageRef::parse("index.docker.io/library/nginx").is_some());
        for bad in ["", "a b", "/tmp/image.tar", "./x", "app:", "a//b", "x@nodigest"] {
            assert_eq!(ImageRef::parse(bad), None, "{bad}");
        }
    }
}
