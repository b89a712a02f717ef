//! Mahneshan: an .xlsx in tomans. Money headers say so («مبلغ (تومان)», «اصل وام (تومان)»);
//! some amounts are text with Persian digits and separators («۱۲۰٬۰۰۰»), the loans' principals
//! always. Dates are Jalali text «1399-07-15». A «جمع کل» totals row closes the savings sheet
//! (Excel's SUM skips the text amounts, as it does for the clerk). Trainings are kept apart, in
//! a comma-separated UTF-8 CSV without BOM.

use super::{
    course_fa, fa_digits, fund_type_fa, gender_fa, grouped, kind_fa, opt_int, purpose_fa,
    source_fa, yes_no_fa, View,
};
use crate::calendar::JalaliDate;
use crate::sample::dates::dash;
use crate::sample::layout::{field, sheet, Cell, Column, CsvEncoding, ExportFile, Format};
use crate::sample::model::{
    Financing, Fund, Installment, Loan, Member, Saving, TableName, Training,
};
use std::path::PathBuf;

fn date(d: JalaliDate) -> Cell {
    Cell::text(dash(d))
}

fn opt_date(d: Option<JalaliDate>) -> Cell {
    d.map(date).unwrap_or(Cell::Blank)
}

/// Rials as a toman number.
fn toman(rials: i64) -> Cell {
    Cell::Number(rials as f64 / 10.0)
}

/// Rials as toman text with Persian digits and the Persian thousands separator.
fn toman_text(rials: i64) -> Cell {
    Cell::Text(fa_digits(&grouped(rials / 10, '٬')))
}

pub(super) fn files(v: &View) -> Vec<ExportFile> {
    let funds: Vec<Column<Fund>> = vec![
        field("کد صندوق", "fund_id", |f: &Fund| Cell::text(&f.id)),
        field("نام صندوق", "fund_name", |f: &Fund| {
            Cell::text(f.name())
        }),
        field("شهرستان", "county", |_: &Fund| Cell::text("ماهنشان")),
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
        field("معلولیت", "has_disability", |m: &Member| {
            yes_no_fa(m.disability)
        }),
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
        field("مبلغ (تومان)", "amount", |s: &Saving| {
            if s.member_id.is_multiple_of(5) {
                toman_text(s.amount)
            } else {
                toman(s.amount)
            }
        }),
        field("نوع", "kind", |s: &Saving| Cell::text(kind_fa(s.kind))),
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
        field("اصل وام (تومان)", "principal", |l: &Loan| {
            toman_text(l.principal)
        }),
        field("تعداد اقساط", "installments", |l: &Loan| {
            Cell::int(i64::from(l.installments))
        }),
        field("زمینه فعالیت", "purpose", |l: &Loan| {
            Cell::text(purpose_fa(l.purpose))
        }),
        field("منبع", "funding_source", |l: &Loan| {
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
        field(
            "مبلغ قسط (تومان)",
            "due_amount",
            |x: &Installment| toman(x.due_amount),
        ),
        field("تاریخ پرداخت", "paid_on", |x: &Installment| {
            opt_date(x.paid_on)
        }),
        field(
            "مبلغ پرداختی (تومان)",
            "paid_amount",
            |x: &Installment| x.paid_amount.map(toman).unwrap_or(Cell::Blank),
        ),
    ];
    let financing: Vec<Column<Financing>> = vec![
        field("کد صندوق", "fund_id", |f: &Financing| {
            Cell::text(&f.fund_id)
        }),
        field("تاریخ", "date", |f: &Financing| date(f.date)),
        field("مبلغ (تومان)", "amount", |f: &Financing| {
            toman(f.amount)
        }),
        field("منبع", "source", |_: &Financing| {
            Cell::text("صندوق کارآفرینی امید")
        }),
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
        field("مدت (ساعت)", "hours", |t: &Training| {
            opt_int(t.hours.map(i64::from))
        }),
        field("کد صندوق", "fund_id", |t: &Training| {
            t.fund_id.as_deref().map(Cell::text).unwrap_or(Cell::Blank)
        }),
        field("شهرستان", "county", |_: &Training| {
            Cell::text("ماهنشان")
        }),
    ];
    let b = v.bad;
    let sheets = vec![
        sheet("مشخصات صندوق", TableName::Funds, &funds, &v.funds, b).rtl(),
        sheet("لیست اعضا", TableName::Members, &members, &v.members, b).rtl(),
        sheet("پس انداز", TableName::Savings, &savings, &v.savings, b)
            .rtl()
            .totals(2, "جمع کل", &[3]),
        sheet("تسهیلات", TableName::Loans, &loans, &v.loans, b).rtl(),
        sheet(
            "جدول اقساط",
            TableName::Installments,
            &installments,
            &v.installments,
            b,
        )
        .rtl(),
        sheet(
            "اعتبارات",
            TableName::Financing,
            &financing,
            &v.financing,
            b,
        )
        .rtl(),
    ];
    vec![
        ExportFile {
            path: PathBuf::from("mahneshan/mahneshan-1403.xlsx"),
            format: Format::Xlsx,
            sheets,
        },
        ExportFile {
            path: PathBuf::from("mahneshan/دوره‌های آموزشی.csv"),
            format: Format::Csv {
                delimiter: b',',
                encoding: CsvEncoding::Utf8,
                crlf: false,
            },
            sheets: vec![sheet(
                "دوره‌های آموزشی",
                TableName::Trainings,
                &trainings,
                &v.trainings,
                b,
            )],
        },
    ]
}
