//! Inline suppressions: a comment `# rampart:ignore:RMP-K8S-0001 reason` (or `//` in HCL).
//!
//! A comment on line L suppresses findings of that check (or of every check, with
//! `rampart:ignore:*` or a bare `rampart:ignore`) whose lines contain L (a trailing comment) or
//! L + 1 (a comment above the line), or that start on the first non-comment line after it (a
//! comment above a resource). Trivy's `trivy:ignore:ID` comments are honoured the same way.

use crate::value::Span;

/// One ignore comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The line of the comment.
    pub line: u32,
    /// The next line that is not a comment or blank.
    pub target: u32,
    /// Check id, or `*` for all.
    pub id: String,
    pub reason: Option<String>,
}

/// Every ignore comment of a file.
#[derive(Debug, Default)]
pub struct Inline {
    rules: Vec<Rule>,
}

impl Inline {
    pub fn parse(text: &str) -> Inline {
        if !text.contains("rampart:ignore") && !text.contains("trivy:ignore") {
            return Inline::default();
        }
        let lines: Vec<&str> = text.lines().collect();
        let mut rules = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let Some(pos) = comment_start(line) else { continue };
            let comment = &line[pos..];
            for marker in ["rampart:ignore", "trivy:ignore"] {
                let Some(at) = comment.find(marker) else { continue };
                let rest = &comment[at + marker.len()..];
                let (id, reason) = match rest.strip_prefix(':') {
                    Some(r) => {
                        let end = r.find(char::is_whitespace).unwrap_or(r.len());
                        (r[..end].trim_end_matches(',').to_string(), r[end..].trim())
                    }
                    None => ("*".to_string(), rest.trim()),
                };
                let id = if id.is_empty() { "*".to_string() } else { id };
                let target = lines
                    .iter()
                    .enumerate()
                    .skip(i + 1)
                    .find(|(_, l)| {
                        let t = l.trim_start();
                        !(t.is_empty() || t.starts_with('#') || t.starts_with("//"))
                    })
                    .map(|(j, _)| j as u32 + 1)
                    .unwrap_or(i as u32 + 2);
                rules.push(Rule {
                    line: i as u32 + 1,
                    target,
                    id,
                    reason: Some(reason.to_string()).filter(|r| !r.is_empty()),
                });
            }
        }
        Inline { rules }
    }

    /// The rule suppressing a finding of `id` on `span`, if any.
    pub fn matching(&self, id: &str, span: Span) -> Option<&Rule> {
        if !span.is_known() {
            return None;
        }
        self.rules.iter().find(|r| {
            let id_matches = r.id == "*"
                || r.id.eq_ignore_ascii_case(id)
                || r.id.split(',').any(|part| part.trim().eq_ignore_ascii_case(id));
            let contains = |l: u32| span.start <= l && l <= span.end;
            id_matches && (contains(r.line) || contains(r.line + 1) || span.start == r.target)
        })
    }
}

/// Where a `#` or `//` comment starts on a line (outside quotes, roughly).
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'#') => return Some(i),
            (None, b'/') if bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_above_trailing_and_on_blocks() {
        let text = "\
a: 1
# rampart:ignore:RMP-K8S-0001 accepted for the demo
b: 2
c: 3 # rampart:ignore:RMP-K8S-0002
# trivy:ignore:RMP-K8S-0003

resource:
  x: 1
// rampart:ignore
d = 4
e: 'not # a comment rampart:ignore'
";
        let inline = Inline::parse(text);
        let hit = inline.matching("RMP-K8S-0001", Span::line(3)).unwrap();
        assert_eq!((hit.line, hit.reason.as_deref()), (2, Some("accepted for the demo")));
        assert!(inline.matching("RMP-K8S-0001", Span::line(4)).is_none());
        assert!(inline.matching("RMP-K8S-0002", Span::line(4)).is_some());
        assert!(inline.matching("RMP-K8S-0003", Span::new(7, 8)).is_some(), "comment above a block");
        assert!(inline.matching("RMP-ANY-0001", Span::line(10)).is_some(), "bare ignore");
        assert!(inline.matching("RMP-ANY-0001", Span::line(11)).is_none(), "quoted text is no comment");
        assert!(inline.matching("rmp-k8s-0001", Span::new(1, 9)).is_some(), "span containing the comment");
        assert!(Inline::parse("a: 1\n").matching("X", Span::line(1)).is_none());
    }
}
