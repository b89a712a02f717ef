//! Jalali (Solar Hijri) ⇄ Gregorian conversion and fiscal quarters.
//!
//! Conversion follows the official Iranian calendar as ICU4X's Persian calendar implements it
//! (the University of Tehran leap-year table; 1403 is a leap year, 1403/12/30 = 2025-03-20).
//! ICU4X is asked once for the Gregorian date of each Nowruz from 1300 to 1600; every other day
//! is arithmetic on that table (months 1–6 have 31 days, 7–11 have 30, Esfand 29 or 30). The unit
//! tests prove the arithmetic against ICU4X for every day of 1300–1599.
//!
//! Days are counted as in Arrow/Parquet `date32`: days since 1970-01-01.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::sync::OnceLock;

/// First Jalali year the pipeline accepts.
pub const FIRST_YEAR: i32 = 1300;
/// Last Jalali year the pipeline accepts.
pub const LAST_YEAR: i32 = 1599;

/// Persian month names, Farvardin first.
pub const MONTHS_FA: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];

/// A day of the Jalali calendar, known to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JalaliDate {
    /// Solar Hijri year, e.g. 1403.
    pub year: i32,
    /// Month, 1 (Farvardin) to 12 (Esfand).
    pub month: u8,
    /// Day of month, 1 to 31.
    pub day: u8,
}

impl fmt::Display for JalaliDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}/{:02}/{:02}", self.year, self.month, self.day)
    }
}

/// Epoch day (days since 1970-01-01) of 1 Farvardin of each year `FIRST_YEAR..=LAST_YEAR + 1`.
fn nowruz_table() -> &'static [i32] {
    static TABLE: OnceLock<Vec<i32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (FIRST_YEAR..=LAST_YEAR + 1)
            .map(|y| {
                let iso = icu_calendar::Date::try_new_persian(y, 1, 1)
                    .map(|d| d.to_calendar(icu_calendar::Iso))
                    .ok()
                    .and_then(|d| {
                        NaiveDate::from_ymd_opt(
                            d.year().extended_year(),
                            u32::from(d.month().ordinal),
                            u32::from(d.day_of_month().0),
                        )
                    });
                // ICU4X covers these years; a failure here would be a bug in the table's bounds.
                iso.map(epoch_day).unwrap_or(i32::MIN)
            })
            .collect()
    })
}

/// Days since 1970-01-01 of a Gregorian date.
pub fn epoch_day(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - 719_163
}

/// The Gregorian date of an epoch day.
pub fn from_epoch_day(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day.checked_add(719_163)?)
}

/// The epoch days that Jalali years `first..=last` cover, as `first day..day after the last`,
/// the years held to 1300–1599 (empty when `first` is after `last`): a day is in those years
/// exactly when it is in this range, which a parser checks for millions of cells without
/// finding each one's Jalali date.
pub fn year_days(first: i32, last: i32) -> std::ops::Range<i32> {
    let t = nowruz_table();
    let at = |year: i32| {
        let i = (year.clamp(FIRST_YEAR, LAST_YEAR + 1) - FIRST_YEAR) as usize;
        t.get(i).copied().unwrap_or(0)
    };
    at(first)..at(last.min(LAST_YEAR) + 1).max(at(first))
}

/// The epoch days of every year the calendar holds (1300–1599): [`year_days`] of them all.
pub fn calendar_days() -> std::ops::Range<i32> {
    let t = nowruz_table();
    t.first().copied().unwrap_or(0)..t.last().copied().unwrap_or(0)
}

/// Whether Jalali `year` (1300–1599) has 366 days.
pub fn is_leap(year: i32) -> bool {
    year_length(year) == Some(366)
}

fn year_length(year: i32) -> Option<i32> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    let t = nowruz_table();
    let i = (year - FIRST_YEAR) as usize;
    Some(t[i + 1] - t[i])
}

/// Days in a Jalali month, or `None` for a month or year out of range.
pub fn month_length(year: i32, month: u8) -> Option<u8> {
    let len = year_length(year)?;
    match month {
        1..=6 => Some(31),
        7..=11 => Some(30),
        12 => Some(if len == 366 { 30 } else { 29 }),
        _ => None,
    }
}

/// Day of year (0-based) of the first day of a month.
fn month_offset(month: u8) -> i32 {
    let m = i32::from(month) - 1;
    if m <= 6 {
        m * 31
    } else {
        186 + (m - 6) * 30
    }
}

impl JalaliDate {
    /// A Jalali date, if it exists and lies in 1300–1599.
    pub fn new(year: i32, month: u8, day: u8) -> Option<JalaliDate> {
        let len = month_length(year, month)?;
        (day >= 1 && day <= len).then_some(JalaliDate { year, month, day })
    }

    /// Epoch day of this date.
    pub fn to_epoch_day(self) -> i32 {
        let t = nowruz_table();
        t[(self.year - FIRST_YEAR) as usize] + month_offset(self.month) + i32::from(self.day) - 1
    }

    /// The Gregorian date of this day.
    pub fn to_gregorian(self) -> Option<NaiveDate> {
        from_epoch_day(self.to_epoch_day())
    }

    /// The Jalali date of an epoch day, if it falls in 1300–1599.
    pub fn from_epoch_day(day: i32) -> Option<JalaliDate> {
        let t = nowruz_table();
        // index of the last Nowruz on or before `day`
        let idx = t.partition_point(|&start| start <= day);
        if idx == 0 || idx >= t.len() {
            return None;
        }
        let year = FIRST_YEAR + (idx as i32 - 1);
        let doy = day - t[idx - 1];
        let (month, offset) = if doy < 186 {
            (doy / 31 + 1, (doy / 31) * 31)
        } else {
            ((doy - 186) / 30 + 7, 186 + ((doy - 186) / 30) * 30)
        };
        Some(JalaliDate {
            year,
            month: month as u8,
            day: (doy - offset + 1) as u8,
        })
    }

    /// The Jalali date of a Gregorian date, if it falls in 1300–1599.
    pub fn from_gregorian(date: NaiveDate) -> Option<JalaliDate> {
        Self::from_epoch_day(epoch_day(date))
    }
}

/// Which calendar a pipeline's quarters follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CalendarKind {
    /// Iranian fiscal year: Q1 = Farvardin–Khordad … Q4 = Dey–Esfand.
    #[default]
    Jalali,
    /// Gregorian calendar quarters.
    Gregorian,
}

/// A fiscal quarter, `1403Q2` (Jalali) or `2024Q3` (Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    /// Year in the quarter's calendar.
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

/// Persian ordinal words for quarter labels.
const QUARTER_WORDS_FA: [&str; 4] = ["اول", "دوم", "سوم", "چهارم"];

impl Quarter {
    /// Parses `1403Q2`, `1403-Q2`, `1403q2`, `1403 Q2`, with ASCII or Persian/Arabic digits.
    pub fn parse(text: &str) -> Option<Quarter> {
        let ascii: String = crate::text::normalize(text)
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '_'))
            .collect::<String>()
            .to_ascii_uppercase();
        let (y, q) = ascii.split_once('Q')?;
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let q: u8 = q.parse().ok()?;
        (1..=4)
            .contains(&q)
            .then(|| Quarter {
                year: y.parse().unwrap_or(0),
                q,
            })
            .filter(|qt| qt.year > 0)
    }

    /// The quarter after this one.
    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    /// The quarter before this one.
    pub fn prev(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    /// The quarter holding epoch day `day` in `calendar`.
    pub fn containing(calendar: CalendarKind, day: i32) -> Option<Quarter> {
        match calendar {
            CalendarKind::Jalali => {
                let j = JalaliDate::from_epoch_day(day)?;
                Some(Quarter {
                    year: j.year,
                    q: (j.month - 1) / 3 + 1,
                })
            }
            CalendarKind::Gregorian => {
                let g = from_epoch_day(day)?;
                Some(Quarter {
                    year: g.year(),
                    q: ((g.month() - 1) / 3 + 1) as u8,
                })
            }
        }
    }

    /// First and last epoch day (S and D) of the quarter in `calendar`.
    pub fn bounds(self, calendar: CalendarKind) -> Option<(i32, i32)> {
        let first_month = (self.q - 1) * 3 + 1;
        match calendar {
            CalendarKind::Jalali => {
                let start = JalaliDate::new(self.year, first_month, 1)?.to_epoch_day();
                let last_month = first_month + 2;
                let end =
                    JalaliDate::new(self.year, last_month, month_length(self.year, last_month)?)?
                        .to_epoch_day();
                Some((start, end))
            }
            CalendarKind::Gregorian => {
                let start = NaiveDate::from_ymd_opt(self.year, u32::from(first_month), 1)?;
                let next = if self.q == 4 {
                    NaiveDate::from_ymd_opt(self.year + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(self.year, u32::from(first_month) + 3, 1)?
                };
                Some((epoch_day(start), epoch_day(next) - 1))
            }
        }
    }

    /// The Persian label, «سه‌ماهه دوم ۱۴۰۳».
    pub fn label_fa(self) -> String {
        format!(
            "سه\u{200c}ماهه {} {}",
            QUARTER_WORDS_FA[usize::from(self.q.clamp(1, 4) - 1)],
            crate::text::to_persian_digits(&self.year.to_string())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_days_hold_exactly_the_days_whose_jalali_year_is_in_the_years() {
        let first_day = JalaliDate::new(FIRST_YEAR, 1, 1).map(JalaliDate::to_epoch_day);
        let first_day = first_day.unwrap_or_default();
        for (first, last) in [
            (1300, 1599),
            (1390, 1405),
            (1403, 1403),
            (1404, 1403),
            (1200, 1310),
            (1590, 1800),
            (1700, 1800),
            (1000, 1200),
        ] {
            assert_eq!(calendar_days(), year_days(FIRST_YEAR, LAST_YEAR));
            let days = year_days(first, last);
            // Every day from before 1300 to after 1599, one by one.
            for day in first_day - 400..first_day + 300 * 366 {
                let inside = JalaliDate::from_epoch_day(day)
                    .is_some_and(|j| first <= j.year && j.year <= last);
                assert_eq!(days.contains(&day), inside, "{first}–{last}, day {day}");
            }
        }
    }

    fn icu_to_iso(y: i32, m: u8, d: u8) -> Option<NaiveDate> {
        let iso = icu_calendar::Date::try_new_persian(y, m, d)
            .ok()?
            .to_calendar(icu_calendar::Iso);
        NaiveDate::from_ymd_opt(
            iso.year().extended_year(),
            u32::from(iso.month().ordinal),
            u32::from(iso.day_of_month().0),
        )
    }

    #[test]
    fn known_dates_from_the_contract() {
        let d = |y, m, dd| JalaliDate::new(y, m, dd).and_then(JalaliDate::to_gregorian);
        assert_eq!(d(1403, 12, 30), NaiveDate::from_ymd_opt(2025, 3, 20));
        assert_eq!(d(1404, 1, 1), NaiveDate::from_ymd_opt(2025, 3, 21));
        assert_eq!(d(1399, 7, 23), NaiveDate::from_ymd_opt(2020, 10, 14));
        assert!(is_leap(1403));
        assert!(!is_leap(1402));
        assert!(!is_leap(1404));
        assert_eq!(JalaliDate::new(1402, 12, 30), None);
        assert_eq!(JalaliDate::new(1403, 13, 1), None);
        assert_eq!(JalaliDate::new(1403, 1, 32), None);
        assert_eq!(JalaliDate::new(1299, 12, 29), None);
        assert_eq!(JalaliDate::new(1600, 1, 1), None);
    }

    #[test]
    fn every_day_1300_to_1599_agrees_with_icu4x() {
        let mut expected_day = JalaliDate::new(1300, 1, 1).map(JalaliDate::to_epoch_day);
        let mut days = 0;
        for y in FIRST_YEAR..=LAST_YEAR {
            for m in 1..=12u8 {
                let len = month_length(y, m).unwrap_or(0);
                assert!(icu_to_iso(y, m, len + 1).is_none_or(|g| {
                    // ICU4X accepts no day past the month's end
                    JalaliDate::from_gregorian(g) != JalaliDate::new(y, m, len + 1)
                }));
                for d in 1..=len {
                    let j = JalaliDate::new(y, m, d).expect("day exists");
                    let ours = j.to_gregorian();
                    assert_eq!(ours, icu_to_iso(y, m, d), "{j}");
                    assert_eq!(
                        Some(j.to_epoch_day()),
                        expected_day,
                        "{j} is not the next day"
                    );
                    assert_eq!(JalaliDate::from_epoch_day(j.to_epoch_day()), Some(j));
                    expected_day = expected_day.map(|x| x + 1);
                    days += 1;
                }
            }
        }
        let span = icu_to_iso(1600, 1, 1)
            .zip(icu_to_iso(1300, 1, 1))
            .map(|(b, a)| (b - a).num_days());
        assert_eq!(Some(days), span, "every day of 300 years was visited");
        assert_eq!(JalaliDate::from_epoch_day(expected_day.unwrap_or(0)), None);
    }

    #[test]
    fn quarters_parse_and_bound() {
        let q = Quarter { year: 1403, q: 2 };
        assert_eq!(Quarter::parse("1403Q2"), Some(q));
        assert_eq!(Quarter::parse("1403-Q2"), Some(q));
        assert_eq!(Quarter::parse("۱۴۰۳Q۲"), Some(q));
        assert_eq!(Quarter::parse("1403q2"), Some(q));
        assert_eq!(Quarter::parse("1403Q5"), None);
        assert_eq!(Quarter::parse("03Q1"), None);
        let (s, d) = Quarter { year: 1403, q: 4 }
            .bounds(CalendarKind::Jalali)
            .unwrap_or((0, 0));
        assert_eq!(from_epoch_day(s), NaiveDate::from_ymd_opt(2024, 12, 21));
        assert_eq!(from_epoch_day(d), NaiveDate::from_ymd_opt(2025, 3, 20));
        let (s, d) = Quarter { year: 2024, q: 1 }
            .bounds(CalendarKind::Gregorian)
            .unwrap_or((0, 0));
        assert_eq!(from_epoch_day(s), NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(from_epoch_day(d), NaiveDate::from_ymd_opt(2024, 3, 31));
        // 2024-03-31 is 1403/01/12
        assert_eq!(
            Quarter::containing(CalendarKind::Jalali, d),
            Some(Quarter { year: 1403, q: 1 })
        );
        assert_eq!(
            Quarter { year: 1403, q: 1 }.prev(),
            Quarter { year: 1402, q: 4 }
        );
        assert_eq!(
            Quarter { year: 1403, q: 2 }.label_fa(),
            "سه\u{200c}ماهه دوم ۱۴۰۳"
        );
    }
}
