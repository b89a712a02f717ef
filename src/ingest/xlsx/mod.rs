//! A reader made for xlsx sheet XML: zip entry → inflate in chunks into one reused buffer →
//! a scanner over `<row>` and `<c>` that hands each row on as it is read ([`scan`]). It types
//! every cell exactly as calamine does (shared, inline and rich-text strings, booleans, errors,
//! formulas' cached values, date styles, the 1904 date system, entity and character
//! references, `_xHHHH_` escapes); calamine is its oracle in the differential tests
//! (`tests/xlsx_reader.rs`) and stays the reader for .xls and .ods.
//!
//! Nothing is allocated from a count the file declares (`uniqueCount`, `<dimension>`): tables
//! grow with what is read, under byte budgets per part ([`Budgets`]). A workbook holding
//! something this reader does not handle returns [`ReadError::Unsupported`], and ingest reads
//! the file with calamine instead, saying so in the file's notes.

pub mod numfmt;
pub mod parts;
pub mod scan;
pub mod xml;

use super::read::Row;
use scan::{Context, ScanError, ScanLimits};
use std::io::Cursor;

/// Byte budgets of the reader.
#[derive(Debug, Clone, Copy)]
pub struct Budgets {
    /// Inflated bytes of one worksheet part.
    pub sheet_part: u64,
    /// Inflated bytes of the shared strings, styles and workbook parts, each.
    pub small_part: u64,
    /// Inflated bytes of all the file's parts together.
    pub file: u64,
    /// Bytes of one row's XML.
    pub row: usize,
    /// Columns of a row.
    pub columns: usize,
}

impl Budgets {
    /// The budgets a pipeline's `[limits]` set.
    pub fn from_limits(l: &crate::config::Limits) -> Budgets {
        let mb = |n: u64| n.saturating_mul(1_000_000);
        Budgets {
            sheet_part: mb(l.inflated_mb_per_part),
            small_part: mb(l.inflated_mb_per_part).min(512_000_000),
            file: mb(l.inflated_mb_per_file),
            row: usize::try_from(mb(l.row_xml_mb)).unwrap_or(usize::MAX),
            columns: usize::try_from(l.columns).unwrap_or(16_384),
        }
    }
}

impl Default for Budgets {
    fn default() -> Budgets {
        Budgets::from_limits(&crate::config::Limits::default())
    }
}

/// Why a workbook was not read here.
#[derive(Debug)]
pub enum ReadError {
    /// A budget was exceeded: quarantine the file with this reason.
    Limit(String),
    /// Something this reader does not handle: read the file with calamine.
    Unsupported(String),
}

/// What the reader hands on, in workbook order.
pub enum Event {
    /// A sheet begins.
    Sheet(String),
    /// A row of the current sheet.
    Row(Row),
}

/// Reads every sheet of an xlsx workbook, calling `on` with each sheet and its rows.
pub fn read(bytes: &[u8], budgets: Budgets, mut on: impl FnMut(Event)) -> Result<(), ReadError> {
    let unsupported = |s: String| ReadError::Unsupported(s);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unsupported(format!("the zip cannot be opened ({e})")))?;
    let part = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| {
        parts::read_entry(zip, name, budgets.small_part).map_err(ReadError::Limit)
    };
    let workbook_xml = part(&mut zip, "xl/workbook.xml")?
        .ok_or_else(|| unsupported("no xl/workbook.xml".into()))?;
    let rels_xml = part(&mut zip, "xl/_rels/workbook.xml.rels")?
        .ok_or_else(|| unsupported("no workbook relationships".into()))?;
    let book = parts::workbook(&workbook_xml, &rels_xml).map_err(unsupported)?;
    let styles = match part(&mut zip, "xl/styles.xml")? {
        Some(x) => parts::styles(&x).map_err(unsupported)?,
        None => Vec::new(),
    };
    let strings = match part(&mut zip, "xl/sharedStrings.xml")? {
        Some(x) => parts::shared_strings(&x).map_err(unsupported)?,
        None => Vec::new(),
    };
    let ctx = Context {
        strings: &strings,
        styles: &styles,
        date1904: book.date1904,
    };
    let mut left = budgets
        .file
        .saturating_sub((workbook_xml.len() + rels_xml.len()) as u64);
    for sheet in &book.sheets {
        on(Event::Sheet(sheet.name.clone()));
        let Some(path) = &sheet.part else {
            continue;
        };
        let entry = zip
            .by_name(path)
            .map_err(|e| unsupported(format!("sheet «{}»: {e}", sheet.name)))?;
        let limits = ScanLimits {
            part_bytes: budgets.sheet_part.min(left),
            row_bytes: budgets.row,
            columns: budgets.columns,
        };
        let inflated =
            scan::scan(entry, &ctx, limits, |r| on(Event::Row(r))).map_err(|e| match e {
                ScanError::Limit(s) => ReadError::Limit(format!("sheet «{}»: {s}", sheet.name)),
                ScanError::Unsupported(s) => {
                    ReadError::Unsupported(format!("sheet «{}»: {s}", sheet.name))
                }
            })?;
        left = left.saturating_sub(inflated);
    }
    Ok(())
}

/// Reads every sheet into memory (for tests and the differential check against calamine).
pub fn read_all(bytes: &[u8]) -> Result<Vec<super::read::Sheet>, ReadError> {
    let mut sheets: Vec<super::read::Sheet> = Vec::new();
    read(bytes, Budgets::default(), |e| match e {
        Event::Sheet(name) => sheets.push(super::read::Sheet {
            name: Some(name),
            rows: Vec::new(),
        }),
        Event::Row(r) => {
            if let Some(s) = sheets.last_mut() {
                s.rows.push(r);
            }
        }
    })?;
    Ok(sheets)
}
