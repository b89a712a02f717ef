//! Whole-file ingest of one CSV file (CSV by its name: UTF-8, UTF-16 or Windows-1256): every
//! sheet located and every row parsed or rejected, never a panic, and the rows add up.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let out = sandogh::ingest::read_one(data, "zanjan/fuzz.csv", &pipeline);
    for s in &out.sheets {
        let p = &s.parsed;
        assert_eq!(
            p.rows_read,
            p.records.len() as u64
                + p.rejects.len() as u64
                + p.skipped_blank
                + p.skipped_total,
            "rows add up"
        );
    }
});
