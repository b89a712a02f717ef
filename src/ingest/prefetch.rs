//! Asks the system to start reading the input files from the disk before they are read.
//!
//! A nightly run finds its inputs on the disk, not in memory: each file read then waited for
//! the disk, one file per core at a time. Told at the start, the system reads every file in
//! the background while the first ones are parsed.

use std::path::Path;

/// Asks the system to read `files` (path, size in bytes) into its page cache ([`chosen`]), on
/// a thread of its own: asking can wait for the disk to take the requests, and the reading
/// starts at once. A file that cannot be opened is left to the reading, which tells why. Does
/// nothing where the system has no such request (or no thread can be started).
pub fn files<'a>(files: impl Iterator<Item = (&'a Path, u64)>, limits: &crate::config::Limits) {
    let paths: Vec<std::path::PathBuf> = chosen(files, limits)
        .into_iter()
        .map(Path::to_owned)
        .collect();
    if paths.is_empty() {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("sandogh-prefetch".into())
        .spawn(move || paths.iter().for_each(|p| will_need(p)));
}

/// The files asked for, in order: those no larger than a file may be, each while the bytes
/// asked for stay within the bytes allowed in flight at once ([`crate::config::Limits`]); the
/// files past them would be read after the first are done and their memory given back anyway.
fn chosen<'a>(
    files: impl Iterator<Item = (&'a Path, u64)>,
    limits: &crate::config::Limits,
) -> Vec<&'a Path> {
    let mut budget = limits.in_flight_mb.saturating_mul(1_000_000);
    let mut chosen = Vec::new();
    for (path, size) in files {
        if size > limits.file_bytes() {
            continue;
        }
        let Some(left) = budget.checked_sub(size) else {
            continue;
        };
        budget = left;
        chosen.push(path);
    }
    chosen
}

#[cfg(target_os = "linux")]
fn will_need(path: &Path) {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    // Without waiting: a file swapped for a named pipe since it was listed would block an
    // open until a writer came.
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path);
    if let Ok(file) = opened {
        // SAFETY: posix_fadvise only reads the descriptor, which `file` keeps open for the
        // call; the advice changes no memory of this process.
        unsafe {
            libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn will_need(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_asked_for_up_to_the_bytes_in_flight_and_none_over_the_file_limit() {
        let limits = crate::config::Limits {
            in_flight_mb: 10,
            file_mb: 4,
            ..crate::config::Limits::default()
        };
        let (a, b, c, d) = (
            Path::new("a"),
            Path::new("b"),
            Path::new("c"),
            Path::new("d"),
        );
        let mb = 1_000_000;
        let e = Path::new("e");
        let files = [
            (a, 3 * mb),
            (b, 5 * mb),
            (c, 4 * mb),
            (d, 4 * mb),
            (e, 2 * mb),
        ];
        // b is over the file limit; a and c fill 7 of the 10 MB; d would pass them, e fits.
        assert_eq!(chosen(files.into_iter(), &limits), vec![a, c, e]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_named_pipe_in_place_of_a_file_does_not_block_the_asking() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let pipe = dir.path().join("swapped.xlsx");
        let c_path = std::ffi::CString::new(pipe.as_os_str().as_bytes()).expect("no NUL");
        // SAFETY: mkfifo reads the NUL-terminated path, which outlives the call.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            will_need(&pipe);
            let _ = done.send(());
        });
        assert!(
            finished
                .recv_timeout(std::time::Duration::from_secs(10))
                .is_ok(),
            "asking for a named pipe blocked"
        );
    }
}
