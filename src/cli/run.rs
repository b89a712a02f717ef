//! `sandogh run [PIPELINE.toml] [--input DIR] [--out DIR] [--quarter Q|A..B] [--lang L] [--wait]`
//!
//! Runs every stage of a pipeline. With no arguments it runs `pipelines/quarterly.toml` on
//! `sample-data/` into `out/`. Flags win over the pipeline file. Every setting (quarter,
//! languages, report definition) is checked before the first stage starts. `--quarter A..B`
//! (backfill) computes the indicators up to B and writes the reports of every quarter from A to B. Stages: ingest, indicators, report. A partial ingest (files quarantined) still runs the
//! later stages and ends with exit code 3.

use super::{check_input, pick, EXIT_USAGE};
use crate::config::Pipeline;
use std::path::PathBuf;

/// Arguments of `sandogh run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Pipeline file; default pipelines/quarterly.toml (or the built-in copy of it).
    pub pipeline: Option<PathBuf>,
    /// Folder of county exports (overrides the pipeline's `input`).
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Output folder (overrides the pipeline's `out`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Last quarter to compute, e.g. 1403Q2, or a range 1402Q1..1403Q2 to write the reports of
    /// every quarter in it (overrides the pipeline's `quarter`).
    #[arg(long)]
    pub quarter: Option<String>,
    /// Report language, fa or en (repeat, or write fa,en; overrides the pipeline's `languages`).
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// If another run is writing to the same output folder, wait for it instead of stopping.
    #[arg(long)]
    pub wait: bool,
}

/// Runs `sandogh run`.
pub fn run(a: Args) -> i32 {
    let default_file = PathBuf::from("pipelines/quarterly.toml");
    let pipeline = match (&a.pipeline, default_file.is_file()) {
        (Some(p), _) => Pipeline::load(p),
        (None, true) => Pipeline::load(&default_file),
        (None, false) => Ok(Pipeline::default_pipeline()),
    };
    let pipeline = match pipeline {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let input = pick(a.input, pipeline.input.as_ref(), "sample-data");
    let out = pick(a.out, pipeline.out.as_ref(), "out");
    if let Err(code) = check_input(&input) {
        return code;
    }
    let quarters = match super::indicators::parse_quarters(
        a.quarter.as_deref().or(pipeline.quarter.as_deref()),
    ) {
        Ok(q) => q,
        Err(code) => return code,
    };
    // Every setting of the report is checked before the first stage starts.
    let (langs, def) = match super::report::resolve(&a.lang, &pipeline) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // One lock for the whole run, so no other run writes between its stages.
    let _lock = match super::lock_out(&out, a.wait, true) {
        Ok(lock) => lock,
        Err(code) => return code,
    };
    let ingest = super::ingest::ingest_stage(&input, &out, &pipeline, false);
    if ingest != super::EXIT_OK && ingest != super::EXIT_PARTIAL {
        return ingest;
    }
    println!();
    let last = quarters.map(|q| q.last);
    let indicators = super::indicators::indicators_stage(&out, pipeline.calendar, last);
    if indicators != super::EXIT_OK {
        return indicators;
    }
    println!();
    let report = super::report::report_stages(&out, &pipeline, quarters, &langs, &def);
    if report != super::EXIT_OK {
        return report;
    }
    ingest
}
