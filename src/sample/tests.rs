//! Tests of the sample province: the seed facts on the in-memory model, the deliberate bad
//! rows, byte-for-byte determinism, and that calamine reads the files back.

use super::dates::{ARTICLE, FIRST_FUND, LEDGER_END, QUIET_END};
use super::layout::Cell;
use super::model::{national_id_check, County, FundType, Province, SavingsKind};
use super::*;
use calamine::{open_workbook_auto, Data, Reader};
use std::collections::{BTreeSet, HashMap};

/// Whether a national id passes the contract's check (after left-padding 8 or 9 digits).
fn national_id_valid(id: &str) -> bool {
    if !id.bytes().all(|b| b.is_ascii_digit()) || !(8..=10).contains(&id.len()) {
        return false;
    }
    let padded = format!("{id:0>10}");
    let d: Vec<u8> = padded.bytes().map(|b| b - b'0').collect();
    if d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let mut first9 = [0u8; 9];
    first9.copy_from_slice(&d[..9]);
    national_id_check(&first9) == d[9]
}

fn good_funds(p: &Province) -> impl Iterator<Item = &model::Fund> {
    p.funds.iter().filter(|f| f.bad.is_none())
}

fn check_seed_facts(p: &Province) {
    let by_article: Vec<_> = good_funds(p).filter(|f| f.established <= ARTICLE).collect();
    assert_eq!(by_article.len(), 20, "20 funds by 1399/07/23");
    let counties: BTreeSet<County> = by_article.iter().map(|f| f.county).collect();
    let expected: BTreeSet<County> = [
        County::Zanjan,
        County::Mahneshan,
        County::Tarom,
        County::Soltaniyeh,
        County::Khorramdarreh,
        County::Ijrud,
        County::Abhar,
    ]
    .into_iter()
    .collect();
    assert_eq!(counties, expected);
    let last = by_article.iter().map(|f| f.established).max().unwrap();
    assert_eq!(
        (last.year, last.month),
        (1399, 7),
        "the 20th fund is from Mehr 1399"
    );
    assert!(last <= ARTICLE);
    assert!(by_article.iter().all(|f| f.established >= FIRST_FUND));
    assert!(!p
        .funds
        .iter()
        .any(|f| f.established > ARTICLE && f.established <= QUIET_END));

    let financed: i64 = p
        .financing
        .iter()
        .filter(|f| f.bad.is_none() && f.date <= ARTICLE)
        .map(|f| f.amount)
        .sum();
    assert_eq!(financed, 9_000_000_000);
    assert!(!p
        .financing
        .iter()
        .any(|f| f.date > ARTICLE && f.date <= QUIET_END));
    assert!(
        p.financing.iter().any(|f| f.date.year >= 1400),
        "more financing later"
    );

    let disability: Vec<_> = good_funds(p)
        .filter(|f| f.fund_type == FundType::Disability)
        .collect();
    assert_eq!(disability.len(), 2);
    assert!(disability.iter().all(|f| f.established.year == 1400));
    let dc: BTreeSet<County> = disability.iter().map(|f| f.county).collect();
    assert_eq!(
        dc,
        [County::Zanjan, County::Khorramdarreh]
            .into_iter()
            .collect()
    );
    let khoda = good_funds(p)
        .filter(|f| f.county == County::Khodabandeh)
        .map(|f| f.established)
        .min()
        .unwrap();
    assert_eq!(khoda.year, 1402);
}

#[test]
fn seed_facts_hold_at_scale_1_for_any_seed() {
    for seed in [1399, 1, 42, 20_201_014] {
        let p = build_province(1.0, seed);
        check_seed_facts(&p);
        let funds = p.funds.len();
        assert!((30..=40).contains(&funds), "{funds} funds");
    }
}

#[test]
fn ledgers_are_realistic_and_end_on_1403_12_30() {
    let p = build_province(1.0, 1399);
    assert!(
        p.savings.iter().any(|s| s.date == LEDGER_END),
        "a transaction on 1403/12/30"
    );
    assert!(p.savings.iter().all(|s| s.date <= LEDGER_END));
    assert!(p
        .installments
        .iter()
        .all(|x| x.paid_on.is_none_or(|d| d <= LEDGER_END)));
    assert!(p
        .installments
        .iter()
        .filter(|x| x.due_on > LEDGER_END)
        .all(|x| x.paid_on.is_none() && x.paid_amount.unwrap_or(0) == 0));
    // members per fund, rejoiners, shared and blank households
    let mut per_fund: HashMap<&str, usize> = HashMap::new();
    for m in p.members.iter().filter(|m| m.bad.is_none()) {
        *per_fund.entry(m.fund_id.as_str()).or_insert(0) += 1;
    }
    assert!(
        per_fund.values().all(|&n| (14..=30).contains(&n)),
        "{per_fund:?}"
    );
    assert!(
        p.members.iter().filter(|m| m.note.is_some()).count() >= 2,
        "rejoiners"
    );
    assert!(p.members.iter().any(|m| m.household.is_none()));
    assert!(p.members.iter().any(|m| m.left.is_some()));
    // national ids valid except the two deliberate ones
    let invalid = p
        .members
        .iter()
        .filter(|m| !national_id_valid(&m.national_id))
        .count();
    assert_eq!(invalid, 2);
    // loans: unique ids except the deliberate conflict; schedules cover the principal except one
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for l in &p.loans {
        *ids.entry(l.id.as_str()).or_insert(0) += 1;
        assert!((10_000_000..=100_000_000).contains(&l.principal) && l.principal % 1_000_000 == 0);
        assert!((6..=12).contains(&l.installments));
    }
    assert_eq!(ids.values().filter(|&&n| n > 1).count(), 1);
    let mut due: HashMap<&str, i64> = HashMap::new();
    for x in &p.installments {
        *due.entry(x.loan_id.as_str()).or_insert(0) += x.due_amount;
    }
    let short = p
        .loans
        .iter()
        .filter(|l| {
            ids[l.id.as_str()] == 1 && due.get(l.id.as_str()).copied().unwrap_or(0) < l.principal
        })
        .count();
    assert_eq!(short, 1);
    // repayment behaviour: late, partial, missed and overpaid installments all occur
    let paid = |x: &model::Installment| x.paid_amount.unwrap_or(0);
    let done: Vec<_> = p
        .installments
        .iter()
        .filter(|x| x.due_on <= LEDGER_END)
        .collect();
    assert!(done.iter().any(|x| x.paid_on.is_some_and(|d| d > x.due_on)));
    assert!(done
        .iter()
        .any(|x| x.paid_on.is_some() && paid(x) < x.due_amount));
    assert!(done.iter().any(|x| x.paid_on.is_none()));
    assert!(done.iter().any(|x| paid(x) > x.due_amount));
    // balances never go below zero, except the one deliberate withdrawal
    let mut balance: HashMap<(&str, u32), i64> = HashMap::new();
    let mut negative = BTreeSet::new();
    for s in p.savings.iter().filter(|s| s.amount > 0) {
        let b = balance
            .entry((s.fund_id.as_str(), s.member_id))
            .or_insert(0);
        *b += match s.kind {
            SavingsKind::Deposit => s.amount,
            SavingsKind::Withdrawal => -s.amount,
        };
        if *b < 0 {
            negative.insert((s.fund_id.as_str(), s.member_id, s.date));
        }
    }
    assert_eq!(negative.len(), 1, "{negative:?}");
}

#[test]
fn every_bad_row_is_placed() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SampleOptions {
        out: dir.path().to_path_buf(),
        scale: 1.0,
        seed: 1399,
    };
    let (summary, locations) = write_with_locations(&opts).unwrap();
    let p = build_province(1.0, 1399);
    assert_eq!(p.bad.len(), 21);
    for (i, bad) in p.bad.iter().enumerate() {
        let here: Vec<_> = locations.iter().filter(|l| l.bad == i).collect();
        assert!(!here.is_empty(), "bad row {i} ({}) not written", bad.what);
        let rows: Vec<String> = here.iter().map(|l| l.row.to_string()).collect();
        println!(
            "{i:>2} {:?} {} [{}] rows {} — {} → {}",
            bad.county,
            here[0].file.display(),
            here[0].sheet,
            rows.join(","),
            bad.what,
            bad.outcome
        );
        // an override cell must be found where the location says
        if let (Some((_, cell)), Some(l)) = (&bad.cell, here.first()) {
            if l.file.extension().is_some_and(|e| e == "xlsx") {
                let mut wb = open_workbook_auto(dir.path().join(&l.file)).unwrap();
                let range = wb.worksheet_range(&l.sheet).unwrap();
                let row = l.row as u32 - 1;
                let found: Vec<Data> = (0..range.width() as u32)
                    .map(|c| range.get_value((row, c)).cloned().unwrap_or(Data::Empty))
                    .collect();
                let want = match cell {
                    Cell::Text(s) => Some(Data::String(s.clone())),
                    _ => None,
                };
                if let Some(want) = want {
                    assert!(
                        found.contains(&want),
                        "{:?} not in row {}: {found:?}",
                        want,
                        l.row
                    );
                }
            }
        }
    }
    println!("{:?}", summary.rows_per_table);
    let total: u64 = summary
        .files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    println!("{} files, {total} bytes", summary.files.len());
    for f in &summary.files {
        println!("  {}", f.strip_prefix(dir.path()).unwrap().display());
    }
    assert!(total < 6_000_000, "sample too large: {total} bytes");
}

#[test]
fn same_scale_and_seed_give_identical_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let run = |dir: &std::path::Path| {
        write_sample(&SampleOptions {
            out: dir.to_path_buf(),
            scale: 1.0,
            seed: 1399,
        })
        .unwrap()
    };
    let (sa, sb) = (run(a.path()), run(b.path()));
    assert_eq!(sa.rows_per_table, sb.rows_per_table);
    assert_eq!(sa.files.len(), sb.files.len());
    for (fa, fb) in sa.files.iter().zip(&sb.files) {
        assert_eq!(
            fa.strip_prefix(a.path()).unwrap(),
            fb.strip_prefix(b.path()).unwrap()
        );
        assert!(
            std::fs::read(fa).unwrap() == std::fs::read(fb).unwrap(),
            "{} differs",
            fa.display()
        );
    }
    let c = tempfile::tempdir().unwrap();
    let other = write_sample(&SampleOptions {
        out: c.path().to_path_buf(),
        scale: 1.0,
        seed: 7,
    })
    .unwrap();
    assert_ne!(other.rows_per_table, sa.rows_per_table);
}

#[test]
fn calamine_reads_the_ods_back() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(&SampleOptions {
        out: dir.path().to_path_buf(),
        scale: 1.0,
        seed: 1399,
    })
    .unwrap();
    let path = dir.path().join("khorramdarreh/khorramdarreh-1403.ods");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[30..38], b"mimetype");
    assert_eq!(
        &bytes[38..38 + 46],
        b"application/vnd.oasis.opendocument.spreadsheet"
    );
    let mut wb = open_workbook_auto(&path).unwrap();
    assert_eq!(wb.sheet_names()[0], "صندوق‌ها");
    let funds = wb.worksheet_range("صندوق‌ها").unwrap();
    assert_eq!(
        funds.get_value((0, 0)),
        Some(&Data::String("کد صندوق".into()))
    );
    assert_eq!(funds.get_value((1, 0)), Some(&Data::String("14001".into())));
    assert!(matches!(funds.get_value((1, 5)), Some(Data::Float(v)) if *v > 13_970_000.0));
    let financing = wb.worksheet_range("تامین مالی").unwrap();
    assert!(
        matches!(financing.get_value((1, 1)), Some(Data::DateTimeIso(d)) if d.starts_with("20"))
    );
    let members = wb.worksheet_range("اعضای صندوق").unwrap();
    assert_eq!(members.get_value((1, 1)), Some(&Data::String("001".into())));
}

#[test]
fn calamine_reads_the_xlsx_styles_back() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(&SampleOptions {
        out: dir.path().to_path_buf(),
        scale: 1.0,
        seed: 1399,
    })
    .unwrap();
    let mut zanjan = open_workbook_auto(dir.path().join("zanjan/zanjan-1403.xlsx")).unwrap();
    let savings = zanjan.worksheet_range("پس‌انداز").unwrap();
    assert_eq!(
        savings.get_value((2, 1)),
        Some(&Data::String("کد صندوق".into()))
    );
    let last = savings.height() as u32 - 1 + savings.start().unwrap().0;
    assert_eq!(
        savings.get_value((last, 0)),
        Some(&Data::String("جمع".into()))
    );
    let mut abhar =
        open_workbook_auto(dir.path().join("abhar/Abhar-funds-export-1403.xlsx")).unwrap();
    assert!(abhar.sheet_names().contains(&"savings 2".to_string()));
    let funds = abhar.worksheet_range("funds").unwrap();
    assert!(matches!(funds.get_value((1, 5)), Some(Data::DateTime(_))));
    let soltaniyeh =
        open_workbook_auto(dir.path().join("soltaniyeh/soltaniyeh-1403.xlsx")).unwrap();
    assert!(soltaniyeh.sheet_names().contains(&"اقساط ۲".to_string()));
    let tarom = std::fs::read(dir.path().join("tarom/اعضا.csv")).unwrap();
    let (text, _, errors) = encoding_rs::WINDOWS_1256.decode(&tarom);
    assert!(!errors && text.starts_with("كد صندوق;") || text.starts_with("کد صندوق;"));
    let ijrud = std::fs::read(dir.path().join("ijrud/funds.csv")).unwrap();
    assert!(ijrud.starts_with(b"\xEF\xBB\xBFfund_id\tfund_name"));
}

#[test]
fn other_scales_keep_the_shapes() {
    for scale in [0.1, 0.5, 2.0] {
        let p = build_province(scale, 1399);
        for county in County::ALL {
            assert!(
                good_funds(&p).any(|f| f.county == county),
                "{county:?} at {scale}"
            );
        }
        assert_eq!(p.bad.len(), 21, "bad rows at scale {scale}");
    }
    assert!(matches!(
        write_sample(&SampleOptions {
            out: "unused".into(),
            scale: 0.0,
            seed: 1
        }),
        Err(SampleError::Scale(_))
    ));
}

#[test]
#[ignore = "timing: cargo test --release --lib sample::tests::scale_10 -- --ignored --nocapture"]
fn scale_10_is_fast() {
    let dir = tempfile::tempdir().unwrap();
    let t = std::time::Instant::now();
    let s = write_sample(&SampleOptions {
        out: dir.path().to_path_buf(),
        scale: 10.0,
        seed: 1399,
    })
    .unwrap();
    println!("scale 10: {:?} in {:?}", s.rows_per_table, t.elapsed());
}
