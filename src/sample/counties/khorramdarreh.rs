//! Khorramdarreh: an OpenDocument workbook (.ods) with Persian headers. Jalali dates are
//! 8-digit numbers (13990715) in number cells, except financing and training dates, which are
//! real ODS date cells. The county is written «خرم دره» or «خرمدره»; member codes are text
//! with leading zeros («007»).

use super::{course_fa, opt_int, purpose_fa, View};
use crate::calendar::JalaliDate;
use crate::sample::dates::compact_number;
use crate::sample::layout::{field, sheet, Cell, Column, ExportFile, Format};
use crate::sample::model::{
    Financing, Fund, FundType, Gender, Installment, Loan, Member, Saving, SavingsKind, Source,
    TableName, Training,
};
use std::path::PathBuf;

fn date(d: JalaliDate) -> Cell {
    Cell::Number(compact_number(d))
}

fn opt_date(d: Option<JalaliDate>) -> Cell {
    d.map(date).unwrap_or(Cell::Blank)
}

fn real_date(d: JalaliDate) -> Cell {
    d.to_gregorian().map(Cell::Date).unwrap_or(Cell::Blank)
}

fn member_code(id: u32) -> Cell {
    Cell::text(format!("{id:03}"))
}

pub(super) fn files(v: &View) -> Vec<ExportFile> {
    let funds: Vec<Column<Fund>> = vec![
        field("کد صندوق", "fund_id", |f: &Fund| Cell::text(&f.id)),
        field("نام صندوق", "fund_name", |f: &Fund| {
            Cell::text(f.name())
        }),
        field("شهرستان", "county", |f: &Fund| {
            Cell::text(if f.established.year < 1400 {
                "خرم دره"
            } else {
                "خرمدره"
            })
        }),
        field("دهستان", "village", |f: &Fund| Cell::text(&f.village)),
        field("نوع صندوق", "fund_type", |f: &Fund| {
            Cell::text(match f.fund_type {
                FundType::Women => "زنان",
                FundType::Disability => "معلولین",
            })
        }),
        field("تاریخ تشکیل", "established_on", |f: &Fund| {
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
        field("شماره عضویت", "member_id", |m: &Member| {
            member_code(m.member_id)
        }),
        field("شماره خانوار", "household_id", |m: &Member| {
            opt_int(m.household.map(i64::from))
        }),
        field("نام", "full_name", |m: &Member| Cell::text(&m.full_name)),
        field("کد ملی", "national_id", |m: &Member| {
            Cell::text(&m.national_id)
        }),
        field("شماره تماس", "mobile", |m: &Member| {
            Cell::text(&m.mobile)
        }),
        field("جنسیت", "gender", |m: &Member| match m.gender {
            Some(Gender::Female) => Cell::text("خانم"),
            Some(Gender::Male) => Cell::text("آقا"),
            None => Cell::Blank,
        }),
        field("معلولیت", "has_disability", |m: &Member| {
            Cell::text(if m.disability {
                "دارد"
            } else {
                "ندارد"
            })
        }),
        field("تاریخ عضویت", "joined_on", |m: &Member| {
            date(m.joined)
        }),
        field("تاریخ انصراف", "left_on", |m: &Member| {
            opt_date(m.left)
        }),
    ];
    let savings: Vec<Column<Saving>> = vec![
        field("کد صندوق", "fund_id", |s: &Saving| {
            Cell::text(&s.fund_id)
        }),
        field("شماره عضویت", "member_id", |s: &Saving| {
            member_code(s.member_id)
        }),
        field("تاریخ واریز", "date", |s: &Saving| date(s.date)),
        field("مبلغ پس انداز", "amount", |s: &Saving| {
            Cell::int(s.amount)
        }),
        field("نوع", "kind", |s: &Saving| {
            Cell::text(match s.kind {
                SavingsKind::Deposit => "پس انداز",
                SavingsKind::Withdrawal => "برداشت",
            })
        }),
    ];
    let loans: Vec<Column<Loan>> = vec![
        field("شماره وام", "loan_id", |l: &Loan| Cell::text(&l.id)),
        field("کد صندوق", "fund_id", |l: &Loan| {
            Cell::text(&l.fund_id)
        }),
        field("شماره عضویت", "member_id", |l: &Loan| {
            member_code(l.member_id)
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
        field("موضوع", "purpose", |l: &Loan| {
            Cell::text(purpose_fa(l.purpose))
        }),
        field("منبع", "funding_source", |l: &Loan| {
            Cell::text(match l.source {
                Source::Own => "صندوق",
                Source::Omid => "صندوق کارآفرینی امید",
            })
        }),
    ];
    let installments: Vec<Column<Installment>> = vec![
        field("شماره وام", "loan_id", |x: &Installment| {
            Cell::text(&x.loan_id)
        }),
        field("ردیف قسط", "installment_no", |x: &Installment| {
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
            "مبلغ پرداخت شده",
            "paid_amount",
            |x: &Installment| opt_int(x.paid_amount),
        ),
    ];
    let financing: Vec<Column<Financing>> = vec![
        field("کد صندوق", "fund_id", |f: &Financing| {
            Cell::text(&f.fund_id)
        }),
        field("تاریخ پرداخت", "date", |f: &Financing| {
            real_date(f.date)
        }),
        field("مبلغ تامین مالی", "amount", |f: &Financing| {
            Cell::int(f.amount)
        }),
        field("منبع", "source", |_: &Financing| Cell::text("امید")),
    ];
    let trainings: Vec<Column<Training>> = vec![
        field("عنوان دوره", "course_type", |t: &Training| {
            Cell::text(course_fa(t.course))
        }),
        field("تاریخ", "started_on", |t: &Training| {
            real_date(t.started_on)
        }),
        field("شرکت کنندگان", "participants", |t: &Training| {
            Cell::int(i64::from(t.participants))
        }),
        field("ساعت", "hours", |t: &Training| {
            opt_int(t.hours.map(i64::from))
        }),
        field("کد صندوق", "fund_id", |t: &Training| {
            t.fund_id.as_deref().map(Cell::text).unwrap_or(Cell::Blank)
        }),
        field("شهرستان", "county", |_: &Training| {
            Cell::text("خرمدره")
        }),
    ];
    let b = v.bad;
    let sheets = vec![
        sheet("صندوق‌ها", TableName::Funds, &funds, &v.funds, b).rtl(),
        sheet("اعضای صندوق", TableName::Members, &members, &v.members, b).rtl(),
        sheet("پس‌انداز", TableName::Savings, &savings, &v.savings, b).rtl(),
        sheet("وام‌ها", TableName::Loans, &loans, &v.loans, b).rtl(),
        sheet(
            "اقساط",
            TableName::Installments,
            &installments,
            &v.installments,
            b,
        )
        .rtl(),
        sheet(
            "تامین مالی",
            TableName::Financing,
            &financing,
            &v.financing,
            b,
        )
        .rtl(),
        sheet(
            "دوره‌های آموزشی",
            TableName::Trainings,
            &trainings,
            &v.trainings,
            b,
        )
        .rtl(),
    ];
    vec![ExportFile {
        path: PathBuf::from("khorramdarreh/khorramdarreh-1403.ods"),
        format: Format::Ods,
        sheets,
    }]
}
