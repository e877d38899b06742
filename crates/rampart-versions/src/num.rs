//! Arbitrary-size non-negative integers kept as decimal digit strings.
//!
//! Version components are unbounded in most ecosystems (`20240101123456`,
//! thirty-digit fixtures), so they are compared as digit strings: leading
//! zeros dropped, then the longer string is the larger number, then byte
//! order. This never overflows and never allocates on comparison.

use std::cmp::Ordering;

/// A non-negative integer of any size, without leading zeros (`0` is "").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct Num(Box<str>);

impl Num {
    /// `digits` must be ASCII digits only (possibly empty, meaning zero).
    pub(crate) fn new(digits: &str) -> Num {
        Num(digits.trim_start_matches('0').into())
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_digits(&self.0, &other.0)
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two ASCII digit strings as numbers.
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// True for a non-empty string of ASCII digits.
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Compares two lists of numbers, the shorter one padded with zeros.
pub(crate) fn cmp_padded(a: &[Num], b: &[Num]) -> Ordering {
    let zero = Num::default();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).unwrap_or(&zero);
        let y = b.get(i).unwrap_or(&zero);
        match x.cmp(y) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    Ordering::Equal
}
