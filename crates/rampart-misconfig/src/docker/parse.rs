//! Dockerfile parsing (with the `parse-dockerfile` crate) into a flat, line-spanned model that
//! the checks read and that is also handed to custom policies in Trivy's and Conftest's shapes.

use parse_dockerfile::{Command, HealthcheckArguments, Instruction as P, JsonOrStringArray, Source};
use serde_json::{Value, json};

use super::shell::{self, SimpleCmd};
use crate::value::Span;

/// One instruction, in the shape of Trivy's `Command` (lower-case `cmd`, flags as written,
/// `value` as buildkit splits it) plus what the checks need.
#[derive(Debug, Clone, PartialEq)]
pub struct Instr {
    /// Lower-case instruction name (`from`, `run`, ...).
    pub cmd: String,
    /// For `ONBUILD`, the inner instruction's name.
    pub sub_cmd: String,
    /// Flags as written (`--from=build`, `--platform=linux/amd64`).
    pub flags: Vec<String>,
    pub value: Vec<String>,
    /// The instruction with its line continuations joined.
    pub original: String,
    /// Exec (JSON) form.
    pub json: bool,
    /// Index of the stage (global `ARG`s belong to stage 0, as in Trivy).
    pub stage: usize,
    pub span: Span,
    /// For `RUN` (and shell-form `CMD`/`ENTRYPOINT`/`HEALTHCHECK CMD`): the shell script
    /// (continuations joined, here-documents included) or the exec-form words joined by spaces.
    pub script: Option<String>,
    /// For `RUN`: the simple commands of `script`.
    pub commands: Vec<SimpleCmd>,
}

impl Instr {
    /// For `ENV`/`ARG`: the (name, value) pairs, values unquoted (`None`: an `ARG` without default).
    pub fn pairs(&self) -> Vec<(String, Option<String>)> {
        match self.cmd.as_str() {
            "env" => self
                .value
                .chunks(2)
                .map(|c| (c[0].clone(), c.get(1).map(|v| unquote(v).to_string())))
                .collect(),
            "arg" => self
                .value
                .iter()
                .map(|w| match w.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(unquote(v).to_string())),
                    None => (w.clone(), None),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags.iter().find_map(|f| {
            let rest = f.strip_prefix("--")?;
            match rest.split_once('=') {
                Some((n, v)) if n.eq_ignore_ascii_case(name) => Some(v),
                None if rest.eq_ignore_ascii_case(name) => Some(""),
                _ => None,
            }
        })
    }
}

/// A build stage: its `FROM` and the instructions after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub index: usize,
    /// The image (`ubuntu:22.04`), as written.
    pub image: String,
    /// `AS name`.
    pub alias: Option<String>,
    pub from: Instr,
    pub instrs: Vec<Instr>,
}

impl Stage {
    /// The name findings use for this stage: its alias, or `stage N (image)`.
    pub fn resource(&self) -> String {
        match &self.alias {
            Some(a) => a.clone(),
            None => format!("stage {} ({})", self.index, self.image),
        }
    }

    /// The lines from `FROM` to the last instruction of the stage.
    pub fn span(&self) -> Span {
        self.instrs.iter().fold(self.from.span, |s, i| s.join(i.span))
    }
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dockerfile {
    /// `ARG`s before the first `FROM`.
    pub global_args: Vec<Instr>,
    pub stages: Vec<Stage>,
    /// Comments (`#` lines outside instructions), as Conftest lists them: (line, text).
    pub comments: Vec<(u32, String)>,
}

/// A parse error with its 1-based line (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub message: String,
}

/// Byte offset → 1-based line.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { starts }
    }
    fn line(&self, offset: usize) -> u32 {
        (self.starts.partition_point(|&s| s <= offset)) as u32
    }
}

fn keyword_start(i: &P<'_>) -> usize {
    match i {
        P::Add(x) => x.add.span.start,
        P::Arg(x) => x.arg.span.start,
        P::Cmd(x) => x.cmd.span.start,
        P::Copy(x) => x.copy.span.start,
        P::Entrypoint(x) => x.entrypoint.span.start,
        P::Env(x) => x.env.span.start,
        P::Expose(x) => x.expose.span.start,
        P::From(x) => x.from.span.start,
        P::Healthcheck(x) => x.healthcheck.span.start,
        P::Label(x) => x.label.span.start,
        P::Maintainer(x) => x.maintainer.span.start,
        P::Onbuild(x) => x.onbuild.span.start,
        P::Run(x) => x.run.span.start,
        P::Shell(x) => x.shell.span.start,
        P::Stopsignal(x) => x.stopsignal.span.start,
        P::User(x) => x.user.span.start,
        P::Volume(x) => x.volume.span.start,
        P::Workdir(x) => x.workdir.span.start,
        _ => 0,
    }
}

fn name_of(i: &P<'_>) -> &'static str {
    match i {
        P::Add(_) => "add",
        P::Arg(_) => "arg",
        P::Cmd(_) => "cmd",
        P::Copy(_) => "copy",
        P::Entrypoint(_) => "entrypoint",
        P::Env(_) => "env",
        P::Expose(_) => "expose",
        P::From(_) => "from",
        P::Healthcheck(_) => "healthcheck",
        P::Label(_) => "label",
        P::Maintainer(_) => "maintainer",
        P::Onbuild(_) => "onbuild",
        P::Run(_) => "run",
        P::Shell(_) => "shell",
        P::Stopsignal(_) => "stopsignal",
        P::User(_) => "user",
        P::Volume(_) => "volume",
        P::Workdir(_) => "workdir",
        _ => "unknown",
    }
}

/// Joins the physical lines of an instruction into one logical line as buildkit does: an escape
/// character at the end of a line continues it, comment and empty lines inside are dropped.
pub fn join_continuations(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut first = true;
    for line in raw.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        if !first && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        first = false;
        let end = line.trim_end();
        match end.strip_suffix(escape) {
            // an escaped escape (`\\`) at the end is not a continuation
            Some(rest) if !rest.ends_with(escape) => out.push_str(rest),
            _ => {
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Splits `a=b c="d e"` (or the legacy `a b c`) into buildkit's name/value list.
fn name_values(text: &str) -> Vec<String> {
    let words = split_words(text);
    if words.first().is_some_and(|w| !w.contains('=')) {
        // legacy `ENV name value with spaces`
        let mut it = text.trim().splitn(2, char::is_whitespace);
        let name = it.next().unwrap_or_default().to_string();
        let value = it.next().unwrap_or_default().trim().to_string();
        return vec![name, value];
    }
    let mut out = Vec::new();
    for w in words {
        match w.split_once('=') {
            Some((n, v)) => {
                out.push(n.to_string());
                out.push(v.to_string());
            }
            None => out.push(w),
        }
    }
    out
}

/// Splits on unquoted whitespace, keeping quotes (as buildkit's AST does).
pub fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (_, '\\') => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (_, c) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Removes one level of matching quotes.
pub fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

struct Builder<'t> {
    text: &'t str,
    lines: Lines,
    escape: char,
}

impl Builder<'_> {
    fn flags(&self, flags: &[parse_dockerfile::Flag<'_>]) -> Vec<String> {
        flags.iter().map(|f| self.text[f.span()].to_string()).collect()
    }

    fn command(&self, c: &Command<'_>) -> (Vec<String>, bool, String) {
        match c {
            Command::Exec(words) => {
                let v: Vec<String> = words.value.iter().map(|w| w.value.to_string()).collect();
                let script = v.join(" ");
                (v, true, script)
            }
            Command::Shell(s) => {
                let joined = join_continuations(s.value, self.escape);
                (vec![joined.clone()], false, joined)
            }
            _ => (Vec::new(), false, String::new()),
        }
    }

    /// `value`, `json`, `script`, `flags`, `sub_cmd` of one instruction.
    fn parts(&self, i: &P<'_>) -> (Vec<String>, bool, Option<String>, Vec<String>, String) {
        let words = |v: &[parse_dockerfile::UnescapedString<'_>]| -> Vec<String> {
            v.iter().map(|w| w.value.to_string()).collect()
        };
        match i {
            P::From(x) => {
                let mut v = vec![x.image.value.to_string()];
                if let Some((kw, name)) = &x.as_ {
                    v.push(self.text.get(kw.span.clone()).unwrap_or("AS").to_string());
                    v.push(name.value.to_string());
                }
                (v, false, None, self.flags(&x.options), String::new())
            }
            P::Run(x) => {
                let (mut v, json, mut script) = self.command(&x.arguments);
                if !x.here_docs.is_empty() {
                    let cmd = script.trim();
                    let simple = cmd.split_whitespace().all(|w| w.starts_with("<<"));
                    if simple && x.here_docs.len() == 1 {
                        let body = x.here_docs[0].value.replace("\r\n", "\n");
                        script = body.trim_end_matches('\n').split('\n').collect::<Vec<_>>().join(" ; ");
                    } else {
                        for h in &x.here_docs {
                            script.push('\n');
                            script.push_str(&h.value);
                        }
                    }
                    v = vec![script.clone()];
                }
                (v, json, Some(script), self.flags(&x.options), String::new())
            }
            P::Cmd(x) => {
                let (v, json, script) = self.command(&x.arguments);
                (v, json, Some(script), Vec::new(), String::new())
            }
            P::Entrypoint(x) => {
                let (v, json, script) = self.command(&x.arguments);
                (v, json, Some(script), Vec::new(), String::new())
            }
            P::Healthcheck(x) => match &x.arguments {
                HealthcheckArguments::Cmd { arguments, .. } => {
                    let (mut v, json, script) = self.command(arguments);
                    v.insert(0, "CMD".into());
                    (v, json, Some(script), self.flags(&x.options), String::new())
                }
                _ => (vec!["NONE".into()], false, None, self.flags(&x.options), String::new()),
            },
            P::Copy(x) => {
                let mut v: Vec<String> = x.src.iter().map(source).collect();
                v.push(x.dest.value.to_string());
                (v, false, None, self.flags(&x.options), String::new())
            }
            P::Add(x) => {
                let mut v: Vec<String> = x.src.iter().map(source).collect();
                v.push(x.dest.value.to_string());
                (v, false, None, self.flags(&x.options), String::new())
            }
            P::Arg(x) => (split_words(&x.arguments.value), false, None, Vec::new(), String::new()),
            P::Env(x) => (name_values(&x.arguments.value), false, None, Vec::new(), String::new()),
            P::Label(x) => (name_values(&x.arguments.value), false, None, Vec::new(), String::new()),
            P::Expose(x) => (words(&x.arguments), false, None, Vec::new(), String::new()),
            P::Maintainer(x) => (vec![x.name.value.to_string()], false, None, Vec::new(), String::new()),
            P::Shell(x) => (words(&x.arguments), true, None, Vec::new(), String::new()),
            P::Stopsignal(x) => (vec![x.arguments.value.to_string()], false, None, Vec::new(), String::new()),
            P::User(x) => (vec![x.arguments.value.to_string()], false, None, Vec::new(), String::new()),
            P::Workdir(x) => (vec![x.arguments.value.to_string()], false, None, Vec::new(), String::new()),
            P::Volume(x) => match &x.arguments {
                JsonOrStringArray::Json(v) => (words(&v.value), true, None, Vec::new(), String::new()),
                JsonOrStringArray::String(v) => (words(v), false, None, Vec::new(), String::new()),
            },
            P::Onbuild(x) => {
                let (v, json, script, flags, _) = self.parts(&x.instruction);
                (v, json, script, flags, name_of(&x.instruction).to_string())
            }
            _ => (Vec::new(), false, None, Vec::new(), String::new()),
        }
    }
}

fn source(s: &Source<'_>) -> String {
    match s {
        Source::Path(p) => p.value.to_string(),
        Source::HereDoc(_) => "<<heredoc".to_string(),
        _ => String::new(),
    }
}

/// `syntax=...`, `escape=...`, `check=...`: a parser directive, not a comment.
fn is_directive(comment: &str) -> bool {
    comment.split_once('=').is_some_and(|(k, _)| {
        let k = k.trim();
        ["syntax", "escape", "check"].iter().any(|d| k.eq_ignore_ascii_case(d))
    })
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Parses a Dockerfile. Errors carry the line the parser stopped at.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let iter = parse_dockerfile::parse_iter(text)
        .map_err(|e| ParseError { line: e.line() as u32, message: format!("{e:#}") })?;
    let mut raw = Vec::new();
    for i in iter {
        raw.push(i.map_err(|e| ParseError { line: e.line() as u32, message: format!("{e:#}") })?);
    }
    let escape = {
        // the `# escape=` directive, when present, is among the first comment lines
        let mut esc = '\\';
        for line in text.lines() {
            let t = line.trim();
            let Some(rest) = t.strip_prefix('#') else { break };
            if let Some((k, v)) = rest.split_once('=')
                && k.trim().eq_ignore_ascii_case("escape")
                && v.trim() == "`"
            {
                esc = '`';
            }
        }
        esc
    };
    let b = Builder { text, lines: Lines::new(text), escape };
    let physical: Vec<&str> = text.split('\n').collect();
    let starts: Vec<u32> = raw.iter().map(|i| b.lines.line(keyword_start(i))).collect();

    let mut df = Dockerfile::default();
    // comment lines outside instructions
    let mut covered = vec![false; physical.len() + 2];
    let mut stage_index: Option<usize> = None;
    for (n, i) in raw.iter().enumerate() {
        let start = starts[n];
        let limit = starts.get(n + 1).map(|s| s - 1).unwrap_or(physical.len() as u32);
        let mut end = start;
        for l in (start..=limit).rev() {
            if l == start || !is_blank_or_comment(physical.get(l as usize - 1).unwrap_or(&"")) {
                end = l;
                break;
            }
        }
        for l in start..=end {
            if let Some(c) = covered.get_mut(l as usize) {
                *c = true;
            }
        }
        let raw_text = physical[start as usize - 1..end as usize].join("\n");
        let (value, json, script, flags, sub_cmd) = b.parts(i);
        let cmd = name_of(i).to_string();
        if cmd == "from" {
            stage_index = Some(stage_index.map_or(0, |s| s + 1));
        }
        let original = match i {
            P::Run(r) if !r.here_docs.is_empty() => raw_text.trim().to_string(),
            _ => join_continuations(&raw_text, escape).trim().to_string(),
        };
        let instr = Instr {
            cmd,
            sub_cmd,
            flags,
            value,
            original,
            json,
            stage: stage_index.unwrap_or(0),
            span: Span::new(start, end),
            commands: match (&script, i) {
                (Some(s), P::Run(_)) => shell::commands(s),
                _ => Vec::new(),
            },
            script,
        };
        match i {
            P::From(f) => df.stages.push(Stage {
                index: instr.stage,
                image: f.image.value.to_string(),
                alias: f.as_.as_ref().map(|(_, n)| n.value.to_string()),
                from: instr,
                instrs: Vec::new(),
            }),
            _ => match df.stages.last_mut() {
                Some(s) => s.instrs.push(instr),
                None => df.global_args.push(instr),
            },
        }
    }
    let first_line = starts.first().copied().unwrap_or(u32::MAX) as usize;
    for (idx, line) in physical.iter().enumerate() {
        let t = line.trim();
        if !covered[idx + 1]
            && let Some(c) = t.strip_prefix('#')
            && !(idx + 1 < first_line && is_directive(c))
        {
            df.comments.push((idx as u32 + 1, c.trim().to_string()));
        }
    }
    Ok(df)
}

impl Dockerfile {
    /// Every instruction in file order (global `ARG`s, then each stage's `FROM` and body).
    pub fn instructions(&self) -> impl Iterator<Item = &Instr> {
        self.global_args
            .iter()
            .chain(self.stages.iter().flat_map(|s| std::iter::once(&s.from).chain(&s.instrs)))
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The input Trivy gives custom Dockerfile checks: `{"Stages": [{"Name", "Commands"}]}`.
    /// Global `ARG`s form a first stage with an empty name, as in Trivy.
    pub fn trivy_input(&self, path: &str) -> Value {
        let mut stages = Vec::new();
        if !self.global_args.is_empty() {
            stages.push(json!({"Name": "", "Commands": self.global_args.iter().map(|c| trivy_cmd(c, path)).collect::<Vec<_>>()}));
        }
        for s in &self.stages {
            let name = s.from.original.get(4..).unwrap_or("").trim().to_string();
            let cmds: Vec<Value> =
                std::iter::once(&s.from).chain(&s.instrs).map(|c| trivy_cmd(c, path)).collect();
            stages.push(json!({"Name": name, "Commands": cmds}));
        }
        json!({ "Stages": stages })
    }

    /// The input Conftest gives Dockerfile policies: one flat list of commands (comments
    /// included as `"Cmd": "comment"`), each with its stage index.
    pub fn conftest_input(&self) -> Value {
        let mut items: Vec<(u32, Value)> = self
            .instructions()
            .map(|c| {
                (
                    c.span.start,
                    json!({"Cmd": c.cmd, "SubCmd": c.sub_cmd, "JSON": c.json, "Flags": c.flags,
                           "Value": c.value, "Stage": c.stage}),
                )
            })
            .collect();
        let stage_at = |line: u32| -> usize {
            self.stages.iter().filter(|s| s.from.span.start <= line).map(|s| s.index).next_back().unwrap_or(0)
        };
        for (line, text) in &self.comments {
            if text.is_empty() {
                continue;
            }
            items.push((
                *line,
                json!({"Cmd": "comment", "SubCmd": "", "JSON": false, "Flags": [], "Value": [text], "Stage": stage_at(*line)}),
            ));
        }
        items.sort_by_key(|(l, _)| *l);
        Value::Array(items.into_iter().map(|(_, v)| v).collect())
    }
}

fn trivy_cmd(c: &Instr, path: &str) -> Value {
    json!({
        "Cmd": c.cmd, "SubCmd": c.sub_cmd, "Flags": c.flags, "Value": c.value, "Original": c.original,
        "JSON": c.json, "Stage": c.stage, "Path": path, "StartLine": c.span.start, "EndLine": c.span.end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_continuations_and_heredocs() {
        let text = "# syntax=docker/dockerfile:1\nARG V=1\nFROM ubuntu:22.04 AS build\nRUN apt-get update && \\\n    # note\n    apt-get install -y x\n\n# between\nRUN <<EOF\necho a\necho b\nEOF\nFROM scratch\nCOPY --from=build /a /b\n";
        let df = parse(text).unwrap();
        assert_eq!(df.global_args.len(), 1);
        assert_eq!(df.stages.len(), 2);
        let s0 = &df.stages[0];
        assert_eq!(s0.alias.as_deref(), Some("build"));
        assert_eq!(s0.from.value, ["ubuntu:22.04", "AS", "build"]);
        assert_eq!(s0.instrs[0].span, Span::new(4, 6));
        assert_eq!(s0.instrs[0].original, "RUN apt-get update &&     apt-get install -y x");
        assert_eq!(s0.instrs[1].span, Span::new(9, 12));
        assert_eq!(s0.instrs[1].script.as_deref(), Some("echo a ; echo b"));
        let s1 = &df.stages[1];
        assert_eq!(s1.instrs[0].flag("from"), Some("build"));
        assert_eq!(s1.instrs[0].stage, 1);
        let trivy = df.trivy_input("Dockerfile");
        assert_eq!(trivy["Stages"][1]["Name"], "ubuntu:22.04 AS build");
        assert_eq!(trivy["Stages"][1]["Commands"][1]["StartLine"], 4);
        let conftest = df.conftest_input();
        assert!(
            conftest.as_array().unwrap().iter().any(|c| c["Cmd"] == "comment" && c["Value"][0] == "between")
        );
    }

    #[test]
    fn env_forms() {
        assert_eq!(name_values("A=1 B=\"x y\""), ["A", "1", "B", "\"x y\""]);
        assert_eq!(name_values("A hello world"), ["A", "hello world"]);
    }

    #[test]
    fn errors_have_lines() {
        let e = parse("FROM x\nBOGUS y\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(parse("").is_err());
        assert!(parse("RUN x\n").is_err());
    }
}
