//! `sandogh explain --out DIR --quarter Q --level fund|county|province [--county C] [--fund F] INDICATOR`
//!
//! Prints an indicator's definition, its value, numerator and denominator from the indicators
//! table, and the lake rows that contribute to it with their source file, sheet and row, so any
//! figure can be traced back to the spreadsheet cell.

use super::{load_pipeline, EXIT_OK, EXIT_USAGE};
use crate::indicators::explain::{explain, Target};
use std::path::PathBuf;

/// Arguments of `sandogh explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The indicator, e.g. par30.
    pub indicator: String,
    /// Output folder holding the lake and indicators.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Quarter, e.g. 1403Q2.
    #[arg(long)]
    pub quarter: String,
    /// fund, county or province.
    #[arg(long)]
    pub level: String,
    /// County slug (county level).
    #[arg(long)]
    pub county: Option<String>,
    /// Fund id (fund level).
    #[arg(long)]
    pub fund: Option<String>,
    /// Pipeline file (calendar).
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
}

/// Runs `sandogh explain`.
pub fn run(a: Args) -> i32 {
    let pipeline = match load_pipeline(a.pipeline.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let quarter = match super::indicators::parse_quarter(Some(&a.quarter)) {
        Ok(Some(q)) => q,
        Ok(None) | Err(_) => return EXIT_USAGE,
    };
    let Some(bounds) = quarter.bounds(pipeline.calendar) else {
        eprintln!("error: quarter {quarter} is outside the calendar's range");
        return EXIT_USAGE;
    };
    let target = Target {
        quarter,
        bounds,
        level: a.level,
        county: a.county,
        fund: a.fund,
        indicator: a.indicator,
    };
    match explain(&a.out, &target) {
        Ok(text) => {
            print!("{text}");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}
