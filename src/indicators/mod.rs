//! Stage 2, indicators: the lake → every indicator of INDICATORS.md for every quarter, at fund,
//! county and province level (`<out>/indicators/indicators.parquet` and `.csv`).
//!
//! How: every figure is built from additive *components* per (fund, quarter). Stocks are running
//! sums of dated events (a join adds +1, a leave −1; a deposit adds its amount, a withdrawal takes
//! it away; a disbursement adds its principal, a clipped payment takes its share away), so a run
//! over 20 quarters costs little more than one over a single quarter; flows are sums of the
//! events dated in the quarter. County and province rows sum the components of their funds, then
//! form ratios from summed numerators and denominators, never from averages. All table work is
//! Polars' lazy API over the lake; only the final rounding of each figure is done in Rust, with
//! `rust_decimal`, half away from zero as Excel's ROUND does.
//!
//! Choices where INDICATORS.md is silent:
//! - the default quarter is the latest one that ended on or before the latest *event* date in the
//!   lake (establishment, joining, leaving, savings, disbursement, payment, financing, course):
//!   due dates are a schedule, not events, and run past the export date.
//! - members who joined before their fund's establishment count from the fund's first quarter;
//!   rows before the first quarter of the run count in the stocks of its first quarter.
//! - trainings in the `_province` partition have no county.

mod definitions;
pub mod explain;
mod financing;
mod membership;
pub mod output;
mod periods;
mod portfolio;
mod repayment;
mod savings;
mod training;

pub use definitions::{find, Family, Indicator, IndicatorKind, INDICATORS};
pub use periods::Periods;

use crate::calendar::{CalendarKind, Quarter};
use crate::lake::scan_or_empty;
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
    /// Polars failed.
    #[error("computing indicators failed: {0}")]
    Polars(#[from] PolarsError),
    /// Writing failed.
    #[error(transparent)]
    Lake(#[from] crate::lake::LakeError),
}

/// Columns that hold running-sum deltas (summed over quarters up to D per fund).
const STOCK_COLUMNS: [&str; 13] = [
    "members_active",
    "members_with_disability",
    "members_female",
    "members_gender_known",
    "households_active",
    "borrowers_active",
    "savings_balance",
    "financing_total",
    "portfolio_outstanding",
    "portfolio_outstanding_frac",
    "unpaid_total",
    "due_cum",
    "collected_cum",
];

/// Columns that hold the quarter's own values.
const POINT_COLUMNS: [&str; 19] = [
    "members_joined_q",
    "members_left_q",
    "savings_deposits_q",
    "loans_disbursed_q",
    "loans_disbursed_amount_q",
    "due_q",
    "on_time_paid_q",
    "collected_q",
    "financing_q",
    "par30_outstanding",
    "par30_outstanding_frac",
    "par90_outstanding",
    "par90_outstanding_frac",
    "arrears_amount",
    "trainings_q",
    "training_participants_q",
    "training_participant_hours_q",
    "funds_active",
    "funds_disability",
];

/// Components per level, quarter and entity, ready to be turned into indicator rows.
pub struct Components {
    /// The quarters computed.
    pub periods: Periods,
    /// Fund level: fund_id, county, qi, every component (plus members_active_start).
    pub funds: DataFrame,
    /// County level: county, qi, every component.
    pub counties: DataFrame,
    /// Province level: qi, every component.
    pub province: DataFrame,
}

/// The quarters of a run: from the first quarter with a fund to `requested`, or to the latest
/// quarter that ended on or before the latest event date. Returns the periods and a sentence
/// that says which quarter was chosen and why.
pub fn choose_periods(
    lake: &Path,
    calendar: CalendarKind,
    requested: Option<Quarter>,
) -> Result<(Periods, String), IndicatorError> {
    let funds = scan_or_empty(lake, Table::Funds)?
        .select([col("established_on").cast(DataType::Int32).min()])
        .collect()?;
    let first_day = funds
        .column("established_on")?
        .i32()?
        .get(0)
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

/// The latest event date (`latest`) or the earliest date of any kind in the lake.
fn extreme_day(lake: &Path, latest: bool) -> Result<i32, IndicatorError> {
    let mut found: Option<i32> = None;
    for (table, columns) in date_columns(latest) {
        let exprs: Vec<Expr> = columns
            .iter()
            .map(|c| {
                let day = col(*c).cast(DataType::Int32);
                if latest {
                    day.max()
                } else {
                    day.min()
                }
            })
            .collect();
        let df = scan_or_empty(lake, table)?.select(exprs).collect()?;
        for c in columns {
            if let Some(v) = df.column(c)?.i32()?.get(0) {
                found = Some(match found {
                    Some(f) if latest => f.max(v),
                    Some(f) => f.min(v),
                    None => v,
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

/// Computes every component for every fund, county and the province.
pub fn components(lake: &Path, periods: Periods) -> Result<Components, IndicatorError> {
    let days = periods.days_frame(extreme_day(lake, false)?)?.lazy();
    let quarters = periods.quarters_frame()?.lazy();
    let last = periods.last_index();
    let scan = |t: Table| scan_or_empty(lake, t);

    // The grid: every fund × every quarter of the run (quarters before a fund's establishment are
    // dropped after the running sums).
    let funds = periods::with_quarter(
        scan(Table::Funds)?.select([
            col("fund_id"),
            col("county"),
            col("fund_type"),
            col("established_on"),
        ]),
        "established_on",
        "q_est",
        &days,
    )
    .filter(col("q_est").is_not_null())
    .with_column(periods::clamp0(col("q_est")).alias("q_est"));
    let grid = funds.cross_join(quarters.clone().select([col("qi")]), None);

    // The frames that several components read are computed once, not once per reader.
    let days = days.collect()?.lazy();
    let members = membership::intervals(scan(Table::Members)?, &days)
        .collect()?
        .lazy();
    let installments = scan(Table::Installments)?.collect()?.lazy();
    let loans = portfolio::loans(scan(Table::Loans)?, &installments, &days)
        .collect()?
        .lazy();
    let payments = portfolio::payments(&installments, &loans, &days)?
        .collect()?
        .lazy();
    let inst = repayment::installments(installments, &days)
        .collect()?
        .lazy();
    let (savings_d, savings_f) = savings::components(scan(Table::Savings)?, &days);
    let (fin_d, fin_f) = financing::components(scan(Table::Financing)?, &days);
    let courses = training::courses(scan(Table::Trainings)?, &days);

    let stock_parts = [
        membership::deltas(&members)?,
        membership::household_deltas(&members)?,
        portfolio::borrower_deltas(&members, &loans, &payments)?,
        savings_d,
        fin_d,
        portfolio::outstanding_deltas(&loans, &payments)?,
        repayment::deltas(&inst)?,
    ];
    let point_parts = [
        membership::flows(&members)?,
        savings_f,
        portfolio::disbursement_flows(&loans),
        repayment::flows(&inst),
        fin_f,
        portfolio::arrears(&inst, &loans, &payments, &quarters, last)?,
        training::by_fund(&courses),
    ];
    let mut g = grid;
    for part in stock_parts.into_iter().chain(point_parts) {
        g = g.join(
            part,
            [col("fund_id"), col("qi")],
            [col("fund_id"), col("qi")],
            JoinArgs::new(JoinType::Left),
        );
    }
    let fill: Vec<Expr> = STOCK_COLUMNS
        .iter()
        .chain(POINT_COLUMNS.iter().filter(|c| !c.starts_with("funds_")))
        .map(|c| {
            let zero = if c.ends_with("_frac") {
                lit(0f64).cast(DataType::Float64)
            } else {
                lit(0i64).cast(DataType::Int64)
            };
            col(*c).fill_null(zero)
        })
        .collect();
    let running: Vec<Expr> = STOCK_COLUMNS
        .iter()
        .map(|c| col(*c).cum_sum(false).over([col("fund_id")]))
        .collect::<PolarsResult<_>>()?;
    let fund_level = g
        .with_columns(fill)
        .sort(["fund_id", "qi"], SortMultipleOptions::default())
        .with_columns(running)
        .with_column(
            col("members_active")
                .shift(lit(1))
                .over([col("fund_id")])?
                .fill_null(lit(0i64).cast(DataType::Int64))
                .alias("members_active_start"),
        )
        .filter(col("qi").gt_eq(col("q_est")))
        .with_columns([
            lit(1i64).cast(DataType::Int64).alias("funds_active"),
            col("fund_type")
                .eq(lit("disability"))
                .fill_null(lit(false))
                .cast(DataType::Int64)
                .alias("funds_disability"),
        ])
        .collect()?;
    let mut sums: Vec<Expr> = STOCK_COLUMNS
        .iter()
        .chain(POINT_COLUMNS.iter())
        .map(|c| col(*c).sum())
        .collect();
    sums.push(col("members_active_start").sum());
    let training_cols: Vec<Expr> = training::COLUMNS.iter().map(|c| col(*c)).collect();
    let counties = fund_level
        .clone()
        .lazy()
        .group_by([col("county"), col("qi")])
        .agg(sums.clone())
        .join(
            training::county_only(&courses).select(
                [col("county"), col("qi")]
                    .into_iter()
                    .chain(
                        training::COLUMNS
                            .iter()
                            .map(|c| col(*c).alias(format!("{c}_extra"))),
                    )
                    .collect::<Vec<_>>(),
            ),
            [col("county"), col("qi")],
            [col("county"), col("qi")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns(
            training::COLUMNS
                .iter()
                .map(|c| {
                    (col(*c) + col(format!("{c}_extra")).fill_null(lit(0i64).cast(DataType::Int64)))
                        .alias(*c)
                })
                .collect::<Vec<_>>(),
        )
        .drop(cols(
            training::COLUMNS
                .iter()
                .map(|c| format!("{c}_extra"))
                .collect::<Vec<_>>(),
        ))
        .sort(["county", "qi"], SortMultipleOptions::default())
        .collect()?;
    let province = fund_level
        .clone()
        .lazy()
        .group_by([col("qi")])
        .agg(sums)
        .drop(cols(training::COLUMNS))
        .join(
            training::all(&courses),
            [col("qi")],
            [col("qi")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns(
            training_cols
                .into_iter()
                .map(|c| c.fill_null(lit(0i64).cast(DataType::Int64)))
                .collect::<Vec<_>>(),
        )
        .sort(["qi"], SortMultipleOptions::default())
        .collect()?;
    let fund_level = fund_level.sort(["fund_id", "qi"], SortMultipleOptions::default())?;
    Ok(Components {
        periods,
        funds: fund_level,
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
pub fn run(
    lake: &Path,
    dest: &Path,
    calendar: CalendarKind,
    quarter: Option<Quarter>,
) -> Result<Done, IndicatorError> {
    let (periods, chosen) = choose_periods(lake, calendar, quarter)?;
    let first = periods.quarters[0].0;
    let last = periods.quarters[periods.quarters.len() - 1].0;
    let quarters = periods.quarters.len();
    let clock = std::time::Instant::now();
    let c = components(lake, periods)?;
    let computed = clock.elapsed();
    let rows = output::rows(&c)?;
    let rounded = clock.elapsed() - computed;
    let tmp = crate::lake::staging_dir(dest)?;
    output::write(&rows, &tmp)?;
    crate::lake::commit(&tmp, dest)?;
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
        rows: rows.len(),
        fund_rows: c.funds.height(),
        county_rows: c.counties.height(),
        province_rows: c.province.height(),
    })
}
