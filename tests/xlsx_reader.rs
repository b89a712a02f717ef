//! The project's xlsx reader against its oracle, calamine: every workbook of `sample-data/`, the
//! workbooks other programs wrote (`tests/fixtures/readers/`: openpyxl, openpyxl with the 1904
//! date system, xlsxwriter with shared and with inline strings), random workbooks written here
//! with rust_xlsxwriter, and, when `SANDOGH_BENCH_INPUTS` names a folder, the benchmark's
//! workbooks. Both readers must give the same sheets, row numbers and cells (value and type).
//! (The bad-input fixtures are compared in `tests/ingest_bad_inputs.rs`.)

mod common;

use common::same_as_calamine;
use sandogh::ingest::read;
use sandogh::ingest::xlsx;
use std::path::{Path, PathBuf};

fn workbooks_under(dir: &Path) -> Vec<PathBuf> {
    common::files_under(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx" || e == "xlsm"))
        .collect()
}

#[test]
fn sample_data_workbooks_read_alike() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let books = workbooks_under(&root);
    assert!(books.len() >= 5, "the sample holds xlsx workbooks");
    let mut cells = 0;
    for p in books {
        cells += same_as_calamine(&p.display().to_string(), &std::fs::read(&p).expect("read"));
    }
    assert!(cells > 10_000, "{cells} cells compared");
}

#[test]
fn workbooks_of_other_writers_read_alike() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readers");
    let books = workbooks_under(&root);
    assert_eq!(
        books.len(),
        4,
        "openpyxl (1900, 1904), xlsxwriter (shared, inline strings)"
    );
    for p in books {
        let bytes = std::fs::read(&p).expect("read");
        let cells = same_as_calamine(&p.display().to_string(), &bytes);
        assert!(cells > 200, "{}: {cells} cells", p.display());
    }
}

#[test]
fn the_1904_date_system_gives_the_same_days() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readers");
    let a = xlsx::read_all(&std::fs::read(root.join("openpyxl.xlsx")).expect("read"));
    let b = xlsx::read_all(&std::fs::read(root.join("openpyxl-1904.xlsx")).expect("read"));
    let (Ok(a), Ok(b)) = (a, b) else {
        panic!("both read")
    };
    // The same dates written in either system are the same days (C2 is 2020-02-07).
    assert_eq!(a[0].rows[1].cells[2], b[0].rows[1].cells[2]);
    assert_eq!(
        a[0].rows[1].cells[2],
        read::Cell::Date(common::epoch_day(2020, 2, 7) as i32)
    );
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 12] = [
    "صندوق",
    "  ",
    "a & b",
    "<tag>",
    "x\ny",
    "\u{200c}",
    "_x0041_",
    "۱۲۳",
    "=A1",
    "1,200",
    "ريال",
    " trailing ",
];

fn random_workbook(seed: u64) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let mut rng = Rng(seed | 1);
    let mut wb = Workbook::new();
    let formats = [
        Format::new().set_num_format("yyyy-mm-dd"),
        Format::new().set_num_format("[h]:mm:ss"),
        Format::new().set_num_format("#,##0.00"),
        Format::new().set_num_format("dd/mm/yyyy hh:mm"),
        Format::new().set_bold(),
    ];
    for s in 0..1 + rng.below(4) {
        let ws = wb.add_worksheet();
        ws.set_name(format!("sheet {s}")).expect("name");
        let rows = rng.below(120) as u32;
        let first = rng.below(5) as u32;
        for r in first..first + rows {
            if rng.below(10) == 0 {
                continue; // a blank row
            }
            for c in 0..rng.below(12) as u16 {
                let f = &formats[rng.below(formats.len() as u64) as usize];
                let kind = rng.below(9);
                let result = match kind {
                    0 => ws.write_string(r, c, WORDS[rng.below(12) as usize]),
                    1 => ws.write_number(r, c, rng.below(1_000_000) as f64 / 100.0),
                    2 => ws.write_number_with_format(r, c, 40000.0 + rng.below(9000) as f64, f),
                    3 => ws.write_boolean(r, c, rng.below(2) == 0),
                    4 => ws.write_datetime_with_format(
                        r,
                        c,
                        ExcelDateTime::from_ymd(
                            1990 + rng.below(40) as u16,
                            1 + rng.below(12) as u8,
                            1 + rng.below(28) as u8,
                        )
                        .expect("date"),
                        f,
                    ),
                    5 => ws.write_formula(
                        r,
                        c,
                        Formula::new("=1+1").set_result(rng.below(100).to_string()),
                    ),
                    6 => ws.write_blank(r, c, f),
                    7 => ws.write_string_with_format(r, c, format!("v{}", rng.below(50)), f),
                    _ => ws.write_number(r, c, -(rng.below(1000) as f64) * 1e-3),
                };
                result.expect("write");
            }
        }
    }
    wb.save_to_buffer().expect("save")
}

#[test]
fn random_workbooks_read_alike() {
    let mut cells = 0;
    for seed in 1..=60u64 {
        cells += same_as_calamine(
            &format!("random workbook {seed}"),
            &random_workbook(seed * 7919),
        );
    }
    assert!(cells > 5_000, "{cells} cells compared");
}

/// The benchmark's workbooks (`SANDOGH_BENCH_INPUTS=<folder of gen_scale.py's output>`); skipped
/// when unset, as CI does not make them.
#[test]
fn benchmark_workbooks_read_alike_when_given() {
    let Ok(dir) = std::env::var("SANDOGH_BENCH_INPUTS") else {
        eprintln!("SANDOGH_BENCH_INPUTS is not set; the benchmark workbooks are not compared");
        return;
    };
    let books = workbooks_under(Path::new(&dir));
    assert!(!books.is_empty(), "no workbooks under {dir}");
    for p in books {
        same_as_calamine(&p.display().to_string(), &std::fs::read(&p).expect("read"));
    }
}
