//! Jalali date arithmetic and the landmark days of the sample province.

use super::rng::Rng;
use crate::calendar::{month_length, JalaliDate};

/// The day of the seed article (23 Mehr 1399 = 14 October 2020).
pub(crate) const ARTICLE: JalaliDate = JalaliDate {
    year: 1399,
    month: 7,
    day: 23,
};
#[cfg(test)]
/// Last day of 1399Q3: no fund and no financing is dated after the article up to this day.
pub(crate) const QUIET_END: JalaliDate = JalaliDate {
    year: 1399,
    month: 9,
    day: 30,
};
/// Last day of the ledgers (Esfand 30 of the leap year 1403).
pub(crate) const LEDGER_END: JalaliDate = JalaliDate {
    year: 1403,
    month: 12,
    day: 30,
};
/// First day a seed-era fund may be founded.
pub(crate) const FIRST_FUND: JalaliDate = JalaliDate {
    year: 1397,
    month: 7,
    day: 1,
};

/// Builds a date known to exist; out-of-range parts are clamped.
pub(crate) fn jd(year: i32, month: u8, day: u8) -> JalaliDate {
    let month = month.clamp(1, 12);
    let len = month_length(year, month).unwrap_or(29);
    JalaliDate {
        year,
        month,
        day: day.clamp(1, len),
    }
}

/// `d` moved by `n` days.
pub(crate) fn add_days(d: JalaliDate, n: i32) -> JalaliDate {
    JalaliDate::from_epoch_day(d.to_epoch_day() + n).unwrap_or(d)
}

/// `d` moved by `n` months, the day clamped to the length of the target month.
pub(crate) fn add_months(d: JalaliDate, n: i32) -> JalaliDate {
    let index = d.year * 12 + i32::from(d.month) - 1 + n;
    jd(
        index.div_euclid(12),
        (index.rem_euclid(12) + 1) as u8,
        d.day,
    )
}

/// Days from `a` to `b` (negative when `b` is earlier).
pub(crate) fn days_between(a: JalaliDate, b: JalaliDate) -> i32 {
    b.to_epoch_day() - a.to_epoch_day()
}

/// A uniform day in `a..=b` (`a` when `b` is earlier).
pub(crate) fn between(rng: &mut Rng, a: JalaliDate, b: JalaliDate) -> JalaliDate {
    let span = days_between(a, b).max(0);
    add_days(a, rng.range(0, i64::from(span)) as i32)
}

/// The meeting day of month `index` (months since year 0) for a fund that meets on day `day`.
pub(crate) fn meeting(index: i32, day: u8) -> JalaliDate {
    jd(index.div_euclid(12), (index.rem_euclid(12) + 1) as u8, day)
}

/// Months since year 0 of a date (for month loops).
pub(crate) fn month_index(d: JalaliDate) -> i32 {
    d.year * 12 + i32::from(d.month) - 1
}

/// `1399/07/15`.
pub(crate) fn slash(d: JalaliDate) -> String {
    format!("{:04}/{:02}/{:02}", d.year, d.month, d.day)
}

/// `1399-07-15`.
pub(crate) fn dash(d: JalaliDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// `13990715`.
pub(crate) fn compact(d: JalaliDate) -> String {
    format!("{:04}{:02}{:02}", d.year, d.month, d.day)
}

/// The number 13990715.
pub(crate) fn compact_number(d: JalaliDate) -> f64 {
    f64::from(d.year * 10_000 + i32::from(d.month) * 100 + i32::from(d.day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic_clamps_days() {
        assert_eq!(add_months(jd(1402, 6, 31), 1), jd(1402, 7, 30));
        assert_eq!(add_months(jd(1402, 11, 30), 1), jd(1402, 12, 29));
        assert_eq!(add_months(jd(1403, 11, 30), 1), jd(1403, 12, 30));
        assert_eq!(add_months(jd(1403, 12, 30), 1), jd(1404, 1, 30));
        assert_eq!(add_days(jd(1403, 12, 30), 1), jd(1404, 1, 1));
        assert_eq!(days_between(ARTICLE, QUIET_END), 67);
        assert_eq!(slash(ARTICLE), "1399/07/23");
        assert_eq!(compact_number(ARTICLE), 13_990_723.0);
    }
}
