//! rpm's sqlite package database, read-only: the `var/lib/rpm/rpmdb.sqlite` of RHEL 9, Fedora
//! ≥ 33, AlmaLinux and Rocky Linux 9.
//!
//! The file is loaded into an in-memory sqlite database (never opened on disk, so no lock,
//! journal or WAL file is created or needed) and `SELECT blob FROM Packages` gives one rpm header
//! blob per installed package. A database left in WAL mode is read as a rollback-journal one
//! (the header bytes that say WAL are reset in the copy): the part of the last transactions
//! still in a `-wal` file is not seen.

use rusqlite::{Connection, MAIN_DB};

/// Why the database cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("rpm sqlite database: {0}")]
pub(crate) struct SqliteError(#[from] rusqlite::Error);

/// The sqlite file magic.
pub(crate) const MAGIC: &[u8] = b"SQLite format 3\0";

/// The header blobs of the `Packages` table, in `hnum` order.
pub(crate) fn blobs(bytes: &[u8]) -> Result<Vec<Vec<u8>>, SqliteError> {
    let mut copy = bytes.to_vec();
    // Bytes 18 and 19: file format write/read versions; 2 means WAL, which an in-memory
    // database cannot use.
    for at in [18, 19] {
        if let Some(b) = copy.get_mut(at)
            && *b == 2
        {
            *b = 1;
        }
    }
    let mut conn = Connection::open_in_memory()?;
    conn.deserialize_read_exact(MAIN_DB, copy.as_slice(), copy.len(), true)?;
    let mut stmt = conn.prepare("SELECT blob FROM Packages ORDER BY hnum")?;
    let rows = stmt.query_map([], |row| row.get::<_, Vec<u8>>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written by rpm 4.18 (`rpm --dbpath ... --justdb -i` of three rpmbuild-built packages, and
    /// `--import` of a key): `fixtures/os/rpm/README.md`.
    const RPMDB: &[u8] = include_bytes!("../../fixtures/os/rpm/sqlite/rpmdb.sqlite");

    #[test]
    fn reads_the_packages_table() {
        let names: Vec<String> =
            blobs(RPMDB).unwrap().iter().map(|b| crate::os::rpm_header::parse(b).unwrap().name).collect();
        assert_eq!(names, ["hello-tiny", "epochpkg", "libfoo-bin", "gpg-pubkey"]);
    }

    #[test]
    fn other_files_are_errors() {
        assert!(blobs(b"not a database").is_err());
        assert!(blobs(&[]).is_err());
    }

    #[test]
    fn never_panics_on_hostile_input() {
        // Sqlite checks its own pages; a shorter run is enough to see that errors come back.
        let cut = RPMDB.get(..8192).unwrap_or(RPMDB);
        crate::testing::never_panics_with(cut, |b| {
            let _ = blobs(b);
        });
    }
}
