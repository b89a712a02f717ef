//! Installment repayment: on-time and collection rates of the quarter's installments, and the
//! cumulative repayment rate of every installment due so far. The installments read here feed
//! the portfolio family too.

use super::columns::{self, Loaded};
use super::grid::{Comp, Funds, Grid};
use super::maybe::Maybe;
use super::periods::{clamp0, DayIndex};
use super::IndicatorError;
use crate::schema::Table;
use rustc_hash::FxHashMap;
use std::path::Path;

/// The lake columns the family reads.
pub const COLUMNS: [&str; 6] = [
    "loan_id",
    "fund_id",
    "due_on",
    "due_amount",
    "paid_on",
    "paid_amount",
];

/// The installments' [`COLUMNS`], their ids read coded where the lake allows.
pub fn load(lake: &Path) -> Result<Loaded, IndicatorError> {
    columns::load_coded(lake, Table::Installments, &COLUMNS, &["loan_id", "fund_id"])
}

/// Every installment of the lake, column by column.
pub struct Installments {
    /// Index of the loan (in the run's loans), if the loan is one of the run's.
    pub loan: Vec<Option<u32>>,
    /// The installment's own fund, if it is one of the run's.
    pub fund: Maybe<u32>,
    /// due_on.
    pub due_on: Maybe<i32>,
    /// due_amount.
    pub due: Maybe<i64>,
    /// paid_on.
    pub paid_on: Maybe<i32>,
    /// paid_amount as written (blank: nothing paid).
    pub paid: Maybe<i64>,
    /// Raw quarter of due_on.
    pub qdue: Maybe<i32>,
    /// Raw quarter of paid_on (none: unpaid, or paid after the horizon).
    pub qpaid: Maybe<i32>,
}

impl Installments {
    /// Reads the installments' columns ([`load`]); `loans` maps a loan_id to the run's loan.
    pub fn read(
        loaded: &Loaded,
        loans: &FxHashMap<&str, u32>,
        funds: &Funds,
        days: &DayIndex,
    ) -> Result<Installments, IndicatorError> {
        let df = &loaded.frame;
        let loan_ids = loaded.texts("loan_id")?;
        let fund_ids = loaded.texts("fund_id")?;
        // Four passes over every installment, taken by whichever core is free (the loan
        // families wait on them): the loans' and the funds' ids looked up, the days read and
        // placed in their quarters, the amounts read.
        // A fund's place or a quarter never reaches the blank's own value (u32::MAX funds,
        // i32::MIN quarters); were one to, the run stops rather than read it as a blank.
        let unheld = |what: &str| {
            IndicatorError::Overflow(format!(
                "installments: a {what} beyond what the indicators can hold"
            ))
        };
        let ((loan, fund), (days_read, amounts)) = rayon::join(
            || {
                rayon::join(
                    || {
                        let mut loan = Vec::with_capacity(loan_ids.rows());
                        loan.extend(loan_ids.lookup(|id| loans.get(id).copied()));
                        loan
                    },
                    || {
                        Maybe::collect(fund_ids.lookup(|id| funds.get(Some(id))), fund_ids.rows())
                            .map_err(|_| unheld("fund place"))
                    },
                )
            },
            || {
                rayon::join(
                    || -> Result<_, IndicatorError> {
                        let due_on = columns::maybe_days(df, "due_on")?;
                        let paid_on = columns::maybe_days(df, "paid_on")?;
                        let quarters = |on: &Maybe<i32>| {
                            Maybe::collect((0..on.len()).map(|i| days.raw(on.at(i))), on.len())
                                .map_err(|_| unheld("quarter"))
                        };
                        let (qdue, qpaid) = (quarters(&due_on)?, quarters(&paid_on)?);
                        Ok((due_on, paid_on, qdue, qpaid))
                    },
                    || -> Result<_, IndicatorError> {
                        Ok((
                            columns::maybe_ints(df, "due_amount")?,
                            columns::maybe_ints(df, "paid_amount")?,
                        ))
                    },
                )
            },
        );
        let fund = fund?;
        let (due_on, paid_on, qdue, qpaid) = days_read?;
        let (due, paid) = amounts?;
        Ok(Installments {
            loan,
            fund,
            qdue,
            qpaid,
            due_on,
            due,
            paid_on,
            paid,
        })
    }

    /// How many installments there are.
    pub fn len(&self) -> usize {
        self.loan.len()
    }

    /// paid_amount, blank as 0.
    pub fn paid_or_zero(&self, i: usize) -> i64 {
        self.paid.at(i).unwrap_or(0)
    }

    /// min(paid, due): what a payment counts for toward its installment.
    pub fn capped(&self, i: usize) -> Option<i64> {
        self.due.at(i).map(|due| self.paid_or_zero(i).min(due))
    }
}

/// Adds due_q, on_time_paid_q, collected_q (flows of the installments due in the quarter) and
/// due_cum, collected_cum (stocks: paid as of D counts once the installment is due).
pub fn add(inst: &Installments, grid: &mut Grid) {
    for i in 0..inst.len() {
        let (Some(fund), Some(qdue)) = (inst.fund.at(i), inst.qdue.at(i)) else {
            continue;
        };
        let due = inst.due.at(i).unwrap_or(0);
        let capped = inst.capped(i).unwrap_or(0);
        if qdue >= 0 {
            grid.add(Comp::DueQ, fund, qdue, due);
            let on_time =
                matches!((inst.paid_on.at(i), inst.due_on.at(i)), (Some(p), Some(d)) if p <= d);
            if on_time {
                grid.add(Comp::OnTimePaidQ, fund, qdue, capped);
            }
            if inst.qpaid.at(i).is_some_and(|qp| qp <= qdue) {
                grid.add(Comp::CollectedQ, fund, qdue, capped);
            }
        }
        grid.add(Comp::DueCum, fund, clamp0(qdue), due);
        if let Some(qpaid) = inst.qpaid.at(i) {
            grid.add(
                Comp::CollectedCum,
                fund,
                clamp0(qdue).max(clamp0(qpaid)),
                capped,
            );
        }
    }
}
