//! Content digests: strict parsing (a digest becomes a path component) and hashing.

use sha2::{Digest as _, Sha256, Sha512};
use std::fmt;

/// A digest algorithm this crate accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }
}

/// A validated `sha256:<64 hex>` / `sha512:<128 hex>` digest (lowercase hex only).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Digest {
    pub(crate) algorithm: Algorithm,
    pub(crate) hex: String,
}

impl Digest {
    /// Parses a digest string; `None` for anything but `sha256:`/`sha512:` + lowercase hex of the
    /// right length.
    pub(crate) fn parse(s: &str) -> Option<Digest> {
        let (alg, hex) = s.split_once(':')?;
        let (algorithm, len) = match alg {
            "sha256" => (Algorithm::Sha256, 64),
            "sha512" => (Algorithm::Sha512, 128),
            _ => return None,
        };
        if hex.len() != len || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        Some(Digest { algorithm, hex: hex.to_owned() })
    }

    /// The blob's path inside an OCI layout: `blobs/<alg>/<hex>`.
    pub(crate) fn blob_path(&self) -> String {
        format!("blobs/{}/{}", self.algorithm.name(), self.hex)
    }

    /// The digest of `bytes` with `algorithm`.
    pub(crate) fn of(algorithm: Algorithm, bytes: &[u8]) -> Digest {
        let mut h = Hasher::new(algorithm);
        h.update(bytes);
        h.finish()
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.hex)
    }
}

/// An incremental hash for either algorithm.
#[derive(Clone)]
pub(crate) enum Hasher {
    Sha256(Sha256),
    Sha512(Box<Sha512>),
}

impl Hasher {
    pub(crate) fn new(algorithm: Algorithm) -> Hasher {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(Box::new(Sha512::new())),
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    pub(crate) fn finish(self) -> Digest {
        let (algorithm, bytes): (Algorithm, Vec<u8>) = match self {
            Hasher::Sha256(h) => (Algorithm::Sha256, h.finalize().to_vec()),
            Hasher::Sha512(h) => (Algorithm::Sha512, h.finalize().to_vec()),
        };
        let mut hex = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            hex.push(char::from(HEX[usize::from(b >> 4)]));
            hex.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        Digest { algorithm, hex }
    }
}

const HEX: [u8; 16] = *b"0123456789abcdef";

/// A [`Hasher`] on its own thread: bytes are gathered into blocks and hashed while the caller
/// goes on decompressing and parsing, so verifying a layer's digest costs little wall time on a
/// machine with a spare core. Blocks are recycled, so memory stays at a few blocks.
pub(crate) struct BackgroundHasher {
    inline_hasher: Option<Hasher>,
    block: Vec<u8>,
    to_hasher: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    recycled: std::sync::mpsc::Receiver<Vec<u8>>,
    worker: Option<std::thread::JoinHandle<Digest>>,
}

const BLOCK: usize = 1 << 20;

impl BackgroundHasher {
    pub(crate) fn new(algorithm: Algorithm) -> BackgroundHasher {
        let (to_hasher, blocks) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let (give_back, recycled) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
        let spawned = std::thread::Builder::new().name("layer-hash".into()).spawn(move || {
            let mut h = Hasher::new(algorithm);
            for mut block in blocks {
                h.update(&block);
                block.clear();
                let _ = give_back.try_send(block);
            }
            h.finish()
        });
        match spawned {
            Ok(worker) => BackgroundHasher {
                inline_hasher: None,
                block: Vec::with_capacity(BLOCK),
                to_hasher: Some(to_hasher),
                recycled,
                worker: Some(worker),
            },
            // No thread to be had: hash inline (`finish` sees no worker).
            Err(_) => {
                let (_, recycled) = std::sync::mpsc::sync_channel(0);
                BackgroundHasher {
                    inline_hasher: None,
                    block: Vec::new(),
                    to_hasher: None,
                    recycled,
                    worker: None,
                }
                .inline(algorithm)
            }
        }
    }

    fn inline(mut self, algorithm: Algorithm) -> BackgroundHasher {
        self.block = Vec::new();
        self.inline_hasher = Some(Hasher::new(algorithm));
        self
    }

    pub(crate) fn update(&mut self, mut bytes: &[u8]) {
        if let Some(h) = self.inline_hasher.as_mut() {
            h.update(bytes);
            return;
        }
        while !bytes.is_empty() {
            let room = BLOCK - self.block.len();
            let (now, later) = bytes.split_at(room.min(bytes.len()));
            self.block.extend_from_slice(now);
            bytes = later;
            if self.block.len() == BLOCK {
                self.flush();
            }
        }
    }

    fn flush(&mut self) {
        let next = self.recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(BLOCK));
        let full = std::mem::replace(&mut self.block, next);
        if let Some(tx) = &self.to_hasher {
            // The worker only stops when we hang up, so a send cannot fail before `finish`.
            let _ = tx.send(full);
        }
    }

    pub(crate) fn finish(mut self) -> Digest {
        if let Some(h) = self.inline_hasher.take() {
            return h.finish();
        }
        if !self.block.is_empty() {
            self.flush();
        }
        self.to_hasher = None;
        match self.worker.take().map(|w| w.join()) {
            Some(Ok(d)) => d,
            // The worker cannot panic on bytes; if it ever did, give a digest that never matches.
            _ => Digest { algorithm: Algorithm::Sha256, hex: String::new() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_background_hasher_agrees_with_the_inline_one() {
        let data: Vec<u8> = (0..3 * BLOCK + 12345).map(|i| (i % 251) as u8).collect();
        let mut bg = BackgroundHasher::new(Algorithm::Sha256);
        for chunk in data.chunks(7919) {
            bg.update(chunk);
        }
        assert_eq!(bg.finish(), Digest::of(Algorithm::Sha256, &data));
        let empty = BackgroundHasher::new(Algorithm::Sha512);
        assert_eq!(empty.finish(), Digest::of(Algorithm::Sha512, b""));
    }

    #[test]
    fn parse_is_strict() {
        let ok = format!("sha256:{}", "a".repeat(64));
        assert_eq!(Digest::parse(&ok).map(|d| d.to_string()), Some(ok));
        assert!(Digest::parse(&format!("sha512:{}", "0".repeat(128))).is_some());
        for bad in [
            "sha256:../../etc/passwd".to_owned(),
            format!("sha256:{}", "A".repeat(64)),
            format!("sha256:{}", "a".repeat(63)),
            format!("sha256:{}/", "a".repeat(63)),
            format!("md5:{}", "a".repeat(32)),
            format!("sha512:{}", "a".repeat(64)),
            "sha256".to_owned(),
            String::new(),
        ] {
            assert!(Digest::parse(&bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn hashes_known_value() {
        assert_eq!(
            Digest::of(Algorithm::Sha256, b"abc").to_string(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            Digest::parse(&format!("sha256:{}", "b".repeat(64))).map(|d| d.blob_path()),
            Some(format!("blobs/sha256/{}", "b".repeat(64)))
        );
    }
}
