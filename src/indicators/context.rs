//! What a report shows beside the figures, written by the indicators stage next to the table so
//! that the report reads nothing of the lake:
//!
//! - `funds.parquet`: each fund's `fund_id`, `county`, `fund_name`, `village`, `fund_type` and
//!   `established_on`, in fund_id order (the indicators table has fund ids only; the Funds sheet
//!   names them). No personal field is in it, and neither is `facilitator`, which no report shows.
//! - `courses.parquet`: per quarter of the run and course type, the participants of the courses
//!   started in the quarter over the whole province (`quarter`, `course_type`, `participants`),
//!   the breakdown of the province's `training_participants_q` that the training chart draws.
//!   Written only when the lake has a trainings table: without one the chart has no data at all
//!   (blank bars), while a quarter without courses has zero participants of every type.

use super::periods::Periods;
use super::IndicatorError;
use crate::lake::scan_or_empty;
use crate::schema::Table;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The funds file's name inside the indicators folder.
pub const FUNDS_FILE: &str = "funds.parquet";
/// The course-type file's name inside the indicators folder.
pub const COURSES_FILE: &str = "courses.parquet";

/// Writes both files into `dir` (the indicators stage's staging folder).
pub fn write(lake: &Path, periods: &Periods, dir: &Path) -> Result<Vec<PathBuf>, IndicatorError> {
    let funds = dir.join(FUNDS_FILE);
    let mut df = scan_or_empty(lake, Table::Funds)?
        .select([
            col("fund_id"),
            col("county"),
            col("fund_name"),
            col("village"),
            col("fund_type"),
            col("established_on"),
        ])
        .sort(["fund_id"], SortMultipleOptions::default())
        .collect()?;
    crate::lake::write_parquet(&funds, &mut df)?;

    if !lake.join(Table::Trainings.name()).is_dir() {
        return Ok(vec![funds]);
    }
    let courses = dir.join(COURSES_FILE);
    let mut df = courses_by_quarter(lake, periods)?;
    crate::lake::write_parquet(&courses, &mut df)?;
    Ok(vec![funds, courses])
}

/// Participants by quarter and course type (`other` where the type is blank).
fn courses_by_quarter(lake: &Path, periods: &Periods) -> Result<DataFrame, IndicatorError> {
    let df = scan_or_empty(lake, Table::Trainings)?
        .select([
            col("course_type"),
            col("started_on").cast(DataType::Int32),
            col("participants").cast(DataType::Int64),
        ])
        .collect()?;
    let kind = df.column("course_type")?.str()?.clone();
    let day = df.column("started_on")?.i32()?.clone();
    let n = df.column("participants")?.i64()?.clone();
    let mut sums: BTreeMap<(usize, String), i64> = BTreeMap::new();
    for i in 0..df.height() {
        let Some(d) = day.get(i) else { continue };
        // Quarters are in order and do not overlap: the last one starting on or before d.
        let at = periods.quarters.partition_point(|(_, s, _)| *s <= d);
        let Some(q) = at.checked_sub(1) else { continue };
        if d > periods.quarters[q].2 {
            continue;
        }
        let k = kind.get(i).unwrap_or("other").to_owned();
        let sum = sums.entry((q, k)).or_insert(0);
        *sum = sum.saturating_add(n.get(i).unwrap_or(0));
    }
    let mut quarter = Vec::with_capacity(sums.len());
    let mut course_type = Vec::with_capacity(sums.len());
    let mut participants = Vec::with_capacity(sums.len());
    for ((q, k), sum) in sums {
        quarter.push(periods.quarters[q].0.to_string());
        course_type.push(k);
        participants.push(sum);
    }
    Ok(DataFrame::new(
        quarter.len(),
        vec![
            Series::new("quarter".into(), quarter).into_column(),
            Series::new("course_type".into(), course_type).into_column(),
            Series::new("participants".into(), participants).into_column(),
        ],
    )?)
}
