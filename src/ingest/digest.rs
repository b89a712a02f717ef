//! The size and sha256 of every file's bytes as ingest read them, kept for a run's manifest, so
//! that a run reads and hashes each input once: hashing the input folder again beside ingest
//! read every file a second time on a thread of its own, which took a core from the reading
//! for ~80 ms at scale 1.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What one file's bytes were when read: its size and sha256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    /// Bytes read.
    pub size: u64,
    /// Their sha256.
    pub sha256: [u8; 32],
}

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        use sha2::Digest as _;
        Digest {
            size: bytes.len() as u64,
            sha256: sha2::Sha256::digest(bytes).into(),
        }
    }

    /// The sha256 in lowercase hex, as a manifest lists it.
    pub fn hex(&self) -> String {
        crate::text::hex(&self.sha256)
    }
}

/// The digests of the files read, by the path they were opened at (filled from the reading
/// threads).
#[derive(Debug, Default)]
pub struct ReadDigests {
    read: Mutex<Vec<(PathBuf, Digest)>>,
}

impl ReadDigests {
    /// Records that the file at `path` was read as `digest` (the last record of a path wins).
    pub fn record(&self, path: &Path, digest: Digest) {
        self.read
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((path.to_owned(), digest));
    }

    /// Every file recorded, by path.
    pub fn take(&self) -> rustc_hash::FxHashMap<PathBuf, Digest> {
        std::mem::take(&mut *self.read.lock().unwrap_or_else(|p| p.into_inner()))
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_is_the_sha256_of_the_bytes() {
        let d = Digest::of(b"abc");
        assert_eq!(d.size, 3);
        assert_eq!(
            d.hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_last_record_of_a_path_wins() {
        let digests = ReadDigests::default();
        digests.record(Path::new("a"), Digest::of(b"1"));
        digests.record(Path::new("b"), Digest::of(b"2"));
        digests.record(Path::new("a"), Digest::of(b"3"));
        let taken = digests.take();
        assert_eq!(taken.len(), 2);
        assert_eq!(taken[Path::new("a")], Digest::of(b"3"));
        assert!(digests.take().is_empty());
    }
}
