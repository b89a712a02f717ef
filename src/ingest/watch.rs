//! Files that stopped a run: a file that still kills the reader (an abort is no panic: an
//! allocation that fails, a stack overflow, a bug in a reader library) must not stop the next
//! night's run as well.
//!
//! While a file is read, a mark naming it lies in `<out>/.cache/reading/`; it is removed when
//! the file is done. A run that dies leaves the marks of the files it was reading. The next run
//! (which holds the output folder's lock, so the marks are no other run's) reads each marked
//! file first in a separate process — the `sandogh` binary itself, `probe-file` — with its
//! address space bounded (`[limits] probe_memory_mb`) and a deadline (`probe_seconds`). If that
//! process ends well, the file is read as usual (the run was stopped by something else: a
//! kill, a power cut); if it is killed or runs out of time, the file is quarantined with what
//! happened, and its mark stays, so every later run probes it again until the file changes or
//! reads well.
//!
//! The probe needs the binary: the command line names it ([`isolate_with`]); a library caller
//! that does not reads marked files in its own process, as before.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static PROBE_EXE: OnceLock<PathBuf> = OnceLock::new();

/// How the quarantine reason of a file that stopped a run begins.
pub const STOPPED: &str = "an earlier run stopped while it was reading this file";

/// Names the program that reads one file in a separate process (`<exe> probe-file`).
pub fn isolate_with(exe: PathBuf) {
    let _ = PROBE_EXE.set(exe);
}

/// The marks of one output folder.
pub struct Watch {
    dir: PathBuf,
    /// Files a stopped run was reading (relative paths).
    suspects: BTreeSet<String>,
    memory_bytes: u64,
    deadline: Duration,
}

/// A file being read; its mark goes when this is dropped.
pub struct Mark {
    path: Option<PathBuf>,
}

impl Drop for Mark {
    fn drop(&mut self) {
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// What reading a marked file alone showed.
#[derive(Debug, PartialEq, Eq)]
pub enum Probed {
    /// It read well: read it as usual.
    Fine,
    /// It cannot be probed here (no binary named): read it as usual.
    NotProbed,
    /// It stopped the reading process: the quarantine reason.
    Kills(String),
}

impl Watch {
    /// The marks under `out`, with the files an earlier run left marked. A folder that cannot
    /// be made only means no file is watched.
    pub fn open(out: &Path, limits: &crate::config::Limits) -> Watch {
        let dir = out.join(".cache").join("reading");
        let _ = std::fs::create_dir_all(&dir);
        let mut suspects = BTreeSet::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                // A mark holds the file's relative path; anything else is no mark of ours.
                if let Ok(text) = std::fs::read_to_string(e.path()) {
                    if e.path().extension().is_some_and(|x| x == "mark") {
                        suspects.insert(text);
                    }
                }
            }
        }
        Watch {
            dir,
            suspects,
            memory_bytes: limits.probe_memory_mb.saturating_mul(1_000_000),
            deadline: Duration::from_secs(limits.probe_seconds),
        }
    }

    /// Files an earlier run was reading when it stopped.
    pub fn suspects(&self) -> &BTreeSet<String> {
        &self.suspects
    }

    /// Marks `rel` as being read.
    pub fn begin(&self, rel: &str) -> Mark {
        let path = self.dir.join(format!("{}.mark", mark_name(rel)));
        // The mark must be on disk before reading starts, but need not survive a power cut: a
        // run cut by one was not stopped by its file.
        let written = std::fs::File::create(&path).and_then(|mut f| f.write_all(rel.as_bytes()));
        Mark {
            path: written.is_ok().then_some(path),
        }
    }

    /// Removes the marks of files no longer in the input (`present` holds the relative path of
    /// every file found).
    pub fn forget_gone(&self, present: &BTreeSet<&str>) {
        for rel in &self.suspects {
            if !present.contains(rel.as_str()) {
                let _ = std::fs::remove_file(self.dir.join(format!("{}.mark", mark_name(rel))));
            }
        }
    }

    /// Whether `rel` was being read when an earlier run stopped.
    pub fn suspected(&self, rel: &str) -> bool {
        self.suspects.contains(rel)
    }

    /// Reads `path` (`rel` in the input) alone in a separate process under `pipeline`, and says
    /// how that ended. A file that kills the probe keeps its mark.
    pub fn probe(&self, path: &Path, rel: &str, pipeline: &crate::config::Pipeline) -> Probed {
        let Some(exe) = PROBE_EXE.get() else {
            return Probed::NotProbed;
        };
        let mark = self.begin(rel);
        let settings = self.dir.join(format!("{}.settings.json", mark_name(rel)));
        let ended = run_probe(
            exe,
            path,
            rel,
            pipeline,
            &settings,
            self.memory_bytes,
            self.deadline,
        );
        let _ = std::fs::remove_file(&settings);
        match ended {
            Ok(None) => Probed::Fine,
            Ok(Some(how)) => {
                // The mark stays for the next run.
                std::mem::forget(mark);
                Probed::Kills(format!(
                    "{STOPPED}, and reading it alone in a separate process failed too ({how}); the file was not read: open it and save it again, or send it to the developers with the run's manifest"
                ))
            }
            Err(e) => {
                drop(mark);
                Probed::Kills(format!(
                    "{STOPPED}, and it could not be read alone to check it ({e}); the file was not read"
                ))
            }
        }
    }
}

/// The mark's file name: a hash of the relative path (paths may be long or hold any letter).
fn mark_name(rel: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(rel.as_bytes());
    crate::text::hex(&digest[..12])
}

/// Runs `<exe> probe-file` on one file (its settings in a file beside the marks, so that no
/// pipe to a child that died early can stop this process with SIGPIPE); `Ok(None)` when it
/// ended well, else how it ended. The child bounds its own address space (a `pre_exec` hook
/// would make this process fork whole, which a large run may not have the memory to do).
fn run_probe(
    exe: &Path,
    path: &Path,
    rel: &str,
    pipeline: &crate::config::Pipeline,
    settings: &Path,
    memory_bytes: u64,
    deadline: Duration,
) -> std::io::Result<Option<String>> {
    use std::process::{Command, Stdio};
    let json = serde_json::to_vec(pipeline).map_err(std::io::Error::other)?;
    std::fs::write(settings, json)?;
    let mut child = Command::new(exe)
        .arg("probe-file")
        .arg("--settings")
        .arg(settings)
        .arg(format!("--memory-bytes={memory_bytes}"))
        .arg(format!("--rel={rel}"))
        .arg("--")
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // What a dying reader prints may quote the file's cells: it is shown to no one.
        .stderr(Stdio::null())
        .spawn()?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(describe(status)),
            Ok(None) => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Some(format!(
                "it was still reading after {} seconds ([limits] probe_seconds)",
                deadline.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn describe(status: std::process::ExitStatus) -> Option<String> {
    if status.success() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let name = match sig {
                libc::SIGABRT => " (aborted: an allocation that failed, or a reader's own check)",
                libc::SIGSEGV => " (a memory fault)",
                libc::SIGKILL => " (killed, perhaps for memory)",
                libc::SIGBUS => " (a bus error)",
                _ => "",
            };
            return Some(format!("the reading process ended by signal {sig}{name}"));
        }
    }
    Some(format!(
        "the reading process ended with exit code {}",
        status.code().unwrap_or(-1)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_left_by_a_run_that_stops_and_found_by_the_next() {
        let dir = tempfile::tempdir().expect("temp dir");
        let limits = crate::config::Limits::default();
        let w = Watch::open(dir.path(), &limits);
        assert!(w.suspects().is_empty());
        {
            let _done = w.begin("abhar/a.xlsx");
        }
        let stopped = w.begin("زنجان/دفتر ۱.xlsx");
        // The run dies here: the mark stays.
        std::mem::forget(stopped);
        let next = Watch::open(dir.path(), &limits);
        assert_eq!(
            next.suspects().iter().collect::<Vec<_>>(),
            ["زنجان/دفتر ۱.xlsx"]
        );
        assert!(next.suspected("زنجان/دفتر ۱.xlsx") && !next.suspected("abhar/a.xlsx"));
    }
}
