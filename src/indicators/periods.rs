//! The quarters of a run and the quarter index of every day.
//!
//! Quarter index 0 is the first quarter in which a fund exists; days before it get negative
//! indexes (stocks clamp them to 0, flows ignore them) and days after the last quarter get none.

use crate::calendar::{CalendarKind, Quarter};

/// The quarters a run computes, in order.
#[derive(Debug, Clone)]
pub struct Periods {
    /// Quarter calendar.
    pub calendar: CalendarKind,
    /// (quarter, first day S, last day D) for index 0, 1, …; days since 1970-01-01.
    pub quarters: Vec<(Quarter, i32, i32)>,
}

impl Periods {
    /// Every quarter from `first` to `last` inclusive.
    pub fn new(calendar: CalendarKind, first: Quarter, last: Quarter) -> Option<Periods> {
        let mut quarters = Vec::new();
        let mut q = first;
        while q <= last {
            let (s, d) = q.bounds(calendar)?;
            quarters.push((q, s, d));
            q = q.next();
        }
        (!quarters.is_empty()).then_some(Periods { calendar, quarters })
    }

    /// Index of the last quarter.
    pub fn last_index(&self) -> i32 {
        self.quarters.len() as i32 - 1
    }

    /// Last day of the last quarter.
    pub fn horizon(&self) -> i32 {
        self.quarters.last().map(|q| q.2).unwrap_or(0)
    }

    /// The last day D of quarter index `qi`.
    pub fn end_of(&self, qi: usize) -> i32 {
        self.quarters.get(qi).map(|q| q.2).unwrap_or(i32::MAX)
    }
}

/// Marks a day without a quarter index in [`DayIndex`].
const NONE: i32 = i32::MIN;

/// The raw quarter index of every day from the earliest date in the lake to the horizon: one
/// array lookup per date instead of a join per date column.
pub struct DayIndex {
    from: i32,
    qis: Vec<i32>,
}

impl DayIndex {
    /// Indexes every day from `from_day` (or the first quarter's first day, if earlier) to the
    /// run's horizon. Days the calendar cannot place get no index.
    pub fn new(periods: &Periods, from_day: i32) -> DayIndex {
        let first = periods.quarters[0].0;
        let index = |q: Quarter| (q.year - first.year) * 4 + i32::from(q.q) - i32::from(first.q);
        let from = from_day.min(periods.quarters[0].1);
        let to = periods.horizon();
        let mut qis = Vec::with_capacity((i64::from(to) - i64::from(from) + 1).max(0) as usize);
        let mut current: Option<(i32, i32, i32)> = None; // (start, end, qi)
        for day in from..=to {
            let qi = match current {
                Some((s, e, qi)) if day >= s && day <= e => qi,
                _ => match Quarter::containing(periods.calendar, day)
                    .and_then(|q| Some((q.bounds(periods.calendar)?, index(q))))
                {
                    Some(((s, e), qi)) => {
                        current = Some((s, e, qi));
                        qi
                    }
                    None => NONE,
                },
            };
            qis.push(qi);
        }
        DayIndex { from, qis }
    }

    /// The raw quarter index of `day`: negative before the first quarter, `None` for a blank
    /// date or a day after the horizon.
    pub fn raw(&self, day: Option<i32>) -> Option<i32> {
        let offset = i64::from(day?) - i64::from(self.from);
        let qi = *self.qis.get(usize::try_from(offset).ok()?)?;
        (qi != NONE).then_some(qi)
    }
}

/// The stock index of a quarter index: days before the first quarter count from quarter 0.
pub fn clamp0(qi: i32) -> i32 {
    qi.max(0)
}
