//! Properties, checked on generated inputs (proptest): the Jalali calendar round-trips every
//! day it covers; amounts written as offices write them (Latin or Persian digits, thousands
//! separators, a unit word) parse back to the rials they mean; normalization is idempotent and
//! its blank test agrees with it; and the project's xlsx reader reads generated workbooks cell
//! for cell as calamine does.

mod common;

use proptest::prelude::*;
use sandogh::calendar::{CalendarKind, JalaliDate, Quarter};
use sandogh::ingest::parse::{parse_amount, parse_date};
use sandogh::ingest::read::Cell;
use sandogh::text::{normalize, Unit};

/// The epoch days of 1300/01/01 and 1599/12/29.
fn covered_days() -> (i32, i32) {
    let first = JalaliDate::new(1300, 1, 1)
        .expect("1300/01/01")
        .to_epoch_day();
    let last = JalaliDate::new(1599, 12, 29)
        .expect("1599/12/29")
        .to_epoch_day();
    (first, last)
}

fn persian_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('۰' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
            c => c,
        })
        .collect()
}

fn grouped(n: u64, sep: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every day of 1300–1599 SH: epoch day → Jalali → epoch day, as text and back, and its
    /// quarter contains it.
    #[test]
    fn jalali_days_round_trip(offset in 0i32..110_000) {
        let (first, last) = covered_days();
        let day = first + offset % (last - first + 1);
        let j = JalaliDate::from_epoch_day(day).expect("a covered day");
        prop_assert_eq!(j.to_epoch_day(), day);
        prop_assert_eq!(JalaliDate::new(j.year, j.month, j.day), Some(j));
        let text = format!("{}/{:02}/{:02}", j.year, j.month, j.day);
        prop_assert_eq!(parse_date(&Cell::Text(text.as_str().into())), Ok(Some(day)));
        let q = Quarter::containing(CalendarKind::Jalali, day).expect("a quarter");
        let (a, b) = q.bounds(CalendarKind::Jalali).expect("bounds");
        prop_assert!(a <= day && day <= b);
    }

    /// An amount as an office writes it parses back to its rials (a toman is ten).
    #[test]
    fn amounts_round_trip(
        rials in 0u64..1_000_000_000_000_000,
        sep in prop::sample::select(vec!["", ",", "٬", " "]),
        persian in any::<bool>(),
        unit in prop::sample::select(vec!["", " ریال", " rials", " تومان", " toman"]),
    ) {
        let toman = unit.contains("تومان") || unit.contains("toman");
        let written_value = if toman { rials / 10 } else { rials };
        let mut text = format!("{}{unit}", grouped(written_value, sep));
        if persian {
            text = persian_digits(&text);
        }
        let expected = if toman { written_value * 10 } else { written_value };
        let parsed = parse_amount(&Cell::Text(text.as_str().into()), None);
        prop_assert_eq!(parsed, Ok(Some(expected as i64)), "{}", text);
        // A column whose header says toman scales a cell that names no unit.
        if unit.is_empty() {
            let parsed = parse_amount(&Cell::Text(text.as_str().into()), Some(Unit::Toman));
            prop_assert_eq!(parsed, Ok(Some(written_value as i64 * 10)));
        }
        prop_assert_eq!(parse_amount(&Cell::Int(rials as i64), None), Ok(Some(rials as i64)));
    }

    /// Normalizing twice is normalizing once, for any text, Persian and Arabic letter forms,
    /// digits, ZWNJ and spaces among them; a text is blank exactly when it normalizes to nothing.
    #[test]
    fn normalization_is_idempotent(
        s in "[ a-zA-Z0-9۰-۹٠-٩يكىۀةأإآابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی\u{200c}\u{200f}\u{64b}-\u{652}\t\n,.()-]{0,40}"
    ) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once.clone());
        prop_assert_eq!(sandogh::text::is_blank(&s), once.is_empty());
    }
}

/// One generated cell.
#[derive(Debug, Clone)]
enum Gen {
    Blank,
    Text(String),
    Number(f64),
    Int(i32),
    Date(u16, u8, u8),
    Bool(bool),
}

fn cell() -> impl Strategy<Value = Gen> {
    prop_oneof![
        2 => Just(Gen::Blank),
        3 => "[a-zA-Zآ-ی0-9 <>&\"'_]{0,12}".prop_map(Gen::Text),
        2 => (-1e12f64..1e12).prop_map(Gen::Number),
        2 => any::<i32>().prop_map(Gen::Int),
        1 => (1950u16..2050, 1u8..13, 1u8..29).prop_map(|(y, m, d)| Gen::Date(y, m, d)),
        1 => any::<bool>().prop_map(Gen::Bool),
    ]
}

fn workbook(sheets: &[Vec<Vec<Gen>>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for rows in sheets {
        let ws = wb.add_worksheet();
        for (r, cells) in rows.iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                let (r, c) = (r as u32 * 2, c as u16);
                let _ = match v {
                    Gen::Blank => continue,
                    Gen::Text(t) => ws.write_string(r, c, t.as_str()).map(|_| ()),
                    Gen::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                    Gen::Int(i) => ws.write_number(r, c, f64::from(*i)).map(|_| ()),
                    Gen::Date(y, m, d) => {
                        match rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d) {
                            Ok(dt) => ws.write_datetime_with_format(r, c, &dt, &date).map(|_| ()),
                            Err(_) => continue,
                        }
                    }
                    Gen::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
                };
            }
        }
    }
    wb.save_to_buffer().expect("xlsx to buffer")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The project's xlsx reader and calamine read every generated workbook alike: shared
    /// strings, numbers, dates, booleans, blank rows between rows (inline strings are in the
    /// fixtures of `tests/xlsx_reader.rs`).
    #[test]
    fn the_xlsx_reader_reads_generated_workbooks_as_calamine_does(
        sheets in prop::collection::vec(
            prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..12),
            1..3,
        ),
    ) {
        let bytes = workbook(&sheets);
        common::same_as_calamine("a generated workbook", &bytes);
    }
}
