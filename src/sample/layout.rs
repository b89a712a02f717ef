//! Export layout: cells, sheets and files, independent of the file format. County styles
//! turn canonical records into [`Sheet`]s with [`Column`]s; the writers put them on disk.

use super::model::{BadRow, TableName, Tagged};
use chrono::NaiveDate;
use std::path::PathBuf;

/// Most rows a worksheet holds (Excel and LibreOffice).
pub(crate) const MAX_SHEET_ROWS: usize = 1_048_576;

/// One cell as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Nothing.
    Blank,
    /// A text cell.
    Text(String),
    /// A number cell.
    Number(f64),
    /// A date cell (Excel date with a date format, or an ODS date value).
    Date(NaiveDate),
}

impl Cell {
    /// A text cell.
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A text cell, or blank when `s` is empty.
    pub(crate) fn text_or_blank(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Blank
        } else {
            Cell::Text(s)
        }
    }

    /// A number cell from an integer.
    pub(crate) fn int(v: i64) -> Cell {
        Cell::Number(v as f64)
    }

    /// The cell as CSV text: whole numbers without a decimal point, dates as ISO.
    pub(crate) fn to_csv(&self) -> String {
        match self {
            Cell::Blank => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(v) => number_text(*v),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A number as a spreadsheet shows it in General format.
pub(crate) fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// One sheet (or one CSV file) holding one table.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    /// Sheet name (for CSV: unused, the file stem names the table).
    pub name: String,
    /// The name of the table's first sheet, which continuation sheets number from.
    pub base: String,
    /// The table the sheet holds.
    pub table: TableName,
    /// Right-to-left sheet.
    pub rtl: bool,
    /// Title rows above the header.
    pub titles: Vec<Vec<Cell>>,
    /// Header texts.
    pub header: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<Cell>>,
    /// The bad-row tag of each data row.
    pub tags: Vec<Option<usize>>,
    /// A totals row below the data.
    pub totals: Option<Vec<Cell>>,
}

impl Sheet {
    /// Marks the sheet right-to-left.
    pub(crate) fn rtl(mut self) -> Sheet {
        self.rtl = true;
        self
    }

    /// Adds title rows above the header.
    pub(crate) fn titles(mut self, titles: Vec<Vec<Cell>>) -> Sheet {
        self.titles = titles;
        self
    }

    /// Adds a totals row: `label` in column `label_at`, and a sum in each of `sum_cols` computed
    /// from the number cells of that column (text cells are read as numbers when they are ASCII).
    pub(crate) fn totals(mut self, label_at: usize, label: &str, sum_cols: &[usize]) -> Sheet {
        let mut row = vec![Cell::Blank; self.header.len()];
        if let Some(c) = row.get_mut(label_at) {
            *c = Cell::text(label);
        }
        for &col in sum_cols {
            let sum: f64 = self
                .rows
                .iter()
                .filter_map(|r| match r.get(col) {
                    Some(Cell::Number(v)) => Some(*v),
                    _ => None,
                })
                .sum();
            if let Some(c) = row.get_mut(col) {
                *c = Cell::Number(sum);
            }
        }
        self.totals = Some(row);
        self
    }

    /// Splits the data rows over `parts` sheets named by [`continuation_name`].
    pub(crate) fn split(self, parts: usize) -> Vec<Sheet> {
        let parts = parts.max(1);
        let per = self.rows.len().div_ceil(parts).max(1);
        self.split_every(per)
    }

    /// Splits the data rows into sheets of at most `per` rows; the totals row stays on the last.
    pub(crate) fn split_every(self, per: usize) -> Vec<Sheet> {
        let per = per.max(1);
        if self.rows.len() <= per {
            return vec![self];
        }
        let mut out = Vec::new();
        let Sheet {
            name,
            base,
            table,
            rtl,
            titles,
            header,
            rows,
            tags,
            totals,
        } = self;
        let chunks = rows.len().div_ceil(per);
        let mut rows = rows.into_iter();
        let mut tags = tags.into_iter();
        for i in 0..chunks {
            out.push(Sheet {
                name: if i == 0 {
                    name.clone()
                } else {
                    continuation_name(&base, i + 1)
                },
                base: base.clone(),
                table,
                rtl,
                titles: titles.clone(),
                header: header.clone(),
                rows: rows.by_ref().take(per).collect(),
                tags: tags.by_ref().take(per).collect(),
                totals: if i + 1 == chunks {
                    totals.clone()
                } else {
                    None
                },
            });
        }
        out
    }

    /// Rows the sheet takes above its data: titles and header.
    pub(crate) fn rows_above(&self) -> usize {
        self.titles.len() + 1
    }
}

/// `savings` → `savings 2`; a Persian name gets a Persian digit: `اقساط` → `اقساط ۲`.
pub(crate) fn continuation_name(base: &str, n: usize) -> String {
    if base.is_ascii() {
        format!("{base} {n}")
    } else {
        format!("{base} {}", crate::text::to_persian_digits(&n.to_string()))
    }
}

/// How a CSV file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CsvEncoding {
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// Windows-1256 (old Persian Excel).
    Windows1256,
}

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Office Open XML workbook.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
    /// One CSV file holding the file's single sheet.
    Csv {
        delimiter: u8,
        encoding: CsvEncoding,
        crlf: bool,
    },
}

/// One file of a county's export.
#[derive(Debug, Clone)]
pub(crate) struct ExportFile {
    /// Path relative to the output folder.
    pub path: PathBuf,
    /// File format.
    pub format: Format,
    /// Sheets (exactly one for CSV).
    pub sheets: Vec<Sheet>,
}

impl ExportFile {
    /// Splits every sheet that would pass the worksheet row limit into continuation sheets,
    /// numbering all sheets of one table in order (`savings`, `savings 2`, `savings 3`…).
    pub(crate) fn fit_row_limit(mut self) -> ExportFile {
        if matches!(self.format, Format::Csv { .. }) {
            return self;
        }
        let sheets = std::mem::take(&mut self.sheets);
        for sheet in sheets {
            let room = MAX_SHEET_ROWS - sheet.rows_above() - usize::from(sheet.totals.is_some());
            self.sheets.extend(sheet.split_every(room));
        }
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for sheet in &mut self.sheets {
            let n = seen.entry(sheet.base.clone()).or_insert(0);
            *n += 1;
            sheet.name = if *n == 1 {
                sheet.base.clone()
            } else {
                continuation_name(&sheet.base, *n)
            };
        }
        self
    }

    /// Where each tagged row lands: (bad-row index, sheet name, spreadsheet row number).
    /// CSV rows are numbered with the header as line 1.
    pub(crate) fn tagged_rows(&self) -> Vec<(usize, String, usize)> {
        let mut out = Vec::new();
        for sheet in &self.sheets {
            for (i, tag) in sheet.tags.iter().enumerate() {
                if let Some(bad) = tag {
                    out.push((*bad, sheet.name.clone(), sheet.rows_above() + i + 1));
                }
            }
        }
        out
    }
}

/// How a column turns a record (and its 1-based data row number) into a cell.
type CellFn<'a, R> = Box<dyn Fn(usize, &R) -> Cell + 'a>;

/// A column of a sheet: its header, the field it holds (for bad-row cell overrides), and how a
/// record becomes its cell (given the 1-based data row number).
pub(crate) struct Column<'a, R> {
    header: String,
    field: Option<&'static str>,
    value: CellFn<'a, R>,
}

/// A column holding `field`.
pub(crate) fn field<'a, R>(
    header: &str,
    field: &'static str,
    value: impl Fn(&R) -> Cell + 'a,
) -> Column<'a, R> {
    Column {
        header: header.to_string(),
        field: Some(field),
        value: Box::new(move |_, r| value(r)),
    }
}

/// A column that maps to no field (row numbers, remarks).
pub(crate) fn extra<'a, R>(header: &str, value: impl Fn(usize, &R) -> Cell + 'a) -> Column<'a, R> {
    Column {
        header: header.to_string(),
        field: None,
        value: Box::new(value),
    }
}

/// Builds a sheet from records; a record tagged with a bad row whose override names one of
/// the columns' fields gets the override cell there.
pub(crate) fn sheet<R: Tagged>(
    name: &str,
    table: TableName,
    columns: &[Column<'_, R>],
    records: &[&R],
    bad: &[BadRow],
) -> Sheet {
    let mut rows = Vec::with_capacity(records.len());
    let mut tags = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        let tag = record.bad();
        let over = tag.and_then(|t| bad.get(t)).and_then(|b| b.cell.as_ref());
        let row = columns
            .iter()
            .map(|c| match (over, c.field) {
                (Some((f, cell)), Some(name)) if *f == name => cell.clone(),
                _ => (c.value)(i + 1, record),
            })
            .collect();
        rows.push(row);
        tags.push(tag);
    }
    Sheet {
        name: name.to_string(),
        base: name.to_string(),
        table,
        rtl: false,
        titles: Vec::new(),
        header: columns.iter().map(|c| c.header.clone()).collect(),
        rows,
        tags,
        totals: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_tables_continue_on_numbered_sheets() {
        let row = vec![Cell::int(1)];
        let mut s = Sheet {
            name: "savings".into(),
            base: "savings".into(),
            table: TableName::Savings,
            rtl: false,
            titles: Vec::new(),
            header: vec!["amount".into()],
            rows: vec![row; 10],
            tags: vec![None; 10],
            totals: None,
        };
        s = s.totals(0, "total", &[0]);
        let parts = s.split(2);
        assert_eq!(parts[1].name, "savings 2");
        assert!(parts[0].totals.is_none() && parts[1].totals.is_some());
        let again: Vec<Sheet> = parts.into_iter().flat_map(|p| p.split_every(3)).collect();
        let file = ExportFile {
            path: "x.xlsx".into(),
            format: Format::Xlsx,
            sheets: again,
        };
        let names: Vec<String> = file
            .fit_row_limit()
            .sheets
            .iter()
            .map(|s| s.name.clone())
            .collect();
        assert_eq!(names, ["savings", "savings 2", "savings 3", "savings 4"]);
    }

    #[test]
    fn continuation_names_follow_the_contract() {
        assert_eq!(continuation_name("savings", 2), "savings 2");
        assert_eq!(continuation_name("اقساط", 2), "اقساط ۲");
        assert_eq!(number_text(13_990_715.0), "13990715");
        assert_eq!(number_text(-0.5), "-0.5");
    }
}
