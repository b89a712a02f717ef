//! `sandogh indicators --out DIR [--quarter Q] [--pipeline FILE]`
//!
//! Reads `<out>/lake` and writes `<out>/indicators/indicators.parquet` and `indicators.csv`: every
//! indicator for every quarter from the first quarter with a fund up to Q (default: the latest
//! quarter that has ended on or before the latest date in the lake), at fund, county and province
//! level. Quarters follow the pipeline's calendar (Jalali by default). Q may be written `1403Q2`,
//! `1403-Q2` or with Persian digits.

use super::{load_pipeline, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::calendar::{CalendarKind, Quarter};
use std::path::{Path, PathBuf};

/// Arguments of `sandogh indicators`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder holding the lake; indicators go to <out>/indicators.
    #[arg(long)]
    pub out: PathBuf,
    /// Last quarter to compute, e.g. 1403Q2.
    #[arg(long)]
    pub quarter: Option<String>,
    /// Pipeline file (calendar); default: the built-in pipeline (Jalali quarters).
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// If another run is writing to the same output folder, wait for it instead of stopping.
    #[arg(long)]
    pub wait: bool,
}

/// Parses a quarter argument, with a message that says how to write one.
pub fn parse_quarter(text: Option<&str>) -> Result<Option<Quarter>, i32> {
    match text {
        None => Ok(None),
        Some(t) => Quarter::parse(t).map(Some).ok_or_else(|| {
            eprintln!("error: «{t}» is not a quarter; write it like 1403Q2 or 1403-Q2");
            EXIT_USAGE
        }),
    }
}

pub use crate::plan::Quarters;

/// Parses a quarter or a range `A..B` of them, with a message that says how to write one.
pub fn parse_quarters(text: Option<&str>) -> Result<Option<Quarters>, i32> {
    text.map(Quarters::parse).transpose().map_err(|m| {
        eprintln!("error: {m}");
        EXIT_USAGE
    })
}

/// Runs `sandogh indicators`.
pub fn run(a: Args) -> i32 {
    let pipeline = match load_pipeline(a.pipeline.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // A range computes up to its last quarter (every quarter before it is computed too).
    let quarter = match parse_quarters(a.quarter.as_deref().or(pipeline.quarter.as_deref())) {
        Ok(q) => q.map(|q| q.last),
        Err(code) => return code,
    };
    let _lock = match super::lock_out(&a.out, a.wait, false) {
        Ok(lock) => lock,
        Err(code) => return code,
    };
    indicators_stage(&a.out, pipeline.calendar, quarter, false)
}

/// Indicators as a stage of a run; returns the exit code.
/// With `quiet`, prints nothing but errors.
pub fn indicators_stage(
    out: &Path,
    calendar: CalendarKind,
    quarter: Option<Quarter>,
    quiet: bool,
) -> i32 {
    let lake = out.join("lake");
    if !lake.is_dir() {
        eprintln!(
            "error: there is no lake at {}; run `sandogh ingest --input DIR --out {}` first",
            lake.display(),
            out.display()
        );
        return EXIT_USAGE;
    }
    let step = super::progress::step(super::progress::live(quiet), "indicators", "computing");
    let done = crate::indicators::run(&lake, &out.join("indicators"), calendar, quarter);
    step.finish_and_clear();
    match done {
        Ok(done) => {
            if !quiet {
                println!("indicators → {}", done.dir.display());
                println!("  {}", done.chosen);
                println!(
                    "  {} quarters ({} to {}), {} rows: {} fund, {} county and {} province rows per indicator",
                    done.quarters, done.first, done.last, done.rows, done.fund_rows, done.county_rows, done.province_rows
                );
                let steps: Vec<String> = done
                    .timings
                    .iter()
                    .map(|(step, t)| format!("{step} {:.2} s", t.as_secs_f64()))
                    .collect();
                println!("  time: {}", steps.join(", "));
            }
            EXIT_OK
        }
        Err(
            crate::indicators::IndicatorError::Quarter(m)
            | crate::indicators::IndicatorError::NoData(m),
        ) => {
            eprintln!("error: {m}");
            EXIT_USAGE
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILURE
        }
    }
}
