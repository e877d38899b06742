//! Custom misconfiguration policies in Rego.
