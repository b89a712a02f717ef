//! A county's own settings in the pipeline file: header aliases only its office uses and the
//! unit of amount columns that name none. Two counties send the same unusual savings export;
//! only the county whose settings name the header and the unit gets them.

#[macro_use]
mod common;

use common::*;
use sandogh::config::DEFAULT_PIPELINE;
use sandogh::schema::Table;
use std::ffi::OsStr;
use std::path::Path;

/// A county's ledger whose savings sheet calls the amount «سپرده» (no unit word anywhere).
fn ledger(fund: &str, county: &str) -> Vec<u8> {
    xlsx(&[
        sheet(
            "funds",
            vec![
                row!["fund_id", "fund_name", "county", "established_on"],
                row![fund, "صندوق", county, "1398/03/01"],
            ],
        ),
        sheet(
            "members",
            vec![
                row!["fund_id", "member_id", "joined_on"],
                row![fund, 1, "1398/04/01"],
            ],
        ),
        sheet(
            "savings",
            vec![
                row!["fund_id", "member_id", "date", "سپرده"],
                row![fund, 1, "1398/05/01", 12_000],
            ],
        ),
    ])
}

fn pipeline_with_tarom_settings() -> String {
    let tarom = "slug = \"tarom\"\nfa = \"طارم\"\nen = \"Tarom\"\nother_names = [\"Tarum\"]\n";
    assert!(
        DEFAULT_PIPELINE.contains(tarom),
        "the default pipeline lists tarom"
    );
    DEFAULT_PIPELINE.replace(
        tarom,
        &format!(
            "{tarom}\n[counties.aliases.savings]\namount = [\"سپرده\"]\n\n[counties.units.savings]\namount = \"toman\"\n"
        ),
    )
}

fn run_ingest(input: &Path, out: &Path, pipeline: &Path) -> Run {
    sandogh([
        OsStr::new("ingest"),
        OsStr::new("--input"),
        input.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--pipeline"),
        pipeline.as_os_str(),
    ])
}

#[test]
fn a_countys_aliases_and_units_apply_to_its_files_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    // The folder names the county in another spelling the pipeline lists.
    put(&input, "Tarum/ledger.xlsx", ledger("T1", "طارم"));
    put(&input, "abhar/ledger.xlsx", ledger("A1", "ابهر"));
    let pipeline = dir.path().join("pipeline.toml");
    std::fs::write(&pipeline, pipeline_with_tarom_settings()).expect("write pipeline");
    let out = dir.path().join("out");
    let run = run_ingest(&input, &out, &pipeline);
    let lake = out.join("lake");
    let savings = scan(&lake, Table::Savings).expect("savings landed");
    let funds = strings(&savings, "fund_id");
    let amounts = ints(&savings, "amount");
    let landed: Vec<(Option<String>, Option<i64>)> = funds.into_iter().zip(amounts).collect();
    // Tarom's «سپرده» is the amount, in tomans: 12,000 toman = 120,000 rials.
    assert_eq!(
        landed,
        vec![(Some("T1".to_owned()), Some(120_000))],
        "{}",
        run.all_output()
    );
    // Abhar's office has no such alias: its savings sheet lacks an amount column and is
    // quarantined, saying which field is missing.
    let report = std::fs::read_to_string(lake.join("ingest-report.json")).expect("report");
    assert!(
        report.contains("abhar/ledger.xlsx") && report.contains("missing: amount"),
        "{report}"
    );
    // Without the settings, Tarom's sheet is not read either.
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, DEFAULT_PIPELINE).expect("write pipeline");
    let out2 = dir.path().join("out2");
    run_ingest(&input, &out2, &plain);
    assert!(scan(&out2.join("lake"), Table::Savings).is_none());
}

#[test]
fn a_unit_on_a_field_that_is_no_amount_is_an_error_naming_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = pipeline_with_tarom_settings().replace(
        "[counties.units.savings]\namount = \"toman\"",
        "[counties.units.savings]\ndate = \"toman\"",
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("date = \"toman\""))
        .expect("the line")
        + 1;
    let pipeline = dir.path().join("p.toml");
    std::fs::write(&pipeline, &text).expect("write pipeline");
    std::fs::create_dir_all(dir.path().join("in")).expect("input");
    let run = run_ingest(&dir.path().join("in"), &dir.path().join("out"), &pipeline);
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains(&format!(
            "line {line}: counties[4].units.savings.date: date is not an amount field of savings"
        )),
        "{}",
        run.stderr
    );
    let text = pipeline_with_tarom_settings()
        .replace("[counties.aliases.savings]", "[counties.aliases.saving]");
    std::fs::write(&pipeline, &text).expect("write pipeline");
    let run = run_ingest(&dir.path().join("in"), &dir.path().join("out"), &pipeline);
    assert!(
        run.stderr
            .contains("counties[4].aliases.saving: no such table"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("out/lake").exists());
}

#[test]
fn a_file_over_a_limit_is_quarantined_naming_the_setting_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    put(&input, "tarom/ledger.xlsx", ledger("T1", "طارم"));
    let wide = xlsx(&[sheet(
        "funds",
        vec![
            row!["fund_id", "fund_name", "county", "established_on", "note"],
            row!["A1", "صندوق", "ابهر", "1398/03/01", "x"],
        ],
    )]);
    put(&input, "abhar/wide.xlsx", wide);
    let pipeline = dir.path().join("p.toml");
    std::fs::write(
        &pipeline,
        format!("{DEFAULT_PIPELINE}\n[limits]\ncolumns = 4\n"),
    )
    .expect("write pipeline");
    let out = dir.path().join("out");
    let run = run_ingest(&input, &out, &pipeline);
    // Partial: one file quarantined, the other landed.
    assert_eq!(run.code, 3, "{}", run.all_output());
    let lake = out.join("lake");
    let report = std::fs::read_to_string(lake.join("ingest-report.json")).expect("report");
    assert!(
        report.contains("a row has a cell beyond column 4 ([limits] columns)"),
        "{report}"
    );
    let funds = scan(&lake, Table::Funds).expect("funds landed");
    assert_eq!(strings(&funds, "fund_id"), vec![Some("T1".to_owned())]);

    std::fs::write(
        &pipeline,
        format!("{DEFAULT_PIPELINE}\n[limits]\nfile_mb = 0\n"),
    )
    .expect("write pipeline");
    let run = run_ingest(&input, &dir.path().join("out2"), &pipeline);
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("limits.file_mb = 0 would read nothing"),
        "{}",
        run.stderr
    );
}

/// A workbook only the general reader (calamine) reads, which holds whole sheets in memory, is
/// inflated and measured first: over `[limits] calamine_inflated_mb` it is quarantined unread.
#[test]
fn a_workbook_for_the_general_reader_is_measured_before_it_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    let ods = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data/khorramdarreh/khorramdarreh-1403.ods");
    put(
        &input,
        "khorramdarreh/k.ods",
        std::fs::read(&ods).expect("the sample .ods"),
    );
    let pipeline = dir.path().join("p.toml");
    // The sample .ods inflates to about 2.9 MB.
    for (limit, quarantined) in [(1, true), (4, false)] {
        std::fs::write(
            &pipeline,
            format!("{DEFAULT_PIPELINE}\n[limits]\ncalamine_inflated_mb = {limit}\n"),
        )
        .expect("write pipeline");
        let out = dir.path().join(format!("out{limit}"));
        let run = run_ingest(&input, &out, &pipeline);
        let report = std::fs::read_to_string(out.join("lake/ingest-report.json")).expect("report");
        assert_eq!(
            report.contains(
                "the workbook inflates to more than 1 MB ([limits] calamine_inflated_mb)"
            ),
            quarantined,
            "{}",
            run.all_output()
        );
        assert_eq!(run.code, if quarantined { 3 } else { 0 });
    }
}

/// A file with more rows or cells than `[limits]` allow is quarantined naming the setting,
/// whether the project's xlsx reader or the CSV reader read it; the other files land.
#[test]
fn files_over_the_row_or_cell_limit_are_quarantined() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    put(&input, "tarom/ledger.xlsx", ledger("T1", "طارم"));
    put(
        &input,
        "abhar/funds.csv",
        "fund_id,fund_name,county,established_on\nA1,صندوق,ابهر,1398/03/01\nA2,صندوق,ابهر,1398/03/01\nA3,صندوق,ابهر,1398/03/01\n",
    );
    put(
        &input,
        "ijrud/funds.csv",
        "fund_id,fund_name,county,established_on\nJ1,صندوق,ایجرود,1398/03/01\n",
    );
    let pipeline = dir.path().join("p.toml");
    for (setting, value) in [("rows_per_file", 3), ("cells_per_file", 9)] {
        std::fs::write(
            &pipeline,
            format!("{DEFAULT_PIPELINE}\n[limits]\n{setting} = {value}\n"),
        )
        .expect("write pipeline");
        let out = dir.path().join(setting);
        let run = run_ingest(&input, &out, &pipeline);
        assert_eq!(run.code, 3, "{}", run.all_output());
        let report = std::fs::read_to_string(out.join("lake/ingest-report.json")).expect("report");
        // The ledger (3 sheets of 2 rows, 12 cells) and abhar's 4 lines (16 cells) are over;
        // ijrud's 2 lines (8 cells) are not.
        assert_eq!(
            report.matches(&format!("([limits] {setting})")).count(),
            2,
            "{report}"
        );
        let funds = scan(&out.join("lake"), Table::Funds).expect("funds");
        assert_eq!(strings(&funds, "fund_id"), vec![Some("J1".to_owned())]);
    }
}

/// `[limits] earliest_year` and `latest_year` narrow the date window: a date outside it
/// rejects its row naming the setting; a window outside the contract's 1300–1599 or reversed is
/// refused with its line.
#[test]
fn the_date_window_of_the_limits_rejects_rows_outside_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    put(
        &input,
        "abhar/funds.csv",
        "fund_id,fund_name,county,established_on\nA1,صندوق,ابهر,1398/03/01\nA2,صندوق,ابهر,1388/03/01\nA3,صندوق,ابهر,1405/01/01\n",
    );
    let pipeline = dir.path().join("p.toml");
    std::fs::write(
        &pipeline,
        format!("{DEFAULT_PIPELINE}\n[limits]\nearliest_year = 1390\nlatest_year = 1404\n"),
    )
    .expect("write pipeline");
    let out = dir.path().join("out");
    let run = run_ingest(&input, &out, &pipeline);
    assert_eq!(
        run.code,
        0,
        "rows rejected, nothing quarantined: {}",
        run.all_output()
    );
    let funds = scan(&out.join("lake"), Table::Funds).expect("funds");
    assert_eq!(strings(&funds, "fund_id"), vec![Some("A1".to_owned())]);
    let reasons: Vec<String> = rejects(&out.join("lake"))
        .into_iter()
        .map(|r| r.reason.unwrap_or_default())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].contains("1388/03/01 is before 1390")
            && reasons[0].contains("[limits] earliest_year"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("1405/01/01 is after 1404")
            && reasons[1].contains("[limits] latest_year"),
        "{reasons:?}"
    );

    for (limits, said) in [
        ("latest_year = 1700", "limits.latest_year = 1700 is outside"),
        (
            "earliest_year = 1400\nlatest_year = 1399",
            "is after latest_year",
        ),
        (
            "in_flight_mb = 0",
            "limits.in_flight_mb = 0 would read nothing",
        ),
    ] {
        std::fs::write(
            &pipeline,
            format!("{DEFAULT_PIPELINE}\n[limits]\n{limits}\n"),
        )
        .expect("write pipeline");
        let run = run_ingest(&input, &dir.path().join("bad"), &pipeline);
        assert_eq!(run.code, 2, "{}", run.all_output());
        assert!(
            run.all_output().contains(said),
            "{said}: {}",
            run.all_output()
        );
        assert!(
            run.all_output().contains("line "),
            "names the line: {}",
            run.all_output()
        );
    }
}
