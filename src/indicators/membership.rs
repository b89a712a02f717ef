//! Funds and members: active members, households, disability, gender, joins and leaves.
//!
//! A member is active in the quarters [start, end): start is the quarter of joined_on (clamped
//! to the first quarter), end the quarter of left_on (a member who leaves on D is no longer
//! active at D). Stocks are running sums of +1/−1 events, so adding quarters adds no work per
//! member.

use super::columns;
use super::grid::{Comp, Funds, Grid};
use super::periods::{clamp0, DayIndex};
use super::switches::Switches;
use super::IndicatorError;
use polars::prelude::DataFrame;
use rustc_hash::FxHashMap;

/// The lake columns the family reads.
pub const COLUMNS: [&str; 7] = [
    "fund_id",
    "member_id",
    "household_id",
    "gender",
    "has_disability",
    "joined_on",
    "left_on",
];

/// One member of a fund of the run who joined by the horizon.
pub struct Member<'a> {
    /// The fund's index.
    pub fund: u32,
    /// member_id.
    pub id: Option<&'a str>,
    household: Option<&'a str>,
    gender: Option<&'a str>,
    disability: bool,
    /// Raw quarter of joined_on.
    joined: i32,
    /// Raw quarter of left_on (none: still a member, or left after the horizon).
    left: Option<i32>,
}

impl Member<'_> {
    /// First quarter index in which the member is active.
    pub fn start(&self) -> i32 {
        clamp0(self.joined)
    }

    /// First quarter index in which she is no longer active (none: active to the horizon).
    pub fn end(&self) -> Option<i32> {
        self.left.map(clamp0)
    }

    /// Whether the member is active at the end of at least one quarter.
    pub fn holds_a_quarter(&self) -> bool {
        self.end().is_none_or(|e| e > self.start())
    }
}

/// The members of the run's funds, with an index by (fund, member_id).
pub struct Members<'a> {
    /// Every member, in lake order.
    pub all: Vec<Member<'a>>,
    index: FxHashMap<(u32, Option<&'a str>), u32>,
}

impl<'a> Members<'a> {
    /// Reads the members frame ([`COLUMNS`]).
    pub fn read(
        df: &'a DataFrame,
        funds: &Funds,
        days: &DayIndex,
    ) -> Result<Members<'a>, IndicatorError> {
        let fund_ids = columns::text(df, "fund_id")?;
        let ids = columns::text(df, "member_id")?;
        let households = columns::text(df, "household_id")?;
        let genders = columns::text(df, "gender")?;
        let disability = columns::flags(df, "has_disability")?;
        let joined = columns::days(df, "joined_on")?;
        let left = columns::days(df, "left_on")?;
        let mut members = Members {
            all: Vec::new(),
            index: FxHashMap::default(),
        };
        for i in 0..df.height() {
            let (Some(fund), Some(qj)) = (funds.get(fund_ids[i]), days.raw(joined[i])) else {
                continue;
            };
            members
                .index
                .entry((fund, ids[i]))
                .or_insert(members.all.len() as u32);
            members.all.push(Member {
                fund,
                id: ids[i],
                household: households[i],
                gender: genders[i],
                disability: disability[i] == Some(true),
                joined: qj,
                left: days.raw(left[i]),
            });
        }
        Ok(members)
    }

    /// The member (fund, member_id), if she is one of the run's.
    pub fn get(&self, fund: u32, id: Option<&str>) -> Option<u32> {
        self.index.get(&(fund, id)).copied()
    }
}

/// Adds the membership components of every member to the grid.
pub fn add(members: &Members, grid: &mut Grid) {
    let mut households: FxHashMap<(u32, Option<&str>, Option<&str>), u32> = FxHashMap::default();
    let mut household_fund: Vec<u32> = Vec::new();
    let mut switches = Switches::default();
    for m in &members.all {
        if m.joined >= 0 {
            grid.add(Comp::MembersJoinedQ, m.fund, m.joined, 1);
        }
        if let Some(left) = m.left.filter(|&l| l >= 0) {
            grid.add(Comp::MembersLeftQ, m.fund, left, 1);
        }
        if !m.holds_a_quarter() {
            continue;
        }
        let female = i64::from(m.gender == Some("female"));
        let known = i64::from(m.gender.is_some());
        let disabled = i64::from(m.disability);
        let mut interval = |qi: i32, sign: i64| {
            grid.add(Comp::MembersActive, m.fund, qi, sign);
            grid.add(Comp::MembersWithDisability, m.fund, qi, sign * disabled);
            grid.add(Comp::MembersFemale, m.fund, qi, sign * female);
            grid.add(Comp::MembersGenderKnown, m.fund, qi, sign * known);
        };
        interval(m.start(), 1);
        if let Some(end) = m.end() {
            interval(end, -1);
        }
        // A household is (fund, household_id), or the member alone when household_id is blank.
        let key = match m.household {
            Some(h) => (m.fund, Some(h), Some("")),
            None => (m.fund, None, m.id),
        };
        let next = household_fund.len() as u32;
        let h = *households.entry(key).or_insert(next);
        if h == next {
            household_fund.push(m.fund);
        }
        switches.push(h, m.start(), [1, 0]);
        if let Some(end) = m.end() {
            switches.push(h, end, [-1, 0]);
        }
    }
    switches.changes(household_fund.len(), 1, |h, qi, change| {
        grid.add(
            Comp::HouseholdsActive,
            household_fund[h as usize],
            qi,
            change,
        );
    });
}
