//! Renders the fixture reports in every format: snapshots, plus structural checks that the
//! schemas cannot express (unique refs, dangling references).

mod fixture;

use std::collections::HashSet;

use rampart_model::Report;
use rampart_report::{Format, RenderOptions, render};
use serde_json::Value;

const ALL: [Format; 5] = [Format::Table, Format::Json, Format::CycloneDx, Format::SpdxJson, Format::Sarif];

fn render_to_string(report: &Report, format: Format, color: bool) -> String {
    let mut out = Vec::new();
    render(report, format, &RenderOptions { color, ..Default::default() }, &mut out)
        .expect("rendering into memory succeeds");
    String::from_utf8(out).expect("renderers write UTF-8")
}

fn render_json(report: &Report, format: Format) -> Value {
    serde_json::from_str(&render_to_string(report, format, false)).expect("the output is JSON")
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)).collect()
}

#[test]
fn table_snapshot() {
    insta::assert_snapshot!(render_to_string(&fixture::sample_report(), Format::Table, false));
}

#[test]
fn table_fits_in_100_columns_and_has_no_colour_by_default() {
    let out = render_to_string(&fixture::sample_report(), Format::Table, false);
    for line in out.lines() {
        assert!(line.chars().count() <= 100, "line too long: {line}");
    }
    assert!(!out.contains('\x1b'));
}

#[test]
fn table_is_coloured_on_request() {
    let out = render_to_string(&fixture::sample_report(), Format::Table, true);
    assert!(out.contains("\x1b["));
}

#[test]
fn table_of_an_empty_and_a_hostile_report() {
    insta::assert_snapshot!("table_empty", render_to_string(&fixture::empty_report(), Format::Table, false));
    let out = render_to_string(&fixture::hostile_report(), Format::Table, false);
    assert!(!out.contains('\x1b'), "control characters from the report must not reach the terminal");
}

#[test]
fn cyclonedx_snapshot() {
    let out = render_to_string(&fixture::sample_report(), Format::CycloneDx, false);
    insta::with_settings!({ filters => vec![(r"urn:uuid:[0-9a-f-]{36}", "urn:uuid:[serial]")] }, {
        insta::assert_snapshot!(out);
    });
}

#[test]
fn spdx_snapshot() {
    let out = render_to_string(&fixture::sample_report(), Format::SpdxJson, false);
    insta::with_settings!({ filters => vec![(r"-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "-[uuid]")] }, {
        insta::assert_snapshot!(out);
    });
}

/// The JSON of the sample's config results (the package results are covered by the other
/// formats' snapshots and the round trip).
#[test]
fn json_snapshot_of_misconfigurations() {
    let mut report = fixture::sample_report();
    report.results.retain(|r| r.kind == rampart_model::ResultKind::Config);
    report.diagnostics.clear();
    insta::assert_snapshot!(render_to_string(&report, Format::Json, false));
}

#[test]
fn json_round_trips() {
    let report = fixture::sample_report();
    let back: Report =
        serde_json::from_str(&render_to_string(&report, Format::Json, false)).expect("parses back");
    assert_eq!(back, report);
}

/// Every `bom-ref` is unique and every ref of `dependencies` names a component.
fn check_cyclonedx_graph(bom: &Value) {
    let mut refs = HashSet::new();
    let root = &bom["metadata"]["component"]["bom-ref"];
    assert!(refs.insert(root.as_str().expect("root bom-ref").to_string()));
    for c in bom["components"].as_array().expect("components") {
        let r = c["bom-ref"].as_str().expect("every component has a bom-ref");
        assert!(refs.insert(r.to_string()), "duplicate bom-ref {r}");
    }
    let mut with_entry = HashSet::new();
    for d in bom["dependencies"].as_array().expect("dependencies") {
        let r = d["ref"].as_str().expect("ref");
        assert!(refs.contains(r), "dangling dependency ref {r}");
        assert!(with_entry.insert(r.to_string()), "two dependency entries for {r}");
        let on = strs(&d["dependsOn"]);
        assert_eq!(on.iter().collect::<HashSet<_>>().len(), on.len(), "dependsOn of {r} repeats a ref");
        for o in on {
            assert!(refs.contains(&o), "dangling dependsOn {o} of {r}");
        }
    }
    assert_eq!(with_entry, refs, "every component has a dependency entry");
}

#[test]
fn cyclonedx_graph_is_complete_and_consistent() {
    let bom = render_json(&fixture::sample_report(), Format::CycloneDx);
    check_cyclonedx_graph(&bom);
    check_cyclonedx_graph(&render_json(&fixture::hostile_report(), Format::CycloneDx));
    check_cyclonedx_graph(&render_json(&fixture::empty_report(), Format::CycloneDx));

    let deps: Vec<&Value> = bom["dependencies"].as_array().expect("dependencies").iter().collect();
    let on = |r: &str| -> Vec<String> {
        deps.iter().find(|d| d["ref"] == r).map(|d| strs(&d["dependsOn"])).unwrap_or_default()
    };
    // The target depends on every result.
    assert_eq!(on("target:./demo-project").len(), 6);
    // A lockfile depends on its root and direct packages only.
    let lock = on("result:frontend/package-lock.json");
    assert_eq!(lock.len(), 4, "{lock:?}");
    assert!(!lock.iter().any(|r| r.contains("debug")));
    // Without relationships (Cargo.lock), every package hangs from the file.
    assert_eq!(on("result:Cargo.lock").len(), 4);
    // Edges are translated; the dangling one (left-pad) is dropped.
    assert_eq!(on("pkg:npm/%40babel/core@7.24.0"), vec!["pkg:npm/debug@4.3.4".to_string()]);
    let root_pkg = on("pkg:npm/demo-frontend@1.0.0");
    assert_eq!(root_pkg.len(), 3, "{root_pkg:?}");
}

#[test]
fn cyclonedx_refs_of_repeated_purls_name_their_file() {
    let bom = render_json(&fixture::sample_report(), Format::CycloneDx);
    let refs: Vec<&str> =
        bom["components"].as_array().into_iter().flatten().filter_map(|c| c["bom-ref"].as_str()).collect();
    assert!(refs.contains(&"pkg:npm/lodash@4.17.21?file=frontend/package-lock.json"));
    assert!(refs.contains(&"pkg:npm/lodash@4.17.21?file=web/yarn.lock"));
    assert!(!refs.contains(&"pkg:npm/lodash@4.17.21"));
    // Deterministic: a second rendering gives the same document but for the serial number.
    let mut again = render_json(&fixture::sample_report(), Format::CycloneDx);
    let mut first = bom.clone();
    first["serialNumber"] = Value::Null;
    again["serialNumber"] = Value::Null;
    assert_eq!(first, again);
}

#[test]
fn cyclonedx_maps_fields() {
    let bom = render_json(&fixture::sample_report(), Format::CycloneDx);
    assert_eq!(bom["specVersion"], "1.6");
    assert!(bom["serialNumber"].as_str().unwrap_or_default().starts_with("urn:uuid:"));
    let find = |purl: &str| -> Value {
        bom["components"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["purl"] == purl)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let log4j = find("pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0");
    assert_eq!(log4j["group"], "org.apache.logging.log4j");
    assert_eq!(log4j["name"], "log4j-core");
    let junit = find("pkg:maven/junit/junit@4.13.2");
    assert_eq!(junit["scope"], "excluded");
    let serde = find("pkg:cargo/serde@1.0.200");
    assert_eq!(serde["licenses"], serde_json::json!([{"expression": "MIT OR Apache-2.0"}]));
    let api = find("pkg:maven/org.apache.logging.log4j/log4j-api@2.19.0");
    assert_eq!(api["licenses"], serde_json::json!([{"license": {"name": "Apache License, Version 2.0"}}]));
}

#[test]
fn table_lists_findings_worst_first_and_suppressed_ones_apart() {
    let out = render_to_string(&fixture::sample_report(), Format::Table, false);
    assert!(
        out.contains(
            "Vulnerabilities: 8 (CRITICAL: 2, HIGH: 3, MEDIUM: 1, LOW: 1, UNKNOWN: 1), 1 suppressed"
        )
    );
    assert!(out.contains("Vulnerabilities: 2 (CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 1, UNKNOWN: 0)"));
    // The suppressed finding is only in the short list, with its reason.
    assert_eq!(out.matches("CVE-2020-8203").count(), 1);
    assert!(out.contains("Suppressed: 1\n  CVE-2020-8203 lodash@4.17.21 (HIGH): vex"));
    // Worst first within a result.
    let debug = out.find("GHSA-9vvw-cc9w-f27h").unwrap_or(usize::MAX);
    let ms = out.find("GHSA-0000-0000-0001").unwrap_or(0);
    assert!(debug < ms);
    // At most two aliases, the rest counted.
    assert!(out.contains("GO-2020-0017") && !out.contains("PYSEC-0000-fake") && out.contains("+1"));
    let hostile = render_to_string(&fixture::hostile_report(), Format::Table, false);
    assert!(!hostile.contains('\x1b'));
    assert!(hostile.contains("Suppressed: 1"));
    for line in hostile.lines() {
        assert!(line.chars().count() <= 100, "line too long: {line}");
    }
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(render_to_string(&fixture::sample_report(), Format::Sarif, false));
}

fn sarif_results(log: &Value) -> Vec<Value> {
    log["runs"][0]["results"].as_array().cloned().unwrap_or_default()
}

#[test]
fn sarif_maps_findings() {
    let log = render_json(&fixture::sample_report(), Format::Sarif);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "rampart");
    let rules = driver["rules"].as_array().expect("rules");
    let results = sarif_results(&log);
    // 8 visible findings, 7 advisories (one advisory on two packages), and 6 failed checks of 6
    // ids; the suppressed vulnerability and misconfiguration are counted, not listed.
    assert_eq!(results.len(), 8 + 6);
    assert_eq!(rules.len(), 7 + 6);
    assert_eq!(log["runs"][0]["properties"]["rampart:suppressedResults"], 2);
    assert!(!render_to_string(&fixture::sample_report(), Format::Sarif, false).contains("RMP-K8S-0002"));
    assert!(!render_to_string(&fixture::sample_report(), Format::Sarif, false).contains("CVE-2020-8203"));
    let ids: HashSet<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), rules.len(), "one rule per advisory");
    for r in &results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap_or(0) >= 1);
        assert!(region["endLine"].as_u64() >= region["startLine"].as_u64());
        assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(r["partialFingerprints"]["rampart/v1"].is_string());
    }
    // Worst first: the two CRITICAL findings lead.
    assert_eq!(results[0]["level"], "error");
    let find = |id: &str| results.iter().find(|r| r["ruleId"] == id).cloned().unwrap_or(Value::Null);
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).cloned().unwrap_or(Value::Null);

    let log4shell = find("CVE-2021-44228");
    assert_eq!(log4shell["level"], "error");
    let loc = &log4shell["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "backend/pom.xml");
    assert_eq!(loc["region"]["startLine"], 20);
    assert_eq!(loc["region"]["endLine"], 24);
    let r = rule("CVE-2021-44228");
    assert_eq!(r["properties"]["security-severity"], "10.0");
    assert_eq!(r["properties"]["tags"], serde_json::json!(["vulnerability", "security", "CRITICAL"]));
    assert_eq!(r["helpUri"], "https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
    assert!(r["fullDescription"]["text"].as_str().unwrap_or_default().contains("GHSA-jfh8-c2jp-5v3q"));

    // The advisory's own rating: a representative score of its severity.
    assert_eq!(rule("CVE-2024-35195")["properties"]["security-severity"], "5.5");
    assert_eq!(find("CVE-2024-35195")["level"], "warning");
    // Installed packages (no line): line 1 of the package's own file.
    let django = &find("CVE-2023-31047")["locations"][0]["physicalLocation"];
    assert_eq!(
        django["artifactLocation"]["uri"],
        "venv/lib/python3.11/site-packages/Django-4.2.0.dist-info/METADATA"
    );
    assert_eq!(django["region"]["startLine"], 1);
    // Unknown and low: notes.
    assert_eq!(find("GO-2099-0001")["level"], "note");
    assert_eq!(rule("GO-2099-0001")["properties"]["security-severity"], "0.0");
    assert_eq!(find("GHSA-0000-0000-0001")["level"], "note");
    // The first reference is not a URL: the help link is the next one.
    assert_eq!(rule("CVE-2020-26160")["helpUri"], "https://github.com/advisories/GHSA-w73w-5m7g-f7qc");
    let message = find("CVE-2020-26160")["message"]["text"].as_str().unwrap_or_default().to_string();
    assert!(
        message.contains("github.com/dgrijalva/jwt-go v3.2.0+incompatible")
            && message.contains("no fixed version")
    );
}

#[test]
fn sarif_of_a_hostile_report_has_usable_locations() {
    let log = render_json(&fixture::hostile_report(), Format::Sarif);
    let results = sarif_results(&log);
    // Two vulnerabilities and two misconfigurations (a third is suppressed).
    assert_eq!(results.len(), 4);
    assert_eq!(log["runs"][0]["properties"]["rampart:suppressedResults"], 2);
    for r in &results {
        let uri =
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap_or_default();
        assert!(!uri.is_empty() && !uri.starts_with('/') && !uri.contains(' '), "{uri}");
        assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap_or(0) >= 1);
    }
    assert!(results.iter().any(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "abs/path%20with%20space/%23x%3F.xml"));
    let misconfigs: Vec<&Value> = results
        .iter()
        .filter(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "abs/dir%20with%20space/%23x%3F.yaml"
        })
        .collect();
    assert_eq!(misconfigs.len(), 2);
    for r in misconfigs {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["endLine"].as_u64() >= region["startLine"].as_u64(), "{region}");
        // The snippet lines do not match the region: no snippet.
        assert!(region.get("snippet").is_none(), "{region}");
    }
    assert!(results.iter().any(|r| r["ruleId"] == "unknown-misconfiguration"));
}

#[test]
fn sarif_keeps_the_most_severe_results_under_the_cap() {
    let log = render_json(&fixture::many_findings_report(5_050), Format::Sarif);
    let results = sarif_results(&log);
    assert_eq!(results.len(), 5_000);
    let props = &log["runs"][0]["properties"];
    assert_eq!(props["rampart:truncated"], true);
    assert_eq!(props["rampart:totalResults"], 5_050);
    assert_eq!(props["rampart:omittedResults"], 50);
    // The 50 dropped are UNKNOWN ones (1,010 of them, the least severe).
    let notes_unknown = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["properties"]["tags"][2] == "UNKNOWN")
        .count();
    assert_eq!(notes_unknown, 1_010 - 50);
    assert_eq!(log["runs"][0]["tool"]["driver"]["rules"].as_array().map(Vec::len), Some(5_000));
    // Under the cap, nothing is said.
    let small = render_json(&fixture::many_findings_report(10), Format::Sarif);
    assert!(small["runs"][0]["properties"].get("rampart:truncated").is_none());
}

#[test]
fn cyclonedx_vulnerabilities_point_at_components() {
    let bom = render_json(&fixture::sample_report(), Format::CycloneDx);
    let components: HashSet<&str> =
        bom["components"].as_array().into_iter().flatten().filter_map(|c| c["bom-ref"].as_str()).collect();
    let vulns = bom["vulnerabilities"].as_array().expect("vulnerabilities");
    // One entry per advisory; the suppressed finding is left out.
    assert_eq!(vulns.len(), 7);
    assert!(!vulns.iter().any(|v| v["id"] == "CVE-2020-8203"));
    for v in vulns {
        for a in v["affects"].as_array().expect("affects") {
            let r = a["ref"].as_str().expect("ref");
            assert!(components.contains(r), "affects a missing component {r}");
        }
    }
    let find = |id: &str| vulns.iter().find(|v| v["id"] == id).cloned().unwrap_or(Value::Null);
    let shared = find("GHSA-9vvw-cc9w-f27h");
    assert_eq!(shared["affects"].as_array().map(Vec::len), Some(2));
    assert_eq!(shared["recommendation"], "Upgrade debug to 4.3.5; Upgrade lodash to 4.17.22");
    let jwt = find("CVE-2020-26160");
    let methods: Vec<&str> =
        jwt["ratings"].as_array().into_iter().flatten().filter_map(|r| r["method"].as_str()).collect();
    assert_eq!(methods, ["CVSSv31", "CVSSv4"]);
    assert_eq!(jwt["references"].as_array().map(Vec::len), Some(3));
    assert_eq!(jwt["references"][1]["source"]["name"], "OSV");
    let requests = find("CVE-2024-35195");
    assert_eq!(
        requests["ratings"],
        serde_json::json!([{
            "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2024-35195"},
            "severity": "medium",
            "method": "other"
        }])
    );
    assert_eq!(find("GO-2099-0001")["ratings"][0]["severity"], "unknown");
    let log4shell = find("CVE-2021-44228");
    assert!(
        log4shell["properties"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["name"] == "rampart:kev" && p["value"] == "true")
    );
    // No findings, no vulnerabilities array.
    assert!(render_json(&fixture::empty_report(), Format::CycloneDx).get("vulnerabilities").is_none());
    // The hostile report: a finding on a package missing from its result affects the file.
    let hostile = render_json(&fixture::hostile_report(), Format::CycloneDx);
    check_cyclonedx_graph(&hostile);
}

#[test]
fn spdx_ids_and_relationships_are_consistent() {
    for report in [fixture::sample_report(), fixture::hostile_report(), fixture::empty_report()] {
        let doc = render_json(&report, Format::SpdxJson);
        let mut ids = HashSet::from(["SPDXRef-DOCUMENT".to_string()]);
        for p in doc["packages"].as_array().expect("packages") {
            let id = p["SPDXID"].as_str().expect("SPDXID");
            let rest = id.strip_prefix("SPDXRef-").expect("SPDXRef- prefix");
            assert!(
                !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            );
            assert!(ids.insert(id.to_string()), "duplicate SPDXID {id}");
        }
        for r in doc["relationships"].as_array().expect("relationships") {
            for key in ["spdxElementId", "relatedSpdxElement"] {
                let id = r[key].as_str().expect("element id");
                assert!(ids.contains(id), "dangling relationship element {id}");
            }
        }
        let created = doc["creationInfo"]["created"].as_str().expect("created");
        assert_eq!(created.len(), 20, "{created}");
    }
}

#[test]
fn every_format_renders_every_report() {
    for report in [fixture::sample_report(), fixture::hostile_report(), fixture::empty_report()] {
        for format in ALL {
            for color in [false, true] {
                assert!(!render_to_string(&report, format, color).is_empty());
            }
        }
    }
}

#[test]
fn write_errors_are_returned() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    for format in ALL {
        assert!(render(&fixture::sample_report(), format, &RenderOptions::default(), &mut Broken).is_err());
    }
}

#[test]
fn hide_packages_keeps_only_results_with_findings() {
    let report = fixture::sample_report();
    let mut out = Vec::new();
    render(&report, Format::Table, &RenderOptions { color: false, hide_packages: true }, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("┆ Relationship ┆"), "package tables hidden:\n{text}");
    assert!(text.contains("Vulnerabilities:"), "{text}");
    // Config files with failures are findings too.
    assert!(text.contains("k8s/web.yaml (kubernetes)\nFailures: 3"), "{text}");
    for r in report.results.iter().filter(|r| r.vulnerabilities.is_empty() && r.misconfigurations.is_empty())
    {
        assert!(!text.contains(&format!("{} (", r.target)), "{} has no findings:\n{text}", r.target);
    }
}

fn config_result<'a>(report: &'a Report, target: &str) -> &'a rampart_model::ScanResult {
    report.results.iter().find(|r| r.target == target).expect("the fixture has this result")
}

#[test]
fn table_lists_misconfigurations_per_config_file() {
    let report = fixture::sample_report();
    let out = render_to_string(&report, Format::Table, false);
    let k8s = out.find("k8s/web.yaml (kubernetes)\nFailures: 3 (CRITICAL: 1, HIGH: 1, MEDIUM: 1)\n");
    let k8s = k8s.expect("heading and counts of the manifest");
    // Worst first, each with its message, place and numbered snippet.
    let section = &out[k8s..];
    let critical = section.find("CRITICAL RMP-K8S-0001: Privileged container\n").expect("critical");
    let high = section.find("HIGH RMP-K8S-0005: Access to the host network\n").expect("high");
    let medium = section.find("MEDIUM RMP-K8S-0013: Image tag ':latest' used\n").expect("medium");
    assert!(critical < high && high < medium);
    assert!(section.contains(
        "  Container 'app' of Deployment 'web' runs privileged.\n  k8s/web.yaml:13-15 · Deployment/shop/web\n \
         13 │           securityContext:\n 14 │             privileged: true\n"
    ));
    assert!(section.contains("  k8s/web.yaml:9 · Deployment/shop/web\n 9 │       hostNetwork: true\n"));
    // The inline suppression only in the short list, with its reason.
    assert_eq!(out.matches("RMP-K8S-0002").count(), 1);
    assert!(section.contains(
        "Suppressed: 1\n  RMP-K8S-0002 (MEDIUM) line 15: inline k8s/web.yaml:14, needed by the entrypoint\n"
    ));
    // Warnings apart from failures; the image config's layer.
    assert!(out.contains("Dockerfile (dockerfile)\nFailures: 1 (LOW: 1), warnings: 1\n"));
    assert!(out.contains("MEDIUM AVD-DS-0001 [warning]: ':latest' tag used\n"));
    assert!(out.contains("  nginx:1.25 · layer 3: /bin/sh -c #(nop)  CMD"));
    // The clean Terraform file is counted, not listed.
    assert!(!out.contains("infra/main.tf"));
    assert!(out.contains(
        "Misconfigurations: 5 (CRITICAL: 1, HIGH: 2, MEDIUM: 1, LOW: 1, UNKNOWN: 0), 1 warning, 1 suppressed\n\
         Config files: 4 scanned, 3 with failures\n"
    ));
    // The vulnerability summary is still there.
    assert!(out.contains("Total: 21 packages in 8 files"));
    assert_eq!(config_result(&report, "infra/main.tf").misconfigurations.len(), 0);
}

#[test]
fn a_config_only_table_says_nothing_about_packages() {
    let out = render_to_string(&fixture::many_misconfigurations_report(5), Format::Table, false);
    assert!(!out.contains("packages"), "{out}");
    assert!(out.contains("Failures: 5 (CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 1, UNKNOWN: 1)"), "{out}");
    assert!(out.contains("Config files: 1 scanned, 1 with failures"), "{out}");
    let mut clean = fixture::empty_report();
    clean.results.push(fixture::config_result("k8s/ok.yaml", "kubernetes", Vec::new()));
    let out = render_to_string(&clean, Format::Table, false);
    assert_eq!(
        out,
        "Misconfigurations: 0 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)\n\
         Config files: 1 scanned, 0 with failures\n"
    );
}

#[test]
fn misconfigurations_are_coloured_only_on_request() {
    let report = fixture::sample_report();
    let plain = render_to_string(&report, Format::Table, false);
    assert!(!plain.contains('\x1b'));
    let coloured = render_to_string(&report, Format::Table, true);
    assert!(coloured.contains("\x1b[1;31mCRITICAL\x1b[0m \x1b[1mRMP-K8S-0001\x1b[0m: Privileged container"));
    assert!(coloured.contains("\x1b[2m13 │\x1b[0m           securityContext:"));
}

#[test]
fn hostile_misconfigurations_stay_in_100_columns_without_control_characters() {
    for color in [false, true] {
        let out = render_to_string(&fixture::hostile_report(), Format::Table, color);
        for line in out.lines() {
            let plain = if color { strip_ansi(line) } else { line.to_string() };
            assert!(unicode_width::UnicodeWidthStr::width(plain.as_str()) <= 100, "line too wide: {plain}");
            if !color {
                assert!(!line.contains('\x1b'));
            }
        }
        assert!(out.contains("(no id)"));
    }
    let out = render_to_string(&fixture::hostile_report(), Format::Table, false);
    assert!(out.contains("     key:?[31m value"), "tabs expanded, escapes neutralised:\n{out}");
    // A huge title and message are cut: 3 lines of title, 6 of message, each ending with an
    // ellipsis.
    let start = out.find("CRITICAL (no id): ").expect("the finding without id");
    let end = out[start..].find("\n  /abs/dir with space/").expect("its place") + start;
    let lines: Vec<&str> = out[start..end].lines().collect();
    assert_eq!(lines.len(), 3 + 6, "{lines:#?}");
    assert!(lines[2].ends_with(" …") && lines[8].ends_with(" …"), "{lines:#?}");
    assert!(lines[3].starts_with("  ?]8;;http://x?link"), "{lines:#?}");
}

/// Removes the SGR sequences the renderer writes (`ESC [ ... m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn ten_thousand_misconfigurations_render_quickly() {
    let report = fixture::many_misconfigurations_report(10_000);
    let started = std::time::Instant::now();
    let out = render_to_string(&report, Format::Table, false);
    let elapsed = started.elapsed();
    // Heading, counts, then per finding a blank line, the title, message, place and 3 lines.
    assert_eq!(out.matches(" │   key").count(), 30_000);
    assert_eq!(out.matches("\nRMP-").count() + out.matches("\nCRITICAL RMP-").count(), 2_000);
    // Generous for an unoptimised build on a busy machine; a release build takes milliseconds.
    assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn sarif_maps_misconfigurations() {
    let log = render_json(&fixture::sample_report(), Format::Sarif);
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().cloned().unwrap_or_default();
    let results = sarif_results(&log);
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).cloned().unwrap_or(Value::Null);
    let find = |id: &str| results.iter().find(|r| r["ruleId"] == id).cloned().unwrap_or(Value::Null);

    let r = rule("RMP-K8S-0001");
    assert_eq!(r["name"], "RMP-K8S-0001");
    assert_eq!(r["shortDescription"]["text"], "Privileged container");
    assert_eq!(
        r["fullDescription"]["text"],
        "A privileged container has every capability of the host and can escape to it."
    );
    assert_eq!(r["helpUri"], "https://kubernetes.io/docs/concepts/security/pod-security-standards/");
    let help = r["help"]["text"].as_str().unwrap_or_default();
    assert!(
        help.contains("Remove securityContext.privileged")
            && help.contains("avd.aquasec.com/misconfig/ksv017")
    );
    assert!(r["help"]["markdown"].as_str().unwrap_or_default().contains("**Resolution**"));
    assert_eq!(
        r["properties"]["tags"],
        serde_json::json!(["misconfiguration", "security", "kubernetes", "pod-security", "CRITICAL"])
    );
    assert_eq!(r["properties"]["security-severity"], "9.5");
    assert_eq!(rule("RMP-DOCKER-0004")["properties"]["security-severity"], "2.0");
    assert_eq!(
        rule("RMP-DOCKER-0004")["properties"]["tags"],
        serde_json::json!(["misconfiguration", "security", "dockerfile", "LOW"])
    );

    let privileged = find("RMP-K8S-0001");
    assert_eq!(privileged["level"], "error");
    assert_eq!(
        privileged["message"]["text"],
        "Container 'app' of Deployment 'web' runs privileged. (resource: Deployment/shop/web)"
    );
    let loc = &privileged["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "k8s/web.yaml");
    assert_eq!(loc["region"]["startLine"], 13);
    assert_eq!(loc["region"]["endLine"], 15);
    assert_eq!(
        loc["region"]["snippet"]["text"],
        "          securityContext:\n            privileged: true\n            allowPrivilegeEscalation: true\n"
    );
    // A Rego warning is at most a warning; a finding without lines is on line 1, without snippet.
    assert_eq!(find("AVD-DS-0001")["level"], "warning");
    assert_eq!(find("RMP-K8S-0013")["level"], "warning");
    assert_eq!(find("RMP-DOCKER-0004")["level"], "note");
    let user = &find("RMP-DOCKER-0002")["locations"][0]["physicalLocation"];
    assert_eq!(user["region"]["startLine"], 1);
    assert!(user["region"].get("snippet").is_none());
    // Fingerprints name the check, file and resource, not the line.
    let fp = privileged["partialFingerprints"]["rampart/v1"].as_str().unwrap_or_default().to_string();
    assert!(fp.starts_with("RMP-K8S-0001|k8s/web.yaml|Deployment/shop/web|") && !fp.contains("13"), "{fp}");
    let fps: HashSet<&str> =
        results.iter().filter_map(|r| r["partialFingerprints"]["rampart/v1"].as_str()).collect();
    assert_eq!(fps.len(), results.len());
}

#[test]
fn the_sarif_cap_keeps_the_most_severe_findings_of_both_kinds() {
    let mut report = fixture::many_findings_report(3_000);
    report.results.extend(fixture::many_misconfigurations_report(3_000).results);
    let log = render_json(&report, Format::Sarif);
    let results = sarif_results(&log);
    assert_eq!(results.len(), 5_000);
    assert_eq!(log["runs"][0]["properties"]["rampart:omittedResults"], 1_000);
    // 600 findings of each severity of each kind: the 1,000 dropped are UNKNOWN ones, the
    // misconfigurations' first (at equal severity, vulnerabilities come first).
    let misconfigs =
        results.iter().filter(|r| r["ruleId"].as_str().is_some_and(|i| i.starts_with("RMP-"))).count();
    assert_eq!(misconfigs, 2_400);
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    let rank = |l: &str| match l {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    assert!(levels.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "worst first");
}

#[test]
fn sboms_leave_config_files_out() {
    let report = fixture::sample_report();
    let bom = render_json(&report, Format::CycloneDx);
    let names: Vec<&str> =
        bom["components"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    for config in ["k8s/web.yaml", "Dockerfile", "infra/main.tf", "nginx:1.25"] {
        assert!(!names.contains(&config), "{config} in {names:?}");
    }
    let spdx = render_json(&report, Format::SpdxJson);
    let names: Vec<&str> =
        spdx["packages"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    assert!(!names.contains(&"k8s/web.yaml"), "{names:?}");
    // A misconfiguration scan alone gives documents with the target only.
    let config_only = fixture::many_misconfigurations_report(20);
    let bom = render_json(&config_only, Format::CycloneDx);
    assert_eq!(bom["components"].as_array().map(Vec::len), Some(0));
    assert!(bom.get("vulnerabilities").is_none());
    check_cyclonedx_graph(&bom);
    let spdx = render_json(&config_only, Format::SpdxJson);
    assert_eq!(spdx["packages"].as_array().map(Vec::len), Some(1));
}
