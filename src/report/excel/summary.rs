//! The Summary sheet: the province's headline figures for the quarter with the change against
//! the previous quarter and the same quarter a year earlier, the native Excel charts in a 2 × 2
//! grid, and under them the data the charts draw (charts refer to cells).

use super::{add_flags, print_setup, write_text, write_value, Ctx};
use crate::calendar::Quarter;
use crate::report::charts::{ChartData, Series, Shape, Unit};
use crate::report::data::Scope;
use crate::report::i18n::{period_label, quarter_label, separator, threshold_label};
use rust_xlsxwriter::{
    Chart, ChartFont, ChartFormat, ChartLegendPosition, ChartLine, ChartMarker, ChartMarkerType,
    ChartSolidFill, ChartType, Format, Worksheet, XlsxError,
};

const CHART_W: u32 = 478;
const CHART_H: u32 = 300;
const CHART_ROWS: u32 = 16;

/// Writes the Summary sheet.
pub(crate) fn write(ws: &mut Worksheet, ctx: &Ctx<'_>) -> Result<(), XlsxError> {
    let t = ctx.t();
    let f = &ctx.fmt;
    let q = ctx.inp.quarter;
    let data = ctx.inp.data;
    let lang = ctx.lang;
    for (col, width) in [42.0, 12.0, 18.0, 18.0, 14.0, 18.0, 14.0]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(col as u16, width)?;
    }
    ws.set_screen_gridlines(false);
    ws.set_row_height(0, 26)?;
    ws.merge_range(0, 0, 0, 6, "", &f.title)?;
    write_text(ws, 0, 0, &t.title, &f.title)?;
    let period = data
        .quarters
        .get(&q)
        .map(|(s, e)| period_label(lang, ctx.inp.calendar, *s, *e))
        .unwrap_or_default();
    ws.merge_range(1, 0, 1, 6, "", &f.subtitle)?;
    write_text(
        ws,
        1,
        0,
        &format!("{}{}{period}", quarter_label(lang, q), separator(lang)),
        &f.subtitle,
    )?;
    write_text(ws, 3, 0, &t.headline, &f.heading)?;

    let prev = q.prev();
    let year_ago = Quarter {
        year: q.year - 1,
        q: q.q,
    };
    let header_row = 4;
    ws.set_row_height(header_row, 46)?;
    let heads = [
        t.indicator.clone(),
        t.unit.clone(),
        format!("{}\n{}", t.this_quarter, quarter_label(lang, q)),
        format!("{}\n{}", t.previous_quarter, quarter_label(lang, prev)),
        t.change.clone(),
        format!("{}\n{}", t.year_earlier, quarter_label(lang, year_ago)),
        t.change.clone(),
    ];
    for (col, h) in heads.iter().enumerate() {
        let fmt = if col == 0 { &f.header_left } else { &f.header };
        write_text(ws, header_row, col as u16, h, fmt)?;
    }
    let mut row = header_row + 1;
    for ind in &ctx.def().summary.indicators {
        let now = data.value(q, &Scope::Province, ind);
        let before = data.value(prev, &Scope::Province, ind);
        let last_year = data.value(year_ago, &Scope::Province, ind);
        let diff = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a - b);
        write_text(ws, row, 0, ctx.def().label(ind, lang), &f.text)?;
        write_text(ws, row, 1, ctx.unit(ind), &f.text)?;
        let num = f.of(ind, false);
        write_value(ws, row, 2, now, &f.of(ind, true).clone())?;
        write_value(ws, row, 3, before, num)?;
        write_value(ws, row, 4, diff(now, before), f.change(ind))?;
        write_value(ws, row, 5, last_year, num)?;
        write_value(ws, row, 6, diff(now, last_year), f.change(ind))?;
        for col in [2, 3, 5] {
            add_flags(ws, ctx, ind, (row, row), col)?;
        }
        row += 1;
    }
    let flags: Vec<String> = ctx
        .def()
        .flags
        .iter()
        .map(|fl| {
            let percent = Unit::of(&fl.indicator) == Unit::Ratio;
            let (word, v) = match (fl.above, fl.below) {
                (Some(a), _) => (&t.above, a),
                (_, b) => (&t.below, b.unwrap_or(0.0)),
            };
            format!(
                "{} {}",
                ctx.def().label(&fl.indicator, lang),
                threshold_label(lang, word, v, percent)
            )
        })
        .collect();
    let sep = if lang.rtl() { "؛ " } else { "; " };
    row += 1;
    ws.set_row_height(row, 30)?;
    ws.merge_range(row, 0, row, 6, "", &f.note)?;
    write_text(
        ws,
        row,
        0,
        &format!("{} {}", t.change_note, flags.join(sep)),
        &f.note,
    )?;
    row += 1;
    ws.set_row_height(row, 30)?;
    ws.merge_range(row, 0, row, 6, "", &f.note)?;
    write_text(ws, row, 0, &t.source_note, &f.note)?;

    // Charts, then the cells they draw.
    let chart_row = row + 2;
    let grid_rows = (ctx.charts.len() as u32).div_ceil(2) * CHART_ROWS;
    let data_row = chart_row + grid_rows + 1;
    let sheet = ctx
        .def()
        .sheet_name(crate::report::config::SheetKind::Summary, lang);
    write_text(ws, data_row, 0, &t.chart_data, &f.heading)?;
    let mut r = data_row + 2;
    for (i, chart) in ctx.charts.iter().enumerate() {
        let (first, last, cols) = chart_data(ws, ctx, chart, r)?;
        if let Some(c) = native_chart(ctx, chart, sheet, first, last, &cols) {
            let (dr, dx) = ((i as u32 / 2) * CHART_ROWS, (i as u32 % 2) * (CHART_W + 4));
            ws.insert_chart_with_offset(chart_row + dr, 0, &c, dx, 0)?;
        }
        r = last.max(first) + 3;
    }
    // Printed: the headline figures, then the charts; the chart data stays on screen only.
    ws.set_page_breaks(&[chart_row])?;
    ws.set_print_area(0, 0, data_row.saturating_sub(1), 6)?;
    print_setup(ws, ctx, None);
    Ok(())
}

/// Writes a chart's data block at `row` (title, header, one row per category); returns the
/// first and last data rows and the columns of its series (primary then secondary).
fn chart_data(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    chart: &ChartData,
    row: u32,
) -> Result<(u32, u32, Vec<u16>), XlsxError> {
    let f = &ctx.fmt;
    write_text(ws, row, 0, &chart.title, &f.text_bold)?;
    let header = row + 1;
    ws.set_row_height(header, 30)?;
    write_text(ws, header, 0, &chart.category_header, &f.header_left)?;
    let all: Vec<(&Series, Unit)> = chart
        .primary
        .iter()
        .map(|s| (s, chart.unit))
        .chain(chart.secondary.iter().map(|s| (s, chart.secondary_unit)))
        .collect();
    let mut cols = Vec::new();
    for (j, (s, unit)) in all.iter().enumerate() {
        let col = j as u16 + 1;
        cols.push(col);
        write_text(ws, header, col, &s.name, &f.header)?;
        let fmt: &Format = match unit {
            Unit::Count => &f.count,
            Unit::Rials => &f.amount,
            Unit::Ratio => &f.ratio,
        };
        for (i, v) in s.values.iter().enumerate() {
            write_value(ws, header + 1 + i as u32, col, *v, fmt)?;
        }
    }
    for (i, c) in chart.categories.iter().enumerate() {
        write_text(ws, header + 1 + i as u32, 0, c, &f.text)?;
    }
    let first = header + 1;
    let last = header + chart.categories.len() as u32;
    Ok((first, last, cols))
}

fn axis_format(unit: Unit) -> &'static str {
    match unit {
        Unit::Count => "#,##0",
        Unit::Rials => "#,##0,,",
        Unit::Ratio => "0%",
    }
}

/// The native Excel chart of a data block; `None` when it has no categories.
fn native_chart(
    ctx: &Ctx<'_>,
    chart: &ChartData,
    sheet: &str,
    first: u32,
    last: u32,
    cols: &[u16],
) -> Option<Chart> {
    if chart.categories.is_empty() {
        return None;
    }
    let font_name = ctx.def().font(ctx.lang);
    let rtl = ctx.lang.rtl();
    let font = |size: f64, bold: bool| {
        let mut f = ChartFont::new();
        f.set_name(font_name).set_size(size).set_right_to_left(rtl);
        if bold {
            f.set_bold();
        } else {
            f.unset_bold();
        }
        f
    };
    let kind = match chart.shape {
        Shape::Bars => ChartType::Column,
        Shape::Lines => ChartType::Line,
    };
    let mut main = Chart::new(kind);
    let n_primary = chart.primary.len();
    for (j, s) in chart.primary.iter().enumerate() {
        let series = main
            .add_series()
            .set_name((sheet, first - 1, cols[j]))
            .set_categories((sheet, first, 0, last, 0))
            .set_values((sheet, first, cols[j], last, cols[j]));
        match chart.shape {
            Shape::Bars => {
                series
                    .set_format(
                        ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(s.color)),
                    )
                    .set_gap(60);
            }
            Shape::Lines => {
                line_series(series, s.color);
            }
        }
    }
    if !chart.secondary.is_empty() {
        let mut second = Chart::new(ChartType::Line);
        for (j, s) in chart.secondary.iter().enumerate() {
            let col = cols[n_primary + j];
            let series = second
                .add_series()
                .set_name((sheet, first - 1, col))
                .set_categories((sheet, first, 0, last, 0))
                .set_values((sheet, first, col, last, col))
                .set_secondary_axis(true);
            line_series(series, s.color);
        }
        main.combine(&second);
        // Two value axes: each axis' numbers take the colour of its series, which ties them
        // together on either side (axis titles would not: LibreOffice places them by primary
        // and secondary, not by the side the axis is drawn on, so in a right-to-left chart they
        // would label the wrong axis).
        let color = chart.secondary.first().map(|s| s.color).unwrap_or(0);
        main.y2_axis()
            .set_num_format(axis_format(chart.secondary_unit))
            .set_font(font(8.0, false).set_color(color));
        if rtl {
            main.x2_axis().set_reverse();
        }
    }
    main.title()
        .set_name(&chart.title)
        .set_font(&font(11.0, true));
    main.x_axis().set_font(&font(8.0, false));
    main.y_axis()
        .set_num_format(axis_format(chart.unit))
        .set_major_gridlines_line(ChartLine::new().set_color(0xE3E6EA));
    if chart.secondary.is_empty() {
        main.y_axis()
            .set_name(&chart.unit_labels.0)
            .set_name_font(&font(8.0, false))
            .set_font(&font(8.0, false));
    } else {
        let color = chart.primary.first().map(|s| s.color).unwrap_or(0);
        main.y_axis().set_font(font(8.0, false).set_color(color));
    }
    if rtl {
        main.x_axis().set_reverse();
    }
    main.legend()
        .set_position(ChartLegendPosition::Bottom)
        .set_font(&font(9.0, false));
    main.set_width(CHART_W).set_height(CHART_H);
    main.set_alt_text(&chart.title);
    Some(main)
}

fn line_series(series: &mut rust_xlsxwriter::ChartSeries, color: u32) {
    series
        .set_format(ChartFormat::new().set_line(ChartLine::new().set_color(color).set_width(2.25)))
        .set_marker(
            ChartMarker::new()
                .set_type(ChartMarkerType::Circle)
                .set_size(6)
                .set_format(
                    ChartFormat::new()
                        .set_solid_fill(ChartSolidFill::new().set_color(color))
                        .set_border(ChartLine::new().set_color(0xFFFFFF)),
                ),
        );
}
