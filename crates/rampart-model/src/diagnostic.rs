use std::fmt;

use serde::{Deserialize, Serialize};

/// Stable codes for problems met during a scan (documented in `docs/diagnostics.md`).
/// Codes never change meaning; new problems get new codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DiagnosticCode {
    /// RMP-W001: a file matched an analyzer but could not be parsed at all; it was skipped.
    #[serde(rename = "RMP-W001")]
    ParseError,
    /// RMP-W002: part of a file could not be parsed; the rest was used.
    #[serde(rename = "RMP-W002")]
    PartialParse,
    /// RMP-W003: a file or directory could not be read.
    #[serde(rename = "RMP-W003")]
    ReadError,
    /// RMP-W004: a file was larger than the analyzer's size cap and was skipped.
    #[serde(rename = "RMP-W004")]
    TooLarge,
    /// RMP-W005: a referenced file (an include, a nested archive) could not be followed.
    #[serde(rename = "RMP-W005")]
    UnresolvedReference,
}

impl DiagnosticCode {
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticCode::ParseError => "RMP-W001",
            DiagnosticCode::PartialParse => "RMP-W002",
            DiagnosticCode::ReadError => "RMP-W003",
            DiagnosticCode::TooLarge => "RMP-W004",
            DiagnosticCode::UnresolvedReference => "RMP-W005",
        }
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A problem met while scanning: never silent, never a panic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: DiagnosticCode,
    pub severity: Severity,
    /// The file concerned, relative to the scan root.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(code: DiagnosticCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Warning,
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }

    pub fn at_line(mut self, line: Option<u32>) -> Self {
        self.line = line;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}: {}:{}: {}", self.code, self.path, line, self.message),
            None => write!(f, "{}: {}: {}", self.code, self.path, self.message),
        }
    }
}
