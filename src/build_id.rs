//! What tells one build of sandogh from another, for run fingerprints and the reading cache:
//! the GNU build id the linker writes into the executable (a hash of the linked output, so any
//! change of code or dependency gives another), read from the ELF notes in microseconds;
//! where there is none (another linker, another platform), the sha256 of the whole executable,
//! which took ~70 ms of every `sandogh run` for a 100 MB binary.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The running executable's build: `gnu-build-id:<hex>`, else `sha256:<hex>` of its bytes;
/// `None` when the executable cannot be read. Worked out once per process.
pub fn of_this_executable() -> Option<String> {
    static ID: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        of_file(&exe)
    })
    .clone()
}

/// The build of the executable at `path` (see [`of_this_executable`]).
pub fn of_file(path: &Path) -> Option<String> {
    if let Some(id) = gnu_build_id(path) {
        return Some(format!("gnu-build-id:{}", crate::text::hex(&id)));
    }
    crate::manifest::sha256_of(path)
        .ok()
        .map(|(_, h)| format!("sha256:{h}"))
}

/// Program headers read at most (a linked executable has about a dozen).
const MAX_PROGRAM_HEADERS: usize = 256;
/// Bytes of one note segment read at most (a build id's segment is under 100 bytes).
const MAX_NOTE_BYTES: u64 = 64 * 1024;
/// `PT_NOTE`.
const PT_NOTE: u32 = 4;
/// `NT_GNU_BUILD_ID`.
const NT_GNU_BUILD_ID: u32 = 3;

/// The `NT_GNU_BUILD_ID` note of a 64-bit little-endian ELF file, found through its program
/// headers' `PT_NOTE` segments. `None` for anything else (not ELF, 32-bit, big-endian, no such
/// note, a header that points outside the file): the caller then hashes the file.
pub fn gnu_build_id(path: &Path) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut header = [0u8; 64];
    file.read_exact(&mut header).ok()?;
    // Magic, ELFCLASS64, ELFDATA2LSB.
    if header[..4] != *b"\x7fELF" || header[4] != 2 || header[5] != 1 {
        return None;
    }
    let phoff = u64_at(&header, 32)?;
    let phentsize = usize::from(u16_at(&header, 54)?);
    let phnum = usize::from(u16_at(&header, 56)?);
    if phentsize < 56 || phnum > MAX_PROGRAM_HEADERS {
        return None;
    }
    let mut table = vec![0u8; phentsize * phnum];
    file.seek(SeekFrom::Start(phoff)).ok()?;
    file.read_exact(&mut table).ok()?;
    for ph in table.chunks_exact(phentsize) {
        if u32_at(ph, 0)? != PT_NOTE {
            continue;
        }
        let (offset, size) = (u64_at(ph, 8)?, u64_at(ph, 32)?);
        if size > MAX_NOTE_BYTES {
            continue;
        }
        let mut notes = vec![0u8; usize::try_from(size).ok()?];
        file.seek(SeekFrom::Start(offset)).ok()?;
        file.read_exact(&mut notes).ok()?;
        if let Some(id) = build_id_note(&notes) {
            return Some(id.to_vec());
        }
    }
    None
}

/// The descriptor of the GNU build-id note among `notes` (name, then descriptor, each padded
/// to 4 bytes).
fn build_id_note(mut notes: &[u8]) -> Option<&[u8]> {
    let padded = |n: usize| n.checked_add(3).map(|x| x & !3);
    while notes.len() >= 12 {
        let namesz = usize::try_from(u32_at(notes, 0)?).ok()?;
        let descsz = usize::try_from(u32_at(notes, 4)?).ok()?;
        let kind = u32_at(notes, 8)?;
        let name_end = 12usize.checked_add(padded(namesz)?)?;
        let desc_end = name_end.checked_add(padded(descsz)?)?;
        let name = notes.get(12..12 + namesz)?;
        let desc = notes.get(name_end..name_end + descsz)?;
        if kind == NT_GNU_BUILD_ID && name == b"GNU\0" && !desc.is_empty() {
            return Some(desc);
        }
        notes = notes.get(desc_end..)?;
    }
    None
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(name: &[u8], kind: u32, desc: &[u8]) -> Vec<u8> {
        let mut n = Vec::new();
        n.extend_from_slice(&(name.len() as u32).to_le_bytes());
        n.extend_from_slice(&(desc.len() as u32).to_le_bytes());
        n.extend_from_slice(&kind.to_le_bytes());
        n.extend_from_slice(name);
        n.resize(n.len().next_multiple_of(4), 0);
        n.extend_from_slice(desc);
        n.resize(n.len().next_multiple_of(4), 0);
        n
    }

    #[test]
    fn the_build_id_note_is_found_after_other_notes() {
        let mut notes = note(
            b"GNU\0",
            1,
            &[0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0],
        );
        notes.extend(note(b"GNU\0", NT_GNU_BUILD_ID, &[0xab; 20]));
        assert_eq!(build_id_note(&notes), Some(&[0xab; 20][..]));
        // Another owner's note of the same type is not a GNU build id.
        assert_eq!(
            build_id_note(&note(b"Go\0\0", NT_GNU_BUILD_ID, &[1; 8])),
            None
        );
        // A note that claims more bytes than there are.
        let mut cut = note(b"GNU\0", NT_GNU_BUILD_ID, &[0xcd; 20]);
        cut.truncate(20);
        assert_eq!(build_id_note(&cut), None);
    }

    #[test]
    fn a_file_that_is_not_elf_has_no_build_id_and_is_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-elf");
        std::fs::write(&path, b"#!/bin/sh\necho hi\n").unwrap();
        assert_eq!(gnu_build_id(&path), None);
        let id = of_file(&path).unwrap();
        assert!(id.starts_with("sha256:"), "{id}");
        assert_eq!(id.len(), "sha256:".len() + 64);
    }

    #[test]
    fn the_test_binary_built_here_carries_a_gnu_build_id() {
        // The project's builds on Linux link with a build id; if this fails, fingerprints fall
        // back to hashing the executable (correct, ~70 ms slower per run).
        if cfg!(target_os = "linux") {
            let exe = std::env::current_exe().unwrap();
            let id = gnu_build_id(&exe).expect("a GNU build id in the test binary");
            assert!(id.len() >= 8, "{id:?}");
            assert!(of_file(&exe).unwrap().starts_with("gnu-build-id:"));
        }
    }
}
