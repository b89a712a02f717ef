//! Financing (credit lines to funds): the running total and the quarter's amount.

use super::columns;
use super::grid::{Comp, Funds, Grid};
use super::periods::{clamp0, DayIndex};
use super::IndicatorError;
use crate::schema::Table;
use std::path::Path;

/// Adds financing_total deltas and financing_q flows of every financing row.
pub fn add(
    lake: &Path,
    funds: &Funds,
    days: &DayIndex,
    grid: &mut Grid,
) -> Result<(), IndicatorError> {
    let df = columns::load(lake, Table::Financing, &["fund_id", "date", "amount"])?;
    let fund_ids = columns::text(&df, "fund_id")?;
    let dates = columns::days(&df, "date")?;
    let amounts = columns::ints(&df, "amount")?;
    for i in 0..df.height() {
        let (Some(fund), Some(qi), Some(amount)) =
            (funds.get(fund_ids[i]), days.raw(dates[i]), amounts[i])
        else {
            continue;
        };
        grid.add(Comp::FinancingTotal, fund, clamp0(qi), amount);
        if qi >= 0 {
            grid.add(Comp::FinancingQ, fund, qi, amount);
        }
    }
    Ok(())
}
