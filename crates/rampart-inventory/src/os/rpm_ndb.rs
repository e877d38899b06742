//! rpm's own "ndb" package database, read-only: the `var/lib/rpm/Packages.db` of SUSE.
//!
//! All integers little-endian. The file starts with a 16-byte header (`RpmP` magic, format
//! version 0, generation, number of slot pages) padded to 32 bytes, followed by the slot table
//! (`slot pages × 4096` bytes including the header, 16-byte slots: `Slot` magic, package index,
//! block offset, block count). A slot with package index 0 is free. Each used slot points (in
//! 16-byte blocks) to a blob: a 16-byte header (`BlbS` magic, package index, checksum, length)
//! followed by the rpm header blob (then a 12-byte tail: checksum, length, `BlbE`; not checked).

/// Why an ndb file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NdbError {
    #[error("not an rpm ndb database (magic {0:#x})")]
    Magic(u32),
    #[error("rpm ndb version {0} is not supported")]
    Version(u32),
    #[error("rpm ndb file truncated: {0}")]
    Truncated(&'static str),
    #[error("rpm ndb slot {slot}: {message}")]
    Slot { slot: usize, message: &'static str },
}

const HEADER_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const PAGE_SIZE: usize = 4096;
const SLOT_SIZE: usize = 16;
const BLOCK_SIZE: usize = 16;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let bytes: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

/// The header blobs of every used slot, in slot order.
pub(crate) fn blobs(bytes: &[u8]) -> Result<Vec<Vec<u8>>, NdbError> {
    let magic = le32(bytes, 0).ok_or(NdbError::Truncated("file header"))?;
    if magic != HEADER_MAGIC {
        return Err(NdbError::Magic(magic));
    }
    let version = le32(bytes, 4).ok_or(NdbError::Truncated("file header"))?;
    if version != 0 {
        return Err(NdbError::Version(version));
    }
    let slot_pages = le32(bytes, 12).ok_or(NdbError::Truncated("file header"))? as usize;
    if slot_pages == 0 {
        return Err(NdbError::Truncated("no slot pages"));
    }
    let table_end = slot_pages.checked_mul(PAGE_SIZE).ok_or(NdbError::Truncated("slot table"))?;
    let table = bytes.get(2 * SLOT_SIZE..table_end).ok_or(NdbError::Truncated("slot table"))?;
    let mut out = Vec::new();
    for (slot, s) in table.chunks_exact(SLOT_SIZE).enumerate() {
        let (Some(magic), Some(index), Some(offset)) = (le32(s, 0), le32(s, 4), le32(s, 8)) else {
            return Err(NdbError::Slot { slot, message: "truncated" });
        };
        if magic != SLOT_MAGIC {
            return Err(NdbError::Slot { slot, message: "bad slot magic" });
        }
        if index == 0 {
            continue;
        }
        let start =
            (offset as usize).checked_mul(BLOCK_SIZE).ok_or(NdbError::Slot { slot, message: "offset" })?;
        let (Some(bmagic), Some(bindex), Some(len)) =
            (le32(bytes, start), le32(bytes, start + 4), le32(bytes, start + 12))
        else {
            return Err(NdbError::Slot { slot, message: "blob header beyond the end of the file" });
        };
        if bmagic != BLOB_MAGIC || bindex != index {
            return Err(NdbError::Slot { slot, message: "blob header does not match the slot" });
        }
        let data = bytes
            .get(start + 16..start + 16 + len as usize)
            .ok_or(NdbError::Slot { slot, message: "blob beyond the end of the file" })?;
        out.push(data.to_vec());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No rpm on this machine writes ndb (Debian's rpm 4.18 has sqlite and bdb_ro only): this
    /// file is assembled, following rpm's `lib/backend/ndb/rpmpkg.c` layout, from the real header
    /// blobs of `rpmdb.sqlite` (`fixtures/os/rpm/README.md`).
    const PACKAGES_DB: &[u8] = include_bytes!("../../fixtures/os/rpm/ndb/Packages.db");

    #[test]
    fn reads_every_used_slot() {
        let mut names: Vec<String> = blobs(PACKAGES_DB)
            .unwrap()
            .iter()
            .map(|b| crate::os::rpm_header::parse(b).map(|h| h.name).unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["epochpkg", "gpg-pubkey", "hello-tiny", "libfoo-bin"]);
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(blobs(b"RpmP"), Err(NdbError::Truncated("file header")));
        assert_eq!(blobs(b"XXXX\0\0\0\0\0\0\0\0\x01\0\0\0"), Err(NdbError::Magic(0x5858_5858)));
    }

    #[test]
    fn never_panics_on_hostile_input() {
        crate::testing::never_panics_with(PACKAGES_DB, |b| {
            let _ = blobs(b);
        });
    }
}
