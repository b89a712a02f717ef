//! Corrections workbooks for county offices (`sandogh feedback`, and the feedback step of
//! `sandogh run`): every rejected row and warning of the sample province lands in the workbook of
//! the office that made it, in file, sheet and row order, with the reason ingest wrote; rows of
//! no county go to the province's workbook; a cascade names its first row to fix; text that looks
//! like a formula stays text; the sheets are right to left in Persian, filtered, frozen and
//! print-ready; and the bytes are the same on every run.

mod common;

use calamine::{Data, Reader};
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A rejected row as the workbook shows it: file, sheet, row, column, reason.
type Shown = (String, String, i64, String, String);

/// One `sandogh run` of the bundled sample province, shared by the tests.
fn sample_out() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("feedback-test");
        let _ = std::fs::remove_dir_all(&base);
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        let run = sandogh([
            OsStr::new("run"),
            OsStr::new("--input"),
            sample.as_os_str(),
            OsStr::new("--out"),
            base.as_os_str(),
            OsStr::new("--quiet"),
        ]);
        assert_eq!(run.code, 0, "{}", run.all_output());
        base
    })
}

/// The cells of one sheet as text (numbers as integers), row by row.
fn sheet_cells(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = calamine::open_workbook_auto(path).expect("open workbook");
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("{} has no sheet {sheet}: {e}", path.display()));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => format!("{other}"),
                })
                .collect()
        })
        .collect()
}

/// The parts of an xlsx by name.
fn parts(path: &Path) -> BTreeMap<String, String> {
    let bytes = std::fs::read(path).expect("read workbook");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).expect("entry");
            let mut text = String::new();
            e.read_to_string(&mut text).expect("utf-8 part");
            (e.name().map(|n| n.into_owned()).unwrap_or_default(), text)
        })
        .collect()
}

/// The workbook file stem of a county slug (or of no county).
fn recipient(county: Option<&str>) -> String {
    match county {
        Some(c) if !c.is_empty() && c != "_province" && c != "unknown" => c.to_owned(),
        _ => "_province".to_owned(),
    }
}

#[test]
fn every_rejected_row_and_warning_of_the_sample_is_in_its_offices_workbook_in_order() {
    let out = sample_out();
    let lake = out.join("lake");
    let report = report(&lake);
    let rejects = rejects(&lake);
    assert!(rejects.len() > 40, "the sample rejects rows");
    let file_county: BTreeMap<&str, Option<&str>> = report
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.county.as_deref()))
        .collect();
    let sheet_pos = |file: &str, sheet: Option<&str>| {
        report
            .files
            .iter()
            .find(|f| f.path == file)
            .and_then(|f| f.sheets.iter().position(|s| s.sheet.as_deref() == sheet))
            .expect("the reject's sheet is in the report")
    };
    // What each office should be sent, worked out here from the rejects table.
    let mut expected: BTreeMap<String, Vec<Shown>> = BTreeMap::new();
    for r in &rejects {
        let file = r.source_file.clone().unwrap();
        let county = r
            .county
            .as_deref()
            .or_else(|| file_county.get(file.as_str()).copied().flatten());
        expected.entry(recipient(county)).or_default().push((
            file,
            r.source_sheet.clone().unwrap_or_default(),
            r.source_row.unwrap(),
            r.column.clone().unwrap_or_default(),
            r.reason.clone().unwrap(),
        ));
    }
    let mut warned: BTreeMap<String, usize> = BTreeMap::new();
    for w in &report.warnings {
        let county = w
            .county
            .as_deref()
            .or_else(|| file_county.get(w.file.as_str()).copied().flatten());
        *warned.entry(recipient(county)).or_default() += 1;
    }
    let recipients: BTreeSet<String> = expected.keys().chain(warned.keys()).cloned().collect();
    assert!(recipients.len() >= 6, "{recipients:?}");

    let dir = out.join("feedback");
    let written: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("feedback folder")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let wanted: BTreeSet<String> = recipients
        .iter()
        .flat_map(|r| [format!("{r}-fa.xlsx"), format!("{r}-en.xlsx")])
        .collect();
    assert_eq!(written, wanted, "one workbook per office and language");

    let mut seen = 0;
    for who in &recipients {
        let mut want = expected.get(who).cloned().unwrap_or_default();
        want.sort_by_key(|(f, s, r, _, _)| {
            (
                f.clone(),
                sheet_pos(f, (!s.is_empty()).then_some(s.as_str())),
                *r,
            )
        });
        for (lang, sheet, warnings) in [
            ("fa", "ردیف‌های ردشده", "هشدارها"),
            ("en", "Rejected rows", "Warnings"),
        ] {
            let path = dir.join(format!("{who}-{lang}.xlsx"));
            let rows = sheet_cells(&path, sheet);
            let header = &rows[0];
            assert_eq!(header.len(), 10, "{}", path.display());
            let got: Vec<Shown> = rows[1..]
                .iter()
                .filter(|r| !(want.is_empty() && r.iter().skip(1).all(String::is_empty)))
                .map(|r| {
                    (
                        r[0].clone(),
                        r[1].clone(),
                        r[2].parse::<f64>().unwrap_or(-1.0) as i64,
                        r[3].clone(),
                        r[5].clone(),
                    )
                })
                .collect();
            assert_eq!(
                got,
                want,
                "{} holds its office's rejects in order",
                path.display()
            );
            let warning_rows = sheet_cells(&path, warnings).len() - 1;
            let want_warnings = warned.get(who).copied().unwrap_or(0);
            assert_eq!(
                warning_rows,
                want_warnings.max(1),
                "{} warnings (a «none» line when there are none)",
                path.display()
            );
            if lang == "en" {
                seen += want.len();
            }
        }
    }
    assert_eq!(
        seen,
        rejects.len(),
        "every reject is in exactly one workbook"
    );

    // A cascade names the row to fix first; its reason says the same.
    let zanjan = sheet_cells(&dir.join("zanjan-en.xlsx"), "Rejected rows");
    let cascade = zanjan
        .iter()
        .find(|r| r[9] == "rejected_parent")
        .expect("the sample has cascades in zanjan");
    assert!(
        cascade[6].starts_with("zanjan/zanjan-1403.xlsx › "),
        "{cascade:?}"
    );
    assert!(cascade[6].contains(" › row "), "{cascade:?}");

    // The summary counts every file of the office.
    let summary = sheet_cells(&dir.join("soltaniyeh-en.xlsx"), "Summary");
    let line = summary
        .iter()
        .find(|r| r[0] == "soltaniyeh/soltaniyeh-1403.xlsx" && r[1] == "all")
        .expect("the file's line");
    let file = report
        .files
        .iter()
        .find(|f| f.path == "soltaniyeh/soltaniyeh-1403.xlsx")
        .unwrap();
    assert_eq!(
        line[3..8],
        [
            file.counts.rows_read,
            file.counts.landed,
            file.counts.rejected,
            file.counts.skipped(),
            file.counts.warned
        ]
        .map(|n| n.to_string())
    );
}

#[test]
fn the_workbooks_are_right_to_left_in_persian_filtered_frozen_print_ready_and_dated_once() {
    let dir = sample_out().join("feedback");
    for lang in ["fa", "en"] {
        let p = parts(&dir.join(format!("zanjan-{lang}.xlsx")));
        let sheets: Vec<&String> = p
            .iter()
            .filter(|(n, _)| n.starts_with("xl/worksheets/sheet"))
            .map(|(_, t)| t)
            .collect();
        assert_eq!(sheets.len(), 3);
        for s in &sheets {
            assert_eq!(s.contains("rightToLeft=\"1\""), lang == "fa", "{lang}");
            assert!(s.contains("<autoFilter "), "autofilter");
            assert!(s.contains("state=\"frozen\""), "frozen header");
            assert!(s.contains("orientation=\"landscape\""), "landscape");
            assert!(s.contains("paperSize=\"9\""), "A4");
            assert!(s.contains("fitToHeight=\"0\""), "one page wide");
            assert!(!s.contains("<f>"), "no formula anywhere");
        }
        assert!(
            p["xl/workbook.xml"].contains("_xlnm.Print_Titles"),
            "header row repeated"
        );
        assert!(
            p["docProps/core.xml"].contains("1980-01-01T00:00:00Z"),
            "a fixed creation date"
        );
    }
}

#[test]
fn rows_of_no_county_go_to_the_province_cascades_name_their_first_row_and_bytes_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    let out = dir.path().join("out");
    // At the input's root, not in a county's folder: a fund whose county cannot be told (its
    // value looks like a formula) and a file that is no workbook.
    put(
        &input,
        "funds.csv",
        csv_text(
            &[
                &["fund_id", "fund_name", "county", "established_on"],
                &["90001", "صندوق نمونه", "=1+2", "1400/01/15"],
            ],
            ',',
            "\n",
        ),
    );
    put(&input, "broken.xlsx", noise(4096, 7));
    // In abhar's folder: a fund with a bad date, and its member, rejected with it.
    put(
        &input,
        "abhar/funds.csv",
        csv_text(
            &[
                &["fund_id", "fund_name", "county", "established_on"],
                &["12001", "صندوق یک", "abhar", "1400/01/15"],
                &["12002", "صندوق دو", "abhar", "1400/13/40"],
            ],
            ',',
            "\n",
        ),
    );
    put(
        &input,
        "abhar/members.csv",
        csv_text(
            &[
                &["fund_id", "member_id", "joined_on"],
                &["12001", "1", "1400/02/01"],
                &["12002", "1", "1400/02/01"],
            ],
            ',',
            "\n",
        ),
    );
    let ingest = ingest(&input, &out);
    assert_eq!(
        ingest.code,
        3,
        "a file quarantined: {}",
        ingest.all_output()
    );
    let feedback = |langs: &str| {
        sandogh([
            OsStr::new("feedback"),
            OsStr::new("--out"),
            out.as_os_str(),
            OsStr::new("--lang"),
            OsStr::new(langs),
        ])
    };
    let run = feedback("fa,en");
    assert_eq!(run.code, 0, "{}", run.all_output());
    let fb = out.join("feedback");
    let names: BTreeSet<String> = std::fs::read_dir(&fb)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let want: BTreeSet<String> = [
        "_province-fa.xlsx",
        "_province-en.xlsx",
        "abhar-fa.xlsx",
        "abhar-en.xlsx",
    ]
    .map(String::from)
    .into();
    assert_eq!(names, want);

    let province = sheet_cells(&fb.join("_province-en.xlsx"), "Rejected rows");
    assert_eq!(province.len(), 2, "{province:?}");
    assert_eq!(province[1][0], "funds.csv");
    assert_eq!(province[1][4], "=1+2", "the value as written, as text");
    let p = parts(&fb.join("_province-en.xlsx"));
    assert!(
        p.values().all(|t| !t.contains("<f>")),
        "written as text, not as a formula"
    );
    assert!(
        p["xl/styles.xml"].contains("quotePrefix=\"1\""),
        "with a quote prefix"
    );
    let summary = sheet_cells(&fb.join("_province-en.xlsx"), "Summary");
    let broken = summary
        .iter()
        .find(|r| r[0] == "broken.xlsx")
        .expect("the quarantined file is listed");
    assert_eq!(broken[2], "not read (quarantined)");
    assert!(!broken[8].is_empty(), "with its reason");

    let abhar = sheet_cells(&fb.join("abhar-en.xlsx"), "Rejected rows");
    assert_eq!(abhar.len(), 3, "{abhar:?}");
    assert_eq!(
        (abhar[1][0].as_str(), abhar[1][2].as_str()),
        ("abhar/funds.csv", "3")
    );
    assert_eq!(abhar[1][6], "", "its own fault: nothing to fix first");
    assert_eq!(
        (abhar[2][0].as_str(), abhar[2][2].as_str()),
        ("abhar/members.csv", "3")
    );
    assert_eq!(abhar[2][6], "abhar/funds.csv › line 3");
    let abhar_fa = sheet_cells(&fb.join("abhar-fa.xlsx"), "ردیف‌های ردشده");
    assert_eq!(abhar_fa[2][6], "abhar/funds.csv › سطر 3");
    assert_eq!(abhar_fa[0][0], "پرونده");

    let before: Vec<Vec<u8>> = want
        .iter()
        .map(|n| std::fs::read(fb.join(n)).unwrap())
        .collect();
    let again = feedback("fa,en");
    assert_eq!(again.code, 0);
    let after: Vec<Vec<u8>> = want
        .iter()
        .map(|n| std::fs::read(fb.join(n)).unwrap())
        .collect();
    assert!(before == after, "identical inputs give identical bytes");

    // Persian by default; the folder holds the last run's workbooks only.
    let fa_only = sandogh([OsStr::new("feedback"), OsStr::new("--out"), out.as_os_str()]);
    assert_eq!(fa_only.code, 0);
    let names: BTreeSet<String> = std::fs::read_dir(&fb)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["_province-fa.xlsx", "abhar-fa.xlsx"]
            .map(String::from)
            .into()
    );
}

#[test]
fn feedback_without_a_lake_says_to_ingest_first() {
    let dir = tempfile::tempdir().unwrap();
    let run = sandogh([
        OsStr::new("feedback"),
        OsStr::new("--out"),
        dir.path().as_os_str(),
    ]);
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.all_output().contains("sandogh ingest"),
        "{}",
        run.all_output()
    );
}
