use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0006",
    family: Family::Docker,
    service: "secrets",
    severity: Severity::Critical,
    title: "Secret in ENV or ARG",
    description: "An ENV or ARG whose name says it holds a credential (AWS_SECRET_ACCESS_KEY, *PASSWORD*, \
        *SECRET*, *TOKEN*, *API_KEY*, *PRIVATE_KEY*...). ENV values are stored in the image config and \
        build arguments in its history: anyone who can pull the image can read them.",
    remediation: "Pass build-time secrets with RUN --mount=type=secret and runtime secrets through the \
        orchestrator's secret store (mounted files or injected variables), never in the Dockerfile.",
    references: &[
        "https://docs.docker.com/build/building/secrets/",
        "https://avd.aquasec.com/misconfig/ds031",
    ],
    controls: &["cis-docker-1.6/4.10"],
    peers: &["DS-0031", "DL3064"],
    bad_example: "FROM alpine:3.20\nENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n",
    good_example: "FROM alpine:3.20\nRUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://b/f /f\n",
};

const KNOWN: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_CLIENT_SECRET",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITLAB_TOKEN",
    "NPM_TOKEN",
    "OPENAI_API_KEY",
    "HF_TOKEN",
    "VAULT_TOKEN",
    "SLACK_TOKEN",
    "DOCKER_PASSWORD",
    "POSTGRES_PASSWORD",
    "MYSQL_ROOT_PASSWORD",
    "MYSQL_PASSWORD",
    "STRIPE_API_KEY",
];
const SUSPICIOUS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CLIENT_KEY",
    "AUTH_KEY",
    "CREDENTIAL",
];
/// Names that refer to a secret without holding it.
const HARMLESS_SUFFIXES: &[&str] =
    &["_FILE", "_PATH", "_DIR", "_URL", "_URI", "_HOST", "_LENGTH", "_ID_FILE", "_NAME", "_TYPE"];

/// True when a variable of this name is expected to hold a credential.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let upper = upper.trim_start_matches("VITE_").trim_start_matches("REACT_APP_");
    if KNOWN.contains(&upper) {
        return true;
    }
    if HARMLESS_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
        return false;
    }
    SUSPICIOUS.iter().any(|s| upper.contains(s))
        || (upper.ends_with("_KEY") && !upper.ends_with("PUBLIC_KEY"))
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, i) in ctx.variables() {
        for (name, value) in i.pairs() {
            if !is_secret_name(&name) {
                continue;
            }
            let what = i.cmd.to_ascii_uppercase();
            let message = match value.as_deref() {
                Some(v) if !v.is_empty() && !v.starts_with('$') => {
                    format!("Secret '{name}' has a literal value in {what}")
                }
                _ if i.cmd == "arg" => {
                    format!(
                        "Secret '{name}' is passed as a build argument, which is kept in the image history"
                    )
                }
                Some(v) if v.starts_with('$') => {
                    format!("Secret '{name}' is stored in the image config by ENV")
                }
                _ => continue,
            };
            out.push(ctx.at_opt(&META, stage, i, message));
        }
    }
}
