//! The command line: one module per subcommand, each with its usage at the top.
//!
//! Exit codes (the contract with scripts and schedulers):
//! - 0: success;
//! - 1: failure (the stage could not finish: an unreadable input folder, a disk error);
//! - 2: bad usage or configuration (unknown flag, bad pipeline file, bad quarter);
//! - 3: partial: the run finished but some files or sheets were quarantined;
//! - 4: `validate` only: rows would be rejected (and nothing was quarantined);
//! - 5: busy: another sandogh run is writing to the same `--out` (its process id is named).

pub mod explain;
pub mod indicators;
pub mod ingest;
pub mod progress;
pub mod report;
pub mod run;
pub mod runs;
pub mod sample;
pub mod validate;

use crate::config::Pipeline;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: the stage could not finish.
pub const EXIT_FAILURE: i32 = 1;
/// Exit code: bad usage or configuration.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: finished, with files or sheets quarantined.
pub const EXIT_PARTIAL: i32 = 3;
/// Exit code: `validate` found rows that would be rejected.
pub const EXIT_REJECTS: i32 = 4;
/// Exit code: another run holds the output folder.
pub const EXIT_BUSY: i32 = 5;

const EXIT_CODES: &str = "Exit codes: 0 success; 1 failure; 2 bad usage or configuration; \
3 partial (files or sheets quarantined); 4 (validate) rows would be rejected; 5 busy (another \
run is writing to the same --out).";

/// sandogh: county exports of the local micro-funds of rural women → Parquet lake →
/// portfolio indicators → reports.
#[derive(Debug, Parser)]
#[command(name = "sandogh", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every stage of a pipeline (default: pipelines/quarterly.toml on sample-data/ into out/).
    Run(run::Args),
    /// List the recent runs of an output folder from their manifests.
    Runs(runs::Args),
    /// Read county exports into the Parquet lake, with rejects and an ingest report.
    Ingest(ingest::Args),
    /// Compute every indicator for every quarter from the lake.
    Indicators(indicators::Args),
    /// Write the quarter's workbooks (fa, en) and chart images from the indicators table.
    Report(report::Args),
    /// Trace one figure: definition, numerator, denominator and contributing rows.
    Explain(explain::Args),
    /// Check county exports and print every problem by file; writes no lake.
    Validate(validate::Args),
    /// Write a sample province's county exports (the bundled sample-data/, or larger ones).
    SampleData(sample::Args),
}

/// Takes the lock of the output folder for a command that writes into it (see [`crate::lock`]).
/// With `wait`, says whom it waits for and blocks; without, a held lock is exit code 5. A
/// folder that does not exist yet is created only when `create` (ingest and run make it;
/// indicators and report need it to exist and say so themselves).
pub fn lock_out(out: &Path, wait: bool, create: bool) -> Result<Option<crate::lock::OutLock>, i32> {
    use crate::lock::{LockError, OutLock};
    if !create && !out.is_dir() {
        return Ok(None);
    }
    let taken = match OutLock::acquire(out, false) {
        Err(LockError::Busy { holder, .. }) if wait => {
            eprintln!(
                "waiting for the sandogh run{} writing to {} to finish…",
                holder
                    .map(|p| format!(" (process {p})"))
                    .unwrap_or_default(),
                out.display()
            );
            OutLock::acquire(out, true)
        }
        other => other,
    };
    match taken {
        Ok(lock) => Ok(Some(lock)),
        Err(e @ LockError::Busy { .. }) => {
            eprintln!("error: {e}");
            Err(EXIT_BUSY)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(EXIT_FAILURE)
        }
    }
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Run(a) => run::run(a),
        Command::Runs(a) => runs::run(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Indicators(a) => indicators::run(a),
        Command::Report(a) => report::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Validate(a) => validate::run(a),
        Command::SampleData(a) => sample::run(a),
    }
}

/// Loads the pipeline file, or the built-in default when none is given.
pub fn load_pipeline(path: Option<&Path>) -> Result<Pipeline, i32> {
    match path {
        Some(p) => Pipeline::load(p).map_err(|e| {
            eprintln!("error: {e}");
            EXIT_USAGE
        }),
        None => Ok(Pipeline::default_pipeline()),
    }
}

/// Checks that an input folder exists, with a message that says what to do.
pub fn check_input(input: &Path) -> Result<(), i32> {
    if input.is_dir() {
        Ok(())
    } else {
        eprintln!(
            "error: the input folder {} does not exist or is not a folder; pass --input DIR",
            input.display()
        );
        Err(EXIT_USAGE)
    }
}

/// A flag's value, else the pipeline's, else a default.
pub fn pick(flag: Option<PathBuf>, from_pipeline: Option<&PathBuf>, default: &str) -> PathBuf {
    flag.or_else(|| from_pipeline.cloned())
        .unwrap_or_else(|| PathBuf::from(default))
}
