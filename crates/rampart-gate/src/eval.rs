//! Evaluating a policy on reports: one verdict per report (an image, a tree), each rule with
//! the findings behind it.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use rampart_model::{ArtifactKind, Report, Severity};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::image_ref::ImageRef;
use crate::policy::{Exemption, KevAction, Max, Policy};

/// Verifies an image's signature with a public key (the CLI plugs in the cosign-compatible
/// verifier; `Err` says why it failed).
pub trait SignatureVerifier {
    fn verify(&self, reference: &str, key: &Path) -> Result<(), String>;
}

/// No verifier: every signature rule fails, saying so.
pub struct NoVerifier;

impl SignatureVerifier for NoVerifier {
    fn verify(&self, _reference: &str, _key: &Path) -> Result<(), String> {
        Err("signature verification is not available here".into())
    }
}

/// A finding behind a rule's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRef {
    /// `vulnerability`, `misconfiguration`, `secret` or `image`.
    pub kind: String,
    pub id: String,
    pub severity: Severity,
    /// The result it belongs to (a file, an aggregate), or the image reference.
    pub target: String,
    /// The package (`name@version`), the resource, or the line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub kev: bool,
}

/// One rule's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleOutcome {
    /// The policy key: `vulnerabilities.max.high`, `vulnerabilities.kev`, `images.require_digest`...
    pub rule: String,
    pub passed: bool,
    /// What was found against what is allowed, in words.
    pub message: String,
    /// The findings counted (for thresholds), or the offending ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingRef>,
}

/// A finding an exemption took out of the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exempted {
    pub finding: FindingRef,
    pub exemption: String,
    pub owner: String,
    pub reason: String,
    pub expires: String,
}

/// The verdict on one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportVerdict {
    pub target: String,
    pub passed: bool,
    pub rules: Vec<RuleOutcome>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exempted: Vec<Exempted>,
}

/// The verdict on every report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub policy: String,
    pub passed: bool,
    pub reports: Vec<ReportVerdict>,
    /// Expired or unused exemptions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}

impl Verdict {
    /// The rules that failed, with their report's target.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &RuleOutcome)> {
        self.reports
            .iter()
            .flat_map(|r| r.rules.iter().filter(|o| !o.passed).map(move |o| (r.target.as_str(), o)))
    }
}

pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

struct CompiledExemption<'a> {
    e: &'a Exemption,
    active: bool,
    images: Vec<GlobMatcher>,
    paths: Vec<GlobMatcher>,
    hits: usize,
}

fn globs(list: &[String]) -> Vec<GlobMatcher> {
    list.iter()
        .filter_map(|g| GlobBuilder::new(g).literal_separator(true).build().ok().map(|g| g.compile_matcher()))
        .collect()
}

/// The image references a report knows: its tags and digests, and its target when that reads
/// as a reference (not a local archive path).
pub fn image_references(report: &Report) -> Vec<String> {
    if report.artifact_kind != ArtifactKind::ContainerImage {
        return Vec::new();
    }
    let mut refs = Vec::new();
    let local = Path::new(&report.target).exists()
        || [".tar", ".tar.gz", ".oci"].iter().any(|ext| report.target.ends_with(ext));
    if !local && ImageRef::parse(&report.target).is_some() {
        refs.push(report.target.clone());
    }
    if let Some(image) = &report.image {
        for r in image.repo_tags.iter().chain(&image.repo_digests) {
            if !refs.contains(r) && ImageRef::parse(r).is_some() {
                refs.push(r.clone());
            }
        }
    }
    refs
}

/// Evaluates `policy` on each report; `today` decides which exemptions are in force.
pub fn evaluate(
    policy: &Policy,
    reports: &[Report],
    today: Date,
    verifier: &dyn SignatureVerifier,
) -> Verdict {
    let mut exemptions: Vec<CompiledExemption<'_>> = policy
        .exemptions
        .iter()
        .map(|e| CompiledExemption {
            e,
            active: parse_date(&e.expires).is_some_and(|d| today <= d),
            images: globs(&e.images),
            paths: globs(&e.paths),
            hits: 0,
        })
        .collect();
    let mut verdicts = Vec::new();
    for report in reports {
        verdicts.push(evaluate_one(policy, report, &mut exemptions, verifier));
    }
    let mut notices = Vec::new();
    for c in &exemptions {
        let e = c.e;
        match (c.active, c.hits) {
            (false, 0) => notices.push(format!(
                "exemption {} ({}) expired on {} and matches nothing: remove it",
                e.id, e.owner, e.expires
            )),
            (false, n) => notices.push(format!(
                "exemption {} ({}) expired on {}: {n} finding(s) count again",
                e.id, e.owner, e.expires
            )),
            (true, 0) => notices.push(format!("exemption {} ({}) matches nothing", e.id, e.owner)),
            _ => {}
        }
    }
    Verdict {
        policy: policy.name.clone().unwrap_or_else(|| "policy".into()),
        passed: verdicts.iter().all(|v| v.passed),
        reports: verdicts,
        notices,
    }
}

/// Every counted finding of a report, by kind.
struct Found {
    vulns: Vec<(FindingRef, bool)>, // (finding, fixable)
    misconfigs: Vec<FindingRef>,
    secrets: Vec<FindingRef>,
}

fn evaluate_one(
    policy: &Policy,
    report: &Report,
    exemptions: &mut [CompiledExemption<'_>],
    verifier: &dyn SignatureVerifier,
) -> ReportVerdict {
    let refs = image_references(report);
    let mut exempted = Vec::new();
    let mut exempt = |ids: &[&str], target: &str, finding: &FindingRef| -> bool {
        for c in exemptions.iter_mut() {
            let id_ok = ids.iter().any(|i| {
                i.eq_ignore_ascii_case(&c.e.id)
                    || c.e.id.strip_prefix("AVD-").is_some_and(|bare| i.eq_ignore_ascii_case(bare))
            });
            let image_ok = c.images.is_empty() || refs.iter().any(|r| c.images.iter().any(|g| g.is_match(r)));
            let path_ok = c.paths.is_empty() || c.paths.iter().any(|g| g.is_match(target));
            if id_ok && image_ok && path_ok {
                c.hits += 1;
                if c.active {
                    exempted.push(Exempted {
                        finding: finding.clone(),
                        exemption: c.e.id.clone(),
                        owner: c.e.owner.clone(),
                        reason: c.e.reason.clone(),
                        expires: c.e.expires.clone(),
                    });
                    return true;
                }
            }
        }
        false
    };

    let mut found = Found { vulns: Vec::new(), misconfigs: Vec::new(), secrets: Vec::new() };
    for r in &report.results {
        for v in r.vulnerabilities.iter().filter(|v| v.suppressed.is_none() && v.informational.is_none()) {
            let f = FindingRef {
                kind: "vulnerability".into(),
                id: v.id.clone(),
                severity: v.severity,
                target: r.target.clone(),
                detail: v.package.clone(),
                kev: v.kev,
            };
            let ids: Vec<&str> =
                std::iter::once(v.id.as_str()).chain(v.aliases.iter().map(String::as_str)).collect();
            if exempt(&ids, &r.target, &f) {
                continue;
            }
            let unfixed = v.fixed_versions.iter().all(|x| x.trim().is_empty())
                || v.status.as_deref().is_some_and(|s| s != "fixed");
            found.vulns.push((f, !unfixed));
        }
        for m in r.misconfigurations.iter().filter(|m| m.suppressed.is_none() && !m.warning) {
            let f = FindingRef {
                kind: "misconfiguration".into(),
                id: m.id.clone(),
                severity: m.severity,
                target: r.target.clone(),
                detail: m.resource.clone().unwrap_or_default(),
                kev: false,
            };
            let ids: Vec<&str> =
                std::iter::once(m.id.as_str()).chain(m.aliases.iter().map(String::as_str)).collect();
            if !exempt(&ids, &r.target, &f) {
                found.misconfigs.push(f);
            }
        }
        for s in r.secrets.iter().filter(|s| s.suppressed.is_none()) {
            let f = FindingRef {
                kind: "secret".into(),
                id: s.rule_id.clone(),
                severity: s.severity,
                target: r.target.clone(),
                detail: format!("line {}", s.start_line),
                kev: false,
            };
            if !exempt(&[s.rule_id.as_str()], &r.target, &f) {
                found.secrets.push(f);
            }
        }
    }

    let mut rules = Vec::new();
    if let Some(v) = &policy.vulnerabilities {
        let counted: Vec<FindingRef> = found
            .vulns
            .iter()
            .filter(|(_, fixable)| !v.fixable_only || *fixable)
            .map(|(f, _)| f.clone())
            .collect();
        let what = if v.fixable_only { "fixable vulnerabilities" } else { "vulnerabilities" };
        thresholds(&mut rules, "vulnerabilities", what, &v.max, &counted);
        if v.kev == KevAction::Block {
            let kev: Vec<FindingRef> =
                found.vulns.iter().filter(|(f, _)| f.kev).map(|(f, _)| f.clone()).collect();
            rules.push(RuleOutcome {
                rule: "vulnerabilities.kev".into(),
                passed: kev.is_empty(),
                message: match kev.len() {
                    0 => "no vulnerability is in CISA's Known Exploited Vulnerabilities catalogue".into(),
                    n => format!(
                        "{n} known-exploited (KEV) vulnerabilit{} always block",
                        if n == 1 { "y" } else { "ies" }
                    ),
                },
                findings: kev,
            });
        }
    }
    if let Some(t) = &policy.misconfigurations {
        thresholds(&mut rules, "misconfigurations", "misconfigurations", &t.max, &found.misconfigs);
    }
    if let Some(t) = &policy.secrets {
        thresholds(&mut rules, "secrets", "secrets", &t.max, &found.secrets);
    }
    if report.artifact_kind == ArtifactKind::ContainerImage {
        image_rules(policy, &refs, verifier, &mut rules);
    }
    ReportVerdict { target: report.target.clone(), passed: rules.iter().all(|r| r.passed), rules, exempted }
}

fn thresholds(rules: &mut Vec<RuleOutcome>, key: &str, what: &str, max: &Max, findings: &[FindingRef]) {
    let levels = [
        ("critical", max.critical, Some(Severity::Critical)),
        ("high", max.high, Some(Severity::High)),
        ("medium", max.medium, Some(Severity::Medium)),
        ("low", max.low, Some(Severity::Low)),
        ("unknown", max.unknown, Some(Severity::Unknown)),
        ("total", max.total, None),
    ];
    for (name, limit, severity) in levels {
        let Some(limit) = limit else { continue };
        let counted: Vec<FindingRef> =
            findings.iter().filter(|f| severity.is_none_or(|s| f.severity == s)).cloned().collect();
        let n = counted.len() as u64;
        let label = match severity {
            Some(s) => format!("{} {what}", s.as_str()),
            None => what.to_string(),
        };
        rules.push(RuleOutcome {
            rule: format!("{key}.max.{name}"),
            passed: n <= limit,
            message: format!("{n} {label}, at most {limit} allowed"),
            findings: if n > limit { counted } else { Vec::new() },
        });
    }
}

fn image_finding(reference: &str, id: &str) -> FindingRef {
    FindingRef {
        kind: "image".into(),
        id: id.into(),
        severity: Severity::High,
        target: reference.into(),
        detail: String::new(),
        kev: false,
    }
}

fn image_rules(
    policy: &Policy,
    refs: &[String],
    verifier: &dyn SignatureVerifier,
    rules: &mut Vec<RuleOutcome>,
) {
    let parsed: Vec<(String, ImageRef)> =
        refs.iter().filter_map(|r| ImageRef::parse(r).map(|p| (r.clone(), p))).collect();
    let unknown = |rule: &str| RuleOutcome {
        rule: rule.into(),
        passed: false,
        message: "the report names no image reference (a local archive without tags): cannot check".into(),
        findings: Vec::new(),
    };
    if let Some(images) = &policy.images {
        if !images.allowed_registries.is_empty() {
            let rule = "images.allowed_registries";
            if parsed.is_empty() {
                rules.push(unknown(rule));
            } else {
                let bad: Vec<FindingRef> = parsed
                    .iter()
                    .filter(|(_, p)| !images.allowed_registries.iter().any(|a| p.from_registry(a)))
                    .map(|(r, _)| image_finding(r, "registry-not-allowed"))
                    .collect();
                rules.push(RuleOutcome {
                    rule: rule.into(),
                    passed: bad.is_empty(),
                    message: if bad.is_empty() {
                        "every reference is from an allowed registry".into()
                    } else {
                        format!("not from an allowed registry ({})", images.allowed_registries.join(", "))
                    },
                    findings: bad,
                });
            }
        }
        if !images.forbidden_tags.is_empty() {
            let rule = "images.forbidden_tags";
            if parsed.is_empty() {
                rules.push(unknown(rule));
            } else {
                let bad: Vec<FindingRef> = parsed
                    .iter()
                    .filter(|(_, p)| {
                        p.effective_tag().is_some_and(|t| images.forbidden_tags.iter().any(|f| f == t))
                    })
                    .map(|(r, _)| image_finding(r, "forbidden-tag"))
                    .collect();
                rules.push(RuleOutcome {
                    rule: rule.into(),
                    passed: bad.is_empty(),
                    message: if bad.is_empty() {
                        "no forbidden tag".into()
                    } else {
                        format!("a forbidden tag ({}) is deployed", images.forbidden_tags.join(", "))
                    },
                    findings: bad,
                });
            }
        }
        if images.require_digest {
            let rule = "images.require_digest";
            if parsed.is_empty() {
                rules.push(unknown(rule));
            } else {
                let pinned = parsed.iter().any(|(_, p)| p.digest.is_some());
                rules.push(RuleOutcome {
                    rule: rule.into(),
                    passed: pinned,
                    message: if pinned {
                        "the image is pinned by digest".into()
                    } else {
                        "the image is not pinned by digest (use repo@sha256:...)".into()
                    },
                    findings: if pinned {
                        Vec::new()
                    } else {
                        parsed.iter().map(|(r, _)| image_finding(r, "not-pinned")).collect()
                    },
                });
            }
        }
    }
    if let Some(sig) = &policy.signatures {
        let rule = "signatures";
        let Some((reference, _)) = parsed.first() else {
            rules.push(unknown(rule));
            return;
        };
        let mut errors = Vec::new();
        let mut ok: Option<&PathBuf> = None;
        for key in &sig.keys {
            match verifier.verify(reference, key) {
                Ok(()) => {
                    ok = Some(key);
                    break;
                }
                Err(e) => errors.push(format!("{}: {e}", key.display())),
            }
        }
        rules.push(match ok {
            Some(key) => RuleOutcome {
                rule: rule.into(),
                passed: true,
                message: format!("signature verified with {}", key.display()),
                findings: Vec::new(),
            },
            None => RuleOutcome {
                rule: rule.into(),
                passed: false,
                message: format!("no key verifies a signature of {reference}: {}", errors.join("; ")),
                findings: vec![image_finding(reference, "unsigned")],
            },
        });
    }
}
