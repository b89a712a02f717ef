//! Savings: the balance (a running sum of deposits less withdrawals) and the quarter's deposits.
//!
//! A row whose kind is blank counts against the balance, as a withdrawal would, and not as a
//! deposit (ingest fills the kind, so the lake holds none).

use super::columns;
use super::grid::{Comp, Funds, Grid};
use super::periods::{clamp0, DayIndex};
use super::IndicatorError;
use crate::schema::Table;
use std::path::Path;

/// Adds savings_balance deltas and savings_deposits_q flows of every savings row.
pub fn add(
    lake: &Path,
    funds: &Funds,
    days: &DayIndex,
    grid: &mut Grid,
) -> Result<(), IndicatorError> {
    let df = columns::load(lake, Table::Savings, &["fund_id", "date", "amount", "kind"])?;
    let fund_ids = columns::text(&df, "fund_id")?;
    let dates = columns::days(&df, "date")?;
    let amounts = columns::ints(&df, "amount")?;
    let kinds = columns::text(&df, "kind")?;
    for i in 0..df.height() {
        let (Some(fund), Some(qi), Some(amount)) =
            (funds.get(fund_ids[i]), days.raw(dates[i]), amounts[i])
        else {
            continue;
        };
        let deposit = kinds[i].is_some_and(|k| k != "withdrawal");
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
