//! The CloudFormation loader: intrinsic functions, conditions, JSON templates, errors with lines
//! (insta snapshots of the fixtures under `fixtures/cloudformation/`), and robustness.

use std::fmt::Write;

use proptest::prelude::*;
use rampart_misconfig::terraform::Loaded;
use rampart_misconfig::{ConfigType, SourceFile, aws, cloudformation};

fn fixture(name: &str) -> SourceFile {
    let path = format!("{}/fixtures/cloudformation/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    SourceFile { path: name.to_string(), text, config_type: ConfigType::CloudFormation }
}

/// The loaded resources (lines, type, resolved properties), errors and AWS findings as text.
fn render(loaded: &Loaded) -> String {
    let mut out = String::new();
    for r in &loaded.resources {
        writeln!(out, "{} {} lines {}-{}", r.name, r.resource_type, r.span.start, r.span.end).unwrap();
        writeln!(out, "  {}", r.attrs.to_json()).unwrap();
    }
    for e in &loaded.errors {
        writeln!(out, "error {}:{}: {}", e.path, e.line, e.message).unwrap();
    }
    let mut findings = aws::scan(&loaded.resources);
    findings.sort_by(|a, b| (a.span.start, a.check.id).cmp(&(b.span.start, b.check.id)));
    for f in findings {
        writeln!(
            out,
            "finding {} {} lines {}-{}: {}",
            f.check.id,
            f.resource.as_deref().unwrap_or("-"),
            f.span.start,
            f.span.end,
            f.message
        )
        .unwrap();
    }
    out
}

fn load(name: &str) -> Loaded {
    let f = fixture(name);
    cloudformation::load(&[&f])
}

#[test]
fn intrinsics() {
    let loaded = load("intrinsics.yaml");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let db = loaded.resources.iter().find(|r| r.name == "Db").unwrap();
    assert_eq!(db.attrs.get("BackupRetentionPeriod").unwrap().as_i64(), Some(30));
    assert_eq!(
        db.attrs.get("BackupRetentionPeriod").unwrap().span.start,
        50,
        "resolved values keep the using line"
    );
    assert_eq!(db.attrs.get("KmsKeyId").unwrap().as_ref_target(), Some("Key.Arn"));
    insta::assert_snapshot!(render(&loaded));
}

#[test]
fn conditions() {
    let loaded = load("conditions.yaml");
    let names: Vec<&str> = loaded.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["DevQueue", "MaybeQueue", "Volume"], "ProdOnlyQueue's condition is false");
    insta::assert_snapshot!(render(&loaded));
}

#[test]
fn json_template() {
    let loaded = load("template.json");
    assert_eq!(loaded.inputs.len(), 1);
    assert_eq!(loaded.inputs[0].input["Resources"]["Reports"]["Type"], "AWS::S3::Bucket");
    // Trivy's shape carries the lines of every object; Conftest's is the plain template.
    assert_eq!(loaded.inputs[0].input["Resources"]["Reports"]["__defsec_metadata"]["startline"], 7);
    let conftest = loaded.inputs[0].conftest_input.as_ref().expect("Conftest's shape");
    assert!(conftest["Resources"]["Reports"].get("__defsec_metadata").is_none());
    insta::assert_snapshot!(render(&loaded));
}

#[test]
fn malformed_template_is_an_error_with_its_line() {
    let loaded = load("malformed.yaml");
    assert!(loaded.resources.is_empty());
    assert_eq!(loaded.errors.len(), 1);
    assert_eq!(loaded.errors[0].path, "malformed.yaml");
    assert!(loaded.errors[0].line >= 6, "{:?}", loaded.errors[0]);
    insta::assert_snapshot!(render(&loaded));
}

#[test]
fn not_a_template() {
    for text in ["- a\n- b\n", "Resources: [1, 2]\n", "Resources:\n  X:\n    Properties: {}\n"] {
        let f =
            SourceFile { path: "t.yaml".into(), text: text.into(), config_type: ConfigType::CloudFormation };
        let loaded = cloudformation::load(&[&f]);
        assert_eq!(loaded.errors.len(), 1, "{text}");
        assert!(loaded.errors[0].line > 0, "{text}: {:?}", loaded.errors);
    }
}

#[test]
fn whole_scan_reports_cloudformation_findings_with_snippets() {
    let out = rampart_misconfig::scan(&[fixture("template.json")]);
    let file = &out.files["template.json"];
    let public = file.misconfigurations.iter().find(|m| m.id == "RMP-AWS-0012").expect("public principal");
    assert_eq!(public.resource.as_deref(), Some("Reports"), "the bucket the policy is attached to");
    assert!(public.code.iter().any(|l| l.content.contains("\"Principal\": \"*\"")), "{:?}", public.code);
    let block = file.misconfigurations.iter().find(|m| m.id == "RMP-AWS-0003").expect("block public policy");
    assert_eq!((block.start_line, block.end_line), (Some(14), Some(14)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let f = SourceFile { path: "t.yaml".into(), text, config_type: ConfigType::CloudFormation };
        let loaded = cloudformation::load(&[&f]);
        let _ = aws::scan(&loaded.resources);
    }

    #[test]
    fn template_like_text_never_panics(
        body in proptest::collection::vec(
            prop_oneof![
                Just("  A:\n    Type: AWS::S3::Bucket\n"),
                Just("    Properties:\n"),
                Just("      AccessControl: !If [C, !Ref P, !Sub '${X}']\n"),
                Just("      BucketName: !Join [x, !Split [',', !Select [0, [a]]]]\n"),
                Just("      Tags: !FindInMap [M, !Ref AWS::Region, k]\n"),
                Just("    Condition: C\n"),
                Just("  C: !Equals [!Ref P, !Condition C]\n"),
                Just("      X: !GetAtt [A, !Ref P]\n"),
                Just("      Y: { \"Fn::Sub\": [\"${A}\", {A: !Ref A}] }\n"),
                Just("Conditions:\n"),
                Just("Resources:\n"),
                Just("Parameters:\n  P:\n    Default: !Ref P\n"),
                Just("[{\n"),
            ],
            0..16,
        )
    ) {
        let text: String = body.concat();
        let f = SourceFile { path: "t.yaml".into(), text, config_type: ConfigType::CloudFormation };
        let loaded = cloudformation::load(&[&f]);
        let _ = aws::scan(&loaded.resources);
    }
}
