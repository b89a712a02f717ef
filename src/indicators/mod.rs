//! Stage 2, indicators: the lake → every indicator of INDICATORS.md for every quarter, at fund,
//! county and province level (`<out>/indicators/indicators.parquet` and `.csv`), and beside it
//! what the report shows besides figures (fund names, participants by course type; see
//! [`context`]), so that the report reads nothing of the lake.
//!
//! How: every figure is built from additive *components* per (fund, quarter). Stocks are running
//! sums of dated events (a join adds +1, a leave −1; a deposit adds its amount, a withdrawal takes
//! it away; a disbursement adds its principal, a clipped payment takes its share away), so a run
//! over 20 quarters costs little more than one over a single quarter; flows are sums of the
//! events dated in the quarter. County and province rows sum the components of their funds, then
//! form ratios from summed numerators and denominators, never from averages. Polars reads the
//! lake's columns (the big tables' ids and kinds read coded, each row group's distinct texts
//! looked up once: [`crate::lake::Coded`]); the pass itself is plain Rust over them: each
//! family module (`membership`, `savings`, `portfolio`, `repayment`, `financing`, `training`)
//! adds its events to one dense fund × quarter grid of components (`grid`), a day's quarter
//! is an array lookup, entities are grouped by a counting sort, and the running sums are taken
//! once per fund at the end. The final rounding of each figure is done with `rust_decimal`,
//! half away from zero as Excel's ROUND does.
//!
//! Choices where INDICATORS.md is silent:
//! - the default quarter is the latest one that ended on or before the latest *event* date in the
//!   lake (establishment, joining, leaving, savings, disbursement, payment, financing, course):
//!   due dates are a schedule, not events, and run past the export date.
//! - members who joined before their fund's establishment count from the fund's first quarter;
//!   rows before the first quarter of the run count in the stocks of its first quarter.
//! - trainings in the `_province` partition have no county.

mod buckets;
mod columns;
pub mod context;
mod definitions;
pub mod explain;
mod financing;
mod grid;
mod maybe;
mod membership;
pub mod output;
mod periods;
mod portfolio;
mod repayment;
mod savings;
mod switches;
mod training;

pub use definitions::{find, Family, Indicator, IndicatorKind, Trace, INDICATORS};
pub use grid::Level;
pub use periods::Periods;

use buckets::Buckets;
use grid::{Frac, Funds, Grid};
use periods::DayIndex;

use crate::calendar::{CalendarKind, Quarter};
use crate::lake::day_range;
use crate::schema::Table;
use polars::prelude::*;
use std::path::Path;

/// Why indicators could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum IndicatorError {
    /// No lake, or a lake without funds.
    #[error("{0}")]
    NoData(String),
    /// A quarter outside the data or the calendar.
    #[error("{0}")]
    Quarter(String),
    /// The lake's numbers are too large for exact sums (see [`columns::SUM_BOUND`]).
    #[error("{0}")]
    Overflow(String),
    /// Polars failed.
    #[error("computing indicators failed: {0}")]
    Polars(#[from] PolarsError),
    /// Writing failed.
    #[error(transparent)]
    Lake(#[from] crate::lake::LakeError),
}

/// Components per level, quarter and entity, ready to be turned into indicator rows.
pub struct Components {
    /// The quarters computed.
    pub periods: Periods,
    /// Fund level: a row per fund and quarter from its establishment, in fund_id order.
    pub funds: Level,
    /// County level: a row per county and quarter with a fund, in county order.
    pub counties: Level,
    /// Province level: a row per quarter with a fund.
    pub province: Level,
}

/// The quarters of a run: from the first quarter with a fund to `requested`, or to the latest
/// quarter that ended on or before the latest event date. Returns the periods and a sentence
/// that says which quarter was chosen and why.
pub fn choose_periods(
    lake: &Path,
    calendar: CalendarKind,
    requested: Option<Quarter>,
) -> Result<(Periods, String), IndicatorError> {
    let first_day = day_range(lake, Table::Funds, "established_on")?
        .map(|(first, _)| first)
        .ok_or_else(|| {
            IndicatorError::NoData(format!(
                "the lake at {} has no funds; run `sandogh ingest` first",
                lake.display()
            ))
        })?;
    let first = Quarter::containing(calendar, first_day).ok_or_else(|| {
        IndicatorError::NoData("the first fund's date is outside the calendar".into())
    })?;
    let latest = extreme_day(lake, true)?;
    let (last, why) = match requested {
        Some(q) => (q, format!("quarter {q} as requested")),
        None => {
            let mut q = Quarter::containing(calendar, latest).unwrap_or(first);
            if q.bounds(calendar).is_some_and(|(_, d)| d > latest) {
                q = q.prev();
            }
            let shown = crate::calendar::JalaliDate::from_epoch_day(latest)
                .map(|j| j.to_string())
                .unwrap_or_default();
            (q, format!("quarter {q}: the latest quarter that ended on or before the latest date in the lake ({shown})"))
        }
    };
    if last < first {
        return Err(IndicatorError::Quarter(format!(
            "quarter {last} is before the first quarter with a fund ({first}); ask for {first} or later"
        )));
    }
    let periods = Periods::new(calendar, first, last).ok_or_else(|| {
        IndicatorError::Quarter(format!("quarter {last} is outside the calendar's range"))
    })?;
    Ok((periods, why))
}

/// Date columns of each table; `events` leaves out due dates, which are a schedule that runs
/// past the export date, not events.
fn date_columns(events: bool) -> [(Table, &'static [&'static str]); 7] {
    [
        (Table::Funds, &["established_on"]),
        (Table::Members, &["joined_on", "left_on"]),
        (Table::Savings, &["date"]),
        (Table::Loans, &["disbursed_on"]),
        (
            Table::Installments,
            if events {
                &["paid_on"]
            } else {
                &["due_on", "paid_on"]
            },
        ),
        (Table::Financing, &["date"]),
        (Table::Trainings, &["started_on"]),
    ]
}

/// The latest event date (`latest`) or the earliest date of any kind in the lake, from each
/// date column's range ([`day_range`]: the files' footers, or a scan where they cannot tell).
fn extreme_day(lake: &Path, latest: bool) -> Result<i32, IndicatorError> {
    let mut found: Option<i32> = None;
    for (table, columns) in date_columns(latest) {
        for column in columns {
            if let Some((min, max)) = day_range(lake, table, column)? {
                found = Some(match found {
                    Some(f) if latest => f.max(max),
                    Some(f) => f.min(min),
                    None if latest => max,
                    None => min,
                });
            }
        }
    }
    found.ok_or_else(|| {
        IndicatorError::NoData(format!(
            "the lake at {} holds no dated rows",
            lake.display()
        ))
    })
}

/// Computes every component for every fund, county and the province, in one pass over each
/// table of the lake.
pub fn components(lake: &Path, periods: Periods) -> Result<Components, IndicatorError> {
    // The savings and loans columns are read from the lake beside the funds and members
    // (read, then walked on this thread alone); their errors count where they counted when
    // they were read after them (`?` below, in the same order).
    let mut members_frame = None;
    let members_slot = &mut members_frame;
    let periods_ref = &periods;
    let (start, (savings_frame, loans_frame)) = rayon::join(
        move || -> Result<_, IndicatorError> {
            let days = DayIndex::new(periods_ref, extreme_day(lake, false)?);
            let funds_frame = columns::load(
                lake,
                Table::Funds,
                &["fund_id", "county", "fund_type", "established_on"],
            )?;
            let funds = Funds::read(&funds_frame, &days)?;
            drop(funds_frame);
            let members_frame =
                members_slot.insert(columns::load(lake, Table::Members, &membership::COLUMNS)?);
            let members = membership::Members::read(members_frame, &funds, &days)?;
            Ok((days, funds, members))
        },
        || {
            (
                savings::load(lake),
                columns::load(lake, Table::Loans, &portfolio::COLUMNS),
            )
        },
    );
    let (days, funds, members) = start?;
    let mut grid = Grid::new(funds.len(), periods.quarters.len());
    membership::add(&members, &mut grid);

    // Savings and financing need only the funds: they are read beside loans and installments,
    // into a grid of their own whose whole numbers are then added in (integer sums do not
    // depend on their order; these families carry no fractions, which the portfolio family
    // alone adds, in its own order, as before). Errors are reported in the order the families
    // were read before: savings, financing, then loans and installments, then trainings.
    let quarters = periods.quarters.len();
    let (side, loan_families) = rayon::join(
        || -> Result<Grid, IndicatorError> {
            let mut side = Grid::new(funds.len(), quarters);
            savings::add(&savings_frame?, &funds, &days, &mut side)?;
            financing::add(lake, &funds, &days, &mut side)?;
            Ok(side)
        },
        || -> Result<(), IndicatorError> {
            let loans_frame = loans_frame?;
            let mut loans = portfolio::Loans::read(&loans_frame, &funds, &members, &days)?;
            let installments = {
                let loaded = repayment::load(lake)?;
                repayment::Installments::read(&loaded, &loans.index, &funds, &days)?
            };
            // The repayment family needs the installments alone: it adds its whole numbers
            // into a grid of its own while the loans' buckets and payments are made.
            let (repaid, ()) = rayon::join(
                || {
                    let mut repaid = Grid::new(funds.len(), quarters);
                    repayment::add(&installments, &mut repaid);
                    repaid
                },
                || {
                    let by_loan = Buckets::new(&installments.loan, loans.all.len());
                    loans.set_total_due(&installments, &by_loan);
                    let payments = portfolio::Payments::new(&loans, &installments, &by_loan, &days);
                    // The arrears are added into a grid of their own, beside the rest of the
                    // loan families: their fractions (par 30, par 90) are theirs alone and are
                    // added in the same order as before, then moved over; whole numbers add
                    // in any order.
                    let arrears = rayon::join(
                        || portfolio::add(&loans, &payments, &members, &mut grid),
                        || {
                            let mut arrears = Grid::new(funds.len(), quarters);
                            portfolio::add_arrears(
                                &loans,
                                &payments,
                                &installments,
                                &by_loan,
                                &periods,
                                &mut arrears,
                            );
                            arrears
                        },
                    )
                    .1;
                    grid.add_whole(&arrears);
                    grid.take_fracs(arrears, &[Frac::Par30, Frac::Par90]);
                },
            );
            grid.add_whole(&repaid);
            Ok(())
        },
    );
    let side = side?;
    loan_families?;
    grid.add_whole(&side);
    drop(side);
    let courses = training::add(lake, &funds, &days, quarters, &mut grid)?;

    let [funds, counties, province] = grid.levels(&funds, &courses.by_county, &courses.by_quarter);
    Ok(Components {
        periods,
        funds,
        counties,
        province,
    })
}

/// What an indicators run wrote.
#[derive(Debug)]
pub struct Done {
    /// The indicators folder.
    pub dir: std::path::PathBuf,
    /// Which quarter was the last and why.
    pub chosen: String,
    /// Quarters computed.
    pub quarters: usize,
    /// First quarter.
    pub first: Quarter,
    /// Last quarter.
    pub last: Quarter,
    /// Rows written.
    pub rows: usize,
    /// Fund × quarter rows.
    pub fund_rows: usize,
    /// County × quarter rows.
    pub county_rows: usize,
    /// Province × quarter rows.
    pub province_rows: usize,
    /// Time spent per step.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Computes every indicator from `lake` and writes `dest` (replacing it atomically).
/// At most `max_quarters` quarters are computed (`[limits] quarters_per_run`): a single wrong
/// date (1700 for 1400) would otherwise make every fund's grid centuries long. The tables'
/// frames, read and dropped one after the other, reuse each other's memory
/// ([`crate::memory::reusing_large_blocks`]).
pub fn run(
    lake: &Path,
    dest: &Path,
    calendar: CalendarKind,
    quarter: Option<Quarter>,
    max_quarters: u64,
) -> Result<Done, IndicatorError> {
    crate::memory::reusing_large_blocks(|| {
        compute_and_write(lake, dest, calendar, quarter, max_quarters)
    })
}

/// [`run`], within its allocator setting.
fn compute_and_write(
    lake: &Path,
    dest: &Path,
    calendar: CalendarKind,
    quarter: Option<Quarter>,
    max_quarters: u64,
) -> Result<Done, IndicatorError> {
    let (periods, chosen) = choose_periods(lake, calendar, quarter)?;
    let first = periods.quarters[0].0;
    let last = periods.quarters[periods.quarters.len() - 1].0;
    let quarters = periods.quarters.len();
    if quarters as u64 > max_quarters {
        return Err(IndicatorError::Quarter(format!(
            "the quarters to compute run from {first} (the first fund's establishment) to {last}: {quarters} quarters, more than the {max_quarters} a run computes ([limits] quarters_per_run); a date is probably wrong (a year such as 1700 for 1400): find the earliest established_on in the lake and correct the export, or raise the limit"
        )));
    }
    let clock = std::time::Instant::now();
    let c = components(lake, periods)?;
    let computed = clock.elapsed();
    let table = output::Table::build(&c);
    let rounded = clock.elapsed() - computed;
    crate::lake::replace_dir(dest, |tmp| -> Result<(), IndicatorError> {
        // The context files are read from the lake and written beside the table's two files,
        // whose work fills the cores only part of the time.
        // Each file is flushed to the disk as soon as it is complete, while the others are
        // written ([`crate::lake::EarlyFlush`]).
        let flush = crate::lake::EarlyFlush::start(tmp);
        let (table_written, context_written) = rayon::join(
            || output::write(&table, tmp, &flush),
            || {
                let files = context::write(lake, &c.periods, tmp)?;
                files.iter().for_each(|f| flush.flush(f));
                Ok::<_, IndicatorError>(files)
            },
        );
        let flushed = flush.finish();
        table_written?;
        context_written?;
        flushed?;
        Ok(())
    })?;
    let written = clock.elapsed() - computed - rounded;
    Ok(Done {
        timings: vec![
            ("components", computed),
            ("rounding", rounded),
            ("writing", written),
        ],
        dir: dest.to_owned(),
        chosen,
        quarters,
        first,
        last,
        rows: table.len(),
        fund_rows: c.funds.height(),
        county_rows: c.counties.height(),
        province_rows: c.province.height(),
    })
}
