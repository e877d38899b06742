//! The misconfiguration scanner in process: each shared IaC fixture, and a corpus of 1,000 files
//! made by repeating the fixtures under different names and directories (each Terraform copy its
//! own module). Parsing, evaluation, the cloud model, every check and the snippets are included;
//! the walk and file reads are not.
//!
//! Run: `cargo bench -p rampart-misconfig`. The CLI-level comparison with Trivy and Checkov is
//! `bench/config-vs-peers.py`.

use std::path::PathBuf;

use rampart_misconfig::{SourceFile, detect, scan};

fn main() {
    divan::main();
}

fn fixtures() -> Vec<SourceFile> {
    let iac = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/peers/fixtures/iac");
    let mut out = Vec::new();
    for rel in ["k8s/deployment.yaml", "docker/Dockerfile", "terraform/main.tf", "cfn/template.yaml"] {
        let text = std::fs::read_to_string(iac.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let config_type = detect(rel, &text).expect("a config file");
        out.push(SourceFile { path: rel.to_string(), text, config_type });
    }
    out
}

fn corpus(n: usize) -> Vec<SourceFile> {
    let base = fixtures();
    (0..n)
        .map(|i| {
            let f = &base[i % base.len()];
            let (dir, name) = f.path.split_once('/').expect("dir/name");
            SourceFile {
                path: format!("svc{i:04}/{dir}/{name}"),
                text: f.text.replace("web", &format!("web{i}")),
                config_type: f.config_type,
            }
        })
        .collect()
}

#[divan::bench(args = ["k8s", "docker", "terraform", "cfn"], sample_count = 50)]
fn fixture(bencher: divan::Bencher, kind: &str) {
    let files: Vec<SourceFile> = fixtures().into_iter().filter(|f| f.path.starts_with(kind)).collect();
    bencher.bench(|| scan(&files));
}

#[divan::bench(sample_count = 10)]
fn corpus_1000(bencher: divan::Bencher) {
    let files = corpus(1000);
    bencher.bench(|| scan(&files));
}
