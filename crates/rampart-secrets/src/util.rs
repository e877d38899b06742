//! Helpers: entropy, redaction, placeholder detection, checksums, base64.

/// Shannon entropy of `s` in bits per byte (0.0 for an empty string).
pub fn shannon_entropy(s: &str) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Most `*` a redaction shows (the real length is in `secret_len`).
const MAX_STARS: usize = 32;

/// Redacts a secret: keeps at most its first 4 characters (fewer for short secrets:
/// never more than a quarter of it) and replaces the rest with `*`.
pub fn redact(secret: &str) -> String {
    let chars = secret.chars().count();
    let keep = (chars / 4).min(4);
    let mut out: String = secret.chars().take(keep).collect();
    let stars = (chars - keep).clamp(1, MAX_STARS);
    out.extend(std::iter::repeat_n('*', stars));
    out
}

/// Placeholder words: a secret containing one of these (ASCII case-insensitively)
/// is documentation or a template, not a credential.
pub const STOPWORDS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "xxxx",
    "****",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "insert",
    "replace",
    "redacted",
    "notreal",
    "not_real",
    "fake",
    "test",
    "<",
    ">",
    "${",
    "{{",
    "%(",
    "$(",
];

/// Whether `secret` looks like a placeholder: contains a stopword, is one character
/// repeated, or is a run of a single character class like `1234567890` / `abcdef...`.
pub fn is_placeholder(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    if STOPWORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    let mut bytes = lower.bytes();
    if let Some(first) = bytes.next()
        && bytes.all(|b| b == first)
    {
        return true;
    }
    for seq in ["0123456789", "abcdefghijklmnopqrstuvwxyz", "1234567890", "qwertyuiop", "asdfghjkl"] {
        if lower.len() >= 8 && seq.contains(lower.as_str()) {
            return true;
        }
    }
    is_mostly_sequential(lower.as_bytes())
}

/// Three quarters of the adjacent characters step by one (`abcdefghijklmnopqrstuvwxyz123456`,
/// `ABCDEF0123456789`): typed by hand, not generated. A random value of 8 or more characters
/// almost never is (each step has a chance of about 1 in 60).
fn is_mostly_sequential(lower: &[u8]) -> bool {
    if lower.len() < 8 {
        return false;
    }
    let steps = lower.windows(2).filter(|w| w[1] == w[0].wrapping_add(1)).count();
    steps * 4 >= (lower.len() - 1) * 3
}

/// Values published in vendor documentation: never reported.
pub const KNOWN_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "ASIAIOSFODNN7EXAMPLE",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "xoxb-not-a-real-token-this-will-not-work",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

/// Whether `secret` is (or contains) a documented example value.
pub fn is_known_example(secret: &str) -> bool {
    KNOWN_EXAMPLES.iter().any(|k| secret.contains(k))
}

fn crc32_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *slot = c;
    }
    table
}

/// CRC-32 (IEEE, as zlib's `crc32`).
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let table = crc32_table();
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c = table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// GitHub's token checksum: the last 6 characters are the base62 (0-9A-Za-z),
/// zero-padded CRC-32 of the random part between the `gh?_` prefix and them.
pub fn github_checksum_ok(token: &str) -> bool {
    let Some((_, rest)) = token.split_once('_') else {
        return false;
    };
    if rest.len() < 7 || !rest.is_ascii() {
        return false;
    }
    let (body, check) = rest.split_at(rest.len() - 6);
    base62_6(crc32(body.as_bytes())) == check.as_bytes()
}

/// Decodes standard or URL-safe base64 (padding optional); `None` when invalid.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A JWT's header segment decodes to a JSON object naming its `alg`.
pub fn jwt_header_ok(token: &str) -> bool {
    let header = token.split('.').next().unwrap_or_default();
    match base64_decode(header) {
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            text.trim_start().starts_with('{') && text.contains("\"alg\"")
        }
        None => false,
    }
}

/// A Docker `auth` value decodes to `user:password` with a non-empty password.
pub fn docker_auth_ok(value: &str) -> bool {
    match base64_decode(value) {
        Some(bytes) => match std::str::from_utf8(&bytes) {
            Ok(text) => text
                .split_once(':')
                .is_some_and(|(u, p)| !u.is_empty() && !p.is_empty() && !is_placeholder(p)),
            Err(_) => false,
        },
        None => false,
    }
}

/// A Kubernetes Secret `data:` value worth reporting: non-empty base64 whose content is not
/// public (a certificate, a public key) nor a placeholder (`changeme`, `<password>`).
pub fn k8s_secret_value_ok(value: &str) -> bool {
    if !value.len().is_multiple_of(4) {
        return false;
    }
    let Some(decoded) = base64_decode(value) else { return false };
    if decoded.is_empty() {
        return false;
    }
    let text = String::from_utf8_lossy(&decoded);
    let head = text.trim_start();
    let public = [
        "-----BEGIN CERTIFICATE",
        "-----BEGIN PUBLIC KEY",
        "-----BEGIN X509 CRL",
        "ssh-rsa ",
        "ssh-ed25519 ",
        "ecdsa-sha2-",
    ];
    !public.iter().any(|p| head.starts_with(p)) && !is_placeholder(text.trim())
}

/// Digests of empty input (MD5, SHA-1, SHA-256): checksums of nothing, never keys.
const EMPTY_DIGESTS: [&str; 3] = [
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
];

/// A hexadecimal value under a secret name: not the digest of empty input, not a placeholder
/// or a typed sequence, and with both digits and letters.
pub fn hex_secret_ok(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    !EMPTY_DIGESTS.contains(&lower.as_str())
        && !is_placeholder(&lower)
        && lower.bytes().any(|b| b.is_ascii_digit())
        && lower.bytes().any(|b| b.is_ascii_alphabetic())
}

/// A secret-named assignment's value looks like a secret, not code or a reference:
/// no call, index, template or variable syntax, and not a placeholder.
pub fn generic_value_ok(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 8 || v.len() > 200 {
        return false;
    }
    if v.contains(['(', ')', '[', ']', '{', '}', '$', '<', '>', '\\'])
        || v.contains("::")
        || v.starts_with([':', '=', '.', '-', '/'])
        || v.starts_with('%')
        || v.starts_with("process.env")
        || v.starts_with("os.")
        || v.starts_with("env.")
        || v.starts_with("settings.")
        || v.starts_with("config.")
    {
        return false;
    }
    // sentences, and identifiers like `user_password_field` or `GetSecretValue`, are
    // not values: a secret has no whitespace and some digit or symbol
    if v.contains(char::is_whitespace) {
        return false;
    }
    if v.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'.' || b == b'-') {
        return false;
    }
    // numbers, counts, durations, dates, versions and addresses are not secrets
    if v.bytes().all(|b| b.is_ascii_digit() || b".,:-_/ TZsm".contains(&b)) {
        return false;
    }
    // hashes and digests (hex only) are not passwords
    if v.len() >= 32 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    // a bare UUID under a secret-ish name is nearly always an identifier (`SESSION_SECRET_ID`,
    // `token_id`, `secret_ref`); services whose keys are UUIDs have their own rules
    !is_uuid(v)
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A token written into an HTTP header: not a placeholder or a template, and with a digit
/// (random tokens nearly always have one; words and variable names do not).
pub fn header_token_ok(value: &str) -> bool {
    !is_placeholder(value) && has_digit(value) && !value.contains("{{")
}

/// The value has a digit (random keys nearly always do; words do not).
pub fn has_digit(value: &str) -> bool {
    value.bytes().any(|b| b.is_ascii_digit())
}

/// An `.npmrc` credential value is literal (not an `${ENV}` reference).
pub fn npmrc_value_ok(value: &str) -> bool {
    !value.contains(['$', '{', '}']) && !is_placeholder(value)
}

/// A password in a connection URL is a real value, not a reference or placeholder.
/// A GitHub token-shaped string whose checksum does NOT hold (the unverified rule's check).
pub fn github_checksum_bad(value: &str) -> bool {
    !github_checksum_ok(value) && shannon_entropy(&value[4.min(value.len())..]) >= 3.5
}

pub fn url_password_ok(value: &str) -> bool {
    value.len() >= 4
        && !value.starts_with('$')
        && !value.starts_with('%')
        && !value.contains(['{', '}', '<', '>'])
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "password" | "pass" | "passwd" | "pwd" | "secret" | "user" | "root" | "admin" | "guest"
                // Service names used as the throw-away password of local compose setups.
                | "postgres" | "postgresql" | "mysql" | "mariadb" | "redis" | "mongo" | "mongodb"
                | "rabbitmq" | "test" | "dev" | "local"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
        assert!(shannon_entropy("Tr0ub4dor&3-prod") > 3.0);
    }

    #[test]
    fn typed_sequences_are_placeholders() {
        assert!(is_placeholder("abcdefghijklmnopqrstuvwxyz123456"));
        assert!(is_placeholder("ABCDEFGHIJ0123456789"));
        assert!(is_placeholder("qwertyuiop"));
        assert!(!is_placeholder("HbJxlrZdxuN2EYyijAg6oYfh73uenotv"));
        assert!(!is_placeholder("abcdQ7zX"), "three steps in seven is not enough");
    }

    #[test]
    fn redaction() {
        assert_eq!(redact("AKIAQYLPMN5HFIQR7BQX"), "AKIA****************");
        assert_eq!(redact("abc"), "***");
        assert_eq!(redact("abcdefgh"), "ab******");
    }

    #[test]
    fn crc_and_github() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert!(github_checksum_ok("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"));
        assert!(!github_checksum_ok("ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8024xXh"));
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert!(docker_auth_ok("dXNlcjpzM2NyM3QhcHc="));
        assert!(!docker_auth_ok("dXNlcg=="));
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder("ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"));
        assert!(is_placeholder("your_api_key_here"));
        assert!(is_placeholder("aaaaaaaaaaa"));
        assert!(!is_placeholder("Tr0ub4dor&3-prod"));
    }
}
