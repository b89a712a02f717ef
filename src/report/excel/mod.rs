//! The workbook of one language, written with rust_xlsxwriter: the sheets of the report
//! definition in its order, numbers as numbers with number formats, text always as strings,
//! frozen header panes, column widths, print setup (A4 landscape, fit to width, header rows
//! repeated, page numbers) and fixed document properties (so identical inputs give identical
//! bytes). The Persian workbook is right to left on every sheet.

mod quality;
mod summary;
mod tables;

use super::charts::ChartData;
use super::config::{ReportDef, SheetKind};
use super::data::{FundInfo, IndicatorData};
use super::i18n::{quarter_label, separator, Lang};
use crate::calendar::{from_epoch_day, CalendarKind, Quarter};
use crate::config::Pipeline;
use crate::indicators::{find, IndicatorKind};
use crate::ingest::report::IngestReport;
use rust_xlsxwriter::{
    ConditionalFormatFormula, DocProperties, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};
use std::collections::BTreeMap;

/// Everything a workbook is written from.
pub struct WorkbookInputs<'a> {
    /// Report definition.
    pub def: &'a ReportDef,
    /// Pipeline: county names and order.
    pub pipeline: &'a Pipeline,
    /// Quarter calendar.
    pub calendar: CalendarKind,
    /// Figures.
    pub data: &'a IndicatorData,
    /// Fund names, villages, types, establishment dates.
    pub funds: &'a BTreeMap<String, FundInfo>,
    /// The ingest report, if the lake has one.
    pub ingest: Option<&'a IngestReport>,
    /// The report's quarter.
    pub quarter: Quarter,
    /// The short fingerprint of the run that made the report (see
    /// [`crate::manifest::short_fingerprint`]); `None` outside `sandogh run`.
    pub run_fingerprint: Option<&'a str>,
}

/// The formats of one workbook (one font, one direction).
pub(crate) struct Formats {
    pub title: Format,
    pub subtitle: Format,
    pub heading: Format,
    pub header: Format,
    pub header_left: Format,
    pub text: Format,
    pub text_bold: Format,
    pub wrap: Format,
    pub note: Format,
    pub count: Format,
    pub amount: Format,
    pub ratio: Format,
    pub count_bold: Format,
    pub amount_bold: Format,
    pub ratio_bold: Format,
    pub change_count: Format,
    pub change_ratio: Format,
    pub date: Format,
    pub flag: Format,
}

/// The format every cell of a sandogh workbook starts from: the font at 10 points, centred
/// vertically, and written right to left in a right-to-left language.
pub fn base_format(font: &str, lang: Lang) -> Format {
    let f = Format::new()
        .set_font_name(font)
        .set_font_size(10)
        .set_align(FormatAlign::VerticalCenter);
    if lang.rtl() {
        f.set_reading_direction(2)
    } else {
        f
    }
}

impl Formats {
    fn new(font: &str, lang: Lang) -> Formats {
        let base = base_format(font, lang);
        let cell = base
            .clone()
            .set_border_bottom(FormatBorder::Hair)
            .set_border_bottom_color(0xC8CDD2);
        let num = |f: &str| cell.clone().set_num_format(f);
        let bold = |f: &Format| f.clone().set_bold().set_background_color(0xEEF3F6);
        let header = base
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_font_color(0xFFFFFF)
            .set_background_color(0x1F4E66)
            .set_align(FormatAlign::Center)
            .set_border(FormatBorder::Thin)
            .set_border_color(0xFFFFFF);
        let count = num("#,##0");
        let amount = num("#,##0");
        let ratio = num("0.00%");
        Formats {
            title: base
                .clone()
                .set_bold()
                .set_font_size(16)
                .set_font_color(0x1F4E66),
            subtitle: base.clone().set_font_size(11).set_font_color(0x4A5560),
            heading: base
                .clone()
                .set_bold()
                .set_font_size(12)
                .set_font_color(0x1F4E66),
            header_left: header.clone().set_align(if lang.rtl() {
                FormatAlign::Right
            } else {
                FormatAlign::Left
            }),
            header,
            text: cell.clone(),
            text_bold: bold(&cell),
            wrap: cell.clone().set_text_wrap().set_align(FormatAlign::Top),
            note: base
                .clone()
                .set_italic()
                .set_font_color(0x5B6770)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            count_bold: bold(&count),
            amount_bold: bold(&amount),
            ratio_bold: bold(&ratio),
            count,
            amount,
            ratio,
            change_count: num("+#,##0;-#,##0;0"),
            change_ratio: num("+0.00%;-0.00%;0.00%"),
            date: num("yyyy-mm-dd"),
            flag: Format::new()
                .set_font_color(0x9C0006)
                .set_background_color(0xFFC7CE),
        }
    }

    /// The number format of an indicator's cells.
    pub fn of(&self, indicator: &str, bold: bool) -> &Format {
        match (find(indicator).map(|i| i.kind), bold) {
            (Some(IndicatorKind::Ratio), false) => &self.ratio,
            (Some(IndicatorKind::Ratio), true) => &self.ratio_bold,
            (Some(IndicatorKind::Amount | IndicatorKind::AmountPer), false) => &self.amount,
            (Some(IndicatorKind::Amount | IndicatorKind::AmountPer), true) => &self.amount_bold,
            (_, false) => &self.count,
            (_, true) => &self.count_bold,
        }
    }

    /// The format of a change in an indicator.
    pub fn change(&self, indicator: &str) -> &Format {
        match find(indicator).map(|i| i.kind) {
            Some(IndicatorKind::Ratio) => &self.change_ratio,
            _ => &self.change_count,
        }
    }
}

/// What every sheet writer needs.
pub(crate) struct Ctx<'a> {
    pub inp: &'a WorkbookInputs<'a>,
    pub lang: Lang,
    pub fmt: Formats,
    pub charts: &'a [ChartData],
}

impl Ctx<'_> {
    pub fn def(&self) -> &ReportDef {
        self.inp.def
    }

    pub fn t(&self) -> &super::config::Texts {
        self.inp.def.text(self.lang)
    }

    /// An indicator's column header: its label, with the unit of amounts.
    pub fn header(&self, indicator: &str) -> String {
        let label = self.def().label(indicator, self.lang);
        match find(indicator).map(|i| i.kind) {
            Some(IndicatorKind::Amount | IndicatorKind::AmountPer) => {
                format!("{label} ({})", self.t().unit_rials)
            }
            _ => label.to_owned(),
        }
    }

    /// The unit of an indicator in words.
    pub fn unit(&self, indicator: &str) -> &str {
        let t = self.t();
        match find(indicator).map(|i| i.kind) {
            Some(IndicatorKind::Ratio) => &t.unit_percent,
            Some(IndicatorKind::Amount | IndicatorKind::AmountPer) => &t.unit_rials,
            _ => &t.unit_count,
        }
    }
}

/// The most characters an Excel cell holds.
const CELL_CHARS: usize = 32_767;

/// Writes text as a string, never a formula; text that Excel would take for a formula when the
/// cell is edited (`=`, `+`, `-`, `@` first) gets a quote prefix. Text longer than a cell can
/// hold is cut, ending in `…`, rather than failing the workbook.
pub(crate) fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    let text = crate::text::clip_chars(text, CELL_CHARS);
    let text = text.as_ref();
    if text.starts_with(['=', '+', '-', '@']) {
        ws.write_string_with_format(row, col, text, &format.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, text, format)?;
    }
    Ok(())
}

/// Writes a number, or a formatted blank where it is undefined.
pub(crate) fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        Some(v) if v.is_finite() => ws.write_number_with_format(row, col, v, format)?,
        _ => ws.write_blank(row, col, format)?,
    };
    Ok(())
}

/// Flags the cells of `col`, rows `first..=last`, that cross a threshold of the report file.
/// Blank cells (undefined figures) are never flagged.
pub(crate) fn add_flags(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    indicator: &str,
    rows: (u32, u32),
    col: u16,
) -> Result<(), XlsxError> {
    let (first, last) = rows;
    if last < first {
        return Ok(());
    }
    let cell = rust_xlsxwriter::row_col_to_cell(first, col);
    for f in ctx.def().flags_for(indicator) {
        let test = match (f.above, f.below) {
            (Some(a), _) => format!("{cell}>{a}"),
            (_, Some(b)) => format!("{cell}<{b}"),
            _ => continue,
        };
        let cf = ConditionalFormatFormula::new()
            .set_rule(format!("=AND(ISNUMBER({cell}),{test})").as_str())
            .set_format(&ctx.fmt.flag);
        ws.add_conditional_format(first, col, last, col, &cf)?;
    }
    Ok(())
}

/// Print setup shared by every sheet: A4 landscape, one page wide, a page header with the title
/// and quarter, page numbers in the footer.
pub(crate) fn print_setup(ws: &mut Worksheet, ctx: &Ctx<'_>, repeat_header: Option<u32>) {
    let t = ctx.t();
    let esc = |s: &str| s.replace('&', "&&");
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_header(format!(
        "&C&\"{},Bold\"{}{}{}",
        esc(ctx.def().font(ctx.lang)),
        esc(&t.title),
        separator(ctx.lang),
        esc(&quarter_label(ctx.lang, ctx.inp.quarter))
    ));
    // Right-to-left marks keep the page numbers between their words in a Persian footer.
    let mark = if ctx.lang.rtl() { "\u{200F}" } else { "" };
    ws.set_footer(format!(
        "&C{}{mark} &P {mark}{}{mark} &N",
        esc(&t.page),
        esc(&t.of)
    ));
    if let Some(r) = repeat_header {
        // Repeating rows only fails on an invalid range, which a row number cannot be.
        let _ = ws.set_repeat_rows(r, r);
    }
    if ctx.lang.rtl() {
        ws.set_right_to_left(true);
    }
}

/// How many characters of a column's width fit on an A4 landscape page at the scale wide
/// sheets print at (about 80%).
const CHARS_PER_PAGE: f64 = 170.0;

/// Print setup of a sheet too wide for one readable page: as many pages wide as it needs at
/// about 80% (a 33-column sheet squeezed onto one A4 page prints at a quarter size), with the
/// columns `0..=repeat_last` (the names) repeated on every page.
pub(crate) fn wide_print(ws: &mut Worksheet, widths: &[f64], repeat_last: u16) {
    let total: f64 = widths.iter().sum();
    let pages = (total / CHARS_PER_PAGE).ceil().clamp(1.0, 20.0) as u16;
    ws.set_print_fit_to_pages(pages, 0);
    if pages > 1 {
        // Only an invalid range fails, which these column numbers are not.
        let _ = ws.set_repeat_columns(0, repeat_last);
    }
}

/// A row height (points) that shows wrapped text whole: LibreOffice does not grow rows when it
/// opens a file, so the height is set from the longest text for its column width.
pub(crate) fn wrapped_height(cells: &[(&str, f64)]) -> f64 {
    let lines = cells
        .iter()
        .map(|(text, width)| {
            let per_line = (width * 1.1).max(1.0);
            text.split('\n')
                .map(|l| (l.chars().count() as f64 / per_line).ceil().max(1.0))
                .sum::<f64>()
        })
        .fold(1.0f64, f64::max);
    (lines * 13.0 + 3.0).max(15.0)
}

/// The workbook of one language as bytes.
pub fn workbook(
    inp: &WorkbookInputs<'_>,
    lang: Lang,
    charts: &[ChartData],
) -> Result<Vec<u8>, XlsxError> {
    let def = inp.def;
    let ctx = Ctx {
        inp,
        lang,
        fmt: Formats::new(def.font(lang), lang),
        charts,
    };
    let mut wb = Workbook::new();
    let end = inp
        .data
        .quarters
        .get(&inp.quarter)
        .and_then(|(_, d)| from_epoch_day(*d))
        .unwrap_or_default();
    let created = end.and_hms_opt(0, 0, 0).unwrap_or_default();
    let t = ctx.t();
    let props = DocProperties::new()
        .set_title(format!(
            "{}{}{}",
            t.title,
            separator(lang),
            quarter_label(lang, inp.quarter)
        ))
        .set_subject(inp.quarter.to_string())
        .set_author("sandogh")
        .set_comment("Generated by sandogh report from the indicators table.")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    for sheet in &def.sheets {
        let ws = wb.add_worksheet();
        ws.set_name(def.sheet_name(*sheet, lang))?;
        match sheet {
            SheetKind::Summary => summary::write(ws, &ctx)?,
            SheetKind::Counties => tables::counties(ws, &ctx)?,
            SheetKind::Funds => tables::funds(ws, &ctx)?,
            SheetKind::Trends => tables::trends(ws, &ctx)?,
            SheetKind::DataQuality => quality::write(ws, &ctx)?,
            SheetKind::Definitions => tables::definitions(ws, &ctx)?,
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn text_longer_than_a_cell_is_cut_not_an_error() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        let format = Format::new();
        let long = "پ".repeat(40_000);
        assert!(ws.write_string(0, 0, &long).is_err(), "Excel's limit holds");
        write_text(ws, 0, 0, &long, &format).expect("cut to fit");
        write_text(ws, 1, 0, "=1+1", &format).expect("a formula-like text");
    }
}
