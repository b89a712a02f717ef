//! Savings: the balance (a running sum of deposits less withdrawals) and the quarter's deposits.

use super::periods::{clamp0, with_quarter};
use polars::prelude::*;

/// Running-sum deltas (savings_balance) and flows (savings_deposits_q) per (fund_id, qi).
pub fn components(savings: LazyFrame, days: &LazyFrame) -> (LazyFrame, LazyFrame) {
    let s = with_quarter(
        savings.select([col("fund_id"), col("date"), col("amount"), col("kind")]),
        "date",
        "qi_raw",
        days,
    )
    .filter(col("qi_raw").is_not_null());
    let deposit = col("kind").neq(lit("withdrawal"));
    let deltas = s
        .clone()
        .with_column(clamp0(col("qi_raw")).alias("qi"))
        .group_by([col("fund_id"), col("qi")])
        .agg([when(deposit.clone())
            .then(col("amount"))
            .otherwise(-col("amount"))
            .sum()
            .alias("savings_balance")]);
    let flows = s
        .filter(col("qi_raw").gt_eq(lit(0)).and(deposit))
        .group_by([col("fund_id"), col("qi_raw").alias("qi")])
        .agg([col("amount").sum().alias("savings_deposits_q")]);
    (deltas, flows)
}
