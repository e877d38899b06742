//! The gate on reports: thresholds ("a few lows are fine, two mediums block"), fixable-only,
//! KEV, misconfigurations and secrets, image rules, signatures, exemptions with expiry, and the
//! policy file's errors.

use std::path::Path;

use rampart_gate::{NoVerifier, Policy, SignatureVerifier, Verdict, evaluate};
use rampart_model::{ArtifactKind, ImageMetadata, Report, ScanResult, Severity, Vulnerability};

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::December, 6).unwrap()
}

fn vuln(id: &str, severity: Severity, fixed: bool, kev: bool) -> Vulnerability {
    serde_json::from_value(serde_json::json!({
        "id": id, "aliases": [format!("GHSA-{id}")], "package": "openssl@3.0.1", "package_name": "openssl",
        "installed_version": "3.0.1", "fixed_versions": if fixed { vec!["3.0.2"] } else { vec![] },
        "severity": severity, "severity_source": "advisory", "kev": kev,
        "status": if fixed { "fixed" } else { "affected" },
    }))
    .unwrap()
}

fn report(target: &str, kind: ArtifactKind, vulns: Vec<Vulnerability>) -> Report {
    let mut r = Report::new(target, kind, "2026-12-06T00:00:00Z");
    let mut result = ScanResult::packages("usr/lib/dpkg/status", "dpkg", None, Vec::new());
    result.vulnerabilities = vulns;
    r.results.push(result);
    r
}

const SEED_POLICY: &str =
    "schema: 1\nname: seed\nvulnerabilities:\n  max: {critical: 0, high: 0, medium: 1, low: 5}\n";

fn run(policy: &str, reports: &[Report]) -> Verdict {
    let p = Policy::parse("policy.yaml", policy).unwrap();
    evaluate(&p, reports, today(), &NoVerifier)
}

fn failed(v: &Verdict) -> Vec<String> {
    v.failures().map(|(_, r)| r.rule.clone()).collect()
}

#[test]
fn a_few_lows_pass_and_two_mediums_block() {
    let lows = report(
        "app",
        ArtifactKind::Filesystem,
        (0..5).map(|i| vuln(&format!("CVE-L{i}"), Severity::Low, true, false)).collect(),
    );
    let v = run(SEED_POLICY, std::slice::from_ref(&lows));
    assert!(v.passed, "{v:#?}");
    let mut one_medium = lows.clone();
    one_medium.results[0].vulnerabilities.push(vuln("CVE-M1", Severity::Medium, true, false));
    assert!(run(SEED_POLICY, std::slice::from_ref(&one_medium)).passed);
    let mut two_mediums = one_medium;
    two_mediums.results[0].vulnerabilities.push(vuln("CVE-M2", Severity::Medium, true, false));
    let v = run(SEED_POLICY, &[two_mediums]);
    assert!(!v.passed);
    assert_eq!(failed(&v), ["vulnerabilities.max.medium"]);
    let rule = v.failures().next().unwrap().1;
    assert_eq!(rule.message, "2 MEDIUM vulnerabilities, at most 1 allowed");
    assert_eq!(rule.findings.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["CVE-M1", "CVE-M2"]);
    // Six lows are one too many.
    let six = report(
        "app",
        ArtifactKind::Filesystem,
        (0..6).map(|i| vuln(&format!("CVE-L{i}"), Severity::Low, true, false)).collect(),
    );
    assert_eq!(failed(&run(SEED_POLICY, &[six])), ["vulnerabilities.max.low"]);
}

#[test]
fn fixable_only_kev_suppressed_and_informational() {
    let r = report(
        "app",
        ArtifactKind::Filesystem,
        vec![vuln("CVE-H1", Severity::High, false, false), vuln("CVE-K", Severity::Low, false, true)],
    );
    assert_eq!(failed(&run(SEED_POLICY, std::slice::from_ref(&r))), ["vulnerabilities.max.high"]);
    let fixable = "schema: 1\nvulnerabilities:\n  max: {high: 0}\n  fixable_only: true\n  kev: block\n";
    // The unfixed HIGH does not count; the KEV one blocks whatever its severity or fix.
    let v = run(fixable, std::slice::from_ref(&r));
    assert_eq!(failed(&v), ["vulnerabilities.kev"]);
    let mut quiet = r;
    for v in &mut quiet.results[0].vulnerabilities {
        v.suppressed = Some(rampart_model::Suppression {
            kind: "vex".into(),
            source: "vex.json".into(),
            reason: None,
            justification: None,
        });
    }
    assert!(run(fixable, &[quiet]).passed, "suppressed findings are not counted");
}

#[test]
fn exemptions_need_an_owner_and_expire() {
    let r = report(
        "registry.example.com/app:1.0",
        ArtifactKind::ContainerImage,
        vec![vuln("CVE-H1", Severity::High, true, false)],
    );
    let policy = |expires: &str, images: &str| {
        format!(
            "schema: 1\nvulnerabilities:\n  max: {{high: 0}}\nexemptions:\n  - id: GHSA-CVE-H1\n    owner: alice@example.com\n    reason: not reachable\n    expires: {expires}\n    images: [{images}]\n"
        )
    };
    let v = run(&policy("2027-01-31", "\"registry.example.com/app:*\""), std::slice::from_ref(&r));
    assert!(v.passed, "{v:#?}");
    assert_eq!(v.reports[0].exempted[0].owner, "alice@example.com");
    // Another image: not exempted.
    let v = run(&policy("2027-01-31", "\"registry.example.com/other:*\""), std::slice::from_ref(&r));
    assert!(!v.passed);
    assert_eq!(v.notices, ["exemption GHSA-CVE-H1 (alice@example.com) matches nothing"]);
    // Expired yesterday: counts again, and says so.
    let v = run(&policy("2026-12-05", "\"registry.example.com/app:*\""), &[r]);
    assert!(!v.passed);
    assert_eq!(
        v.notices,
        ["exemption GHSA-CVE-H1 (alice@example.com) expired on 2026-12-05: 1 finding(s) count again"]
    );
}

#[test]
fn image_rules_registries_tags_and_digests() {
    let policy = "schema: 1\nimages:\n  allowed_registries: [registry.example.com]\n  forbidden_tags: [latest]\n  require_digest: true\n";
    let img = |target: &str| report(target, ArtifactKind::ContainerImage, Vec::new());
    assert!(run(policy, &[img("registry.example.com/app@sha256:0123")]).passed);
    assert_eq!(
        failed(&run(policy, &[img("nginx")])),
        ["images.allowed_registries", "images.forbidden_tags", "images.require_digest"]
    );
    assert_eq!(failed(&run(policy, &[img("registry.example.com/app:2.1")])), ["images.require_digest"]);
    // A local archive names no reference unless it has tags: the rules cannot pass.
    let mut archive = img("images/app.docker.tar");
    let v = run(policy, std::slice::from_ref(&archive));
    assert_eq!(failed(&v).len(), 3);
    assert!(v.failures().next().unwrap().1.message.contains("no image reference"));
    archive.image = Some(ImageMetadata {
        repo_digests: vec!["registry.example.com/app@sha256:0123".into()],
        ..ImageMetadata::default()
    });
    assert!(run(policy, &[archive]).passed);
    // Not an image: the image rules do not apply.
    assert!(run(policy, &[report("src", ArtifactKind::Filesystem, Vec::new())]).passed);
}

struct OnlyKey(&'static str);

impl SignatureVerifier for OnlyKey {
    fn verify(&self, _reference: &str, key: &Path) -> Result<(), String> {
        if key.ends_with(self.0) { Ok(()) } else { Err("no matching signatures".into()) }
    }
}

#[test]
fn signatures_need_one_key_to_verify() {
    let p = Policy::parse("p.yaml", "schema: 1\nsignatures:\n  keys: [old.pub, new.pub]\n").unwrap();
    let img = report("registry.example.com/app@sha256:0123", ArtifactKind::ContainerImage, Vec::new());
    let today = today();
    assert!(evaluate(&p, std::slice::from_ref(&img), today, &OnlyKey("new.pub")).passed);
    let v = evaluate(&p, std::slice::from_ref(&img), today, &OnlyKey("other.pub"));
    assert!(!v.passed);
    let msg = &v.failures().next().unwrap().1.message;
    assert!(msg.contains("old.pub: no matching signatures") && msg.contains("new.pub"), "{msg}");
}

#[test]
fn misconfigurations_and_secrets_have_thresholds_too() {
    let mut r = report("app", ArtifactKind::Filesystem, Vec::new());
    r.results[0].secrets.push(serde_json::from_value(serde_json::json!({
        "rule_id": "aws-access-key-id", "severity": "CRITICAL", "title": "AWS", "start_line": 3, "end_line": 3, "redacted": "AKIA****"
    })).unwrap());
    let v = run("schema: 1\nsecrets:\n  max: {total: 0}\nmisconfigurations:\n  max: {high: 0}\n", &[r]);
    assert_eq!(failed(&v), ["secrets.max.total"]);
    assert_eq!(v.failures().next().unwrap().1.findings[0].detail, "line 3");
}

#[test]
fn policy_errors_name_the_file_and_the_problem() {
    let cases = [
        ("schema: 2\n", "unsupported schema 2"),
        ("schema: 1\nvulnerabilities:\n  max: {hihg: 0}\n", "hihg"),
        (
            "schema: 1\nexemptions:\n  - id: CVE-1\n    owner: ''\n    reason: r\n    expires: 2027-01-01\n",
            "must not be empty",
        ),
        (
            "schema: 1\nexemptions:\n  - id: CVE-1\n    owner: a\n    reason: r\n    expires: 2027-02-30\n",
            "is not a YYYY-MM-DD date",
        ),
        ("schema: 1\nexemptions:\n  - id: CVE-1\n    owner: a\n    reason: r\n", "expires"),
        ("schema: 1\nsignatures:\n  keys: []\n", "at least one public key"),
        ("schema: 1\nvulnerabilities: [\n", ""),
    ];
    for (text, wanted) in cases {
        let err = Policy::parse("deploy/policy.yaml", text).unwrap_err().to_string();
        assert!(
            err.starts_with("deploy/policy.yaml: invalid policy: ") && err.contains(wanted),
            "{text:?}: {err}"
        );
    }
}

#[test]
fn the_example_policy_in_the_docs_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/gate-policy.example.yaml");
    let p = Policy::load(&path).unwrap();
    assert_eq!(p.name.as_deref(), Some("production"));
    assert!(p.signatures.unwrap().keys[0].ends_with("keys/cosign.pub"));
}
