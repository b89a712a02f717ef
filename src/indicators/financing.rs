//! Financing (credit lines to funds): the running total and the quarter's amount.

use super::periods::{clamp0, with_quarter};
use polars::prelude::*;

/// Running-sum deltas (financing_total) and flows (financing_q) per (fund_id, qi).
pub fn components(financing: LazyFrame, days: &LazyFrame) -> (LazyFrame, LazyFrame) {
    let f = with_quarter(
        financing.select([col("fund_id"), col("date"), col("amount")]),
        "date",
        "qi_raw",
        days,
    )
    .filter(col("qi_raw").is_not_null());
    let deltas = f
        .clone()
        .with_column(clamp0(col("qi_raw")).alias("qi"))
        .group_by([col("fund_id"), col("qi")])
        .agg([col("amount").sum().alias("financing_total")]);
    let flows = f
        .filter(col("qi_raw").gt_eq(lit(0)))
        .group_by([col("fund_id"), col("qi_raw").alias("qi")])
        .agg([col("amount").sum().alias("financing_q")]);
    (deltas, flows)
}
