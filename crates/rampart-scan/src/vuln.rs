//! The vulnerability scanner stage: packages + the advisory database → findings.

use std::collections::HashMap;

use rampart_model::{Report, Vulnerability};
use rampart_vulndb::{DbError, Match, QueryOptions, VulnDb};

/// What the stage did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VulnStats {
    /// Packages looked up (distinct ecosystem/name/version).
    pub packages_queried: usize,
    /// Packages skipped because they have no version.
    pub packages_without_version: usize,
    /// OS packages skipped because the OS release is unknown (no `etc/os-release`).
    pub os_packages_without_release: usize,
    pub findings: usize,
}

/// Adds to every result the vulnerabilities of its packages.
pub fn detect(report: &mut Report, db: &VulnDb) -> Result<VulnStats, DbError> {
    let mut stats = VulnStats::default();
    // One lookup per distinct package, whatever the number of files it appears
    // in, all in one batch (statements prepared once).
    let mut keys: Vec<(String, String, String)> = Vec::new();
    let mut index: HashMap<(String, String, String), usize> = HashMap::new();
    for result in &report.results {
        for pkg in &result.packages {
            if !matchable(pkg) {
                continue;
            }
            let key = query_key(pkg);
            if !index.contains_key(&key) {
                index.insert(key.clone(), keys.len());
                keys.push(key);
            }
        }
    }
    let queries: Vec<(&str, &str, &str)> =
        keys.iter().map(|(e, n, v)| (e.as_str(), n.as_str(), v.as_str())).collect();
    let found: Vec<Vec<Match>> = db.matches_many(&queries, QueryOptions { informational: true })?;
    stats.packages_queried = keys.len();
    for result in &mut report.results {
        for pkg in &result.packages {
            if pkg.version.is_empty() {
                stats.packages_without_version += 1;
                continue;
            }
            if !matchable(pkg) {
                stats.os_packages_without_release += 1;
                continue;
            }
            let key = query_key(pkg);
            for m in &found[index[&key]] {
                result.vulnerabilities.push(finding(m, pkg));
            }
        }
        result.vulnerabilities.sort_by(|a, b| {
            (
                a.package_name.as_str(),
                a.installed_version.as_str(),
                std::cmp::Reverse(a.severity),
                a.id.as_str(),
            )
                .cmp(&(
                    b.package_name.as_str(),
                    b.installed_version.as_str(),
                    std::cmp::Reverse(b.severity),
                    b.id.as_str(),
                ))
        });
        stats.findings += result.vulnerabilities.len();
    }
    Ok(stats)
}

/// OS packages are only looked up once the OS release is known: a bare `Debian` would match the
/// advisories of every release.
fn matchable(pkg: &rampart_model::Package) -> bool {
    !pkg.version.is_empty()
        && (!pkg.ecosystem.is_os() || pkg.distro.as_deref().is_some_and(|d| !d.is_empty()))
}

/// What a package is looked up by: OS packages by their distro release and source package (the
/// way distro advisories are keyed), language packages by name and version.
fn query_key(pkg: &rampart_model::Package) -> (String, String, String) {
    (pkg.osv_ecosystem(), pkg.advisory_name().to_string(), pkg.advisory_version().to_string())
}

fn finding(m: &Match, pkg: &rampart_model::Package) -> Vulnerability {
    let assessment = rampart_severity::assess(&m.severity, m.database_severity.as_deref());
    Vulnerability {
        id: m.id.clone(),
        aliases: m.aliases.clone(),
        package: pkg.id.clone(),
        package_name: pkg.name.clone(),
        installed_version: pkg.version.clone(),
        purl: Some(pkg.purl.clone()),
        fixed_versions: m.fixed_versions.clone(),
        severity: assessment.severity,
        severity_source: assessment.source.to_string(),
        cvss: assessment.cvss,
        kev: m.kev,
        informational: m.informational.clone(),
        summary: m.summary.clone(),
        references: m.references.clone(),
        published: m.published.clone(),
        modified: m.modified.clone(),
        locations: pkg.locations.clone(),
        layer: pkg.layer.clone(),
        status: Some(match (&m.status, m.fixed_versions.is_empty()) {
            (_, false) => "fixed".to_string(),
            (Some(state), true) => state.clone(),
            (None, true) => "affected".to_string(),
        }),
        suppressed: None,
    }
}
