//! JSON with the lines of every value, for the analyzers that report where each package is
//! (`serde_json` says nothing about positions).
//!
//! Parsing is done by `jsonc-parser` (dprint's, used by Deno), which keeps the byte range of
//! every node; this module sets it to strict JSON and turns its tree into [`Node`]s that carry
//! 1-based lines. Every JSON5/JSONC extension the crate has a switch for is off (comments,
//! trailing or missing commas, unquoted keys, single quotes, hex, `+1`, `.5`, `NaN`, JSON5
//! escapes). Two leniencies have no switch: raw control characters inside strings and
//! whitespace other than RFC 8259's four (form feed, vertical tab, Unicode spaces). A byte scan
//! of the text the parser accepted refuses those, so exactly RFC 8259 JSON gets through.
//!
//! Nesting is capped by the parser at 512 open containers and object members (an object level
//! counts twice: the object and the member holding it), so hostile input cannot exhaust the
//! stack; real lockfiles are far shallower.

use std::borrow::Cow;

use jsonc_parser::ast::{self, ObjectPropName};
use jsonc_parser::errors::{ParseError, ParseErrorKind};
use jsonc_parser::{CollectOptions, ParseOptions, ParseStringErrorKind, parse_to_ast};

use crate::AnalyzeError;

/// A JSON value with the 1-based lines where it starts and ends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Byte offset of the value's first character.
    pub offset: usize,
    pub start: u32,
    pub end: u32,
    pub value: Value,
}

/// One `"key": value` member of an object; `line` is the line of the key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub key: String,
    pub line: u32,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in file order (duplicates kept; [`Node::get`] returns the last, as `serde_json` does).
    Object(Vec<Member>),
}

impl Node {
    /// The value of `key` when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.members()?.iter().rev().find(|m| m.key == key).map(|m| &m.value)
    }

    /// The members when this is an object.
    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The items when this is an array.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The string value of `key`, when this is an object and it is a string.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    /// True when `key` is the boolean `true`.
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key).map(|n| &n.value), Some(Value::Bool(true)))
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    /// A short name of the value's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Parses a whole JSON document; an error carries the line where the text stops being JSON.
pub(crate) fn parse(text: &str) -> Result<Node, AnalyzeError> {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let lines = Lines::new(text);
    let parsed = parse_to_ast(text, &CollectOptions::default(), &options);
    // The parser accepted everything before `accepted`; check that stretch for its leniencies.
    let accepted = match &parsed {
        Ok(_) => text.len(),
        Err(e) => error_offset(text, e),
    };
    if let Some((offset, message)) = not_strict(text.as_bytes().get(..accepted).unwrap_or_default()) {
        return Err(lines.error(offset, message));
    }
    match parsed {
        Ok(result) => match result.value {
            Some(value) => Ok(lines.node(value)),
            None => Err(lines.error(text.len(), "no JSON value")),
        },
        Err(e) => Err(lines.error(error_offset(text, &e), &lowercase_first(&e.kind().to_string()))),
    }
}

/// Where an error is: the end of the text for what was left open, else the offending token.
fn error_offset(text: &str, e: &ParseError) -> usize {
    match e.kind() {
        ParseErrorKind::UnterminatedObject
        | ParseErrorKind::UnterminatedArray
        | ParseErrorKind::String(ParseStringErrorKind::UnterminatedStringLiteral) => text.len(),
        // A missing comma is reported right after the previous value: move to what follows.
        _ => {
            let start = e.range().start;
            let rest = text.as_bytes().get(start..).unwrap_or_default();
            start + rest.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).count()
        }
    }
}

/// The first thing RFC 8259 refuses but the parser lets through: a control character inside a
/// string, or whitespace other than space, tab, line feed and carriage return outside strings
/// (outside strings, accepted text has no other non-ASCII and no other control bytes).
fn not_strict(bytes: &[u8]) -> Option<(usize, &'static str)> {
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'"' => in_string = false,
                b'\\' => i += 1,
                0..=0x1f => return Some((i, "control character in a string")),
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b' ' | b'\t' | b'\n' | b'\r' => {}
                0..=0x1f | 0x80.. => return Some((i, "whitespace that JSON does not allow")),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// Byte offsets to 1-based lines.
struct Lines {
    /// Offsets of the line feeds.
    breaks: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        Lines { breaks: memchr::memchr_iter(b'\n', text.as_bytes()).collect() }
    }

    fn line(&self, offset: usize) -> u32 {
        u32::try_from(self.breaks.partition_point(|&b| b < offset) + 1).unwrap_or(u32::MAX)
    }

    fn error(&self, offset: usize, message: &str) -> AnalyzeError {
        let line = self.line(offset);
        AnalyzeError::parse(Some(line), format!("invalid JSON at line {line}: {message}"))
    }

    /// Converts the parser's tree (at most as deep as the parser allows).
    fn node(&self, value: ast::Value<'_>) -> Node {
        let range = jsonc_parser::common::Ranged::range(&value);
        let value = match value {
            ast::Value::NullKeyword(_) => Value::Null,
            ast::Value::BooleanLit(b) => Value::Bool(b.value),
            ast::Value::NumberLit(n) => Value::Number(n.value.to_string()),
            ast::Value::StringLit(s) => Value::String(s.value.into_owned()),
            ast::Value::Array(a) => Value::Array(a.elements.into_iter().map(|v| self.node(v)).collect()),
            ast::Value::Object(o) => Value::Object(
                o.properties
                    .into_iter()
                    .map(|p| {
                        let (key, key_start) = match p.name {
                            ObjectPropName::String(s) => (s.value, s.range.start),
                            // Refused by the options; kept for completeness.
                            ObjectPropName::Word(w) => (Cow::Borrowed(w.value), w.range.start),
                        };
                        Member {
                            key: key.into_owned(),
                            line: self.line(key_start),
                            value: self.node(p.value),
                        }
                    })
                    .collect(),
            ),
        };
        Node {
            offset: range.start,
            start: self.line(range.start),
            end: self.line(range.end.saturating_sub(1).max(range.start)),
            value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spans_and_values() {
        let text =
            "{\n  \"a\": [\n    1,\n    {\"b\": \"x\\u00e9\\n\"}\n  ],\n  \"c\": true,\n  \"c\": null\n}\n";
        let root = parse(text).unwrap();
        assert_eq!((root.start, root.end), (1, 8));
        let a = root.get("a").unwrap();
        assert_eq!((a.start, a.end), (2, 5));
        let items = a.items().unwrap();
        assert_eq!(items[0].value, Value::Number("1".into()));
        assert_eq!((items[1].start, items[1].end), (4, 4));
        assert_eq!(items[1].get("b").unwrap().as_str(), Some("x\u{e9}\n"));
        assert_eq!(items[1].str_field("b"), Some("x\u{e9}\n"));
        // The last duplicate wins.
        assert_eq!(root.get("c").unwrap().value, Value::Null);
        assert_eq!(root.members().unwrap()[1].line, 6);
        assert!(!root.flag("c") && root.is_object() && !a.is_object());

        let text = "{\n  \"a\": {\n    \"b\": \"x\\u00e9\\n\",\n    \"c\": [1, -2.5e3, true, null]\n  }\n}\n";
        let root = parse(text).unwrap();
        let a = root.get("a").unwrap();
        assert_eq!((a.start, a.end), (2, 5));
        assert_eq!(a.str_field("b"), Some("xé\n"));
        let c = a.get("c").unwrap();
        assert_eq!((c.start, c.end), (4, 4));
        assert_eq!(text.get(c.offset..c.offset + 1), Some("["));
        assert_eq!((root.start, root.end), (1, 6));
        assert_eq!(parse("\"\\ud83d\\ude00\"").unwrap().as_str(), Some("\u{1F600}"));
    }

    #[test]
    fn rejects_what_is_not_json_with_the_line() {
        for (bad, line) in [
            ("", 1),
            ("  \n", 2),
            ("{", 1),
            ("{\n\"a\": }", 2),
            ("{\"a\" 1}", 1),
            ("{\"a\":tru}", 1),
            ("{\n\"a\": tru}", 2),
            ("[1,]", 1),
            ("{\"a\": 1,}", 1),
            ("[1 2]", 1),
            ("[1\n2]", 2),
            ("\"abc", 1),
            ("\"a\nb\"", 1),
            ("[\"a\",\n\"b\tc\"]", 2),
            ("01", 1),
            ("01x", 1),
            ("1.", 1),
            (".5", 1),
            ("+1", 1),
            ("0x1F", 1),
            ("NaN", 1),
            ("-Infinity", 1),
            ("-", 1),
            ("1e", 1),
            ("{} x", 1),
            ("[][]", 1),
            ("\"\\x\"", 1),
            ("\"\\'\"", 1),
            ("\"\\v\"", 1),
            ("\"\\", 1),
            ("\"\\ud800\\u0041\"", 1),
            ("\"\\udc00\"", 1),
            ("'a'", 1),
            ("{a: 1}", 1),
            ("[1,\n// c\n2]", 2),
            ("[1, /* c */ 2]", 1),
            ("[1,\u{c}2]", 1),
            ("[1,\n\u{a0}2]", 2),
            ("\u{2028}[]", 1),
            ("[]\n\u{b}", 2),
            ("{\n  \"a\": [\n    1,\n", 4),
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.line(), Some(line), "{bad:?}: {e}");
            assert!(e.to_string().starts_with(&format!("invalid JSON at line {line}: ")), "{e}");
        }
        for good in [
            "0",
            "-0",
            "-0.5e+10",
            "1E5",
            "\"\"",
            "[]",
            "{}",
            " null ",
            "[true,false]",
            "\t{\r\n\"a\" : [ ] }\n",
        ] {
            assert!(parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn nesting_is_capped() {
        for open in ["[", "{\"a\":"] {
            let e = parse(&open.repeat(100_000)).unwrap_err();
            assert!(e.to_string().contains("nesting depth"), "{e}");
        }
        // npm v1 lockfiles nest two objects per `node_modules` level: 120 levels still parse.
        let deep = format!("{}1{}", "{\"a\":".repeat(240), "}".repeat(240));
        assert!(parse(&deep).is_ok());
        assert!(parse(&format!("{}{}", "[".repeat(500), "]".repeat(500))).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn agrees_with_serde_json(s in "[\\[\\]{}\",:0-9a-z\\\\ \n.eE+-]{0,40}") {
            let ours = parse(&s).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(&s).is_ok();
            prop_assert_eq!(ours, theirs, "{:?}", s);
        }

        #[test]
        fn agrees_with_serde_json_on_lenient_syntax(s in "[\\[\\]{}\"',:/*0-9a-fnux\\\\ \t\n\r\u{b}\u{c}\u{a0}.eE+-]{0,30}") {
            let ours = parse(&s).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(&s).is_ok();
            prop_assert_eq!(ours, theirs, "{:?}", s);
        }

        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = parse(&s);
        }
    }
}
