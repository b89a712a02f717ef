//! The canonical sample province: every record as the county offices meant it, before any
//! office writes it in its own export style. Deliberate mistakes are records too, tagged with
//! the [`BadRow`] that explains them.

use super::layout::Cell;
use crate::calendar::JalaliDate;

/// The counties of Zanjan province, with the spellings their offices use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum County {
    Zanjan,
    Abhar,
    Khodabandeh,
    Khorramdarreh,
    Tarom,
    Mahneshan,
    Ijrud,
    Soltaniyeh,
}

impl County {
    /// Every county, in contract order.
    pub(crate) const ALL: [County; 8] = [
        County::Zanjan,
        County::Abhar,
        County::Khodabandeh,
        County::Khorramdarreh,
        County::Tarom,
        County::Mahneshan,
        County::Ijrud,
        County::Soltaniyeh,
    ];

    /// The two-digit prefix of the county's fund codes.
    pub(crate) fn code(self) -> u32 {
        match self {
            County::Zanjan => 11,
            County::Abhar => 12,
            County::Khodabandeh => 13,
            County::Khorramdarreh => 14,
            County::Tarom => 15,
            County::Mahneshan => 16,
            County::Ijrud => 17,
            County::Soltaniyeh => 18,
        }
    }
}

/// Women's fund or a fund for people with disabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FundType {
    Women,
    Disability,
}

/// A local micro-fund.
#[derive(Debug, Clone)]
pub(crate) struct Fund {
    pub id: String,
    pub county: County,
    pub village: String,
    pub fund_type: FundType,
    pub established: JalaliDate,
    pub facilitator: String,
    /// Day of the month on which the fund meets and members deposit.
    pub meeting_day: u8,
    pub bad: Option<usize>,
}

impl Fund {
    /// The fund's name as offices write it.
    pub(crate) fn name(&self) -> String {
        match self.fund_type {
            FundType::Women => format!("صندوق خرد زنان روستایی {}", self.village),
            FundType::Disability => format!("صندوق خرد توانیابان {}", self.village),
        }
    }
}

/// Member gender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Female,
    Male,
}

/// A member of a fund, keyed by (fund_id, member_id).
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub fund_id: String,
    pub member_id: u32,
    /// The fund's own household number; `None` for a household of one.
    pub household: Option<u32>,
    pub full_name: String,
    pub national_id: String,
    pub mobile: String,
    pub gender: Option<Gender>,
    pub disability: bool,
    pub joined: JalaliDate,
    pub left: Option<JalaliDate>,
    pub note: Option<&'static str>,
    pub bad: Option<usize>,
}

/// Deposit or withdrawal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SavingsKind {
    Deposit,
    Withdrawal,
}

/// One savings transaction.
#[derive(Debug, Clone)]
pub(crate) struct Saving {
    pub fund_id: String,
    pub member_id: u32,
    pub date: JalaliDate,
    /// Rials; negative only in a deliberate bad row.
    pub amount: i64,
    pub kind: SavingsKind,
    pub bad: Option<usize>,
}

/// Where a loan's money came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Own,
    Omid,
}

/// A loan from a fund to a member.
#[derive(Debug, Clone)]
pub(crate) struct Loan {
    pub id: String,
    pub fund_id: String,
    pub member_id: u32,
    pub disbursed: JalaliDate,
    pub principal: i64,
    pub installments: u32,
    /// Index into [`super::names::PURPOSES`].
    pub purpose: usize,
    pub source: Source,
    pub bad: Option<usize>,
}

/// One scheduled installment and what was paid on it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Installment {
    pub loan_id: String,
    pub no: u32,
    pub due_on: JalaliDate,
    pub due_amount: i64,
    pub paid_on: Option<JalaliDate>,
    /// `None` is a blank cell (nothing paid).
    pub paid_amount: Option<i64>,
    pub bad: Option<usize>,
}

/// A credit line from the Omid provincial office to a fund.
#[derive(Debug, Clone)]
pub(crate) struct Financing {
    pub fund_id: String,
    pub county: County,
    pub date: JalaliDate,
    pub amount: i64,
    pub bad: Option<usize>,
}

/// Kind of training course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Course {
    Accounting,
    Facilitation,
    Trainer,
    /// Index into [`super::names::OTHER_COURSES`].
    Other(usize),
}

/// A training course.
#[derive(Debug, Clone)]
pub(crate) struct Training {
    pub course: Course,
    pub started_on: JalaliDate,
    pub participants: u32,
    pub hours: Option<u32>,
    pub fund_id: Option<String>,
    /// The county the course belongs to; `None` for a province course.
    pub county: Option<County>,
    pub bad: Option<usize>,
}

/// The seven tables, named as in the lake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TableName {
    Funds,
    Members,
    Savings,
    Loans,
    Installments,
    Financing,
    Trainings,
}

impl TableName {
    /// The lake name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TableName::Funds => "funds",
            TableName::Members => "members",
            TableName::Savings => "savings",
            TableName::Loans => "loans",
            TableName::Installments => "installments",
            TableName::Financing => "financing",
            TableName::Trainings => "trainings",
        }
    }
}

/// A deliberate mistake, with what ingest should make of it.
#[derive(Debug, Clone)]
pub(crate) struct BadRow {
    // county, what and outcome are read by the tests that list the bad rows
    #[cfg_attr(not(test), allow(dead_code))]
    pub county: County,
    #[cfg_attr(not(test), allow(dead_code))]
    pub what: String,
    #[cfg_attr(not(test), allow(dead_code))]
    pub outcome: String,
    /// A cell written instead of the canonical value: (field name, cell).
    pub cell: Option<(&'static str, Cell)>,
}

/// The whole province in memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct Province {
    pub funds: Vec<Fund>,
    pub members: Vec<Member>,
    pub savings: Vec<Saving>,
    pub loans: Vec<Loan>,
    pub installments: Vec<Installment>,
    pub financing: Vec<Financing>,
    pub trainings: Vec<Training>,
    pub bad: Vec<BadRow>,
}

/// A record that may carry a deliberate mistake.
pub(crate) trait Tagged {
    /// Index of its [`BadRow`], if any.
    fn bad(&self) -> Option<usize>;
}

macro_rules! tagged {
    ($($t:ty),*) => {$(
        impl Tagged for $t {
            fn bad(&self) -> Option<usize> {
                self.bad
            }
        }
    )*};
}
tagged!(Fund, Member, Saving, Loan, Installment, Financing, Training);

/// The 10-digit national id check digit of contract §4 for the first nine digits.
pub(crate) fn national_id_check(first9: &[u8; 9]) -> u8 {
    let s: u32 = first9
        .iter()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * (10 - i as u32))
        .sum::<u32>()
        % 11;
    if s < 2 {
        s as u8
    } else {
        (11 - s) as u8
    }
}

impl Province {
    /// Puts every table in the order offices list it: by fund, then date. Installments follow
    /// their loans' order; sorts are stable, so a copied row stays next to its original.
    pub(crate) fn sort(&mut self) {
        self.funds.sort_by(|a, b| a.id.cmp(&b.id));
        self.members
            .sort_by(|a, b| (&a.fund_id, a.member_id).cmp(&(&b.fund_id, b.member_id)));
        self.savings.sort_by(|a, b| {
            (&a.fund_id, a.date, a.member_id).cmp(&(&b.fund_id, b.date, b.member_id))
        });
        self.loans
            .sort_by(|a, b| (&a.fund_id, a.disbursed).cmp(&(&b.fund_id, b.disbursed)));
        let mut order: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, l) in self.loans.iter().enumerate() {
            order.entry(l.id.as_str()).or_insert(i);
        }
        let mut keyed: Vec<(usize, u32, Installment)> = std::mem::take(&mut self.installments)
            .into_iter()
            .map(|x| {
                (
                    order.get(x.loan_id.as_str()).copied().unwrap_or(usize::MAX),
                    x.no,
                    x,
                )
            })
            .collect();
        keyed.sort_by_key(|&(o, no, _)| (o, no));
        self.installments = keyed.into_iter().map(|(_, _, x)| x).collect();
        self.financing
            .sort_by(|a, b| (&a.fund_id, a.date).cmp(&(&b.fund_id, b.date)));
        self.trainings.sort_by_key(|t| t.started_on);
    }

    /// The county of each fund code.
    pub(crate) fn fund_counties(&self) -> std::collections::HashMap<&str, County> {
        self.funds
            .iter()
            .map(|f| (f.id.as_str(), f.county))
            .collect()
    }
}
