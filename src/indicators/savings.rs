//! Savings: the balance (a running sum of deposits less withdrawals) and the quarter's deposits.
//!
//! A row whose kind is blank counts against the balance, as a withdrawal would, and not as a
//! deposit (ingest fills the kind, so the lake holds none).

use super::columns::{self, Loaded};
use super::grid::{Comp, Funds, Grid};
use super::periods::{clamp0, DayIndex};
use super::IndicatorError;
use crate::schema::Table;
use polars::prelude::DataType;
use std::path::Path;

/// The savings columns the family reads.
pub const COLUMNS: [&str; 4] = ["fund_id", "date", "amount", "kind"];

/// The savings table's [`COLUMNS`].
pub fn load(lake: &Path) -> Result<Loaded, IndicatorError> {
    columns::load_coded(lake, Table::Savings, &COLUMNS, &["fund_id", "kind"])
}

/// Adds savings_balance deltas and savings_deposits_q flows of every savings row of `df`
/// ([`load`]).
pub fn add(
    loaded: &Loaded,
    funds: &Funds,
    days: &DayIndex,
    grid: &mut Grid,
) -> Result<(), IndicatorError> {
    // The columns are walked side by side, not copied into vectors first (a million rows at
    // scale 1); a fund is looked up once per distinct fund_id of a row group (or per run of
    // rows of the same fund), and a kind read once per distinct kind likewise.
    let df = &loaded.frame;
    let fund_ids = loaded.texts("fund_id")?;
    let dates = df.column("date")?.cast(&DataType::Int32)?;
    let amounts = columns::int_column(df, "amount")?;
    let kinds = loaded.texts("kind")?;
    let rows = fund_ids
        .lookup(|id| funds.get(Some(id)))
        .zip(dates.i32()?.iter())
        .zip(amounts.iter())
        .zip(kinds.lookup(|k| Some(k != "withdrawal")));
    for (((fund, date), amount), kind) in rows {
        let (Some(fund), Some(qi), Some(amount)) = (fund, days.raw(date), amount) else {
            continue;
        };
        // A blank kind is no deposit.
        let deposit = kind.unwrap_or(false);
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
