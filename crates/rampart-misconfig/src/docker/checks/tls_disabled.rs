use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0034",
    family: Family::Docker,
    service: "supply-chain",
    severity: Severity::High,
    title: "TLS certificate verification disabled",
    description: "curl -k, wget --no-check-certificate, pip --trusted-host, git/npm/yarn strict-ssl off, or \
        variables such as NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0, GIT_SSL_NO_VERIFY turn off \
        certificate checks: anyone on the network path can swap what is downloaded.",
    remediation: "Keep verification on; install the needed CA certificate instead of disabling checks.",
    references: &["https://www.checkov.io/5.Policy%20Index/dockerfile.html"],
    controls: &["cis-docker-1.6/4.11"],
    peers: &[
        "CKV2_DOCKER_2",
        "CKV2_DOCKER_3",
        "CKV2_DOCKER_4",
        "CKV2_DOCKER_5",
        "CKV2_DOCKER_6",
        "CKV2_DOCKER_12",
        "CKV2_DOCKER_13",
        "CKV2_DOCKER_14",
        "CKV2_DOCKER_15",
        "CKV2_DOCKER_16",
    ],
    bad_example: "FROM debian:12\nRUN curl -k -o /tmp/x https://example.com/x\n",
    good_example: "FROM debian:12\nRUN curl -o /tmp/x https://example.com/x\n",
};

/// The reason when one command disables verification.
fn insecure(c: &crate::docker::shell::SimpleCmd) -> Option<&'static str> {
    let args = c.args();
    let has = |w: &str| args.iter().any(|a| a == w);
    match c.program() {
        "curl" if c.has_opt('k', &["insecure"]) => Some("curl --insecure"),
        "wget" if has("--no-check-certificate") => Some("wget --no-check-certificate"),
        "pip" | "pip3" if args.iter().any(|a| a == "--trusted-host" || a.starts_with("--trusted-host=")) => {
            Some("pip --trusted-host")
        }
        "git"
            if args.iter().any(|a| a.eq_ignore_ascii_case("http.sslVerify=false"))
                || args.windows(2).any(|w| w[0] == "http.sslVerify" && w[1] == "false") =>
        {
            Some("git http.sslVerify false")
        }
        "npm" | "yarn"
            if args.windows(2).any(|w| w[0] == "strict-ssl" && w[1] == "false")
                || has("--strict-ssl=false") =>
        {
            Some("npm/yarn strict-ssl false")
        }
        "yum-config-manager" | "dnf" | "yum"
            if args.iter().any(|a| a.contains("sslverify=0") || a.contains("sslverify=false")) =>
        {
            Some("sslverify disabled")
        }
        _ => None,
    }
}

fn insecure_env(name: &str, value: &str) -> bool {
    match name {
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => value == "0",
        "GIT_SSL_NO_VERIFY" => true,
        "NPM_CONFIG_STRICT_SSL" | "npm_config_strict_ssl" => value.eq_ignore_ascii_case("false"),
        "PIP_TRUSTED_HOST" => !value.is_empty(),
        _ => false,
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, script) in ctx.runs() {
        if let Some(why) = cmds(run).iter().find_map(insecure) {
            out.push(ctx.at(&META, stage, run, format!("RUN disables certificate verification ({why})")));
        } else if script.contains("sslverify=0") || script.contains("sslverify=false") {
            out.push(ctx.at(&META, stage, run, "RUN disables certificate verification (sslverify)"));
        }
    }
    for (stage, i) in ctx.variables() {
        let pairs = i.pairs();
        if let Some((name, value)) = pairs.iter().find(|(n, v)| insecure_env(n, v.as_deref().unwrap_or(""))) {
            let value = value.as_deref().unwrap_or("");
            out.push(ctx.at_opt(
                &META,
                stage,
                i,
                format!("{name}={value} disables certificate verification"),
            ));
        }
    }
}
