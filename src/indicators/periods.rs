//! The quarters of a run and the mapping of every day to its quarter index, as Polars frames.
//!
//! Quarter index 0 is the first quarter in which a fund exists; days before it get negative
//! indexes (stocks clamp them to 0, flows ignore them) and days after the last quarter get none.

use crate::calendar::{CalendarKind, Quarter};
use polars::prelude::*;

/// The quarters a run computes, in order.
#[derive(Debug, Clone)]
pub struct Periods {
    /// Quarter calendar.
    pub calendar: CalendarKind,
    /// (quarter, first day S, last day D) for index 0, 1, …; days since 1970-01-01.
    pub quarters: Vec<(Quarter, i32, i32)>,
}

impl Periods {
    /// Every quarter from `first` to `last` inclusive.
    pub fn new(calendar: CalendarKind, first: Quarter, last: Quarter) -> Option<Periods> {
        let mut quarters = Vec::new();
        let mut q = first;
        while q <= last {
            let (s, d) = q.bounds(calendar)?;
            quarters.push((q, s, d));
            q = q.next();
        }
        (!quarters.is_empty()).then_some(Periods { calendar, quarters })
    }

    /// Index of the last quarter.
    pub fn last_index(&self) -> i32 {
        self.quarters.len() as i32 - 1
    }

    /// Last day of the last quarter.
    pub fn horizon(&self) -> i32 {
        self.quarters.last().map(|q| q.2).unwrap_or(0)
    }

    /// `day` (Int32) → `qi` (Int32) for every day from `from_day` to the horizon.
    pub fn days_frame(&self, from_day: i32) -> PolarsResult<DataFrame> {
        let first = self.quarters[0].0;
        let index = |q: Quarter| (q.year - first.year) * 4 + i32::from(q.q) - i32::from(first.q);
        let from = from_day.min(self.quarters[0].1);
        let to = self.horizon();
        let mut days = Vec::with_capacity((to - from + 1).max(0) as usize);
        let mut qis = Vec::with_capacity(days.capacity());
        let mut current: Option<(i32, i32, i32)> = None; // (start, end, qi)
        for day in from..=to {
            let qi = match current {
                Some((s, e, qi)) if day >= s && day <= e => qi,
                _ => {
                    let Some(q) = Quarter::containing(self.calendar, day) else {
                        continue;
                    };
                    let Some((s, e)) = q.bounds(self.calendar) else {
                        continue;
                    };
                    current = Some((s, e, index(q)));
                    index(q)
                }
            };
            days.push(day);
            qis.push(qi);
        }
        DataFrame::new(
            days.len(),
            vec![
                Column::new("day".into(), days),
                Column::new("qi".into(), qis),
            ],
        )
    }

    /// `qi`, `period_end` (D as Int32) for every quarter of the run.
    pub fn quarters_frame(&self) -> PolarsResult<DataFrame> {
        let qi: Vec<i32> = (0..self.quarters.len() as i32).collect();
        let d: Vec<i32> = self.quarters.iter().map(|q| q.2).collect();
        DataFrame::new(
            qi.len(),
            vec![
                Column::new("qi".into(), qi),
                Column::new("period_end".into(), d),
            ],
        )
    }
}

/// Adds column `out` (Int32 quarter index, null after the horizon) for the date column `date`.
pub fn with_quarter(lf: LazyFrame, date: &str, out: &str, days: &LazyFrame) -> LazyFrame {
    let key = format!("__day_{out}");
    let right = days
        .clone()
        .select([col("day").alias(key.as_str()), col("qi").alias(out)]);
    lf.with_column(col(date).cast(DataType::Int32).alias(key.as_str()))
        .join(
            right,
            [col(key.as_str())],
            [col(key.as_str())],
            JoinArgs::new(JoinType::Left),
        )
        .drop(cols([key.as_str()]))
}

/// The stock index of a quarter index: days before the first quarter count from quarter 0.
pub fn clamp0(e: Expr) -> Expr {
    when(e.clone().lt(lit(0))).then(lit(0)).otherwise(e)
}

/// The running sum of `x` within each run of equal `keys`, in a frame sorted by `keys` (then by
/// the order to sum in): what `x.cum_sum().over(keys)` gives, computed as one running sum of the
/// whole column less its value where each run starts, instead of group by group. Integer columns
/// only (a float column would pick up rounding from the other runs).
pub fn grouped_cum_sum(x: Expr, keys: &[&str]) -> Expr {
    let total = x.clone().cum_sum(false);
    let base = when(run_starts(keys))
        .then(total.clone() - x)
        .otherwise(lit(NULL).cast(DataType::Int64))
        .fill_null_with_strategy(FillNullStrategy::Forward(None))
        .fill_null(lit(0i64).cast(DataType::Int64));
    total - base
}

/// The previous row's `x` within each run of equal `keys` (null on a run's first row): what
/// `x.shift(1).over(keys)` gives in a frame sorted by `keys`.
pub fn grouped_previous(x: Expr, keys: &[&str]) -> Expr {
    when(run_starts(keys))
        .then(lit(NULL).cast(DataType::Int64))
        .otherwise(x.shift(lit(1)))
}

/// Whether a row starts a run of equal `keys` (nulls equal each other, as in a group). The first
/// row counts as a start unless its keys are null; callers treat rows before the first start as
/// the first run.
fn run_starts(keys: &[&str]) -> Expr {
    let mut starts = lit(false);
    for k in keys {
        starts = starts.or(col(*k).neq_missing(col(*k).shift(lit(1))));
    }
    starts
}
