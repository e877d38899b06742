//! A small JSON reader that keeps the line span of every value.
//!
//! `serde_json` does not say where a value was, and the PHP and .NET analyzers report the lines of
//! each package entry, so they read their JSON through this instead. It accepts exactly the JSON
//! grammar (RFC 8259) minus nothing, decodes string escapes through `serde_json`, and refuses
//! nesting deeper than [`MAX_DEPTH`] so hostile input cannot exhaust the stack.

use crate::AnalyzeError;

/// Deeper nesting than any real lockfile has.
const MAX_DEPTH: u32 = 256;

/// A JSON value with the 1-based lines where it starts and ends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
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

    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

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

/// Parses a whole JSON document.
pub(crate) fn parse(text: &str) -> Result<Node, AnalyzeError> {
    let mut p = Parser { text, bytes: text.as_bytes(), pos: 0, line: 1, depth: 0 };
    p.skip_ws();
    let node = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    depth: u32,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> AnalyzeError {
        AnalyzeError::parse(Some(self.line), format!("invalid JSON: {message}"))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => self.line = self.line.saturating_add(1),
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Node, AnalyzeError> {
        let start = self.line;
        let value = match self.peek() {
            None => return Err(self.error("unexpected end of file")),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a value")),
        };
        Ok(Node { start, end: self.line, value })
    }

    fn enter(&mut self) -> Result<(), AnalyzeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, AnalyzeError> {
        self.enter()?;
        self.pos += 1; // `{`
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let line = self.line;
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:` after a key"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            members.push(Member { key, line, value });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Object(members));
                }
                None => return Err(self.error("unexpected end of file in an object")),
                Some(_) => return Err(self.error("expected `,` or `}` in an object")),
            }
        }
    }

    fn array(&mut self) -> Result<Value, AnalyzeError> {
        self.enter()?;
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.error("unexpected end of file in an array")),
                Some(_) => return Err(self.error("expected `,` or `]` in an array")),
            }
        }
    }

    fn string(&mut self) -> Result<String, AnalyzeError> {
        let open = self.pos;
        self.pos += 1; // `"`
        let mut escaped = false;
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    self.pos += 2;
                }
                Some(b) if b < 0x20 => return Err(self.error("control character in a string")),
                Some(_) => self.pos += 1,
            }
        }
        self.pos += 1; // closing `"`
        let raw = self.text.get(open..self.pos).ok_or_else(|| self.error("unterminated string"))?;
        if !escaped {
            // Without escapes the content is the text between the quotes.
            return Ok(raw.get(1..raw.len() - 1).unwrap_or_default().to_string());
        }
        serde_json::from_str::<String>(raw).map_err(|e| self.error(&format!("bad string: {e}")))
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, AnalyzeError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn number(&mut self) -> Result<Value, AnalyzeError> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
            self.pos += 1;
        }
        let raw = self.text.get(start..self.pos).unwrap_or_default();
        if !valid_number(raw) {
            return Err(self.error("bad number"));
        }
        Ok(Value::Number(raw.to_string()))
    }
}

/// The JSON number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn valid_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
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
        // The last duplicate wins.
        assert_eq!(root.get("c").unwrap().value, Value::Null);
        assert_eq!(root.members().unwrap()[1].line, 6);
    }

    #[test]
    fn rejects_what_is_not_json() {
        for (bad, line) in [
            ("", 1),
            ("{", 1),
            ("{\"a\" 1}", 1),
            ("[1,]", 1),
            ("[1 2]", 1),
            ("{\n\"a\": tru}", 2),
            ("\"abc", 1),
            ("\"a\nb\"", 1),
            ("01", 1),
            ("1.", 1),
            ("-", 1),
            ("1e", 1),
            ("{} x", 1),
            ("\"\\x\"", 1),
            ("\"\\", 1),
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.line(), Some(line), "{bad:?}: {e}");
        }
        assert!(parse(&"[".repeat(300)).unwrap_err().to_string().contains("too deep"));
        assert!(parse(&format!("{}{}", "[".repeat(200), "]".repeat(200))).is_ok());
        for good in ["0", "-0.5e+10", "1E5", "\"\"", "[]", "{}", " null ", "[true,false]"] {
            assert!(parse(good).is_ok(), "{good}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn agrees_with_serde_json(s in "[\\[\\]{}\",:0-9a-z\\\\ \n.eE+-]{0,40}") {
            let ours = parse(&s).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(&s).is_ok();
            prop_assert_eq!(ours, theirs, "{:?}", s);
        }
    }
}
