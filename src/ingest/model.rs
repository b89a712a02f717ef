//! The records, rejects and warnings that ingest passes between its steps.

use super::parse::Value;
use crate::schema::Table;

/// Where a row came from: indexes into the run's file list and the file's sheets, and the row
/// number as the spreadsheet shows it (0 for a note about a whole file or sheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Origin {
    /// Index of the file in the run's sorted file list.
    pub file: u32,
    /// Index of the sheet in its workbook (0 for CSV).
    pub sheet: u32,
    /// 1-based spreadsheet row (CSV: line), 0 for the whole sheet.
    pub row: u32,
}

/// A row that parsed: one value per field of its table, personal fields left `Null`.
#[derive(Debug, Clone)]
pub struct Record {
    /// Where it came from.
    pub origin: Origin,
    /// Values in `table.fields()` order.
    pub values: Box<[Value]>,
    /// A hash of the personal values, so that exact duplicates can be told apart without
    /// keeping the values themselves.
    pub personal_hash: u64,
}

/// A rejected row (contract §4).
#[derive(Debug, Clone)]
pub struct Reject {
    /// Where it came from.
    pub origin: Origin,
    /// Its table.
    pub table: Table,
    /// The field at fault.
    pub field: String,
    /// The column, `D «مبلغ»`, when one cell is at fault.
    pub column: Option<String>,
    /// The raw value of the cell at fault.
    pub value: String,
    /// A short stable code of the rule broken, for grouping.
    pub rule: &'static str,
    /// What is wrong and how to fix it.
    pub reason: String,
    /// The row's mapped, non-personal cells as (header, value).
    pub raw_row: Vec<(String, String)>,
    /// The values that did parse (for keys in cascade messages).
    pub values: Vec<Value>,
    /// The county the row belongs to, when it can be told.
    pub county: Option<String>,
    /// For a row rejected because its parent was (a cascade): the row at the start of the
    /// chain, whose fix lets this one land too. `None` when the row's own fault is its reason.
    pub fix_first: Option<Origin>,
}

/// A problem that keeps the row (or a note about a file or sheet).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Warning {
    /// Where (row 0: the whole file or sheet).
    #[serde(skip)]
    pub origin: Origin,
    /// Table, when about rows.
    pub table: Option<Table>,
    /// Field, when about one.
    pub field: Option<&'static str>,
    /// A short stable code.
    pub rule: &'static str,
    /// What was noticed.
    pub message: String,
}
