//! Terraform loading: HCL modules, variables, locals, expansion, local modules, data sources,
//! plan JSON, errors, and the policy inputs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rampart_misconfig::cloud::RawResource;
use rampart_misconfig::terraform::{Loaded, load};
use rampart_misconfig::value::{Node, Span, Value};
use rampart_misconfig::{ConfigType, SourceFile, detect};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every Terraform file under `root`, with paths relative to it.
fn read_dir(root: &Path) -> Vec<SourceFile> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<SourceFile>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, root, out);
                continue;
            }
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap();
            let config_type =
                if rel.ends_with(".tfvars.json") { Some(ConfigType::Terraform) } else { detect(&rel, &text) };
            if let Some(config_type) = config_type
                && matches!(config_type, ConfigType::Terraform | ConfigType::TerraformPlan)
            {
                out.push(SourceFile { path: rel, text, config_type });
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out
}

fn load_dir(rel: &str) -> Loaded {
    let files = read_dir(&crate_dir().join(rel));
    assert!(!files.is_empty(), "no files in {rel}");
    let refs: Vec<&SourceFile> = files.iter().collect();
    load(&refs)
}

fn fixture(name: &str) -> Loaded {
    load_dir(&format!("fixtures/terraform/{name}"))
}

fn resource<'a>(loaded: &'a Loaded, name: &str) -> &'a RawResource {
    loaded.resources.iter().find(|r| r.name == name).unwrap_or_else(|| {
        panic!("no {name} in {:?}", loaded.resources.iter().map(|r| &r.name).collect::<Vec<_>>())
    })
}

fn span(s: Span) -> String {
    if s.is_known() { format!("{}-{}", s.start, s.end) } else { "?".into() }
}

fn render_value(n: &Node, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match &n.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                match &v.value {
                    Value::Map(_) | Value::Seq(_) => {
                        let _ = writeln!(out, "{pad}{k}: @{}", span(v.span));
                        render_value(v, indent + 1, out);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}{k} = {} @{}", scalar(v), span(v.span));
                    }
                }
            }
        }
        Value::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                match &v.value {
                    Value::Map(_) | Value::Seq(_) => {
                        let _ = writeln!(out, "{pad}[{i}] @{}", span(v.span));
                        render_value(v, indent + 1, out);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}[{i}] {} @{}", scalar(v), span(v.span));
                    }
                }
            }
        }
        _ => {
            let _ = writeln!(out, "{pad}{}", scalar(n));
        }
    }
}

fn scalar(n: &Node) -> String {
    match &n.value {
        Value::Null => "null".into(),
        Value::Unknown => "<unknown>".into(),
        Value::Ref(r) => format!("<ref {r}>"),
        Value::Str(s) => format!("{s:?}"),
        _ => n.to_text().unwrap_or_default(),
    }
}

/// A compact text rendering of what was loaded.
fn render(loaded: &Loaded) -> String {
    let mut out = String::new();
    for r in &loaded.resources {
        let _ = writeln!(
            out,
            "{}{} ({}) {}:{} [{}]",
            if r.data { "data " } else { "" },
            r.name,
            r.resource_type,
            r.path,
            span(r.span),
            r.source
        );
        render_value(&r.attrs, 1, &mut out);
    }
    for e in &loaded.errors {
        let _ = writeln!(out, "error {}:{}: {}", e.path, e.line, e.message);
    }
    out
}

#[test]
fn shared_fixture() {
    let loaded = load_dir("../../../shared/peers/fixtures/iac/terraform");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.resources.len() >= 5);
    let bucket = resource(&loaded, "aws_s3_bucket.data");
    assert_eq!(bucket.resource_type, "aws_s3_bucket");
    assert_eq!(bucket.path, "main.tf");
    assert_eq!(bucket.span, Span::new(5, 8));
    let acl = bucket.attrs.get("acl").unwrap();
    assert_eq!(acl.as_str(), Some("public-read"));
    assert_eq!(acl.span, Span::line(7));

    let sg = resource(&loaded, "aws_security_group.ssh");
    let ingress = sg.attrs.get("ingress").unwrap().items();
    assert_eq!(ingress.len(), 1);
    assert_eq!(ingress[0].get("from_port").unwrap().as_i64(), Some(22));
    assert_eq!(ingress[0].get("cidr_blocks").unwrap().items()[0].as_str(), Some("0.0.0.0/0"));
    assert_eq!(ingress[0].span, Span::new(13, 18));
    assert_eq!(sg.attrs.get("egress").unwrap().items().len(), 1);

    let policy = resource(&loaded, "aws_iam_policy.admin").attrs.get("policy").unwrap();
    assert_eq!(policy.span, Span::new(41, 48));
    let doc: serde_json::Value =
        serde_json::from_str(policy.as_str().expect("jsonencode is evaluated")).unwrap();
    assert_eq!(doc["Statement"][0]["Action"], "*");
    assert_eq!(doc["Statement"][0]["Effect"], "Allow");

    let db = resource(&loaded, "aws_db_instance.db");
    assert_eq!(db.attrs.get("publicly_accessible").unwrap().as_bool(), Some(true));
    assert_eq!(db.attrs.get("storage_encrypted").unwrap().as_bool(), Some(false));

    let trail = resource(&loaded, "aws_cloudtrail.trail");
    assert_eq!(trail.attrs.get("s3_bucket_name").unwrap().as_ref_target(), Some("aws_s3_bucket.data.id"));

    // One policy input per file, in Conftest's shape.
    assert_eq!(loaded.inputs.len(), 1);
    let input = &loaded.inputs[0].input;
    assert_eq!(input["resource"]["aws_s3_bucket"]["data"][0]["acl"], "public-read");
    assert_eq!(input["provider"]["aws"][0]["region"], "us-east-1");
    let raw = loaded.inputs[0].conftest_input.as_ref().unwrap();
    assert_eq!(raw["resource"]["aws_cloudtrail"]["trail"][0]["s3_bucket_name"], "${aws_s3_bucket.data.id}");
    assert!(
        raw["resource"]["aws_iam_policy"]["admin"][0]["policy"]
            .as_str()
            .unwrap()
            .starts_with("${jsonencode(")
    );
    insta::assert_snapshot!("shared", render(&loaded));
}

#[test]
fn variables_tfvars_and_locals() {
    let loaded = fixture("variables");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let bucket = resource(&loaded, "aws_s3_bucket.logs");
    // terraform.tfvars, then prod.auto.tfvars (which wins for `environment`).
    assert_eq!(bucket.attrs.get("bucket").unwrap().as_str(), Some("acme-prod-logs"));
    assert_eq!(bucket.attrs.get("acl").unwrap().as_str(), Some("public-read"));
    assert_eq!(bucket.attrs.get("acl").unwrap().span, Span::line(17));
    let tags = bucket.attrs.get("tags").unwrap();
    assert_eq!(tags.get("Environment").unwrap().as_str(), Some("PROD"));
    assert_eq!(tags.get("Name").unwrap().as_str(), Some("acme-prod-logs"));
    let sse = bucket
        .attrs
        .at(&["server_side_encryption_configuration"])
        .and_then(|n| n.items().first())
        .and_then(|n| n.get("rule"))
        .and_then(|n| n.items().first())
        .and_then(|n| n.get("apply_server_side_encryption_by_default"))
        .and_then(|n| n.items().first())
        .and_then(|n| n.get("sse_algorithm"))
        .unwrap();
    assert_eq!(sse.as_str(), Some("aws:kms"));

    let sg = resource(&loaded, "aws_security_group.admin");
    assert_eq!(sg.attrs.get("name").unwrap().as_str(), Some("acme-prod-admin"));
    assert_eq!(sg.attrs.get("description").unwrap().as_str(), Some("admin from 0.0.0.0/0"));
    assert_eq!(sg.attrs.get("vpc_id").unwrap().as_ref_target(), Some("aws_vpc.main.id"));
    let ingress = &sg.attrs.get("ingress").unwrap().items()[0];
    assert_eq!(ingress.get("from_port").unwrap().as_i64(), Some(22));
    assert_eq!(ingress.get("cidr_blocks").unwrap().items()[0].as_str(), Some("0.0.0.0/0"));

    // A variable without a default or value is unknown, and so is what uses it.
    let param = resource(&loaded, "aws_ssm_parameter.cli");
    assert!(matches!(param.attrs.get("value").unwrap().value, Value::Unknown));
    assert_eq!(param.attrs.get("name").unwrap().as_str(), Some("/acme-prod/token"));
    // Inputs: the .tf files and the .tfvars files.
    let paths: Vec<&str> = loaded.inputs.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["main.tf", "prod.auto.tfvars", "terraform.tfvars", "variables.tf"]);
    assert_eq!(loaded.inputs[1].input["allowed_cidrs"][0], "0.0.0.0/0");
    let main = &loaded.inputs[0];
    assert_eq!(main.input["resource"]["aws_s3_bucket"]["logs"][0]["acl"], "public-read");
    assert_eq!(
        main.conftest_input.as_ref().unwrap()["resource"]["aws_s3_bucket"]["logs"][0]["acl"],
        "${var.bucket_acl}"
    );
    assert_eq!(loaded.inputs[3].input["variable"]["from_cli"][0]["type"], "string");
    insta::assert_snapshot!("variables", render(&loaded));
}

#[test]
fn count_for_each_and_dynamic_blocks() {
    let loaded = fixture("expansion");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let names: Vec<&str> = loaded.resources.iter().map(|r| r.name.as_str()).collect();
    assert!(names.contains(&"aws_instance.web[0]") && names.contains(&"aws_instance.web[1]"), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("aws_instance.disabled")), "count = 0 gives no instance");
    let web1 = resource(&loaded, "aws_instance.web[1]");
    assert_eq!(web1.attrs.at(&["tags", "Name"]).unwrap().as_str(), Some("web-1"));
    assert_eq!(
        web1.attrs.get("metadata_options").unwrap().items()[0].get("http_tokens").unwrap().as_str(),
        Some("optional")
    );
    let web0 = resource(&loaded, "aws_instance.web[0]");
    assert_eq!(
        web0.attrs.get("metadata_options").unwrap().items()[0].get("http_tokens").unwrap().as_str(),
        Some("required")
    );

    let logs = resource(&loaded, "aws_s3_bucket.by_name[\"logs\"]");
    assert_eq!(logs.attrs.get("acl").unwrap().as_str(), Some("log-delivery-write"));
    assert_eq!(logs.attrs.get("bucket").unwrap().as_str(), Some("acme-logs"));
    let data = resource(&loaded, "aws_s3_bucket.by_name[\"data\"]");
    assert_eq!(
        data.attrs.get("versioning").unwrap().items()[0].get("enabled").unwrap().as_bool(),
        Some(true)
    );
    assert_eq!(
        resource(&loaded, "aws_iam_user.people[\"alice\"]").attrs.get("name").unwrap().as_str(),
        Some("alice")
    );
    assert_eq!(loaded.resources.iter().filter(|r| r.name.starts_with("aws_iam_user.people")).count(), 2);

    // Unknown count: one instance, count.index unknown.
    let unknown = resource(&loaded, "aws_instance.unknown_count");
    assert!(matches!(unknown.attrs.get("ami").unwrap().value, Value::Unknown));

    let sg = resource(&loaded, "aws_security_group.dynamic");
    let ingress = sg.attrs.get("ingress").unwrap().items();
    assert_eq!(ingress.len(), 2);
    assert_eq!(ingress[1].get("from_port").unwrap().as_i64(), Some(3389));
    let egress = sg.attrs.get("egress").unwrap().items();
    assert_eq!(egress[0].get("description").unwrap().as_str(), Some("egress all"));
    assert_eq!(egress[0].get("protocol").unwrap().as_str(), Some("-1"));
    assert!(sg.attrs.get("lifecycle").is_none());
    insta::assert_snapshot!("expansion", render(&loaded));
}

#[test]
fn local_module_with_variables() {
    let loaded = fixture("modules");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let sg = resource(&loaded, "module.web_sg.aws_security_group.this");
    assert_eq!(sg.path, "modules/web_sg/main.tf");
    assert_eq!(sg.span, Span::new(1, 12));
    assert_eq!(sg.attrs.get("name").unwrap().as_str(), Some("web-sg"));
    assert_eq!(sg.attrs.get("description").unwrap().as_str(), Some("Managed by modules/web_sg"));
    let cidrs = sg.attrs.get("ingress").unwrap().items()[0].get("cidr_blocks").unwrap();
    assert_eq!(cidrs.items()[0].as_str(), Some("0.0.0.0/0"), "the call's argument overrides the default");
    assert_eq!(cidrs.span, Span::line(10), "spans point into the module's file");
    let rule = resource(&loaded, "module.web_sg.aws_security_group_rule.http[0]");
    assert_eq!(
        rule.attrs.get("security_group_id").unwrap().as_ref_target(),
        Some("module.web_sg.aws_security_group.this.id")
    );

    let web = resource(&loaded, "aws_instance.web");
    assert_eq!(web.attrs.at(&["tags", "SecurityGroupName"]).unwrap().as_str(), Some("web-sg"));
    assert_eq!(
        web.attrs.get("vpc_security_group_ids").unwrap().items()[0].as_ref_target(),
        Some("module.web_sg.aws_security_group.this.id")
    );
    assert_eq!(web.attrs.at(&["tags", "EnvB"]).unwrap().as_str(), Some("env-b-sg"));
    let per_env = resource(&loaded, "module.per_env[\"a\"].aws_security_group.this");
    assert_eq!(per_env.attrs.get("name").unwrap().as_str(), Some("env-a-sg"));
    assert_eq!(
        per_env.attrs.get("ingress").unwrap().items()[0].get("cidr_blocks").unwrap().items()[0].as_str(),
        Some("10.0.0.0/8"),
        "the variable's default"
    );
    assert!(!loaded.resources.iter().any(|r| r.name.starts_with("module.disabled")));
    assert!(
        !loaded
            .resources
            .iter()
            .any(|r| r.name.contains("aws_security_group_rule") && r.name.starts_with("module.per_env")),
        "enable_http defaults to false: count = 0"
    );
    // The module directory is not a root module of its own.
    assert!(!loaded.resources.iter().any(|r| r.name == "aws_security_group.this"));
    // Inputs: one per .tf file, module files included.
    assert_eq!(loaded.inputs.len(), 4);
    insta::assert_snapshot!("modules", render(&loaded));
}

#[test]
fn iam_policy_document_data_source() {
    let loaded = fixture("iam");
    let doc = resource(&loaded, "data.aws_iam_policy_document.admin");
    assert!(doc.data);
    assert_eq!(doc.resource_type, "aws_iam_policy_document");
    let statements = doc.attrs.get("statement").unwrap().items();
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[0].get("actions").unwrap().items()[0].as_str(), Some("*"));
    assert_eq!(statements[0].get("effect").unwrap().span, Span::line(4));
    assert_eq!(
        statements[1].get("resources").unwrap().items()[0].as_str(),
        Some("${aws_s3_bucket.data.arn}/*")
    );
    let principals = statements[1].get("principals").unwrap().items();
    assert_eq!(principals[0].get("identifiers").unwrap().items()[0].as_str(), Some("*"));
    // The rendered document, as the provider writes it.
    let json = doc.attrs.get("json").unwrap();
    assert_eq!(json.span, doc.span);
    let rendered: serde_json::Value = serde_json::from_str(json.as_str().unwrap()).unwrap();
    assert_eq!(rendered["Version"], "2012-10-17");
    assert_eq!(rendered["Statement"][0]["Action"], "*");
    assert_eq!(rendered["Statement"][0]["Resource"], "*");
    assert_eq!(rendered["Statement"][0]["Sid"], "Everything");
    assert_eq!(rendered["Statement"][1]["Effect"], "Allow");
    assert_eq!(rendered["Statement"][1]["Principal"]["AWS"], "*");
    assert_eq!(rendered["Statement"][1]["Resource"], "${aws_s3_bucket.data.arn}/*");
    let policy = resource(&loaded, "aws_iam_policy.admin");
    assert_eq!(
        policy.attrs.get("policy").unwrap().as_ref_target(),
        Some("data.aws_iam_policy_document.admin.json")
    );
    let inline = resource(&loaded, "aws_iam_role_policy.inline");
    let text = inline.attrs.get("policy").unwrap().as_str().unwrap();
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(json["Statement"][0]["Action"], "iam:*");
    insta::assert_snapshot!("iam", render(&loaded));
}

#[test]
fn plan_json() {
    let loaded = fixture("plan");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.resources.len(), 5);
    assert!(loaded.resources.iter().all(|r| r.source == ConfigType::TerraformPlan));
    let sg = resource(&loaded, "aws_security_group.ssh");
    assert_eq!(sg.attrs.get("ingress").unwrap().items()[0].get("from_port").unwrap().as_i64(), Some(22));
    let bucket = resource(&loaded, "aws_s3_bucket.logs");
    assert!(matches!(bucket.attrs.get("acl").unwrap().value, Value::Unknown), "after_unknown");
    assert_eq!(bucket.attrs.at(&["tags", "Environment"]).unwrap().as_str(), Some("prod"));
    let db = resource(&loaded, "module.db.aws_db_instance.this[0]");
    assert_eq!(db.attrs.get("publicly_accessible").unwrap().as_bool(), Some(true));
    assert!(matches!(db.attrs.get("kms_key_id").unwrap().value, Value::Unknown));
    let doc = resource(&loaded, "module.db.data.aws_iam_policy_document.monitoring");
    assert!(doc.data);
    assert_eq!(loaded.inputs.len(), 1);
    assert_eq!(loaded.inputs[0].config_type, ConfigType::TerraformPlan);
    assert_eq!(loaded.inputs[0].input["terraform_version"], "1.9.5");
    insta::assert_snapshot!("plan", render(&loaded));
}

#[test]
fn malformed_file_is_an_error_and_others_load() {
    let loaded = fixture("malformed");
    assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
    let err = &loaded.errors[0];
    assert_eq!(err.path, "broken.tf");
    assert!((7..=8).contains(&err.line), "{err:?}");
    let good = resource(&loaded, "aws_s3_bucket.good");
    assert_eq!(good.attrs.get("acl").unwrap().as_str(), Some("public-read"));
    assert_eq!(loaded.inputs.len(), 1);
    insta::assert_snapshot!("malformed", render(&loaded));
}

#[test]
fn terraform_json_syntax() {
    let loaded = fixture("tfjson");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let b = resource(&loaded, "aws_s3_bucket.json_bucket");
    assert_eq!(b.attrs.get("acl").unwrap().as_str(), Some("public-read-write"));
    assert_eq!(b.attrs.at(&["tags", "Team"]).unwrap().as_str(), Some("platform"));
    assert_eq!(b.attrs.get("versioning").unwrap().items()[0].get("enabled").unwrap().as_bool(), Some(false));
    assert_eq!(loaded.inputs.len(), 1);
    assert_eq!(loaded.inputs[0].input["resource"]["aws_s3_bucket"]["json_bucket"]["acl"], "${var.acl}");
}

#[test]
fn plan_and_hcl_errors_do_not_stop_the_rest() {
    let files = [
        SourceFile {
            path: "plan.json".into(),
            text: "{\"terraform_version\": ".into(),
            config_type: ConfigType::TerraformPlan,
        },
        SourceFile {
            path: "a/main.tf".into(),
            text: "resource \"x\" \"y\" {\n  a = 1\n}\n".into(),
            config_type: ConfigType::Terraform,
        },
        SourceFile {
            path: "b/main.tf".into(),
            text: "resource \"x\" {{\n".into(),
            config_type: ConfigType::Terraform,
        },
    ];
    let refs: Vec<&SourceFile> = files.iter().collect();
    let loaded = load(&refs);
    assert_eq!(loaded.errors.len(), 2);
    assert_eq!(loaded.resources.len(), 1);
    assert_eq!(loaded.resources[0].name, "x.y");
}

#[test]
fn many_modules_load_quickly() {
    // 1,500 files in 500 directories, each calling a shared module: linear work.
    let mut files = vec![SourceFile {
        path: "modules/common/main.tf".into(),
        text: "variable \"n\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b-${var.n}\"\n}\noutput \"name\" { value = aws_s3_bucket.b.id }\n".into(),
        config_type: ConfigType::Terraform,
    }];
    for i in 0..500 {
        for f in 0..3 {
            files.push(SourceFile {
                path: format!("envs/e{i}/f{f}.tf"),
                text: format!(
                    "locals {{\n  name{f} = \"env-{i}-{f}\"\n}}\nmodule \"m{f}\" {{\n  source = \"../../modules/common\"\n  n = local.name{f}\n}}\nresource \"aws_instance\" \"i{f}\" {{\n  count = 2\n  ami = \"ami-${{count.index}}\"\n  tags = {{ Name = local.name{f} }}\n}}\n"
                ),
                config_type: ConfigType::Terraform,
            });
        }
    }
    let refs: Vec<&SourceFile> = files.iter().collect();
    let start = std::time::Instant::now();
    let loaded = load(&refs);
    let took = start.elapsed();
    assert_eq!(loaded.resources.len(), 500 * 3 * 3);
    assert!(took.as_secs() < 20, "took {took:?}");
    let b = resource(&loaded, "module.m2.aws_s3_bucket.b");
    assert_eq!(b.path, "modules/common/main.tf");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let files = [SourceFile { path: "x.tf".into(), text, config_type: ConfigType::Terraform }];
        let refs: Vec<&SourceFile> = files.iter().collect();
        let _ = load(&refs);
    }

    #[test]
    fn hcl_like_text_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("resource \"a\" \"b\" {"), Just("}"), Just("count = "), Just("for_each = "),
                Just("var.x"), Just("local.y"), Just("locals {"), Just("y = local.y"), Just("\"${"),
                Just("[for v in "), Just(": v]"), Just("dynamic \"d\" {"), Just("content {"),
                Just("module \"m\" { source = \"./\" }"), Just("\n"), Just("1 / 0"), Just("-"),
                Just("jsonencode("), Just(")"), Just("%{ if true }"), Just("%{ endif }"), Just("\"")
            ],
            0..40,
        )
    ) {
        let text: String = parts.concat();
        let files = [
            SourceFile { path: "m/main.tf".into(), text: text.clone(), config_type: ConfigType::Terraform },
            SourceFile { path: "m/terraform.tfvars".into(), text, config_type: ConfigType::Terraform },
        ];
        let refs: Vec<&SourceFile> = files.iter().collect();
        let _ = load(&refs);
    }
}
