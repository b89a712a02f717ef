//! Helpers for the ingest integration tests: building county exports (xlsx, CSV in both
//! encodings, raw bytes) in a temp folder, running the `sandogh` binary, and reading what it
//! wrote (the ingest report, the rejects table, the lake) back.

#![allow(dead_code, unused_macros)]

use polars::prelude::*;
use sandogh::ingest::report::IngestReport;
use sandogh::schema::Table;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------------------------------------
// Workbooks

/// One cell of a fixture sheet.
#[derive(Debug, Clone)]
pub enum V {
    /// Nothing written.
    Blank,
    /// A text cell.
    S(String),
    /// A number cell.
    N(f64),
    /// A date cell (Gregorian year, month, day), formatted as a date.
    D(u16, u8, u8),
}

impl From<&str> for V {
    fn from(s: &str) -> V {
        if s.is_empty() {
            V::Blank
        } else {
            V::S(s.to_owned())
        }
    }
}

impl From<i64> for V {
    fn from(n: i64) -> V {
        V::N(n as f64)
    }
}

impl From<i32> for V {
    fn from(n: i32) -> V {
        V::N(f64::from(n))
    }
}

impl From<f64> for V {
    fn from(n: f64) -> V {
        V::N(n)
    }
}

/// A row of cells from column A: `row!["A1", 12, ""]`; `row![]` is a blank row.
macro_rules! row {
    () => { Vec::<$crate::common::V>::new() };
    ($($x:expr),+ $(,)?) => { vec![$($crate::common::V::from($x)),+] };
}

/// A date cell.
pub fn date(y: u16, m: u8, d: u8) -> V {
    V::D(y, m, d)
}

/// A sheet: its name and its rows from row 1 (`rows[0]` is spreadsheet row 1).
pub struct Sheet {
    /// Sheet name.
    pub name: String,
    /// Rows from row 1; an empty row is left blank.
    pub rows: Vec<Vec<V>>,
}

/// A sheet named `name` with `rows` from row 1.
pub fn sheet(name: &str, rows: Vec<Vec<V>>) -> Sheet {
    Sheet {
        name: name.to_owned(),
        rows,
    }
}

/// The bytes of an xlsx workbook holding `sheets` in order.
pub fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name.as_str()).expect("valid sheet name");
        for (r, cells) in s.rows.iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    V::Blank => {}
                    V::S(t) => {
                        ws.write_string(r, c, t.as_str()).expect("write text");
                    }
                    V::N(n) => {
                        ws.write_number(r, c, *n).expect("write number");
                    }
                    V::D(y, m, d) => {
                        let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d)
                            .expect("valid date");
                        ws.write_datetime_with_format(r, c, &dt, &date_format)
                            .expect("write date");
                    }
                }
            }
        }
    }
    wb.save_to_buffer().expect("xlsx to buffer")
}

/// The shared-strings part of an xlsx (its text cells), to check what a fixture holds.
pub fn xlsx_strings(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut part = zip.by_name("xl/sharedStrings.xml").expect("shared strings");
    let mut out = Vec::new();
    part.read_to_end(&mut out).expect("read shared strings");
    out
}

// ---------------------------------------------------------------------------------------------
// CSV and raw bytes

/// CSV text: `lines` joined with `delimiter` and ended with `eol` (an empty line stays empty).
/// Cells must not hold the delimiter or quotes (the fixtures never need quoting).
pub fn csv_text(lines: &[&[&str]], delimiter: char, eol: &str) -> String {
    let mut out = String::new();
    for cells in lines {
        for c in *cells {
            assert!(
                !c.contains(delimiter) && !c.contains('"'),
                "fixture cell needs quoting: {c}"
            );
        }
        out.push_str(&cells.join(&delimiter.to_string()));
        out.push_str(eol);
    }
    out
}

/// `text` encoded as Windows-1256 (old Persian Excel exports); panics on an unmappable character
/// so that a fixture never silently holds `&#...;` escapes.
pub fn windows_1256(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(text);
    assert!(
        !unmappable,
        "fixture text has characters Windows-1256 cannot hold: {text}"
    );
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "Windows-1256 fixture must not also be valid UTF-8"
    );
    bytes.into_owned()
}

/// `text` as UTF-8 with a byte-order mark.
pub fn utf8_bom(text: &str) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(text.as_bytes());
    out
}

/// `n` bytes of deterministic noise that is no known file format (first byte 0).
pub fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out: Vec<u8> = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    out[0] = 0;
    out
}

/// Writes `bytes` to `root/rel`, creating folders.
pub fn put(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create fixture folder");
    std::fs::write(&path, bytes).expect("write fixture file");
}

// ---------------------------------------------------------------------------------------------
// Running the binary

/// What a run of the binary did.
#[derive(Debug, Clone)]
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// stdout and stderr together, for messages and searches.
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Runs `sandogh` with `args`.
pub fn sandogh<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_sandogh"))
        .args(args)
        .output()
        .expect("run sandogh");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `sandogh ingest --input <input> --out <out>`.
pub fn ingest(input: &Path, out: &Path) -> Run {
    sandogh([
        OsStr::new("ingest"),
        OsStr::new("--input"),
        input.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ])
}

/// `sandogh validate --input <input>`.
pub fn validate(input: &Path) -> Run {
    sandogh([
        OsStr::new("validate"),
        OsStr::new("--input"),
        input.as_os_str(),
    ])
}

// ---------------------------------------------------------------------------------------------
// Reading back

/// The ingest report of a lake.
pub fn report(lake: &Path) -> IngestReport {
    let path = lake.join("ingest-report.json");
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{} is not an ingest report: {e}", path.display()))
}

/// Every regular file under `dir` (symbolic links are not followed), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in
            std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display()))
        {
            let path = entry.expect("dir entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// One Parquet file.
pub fn read_parquet(path: &Path) -> DataFrame {
    let file =
        std::fs::File::open(path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    ParquetReader::new(file)
        .finish()
        .unwrap_or_else(|e| panic!("cannot read {} as Parquet: {e}", path.display()))
}

/// One lake table with its `county` partition column, through the crate's own Hive scan;
/// `None` when the table has no partition.
pub fn scan(lake: &Path, table: Table) -> Option<DataFrame> {
    sandogh::lake::scan_table(lake, table)
        .unwrap_or_else(|e| panic!("cannot scan {}: {e}", table.name()))
        .map(|lf| {
            lf.collect()
                .unwrap_or_else(|e| panic!("cannot collect {}: {e}", table.name()))
        })
}

/// A column as optional strings.
pub fn strings(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let col = df
        .column(name)
        .unwrap_or_else(|e| panic!("no column {name}: {e}"));
    col.str()
        .unwrap_or_else(|e| panic!("column {name} is not text: {e}"))
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

/// A column as optional i64 (ints; dates as days since 1970-01-01).
pub fn ints(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    let col = df
        .column(name)
        .unwrap_or_else(|e| panic!("no column {name}: {e}"));
    let col = col
        .cast(&DataType::Int64)
        .unwrap_or_else(|e| panic!("column {name} is not numeric: {e}"));
    col.i64().expect("cast to i64").iter().collect()
}

/// The column names of a frame.
pub fn column_names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .into_iter()
        .map(|n| n.to_string())
        .collect()
}

/// Days since 1970-01-01 of a Gregorian date.
pub fn epoch_day(y: i32, m: u32, d: u32) -> i64 {
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    (date - epoch).num_days()
}

/// A row of the rejects table.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectRow {
    pub source_file: Option<String>,
    pub source_sheet: Option<String>,
    pub source_row: Option<i64>,
    pub table: Option<String>,
    pub county: Option<String>,
    pub field: Option<String>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub rule: Option<String>,
    pub reason: Option<String>,
    pub raw_row: Option<String>,
}

impl RejectRow {
    /// `file › sheet › row` for messages.
    pub fn place(&self) -> String {
        format!(
            "{} › {} › {}",
            self.source_file.as_deref().unwrap_or("?"),
            self.source_sheet.as_deref().unwrap_or("(csv)"),
            self.source_row
                .map(|r| r.to_string())
                .unwrap_or_else(|| "?".into())
        )
    }
}

/// Every row of `<lake>/rejects/rejects.parquet`.
pub fn rejects(lake: &Path) -> Vec<RejectRow> {
    let df = read_parquet(&lake.join("rejects").join("rejects.parquet"));
    let col = |n: &str| strings(&df, n);
    let (file, sheet, table, county, field, column, value, rule, reason, raw) = (
        col("source_file"),
        col("source_sheet"),
        col("table"),
        col("county"),
        col("field"),
        col("column"),
        col("value"),
        col("rule"),
        col("reason"),
        col("raw_row"),
    );
    let rows = ints(&df, "source_row");
    (0..df.height())
        .map(|i| RejectRow {
            source_file: file[i].clone(),
            source_sheet: sheet[i].clone(),
            source_row: rows[i],
            table: table[i].clone(),
            county: county[i].clone(),
            field: field[i].clone(),
            column: column[i].clone(),
            value: value[i].clone(),
            rule: rule[i].clone(),
            reason: reason[i].clone(),
            raw_row: raw[i].clone(),
        })
        .collect()
}

/// Whether `hay` holds `needle` as bytes.
pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(hay, needle).is_some()
}

/// Fails with every problem found, one per line, when there is any.
pub fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  - {}",
        problems.len(),
        problems.join("\n  - ")
    );
}

// ---------------------------------------------------------------------------------------------
// Committed expectations

/// Every row of every Parquet file under `lake` as text: the lake compared as data, whatever
/// the codec or row group sizes. Per file (in path order): a line `# <path under lake>` and its
/// column names, then its rows sorted, values tab-separated and cast to text (`∅` for null).
pub fn lake_dump(lake: &Path) -> String {
    let mut out = String::new();
    for path in files_under(lake) {
        if path.extension() != Some(OsStr::new("parquet")) {
            continue;
        }
        let rel = path
            .strip_prefix(lake)
            .expect("under the lake")
            .to_string_lossy()
            .replace('\\', "/");
        let df = read_parquet(&path);
        let mut names = Vec::new();
        let cols: Vec<Vec<Option<String>>> = df
            .columns()
            .iter()
            .map(|c| {
                names.push(c.name().to_string());
                let text = c
                    .cast(&DataType::String)
                    .unwrap_or_else(|e| panic!("{rel}: column {} as text: {e}", c.name()));
                text.str()
                    .expect("cast to text")
                    .iter()
                    .map(|v| v.map(str::to_owned))
                    .collect()
            })
            .collect();
        let mut lines: Vec<String> = (0..df.height())
            .map(|row| {
                cols.iter()
                    .map(|values| values[row].as_deref().unwrap_or("∅"))
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect();
        lines.sort();
        out.push_str(&format!("# {rel}\t{}\n", names.join("\t")));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}

/// Compares `actual` with the committed file `tests/expected/<name>`, or writes it there when
/// `SANDOGH_BLESS=1` (only after a change that is meant to alter outputs). On a difference the
/// actual text is kept beside it as `<name>.actual` and the first differing line is shown.
pub fn assert_matches_expected(name: &str, actual: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name);
    if std::env::var("SANDOGH_BLESS").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create expected dir");
        std::fs::write(&path, actual).expect("write expectation");
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the expectation {}: {e} (SANDOGH_BLESS=1 writes it)",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let actual_path = path.with_extension(format!(
        "{}.actual",
        path.extension()
            .map(|e| e.to_string_lossy())
            .unwrap_or_default()
    ));
    let _ = std::fs::write(&actual_path, actual);
    let exp = String::from_utf8_lossy(&expected);
    let act = String::from_utf8_lossy(actual);
    let first = exp
        .lines()
        .zip(act.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b);
    match first {
        Some((i, (e, a))) => panic!(
            "{name} differs from its committed expectation at line {}:\nexpected: {e}\nactual:   {a}\n(actual kept in {})",
            i + 1,
            actual_path.display()
        ),
        None => panic!(
            "{name} differs from its committed expectation in length ({} lines expected, {} actual; actual kept in {})",
            exp.lines().count(),
            act.lines().count(),
            actual_path.display()
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The xlsx reader against calamine

/// Asserts that both readers read `bytes` alike; returns the number of cells compared.
pub fn same_as_calamine(what: &str, bytes: &[u8]) -> usize {
    let oracle: Vec<sandogh::ingest::read::Sheet> =
        sandogh::ingest::read::read_workbook(bytes.to_vec(), sandogh::ingest::read::Format::Xlsx)
            .unwrap_or_else(|e| panic!("{what}: calamine cannot read it: {e}"));
    let ours = match sandogh::ingest::xlsx::read_all(bytes) {
        Ok(s) => s,
        Err(sandogh::ingest::xlsx::ReadError::Unsupported(why))
        | Err(sandogh::ingest::xlsx::ReadError::Limit(why))
        | Err(sandogh::ingest::xlsx::ReadError::Refused(why)) => {
            panic!("{what}: the xlsx reader does not read it: {why}")
        }
    };
    let names =
        |s: &[sandogh::ingest::read::Sheet]| s.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&oracle), "{what}: sheet names");
    let mut cells = 0;
    for (a, b) in ours.iter().zip(&oracle) {
        let sheet = a.name.as_deref().unwrap_or("");
        assert_eq!(
            a.rows.len(),
            b.rows.len(),
            "{what} › {sheet}: rows (ours {:?}…, calamine {:?}…)",
            a.rows.first().map(|r| r.number),
            b.rows.first().map(|r| r.number)
        );
        for (ra, rb) in a.rows.iter().zip(&b.rows) {
            assert_eq!(ra.number, rb.number, "{what} › {sheet}: row number");
            assert_eq!(
                ra.cells, rb.cells,
                "{what} › {sheet} › row {}: cells",
                ra.number
            );
            cells += ra.cells.len();
        }
    }
    cells
}
