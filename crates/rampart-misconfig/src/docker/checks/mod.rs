//! The Dockerfile checks, one file each (`META` + `check`), registered in `super::CHECKS`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::parse::{Dockerfile, Instr, Stage, unquote};
use super::shell::SimpleCmd;

pub mod add_local;
pub mod add_url;
pub mod apk_no_cache;
pub mod apt_lists;
pub mod apt_no_install_recommends;
pub mod apt_not_apt_get;
pub mod apt_unpinned;
pub mod chmod_777;
pub mod chpasswd;
pub mod copy_dest_slash;
pub mod copy_from_self;
pub mod digest_pin;
pub mod dist_upgrade;
pub mod duplicate_alias;
pub mod install_no_yes;
pub mod latest_tag;
pub mod maintainer;
pub mod multiple_cmd;
pub mod multiple_entrypoint;
pub mod multiple_healthcheck;
pub mod no_healthcheck;
pub mod pip_no_cache;
pub mod pipe_to_shell;
pub mod pipefail;
pub mod platform_fixed;
pub mod port_22;
pub mod port_range;
pub mod root_user;
pub mod rpm_clean;
pub mod run_cd;
pub mod run_credentials;
pub mod secret_env;
pub mod shell_form;
pub mod sudo;
pub mod tls_disabled;
pub mod unsigned_packages;
pub mod update_alone;
pub mod user_numeric;
pub mod workdir_relative;
pub mod workdir_system;

/// `apt-get`/`apt` commands with subcommand `sub` in `cmds`.
/// Reports a stage with more than one `instruction` (lower case: `cmd`, `entrypoint`,
/// `healthcheck`) at its last one: only that one takes effect.
pub(crate) fn several_in_a_stage(
    ctx: &crate::docker::Ctx,
    meta: &'static crate::check::CheckMeta,
    instruction: &str,
    out: &mut Vec<crate::check::Finding>,
) {
    for stage in &ctx.df.stages {
        let all: Vec<_> = stage.instrs.iter().filter(|i| i.cmd == instruction).collect();
        if let [.., last] = all[..]
            && all.len() > 1
        {
            let name = instruction.to_ascii_uppercase();
            out.push(ctx.at(
                meta,
                stage,
                last,
                format!("Stage has {} {name} instructions; only the last one takes effect", all.len()),
            ));
        }
    }
}

pub(crate) fn apt<'a>(cmds: &'a [SimpleCmd], subs: &'a [&str]) -> impl Iterator<Item = &'a SimpleCmd> {
    cmds.iter()
        .filter(|c| matches!(c.program(), "apt-get" | "apt"))
        .filter(move |c| c.subcommand().is_some_and(|s| subs.contains(&s)))
}

/// The base image reference of `stage` with global `ARG` defaults substituted, or `None` when
/// it names an earlier stage or `scratch`.
pub(crate) fn base_image(df: &Dockerfile, stage: &Stage) -> Option<String> {
    let image = substitute(&stage.image, &global_arg_defaults(df));
    let earlier = df.stages[..stage.index.min(df.stages.len())]
        .iter()
        .any(|s| s.alias.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(&image)));
    if earlier || image.eq_ignore_ascii_case("scratch") {
        return None;
    }
    Some(image)
}

/// The last `USER` in effect in `stage`: its own, or (when it builds on an earlier stage) the
/// earlier stage's, followed back through `FROM <alias>`.
pub(crate) fn last_user<'a>(df: &'a Dockerfile, stage: &'a Stage) -> Option<(&'a Stage, &'a Instr)> {
    let mut current = stage;
    for _ in 0..df.stages.len() {
        if let Some(u) = current.instrs.iter().rev().find(|i| i.cmd == "user") {
            return Some((current, u));
        }
        let parent = df.stages[..current.index.min(df.stages.len())]
            .iter()
            .rev()
            .find(|s| s.alias.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(&current.image)))?;
        current = parent;
    }
    None
}

/// `NAME -> default` of the `ARG`s before the first `FROM`.
pub(crate) fn global_arg_defaults(df: &Dockerfile) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for a in &df.global_args {
        for w in &a.value {
            if let Some((k, v)) = w.split_once('=') {
                out.insert(k.to_string(), unquote(v).to_string());
            }
        }
    }
    out
}

static VAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
        .expect("valid regex")
});

/// Replaces `$NAME`/`${NAME}` by known values (unknown ones are left as written).
pub(crate) fn substitute(text: &str, vars: &BTreeMap<String, String>) -> String {
    if !text.contains('$') {
        return text.to_string();
    }
    VAR.replace_all(text, |c: &regex::Captures<'_>| {
        let name = c.get(1).or_else(|| c.get(2)).map(|m| m.as_str()).unwrap_or("");
        match vars.get(name) {
            Some(v) => v.clone(),
            None => c[0].to_string(),
        }
    })
    .into_owned()
}

/// Splits an image reference into (name, tag, digest).
pub(crate) fn split_image(image: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..]), digest),
        None => (rest, None, digest),
    }
}

/// The simple commands of a `RUN` (parsed once, when the Dockerfile is parsed).
pub(crate) fn cmds(run: &Instr) -> &[SimpleCmd] {
    &run.commands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_parts() {
        assert_eq!(split_image("ubuntu"), ("ubuntu", None, None));
        assert_eq!(
            split_image("reg:5000/a/b:1.2@sha256:ab"),
            ("reg:5000/a/b", Some("1.2"), Some("sha256:ab"))
        );
        assert_eq!(split_image("reg:5000/a"), ("reg:5000/a", None, None));
        let vars = BTreeMap::from([("V".to_string(), "22.04".to_string())]);
        assert_eq!(substitute("ubuntu:${V}-$V$X", &vars), "ubuntu:22.04-22.04$X");
    }
}
