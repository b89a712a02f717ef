//! The sheet scanner on any bytes as a worksheet part: rows or an error, never a panic, and
//! every row within the column limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sandogh::ingest::xlsx::numfmt::NumberKind;
use sandogh::ingest::xlsx::scan::{scan_bytes, Context, ScanLimits};

fuzz_target!(|data: &[u8]| {
    let strings: Vec<std::sync::Arc<str>> = vec!["a".into(), "صندوق".into(), "".into()];
    let styles = [NumberKind::Number, NumberKind::Date, NumberKind::Duration];
    for date1904 in [false, true] {
        let ctx = Context {
            strings: &strings,
            styles: &styles,
            date1904,
        };
        let limits = ScanLimits {
            part_bytes: 1 << 24,
            row_bytes: 1 << 20,
            columns: 16_384,
            ratio_cap: u64::MAX,
            ratio: 200,
        };
        if let Ok(rows) = scan_bytes(data, &ctx, limits) {
            for r in rows {
                assert!(r.cells.len() <= 16_384);
            }
        }
    }
});
