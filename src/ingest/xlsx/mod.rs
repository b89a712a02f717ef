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
    /// Times its compressed size a part may inflate to (past [`RATIO_FLOOR`]).
    pub ratio: u64,
    /// Sheets of the workbook.
    pub sheets: u64,
}

/// Bytes a part may always inflate to, whatever its compression ratio: small parts that
/// compress very well (a sheet of blank rows, a styles part) are no danger.
pub const RATIO_FLOOR: u64 = 10_000_000;

/// The inflated bytes `[limits] compression_ratio` allows a part of `compressed` bytes (as the
/// zip declares it, and never more than the whole file).
pub fn ratio_cap(compressed: u64, file_len: usize, ratio: u64) -> u64 {
    compressed
        .min(file_len as u64)
        .saturating_mul(ratio)
        .max(RATIO_FLOOR)
}

/// The reason for a workbook with too many sheets.
pub fn sheets_reason(most: u64) -> String {
    format!("the workbook has more than {most} sheets ([limits] sheets_per_file)")
}

/// The reason for a part that inflated past its ratio cap.
pub fn ratio_reason(part: &str, ratio: u64) -> String {
    format!(
        "{part} inflates to more than {ratio} times its compressed size ([limits] compression_ratio): a zip bomb or a damaged file"
    )
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
            ratio: l.compression_ratio,
            sheets: l.sheets_per_file,
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
    /// Something no spreadsheet program writes and no reader should follow (XML entity
    /// declarations): quarantine the file with this reason.
    Refused(String),
}

/// What the reader hands on, in workbook order.
pub enum Event<'a> {
    /// A sheet begins.
    Sheet(String),
    /// A row of the current sheet, lent until the next event (the reader reuses its memory
    /// for the next row: keep a clone to hold it).
    Row(&'a Row),
}

/// Reads every sheet of an xlsx workbook, calling `on` with each sheet and its rows.
pub fn read(
    bytes: &[u8],
    budgets: Budgets,
    mut on: impl FnMut(Event<'_>),
) -> Result<(), ReadError> {
    let unsupported = |s: String| ReadError::Unsupported(s);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unsupported(format!("the zip cannot be opened ({e})")))?;
    let part = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| {
        let read = parts::read_entry(zip, name, budgets.small_part, |compressed| {
            ratio_cap(compressed, bytes.len(), budgets.ratio)
        });
        if let Ok(Some(xml)) = &read {
            // Entity declarations expand text (a "billion laughs") or name files to read;
            // spreadsheet programs never write them.
            if memchr::memmem::find(&xml[..xml.len().min(4096)], b"<!DOCTYPE").is_some() {
                return Err(ReadError::Refused(format!(
                    "the part {name} declares XML entities (<!DOCTYPE …>), which spreadsheet programs never write: a crafted or damaged file; export it again from Excel or LibreOffice"
                )));
            }
        }
        read.map_err(|e| match e {
            parts::EntryError::Limit(why) => ReadError::Limit(why),
            parts::EntryError::Ratio => {
                ReadError::Limit(ratio_reason(&format!("the part {name}"), budgets.ratio))
            }
            parts::EntryError::Unreadable(why) => ReadError::Unsupported(why),
        })
    };
    let workbook_xml = part(&mut zip, "xl/workbook.xml")?
        .ok_or_else(|| unsupported("no xl/workbook.xml".into()))?;
    let rels_xml = part(&mut zip, "xl/_rels/workbook.xml.rels")?
        .ok_or_else(|| unsupported("no workbook relationships".into()))?;
    let book = parts::workbook(&workbook_xml, &rels_xml).map_err(unsupported)?;
    if book.sheets.len() as u64 > budgets.sheets {
        return Err(ReadError::Limit(sheets_reason(budgets.sheets)));
    }
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
            ratio_cap: ratio_cap(entry.compressed_size(), bytes.len(), budgets.ratio),
            ratio: budgets.ratio,
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
            open_quote: None,
        }),
        Event::Row(r) => {
            if let Some(s) = sheets.last_mut() {
                s.rows.push(r.clone());
            }
        }
    })?;
    Ok(sheets)
}
