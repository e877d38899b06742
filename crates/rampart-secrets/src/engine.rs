//! The scanner: keyword prefilter, per-rule regexes, allowlists, redaction.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use globset::{Glob, GlobSet, GlobSetBuilder};
use rampart_model::Severity;
use regex::bytes::Regex;

use crate::SecretsError;
use crate::rules::{CustomRule, Redaction};
use crate::util::{is_known_example, is_placeholder, redact, shannon_entropy};

/// What an allowlist regex is matched against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RegexTarget {
    /// The secret (gitleaks' default).
    #[default]
    Secret,
    /// The whole regex match.
    Match,
    /// The line(s) of the match.
    Line,
}

/// Things never reported.
///
/// * `paths`: globs (globset syntax, matched against the `/`-separated path given to
///   [`Scanner::scan`]); `**/vendor/**` matches `vendor/a.go` and `x/vendor/a.go`.
/// * `path_regexes`: regexes searched in that path (gitleaks' `paths`).
/// * `regexes`: regexes searched in the [`RegexTarget`] of a match.
/// * `stopwords`: a secret containing one of them (ASCII case-insensitively) is dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Allowlist {
    pub paths: Vec<String>,
    pub path_regexes: Vec<String>,
    pub regexes: Vec<String>,
    pub regex_target: RegexTarget,
    pub stopwords: Vec<String>,
}

impl Allowlist {
    /// The default path allowlist: third-party and generated trees whose secrets are
    /// not the project's (dependency directories, lockfiles, source maps, VCS
    /// metadata). Minified bundles are *not* skipped: they do leak keys.
    pub fn default_paths() -> Allowlist {
        Allowlist {
            paths: [
                "**/node_modules/**",
                "**/vendor/**",
                "**/.git/**",
                "**/bower_components/**",
                "**/*.map",
                "**/go.sum",
                "**/package-lock.json",
                "**/npm-shrinkwrap.json",
                "**/yarn.lock",
                "**/pnpm-lock.yaml",
                "**/Cargo.lock",
                "**/poetry.lock",
                "**/Pipfile.lock",
                "**/composer.lock",
                "**/Gemfile.lock",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            ..Allowlist::default()
        }
    }

    /// Adds `other`'s entries to `self` (the regex target of `other` wins if it has regexes).
    pub fn extend(&mut self, other: Allowlist) {
        self.paths.extend(other.paths);
        self.path_regexes.extend(other.path_regexes);
        if !other.regexes.is_empty() {
            self.regex_target = other.regex_target;
        }
        self.regexes.extend(other.regexes);
        self.stopwords.extend(other.stopwords);
    }
}

/// Scanner settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanConfig {
    /// Files larger than this (bytes) are skipped.
    pub max_file_size: usize,
    /// Global allowlist, applied to every rule.
    pub allowlist: Allowlist,
}

impl Default for ScanConfig {
    fn default() -> ScanConfig {
        ScanConfig { max_file_size: 10 * 1024 * 1024, allowlist: Allowlist::default_paths() }
    }
}

/// How far binary detection looks for a NUL byte.
const BINARY_PROBE: usize = 8 * 1024;

/// One secret found. It never holds the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    /// 1-based line of the secret's first byte.
    pub start_line: usize,
    /// 1-based line of the secret's last byte.
    pub end_line: usize,
    /// Byte offset of the secret in the content.
    pub start: usize,
    /// Byte offset just past the secret.
    pub end: usize,
    /// The secret, redacted (see [`crate::redact`]; a private key shows its BEGIN line).
    pub redacted: String,
    /// Length of the secret in bytes.
    pub secret_len: usize,
    /// The first line of the secret, with the secret redacted in it (long lines cut).
    pub snippet: String,
}

struct CompiledAllow {
    paths: GlobSet,
    path_regexes: Vec<regex::Regex>,
    regexes: Vec<Regex>,
    target: RegexTarget,
    stopwords: Vec<String>,
}

impl CompiledAllow {
    fn new(a: &Allowlist) -> Result<CompiledAllow, SecretsError> {
        let mut b = GlobSetBuilder::new();
        for g in &a.paths {
            b.add(Glob::new(g).map_err(|source| SecretsError::Glob { glob: g.clone(), source })?);
        }
        let paths = b.build().map_err(|source| SecretsError::Glob { glob: a.paths.join(","), source })?;
        let rx = |p: &String| {
            Regex::new(p).map_err(|source| SecretsError::AllowlistRegex { pattern: p.clone(), source })
        };
        Ok(CompiledAllow {
            paths,
            path_regexes: a
                .path_regexes
                .iter()
                .map(|p| {
                    regex::Regex::new(p)
                        .map_err(|source| SecretsError::AllowlistRegex { pattern: p.clone(), source })
                })
                .collect::<Result<_, _>>()?,
            regexes: a.regexes.iter().map(rx).collect::<Result<_, _>>()?,
            target: a.regex_target,
            stopwords: a.stopwords.iter().map(|s| s.to_ascii_lowercase()).collect(),
        })
    }

    fn path_allowed(&self, path: &str) -> bool {
        self.paths.is_match(path) || self.path_regexes.iter().any(|r| r.is_match(path))
    }

    fn finding_allowed(&self, secret: &str, whole: &[u8], line: &[u8]) -> bool {
        if !self.stopwords.is_empty() {
            let lower = secret.to_ascii_lowercase();
            if self.stopwords.iter().any(|w| lower.contains(w.as_str())) {
                return true;
            }
        }
        let target = match self.target {
            RegexTarget::Secret => secret.as_bytes(),
            RegexTarget::Match => whole,
            RegexTarget::Line => line,
        };
        self.regexes.iter().any(|r| r.is_match(target))
    }
}

struct Compiled {
    rule: CustomRule,
    /// The pattern compiled: the rule's, made ASCII-only when it allows it ([`ascii_pattern`]).
    pattern: String,
    /// Compiled on first use: most rules never run on a given tree (their keywords never
    /// occur), and compiling all of them costs more than scanning a small project. The pattern
    /// is parsed (and so validated) in [`Scanner::new`].
    regex: std::sync::OnceLock<Option<Regex>>,
    region: Option<Regex>,
    requires: Option<Regex>,
    allow: CompiledAllow,
    /// Every match lies within one line and contains a keyword: the regex only runs over the
    /// lines where a keyword occurs.
    line_windows: bool,
}

impl Compiled {
    /// The compiled regex; `None` only if a pattern that parsed does not build (over the
    /// regex size limit): [`Scanner::new`] compiles user rules eagerly so that this is an error
    /// there, and the built-in rules are all compiled by the tests ([`Scanner::compile_all`]).
    fn regex(&self) -> Option<&Regex> {
        self.regex.get_or_init(|| rule_regex(&self.pattern).ok()).as_ref()
    }
}

/// `pattern` with Unicode off (`(?-u)`) when it still parses that way: `\w`, `\b`, `\s`,
/// `(?i)` and `.` then work on ASCII bytes, as in Go's RE2 (gitleaks' patterns mean that), and
/// the automata are several times smaller: compiling every built-in rule with Unicode classes
/// took longer than scanning a mid-size project. Credentials are ASCII. Patterns that need
/// Unicode (a non-ASCII class) keep it.
fn ascii_pattern(pattern: &str) -> String {
    let ascii = format!("(?-u){pattern}");
    let ok = regex_syntax::ParserBuilder::new().utf8(false).build().parse(&ascii).is_ok();
    if ok { ascii } else { pattern.to_string() }
}

/// Compiles a rule's regex (`regex::bytes`).
fn rule_regex(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(pattern)
}

/// Parses a pattern as `regex::bytes` would (validating it without building an automaton):
/// its number of capture groups (group 0 included), whether a match can span lines, and
/// whether matches start with literals the regex engine searches for itself.
fn parse_pattern(rule: &str, pattern: &str) -> Result<(usize, bool, bool), SecretsError> {
    let hir = regex_syntax::ParserBuilder::new().utf8(false).build().parse(pattern).map_err(|e| {
        SecretsError::Regex { rule: rule.to_string(), source: regex::Error::Syntax(e.to_string()) }
    })?;
    let groups = hir.properties().explicit_captures_len() + 1;
    Ok((groups, can_match_newline(&hir), has_literal_prefix(&hir)))
}

/// Whether every match starts with one of a small set of literals of 3+ bytes: the regex
/// engine then finds candidates itself (with a vectorised literal search), faster than the
/// scanner's per-line windows when the literal is common.
fn has_literal_prefix(hir: &regex_syntax::hir::Hir) -> bool {
    let seq = regex_syntax::hir::literal::Extractor::new().extract(hir);
    seq.len().is_some_and(|n| n > 0 && n <= 64) && seq.min_literal_len().is_some_and(|l| l >= 3)
}

/// Whether some match of `hir` contains a `\n`.
fn can_match_newline(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(lit) => lit.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(Class::Bytes(c)) => c.ranges().iter().any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Repetition(rep) => rep.max != Some(0) && can_match_newline(&rep.sub),
        HirKind::Capture(cap) => can_match_newline(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(can_match_newline),
    }
}

/// A compiled set of rules. Build once, scan many files (it is `Send + Sync`).
pub struct Scanner {
    rules: Vec<Compiled>,
    prefilter: Option<AhoCorasick>,
    /// For each keyword pattern, the rules it activates.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords: always run.
    always: Vec<usize>,
    allow: CompiledAllow,
    max_file_size: usize,
    fingerprint: String,
}

/// Bump when the matching code changes what a scan reports for the same rules (validation,
/// filters, line numbering), so results cached under [`Scanner::fingerprint`] are not reused.
const ENGINE_REVISION: u32 = 1;

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner").field("rules", &self.rules.len()).finish_non_exhaustive()
    }
}

struct Candidate {
    rule: usize,
    whole: (usize, usize),
    secret: (usize, usize),
}

impl Scanner {
    /// Compiles `rules` (earlier rules win over later ones when matches overlap).
    pub fn new(rules: Vec<CustomRule>, config: ScanConfig) -> Result<Scanner, SecretsError> {
        let fingerprint = {
            use sha2::Digest as _;
            let mut h = sha2::Sha256::new();
            h.update(format!("{} {ENGINE_REVISION}\n{config:?}\n", env!("CARGO_PKG_VERSION")));
            for rule in &rules {
                // A validator is a function pointer: its address differs between runs, so
                // only its presence is part of the identity (the engine revision covers the
                // code).
                let validated = rule.validate.is_some();
                let rule = CustomRule { validate: None, ..rule.clone() };
                h.update(format!("{rule:?} {validated}\n"));
            }
            h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
        };
        let mut compiled = Vec::with_capacity(rules.len());
        let mut seen = std::collections::HashSet::new();
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for rule in rules {
            if !seen.insert(rule.id.clone()) {
                return Err(SecretsError::DuplicateRule(rule.id));
            }
            let rx = |p: &str| {
                rule_regex(&ascii_pattern(p))
                    .map_err(|source| SecretsError::Regex { rule: rule.id.clone(), source })
            };
            let pattern = ascii_pattern(&rule.regex);
            let (groups, multiline, literal_prefix) = parse_pattern(&rule.id, &pattern)?;
            if rule.secret_group >= groups {
                return Err(SecretsError::SecretGroup { rule: rule.id.clone(), group: rule.secret_group });
            }
            let region = rule.region.as_deref().map(rx).transpose()?;
            let requires = rule.requires.as_deref().map(rx).transpose()?;
            let allow = CompiledAllow::new(&rule.allowlist)?;
            let idx = compiled.len();
            let kws: Vec<String> =
                rule.keywords.iter().map(|k| k.to_ascii_lowercase()).filter(|k| !k.is_empty()).collect();
            if kws.is_empty() {
                always.push(idx);
            }
            for k in kws {
                let n = *keyword_index.entry(k.clone()).or_insert_with(|| {
                    keywords.push(k);
                    keyword_rules.push(Vec::new());
                    keyword_rules.len() - 1
                });
                if !keyword_rules[n].contains(&idx) {
                    keyword_rules[n].push(idx);
                }
            }
            let line_windows = rule.keyword_in_match
                && !multiline
                && !literal_prefix
                && region.is_none()
                && requires.is_none()
                && !rule.keywords.is_empty();
            let regex = std::sync::OnceLock::new();
            if !rule.keyword_in_match {
                // A user's rule: any error now, naming it.
                let _ = regex.set(Some(rx(&rule.regex)?));
                // (rx makes the same ASCII-only pattern as `pattern`.)
            }
            compiled.push(Compiled { rule, pattern, regex, region, requires, allow, line_windows });
        }
        let prefilter = if keywords.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    // A full DFA: several times faster than the default NFA for the overlapping
                    // search the prefilter needs; a few hundred short keywords keep it small.
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&keywords)
                    .map_err(|e| SecretsError::Prefilter(e.to_string()))?,
            )
        };
        Ok(Scanner {
            rules: compiled,
            prefilter,
            keyword_rules,
            always,
            allow: CompiledAllow::new(&config.allowlist)?,
            max_file_size: config.max_file_size,
            fingerprint,
        })
    }

    /// Identifies what this scanner reports: a hex digest of its rules, its configuration,
    /// the crate version and the engine revision. Two scanners with the same fingerprint
    /// report the same secrets for the same input, so results may be cached under it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// A scanner with every built-in rule and the default configuration.
    pub fn with_builtin_rules() -> Result<Scanner, SecretsError> {
        Scanner::new(
            crate::builtin_rules().into_iter().map(CustomRule::from).collect(),
            ScanConfig::default(),
        )
    }

    /// Compiles every rule's regex now (they are otherwise compiled on first use).
    pub fn compile_all(&self) -> Result<(), SecretsError> {
        for c in &self.rules {
            if c.regex().is_none() {
                return Err(rule_regex(&c.pattern)
                    .err()
                    .map(|source| SecretsError::Regex { rule: c.rule.id.clone(), source })
                    .unwrap_or_else(|| SecretsError::DuplicateRule(c.rule.id.clone())));
            }
        }
        Ok(())
    }

    /// Number of compiled rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Files larger than this many bytes are skipped ([`ScanConfig::max_file_size`]).
    pub fn max_file_size(&self) -> usize {
        self.max_file_size
    }

    /// Whether content starting with `head` is binary (a NUL byte in its first 8 KiB), so
    /// [`Scanner::scan`] skips it: callers can test a file's head before reading the rest.
    pub fn is_binary(head: &[u8]) -> bool {
        memchr::memchr(0, &head[..head.len().min(BINARY_PROBE)]).is_some()
    }

    /// Whether `path` is skipped by the path allowlist.
    pub fn path_allowed(&self, path: &str) -> bool {
        self.allow.path_allowed(&normalize(path))
    }

    /// Scans one file's content. `path` is used for the path allowlist only. Binary
    /// files (a NUL byte in the first 8 KiB) and files over the size cap give nothing.
    /// Matches come sorted by position.
    pub fn scan(&self, path: &str, content: &[u8]) -> Vec<SecretMatch> {
        if content.len() > self.max_file_size || Scanner::is_binary(content) || self.path_allowed(path) {
            return Vec::new();
        }
        let mut active = vec![false; self.rules.len()];
        for &i in &self.always {
            active[i] = true;
        }
        // For the rules searched line by line: the (start, end) of each line with a keyword.
        let mut lines_of: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.rules.len()];
        if let Some(ac) = &self.prefilter {
            // The line of the last hit: hits on the same line reuse it.
            let mut last_line = (0usize, 0usize);
            for m in ac.find_overlapping_iter(content) {
                let mut line: Option<(usize, usize)> = None;
                for &r in &self.keyword_rules[m.pattern().as_usize()] {
                    active[r] = true;
                    if self.rules[r].line_windows {
                        let (s, e) = *line.get_or_insert_with(|| {
                            if m.start() >= last_line.0 && m.end() <= last_line.1 {
                                last_line
                            } else {
                                last_line = line_bounds(content, m.start(), m.end());
                                last_line
                            }
                        });
                        let seen = &mut lines_of[r];
                        match seen.last_mut() {
                            // Same line, or a line close after the window: one search for both
                            // (whole lines, so a line-local regex finds the same matches).
                            Some(last) if s <= last.1 + WINDOW_GAP => last.1 = last.1.max(e),
                            _ => seen.push((s, e)),
                        }
                    }
                }
            }
        }
        let mut candidates = Vec::new();
        // The lowercased content, made once if a `lowercase` rule runs.
        let lower = std::cell::OnceCell::new();
        for (idx, c) in self.rules.iter().enumerate() {
            if !active[idx] {
                continue;
            }
            if let Some(req) = &c.requires
                && !req.is_match(content)
            {
                continue;
            }
            let regions: Vec<(usize, usize)> = match &c.region {
                Some(region) => region
                    .captures_iter(content)
                    .filter_map(|caps| caps.get(1).map(|m| (m.start(), m.end())))
                    .collect(),
                None if c.line_windows => std::mem::take(&mut lines_of[idx]),
                None => vec![(0, content.len())],
            };
            let Some(regex) = c.regex() else { continue };
            let text: &[u8] =
                if c.rule.lowercase { lower.get_or_init(|| content.to_ascii_lowercase()) } else { content };
            for (rs, re) in regions {
                let hay = &text[rs..re];
                for caps in regex.captures_iter(hay) {
                    let sec = if c.rule.secret_group == 0 {
                        (1..caps.len())
                            .filter_map(|g| caps.get(g))
                            .find(|m| !m.is_empty())
                            .or_else(|| caps.get(0))
                    } else {
                        caps.get(c.rule.secret_group)
                    };
                    let (Some(whole), Some(sec)) = (caps.get(0), sec) else {
                        continue;
                    };
                    let cand = Candidate {
                        rule: idx,
                        whole: (rs + whole.start(), rs + whole.end()),
                        secret: (rs + sec.start(), rs + sec.end()),
                    };
                    if self.accept(c, content, &cand) {
                        candidates.push(cand);
                    }
                }
            }
        }
        // Overlapping matches: the earlier rule wins (candidates are in rule order).
        let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
        let mut kept = Vec::new();
        for cand in candidates {
            let (s, e) = cand.secret;
            let overlaps = taken.range(..e.max(s + 1)).next_back().is_some_and(|(_, &end)| end > s);
            if overlaps {
                continue;
            }
            taken.insert(s, e);
            kept.push(cand);
        }
        kept.sort_by_key(|c| c.secret);
        if kept.is_empty() {
            return Vec::new();
        }
        let lines =
            LineIndex::new(content, kept.iter().flat_map(|c| [c.secret.0, c.secret.1.saturating_sub(1)]));
        let mut found: Vec<SecretMatch> = kept.iter().map(|c| self.build(content, &lines, c)).collect();
        // A snippet shows (part of) a line: redact every secret found in the file that
        // occurs in it, longest first, whatever line it was found on.
        let mut secrets: Vec<(String, String)> = kept
            .iter()
            .zip(&found)
            .map(|(c, m)| {
                (String::from_utf8_lossy(&content[c.secret.0..c.secret.1]).into_owned(), m.redacted.clone())
            })
            .filter(|(secret, _)| secret.len() >= MIN_CROSS_REDACT)
            .collect();
        secrets.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        secrets.dedup_by(|a, b| a.0 == b.0);
        for m in &mut found {
            for _ in 0..4 {
                let mut changed = false;
                for (secret, redacted) in &secrets {
                    if m.snippet.contains(secret.as_str()) {
                        m.snippet = m.snippet.replace(secret.as_str(), redacted);
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
        }
        found
    }

    fn accept(&self, c: &Compiled, content: &[u8], cand: &Candidate) -> bool {
        let (s, e) = cand.secret;
        if s == e {
            return false;
        }
        let secret = String::from_utf8_lossy(&content[s..e]);
        if is_known_example(&secret) {
            return false;
        }
        if c.rule.stopwords && is_placeholder(&secret) {
            return false;
        }
        if let Some(min) = c.rule.entropy_min
            && shannon_entropy(&secret) < min
        {
            return false;
        }
        if let Some(validate) = c.rule.validate
            && !validate(&secret)
        {
            return false;
        }
        let whole = &content[cand.whole.0..cand.whole.1];
        let line = line_around(content, cand.whole.0, cand.whole.1);
        if INLINE_ALLOW.iter().any(|marker| memchr::memmem::find(line, marker).is_some()) {
            return false;
        }
        !(self.allow.finding_allowed(&secret, whole, line) || c.allow.finding_allowed(&secret, whole, line))
    }

    fn build(&self, content: &[u8], lines: &LineIndex, cand: &Candidate) -> SecretMatch {
        let rule = &self.rules[cand.rule].rule;
        let (s, e) = cand.secret;
        let secret = String::from_utf8_lossy(&content[s..e]).into_owned();
        let redacted = match rule.redaction {
            Redaction::Prefix => redact(&secret),
            Redaction::FirstLine => {
                let first = secret.lines().next().unwrap_or_default().trim_end();
                if first.len() < secret.trim_end().len() { first.to_string() } else { redact(&secret) }
            }
        };
        let start_line = lines.line_of(s);
        let end_line = lines.line_of(e.saturating_sub(1).max(s));
        let snippet = snippet(content, s, e, &redacted, &secret);
        SecretMatch {
            rule_id: rule.id.clone(),
            title: rule.title.clone(),
            severity: rule.severity,
            start_line,
            end_line,
            start: s,
            end: e,
            redacted,
            secret_len: e - s,
            snippet,
        }
    }
}

fn normalize(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.trim_start_matches("./").to_string()
}

/// Lines with a keyword closer than this many bytes are searched as one window: one regex call
/// instead of many small ones where keywords are dense.
const WINDOW_GAP: usize = 1024;

/// The line containing `[s, e)` (without its newline).
fn line_bounds(content: &[u8], s: usize, e: usize) -> (usize, usize) {
    let ls = memchr::memrchr(b'\n', &content[..s]).map_or(0, |i| i + 1);
    let le = memchr::memchr(b'\n', &content[e..]).map_or(content.len(), |i| e + i);
    (ls, le)
}

/// The full line(s) containing `[s, e)`.
fn line_around(content: &[u8], s: usize, e: usize) -> &[u8] {
    let ls = memchr::memrchr(b'\n', &content[..s]).map_or(0, |i| i + 1);
    let le = memchr::memchr(b'\n', &content[e..]).map_or(content.len(), |i| e + i);
    &content[ls..le]
}

/// Inline comments that allow the secrets of their line: gitleaks', Rampart's own and
/// detect-secrets' markers, so existing annotations keep working.
pub const INLINE_ALLOW: &[&[u8]] = &[b"gitleaks:allow", b"rampart:allow", b"pragma: allowlist secret"];

/// Shortest secret redacted in the snippets of other findings (shorter ones would mangle
/// ordinary words there; each finding's own secret is always redacted in its snippet).
const MIN_CROSS_REDACT: usize = 6;

/// Longest snippet kept on each side of the secret.
const SNIPPET_CONTEXT: usize = 80;

fn snippet(content: &[u8], s: usize, e: usize, redacted: &str, secret: &str) -> String {
    let ls = memchr::memrchr(b'\n', &content[..s]).map_or(0, |i| i + 1);
    let le = memchr::memchr(b'\n', &content[s..]).map_or(content.len(), |i| s + i);
    let before_start = ls.max(s.saturating_sub(SNIPPET_CONTEXT));
    let secret_end_on_line = e.min(le);
    let after_end = le.min(secret_end_on_line + SNIPPET_CONTEXT);
    let mut out = String::new();
    out.push_str(&String::from_utf8_lossy(&content[before_start..s]));
    out.push_str(redacted);
    out.push_str(&String::from_utf8_lossy(&content[secret_end_on_line..after_end]));
    let mut out = out.trim_end_matches('\r').to_string();
    // The same secret may occur twice on the line: redact every occurrence.
    if secret.len() > 8 {
        for _ in 0..8 {
            if !out.contains(secret) {
                break;
            }
            out = out.replace(secret, redacted);
        }
    }
    out
}

/// Line numbers of a few byte offsets, counted in one pass up to the last of them (no index
/// of every newline of a big file).
struct LineIndex {
    /// (offset, 1-based line), sorted by offset.
    known: Vec<(usize, usize)>,
}

impl LineIndex {
    fn new(content: &[u8], offsets: impl Iterator<Item = usize>) -> LineIndex {
        let mut wanted: Vec<usize> = offsets.collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut known = Vec::with_capacity(wanted.len());
        let (mut pos, mut line) = (0usize, 1usize);
        for w in wanted {
            let w = w.min(content.len());
            line += memchr::memchr_iter(b'\n', &content[pos..w]).count();
            pos = w;
            known.push((w, line));
        }
        LineIndex { known }
    }

    /// 1-based line of byte offset `pos` (one of the offsets given to [`LineIndex::new`]).
    fn line_of(&self, pos: usize) -> usize {
        match self.known.binary_search_by_key(&pos, |&(o, _)| o) {
            Ok(i) => self.known[i].1,
            Err(i) => self.known.get(i.saturating_sub(1)).map_or(1, |k| k.1),
        }
    }
}
