//! Inputs the fuzz targets (`fuzz/`) found, kept so that what they broke stays mended.

use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `cells`: removing a character from between two runs of combining marks joined them, and a
/// second normalization ordered them anew. Normalizing is idempotent again.
#[test]
fn normalization_of_joined_combining_marks_is_idempotent() {
    let text = String::from_utf8_lossy(&fixture("cells-normalize-marks")).into_owned();
    let once = sandogh::text::normalize(&text);
    assert_eq!(sandogh::text::normalize(&once), once);
}

/// `xlsx_file`: a compound file whose sectors point past its end makes calamine's own
/// container reader panic; ingest catches it and quarantines the file.
#[test]
fn a_compound_file_that_panics_calamine_is_quarantined() {
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let out = sandogh::ingest::read_one(&fixture("xlsx-cfb-slice.xls"), "zanjan/x.xlsx", &pipeline);
    let why = out.quarantined.expect("quarantined");
    assert!(why.contains("re-save"), "{why}");
    assert!(out.sheets.is_empty());
}
