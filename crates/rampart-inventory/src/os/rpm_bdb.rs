//! Berkeley DB hash databases, read-only: the `var/lib/rpm/Packages` of RHEL ≤ 8, CentOS 7 and
//! Amazon Linux 2.
//!
//! Page 0 is the hash metadata page (magic `0x061561`, in the byte order of the machine that
//! wrote it, which gives the order of every other integer; page size; last page number). Every
//! hash page (types 2 and 13) holds key/data item pairs indexed by offsets after a 26-byte page
//! header; a data item is either inline (`H_KEYDATA`) or a reference (`H_OFFPAGE`) to a chain of
//! overflow pages (type 7) whose header gives the bytes each holds. The values are returned in
//! page order; keys are not needed (rpm keys packages by their instance number). Btree
//! databases, encrypted or checksummed pages and duplicate sets are refused or skipped.

/// Why a Berkeley DB file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BdbError {
    #[error("not a Berkeley DB hash database (magic {0:#x})")]
    NotHash(u32),
    #[error("Berkeley DB file truncated: {0}")]
    Truncated(&'static str),
    #[error("Berkeley DB page size {0} is not supported")]
    PageSize(u32),
    #[error("Berkeley DB page {page}: {message}")]
    Page { page: u32, message: &'static str },
    #[error("Berkeley DB database is encrypted")]
    Encrypted,
}

const HASH_MAGIC: u32 = 0x061561;
const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;

struct Db<'a> {
    bytes: &'a [u8],
    little: bool,
    page_size: usize,
}

impl<'a> Db<'a> {
    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    }

    fn u16_in(&self, page: &[u8], at: usize) -> Option<u16> {
        let b: [u8; 2] = page.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.little { u16::from_le_bytes(b) } else { u16::from_be_bytes(b) })
    }

    fn u32_in(&self, page: &[u8], at: usize) -> Option<u32> {
        let b: [u8; 4] = page.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    }

    fn page(&self, n: u32) -> Result<&'a [u8], BdbError> {
        let start = (n as usize).checked_mul(self.page_size).ok_or(BdbError::Truncated("page number"))?;
        self.bytes
            .get(start..start + self.page_size)
            .ok_or(BdbError::Page { page: n, message: "beyond the end of the file" })
    }

    /// Follows an overflow chain from `first`, collecting `len` bytes.
    fn overflow(&self, first: u32, len: usize) -> Result<Vec<u8>, BdbError> {
        if len > self.bytes.len() {
            return Err(BdbError::Page { page: first, message: "overflow item longer than the file" });
        }
        let mut out = Vec::with_capacity(len);
        let mut next = first;
        let mut hops = 0usize;
        while next != 0 && out.len() < len {
            hops += 1;
            if hops > self.bytes.len() / self.page_size + 1 {
                return Err(BdbError::Page { page: next, message: "overflow chain loops" });
            }
            let page = self.page(next)?;
            if page.get(25) != Some(&P_OVERFLOW) {
                return Err(BdbError::Page { page: next, message: "not an overflow page" });
            }
            // On overflow pages the `hf_offset` field holds the bytes used on the page.
            let used = self.u16_in(page, 22).unwrap_or(0) as usize;
            let data = page
                .get(PAGE_HEADER..PAGE_HEADER + used)
                .ok_or(BdbError::Page { page: next, message: "overflow length beyond the page" })?;
            out.extend_from_slice(data);
            next = self.u32_in(page, 16).unwrap_or(0);
        }
        if out.len() < len {
            return Err(BdbError::Page { page: first, message: "overflow chain ends early" });
        }
        out.truncate(len);
        Ok(out)
    }
}

/// The data items of every key/data pair of a hash database, in page order.
pub(crate) fn values(bytes: &[u8]) -> Result<Vec<Vec<u8>>, BdbError> {
    let magic = bytes.get(12..16).ok_or(BdbError::Truncated("metadata page"))?;
    let magic: [u8; 4] = magic.try_into().map_err(|_| BdbError::Truncated("metadata page"))?;
    let little = match (u32::from_le_bytes(magic), u32::from_be_bytes(magic)) {
        (HASH_MAGIC, _) => true,
        (_, HASH_MAGIC) => false,
        (m, _) => return Err(BdbError::NotHash(m)),
    };
    let mut db = Db { bytes, little, page_size: 0 };
    let page_size = db.u32(20).ok_or(BdbError::Truncated("metadata page"))?;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(BdbError::PageSize(page_size));
    }
    if bytes.get(24).is_some_and(|alg| *alg != 0) {
        return Err(BdbError::Encrypted);
    }
    db.page_size = page_size as usize;
    let last = db.u32(32).ok_or(BdbError::Truncated("metadata page"))?;
    let pages_in_file = u32::try_from(bytes.len() / db.page_size).unwrap_or(u32::MAX);
    let last = last.min(pages_in_file.saturating_sub(1));
    let mut out = Vec::new();
    for n in 1..=last {
        let page = db.page(n)?;
        let kind = page.get(25).copied().unwrap_or(0);
        if kind != P_HASH && kind != P_HASH_UNSORTED {
            continue;
        }
        let entries = db.u16_in(page, 20).unwrap_or(0) as usize;
        let offset = |i: usize| db.u16_in(page, PAGE_HEADER + 2 * i).map(usize::from);
        // Items come in key/data pairs; the data is the odd one.
        for i in (1..entries).step_by(2) {
            let (Some(start), Some(prev)) = (offset(i), offset(i - 1)) else {
                return Err(BdbError::Page { page: n, message: "item index beyond the page" });
            };
            let item =
                page.get(start..).ok_or(BdbError::Page { page: n, message: "item beyond the page" })?;
            match item.first() {
                Some(&H_KEYDATA) => {
                    // Items are stored from the end of the page down: this one ends where the
                    // previous one (the key) starts.
                    let data = page
                        .get(start + 1..prev)
                        .ok_or(BdbError::Page { page: n, message: "inline item out of order" })?;
                    out.push(data.to_vec());
                }
                Some(&H_OFFPAGE) => {
                    let first = db
                        .u32_in(item, 4)
                        .ok_or(BdbError::Page { page: n, message: "truncated overflow reference" })?;
                    let len = db
                        .u32_in(item, 8)
                        .ok_or(BdbError::Page { page: n, message: "truncated overflow reference" })?;
                    out.push(db.overflow(first, len as usize)?);
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Packages` written by Berkeley DB 5.3's `db_load` (hash, 4096-byte pages) from the header
    /// blobs rpm 4.18 stored in `rpmdb.sqlite`; rpm's own `bdb_ro` backend lists the same
    /// packages from it (`fixtures/os/rpm/README.md`).
    const PACKAGES: &[u8] = include_bytes!("../../fixtures/os/rpm/bdb/Packages");
    /// The same with 512-byte pages: every header spans a chain of overflow pages.
    const PACKAGES_512: &[u8] = include_bytes!("../../fixtures/os/rpm/bdb-512/Packages");

    fn names(bytes: &[u8]) -> Vec<String> {
        let mut v: Vec<String> = values(bytes)
            .unwrap()
            .iter()
            .filter_map(|b| crate::os::rpm_header::parse(b).ok())
            .map(|h| h.name)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn reads_every_header() {
        let want = ["epochpkg", "gpg-pubkey", "hello-tiny", "libfoo-bin"];
        assert_eq!(names(PACKAGES), want);
        assert_eq!(names(PACKAGES_512), want);
        // Record 0 (rpm's next instance number, 4 bytes) is a value too.
        assert_eq!(values(PACKAGES).unwrap().len(), 5);
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(values(b"short"), Err(BdbError::Truncated("metadata page")));
        assert!(matches!(values(&[0u8; 4096]), Err(BdbError::NotHash(0))));
    }

    #[test]
    fn never_panics_on_hostile_input() {
        crate::testing::never_panics_with(PACKAGES_512, |b| {
            let _ = values(b);
        });
    }
}
