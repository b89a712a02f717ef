//! Integration tests of `sandogh ingest` and `sandogh validate` on a folder that holds every
//! bad-input case of DATA-CONTRACT.md, built at test time in a temp folder. Each test reads what
//! the binary wrote (exit codes, `lake/ingest-report.json`, `lake/rejects/rejects.parquet`, the
//! lake tables) and checks one part of the contract.
//!
//! The fixture (all files under one input folder; rows as the spreadsheet numbers them):
//!
//! - `abhar/abhar-1403.xlsx`: the county's full ledger.
//!   - «صندوق‌ها» (funds): 2 title rows, header on row 3; A1, A2 land (rows 4, 5); rejects:
//!     row 6 fund_name blank, row 8 county «تهران», row 9 1401/12/30, row 10 month 13,
//!     row 11 «99/07/15», row 12 1299/01/01; row 7 blank.
//!   - «اعضا» (members): personal columns and an unmapped «آدرس»; A1/1, A1/2 (invalid national
//!     id: warned), A2/1 land; row 4 gender «نامشخص», row 5 fund A99 that does not exist.
//!   - «تسهیلات» (loans): L1, L2 (schedule short), L3 (before joining) land; rows 5–9 bad
//!     principal or installments; rows 10–11 the conflicting L9.
//!   - «اقساط» (installments): row 5 paid without a date; row 7 paid before its loan (warned);
//!     rows 8–9 of the conflicting L9; row 10 of L5 (rejected for its negative principal).
//!   - «پس‌انداز» (savings, header in toman): row 3 withdrawal below zero (warned); row 4 blank;
//!     row 5 of the rejected member A1/3; row 7 «جمع» totals.
//!   - «Sheet2»: unrelated notes (skipped). «تامین مالی»: row 3 fund A9 missing.
//!     «آموزش»: row 3 fund A77 missing; row 4 a province course.
//! - `khodabandeh/members.csv`, `khodabandeh/savings.csv`: Windows-1256, `;`, CRLF, Arabic
//!   yeh/kaf; savings line 4 «(500)».
//! - `province/fund-registry.csv`: UTF-8 with BOM, tabs; K1 lands; line 3 is an exact duplicate
//!   of abhar's A1; line 4 empty; line 5 1800-01-01.
//! - `zanjan/zanjan.xlsx`: Z1 and its member land; «وام‌ها» lacks principal and installments
//!   (quarantined); «funds (2)» has «کد صندوق» and «fund_id» (quarantined, ambiguous).
//! - `zanjan/broken.xlsx` (first 300 bytes of an xlsx), `zanjan/random-export.xlsx` (noise),
//!   `tarom/tarom-export.xls` (CSV text): quarantined. `tarom/tarom-1403.xls`: an xlsx under an
//!   .xls name, read with a note (T1 has a real Excel date cell).
//! - skipped: `zanjan/~$lock.xlsx`, `notes.txt`, `.DS_Store`, and the symbolic link
//!   `abhar/shortcut.xlsx` → `../tarom/tarom-1403.xls`.

#[macro_use]
mod common;

use common::*;
use sandogh::schema::Table;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const ABHAR: &str = "abhar/abhar-1403.xlsx";
const FUNDS_FA: &str = "صندوق\u{200c}ها";
const SAVINGS_FA: &str = "پس\u{200c}انداز";
const LOANS_FA: &str = "وام\u{200c}ها";
const K_MEMBERS: &str = "khodabandeh/members.csv";
const K_SAVINGS: &str = "khodabandeh/savings.csv";
const REGISTRY: &str = "province/fund-registry.csv";
const ZANJAN: &str = "zanjan/zanjan.xlsx";
const TAROM: &str = "tarom/tarom-1403.xls";

/// Values that identify members; none may reach anything under `--out` or the terminal.
const PERSONAL: [&str; 5] = [
    "ZZPERSONALNAME", // every full name
    "ZZADDRESSVALUE", // the unmapped address column
    "499370899",      // the valid national id (also matches 0499370899)
    "77712345",       // the invalid national id 0077712345
    "0912000000",     // every mobile 0912000000x
];

// ---------------------------------------------------------------------------------------------
// The fixture

#[rustfmt::skip]
fn abhar_workbook() -> Vec<u8> {
    xlsx(&[
        sheet(FUNDS_FA, vec![
            row!["گزارش صندوق‌های خرد محلی زنان روستایی"],
            row!["شهرستان ابهر — تهیه شده در ۱۴۰۳/۰۶/۳۱"],
            row!["کد صندوق", "نام صندوق", "شهرستان", "روستا", "نوع صندوق", "تاریخ تاسیس", "تسهیلگر"],
            row!["A1", "صندوق گل یاس", "ابهر", "", "زنان", "1398/05/10"],
            row!["A2", "صندوق نرگس", "Abhar", "قروه", "", "۱۳۹۹/۰۱/۱۵", "خانم رضایی"],
            row!["A3", "", "ابهر", "", "", "1399/02/01"],
            row![],
            row!["A4", "صندوق لاله", "تهران", "", "", "1399/02/01"],
            row!["A5", "صندوق سوسن", "ابهر", "", "", "1401/12/30"],
            row!["A6", "صندوق مریم", "ابهر", "", "", "1401/13/01"],
            row!["A7", "صندوق شقایق", "ابهر", "", "", "99/07/15"],
            row!["A8", "صندوق بنفشه", "ابهر", "", "", "1299/01/01"],
        ]),
        sheet("اعضا", vec![
            row!["کد صندوق", "کد عضو", "کد خانوار", "نام و نام خانوادگی", "کد ملی", "موبایل", "جنسیت",
                 "دارای معلولیت", "تاریخ عضویت", "تاریخ خروج", "آدرس"],
            row!["A1", 1, "H-101", "ZZPERSONALNAME فاطمه", "0499370899", "09120000000", "زن",
                 "خیر", "1398/06/01", "", "ZZADDRESSVALUE قروه"],
            row!["A1", 2, "H-102", "ZZPERSONALNAME زهرا", "0077712345", "09120000002", "زن",
                 "بله", "1399/03/01", "", "ZZADDRESSVALUE"],
            row!["A1", 3, "H-103", "ZZPERSONALNAME مریم", "0499370899", "09120000003", "نامشخص",
                 "", "1399/01/20", "", "ZZADDRESSVALUE"],
            row!["A99", 1, "", "ZZPERSONALNAME سکینه", "", "09120000004", "زن",
                 "", "1399/01/01", "", "ZZADDRESSVALUE"],
            row!["A2", 1, "H-201", "ZZPERSONALNAME معصومه", 499370899, "09120000005", "F",
                 "", "1400/07/01", "1403/01/15"],
        ]),
        sheet("تسهیلات", vec![
            row!["کد وام", "کد صندوق", "کد عضو", "تاریخ پرداخت وام", "مبلغ وام", "تعداد اقساط", "موضوع", "منبع"],
            row!["L1", "A1", 1, "1399/01/10", 10_000_000, 2, "دامداری", "امید"],
            row!["L2", "A1", 2, "1399/05/01", 6_000_000, 3, "قالیبافی"],
            row!["L3", "A2", 1, "1400/01/10", 3_000_000, 1],
            row!["L4", "A1", 1, "1399/02/01", "ده میلیون", 10],
            row!["L5", "A1", 1, "1399/02/01", "-500", 1],
            row!["L6", "A1", 1, "1399/02/01", "120.05 تومان", 1],
            row!["L7", "A1", 1, "1399/02/01", 0, 1],
            row!["L8", "A1", 1, "1399/02/01", "1,000,000", 0],
            row!["L9", "A1", 1, "1399/03/01", 2_000_000, 2, "خیاطی"],
            row!["L9", "A1", 2, "1399/03/05", 2_500_000, 2, "خیاطی"],
        ]),
        sheet("اقساط", vec![
            row!["کد وام", "شماره قسط", "تاریخ سررسید", "مبلغ قسط", "تاریخ پرداخت", "مبلغ پرداختی"],
            row!["L1", 1, "1399/02/10", 5_000_000, "1399/02/09", 5_000_000],
            row!["L1", 2, "1399/03/10", 5_000_000, "", 0],
            row!["L2", 1, "1399/06/01", 2_000_000, "1399/06/01", 2_000_000],
            row!["L2", 2, "1399/07/01", 2_000_000, "", 1_500_000],
            row!["L2", 3, "1399/08/01", 2_000_000],
            row!["L3", 1, "1400/02/10", 3_000_000, "1399/12/01", 3_000_000],
            row!["L9", 1, "1399/04/01", 1_000_000],
            row!["L9", 2, "1399/05/01", 1_000_000],
            row!["L5", 1, "1399/03/01", 500],
        ]),
        sheet(SAVINGS_FA, vec![
            row!["کد صندوق", "کد عضو", "تاریخ", "مبلغ (تومان)", "نوع"],
            row!["A1", 1, "1398/07/01", 50_000, "واریز"],
            row!["A1", 1, "1398/08/01", 80_000, "برداشت"],
            row![],
            row!["A1", 3, "1399/02/01", 10_000, "واریز"],
            row!["A1", 2, "1399/04/01", 20_000],
            row!["جمع", "", "", 160_000],
        ]),
        sheet("Sheet2", vec![
            row!["ردیف", "توضیحات", "پیگیری"],
            row![1, "تماس با تسهیلگر", "انجام شد"],
        ]),
        sheet("تامین مالی", vec![
            row!["کد صندوق", "تاریخ", "مبلغ", "منبع"],
            row!["A1", "1399/01/05", 50_000_000, "امید"],
            row!["A9", "1399/01/05", 20_000_000, "امید"],
        ]),
        sheet("آموزش", vec![
            row!["عنوان دوره", "تاریخ برگزاری", "تعداد شرکت کنندگان", "ساعت", "کد صندوق", "شهرستان"],
            row!["حسابداری", "1399/08/01", 12, 16, "A1", "ابهر"],
            row!["تسهیلگری", "1399/09/01", 8, 8, "A77", "ابهر"],
            row!["تربیت مربی", "1399/10/01", 20, 24],
        ]),
    ])
}

#[rustfmt::skip]
fn zanjan_workbook() -> Vec<u8> {
    xlsx(&[
        sheet("مشخصات صندوق", vec![
            row!["کد صندوق", "نام صندوق", "شهرستان", "تاریخ تاسیس"],
            row!["Z1", "صندوق ستاره", "زنجان", "1397/01/20"],
        ]),
        sheet(LOANS_FA, vec![
            row!["کد وام", "کد صندوق", "کد عضو", "تاریخ پرداخت وام", "توضیحات"],
            row!["LZ1", "Z1", 1, "1399/01/01", "بدون مبلغ"],
        ]),
        sheet("funds (2)", vec![
            row!["کد صندوق", "fund_id", "نام صندوق", "شهرستان", "تاریخ تاسیس"],
            row!["Z2", "Z2", "صندوق ماه", "زنجان", "1398/01/01"],
        ]),
        sheet("اعضا", vec![
            row!["کد صندوق", "کد عضو", "نام", "تاریخ عضویت"],
            row!["Z1", 1, "ZZPERSONALNAME رقیه", "1397/02/01"],
        ]),
    ])
}

#[rustfmt::skip]
fn tarom_workbook() -> Vec<u8> {
    xlsx(&[
        sheet("صندوق", vec![
            row!["کد صندوق", "نام صندوق", "شهرستان", "تاریخ تاسیس"],
            vec![V::from("T1"), V::from("صندوق مهر"), V::from("Tarum"), date(2019, 4, 10)],
        ]),
        sheet("اعضا", vec![
            row!["کد صندوق", "کد عضو", "نام", "تاریخ عضویت"],
            row!["T1", 1, "ZZPERSONALNAME آمنه", "1398/02/01"],
        ]),
    ])
}

/// Writes the whole bad-input folder under `root`.
#[rustfmt::skip]
fn build_bad_inputs(root: &Path) {
    put(root, ABHAR, abhar_workbook());

    // Old Persian Excel exports: Windows-1256, `;`, CRLF, Arabic yeh and kaf.
    let members = csv_text(&[
        &["كد صندوق", "كد عضو", "نام و نام خانوادگي", "كد ملي", "موبايل", "جنسيت", "تاريخ عضويت"],
        &["K1", "1", "ZZPERSONALNAME سميه", "0499370899", "09120000006", "زن", "1399/02/01"],
        &["K1", "2", "ZZPERSONALNAME ليلا", "", "09120000007", "خانم", "1399/02/15"],
    ], ';', "\r\n");
    put(root, K_MEMBERS, windows_1256(&members));
    let savings = csv_text(&[
        &["كد صندوق", "كد عضو", "تاريخ واريز", "مبلغ (ريال)", "نوع تراكنش"],
        &["K1", "1", "1399/03/01", "1000000", "واريز"],
        &["K1", "2", "1399/03/05", "250000", "واريز"],
        &["K1", "1", "1399/03/10", "(500)", "واريز"],
    ], ';', "\r\n");
    put(root, K_SAVINGS, windows_1256(&savings));

    // The province's registry: UTF-8 with BOM, tabs, LF.
    let registry = csv_text(&[
        &["کد صندوق", "نام صندوق", "شهرستان", "نوع صندوق", "تاریخ تاسیس"],
        &["K1", "صندوق نور", "خدابنده", "زنان", "1397/11/20"],
        // abhar's A1 again, with an Arabic yeh and a double space: equal after normalization,
        // so an exact duplicate.
        &["A1", "صندوق  گل ياس", "ابهر", "زنان", "1398/05/10"],
        &[],
        &["K2", "صندوق امید", "خدابنده", "", "1800-01-01"],
    ], '\t', "\n");
    put(root, REGISTRY, utf8_bom(&registry));

    let zanjan = zanjan_workbook();
    put(root, "zanjan/broken.xlsx", &zanjan[..300]);
    put(root, ZANJAN, &zanjan);
    put(root, "zanjan/random-export.xlsx", noise(4096, 1403));
    put(
        root,
        "zanjan/~$lock.xlsx",
        b"\x0bZZ-operator                                    ".repeat(3),
    );

    put(root, TAROM, tarom_workbook());
    put(
        root,
        "tarom/tarom-export.xls",
        "کد صندوق,نام صندوق,شهرستان,تاریخ تاسیس\nT9,صندوق باران,طارم,1398/01/01\n",
    );

    put(root, "notes.txt", "فایل‌های شهرستان‌ها، شهریور ۱۴۰۳\n");
    put(root, ".DS_Store", b"\x00\x00\x00\x01Bud1\x00\x00\x10\x00");
    #[cfg(unix)]
    std::os::unix::fs::symlink("../tarom/tarom-1403.xls", root.join("abhar/shortcut.xlsx"))
        .expect("symlink");
}

/// The bad-input folder, ingested and validated once for every test that only reads.
struct Fixture {
    input: PathBuf,
    lake: PathBuf,
    ingest: Run,
    validate: Run,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // Kept for the whole test process (a static is never dropped), under target/tmp; the
        // fixtures of earlier runs are removed once they are an hour old.
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for entry in std::fs::read_dir(tmp).into_iter().flatten().flatten() {
            let stale = entry
                .file_name()
                .to_string_lossy()
                .starts_with("ingest-bad-inputs-")
                && entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age.as_secs() > 3600);
            if stale {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("ingest-bad-inputs-")
            .tempdir_in(tmp)
            .expect("temp dir")
            .keep();
        let input = dir.join("exports");
        build_bad_inputs(&input);
        let out = dir.join("out");
        let ingest = ingest(&input, &out);
        let validate = validate(&input);
        Fixture {
            input,
            lake: out.join("lake"),
            ingest,
            validate,
        }
    })
}

/// The fixture's lake, failing with the run's output when ingest did not write it.
fn lake() -> &'static Path {
    let f = fixture();
    assert!(
        f.lake.join("ingest-report.json").is_file(),
        "ingest wrote no report (exit {}):\n{}",
        f.ingest.code,
        f.ingest.all_output()
    );
    &f.lake
}

// ---------------------------------------------------------------------------------------------
// Exit codes

#[test]
fn ingest_and_validate_exit_partial_on_the_bad_folder() {
    let f = fixture();
    assert_eq!(
        f.ingest.code,
        3,
        "ingest must exit 3 (partial):\n{}",
        f.ingest.all_output()
    );
    assert!(
        f.ingest.stderr.contains("partial"),
        "ingest must say the run is partial:\n{}",
        f.ingest.stderr
    );
    assert_eq!(
        f.validate.code,
        3,
        "validate must exit 3 (quarantine):\n{}",
        f.validate.all_output()
    );
    assert!(
        f.validate.stdout.contains("zanjan/broken.xlsx")
            && f.validate.stdout.contains("QUARANTINED"),
        "validate must list the quarantined workbook:\n{}",
        f.validate.stdout
    );
    assert!(
        f.validate.stdout.contains(&format!(
            "REJECTED {FUNDS_FA} › row 9 › column F «تاریخ تاسیس»"
        )),
        "validate must list rejected rows with their numbers:\n{}",
        f.validate.stdout
    );
    let written: Vec<PathBuf> = files_under(&f.input)
        .into_iter()
        .filter(|p| p.components().any(|c| c.as_os_str() == "lake"))
        .collect();
    assert!(
        written.is_empty(),
        "validate must write no lake, found {written:?}"
    );
}

/// A clean folder: one fund's ledger with no fault (a warning is not a fault).
fn build_clean(root: &Path) {
    put(
        root,
        "ijrud/ijrud.xlsx",
        xlsx(&[
            sheet(
                "funds",
                vec![
                    row!["fund_id", "fund_name", "county", "established_on"],
                    row!["J1", "صندوق سپیده", "ایجرود", "1398/03/01"],
                ],
            ),
            sheet(
                "members",
                vec![
                    row!["fund_id", "member_id", "national_id", "joined_on"],
                    row!["J1", 1, "0499370899", "1398/04/01"],
                    row!["J1", 2, "0077712345", "1398/04/01"],
                ],
            ),
            sheet(
                "savings",
                vec![
                    row!["fund_id", "member_id", "date", "amount"],
                    row!["J1", 1, "1398/05/01", 100_000],
                ],
            ),
        ]),
    );
}

#[test]
fn validate_exits_0_when_clean_and_4_with_rejects_but_no_quarantine() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clean = dir.path().join("clean");
    build_clean(&clean);
    let run = validate(&clean);
    assert_eq!(
        run.code,
        0,
        "validate on a clean folder:\n{}",
        run.all_output()
    );

    let rejects_only = dir.path().join("rejects-only");
    build_clean(&rejects_only);
    put(
        &rejects_only,
        "ijrud/more-savings.csv",
        csv_text(
            &[
                &["fund_id", "member_id", "date", "amount"],
                &["J1", "1", "1398/06/01", "-20000"],
            ],
            ',',
            "\n",
        ),
    );
    let run = validate(&rejects_only);
    assert_eq!(
        run.code,
        4,
        "validate with a rejected row and no quarantine:\n{}",
        run.all_output()
    );
    assert!(
        run.stdout.contains("ijrud/more-savings.csv"),
        "validate names the file:\n{}",
        run.stdout
    );

    let out = dir.path().join("out");
    let run = ingest(&rejects_only, &out);
    assert_eq!(
        run.code,
        0,
        "ingest with rejects but no quarantine is not partial:\n{}",
        run.all_output()
    );
    assert_eq!(
        rejects(&out.join("lake")).len(),
        1,
        "the one bad savings row is the one reject"
    );
}

#[test]
fn ingest_of_a_missing_input_folder_exits_2_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-exports");
    let out = dir.path().join("out");
    let run = ingest(&missing, &out);
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("no-such-exports") && run.stderr.contains("does not exist"),
        "the error names the folder and says it does not exist:\n{}",
        run.stderr
    );
    assert!(
        !out.join("lake").exists(),
        "no lake is written for a missing input"
    );
}

// ---------------------------------------------------------------------------------------------
// Rejected rows

/// An expected reject: place, table, field, rule, words the reason must hold, the raw value.
struct Expect {
    file: &'static str,
    sheet: Option<&'static str>,
    row: i64,
    table: &'static str,
    field: &'static str,
    rule: &'static str,
    reason: &'static [&'static str],
    value: Option<&'static str>,
}

#[allow(clippy::too_many_arguments)]
const fn x(
    file: &'static str,
    sheet: Option<&'static str>,
    row: i64,
    table: &'static str,
    field: &'static str,
    rule: &'static str,
    reason: &'static [&'static str],
    value: Option<&'static str>,
) -> Expect {
    Expect {
        file,
        sheet,
        row,
        table,
        field,
        rule,
        reason,
        value,
    }
}

const F: Option<&str> = Some(FUNDS_FA);
const M: Option<&str> = Some("اعضا");
const L: Option<&str> = Some("تسهیلات");
const I: Option<&str> = Some("اقساط");
const S: Option<&str> = Some(SAVINGS_FA);

/// Every row of the fixture that must be rejected, and nothing else.
#[rustfmt::skip]
const EXPECTED_REJECTS: &[Expect] = &[
    x(ABHAR, F, 6, "funds", "fund_name", "required_blank", &["required", "blank"], Some("")),
    x(ABHAR, F, 8, "funds", "county", "unknown_value", &["تهران", "not a known county"], Some("تهران")),
    x(ABHAR, F, 9, "funds", "established_on", "bad_date", &["1401/12/30", "not a leap year"], Some("1401/12/30")),
    x(ABHAR, F, 10, "funds", "established_on", "bad_date", &["1401/13/01", "not a day of the Jalali calendar"], Some("1401/13/01")),
    x(ABHAR, F, 11, "funds", "established_on", "bad_date", &["99/07/15", "two-digit year"], Some("99/07/15")),
    x(ABHAR, F, 12, "funds", "established_on", "bad_date", &["1299", "outside 1300–1599"], Some("1299/01/01")),
    x(ABHAR, M, 4, "members", "gender", "unknown_value", &["نامشخص", "not a known gender"], Some("نامشخص")),
    x(ABHAR, M, 5, "members", "fund_id", "missing_parent", &["A99", "is in no funds sheet"], Some("A99")),
    x(ABHAR, L, 5, "loans", "principal", "bad_amount", &["ده میلیون", "is not an amount"], Some("ده میلیون")),
    x(ABHAR, L, 6, "loans", "principal", "bad_amount", &["negative"], Some("-500")),
    x(ABHAR, L, 7, "loans", "principal", "bad_amount", &["120.05", "not a whole number of rials"], Some("120.05 تومان")),
    x(ABHAR, L, 8, "loans", "principal", "out_of_range", &["principal", "more than zero"], Some("0")),
    x(ABHAR, L, 9, "loans", "installments", "out_of_range", &["installments", "at least 1"], Some("0")),
    x(ABHAR, L, 10, "loans", "loan_id", "conflicting_duplicate", &["conflicting duplicate", "L9", "row 11"], Some("L9")),
    x(ABHAR, L, 11, "loans", "loan_id", "conflicting_duplicate", &["conflicting duplicate", "L9", "row 10"], Some("L9")),
    x(ABHAR, I, 5, "installments", "paid_on", "payment_without_date", &["paid_on is blank", "cannot be dated"], Some("")),
    x(ABHAR, I, 8, "installments", "loan_id", "rejected_parent", &["L9", "was rejected"], Some("L9")),
    x(ABHAR, I, 9, "installments", "loan_id", "rejected_parent", &["L9", "was rejected"], Some("L9")),
    x(ABHAR, I, 10, "installments", "loan_id", "rejected_parent", &["L5", "was rejected", "negative"], Some("L5")),
    x(ABHAR, S, 5, "savings", "member_id", "rejected_parent", &["A1 / 3", "was rejected"], None),
    x(ABHAR, Some("تامین مالی"), 3, "financing", "fund_id", "missing_parent", &["A9", "is in no funds sheet"], Some("A9")),
    x(ABHAR, Some("آموزش"), 3, "trainings", "fund_id", "missing_parent", &["A77", "is in no funds sheet"], Some("A77")),
    x(K_SAVINGS, None, 4, "savings", "amount", "bad_amount", &["negative"], Some("(500)")),
    x(REGISTRY, None, 5, "funds", "established_on", "bad_date", &["1800-01-01", "outside 1300–1599"], Some("1800-01-01")),
];

#[test]
fn every_bad_row_is_rejected_with_its_reason_file_sheet_and_row() {
    let got = rejects(lake());
    let mut problems = Vec::new();
    let mut matched = vec![false; got.len()];
    for e in EXPECTED_REJECTS {
        let place = format!("{} › {} › {}", e.file, e.sheet.unwrap_or("(csv)"), e.row);
        let hits: Vec<usize> = (0..got.len())
            .filter(|&i| {
                let g = &got[i];
                g.source_file.as_deref() == Some(e.file)
                    && g.source_sheet.as_deref() == e.sheet
                    && g.source_row == Some(e.row)
            })
            .collect();
        let [i] = hits[..] else {
            problems.push(format!(
                "{place}: expected one reject ({} {}), found {}",
                e.table,
                e.rule,
                hits.len()
            ));
            continue;
        };
        matched[i] = true;
        let g = &got[i];
        let mut check = |what: &str, actual: Option<&str>, want: &str| {
            if actual != Some(want) {
                problems.push(format!("{place}: {what} is {actual:?}, expected {want:?}"));
            }
        };
        check("table", g.table.as_deref(), e.table);
        check("field", g.field.as_deref(), e.field);
        check("rule", g.rule.as_deref(), e.rule);
        if let Some(v) = e.value {
            check("value", g.value.as_deref(), v);
        }
        let reason = g.reason.as_deref().unwrap_or("");
        for word in e.reason {
            if !reason.contains(word) {
                problems.push(format!("{place}: reason lacks «{word}»: {reason}"));
            }
        }
    }
    for (g, _) in got.iter().zip(&matched).filter(|(_, m)| !**m) {
        problems.push(format!(
            "unexpected reject at {}: {:?} {:?}: {:?}",
            g.place(),
            g.table,
            g.rule,
            g.reason
        ));
    }
    assert_no_problems("rejects", &problems);
}

#[test]
fn rejects_name_the_county_when_it_can_be_told() {
    // A reject's county is that of the row itself, else of its fund (via its member or loan) when
    // that fund is known; null only when nothing tells it (unknown county, missing fund).
    let expected: &[(&str, Option<&str>, i64, Option<&str>)] = &[
        (ABHAR, F, 6, Some("abhar")),
        (ABHAR, F, 8, None),
        (ABHAR, F, 9, Some("abhar")),
        (ABHAR, M, 4, Some("abhar")),
        (ABHAR, M, 5, None),
        (ABHAR, L, 6, Some("abhar")),
        (ABHAR, L, 10, Some("abhar")),
        (ABHAR, L, 11, Some("abhar")),
        (ABHAR, I, 5, Some("abhar")),
        (ABHAR, I, 8, Some("abhar")),
        (ABHAR, I, 10, Some("abhar")),
        (ABHAR, S, 5, Some("abhar")),
        (ABHAR, Some("تامین مالی"), 3, None),
        (ABHAR, Some("آموزش"), 3, Some("abhar")),
        (K_SAVINGS, None, 4, Some("khodabandeh")),
        (REGISTRY, None, 5, Some("khodabandeh")),
    ];
    let got = rejects(lake());
    let mut problems = Vec::new();
    for (file, sheet, row, county) in expected {
        match got.iter().find(|g| {
            g.source_file.as_deref() == Some(file)
                && g.source_sheet.as_deref() == *sheet
                && g.source_row == Some(*row)
        }) {
            None => problems.push(format!("{file} › {sheet:?} › {row}: no reject")),
            Some(g) if g.county.as_deref() != *county => problems.push(format!(
                "{}: county {:?}, expected {county:?} ({} {})",
                g.place(),
                g.county,
                g.rule.as_deref().unwrap_or(""),
                g.reason.as_deref().unwrap_or("")
            )),
            Some(_) => {}
        }
    }
    assert_no_problems("reject counties", &problems);
}

#[test]
fn rejected_rows_keep_their_mapped_non_personal_cells() {
    let got = rejects(lake());
    let member = got
        .iter()
        .find(|g| {
            g.source_file.as_deref() == Some(ABHAR)
                && g.source_sheet == M.map(str::to_owned)
                && g.source_row == Some(4)
        })
        .expect("the member with an unknown gender is rejected");
    let raw: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(member.raw_row.as_deref().expect("a raw row"))
            .expect("raw_row is a JSON object");
    assert_eq!(
        raw.get("جنسیت").and_then(|v| v.as_str()),
        Some("نامشخص"),
        "{raw:?}"
    );
    assert_eq!(
        raw.get("کد صندوق").and_then(|v| v.as_str()),
        Some("A1"),
        "{raw:?}"
    );
    assert_eq!(
        raw.get("تاریخ عضویت").and_then(|v| v.as_str()),
        Some("1399/01/20"),
        "{raw:?}"
    );
    for personal in ["نام و نام خانوادگی", "کد ملی", "موبایل", "آدرس"]
    {
        assert!(
            !raw.contains_key(personal),
            "raw row keeps «{personal}»: {raw:?}"
        );
    }
    assert_eq!(
        member.column.as_deref(),
        Some("G «جنسیت»"),
        "the column at fault, with its letter"
    );
}

// ---------------------------------------------------------------------------------------------
// Warnings and duplicates

#[test]
fn warnings_are_reported_at_their_rows_and_the_rows_are_kept() {
    let lake = lake();
    let r = report(lake);
    let row_warnings: BTreeSet<(String, String)> = r
        .warnings
        .iter()
        .filter(|w| w.row.is_some())
        .map(|w| (w.rule.clone(), w.place()))
        .collect();
    let at = |sheet: &str, row: u32| format!("{ABHAR} › {sheet} › row {row}");
    let expected: BTreeSet<(String, String)> = [
        ("invalid_national_id", at("اعضا", 3)),
        ("schedule_short", at("تسهیلات", 3)),
        ("loan_before_joining", at("تسهیلات", 4)),
        ("payment_before_loan", at("اقساط", 7)),
        ("balance_below_zero", at(SAVINGS_FA, 3)),
        ("exact_duplicate", format!("{REGISTRY} › line 3")),
    ]
    .into_iter()
    .map(|(rule, place)| (rule.to_owned(), place))
    .collect();
    assert_eq!(row_warnings, expected, "warnings about rows (rule, place)");

    // Each warned row is in the lake.
    let kept = |table: Table, sheet: &str, row: i64| {
        let df = scan(lake, table).expect("table written");
        let (files, sheets, rows) = (
            strings(&df, "source_file"),
            strings(&df, "source_sheet"),
            ints(&df, "source_row"),
        );
        (0..df.height()).any(|i| {
            files[i].as_deref() == Some(ABHAR)
                && sheets[i].as_deref() == Some(sheet)
                && rows[i] == Some(row)
        })
    };
    assert!(
        kept(Table::Members, "اعضا", 3),
        "member with an invalid national id is kept"
    );
    assert!(
        kept(Table::Loans, "تسهیلات", 3),
        "loan with a short schedule is kept"
    );
    assert!(
        kept(Table::Loans, "تسهیلات", 4),
        "loan before joining is kept"
    );
    assert!(
        kept(Table::Installments, "اقساط", 7),
        "payment before its loan is kept"
    );
    assert!(
        kept(Table::Savings, SAVINGS_FA, 3),
        "withdrawal below zero is kept"
    );

    let nid = r
        .warnings
        .iter()
        .find(|w| w.rule == "invalid_national_id")
        .expect("national id warning");
    assert_eq!(nid.field.as_deref(), Some("national_id"));
    assert!(
        !nid.message.contains("0077712345") && !nid.message.contains("77712345"),
        "{}",
        nid.message
    );
}

#[test]
fn an_exact_duplicate_in_another_file_is_kept_once() {
    let lake = lake();
    let funds = scan(lake, Table::Funds).expect("funds written");
    let ids = strings(&funds, "fund_id");
    let files = strings(&funds, "source_file");
    let a1: Vec<usize> = (0..funds.height())
        .filter(|&i| ids[i].as_deref() == Some("A1"))
        .collect();
    assert_eq!(a1.len(), 1, "A1 lands exactly once: {ids:?}");
    assert_eq!(
        files[a1[0]].as_deref(),
        Some(ABHAR),
        "the first copy (in path order) is kept"
    );

    let r = report(lake);
    let dup = r
        .warnings
        .iter()
        .find(|w| w.rule == "exact_duplicate")
        .expect("an exact_duplicate warning");
    assert!(
        dup.message.contains(ABHAR),
        "the warning names the kept copy: {}",
        dup.message
    );
    let sheet = &r
        .files
        .iter()
        .find(|f| f.path == REGISTRY)
        .expect("registry in report")
        .sheets[0];
    assert_eq!(
        (
            sheet.counts.skipped_duplicate,
            sheet.counts.landed,
            sheet.counts.rejected
        ),
        (1, 1, 1),
        "{sheet:?}"
    );
    assert_eq!(r.totals.counts.skipped_duplicate, 1);
    assert!(!rejects(lake)
        .iter()
        .any(|g| g.source_row == Some(3) && g.source_file.as_deref() == Some(REGISTRY)));
}

// ---------------------------------------------------------------------------------------------
// Files and sheets

#[test]
fn unreadable_files_are_quarantined_and_others_skipped_with_reasons() {
    let r = report(lake());
    let file = |path: &str| {
        r.files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} not in report"))
    };
    let mut problems = Vec::new();
    let mut expect = |path: &str, status: &str, reason_words: &[&str]| {
        let f = file(path);
        let reason = f.reason.as_deref().unwrap_or("").to_lowercase();
        if f.status != status {
            problems.push(format!(
                "{path}: status {}, expected {status} ({reason})",
                f.status
            ));
        }
        for w in reason_words {
            if !reason.contains(w) {
                problems.push(format!("{path}: reason lacks «{w}»: {reason}"));
            }
        }
    };
    expect("zanjan/broken.xlsx", "quarantined", &["cut or damaged"]);
    expect(
        "zanjan/random-export.xlsx",
        "quarantined",
        &["not a spreadsheet"],
    );
    expect("tarom/tarom-export.xls", "quarantined", &["csv"]);
    expect(TAROM, "read", &[]);
    expect("zanjan/~$lock.xlsx", "skipped", &["lock file"]);
    expect("notes.txt", "skipped", &["not a spreadsheet"]);
    expect(".DS_Store", "skipped", &["hidden"]);
    #[cfg(unix)]
    expect("abhar/shortcut.xlsx", "skipped", &["symbolic link"]);
    for read in [ABHAR, K_MEMBERS, K_SAVINGS, REGISTRY, ZANJAN] {
        expect(read, "read", &[]);
    }
    assert_no_problems("files", &problems);

    let tarom = file(TAROM);
    assert_eq!(tarom.format.as_deref(), Some("xlsx"));
    assert!(
        tarom
            .notes
            .iter()
            .any(|n| n.contains(".xls") && n.contains("xlsx")),
        "an xlsx named .xls gets a note: {:?}",
        tarom.notes
    );
    assert!(
        file(ABHAR).notes.is_empty(),
        "a well-named file gets no note"
    );
    assert_eq!(
        (
            r.totals.files_found,
            r.totals.files_read,
            r.totals.files_skipped,
            r.totals.files_quarantined
        ),
        (
            if cfg!(unix) { 13 } else { 12 },
            6,
            if cfg!(unix) { 4 } else { 3 },
            3
        )
    );

    // The link was not followed: T1 comes from the tarom file alone, and its Excel date cell
    // landed as that day.
    let funds = scan(lake(), Table::Funds).expect("funds");
    let (ids, files) = (strings(&funds, "fund_id"), strings(&funds, "source_file"));
    let t1: Vec<usize> = (0..funds.height())
        .filter(|&i| ids[i].as_deref() == Some("T1"))
        .collect();
    assert_eq!(t1.len(), 1, "{ids:?}");
    assert_eq!(files[t1[0]].as_deref(), Some(TAROM));
    assert_eq!(
        ints(&funds, "established_on")[t1[0]],
        Some(epoch_day(2019, 4, 10))
    );
    assert!(
        !ids.iter().any(|i| i.as_deref() == Some("T9")),
        "nothing of the quarantined CSV-as-xls lands"
    );
}

#[test]
fn sheets_are_read_skipped_or_quarantined_with_reasons() {
    let r = report(lake());
    let sheet_of = |path: &str, name: &str| {
        let f = r
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} not in report"));
        f.sheets
            .iter()
            .find(|s| s.sheet.as_deref() == Some(name))
            .unwrap_or_else(|| {
                panic!(
                    "{path} › {name} not in report: {:?}",
                    f.sheets.iter().map(|s| &s.sheet).collect::<Vec<_>>()
                )
            })
            .clone()
    };

    let loans = sheet_of(ZANJAN, LOANS_FA);
    assert_eq!(loans.status, "quarantined");
    let why = loans.reason.unwrap_or_default();
    assert!(
        why.contains("principal") && why.contains("installments"),
        "the missing fields are named: {why}"
    );
    assert!(
        !why.contains("loan_id") && !why.contains("disbursed_on"),
        "present fields are not called missing: {why}"
    );

    let ambiguous = sheet_of(ZANJAN, "funds (2)");
    assert_eq!(ambiguous.status, "quarantined");
    let why = ambiguous.reason.unwrap_or_default();
    assert!(
        why.contains("ambiguous") && why.contains("کد صندوق") && why.contains("fund_id"),
        "{why}"
    );

    let notes = sheet_of(ABHAR, "Sheet2");
    assert_eq!(
        (notes.status.as_str(), notes.table.as_deref()),
        ("skipped", None),
        "{notes:?}"
    );
    assert_eq!(r.totals.sheets_quarantined, 2);

    let funds = sheet_of(ABHAR, FUNDS_FA);
    assert_eq!(
        (
            funds.status.as_str(),
            funds.table.as_deref(),
            funds.header_row
        ),
        ("read", Some("funds"), Some(3))
    );
    assert_eq!(
        (
            funds.counts.rows_read,
            funds.counts.landed,
            funds.counts.rejected,
            funds.counts.skipped_blank
        ),
        (9, 2, 6, 1)
    );

    let savings = sheet_of(ABHAR, SAVINGS_FA);
    assert_eq!(savings.table.as_deref(), Some("savings"));
    assert_eq!(
        (
            savings.counts.rows_read,
            savings.counts.landed,
            savings.counts.rejected,
            savings.counts.skipped_blank,
            savings.counts.skipped_total
        ),
        (6, 3, 1, 1, 1),
        "the «جمع» row is skipped as a total, not rejected: {savings:?}"
    );

    let members = sheet_of(ABHAR, "اعضا");
    assert!(
        members.ignored_columns.iter().any(|c| c.contains("آدرس")),
        "the unmapped column is listed: {:?}",
        members.ignored_columns
    );

    // Title rows: the first data row of the funds sheet is spreadsheet row 4.
    let lake_funds = scan(lake(), Table::Funds).expect("funds");
    let (ids, rows) = (
        strings(&lake_funds, "fund_id"),
        ints(&lake_funds, "source_row"),
    );
    let a1 = (0..lake_funds.height())
        .find(|&i| ids[i].as_deref() == Some("A1"))
        .expect("A1 landed");
    assert_eq!(rows[a1], Some(4));
}

#[test]
fn csv_exports_in_windows_1256_and_utf8_bom_are_read_with_line_numbers() {
    let lake = lake();
    let mut problems = Vec::new();
    let mut check = |what: &str, ok: bool, detail: String| {
        if !ok {
            problems.push(format!("{what}: {detail}"));
        }
    };

    // Windows-1256, `;`, CRLF: both members land, with their line numbers and no sheet.
    let members = scan(lake, Table::Members).expect("members");
    let (funds, ids, files, sheets, rows, genders) = (
        strings(&members, "fund_id"),
        strings(&members, "member_id"),
        strings(&members, "source_file"),
        strings(&members, "source_sheet"),
        ints(&members, "source_row"),
        strings(&members, "gender"),
    );
    let k: Vec<usize> = (0..members.height())
        .filter(|&i| funds[i].as_deref() == Some("K1"))
        .collect();
    check(
        "Windows-1256 members land",
        k.len() == 2,
        format!("{funds:?}"),
    );
    for &i in &k {
        check(
            "member source_file",
            files[i].as_deref() == Some(K_MEMBERS),
            format!("{:?}", files[i]),
        );
        check(
            "a CSV row has no sheet",
            sheets[i].is_none(),
            format!("{:?}", sheets[i]),
        );
        check(
            "«زن» and «خانم» read from Windows-1256",
            genders[i].as_deref() == Some("female"),
            format!("{:?}", genders[i]),
        );
    }
    let lines: BTreeSet<(Option<String>, Option<i64>)> =
        k.iter().map(|&i| (ids[i].clone(), rows[i])).collect();
    let want = BTreeSet::from([
        (Some("1".to_owned()), Some(2)),
        (Some("2".to_owned()), Some(3)),
    ]);
    check(
        "CRLF CSV line numbers (header = line 1)",
        lines == want,
        format!("(member_id, source_row) {lines:?}, expected {want:?}"),
    );

    let savings = scan(lake, Table::Savings).expect("savings");
    let (sfunds, amounts, kinds, srows) = (
        strings(&savings, "fund_id"),
        ints(&savings, "amount"),
        strings(&savings, "kind"),
        ints(&savings, "source_row"),
    );
    let ks: Vec<usize> = (0..savings.height())
        .filter(|&i| sfunds[i].as_deref() == Some("K1"))
        .collect();
    let mut k_amounts: Vec<(Option<i64>, Option<i64>)> =
        ks.iter().map(|&i| (srows[i], amounts[i])).collect();
    k_amounts.sort_unstable();
    check(
        "Windows-1256 savings (source_row, amount)",
        k_amounts == vec![(Some(2), Some(1_000_000)), (Some(3), Some(250_000))],
        format!("{k_amounts:?}"),
    );
    check(
        "«واريز» is a deposit",
        ks.iter().all(|&i| kinds[i].as_deref() == Some("deposit")),
        format!("{kinds:?}"),
    );

    // UTF-8 with BOM and tabs, LF: K1 is on line 2.
    let funds = scan(lake, Table::Funds).expect("funds");
    let (fids, ffiles, fsheets, frows, fcounty) = (
        strings(&funds, "fund_id"),
        strings(&funds, "source_file"),
        strings(&funds, "source_sheet"),
        ints(&funds, "source_row"),
        strings(&funds, "county"),
    );
    match (0..funds.height()).find(|&i| fids[i].as_deref() == Some("K1")) {
        None => check(
            "K1 from the tab-separated BOM CSV lands",
            false,
            format!("{fids:?}"),
        ),
        Some(k1) => {
            let got = (ffiles[k1].as_deref(), fsheets[k1].as_deref(), frows[k1]);
            check(
                "K1 lineage",
                got == (Some(REGISTRY), None, Some(2)),
                format!("{got:?}"),
            );
            check(
                "K1 county",
                fcounty[k1].as_deref() == Some("khodabandeh"),
                format!("{:?}", fcounty[k1]),
            );
        }
    }

    let r = report(lake);
    let registry = &r
        .files
        .iter()
        .find(|f| f.path == REGISTRY)
        .expect("registry")
        .sheets;
    check(
        "one sheet for a CSV",
        registry.len() == 1,
        format!("{registry:?}"),
    );
    if let Some(s) = registry.first() {
        check(
            "a CSV sheet has no name",
            s.sheet.is_none(),
            format!("{:?}", s.sheet),
        );
        check(
            "recognized by its header",
            s.table.as_deref() == Some("funds"),
            format!("{:?}", s.table),
        );
        check(
            "the empty line 4 is a blank row, read and skipped",
            s.counts.skipped_blank == 1 && s.counts.rows_read == 4,
            format!("{:?}", s.counts),
        );
    }
    assert_no_problems("CSV inputs", &problems);
}

// ---------------------------------------------------------------------------------------------
// Counts

#[test]
fn every_row_read_is_accounted_for() {
    let lake = lake();
    let r = report(lake);
    let mut problems = Vec::new();
    let mut sum = sandogh::ingest::report::Counts::default();
    let adds = |c: &sandogh::ingest::report::Counts| {
        c.rows_read
            == c.landed + c.rejected + c.skipped_blank + c.skipped_total + c.skipped_duplicate
    };
    for f in &r.files {
        for s in &f.sheets {
            if !adds(&s.counts) {
                problems.push(format!("{} › {:?}: {:?}", f.path, s.sheet, s.counts));
            }
            sum.rows_read += s.counts.rows_read;
            sum.landed += s.counts.landed;
            sum.rejected += s.counts.rejected;
            sum.skipped_blank += s.counts.skipped_blank;
            sum.skipped_total += s.counts.skipped_total;
            sum.skipped_duplicate += s.counts.skipped_duplicate;
        }
        if f.status != "read" && f.sheets.iter().any(|s| s.counts.rows_read > 0) {
            problems.push(format!("{} is {} but has rows read", f.path, f.status));
        }
    }
    let t = &r.totals.counts;
    if !adds(t) {
        problems.push(format!("totals do not add up: {t:?}"));
    }
    let mut by_tables = sandogh::ingest::report::Counts::default();
    for tc in &r.tables {
        if !adds(&tc.counts) {
            problems.push(format!(
                "table {} county {}: {:?}",
                tc.table, tc.county, tc.counts
            ));
        }
        by_tables.rows_read += tc.counts.rows_read;
        by_tables.landed += tc.counts.landed;
        by_tables.rejected += tc.counts.rejected;
    }
    let totals = (
        t.rows_read,
        t.landed,
        t.rejected,
        t.skipped_blank,
        t.skipped_total,
        t.skipped_duplicate,
    );
    if (
        sum.rows_read,
        sum.landed,
        sum.rejected,
        sum.skipped_blank,
        sum.skipped_total,
        sum.skipped_duplicate,
    ) != totals
    {
        problems.push(format!(
            "totals {t:?} are not the sum of the sheets {sum:?}"
        ));
    }
    if (by_tables.rows_read, by_tables.landed, by_tables.rejected)
        != (t.rows_read, t.landed, t.rejected)
    {
        problems.push(format!(
            "per-table counts {by_tables:?} do not sum to the totals {t:?}"
        ));
    }

    // The lake holds exactly the landed rows, the rejects table exactly the rejected ones.
    let mut lake_rows = BTreeMap::new();
    for table in Table::ALL {
        lake_rows.insert(
            table.name(),
            scan(lake, table).map(|df| df.height() as u64).unwrap_or(0),
        );
    }
    let landed: u64 = lake_rows.values().sum();
    if landed != t.landed {
        problems.push(format!(
            "the lake holds {landed} rows {lake_rows:?}, the report says {} landed",
            t.landed
        ));
    }
    let rejected = rejects(lake).len() as u64;
    if rejected != t.rejected {
        problems.push(format!(
            "rejects.parquet holds {rejected} rows, the report says {}",
            t.rejected
        ));
    }
    let expected_rows = BTreeMap::from([
        ("funds", 5),
        ("members", 7),
        ("loans", 3),
        ("installments", 5),
        ("savings", 5),
        ("financing", 1),
        ("trainings", 2),
    ]);
    if lake_rows != expected_rows {
        problems.push(format!(
            "rows per lake table {lake_rows:?}, expected {expected_rows:?}"
        ));
    }
    if (t.landed, t.rejected, t.skipped_total, t.skipped_duplicate) != (28, 24, 1, 1) {
        problems.push(format!(
            "totals {t:?}, expected 28 landed, 24 rejected, 1 total, 1 duplicate"
        ));
    }
    assert_no_problems("counts", &problems);
}

// ---------------------------------------------------------------------------------------------
// Personal data

#[test]
fn no_personal_value_reaches_anything_under_out_or_the_terminal() {
    let f = fixture();
    let lake = lake();
    let out = lake.parent().expect("out folder");
    let mut problems = Vec::new();
    let files = files_under(out);
    assert!(files.len() > 10, "the lake has files: {files:?}");
    for path in &files {
        let bytes = std::fs::read(path).expect("read output file");
        for needle in PERSONAL {
            if contains_bytes(&bytes, needle.as_bytes()) {
                problems.push(format!("{} holds «{needle}»", path.display()));
            }
        }
        if path.extension().is_some_and(|e| e == "parquet") {
            let df = read_parquet(path);
            for col in df.columns() {
                if col.dtype() != &polars::prelude::DataType::String {
                    continue;
                }
                for v in strings(&df, col.name()).into_iter().flatten() {
                    for needle in PERSONAL {
                        if v.contains(needle) {
                            problems.push(format!(
                                "{} column {} holds «{needle}»: {v}",
                                path.display(),
                                col.name()
                            ));
                        }
                    }
                }
            }
        }
    }
    for (what, text) in [
        ("ingest output", f.ingest.all_output()),
        ("validate output", f.validate.all_output()),
    ] {
        for needle in PERSONAL {
            if text.contains(needle) {
                problems.push(format!("{what} holds «{needle}»"));
            }
        }
    }
    // The needles are real: the inputs do hold every one of them (else this test could not fail).
    let mut inputs = std::fs::read(f.input.join(K_MEMBERS)).expect("fixture");
    inputs.extend(xlsx_strings(
        &std::fs::read(f.input.join(ABHAR)).expect("fixture"),
    ));
    for needle in PERSONAL {
        assert!(
            contains_bytes(&inputs, needle.as_bytes()),
            "the fixture lacks «{needle}»"
        );
    }
    assert_no_problems("personal data", &problems);
}

// ---------------------------------------------------------------------------------------------
// The lake

#[test]
fn the_lake_has_the_contract_schema_and_hive_partitions() {
    use polars::prelude::DataType;
    let lake = lake();
    let members = scan(lake, Table::Members).expect("members");
    let cols: BTreeSet<String> = column_names(&members).into_iter().collect();
    let want: BTreeSet<String> = [
        "fund_id",
        "member_id",
        "household_id",
        "gender",
        "has_disability",
        "joined_on",
        "left_on",
        "source_file",
        "source_sheet",
        "source_row",
        "county",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(cols, want, "members columns");
    let dtype = |df: &polars::prelude::DataFrame, c: &str| df.column(c).expect(c).dtype().clone();
    assert_eq!(dtype(&members, "joined_on"), DataType::Date);
    assert_eq!(dtype(&members, "left_on"), DataType::Date);
    assert_eq!(dtype(&members, "has_disability"), DataType::Boolean);
    assert_eq!(dtype(&members, "source_row"), DataType::Int64);
    assert_eq!(dtype(&members, "county"), DataType::String);

    let (mf, mid, county, left, dis, household) = (
        strings(&members, "fund_id"),
        strings(&members, "member_id"),
        strings(&members, "county"),
        ints(&members, "left_on"),
        ints(&members, "has_disability"),
        strings(&members, "household_id"),
    );
    let a2 = (0..members.height())
        .find(|&i| mf[i].as_deref() == Some("A2") && mid[i].as_deref() == Some("1"))
        .expect("A2/1");
    assert_eq!(county[a2].as_deref(), Some("abhar"));
    assert_eq!(
        left[a2],
        Some(epoch_day(2024, 4, 3)),
        "1403/01/15 = 2024-04-03"
    );
    assert_eq!(household[a2].as_deref(), Some("H-201"));
    let a12 = (0..members.height())
        .find(|&i| mf[i].as_deref() == Some("A1") && mid[i].as_deref() == Some("2"))
        .expect("A1/2");
    assert_eq!(dis[a12], Some(1), "«بله» is true");
    let counties: BTreeSet<Option<String>> = county.into_iter().collect();
    assert_eq!(
        counties,
        ["abhar", "khodabandeh", "tarom", "zanjan"]
            .into_iter()
            .map(|c| Some(c.to_owned()))
            .collect(),
        "members by county partition"
    );

    let savings = scan(lake, Table::Savings).expect("savings");
    assert_eq!(dtype(&savings, "amount"), DataType::Int64);
    assert_eq!(dtype(&savings, "date"), DataType::Date);
    let (sf, sm, amount) = (
        strings(&savings, "fund_id"),
        strings(&savings, "member_id"),
        ints(&savings, "amount"),
    );
    let mut a1_amounts: Vec<i64> = (0..savings.height())
        .filter(|&i| sf[i].as_deref() == Some("A1") && sm[i].as_deref() == Some("1"))
        .filter_map(|i| amount[i])
        .collect();
    a1_amounts.sort_unstable();
    assert_eq!(
        a1_amounts,
        vec![500_000, 800_000],
        "toman header: amounts × 10"
    );

    let loans = scan(lake, Table::Loans).expect("loans");
    assert_eq!(dtype(&loans, "principal"), DataType::Int64);
    assert_eq!(dtype(&loans, "installments"), DataType::Int64);
    let installments = scan(lake, Table::Installments).expect("installments");
    let icols = column_names(&installments);
    assert!(
        icols.iter().any(|c| c == "fund_id"),
        "installments carry their loan's fund: {icols:?}"
    );

    let funds = scan(lake, Table::Funds).expect("funds");
    let fcols = column_names(&funds);
    for c in [
        "fund_id",
        "fund_name",
        "village",
        "fund_type",
        "established_on",
        "facilitator",
        "county",
    ] {
        assert!(fcols.iter().any(|x| x == c), "funds lacks {c}: {fcols:?}");
    }
    assert_eq!(dtype(&funds, "established_on"), DataType::Date);
    let (ids, names) = (strings(&funds, "fund_id"), strings(&funds, "fund_name"));
    let a1 = (0..funds.height())
        .find(|&i| ids[i].as_deref() == Some("A1"))
        .expect("A1");
    assert_eq!(
        names[a1].as_deref(),
        Some("صندوق گل یاس"),
        "stored text is normalized"
    );

    let trainings = scan(lake, Table::Trainings).expect("trainings");
    let tc: BTreeSet<Option<String>> = strings(&trainings, "county").into_iter().collect();
    assert_eq!(
        tc,
        BTreeSet::from([Some("abhar".to_owned()), Some("_province".to_owned())])
    );

    for table in Table::ALL {
        let dir = lake.join(table.name());
        let mut parts = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                entry.path().is_dir(),
                "{}/{name} is not a partition folder",
                table.name()
            );
            let slug = name
                .strip_prefix("county=")
                .unwrap_or_else(|| panic!("{}/{name} is not county=<slug>", table.name()));
            assert!(
                ["abhar", "khodabandeh", "tarom", "zanjan", "_province"].contains(&slug),
                "{}/{name}: unexpected partition",
                table.name()
            );
            let files: Vec<PathBuf> = files_under(&entry.path());
            assert!(
                !files.is_empty()
                    && files
                        .iter()
                        .all(|p| p.extension().is_some_and(|e| e == "parquet"))
            );
            for p in &files {
                let df = read_parquet(p);
                for personal in ["full_name", "national_id", "mobile"] {
                    assert!(
                        df.column(personal).is_err(),
                        "{} has a {personal} column",
                        p.display()
                    );
                }
            }
            parts.push(slug.to_owned());
        }
        assert!(!parts.is_empty(), "{} has no partition", table.name());
    }
    assert!(lake.join("trainings/county=_province").is_dir());
    assert!(lake.join("rejects/rejects.parquet").is_file());
}

// ---------------------------------------------------------------------------------------------
// Determinism

#[test]
fn ingest_twice_writes_identical_bytes() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let run = ingest(&f.input, out);
        assert_eq!(run.code, 3, "{}", run.all_output());
    }
    let rel = |root: &Path| -> Vec<PathBuf> {
        files_under(root)
            .into_iter()
            .map(|p| p.strip_prefix(root).expect("under root").to_owned())
            .collect()
    };
    let (fa, fb) = (rel(&a), rel(&b));
    assert_eq!(fa, fb, "the same files");
    assert!(fa.iter().any(|p| p.ends_with("ingest-report.json")));
    assert!(
        fa.iter()
            .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
            .count()
            > 10
    );
    for p in &fa {
        let (x, y) = (
            std::fs::read(a.join(p)).expect("read"),
            std::fs::read(b.join(p)).expect("read"),
        );
        assert!(x == y, "{} differs between two runs", p.display());
    }
}

/// A row rejected on its own still shares its key with any other row of that key: both are
/// rejected as a conflicting duplicate. A rejected member's bad national id is not also warned.
#[test]
fn a_rejected_twin_makes_a_conflicting_duplicate_and_rejected_rows_get_no_warnings() {
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path();
    std::fs::write(
        input.join("funds.csv"),
        "fund_id,fund_name,county,established_on\nF1,یک,زنجان,1400/01/01\n",
    )
    .expect("funds");
    std::fs::write(
        input.join("members.csv"),
        "fund_id,member_id,national_id,joined_on\nF1,1,0499370898,1400/02/01\nF1,2,0499370898,1400/02/31x\n",
    )
    .expect("members");
    std::fs::write(
        input.join("loans.csv"),
        "loan_id,fund_id,member_id,disbursed_on,principal,installments\nL1,F1,1,1400/03/01,1000000,2\n",
    )
    .expect("loans");
    std::fs::write(
        input.join("loans_2.csv"),
        "loan_id,fund_id,member_id,disbursed_on,principal,installments\nL1,F1,1,1400/13/01,1000000,2\n",
    )
    .expect("loans 2");
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let ingested = sandogh::ingest::ingest(input, &pipeline).expect("ingest");
    let rules: Vec<(&str, &str)> = ingested
        .rejects
        .iter()
        .map(|r| (r.table.name(), r.rule))
        .collect();
    assert!(rules.contains(&("loans", "bad_date")), "{rules:?}");
    assert!(
        rules.contains(&("loans", "conflicting_duplicate")),
        "the good L1 is rejected too: {rules:?}"
    );
    assert!(ingested
        .decided
        .landed
        .get(&sandogh::schema::Table::Loans)
        .is_none_or(sandogh::ingest::validate::LandedRows::is_empty));
    let id_warnings: Vec<String> = ingested
        .report
        .warnings
        .iter()
        .filter(|w| w.rule == "invalid_national_id")
        .map(|w| w.place())
        .collect();
    assert_eq!(
        id_warnings,
        vec!["members.csv › line 2".to_owned()],
        "member 2 is rejected (bad date), so only member 1 is warned"
    );
}

/// The fixture's lake and rejects (as data) and its ingest report (byte for byte) are what they
/// were when committed in `tests/expected/bad-inputs/`: a new engine may change how rows are
/// read, never what becomes of them.
#[test]
fn the_fixture_outputs_match_their_committed_expectations() {
    let f = fixture();
    let parent = f.input.parent().expect("fixture folder");
    let dir = tempfile::tempdir().expect("temp dir");
    // A relative input path, so that the report's `input` is the same on every machine.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sandogh"))
        .current_dir(parent)
        .args(["ingest", "--input", "exports", "--out"])
        .arg(dir.path())
        .output()
        .expect("run sandogh");
    assert_eq!(out.status.code(), Some(3), "partial: files are quarantined");
    let lake = dir.path().join("lake");
    assert_matches_expected("bad-inputs/lake.tsv", lake_dump(&lake).as_bytes());
    let report = std::fs::read(lake.join("ingest-report.json")).expect("ingest report");
    assert_matches_expected("bad-inputs/ingest-report.json", &report);
}

/// The project's xlsx reader reads every workbook of the fixture that calamine reads, cell for
/// cell as calamine does.
#[test]
fn the_xlsx_reader_reads_the_fixture_workbooks_as_calamine_does() {
    let f = fixture();
    let mut compared = 0;
    for p in files_under(&f.input) {
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        if sandogh::ingest::read::sniff_workbook(&bytes) != Ok(sandogh::ingest::read::Format::Xlsx)
        {
            continue;
        }
        if sandogh::ingest::read::read_workbook(bytes.clone(), sandogh::ingest::read::Format::Xlsx)
            .is_err()
        {
            continue;
        }
        same_as_calamine(&p.display().to_string(), &bytes);
        compared += 1;
    }
    assert!(
        compared >= 3,
        "abhar, zanjan and tarom's workbooks: {compared}"
    );
}

/// An unquoted comma inside a CSV name shifts the line's later values (the mobile lands in
/// `gender`): the line is rejected as a whole, and the shifted values are quoted nowhere.
#[test]
fn a_csv_line_shifted_by_a_comma_in_a_name_is_rejected_without_quoting_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    put(
        &input,
        "tarom/funds.csv",
        "fund_id,fund_name,county,established_on\nT1,صندوق,طارم,1398/03/01\n",
    );
    put(
        &input,
        "tarom/members.csv",
        "fund_id,member_id,full_name,mobile,gender,joined_on\n\
         T1,1,زهرا احمدی,09121110001,زن,1398/04/01\n\
         T1,2,ZZSHIFTED, NAME,09127770002,زن,1398/04/01\n",
    );
    let out = dir.path().join("out");
    let run = ingest(&input, &out);
    assert_eq!(run.code, 0, "{}", run.all_output());
    let report = std::fs::read_to_string(out.join("lake/ingest-report.json")).expect("report");
    assert!(report.contains("extra_cells"), "{report}");
    assert!(
        report.contains("the line has 7 values but the header has 6"),
        "{report}"
    );
    let members = scan(&out.join("lake"), Table::Members).expect("members");
    assert_eq!(strings(&members, "member_id"), vec![Some("1".to_owned())]);
    for f in files_under(&out) {
        let bytes = std::fs::read(&f).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        for personal in ["09127770002", "ZZSHIFTED", "0912777"] {
            assert!(!text.contains(personal), "{personal} in {}", f.display());
        }
    }
    for personal in ["09127770002", "ZZSHIFTED"] {
        assert!(!run.all_output().contains(personal), "{personal} printed");
    }
    // Parquet is compressed: read the rejects' cells back as values too.
    let rejects = read_parquet(&out.join("lake/rejects/rejects.parquet"));
    let cells: Vec<String> = ["value", "raw_row", "reason"]
        .iter()
        .flat_map(|c| strings(&rejects, c))
        .flatten()
        .collect();
    assert_eq!(
        strings(&rejects, "rule"),
        vec![Some("extra_cells".to_owned())]
    );
    assert!(
        cells
            .iter()
            .all(|c| !c.contains("0912777") && !c.contains("ZZSHIFTED")),
        "{cells:?}"
    );
}

/// A key repeated on thousands of rows: every row is rejected as a conflicting duplicate, and
/// each reason names a few of the others and counts the rest (not n² places in all).
#[test]
fn a_key_repeated_on_many_rows_gives_bounded_reasons() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    let mut funds = String::from("fund_id,fund_name,county,established_on\n");
    for i in 0..3000 {
        funds.push_str(&format!("Z1,صندوق {i},زنجان,1398/03/01\n"));
    }
    put(&input, "zanjan/funds.csv", funds);
    let out = dir.path().join("out");
    let run = ingest(&input, &out);
    assert_eq!(run.code, 0, "{}", run.all_output());
    let rejects = read_parquet(&out.join("lake/rejects/rejects.parquet"));
    let reasons: Vec<String> = strings(&rejects, "reason").into_iter().flatten().collect();
    assert_eq!(reasons.len(), 3000);
    assert!(
        reasons[0].contains("line 7, and 2994 more rows;"),
        "{}",
        reasons[0]
    );
    let longest = reasons.iter().map(String::len).max().unwrap_or(0);
    assert!(longest < 600, "a reason of {longest} bytes");
}

/// A named pipe called `.csv` is skipped (reading it would wait forever), and a sub-folder
/// that cannot be listed is quarantined while the files beside it are read.
#[test]
fn a_pipe_is_skipped_and_an_unreadable_folder_does_not_stop_ingest() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    put(
        &input,
        "zanjan/funds.csv",
        "fund_id,fund_name,county,established_on\nZ1,صندوق,زنجان,1398/03/01\n",
    );
    let fifo = input.join("zanjan/members.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let locked = input.join("abhar");
    put(
        &input,
        "abhar/funds.csv",
        "fund_id,fund_name,county,established_on\nA1,صندوق,ابهر,1398/03/01\n",
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads a folder whatever its permissions: as root, ingest runs as `nobody` (with
    // setpriv) so that the folder is really unreadable to it.
    let root = std::fs::read_dir(&locked).is_ok();
    let setpriv = Path::new("/usr/bin/setpriv");
    let as_nobody = root && setpriv.is_file();
    let out = dir.path().join("out");
    let run = if as_nobody {
        for d in [dir.path(), &input, &input.join("zanjan")] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        }
        let o = std::process::Command::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_sandogh"))
            .args(["ingest", "--input"])
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("setpriv");
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    } else {
        ingest(&input, &out)
    };
    let unreadable = !root || as_nobody;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("lake/ingest-report.json")).expect("report"),
    )
    .expect("json");
    let files = report["files"].as_array().expect("files");
    let status_of = |rel: &str| {
        files.iter().find(|f| f["path"] == rel).map(|f| {
            (
                f["status"].as_str().unwrap_or("").to_owned(),
                f["reason"].to_string(),
            )
        })
    };
    if made {
        let (status, reason) = status_of("zanjan/members.csv").expect("the pipe is listed");
        assert_eq!(status, "skipped");
        assert!(reason.contains("not a regular file"), "{reason}");
    }
    if unreadable {
        assert_eq!(run.code, 3, "partial: {}", run.all_output());
        let (status, reason) = status_of("abhar").expect("the folder is listed");
        assert_eq!(status, "quarantined");
        assert!(reason.contains("a folder that cannot be read"), "{reason}");
    } else {
        assert_eq!(run.code, 0, "{}", run.all_output());
    }
    let funds = scan(&out.join("lake"), Table::Funds).expect("funds");
    assert!(strings(&funds, "fund_id").contains(&Some("Z1".to_owned())));
}

/// A UTF-16 CSV with its byte-order mark is read; one without (NUL bytes between the letters)
/// or a binary file named .csv is quarantined instead of decoded into nonsense; a CSV whose
/// lines all carry a value without a header is rejected line by line (a column without a
/// header cannot be told from a delimiter left unquoted on every line).
#[test]
fn utf16_csv_is_read_and_text_that_is_no_text_is_quarantined() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    let text = "fund_id,fund_name,county,established_on\r\nZ1,صندوق,زنجان,1398/03/01\r\n";
    let utf16 = |bom: bool| {
        let mut b: Vec<u8> = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for u in text.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        b
    };
    put(&input, "zanjan/funds.csv", utf16(true));
    put(&input, "abhar/funds.csv", utf16(false));
    put(
        &input,
        "tarom/funds.csv",
        b"PK\x03\x04\x00\x00\x08\x00garbage".as_slice(),
    );
    put(
        &input,
        "ijrud/funds.csv",
        "fund_id,fund_name,county,established_on\nJ1,صندوق,ایجرود,1398/03/01,note\nJ2,صندوق,ایجرود,1398/03/01,note\n",
    );
    let out = dir.path().join("out");
    let run = ingest(&input, &out);
    assert_eq!(run.code, 3, "{}", run.all_output());
    let funds = scan(&out.join("lake"), Table::Funds).expect("funds");
    assert_eq!(strings(&funds, "fund_id"), vec![Some("Z1".to_owned())]);
    assert_eq!(strings(&funds, "fund_name"), vec![Some("صندوق".to_owned())]);
    let rejects = read_parquet(&out.join("lake/rejects/rejects.parquet"));
    assert_eq!(
        strings(&rejects, "rule"),
        vec![Some("extra_cells".to_owned()); 2],
        "both ijrud lines"
    );
    let report = std::fs::read_to_string(out.join("lake/ingest-report.json")).expect("report");
    let quarantined_for_nul = report.matches("the file holds NUL bytes").count();
    assert_eq!(quarantined_for_nul, 2, "{report}");
}

/// A mobile number or a national ID in a column where it does not belong (here `gender` and
/// `county`) is masked in the reject's value, reason and raw row, in the
/// ingest report and on the terminal.
#[test]
fn personal_looking_numbers_in_other_columns_are_masked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    put(
        &input,
        "tarom/funds.csv",
        "fund_id,fund_name,county,established_on\nT1,صندوق,طارم,1398/03/01\nT2,صندوق دو,0499370899,1398/03/01\n",
    );
    put(
        &input,
        "tarom/members.csv",
        "fund_id,member_id,gender,joined_on\nT1,1,09121234567,1398/04/01\n",
    );
    let out = dir.path().join("out");
    let run = ingest(&input, &out);
    let rejects = read_parquet(&out.join("lake/rejects/rejects.parquet"));
    let rules: Vec<Option<String>> = strings(&rejects, "rule");
    assert_eq!(rules.len(), 2, "{rules:?}");
    let cells: Vec<String> = ["value", "reason", "raw_row"]
        .iter()
        .flat_map(|c| strings(&rejects, c))
        .flatten()
        .collect();
    assert!(
        cells
            .iter()
            .any(|c| c.contains(sandogh::ingest::mask::MASK)),
        "{cells:?}"
    );
    let report = std::fs::read_to_string(out.join("lake/ingest-report.json")).expect("report");
    for personal in ["09121234567", "0499370899", "9121234567", "499370899"] {
        assert!(
            !cells.iter().any(|c| c.contains(personal)),
            "{personal} in {cells:?}"
        );
        assert!(!report.contains(personal), "{personal} in the report");
        assert!(!run.all_output().contains(personal), "{personal} printed");
    }
    let validated = validate(&input);
    assert!(
        !validated.all_output().contains("0912123"),
        "{}",
        validated.all_output()
    );
}

/// A cell longer than a cell may hold rejects its row, quoted by its start only; a long one
/// within the limit lands, and the workbooks of a run are still written (Excel's own limit is
/// never passed).
#[test]
fn very_long_cells_are_rejected_or_written_within_excels_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    let long = "الف".repeat(12_000); // 36,000 characters
    let within = "ب".repeat(30_000);
    put(
        &input,
        "zanjan/funds.csv",
        format!(
            "fund_id,fund_name,county,established_on,village\nZ1,{long},زنجان,1398/03/01,x\nZ2,صندوق,زنجان,1398/03/01,{within}\n"
        ),
    );
    let out = dir.path().join("out");
    let run = sandogh([
        std::ffi::OsStr::new("run"),
        std::ffi::OsStr::new("--input"),
        input.as_os_str(),
        std::ffi::OsStr::new("--out"),
        out.as_os_str(),
        std::ffi::OsStr::new("--quarter"),
        std::ffi::OsStr::new("1398Q1"),
    ]);
    assert_eq!(run.code, 0, "{}", run.all_output());
    let rejects = read_parquet(&out.join("lake/rejects/rejects.parquet"));
    assert_eq!(strings(&rejects, "rule"), vec![Some("too_long".to_owned())]);
    let value = strings(&rejects, "value").remove(0).unwrap_or_default();
    assert!(
        value.chars().count() <= 200,
        "{} characters quoted",
        value.chars().count()
    );
    let reason = strings(&rejects, "reason").remove(0).unwrap_or_default();
    assert!(
        reason.contains("36000 characters") && reason.contains("[limits] cell_chars"),
        "{reason}"
    );
    let funds = scan(&out.join("lake"), Table::Funds).expect("funds");
    assert_eq!(strings(&funds, "fund_id"), vec![Some("Z2".to_owned())]);
    assert!(files_under(&out.join("reports"))
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "xlsx")));
}

/// A fund's savings in two files may be one ledger sent twice: one warning per fund and table,
/// at the fund's first row, naming both files; rows of one file only, however many, give none.
#[test]
fn a_funds_savings_in_two_files_are_warned_once_naming_both_files() {
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path();
    std::fs::write(
        input.join("funds.csv"),
        "fund_id,fund_name,county,established_on\nF1,یک,زنجان,1400/01/01\nF2,دو,زنجان,1400/01/01\n",
    )
    .expect("funds");
    std::fs::write(
        input.join("members.csv"),
        "fund_id,member_id,joined_on\nF1,1,1400/02/01\nF2,1,1400/02/01\n",
    )
    .expect("members");
    // F1 in a.csv, then F2, then F1 again (one file: no warning for F2).
    std::fs::write(
        input.join("savings_a.csv"),
        "fund_id,member_id,date,amount\nF1,1,1400/03/01,100\nF2,1,1400/03/01,100\nF2,1,1400/03/02,100\nF1,1,1400/03/03,100\n",
    )
    .expect("savings a");
    std::fs::write(
        input.join("savings_b.csv"),
        "fund_id,member_id,date,amount\nF1,1,1400/04/01,100\n",
    )
    .expect("savings b");
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let ingested = sandogh::ingest::ingest(input, &pipeline).expect("ingest");
    assert_eq!(ingested.report.totals.counts.rejected, 0);
    let warned: Vec<(String, String)> = ingested
        .report
        .warnings
        .iter()
        .filter(|w| w.rule == "fund_in_several_files")
        .map(|w| (w.place(), w.message.clone()))
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    let (place, message) = &warned[0];
    assert_eq!(place, "savings_a.csv");
    assert!(message.contains("«F1»"), "{message}");
    assert!(
        message.contains("savings_a.csv") && message.contains("savings_b.csv"),
        "{message}"
    );
}
