//! Maven versions, ordered as Maven's `ComparableVersion` and its published
//! "Version Order Specification" do.
//!
//! * The version is lower-cased and split into tokens at `.` and `-` and at
//!   every switch between digits and non-digits; a switch counts as a `-`.
//!   Each token remembers the separator before it. Empty tokens are `0`.
//! * Aliases: `cr` = `rc`; `ga`, `final`, `release` = empty; `a`, `b`, `m`
//!   directly followed by a digit mean `alpha`, `beta`, `milestone`.
//! * Trailing "null" tokens (`0`, empty, `final`, `ga`) are trimmed, from
//!   the end and again before each remaining `-`.
//! * The shorter version is padded with null tokens of the other's
//!   separator (`.0` or `-`empty; `.`empty against `sp`).
//! * Tokens with the same separator: numbers numerically; a (non-null)
//!   number beats a qualifier; qualifiers order
//!   `alpha < beta < milestone < rc < snapshot < "" < sp < anything else`,
//!   the unknown ones among themselves alphabetically.
//! * Tokens with different separators: `.qualifier < -qualifier < -number <
//!   .number`.

use std::cmp::Ordering;

use crate::num::{Num, is_digits};
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    None,
    Dot,
    Dash,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Num(Num),
    Qual(Box<str>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    sep: Sep,
    value: Value,
    null: bool,
}

impl Token {
    fn trimmable(&self) -> bool {
        match &self.value {
            Value::Num(n) => n.is_zero(),
            Value::Qual(q) => q.is_empty(),
        }
    }

    fn is_num(&self) -> bool {
        matches!(self.value, Value::Num(_))
    }

    fn kind_order(&self) -> u8 {
        match (self.is_num(), self.sep) {
            (false, Sep::Dot) => 0,
            (false, _) => 1,
            (true, Sep::Dash) => 2,
            (true, _) => 3,
        }
    }

    /// The null token to pad the other side with, opposite `self`.
    fn null_like(&self) -> Token {
        match self.sep {
            Sep::Dash => Token { sep: Sep::Dash, value: Value::Qual("".into()), null: true },
            _ => {
                let sp = matches!(&self.value, Value::Qual(q) if &**q == "sp");
                Token {
                    sep: Sep::Dot,
                    value: if sp { Value::Qual("".into()) } else { Value::Num(Num::default()) },
                    null: true,
                }
            }
        }
    }
}

const KEYWORDS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

fn keyword_order(q: &str) -> usize {
    KEYWORDS.iter().position(|k| *k == q).unwrap_or(KEYWORDS.len())
}

fn token_cmp(a: &Token, b: &Token) -> Ordering {
    if a.sep == b.sep {
        match (&a.value, &b.value) {
            (Value::Num(x), Value::Num(y)) => x.cmp(y),
            (Value::Num(_), Value::Qual(_)) if !a.null => Ordering::Greater,
            (Value::Qual(_), Value::Num(_)) if !b.null => Ordering::Less,
            _ => {
                let qa = qual_str(&a.value);
                let qb = qual_str(&b.value);
                let (ka, kb) = (keyword_order(qa), keyword_order(qb));
                if ka == KEYWORDS.len() && kb == KEYWORDS.len() { qa.cmp(qb) } else { ka.cmp(&kb) }
            }
        }
    } else {
        a.kind_order().cmp(&b.kind_order())
    }
}

fn qual_str(v: &Value) -> &str {
    match v {
        // a null numeric token compared against a qualifier: "0" is not a
        // keyword, so it sorts with the unknown qualifiers
        Value::Num(_) => "0",
        Value::Qual(q) => q,
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MavenVersion {
    tokens: Vec<Token>,
}

pub(crate) fn parse(version: &str) -> Result<MavenVersion, VersionError> {
    let s = version.trim();
    if s.is_empty() {
        return Err(VersionError::invalid(Scheme::Maven, version, "empty version"));
    }
    if s.chars().any(char::is_whitespace) {
        return Err(VersionError::invalid(Scheme::Maven, version, "contains whitespace"));
    }
    let lower = s.to_lowercase();
    let mut tokens = Vec::new();
    // raw tokens between '.' and '-', each with the separator before it
    let mut raws: Vec<(Sep, &str)> = Vec::new();
    let mut sep = Sep::None;
    let mut from = 0;
    for (idx, c) in lower.char_indices() {
        if c == '.' || c == '-' {
            raws.push((sep, &lower[from..idx]));
            sep = if c == '.' { Sep::Dot } else { Sep::Dash };
            from = idx + 1;
        }
    }
    raws.push((sep, &lower[from..]));
    for (sep, raw) in raws {
        // split at digit / non-digit switches
        let mut pieces: Vec<&str> = Vec::new();
        let mut start = 0;
        let mut prev: Option<bool> = None;
        for (idx, c) in raw.char_indices() {
            let d = c.is_ascii_digit();
            if let Some(p) = prev
                && p != d
            {
                pieces.push(&raw[start..idx]);
                start = idx;
            }
            prev = Some(d);
        }
        pieces.push(&raw[start..]);
        let n = pieces.len();
        for (j, piece) in pieces.into_iter().enumerate() {
            let this_sep = if j > 0 { Sep::Dash } else { sep };
            let mut cur: &str = if piece.is_empty() { "0" } else { piece };
            if cur == "cr" {
                cur = "rc";
            }
            if matches!(cur, "ga" | "final" | "release") {
                cur = "";
            }
            if j + 1 < n {
                cur = match cur {
                    "a" => "alpha",
                    "b" => "beta",
                    "m" => "milestone",
                    other => other,
                };
            }
            let value = if is_digits(cur) { Value::Num(Num::new(cur)) } else { Value::Qual(cur.into()) };
            tokens.push(Token { sep: this_sep, value, null: false });
        }
    }

    // trim trailing nulls, from the end and before each remaining '-'
    let mut i = tokens.len() as isize - 1;
    while i > 0 {
        let iu = i as usize;
        if tokens[iu].trimmable() {
            tokens.remove(iu);
            i -= 1;
            continue;
        }
        while i >= 0 && tokens[i as usize].sep != Sep::Dash {
            i -= 1;
        }
        i -= 1;
    }
    Ok(MavenVersion { tokens })
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.tokens, &other.tokens);
        for i in 0..a.len().max(b.len()) {
            let (l, r) = match (a.get(i), b.get(i)) {
                (Some(l), Some(r)) => (l.clone(), r.clone()),
                (Some(l), None) => (l.clone(), l.null_like()),
                (None, Some(r)) => (r.null_like(), r.clone()),
                (None, None) => break,
            };
            if l.sep == r.sep && l.value == r.value {
                continue;
            }
            return token_cmp(&l, &r);
        }
        Ordering::Equal
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}
