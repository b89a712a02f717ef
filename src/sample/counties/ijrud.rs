//! Ijrud: one CSV per table from a web application: UTF-8 with BOM, tab-delimited, the
//! contract's own field names as headers, canonical English values, Jalali dates as 8-digit
//! text «13990715», county «Ijroud».

use super::{course_en, fund_type_en, kind_en, purpose_en, source_en, View};
use crate::calendar::JalaliDate;
use crate::sample::dates::compact;
use crate::sample::layout::{field, sheet, Cell, Column, CsvEncoding, ExportFile, Format, Sheet};
use crate::sample::model::{
    Financing, Fund, Gender, Installment, Loan, Member, Saving, TableName, Training,
};
use std::path::PathBuf;

fn date(d: JalaliDate) -> Cell {
    Cell::text(compact(d))
}

fn opt_date(d: Option<JalaliDate>) -> Cell {
    d.map(date).unwrap_or(Cell::Blank)
}

fn num(v: impl Into<i64>) -> Cell {
    Cell::int(v.into())
}

fn csv(stem: &str, sheet: Sheet) -> ExportFile {
    ExportFile {
        path: PathBuf::from(format!("ijrud/{stem}.csv")),
        format: Format::Csv {
            delimiter: b'\t',
            encoding: CsvEncoding::Utf8Bom,
            crlf: false,
        },
        sheets: vec![sheet],
    }
}

pub(super) fn files(v: &View) -> Vec<ExportFile> {
    let funds: Vec<Column<Fund>> = vec![
        field("fund_id", "fund_id", |f: &Fund| Cell::text(&f.id)),
        field("fund_name", "fund_name", |f: &Fund| Cell::text(f.name())),
        field("county", "county", |_: &Fund| Cell::text("Ijroud")),
        field("village", "village", |f: &Fund| Cell::text(&f.village)),
        field("fund_type", "fund_type", |f: &Fund| {
            Cell::text(fund_type_en(f.fund_type))
        }),
        field("established_on", "established_on", |f: &Fund| {
            date(f.established)
        }),
        field("facilitator", "facilitator", |f: &Fund| {
            Cell::text(&f.facilitator)
        }),
    ];
    let members: Vec<Column<Member>> = vec![
        field("fund_id", "fund_id", |m: &Member| Cell::text(&m.fund_id)),
        field("member_id", "member_id", |m: &Member| num(m.member_id)),
        field("household_id", "household_id", |m: &Member| {
            m.household.map(num).unwrap_or(Cell::Blank)
        }),
        field("full_name", "full_name", |m: &Member| {
            Cell::text(&m.full_name)
        }),
        field("national_id", "national_id", |m: &Member| {
            Cell::text(&m.national_id)
        }),
        field("mobile", "mobile", |m: &Member| Cell::text(&m.mobile)),
        field("gender", "gender", |m: &Member| match m.gender {
            Some(Gender::Female) => Cell::text("female"),
            Some(Gender::Male) => Cell::text("male"),
            None => Cell::Blank,
        }),
        field("has_disability", "has_disability", |m: &Member| {
            Cell::text(if m.disability { "true" } else { "false" })
        }),
        field("joined_on", "joined_on", |m: &Member| date(m.joined)),
        field("left_on", "left_on", |m: &Member| opt_date(m.left)),
    ];
    let savings: Vec<Column<Saving>> = vec![
        field("fund_id", "fund_id", |s: &Saving| Cell::text(&s.fund_id)),
        field("member_id", "member_id", |s: &Saving| num(s.member_id)),
        field("date", "date", |s: &Saving| date(s.date)),
        field("amount", "amount", |s: &Saving| num(s.amount)),
        field("kind", "kind", |s: &Saving| Cell::text(kind_en(s.kind))),
    ];
    let loans: Vec<Column<Loan>> = vec![
        field("loan_id", "loan_id", |l: &Loan| Cell::text(&l.id)),
        field("fund_id", "fund_id", |l: &Loan| Cell::text(&l.fund_id)),
        field("member_id", "member_id", |l: &Loan| num(l.member_id)),
        field("disbursed_on", "disbursed_on", |l: &Loan| date(l.disbursed)),
        field("principal", "principal", |l: &Loan| num(l.principal)),
        field("installments", "installments", |l: &Loan| {
            num(l.installments)
        }),
        field("purpose", "purpose", |l: &Loan| {
            Cell::text(purpose_en(l.purpose))
        }),
        field("funding_source", "funding_source", |l: &Loan| {
            Cell::text(source_en(l.source))
        }),
    ];
    let installments: Vec<Column<Installment>> = vec![
        field("loan_id", "loan_id", |x: &Installment| {
            Cell::text(&x.loan_id)
        }),
        field("installment_no", "installment_no", |x: &Installment| {
            num(x.no)
        }),
        field("due_on", "due_on", |x: &Installment| date(x.due_on)),
        field("due_amount", "due_amount", |x: &Installment| {
            num(x.due_amount)
        }),
        field("paid_on", "paid_on", |x: &Installment| opt_date(x.paid_on)),
        field("paid_amount", "paid_amount", |x: &Installment| {
            x.paid_amount.map(num).unwrap_or(Cell::Blank)
        }),
    ];
    let financing: Vec<Column<Financing>> = vec![
        field("fund_id", "fund_id", |f: &Financing| Cell::text(&f.fund_id)),
        field("date", "date", |f: &Financing| date(f.date)),
        field("amount", "amount", |f: &Financing| num(f.amount)),
        field("source", "source", |_: &Financing| Cell::text("omid")),
    ];
    let trainings: Vec<Column<Training>> = vec![
        field("course_type", "course_type", |t: &Training| {
            Cell::text(course_en(t.course))
        }),
        field("started_on", "started_on", |t: &Training| {
            date(t.started_on)
        }),
        field("participants", "participants", |t: &Training| {
            num(t.participants)
        }),
        field("hours", "hours", |t: &Training| {
            t.hours.map(num).unwrap_or(Cell::Blank)
        }),
        field("fund_id", "fund_id", |t: &Training| {
            t.fund_id.as_deref().map(Cell::text).unwrap_or(Cell::Blank)
        }),
        field("county", "county", |t: &Training| {
            if t.fund_id.is_some() {
                Cell::Blank
            } else {
                Cell::text("Ijroud")
            }
        }),
    ];
    let b = v.bad;
    vec![
        csv(
            "funds",
            sheet("funds", TableName::Funds, &funds, &v.funds, b),
        ),
        csv(
            "members",
            sheet("members", TableName::Members, &members, &v.members, b),
        ),
        csv(
            "savings",
            sheet("savings", TableName::Savings, &savings, &v.savings, b),
        ),
        csv(
            "loans",
            sheet("loans", TableName::Loans, &loans, &v.loans, b),
        ),
        csv(
            "installments",
            sheet(
                "installments",
                TableName::Installments,
                &installments,
                &v.installments,
                b,
            ),
        ),
        csv(
            "financing",
            sheet(
                "financing",
                TableName::Financing,
                &financing,
                &v.financing,
                b,
            ),
        ),
        csv(
            "trainings",
            sheet(
                "trainings",
                TableName::Trainings,
                &trainings,
                &v.trainings,
                b,
            ),
        ),
    ]
}
