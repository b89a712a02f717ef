//! An old binary Excel 97–2003 workbook (`tests/fixtures/legacy.xls`, written by
//! `tests/fixtures/make_legacy_xls.py` with xlwt) is read like any other: title rows, number
//! codes, date cells, Jalali numbers, a toman column and a totals row.

use sandogh::ingest::parse::Value;
use sandogh::schema::Table;

#[test]
fn a_biff8_xls_export_is_read() {
    let dir = tempfile::tempdir().expect("temp");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy.xls");
    std::fs::copy(&fixture, dir.path().join("abhar.xls")).expect("copy fixture");
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let ingested = sandogh::ingest::ingest(dir.path(), &pipeline).expect("ingest");
    let file = &ingested.report.files[0];
    assert_eq!(file.status, "read");
    assert_eq!(file.format.as_deref(), Some("xls"));
    assert!(
        file.notes.is_empty(),
        "the extension matches the content: {:?}",
        file.notes
    );
    assert_eq!(
        ingested.report.totals.counts.rejected, 0,
        "{:?}",
        ingested.report.reject_reasons
    );
    let funds = &ingested.decided.landed[&Table::Funds];
    assert_eq!(funds.len(), 2);
    assert_eq!(
        funds.rows.field(0, 0).to_value(),
        Value::text("3101"),
        "a number code loses no digits and gains no .0"
    );
    assert_eq!(
        funds.rows.origin(0).row,
        4,
        "header on row 3 under a title row"
    );
    let oct14 = sandogh::calendar::JalaliDate::new(1399, 7, 23).map(|j| j.to_epoch_day());
    assert_eq!(
        funds.rows.field(0, 5).to_value().as_date(),
        oct14,
        "an Excel date cell"
    );
    let nov = sandogh::calendar::JalaliDate::new(1399, 8, 1).map(|j| j.to_epoch_day());
    assert_eq!(
        funds.rows.field(1, 5).to_value().as_date(),
        nov,
        "a Jalali yyyymmdd number"
    );
    let savings = &ingested.decided.landed[&Table::Savings];
    assert_eq!(savings.len(), 1);
    assert_eq!(
        savings.rows.field(0, 3).to_value(),
        Value::Int(500_000),
        "50,000 toman = 500,000 rials"
    );
    assert_eq!(ingested.report.totals.counts.skipped_total, 1);
}
