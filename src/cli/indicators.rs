//! `sandogh indicators --out DIR [--quarter Q] [--pipeline FILE]`
//!
//! Reads `<out>/lake` and writes `<out>/indicators/indicators.parquet` and `indicators.csv`: every
//! indicator for every quarter from the first quarter with a fund up to Q (default: the latest
//! quarter that has ended on or before the latest date in the lake), at fund, county and province
//! level. Quarters follow the pipeline's calendar (Jalali by default). Q may be written `1403Q2`,
//! `1403-Q2` or with Persian digits.

use super::show::Terminal;
use super::{load_pipeline, Ended};
use crate::calendar::Quarter;
use crate::run::Failure;
use std::path::PathBuf;

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
pub fn parse_quarter(text: &str) -> Result<Quarter, Failure> {
    Quarter::parse(text).ok_or_else(|| {
        Failure::usage(format!(
            "«{text}» is not a quarter; write it like 1403Q2 or 1403-Q2"
        ))
    })
}

pub use crate::plan::Quarters;

/// Parses a quarter or a range `A..B` of them, with a message that says how to write one.
pub fn parse_quarters(text: Option<&str>) -> Result<Option<Quarters>, Failure> {
    text.map(Quarters::parse)
        .transpose()
        .map_err(Failure::usage)
}

/// Runs `sandogh indicators`.
pub fn run(a: Args) -> Ended {
    let pipeline = load_pipeline(a.pipeline.as_deref())?;
    // A range computes up to its last quarter (every quarter before it is computed too).
    let quarter =
        parse_quarters(a.quarter.as_deref().or(pipeline.quarter.as_deref()))?.map(|q| q.last);
    let show = Terminal::stage(false);
    let _lock = crate::run::lock_out(&a.out, a.wait, false, &show)?;
    crate::run::indicators(&a.out, &pipeline, quarter, &show)
}
