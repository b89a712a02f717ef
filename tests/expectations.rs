//! The outputs of `sample-data/` against committed expectations (`tests/expected/sample-data/`):
//! the lake and the rejects compared as data (every row and value, whatever the codec), the ingest
//! report and `indicators.csv` byte for byte. Any change to how ingest or indicators compute must
//! leave these as they are; a change meant to alter them is re-blessed with `SANDOGH_BLESS=1`
//! and reviewed in the diff.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn sample_data_outputs_match_their_committed_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("temp dir");
    // A relative input path, so that the report's `input` is the same on every machine.
    let run = Command::new(env!("CARGO_BIN_EXE_sandogh"))
        .current_dir(root)
        .args(["run", "--input", "sample-data", "--out"])
        .arg(out.path())
        .output()
        .expect("run sandogh");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let lake = out.path().join("lake");
    common::assert_matches_expected("sample-data/lake.tsv", common::lake_dump(&lake).as_bytes());
    let report = std::fs::read(lake.join("ingest-report.json")).expect("ingest report");
    common::assert_matches_expected("sample-data/ingest-report.json", &report);
    let csv = std::fs::read(out.path().join("indicators/indicators.csv")).expect("indicators.csv");
    common::assert_matches_expected("sample-data/indicators.csv", &csv);
}
