//! Rows of the lake as a template writes them, so that an office's template starts with what
//! the province already holds (`--county` fills the funds sheet): ids and text as text, amounts
//! and counts as numbers, dates as Jalali text (`1403/02/15`), enums and yes/no as the words
//! the template's lists offer. Personal fields are not in the lake and stay blank.

use super::columns::{choice_of, yes_no};
use crate::calendar::JalaliDate;
use crate::config::Pipeline;
use crate::report::i18n::Lang;
use crate::schema::{Kind, Table, PROVINCE_PARTITION};
use polars::prelude::*;
use std::path::Path;

/// One cell a template is filled with.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Written as text (ids, names, dates, enum words).
    Text(String),
    /// Written as a number (amounts in rials, counts).
    Number(f64),
}

/// The rows of a table, one value (or blank) per field of the table in schema order.
pub type Rows = Vec<Vec<Option<Value>>>;

/// The rows of `table` in the lake that belong to county `slug`, in input order (file, sheet,
/// row), as a template of language `lang` writes them. No rows when the table is not in the
/// lake.
pub fn lake_rows(
    lake: &Path,
    table: Table,
    slug: &str,
    pipeline: &Pipeline,
    lang: Lang,
) -> PolarsResult<Rows> {
    let Some(scan) = crate::lake::scan_table(lake, table)? else {
        return Ok(Vec::new());
    };
    let df = scan
        .filter(col("county").eq(lit(slug)))
        .sort(
            ["source_file", "source_sheet", "source_row"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let mut rows: Rows = vec![Vec::new(); df.height()];
    for field in table.fields() {
        let column = if field.name == "county" {
            // The partition: the county itself (a province course has none).
            df.column("county").ok()
        } else if crate::lake::stored(table, field.name, field.personal) {
            df.column(field.name).ok()
        } else {
            None
        };
        let values = match column {
            Some(c) => column_values(c, field.kind, pipeline, lang)?,
            None => vec![None; df.height()],
        };
        for (row, v) in rows.iter_mut().zip(values) {
            row.push(v);
        }
    }
    Ok(rows)
}

/// One lake column as template values.
fn column_values(
    column: &Column,
    kind: Kind,
    pipeline: &Pipeline,
    lang: Lang,
) -> PolarsResult<Vec<Option<Value>>> {
    let n = column.len();
    Ok(match kind {
        Kind::Id | Kind::Text => {
            let ca = column.str()?;
            (0..n)
                .map(|i| ca.get(i).map(|s| Value::Text(s.to_owned())))
                .collect()
        }
        Kind::Enum(k) => {
            let ca = column.str()?;
            (0..n)
                .map(|i| {
                    ca.get(i)
                        .filter(|s| *s != PROVINCE_PARTITION)
                        .map(|s| Value::Text(choice_of(k, s, pipeline, lang)))
                })
                .collect()
        }
        Kind::Int { .. } | Kind::Amount { .. } => {
            let cast = column.cast(&DataType::Int64)?;
            let ca = cast.i64()?;
            // Rials and counts of a county are far below 2^53: exact as f64.
            (0..n)
                .map(|i| ca.get(i).map(|v| Value::Number(v as f64)))
                .collect()
        }
        Kind::Date => {
            let cast = column.cast(&DataType::Int32)?;
            let ca = cast.i32()?;
            (0..n)
                .map(|i| {
                    ca.get(i)
                        .and_then(JalaliDate::from_epoch_day)
                        .map(|d| Value::Text(d.to_string()))
                })
                .collect()
        }
        Kind::Bool => {
            let [yes, no] = yes_no(lang);
            let ca = column.bool()?;
            (0..n)
                .map(|i| {
                    ca.get(i)
                        .map(|b| Value::Text(if b { yes } else { no }.to_owned()))
                })
                .collect()
        }
    })
}
