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

/// One parsed row, borrowed from its table's [`Rows`].
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// Where it came from.
    pub origin: Origin,
    /// Values in `table.fields()` order, personal fields left `Null`.
    pub values: &'a [Value],
    /// A hash of the personal values, so that exact duplicates can be told apart without
    /// keeping the values themselves.
    pub personal_hash: u64,
}

/// The rows of one table (or one sheet) that parsed, in order: one value per field of the
/// table, row after row in one vector. A row costs its values and 20 bytes, with no allocation
/// of its own (a boxed slice per row cost 40 bytes, an allocation and its header more: at two
/// million rows, ~100 MB and two million calls to the allocator).
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Values per row: the table's field count, set by the first row.
    width: usize,
    origins: Vec<Origin>,
    personal: Vec<u64>,
    values: Vec<Value>,
}

impl Rows {
    /// No rows yet, of a table with `width` fields.
    pub fn with_width(width: usize) -> Rows {
        Rows {
            width,
            ..Rows::default()
        }
    }

    /// Rows counted.
    pub fn len(&self) -> usize {
        self.origins.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// Values per row (0 before the first row of a store made without a width).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Adds a row. Returns false, adding nothing, when `values` is not one value per field
    /// of the rows already here (a row of another table).
    pub fn push(&mut self, origin: Origin, values: &mut Vec<Value>, personal_hash: u64) -> bool {
        if self.width == 0 && self.is_empty() {
            self.width = values.len();
        }
        if values.len() != self.width {
            return false;
        }
        self.origins.push(origin);
        self.personal.push(personal_hash);
        self.values.append(values);
        true
    }

    /// Row `i`.
    pub fn get(&self, i: usize) -> Option<Record<'_>> {
        let values = self.values.get(i * self.width..(i + 1) * self.width)?;
        Some(Record {
            origin: *self.origins.get(i)?,
            values,
            personal_hash: *self.personal.get(i)?,
        })
    }

    /// Where row `i` came from.
    pub fn origin(&self, i: usize) -> Origin {
        self.origins.get(i).copied().unwrap_or_default()
    }

    /// The values of row `i` (empty past the end).
    pub fn values(&self, i: usize) -> &[Value] {
        self.values
            .get(i * self.width..(i + 1) * self.width)
            .unwrap_or(&[])
    }

    /// Every row, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Record<'_>> + '_ {
        (0..self.len()).map(move |i| Record {
            origin: self.origins[i],
            values: self.values(i),
            personal_hash: self.personal[i],
        })
    }

    /// Room for `n` more rows, exactly.
    pub fn reserve_exact(&mut self, n: usize) {
        self.origins.reserve_exact(n);
        self.personal.reserve_exact(n);
        self.values.reserve_exact(n * self.width);
    }

    /// Gives back the room grown for rows that never came.
    pub fn shrink_to_fit(&mut self) {
        self.origins.shrink_to_fit();
        self.personal.shrink_to_fit();
        self.values.shrink_to_fit();
    }

    /// Moves every row of `other` to the end of these, freeing `other`'s memory. Returns false,
    /// moving nothing, when the two hold rows of different widths.
    pub fn append(&mut self, other: Rows) -> bool {
        if other.is_empty() {
            return true;
        }
        if self.is_empty() && self.width == 0 {
            self.width = other.width;
        }
        if other.width != self.width {
            return false;
        }
        self.origins.extend_from_slice(&other.origins);
        self.personal.extend_from_slice(&other.personal);
        self.values.extend(other.values);
        true
    }

    /// Keeps the rows whose `keep` is true, in order, in the same memory.
    pub fn retain(&mut self, keep: &[bool]) {
        let width = self.width;
        let mut to = 0;
        for from in 0..self.len() {
            if !keep.get(from).copied().unwrap_or(false) {
                continue;
            }
            if to != from {
                self.origins[to] = self.origins[from];
                self.personal[to] = self.personal[from];
                for k in 0..width {
                    self.values.swap(to * width + k, from * width + k);
                }
            }
            to += 1;
        }
        self.origins.truncate(to);
        self.personal.truncate(to);
        self.values.truncate(to * width);
    }
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
