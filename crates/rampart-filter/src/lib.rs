//! The filters every Rampart scanner shares: keep only some severities, drop findings without a
//! fix, and suppress findings named by an ignore file (`.rampartignore.yaml` or Trivy's
//! `.trivyignore`) or by VEX documents (OpenVEX, CycloneDX VEX).
//!
//! Vulnerabilities go through every filter. Misconfigurations go through the severity filter and
//! the ignore file (`misconfigurations` entries, and plain `.trivyignore` ids); "ignore unfixed"
//! and VEX do not apply to them. Misconfigurations the scanner already marked (inline
//! suppression comments in the scanned file, kind `inline`) are dropped like other suppressed
//! findings unless the user asks to see them, and counted in [`FilterOutcome::inline`].
//!
//! [`apply`] edits a [`Report`] in place and returns a [`FilterOutcome`]: how many findings each
//! filter removed and [`Notice`]s the CLI prints (expired ignore entries, entries that matched
//! nothing). Severity and ignore-unfixed filtering just remove findings; ignore-file and VEX
//! matches are *suppressions*: removed, or kept with [`rampart_model::Vulnerability::suppressed`] set when the
//! user asks to see them.
//!
//! Order, per finding: severity, then ignore-unfixed, then the ignore file, then VEX. A finding
//! is counted under the first filter that removes it. Ignore entries are matched against every
//! finding before any filter runs, so an entry is not reported as unused just because its
//! finding was below the requested severity.
//!
//! The library never prints and never reads the clock: `today` is an input.

use std::fmt;

use rampart_model::{Report, Severity, Suppression};
use time::Date;

mod ignore;
mod purl;
mod vex;
mod yaml;

pub use ignore::{EntryKind, Expiry, IgnoreEntry, IgnoreFile, IgnoreFormat};
pub use purl::PurlPattern;
pub use vex::{VexDocument, VexFormat, VexStatement};

/// An ignore file or VEX document that could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid { path: String, line: Option<u32>, message: String },
}

impl LoadError {
    pub(crate) fn invalid(path: &str, line: Option<u32>, message: impl Into<String>) -> Self {
        LoadError::Invalid { path: path.to_string(), line, message: message.into() }
    }

    /// The file concerned.
    pub fn path(&self) -> &str {
        match self {
            LoadError::Read { path, .. } | LoadError::Invalid { path, .. } => path,
        }
    }

    /// The 1-based line concerned, when known.
    pub fn line(&self) -> Option<u32> {
        match self {
            LoadError::Read { .. } => None,
            LoadError::Invalid { line, .. } => *line,
        }
    }
}

/// Something the user should hear about a filter input (not an error): an expired ignore entry,
/// an entry that matched nothing, a section not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The ignore file or VEX document.
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// What to filter.
#[derive(Debug, Clone)]
pub struct FilterOptions {
    /// Keep only findings (vulnerabilities and misconfigurations) of these severities (`None`:
    /// all).
    pub severities: Option<Vec<Severity>>,
    /// Drop vulnerabilities that no version fixes yet.
    pub ignore_unfixed: bool,
    pub ignore_file: Option<IgnoreFile>,
    pub vex: Vec<VexDocument>,
    /// Keep suppressed findings, marked with [`rampart_model::Vulnerability::suppressed`].
    pub show_suppressed: bool,
    /// The day ignore-entry expiry is judged against (the caller's clock; injected for tests).
    pub today: Date,
}

impl FilterOptions {
    /// No filtering at all, as of `today`.
    pub fn new(today: Date) -> Self {
        FilterOptions {
            severities: None,
            ignore_unfixed: false,
            ignore_file: None,
            vex: Vec::new(),
            show_suppressed: false,
            today,
        }
    }
}

/// What [`apply`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterOutcome {
    /// Removed because their severity was not requested.
    pub by_severity: usize,
    /// Removed because no fixed version is known (vulnerabilities only).
    pub unfixed: usize,
    /// Suppressed by an ignore-file entry (vulnerabilities and misconfigurations).
    pub ignored: usize,
    /// Suppressed by a VEX statement.
    pub vex: usize,
    /// Misconfigurations the scanner marked suppressed by an inline comment in the scanned file
    /// (kind `inline`); kept, marked, only with `show_suppressed`.
    pub inline: usize,
    /// To print, in order: notices of the inputs, then expired and unused ignore entries.
    pub notices: Vec<Notice>,
}

impl FilterOutcome {
    /// Findings suppressed (ignore file, VEX and inline comments).
    pub fn suppressed(&self) -> usize {
        self.ignored + self.vex + self.inline
    }
}

/// A finding the ignore file and the severity filter apply to alike (misconfigurations,
/// secrets; vulnerabilities have more filters and are handled on their own).
trait Finding {
    fn severity(&self) -> Severity;
    fn suppressed(&self) -> Option<&Suppression>;
    fn suppress(&mut self, suppression: Suppression);
}

impl Finding for rampart_model::Misconfiguration {
    fn severity(&self) -> Severity {
        self.severity
    }
    fn suppressed(&self) -> Option<&Suppression> {
        self.suppressed.as_ref()
    }
    fn suppress(&mut self, suppression: Suppression) {
        self.suppressed = Some(suppression);
    }
}

impl Finding for rampart_model::Secret {
    fn severity(&self) -> Severity {
        self.severity
    }
    fn suppressed(&self) -> Option<&Suppression> {
        self.suppressed.as_ref()
    }
    fn suppress(&mut self, suppression: Suppression) {
        self.suppressed = Some(suppression);
    }
}

/// The ignore entries and how many findings each matched while in force / after expiry.
struct Hits<'a> {
    entries: &'a [ignore::IgnoreEntry],
    active: &'a mut [usize],
    expired: &'a mut [usize],
}

/// Applies the ignore file (entries `matches` accepts) and the severity filter to `findings`.
/// Findings already suppressed (inline comments, an earlier filter) are kept only with
/// `show_suppressed`; inline ones are counted.
fn filter_findings<T: Finding>(
    findings: Vec<T>,
    options: &FilterOptions,
    outcome: &mut FilterOutcome,
    hits: &mut Hits<'_>,
    matches: impl Fn(&ignore::IgnoreEntry, &T) -> bool,
) -> Vec<T> {
    let mut kept = Vec::with_capacity(findings.len());
    for mut f in findings {
        if let Some(s) = f.suppressed() {
            if s.kind == "inline" {
                outcome.inline += 1;
            }
            if options.show_suppressed {
                kept.push(f);
            }
            continue;
        }
        let mut ignored_by = None;
        for (i, entry) in hits.entries.iter().enumerate() {
            if matches(entry, &f) {
                if entry.applies_on(options.today) {
                    hits.active[i] += 1;
                    ignored_by.get_or_insert(entry);
                } else {
                    hits.expired[i] += 1;
                }
            }
        }
        if options.severities.as_ref().is_some_and(|s| !s.contains(&f.severity())) {
            outcome.by_severity += 1;
            continue;
        }
        match ignored_by {
            Some(entry) => {
                outcome.ignored += 1;
                if options.show_suppressed {
                    let file = options.ignore_file.as_ref().map_or("", |f| f.path.as_str());
                    f.suppress(Suppression {
                        kind: "ignore-file".into(),
                        source: format!("{file}:{}", entry.line),
                        reason: entry.reason.clone(),
                        justification: None,
                    });
                    kept.push(f);
                }
            }
            None => kept.push(f),
        }
    }
    kept
}

/// Filters the vulnerabilities and misconfigurations of every result of `report`. Findings
/// already marked suppressed (a report filtered before, or an inline suppression of the
/// misconfiguration scanner) are kept only with `show_suppressed`, and not counted again (but
/// inline suppressions, which no filter counted yet, are counted in [`FilterOutcome::inline`]).
pub fn apply(report: &mut Report, options: &FilterOptions) -> FilterOutcome {
    let mut outcome = FilterOutcome::default();
    let entries = options.ignore_file.as_ref().map_or(&[][..], |f| &f.entries[..]);
    // Findings each entry matched while in force / after expiry.
    let mut active_hits = vec![0usize; entries.len()];
    let mut expired_hits = vec![0usize; entries.len()];

    for result in &mut report.results {
        let findings = std::mem::take(&mut result.vulnerabilities);
        let mut kept = Vec::with_capacity(findings.len());
        for mut v in findings {
            if v.suppressed.is_some() {
                if options.show_suppressed {
                    kept.push(v);
                }
                continue;
            }
            let purl_text = v
                .purl
                .as_deref()
                .or_else(|| result.packages.iter().find(|p| p.id == v.package).map(|p| p.purl.as_str()));
            let purl = purl_text.and_then(|p| PurlPattern::parse(p).ok());
            let ids: Vec<&str> =
                std::iter::once(v.id.as_str()).chain(v.aliases.iter().map(String::as_str)).collect();
            let paths: Vec<&str> = std::iter::once(result.target.as_str())
                .chain(v.locations.iter().map(|l| l.path.as_str()))
                .collect();

            let mut ignored_by = None;
            for (i, entry) in entries.iter().enumerate() {
                if entry.matches(&ids, purl.as_ref(), &paths) {
                    if entry.applies_on(options.today) {
                        active_hits[i] += 1;
                        ignored_by.get_or_insert(entry);
                    } else {
                        expired_hits[i] += 1;
                    }
                }
            }

            if options.severities.as_ref().is_some_and(|s| !s.contains(&v.severity)) {
                outcome.by_severity += 1;
                continue;
            }
            // Unfixed: no fixed version, or a distro state saying none is coming
            // (`will_not_fix`, `fix_deferred`, `end_of_life`, `affected`).
            let unfixed = v.fixed_versions.iter().all(|f| f.trim().is_empty())
                || v.status.as_deref().is_some_and(|s| s != "fixed");
            if options.ignore_unfixed && unfixed {
                outcome.unfixed += 1;
                continue;
            }
            let suppression = if let Some(entry) = ignored_by {
                outcome.ignored += 1;
                let file = options.ignore_file.as_ref().map_or("", |f| f.path.as_str());
                Some(Suppression {
                    kind: "ignore-file".into(),
                    source: format!("{file}:{}", entry.line),
                    reason: entry.reason.clone(),
                    justification: None,
                })
            } else if let Some((doc, st)) =
                options.vex.iter().find_map(|d| d.suppressing(&ids, purl.as_ref()).map(|s| (d, s)))
            {
                outcome.vex += 1;
                Some(Suppression {
                    kind: "vex".into(),
                    source: doc.source.clone(),
                    reason: st.reason.clone(),
                    justification: st.justification.clone(),
                })
            } else {
                None
            };
            match suppression {
                Some(s) if options.show_suppressed => {
                    v.suppressed = Some(s);
                    kept.push(v);
                }
                Some(_) => {}
                None => kept.push(v),
            }
        }
        result.vulnerabilities = kept;

        let mut hits = Hits { entries, active: &mut active_hits, expired: &mut expired_hits };
        let target = result.target.clone();
        result.misconfigurations = filter_findings(
            std::mem::take(&mut result.misconfigurations),
            options,
            &mut outcome,
            &mut hits,
            |entry, m| entry.matches_misconfiguration(&m.id, &m.aliases, &target),
        );
        result.secrets = filter_findings(
            std::mem::take(&mut result.secrets),
            options,
            &mut outcome,
            &mut hits,
            |entry, secret| entry.matches_secret(&secret.rule_id, &target),
        );
    }

    if let Some(file) = &options.ignore_file {
        outcome.notices.extend(file.notices.iter().cloned());
    }
    for doc in &options.vex {
        outcome.notices.extend(doc.notices.iter().cloned());
    }
    if let Some(file) = &options.ignore_file {
        for (i, entry) in file.entries.iter().enumerate() {
            let message = match entry.expires {
                Some(expiry) if !expiry.applies_on(options.today) => match expired_hits[i] {
                    0 => format!(
                        "ignore entry {} expired ({expiry}); it matches nothing now: remove it",
                        entry.id
                    ),
                    n => format!(
                        "ignore entry {} expired ({expiry}): {} shown again",
                        entry.id,
                        if n == 1 { "the finding is".to_string() } else { format!("{n} findings are") }
                    ),
                },
                _ if active_hits[i] == 0 => format!("ignore entry {} matched nothing", entry.id),
                _ => continue,
            };
            outcome.notices.push(Notice { path: file.path.clone(), line: Some(entry.line), message });
        }
    }
    outcome
}
