//! The checks page (`docs/checks.md`), generated from the checks' metadata so it cannot drift:
//! `rampart config --list-checks markdown` prints it, and a test compares the committed page.

use std::fmt::Write;

use crate::check::{CheckMeta, Family};

/// The whole page.
pub fn markdown() -> String {
    let checks = crate::checks();
    let mut out = String::new();
    out.push_str("# Built-in misconfiguration checks\n\n");
    out.push_str(
        "Generated from the checks' source by `rampart config --list-checks markdown`; do not edit by hand.\n\
         Each check lives in one file under `crates/rampart-misconfig/src/<family>/checks/`.\n\
         Ids are stable: a check is never renumbered, and a removed check's id is never reused.\n\
         Suppress one inline with `# rampart:ignore:<ID> reason` on or above the line, or with an\n\
         entry in the ignore file.\n\n",
    );
    for (family, title) in [
        (Family::Kubernetes, "Kubernetes"),
        (Family::Docker, "Dockerfile and image config"),
        (Family::Aws, "AWS (Terraform and CloudFormation)"),
    ] {
        let of: Vec<&&CheckMeta> = checks.iter().filter(|c| c.family == family).collect();
        let _ = writeln!(out, "## {title} ({} checks)\n", of.len());
        out.push_str("| id | severity | service | title |\n| --- | --- | --- | --- |\n");
        for c in &of {
            let _ = writeln!(
                out,
                "| [{}](#{}) | {} | {} | {} |",
                c.id,
                c.id.to_ascii_lowercase(),
                c.severity,
                c.service,
                c.title.replace('|', "\\|")
            );
        }
        out.push('\n');
        for c in of {
            check_section(&mut out, c);
        }
    }
    out.push_str("## Frameworks\n\n");
    for f in crate::frameworks::FRAMEWORKS {
        let controls = crate::frameworks::controls_of(f.id);
        let _ = writeln!(out, "### {} — {}\n\n<{}>\n", f.id, f.title, f.url);
        out.push_str("| control | title | checks |\n| --- | --- | --- |\n");
        for control in controls {
            let ids: Vec<&str> =
                checks.iter().filter(|c| c.controls.contains(&control.id)).map(|c| c.id).collect();
            let _ = writeln!(out, "| {} | {} | {} |", control.id, control.title, ids.join(", "));
        }
        out.push('\n');
    }
    out
}

fn check_section(out: &mut String, c: &CheckMeta) {
    let lang = match c.family {
        Family::Kubernetes => "yaml",
        Family::Docker => "dockerfile",
        Family::Aws => "hcl",
    };
    let _ = writeln!(out, "### {}\n\n**{}** — {} ({})\n", c.id, c.title, c.severity, c.service);
    let _ = writeln!(out, "**What / why.** {}\n", c.description);
    let _ = writeln!(out, "**Fix.** {}\n", c.remediation);
    let _ = writeln!(out, "Fails:\n\n```{lang}\n{}\n```\n", c.bad_example.trim_end());
    let _ = writeln!(out, "Passes:\n\n```{lang}\n{}\n```\n", c.good_example.trim_end());
    if !c.controls.is_empty() {
        let _ = writeln!(out, "Controls: {}\n", c.controls.join(", "));
    }
    if !c.peers.is_empty() {
        let _ = writeln!(out, "Same as: {}\n", c.peers.join(", "));
    }
    if !c.references.is_empty() {
        out.push_str("References:\n");
        for r in c.references {
            let _ = writeln!(out, "- <{r}>");
        }
        out.push('\n');
    }
}
