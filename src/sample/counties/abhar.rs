//! Abhar: an English .xlsx. Headers are English aliases ("Fund Code", "Join Date"); dates are
//! real Excel date cells (Gregorian, with a date format); amounts and codes are numbers, so
//! national ids that start with 0 lose their leading zeros, as Excel does. Savings run over two
//! sheets, `savings` and `savings 2`.

use super::{course_en, fund_type_en, id_number, kind_en, opt_int, purpose_en, source_en, View};
use crate::calendar::JalaliDate;
use crate::sample::layout::{field, sheet, Cell, Column, ExportFile, Format};
use crate::sample::model::{
    Financing, Fund, Gender, Installment, Loan, Member, Saving, TableName, Training,
};
use std::path::PathBuf;

fn date(d: JalaliDate) -> Cell {
    d.to_gregorian().map(Cell::Date).unwrap_or(Cell::Blank)
}

fn opt_date(d: Option<JalaliDate>) -> Cell {
    d.map(date).unwrap_or(Cell::Blank)
}

pub(super) fn files(v: &View) -> Vec<ExportFile> {
    let funds: Vec<Column<Fund>> = vec![
        field("Fund Code", "fund_id", |f: &Fund| id_number(&f.id)),
        field("Fund Name", "fund_name", |f: &Fund| Cell::text(f.name())),
        field("County", "county", |_: &Fund| Cell::text("Abhar")),
        field("Village", "village", |f: &Fund| Cell::text(&f.village)),
        field("Type", "fund_type", |f: &Fund| {
            Cell::text(fund_type_en(f.fund_type))
        }),
        field("Date Established", "established_on", |f: &Fund| {
            date(f.established)
        }),
        field("Facilitator", "facilitator", |f: &Fund| {
            Cell::text(&f.facilitator)
        }),
    ];
    let members: Vec<Column<Member>> = vec![
        field("Fund Code", "fund_id", |m: &Member| id_number(&m.fund_id)),
        field("Member Code", "member_id", |m: &Member| {
            Cell::int(i64::from(m.member_id))
        }),
        field("Household", "household_id", |m: &Member| {
            opt_int(m.household.map(i64::from))
        }),
        field("Name", "full_name", |m: &Member| Cell::text(&m.full_name)),
        field("National ID", "national_id", |m: &Member| {
            id_number(&m.national_id)
        }),
        field("Phone", "mobile", |m: &Member| Cell::text(&m.mobile)),
        field("Sex", "gender", |m: &Member| match m.gender {
            Some(Gender::Female) => Cell::text("F"),
            Some(Gender::Male) => Cell::text("M"),
            None => Cell::Blank,
        }),
        field("Disability", "has_disability", |m: &Member| {
            Cell::text(if m.disability { "yes" } else { "no" })
        }),
        field("Join Date", "joined_on", |m: &Member| date(m.joined)),
        field("Exit Date", "left_on", |m: &Member| opt_date(m.left)),
    ];
    let savings: Vec<Column<Saving>> = vec![
        field("Fund Code", "fund_id", |s: &Saving| id_number(&s.fund_id)),
        field("Member Code", "member_id", |s: &Saving| {
            Cell::int(i64::from(s.member_id))
        }),
        field("Transaction Date", "date", |s: &Saving| date(s.date)),
        field("Amount", "amount", |s: &Saving| Cell::int(s.amount)),
        field("Type", "kind", |s: &Saving| Cell::text(kind_en(s.kind))),
    ];
    let loans: Vec<Column<Loan>> = vec![
        field("Loan Code", "loan_id", |l: &Loan| Cell::text(&l.id)),
        field("Fund Code", "fund_id", |l: &Loan| id_number(&l.fund_id)),
        field("Member Code", "member_id", |l: &Loan| {
            Cell::int(i64::from(l.member_id))
        }),
        field("Disbursed", "disbursed_on", |l: &Loan| date(l.disbursed)),
        field("Amount", "principal", |l: &Loan| Cell::int(l.principal)),
        field("Installments", "installments", |l: &Loan| {
            Cell::int(i64::from(l.installments))
        }),
        field("Activity", "purpose", |l: &Loan| {
            Cell::text(purpose_en(l.purpose))
        }),
        field("Source", "funding_source", |l: &Loan| {
            Cell::text(source_en(l.source))
        }),
    ];
    let installments: Vec<Column<Installment>> = vec![
        field("Loan Code", "loan_id", |x: &Installment| {
            Cell::text(&x.loan_id)
        }),
        field("No", "installment_no", |x: &Installment| {
            Cell::int(i64::from(x.no))
        }),
        field("Due Date", "due_on", |x: &Installment| date(x.due_on)),
        field("Installment Amount", "due_amount", |x: &Installment| {
            Cell::int(x.due_amount)
        }),
        field("Payment Date", "paid_on", |x: &Installment| {
            opt_date(x.paid_on)
        }),
        field("Paid", "paid_amount", |x: &Installment| {
            opt_int(x.paid_amount)
        }),
    ];
    let financing: Vec<Column<Financing>> = vec![
        field("Fund Code", "fund_id", |f: &Financing| {
            id_number(&f.fund_id)
        }),
        field("Date", "date", |f: &Financing| date(f.date)),
        field("Amount", "amount", |f: &Financing| Cell::int(f.amount)),
        field("Source", "source", |_: &Financing| {
            Cell::text("Omid Entrepreneurship Fund")
        }),
    ];
    let trainings: Vec<Column<Training>> = vec![
        field("Course", "course_type", |t: &Training| {
            Cell::text(course_en(t.course))
        }),
        field("Date", "started_on", |t: &Training| date(t.started_on)),
        field("Participants", "participants", |t: &Training| {
            Cell::int(i64::from(t.participants))
        }),
        field("Hours", "hours", |t: &Training| {
            opt_int(t.hours.map(i64::from))
        }),
        field("Fund Code", "fund_id", |t: &Training| {
            t.fund_id.as_deref().map(id_number).unwrap_or(Cell::Blank)
        }),
        field("County", "county", |_: &Training| Cell::text("Abhar")),
    ];
    let b = v.bad;
    let mut sheets = vec![
        sheet("funds", TableName::Funds, &funds, &v.funds, b),
        sheet("members", TableName::Members, &members, &v.members, b),
    ];
    sheets.extend(sheet("savings", TableName::Savings, &savings, &v.savings, b).split(2));
    sheets.extend([
        sheet("loans", TableName::Loans, &loans, &v.loans, b),
        sheet(
            "installments",
            TableName::Installments,
            &installments,
            &v.installments,
            b,
        ),
        sheet(
            "financing",
            TableName::Financing,
            &financing,
            &v.financing,
            b,
        ),
        sheet(
            "trainings",
            TableName::Trainings,
            &trainings,
            &v.trainings,
            b,
        ),
    ]);
    vec![ExportFile {
        path: PathBuf::from("abhar/Abhar-funds-export-1403.xlsx"),
        format: Format::Xlsx,
        sheets,
    }]
}
