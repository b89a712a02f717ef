//! Loans, portfolio and arrears: disbursements, outstanding principal, borrowers, PAR30/90 and
//! the arrears rate.
//!
//! Outstanding principal(D) of a loan = principal × unpaid(D) ÷ total due, unpaid(D) =
//! max(0, total due − paid as of D). Payments are first clipped per loan so that the running
//! paid never passes the total due; outstanding is then linear in the clipped payments, so the
//! portfolio at every D is a running sum of disbursement and payment events.
//!
//! Exactness: each loan's share principal × amount ÷ total due is split into a whole number of
//! rials (exact integer arithmetic) and a remainder ÷ total due below one rial, carried as a
//! binary fraction (error below 10⁻¹⁵ rial per loan) until the reported figure is rounded.
//! Products principal × amount must stay below 9.2 × 10¹⁸ (e.g. loans up to 3 billion rials).
//!
//! PAR and arrears need each loan's state at each D, but only where the loan is in arrears:
//! installments are expanded over the quarters in which they are overdue at the quarter's end,
//! never over every quarter of every loan.

use super::membership::{interval_events, state_changes};
use super::periods::{clamp0, grouped_cum_sum, with_quarter};
use polars::lazy::dsl;
use polars::prelude::*;

/// Loans of the run with their quarter and total due: loan_id, fund_id, member_id, principal,
/// `qd` (raw quarter of disbursed_on), `start` (clamped), `total_due`.
pub fn loans(loans: LazyFrame, installments: &LazyFrame, days: &LazyFrame) -> LazyFrame {
    let due = installments
        .clone()
        .group_by([col("loan_id")])
        .agg([col("due_amount").sum().alias("sched_due")]);
    let l = loans.select([
        col("loan_id"),
        col("fund_id"),
        col("member_id"),
        col("disbursed_on"),
        col("principal"),
    ]);
    with_quarter(l, "disbursed_on", "qd", days)
        .filter(col("qd").is_not_null())
        .join(
            due,
            [col("loan_id")],
            [col("loan_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            clamp0(col("qd")).alias("start"),
            col("sched_due")
                .fill_null(col("principal"))
                .alias("total_due"),
        ])
}

/// Payments per loan and day, clipped so the running total never passes the loan's total due:
/// loan_id, fund_id, paid_day (Int32), `clipped`, `eff` (quarter from which the payment counts:
/// the later of its own and its loan's), `closes` (this payment completes the loan).
pub fn payments(
    installments: &LazyFrame,
    loans: &LazyFrame,
    days: &LazyFrame,
) -> PolarsResult<LazyFrame> {
    let paid = installments
        .clone()
        .filter(
            col("paid_on")
                .is_not_null()
                .and(col("paid_amount").gt(lit(0i64).cast(DataType::Int64))),
        )
        .group_by([col("loan_id"), col("paid_on")])
        .agg([col("paid_amount").sum().alias("amount")]);
    let joined = paid.join(
        loans.clone().select([
            col("loan_id"),
            col("fund_id"),
            col("member_id"),
            col("principal"),
            col("total_due"),
            col("start"),
        ]),
        [col("loan_id")],
        [col("loan_id")],
        JoinArgs::new(JoinType::Inner),
    );
    let joined = with_quarter(joined, "paid_on", "qp", days).filter(col("qp").is_not_null());
    let sorted = joined.sort(["loan_id", "paid_on"], SortMultipleOptions::default());
    let t = col("total_due");
    let capped = |e: Expr| when(e.clone().lt(t.clone())).then(e).otherwise(t.clone());
    Ok(sorted
        .with_column(grouped_cum_sum(col("amount"), &["loan_id"]).alias("cum"))
        .with_column((col("cum") - col("amount")).alias("prev"))
        .with_columns([
            (capped(col("cum")) - capped(col("prev"))).alias("clipped"),
            dsl::max_horizontal([clamp0(col("qp")), col("start")])?.alias("eff"),
            col("cum")
                .gt_eq(t.clone())
                .and(col("prev").lt(t.clone()))
                .alias("closes"),
            col("paid_on").cast(DataType::Int32).alias("paid_day"),
        ]))
}

/// `principal × amount ÷ total_due` as a whole part and a fraction below one.
///
/// The remainder r = (principal × amount) mod total is exact integer arithmetic; the whole part
/// (principal × amount − r) ÷ total is an exact quotient no larger than the principal, so the
/// float division lands within 10⁻⁶ of it and rounding recovers it exactly.
fn share(principal: Expr, amount: Expr, total: Expr, whole: &str, frac: &str) -> [Expr; 2] {
    let product = principal * amount;
    let r = product.clone() % total.clone();
    let q = (((product - r.clone()).cast(DataType::Float64)
        / total.clone().cast(DataType::Float64))
        + lit(0.5))
    .cast(DataType::Int64);
    [
        q.alias(whole),
        (r.cast(DataType::Float64) / total.cast(DataType::Float64)).alias(frac),
    ]
}

/// Running-sum deltas per (fund_id, qi): portfolio_outstanding (whole) and
/// portfolio_outstanding_frac, unpaid_total.
pub fn outstanding_deltas(loans: &LazyFrame, payments: &LazyFrame) -> PolarsResult<LazyFrame> {
    let disbursed = loans.clone().select([
        col("fund_id"),
        col("start").alias("qi"),
        col("principal").alias("portfolio_outstanding"),
        lit(0f64)
            .cast(DataType::Float64)
            .alias("portfolio_outstanding_frac"),
        col("total_due").alias("unpaid_total"),
    ]);
    let [q, f] = share(col("principal"), col("clipped"), col("total_due"), "q", "f");
    let repaid = payments.clone().with_columns([q, f]).select([
        col("fund_id"),
        col("eff").alias("qi"),
        (-col("q")).alias("portfolio_outstanding"),
        (-col("f")).alias("portfolio_outstanding_frac"),
        (-col("clipped")).alias("unpaid_total"),
    ]);
    Ok(concat([disbursed, repaid], UnionArgs::default())?
        .group_by([col("fund_id"), col("qi")])
        .agg([
            col("portfolio_outstanding").sum(),
            col("portfolio_outstanding_frac").sum(),
            col("unpaid_total").sum(),
        ]))
}

/// Flows per (fund_id, qi): loans_disbursed_q, loans_disbursed_amount_q.
pub fn disbursement_flows(loans: &LazyFrame) -> LazyFrame {
    loans
        .clone()
        .filter(col("qd").gt_eq(lit(0)))
        .group_by([col("fund_id"), col("qd").alias("qi")])
        .agg([
            len().cast(DataType::Int64).alias("loans_disbursed_q"),
            col("principal").sum().alias("loans_disbursed_amount_q"),
        ])
}

/// Running-sum deltas of borrowers_active per (fund_id, qi): active members with at least one
/// loan disbursed ≤ D and not yet repaid at D.
pub fn borrower_deltas(
    members: &LazyFrame,
    loans: &LazyFrame,
    payments: &LazyFrame,
) -> PolarsResult<LazyFrame> {
    let closes = payments
        .clone()
        .filter(col("closes"))
        .group_by([col("loan_id")])
        .agg([col("eff").min().alias("end")]);
    let loan_iv = loans
        .clone()
        .join(
            closes,
            [col("loan_id")],
            [col("loan_id")],
            JoinArgs::new(JoinType::Left),
        )
        .select([col("fund_id"), col("member_id"), col("start"), col("end")]);
    let member_ev = interval_events(members.clone(), &["fund_id", "member_id"])?.with_columns([
        col("delta").alias("a"),
        lit(0i64).cast(DataType::Int64).alias("o"),
    ]);
    let loan_ev = interval_events(loan_iv, &["fund_id", "member_id"])?.with_columns([
        lit(0i64).cast(DataType::Int64).alias("a"),
        col("delta").alias("o"),
    ]);
    let ev = concat([member_ev, loan_ev], UnionArgs::default())?;
    Ok(state_changes(
        ev,
        &[col("fund_id"), col("member_id")],
        &[("a", "active"), ("o", "open")],
    )?
    .group_by([col("fund_id"), col("qi")])
    .agg([col("change").sum().alias("borrowers_active")]))
}

/// Values at D per (fund_id, qi), not running sums: par30_outstanding(_frac),
/// par90_outstanding(_frac), arrears_amount.
pub fn arrears(
    inst: &LazyFrame,
    loans: &LazyFrame,
    payments: &LazyFrame,
    quarters: &LazyFrame,
    last: i32,
) -> PolarsResult<LazyFrame> {
    let fully_paid = col("paid_on")
        .is_not_null()
        .and(col("paid_amount").gt_eq(col("due_amount")));
    let overdue = inst
        .clone()
        .filter(col("qdue").is_not_null())
        .join(
            loans.clone().select([
                col("loan_id"),
                col("start"),
                col("principal"),
                col("total_due"),
            ]),
            [col("loan_id")],
            [col("loan_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_columns([
            dsl::max_horizontal([clamp0(col("qdue")), col("start")])?.alias("from"),
            when(fully_paid.and(col("qpaid").is_not_null()))
                .then(clamp0(col("qpaid")))
                .otherwise(lit(last + 1))
                .alias("until"),
        ])
        .filter(col("until").gt(col("from")));
    let per_quarter = overdue
        .cross_join(quarters.clone(), None)
        .filter(col("qi").gt_eq(col("from")).and(col("qi").lt(col("until"))))
        .with_column(
            (col("due_amount")
                - when(
                    col("paid_on").is_not_null().and(
                        col("paid_on")
                            .cast(DataType::Int32)
                            .lt_eq(col("period_end")),
                    ),
                )
                .then(col("paid_amount"))
                .otherwise(lit(0i64).cast(DataType::Int64)))
            .alias("overdue_amount"),
        )
        .group_by([col("loan_id"), col("qi")])
        .agg([
            col("fund_id").first(),
            col("principal").first(),
            col("total_due").first(),
            col("period_end").first(),
            col("due_on")
                .cast(DataType::Int32)
                .min()
                .alias("oldest_due"),
            col("overdue_amount").sum(),
        ]);
    let paid_by_d = per_quarter
        .clone()
        .select([col("loan_id"), col("qi"), col("period_end")])
        .join(
            payments
                .clone()
                .select([col("loan_id"), col("paid_day"), col("clipped")]),
            [col("loan_id")],
            [col("loan_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("paid_day").lt_eq(col("period_end")))
        .group_by([col("loan_id"), col("qi")])
        .agg([col("clipped").sum().alias("paid_by_d")]);
    let [q, f] = share(
        col("principal"),
        col("unpaid"),
        col("total_due"),
        "out",
        "out_frac",
    );
    let days_late = col("period_end") - col("oldest_due");
    let if_late = |days: i32, e: Expr, zero: Expr| {
        when(days_late.clone().gt(lit(days)))
            .then(e)
            .otherwise(zero)
    };
    Ok(per_quarter
        .join(
            paid_by_d,
            [col("loan_id"), col("qi")],
            [col("loan_id"), col("qi")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            (col("total_due") - col("paid_by_d").fill_null(lit(0i64).cast(DataType::Int64)))
                .alias("unpaid"),
        )
        .with_columns([q, f])
        .group_by([col("fund_id"), col("qi")])
        .agg([
            if_late(30, col("out"), lit(0i64).cast(DataType::Int64))
                .sum()
                .alias("par30_outstanding"),
            if_late(30, col("out_frac"), lit(0f64).cast(DataType::Float64))
                .sum()
                .alias("par30_outstanding_frac"),
            if_late(90, col("out"), lit(0i64).cast(DataType::Int64))
                .sum()
                .alias("par90_outstanding"),
            if_late(90, col("out_frac"), lit(0f64).cast(DataType::Float64))
                .sum()
                .alias("par90_outstanding_frac"),
            when(col("unpaid").lt(col("overdue_amount")))
                .then(col("unpaid"))
                .otherwise(col("overdue_amount"))
                .sum()
                .alias("arrears_amount"),
        ]))
}
