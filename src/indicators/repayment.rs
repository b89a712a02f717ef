//! Installment repayment: on-time and collection rates of the quarter's installments, and the
//! cumulative repayment rate of every installment due so far.

use super::periods::{clamp0, with_quarter};
use polars::lazy::dsl;
use polars::prelude::*;

/// Installments with `qdue` (raw quarter of due_on), `qpaid` (raw quarter of paid_on; null when
/// unpaid or paid after the horizon) and `capped` = min(paid_amount, due_amount).
pub fn installments(inst: LazyFrame, days: &LazyFrame) -> LazyFrame {
    let i = inst.select([
        col("loan_id"),
        col("fund_id"),
        col("due_on"),
        col("due_amount"),
        col("paid_on"),
        col("paid_amount").fill_null(lit(0i64).cast(DataType::Int64)),
    ]);
    let i = with_quarter(i, "due_on", "qdue", days);
    let i = with_quarter(i, "paid_on", "qpaid", days);
    i.with_column(
        when(col("paid_amount").lt(col("due_amount")))
            .then(col("paid_amount"))
            .otherwise(col("due_amount"))
            .alias("capped"),
    )
}

/// Flows per (fund_id, qi) of installments due in the quarter: due_q, on_time_paid_q
/// (paid on or before the due date), collected_q (paid by the quarter's end).
pub fn flows(inst: &LazyFrame) -> LazyFrame {
    let paid_by_due = col("paid_on")
        .is_not_null()
        .and(col("paid_on").lt_eq(col("due_on")));
    let paid_by_end = col("qpaid")
        .is_not_null()
        .and(col("qpaid").lt_eq(col("qdue")));
    inst.clone()
        .filter(col("qdue").gt_eq(lit(0)))
        .group_by([col("fund_id"), col("qdue").alias("qi")])
        .agg([
            col("due_amount").sum().alias("due_q"),
            when(paid_by_due)
                .then(col("capped"))
                .otherwise(lit(0i64).cast(DataType::Int64))
                .sum()
                .alias("on_time_paid_q"),
            when(paid_by_end)
                .then(col("capped"))
                .otherwise(lit(0i64).cast(DataType::Int64))
                .sum()
                .alias("collected_q"),
        ])
}

/// Running-sum deltas per (fund_id, qi): due_cum (at the due quarter) and collected_cum (at the
/// later of the due and payment quarters: paid as of D counts once the installment is due).
pub fn deltas(inst: &LazyFrame) -> PolarsResult<LazyFrame> {
    let due = inst.clone().filter(col("qdue").is_not_null()).select([
        col("fund_id"),
        clamp0(col("qdue")).alias("qi"),
        col("due_amount").alias("due_cum"),
        lit(0i64).cast(DataType::Int64).alias("collected_cum"),
    ]);
    let collected = inst
        .clone()
        .filter(col("qdue").is_not_null().and(col("qpaid").is_not_null()))
        .select([
            col("fund_id"),
            dsl::max_horizontal([clamp0(col("qdue")), clamp0(col("qpaid"))])?.alias("qi"),
            lit(0i64).cast(DataType::Int64).alias("due_cum"),
            col("capped").alias("collected_cum"),
        ]);
    Ok(concat([due, collected], UnionArgs::default())?
        .group_by([col("fund_id"), col("qi")])
        .agg([col("due_cum").sum(), col("collected_cum").sum()]))
}
