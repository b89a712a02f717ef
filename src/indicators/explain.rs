//! `explain`: the definition of one figure, its numerator and denominator from the indicators
//! table, and the lake rows that make it up with their source file, sheet and row, so a planner
//! can trace a figure back to the spreadsheet cell.

use super::{find, Family, IndicatorKind};
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
    s.push_str(&rows(&out.join("lake"), t, ind.family, ind.name).map_err(|e| e.to_string())?);
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
            .unwrap_or("null (zero denominator)")
            .to_owned())
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

fn rows(lake: &Path, t: &Target, family: Family, name: &str) -> PolarsResult<String> {
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
    let active = upto("joined_on").and(col("left_on").is_null().or(dl("left_on").gt(lit(d))));
    let (table, filter, shown): (Table, Expr, Vec<&str>) = match (family, name) {
        (Family::Membership, "funds_active" | "funds_disability") => (
            Table::Funds,
            upto("established_on"),
            vec!["fund_id", "county", "fund_type", "established_on"],
        ),
        (Family::Membership, "members_joined_q") => (
            Table::Members,
            in_q("joined_on"),
            vec!["fund_id", "member_id", "joined_on"],
        ),
        (Family::Membership, "members_left_q" | "dropout_rate_q") => (
            Table::Members,
            in_q("left_on"),
            vec!["fund_id", "member_id", "joined_on", "left_on"],
        ),
        (Family::Membership, _)
        | (Family::Savings, "savings_per_member" | "savings_per_household")
        | (Family::Financing, "financing_per_member") => (
            Table::Members,
            active,
            vec![
                "fund_id",
                "member_id",
                "household_id",
                "gender",
                "has_disability",
                "joined_on",
                "left_on",
            ],
        ),
        (Family::Savings, "savings_deposits_q") => (
            Table::Savings,
            in_q("date").and(col("kind").eq(lit("deposit"))),
            vec!["fund_id", "member_id", "date", "amount", "kind"],
        ),
        (Family::Savings, _) => (
            Table::Savings,
            upto("date"),
            vec!["fund_id", "member_id", "date", "amount", "kind"],
        ),
        (
            Family::Portfolio,
            "loans_disbursed_q" | "loans_disbursed_amount_q" | "average_loan_size_q",
        ) => (
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
        (Family::Portfolio, _) => (
            Table::Installments,
            upto("due_on"),
            vec![
                "loan_id",
                "fund_id",
                "installment_no",
                "due_on",
                "due_amount",
                "paid_on",
                "paid_amount",
            ],
        ),
        (Family::Repayment, "cumulative_repayment_rate") => (
            Table::Installments,
            upto("due_on"),
            vec![
                "loan_id",
                "fund_id",
                "installment_no",
                "due_on",
                "due_amount",
                "paid_on",
                "paid_amount",
            ],
        ),
        (Family::Repayment, _) => (
            Table::Installments,
            in_q("due_on"),
            vec![
                "loan_id",
                "fund_id",
                "installment_no",
                "due_on",
                "due_amount",
                "paid_on",
                "paid_amount",
            ],
        ),
        (Family::Financing, "financing_q") => (
            Table::Financing,
            in_q("date"),
            vec!["fund_id", "date", "amount", "source"],
        ),
        (Family::Financing, "financing_per_fund") => (
            Table::Financing,
            upto("date"),
            vec!["fund_id", "date", "amount", "source"],
        ),
        (Family::Financing, _) => (
            Table::Financing,
            upto("date"),
            vec!["fund_id", "date", "amount", "source"],
        ),
        (Family::Training, _) => (
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
    let mut lf = scan_or_empty(lake, table)?.filter(filter.and(scope));
    if table == Table::Installments && family == Family::Portfolio {
        // loans counted at D: disbursed on or before D
        let counted = scan_or_empty(lake, Table::Loans)?
            .filter(upto("disbursed_on"))
            .select([col("loan_id")]);
        lf = lf.join(
            counted,
            [col("loan_id")],
            [col("loan_id")],
            JoinArgs::new(JoinType::Semi),
        );
        let mut note = String::from("  (installments of the loans counted at D that are due by D; paid counts only when paid_on ≤ D)\n");
        let df = sorted(lf).collect()?;
        note.push_str(&print_frame(
            &df,
            &[&shown[..], &["source_file", "source_sheet", "source_row"]].concat(),
        )?);
        return Ok(note);
    }
    let df = sorted(lf).collect()?;
    print_frame(
        &df,
        &[&shown[..], &["source_file", "source_sheet", "source_row"]].concat(),
    )
}
