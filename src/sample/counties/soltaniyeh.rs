//! Soltaniyeh: an .xlsx typed on an Arabic keyboard layout: headers, sheet names and values
//! use «ي» and «ك» (كد صندوق, تاريخ عضويت), and zero-width non-joiners come and go
//! («تلفن‌همراه», «پسانداز»). Dates are Jalali text in Persian digits «۱۳۹۹/۰۷/۱۵». The
//! installments run over two sheets, «اقساط» and «اقساط ۲». Some financing amounts are text with
//! their unit, «۳۰۰٬۰۰۰٬۰۰۰ ریال». Funds founded in 1403 have their county in English, «Soltanieh».

use super::{
    arabic, course_fa, fa_digits, fund_type_fa, gender_fa, grouped, kind_fa, opt_int, purpose_fa,
    source_fa, yes_no_fa, View,
};
use crate::calendar::JalaliDate;
use crate::sample::dates::slash;
use crate::sample::layout::{field, sheet, Cell, Column, ExportFile, Format};
use crate::sample::model::{
    Financing, Fund, Installment, Loan, Member, Saving, TableName, Training,
};
use std::path::PathBuf;

fn date(d: JalaliDate) -> Cell {
    Cell::Text(fa_digits(&slash(d)))
}

fn opt_date(d: Option<JalaliDate>) -> Cell {
    d.map(date).unwrap_or(Cell::Blank)
}

fn text(s: &str) -> Cell {
    Cell::Text(arabic(s))
}

pub(super) fn files(v: &View) -> Vec<ExportFile> {
    let a = arabic;
    let funds: Vec<Column<Fund>> = vec![
        field(&a("کد صندوق"), "fund_id", |f: &Fund| {
            Cell::text(&f.id)
        }),
        field("نام صندوق", "fund_name", |f: &Fund| text(&f.name())),
        field("شهرستان", "county", |f: &Fund| {
            // the clerk who joined in 1403 types the county in English
            if f.established.year >= 1403 {
                Cell::text("Soltanieh")
            } else {
                text("سلطانیه")
            }
        }),
        field("روستا", "village", |f: &Fund| text(&f.village)),
        field("نوع صندوق", "fund_type", |f: &Fund| {
            text(fund_type_fa(f.fund_type))
        }),
        field(&a("تاریخ تأسیس"), "established_on", |f: &Fund| {
            date(f.established)
        }),
        field(&a("تسهیلگر"), "facilitator", |f: &Fund| {
            text(&f.facilitator)
        }),
    ];
    let members: Vec<Column<Member>> = vec![
        field(&a("کد صندوق"), "fund_id", |m: &Member| {
            Cell::text(&m.fund_id)
        }),
        field(&a("کد عضو"), "member_id", |m: &Member| {
            Cell::int(i64::from(m.member_id))
        }),
        field(&a("کد خانوار"), "household_id", |m: &Member| {
            opt_int(m.household.map(i64::from))
        }),
        field(
            &a("نام و نام خانوادگی"),
            "full_name",
            |m: &Member| text(&m.full_name),
        ),
        field(&a("کد ملی"), "national_id", |m: &Member| {
            Cell::text(&m.national_id)
        }),
        field("تلفن\u{200c}همراه", "mobile", |m: &Member| {
            Cell::text(&m.mobile)
        }),
        field(&a("جنسیت"), "gender", |m: &Member| gender_fa(m.gender)),
        field(
            "دارای\u{200c}معلولیت",
            "has_disability",
            |m: &Member| yes_no_fa(m.disability),
        ),
        field(&a("تاریخ عضویت"), "joined_on", |m: &Member| {
            date(m.joined)
        }),
        field(&a("تاریخ خروج"), "left_on", |m: &Member| {
            opt_date(m.left)
        }),
    ];
    let savings: Vec<Column<Saving>> = vec![
        field(&a("کد صندوق"), "fund_id", |s: &Saving| {
            Cell::text(&s.fund_id)
        }),
        field(&a("کد عضو"), "member_id", |s: &Saving| {
            Cell::int(i64::from(s.member_id))
        }),
        field(&a("تاریخ واریز"), "date", |s: &Saving| {
            date(s.date)
        }),
        field("مبلغ", "amount", |s: &Saving| Cell::int(s.amount)),
        field(&a("نوع تراکنش"), "kind", |s: &Saving| {
            text(kind_fa(s.kind))
        }),
    ];
    let loans: Vec<Column<Loan>> = vec![
        field("شماره وام", "loan_id", |l: &Loan| Cell::text(&l.id)),
        field(&a("کد صندوق"), "fund_id", |l: &Loan| {
            Cell::text(&l.fund_id)
        }),
        field(&a("کد عضو"), "member_id", |l: &Loan| {
            Cell::int(i64::from(l.member_id))
        }),
        field(&a("تاریخ اعطا"), "disbursed_on", |l: &Loan| {
            date(l.disbursed)
        }),
        field("مبلغ وام", "principal", |l: &Loan| {
            Cell::int(l.principal)
        }),
        field("تعداد اقساط", "installments", |l: &Loan| {
            Cell::int(i64::from(l.installments))
        }),
        field(&a("زمینه فعالیت"), "purpose", |l: &Loan| {
            text(purpose_fa(l.purpose))
        }),
        field(&a("محل تأمین"), "funding_source", |l: &Loan| {
            text(source_fa(l.source))
        }),
    ];
    let installments: Vec<Column<Installment>> = vec![
        field("شماره وام", "loan_id", |x: &Installment| {
            Cell::text(&x.loan_id)
        }),
        field("شماره قسط", "installment_no", |x: &Installment| {
            Cell::int(i64::from(x.no))
        }),
        field(
            &a("تاریخ سررسید"),
            "due_on",
            |x: &Installment| date(x.due_on),
        ),
        field("مبلغ قسط", "due_amount", |x: &Installment| {
            Cell::int(x.due_amount)
        }),
        field(
            &a("تاریخ پرداخت"),
            "paid_on",
            |x: &Installment| opt_date(x.paid_on),
        ),
        field(
            &a("مبلغ پرداختی"),
            "paid_amount",
            |x: &Installment| opt_int(x.paid_amount),
        ),
    ];
    let financing: Vec<Column<Financing>> = vec![
        field(&a("کد صندوق"), "fund_id", |f: &Financing| {
            Cell::text(&f.fund_id)
        }),
        field(&a("تاریخ"), "date", |f: &Financing| date(f.date)),
        field("مبلغ", "amount", |f: &Financing| {
            if f.date.year >= 1401 {
                Cell::Text(format!("{} ریال", fa_digits(&grouped(f.amount, '٬'))))
            } else {
                Cell::int(f.amount)
            }
        }),
        field("منبع", "source", |_: &Financing| {
            text("صندوق کارآفرینی امید")
        }),
    ];
    let trainings: Vec<Column<Training>> = vec![
        field("نوع دوره", "course_type", |t: &Training| {
            text(course_fa(t.course))
        }),
        field(
            &a("تاریخ برگزاری"),
            "started_on",
            |t: &Training| date(t.started_on),
        ),
        field(
            &a("تعداد شرکت کنندگان"),
            "participants",
            |t: &Training| Cell::int(i64::from(t.participants)),
        ),
        field(&a("ساعت"), "hours", |t: &Training| {
            opt_int(t.hours.map(i64::from))
        }),
        field(&a("کد صندوق"), "fund_id", |t: &Training| {
            t.fund_id.as_deref().map(Cell::text).unwrap_or(Cell::Blank)
        }),
        field("شهرستان", "county", |_: &Training| text("سلطانیه")),
    ];
    let b = v.bad;
    let mut sheets = vec![
        sheet("صندوقها", TableName::Funds, &funds, &v.funds, b).rtl(),
        sheet(
            &a("اعضای صندوق"),
            TableName::Members,
            &members,
            &v.members,
            b,
        )
        .rtl(),
        sheet("پسانداز", TableName::Savings, &savings, &v.savings, b).rtl(),
        sheet("وامها", TableName::Loans, &loans, &v.loans, b).rtl(),
    ];
    sheets.extend(
        sheet(
            "اقساط",
            TableName::Installments,
            &installments,
            &v.installments,
            b,
        )
        .rtl()
        .split(2),
    );
    sheets.extend([
        sheet(
            &a("تأمین مالی"),
            TableName::Financing,
            &financing,
            &v.financing,
            b,
        )
        .rtl(),
        sheet("آموزشها", TableName::Trainings, &trainings, &v.trainings, b).rtl(),
    ]);
    vec![ExportFile {
        path: PathBuf::from("soltaniyeh/soltaniyeh-1403.xlsx"),
        format: Format::Xlsx,
        sheets,
    }]
}
