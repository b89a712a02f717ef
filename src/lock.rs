//! One run at a time on an output folder.
//!
//! Every command that writes into `--out` (run, ingest, feedback, indicators, report, template) first takes an
//! exclusive lock on `<out>/.sandogh.lock` with `flock(2)` and holds it until it ends. The lock
//! belongs to the open file, so the kernel releases it when the process ends in any way
//! (finished, crashed, killed with -9): a lock file left by a killed run is stale by
//! construction and the next run simply takes it over. The file holds the process id of the
//! holder, so a second run can say which process it is waiting for.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// The lock file's name inside the output folder.
pub const LOCK_FILE: &str = ".sandogh.lock";

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it (and `wait` was not asked for).
    #[error("another sandogh run{} is writing to {}; wait for it to finish, or pass --wait to start when it does", holder.map(|p| format!(" (process {p})")).unwrap_or_default(), out.display())]
    Busy {
        /// The output folder.
        out: PathBuf,
        /// The holder's process id, as it wrote it.
        holder: Option<u32>,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

/// The held lock; dropping it (or ending the process) releases it.
#[derive(Debug)]
pub struct OutLock {
    file: File,
    path: PathBuf,
}

impl OutLock {
    /// Takes the lock of `out` (creating the folder if needed). With `wait`, blocks until the
    /// holder is done; without, returns [`LockError::Busy`] naming the holder at once.
    pub fn acquire(out: &Path, wait: bool) -> Result<OutLock, LockError> {
        let path = out.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(out).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let op = if wait {
            libc::LOCK_EX
        } else {
            libc::LOCK_EX | libc::LOCK_NB
        };
        loop {
            // SAFETY: flock on a file descriptor this function owns.
            if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
                break;
            }
            let e = std::io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::EWOULDBLOCK) => {
                    return Err(LockError::Busy {
                        out: out.to_owned(),
                        holder: holder(&mut file),
                    })
                }
                _ => return Err(io(e)),
            }
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(OutLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        // Clear the holder's id before the kernel releases the lock with the file.
        let _ = self.file.set_len(0);
    }
}

/// The process id written in the lock file, if it is readable.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_holder_and_a_released_one_is_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let held = OutLock::acquire(&out, false).expect("first lock");
        // flock locks belong to the open file: a second open in this process conflicts too.
        match OutLock::acquire(&out, false) {
            Err(LockError::Busy { holder, .. }) => assert_eq!(holder, Some(std::process::id())),
            other => panic!("expected Busy, got {other:?}"),
        }
        let msg = OutLock::acquire(&out, false).expect_err("busy").to_string();
        assert!(
            msg.contains(&format!("process {}", std::process::id())),
            "{msg}"
        );
        assert!(msg.contains("--wait"), "{msg}");
        drop(held);
        // A lock file left behind (here: written by hand with a dead process id) is no lock.
        std::fs::write(out.join(LOCK_FILE), "999999999\n").expect("write");
        let again = OutLock::acquire(&out, false).expect("taken over");
        let text = std::fs::read_to_string(again.path()).expect("read");
        assert_eq!(text.trim(), std::process::id().to_string());
    }
}
