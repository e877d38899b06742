use rampart_model::Severity;

use super::cmds;
use crate::check::{CheckMeta, Family, Finding};
use crate::docker::Ctx;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-DS-0039",
    family: Family::Docker,
    service: "secrets",
    severity: Severity::Critical,
    title: "Credentials configured in a RUN",
    description: "aws configure set aws_secret_access_key, gcloud auth activate-service-account, docker \
        login --password, az login --password or a URL with user:password@ in a RUN writes the credential \
        into the build cache, the image history and often a file in the image.",
    remediation: "Mount the credential for that RUN only with RUN --mount=type=secret,id=... and read it \
        from /run/secrets/<id>.",
    references: &[
        "https://docs.docker.com/build/building/secrets/",
        "https://avd.aquasec.com/misconfig/ds031",
    ],
    controls: &["cis-docker-1.6/4.10"],
    peers: &["DS-0031"],
    bad_example: "FROM amazon/aws-cli:2.17.0\nRUN aws configure set aws_secret_access_key wJalrXUtnFEMI && aws s3 ls\n",
    good_example: "FROM amazon/aws-cli:2.17.0\nRUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 ls\n",
};

fn credential(c: &crate::docker::shell::SimpleCmd) -> Option<String> {
    let args = c.args();
    let has = |w: &str| args.iter().any(|a| a == w || a.starts_with(&format!("{w}=")));
    let url_with_password = args.iter().find(|a| {
        let Some((scheme, rest)) = a.split_once("://") else { return false };
        let userinfo = rest.split(['/', '?', '#']).next().unwrap_or("").rsplit_once('@').map(|(u, _)| u);
        matches!(scheme, "http" | "https" | "ftp" | "git")
            && userinfo.is_some_and(|u| u.contains(':') || u.len() > 20)
    });
    match c.program() {
        "aws"
            if args.windows(2).any(|w| {
                w[0] == "set"
                    && matches!(
                        w[1].as_str(),
                        "aws_secret_access_key" | "aws_access_key_id" | "aws_session_token"
                    )
            }) =>
        {
            Some("aws configure set".into())
        }
        "gcloud" if args.windows(2).any(|w| w[0] == "auth" && w[1] == "activate-service-account") => {
            Some("gcloud auth activate-service-account".into())
        }
        "az" if args.first().is_some_and(|a| a == "login") && (has("-p") || has("--password")) => {
            Some("az login --password".into())
        }
        "docker" | "podman" | "helm"
            if args.iter().any(|a| a == "login") && (has("-p") || has("--password")) =>
        {
            Some(format!("{} login --password", c.program()))
        }
        _ => url_with_password.map(|_| "a URL with embedded credentials".into()),
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (stage, run, _) in ctx.runs() {
        if run.flags.iter().any(|f| f.contains("type=secret")) {
            continue;
        }
        if let Some(what) = cmds(run).iter().find_map(credential) {
            out.push(ctx.at(&META, stage, run, format!("RUN configures credentials ({what})")));
        }
    }
}
