//! The components grid: every component of every fund at every quarter index, as dense arrays,
//! and the fund, county and province tables summed from it.
//!
//! Families add *deltas* of stock components (at the quarter from which an event counts) and
//! *flows* of point components (at the quarter they belong to); [`Grid::levels`] turns stock
//! deltas into running sums per fund, drops the quarters before each fund's establishment and
//! sums funds into counties and the province.

use super::columns;
use super::periods::{clamp0, DayIndex};
use super::IndicatorError;
use polars::prelude::DataFrame;
use rustc_hash::FxHashMap;

/// The whole-number components, in the order of their arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comp {
    /// Stock: active members.
    MembersActive,
    /// Stock: active members with a disability.
    MembersWithDisability,
    /// Stock: active female members.
    MembersFemale,
    /// Stock: active members whose gender is known.
    MembersGenderKnown,
    /// Stock: active households.
    HouseholdsActive,
    /// Stock: active members with an open loan.
    BorrowersActive,
    /// Stock: deposits less withdrawals.
    SavingsBalance,
    /// Stock: credit lines received.
    FinancingTotal,
    /// Stock: outstanding principal, whole rials (its fraction is [`Frac::PortfolioOutstanding`]).
    PortfolioOutstanding,
    /// Stock: total due less clipped payments of disbursed loans.
    UnpaidTotal,
    /// Stock: amounts of installments due so far.
    DueCum,
    /// Stock: capped payments of installments due so far.
    CollectedCum,
    /// Flow: members who joined.
    MembersJoinedQ,
    /// Flow: members who left.
    MembersLeftQ,
    /// Flow: deposits.
    SavingsDepositsQ,
    /// Flow: loans disbursed.
    LoansDisbursedQ,
    /// Flow: principal disbursed.
    LoansDisbursedAmountQ,
    /// Flow: amounts of installments due in the quarter.
    DueQ,
    /// Flow: of those, capped payments made by the due date.
    OnTimePaidQ,
    /// Flow: of those, capped payments made by the quarter's end.
    CollectedQ,
    /// Flow: credit lines received.
    FinancingQ,
    /// At D: outstanding principal of loans more than 30 days late, whole rials.
    Par30Outstanding,
    /// At D: as PAR30, more than 90 days late.
    Par90Outstanding,
    /// At D: overdue amounts, at most each loan's unpaid.
    ArrearsAmount,
    /// Flow: courses started.
    TrainingsQ,
    /// Flow: their participants.
    TrainingParticipantsQ,
    /// Flow: their participant-hours.
    TrainingParticipantHoursQ,
    /// Funds established by D (1 per fund row).
    FundsActive,
    /// Funds of type disability (1 per such fund row).
    FundsDisability,
    /// Active members at the end of the previous quarter.
    MembersActiveStart,
}

impl Comp {
    /// Every whole-number component.
    pub const ALL: [Comp; 30] = [
        Comp::MembersActive,
        Comp::MembersWithDisability,
        Comp::MembersFemale,
        Comp::MembersGenderKnown,
        Comp::HouseholdsActive,
        Comp::BorrowersActive,
        Comp::SavingsBalance,
        Comp::FinancingTotal,
        Comp::PortfolioOutstanding,
        Comp::UnpaidTotal,
        Comp::DueCum,
        Comp::CollectedCum,
        Comp::MembersJoinedQ,
        Comp::MembersLeftQ,
        Comp::SavingsDepositsQ,
        Comp::LoansDisbursedQ,
        Comp::LoansDisbursedAmountQ,
        Comp::DueQ,
        Comp::OnTimePaidQ,
        Comp::CollectedQ,
        Comp::FinancingQ,
        Comp::Par30Outstanding,
        Comp::Par90Outstanding,
        Comp::ArrearsAmount,
        Comp::TrainingsQ,
        Comp::TrainingParticipantsQ,
        Comp::TrainingParticipantHoursQ,
        Comp::FundsActive,
        Comp::FundsDisability,
        Comp::MembersActiveStart,
    ];

    /// The component's name, as the indicator definitions cite it.
    pub fn name(self) -> &'static str {
        match self {
            Comp::MembersActive => "members_active",
            Comp::MembersWithDisability => "members_with_disability",
            Comp::MembersFemale => "members_female",
            Comp::MembersGenderKnown => "members_gender_known",
            Comp::HouseholdsActive => "households_active",
            Comp::BorrowersActive => "borrowers_active",
            Comp::SavingsBalance => "savings_balance",
            Comp::FinancingTotal => "financing_total",
            Comp::PortfolioOutstanding => "portfolio_outstanding",
            Comp::UnpaidTotal => "unpaid_total",
            Comp::DueCum => "due_cum",
            Comp::CollectedCum => "collected_cum",
            Comp::MembersJoinedQ => "members_joined_q",
            Comp::MembersLeftQ => "members_left_q",
            Comp::SavingsDepositsQ => "savings_deposits_q",
            Comp::LoansDisbursedQ => "loans_disbursed_q",
            Comp::LoansDisbursedAmountQ => "loans_disbursed_amount_q",
            Comp::DueQ => "due_q",
            Comp::OnTimePaidQ => "on_time_paid_q",
            Comp::CollectedQ => "collected_q",
            Comp::FinancingQ => "financing_q",
            Comp::Par30Outstanding => "par30_outstanding",
            Comp::Par90Outstanding => "par90_outstanding",
            Comp::ArrearsAmount => "arrears_amount",
            Comp::TrainingsQ => "trainings_q",
            Comp::TrainingParticipantsQ => "training_participants_q",
            Comp::TrainingParticipantHoursQ => "training_participant_hours_q",
            Comp::FundsActive => "funds_active",
            Comp::FundsDisability => "funds_disability",
            Comp::MembersActiveStart => "members_active_start",
        }
    }

    /// Whether the grid holds deltas of a running sum (a stock at D) rather than the quarter's
    /// own value.
    pub fn is_stock(self) -> bool {
        (self as usize) <= Comp::CollectedCum as usize
    }

    /// The three training flows.
    pub const TRAINING: [Comp; 3] = [
        Comp::TrainingsQ,
        Comp::TrainingParticipantsQ,
        Comp::TrainingParticipantHoursQ,
    ];
}

/// The sub-rial fractions carried beside three amount components until rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frac {
    /// Of [`Comp::PortfolioOutstanding`] (a stock).
    PortfolioOutstanding,
    /// Of [`Comp::Par30Outstanding`].
    Par30,
    /// Of [`Comp::Par90Outstanding`].
    Par90,
}

impl Frac {
    /// Every fraction.
    pub const ALL: [Frac; 3] = [Frac::PortfolioOutstanding, Frac::Par30, Frac::Par90];

    /// The whole-rial component the fraction belongs to.
    pub fn of(self) -> Comp {
        match self {
            Frac::PortfolioOutstanding => Comp::PortfolioOutstanding,
            Frac::Par30 => Comp::Par30Outstanding,
            Frac::Par90 => Comp::Par90Outstanding,
        }
    }
}

/// The funds of a run: those established by the horizon, with the quarter index from which
/// they count.
pub struct Funds {
    /// fund_id per fund index.
    pub ids: Vec<String>,
    /// County slug per fund index.
    pub counties: Vec<String>,
    /// Whether fund_type is `disability`.
    pub disability: Vec<bool>,
    /// First quarter index of the fund's rows (its establishment, clamped to 0).
    pub first_qi: Vec<i32>,
    index: FxHashMap<String, u32>,
}

impl Funds {
    /// Reads the funds frame (fund_id, county, fund_type, established_on); funds established
    /// after the horizon, or on a day without a quarter, are left out.
    pub fn read(df: &DataFrame, days: &DayIndex) -> Result<Funds, IndicatorError> {
        let ids = columns::text(df, "fund_id")?;
        let counties = columns::text(df, "county")?;
        let types = columns::text(df, "fund_type")?;
        let established = columns::days(df, "established_on")?;
        let mut funds = Funds {
            ids: Vec::new(),
            counties: Vec::new(),
            disability: Vec::new(),
            first_qi: Vec::new(),
            index: FxHashMap::default(),
        };
        for i in 0..df.height() {
            let (Some(id), Some(qi)) = (ids[i], days.raw(established[i])) else {
                continue;
            };
            if funds.index.contains_key(id) {
                continue; // the lake's fund ids are unique; a repeat adds nothing new
            }
            funds.index.insert(id.to_owned(), funds.ids.len() as u32);
            funds.ids.push(id.to_owned());
            funds
                .counties
                .push(counties[i].unwrap_or_default().to_owned());
            funds.disability.push(types[i] == Some("disability"));
            funds.first_qi.push(clamp0(qi));
        }
        Ok(funds)
    }

    /// The index of a fund of the run.
    pub fn get(&self, id: Option<&str>) -> Option<u32> {
        self.index.get(id?).copied()
    }

    /// How many funds the run has.
    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

/// Every component of every fund at every quarter index of the run.
pub struct Grid {
    quarters: usize,
    ints: Vec<Vec<i64>>,
    fracs: Vec<Vec<f64>>,
}

impl Grid {
    /// An empty grid of `funds` × `quarters`.
    pub fn new(funds: usize, quarters: usize) -> Grid {
        Grid {
            quarters,
            ints: Comp::ALL
                .iter()
                .map(|_| vec![0; funds * quarters])
                .collect(),
            fracs: Frac::ALL
                .iter()
                .map(|_| vec![0.0; funds * quarters])
                .collect(),
        }
    }

    fn cell(&self, fund: u32, qi: i32) -> Option<usize> {
        let qi = usize::try_from(qi).ok().filter(|&q| q < self.quarters)?;
        Some(fund as usize * self.quarters + qi)
    }

    /// Adds `v` to component `c` of `fund` at quarter index `qi` (ignored outside the run).
    pub fn add(&mut self, c: Comp, fund: u32, qi: i32, v: i64) {
        if let Some(i) = self.cell(fund, qi) {
            let x = &mut self.ints[c as usize][i];
            *x = x.wrapping_add(v);
        }
    }

    /// Adds `v` to fraction `f` of `fund` at quarter index `qi` (ignored outside the run).
    pub fn add_frac(&mut self, f: Frac, fund: u32, qi: i32, v: f64) {
        if let Some(i) = self.cell(fund, qi) {
            self.fracs[f as usize][i] += v;
        }
    }

    /// Adds `v` to `c` of the fund `fund`, if the fund is one of the run's.
    pub fn add_to(&mut self, c: Comp, fund: Option<u32>, qi: i32, v: i64) {
        if let Some(f) = fund {
            self.add(c, f, qi, v);
        }
    }

    /// Takes the fractions `which` from `other` (a grid of the same funds and quarters), in
    /// place of this grid's, which nothing has added to: a family that alone adds those
    /// fractions can add them into a grid of its own, beside the others.
    pub fn take_fracs(&mut self, mut other: Grid, which: &[Frac]) {
        for &f in which {
            let (mine, theirs) = (
                self.fracs.get_mut(f as usize),
                other.fracs.get_mut(f as usize),
            );
            if let (Some(mine), Some(theirs)) = (mine, theirs) {
                debug_assert!(mine.iter().all(|x| *x == 0.0), "{f:?} already added to");
                std::mem::swap(mine, theirs);
            }
        }
    }

    /// Adds every whole-number component of `other` (a grid of the same funds and quarters)
    /// into this one; fractions are left as they are.
    pub fn add_whole(&mut self, other: &Grid) {
        for (mine, theirs) in self.ints.iter_mut().zip(&other.ints) {
            for (x, y) in mine.iter_mut().zip(theirs) {
                *x = x.wrapping_add(*y);
            }
        }
    }

    /// The fund, county and province tables. `county_courses` adds the courses of a county
    /// without a fund to that county's rows; `province_courses` replaces the province's
    /// training flows (every course of the province counts there).
    pub fn levels(
        mut self,
        funds: &Funds,
        county_courses: &FxHashMap<(String, i32), [i64; 3]>,
        province_courses: &[[i64; 3]],
    ) -> [Level; 3] {
        let nq = self.quarters;
        // Running sums of stocks per fund, and members active at the previous quarter's end.
        for f in 0..funds.len() {
            let span = f * nq..(f + 1) * nq;
            for c in Comp::ALL.iter().filter(|c| c.is_stock()) {
                let mut sum = 0i64;
                for x in &mut self.ints[*c as usize][span.clone()] {
                    sum = sum.wrapping_add(*x);
                    *x = sum;
                }
            }
            let mut sum = 0f64;
            for x in &mut self.fracs[Frac::PortfolioOutstanding as usize][span.clone()] {
                sum += *x;
                *x = sum;
            }
            for q in 0..nq {
                let i = f * nq + q;
                let previous = if q == 0 {
                    0
                } else {
                    self.ints[Comp::MembersActive as usize][i - 1]
                };
                self.ints[Comp::MembersActiveStart as usize][i] = previous;
                self.ints[Comp::FundsActive as usize][i] = 1;
                self.ints[Comp::FundsDisability as usize][i] = i64::from(funds.disability[f]);
            }
        }

        let mut order: Vec<usize> = (0..funds.len()).collect();
        order.sort_by(|&a, &b| funds.ids[a].cmp(&funds.ids[b]));
        let mut fund_level = Level::default();
        for &f in &order {
            for q in funds.first_qi[f].max(0) as usize..nq {
                fund_level.push_row(Some(&funds.counties[f]), Some(&funds.ids[f]), q as i32);
                fund_level.push_values(&self, f * nq + q);
            }
        }

        // Counties and the province sum the rows of their funds.
        let mut by_county: Vec<usize> = (0..funds.len()).collect();
        by_county.sort_by(|&a, &b| funds.counties[a].cmp(&funds.counties[b]));
        let mut county_level = Level::default();
        let mut province = Level::default();
        let mut province_row: Vec<Option<usize>> = vec![None; nq];
        let mut start = 0;
        while start < by_county.len() {
            let county = &funds.counties[by_county[start]];
            let end = start
                + by_county[start..]
                    .iter()
                    .take_while(|&&f| &funds.counties[f] == county)
                    .count();
            let members = &by_county[start..end];
            for (q, province_at_q) in province_row.iter_mut().enumerate() {
                let present: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&f| funds.first_qi[f] as usize <= q)
                    .collect();
                if present.is_empty() {
                    continue;
                }
                county_level.push_row(Some(county), None, q as i32);
                let row = county_level.height() - 1;
                county_level.push_zeros();
                let p = *province_at_q.get_or_insert_with(|| {
                    province.push_row(None, None, q as i32);
                    province.push_zeros();
                    province.height() - 1
                });
                for f in present {
                    county_level.add_values(row, &self, f * nq + q);
                    province.add_values(p, &self, f * nq + q);
                }
                if let Some(extra) = county_courses.get(&(county.clone(), q as i32)) {
                    for (c, v) in Comp::TRAINING.iter().zip(extra) {
                        let x = &mut county_level.ints[*c as usize][row];
                        *x = x.wrapping_add(*v);
                    }
                }
            }
            start = end;
        }
        // The province's rows, in quarter order, with every course of the province.
        let mut sorted = Level::default();
        for (q, row) in province_row.iter().enumerate() {
            let Some(row) = *row else { continue };
            sorted.push_row(None, None, q as i32);
            sorted.push_row_of(&province, row);
            let courses = province_courses.get(q).copied().unwrap_or_default();
            for (c, v) in Comp::TRAINING.iter().zip(courses) {
                if let Some(x) = sorted.ints[*c as usize].last_mut() {
                    *x = v;
                }
            }
        }
        [fund_level, county_level, sorted]
    }
}

/// One level's table: a row per (entity, quarter index) with every component.
pub struct Level {
    /// County slug per row (none at province level).
    pub counties: Vec<Option<String>>,
    /// fund_id per row (fund level only).
    pub funds: Vec<Option<String>>,
    /// Quarter index per row.
    pub qi: Vec<i32>,
    /// Whole-number components, indexed by [`Comp`].
    pub ints: Vec<Vec<i64>>,
    /// Fractions, indexed by [`Frac`].
    pub fracs: Vec<Vec<f64>>,
}

impl Default for Level {
    fn default() -> Level {
        Level {
            counties: Vec::new(),
            funds: Vec::new(),
            qi: Vec::new(),
            ints: Comp::ALL.iter().map(|_| Vec::new()).collect(),
            fracs: Frac::ALL.iter().map(|_| Vec::new()).collect(),
        }
    }
}

impl Level {
    /// Rows in the table.
    pub fn height(&self) -> usize {
        self.qi.len()
    }

    /// The whole-number column of component `name`, if there is one.
    pub fn ints_of(&self, name: &str) -> Option<&[i64]> {
        Comp::ALL
            .iter()
            .find(|c| c.name() == name)
            .map(|c| self.ints[*c as usize].as_slice())
    }

    /// The fraction column carried beside component `name`, if it has one.
    pub fn fracs_of(&self, name: &str) -> Option<&[f64]> {
        Frac::ALL
            .iter()
            .find(|f| f.of().name() == name)
            .map(|f| self.fracs[*f as usize].as_slice())
    }

    fn push_row(&mut self, county: Option<&String>, fund: Option<&String>, qi: i32) {
        self.counties.push(county.cloned());
        self.funds.push(fund.cloned());
        self.qi.push(qi);
    }

    fn push_values(&mut self, grid: &Grid, cell: usize) {
        for (column, values) in self.ints.iter_mut().zip(&grid.ints) {
            column.push(values[cell]);
        }
        for (column, values) in self.fracs.iter_mut().zip(&grid.fracs) {
            column.push(values[cell]);
        }
    }

    fn push_row_of(&mut self, other: &Level, row: usize) {
        for (column, values) in self.ints.iter_mut().zip(&other.ints) {
            column.push(values[row]);
        }
        for (column, values) in self.fracs.iter_mut().zip(&other.fracs) {
            column.push(values[row]);
        }
    }

    fn push_zeros(&mut self) {
        self.ints.iter_mut().for_each(|c| c.push(0));
        self.fracs.iter_mut().for_each(|c| c.push(0.0));
    }

    fn add_values(&mut self, row: usize, grid: &Grid, cell: usize) {
        for (column, values) in self.ints.iter_mut().zip(&grid.ints) {
            column[row] = column[row].wrapping_add(values[cell]);
        }
        for (column, values) in self.fracs.iter_mut().zip(&grid.fracs) {
            column[row] += values[cell];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_taken_from_another_grid_replace_only_those_asked_for() {
        let mut grid = Grid::new(2, 3);
        grid.add_frac(Frac::PortfolioOutstanding, 1, 2, 0.25);
        grid.add(Comp::Par30Outstanding, 0, 0, 5);
        let mut arrears = Grid::new(2, 3);
        arrears.add_frac(Frac::Par30, 1, 1, 0.5);
        arrears.add_frac(Frac::Par90, 0, 2, 0.125);
        arrears.add_frac(Frac::PortfolioOutstanding, 0, 0, 9.0);
        arrears.add(Comp::Par30Outstanding, 0, 0, 7);
        grid.take_fracs(arrears, &[Frac::Par30, Frac::Par90]);
        assert_eq!(
            grid.fracs[Frac::Par30 as usize],
            [0.0, 0.0, 0.0, 0.0, 0.5, 0.0]
        );
        assert_eq!(
            grid.fracs[Frac::Par90 as usize],
            [0.0, 0.0, 0.125, 0.0, 0.0, 0.0]
        );
        // Not asked for: this grid's own fraction and whole numbers stay as they were.
        assert_eq!(
            grid.fracs[Frac::PortfolioOutstanding as usize],
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.25]
        );
        assert_eq!(grid.ints[Comp::Par30Outstanding as usize][0], 5);
    }
}
