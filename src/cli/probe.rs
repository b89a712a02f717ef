//! `sandogh probe-file --settings FILE --memory-bytes N --rel REL -- FILE` (hidden): reads one
//! file as ingest would, under the pipeline written as JSON in the settings file, and forgets
//! what it read. Ingest runs it in a separate process for a file that an earlier run was
//! reading when it stopped ([`crate::ingest::watch`]): if the file kills its reader, only this
//! process dies. It bounds its own address space first, and reads on a thread with the stack
//! of ingest's reading threads, so that it meets the file as they would.
//! Exit 0 when the file was read or quarantined; 2 when the settings cannot be read.

use super::Ended;
use crate::run::{Exit, Failure};
use std::path::PathBuf;

/// The stack of a reading thread (rayon's, which is std's default).
const READER_STACK: usize = 2 * 1024 * 1024;

/// Arguments of `sandogh probe-file`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pipeline, as JSON.
    #[arg(long)]
    pub settings: PathBuf,
    /// The address space this process may use, in bytes.
    #[arg(long)]
    pub memory_bytes: u64,
    /// The file's path relative to the input folder (it tells the county).
    #[arg(long)]
    pub rel: String,
    /// The file.
    pub file: PathBuf,
}

/// Runs `sandogh probe-file`.
pub fn run(a: Args) -> Ended {
    #[cfg(unix)]
    {
        let limit = libc::rlimit {
            rlim_cur: a.memory_bytes as libc::rlim_t,
            rlim_max: a.memory_bytes as libc::rlim_t,
        };
        // SAFETY: setrlimit only reads the struct it is given and changes this process's
        // limit. Where it cannot be raised to this (a lower hard limit), the lower one holds.
        unsafe {
            libc::setrlimit(libc::RLIMIT_AS, &limit);
        }
    }
    let json = std::fs::read(&a.settings)
        .map_err(|e| Failure::usage(format!("probe-file: cannot read the settings: {e}")))?;
    let pipeline: crate::config::Pipeline = serde_json::from_slice(&json)
        .map_err(|e| Failure::usage(format!("probe-file: the settings are not valid: {e}")))?;
    let reader = std::thread::Builder::new()
        .stack_size(READER_STACK)
        .spawn(move || crate::ingest::probe_file(&a.file, &a.rel, &pipeline))
        .map_err(|e| Failure::usage(format!("probe-file: cannot start the reader: {e}")))?;
    // A panic is caught inside the reader; one that escapes still ends this probe well (ingest
    // catches it the same way).
    let _ = reader.join();
    Ok(Exit::Ok)
}
