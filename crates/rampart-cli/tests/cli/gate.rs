//! The deploy gate through the binary: `rampart gate` on saved reports of the real targets,
//! `--policy` on `fs` and `image`, exit code 4, the verdict formats, policy errors, and the
//! example policy against its JSON Schema.

use std::path::Path;

use serde_json::Value;

use crate::util::{Dir, rampart, sbom_python, targets_dir, workspace_root};

const SEED: &str =
    "schema: 1\nname: seed\nvulnerabilities:\n  max: {critical: 0, high: 0, medium: 1, low: 5}\n";

/// A JSON report of `rampart fs PATH` against the shared advisory database.
fn fs_report(dir: &Dir, path: &Path, db: &Path) -> std::path::PathBuf {
    let out = dir.path().join("report.json");
    let run = rampart()
        .arg("fs")
        .arg(path)
        .args(["--quiet", "--format", "json", "--db"])
        .arg(db)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out
}

/// One advisory database (PyPI OSV + KEV from the shared pack) for the whole test binary.
fn db() -> std::path::PathBuf {
    static DB: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DB.get_or_init(|| {
        let dir = Box::leak(Box::new(Dir::new()));
        let db = dir.path().join("vulndb.sqlite");
        let adv = crate::util::shared_dir().join("data/advisories");
        let out = rampart()
            .args(["db", "build", "--quiet", "--db"])
            .arg(&db)
            .arg("--from")
            .arg(adv.join("osv/pypi.zip"))
            .arg(adv.join("kev/known_exploited_vulnerabilities.json"))
            .output()
            .unwrap();
        assert!(out.status.success(), "db build: {}", String::from_utf8_lossy(&out.stderr));
        db
    })
    .clone()
}

#[test]
fn seed_policy_few_lows_pass_two_mediums_block_on_the_python_target() {
    let dir = Dir::new();
    let db = db();
    let report = fs_report(&dir, &targets_dir().join("fs/python-app"), &db);
    let policy = dir.write("policy.yaml", SEED);
    let out = rampart()
        .args(["gate", "--policy"])
        .arg(&policy)
        .arg(&report)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    let verdict: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["passed"], false);
    let failed: Vec<&str> = verdict["reports"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["passed"] == false)
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(failed.contains(&"vulnerabilities.max.medium"), "{verdict}");
    // Each failed rule lists the findings behind it.
    let medium = verdict["reports"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "vulnerabilities.max.medium")
        .unwrap();
    assert!(medium["findings"].as_array().unwrap().len() >= 2);
    assert!(medium["findings"].as_array().unwrap().iter().all(|f| f["severity"] == "MEDIUM"));

    // Only the lows: the same report passes a policy that ignores the rest.
    let lows_only = dir.write("lows.yaml", "schema: 1\nvulnerabilities:\n  max: {low: 5}\n");
    let out = rampart().args(["gate", "--policy"]).arg(&lows_only).arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Policy policy: PASSED"));
}

#[test]
fn policy_on_the_fly_has_its_own_exit_code() {
    let dir = Dir::new();
    let db = db();
    let policy = dir.write("policy.yaml", SEED);
    let target = targets_dir().join("fs/python-app");
    let run = |extra: &[&str]| {
        rampart()
            .arg("fs")
            .arg(&target)
            .args(["--quiet", "--format", "json", "--db"])
            .arg(&db)
            .arg("--policy")
            .arg(&policy)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(4));
    // The verdict goes to standard error, the report to standard output.
    assert!(String::from_utf8_lossy(&out.stderr).contains("FAIL vulnerabilities.max.medium"));
    assert!(serde_json::from_slice::<Value>(&out.stdout).is_ok());
    // The gate decides before --exit-code.
    assert_eq!(run(&["--exit-code", "7"]).status.code(), Some(4));
    let lenient = dir.write("lenient.yaml", "schema: 1\nvulnerabilities:\n  max: {critical: 100}\n");
    let out = rampart()
        .arg("fs")
        .arg(&target)
        .args(["--quiet", "--format", "json", "--db"])
        .arg(&db)
        .arg("--policy")
        .arg(&lenient)
        .args(["--exit-code", "7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "passing the gate, the findings still meet --exit-code");
}

#[test]
fn image_rules_on_the_layered_image_archive() {
    let dir = Dir::new();
    // The archive is tagged `localhost/scanner-targets/debian12-layered:latest`.
    let policy = dir.write(
        "policy.yaml",
        "schema: 1\nimages:\n  forbidden_tags: [latest]\n  allowed_registries: [registry.example.com]\nsecrets:\n  max: {total: 0}\n",
    );
    let out = rampart()
        .args(["image", "--input"])
        .arg(targets_dir().join("images/debian12-layered.docker.tar"))
        .args(["--scanners", "secret", "--quiet", "--format", "json", "--no-cache", "--policy"])
        .arg(&policy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    for rule in ["FAIL images.forbidden_tags", "FAIL images.allowed_registries", "FAIL secrets.max.total"] {
        assert!(err.contains(rule), "{rule} in\n{err}");
    }
    assert!(err.contains("aws-access-key-id"), "the secrets behind the rule are listed:\n{err}");
}

#[test]
fn bad_policies_and_reports_are_errors_naming_the_file() {
    let dir = Dir::new();
    let bad = dir.write("bad.yaml", "schema: 1\nvulnerabilities:\n  max: {hihg: 0}\n");
    let report = dir.write("r.json", "{\"not\": \"a report\"}");
    let out = rampart().args(["gate", "--policy"]).arg(&bad).arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.yaml: invalid policy") && err.contains("hihg"), "{err}");
    let good = dir.write("good.yaml", SEED);
    let out = rampart().args(["gate", "--policy"]).arg(&good).arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("r.json: not a Rampart JSON report"));
}

#[test]
fn the_example_policy_follows_its_json_schema() {
    let root = workspace_root();
    // The validator venv has jsonschema; the YAML is read here (keys as written) and checked as
    // JSON. The gate's own test parses the same file.
    let example = root.join("docs/gate-policy.example.yaml");
    let policy = rampart_policy_as_json(&example);
    let code = "import json, sys, jsonschema\nschema = json.load(open(sys.argv[1]))\njsonschema.Draft202012Validator.check_schema(schema)\njsonschema.validate(json.load(open(sys.argv[2])), schema)\nbad = dict(json.load(open(sys.argv[2])), surprise=1)\ntry:\n    jsonschema.validate(bad, schema)\n    sys.exit('an unknown key passed the schema')\nexcept jsonschema.ValidationError:\n    pass\n";
    let dir = Dir::new();
    let json = dir.write("policy.json", serde_json::to_vec(&policy).unwrap());
    let out = std::process::Command::new(sbom_python())
        .args(["-c", code])
        .arg(root.join("docs/gate-policy.schema.json"))
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The example policy as JSON, through the same YAML reading as the gate (keys as written).
fn rampart_policy_as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let policy: Value = serde_saphyr::from_str(&text).unwrap();
    policy
}
