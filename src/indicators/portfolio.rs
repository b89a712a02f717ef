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
//! installments are followed over the quarters in which they are overdue at the quarter's end,
//! never over every quarter of every loan.

use super::buckets::Buckets;
use super::columns;
use super::grid::{Comp, Frac, Funds, Grid};
use super::membership::Members;
use super::periods::{clamp0, DayIndex, Periods};
use super::repayment::Installments;
use super::switches::Switches;
use super::IndicatorError;
use polars::prelude::DataFrame;
use rustc_hash::FxHashMap;

/// The lake columns the family reads from the loans table.
pub const COLUMNS: [&str; 5] = [
    "loan_id",
    "fund_id",
    "member_id",
    "disbursed_on",
    "principal",
];

/// One loan disbursed by the horizon.
pub struct Loan {
    /// Its fund, if the fund is one of the run's.
    pub fund: Option<u32>,
    /// The borrower among the run's members.
    pub member: Option<u32>,
    /// Raw quarter of disbursed_on.
    pub disbursed: i32,
    /// principal.
    pub principal: i64,
    /// Σ due_amount of its installments (the principal when it has none).
    pub total_due: i64,
}

impl Loan {
    /// First quarter index in which the loan is outstanding.
    pub fn start(&self) -> i32 {
        clamp0(self.disbursed)
    }
}

/// The loans of the run, indexed by loan_id.
pub struct Loans<'a> {
    /// Every loan disbursed by the horizon, in lake order.
    pub all: Vec<Loan>,
    /// loan_id → index in `all`.
    pub index: FxHashMap<&'a str, u32>,
}

impl<'a> Loans<'a> {
    /// Reads the loans frame ([`COLUMNS`]). Total dues are filled in by [`Loans::set_total_due`].
    pub fn read(
        df: &'a DataFrame,
        funds: &Funds,
        members: &Members,
        days: &DayIndex,
    ) -> Result<Loans<'a>, IndicatorError> {
        let ids = columns::text(df, "loan_id")?;
        let fund_ids = columns::text(df, "fund_id")?;
        let member_ids = columns::text(df, "member_id")?;
        let disbursed = columns::days(df, "disbursed_on")?;
        let principal = columns::ints(df, "principal")?;
        let mut loans = Loans {
            all: Vec::new(),
            index: FxHashMap::default(),
        };
        for i in 0..df.height() {
            let (Some(id), Some(qd)) = (ids[i], days.raw(disbursed[i])) else {
                continue;
            };
            if loans.index.contains_key(id) {
                continue; // loan ids are unique in the lake
            }
            let fund = funds.get(fund_ids[i]);
            loans.index.insert(id, loans.all.len() as u32);
            let principal = principal[i].unwrap_or(0);
            loans.all.push(Loan {
                fund,
                member: fund.and_then(|f| members.get(f, member_ids[i])),
                disbursed: qd,
                principal,
                total_due: principal,
            });
        }
        Ok(loans)
    }

    /// Sets each loan's total due from its installments (`by_loan`).
    pub fn set_total_due(&mut self, inst: &Installments, by_loan: &Buckets) {
        for (l, loan) in self.all.iter_mut().enumerate() {
            let rows = by_loan.of(l);
            if !rows.is_empty() {
                loan.total_due = rows.iter().fold(0i64, |sum, &i| {
                    sum.wrapping_add(inst.due.at(i as usize).unwrap_or(0))
                });
            }
        }
    }
}

/// One day's payments of a loan, clipped so the running total never passes the total due.
#[derive(Debug, Clone, Copy)]
pub struct Payment {
    /// The day paid.
    pub day: i32,
    /// The amount that counts (clipped).
    pub clipped: i64,
    /// Quarter index from which it counts: the later of its own and its loan's.
    pub effective: i32,
}

/// The payments of every loan, in day order per loan.
pub struct Payments {
    offsets: Vec<usize>,
    all: Vec<Payment>,
    /// Quarter index at which each loan is repaid in full, if it is by the horizon.
    pub closed: Vec<Option<i32>>,
}

impl Payments {
    /// Sums each loan's payments (paid_on set, paid_amount above 0, by the horizon) per day and
    /// clips them.
    pub fn new(loans: &Loans, inst: &Installments, by_loan: &Buckets, days: &DayIndex) -> Payments {
        let mut p = Payments {
            offsets: Vec::with_capacity(loans.all.len() + 1),
            all: Vec::new(),
            closed: vec![None; loans.all.len()],
        };
        p.offsets.push(0);
        let mut day_amounts: Vec<(i32, i64)> = Vec::new();
        for (l, loan) in loans.all.iter().enumerate() {
            day_amounts.clear();
            for &i in by_loan.of(l) {
                let i = i as usize;
                let (Some(day), Some(amount)) = (inst.paid_on.at(i), inst.paid.at(i)) else {
                    continue;
                };
                if amount > 0 && days.raw(Some(day)).is_some() {
                    day_amounts.push((day, amount));
                }
            }
            day_amounts.sort_by_key(|&(day, _)| day);
            let total = loan.total_due;
            let mut cum = 0i64;
            let mut k = 0;
            while k < day_amounts.len() {
                let day = day_amounts[k].0;
                let mut amount = 0i64;
                while k < day_amounts.len() && day_amounts[k].0 == day {
                    amount = amount.wrapping_add(day_amounts[k].1);
                    k += 1;
                }
                let prev = cum;
                cum = cum.wrapping_add(amount);
                let qp = days.raw(Some(day)).map(clamp0).unwrap_or(0);
                let effective = qp.max(loan.start());
                if cum >= total && prev < total && p.closed[l].is_none() {
                    p.closed[l] = Some(effective);
                }
                p.all.push(Payment {
                    day,
                    clipped: cum.min(total) - prev.min(total),
                    effective,
                });
            }
            p.offsets.push(p.all.len());
        }
        p
    }

    /// The payments of loan `l`, in day order.
    pub fn of(&self, l: usize) -> &[Payment] {
        &self.all[self.offsets[l]..self.offsets[l + 1]]
    }
}

/// `principal × amount ÷ total` as a whole part and a fraction below one.
///
/// The product is formed in `i128` (a loan of 3 × 10⁹ rials fully owed already passes what
/// `i64` holds), and quotient and remainder are exact integer arithmetic; only the fraction
/// below one rial is a float. Where the product fits in `i64` (nearly always), it is divided
/// there: the processor divides `i64`s itself, `i128`s by a library routine, and both give the
/// same quotient and remainder.
fn share(principal: i64, amount: i64, total: i64) -> (i64, f64) {
    if total == 0 {
        return (0, 0.0);
    }
    if let Some((whole, rest)) = principal
        .checked_mul(amount)
        .and_then(|p| Some((p.checked_div(total)?, p.checked_rem(total)?)))
    {
        return (whole, rest as f64 / total as f64);
    }
    let product = i128::from(principal) * i128::from(amount);
    let t = i128::from(total);
    let whole = i64::try_from(product / t).unwrap_or(i64::MAX);
    (whole, (product % t) as f64 / total as f64)
}

/// Adds disbursements, outstanding principal, unpaid totals and borrowers of every loan.
pub fn add(loans: &Loans, payments: &Payments, members: &Members, grid: &mut Grid) {
    for (l, loan) in loans.all.iter().enumerate() {
        if loan.disbursed >= 0 {
            grid.add_to(Comp::LoansDisbursedQ, loan.fund, loan.disbursed, 1);
            grid.add_to(
                Comp::LoansDisbursedAmountQ,
                loan.fund,
                loan.disbursed,
                loan.principal,
            );
        }
        let Some(fund) = loan.fund else { continue };
        grid.add(
            Comp::PortfolioOutstanding,
            fund,
            loan.start(),
            loan.principal,
        );
        grid.add(Comp::UnpaidTotal, fund, loan.start(), loan.total_due);
        for p in payments.of(l) {
            let (whole, frac) = share(loan.principal, p.clipped, loan.total_due);
            grid.add(
                Comp::PortfolioOutstanding,
                fund,
                p.effective,
                whole.wrapping_neg(),
            );
            grid.add_frac(Frac::PortfolioOutstanding, fund, p.effective, -frac);
            grid.add(
                Comp::UnpaidTotal,
                fund,
                p.effective,
                p.clipped.wrapping_neg(),
            );
        }
    }
    // A borrower: an active member with a loan disbursed and not yet repaid.
    let mut switches = Switches::default();
    for (m, member) in members.all.iter().enumerate() {
        if member.holds_a_quarter() {
            switches.push(m as u32, member.start(), [1, 0]);
            if let Some(end) = member.end() {
                switches.push(m as u32, end, [-1, 0]);
            }
        }
    }
    for (l, loan) in loans.all.iter().enumerate() {
        let Some(m) = loan.member else { continue };
        let end = payments.closed[l];
        if end.is_none_or(|e| e > loan.start()) {
            switches.push(m, loan.start(), [0, 1]);
            if let Some(end) = end {
                switches.push(m, end, [0, -1]);
            }
        }
    }
    switches.changes(members.all.len(), 2, |m, qi, change| {
        grid.add(
            Comp::BorrowersActive,
            members.all[m as usize].fund,
            qi,
            change,
        );
    });
}

/// What one loan owes at one quarter's end, summed over its overdue installments.
#[derive(Clone, Copy)]
struct Overdue {
    fund: Option<u32>,
    oldest_due: i32,
    amount: i64,
}

/// Adds PAR30, PAR90 (outstanding principal of loans whose oldest overdue installment is more
/// than 30 or 90 days late at D) and the arrears amount, at every quarter's end.
pub fn add_arrears(
    loans: &Loans,
    payments: &Payments,
    inst: &Installments,
    by_loan: &Buckets,
    periods: &Periods,
    grid: &mut Grid,
) {
    let after_last = periods.last_index() + 1;
    let mut at: Vec<Option<Overdue>> = vec![None; periods.quarters.len()];
    for (l, loan) in loans.all.iter().enumerate() {
        at.iter_mut().for_each(|o| *o = None);
        let mut any = false;
        for &i in by_loan.of(l) {
            let i = i as usize;
            let (Some(qdue), Some(due_on)) = (inst.qdue.at(i), inst.due_on.at(i)) else {
                continue;
            };
            let due = inst.due.at(i).unwrap_or(0);
            let paid = inst.paid_or_zero(i);
            let from = clamp0(qdue).max(loan.start());
            let until = match inst.qpaid.at(i) {
                Some(qp) if inst.paid_on.at(i).is_some() && paid >= due => clamp0(qp),
                _ => after_last,
            };
            for qi in from..until {
                let end = periods.end_of(qi as usize);
                let paid_by_end = match inst.paid_on.at(i) {
                    Some(day) if day <= end => paid,
                    _ => 0,
                };
                let o = at[qi as usize].get_or_insert(Overdue {
                    fund: inst.fund.at(i),
                    oldest_due: due_on,
                    amount: 0,
                });
                o.oldest_due = o.oldest_due.min(due_on);
                o.amount = o.amount.wrapping_add(due - paid_by_end);
                any = true;
            }
        }
        if !any {
            continue;
        }
        let paid = payments.of(l);
        let mut k = 0;
        let mut paid_by_d = 0i64;
        for (qi, o) in at.iter().enumerate() {
            let end = periods.end_of(qi);
            while k < paid.len() && paid[k].day <= end {
                paid_by_d = paid_by_d.wrapping_add(paid[k].clipped);
                k += 1;
            }
            let Some(o) = o else { continue };
            let Some(fund) = o.fund else { continue };
            let unpaid = loan.total_due.wrapping_sub(paid_by_d);
            let (whole, frac) = share(loan.principal, unpaid, loan.total_due);
            let late = i64::from(end) - i64::from(o.oldest_due);
            let qi = qi as i32;
            if late > 30 {
                grid.add(Comp::Par30Outstanding, fund, qi, whole);
                grid.add_frac(Frac::Par30, fund, qi, frac);
            }
            if late > 90 {
                grid.add(Comp::Par90Outstanding, fund, qi, whole);
                grid.add_frac(Frac::Par90, fund, qi, frac);
            }
            grid.add(Comp::ArrearsAmount, fund, qi, unpaid.min(o.amount));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn a_share_of_a_large_loan_is_exact() {
        // 3.5 × 10⁹ rials fully owed: the product passes what i64 holds.
        assert_eq!(
            share(3_500_000_000, 3_500_000_000, 3_500_000_000),
            (3_500_000_000, 0.0)
        );
        let (whole, frac) = share(10, 1, 3);
        assert_eq!(whole, 3);
        assert!((frac - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(share(5, 5, 0), (0, 0.0));
    }

    #[test]
    fn a_share_divided_in_i64_is_the_share_divided_in_i128() {
        let in_i128 = |principal: i64, amount: i64, total: i64| {
            let product = i128::from(principal) * i128::from(amount);
            let t = i128::from(total);
            let whole = i64::try_from(product / t).unwrap_or(i64::MAX);
            (whole, (product % t) as f64 / total as f64)
        };
        let values = [
            i64::MIN,
            i64::MIN + 1,
            -3_000_000_001,
            -7,
            -1,
            1,
            2,
            3,
            7,
            999_999_937,
            3_037_000_499,
            3_037_000_500,
            i64::MAX - 1,
            i64::MAX,
        ];
        for &p in &values {
            for &a in &values {
                for &t in &values {
                    let (fast, slow) = (share(p, a, t), in_i128(p, a, t));
                    assert_eq!(fast.0, slow.0, "{p} × {a} ÷ {t}");
                    assert_eq!(fast.1.to_bits(), slow.1.to_bits(), "{p} × {a} ÷ {t}");
                }
            }
        }
    }
}
