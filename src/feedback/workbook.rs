//! One corrections workbook: a summary sheet (per file: rows read, landed, rejected, skipped
//! and warned; what was not read and why; how to use the workbook), the rejected rows and the
//! warnings. Every sheet has its header frozen, an autofilter, widths fitted to what the
//! columns hold, and A4 landscape print setup one page wide with the header row repeated; the
//! Persian workbook is right to left. All text is written as text (formula-like text gets a
//! quote prefix), and the document's creation date is fixed so that the bytes depend on the
//! contents only.

use super::inputs::{Corrections, Place, Recipient};
use super::texts::{texts, Texts};
use crate::config::Pipeline;
use crate::ingest::report::{Counts, FileReport};
use crate::report::excel::{base_format, wrapped_height, write_text};
use crate::report::i18n::Lang;
use crate::schema::Table;
use crate::template::columns::{field_title, table_title};
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// What one workbook is written from.
pub struct FeedbackInputs<'a> {
    /// County names.
    pub pipeline: &'a Pipeline,
    /// Whom it is for.
    pub recipient: &'a Recipient,
    /// What it holds.
    pub corrections: &'a Corrections<'a>,
    /// The input folder the ingest read.
    pub input: &'a str,
}

struct Formats {
    title: Format,
    subtitle: Format,
    note: Format,
    header: Format,
    text: Format,
    bold: Format,
    wrap: Format,
    count: Format,
    count_bold: Format,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        let base = base_format(lang.plain_font(), lang);
        let cell = base
            .clone()
            .set_border_bottom(FormatBorder::Hair)
            .set_border_bottom_color(0xC8CDD2);
        let bold = cell.clone().set_bold().set_background_color(0xEEF3F6);
        Formats {
            title: base
                .clone()
                .set_bold()
                .set_font_size(16)
                .set_font_color(0x1F4E66),
            subtitle: base.clone().set_font_size(11).set_font_color(0x4A5560),
            note: base
                .clone()
                .set_font_color(0x4A5560)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            header: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_font_color(0xFFFFFF)
                .set_background_color(0x1F4E66)
                .set_border(FormatBorder::Thin)
                .set_border_color(0xFFFFFF),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap().set_align(FormatAlign::Top),
            count: cell.clone().set_num_format("#,##0"),
            count_bold: bold.clone().set_num_format("#,##0"),
            bold,
        }
    }
}

/// Who the workbook is for, in words.
fn recipient_name(inp: &FeedbackInputs<'_>, lang: Lang) -> String {
    let t = texts(lang);
    match inp.recipient {
        Recipient::Province => t.province.to_owned(),
        Recipient::County(slug) => t.county.replace(
            "{name}",
            &crate::report::charts::county_name(inp.pipeline, slug, lang),
        ),
    }
}

/// A place as the workbook writes it: `file › sheet › row N`, `file › line N` for CSV.
fn place_text(p: &Place, t: &Texts) -> String {
    match &p.sheet {
        Some(s) => format!("{} › {s} › {} {}", p.file, t.row_word, p.row),
        None => format!("{} › {} {}", p.file, t.line_word, p.row),
    }
}

/// A table's name in the language (its lake name when it is not a table of the contract).
fn table_name(name: &str, lang: Lang) -> String {
    Table::ALL
        .iter()
        .find(|t| t.name() == name)
        .map_or_else(|| name.to_owned(), |t| table_title(*t, lang).to_owned())
}

/// A field's header in the language (its name when the table does not have it).
fn field_name(table: &str, field: &str, lang: Lang) -> String {
    Table::ALL
        .iter()
        .find(|t| t.name() == table)
        .and_then(|t| t.field(field))
        .map_or_else(|| field.to_owned(), |f| field_title(f, lang).to_owned())
}

/// The widths that fit a table's columns: the longest text of each (header or cell), within
/// `min..=max` characters.
struct Widths(Vec<f64>);

impl Widths {
    fn new(headers: &[&str]) -> Widths {
        Widths(
            headers
                .iter()
                .map(|h| h.chars().count() as f64 + 2.0)
                .collect(),
        )
    }

    fn fit(&mut self, col: usize, text: &str) {
        if let Some(w) = self.0.get_mut(col) {
            *w = w.max(text.chars().count() as f64 + 2.0);
        }
    }

    /// Sets them, each within `8..=max[col]`.
    fn set(&self, ws: &mut Worksheet, max: &[f64]) -> Result<(), XlsxError> {
        for (c, w) in self.0.iter().enumerate() {
            let w = w.clamp(8.0, max.get(c).copied().unwrap_or(40.0));
            ws.set_column_width(c as u16, w)?;
        }
        Ok(())
    }
}

/// A4 landscape, one page wide, the header row repeated, the title in the page header and
/// page numbers in the footer; right to left in Persian.
fn print_setup(ws: &mut Worksheet, title: &str, header_row: u32, lang: Lang) {
    let t = texts(lang);
    let esc = |s: &str| s.replace('&', "&&");
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_header(format!("&C&\"{},Bold\"{}", lang.plain_font(), esc(title)));
    let mark = if lang.rtl() { "\u{200F}" } else { "" };
    ws.set_footer(format!("&C{}{mark} &P {mark}{}{mark} &N", t.page, t.of));
    // Only an invalid range fails, which one row number is not.
    let _ = ws.set_repeat_rows(header_row, header_row);
    if lang.rtl() {
        ws.set_right_to_left(true);
    }
}

/// Writes a header row.
fn headers(ws: &mut Worksheet, row: u32, names: &[&str], f: &Format) -> Result<(), XlsxError> {
    for (c, h) in names.iter().enumerate() {
        write_text(ws, row, c as u16, h, f)?;
    }
    Ok(())
}

fn status_text<'a>(status: &str, t: &'a Texts) -> &'a str {
    match status {
        "read" => t.read,
        "skipped" => t.skipped_status,
        _ => t.quarantined,
    }
}

/// Writes a file's or sheet's counts from column `first`.
fn counts(
    ws: &mut Worksheet,
    row: u32,
    first: u16,
    c: &Counts,
    f: &Format,
) -> Result<(), XlsxError> {
    for (i, n) in [c.rows_read, c.landed, c.rejected, c.skipped(), c.warned]
        .into_iter()
        .enumerate()
    {
        ws.write_number_with_format(row, first + i as u16, n as f64, f)?;
    }
    Ok(())
}

/// The summary sheet.
fn summary(
    ws: &mut Worksheet,
    inp: &FeedbackInputs<'_>,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let t = texts(lang);
    let c = inp.corrections;
    ws.set_name(t.sheet_summary)?;
    let title = t.title.replace("{who}", &recipient_name(inp, lang));
    ws.set_row_height(0, 24)?;
    write_text(ws, 0, 0, &title, &f.title)?;
    write_text(ws, 1, 0, inp.input, &f.subtitle)?;
    let not_read = c
        .files
        .iter()
        .map(|file| {
            usize::from(file.status == "quarantined")
                + file
                    .sheets
                    .iter()
                    .filter(|s| s.status == "quarantined")
                    .count()
        })
        .sum::<usize>();
    let totals = t
        .totals
        .replace("{rejected}", &c.rejects.len().to_string())
        .replace("{warnings}", &c.warnings.len().to_string())
        .replace("{quarantined}", &not_read.to_string());
    write_text(ws, 2, 0, &totals, &f.subtitle)?;
    let names = [
        t.file,
        t.sheet,
        t.status,
        t.rows_read,
        t.landed,
        t.rejected,
        t.skipped,
        t.warned,
        t.why,
    ];
    let mut widths = Widths::new(&names);
    let mut row = 4;
    for line in t.how_to {
        ws.merge_range(row, 0, row, 8, "", &f.note)?;
        write_text(ws, row, 0, line, &f.note)?;
        ws.set_row_height(row, wrapped_height(&[(line, 150.0)]))?;
        row += 1;
    }
    row += 1;
    let header = row;
    headers(ws, header, &names, &f.header)?;
    // Two lines: the longer headers wrap within their columns.
    ws.set_row_height(header, 30)?;
    row += 1;
    let mut line = |ws: &mut Worksheet,
                    file: &FileReport,
                    sheet: Option<&crate::ingest::report::SheetReport>|
     -> Result<(), XlsxError> {
        let (status, reason, n, fmt, count_fmt) = match sheet {
            None => (
                file.status.as_str(),
                file.reason.as_deref(),
                &file.counts,
                &f.bold,
                &f.count_bold,
            ),
            Some(s) => (
                s.status.as_str(),
                s.reason.as_deref(),
                &s.counts,
                &f.text,
                &f.count,
            ),
        };
        let sheet_name = match sheet {
            None if file.sheets.iter().any(|s| s.sheet.is_some()) => t.whole,
            None => "",
            Some(s) => s.sheet.as_deref().unwrap_or(""),
        };
        write_text(ws, row, 0, &file.path, fmt)?;
        widths.fit(0, &file.path);
        write_text(ws, row, 1, sheet_name, fmt)?;
        widths.fit(1, sheet_name);
        let status = status_text(status, t);
        write_text(ws, row, 2, status, fmt)?;
        widths.fit(2, status);
        counts(ws, row, 3, n, count_fmt)?;
        let reason = reason.unwrap_or("");
        write_text(ws, row, 8, reason, &f.wrap)?;
        widths.fit(8, reason);
        if !reason.is_empty() {
            ws.set_row_height(row, wrapped_height(&[(reason, 70.0)]))?;
        }
        row += 1;
        Ok(())
    };
    for file in &c.files {
        line(ws, file, None)?;
        // The sheets of a workbook, each with its counts or why it was not read.
        for s in file.sheets.iter().filter(|s| s.sheet.is_some()) {
            line(ws, file, Some(s))?;
        }
    }
    let last = row.saturating_sub(1).max(header);
    widths.set(ws, &[40.0, 20.0, 22.0, 12.0, 12.0, 12.0, 16.0, 12.0, 70.0])?;
    ws.autofilter(header, 0, last, 8)?;
    ws.set_freeze_panes(header + 1, 0)?;
    print_setup(ws, &title, header, lang);
    Ok(())
}

/// Writes one line's texts, wrapping those in `wrapped` columns, and widens the columns to fit.
fn text_cells(
    ws: &mut Worksheet,
    row: u32,
    cells: &[(u16, &str)],
    wrapped: &[u16],
    widths: &mut Widths,
    f: &Formats,
) -> Result<(), XlsxError> {
    for &(c, text) in cells {
        let fmt = if wrapped.contains(&c) {
            &f.wrap
        } else {
            &f.text
        };
        write_text(ws, row, c, text, fmt)?;
        widths.fit(usize::from(c), text);
    }
    Ok(())
}

/// Ends a list sheet whose lines fill rows 1 to `next - 1`: says so when there are none, sets the
/// column widths (at most `most`), puts the filter on the header and sets up printing.
fn finish_list(
    ws: &mut Worksheet,
    mut next: u32,
    widths: Widths,
    most: &[f64],
    title: &str,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    if next == 1 {
        write_text(ws, next, 0, texts(lang).none, &f.text)?;
        next += 1;
    }
    widths.set(ws, most)?;
    ws.autofilter(0, 0, next - 1, most.len().saturating_sub(1) as u16)?;
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws, title, 0, lang);
    Ok(())
}

/// The sheet of rejected rows.
fn rejects(
    ws: &mut Worksheet,
    inp: &FeedbackInputs<'_>,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let t = texts(lang);
    ws.set_name(t.sheet_rejects)?;
    let names = [
        t.file,
        t.sheet,
        t.row,
        t.column,
        t.value,
        t.reason,
        t.fix_first,
        t.table,
        t.field,
        t.rule,
    ];
    let mut widths = Widths::new(&names);
    headers(ws, 0, &names, &f.header)?;
    let mut row = 1;
    for r in &inp.corrections.rejects {
        let sheet = r.place.sheet.as_deref().unwrap_or("");
        let column = r.column.as_deref().unwrap_or("");
        let fix = r
            .fix_first
            .as_ref()
            .map(|p| place_text(p, t))
            .unwrap_or_default();
        let table = table_name(&r.table, lang);
        let field = field_name(&r.table, &r.field, lang);
        let cells: [(u16, &str); 9] = [
            (0, &r.place.file),
            (1, sheet),
            (3, column),
            (4, &r.value),
            (5, &r.reason),
            (6, &fix),
            (7, &table),
            (8, &field),
            (9, &r.rule),
        ];
        text_cells(ws, row, &cells, &[5, 6], &mut widths, f)?;
        ws.write_number_with_format(row, 2, f64::from(r.place.row), &f.count)?;
        ws.set_row_height(row, wrapped_height(&[(&r.reason, 60.0), (&fix, 30.0)]))?;
        row += 1;
    }
    let title = format!("{}: {}", t.sheet_rejects, recipient_name(inp, lang));
    let most = [36.0, 18.0, 8.0, 24.0, 20.0, 60.0, 30.0, 14.0, 16.0, 20.0];
    finish_list(ws, row, widths, &most, &title, lang, f)
}

/// The sheet of warnings.
fn warnings(
    ws: &mut Worksheet,
    inp: &FeedbackInputs<'_>,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let t = texts(lang);
    ws.set_name(t.sheet_warnings)?;
    let names = [t.file, t.sheet, t.row, t.table, t.field, t.message, t.rule];
    let mut widths = Widths::new(&names);
    headers(ws, 0, &names, &f.header)?;
    let mut row = 1;
    for w in &inp.corrections.warnings {
        let table = w
            .table
            .as_deref()
            .map(|n| table_name(n, lang))
            .unwrap_or_default();
        let field = match (w.table.as_deref(), w.field.as_deref()) {
            (Some(tb), Some(fd)) => field_name(tb, fd, lang),
            (_, Some(fd)) => fd.to_owned(),
            _ => String::new(),
        };
        let message = crate::ingest::mask::mask(&w.message);
        let cells: [(u16, &str); 6] = [
            (0, &w.file),
            (1, w.sheet.as_deref().unwrap_or("")),
            (3, &table),
            (4, &field),
            (5, &message),
            (6, &w.rule),
        ];
        text_cells(ws, row, &cells, &[5], &mut widths, f)?;
        match w.row {
            Some(r) if r > 0 => ws.write_number_with_format(row, 2, f64::from(r), &f.count)?,
            _ => ws.write_blank(row, 2, &f.text)?,
        };
        ws.set_row_height(row, wrapped_height(&[(&message, 70.0)]))?;
        row += 1;
    }
    let title = format!("{}: {}", t.sheet_warnings, recipient_name(inp, lang));
    let most = [36.0, 18.0, 8.0, 14.0, 16.0, 70.0, 22.0];
    finish_list(ws, row, widths, &most, &title, lang, f)
}

/// The corrections workbook of one recipient in one language, as bytes.
pub fn workbook(inp: &FeedbackInputs<'_>, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new(lang);
    let t = texts(lang);
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(t.title.replace("{who}", &recipient_name(inp, lang)))
            .set_author("sandogh")
            .set_comment(
                "Written by sandogh feedback from the ingest report and the rejects table.",
            )
            .set_creation_datetime(&crate::template::workbook::fixed_creation()),
    );
    summary(wb.add_worksheet(), inp, lang, &f)?;
    rejects(wb.add_worksheet(), inp, lang, &f)?;
    warnings(wb.add_worksheet(), inp, lang, &f)?;
    wb.save_to_buffer()
}
