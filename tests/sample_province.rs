//! The bundled sample province end to end: `sandogh run` on `sample-data/` lands every row it
//! can, keeps personal data out of every output, and reproduces the seed article's figures.

use polars::prelude::*;
use sandogh::schema::Table;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

/// Runs the whole pipeline once for every test of this file.
fn out() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, i32)> = OnceLock::new();
    let (dir, code) = OUT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let status = Command::new(env!("CARGO_BIN_EXE_sandogh"))
            .args(["run", "--input"])
            .arg(sample_dir())
            .arg("--out")
            .arg(dir.path())
            .status()
            .expect("run sandogh");
        (dir, status.code().unwrap_or(-1))
    });
    assert_eq!(*code, 0, "sandogh run on sample-data must succeed");
    dir.path()
}

fn report() -> serde_json::Value {
    let text =
        std::fs::read_to_string(out().join("lake").join("ingest-report.json")).expect("report");
    serde_json::from_str(&text).expect("report json")
}

#[test]
fn every_row_is_landed_rejected_or_skipped() {
    let r = report();
    let mut sheets = 0;
    for f in r["files"].as_array().expect("files") {
        for s in f["sheets"].as_array().expect("sheets") {
            let n = |k: &str| s[k].as_u64().unwrap_or(0);
            assert_eq!(
                n("rows_read"),
                n("landed")
                    + n("rejected")
                    + n("skipped_blank")
                    + n("skipped_total")
                    + n("skipped_duplicate"),
                "{} › {}",
                f["path"],
                s["sheet"]
            );
            sheets += 1;
        }
        let per_file = |k: &str| f[k].as_u64().unwrap_or(0);
        let sum_of_sheets = |k: &str| -> u64 {
            f["sheets"]
                .as_array()
                .map_or(0, |a| a.iter().map(|s| s[k].as_u64().unwrap_or(0)).sum())
        };
        for k in [
            "rows_read",
            "landed",
            "rejected",
            "skipped_blank",
            "skipped_total",
            "skipped_duplicate",
        ] {
            assert_eq!(per_file(k), sum_of_sheets(k), "{} {k}", f["path"]);
        }
        assert_eq!(
            per_file("rows_read"),
            per_file("landed")
                + per_file("rejected")
                + per_file("skipped_blank")
                + per_file("skipped_total")
                + per_file("skipped_duplicate"),
            "{}",
            f["path"]
        );
    }
    assert!(
        sheets >= 30,
        "every county's tables were read: {sheets} sheets"
    );
    let t = &r["totals"];
    assert_eq!(t["files_quarantined"], 0);
    assert!(
        t["rejected"].as_u64().unwrap_or(0) > 0,
        "the sample has deliberate bad rows"
    );
    assert!(
        t["skipped_total"].as_u64().unwrap_or(0) > 0,
        "zanjan's totals rows are skipped"
    );
    // landed rows in the lake = landed in the report
    let lake = out().join("lake");
    let mut landed = 0;
    for table in Table::ALL {
        if let Some(lf) = sandogh::lake::scan_table(&lake, table).expect("scan") {
            landed += lf.collect().expect("collect").height() as u64;
        }
    }
    assert_eq!(landed, t["landed"].as_u64().unwrap_or(0));
    let rejects = LazyFrame::scan_parquet(
        PlRefPath::new(
            lake.join("rejects/rejects.parquet")
                .to_string_lossy()
                .as_ref(),
        ),
        ScanArgsParquet::default(),
    )
    .and_then(|lf| lf.collect())
    .expect("rejects");
    assert_eq!(rejects.height() as u64, t["rejected"].as_u64().unwrap_or(0));
    // every county of the province that has funds has a partition, Khodabandeh included (1402)
    let funds = sandogh::lake::scan_table(&lake, Table::Funds)
        .expect("scan")
        .expect("funds")
        .collect()
        .expect("funds");
    let counties: BTreeSet<&str> = funds
        .column("county")
        .expect("county")
        .str()
        .expect("str")
        .iter()
        .flatten()
        .collect();
    assert_eq!(counties.len(), 8, "{counties:?}");
}

#[test]
fn lake_schema_is_typed_and_has_lineage() {
    let lake = out().join("lake");
    let members = sandogh::lake::scan_table(&lake, Table::Members)
        .expect("scan")
        .expect("members");
    let schema = members.clone().collect_schema().expect("schema");
    assert_eq!(schema.get("joined_on"), Some(&DataType::Date));
    assert_eq!(schema.get("has_disability"), Some(&DataType::Boolean));
    assert_eq!(schema.get("source_row"), Some(&DataType::Int64));
    assert_eq!(schema.get("county"), Some(&DataType::String));
    for personal in ["full_name", "national_id", "mobile"] {
        assert!(
            schema.get(personal).is_none(),
            "{personal} must not be in the lake"
        );
    }
    let mut savings = sandogh::lake::scan_table(&lake, Table::Savings)
        .expect("scan")
        .expect("savings");
    assert_eq!(
        savings.collect_schema().expect("schema").get("amount"),
        Some(&DataType::Int64)
    );
    let inst = sandogh::lake::scan_table(&lake, Table::Installments)
        .expect("scan")
        .expect("inst");
    let df = inst
        .select([col("fund_id").null_count(), col("source_file").null_count()])
        .collect()
        .expect("nulls");
    assert_eq!(
        df.column("fund_id")
            .expect("c")
            .get(0)
            .ok()
            .map(|v| v.to_string()),
        Some("0".into()),
        "installments carry their loan's fund"
    );
    // lineage points at a real row: the first member row of zanjan is below its two title rows
    let df = members
        .filter(col("county").eq(lit("zanjan")))
        .select([col("source_file"), col("source_row").min()])
        .collect()
        .expect("zanjan");
    let first_row = df
        .column("source_row")
        .expect("row")
        .i64()
        .expect("i64")
        .get(0)
        .unwrap_or(0);
    assert!(
        first_row > 1,
        "data rows start below the header: {first_row}"
    );
}

/// Personal values read straight from the exports (national ids and mobiles: long digit runs
/// that nothing else holds) must appear nowhere under --out, neither as bytes nor in any string
/// column of any Parquet file.
#[test]
fn no_personal_value_anywhere_under_out() {
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let mut personal: BTreeSet<String> = BTreeSet::new();
    for entry in walk(&sample_dir()) {
        let Some(sheets) = read_any(&entry) else {
            continue;
        };
        for sheet in sheets {
            let m = sandogh::ingest::locate::Matchers::new(&pipeline);
            let name = sheet.name.clone().unwrap_or_else(|| {
                entry
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let sandogh::ingest::locate::Plan::Read(layout) =
                sandogh::ingest::locate::plan(&name, &sheet.rows, &m)
            else {
                continue;
            };
            let cols: Vec<usize> = layout
                .columns
                .iter()
                .filter(|c| {
                    matches!(
                        layout.table.fields()[c.field].name,
                        "national_id" | "mobile"
                    )
                })
                .map(|c| c.index)
                .collect();
            for row in &sheet.rows[layout.header_pos + 1..] {
                for &c in &cols {
                    if let Some(cell) = row.cells.get(c) {
                        let v = sandogh::text::normalize(&cell.display());
                        if v.len() >= 8 && v.bytes().all(|b| b.is_ascii_digit()) {
                            personal.insert(v);
                        }
                    }
                }
            }
        }
    }
    assert!(
        personal.len() > 100,
        "the sample's members carry national ids and mobiles: {}",
        personal.len()
    );
    let mut files = 0;
    for path in walk(out()) {
        files += 1;
        let bytes = std::fs::read(&path).expect("read output");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            digit_runs(&text).all(|run| !personal.contains(run)),
            "a personal value is in {}",
            path.display()
        );
        if path.extension().is_some_and(|e| e == "parquet") {
            let df = LazyFrame::scan_parquet(
                PlRefPath::new(path.to_string_lossy().as_ref()),
                ScanArgsParquet::default(),
            )
            .and_then(|lf| lf.collect())
            .expect("parquet");
            for c in df.columns() {
                if let Ok(s) = c.str() {
                    for v in s.iter().flatten() {
                        assert!(
                            digit_runs(v).all(|run| !personal.contains(run)),
                            "personal value in {} column {}",
                            path.display(),
                            c.name()
                        );
                    }
                }
            }
        }
    }
    assert!(files > 10);
}

/// Runs of 8 or more ASCII digits (national ids and mobiles are such runs once normalized).
fn digit_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|r| r.len() >= 8)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn read_any(path: &Path) -> Option<Vec<sandogh::ingest::read::Sheet>> {
    let bytes = std::fs::read(path).ok()?;
    let ext = path.extension()?.to_string_lossy().to_lowercase();
    if ext == "csv" {
        return sandogh::ingest::read::read_csv(&bytes)
            .ok()
            .map(|s| vec![s]);
    }
    let format = sandogh::ingest::read::sniff_workbook(&bytes).ok()?;
    sandogh::ingest::read::read_workbook(bytes, format).ok()
}

/// The seed article (23 Mehr 1399): 20 funds in 7 counties, 9 billion rials of financing.
#[test]
fn quarter_1399q3_reproduces_the_seed_article() {
    let text =
        std::fs::read_to_string(out().join("indicators").join("indicators.csv")).expect("csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().expect("headers").clone();
    let idx = |n: &str| headers.iter().position(|h| h == n).expect("column");
    let (q, level, county, ind, value) = (
        idx("quarter"),
        idx("level"),
        idx("county"),
        idx("indicator"),
        idx("value"),
    );
    let mut found = std::collections::HashMap::new();
    let mut counties = BTreeSet::new();
    for rec in rdr.records() {
        let rec = rec.expect("record");
        if &rec[q] != "1399Q3" {
            continue;
        }
        if &rec[level] == "province" {
            found.insert(rec[ind].to_owned(), rec[value].to_owned());
        }
        if &rec[level] == "county"
            && &rec[ind] == "funds_active"
            && rec[value].parse::<i64>().unwrap_or(0) > 0
        {
            counties.insert(rec[county].to_owned());
        }
    }
    assert_eq!(found.get("funds_active").map(String::as_str), Some("20"));
    assert_eq!(
        found.get("financing_total").map(String::as_str),
        Some("9000000000")
    );
    assert_eq!(counties.len(), 7, "{counties:?}");
    assert!(!counties.contains("khodabandeh"));
}

/// Two runs on the same inputs write byte-identical lakes, indicators, workbooks and charts
/// (everything but the run manifests in `runs/`, which record times and run ids).
#[test]
fn identical_inputs_give_identical_outputs() {
    let second = tempfile::tempdir().expect("temp");
    let status = Command::new(env!("CARGO_BIN_EXE_sandogh"))
        .args(["run", "--input"])
        .arg(sample_dir())
        .arg("--out")
        .arg(second.path())
        .status()
        .expect("run");
    assert_eq!(status.code(), Some(0));
    let a: Vec<PathBuf> = walk(out());
    assert!(
        a.iter().any(|p| p.to_string_lossy().ends_with("-fa.xlsx")),
        "the reports are compared too"
    );
    for pa in a {
        let rel = pa.strip_prefix(out()).expect("rel");
        if rel.starts_with(sandogh::manifest::RUNS_DIR) {
            continue;
        }
        let pb = second.path().join(rel);
        let same = std::fs::read(&pa).ok() == std::fs::read(&pb).ok();
        assert!(same, "{} differs between two runs", rel.display());
    }
}

/// `explain` traces a figure to spreadsheet rows: the 9 billion rials of 1399Q3 to financing
/// rows with their file, sheet and row, and a county's PAR30 to its loans in arrears.
#[test]
fn explain_traces_figures_to_spreadsheet_rows() {
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_sandogh"))
            .arg("explain")
            .arg("--out")
            .arg(out())
            .args(args)
            .output()
            .expect("explain");
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let text = run(&[
        "--quarter",
        "1399Q3",
        "--level",
        "province",
        "financing_total",
    ]);
    assert!(text.contains("value:      9000000000\n"), "{text}");
    let amounts: i64 = text
        .lines()
        .filter(|l| l.contains(" › "))
        .filter_map(|l| l.split("amount=").nth(1))
        .filter_map(|a| a.split(',').next())
        .filter_map(|a| a.trim().parse::<i64>().ok())
        .sum();
    assert_eq!(
        amounts, 9_000_000_000,
        "the listed financing rows add up to the figure"
    );
    let text = run(&[
        "--quarter",
        "1403Q4",
        "--level",
        "county",
        "--county",
        "zanjan",
        "par30",
    ]);
    assert!(text.contains("days_in_arrears="), "{text}");
    assert!(
        text.contains("zanjan/zanjan-1403.xlsx › وام‌ها › row "),
        "{text}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_sandogh"))
        .args([
            "explain",
            "--quarter",
            "1403Q4",
            "--level",
            "province",
            "no_such_figure",
            "--out",
        ])
        .arg(out())
        .output()
        .expect("explain");
    assert_eq!(bad.status.code(), Some(2));
}
