//! The 32 indicators of INDICATORS.md as data: name, family, kind, and how the value is formed
//! from the additive components computed per fund and quarter. The engine, `explain` and the
//! report's definitions sheet all read this one list.

/// How an indicator's value is formed and rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// A whole count.
    Count,
    /// Whole rials.
    Amount,
    /// numerator ÷ denominator, rounded to 4 decimals; null when the denominator is 0.
    Ratio,
    /// numerator (rials) ÷ denominator, rounded to whole rials; null when the denominator is 0.
    AmountPer,
}

/// Indicator families (one engine module each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Funds and members.
    Membership,
    /// Savings.
    Savings,
    /// Loans, portfolio and arrears.
    Portfolio,
    /// Installment repayment.
    Repayment,
    /// Credit lines to funds.
    Financing,
    /// Training courses.
    Training,
}

/// The lake rows that make up an indicator's figure, as `explain` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trace {
    /// Funds established by D.
    FundsByEnd,
    /// Members who joined in the quarter.
    MembersJoined,
    /// Members who left in the quarter.
    MembersLeft,
    /// Members active at D.
    MembersActive,
    /// Deposits dated in the quarter.
    Deposits,
    /// Savings rows dated by D.
    SavingsByEnd,
    /// Loans disbursed in the quarter.
    LoansDisbursed,
    /// Each loan's state at D (unpaid, outstanding, days in arrears), worked out from its rows.
    LoanStates,
    /// Installments due by D.
    InstallmentsDueByEnd,
    /// Installments due in the quarter.
    InstallmentsDue,
    /// Financing dated in the quarter.
    FinancingInQuarter,
    /// Financing dated by D.
    FinancingByEnd,
    /// Courses started in the quarter.
    Courses,
}

/// One indicator.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Indicator {
    /// The `indicator` value in the table.
    pub name: &'static str,
    /// Family.
    pub family: Family,
    /// Kind.
    pub kind: IndicatorKind,
    /// The component that is the value (count, amount) or the numerator.
    pub numerator: &'static str,
    /// The denominator component of ratios and `amount per`.
    pub denominator: Option<&'static str>,
    /// The definition in words (INDICATORS.md).
    pub definition: &'static str,
    /// The rows `explain` lists for it.
    pub trace: Trace,
    /// The standard it follows, where one applies, and where our choice differs.
    pub standard: &'static str,
}

const fn count(
    name: &'static str,
    family: Family,
    trace: Trace,
    comp: &'static str,
    definition: &'static str,
) -> Indicator {
    Indicator {
        name,
        family,
        kind: IndicatorKind::Count,
        numerator: comp,
        denominator: None,
        definition,
        trace,
        standard: "",
    }
}

const fn amount(
    name: &'static str,
    family: Family,
    trace: Trace,
    comp: &'static str,
    definition: &'static str,
) -> Indicator {
    Indicator {
        name,
        family,
        kind: IndicatorKind::Amount,
        numerator: comp,
        denominator: None,
        definition,
        trace,
        standard: "",
    }
}

const fn ratio(
    name: &'static str,
    family: Family,
    trace: Trace,
    num: &'static str,
    den: &'static str,
    definition: &'static str,
    standard: &'static str,
) -> Indicator {
    Indicator {
        name,
        family,
        kind: IndicatorKind::Ratio,
        numerator: num,
        denominator: Some(den),
        definition,
        trace,
        standard,
    }
}

const fn per(
    name: &'static str,
    family: Family,
    trace: Trace,
    num: &'static str,
    den: &'static str,
    definition: &'static str,
    standard: &'static str,
) -> Indicator {
    Indicator {
        name,
        family,
        kind: IndicatorKind::AmountPer,
        numerator: num,
        denominator: Some(den),
        definition,
        trace,
        standard,
    }
}

use Family::*;
use Trace::*;

/// Every indicator, in the order of INDICATORS.md.
pub const INDICATORS: [Indicator; 32] = [
    count("funds_active", Membership, FundsByEnd, "funds_active", "Funds established on or before the quarter's last day D."),
    count("funds_disability", Membership, FundsByEnd, "funds_disability", "Active funds whose fund_type is disability."),
    count("members_active", Membership, MembersActive, "members_active", "Members with joined_on ≤ D and left_on blank or after D."),
    count("households_active", Membership, MembersActive, "households_active", "Distinct households among active members; a household is (fund_id, household_id), or the member alone when household_id is blank."),
    count("members_with_disability", Membership, MembersActive, "members_with_disability", "Active members with has_disability = true."),
    ratio("women_share", Membership, MembersActive, "members_female", "members_gender_known", "Active female members ÷ active members whose gender is known.", ""),
    count("members_joined_q", Membership, MembersJoined, "members_joined_q", "Members with joined_on in the quarter."),
    count("members_left_q", Membership, MembersLeft, "members_left_q", "Members with left_on in the quarter."),
    ratio("dropout_rate_q", Membership, MembersLeft, "members_left_q", "members_active_start", "members_left_q ÷ members active at the day before the quarter's first day.", ""),
    amount("savings_balance", Savings, SavingsByEnd, "savings_balance", "Σ deposits − Σ withdrawals dated ≤ D (includes savings now out on loan)."),
    amount("savings_deposits_q", Savings, Deposits, "savings_deposits_q", "Σ deposits dated in the quarter."),
    per("savings_per_member", Savings, MembersActive, "savings_balance", "members_active", "savings_balance ÷ members_active.", "Savings-group convention: savings out on loan are counted."),
    per("savings_per_household", Savings, MembersActive, "savings_balance", "households_active", "savings_balance ÷ households_active.", "Savings-group convention: savings out on loan are counted."),
    count("loans_disbursed_q", Portfolio, LoansDisbursed, "loans_disbursed_q", "Loans with disbursed_on in the quarter."),
    amount("loans_disbursed_amount_q", Portfolio, LoansDisbursed, "loans_disbursed_amount_q", "Σ principal of the loans disbursed in the quarter."),
    per("average_loan_size_q", Portfolio, LoansDisbursed, "loans_disbursed_amount_q", "loans_disbursed_q", "loans_disbursed_amount_q ÷ loans_disbursed_q.", ""),
    amount("portfolio_outstanding", Portfolio, LoanStates, "portfolio_outstanding", "Σ outstanding principal at D of loans disbursed ≤ D; a loan's outstanding principal is principal × unpaid ÷ total due (payments split between principal and fee in proportion)."),
    ratio("borrowers_share", Portfolio, LoanStates, "borrowers_active", "members_active", "Active members with a loan disbursed ≤ D whose outstanding principal at D is above 0 ÷ members_active.", ""),
    ratio("par30", Portfolio, LoanStates, "par30_outstanding", "portfolio_outstanding", "Σ outstanding principal of loans more than 30 days in arrears at D ÷ portfolio_outstanding.", "IRIS/SEEP portfolio at risk: the whole outstanding principal of a loan past due, not only the overdue part (Fineract's report shows the overdue part)."),
    ratio("par90", Portfolio, LoanStates, "par90_outstanding", "portfolio_outstanding", "As par30, with more than 90 days in arrears.", "IRIS/SEEP portfolio at risk, as par30."),
    ratio("arrears_rate", Portfolio, LoanStates, "arrears_amount", "unpaid_total", "Over loans disbursed ≤ D: Σ min(unpaid, overdue due amounts of installments due ≤ D) ÷ Σ unpaid.", ""),
    ratio("on_time_repayment_rate_q", Repayment, InstallmentsDue, "on_time_paid_q", "due_q", "Over installments due in the quarter: Σ min(paid, due) paid on or before the due date ÷ Σ due.", "CGAP on-time collection rate."),
    ratio("collection_rate_q", Repayment, InstallmentsDue, "collected_q", "due_q", "Over installments due in the quarter: Σ min(paid as of D, due) ÷ Σ due.", ""),
    ratio("cumulative_repayment_rate", Repayment, InstallmentsDueByEnd, "collected_cum", "due_cum", "Over installments due ≤ D: Σ min(paid as of D, due) ÷ Σ due.", ""),
    amount("financing_total", Financing, FinancingByEnd, "financing_total", "Σ financing dated ≤ D."),
    amount("financing_q", Financing, FinancingInQuarter, "financing_q", "Σ financing dated in the quarter."),
    per("financing_per_fund", Financing, FinancingByEnd, "financing_total", "funds_active", "financing_total ÷ funds_active.", ""),
    per("financing_per_member", Financing, MembersActive, "financing_total", "members_active", "financing_total ÷ members_active.", ""),
    ratio("loan_fund_utilization", Portfolio, LoanStates, "portfolio_outstanding", "loanable_funds", "portfolio_outstanding ÷ (savings_balance + financing_total).", ""),
    count("trainings_q", Training, Courses, "trainings_q", "Courses started in the quarter."),
    count("training_participants_q", Training, Courses, "training_participants_q", "Σ participants of the courses started in the quarter."),
    count("training_participant_hours_q", Training, Courses, "training_participant_hours_q", "Σ participants × hours of those courses (blank hours count as 0)."),
];

/// Looks an indicator up by name.
pub fn find(name: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_ratios_have_denominators() {
        let mut names: Vec<&str> = INDICATORS.iter().map(|i| i.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 32);
        for i in INDICATORS {
            let needs = matches!(i.kind, IndicatorKind::Ratio | IndicatorKind::AmountPer);
            assert_eq!(i.denominator.is_some(), needs, "{}", i.name);
        }
    }
}
