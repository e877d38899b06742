//! The rpm header blob, as the rpm databases store one per installed package.
//!
//! Layout (all integers big-endian): `il` (number of index entries, u32), `dl` (size of the data
//! store, u32), `il` entries of 16 bytes (`tag`, `type`, `offset` into the data store, `count`),
//! then the data store. Only the tags a package inventory needs are read; every offset and
//! count is checked against the store, so a truncated or hostile blob is an error, never a
//! panic.

use std::collections::BTreeMap;

/// Tags read from the header.
pub(crate) mod tag {
    pub const NAME: u32 = 1000;
    pub const VERSION: u32 = 1001;
    pub const RELEASE: u32 = 1002;
    pub const EPOCH: u32 = 1003;
    pub const VENDOR: u32 = 1011;
    pub const LICENSE: u32 = 1014;
    pub const ARCH: u32 = 1022;
    pub const SOURCERPM: u32 = 1044;
    pub const PROVIDENAME: u32 = 1047;
    pub const REQUIRENAME: u32 = 1049;
    pub const DIRINDEXES: u32 = 1116;
    pub const BASENAMES: u32 = 1117;
    pub const DIRNAMES: u32 = 1118;
    pub const MODULARITYLABEL: u32 = 5096;
}

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// Most index entries accepted (rpm itself caps headers at 0xffff entries).
const MAX_ENTRIES: u32 = 0xffff;
/// Largest data store accepted (rpm's own limit is 256 MiB).
const MAX_DATA: u32 = 256 * 1024 * 1024;

/// What an installed package's header says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RpmHeader {
    pub name: String,
    pub version: String,
    pub release: String,
    pub epoch: Option<u32>,
    pub arch: String,
    pub source_rpm: String,
    pub license: String,
    pub vendor: String,
    pub modularity_label: String,
    pub provides: Vec<String>,
    pub requires: Vec<String>,
    /// Installed files, absolute paths as rpm writes them.
    pub files: Vec<String>,
}

/// Why a header blob cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum HeaderError {
    #[error("rpm header truncated: {0}")]
    Truncated(&'static str),
    #[error("rpm header too large: {0} index entries, {1} bytes of data")]
    TooLarge(u32, u32),
    #[error("rpm header tag {tag}: {message}")]
    Tag { tag: u32, message: &'static str },
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let bytes: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(bytes))
}

struct Entry {
    kind: u32,
    offset: usize,
    count: usize,
}

/// Parses a header blob (without the 8-byte magic of `.rpm` files; a leading magic is skipped).
pub(crate) fn parse(blob: &[u8]) -> Result<RpmHeader, HeaderError> {
    let blob = match blob.strip_prefix(&[0x8e, 0xad, 0xe8, 0x01]) {
        Some(rest) => rest.get(4..).ok_or(HeaderError::Truncated("magic"))?,
        None => blob,
    };
    let il = be32(blob, 0).ok_or(HeaderError::Truncated("entry count"))?;
    let dl = be32(blob, 4).ok_or(HeaderError::Truncated("data length"))?;
    if il > MAX_ENTRIES || dl > MAX_DATA {
        return Err(HeaderError::TooLarge(il, dl));
    }
    let index_len = il as usize * 16;
    let index = blob.get(8..8 + index_len).ok_or(HeaderError::Truncated("index"))?;
    let store =
        blob.get(8 + index_len..8 + index_len + dl as usize).ok_or(HeaderError::Truncated("data store"))?;
    let mut entries: BTreeMap<u32, Entry> = BTreeMap::new();
    for chunk in index.chunks_exact(16) {
        let (Some(t), Some(kind), Some(offset), Some(count)) =
            (be32(chunk, 0), be32(chunk, 4), be32(chunk, 8), be32(chunk, 12))
        else {
            return Err(HeaderError::Truncated("index entry"));
        };
        entries.entry(t).or_insert(Entry { kind, offset: offset as usize, count: count as usize });
    }
    let strings = |t: u32| -> Result<Vec<String>, HeaderError> {
        let Some(e) = entries.get(&t) else { return Ok(Vec::new()) };
        if !matches!(e.kind, TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING) {
            return Err(HeaderError::Tag { tag: t, message: "not a string" });
        }
        let count = if e.kind == TYPE_STRING_ARRAY { e.count } else { 1 };
        if count > store.len() {
            return Err(HeaderError::Tag { tag: t, message: "more strings than bytes" });
        }
        let mut rest =
            store.get(e.offset..).ok_or(HeaderError::Tag { tag: t, message: "offset out of range" })?;
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            let end =
                memchr::memchr(0, rest).ok_or(HeaderError::Tag { tag: t, message: "unterminated string" })?;
            out.push(String::from_utf8_lossy(rest.get(..end).unwrap_or_default()).into_owned());
            rest = rest.get(end + 1..).unwrap_or_default();
        }
        Ok(out)
    };
    let string =
        |t: u32| -> Result<String, HeaderError> { Ok(strings(t)?.into_iter().next().unwrap_or_default()) };
    let ints = |t: u32| -> Result<Vec<u32>, HeaderError> {
        let Some(e) = entries.get(&t) else { return Ok(Vec::new()) };
        if e.kind != TYPE_INT32 {
            return Err(HeaderError::Tag { tag: t, message: "not a 32-bit integer" });
        }
        let bytes = e
            .count
            .checked_mul(4)
            .and_then(|len| store.get(e.offset..e.offset.checked_add(len)?))
            .ok_or(HeaderError::Tag { tag: t, message: "integers out of range" })?;
        Ok(bytes.chunks_exact(4).filter_map(|c| be32(c, 0)).collect())
    };
    let dirnames = strings(tag::DIRNAMES)?;
    let basenames = strings(tag::BASENAMES)?;
    let dirindexes = ints(tag::DIRINDEXES)?;
    let mut files = Vec::with_capacity(basenames.len());
    for (base, dir) in basenames.iter().zip(dirindexes.iter()) {
        let dir = dirnames
            .get(*dir as usize)
            .ok_or(HeaderError::Tag { tag: tag::DIRINDEXES, message: "directory index out of range" })?;
        files.push(format!("{dir}{base}"));
    }
    Ok(RpmHeader {
        name: string(tag::NAME)?,
        version: string(tag::VERSION)?,
        release: string(tag::RELEASE)?,
        epoch: ints(tag::EPOCH)?.first().copied(),
        arch: string(tag::ARCH)?,
        source_rpm: string(tag::SOURCERPM)?,
        license: string(tag::LICENSE)?,
        vendor: string(tag::VENDOR)?,
        modularity_label: string(tag::MODULARITYLABEL)?,
        provides: strings(tag::PROVIDENAME)?,
        requires: strings(tag::REQUIRENAME)?,
        files,
    })
}

/// `name-version-release.src.rpm` → `(name, version-release)`.
pub(crate) fn split_source_rpm(source_rpm: &str) -> Option<(&str, String)> {
    let base = source_rpm.strip_suffix(".src.rpm").or_else(|| source_rpm.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = base.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    (!name.is_empty() && !version.is_empty() && !release.is_empty())
        .then(|| (name, format!("{version}-{release}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of `epochpkg` as rpm 4.18 stored it (`fixtures/os/rpm/README.md`).
    const EPOCHPKG: &[u8] = include_bytes!("../../fixtures/os/rpm/epochpkg.header");

    #[test]
    fn real_header() {
        let h = parse(EPOCHPKG).unwrap();
        assert_eq!(
            (h.name.as_str(), h.version.as_str(), h.release.as_str(), h.epoch, h.arch.as_str()),
            ("epochpkg", "3.4", "5.el9", Some(2), "noarch")
        );
        assert_eq!(h.source_rpm, "epochpkg-3.4-5.el9.src.rpm");
        assert_eq!(h.license, "GPL-2.0-or-later AND MIT");
        assert_eq!(h.vendor, "Rampart Test");
        assert_eq!(h.files, ["/etc/epochpkg.conf"]);
        assert!(h.requires.iter().any(|r| r == "hello-tiny"), "{:?}", h.requires);
        assert!(h.provides.iter().any(|r| r == "epochpkg"), "{:?}", h.provides);
    }

    #[test]
    fn source_rpm_names() {
        assert_eq!(split_source_rpm("srcname-1.2-3.src.rpm"), Some(("srcname", "1.2-3".to_string())));
        assert_eq!(
            split_source_rpm("gcc-toolset-12-gcc-12.2.1-7.el9.src.rpm"),
            Some(("gcc-toolset-12-gcc", "12.2.1-7.el9".to_string()))
        );
        assert_eq!(split_source_rpm("(none)"), None);
        assert_eq!(split_source_rpm("x-1.src.rpm"), None);
    }

    #[test]
    fn broken_headers_are_errors() {
        assert_eq!(parse(&[0, 0, 0]), Err(HeaderError::Truncated("entry count")));
        assert!(matches!(parse(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), Err(HeaderError::TooLarge(..))));
        assert_eq!(
            parse(EPOCHPKG.get(..EPOCHPKG.len() - 1).unwrap()),
            Err(HeaderError::Truncated("data store"))
        );
    }

    #[test]
    fn never_panics_on_hostile_input() {
        crate::testing::never_panics_with(EPOCHPKG, |b| {
            let _ = parse(b);
        });
    }
}
