//! Dockerfiles and image configs: parsing and the `RMP-DS-*` checks.
//!
//! A Dockerfile is parsed with `parse-dockerfile` into [`parse::Dockerfile`] (every instruction
//! with its first and last line, continuation lines and here-documents included), and each check
//! of [`CHECKS`] (one file per check under `checks/`) reads it. An image config is turned into a
//! Dockerfile from its history by [`image_dockerfile`] and checked the same way, less the checks
//! that only make sense for a hand-written file ([`Check::on_image`]).

pub mod checks;
pub mod controls;
mod image;
pub mod parse;
pub mod shell;

pub use image::{ImageDockerfile, image_dockerfile, scan_image};

use crate::check::{CheckMeta, ConfigType, FamilyOutput, FileError, Finding, PolicyInput, SourceFile};
use crate::value::Span;
use parse::{Dockerfile, Instr, Stage};

/// What a check runs on.
pub struct Ctx<'a> {
    pub path: &'a str,
    pub df: &'a Dockerfile,
    /// True when the Dockerfile was synthesized from an image config.
    pub image: bool,
}

impl Ctx<'_> {
    /// A finding on `span` of `stage`.
    pub fn finding(
        &self,
        meta: &'static CheckMeta,
        stage: &Stage,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        let resource = if self.image { "image".to_string() } else { stage.resource() };
        Finding::new(meta, self.path, span, message).resource(resource)
    }

    /// A finding on an instruction of `stage`, or on a global `ARG` (before the first `FROM`).
    pub fn at_opt(
        &self,
        meta: &'static CheckMeta,
        stage: Option<&Stage>,
        instr: &Instr,
        message: impl Into<String>,
    ) -> Finding {
        match stage {
            Some(s) => self.at(meta, s, instr, message),
            None => Finding::new(meta, self.path, instr.span, message).resource("global ARG"),
        }
    }

    /// Every `ENV` and `ARG`, global `ARG`s (stage `None`) included.
    pub fn variables(&self) -> impl Iterator<Item = (Option<&Stage>, &Instr)> {
        let global = self.df.global_args.iter().map(|i| (None, i));
        let staged = self.df.stages.iter().flat_map(|s| {
            s.instrs.iter().filter(|i| i.cmd == "env" || i.cmd == "arg").map(move |i| (Some(s), i))
        });
        global.chain(staged)
    }

    /// A finding on one instruction of `stage`.
    pub fn at(
        &self,
        meta: &'static CheckMeta,
        stage: &Stage,
        instr: &Instr,
        message: impl Into<String>,
    ) -> Finding {
        self.finding(meta, stage, instr.span, message)
    }

    /// Every `RUN` of every stage (with its stage), `ONBUILD RUN` excluded.
    pub fn runs(&self) -> impl Iterator<Item = (&Stage, &Instr, &str)> {
        self.df.stages.iter().flat_map(|s| {
            s.instrs
                .iter()
                .filter(|i| i.cmd == "run")
                .filter_map(move |i| i.script.as_deref().map(|sc| (s, i, sc)))
        })
    }

    /// Every instruction named `cmd` (lower case) of every stage.
    pub fn all(&self, cmd: &'static str) -> impl Iterator<Item = (&Stage, &Instr)> {
        self.df
            .stages
            .iter()
            .flat_map(move |s| s.instrs.iter().filter(move |i| i.cmd == cmd).map(move |i| (s, i)))
    }
}

/// A registered check.
pub struct Check {
    pub meta: &'static CheckMeta,
    pub run: fn(&Ctx, &mut Vec<Finding>),
    /// Also run on Dockerfiles synthesized from image configs.
    pub on_image: bool,
}

macro_rules! registry {
    ($($module:ident : $image:expr),* $(,)?) => {
        /// Every Dockerfile check, in id order.
        pub static CHECKS: &[Check] = &[
            $(Check { meta: &checks::$module::META, run: checks::$module::check, on_image: $image },)*
        ];
    };
}

registry! {
    root_user: true,
    latest_tag: false,
    digest_pin: false,
    add_url: false,
    add_local: false,
    secret_env: true,
    pipe_to_shell: true,
    no_healthcheck: true,
    apt_no_install_recommends: true,
    apt_unpinned: true,
    apt_lists: true,
    update_alone: true,
    dist_upgrade: true,
    install_no_yes: true,
    sudo: true,
    port_22: true,
    maintainer: true,
    workdir_relative: true,
    run_cd: true,
    multiple_cmd: false,
    multiple_entrypoint: false,
    multiple_healthcheck: false,
    copy_from_self: true,
    duplicate_alias: true,
    copy_dest_slash: true,
    rpm_clean: true,
    apk_no_cache: true,
    pip_no_cache: true,
    pipefail: true,
    chmod_777: true,
    shell_form: true,
    platform_fixed: false,
    port_range: true,
    tls_disabled: true,
    unsigned_packages: true,
    user_numeric: true,
    workdir_system: true,
    chpasswd: true,
    run_credentials: true,
    apt_not_apt_get: true,
}

/// Every Dockerfile check, in id order.
pub fn checks() -> Vec<&'static CheckMeta> {
    CHECKS.iter().map(|c| c.meta).collect()
}

/// Runs every applicable check on a parsed Dockerfile.
pub fn run_checks(path: &str, df: &Dockerfile, image: bool) -> (Vec<Finding>, usize) {
    let ctx = Ctx { path, df, image };
    let mut findings = Vec::new();
    let mut passed = 0;
    for check in CHECKS.iter().filter(|c| !image || c.on_image) {
        let before = findings.len();
        (check.run)(&ctx, &mut findings);
        if findings.len() == before {
            passed += 1;
        }
    }
    (findings, passed)
}

/// Checks every Dockerfile (or synthesized image Dockerfile) of `files`.
pub fn scan(files: &[&SourceFile]) -> FamilyOutput {
    let mut out = FamilyOutput::default();
    for f in files {
        let image = f.config_type == ConfigType::ImageConfig;
        if f.text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
            // an empty Dockerfile (or only comments): nothing to check, nothing to complain about
            continue;
        }
        let df = match parse::parse(&f.text) {
            Ok(df) => df,
            Err(e) => {
                out.errors.push(FileError::new(
                    &f.path,
                    e.line,
                    format!("Dockerfile parse error: {}", e.message),
                ));
                continue;
            }
        };
        let (findings, passed) = run_checks(&f.path, &df, image);
        out.findings.extend(findings);
        out.passed.push((f.path.clone(), passed));
        let lines = f.text.lines().count().max(1) as u32;
        out.inputs.push(PolicyInput {
            path: f.path.clone(),
            config_type: f.config_type,
            span: Span::new(1, lines),
            resource: None,
            input: df.trivy_input(&f.path),
            conftest_input: Some(df.conftest_input()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_in_id_order_and_documented() {
        let ids: Vec<&str> = CHECKS.iter().map(|c| c.meta.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        assert!(ids.len() >= 24);
        for c in CHECKS {
            assert!(c.meta.id.starts_with("RMP-DS-"), "{}", c.meta.id);
            assert_eq!(c.meta.family, crate::check::Family::Docker);
        }
    }
}
