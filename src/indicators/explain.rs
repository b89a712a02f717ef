//! `explain`: the definition of one figure, its numerator and denominator from the indicators
//! table, and the lake rows that make it up with their source file, sheet and row, so a planner
//! can trace a figure back to the spreadsheet cell.

use super::{find, IndicatorKind, Trace};
use crate::calendar::{from_epoch_day, JalaliDate, Quarter};
use crate::lake::scan_or_empty;
use crate::schema::Table;
use polars::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// What to explain.
#[derive(Debug, Clone)]
pub struct Target {
    /// The quarter.
    pub quarter: Quarter,
    /// First and last day of the quarter.
    pub bounds: (i32, i32),
    /// `fund`, `county` or `province`.
    pub level: String,
    /// County slug (county level, or to narrow the fund level).
    pub county: Option<String>,
    /// Fund id (fund level).
    pub fund: Option<String>,
    /// Indicator name.
    pub indicator: String,
}

fn day(d: Option<i32>) -> String {
    d.and_then(|d| {
        JalaliDate::from_epoch_day(d)
            .map(|j| j.to_string())
            .or_else(|| from_epoch_day(d).map(|g| g.to_string()))
    })
    .unwrap_or_default()
}

/// The entity filter on a table that has fund_id and county columns.
fn entity(t: &Target) -> Expr {
    let mut e = lit(true);
    if let Some(c) = &t.county {
        e = e.and(col("county").eq(lit(c.clone())));
    }
    if let Some(f) = &t.fund {
        e = e.and(col("fund_id").eq(lit(f.clone())));
    }
    e
}

/// Builds the explanation text.
pub fn explain(out: &Path, t: &Target) -> Result<String, String> {
    let ind = find(&t.indicator).ok_or_else(|| {
        format!(
            "«{}» is not an indicator; one of: {}",
            t.indicator,
            super::INDICATORS
                .iter()
                .map(|i| i.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    match t.level.as_str() {
        "fund" if t.fund.is_none() => return Err("--level fund needs --fund ID".into()),
        "county" if t.county.is_none() => return Err("--level county needs --county SLUG".into()),
        "fund" | "county" | "province" => {}
        other => {
            return Err(format!(
                "--level «{other}» must be fund, county or province"
            ))
        }
    }
    let mut s = String::new();
    let _ = writeln!(s, "{} — {} ({:?})", ind.name, t.quarter, ind.kind);
    let _ = writeln!(s, "definition: {}", ind.definition);
    if !ind.standard.is_empty() {
        let _ = writeln!(s, "standard:   {}", ind.standard);
    }
    let _ = writeln!(
        s,
        "quarter:    {} to {} (S..D)",
        day(Some(t.bounds.0)),
        day(Some(t.bounds.1))
    );
    let _ = writeln!(
        s,
        "scope:      {} level{}{}",
        t.level,
        t.county
            .as_deref()
            .map(|c| format!(", county {c}"))
            .unwrap_or_default(),
        t.fund
            .as_deref()
            .map(|f| format!(", fund {f}"))
            .unwrap_or_default()
    );
    s.push_str(&figure(out, t).map_err(|e| e.to_string())?);
    let _ = writeln!(s, "\ncontributing rows (source file › sheet › row):");
    s.push_str(&rows(&out.join("lake"), t, ind.trace, ind.name).map_err(|e| e.to_string())?);
    if matches!(ind.kind, IndicatorKind::Ratio | IndicatorKind::AmountPer) {
        let _ = writeln!(
            s,
            "\nvalue = numerator ÷ denominator, rounded half away from zero ({}).",
            if ind.kind == IndicatorKind::Ratio {
                "4 decimals"
            } else {
                "whole rials"
            }
        );
    }
    Ok(s)
}

fn figure(out: &Path, t: &Target) -> PolarsResult<String> {
    let path = out.join("indicators").join("indicators.parquet");
    if !path.is_file() {
        return Ok(format!(
            "(no indicators table at {}; run `sandogh indicators` first)\n",
            path.display()
        ));
    }
    let mut e = col("quarter")
        .eq(lit(t.quarter.to_string()))
        .and(col("level").eq(lit(t.level.clone())))
        .and(col("indicator").eq(lit(t.indicator.clone())));
    if t.level != "province" {
        if let Some(c) = &t.county {
            e = e.and(col("county").eq(lit(c.clone())));
        }
    }
    if let Some(f) = &t.fund {
        e = e.and(col("fund_id").eq(lit(f.clone())));
    }
    let df = LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )?
    .filter(e)
    .select([
        col("value").cast(DataType::String),
        col("numerator").cast(DataType::String),
        col("denominator").cast(DataType::String),
    ])
    .collect()?;
    if df.height() == 0 {
        return Ok("figure:     no row for this scope and quarter in the indicators table (the fund or county may not exist yet)\n".into());
    }
    let get = |c: &str| -> PolarsResult<String> {
        Ok(df
            .column(c)?
            .str()?
            .get(0)
            .map(|v| {
                // Decimal(38,4) as text: drop the zeros after the point
                let v = if v.contains('.') {
                    v.trim_end_matches('0').trim_end_matches('.')
                } else {
                    v
                };
                v.to_owned()
            })
            .unwrap_or_else(|| "null (zero denominator)".to_owned()))
    };
    let mut s = format!("value:      {}\n", get("value")?);
    let num = df.column("numerator")?.str()?.get(0);
    if num.is_some() {
        s.push_str(&format!(
            "numerator:  {}\ndenominator:{}\n",
            get("numerator")?,
            format_args!(" {}", get("denominator")?)
        ));
    }
    Ok(s)
}

fn print_frame(df: &DataFrame, cols_shown: &[&str]) -> PolarsResult<String> {
    let mut s = String::new();
    let limit = 200;
    for i in 0..df.height().min(limit) {
        let mut parts = Vec::new();
        for c in cols_shown {
            let col = df.column(c)?;
            let v = match col.dtype() {
                DataType::Date => day(col.cast(&DataType::Int32)?.i32()?.get(i)),
                _ => col
                    .get(i)
                    .map(|v| v.to_string().trim_matches('"').to_owned())
                    .unwrap_or_default(),
            };
            if *c != "source_file" && *c != "source_sheet" && *c != "source_row" {
                parts.push(format!("{c}={v}"));
            }
        }
        let file = df.column("source_file")?.str()?.get(i).unwrap_or("");
        let sheet = df.column("source_sheet")?.str()?.get(i);
        let row = df.column("source_row")?.i64()?.get(i).unwrap_or(0);
        let place = match sheet {
            Some(sh) => format!("{file} › {sh} › row {row}"),
            None => format!("{file} › line {row}"),
        };
        let _ = writeln!(s, "  {place}: {}", parts.join(", "));
    }
    if df.height() > limit {
        let _ = writeln!(s, "  … and {} more rows", df.height() - limit);
    }
    if df.height() == 0 {
        let _ = writeln!(s, "  (none)");
    }
    Ok(s)
}

/// The columns of installments `explain` shows.
const INSTALLMENT_COLUMNS: [&str; 7] = [
    "loan_id",
    "fund_id",
    "installment_no",
    "due_on",
    "due_amount",
    "paid_on",
    "paid_amount",
];

fn rows(lake: &Path, t: &Target, trace: Trace, name: &str) -> PolarsResult<String> {
    let (s, d) = t.bounds;
    let dl = |c: &str| col(c).cast(DataType::Int32);
    let in_q = |c: &str| dl(c).gt_eq(lit(s)).and(dl(c).lt_eq(lit(d)));
    let upto = |c: &str| dl(c).lt_eq(lit(d));
    let sorted = |lf: LazyFrame| {
        lf.sort(
            ["source_file", "source_sheet", "source_row"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
    };
    let savings = vec!["fund_id", "member_id", "date", "amount", "kind"];
    let financing = vec!["fund_id", "date", "amount", "source"];
    let (table, filter, shown): (Table, Expr, Vec<&str>) = match trace {
        Trace::LoanStates => return loan_states(lake, t, name),
        Trace::FundsByEnd => (
            Table::Funds,
            upto("established_on"),
            vec!["fund_id", "county", "fund_type", "established_on"],
        ),
        Trace::MembersJoined => (
            Table::Members,
            in_q("joined_on"),
            vec!["fund_id", "member_id", "joined_on"],
        ),
        Trace::MembersLeft => (
            Table::Members,
            in_q("left_on"),
            vec!["fund_id", "member_id", "joined_on", "left_on"],
        ),
        Trace::MembersActive => (
            Table::Members,
            upto("joined_on").and(col("left_on").is_null().or(dl("left_on").gt(lit(d)))),
            // what the membership family reads of a member
            super::membership::COLUMNS.to_vec(),
        ),
        Trace::Deposits => (
            Table::Savings,
            in_q("date").and(col("kind").eq(lit("deposit"))),
            savings,
        ),
        Trace::SavingsByEnd => (Table::Savings, upto("date"), savings),
        Trace::LoansDisbursed => (
            Table::Loans,
            in_q("disbursed_on"),
            vec![
                "loan_id",
                "fund_id",
                "member_id",
                "disbursed_on",
                "principal",
            ],
        ),
        Trace::InstallmentsDueByEnd => (
            Table::Installments,
            upto("due_on"),
            INSTALLMENT_COLUMNS.to_vec(),
        ),
        Trace::InstallmentsDue => (
            Table::Installments,
            in_q("due_on"),
            INSTALLMENT_COLUMNS.to_vec(),
        ),
        Trace::FinancingInQuarter => (Table::Financing, in_q("date"), financing),
        Trace::FinancingByEnd => (Table::Financing, upto("date"), financing),
        Trace::Courses => (
            Table::Trainings,
            in_q("started_on"),
            vec![
                "course_type",
                "fund_id",
                "county",
                "started_on",
                "participants",
                "hours",
            ],
        ),
    };
    let mut scope = entity(t);
    if table == Table::Trainings && t.level == "county" {
        // county-only courses count for the county too
        scope = col("county").eq(lit(t.county.clone().unwrap_or_default()));
    }
    let df = sorted(scan_or_empty(lake, table)?.filter(filter.and(scope))).collect()?;
    print_frame(
        &df,
        &[&shown[..], &["source_file", "source_sheet", "source_row"]].concat(),
    )
}

/// One loan's state at D, worked out from its rows the way INDICATORS.md defines it.
struct LoanState {
    place: String,
    loan_id: String,
    principal: i64,
    total_due: i64,
    paid: i64,
    days_late: i32,
    overdue: i64,
}

type InstallmentRow = (i32, i64, Option<i32>, i64);

/// Per loan counted at D in scope: total due, paid as of D, unpaid, outstanding principal and
/// days in arrears, keeping only the loans that contribute to `name`.
fn loan_states(lake: &Path, t: &Target, name: &str) -> PolarsResult<String> {
    let d = t.bounds.1;
    let loans = scan_or_empty(lake, Table::Loans)?
        .filter(
            col("disbursed_on")
                .cast(DataType::Int32)
                .lt_eq(lit(d))
                .and(entity(t)),
        )
        .sort(
            ["source_file", "source_sheet", "source_row"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()?;
    let inst = scan_or_empty(lake, Table::Installments)?
        .filter(entity(t))
        .select([
            col("loan_id"),
            col("due_on").cast(DataType::Int32),
            col("due_amount"),
            col("paid_on").cast(DataType::Int32),
            col("paid_amount").fill_null(lit(0i64)),
        ])
        .collect()?;
    let mut by_loan: std::collections::HashMap<&str, Vec<InstallmentRow>> =
        std::collections::HashMap::new();
    let (l, du, da) = (
        inst.column("loan_id")?.str()?,
        inst.column("due_on")?.i32()?,
        inst.column("due_amount")?.i64()?,
    );
    let (po, pa) = (
        inst.column("paid_on")?.i32()?,
        inst.column("paid_amount")?.i64()?,
    );
    for i in 0..inst.height() {
        if let (Some(id), Some(due_on), Some(due)) = (l.get(i), du.get(i), da.get(i)) {
            by_loan
                .entry(id)
                .or_default()
                .push((due_on, due, po.get(i), pa.get(i).unwrap_or(0)));
        }
    }
    let (ids, principals) = (
        loans.column("loan_id")?.str()?,
        loans.column("principal")?.i64()?,
    );
    let (files, sheets, srows) = (
        loans.column("source_file")?.str()?,
        loans.column("source_sheet")?.str()?,
        loans.column("source_row")?.i64()?,
    );
    let paid_as_of = |r: &InstallmentRow| if r.2.is_some_and(|x| x <= d) { r.3 } else { 0 };
    let mut out = String::from(
        "  loans counted at D (disbursed ≤ D) that contribute; outstanding = principal × unpaid ÷ total due:\n",
    );
    let mut shown = 0;
    for i in 0..loans.height() {
        let (Some(id), Some(p)) = (ids.get(i), principals.get(i)) else {
            continue;
        };
        let rows = by_loan.get(id).map(Vec::as_slice).unwrap_or(&[]);
        // Sums stop at i64's bounds: a lake whose sums pass them is refused by the indicators
        // (`columns::SUM_BOUND`), and this listing must not wrap or panic on it either.
        let sum = |values: &mut dyn Iterator<Item = i64>| values.fold(0i64, i64::saturating_add);
        let total_due = if rows.is_empty() {
            p
        } else {
            sum(&mut rows.iter().map(|r| r.1))
        };
        let paid: i64 = sum(&mut rows.iter().map(paid_as_of)).min(total_due);
        let late: Vec<&InstallmentRow> = rows
            .iter()
            .filter(|r| r.0 <= d && paid_as_of(r) < r.1)
            .collect();
        let days_late = late.iter().map(|r| d - r.0).max().unwrap_or(0);
        let overdue = sum(&mut late.iter().map(|r| r.1.saturating_sub(paid_as_of(r))))
            .min(total_due.saturating_sub(paid));
        let place = match sheets.get(i) {
            Some(sh) => format!(
                "{} › {sh} › row {}",
                files.get(i).unwrap_or(""),
                srows.get(i).unwrap_or(0)
            ),
            None => format!(
                "{} › line {}",
                files.get(i).unwrap_or(""),
                srows.get(i).unwrap_or(0)
            ),
        };
        let s = LoanState {
            place,
            loan_id: id.to_owned(),
            principal: p,
            total_due,
            paid,
            days_late,
            overdue,
        };
        let keep = match name {
            "par30" => s.days_late > 30,
            "par90" => s.days_late > 90,
            _ => s.paid < s.total_due,
        };
        if !keep {
            continue;
        }
        let unpaid = s.total_due - s.paid;
        let outstanding = rust_decimal::Decimal::from(s.principal)
            .checked_mul(rust_decimal::Decimal::from(unpaid))
            .and_then(|p| p.checked_div(rust_decimal::Decimal::from(s.total_due.max(1))))
            .map_or_else(
                || "too large to show".to_owned(),
                |d| d.round_dp(4).to_string(),
            );
        let _ = writeln!(
            out,
            "  {}: loan {} principal={} total_due={} paid_by_D={} unpaid={} outstanding={} days_in_arrears={} overdue={}",
            s.place,
            s.loan_id,
            s.principal,
            s.total_due,
            s.paid,
            unpaid,
            outstanding,
            s.days_late,
            s.overdue
        );
        shown += 1;
    }
    if shown == 0 {
        out.push_str("  (none)\n");
    }
    Ok(out)
}
