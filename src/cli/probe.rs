//! `sandogh probe-file --rel REL FILE` (hidden): reads one file as ingest would, with the
//! pipeline given as JSON on standard input, and forgets what it read. Ingest runs it in a
//! separate process for a file that an earlier run was reading when it stopped
//! ([`crate::ingest::watch`]): if the file kills its reader, only this process dies.
//! Exit 0 when the file was read or quarantined; 2 when the settings cannot be read.

use super::Ended;
use crate::run::{Exit, Failure};
use std::io::Read;
use std::path::PathBuf;

/// Arguments of `sandogh probe-file`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file's path relative to the input folder (it tells the county).
    #[arg(long)]
    pub rel: String,
    /// The file.
    pub file: PathBuf,
}

/// Runs `sandogh probe-file`.
pub fn run(a: Args) -> Ended {
    let mut json = Vec::new();
    std::io::stdin()
        .read_to_end(&mut json)
        .map_err(|e| Failure::usage(format!("probe-file: cannot read the settings: {e}")))?;
    let pipeline: crate::config::Pipeline = serde_json::from_slice(&json)
        .map_err(|e| Failure::usage(format!("probe-file: the settings are not valid: {e}")))?;
    crate::ingest::probe_file(&a.file, &a.rel, &pipeline);
    Ok(Exit::Ok)
}
