//! Renders the fixture reports in every format: snapshots, plus structural checks that the
//! schemas cannot express (unique refs, dangling references).

mod fixture;

use std::collections::HashSet;

use rampart_model::Report;
use rampart_report::{Format, RenderOptions, render};
use serde_json::Value;

const ALL: [Format; 4] = [Format::Table, Format::Json, Format::CycloneDx, Format::SpdxJson];

fn render_to_string(report: &Report, format: Format, color: bool) -> String {
    let mut out = Vec::new();
    render(report, format, &RenderOptions { color }, &mut out).expect("rendering into memory succeeds");
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
