//! Writes an [`ExportFile`] as an .xlsx workbook with rust_xlsxwriter. The document's creation
//! time is fixed (and rust_xlsxwriter fixes the zip timestamps), so the bytes depend only on
//! the content.

use super::layout::{Cell, ExportFile, Sheet};
use super::SampleError;
use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// The creation date written into every sample workbook (1404/01/16).
pub(crate) const CREATED: Option<NaiveDate> = NaiveDate::from_ymd_opt(2025, 4, 5);

/// Writes `file` to `path`.
pub(crate) fn write(path: &Path, file: &ExportFile) -> Result<(), SampleError> {
    let err = |source| SampleError::Xlsx {
        path: path.to_path_buf(),
        source,
    };
    let mut workbook = Workbook::new();
    let mut props = DocProperties::new()
        .set_title("صندوق‌های خرد محلی زنان روستایی")
        .set_author("sandogh sample-data");
    if let Some(created) = CREATED {
        props = props.set_creation_datetime(&created);
    }
    workbook.set_properties(&props);
    let formats = Formats::new();
    for sheet in &file.sheets {
        let ws = workbook.add_worksheet();
        fill(ws, sheet, &formats).map_err(err)?;
    }
    workbook.save(path).map_err(err)
}

struct Formats {
    title: Format,
    header: Format,
    date: Format,
    total: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            header: Format::new()
                .set_bold()
                .set_background_color("#DDEBF7")
                .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            total: Format::new().set_bold().set_num_format("#,##0"),
        }
    }
}

fn fill(ws: &mut Worksheet, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    if sheet.rtl {
        ws.set_right_to_left(true);
    }
    for (col, header) in sheet.header.iter().enumerate() {
        let width = (header.chars().count() as f64 * 1.3).clamp(10.0, 30.0);
        ws.set_column_width(col as u16, width)?;
    }
    let mut row: u32 = 0;
    for title in &sheet.titles {
        for (col, cell) in title.iter().enumerate() {
            put(ws, row, col as u16, cell, Some(&f.title), &f.date)?;
        }
        row += 1;
    }
    for (col, header) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, header, &f.header)?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    row += 1;
    for cells in &sheet.rows {
        for (col, cell) in cells.iter().enumerate() {
            put(ws, row, col as u16, cell, None, &f.date)?;
        }
        row += 1;
    }
    if let Some(totals) = &sheet.totals {
        for (col, cell) in totals.iter().enumerate() {
            put(ws, row, col as u16, cell, Some(&f.total), &f.date)?;
        }
    }
    Ok(())
}

fn put(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: Option<&Format>,
    date: &Format,
) -> Result<(), XlsxError> {
    match (cell, format) {
        (Cell::Blank, _) => {}
        (Cell::Text(s), None) => {
            ws.write_string(row, col, s)?;
        }
        (Cell::Text(s), Some(fmt)) => {
            ws.write_string_with_format(row, col, s, fmt)?;
        }
        (Cell::Number(v), None) => {
            ws.write_number(row, col, *v)?;
        }
        (Cell::Number(v), Some(fmt)) => {
            ws.write_number_with_format(row, col, *v, fmt)?;
        }
        (Cell::Date(d), _) => {
            ws.write_date_with_format(row, col, d, date)?;
        }
    }
    Ok(())
}
