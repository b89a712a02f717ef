//! Cell parsing: dates, amounts, whole numbers, ids, booleans, text normalization and quarters,
//! from text and from numbers. Nothing may panic (overflow checks are on), and normalization
//! is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sandogh::calendar::Quarter;
use sandogh::ingest::parse;
use sandogh::ingest::read::Cell;
use sandogh::text::{normalize, Unit};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let normal = normalize(&text);
    assert_eq!(normalize(&normal), normal, "normalization is idempotent");
    let _ = sandogh::text::match_key(&text);
    let _ = sandogh::text::unit_of(&text);
    let mut cells = vec![Cell::Text(text.as_ref().into())];
    if data.len() >= 8 {
        let mut n = [0u8; 8];
        n.copy_from_slice(&data[..8]);
        cells.push(Cell::Number(f64::from_le_bytes(n)));
        cells.push(Cell::Int(i64::from_le_bytes(n)));
        cells.push(Cell::Date(i32::from_le_bytes([n[0], n[1], n[2], n[3]])));
    }
    for cell in &cells {
        let _ = parse::parse_date(cell);
        for unit in [None, Some(Unit::Rial), Some(Unit::Toman)] {
            let _ = parse::parse_amount(cell, unit);
        }
        let _ = parse::parse_int(cell);
        let _ = parse::parse_id(cell);
        let _ = parse::parse_bool(cell);
        let _ = parse::parse_text(cell);
    }
    let _ = parse::national_id_is_valid(&text);
    if let Some(q) = Quarter::parse(&text) {
        let _ = (q.next(), q.prev(), q.label_fa());
        for calendar in [
            sandogh::calendar::CalendarKind::Jalali,
            sandogh::calendar::CalendarKind::Gregorian,
        ] {
            if let Some((first, last)) = q.bounds(calendar) {
                assert!(first <= last);
                assert_eq!(Quarter::containing(calendar, first), Some(q));
            }
        }
    }
});
