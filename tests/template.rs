//! Export templates (`sandogh template`): a blank template ingests as is, every table recognized
//! by its sheet and every header mapped, nothing rejected; a template filled with a sample
//! county's rows (as an office would type them: codes and dates as text, amounts as numbers,
//! the lists' words) lands every one of them with the same values; `--county` fills the funds
//! from the lake; the sheets carry their lists, rules, notes and text formats.

mod common;

use calamine::{Data, Reader};
use common::*;
use polars::prelude::*;
use sandogh::config::Pipeline;
use sandogh::report::i18n::Lang;
use sandogh::schema::Table;
use sandogh::template::{prefill, workbook};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

/// The sample province ingested once, shared by the tests.
fn sample_lake_out() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("template-test");
        let _ = std::fs::remove_dir_all(&out);
        let run = ingest(&sample(), &out);
        assert!(run.code == 0 || run.code == 3, "{}", run.all_output());
        out
    })
}

#[test]
fn a_blank_template_ingests_with_every_table_recognized_and_nothing_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = sandogh([
        OsStr::new("template"),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--lang"),
        OsStr::new("fa,en"),
    ]);
    assert_eq!(run.code, 0, "{}", run.all_output());
    for lang in ["fa", "en"] {
        let name = format!("template-{lang}.xlsx");
        let input = dir.path().join(format!("input-{lang}"));
        put(
            &input,
            &name,
            std::fs::read(out.join("templates").join(&name)).unwrap(),
        );
        let lake_out = dir.path().join(format!("lake-{lang}"));
        let ingested = ingest(&input, &lake_out);
        assert_eq!(ingested.code, 0, "{}", ingested.all_output());
        let report = report(&lake_out.join("lake"));
        let file = &report.files[0];
        assert_eq!(file.status, "read");
        let tables: Vec<&str> = file
            .sheets
            .iter()
            .filter_map(|s| s.table.as_deref())
            .collect();
        let all: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(tables, all, "{lang}: every table, in order");
        for s in &file.sheets {
            if s.table.is_some() {
                assert_eq!(s.status, "read", "{s:?}");
                assert_eq!(s.recognized_by.as_deref(), Some("name"), "{s:?}");
                assert_eq!(s.header_row, Some(1), "{s:?}");
                assert!(s.ignored_columns.is_empty(), "{lang}: {s:?}");
            } else {
                assert_eq!(s.status, "skipped", "the instructions: {s:?}");
            }
        }
        assert_eq!(file.sheets.len(), Table::ALL.len() + 1);
        assert_eq!(report.totals.counts.rows_read, 0);
        assert_eq!(report.totals.warnings, 0, "{:?}", report.warnings);
        assert!(!report.partial());
    }
}

/// Sums and counts of a lake's tables for one county: what must come back unchanged.
fn fingerprint(lake: &Path, county: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for table in Table::ALL {
        let Some(df) = scan(lake, table) else {
            continue;
        };
        let df = df
            .lazy()
            .filter(col("county").eq(lit(county)))
            .collect()
            .unwrap();
        out.insert(format!("{}.rows", table.name()), df.height().to_string());
        for f in table.fields() {
            if !sandogh::lake::stored(table, f.name, f.personal) {
                continue;
            }
            let c = df.column(f.name).unwrap();
            // Every value of the column, as text, sorted: the same rows in any order.
            let mut values: Vec<String> = (0..df.height())
                .map(|i| format!("{}", c.get(i).unwrap()))
                .collect();
            values.sort();
            out.insert(format!("{}.{}", table.name(), f.name), values.join("|"));
        }
    }
    out
}

#[test]
fn a_template_filled_with_a_sample_countys_rows_lands_them_all() {
    let lake = sample_lake_out().join("lake");
    let pipeline = Pipeline::default_pipeline();
    let county = "mahneshan";
    let before = fingerprint(&lake, county);
    assert!(
        before["savings.rows"].parse::<usize>().unwrap() > 100,
        "{before:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    for lang in Lang::ALL {
        let mut rows = BTreeMap::new();
        for table in Table::ALL {
            rows.insert(
                table,
                prefill::lake_rows(&lake, table, county, &pipeline, lang).unwrap(),
            );
        }
        let name = sandogh::report::charts::county_name(&pipeline, county, lang);
        let bytes = workbook::workbook(&workbook::TemplateInputs {
            pipeline: &pipeline,
            lang,
            county: Some((county, name)),
            rows: &rows,
        })
        .unwrap();
        let input = dir.path().join(format!("input-{}", lang.code()));
        put(&input, &format!("{county}/filled.xlsx"), bytes);
        let out = dir.path().join(format!("out-{}", lang.code()));
        let run = ingest(&input, &out);
        assert_eq!(run.code, 0, "{}", run.all_output());
        let report = report(&out.join("lake"));
        assert_eq!(
            report.totals.counts.rejected, 0,
            "{:?}",
            report.reject_reasons
        );
        assert!(report.totals.counts.adds_up());
        let after = fingerprint(&out.join("lake"), county);
        let differ: Vec<&String> = before
            .keys()
            .filter(|k| !k.ends_with("source_row") && before.get(*k) != after.get(*k))
            .collect();
        assert!(differ.is_empty(), "{lang:?}: {differ:?} differ");
    }
}

fn parts(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).expect("entry");
            let mut text = String::new();
            e.read_to_string(&mut text).expect("utf-8 part");
            (e.name().map(|n| n.into_owned()).unwrap_or_default(), text)
        })
        .collect()
}

#[test]
fn a_countys_template_has_its_funds_lists_rules_notes_and_text_codes() {
    let src = sample_lake_out();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A copy of the sample's lake, so that the other tests' folder is left alone.
    std::fs::create_dir_all(&out).unwrap();
    copy_tree(&src.join("lake"), &out.join("lake"));
    let template = |county: &str| {
        sandogh([
            OsStr::new("template"),
            OsStr::new("--out"),
            out.as_os_str(),
            OsStr::new("--county"),
            OsStr::new(county),
        ])
    };
    let run = template("ماهنشان");
    assert_eq!(run.code, 0, "{}", run.all_output());
    let path = out.join("templates").join("template-mahneshan-fa.xlsx");
    let bytes = std::fs::read(&path).unwrap();

    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names[0], "راهنما");
    assert_eq!(names[1], "صندوق‌ها");
    let funds = wb.worksheet_range("صندوق‌ها").unwrap();
    let ids: Vec<String> = funds
        .rows()
        .skip(1)
        .map(|r| match &r[0] {
            Data::String(s) => s.clone(),
            other => panic!("a fund id written as {other:?}, not text"),
        })
        .collect();
    let lake_funds = scan(&out.join("lake"), Table::Funds).unwrap();
    let mut want: Vec<String> = lake_funds
        .lazy()
        .filter(col("county").eq(lit("mahneshan")))
        .collect()
        .unwrap()
        .column("fund_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    want.sort();
    let mut got = ids.clone();
    got.sort();
    assert!(!want.is_empty());
    assert_eq!(got, want, "the county's funds are filled in");
    let header: Vec<String> = funds
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(header[0], "کد صندوق");
    assert_eq!(header[2], "شهرستان");
    assert!(
        funds
            .rows()
            .skip(1)
            .all(|r| r[2] == Data::String("ماهنشان".into())),
        "the county by its Persian name"
    );

    let p = parts(&bytes);
    let sheet = |n: usize| &p[&format!("xl/worksheets/sheet{n}.xml")];
    // Funds (sheet 2): lists for county and fund type; members (sheet 3): the funds' codes
    // offered (a warning only), gender and yes/no lists, date hints.
    assert!(
        sheet(2).contains("<dataValidation type=\"list\""),
        "{}",
        sheet(2)
    );
    assert!(sheet(2).contains("'راهنما'!$C$2:$C$9"), "the 8 counties");
    assert!(
        sheet(3).contains("'صندوق‌ها'!$A$2:$A$5001"),
        "the funds' codes"
    );
    assert!(sheet(3).contains("errorStyle=\"warning\""));
    assert!(
        sheet(3).contains("promptTitle=\"تاریخ شمسی\""),
        "a date hint"
    );
    // Savings (sheet 6: funds, members, loans, installments, savings): amounts in whole rials.
    assert!(sheet(6).contains("INT(D2)"), "{}", sheet(6));
    assert!(
        p["xl/styles.xml"].contains("formatCode=\"@\""),
        "text-formatted columns"
    );
    assert!(
        p.keys().any(|k| k.starts_with("xl/comments")),
        "notes on the headers"
    );
    assert!(p["xl/comments1.xml"].contains("الزامی"));
    assert!(sheet(2).contains("rightToLeft=\"1\""));

    // The same inputs give the same bytes; an unknown county is refused by name.
    let again = template("mahneshan");
    assert_eq!(again.code, 0);
    assert!(std::fs::read(&path).unwrap() == bytes, "identical bytes");
    let bad = template("Atlantis");
    assert_eq!(bad.code, 2, "{}", bad.all_output());
    assert!(
        bad.all_output().contains("«Atlantis» is not a county"),
        "{}",
        bad.all_output()
    );
    assert!(bad.all_output().contains("mahneshan"));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}
