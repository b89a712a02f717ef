//! Tarom: one CSV per table from an old Persian Excel: Windows-1256, `;`-delimited, CRLF, file
//! stems that are the tables' Persian names («اعضا.csv»). Windows-1256 has no Persian «ی» and
//! no Persian digits, so text comes out with the Arabic «ي» and dates as «1399/07/15».

use super::{
    course_fa, fund_type_fa, gender_fa, kind_fa, opt_int, purpose_fa, source_fa, yes_no_fa, View,
};
use crate::calendar::JalaliDate;
use crate::sample::dates::slash;
use crate::sample::layout::{field, sheet, Cell, Column, CsvEncoding, ExportFile, Format, Sheet};
use crate::sample::model::{
    Financing, Fund, Installment, Loan, Member, Saving, TableName, Training,
};
use std::path::PathBuf;

fn date(d: JalaliDate) -> Cell {
    Cell::text(slash(d))
}

fn opt_date(d: Option<JalaliDate>) -> Cell {
    d.map(date).unwrap_or(Cell::Blank)
}

fn csv(stem: &str, sheet: Sheet) -> ExportFile {
    ExportFile {
        path: PathBuf::from(format!("tarom/{stem}.csv")),
        format: Format::Csv {
            delimiter: b';',
            encoding: CsvEncoding::Windows1256,
            crlf: true,
        },
        sheets: vec![sheet],
    }
}

pub(super) fn files(v: &View) -> Vec<ExportFile> {
    let funds: Vec<Column<Fund>> = vec![
        field("کد صندوق", "fund_id", |f: &Fund| Cell::text(&f.id)),
        field("نام صندوق", "fund_name", |f: &Fund| {
            Cell::text(f.name())
        }),
        field("شهرستان", "county", |_: &Fund| Cell::text("طارم")),
        field("روستا", "village", |f: &Fund| Cell::text(&f.village)),
        field("نوع صندوق", "fund_type", |f: &Fund| {
            Cell::text(fund_type_fa(f.fund_type))
        }),
        field("تاریخ تاسیس", "established_on", |f: &Fund| {
            date(f.established)
        }),
        field("تسهیلگر", "facilitator", |f: &Fund| {
            Cell::text(&f.facilitator)
        }),
    ];
    let members: Vec<Column<Member>> = vec![
        field("کد صندوق", "fund_id", |m: &Member| {
            Cell::text(&m.fund_id)
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
        field("موبایل", "mobile", |m: &Member| Cell::text(&m.mobile)),
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
    ];
    let savings: Vec<Column<Saving>> = vec![
        field("کد صندوق", "fund_id", |s: &Saving| {
            Cell::text(&s.fund_id)
        }),
        field("کد عضو", "member_id", |s: &Saving| {
            Cell::int(i64::from(s.member_id))
        }),
        field("تاریخ", "date", |s: &Saving| date(s.date)),
        field("مبلغ", "amount", |s: &Saving| Cell::int(s.amount)),
        field("نوع تراکنش", "kind", |s: &Saving| {
            Cell::text(kind_fa(s.kind))
        }),
    ];
    let loans: Vec<Column<Loan>> = vec![
        field("کد وام", "loan_id", |l: &Loan| Cell::text(&l.id)),
        field("کد صندوق", "fund_id", |l: &Loan| {
            Cell::text(&l.fund_id)
        }),
        field("کد عضو", "member_id", |l: &Loan| {
            Cell::int(i64::from(l.member_id))
        }),
        field("تاریخ اعطا", "disbursed_on", |l: &Loan| {
            date(l.disbursed)
        }),
        field("مبلغ وام", "principal", |l: &Loan| {
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
    ];
    let installments: Vec<Column<Installment>> = vec![
        field("کد وام", "loan_id", |x: &Installment| {
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
    ];
    let financing: Vec<Column<Financing>> = vec![
        field("کد صندوق", "fund_id", |f: &Financing| {
            Cell::text(&f.fund_id)
        }),
        field("تاریخ", "date", |f: &Financing| date(f.date)),
        field("مبلغ", "amount", |f: &Financing| Cell::int(f.amount)),
        field("منبع", "source", |_: &Financing| Cell::text("امید")),
    ];
    let trainings: Vec<Column<Training>> = vec![
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
        field("ساعت", "hours", |t: &Training| {
            opt_int(t.hours.map(i64::from))
        }),
        field("کد صندوق", "fund_id", |t: &Training| {
            t.fund_id.as_deref().map(Cell::text).unwrap_or(Cell::Blank)
        }),
        field("شهرستان", "county", |_: &Training| {
            Cell::text("طارم")
        }),
    ];
    let b = v.bad;
    vec![
        csv(
            "صندوق‌ها",
            sheet("صندوق‌ها", TableName::Funds, &funds, &v.funds, b),
        ),
        csv(
            "اعضا",
            sheet("اعضا", TableName::Members, &members, &v.members, b),
        ),
        csv(
            "پس‌انداز",
            sheet("پس‌انداز", TableName::Savings, &savings, &v.savings, b),
        ),
        csv(
            "وام‌ها",
            sheet("وام‌ها", TableName::Loans, &loans, &v.loans, b),
        ),
        csv(
            "اقساط",
            sheet(
                "اقساط",
                TableName::Installments,
                &installments,
                &v.installments,
                b,
            ),
        ),
        csv(
            "تامین مالی",
            sheet(
                "تامین مالی",
                TableName::Financing,
                &financing,
                &v.financing,
                b,
            ),
        ),
        csv(
            "آموزش",
            sheet("آموزش", TableName::Trainings, &trainings, &v.trainings, b),
        ),
    ]
}
