use super::*;

fn src(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: text.into(),
        config_type: crate::detect(path, text).unwrap_or(ConfigType::Terraform),
    }
}

fn load_all(files: &[SourceFile]) -> Loaded {
    let refs: Vec<&SourceFile> = files.iter().collect();
    load(&refs)
}

#[test]
fn expressions() {
    assert_eq!(eval_text("1 + 2 * 3").value, Value::Int(7));
    assert_eq!(eval_text("5 / 2").value, Value::Float(2.5));
    assert_eq!(eval_text("\"a-${1 + 1}\"").as_str(), Some("a-2"));
    assert_eq!(eval_text("true && !false ? \"y\" : \"n\"").as_str(), Some("y"));
    assert_eq!(eval_text("[for x in [1, 2, 3] : x * 2 if x > 1]").to_json(), serde_json::json!([4, 6]));
    assert_eq!(
        eval_text("{for k, v in {a = 1, b = 2} : v => k}").to_json(),
        serde_json::json!({"1": "a", "2": "b"})
    );
    assert_eq!(eval_text("[{a = 1}, {a = 2}][*].a").to_json(), serde_json::json!([1, 2]));
    assert_eq!(eval_text("\"%{if true}yes%{else}no%{endif}\"").as_str(), Some("yes"));
    assert_eq!(eval_text("\"%{for x in [\"a\", \"b\"]}${x},%{endfor}\"").as_str(), Some("a,b,"));
    assert_eq!(eval_text("aws_s3_bucket.data.id").value, Value::Ref("aws_s3_bucket.data.id".into()));
    assert_eq!(eval_text("aws_instance.web[0].id").value, Value::Ref("aws_instance.web[0].id".into()));
    assert_eq!(
        eval_text("data.aws_caller_identity.me.account_id").value,
        Value::Ref("data.aws_caller_identity.me.account_id".into())
    );
    assert!(matches!(eval_text("var.missing").value, Value::Unknown));
    assert!(matches!(eval_text("upper(aws_s3_bucket.x.id)").value, Value::Unknown));
    assert_eq!(eval_text("merge({a = 1}, {b = 2})").to_json(), serde_json::json!({"a": 1, "b": 2}));
    assert_eq!(eval_text("try(var.nope.x, \"fallback\")").as_str(), Some("fallback"));
    assert_eq!(eval_text("jsonencode({b = 1, a = [\"x\"]})").as_str(), Some(r#"{"a":["x"],"b":1}"#));
    assert_eq!(
        eval_text("jsonencode({r = aws_s3_bucket.b.arn, u = var.nope})").as_str(),
        Some(r#"{"r":"${aws_s3_bucket.b.arn}","u":null}"#)
    );
    assert_eq!(eval_text("length(split(\",\", \"a,b,c\"))").value, Value::Int(3));
    assert_eq!(eval_text("<<-EOT\n    hello\n      world\n    EOT").as_str(), Some("hello\n  world\n"));
}

#[test]
fn spans_and_blocks() {
    let text = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  acl    = \"public-read\"\n  versioning {\n    enabled = true\n  }\n}\n";
    let out = load_all(&[src("main.tf", text)]);
    assert_eq!(out.resources.len(), 1);
    let r = &out.resources[0];
    assert_eq!(r.name, "aws_s3_bucket.b");
    assert_eq!(r.span, Span::new(1, 7));
    let acl = r.attrs.get("acl").unwrap();
    assert_eq!(acl.span, Span::line(3));
    let v = r.attrs.get("versioning").unwrap();
    assert_eq!(v.items().len(), 1);
    assert_eq!(v.span, Span::new(4, 6));
    assert_eq!(v.items()[0].get("enabled").unwrap().as_bool(), Some(true));
    let input = &out.inputs[0];
    assert_eq!(input.input["resource"]["aws_s3_bucket"]["b"][0]["acl"], "public-read");
    assert_eq!(input.input["resource"]["aws_s3_bucket"]["b"][0]["versioning"][0]["enabled"], true);
}

#[test]
fn syntax_error_names_the_line() {
    let out = load_all(&[
        src("bad.tf", "resource \"a\" \"b\" {\n  x = \n}\n"),
        src("ok.tf", "resource \"a\" \"c\" {}\n"),
    ]);
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].path, "bad.tf");
    assert!(out.errors[0].line >= 2, "{:?}", out.errors[0]);
    assert_eq!(out.resources.len(), 1);
}

#[test]
fn local_cycles_are_unknown() {
    let text = "locals {\n  a = local.b\n  b = local.a\n  c = \"ok-${local.d}\"\n  d = 1\n}\nresource \"x\" \"y\" {\n  a = local.a\n  c = local.c\n}\n";
    let out = load_all(&[src("main.tf", text)]);
    let r = &out.resources[0];
    assert!(matches!(r.attrs.get("a").unwrap().value, Value::Unknown));
    assert_eq!(r.attrs.get("c").unwrap().as_str(), Some("ok-1"));
    assert_eq!(r.attrs.get("c").unwrap().span, Span::line(9));
}

#[test]
fn conftest_raw_shape() {
    let text = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"${var.name}-x\"\n  n = 4 - 2\n  r = aws_kms_key.k.arn\n  neg = -1\n  c = \"a${var.x ? \"b\" : \"\"}\"\n}\nprovider \"aws\" {\n  region = \"us-east-1\"\n}\nvariable \"v\" {\n  type = list(string)\n}\n";
    let out = load_all(&[src("main.tf", text)]);
    let raw = out.inputs[0].conftest_input.as_ref().expect("differs from evaluated");
    assert_eq!(raw["resource"]["aws_s3_bucket"]["b"][0]["bucket"], "${var.name}-x");
    assert_eq!(raw["resource"]["aws_s3_bucket"]["b"][0]["n"], "${4 - 2}");
    assert_eq!(raw["resource"]["aws_s3_bucket"]["b"][0]["r"], "${aws_kms_key.k.arn}");
    assert_eq!(raw["provider"]["aws"][0]["region"], "us-east-1");
    assert_eq!(raw["resource"]["aws_s3_bucket"]["b"][0]["neg"], -1);
    assert_eq!(raw["resource"]["aws_s3_bucket"]["b"][0]["c"], "a%{if var.x}b%{endif}");
    assert_eq!(raw["variable"]["v"][0]["type"], "list(string)");
    assert_eq!(out.inputs[0].input["resource"]["aws_s3_bucket"]["b"][0]["n"], 2);
}

#[test]
fn deep_nesting_is_not_a_crash() {
    for open in ["[", "{", "(", "!", "-", "[for x in ", "a {\n"] {
        let text = format!("x = {}", open.repeat(20_000));
        let out = load_all(&[src("deep.tf", &text)]);
        assert_eq!(out.errors.len(), 1, "{open}");
    }
    // A chain of 5,000 locals: the far end is too deep to follow, and nothing overflows.
    let mut text = String::from("locals {\n");
    for i in 0..5000 {
        text.push_str(&format!("  l{i} = local.l{}\n", i + 1));
    }
    text.push_str("  l5000 = 1\n}\nresource \"x\" \"y\" {\n  v = local.l0\n  w = local.l4990\n}\n");
    let out = load_all(&[src("chain.tf", &text)]);
    assert_eq!(out.resources.len(), 1);
    assert!(matches!(out.resources[0].attrs.get("v").unwrap().value, Value::Unknown));
    assert_eq!(out.resources[0].attrs.get("w").unwrap().as_i64(), Some(1));
}

#[test]
fn deep_expressions_in_long_local_chains() {
    let mut text = String::from("locals {\n");
    for i in 0..200 {
        let open = "[".repeat(60);
        let close = "]".repeat(60);
        text.push_str(&format!("  l{i} = {open}local.l{}{close}\n", i + 1));
    }
    text.push_str("  l200 = 1\n}\nresource \"x\" \"y\" {\n  v = local.l0\n}\n");
    // With room to spare: a quarter of a spawned thread's default stack.
    let out = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || load_all(&[src("chain.tf", &text)]))
        .unwrap()
        .join()
        .unwrap();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.resources.len(), 1);
}

#[test]
fn more_functions() {
    assert_eq!(eval_text("alltrue([true, 1 == 1])").value, Value::Bool(true));
    assert_eq!(eval_text("sum([1, 2, 3])").value, Value::Int(6));
    assert_eq!(eval_text("sort([\"b\", \"a\"])").to_json(), serde_json::json!(["a", "b"]));
    assert_eq!(
        eval_text("formatlist(\"%s:%d\", [\"a\", \"b\"], [1, 2])").to_json(),
        serde_json::json!(["a:1", "b:2"])
    );
    assert_eq!(eval_text("setsubtract([1, 2, 3], [2])").to_json(), serde_json::json!([1, 3]));
    assert_eq!(eval_text("slice([1, 2, 3], 1, 3)").to_json(), serde_json::json!([2, 3]));
    assert_eq!(eval_text("regex(\"[0-9]+\", \"ab12c\")").as_str(), Some("12"));
    assert_eq!(eval_text("ceil(1.2)").value, Value::Int(2));
    assert_eq!(eval_text("\"$${literal}\"").as_str(), Some("${literal}"));
}

#[test]
fn uninstantiated_module_is_checked_as_a_root() {
    let out = load_all(&[
        src("root/main.tf", "module \"m\" {\n  source = \"../mod\"\n  count  = 0\n}\n"),
        src(
            "mod/main.tf",
            "variable \"acl\" {\n  default = \"private\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n",
        ),
    ]);
    assert_eq!(out.resources.len(), 1);
    assert_eq!(out.resources[0].name, "aws_s3_bucket.b");
    assert_eq!(out.resources[0].attrs.get("acl").unwrap().as_str(), Some("private"));
    assert_eq!(out.inputs.len(), 2);
}

#[test]
fn bom_and_crlf() {
    let text = "\u{feff}resource \"aws_s3_bucket\" \"b\" {\r\n  acl = \"public-read\"\r\n}\r\n";
    let out = load_all(&[src("main.tf", text)]);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let acl = out.resources[0].attrs.get("acl").unwrap();
    assert_eq!(acl.as_str(), Some("public-read"));
    assert_eq!(acl.span, Span::line(2));
    assert_eq!(out.resources[0].span, Span::new(1, 3));
}

#[test]
fn evaluated_input_falls_back_to_conftest_text() {
    let text = "resource \"x\" \"y\" {\n  tags = { a = var.nope, b = \"k\" }\n  ids = [aws_vpc.v.id, \"z\"]\n  n = 1 + 1\n}\n";
    let out = load_all(&[src("main.tf", text)]);
    let body = &out.inputs[0].input["resource"]["x"]["y"][0];
    assert_eq!(body["tags"]["a"], "${var.nope}");
    assert_eq!(body["ids"], serde_json::json!(["${aws_vpc.v.id}", "z"]));
    assert_eq!(body["n"], 2);
}

#[test]
fn huge_loops_stop() {
    let text = "locals {\n  big = [for a in range(10000) : [for b in range(10000) : b]]\n}\nresource \"x\" \"y\" {\n  v = length(local.big)\n  w = substr(\"abc\", 1, 9223372036854775807)\n  r = range(9223372036854775806, 9223372036854775807, 5)\n}\n";
    let start = std::time::Instant::now();
    let out = load_all(&[src("main.tf", text)]);
    assert!(start.elapsed().as_secs() < 30);
    assert_eq!(out.resources.len(), 1);
    assert_eq!(out.resources[0].attrs.get("w").unwrap().as_str(), Some("bc"));
    assert_eq!(out.resources[0].attrs.get("r").unwrap().items().len(), 1);
}

#[test]
fn policy_document_merges_source_documents() {
    let text = "data \"aws_iam_policy_document\" \"d\" {\n  source_policy_documents = [jsonencode({Statement = [{Effect = \"Allow\", Action = \"iam:*\", Resource = \"*\"}]})]\n  statement {\n    actions = [\"s3:GetObject\", \"s3:PutObject\"]\n    resources = [\"*\"]\n    condition {\n      test = \"Bool\"\n      variable = \"aws:SecureTransport\"\n      values = [\"true\"]\n    }\n  }\n}\ndata \"aws_iam_policy_document\" \"unknown\" {\n  source_policy_documents = [data.aws_iam_policy_document.other.json]\n}\n";
    let out = load_all(&[src("main.tf", text)]);
    let json: serde_json::Value =
        serde_json::from_str(out.resources[0].attrs.get("json").unwrap().as_str().unwrap()).unwrap();
    assert_eq!(json["Statement"][0]["Action"], "iam:*");
    assert_eq!(json["Statement"][1]["Action"], serde_json::json!(["s3:GetObject", "s3:PutObject"]));
    assert_eq!(json["Statement"][1]["Condition"]["Bool"]["aws:SecureTransport"], "true");
    assert!(matches!(out.resources[1].attrs.get("json").unwrap().value, Value::Unknown));
}

#[test]
fn template_strip_markers() {
    let t = "<<-EOT\n  [\n  %{~ for i, x in [\"a\", \"b\"] ~}\n    \"${x}\"%{ if i == 0 },%{ endif }\n  %{~ endfor ~}\n  ]\n  EOT";
    let v = eval_text(t);
    let text = v.as_str().expect("known");
    assert_eq!(text, "[\"a\",\"b\"]\n");
    assert_eq!(eval_text("\"a ${~ \"b\" ~} c\"").as_str(), Some("abc"));
}
