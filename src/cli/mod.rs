//! The command line: one module per subcommand, each with its usage at the top. Commands parse
//! their arguments, call the library (a stage or the whole run lives in [`crate::run`]) and
//! print what it did through [`show::Terminal`]; every command returns how it ended or the
//! [`Failure`] that stopped it, and [`run`] turns that into the exit code.
//!
//! Exit codes (the contract with scripts and schedulers; [`crate::run::Exit`]):
//! - 0: success;
//! - 1: failure (the stage could not finish: an unreadable input folder, a disk error);
//! - 2: bad usage or configuration (unknown flag, bad pipeline file, bad quarter);
//! - 3: partial: the run finished but some files or sheets were quarantined;
//! - 4: `validate` only: rows would be rejected (and nothing was quarantined);
//! - 5: busy: another sandogh run is writing to the same `--out` (its process id is named).

pub mod explain;
pub mod feedback;
pub mod indicators;
pub mod ingest;
pub mod probe;
pub mod progress;
pub mod report;
pub mod run;
pub mod runs;
pub mod sample;
pub mod show;
pub mod template;
pub mod validate;

use crate::config::Pipeline;
use crate::run::{Exit, Failure};
use clap::{Parser, Subcommand};
use std::path::Path;

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
    /// Write a corrections workbook per county office from the ingest report and rejects.
    Feedback(feedback::Args),
    /// Write export templates for county offices (blank, or with a county's funds).
    Template(template::Args),
    /// Trace one figure: definition, numerator, denominator and contributing rows.
    Explain(explain::Args),
    /// Check county exports and print every problem by file; writes no lake.
    Validate(validate::Args),
    /// Write a sample province's county exports (the bundled sample-data/, or larger ones).
    SampleData(sample::Args),
    /// Read one file alone, for ingest (hidden: see `crate::ingest::watch`).
    #[command(hide = true)]
    ProbeFile(probe::Args),
}

/// Runs a parsed command line and returns the process exit code: the one place where a
/// command's outcome, or the [`Failure`] that stopped it, becomes a number.
pub fn run(cli: Cli) -> i32 {
    // A file that stopped an earlier run is read first in a separate process of this binary.
    if let Ok(exe) = std::env::current_exe() {
        crate::ingest::watch::isolate_with(exe);
    }
    let ended = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Runs(a) => runs::run(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Indicators(a) => indicators::run(a),
        Command::Report(a) => report::run(a),
        Command::Feedback(a) => feedback::run(a),
        Command::Template(a) => template::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Validate(a) => validate::run(a),
        Command::SampleData(a) => sample::run(a),
        Command::ProbeFile(a) => probe::run(a),
    };
    match ended {
        Ok(exit) => exit.code(),
        Err(f) => {
            show::failure(&f);
            f.exit.code()
        }
    }
}

/// Loads the pipeline file, or the built-in default when none is given.
pub fn load_pipeline(path: Option<&Path>) -> Result<Pipeline, Failure> {
    match path {
        Some(p) => Ok(Pipeline::load(p)?),
        None => Ok(Pipeline::default_pipeline()),
    }
}

/// Checks that an input folder exists, with a message that says what to do.
pub fn check_input(input: &Path) -> Result<(), Failure> {
    if input.is_dir() {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "the input folder {} does not exist or is not a folder; pass --input DIR",
            input.display()
        )))
    }
}

/// What a command returns: how it ended, or the failure that stopped it.
pub type Ended = Result<Exit, Failure>;
