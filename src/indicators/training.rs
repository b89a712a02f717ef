//! Training courses: count, participants and participant-hours of the courses started in a
//! quarter. A course with a fund counts for the fund, its county and the province; one with only
//! a county for that county (when its row exists) and the province; one with neither for the
//! province alone.

use super::columns;
use super::grid::{Comp, Funds, Grid};
use super::periods::DayIndex;
use super::IndicatorError;
use crate::schema::{Table, PROVINCE_PARTITION};
use rustc_hash::FxHashMap;
use std::path::Path;

/// The courses of the run's quarters, summed where they count.
pub struct Courses {
    /// Courses without a fund, per (county, quarter index): count, participants, hours.
    pub by_county: FxHashMap<(String, i32), [i64; 3]>,
    /// Every course, per quarter index.
    pub by_quarter: Vec<[i64; 3]>,
}

/// Reads the trainings table, adds the courses with a fund to the grid and returns the sums
/// the county and province rows need.
pub fn add(
    lake: &Path,
    funds: &Funds,
    days: &DayIndex,
    quarters: usize,
    grid: &mut Grid,
) -> Result<Courses, IndicatorError> {
    let df = columns::load(
        lake,
        Table::Trainings,
        &["fund_id", "county", "started_on", "participants", "hours"],
    )?;
    let fund_ids = columns::text(&df, "fund_id")?;
    let counties = columns::text(&df, "county")?;
    let started = columns::days(&df, "started_on")?;
    let participants = columns::ints(&df, "participants")?;
    let hours = columns::ints(&df, "hours")?;
    let participant_hours: i128 = participants
        .iter()
        .zip(&hours)
        .map(|(p, h)| (i128::from(p.unwrap_or(0)) * i128::from(h.unwrap_or(0))).abs())
        .sum();
    columns::check_bound("participants × hours", participant_hours)?;
    let mut courses = Courses {
        by_county: FxHashMap::default(),
        by_quarter: vec![[0; 3]; quarters],
    };
    let add_to = |sums: &mut [i64; 3], p: Option<i64>, h: Option<i64>| {
        sums[0] += 1;
        sums[1] = sums[1].wrapping_add(p.unwrap_or(0));
        let hours = p.map(|p| p.wrapping_mul(h.unwrap_or(0))).unwrap_or(0);
        sums[2] = sums[2].wrapping_add(hours);
    };
    for i in 0..df.height() {
        let Some(qi) = days.raw(started[i]).filter(|&q| q >= 0) else {
            continue;
        };
        let (p, h) = (participants[i], hours[i]);
        if let Some(sums) = courses.by_quarter.get_mut(qi as usize) {
            add_to(sums, p, h);
        }
        match (fund_ids[i], counties[i]) {
            (Some(_), _) => {
                if let Some(fund) = funds.get(fund_ids[i]) {
                    let mut sums = [0; 3];
                    add_to(&mut sums, p, h);
                    for (c, v) in Comp::TRAINING.iter().zip(sums) {
                        grid.add(*c, fund, qi, v);
                    }
                }
            }
            (None, Some(county)) if county != PROVINCE_PARTITION => {
                let sums = courses
                    .by_county
                    .entry((county.to_owned(), qi))
                    .or_insert([0; 3]);
                add_to(sums, p, h);
            }
            (None, _) => {}
        }
    }
    Ok(courses)
}
