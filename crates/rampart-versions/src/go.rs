//! Go versions.
//!
//! * Module versions (`v1.2.3`, `1.2.3`, `v2.0.0+incompatible`,
//!   pseudo-versions such as `v0.0.0-20191109021931-daa7c04131f5` or
//!   `v1.2.4-0.20191109021931-daa7c04131f5`) are SemVer 2.0.0, as
//!   `golang.org/x/mod/semver` orders them: `+incompatible` is build metadata
//!   and so ignored, and pseudo-versions are prereleases that sort by their
//!   timestamp. Shorthands `v1` and `v1.2` mean `v1.0.0` and `v1.2.0`; OSV
//!   writes Go versions without the `v`, which is accepted too.
//! * Toolchain versions of the `stdlib` and `toolchain` packages
//!   (`go1.21.3`, `go1.22rc1`, `go1.20beta1`, `go1.20`) are mapped as the Go
//!   vulnerability database does: `goX.Y` → `X.Y.0`, `goX.YrcN` →
//!   `X.Y.0-rc.N`, `goX.YbetaN` → `X.Y.0-beta.N`, `goX.Y.Z` → `X.Y.Z`, so
//!   `go1.22rc1 < go1.22 = go1.22.0 < go1.22.1`.

use crate::num::Num;
use crate::semver2::{self, Ident, SemVer};
use crate::{Scheme, VersionError};

pub(crate) type GoVersion = SemVer;

pub(crate) fn parse(version: &str) -> Result<GoVersion, VersionError> {
    let t = version.trim();
    match t.strip_prefix("go") {
        Some(rest) => toolchain(version, rest),
        None => semver2::parse(Scheme::Go, t),
    }
}

fn toolchain(version: &str, s: &str) -> Result<GoVersion, VersionError> {
    let err = |reason: &str| VersionError::invalid(Scheme::Go, version, reason);
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut release = Vec::new();
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            return Err(err("expected a number in a go toolchain version"));
        }
        release.push(Num::new(&s[start..i]));
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            continue;
        }
        break;
    }
    if release.len() > 3 {
        return Err(err("too many parts in a go toolchain version"));
    }
    let rest = &s[i..];
    let mut pre = Vec::new();
    if !rest.is_empty() {
        let kind_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        let (kind, n) = rest.split_at(kind_len);
        if !matches!(kind, "alpha" | "beta" | "rc") {
            return Err(err("unknown go toolchain prerelease kind"));
        }
        pre.push(Ident::Alpha(kind.into()));
        if !n.is_empty() {
            if !n.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("go toolchain prerelease number is not a number"));
            }
            pre.push(Ident::Num(Num::new(n)));
        }
    }
    Ok(SemVer { release, pre, build: Vec::new() })
}
