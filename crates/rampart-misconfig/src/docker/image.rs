//! Image configs as Dockerfiles: the history's `created_by` lines turned back into instructions
//! (as Trivy's image-config analyzer does), then the final run configuration, so the Dockerfile
//! checks apply to images too.

use std::sync::LazyLock;

use regex::Regex;

use crate::check::{ConfigType, FamilyOutput, SourceFile};

/// A Dockerfile synthesized from an image config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageDockerfile {
    pub text: String,
    /// For each line of `text` (index 0 = line 1): the index in `ImageConfig::history` it comes
    /// from, `None` for lines added from the final config (`FROM scratch`, `USER`, ...).
    pub history_of_line: Vec<Option<usize>>,
}

static BUILD_METADATA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\|[a-zA-Z0-9_-]+=[^ \t]+").expect("valid regex"));
static COPY_IN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b((?:file|dir):\S+) in ").expect("valid regex"));
static BUILD_ARGS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\|\d+(?:\s+[A-Za-z_][A-Za-z0-9_]*=\S*)*\s+").expect("valid regex"));
static EXPOSE_MAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^EXPOSE\s+map\[(.*)\]\s*$").expect("valid regex"));
static SHELL_BRACKETS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^SHELL\s+\[([^\]]*)\]\s*$").expect("valid regex"));

const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// One history line as an instruction, or `None` when it is not one (free text, empty).
fn instruction(created_by: &str, config: &rampart_model::ImageConfig) -> Option<String> {
    let s = created_by.trim();
    let s = BUILD_ARGS.replace(s, "");
    let s = s.trim();
    let line = if let Some(rest) = s.strip_prefix("/bin/sh -c #(nop)") {
        let rest = rest.trim();
        if rest.starts_with("COPY") || rest.starts_with("ADD") {
            COPY_IN.replace_all(rest, "$1 ").into_owned()
        } else {
            rest.to_string()
        }
    } else if let Some(rest) = s.strip_prefix("/bin/sh -c") {
        format!("RUN {}", rest.trim())
    } else if let Some(rest) = s.strip_suffix("# buildkit") {
        let rest = rest.trim();
        match rest.find("/bin/sh -c") {
            Some(pos) if rest.starts_with("RUN") => {
                format!("RUN {}", rest[pos + "/bin/sh -c".len()..].trim())
            }
            _ => rest.to_string(),
        }
    } else {
        s.to_string()
    };
    let line = BUILD_METADATA.replace_all(&line, "").trim().to_string();
    let keyword = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    if !INSTRUCTIONS.contains(&keyword.as_str()) {
        return None;
    }
    Some(match keyword.as_str() {
        "HEALTHCHECK" => healthcheck(config).unwrap_or(line),
        "ENV" => match line[3..].trim().split_once('=') {
            Some((k, v)) if v.contains(char::is_whitespace) && !v.starts_with('"') => {
                format!("ENV {k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
            }
            _ => line,
        },
        "EXPOSE" => match EXPOSE_MAP.captures(&line) {
            Some(c) => format!(
                "EXPOSE {}",
                c[1].split_whitespace().map(|p| p.trim_end_matches(":{}")).collect::<Vec<_>>().join(" ")
            ),
            None => line,
        },
        "SHELL" => match SHELL_BRACKETS.captures(&line) {
            Some(c) if !c[1].contains('"') => format!(
                "SHELL [{}]",
                c[1].split_whitespace().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ")
            ),
            _ => line,
        },
        _ => line,
    })
}

fn healthcheck(config: &rampart_model::ImageConfig) -> Option<String> {
    let test = config.healthcheck.as_ref()?;
    let (kind, rest) = test.split_first()?;
    Some(match kind.as_str() {
        "NONE" => "HEALTHCHECK NONE".to_string(),
        "CMD-SHELL" => format!("HEALTHCHECK CMD {}", rest.join(" ")),
        _ => format!("HEALTHCHECK CMD {}", serde_json::to_string(rest).unwrap_or_default()),
    })
}

/// The index of the last history entry of the base image (Trivy's guess: the last `CMD` before
/// the last layer-creating instruction), or `None` when there is no such boundary.
fn base_image_end(history: &[String]) -> Option<usize> {
    let is_cmd = |h: &str| {
        let h = h.trim();
        h.starts_with("/bin/sh -c #(nop)  CMD")
            || h.starts_with("/bin/sh -c #(nop) CMD")
            || h.starts_with("CMD ")
    };
    let creates_layer = |h: &str| {
        let h = h.trim();
        !h.starts_with("/bin/sh -c #(nop)") || h.contains(" COPY ") || h.contains(" ADD ")
    };
    let last_layer = history.iter().rposition(|h| creates_layer(h) && !is_cmd(h))?;
    history[..last_layer].iter().rposition(|h| is_cmd(h))
}

/// Synthesizes a Dockerfile from an image config (history, then the final `USER`, `EXPOSE`,
/// `HEALTHCHECK` and `ENV`). Lines of the base image's history are kept as comments.
pub fn image_dockerfile(config: &rampart_model::ImageConfig) -> ImageDockerfile {
    let mut out = ImageDockerfile { text: String::new(), history_of_line: Vec::new() };
    let push = |out: &mut ImageDockerfile, line: &str, from: Option<usize>| {
        out.text.push_str(line);
        out.text.push('\n');
        out.history_of_line.push(from);
    };
    push(&mut out, "FROM scratch", None);
    let base_end = base_image_end(&config.history);
    let mut exposed: Vec<String> = Vec::new();
    let mut env_names: Vec<String> = Vec::new();
    let mut has_healthcheck = false;
    for (i, created_by) in config.history.iter().enumerate() {
        let in_base = base_end.is_some_and(|b| i <= b);
        let instr = if in_base { None } else { instruction(created_by, config) };
        let instr = instr.filter(|l| parse_ok(l));
        match instr {
            Some(line) => {
                let keyword = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                match keyword.as_str() {
                    "EXPOSE" => exposed.extend(line.split_whitespace().skip(1).map(|p| p.to_string())),
                    "ENV" => env_names.extend(
                        super::parse::split_words(&line[3..])
                            .iter()
                            .filter_map(|w| w.split_once('='))
                            .map(|(k, _)| k.to_string()),
                    ),
                    "HEALTHCHECK" => has_healthcheck = true,
                    _ => {}
                }
                let mut lines = line.split('\n').peekable();
                while let Some(l) = lines.next() {
                    let l = l.trim_end_matches('\r');
                    if lines.peek().is_some() && !l.trim_end().ends_with('\\') {
                        push(&mut out, &format!("{l} \\"), Some(i));
                    } else {
                        push(&mut out, l, Some(i));
                    }
                }
            }
            None => {
                let prefix = if in_base { "# base image: " } else { "# " };
                let text = created_by.trim();
                if text.is_empty() {
                    push(&mut out, "#", Some(i));
                }
                for l in text.lines() {
                    push(&mut out, &format!("{prefix}{l}"), Some(i));
                }
            }
        }
    }
    for p in &config.exposed_ports {
        let bare = p.trim_end_matches("/tcp");
        if !exposed.iter().any(|e| e == p || e == bare) {
            push(&mut out, &format!("EXPOSE {p}"), None);
        }
    }
    for e in &config.env {
        let Some((k, v)) = e.split_once('=') else { continue };
        if !env_names.iter().any(|n| n == k) && !k.is_empty() {
            let line =
                format!("ENV {k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', " "));
            if parse_ok(&line) {
                push(&mut out, &line, None);
            }
        }
    }
    if !has_healthcheck && let Some(h) = healthcheck(config).filter(|h| parse_ok(h)) {
        push(&mut out, &h, None);
    }
    if let Some(user) = config.user.as_deref().filter(|u| !u.trim().is_empty()) {
        let line = format!("USER {}", user.trim());
        if parse_ok(&line) {
            push(&mut out, &line, None);
        }
    }
    out
}

/// True when `line` parses as one instruction.
fn parse_ok(line: &str) -> bool {
    let mut text = String::with_capacity(line.len() + 14);
    text.push_str("FROM scratch\n");
    text.push_str(line);
    text.push('\n');
    parse_dockerfile::parse_iter(&text).is_ok_and(|mut it| it.all(|r| r.is_ok()))
}

/// Checks an image config with the Dockerfile checks; findings name `path` and lines of the
/// synthesized Dockerfile (see [`image_dockerfile`] for the layer of each line).
pub fn scan_image(path: &str, config: &rampart_model::ImageConfig) -> (ImageDockerfile, FamilyOutput) {
    let df = image_dockerfile(config);
    let file =
        SourceFile { path: path.to_string(), text: df.text.clone(), config_type: ConfigType::ImageConfig };
    let out = super::scan(&[&file]);
    (df, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_lines_become_instructions() {
        let config = rampart_model::ImageConfig {
            history: vec![
                "/bin/sh -c #(nop) ADD file:abc in / ".into(),
                "/bin/sh -c #(nop)  CMD [\"bash\"]".into(),
                "/bin/sh -c apt-get update".into(),
                "|1 TOKEN=x /bin/sh -c echo hi | sh".into(),
                "RUN /bin/sh -c curl -s https://x | bash # buildkit".into(),
                "EXPOSE map[22/tcp:{} 80/tcp:{}]".into(),
                "umoci config".into(),
                "/bin/sh -c #(nop)  CMD [\"/app\"]".into(),
            ],
            user: Some("0".into()),
            exposed_ports: vec!["22/tcp".into(), "8080/tcp".into()],
            env: vec!["PATH=/usr/bin".into()],
            ..Default::default()
        };
        let df = image_dockerfile(&config);
        let lines: Vec<&str> = df.text.lines().collect();
        assert_eq!(lines[0], "FROM scratch");
        assert_eq!(lines[1], "# base image: /bin/sh -c #(nop) ADD file:abc in /");
        assert_eq!(lines[3], "RUN apt-get update");
        assert_eq!(lines[4], "RUN echo hi | sh");
        assert_eq!(lines[5], "RUN curl -s https://x | bash");
        assert_eq!(lines[6], "EXPOSE 22/tcp 80/tcp");
        assert_eq!(lines[7], "# umoci config");
        assert_eq!(lines[8], "CMD [\"/app\"]");
        assert!(lines.contains(&"EXPOSE 8080/tcp") && lines.contains(&"USER 0"));
        assert_eq!(df.history_of_line.len(), lines.len());
        assert_eq!(df.history_of_line[5], Some(4));
        assert_eq!(*df.history_of_line.last().unwrap(), None);
    }

    #[test]
    fn umoci_history_keeps_instructions_and_comments_free_text() {
        let config = rampart_model::ImageConfig {
            history: vec![
                "umoci insert --rootless debian12-minbase".into(),
                "LABEL org.opencontainers.image.title=debian12-layered".into(),
                "WORKDIR /app".into(),
                String::new(),
            ],
            healthcheck: Some(vec!["CMD-SHELL".into(), "curl -f http://localhost/ || exit 1".into()]),
            ..Default::default()
        };
        let df = image_dockerfile(&config);
        assert_eq!(
            df.text,
            "FROM scratch\n# umoci insert --rootless debian12-minbase\nLABEL org.opencontainers.image.title=debian12-layered\nWORKDIR /app\n#\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
        );
        assert_eq!(df.history_of_line, [None, Some(0), Some(1), Some(2), Some(3), None]);
    }
}
