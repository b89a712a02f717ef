//! Khodabandeh (funds only from 1402): one small .xlsx with mixed Persian and English headers
//! and sheet names, and every date form in one workbook: Excel serial numbers without a date
//! format (funds), Excel date cells (members, loans), Gregorian ISO text (savings), Jalali text
//! with `/` or `.` (installments, financing, trainings). Amounts are partly text with
//! separators and units («1,200,000», «30,000,000 ریال», «5,000,000 تومان»).

use super::{course_fa, grouped, opt_int, purpose_en, View};
use crate::calendar::{epoch_day, JalaliDate};
use crate::sample::dates::slash;
use crate::sample::layout::{field, sheet, Cell, Column, ExportFile, Format};
use crate::sample::model::{
    Financing, Fund, FundType, Gender, Installment, Loan, Member, Saving, SavingsKind, Source,
    TableName, Training,
};
use std::path::PathBuf;

/// Excel's serial day (1900 date system) of a date.
fn serial(d: JalaliDate) -> Cell {
    d.to_gregorian()
        .map(|g| Cell::int(i64::from(epoch_day(g)) + 25_569))
        .unwrap_or(Cell::Blank)
}

fn excel_date(d: JalaliDate) -> Cell {
    d.to_gregorian().map(Cell::Date).unwrap_or(Cell::Blank)
}

fn iso_text(d: JalaliDate) -> Cell {
    d.to_gregorian()
        .map(|g| Cell::Text(g.format("%Y-%m-%d").to_string()))
        .unwrap_or(Cell::Blank)
}

fn jalali(d: JalaliDate) -> Cell {
    Cell::text(slash(d))
}

fn jalali_dots(d: Option<JalaliDate>) -> Cell {
    d.map(|d| Cell::Text(slash(d).replace('/', ".")))
        .unwrap_or(Cell::Blank)
}

pub(super) fn files(v: &View) -> Vec<ExportFile> {
    let funds: Vec<Column<Fund>> = vec![
        field("Fund Code", "fund_id", |f: &Fund| Cell::text(&f.id)),
        field("نام صندوق", "fund_name", |f: &Fund| {
            Cell::text(f.name())
        }),
        field("County", "county", |_: &Fund| Cell::text("Khodabande")),
        field("روستا", "village", |f: &Fund| Cell::text(&f.village)),
        field("type", "fund_type", |f: &Fund| {
            Cell::text(match f.fund_type {
                FundType::Women => "زنان",
                FundType::Disability => "افراد دارای معلولیت",
            })
        }),
        field("تاریخ تاسیس", "established_on", |f: &Fund| {
            serial(f.established)
        }),
        field("تسهیلگر", "facilitator", |f: &Fund| {
            Cell::text(&f.facilitator)
        }),
    ];
    let members: Vec<Column<Member>> = vec![
        field("fund_id", "fund_id", |m: &Member| Cell::text(&m.fund_id)),
        field("member_id", "member_id", |m: &Member| {
            Cell::int(i64::from(m.member_id))
        }),
        field("کد خانوار", "household_id", |m: &Member| {
            opt_int(m.household.map(i64::from))
        }),
        field(
            "نام و نام خانوادگی",
            "full_name",
            |m: &Member| Cell::text(&m.full_name),
        ),
        field("کد ملی", "national_id", |m: &Member| {
            Cell::text(&m.national_id)
        }),
        field("mobile", "mobile", |m: &Member| Cell::text(&m.mobile)),
        field("جنسیت", "gender", |m: &Member| match m.gender {
            Some(Gender::Female) => Cell::text("زن"),
            Some(Gender::Male) => Cell::text("مرد"),
            None => Cell::Blank,
        }),
        field("disability", "has_disability", |m: &Member| {
            if m.disability {
                Cell::text("✓")
            } else {
                Cell::Blank
            }
        }),
        field("join date", "joined_on", |m: &Member| excel_date(m.joined)),
        field("left", "left_on", |m: &Member| {
            m.left.map(excel_date).unwrap_or(Cell::Blank)
        }),
    ];
    let savings: Vec<Column<Saving>> = vec![
        field("Fund Code", "fund_id", |s: &Saving| Cell::text(&s.fund_id)),
        field("Member Code", "member_id", |s: &Saving| {
            Cell::int(i64::from(s.member_id))
        }),
        field("تاریخ", "date", |s: &Saving| iso_text(s.date)),
        field("amount", "amount", |s: &Saving| {
            Cell::Text(grouped(s.amount, ','))
        }),
        field("نوع", "kind", |s: &Saving| {
            Cell::text(match s.kind {
                SavingsKind::Deposit => "واریز",
                SavingsKind::Withdrawal => "برداشت",
            })
        }),
    ];
    let loans: Vec<Column<Loan>> = vec![
        field("loan code", "loan_id", |l: &Loan| Cell::text(&l.id)),
        field("کد صندوق", "fund_id", |l: &Loan| {
            Cell::text(&l.fund_id)
        }),
        field("کد عضو", "member_id", |l: &Loan| {
            Cell::int(i64::from(l.member_id))
        }),
        field("date", "disbursed_on", |l: &Loan| excel_date(l.disbursed)),
        field("اصل وام", "principal", |l: &Loan| {
            Cell::Text(format!("{} ریال", grouped(l.principal, ',')))
        }),
        field("تعداد اقساط", "installments", |l: &Loan| {
            Cell::int(i64::from(l.installments))
        }),
        field("activity", "purpose", |l: &Loan| {
            Cell::text(purpose_en(l.purpose))
        }),
        field("source", "funding_source", |l: &Loan| {
            Cell::text(match l.source {
                Source::Own => "صندوق",
                Source::Omid => "امید",
            })
        }),
    ];
    let installments: Vec<Column<Installment>> = vec![
        field("کد وام", "loan_id", |x: &Installment| {
            Cell::text(&x.loan_id)
        }),
        field("no", "installment_no", |x: &Installment| {
            Cell::int(i64::from(x.no))
        }),
        field("due date", "due_on", |x: &Installment| jalali(x.due_on)),
        field("installment amount", "due_amount", |x: &Installment| {
            Cell::int(x.due_amount)
        }),
        field("تاریخ پرداخت", "paid_on", |x: &Installment| {
            jalali_dots(x.paid_on)
        }),
        field("paid", "paid_amount", |x: &Installment| {
            opt_int(x.paid_amount)
        }),
    ];
    let financing: Vec<Column<Financing>> = vec![
        field("fund_id", "fund_id", |f: &Financing| Cell::text(&f.fund_id)),
        field("تاریخ", "date", |f: &Financing| jalali(f.date)),
        field("مبلغ", "amount", |f: &Financing| {
            Cell::Text(format!("{} تومان", grouped(f.amount / 10, ',')))
        }),
        field("source", "source", |_: &Financing| Cell::text("امید")),
    ];
    let trainings: Vec<Column<Training>> = vec![
        field("course", "course_type", |t: &Training| {
            Cell::text(course_fa(t.course))
        }),
        field("date", "started_on", |t: &Training| jalali(t.started_on)),
        field("participants", "participants", |t: &Training| {
            Cell::int(i64::from(t.participants))
        }),
        field("ساعت", "hours", |t: &Training| {
            opt_int(t.hours.map(i64::from))
        }),
        field("fund code", "fund_id", |t: &Training| {
            t.fund_id.as_deref().map(Cell::text).unwrap_or(Cell::Blank)
        }),
        field("شهرستان", "county", |_: &Training| {
            Cell::text("خدابنده")
        }),
    ];
    let b = v.bad;
    let sheets = vec![
        sheet("funds", TableName::Funds, &funds, &v.funds, b),
        sheet("اعضا", TableName::Members, &members, &v.members, b).rtl(),
        sheet("savings", TableName::Savings, &savings, &v.savings, b),
        sheet("وام‌ها", TableName::Loans, &loans, &v.loans, b).rtl(),
        sheet(
            "installments",
            TableName::Installments,
            &installments,
            &v.installments,
            b,
        ),
        sheet(
            "تامین مالی",
            TableName::Financing,
            &financing,
            &v.financing,
            b,
        )
        .rtl(),
        sheet(
            "trainings",
            TableName::Trainings,
            &trainings,
            &v.trainings,
            b,
        ),
    ];
    vec![ExportFile {
        path: PathBuf::from("khodabandeh/khodabandeh-1403.xlsx"),
        format: Format::Xlsx,
        sheets,
    }]
}
