//! `sandogh explain --out DIR --quarter Q --level fund|county|province [--county C] [--fund F] INDICATOR`
//!
//! Prints an indicator's definition, its value, numerator and denominator from the indicators
//! table, and the lake rows that contribute to it with their source file, sheet and row, so any
//! figure can be traced back to the spreadsheet cell.

use super::{load_pipeline, Ended};
use crate::indicators::explain::{explain, Target};
use crate::run::{Exit, Failure};
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
pub fn run(a: Args) -> Ended {
    let pipeline = load_pipeline(a.pipeline.as_deref())?;
    let quarter = super::indicators::parse_quarter(&a.quarter)?;
    let Some(bounds) = quarter.bounds(pipeline.calendar) else {
        return Err(Failure::usage(format!(
            "quarter {quarter} is outside the calendar's range"
        )));
    };
    let target = Target {
        quarter,
        bounds,
        level: a.level,
        county: a.county,
        fund: a.fund,
        indicator: a.indicator,
    };
    let text = explain(&a.out, &target).map_err(|e| Failure::usage(e.to_string()))?;
    print!("{text}");
    Ok(Exit::Ok)
}
