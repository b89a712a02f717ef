//! Indicators on a small hand-made province whose every expected figure was worked out by hand
//! (the arithmetic is in the comments), covering the edge cases of INDICATORS.md.
//!
//! The province (Jalali 1403; 1403 is a leap year, Q4 ends on 1403/12/30):
//! - zanjan: fund F1 (women, established 1403/01/10, Q1) and F2 (disability, 1403/05/01, mid-Q2);
//! - abhar: fund A1 (1403/04/01, Q2); khodabandeh: no fund, one county course.
//!
//! Quarters: Q1 = 01/01–03/31, Q2 = 04/01–06/31, Q3 = 07/01–09/30, Q4 = 10/01–12/30.

use rust_decimal::Decimal;
use sandogh::calendar::{CalendarKind, Quarter};
use sandogh::indicators::output::{rows, IndicatorRow};
use sandogh::indicators::{choose_periods, components};
use std::path::Path;
use std::str::FromStr;

const FUNDS: &str = "fund_id,fund_name,county,fund_type,established_on
F1,صندوق یک,زنجان,زنان,1403/01/10
F2,صندوق دو,زنجان,توانیابان,1403/05/01
A1,صندوق ابهر,ابهر,,1403/04/01
";

// F1: m1, m2 share household H1; m3 is a household of one; m4 leaves on the last day of Q2 (so
// is not active at Q2's end); m5 joins and leaves inside Q2 (never active at a quarter's end).
// m3 leaves F1 on 1403/07/15 and rejoins F2 as its member 1. F2's member 2 has no gender.
const MEMBERS: &str =
    "fund_id,member_id,household_id,full_name,gender,has_disability,joined_on,left_on
F1,1,H1,نام یک,زن,بله,1403/01/15,
F1,2,H1,نام دو,زن,خیر,1403/02/01,
F1,3,,نام سه,مرد,,1403/02/10,1403/07/15
F1,4,H2,نام چهار,زن,,1403/03/31,1403/06/31
F1,5,H3,نام پنج,زن,,1403/04/05,1403/05/20
F2,1,,نام سه,مرد,,1403/07/20,
F2,2,H9,نام شش,,بله,1403/05/02,
A1,1,,نام هفت,female,,1403/04/01,
";

// A deposit on Esfand 30 of the leap year 1403 (the last day of Q4).
const SAVINGS: &str = "fund_id,member_id,date,amount,kind
F1,1,1403/01/20,1000000,واریز
F1,2,1403/02/05,500000,واریز
F1,1,1403/04/10,200000,برداشت
F1,1,1403/12/30,300000,واریز
";

// L1: 3 installments of 420,000 (total due 1,260,000 for a principal of 1,200,000).
// L2: no installments. L3: 2 installments of 310,000, the second overpaid after Q2.
// L4 (F2): one installment, never paid.
const LOANS: &str = "loan_id,fund_id,member_id,disbursed_on,principal,installments,funding_source
L1,F1,1,1403/02/01,1200000,3,امید
L2,F1,2,1403/04/15,1000000,1,
L3,F1,3,1403/01/25,600000,2,
L4,F2,2,1403/05/10,500000,1,
";

const INSTALLMENTS: &str = "loan_id,installment_no,due_on,due_amount,paid_on,paid_amount
L1,1,1403/03/01,420000,1403/03/01,420000
L1,2,1403/04/01,420000,1403/04/20,420000
L1,3,1403/05/01,420000,1403/05/10,300000
L3,1,1403/02/25,310000,1403/02/25,310000
L3,2,1403/03/25,310000,1403/07/05,400000
L4,1,1403/06/10,500000,,
";

const FINANCING: &str = "fund_id,date,amount
F1,1403/01/12,5000000
F2,1403/05/05,2000000
";

// A fund course, a zanjan county course, a khodabandeh county course (no fund there: counts for
// the province only), a province course, and an F2 course of an unlisted type («other»).
const TRAININGS: &str = "course_type,started_on,participants,hours,fund_id,county
حسابداری,1403/02/01,10,8,F1,
تسهیلگری,1403/02/15,12,,,زنجان
تربیت مربی,1403/03/01,5,20,,خدابنده
تربیت مربی,1403/03/10,20,16,,
خیاطی,1403/05/20,8,10,F2,
";

fn build() -> (tempfile::TempDir, Vec<IndicatorRow>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input");
    std::fs::create_dir_all(&input).expect("input dir");
    for (name, text) in [
        ("funds.csv", FUNDS),
        ("members.csv", MEMBERS),
        ("savings.csv", SAVINGS),
        ("loans.csv", LOANS),
        ("installments.csv", INSTALLMENTS),
        ("financing.csv", FINANCING),
        ("trainings.csv", TRAININGS),
    ] {
        std::fs::write(input.join(name), text).expect("write fixture");
    }
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let ingested = sandogh::ingest::ingest(&input, &pipeline).expect("ingest");
    assert_eq!(
        ingested.report.totals.counts.rejected, 0,
        "{:?}",
        ingested.report.reject_reasons
    );
    let out = dir.path().join("out");
    let lake = sandogh::ingest::write(&ingested, &out).expect("lake");
    let q4 = Quarter { year: 1403, q: 4 };
    let (periods, _) = choose_periods(&lake, CalendarKind::Jalali, Some(q4)).expect("periods");
    let c = components(&lake, periods).expect("components");
    (dir, rows(&c).expect("rows"))
}

fn find<'a>(
    rows: &'a [IndicatorRow],
    q: &str,
    level: &str,
    entity: Option<&str>,
    ind: &str,
) -> &'a IndicatorRow {
    rows.iter()
        .find(|r| {
            r.quarter == q
                && r.level == level
                && r.indicator == ind
                && match level {
                    "fund" => r.fund_id.as_deref() == entity,
                    "county" => r.county.as_deref() == entity,
                    _ => true,
                }
        })
        .unwrap_or_else(|| panic!("no row {q} {level} {entity:?} {ind}"))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

/// Checks value (None = null) and, when given, numerator and denominator.
fn check(
    rows: &[IndicatorRow],
    q: &str,
    level: &str,
    entity: Option<&str>,
    ind: &str,
    value: Option<&str>,
    nd: Option<(&str, &str)>,
) {
    let r = find(rows, q, level, entity, ind);
    assert_eq!(r.value, value.map(d), "{q} {level} {entity:?} {ind} value");
    if let Some((n, den)) = nd {
        assert_eq!(
            r.numerator,
            Some(d(n)),
            "{q} {level} {entity:?} {ind} numerator"
        );
        assert_eq!(
            r.denominator,
            Some(d(den)),
            "{q} {level} {entity:?} {ind} denominator"
        );
    }
}

#[test]
fn every_family_on_a_hand_made_province() {
    let (_dir, rows) = build();
    let f1 = Some("F1");
    let f2 = Some("F2");
    let zanjan = Some("zanjan");

    // ---- levels and quarters
    assert!(rows
        .iter()
        .all(|r| r.quarter.as_str() >= "1403Q1" && r.quarter.as_str() <= "1403Q4"));
    // abhar's first fund is established in Q2: no abhar row in Q1; khodabandeh never has one.
    assert!(!rows
        .iter()
        .any(|r| r.quarter == "1403Q1" && r.county.as_deref() == Some("abhar")));
    assert!(!rows
        .iter()
        .any(|r| r.county.as_deref() == Some("khodabandeh")));
    // F2 appears from the quarter of its establishment (mid-Q2).
    assert!(!rows
        .iter()
        .any(|r| r.quarter == "1403Q1" && r.fund_id.as_deref() == Some("F2")));
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| {
        (&a.quarter, a.level, &a.county, &a.fund_id, a.indicator).cmp(&(
            &b.quarter,
            b.level,
            &b.county,
            &b.fund_id,
            b.indicator,
        ))
    });
    assert!(sorted == rows, "rows are sorted");

    // ---- membership
    // Q1, F1: m1, m2, m3, m4 active (m4 joined on D itself) = 4; households H1 (m1+m2), m3, H2 = 3.
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "members_active",
        Some("4"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "households_active",
        Some("3"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "members_with_disability",
        Some("1"),
        None,
    );
    // women: m1, m2, m4 of 4 with a known gender = 0.75
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "women_share",
        Some("0.75"),
        Some(("3", "4")),
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "members_joined_q",
        Some("4"),
        None,
    );
    // nobody was active the day before the fund's first quarter: 0 ÷ 0 is null
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "dropout_rate_q",
        None,
        Some(("0", "0")),
    );
    // Q2, F1: m4 left on D (not active), m5 joined and left inside Q2: m1, m2, m3 = 3.
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "members_active",
        Some("3"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "members_joined_q",
        Some("1"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "members_left_q",
        Some("2"),
        None,
    );
    // left m4 + m5 = 2 over 4 active at the end of Q1 = 0.5
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "dropout_rate_q",
        Some("0.5"),
        Some(("2", "4")),
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "households_active",
        Some("2"),
        None,
    );
    // women 2 of 3 = 0.66666… → 0.6667
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "women_share",
        Some("0.6667"),
        Some(("2", "3")),
    );
    // F2's only member has no gender: zero denominator → null
    check(
        &rows,
        "1403Q2",
        "fund",
        f2,
        "women_share",
        None,
        Some(("0", "0")),
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f2,
        "members_with_disability",
        Some("1"),
        None,
    );
    // zanjan Q2 = F1 + F2: members 3 + 1 = 4, households 2 + 1 = 3; women 2 of 3 known.
    check(
        &rows,
        "1403Q2",
        "county",
        zanjan,
        "members_active",
        Some("4"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "county",
        zanjan,
        "households_active",
        Some("3"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "county",
        zanjan,
        "women_share",
        Some("0.6667"),
        Some(("2", "3")),
    );
    // province Q2: + A1's one woman: 3 women of 4 known; 5 members; funds F1, F2, A1; 1 disability fund
    check(
        &rows,
        "1403Q2",
        "province",
        None,
        "women_share",
        Some("0.75"),
        Some(("3", "4")),
    );
    check(
        &rows,
        "1403Q2",
        "province",
        None,
        "members_active",
        Some("5"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "province",
        None,
        "funds_active",
        Some("3"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "province",
        None,
        "funds_disability",
        Some("1"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "province",
        None,
        "funds_active",
        Some("1"),
        None,
    );
    // Q3: m3 leaves F1 (07/15) and rejoins F2 (07/20): F1 2 active, F2 2 active.
    check(
        &rows,
        "1403Q3",
        "fund",
        f1,
        "members_active",
        Some("2"),
        None,
    );
    check(
        &rows,
        "1403Q3",
        "fund",
        f1,
        "dropout_rate_q",
        Some("0.3333"),
        Some(("1", "3")),
    );
    check(
        &rows,
        "1403Q3",
        "fund",
        f2,
        "members_active",
        Some("2"),
        None,
    );
    check(
        &rows,
        "1403Q3",
        "fund",
        f2,
        "members_joined_q",
        Some("1"),
        None,
    );

    // ---- savings
    // Q1: 1,000,000 + 500,000 = 1,500,000; per member ÷ 4 = 375,000; per household ÷ 3 = 500,000
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "savings_balance",
        Some("1500000"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "savings_deposits_q",
        Some("1500000"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "savings_per_member",
        Some("375000"),
        Some(("1500000", "4")),
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "savings_per_household",
        Some("500000"),
        Some(("1500000", "3")),
    );
    // Q2: − 200,000 withdrawal = 1,300,000; ÷ 3 members = 433,333.33 → 433,333; no deposits
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "savings_balance",
        Some("1300000"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "savings_deposits_q",
        Some("0"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "savings_per_member",
        Some("433333"),
        Some(("1300000", "3")),
    );
    // Q4: the Esfand 30 deposit counts: 1,300,000 + 300,000
    check(
        &rows,
        "1403Q4",
        "fund",
        f1,
        "savings_balance",
        Some("1600000"),
        None,
    );
    check(
        &rows,
        "1403Q4",
        "fund",
        f1,
        "savings_deposits_q",
        Some("300000"),
        None,
    );

    // ---- loans and portfolio, Q1 (D = 1403/03/31)
    // L1 paid 420,000 of 1,260,000: outstanding 1,200,000 × 840,000 ÷ 1,260,000 = 800,000
    // L3 paid 310,000 of 620,000: 600,000 × 310,000 ÷ 620,000 = 300,000 → 1,100,000
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "loans_disbursed_q",
        Some("2"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "loans_disbursed_amount_q",
        Some("1800000"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "average_loan_size_q",
        Some("900000"),
        Some(("1800000", "2")),
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "portfolio_outstanding",
        Some("1100000"),
        None,
    );
    // L3's 2nd installment (due 03/25) is 6 days late: no PAR; arrears 310,000 of unpaid 840,000 + 310,000
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "par30",
        Some("0"),
        Some(("0", "1100000")),
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "arrears_rate",
        Some("0.2696"),
        Some(("310000", "1150000")),
    );
    // borrowers m1 and m3 of 4 members
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "borrowers_share",
        Some("0.5"),
        Some(("2", "4")),
    );
    // financing 5,000,000: utilization 1,100,000 ÷ (1,500,000 + 5,000,000) = 0.16923 → 0.1692
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "loan_fund_utilization",
        Some("0.1692"),
        Some(("1100000", "6500000")),
    );

    // ---- Q2 (D = 1403/06/31)
    // L1 paid 420,000 + 420,000 + 300,000 = 1,140,000: 1,200,000 × 120,000 ÷ 1,260,000 = 114,285.714285…
    // L2 (no installments): its whole principal 1,000,000; L3 still 300,000
    // portfolio = 1,414,285.714285… → 1,414,286
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "portfolio_outstanding",
        Some("1414286"),
        None,
    );
    // L1 #3 due 05/01 partly paid: 61 days late (> 30); L3 #2 due 03/25 unpaid at D: 99 days (> 90)
    // par30 = (114,285.7143 + 300,000) ÷ 1,414,285.7143 = 0.292929… → 0.2929
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "par30",
        Some("0.2929"),
        Some(("414285.7143", "1414285.7143")),
    );
    // par90 = 300,000 ÷ 1,414,285.7143 = 0.212121… → 0.2121
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "par90",
        Some("0.2121"),
        Some(("300000", "1414285.7143")),
    );
    // arrears: L1 min(120,000, 420,000 − 300,000) + L3 310,000 over unpaid 120,000 + 1,000,000 + 310,000
    // = 430,000 ÷ 1,430,000 = 0.300699… → 0.3007
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "arrears_rate",
        Some("0.3007"),
        Some(("430000", "1430000")),
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "borrowers_share",
        Some("1"),
        Some(("3", "3")),
    );
    // F2: L4 500,000 unpaid, 21 days late at D: no PAR
    check(
        &rows,
        "1403Q2",
        "fund",
        f2,
        "portfolio_outstanding",
        Some("500000"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f2,
        "par30",
        Some("0"),
        Some(("0", "500000")),
    );
    // zanjan: portfolio 1,414,285.7143 + 500,000; par30 = 414,285.7143 ÷ 1,914,285.7143 = 0.216417… → 0.2164
    check(
        &rows,
        "1403Q2",
        "county",
        zanjan,
        "portfolio_outstanding",
        Some("1914286"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "county",
        zanjan,
        "par30",
        Some("0.2164"),
        Some(("414285.7143", "1914285.7143")),
    );

    // ---- Q3 (D = 1403/09/30): L3 overpaid on 07/05 (400,000 on a 310,000 installment): repaid, 0
    // L1 #3 is 151 days late: in par30 and par90. portfolio 114,285.7143 + 1,000,000
    check(
        &rows,
        "1403Q3",
        "fund",
        f1,
        "portfolio_outstanding",
        Some("1114286"),
        None,
    );
    check(
        &rows,
        "1403Q3",
        "fund",
        f1,
        "par90",
        Some("0.1026"),
        Some(("114285.7143", "1114285.7143")),
    );
    check(
        &rows,
        "1403Q3",
        "fund",
        f1,
        "arrears_rate",
        Some("0.1071"),
        Some(("120000", "1120000")),
    );
    // m1 (L1) and m2 (L2) of 2 active; m3 left and repaid
    check(
        &rows,
        "1403Q3",
        "fund",
        f1,
        "borrowers_share",
        Some("1"),
        Some(("2", "2")),
    );
    // F2: L4 110 days late: all of its portfolio at risk; m2 borrows, the rejoined m1 does not
    check(
        &rows,
        "1403Q3",
        "fund",
        f2,
        "par90",
        Some("1"),
        Some(("500000", "500000")),
    );
    check(
        &rows,
        "1403Q3",
        "fund",
        f2,
        "borrowers_share",
        Some("0.5"),
        Some(("1", "2")),
    );

    // ---- repayment
    // Q1 due: L1#1 420,000 (on time), L3#1 310,000 (on time), L3#2 310,000 (unpaid by D)
    // on time 730,000 ÷ 1,040,000 = 0.70192… → 0.7019; collected the same
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "on_time_repayment_rate_q",
        Some("0.7019"),
        Some(("730000", "1040000")),
    );
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "collection_rate_q",
        Some("0.7019"),
        Some(("730000", "1040000")),
    );
    // Q2 due: L1#2 paid late in full, L1#3 paid 300,000 late: on time 0; collected 720,000 of 840,000
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "on_time_repayment_rate_q",
        Some("0"),
        Some(("0", "840000")),
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "collection_rate_q",
        Some("0.8571"),
        Some(("720000", "840000")),
    );
    // cumulative Q2: 420 + 420 + 300 + 310 + 0 (L3#2 paid after D) = 1,450,000 of 1,880,000 = 0.77127… → 0.7713
    check(
        &rows,
        "1403Q2",
        "fund",
        f1,
        "cumulative_repayment_rate",
        Some("0.7713"),
        Some(("1450000", "1880000")),
    );
    // Q3: no installment due: both quarter rates are null
    check(
        &rows,
        "1403Q3",
        "fund",
        f1,
        "on_time_repayment_rate_q",
        None,
        Some(("0", "0")),
    );
    check(
        &rows,
        "1403Q3",
        "fund",
        f1,
        "collection_rate_q",
        None,
        Some(("0", "0")),
    );
    // cumulative Q3: + min(400,000, 310,000) = 1,760,000 of 1,880,000 = 0.93617… → 0.9362 (overpayment capped)
    check(
        &rows,
        "1403Q3",
        "fund",
        f1,
        "cumulative_repayment_rate",
        Some("0.9362"),
        Some(("1760000", "1880000")),
    );

    // ---- financing
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "financing_per_member",
        Some("1250000"),
        Some(("5000000", "4")),
    );
    check(
        &rows,
        "1403Q2",
        "province",
        None,
        "financing_total",
        Some("7000000"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "province",
        None,
        "financing_q",
        Some("2000000"),
        None,
    );
    // 7,000,000 ÷ 3 funds = 2,333,333.33 → 2,333,333
    check(
        &rows,
        "1403Q2",
        "province",
        None,
        "financing_per_fund",
        Some("2333333"),
        Some(("7000000", "3")),
    );
    // abhar has a fund and no financing: 0 ÷ 1
    check(
        &rows,
        "1403Q2",
        "county",
        Some("abhar"),
        "financing_per_fund",
        Some("0"),
        Some(("0", "1")),
    );

    // ---- training
    // F1: the accounting course, 10 people × 8 hours
    check(&rows, "1403Q1", "fund", f1, "trainings_q", Some("1"), None);
    check(
        &rows,
        "1403Q1",
        "fund",
        f1,
        "training_participant_hours_q",
        Some("80"),
        None,
    );
    // zanjan: F1's course + the county course (12 people, blank hours count 0)
    check(
        &rows,
        "1403Q1",
        "county",
        zanjan,
        "trainings_q",
        Some("2"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "county",
        zanjan,
        "training_participants_q",
        Some("22"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "county",
        zanjan,
        "training_participant_hours_q",
        Some("80"),
        None,
    );
    // province: + khodabandeh's course (5 × 20) + the province course (20 × 16):
    // 4 courses, 10 + 12 + 5 + 20 = 47 people, 80 + 0 + 100 + 320 = 500 hours
    check(
        &rows,
        "1403Q1",
        "province",
        None,
        "trainings_q",
        Some("4"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "province",
        None,
        "training_participants_q",
        Some("47"),
        None,
    );
    check(
        &rows,
        "1403Q1",
        "province",
        None,
        "training_participant_hours_q",
        Some("500"),
        None,
    );
    check(
        &rows,
        "1403Q2",
        "fund",
        f2,
        "training_participant_hours_q",
        Some("80"),
        None,
    );
}

#[test]
fn quarter_arguments_and_defaults() {
    assert_eq!(
        Quarter::parse("1403-Q2"),
        Some(Quarter { year: 1403, q: 2 })
    );
    assert_eq!(Quarter::parse("۱۴۰۳Q۲"), Some(Quarter { year: 1403, q: 2 }));
    let (dir, _) = build();
    let lake = dir.path().join("out").join("lake");
    // the latest event is the Esfand 30 deposit, the last day of 1403Q4: that quarter has ended
    let (periods, why) = choose_periods(&lake, CalendarKind::Jalali, None).expect("periods");
    assert_eq!(
        periods.quarters.last().map(|q| q.0),
        Some(Quarter { year: 1403, q: 4 }),
        "{why}"
    );
    assert_eq!(periods.quarters[0].0, Quarter { year: 1403, q: 1 });
    // Gregorian quarters with the same code: F1 (2024-03-29) is in 2024Q1
    let (periods, _) = choose_periods(
        &lake,
        CalendarKind::Gregorian,
        Some(Quarter { year: 2024, q: 4 }),
    )
    .expect("gregorian");
    assert_eq!(periods.quarters.len(), 4);
    let c = components(&lake, periods).expect("components");
    let rows = rows(&c).expect("rows");
    // by 2024-06-30 (= 1403/04/10): F1 and A1 exist, F2 does not
    check(
        &rows,
        "2024Q2",
        "province",
        None,
        "funds_active",
        Some("2"),
        None,
    );
    assert!(choose_periods(
        &lake,
        CalendarKind::Jalali,
        Some(Quarter { year: 1402, q: 4 })
    )
    .is_err());
    let _ = Path::new("");
}

/// A fund code that a spreadsheet would run as a formula stays text in `indicators.csv` (a
/// leading `'`), and as it landed in `indicators.parquet`.
#[test]
fn a_fund_code_that_looks_like_a_formula_stays_text_in_the_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input");
    std::fs::create_dir_all(&input).expect("input dir");
    let funds = "fund_id,fund_name,county,established_on\n\"=HYPERLINK(\"\"http://x\"\")\",صندوق,زنجان,1403/01/10\n";
    std::fs::write(input.join("funds.csv"), funds).expect("write");
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let ingested = sandogh::ingest::ingest(&input, &pipeline).expect("ingest");
    assert_eq!(ingested.report.totals.counts.landed, 1);
    let out = dir.path().join("out");
    let lake = sandogh::ingest::write(&ingested, &out).expect("lake");
    let dest = out.join("indicators");
    let q = Some(Quarter { year: 1403, q: 1 });
    sandogh::indicators::run(&lake, &dest, CalendarKind::Jalali, q, 200).expect("indicators");
    let csv = std::fs::read_to_string(dest.join("indicators.csv")).expect("csv");
    let fund_rows: Vec<&str> = csv.lines().filter(|l| l.contains(",fund,")).collect();
    assert!(!fund_rows.is_empty(), "{csv}");
    for l in &fund_rows {
        assert!(l.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","), "{l}");
    }
    assert!(!csv.contains(",=HYPERLINK"), "no cell starts with =");
    let df = polars::prelude::ParquetReader::new(
        std::fs::File::open(dest.join("indicators.parquet")).expect("parquet"),
    );
    use polars::prelude::SerReader;
    let df = df.finish().expect("read");
    let ids = df.column("fund_id").expect("fund_id").str().expect("text");
    assert!(ids
        .iter()
        .flatten()
        .all(|id| id == "=HYPERLINK(\"http://x\")"));
}

/// A fund, its member and two savings rows of 4·10¹⁸ rials each (with `more` files beside
/// them), written as CSV under `dir/input`; returns the folder.
fn huge_savings_input(dir: &Path, more: &[(&str, &str)]) -> std::path::PathBuf {
    let input = dir.join("input");
    std::fs::create_dir_all(&input).expect("input dir");
    let files = [
        (
            "funds.csv",
            "fund_id,fund_name,county,established_on\nF1,صندوق,زنجان,1403/01/10\n",
        ),
        (
            "members.csv",
            "fund_id,member_id,joined_on\nF1,1,1403/01/10\n",
        ),
        (
            "savings.csv",
            "fund_id,member_id,date,amount\nF1,1,1403/01/11,4000000000000000000\nF1,1,1403/01/12,4000000000000000000\n",
        ),
    ];
    for (name, text) in files.iter().chain(more) {
        std::fs::write(input.join(name), text).expect("write");
    }
    input
}

/// Ingests `input` with `[limits] largest_amount_rials` lifted, checks that `landed` rows
/// landed, and writes the lake under `out`; returns the lake.
fn lake_without_amount_limit(input: &Path, out: &Path, landed: u64) -> std::path::PathBuf {
    let mut pipeline = sandogh::config::Pipeline::default_pipeline();
    pipeline.limits.largest_amount_rials = i64::MAX;
    let ingested = sandogh::ingest::ingest(input, &pipeline).expect("ingest");
    assert_eq!(
        ingested.report.totals.counts.landed, landed,
        "{:?}",
        ingested.report.reject_reasons
    );
    sandogh::ingest::write(&ingested, out).expect("lake")
}

/// Amounts whose sum passes what `i64` holds stop the stage with a message that says where to
/// look, instead of wrapping into a wrong figure.
#[test]
fn sums_past_exact_range_are_refused_not_wrapped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = huge_savings_input(dir.path(), &[]);
    // Ingest rejects such amounts by default (`[limits] largest_amount_rials`); lifted here,
    // the stage's own guard is what stops them.
    let strict = sandogh::config::Pipeline::default_pipeline();
    let refused = sandogh::ingest::ingest(&input, &strict).expect("ingest");
    assert_eq!(refused.report.totals.counts.rejected, 2);
    let reasons = format!("{:?}", refused.report.reject_reasons);
    assert!(
        reasons.contains("[limits] largest_amount_rials"),
        "{reasons}"
    );
    let out = dir.path().join("out");
    let lake = lake_without_amount_limit(&input, &out, 4);
    let q = Some(Quarter { year: 1403, q: 1 });
    let e = sandogh::indicators::run(&lake, &out.join("indicators"), CalendarKind::Jalali, q, 200)
        .expect_err("too large");
    let text = e.to_string();
    assert!(
        text.contains("the values of amount in the lake add up to 8000000000000000000"),
        "{text}"
    );
    assert!(!out.join("indicators").exists(), "nothing written");
}

/// Savings and loans are read side by side; when both tables' sums are past the exact range,
/// the stage names the savings amounts, as it did when the families were read one after the
/// other (savings first).
#[test]
fn of_two_tables_past_exact_range_the_first_read_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let loans = (
        "loans.csv",
        "loan_id,fund_id,member_id,disbursed_on,principal,installments\nL1,F1,1,1403/01/20,5000000000000000000,1\nL2,F1,1,1403/01/21,5000000000000000000,1\n",
    );
    let input = huge_savings_input(dir.path(), &[loans]);
    let out = dir.path().join("out");
    let lake = lake_without_amount_limit(&input, &out, 6);
    let q = Some(Quarter { year: 1403, q: 1 });
    for _ in 0..5 {
        let e =
            sandogh::indicators::run(&lake, &out.join("indicators"), CalendarKind::Jalali, q, 200)
                .expect_err("too large");
        let text = e.to_string();
        assert!(
            text.contains("the values of amount in the lake add up to 8000000000000000000"),
            "{text}"
        );
    }
}

/// One wrong establishment date (1300 for 1400) would make every fund's quarters a century
/// long: past `[limits] quarters_per_run` the stage stops and says which date to look at.
#[test]
fn a_century_of_quarters_is_refused_naming_the_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input");
    std::fs::create_dir_all(&input).expect("input dir");
    std::fs::write(
        input.join("funds.csv"),
        "fund_id,fund_name,county,established_on\nF1,صندوق,زنجان,1300/01/10\nF2,صندوق,زنجان,1403/01/10\n",
    )
    .expect("write");
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let ingested = sandogh::ingest::ingest(&input, &pipeline).expect("ingest");
    let out = dir.path().join("out");
    let lake = sandogh::ingest::write(&ingested, &out).expect("lake");
    let q = Some(Quarter { year: 1403, q: 1 });
    let e = sandogh::indicators::run(&lake, &out.join("indicators"), CalendarKind::Jalali, q, 200)
        .expect_err("412 quarters");
    let text = e.to_string();
    assert!(
        text.contains("from 1300Q1") && text.contains("[limits] quarters_per_run"),
        "{text}"
    );
    sandogh::indicators::run(&lake, &out.join("indicators"), CalendarKind::Jalali, q, 500)
        .expect("within a raised limit");
}
