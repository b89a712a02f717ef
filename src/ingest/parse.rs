//! Cells → typed values (contract §3). Every function returns `Ok(None)` for a blank cell and an
//! `Err` whose text says what is wrong with the value and how to write it instead.

use super::read::Cell;
use crate::calendar::{epoch_day, JalaliDate};
use crate::text::{normalize, unit_of, Unit};
use chrono::NaiveDate;

/// A parsed field value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// Blank.
    Null,
    /// Text, ids and enum values (normalized); shared by the rows that hold the same value.
    Str(Text),
    /// Whole numbers and amounts in rials.
    Int(i64),
    /// A day as days since 1970-01-01.
    Date(i32),
    /// Yes/no.
    Bool(bool),
}

/// Shared text: one allocation for every row that holds the same value, and a thin pointer, so
/// that a [`Value`] takes 16 bytes.
pub type Text = std::sync::Arc<String>;

impl Value {
    /// A text value.
    pub fn text(s: impl Into<String>) -> Value {
        Value::Str(Text::new(s.into()))
    }

    /// The text, for ids and enums.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The number, for ints and amounts.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The day, for dates.
    pub fn as_date(&self) -> Option<i32> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// Whether the value is blank.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// A [`Value`] borrowed from where it is kept (a row of [`super::model::Rows`] keeps its
/// values in typed columns, not as `Value`s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueRef<'a> {
    /// Blank.
    Null,
    /// Text, ids and enum values.
    Str(&'a Text),
    /// Whole numbers and amounts in rials.
    Int(i64),
    /// A day as days since 1970-01-01.
    Date(i32),
    /// Yes/no.
    Bool(bool),
}

impl<'a> ValueRef<'a> {
    /// The text, for ids and enums.
    pub fn as_str(self) -> Option<&'a str> {
        match self {
            ValueRef::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The number, for ints and amounts.
    pub fn as_int(self) -> Option<i64> {
        match self {
            ValueRef::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The day, for dates.
    pub fn as_date(self) -> Option<i32> {
        match self {
            ValueRef::Date(d) => Some(d),
            _ => None,
        }
    }

    /// Whether the value is blank.
    pub fn is_null(self) -> bool {
        matches!(self, ValueRef::Null)
    }

    /// The value, owned (text stays shared).
    pub fn to_value(self) -> Value {
        match self {
            ValueRef::Null => Value::Null,
            ValueRef::Str(s) => Value::Str(s.clone()),
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::Date(d) => Value::Date(d),
            ValueRef::Bool(b) => Value::Bool(b),
        }
    }
}

impl Value {
    /// The value, borrowed.
    pub fn view(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Str(s) => ValueRef::Str(s),
            Value::Int(i) => ValueRef::Int(*i),
            Value::Date(d) => ValueRef::Date(*d),
            Value::Bool(b) => ValueRef::Bool(*b),
        }
    }
}

/// An id: numbers lose a `.0` (`1203.0` → `1203`), text is normalized with leading zeros kept.
pub fn parse_id(cell: &Cell) -> Result<Option<String>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(s) => {
            let n = normalize(s);
            Ok((!n.is_empty()).then_some(n))
        }
        Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(format!("{}", *f as i64))),
        Cell::Number(f) => Ok(Some(f.to_string())),
        Cell::Int(i) => Ok(Some(i.to_string())),
        Cell::Bool(_) => Err("a yes/no cell cannot be a code; write the code".into()),
        Cell::Date(_) => {
            Err("the cell is formatted as a date, not a code; format the column as text".into())
        }
        Cell::Error(e) => Err(format!(
            "the cell holds the spreadsheet error {e}; fix the formula or type the value"
        )),
    }
}

/// Free text, normalized; numbers are written as they show.
pub fn parse_text(cell: &Cell) -> Option<String> {
    let s = match cell {
        Cell::Text(s) => normalize(s),
        Cell::Empty | Cell::Error(_) => String::new(),
        other => other.display(),
    };
    (!s.is_empty()).then_some(s)
}

/// Whole rials. A unit word in the cell wins over the column's unit (from its header); toman × 10.
/// Sign is checked here: `-` or parentheses mean negative, which no amount field allows.
pub fn parse_amount(cell: &Cell, column_unit: Option<Unit>) -> Result<Option<i64>, String> {
    let (mantissa, scale, unit) = match cell {
        Cell::Empty => return Ok(None),
        Cell::Int(i) => (i128::from(*i), 0u32, column_unit),
        // A whole number of rials below 9×10^11 (nearly every amount cell): what the general
        // path below gives, since `f × 10^4` is then an exact whole `f64` (< 2^53).
        Cell::Number(f) if (0.0..WHOLE_AMOUNT_BELOW).contains(f) && f.fract() == 0.0 => {
            let factor = if column_unit == Some(Unit::Toman) {
                10
            } else {
                1
            };
            return Ok(Some(*f as i64 * factor));
        }
        Cell::Number(f) => {
            if !f.is_finite() || f.abs() > 1e18 {
                return Err("the number is too large to be an amount; check the cell".into());
            }
            // Spreadsheets store decimals as binary floats: 4 decimal places is all a money cell
            // can mean, and rounding there undoes float noise such as 1200.4999999.
            ((f * 10_000.0).round() as i128, 4, column_unit)
        }
        Cell::Text(s) => {
            let text = normalize(s);
            if text.is_empty() {
                return Ok(None);
            }
            let (m, sc) = parse_decimal_text(&text)?;
            (m, sc, unit_of(&text).or(column_unit))
        }
        Cell::Bool(_) => {
            return Err("a yes/no cell is not an amount; write the amount in rials".into())
        }
        Cell::Date(_) => {
            return Err(
                "the cell is formatted as a date, not an amount; format it as a number".into(),
            )
        }
        Cell::Error(e) => {
            return Err(format!(
                "the cell holds the spreadsheet error {e}; fix the formula or type the amount"
            ))
        }
    };
    if mantissa < 0 {
        return Err("the amount is negative; amounts must be written as positive rials (a withdrawal is a row of kind «برداشت», not a negative amount)".into());
    }
    let factor: i128 = if unit == Some(Unit::Toman) { 10 } else { 1 };
    let scaled = mantissa * factor;
    let div = 10i128.pow(scale);
    if scaled % div != 0 {
        let shown = cell.display();
        return Err(format!(
            "«{shown}» is not a whole number of rials{}; write whole rials",
            if factor == 10 { " (toman × 10)" } else { "" }
        ));
    }
    i64::try_from(scaled / div)
        .map(Some)
        .map_err(|_| "the amount is too large to be a real figure; check the cell".into())
}

/// Whole amounts below this are read from their number cell without the decimal arithmetic of
/// [`parse_amount`]'s general path (which they pass through unchanged).
const WHOLE_AMOUNT_BELOW: f64 = 9.0e11;

/// Parses `1,200,000`, `۱٬۲۰۰٬۰۰۰`, `1 200 000 ریال`, `(500)`, `12.5` into (mantissa, scale).
fn parse_decimal_text(text: &str) -> Result<(i128, u32), String> {
    let unparseable =
        || format!("«{text}» is not an amount; write digits only, e.g. 1200000 or 1,200,000 ریال");
    let mut negative = false;
    let mut digits = String::new();
    let mut scale: Option<u32> = None;
    for c in text.chars() {
        match c {
            '0'..='9' => {
                digits.push(c);
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            ',' | '٬' | '،' | ' ' | '\u{200c}' => {}
            '.' | '٫' | '/' if scale.is_none() => scale = Some(0),
            '-' | '−' | '(' | ')' => negative = true,
            '+' => {}
            c if c.is_alphabetic() => {}
            _ => return Err(unparseable()),
        }
    }
    let letters: String = text.chars().filter(|c| c.is_alphabetic()).collect();
    if !letters.is_empty() && unit_of(text).is_none() {
        return Err(unparseable());
    }
    if digits.is_empty() || digits.len() > 30 {
        return Err(unparseable());
    }
    let mut m: i128 = digits.parse().map_err(|_| unparseable())?;
    if negative {
        m = -m;
    }
    Ok((m, scale.unwrap_or(0)))
}

/// A whole number.
pub fn parse_int(cell: &Cell) -> Result<Option<i64>, String> {
    let not_whole = || {
        format!(
            "«{}» is not a whole number; write digits only",
            cell.display()
        )
    };
    match cell {
        Cell::Empty => Ok(None),
        Cell::Int(i) => Ok(Some(*i)),
        Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(*f as i64)),
        Cell::Number(_) => Err(not_whole()),
        Cell::Text(s) => {
            let t = normalize(s).replace([',', '٬'], "");
            if t.is_empty() {
                return Ok(None);
            }
            let t = t.strip_suffix(".0").unwrap_or(&t);
            t.parse::<i64>().map(Some).map_err(|_| not_whole())
        }
        Cell::Bool(_) | Cell::Date(_) => Err(not_whole()),
        Cell::Error(e) => Err(format!("the cell holds the spreadsheet error {e}")),
    }
}

const DATE_HELP: &str = "write a Jalali date such as 1403/02/15 (or 14030215), or use a date cell";

/// A day: a date cell; a number (8-digit Jalali yyyymmdd, else an Excel serial day); or text
/// `Y/M/D`, `Y-M-D`, `Y.M.D` or `YYYYMMDD` with a 4-digit year (below 1700 = Jalali).
/// Any day outside 1300–1599 SH is rejected.
pub fn parse_date(cell: &Cell) -> Result<Option<i32>, String> {
    let day = match cell {
        Cell::Empty => return Ok(None),
        Cell::Date(d) => *d,
        Cell::Int(i) => number_date(*i as f64)?,
        Cell::Number(f) => number_date(*f)?,
        Cell::Text(s) => {
            let t = normalize(s);
            if t.is_empty() {
                return Ok(None);
            }
            text_date(&t)?
        }
        Cell::Bool(_) => return Err(format!("a yes/no cell is not a date; {DATE_HELP}")),
        Cell::Error(e) => {
            return Err(format!(
                "the cell holds the spreadsheet error {e}; {DATE_HELP}"
            ))
        }
    };
    in_range(day).map(Some)
}

fn in_range(day: i32) -> Result<i32, String> {
    if crate::calendar::calendar_days().contains(&day) {
        Ok(day)
    } else {
        let shown = crate::calendar::from_epoch_day(day)
            .map(|g| g.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "?".into());
        Err(format!(
            "the date {shown} is outside 1300–1599 SH (1921–2221); check the year"
        ))
    }
}

fn number_date(f: f64) -> Result<i32, String> {
    if !f.is_finite() {
        return Err(format!("not a date; {DATE_HELP}"));
    }
    let whole = f.floor();
    if whole == f && (13_000_101.0..=15_991_230.0).contains(&f) {
        let n = f as i64;
        return jalali(n / 10_000, (n / 100) % 100, n % 100, &n.to_string());
    }
    if (1.0..=2_958_465.0).contains(&whole) {
        let serial = whole as i32;
        if serial == 60 {
            return Err("Excel serial day 60 is 1900-02-29, a day that does not exist".into());
        }
        // 1900 date system: serial 1 = 1900-01-01; Excel counts a false 1900-02-29.
        let offset = if serial < 60 { 25_568 } else { 25_569 };
        return Ok(serial - offset);
    }
    Err(format!(
        "the number {} is neither a Jalali yyyymmdd nor an Excel date; {DATE_HELP}",
        Cell::Number(f).display()
    ))
}

fn text_date(t: &str) -> Result<i32, String> {
    // An ISO date-time keeps its date part: `2020-10-14T00:00:00`, `1399/07/15 10:30`.
    let date_part = t.split(['T', ' ']).next().unwrap_or(t);
    let parts: Vec<&str> = date_part.split(['/', '-', '.']).collect();
    let nums = |p: &[&str]| -> Option<Vec<i64>> {
        p.iter()
            .map(|s| {
                (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| s.parse().ok())
                    .flatten()
            })
            .collect()
    };
    let (y, m, d, ylen) = if parts.len() == 3 {
        let Some(n) = nums(&parts) else {
            return Err(format!("«{t}» is not a date; {DATE_HELP}"));
        };
        if parts[2].len() == 4 && parts[0].len() <= 2 {
            return Err(format!(
                "«{t}» puts the year last; write the year first, e.g. 1399/07/15"
            ));
        }
        (n[0], n[1], n[2], parts[0].len())
    } else if parts.len() == 1
        && date_part.len() == 8
        && date_part.bytes().all(|b| b.is_ascii_digit())
    {
        let n: i64 = date_part.parse().unwrap_or(0);
        (n / 10_000, (n / 100) % 100, n % 100, 4)
    } else {
        return Err(format!("«{t}» is not a date; {DATE_HELP}"));
    };
    if ylen <= 2 {
        return Err(format!("«{t}» has a two-digit year, which is ambiguous; write all four digits, e.g. 1399/07/15"));
    }
    if ylen != 4 {
        return Err(format!("«{t}» does not have a 4-digit year; {DATE_HELP}"));
    }
    if y < 1700 {
        jalali(y, m, d, t)
    } else {
        let g = u32::try_from(m)
            .ok()
            .zip(u32::try_from(d).ok())
            .and_then(|(m, d)| NaiveDate::from_ymd_opt(y as i32, m, d));
        g.map(epoch_day).ok_or_else(|| {
            format!("«{t}» is not a day of the Gregorian calendar; check month and day")
        })
    }
}

fn jalali(y: i64, m: i64, d: i64, shown: &str) -> Result<i32, String> {
    let (Ok(y), Ok(m), Ok(d)) = (i32::try_from(y), u8::try_from(m), u8::try_from(d)) else {
        return Err(format!("«{shown}» is not a date; {DATE_HELP}"));
    };
    if !(crate::calendar::FIRST_YEAR..=crate::calendar::LAST_YEAR).contains(&y) {
        return Err(format!(
            "the year {y} is outside 1300–1599 SH; check the year"
        ));
    }
    match JalaliDate::new(y, m, d) {
        Some(j) => Ok(j.to_epoch_day()),
        None if m == 12 && d == 30 => Err(format!(
            "{y}/12/30 does not exist: {y} is not a leap year, so Esfand has 29 days; check the day"
        )),
        None => Err(format!("{y}/{m:02}/{d:02} is not a day of the Jalali calendar (month 1–12, day within the month); check the cell")),
    }
}

const TRUE_WORDS: [&str; 7] = ["بله", "دارد", "yes", "y", "true", "1", "✓"];
const FALSE_WORDS: [&str; 6] = ["خیر", "ندارد", "no", "n", "false", "0"];

/// Yes/no; blank is no.
pub fn parse_bool(cell: &Cell) -> Result<bool, String> {
    match cell {
        Cell::Empty => Ok(false),
        Cell::Bool(b) => Ok(*b),
        Cell::Int(1) => Ok(true),
        Cell::Int(0) => Ok(false),
        Cell::Number(f) if *f == 1.0 => Ok(true),
        Cell::Number(f) if *f == 0.0 => Ok(false),
        other => {
            let k = crate::text::match_key(&other.display());
            if k.is_empty() {
                Ok(false)
            } else if TRUE_WORDS.iter().any(|w| crate::text::match_key(w) == k) {
                Ok(true)
            } else if FALSE_WORDS.iter().any(|w| crate::text::match_key(w) == k) {
                Ok(false)
            } else {
                Err(format!(
                    "«{}» is not yes or no; write بله/خیر (yes/no)",
                    other.display()
                ))
            }
        }
    }
}

/// The contract's national-id check (§4): 8 or 9 digits are left-padded with zeros, then the
/// check digit must hold; ten equal digits are invalid.
pub fn national_id_is_valid(raw: &str) -> bool {
    let digits: String = normalize(raw)
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let padded = match digits.len() {
        8 | 9 => format!("{digits:0>10}"),
        10 => digits,
        _ => return false,
    };
    let d: Vec<u32> = padded.bytes().map(|b| u32::from(b - b'0')).collect();
    if d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let s: u32 = (0..9).map(|i| d[i] * (10 - i as u32)).sum::<u32>() % 11;
    let check = if s < 2 { s } else { 11 - s };
    d[9] == check
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }
    fn ymd(y: i32, m: u32, d: u32) -> Option<i32> {
        NaiveDate::from_ymd_opt(y, m, d).map(epoch_day)
    }

    #[test]
    fn ids() {
        assert_eq!(parse_id(&Cell::Number(1203.0)), Ok(Some("1203".into())));
        assert_eq!(parse_id(&Cell::Int(7)), Ok(Some("7".into())));
        assert_eq!(parse_id(&text(" 0012 ")), Ok(Some("0012".into())));
        assert_eq!(parse_id(&text("ز-۱۲")), Ok(Some("ز-12".into())));
        assert_eq!(parse_id(&Cell::Empty), Ok(None));
        assert!(parse_id(&Cell::Date(0)).is_err());
    }

    #[test]
    fn amounts() {
        let a = |c: Cell, u| parse_amount(&c, u);
        assert_eq!(a(Cell::Number(9_039_000.0), None), Ok(Some(9_039_000)));
        assert_eq!(a(Cell::Int(5), Some(Unit::Toman)), Ok(Some(50)));
        assert_eq!(a(text("1,200,000"), None), Ok(Some(1_200_000)));
        assert_eq!(a(text("۱٬۲۰۰٬۰۰۰"), None), Ok(Some(1_200_000)));
        assert_eq!(a(text("1 200 000 ریال"), None), Ok(Some(1_200_000)));
        assert_eq!(a(text("120,000 تومان"), None), Ok(Some(1_200_000)));
        assert_eq!(
            a(text("120,000 ریال"), Some(Unit::Toman)),
            Ok(Some(120_000)),
            "cell unit wins"
        );
        assert_eq!(a(text("500﷼"), Some(Unit::Toman)), Ok(Some(500)));
        assert_eq!(a(text("120"), Some(Unit::Toman)), Ok(Some(1_200)));
        assert_eq!(a(text("120.5"), Some(Unit::Toman)), Ok(Some(1_205)));
        assert_eq!(a(text("۱۲۰٫۵ تومان"), None), Ok(Some(1_205)));
        assert_eq!(a(Cell::Number(120.5), Some(Unit::Toman)), Ok(Some(1_205)));
        assert!(a(text("120.05 تومان"), None)
            .unwrap_err()
            .contains("whole number of rials"));
        assert!(a(Cell::Number(120.05), Some(Unit::Toman)).is_err());
        assert!(a(Cell::Number(10.5), None).is_err());
        assert!(
            a(Cell::Number(1e300), Some(Unit::Toman)).is_err(),
            "no overflow"
        );
        assert!(a(text("-500"), None).unwrap_err().contains("negative"));
        assert!(a(text("(500)"), None).unwrap_err().contains("negative"));
        assert!(a(Cell::Number(-1.0), None)
            .unwrap_err()
            .contains("negative"));
        assert!(a(text("abc"), None).is_err());
        assert!(a(text("1.2.3"), None).is_err());
        assert_eq!(a(text("  "), None), Ok(None));
        assert_eq!(a(Cell::Empty, None), Ok(None));
    }

    #[test]
    fn whole_number_cells_read_as_their_digits_read() {
        // Both sides of the shortcut for whole numbers, against the text path's reading.
        let below = WHOLE_AMOUNT_BELOW as i64;
        for n in [
            0,
            1,
            7,
            1_034_000,
            123_456_789_012,
            below - 1,
            below,
            below + 1,
            10 * below,
        ] {
            for unit in [None, Some(Unit::Rial), Some(Unit::Toman)] {
                assert_eq!(
                    parse_amount(&Cell::Number(n as f64), unit),
                    parse_amount(&text(&n.to_string()), unit),
                    "{n} {unit:?}"
                );
            }
        }
        assert_eq!(parse_amount(&Cell::Number(-0.0), None), Ok(Some(0)));
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int(&Cell::Number(12.0)), Ok(Some(12)));
        assert_eq!(parse_int(&text("۱۲")), Ok(Some(12)));
        assert!(parse_int(&Cell::Number(1.5)).is_err());
        assert!(parse_int(&text("twelve")).is_err());
    }

    #[test]
    fn dates_in_every_form() {
        let expect = ymd(2020, 10, 14); // 1399/07/23
        assert_eq!(parse_date(&text("1399/07/23")).ok().flatten(), expect);
        assert_eq!(parse_date(&text("1399-7-23")).ok().flatten(), expect);
        assert_eq!(parse_date(&text("1399.07.23")).ok().flatten(), expect);
        assert_eq!(parse_date(&text("۱۳۹۹/۰۷/۲۳")).ok().flatten(), expect);
        assert_eq!(parse_date(&text("13990723")).ok().flatten(), expect);
        assert_eq!(
            parse_date(&Cell::Number(13_990_723.0)).ok().flatten(),
            expect
        );
        assert_eq!(parse_date(&Cell::Int(13_990_723)).ok().flatten(), expect);
        assert_eq!(parse_date(&text("2020-10-14")).ok().flatten(), expect);
        assert_eq!(
            parse_date(&text("2020-10-14T00:00:00")).ok().flatten(),
            expect
        );
        assert_eq!(parse_date(&text("20201014")).ok().flatten(), expect);
        assert_eq!(
            parse_date(&Cell::Number(44_118.0)).ok().flatten(),
            expect,
            "Excel serial"
        );
        assert_eq!(
            parse_date(&Cell::Number(44_118.75)).ok().flatten(),
            expect,
            "time dropped"
        );
        assert_eq!(
            parse_date(&Cell::Date(expect.unwrap_or(0))).ok().flatten(),
            expect
        );
        assert_eq!(
            parse_date(&text("1403/12/30")).ok().flatten(),
            ymd(2025, 3, 20)
        );
        assert!(parse_date(&text("1401/12/30"))
            .unwrap_err()
            .contains("not a leap year"));
        assert!(parse_date(&text("1403/13/01")).is_err());
        assert!(parse_date(&text("1403/01/32")).is_err());
        assert!(parse_date(&text("99/07/15"))
            .unwrap_err()
            .contains("two-digit year"));
        assert!(parse_date(&text("15/07/1399"))
            .unwrap_err()
            .contains("year last"));
        assert!(parse_date(&text("1299/12/29"))
            .unwrap_err()
            .contains("outside"));
        assert!(parse_date(&text("1800-01-01"))
            .unwrap_err()
            .contains("outside"));
        assert!(parse_date(&Cell::Number(100.0))
            .unwrap_err()
            .contains("outside"));
        assert!(parse_date(&Cell::Number(60.0)).is_err());
        assert!(parse_date(&Cell::Number(3_000_000.0)).is_err());
        assert!(parse_date(&text("2021-02-29")).is_err());
        assert!(parse_date(&text("yesterday")).is_err());
        assert_eq!(parse_date(&Cell::Empty), Ok(None));
    }

    #[test]
    fn bools() {
        assert_eq!(parse_bool(&text("بله")), Ok(true));
        assert_eq!(parse_bool(&text("ندارد")), Ok(false));
        assert_eq!(parse_bool(&text("✓")), Ok(true));
        assert_eq!(parse_bool(&text("Y")), Ok(true));
        assert_eq!(parse_bool(&Cell::Number(1.0)), Ok(true));
        assert_eq!(parse_bool(&Cell::Empty), Ok(false));
        assert!(parse_bool(&text("maybe")).is_err());
    }

    #[test]
    fn national_ids() {
        assert!(national_id_is_valid("0499370899"));
        assert!(
            national_id_is_valid("499370899"),
            "Excel dropped the leading zero"
        );
        assert!(national_id_is_valid("۰۴۹۹۳۷۰۸۹۹"));
        assert!(!national_id_is_valid("0499370898"));
        assert!(!national_id_is_valid("1111111111"));
        assert!(!national_id_is_valid("12345"));
        assert!(!national_id_is_valid("abcdefghij"));
        // s < 2: the check digit is s itself. 1·10 + 1·2 = 12 ≡ 1 (mod 11) → check digit 1.
        assert!(national_id_is_valid("1000000011"));
        assert!(!national_id_is_valid("1000000010"));
    }
}
