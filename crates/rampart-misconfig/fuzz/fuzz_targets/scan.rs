//! Feeds arbitrary text to the misconfiguration scanner as each kind of configuration file (the
//! first byte picks the kind, the rest is the file). Any panic is a bug: parsers must turn hostile
//! input into a `FileError` naming the file and line.
//!
//! Run: `cd crates/rampart-misconfig/fuzz && cargo fuzz run -s none scan` (stable toolchain).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_misconfig::{ConfigType, SourceFile, scan};

const KINDS: &[(&str, ConfigType)] = &[
    ("deploy.yaml", ConfigType::Kubernetes),
    ("Dockerfile", ConfigType::Dockerfile),
    ("main.tf", ConfigType::Terraform),
    ("terraform.tfvars", ConfigType::Terraform),
    ("plan.json", ConfigType::TerraformPlan),
    ("template.yaml", ConfigType::CloudFormation),
    ("template.json", ConfigType::CloudFormation),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let (path, config_type) = KINDS[pick as usize % KINDS.len()];
    let text = String::from_utf8_lossy(rest).into_owned();
    let _ = scan(&[SourceFile { path: path.to_string(), text, config_type }]);
});
