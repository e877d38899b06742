//! The human-readable output: one section per result (file), then a summary and the
//! diagnostics.
//!
//! Each result section is a heading followed by one table per kind of finding: packages, then
//! vulnerabilities (with a per-severity count above them and the suppressed findings listed
//! after them, with their reason).
//!
//! Config files (misconfiguration results) are not tables but a list, like Trivy's `config`
//! output: the file and its type, `Failures: N (HIGH: a, MEDIUM: b)`, then per failed check,
//! worst first, `SEVERITY ID: title`, the message, `file:start-end` with the resource, and the
//! snippet with its line numbers; the suppressed ones after, with their reason. Config files
//! without failures are not listed; the summary counts them (`in 3 of 40 config files`).
//! Everything is written straight into a buffered writer, so 10,000 findings stay fast.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufWriter, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width};
use rampart_model::{
    DiagnosticSeverity, Misconfiguration, Package, Report, ResultKind, ScanResult, Secret, Severity,
    Vulnerability,
};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::common::{
    compact_breakdown, count_severities, deciding_cvss, finding_order, line_range, misconfiguration_order,
    relationship_str, result_label, severity_breakdown, severity_counts, visible, visible_misconfigurations,
};
use crate::{RenderError, RenderOptions};

/// Width used when not writing to a terminal (and the fallback when the terminal width is
/// unknown).
const DEFAULT_WIDTH: u16 = 100;
/// Licence cells longer than this (in characters) are cut with an ellipsis.
const MAX_LICENSE_CHARS: usize = 28;
/// Package names up to this many characters are never wrapped.
const MAX_NAME_WIDTH: usize = 40;
/// Vulnerability titles are cut to this many characters (the advisory has the rest).
const MAX_TITLE_CHARS: usize = 60;
/// Aliases shown under a vulnerability id; more are counted (`+3`).
const MAX_ALIASES: usize = 2;
/// Package names and ids up to this many characters are not wrapped in the vulnerabilities
/// table.
const MAX_VULN_NAME_WIDTH: usize = 16;
const MAX_ID_WIDTH: usize = 19;
/// Lines of a check's title and of a finding's message shown; the rest is cut.
const MAX_TITLE_LINES: usize = 3;
const MAX_MESSAGE_LINES: usize = 6;
/// Check ids are cut to this many columns (built-in ids have 12 to 15).
const MAX_CHECK_ID_WIDTH: usize = 40;
/// Fixed versions shown; more are counted.
const MAX_FIXED: usize = 3;

pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let mut buffered = BufWriter::with_capacity(64 * 1024, out);
    write_report(report, options, &mut buffered)?;
    buffered.flush()?;
    Ok(())
}

fn write_report(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> Result<(), RenderError> {
    let style = Style { color: options.color };
    for result in &report.results {
        if result.kind == ResultKind::Secrets {
            if !result.secrets.is_empty() {
                write_secret_result(result, style, out)?;
            }
            continue;
        }
        if is_config_only(result) {
            // Config files without failures are only counted in the summary.
            if !result.misconfigurations.is_empty() {
                write_config_result(result, style, out)?;
            }
            continue;
        }
        if options.hide_packages && result.vulnerabilities.is_empty() && result.misconfigurations.is_empty() {
            continue;
        }
        write_result(result, style, options.hide_packages, out)?;
    }
    if report.results.is_empty() && report.artifact_kind == rampart_model::ArtifactKind::Repository {
        // A repository is searched for secrets only.
        writeln!(out, "No secrets found in the history of {}.", clean(&report.target))?;
        writeln!(out)?;
    } else if report.results.is_empty() {
        writeln!(out, "No packages found in {}.", clean(&report.target))?;
        writeln!(out)?;
    }
    write_summary(report, style, out)?;
    write_diagnostics(report, style, out)?;
    Ok(())
}

#[derive(Debug, Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn paint(self, text: &str, code: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    fn table(self) -> Table {
        let mut table = Table::new();
        table.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
        if self.color {
            table.enforce_styling();
            if table.width().is_none() {
                table.set_width(DEFAULT_WIDTH);
            }
        } else {
            table.force_no_tty().set_width(DEFAULT_WIDTH);
        }
        table
    }

    fn header(self, names: &[&str]) -> Vec<Cell> {
        names
            .iter()
            .map(|n| if self.color { Cell::new(n).add_attribute(Attribute::Bold) } else { Cell::new(n) })
            .collect()
    }
}

/// One result: its heading, then a table per kind of finding it holds.
fn write_result(
    result: &ScanResult,
    style: Style,
    hide_packages: bool,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let mut heading = clean(&result.target);
    if let Some(label) = result_label(result) {
        heading.push_str(&format!(" ({})", clean(&label)));
    }
    let count = match result.packages.len() {
        1 => "1 package".to_string(),
        n => format!("{n} packages"),
    };
    let shown = visible(&result.vulnerabilities).count();
    let count = match shown {
        0 => count,
        1 => format!("{count}, 1 vulnerability"),
        n => format!("{count}, {n} vulnerabilities"),
    };
    writeln!(out, "{}: {count}", style.paint(&heading, "1"))?;
    if hide_packages {
        // Findings only.
    } else if let Some(table) = packages_table(result, style) {
        writeln!(out, "{table}")?;
    } else if result.kind == ResultKind::Packages {
        writeln!(out, "  (no packages)")?;
    }
    if let Some(table) = vulnerabilities_table(result, style) {
        let counts = severity_counts(visible(&result.vulnerabilities));
        writeln!(out, "Vulnerabilities: {}", severity_breakdown(counts))?;
        writeln!(out, "{table}")?;
    }
    write_suppressed(result, style, out)?;
    if !result.misconfigurations.is_empty() {
        writeln!(out)?;
        write_misconfigurations(result, style, out)?;
    }
    writeln!(out)?;
    Ok(())
}

/// A result that holds misconfigurations only (a config file).
fn is_config_only(result: &ScanResult) -> bool {
    result.kind == ResultKind::Config && result.packages.is_empty() && result.vulnerabilities.is_empty()
}

/// A config file: its heading (file and type), then its failed checks.
fn write_config_result(result: &ScanResult, style: Style, out: &mut dyn Write) -> Result<(), RenderError> {
    let mut heading = clean(&result.target);
    let label = result
        .analyzer
        .clone()
        .or_else(|| result.misconfigurations.first().map(|m| m.config_type.clone()))
        .filter(|l| !l.trim().is_empty());
    if let Some(label) = label {
        heading.push_str(&format!(" ({})", clean(&label)));
    }
    writeln!(out, "{}", style.paint(&fit(&heading, usize::from(DEFAULT_WIDTH)), "1"))?;
    write_misconfigurations(result, style, out)?;
    writeln!(out)?;
    Ok(())
}

/// `Failures: N (...)`, then every visible misconfiguration worst first, then the suppressed
/// ones.
fn write_misconfigurations(
    result: &ScanResult,
    style: Style,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let mut shown: Vec<&Misconfiguration> = visible_misconfigurations(&result.misconfigurations).collect();
    shown.sort_by(|a, b| misconfiguration_order(a, b));
    let failures = count_severities(shown.iter().filter(|m| !m.warning).map(|m| m.severity));
    let warnings = shown.iter().filter(|m| m.warning).count();
    let mut line = format!("Failures: {}", compact_breakdown(failures));
    if warnings > 0 {
        line.push_str(&format!(", warnings: {warnings}"));
    }
    if let Some(passed) = result.passed_checks {
        line.push_str(&format!(", passed: {passed}"));
    }
    writeln!(out, "{line}")?;
    for m in shown {
        writeln!(out)?;
        write_misconfiguration(result, m, style, out)?;
    }

    let mut hidden: Vec<&Misconfiguration> =
        result.misconfigurations.iter().filter(|m| m.suppressed.is_some()).collect();
    if hidden.is_empty() {
        return Ok(());
    }
    hidden.sort_by(|a, b| misconfiguration_order(a, b));
    writeln!(out)?;
    writeln!(out, "{}", style.paint(&format!("Suppressed: {}", hidden.len()), "2"))?;
    for m in hidden {
        let Some(s) = &m.suppressed else { continue };
        let mut why = format!("{} {}", clean(&s.kind), clean(&s.source));
        for extra in [&s.justification, &s.reason].into_iter().flatten().filter(|e| !e.trim().is_empty()) {
            why.push_str(&format!(", {}", clean(extra)));
        }
        let place = line_range(m).map(|l| format!(" line {l}")).unwrap_or_default();
        let line = format!("  {} ({}){place}: {why}", clean(non_empty(&m.id)), m.severity);
        writeln!(out, "{}", fit(&line, usize::from(DEFAULT_WIDTH)))?;
    }
    Ok(())
}

/// One failed check: `SEVERITY ID: title`, the message, where, and the snippet.
fn write_misconfiguration(
    result: &ScanResult,
    m: &Misconfiguration,
    style: Style,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let width = usize::from(DEFAULT_WIDTH);
    let severity = m.severity.as_str();
    let id = fit(&clean(non_empty(&m.id)), MAX_CHECK_ID_WIDTH).into_owned();
    let warning = if m.warning { " [warning]" } else { "" };
    let title = clean(m.title.trim());
    // The first line: severity and id are never wrapped; the title wraps under them.
    let lead = severity.len() + 1 + id.width() + warning.len() + 2;
    let mut title_lines = wrap(&title, width.saturating_sub(lead).max(20)).into_iter();
    let first = title_lines.next().unwrap_or_default();
    if style.color {
        write!(out, "[{}m{severity}[0m [1m{id}[0m{warning}: {first}", severity_color(m.severity))?;
    } else {
        write!(out, "{severity} {id}{warning}: {first}")?;
    }
    writeln!(out)?;
    write_capped(out, title_lines.collect(), MAX_TITLE_LINES - 1)?;
    let message = clean(m.message.trim());
    if !message.is_empty() && message != title {
        write_capped(out, wrap(&message, width - 2), MAX_MESSAGE_LINES)?;
    }

    let mut place = clean(if result.target.is_empty() { "(unknown file)" } else { &result.target });
    if let Some(lines) = line_range(m) {
        place.push(':');
        place.push_str(&lines);
    }
    if let Some(resource) = m.resource.as_deref().filter(|r| !r.trim().is_empty()) {
        place.push_str(" · ");
        place.push_str(&clean(resource));
    }
    if let Some(layer) = &m.layer {
        place.push_str(&format!(" · layer {}", layer.index));
        if let Some(by) = &layer.created_by {
            place.push_str(&format!(": {}", clean(by.trim())));
        }
    }
    writeln!(out, "  {}", style.paint(&fit(&place, width - 2), "36"))?;

    let number_width = m.code.iter().map(|c| c.number).max().unwrap_or(0).to_string().len();
    // ` 16 │ ` before the code.
    let code_width = width.saturating_sub(number_width + 4);
    for line in &m.code {
        let content = clean_code(&line.content);
        let content = fit(content.trim_end(), code_width);
        if style.color {
            writeln!(out, " [2m{:>number_width$} │[0m {content}", line.number)?;
        } else {
            writeln!(out, " {:>number_width$} │ {content}", line.number)?;
        }
    }
    Ok(())
}

/// Writes at most `max` of `lines`, indented by two spaces; the last one shown ends with an
/// ellipsis when some are left out.
fn write_capped(out: &mut dyn Write, lines: Vec<String>, max: usize) -> Result<(), RenderError> {
    let cut = lines.len() > max;
    for (i, line) in lines.iter().take(max).enumerate() {
        if cut && i + 1 == max {
            writeln!(out, "  {}", fit(&format!("{line} …"), usize::from(DEFAULT_WIDTH) - 2))?;
        } else {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "34",
        Severity::Unknown => "90",
    }
}

/// Words of `text` in lines of at most `width` columns (a word wider than that is split).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0usize;
    for word in text.split_whitespace() {
        let w = word.width();
        if used > 0 && used + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if w <= width {
            line.push_str(word);
            used = w;
            continue;
        }
        // Too wide for a line of its own: cut it.
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if used > 0 || !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `s` cut to at most `max` columns with an ellipsis; linear in the length of `s`.
fn fit(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.width() <= max {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut used = 0usize;
    let mut end = 0usize;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > max.saturating_sub(1) {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    // Character widths do not always add up (emoji sequences): shrink until the prefix fits.
    let mut prefix = &s[..end];
    while prefix.width() > max.saturating_sub(1) {
        let mut chars = prefix.chars();
        chars.next_back();
        prefix = chars.as_str();
    }
    std::borrow::Cow::Owned(format!("{prefix}…"))
}

/// A line of scanned code for the terminal: tabs as spaces, other control characters as `?`.
fn clean_code(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control() => out.push('?'),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The vulnerabilities of a result (suppressed ones left out), worst first; `None` when there
/// are none.
fn vulnerabilities_table(result: &ScanResult, style: Style) -> Option<Table> {
    let mut vulns: Vec<&Vulnerability> = visible(&result.vulnerabilities).collect();
    if vulns.is_empty() {
        return None;
    }
    vulns.sort_by(|a, b| finding_order(a, b));
    let mut table = style.table();
    table.set_header(style.header(&[
        "Package",
        "Installed",
        "Vulnerability",
        "Severity",
        "Fixed",
        "KEV",
        "Title",
    ]));
    // Every column but the title gets at least its header's width, or its content's up to a
    // cap (a GHSA id is 19 characters), so that ids, names and versions are rarely split; the
    // title takes what is left of the 100 columns (at least 18 characters).
    let longest = |f: &dyn Fn(&Vulnerability) -> usize| vulns.iter().map(|v| f(v)).max().unwrap_or(0);
    let name = longest(&|v| v.package_name.chars().count()).min(MAX_VULN_NAME_WIDTH);
    let version = longest(&|v| v.installed_version.chars().count()).min(9);
    let id = longest(&|v| {
        std::iter::once(&v.id)
            .chain(v.aliases.iter().take(MAX_ALIASES))
            .map(|a| a.chars().count())
            .max()
            .unwrap_or(0)
    })
    .min(MAX_ID_WIDTH);
    let fixed = longest(&|v| v.fixed_versions.iter().map(|f| f.chars().count()).max().unwrap_or(0)).min(8);
    for (index, width) in
        [(0, name.max(7)), (1, version.max(9)), (2, id.max(13)), (3, 8), (4, fixed.max(5)), (5, 3)]
    {
        if let Some(column) = table.column_mut(index) {
            let width = u16::try_from(width + 2).unwrap_or(9);
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(width)));
        }
    }
    for v in vulns {
        let mut id = clean(non_empty(&v.id));
        for alias in v.aliases.iter().take(MAX_ALIASES) {
            id.push('\n');
            id.push_str(&clean(alias));
        }
        if v.aliases.len() > MAX_ALIASES {
            id.push_str(&format!("\n+{}", v.aliases.len() - MAX_ALIASES));
        }
        let severity = match deciding_cvss(v) {
            Some(c) => format!("{}\n{:.1}", v.severity, c.score),
            None => v.severity.to_string(),
        };
        let mut fixed: Vec<String> = v.fixed_versions.iter().take(MAX_FIXED).map(|f| clean(f)).collect();
        if v.fixed_versions.len() > MAX_FIXED {
            fixed.push(format!("+{}", v.fixed_versions.len() - MAX_FIXED));
        }
        let title =
            v.summary.as_deref().map(|t| truncate(&clean(t.trim()), MAX_TITLE_CHARS)).unwrap_or_default();
        let mut severity_cell = Cell::new(severity);
        if style.color {
            severity_cell = match v.severity {
                Severity::Critical => severity_cell.fg(Color::Red).add_attribute(Attribute::Bold),
                Severity::High => severity_cell.fg(Color::Red),
                Severity::Medium => severity_cell.fg(Color::Yellow),
                Severity::Low => severity_cell.fg(Color::Blue),
                Severity::Unknown => severity_cell.fg(Color::DarkGrey),
            };
        }
        table.add_row(vec![
            Cell::new(clean(&v.package_name)),
            Cell::new(clean(&v.installed_version)),
            Cell::new(id),
            severity_cell,
            Cell::new(fixed.join(", ")),
            Cell::new(if v.kev { "yes" } else { "" }),
            Cell::new(title),
        ]);
    }
    Some(table)
}

/// Suppressed findings: one short line each, with who hid them and why.
fn write_suppressed(result: &ScanResult, style: Style, out: &mut dyn Write) -> Result<(), RenderError> {
    let mut hidden: Vec<&Vulnerability> =
        result.vulnerabilities.iter().filter(|v| v.suppressed.is_some()).collect();
    if hidden.is_empty() {
        return Ok(());
    }
    hidden.sort_by(|a, b| finding_order(a, b));
    writeln!(out, "{}", style.paint(&format!("Suppressed: {}", hidden.len()), "2"))?;
    for v in hidden {
        let Some(s) = &v.suppressed else { continue };
        let mut why = format!("{} {}", clean(&s.kind), clean(&s.source));
        for extra in [&s.justification, &s.reason].into_iter().flatten() {
            why.push_str(&format!(", {}", clean(extra)));
        }
        let line = format!(
            "  {} {}@{} ({}): {}",
            clean(non_empty(&v.id)),
            clean(&v.package_name),
            clean(&v.installed_version),
            v.severity,
            why
        );
        writeln!(out, "{}", truncate_columns(&line, usize::from(DEFAULT_WIDTH)))?;
    }
    Ok(())
}

fn non_empty(s: &str) -> &str {
    if s.trim().is_empty() { "(no id)" } else { s }
}

/// The packages of a result, or `None` when it has none.
fn packages_table(result: &ScanResult, style: Style) -> Option<Table> {
    if result.packages.is_empty() {
        return None;
    }
    let rows: Vec<(&Package, String)> =
        result.packages.iter().map(|p| (p, package_location(result, p))).collect();
    // Packages found in the result's own file show their line; those of an aggregate
    // (installed packages) show their own path.
    let shows_paths = result
        .packages
        .iter()
        .any(|p| !p.locations.is_empty() && p.locations.iter().all(|l| l.path != result.target));
    let last = if shows_paths { "Location" } else { "Line" };

    let mut table = style.table();
    table.set_header(style.header(&["Package", "Version", "Relationship", "Dev", "Licences", last]));
    // Names are what people read first: wrap the licences and paths before them.
    let longest_name = result.packages.iter().map(|p| p.name.chars().count()).max().unwrap_or(0);
    // The width of a constraint includes the padding on both sides.
    let name_width = u16::try_from(longest_name.min(MAX_NAME_WIDTH) + 2).unwrap_or(9).max(9);
    if let Some(column) = table.column_mut(0) {
        column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(name_width)));
    }
    for (pkg, location) in rows {
        let relationship = relationship_str(pkg.relationship).unwrap_or("-");
        let mut cells = vec![
            Cell::new(clean(&pkg.name)),
            Cell::new(clean(&pkg.version)),
            Cell::new(relationship),
            Cell::new(if pkg.dev { "yes" } else { "" }),
            Cell::new(licenses_cell(&pkg.licenses)),
            Cell::new(location),
        ];
        if style.color && pkg.dev {
            cells = cells.into_iter().map(|c| c.fg(Color::DarkGrey)).collect();
        }
        table.add_row(cells);
    }
    Some(table)
}

/// The start line of the package in the result's file; for a package found elsewhere (an
/// aggregate of installed packages), its own path (with the line when known).
fn package_location(result: &ScanResult, pkg: &Package) -> String {
    if let Some(loc) = pkg.locations.iter().find(|l| l.path == result.target) {
        return loc.start_line.map(|l| l.to_string()).unwrap_or_default();
    }
    match pkg.locations.first() {
        Some(loc) => match loc.start_line {
            Some(line) => format!("{}:{line}", clean(&loc.path)),
            None => clean(&loc.path),
        },
        None => String::new(),
    }
}

fn licenses_cell(licenses: &[String]) -> String {
    truncate(&clean(&licenses.join(", ")), MAX_LICENSE_CHARS)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Cuts `s` to at most `max` terminal columns (wide characters take two, combining marks
/// none), with an ellipsis when cut.
fn truncate_columns(s: &str, max: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if s.width() <= max {
        return s.to_string();
    }
    // Measure the whole prefix, not char by char: sequences such as `*` + U+FE0F (emoji
    // presentation) are wider together than their characters apart.
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if out.width() > max.saturating_sub(1) {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

/// `N packages in M files (Node.js: 3, Go: 2)`: files are those the packages were found in.
fn write_summary(report: &Report, style: Style, out: &mut dyn Write) -> Result<(), RenderError> {
    let mut files = BTreeSet::new();
    let mut by_ecosystem: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0usize;
    for result in &report.results {
        for pkg in &result.packages {
            total += 1;
            *by_ecosystem.entry(pkg.ecosystem.label()).or_default() += 1;
            if pkg.locations.is_empty() {
                files.insert(result.target.as_str());
            }
            files.extend(pkg.locations.iter().map(|l| l.path.as_str()));
        }
    }
    // A misconfiguration scan alone says nothing about packages.
    let config_only = report.artifact_kind == rampart_model::ArtifactKind::Repository
        || (!report.results.is_empty()
            && report.results.iter().all(|r| is_config_only(r) || r.kind == ResultKind::Secrets));
    if !config_only {
        let packages = if total == 1 { "1 package".to_string() } else { format!("{total} packages") };
        let file_count =
            if files.len() == 1 { "1 file".to_string() } else { format!("{} files", files.len()) };
        let mut line = format!("Total: {packages} in {file_count}");
        if !by_ecosystem.is_empty() {
            let parts: Vec<String> = by_ecosystem.iter().map(|(e, n)| format!("{e}: {n}")).collect();
            line.push_str(&format!(" ({})", parts.join(", ")));
        }
        writeln!(out, "{}", style.paint(&line, "1"))?;
    }
    let all = || report.results.iter().flat_map(|r| r.vulnerabilities.iter());
    if all().next().is_some() {
        let counts = severity_counts(all().filter(|v| v.suppressed.is_none()));
        let mut line = format!("Vulnerabilities: {}", severity_breakdown(counts));
        let suppressed = all().filter(|v| v.suppressed.is_some()).count();
        if suppressed > 0 {
            line.push_str(&format!(", {suppressed} suppressed"));
        }
        writeln!(out, "{}", style.paint(&line, "1"))?;
    }
    write_misconfiguration_summary(report, style, out)?;
    write_secret_summary(report, style, out)?;
    Ok(())
}

/// `Secrets: N (CRITICAL: a, ...) in F files, S suppressed`.
fn write_secret_summary(report: &Report, style: Style, out: &mut dyn Write) -> Result<(), RenderError> {
    let all = || report.results.iter().flat_map(|r| r.secrets.iter());
    if all().next().is_none() {
        return Ok(());
    }
    let counts = count_severities(all().filter(|s| s.suppressed.is_none()).map(|s| s.severity));
    let files = report.results.iter().filter(|r| r.secrets.iter().any(|s| s.suppressed.is_none())).count();
    let mut line = format!(
        "Secrets: {} in {files} file{}",
        severity_breakdown(counts),
        if files == 1 { "" } else { "s" }
    );
    let suppressed = all().filter(|s| s.suppressed.is_some()).count();
    if suppressed > 0 {
        line.push_str(&format!(", {suppressed} suppressed"));
    }
    writeln!(out, "{}", style.paint(&line, "1"))?;
    Ok(())
}

/// A file with secrets: its heading, `Secrets: N (...)`, then each secret worst first (rule,
/// where, layer or commit, the redacted line), then the suppressed ones.
fn write_secret_result(result: &ScanResult, style: Style, out: &mut dyn Write) -> Result<(), RenderError> {
    let width = usize::from(DEFAULT_WIDTH);
    let mut shown: Vec<&Secret> = result.secrets.iter().filter(|s| s.suppressed.is_none()).collect();
    let hidden: Vec<&Secret> = result.secrets.iter().filter(|s| s.suppressed.is_some()).collect();
    shown.sort_by(|a, b| secret_order(a, b));
    let heading = format!("{} (secrets)", clean(&result.target));
    writeln!(out, "{}", style.paint(&fit(&heading, width), "1"))?;
    writeln!(out, "Secrets: {}", compact_breakdown(count_severities(shown.iter().map(|s| s.severity))))?;
    for s in shown {
        writeln!(out)?;
        let severity = s.severity.as_str();
        let id = fit(&clean(non_empty(&s.rule_id)), MAX_CHECK_ID_WIDTH).into_owned();
        let title = clean(s.title.trim());
        let first = fit(&title, width.saturating_sub(severity.len() + id.width() + 3)).into_owned();
        if style.color {
            writeln!(
                out,
                "\x1b[{}m{severity}\x1b[0m \x1b[1m{id}\x1b[0m: {first}",
                severity_color(s.severity)
            )?;
        } else {
            writeln!(out, "{severity} {id}: {first}")?;
        }
        let mut place = format!("{}:{}", clean(&result.target), secret_lines(s));
        if let Some(layer) = &s.layer {
            place.push_str(&format!(" · layer {}", layer.index));
            if let Some(by) = &layer.created_by {
                place.push_str(&format!(": {}", clean(by.trim())));
            }
        }
        writeln!(out, "  {}", style.paint(&fit(&place, width - 2), "36"))?;
        if s.deleted {
            writeln!(out, "  {}", style.paint("deleted by a later layer, but still in the image", "33"))?;
        }
        if let Some(c) = &s.commit {
            let short: String = c.id.chars().take(12).collect();
            let line =
                format!("commit {short} · {} · {} · {}", clean(&c.author), clean(&c.date), clean(&c.summary));
            writeln!(out, "  {}", style.paint(&fit(&line, width - 2), "36"))?;
        }
        let snippet = if s.snippet.trim().is_empty() { &s.redacted } else { &s.snippet };
        let number = s.start_line.to_string();
        let content = clean_code(snippet);
        let content = fit(content.trim(), width.saturating_sub(number.len() + 4));
        if style.color {
            writeln!(out, " \x1b[2m{number} │\x1b[0m {content}")?;
        } else {
            writeln!(out, " {number} │ {content}")?;
        }
    }
    if !hidden.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", style.paint(&format!("Suppressed: {}", hidden.len()), "2"))?;
        for s in hidden {
            let Some(sup) = &s.suppressed else { continue };
            let mut why = format!("{} {}", clean(&sup.kind), clean(&sup.source));
            if let Some(reason) = sup.reason.as_deref().filter(|r| !r.trim().is_empty()) {
                why.push_str(&format!(", {}", clean(reason)));
            }
            let line = format!(
                "  {} ({}) line {}: {why}",
                clean(non_empty(&s.rule_id)),
                s.severity,
                secret_lines(s)
            );
            writeln!(out, "{}", fit(&line, width))?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn secret_lines(s: &Secret) -> String {
    if s.end_line > s.start_line {
        format!("{}-{}", s.start_line, s.end_line)
    } else {
        s.start_line.to_string()
    }
}

/// Worst first, then by layer, line and rule.
fn secret_order(a: &Secret, b: &Secret) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| a.layer.as_ref().map(|l| l.index).cmp(&b.layer.as_ref().map(|l| l.index)))
        .then_with(|| a.start_line.cmp(&b.start_line))
        .then_with(|| a.rule_id.cmp(&b.rule_id))
}

/// `Misconfigurations: N (CRITICAL: a, ...), W warnings, S suppressed`, then
/// `Config files: M scanned, K with failures`.
fn write_misconfiguration_summary(
    report: &Report,
    style: Style,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let config_files: BTreeSet<&str> =
        report.results.iter().filter(|r| r.kind == ResultKind::Config).map(|r| r.target.as_str()).collect();
    let all = || report.results.iter().flat_map(|r| r.misconfigurations.iter());
    if config_files.is_empty() && all().next().is_none() {
        return Ok(());
    }
    let failing: BTreeSet<&str> = report
        .results
        .iter()
        .filter(|r| r.misconfigurations.iter().any(|m| m.suppressed.is_none()))
        .map(|r| r.target.as_str())
        .collect();
    let scanned = config_files.union(&failing).count();
    let failures =
        count_severities(all().filter(|m| m.suppressed.is_none() && !m.warning).map(|m| m.severity));
    let mut line = format!("Misconfigurations: {}", severity_breakdown(failures));
    let warnings = all().filter(|m| m.suppressed.is_none() && m.warning).count();
    if warnings > 0 {
        line.push_str(&format!(", {warnings} warning{}", if warnings == 1 { "" } else { "s" }));
    }
    let suppressed = all().filter(|m| m.suppressed.is_some()).count();
    if suppressed > 0 {
        line.push_str(&format!(", {suppressed} suppressed"));
    }
    writeln!(out, "{}", style.paint(&line, "1"))?;
    let line = format!("Config files: {scanned} scanned, {} with failures", failing.len());
    writeln!(out, "{}", style.paint(&line, "1"))?;
    Ok(())
}

fn write_diagnostics(report: &Report, style: Style, out: &mut dyn Write) -> Result<(), RenderError> {
    if report.diagnostics.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let n = report.diagnostics.len();
    let title = if n == 1 {
        "1 diagnostic (the scan is partial):".to_string()
    } else {
        format!("{n} diagnostics (the scan is partial):")
    };
    writeln!(out, "{}", style.paint(&title, "1"))?;
    for d in &report.diagnostics {
        let colour = match d.severity {
            DiagnosticSeverity::Warning => "33",
            DiagnosticSeverity::Error => "31",
        };
        let place = match d.line {
            Some(line) => format!("{}:{line}", clean(&d.path)),
            None => clean(&d.path),
        };
        writeln!(out, "  {}  {place}: {}", style.paint(d.code.as_str(), colour), clean(&d.message))?;
    }
    Ok(())
}

/// Replaces control characters (which could move the cursor or recolour the terminal) in
/// text taken from scanned files.
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_characters() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("ééééé", 3), "éé…");
        assert_eq!(truncate("abc", 0), "…");
    }

    #[test]
    fn truncates_on_columns() {
        assert_eq!(truncate_columns("abc", 3), "abc");
        assert_eq!(truncate_columns("漢字漢字", 5), "漢字…");
        assert_eq!(truncate_columns("abcd", 3), "ab…");
    }

    #[test]
    fn wraps_on_words_and_cuts_long_ones() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("  ", 3), Vec::<String>::new());
        assert_eq!(wrap("漢字漢字", 5), ["漢字", "漢字"]);
    }

    #[test]
    fn fits_on_columns() {
        assert_eq!(fit("abc", 3), "abc");
        assert_eq!(fit("abcd", 3), "ab…");
        assert_eq!(fit("漢字漢字", 5), "漢字…");
        let long = "x".repeat(100_000);
        assert_eq!(fit(&long, 10).width(), 10);
    }

    #[test]
    fn code_keeps_indentation() {
        assert_eq!(clean_code("\tkey: value"), "    key: value");
        assert_eq!(clean_code("a\x1b[31m"), "a?[31m");
    }

    #[test]
    fn cleans_control_characters() {
        assert_eq!(clean("a\x1b[31mb\n"), "a?[31mb?");
    }
}
