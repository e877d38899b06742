//! Scans a repository's history and prints the findings and figures.
//!
//! `cargo run --release -p rampart-git --example scan_history -- REPO [SINCE]`

use std::time::Instant;

use rampart_git::{HistoryOptions, Progress, scan_history};
use rampart_secrets::Scanner;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let repo = args.next().ok_or("usage: scan_history REPO [SINCE]")?;
    let opts = HistoryOptions { since: args.next(), ..HistoryOptions::default() };
    let scanner = Scanner::with_builtin_rules()?;
    let start = Instant::now();
    // When each phase started (walk, diff, scan), from the progress reports.
    let phases = std::sync::Mutex::new([None::<f64>; 3]);
    let report = scan_history(repo.as_ref(), &scanner, &opts, &|p| {
        let i = match p {
            Progress::Walk { .. } => 0,
            Progress::Diff { .. } => 1,
            _ => 2,
        };
        let mut phases = phases.lock().unwrap_or_else(|e| e.into_inner());
        phases[i].get_or_insert(start.elapsed().as_secs_f64());
    })?;
    let secs = start.elapsed().as_secs_f64();
    let phases = phases.into_inner().unwrap_or_else(|e| e.into_inner());
    for f in &report.findings {
        println!(
            "{} {} {}:{} {} {} ({})",
            &f.commit.id[..12],
            f.commit.date,
            f.path,
            f.secret.start_line,
            f.secret.rule_id,
            f.secret.redacted,
            f.commit.author
        );
    }
    println!(
        "{} findings; {} commits, {} blobs, {:.1} MB scanned, {} skipped, {} missing in {secs:.2} s",
        report.findings.len(),
        report.commits_scanned,
        report.blobs_scanned,
        report.bytes_scanned as f64 / 1e6,
        report.skipped_blobs,
        report.missing_blobs,
    );
    println!("phases started at (s): walk {:?}, diff {:?}, scan {:?}", phases[0], phases[1], phases[2]);
    Ok(())
}
