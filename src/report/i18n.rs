//! Languages of the report and how figures, dates and quarters are written in each: Persian
//! (right to left, Persian digits and separators, Jalali dates with Persian month names) and
//! English (left to right, ASCII digits, Jalali and Gregorian dates).
//!
//! Cells of a workbook hold numbers; these functions write the text of labels and of chart
//! images, where the report itself decides how a number looks.
//!
//! ```
//! use sandogh::report::i18n::{format_number, Lang};
//! assert_eq!(format_number(Lang::Fa, 1234567.0, 0), "۱٬۲۳۴٬۵۶۷");
//! assert_eq!(format_number(Lang::En, 0.5, 1), "0.5");
//! ```

use crate::calendar::{from_epoch_day, CalendarKind, JalaliDate, Quarter, MONTHS_FA};
use crate::text::to_persian_digits;
use chrono::Datelike;

/// English names of the Jalali months, Farvardin first.
pub const MONTHS_JALALI_EN: [&str; 12] = [
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
];

/// Short English names of the Gregorian months.
const MONTHS_GREGORIAN_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// Persian: right to left.
    Fa,
    /// English: left to right.
    En,
}

impl Lang {
    /// Every language, in the order workbooks are written.
    pub const ALL: [Lang; 2] = [Lang::Fa, Lang::En];

    /// `fa` or `en` → the language.
    ///
    /// ```
    /// use sandogh::report::i18n::Lang;
    /// assert_eq!(Lang::parse(" FA "), Some(Lang::Fa));
    /// assert_eq!(Lang::parse("de"), None);
    /// ```
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fa" => Some(Lang::Fa),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The code used in file names: `fa`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fa => "fa",
            Lang::En => "en",
        }
    }

    /// The font of the workbooks that have no report definition to name one (the corrections
    /// workbooks and the export templates): Tahoma, which has Persian letters and digits on every
    /// office machine, and Calibri for English.
    pub fn plain_font(self) -> &'static str {
        match self {
            Lang::Fa => "Tahoma",
            Lang::En => "Calibri",
        }
    }

    /// Whether the language is written right to left.
    pub fn rtl(self) -> bool {
        self == Lang::Fa
    }

    /// Writes ASCII digits in the language's digits.
    pub fn digits(self, text: &str) -> String {
        match self {
            Lang::Fa => to_persian_digits(text),
            Lang::En => text.to_owned(),
        }
    }
}

/// A number with thousands separators and `decimals` decimals, rounded half away from zero:
/// `1,234,567.5` in English, `۱٬۲۳۴٬۵۶۷٫۵` in Persian. Negative numbers get a leading minus.
pub fn format_number(lang: Lang, value: f64, decimals: usize) -> String {
    let factor = 10f64.powi(decimals as i32);
    let scaled = (value.abs() * factor).round();
    let whole = (scaled / factor).trunc();
    let frac = scaled - whole * factor;
    let digits = format!("{whole:.0}");
    let (sep, point) = match lang {
        Lang::Fa => ('\u{066C}', '\u{066B}'),
        Lang::En => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    if decimals > 0 {
        grouped.push(point);
        grouped.push_str(&format!("{:0width$.0}", frac, width = decimals));
    }
    let negative = value < 0.0 && scaled > 0.0;
    let text = if negative {
        format!("-{grouped}")
    } else {
        grouped
    };
    lang.digits(&text)
}

/// A ratio as a percentage: 0.9734 → `97.3%`, in Persian `۹۷٫۳٪`.
pub fn format_percent(lang: Lang, ratio: f64, decimals: usize) -> String {
    let sign = match lang {
        Lang::Fa => '\u{066A}',
        Lang::En => '%',
    };
    format!("{}{sign}", format_number(lang, ratio * 100.0, decimals))
}

/// The quarter's label: «سه‌ماهه دوم ۱۴۰۳», `Q2 1403`.
pub fn quarter_label(lang: Lang, q: Quarter) -> String {
    match lang {
        Lang::Fa => q.label_fa(),
        Lang::En => format!("Q{} {}", q.q, q.year),
    }
}

/// The quarter's label in two short lines, for chart axes: («سه‌ماهه ۲», «۱۴۰۳»), (`Q2`, `1403`).
pub fn quarter_lines(lang: Lang, q: Quarter) -> (String, String) {
    match lang {
        Lang::Fa => (
            format!("سه\u{200c}ماهه {}", lang.digits(&q.q.to_string())),
            lang.digits(&q.year.to_string()),
        ),
        Lang::En => (format!("Q{}", q.q), q.year.to_string()),
    }
}

/// A day (days since 1970-01-01) as the language writes it: Jalali with Persian month names in
/// Persian (`۳۰ اسفند ۱۴۰۳`), Gregorian in English (`20 Mar 2025`).
///
/// The Persian text begins with a right-to-left mark (U+200F, invisible): a text that begins with
/// a digit is otherwise laid out left to right by LibreOffice, which shows «اسفند ۱۴۰۳ ۳۰».
pub fn date_label(lang: Lang, day: i32) -> String {
    match lang {
        Lang::Fa => match JalaliDate::from_epoch_day(day) {
            Some(j) => lang.digits(&format!(
                "\u{200F}{} {} {}",
                j.day,
                MONTHS_FA[usize::from(j.month.clamp(1, 12) - 1)],
                j.year
            )),
            None => gregorian_text(day),
        },
        Lang::En => gregorian_text(day),
    }
}

/// A Jalali day in English: `30 Esfand 1403`.
pub fn jalali_en(day: i32) -> Option<String> {
    JalaliDate::from_epoch_day(day).map(|j| {
        format!(
            "{} {} {}",
            j.day,
            MONTHS_JALALI_EN[usize::from(j.month.clamp(1, 12) - 1)],
            j.year
        )
    })
}

fn gregorian_text(day: i32) -> String {
    match from_epoch_day(day) {
        Some(d) => format!(
            "{} {} {}",
            d.day(),
            MONTHS_GREGORIAN_EN[d.month0() as usize],
            d.year()
        ),
        None => String::new(),
    }
}

/// The period of a quarter, S to D, as the language writes it. Persian: Jalali days
/// («۱ دی تا ۳۰ اسفند ۱۴۰۳»); English: the Jalali days and the Gregorian days
/// (`1 Dey – 30 Esfand 1403 (21 Dec 2024 – 20 Mar 2025)`); with Gregorian quarters, English
/// gives the Gregorian days only.
pub fn period_label(lang: Lang, calendar: CalendarKind, start: i32, end: i32) -> String {
    match lang {
        Lang::Fa => format!("{} تا {}", date_label(lang, start), date_label(lang, end)),
        Lang::En => {
            let greg = format!("{} – {}", gregorian_text(start), gregorian_text(end));
            match (calendar, jalali_en(start), jalali_en(end)) {
                (CalendarKind::Jalali, Some(s), Some(e)) => format!("{s} – {e} ({greg})"),
                _ => greg,
            }
        }
    }
}

/// A threshold as the report states it: `above 5%`, «کمتر از ۹۰٪»; `word` is the report file's
/// «above» or «below».
pub fn threshold_label(lang: Lang, word: &str, value: f64, percent: bool) -> String {
    let v = if percent {
        let whole = ((value * 100.0).fract()).abs() < 1e-9;
        format_percent(lang, value, if whole { 0 } else { 1 })
    } else {
        format_number(lang, value, 0)
    };
    format!("{word} {v}")
}

/// The separator between parts of a title: `Q4 1403 · 1 Dey …`, «سه‌ماهه چهارم ۱۴۰۳، ۱ دی …»
/// (a middle dot between Persian digits confuses the order of right-to-left text).
pub fn separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Fa => "، ",
        Lang::En => " · ",
    }
}
