//! Savings: the balance (a running sum of deposits less withdrawals) and the quarter's deposits.
//!
//! A row whose kind is blank counts against the balance, as a withdrawal would, and not as a
//! deposit (ingest fills the kind, so the lake holds none).

use super::columns;
use super::grid::{Comp, Funds, Grid};
use super::periods::{clamp0, DayIndex};
use super::IndicatorError;
use crate::schema::Table;
use polars::prelude::{DataFrame, DataType};
use std::path::Path;

/// The savings columns the family reads.
pub const COLUMNS: [&str; 4] = ["fund_id", "date", "amount", "kind"];

/// The savings table's [`COLUMNS`].
pub fn load(lake: &Path) -> Result<DataFrame, IndicatorError> {
    columns::load(lake, Table::Savings, &COLUMNS)
}

/// Adds savings_balance deltas and savings_deposits_q flows of every savings row of `df`
/// ([`load`]).
pub fn add(
    df: &DataFrame,
    funds: &Funds,
    days: &DayIndex,
    grid: &mut Grid,
) -> Result<(), IndicatorError> {
    // The columns are walked side by side, not copied into vectors first (a million rows at
    // scale 1); a fund is looked up once per run of rows of the same fund.
    let fund_ids = df.column("fund_id")?.str()?;
    let dates = df.column("date")?.cast(&DataType::Int32)?;
    let amounts = columns::int_column(df, "amount")?;
    let kinds = df.column("kind")?.str()?;
    let rows = columns::lookup_runs(fund_ids.iter(), |id| funds.get(Some(id)))
        .zip(dates.i32()?.iter())
        .zip(amounts.iter())
        .zip(kinds.iter());
    for (((fund, date), amount), kind) in rows {
        let (Some(fund), Some(qi), Some(amount)) = (fund, days.raw(date), amount) else {
            continue;
        };
        let deposit = kind.is_some_and(|k| k != "withdrawal");
        let signed = if deposit {
            amount
        } else {
            amount.wrapping_neg()
        };
        grid.add(Comp::SavingsBalance, fund, clamp0(qi), signed);
        if deposit && qi >= 0 {
            grid.add(Comp::SavingsDepositsQ, fund, qi, amount);
        }
    }
    Ok(())
}
