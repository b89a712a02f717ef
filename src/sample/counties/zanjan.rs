//! Zanjan: one .xlsx with Persian sheet names and headers, two title rows, a row-number column,
//! a remarks column that maps to no field, Jalali dates as text «1399/07/15», amounts as
//! numbers in rials, and a «جمع» totals row under every money sheet.

use super::{
    course_fa, fund_type_fa, gender_fa, id_number, kind_fa, opt_int, purpose_fa, source_fa,
    yes_no_fa, View,
};
use crate::calendar::JalaliDate;
use crate::sample::dates::slash;
use crate::sample::layout::{extra, field, sheet, Cell, Column, ExportFile, Format, Sheet};
use crate::sample::model::{
    Financing, Fund, Installment, Loan, Member, Saving, SavingsKind, TableName, Training,
};
use crate::sample::names::REMARKS;
use std::path::PathBuf;

const EXPORT_DATE: &str = "1404/01/16";

fn date(d: JalaliDate) -> Cell {
    Cell::text(slash(d))
}

fn opt_date(d: Option<JalaliDate>) -> Cell {
    d.map(date).unwrap_or(Cell::Blank)
}

fn row_no<'a, R>() -> Column<'a, R> {
    extra("ردیف", |i, _| Cell::int(i as i64))
}

/// Remarks: a word now and then, chosen by row number so it is stable.
fn remarks<'a, R>() -> Column<'a, R> {
    extra("ملاحظات", |i, _| {
        Cell::text_or_blank(REMARKS[(i * 7 + 3) % REMARKS.len()])
    })
}

fn titled(s: Sheet, title: &str) -> Sheet {
    s.rtl().titles(vec![
        vec![Cell::text(format!(
            "گزارش صندوق‌های خرد محلی زنان روستایی — {title}"
        ))],
        vec![
            Cell::text("شهرستان زنجان"),
            Cell::Blank,
            Cell::text(format!("تاریخ گزارش: {EXPORT_DATE}")),
        ],
    ])
}

pub(super) fn files(v: &View) -> Vec<ExportFile> {
    let funds: Vec<Column<Fund>> = vec![
        row_no(),
        field("کد صندوق", "fund_id", |f: &Fund| id_number(&f.id)),
        field("نام صندوق", "fund_name", |f: &Fund| {
            Cell::text(f.name())
        }),
        field("شهرستان", "county", |_: &Fund| Cell::text("زنجان")),
        field("روستا", "village", |f: &Fund| Cell::text(&f.village)),
        field("نوع صندوق", "fund_type", |f: &Fund| {
            Cell::text(fund_type_fa(f.fund_type))
        }),
        field("تاریخ تأسیس", "established_on", |f: &Fund| {
            date(f.established)
        }),
        field("تسهیلگر", "facilitator", |f: &Fund| {
            Cell::text(&f.facilitator)
        }),
        extra("ملاحظات", |_, _| Cell::Blank),
    ];
    let members: Vec<Column<Member>> = vec![
        row_no(),
        field("کد صندوق", "fund_id", |m: &Member| {
            id_number(&m.fund_id)
        }),
        field("کد عضو", "member_id", |m: &Member| {
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
        field("تلفن همراه", "mobile", |m: &Member| {
            Cell::text(&m.mobile)
        }),
        field("جنسیت", "gender", |m: &Member| gender_fa(m.gender)),
        field(
            "دارای معلولیت",
            "has_disability",
            |m: &Member| yes_no_fa(m.disability),
        ),
        field("تاریخ عضویت", "joined_on", |m: &Member| {
            date(m.joined)
        }),
        field("تاریخ خروج", "left_on", |m: &Member| {
            opt_date(m.left)
        }),
        extra("ملاحظات", |_, m: &Member| {
            Cell::text_or_blank(m.note.unwrap_or(""))
        }),
    ];
    let savings: Vec<Column<Saving>> = vec![
        row_no(),
        field("کد صندوق", "fund_id", |s: &Saving| {
            id_number(&s.fund_id)
        }),
        field("کد عضو", "member_id", |s: &Saving| {
            Cell::int(i64::from(s.member_id))
        }),
        field("تاریخ", "date", |s: &Saving| date(s.date)),
        field("مبلغ (ریال)", "amount", |s: &Saving| {
            Cell::int(s.amount)
        }),
        field("نوع تراکنش", "kind", |s: &Saving| {
            Cell::text(kind_fa(s.kind))
        }),
        extra("ملاحظات", |i, s: &Saving| match s.kind {
            SavingsKind::Withdrawal => Cell::text("برداشت از پس‌انداز"),
            SavingsKind::Deposit => Cell::text_or_blank(REMARKS[(i * 7 + 3) % REMARKS.len()]),
        }),
    ];
    let loans: Vec<Column<Loan>> = vec![
        row_no(),
        field("شماره وام", "loan_id", |l: &Loan| Cell::text(&l.id)),
        field("کد صندوق", "fund_id", |l: &Loan| {
            id_number(&l.fund_id)
        }),
        field("کد عضو", "member_id", |l: &Loan| {
            Cell::int(i64::from(l.member_id))
        }),
        field(
            "تاریخ پرداخت وام",
            "disbursed_on",
            |l: &Loan| date(l.disbursed),
        ),
        field("اصل وام (ریال)", "principal", |l: &Loan| {
            Cell::int(l.principal)
        }),
        field("تعداد اقساط", "installments", |l: &Loan| {
            Cell::int(i64::from(l.installments))
        }),
        field("زمینه فعالیت", "purpose", |l: &Loan| {
            Cell::text(purpose_fa(l.purpose))
        }),
        field("محل تامین", "funding_source", |l: &Loan| {
            Cell::text(source_fa(l.source))
        }),
        remarks(),
    ];
    let installments: Vec<Column<Installment>> = vec![
        row_no(),
        field("شماره وام", "loan_id", |x: &Installment| {
            Cell::text(&x.loan_id)
        }),
        field("شماره قسط", "installment_no", |x: &Installment| {
            Cell::int(i64::from(x.no))
        }),
        field("تاریخ سررسید", "due_on", |x: &Installment| {
            date(x.due_on)
        }),
        field("مبلغ قسط", "due_amount", |x: &Installment| {
            Cell::int(x.due_amount)
        }),
        field("تاریخ پرداخت", "paid_on", |x: &Installment| {
            opt_date(x.paid_on)
        }),
        field(
            "مبلغ پرداختی",
            "paid_amount",
            |x: &Installment| opt_int(x.paid_amount),
        ),
        remarks(),
    ];
    let financing: Vec<Column<Financing>> = vec![
        row_no(),
        field("کد صندوق", "fund_id", |f: &Financing| {
            id_number(&f.fund_id)
        }),
        field("تاریخ", "date", |f: &Financing| date(f.date)),
        field("مبلغ (ریال)", "amount", |f: &Financing| {
            Cell::int(f.amount)
        }),
        field("منبع", "source", |_: &Financing| {
            Cell::text("صندوق کارآفرینی امید")
        }),
        remarks(),
    ];
    let trainings: Vec<Column<Training>> = vec![
        row_no(),
        field("نوع دوره", "course_type", |t: &Training| {
            Cell::text(course_fa(t.course))
        }),
        field("تاریخ برگزاری", "started_on", |t: &Training| {
            date(t.started_on)
        }),
        field(
            "تعداد شرکت کنندگان",
            "participants",
            |t: &Training| Cell::int(i64::from(t.participants)),
        ),
        field("مدت (ساعت)", "hours", |t: &Training| {
            opt_int(t.hours.map(i64::from))
        }),
        field("کد صندوق", "fund_id", |t: &Training| {
            t.fund_id.as_deref().map(id_number).unwrap_or(Cell::Blank)
        }),
        field("شهرستان", "county", |_: &Training| {
            Cell::text("زنجان")
        }),
        extra("ملاحظات", |_, _| Cell::Blank),
    ];
    let b = v.bad;
    let sheets = vec![
        titled(
            sheet("صندوق‌ها", TableName::Funds, &funds, &v.funds, b),
            "مشخصات صندوق‌ها",
        ),
        titled(
            sheet("اعضا", TableName::Members, &members, &v.members, b),
            "اعضا",
        ),
        titled(
            sheet("پس‌انداز", TableName::Savings, &savings, &v.savings, b),
            "پس‌انداز اعضا",
        )
        .totals(0, "جمع", &[4]),
        titled(
            sheet("وام‌ها", TableName::Loans, &loans, &v.loans, b),
            "وام‌ها",
        )
        .totals(0, "جمع", &[5]),
        titled(
            sheet(
                "اقساط",
                TableName::Installments,
                &installments,
                &v.installments,
                b,
            ),
            "اقساط",
        )
        .totals(0, "جمع", &[4, 6]),
        titled(
            sheet(
                "تامین مالی",
                TableName::Financing,
                &financing,
                &v.financing,
                b,
            ),
            "تامین مالی",
        )
        .totals(0, "جمع", &[3]),
        titled(
            sheet("آموزش", TableName::Trainings, &trainings, &v.trainings, b),
            "دوره‌های آموزشی",
        ),
    ];
    vec![ExportFile {
        path: PathBuf::from("zanjan/zanjan-1403.xlsx"),
        format: Format::Xlsx,
        sheets,
    }]
}
