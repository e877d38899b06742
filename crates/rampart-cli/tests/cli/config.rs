//! `rampart config` (and `fs`/`image --scanners misconfig`) end to end: the peers' findings on the
//! shared IaC fixtures, suppressions, the ignore file, exit codes, custom Rego policies,
//! compliance, output formats and bad input.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::{Dir, rampart, shared_dir, targets_dir, workspace_root};

/// Failed check ids of the peers on `../shared/peers/fixtures/iac/<dir>`, from one run of each
/// (Trivy 0.76.0: `trivy config --skip-check-update --format json DIR`; Checkov 3.3.30:
/// `checkov -d DIR -o json --skip-download --soft-fail`), on 2026-12-06.
const PEERS: &[(&str, &str, &str)] = &[
    (
        "k8s",
        "trivy",
        "KSV-0001 KSV-0003 KSV-0004 KSV-0006 KSV-0009 KSV-0010 KSV-0011 KSV-0012 KSV-0013 KSV-0014 KSV-0015 \
         KSV-0016 KSV-0017 KSV-0018 KSV-0020 KSV-0021 KSV-0023 KSV-0030 KSV-0104 KSV-0105 KSV-0106 KSV-0110 \
         KSV-0111 KSV-0117 KSV-0118",
    ),
    (
        "k8s",
        "checkov",
        "CKV2_K8S_6 CKV_K8S_10 CKV_K8S_11 CKV_K8S_12 CKV_K8S_13 CKV_K8S_14 CKV_K8S_16 CKV_K8S_17 CKV_K8S_19 \
         CKV_K8S_20 CKV_K8S_21 CKV_K8S_22 CKV_K8S_23 CKV_K8S_27 CKV_K8S_28 CKV_K8S_29 CKV_K8S_31 CKV_K8S_37 \
         CKV_K8S_38 CKV_K8S_40 CKV_K8S_42 CKV_K8S_43 CKV_K8S_8 CKV_K8S_9",
    ),
    ("docker", "trivy", "DS-0001 DS-0002 DS-0004 DS-0022 DS-0026 DS-0029 DS-0031"),
    ("docker", "checkov", "CKV_DOCKER_1 CKV_DOCKER_2 CKV_DOCKER_3 CKV_DOCKER_4 CKV_DOCKER_6 CKV_DOCKER_7"),
    (
        "terraform",
        "trivy",
        "AWS-0014 AWS-0015 AWS-0016 AWS-0077 AWS-0080 AWS-0086 AWS-0087 AWS-0089 AWS-0090 AWS-0091 AWS-0092 \
         AWS-0093 AWS-0094 AWS-0104 AWS-0107 AWS-0124 AWS-0132 AWS-0133 AWS-0161 AWS-0162 AWS-0163 AWS-0176 \
         AWS-0177 AWS-0180",
    ),
    (
        "terraform",
        "checkov",
        "CKV2_AWS_10 CKV2_AWS_40 CKV2_AWS_5 CKV2_AWS_6 CKV2_AWS_60 CKV2_AWS_61 CKV2_AWS_62 CKV_AWS_118 \
         CKV_AWS_129 CKV_AWS_144 CKV_AWS_145 CKV_AWS_157 CKV_AWS_16 CKV_AWS_161 CKV_AWS_17 CKV_AWS_18 CKV_AWS_20 \
         CKV_AWS_21 CKV_AWS_226 CKV_AWS_23 CKV_AWS_24 CKV_AWS_252 CKV_AWS_286 CKV_AWS_287 CKV_AWS_288 \
         CKV_AWS_289 CKV_AWS_290 CKV_AWS_293 CKV_AWS_35 CKV_AWS_355 CKV_AWS_36 CKV_AWS_382 CKV_AWS_62 \
         CKV_AWS_63 CKV_AWS_67",
    ),
    (
        "cfn",
        "trivy",
        "AWS-0086 AWS-0087 AWS-0089 AWS-0090 AWS-0091 AWS-0092 AWS-0093 AWS-0094 AWS-0096 AWS-0107 AWS-0124 \
         AWS-0132",
    ),
    (
        "cfn",
        "checkov",
        "CKV_AWS_107 CKV_AWS_108 CKV_AWS_109 CKV_AWS_110 CKV_AWS_111 CKV_AWS_18 CKV_AWS_20 CKV_AWS_21 CKV_AWS_23 \
         CKV_AWS_24 CKV_AWS_27 CKV_AWS_53 CKV_AWS_54 CKV_AWS_55 CKV_AWS_56 CKV_AWS_60 CKV_AWS_62 CKV_AWS_63",
    ),
];

/// Peer findings Rampart deliberately does not report, and why (README, "Infrastructure as code").
const NOT_REPORTED: &[(&str, &str)] = &[
    (
        "CKV2_AWS_5",
        "'security group not attached to a resource': whether a group is used is a fact of the \
         account, not of one module (groups are attached from other stacks, ENIs, launch templates); \
         `rampart cloud` posture checks will see it",
    ),
    (
        "CKV_AWS_226",
        "'RDS auto minor version upgrade': the provider default is true, and Checkov flags the \
         absent attribute although AWS then upgrades; an explicit `false` is reported",
    ),
];

fn config_json(path: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let out = rampart()
        .arg("config")
        .arg(path)
        .args(["--format", "json", "--quiet"])
        .args(extra)
        .output()
        .expect("run");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// (file, check id) of every reported misconfiguration.
fn findings(report: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .flat_map(|r| {
            let target = r["target"].as_str().unwrap_or_default().to_string();
            r["misconfigurations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |m| (target.clone(), m))
        })
        .collect()
}

/// Peer id → the Rampart checks that cover it, from `--list-checks json`.
fn peer_map() -> BTreeMap<String, BTreeSet<String>> {
    let out = rampart().args(["config", "--list-checks", "json"]).output().expect("run");
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in list.as_array().expect("list") {
        for p in c["peers"].as_array().expect("peers") {
            map.entry(p.as_str().expect("str").to_string())
                .or_default()
                .insert(c["id"].as_str().expect("id").to_string());
        }
    }
    map
}

#[test]
fn finds_everything_either_peer_finds_on_the_shared_fixtures() {
    let peers = peer_map();
    let iac = shared_dir().join("peers/fixtures/iac");
    let mut missing = Vec::new();
    let mut excepted_but_found = Vec::new();
    for dir in ["k8s", "docker", "terraform", "cfn"] {
        let (code, report, stderr) = config_json(&iac.join(dir), &[]);
        assert_eq!(code, 0, "{dir}: {stderr}");
        let found: BTreeSet<String> =
            findings(&report).into_iter().map(|(_, m)| m["id"].as_str().expect("id").to_string()).collect();
        for (_, tool, ids) in PEERS.iter().filter(|(d, _, _)| *d == dir) {
            for id in ids.split_whitespace() {
                let covered = peers.get(id).is_some_and(|ours| ours.iter().any(|o| found.contains(o)));
                let excepted = NOT_REPORTED.iter().any(|(n, _)| *n == id);
                match (covered, excepted) {
                    (false, false) => missing.push(format!("{dir}: {tool} {id}")),
                    (true, true) => excepted_but_found.push(id),
                    _ => {}
                }
            }
        }
    }
    assert!(missing.is_empty(), "peer findings not covered: {missing:#?}");
    // The deliberate exceptions must stay exceptions, or leave the list.
    assert!(excepted_but_found.is_empty(), "reported now, drop from NOT_REPORTED: {excepted_but_found:?}");
}

#[test]
fn every_finding_has_lines_a_snippet_and_documentation() {
    let (_, report, _) = config_json(&shared_dir().join("peers/fixtures/iac"), &[]);
    let all = findings(&report);
    assert!(all.len() > 60, "{} findings", all.len());
    for (file, m) in &all {
        let start = m["start_line"].as_u64().unwrap_or_else(|| panic!("{file} {}: no start line", m["id"]));
        let end = m["end_line"].as_u64().expect("end line");
        assert!(start >= 1 && end >= start, "{file} {}: lines {start}-{end}", m["id"]);
        let code = m["code"].as_array().expect("snippet");
        assert!(!code.is_empty(), "{file} {}: no snippet", m["id"]);
        assert_eq!(code[0]["number"].as_u64(), Some(start));
        for field in ["title", "message", "description", "resolution", "severity", "config_type"] {
            assert!(!m[field].as_str().unwrap_or_default().is_empty(), "{file} {}: empty {field}", m["id"]);
        }
    }
    // Exact lines on the shared Deployment: `privileged: true` is line 24.
    let privileged = all
        .iter()
        .find(|(f, m)| {
            f == "k8s/deployment.yaml" && m["title"].as_str().unwrap_or_default().contains("rivileged")
        })
        .expect("privileged finding");
    assert_eq!(privileged.1["start_line"], 24);
}

#[test]
fn targets_misconfig_folder_covers_the_peer_reference() {
    let dir = targets_dir().join("fs/misconfig");
    let reference: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shared_dir().join("targets/reference/fs-misconfig.misconfig.json"))
            .expect("reference"),
    )
    .expect("json");
    let peers = peer_map();
    let (code, report, stderr) = config_json(&dir, &[]);
    assert_eq!(code, 0, "{stderr}");
    let found: BTreeSet<String> =
        findings(&report).into_iter().map(|(_, m)| m["id"].as_str().expect("id").to_string()).collect();
    let mut missing = Vec::new();
    for r in reference["Results"].as_array().expect("results") {
        for m in r["Misconfigurations"].as_array().into_iter().flatten() {
            let id = m["ID"].as_str().expect("ID");
            if !peers.get(id).is_some_and(|ours| ours.iter().any(|o| found.contains(o))) {
                missing.push(id.to_string());
            }
        }
    }
    assert!(missing.is_empty(), "not covered: {missing:?}");
}

#[test]
fn inline_suppressions_ignore_file_and_exit_codes() {
    let dir = Dir::new();
    dir.write(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n        # rampart:ignore:RMP-K8S-0001 needed by the CNI\n        privileged: true\n",
    );
    let (code, report, _) = config_json(dir.path(), &["--exit-code", "9"]);
    assert_eq!(code, 9, "findings remain");
    let ids: Vec<String> =
        findings(&report).iter().map(|(_, m)| m["id"].as_str().unwrap().to_string()).collect();
    assert!(!ids.contains(&"RMP-K8S-0001".to_string()), "inline-suppressed: {ids:?}");
    assert!(!ids.is_empty());

    let (_, shown, _) = config_json(dir.path(), &["--show-suppressed"]);
    let suppressed = findings(&shown)
        .into_iter()
        .find(|(_, m)| m["id"] == "RMP-K8S-0001")
        .expect("shown with --show-suppressed");
    assert_eq!(suppressed.1["suppressed"]["kind"], "inline");
    assert_eq!(suppressed.1["suppressed"]["reason"], "needed by the CNI");

    // Every remaining finding ignored by the ignore file: exit 0 even with --exit-code.
    let entries: String = ids
        .iter()
        .map(|id| format!("  - id: {id}\n    statement: accepted\n    expired_at: 2999-01-01\n"))
        .collect();
    dir.write(".rampartignore.yaml", format!("misconfigurations:\n{entries}"));
    let (code, report, stderr) = config_json(dir.path(), &["--exit-code", "9"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(findings(&report).is_empty());

    // An expired entry stops hiding its finding and says so.
    dir.write(
        ".rampartignore.yaml",
        format!("misconfigurations:\n  - id: {}\n    expired_at: 2001-01-01\n", ids[0]),
    );
    let out = rampart().arg("config").arg(dir.path()).args(["--format", "json"]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("expired"), "{stderr}");

    // --severity keeps only the named severities.
    std::fs::remove_file(dir.path().join(".rampartignore.yaml")).expect("rm");
    let (_, report, _) = config_json(dir.path(), &["--severity", "CRITICAL"]);
    assert!(findings(&report).iter().all(|(_, m)| m["severity"] == "CRITICAL"));
}

#[test]
fn malformed_files_are_diagnostics_naming_file_and_line_and_the_rest_is_scanned() {
    let dir = Dir::new();
    dir.write("bad.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n");
    dir.write("broken.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = \n");
    dir.write("Dockerfile", "FROM ubuntu:latest\nEXPOSE 22\n");
    let (code, report, stderr) = config_json(dir.path(), &[]);
    assert_eq!(code, 3, "partial scan exit code: {stderr}");
    let diags = report["diagnostics"].as_array().expect("diagnostics");
    for file in ["bad.yaml", "broken.tf"] {
        let d = diags
            .iter()
            .find(|d| d["path"] == file)
            .unwrap_or_else(|| panic!("no diagnostic for {file}: {diags:?}"));
        assert!(d["line"].as_u64().is_some_and(|l| l >= 1), "{d}");
        assert_eq!(d["code"], "RMP-W001");
    }
    assert!(findings(&report).iter().any(|(f, _)| f == "Dockerfile"), "the Dockerfile is still checked");
}

#[test]
fn custom_rego_policies_in_conftest_and_trivy_conventions() {
    let rego = workspace_root().join("crates/rampart-rego/fixtures");
    let iac = shared_dir().join("peers/fixtures/iac");
    for (policy, target, id) in [
        ("conftest-k8s", "k8s", "main.deny"),
        ("conftest-docker", "docker", "main.deny"),
        ("conftest-terraform", "terraform", "main.deny"),
    ] {
        let policy_dir = rego.join(policy);
        let (_, report, stderr) = config_json(&iac.join(target), &["--policy", policy_dir.to_str().unwrap()]);
        let custom: Vec<_> =
            findings(&report).into_iter().filter(|(_, m)| m.get("source").is_some()).collect();
        assert!(
            custom.iter().any(|(_, m)| m["id"]
                .as_str()
                .unwrap_or_default()
                .starts_with(id.split('.').next().unwrap())),
            "{policy} on {target}: {custom:?} {stderr}"
        );
        for (_, m) in &custom {
            assert!(m["source"].as_str().unwrap().ends_with(".rego"));
            assert!(m["start_line"].as_u64().is_some());
        }
    }
    let bad = rego.join("syntax-error");
    let out = rampart().arg("config").arg(&iac).arg("--policy").arg(&bad).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".rego"), "names the policy file: {stderr}");
}

#[test]
fn compliance_reports_per_control() {
    let iac = shared_dir().join("peers/fixtures/iac");
    let (code, doc, stderr) = config_json(&iac, &["--compliance", "pss-baseline"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["framework"], "pss-baseline");
    let controls = doc["controls"].as_array().expect("controls");
    let status = |id: &str| {
        controls.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no {id}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("pss-baseline/privileged-containers"), "FAIL");
    assert_eq!(status("pss-baseline/host-namespaces"), "FAIL");
    assert!(controls.iter().any(|c| c["status"] == "PASS"), "some baseline controls hold");
    // AWS controls on a Kubernetes-only tree are not evaluated, not passed.
    let (_, aws, _) = config_json(&iac.join("k8s"), &["--compliance", "cis-aws-3.0"]);
    assert!(aws["controls"].as_array().unwrap().iter().all(|c| c["status"] == "NOT EVALUATED"));
    let out = rampart().arg("config").arg(&iac).args(["--compliance", "nope"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sarif_and_table_outputs() {
    let iac = shared_dir().join("peers/fixtures/iac");
    let out = rampart().arg("config").arg(&iac).args(["--format", "sarif", "--quiet"]).output().expect("run");
    assert!(out.status.success());
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert!(results.len() > 60);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.iter().any(|r| r["id"].as_str().unwrap_or_default().starts_with("RMP-K8S-")));
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().is_some(), "{r}");
    }
    let out = rampart().arg("config").arg(iac.join("k8s")).output().expect("run");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("k8s") || table.contains("deployment.yaml"), "{table}");
    assert!(table.contains("privileged: true"), "snippets in the table: {table}");
}

#[test]
fn fs_scanner_gives_the_same_findings_as_config() {
    let iac = shared_dir().join("peers/fixtures/iac");
    let (_, config, _) = config_json(&iac, &[]);
    let (_, fs, _) = crate::util::fs_json(&iac, &["--scanners", "misconfig"]);
    let ids = |r: &serde_json::Value| {
        let mut v: Vec<String> =
            findings(r).into_iter().map(|(f, m)| format!("{f} {} {}", m["id"], m["start_line"])).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&config), ids(&fs));
}

#[test]
fn image_config_findings_carry_their_layer() {
    let image = targets_dir().join("images/debian12-apps.docker.tar");
    let out = rampart()
        .args(["image", "--input"])
        .arg(&image)
        .args(["--scanners", "misconfig", "--format", "json", "--quiet", "--no-cache"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let config = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["analyzer"] == "image-config")
        .expect("an image-config result");
    let misconfigs = config["misconfigurations"].as_array().expect("misconfigurations");
    // The image runs as root and has no HEALTHCHECK: the config says so.
    assert!(misconfigs.iter().any(|m| m["id"] == "RMP-DS-0001"), "{misconfigs:?}");
    assert!(misconfigs.iter().any(|m| m["id"] == "RMP-DS-0008"), "{misconfigs:?}");
    // Findings on a history line (a RUN of a layer) name that layer.
    let on_layers: Vec<_> = misconfigs.iter().filter(|m| m.get("layer").is_some()).collect();
    for m in &on_layers {
        assert!(m["layer"]["diff_id"].as_str().unwrap().starts_with("sha256:"));
    }
}

#[test]
fn trivy_and_checkov_ids_in_ignore_files_match_the_same_checks() {
    let dir = Dir::new();
    dir.write(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  hostPID: true\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n",
    );
    let has = |report: &serde_json::Value, id: &str| findings(report).iter().any(|(_, m)| m["id"] == id);
    let (_, before, _) = config_json(dir.path(), &[]);
    assert!(has(&before, "RMP-K8S-0001") && has(&before, "RMP-K8S-0003"));
    let aliases = findings(&before)
        .into_iter()
        .find(|(_, m)| m["id"] == "RMP-K8S-0001")
        .map(|(_, m)| m["aliases"].clone())
        .expect("privileged");
    assert!(aliases.as_array().unwrap().iter().any(|a| a == "KSV-0017"), "{aliases}");
    // Trivy's AVD-prefixed id for privileged containers, Checkov's id for hostPID.
    dir.write(".trivyignore", "AVD-KSV-0017\nCKV_K8S_17\n");
    let (_, after, stderr) = config_json(dir.path(), &[]);
    assert!(!has(&after, "RMP-K8S-0001") && !has(&after, "RMP-K8S-0003"), "{stderr}");
    assert!(!findings(&after).is_empty(), "only those two are hidden");
}
