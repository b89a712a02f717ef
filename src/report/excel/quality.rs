//! The Data quality sheet, from the ingest report beside the lake: files read, skipped and
//! quarantined; rows read, landed, rejected, skipped and warned per county and table; the most
//! frequent reject reasons with examples (file, sheet, row).

use super::{print_setup, wrapped_height, write_text, write_value, Ctx};
use crate::ingest::report::IngestReport;
use crate::report::charts::{county_name, order_counties};
use crate::report::config::ReportDef;
use crate::schema::Table;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// Writes the Data quality sheet.
pub(crate) fn write(ws: &mut Worksheet, ctx: &Ctx<'_>) -> Result<(), XlsxError> {
    let t = ctx.t();
    let f = &ctx.fmt;
    for (c, w) in [24.0, 16.0, 16.0, 22.0, 34.0, 16.0, 10.0, 72.0]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_row_height(0, 24)?;
    write_text(ws, 0, 0, &t.sheet_data_quality, &f.title)?;
    print_setup(ws, ctx, None);
    let Some(report) = ctx.inp.ingest else {
        ws.merge_range(2, 0, 2, 7, "", &f.note)?;
        write_text(ws, 2, 0, &t.no_ingest_report, &f.note)?;
        return Ok(());
    };
    write_text(ws, 1, 0, &report.input, &f.subtitle)?;
    if let Some(fp) = ctx.inp.run_fingerprint {
        // The fingerprint, not the run id: a run on the same inputs and settings writes the
        // same bytes, and `sandogh runs` lists the runs with their fingerprints.
        let sentence = t.made_by_run.as_deref().unwrap_or(match ctx.lang {
            crate::report::i18n::Lang::Fa => "ساخته‌شده در اجرای با اثر انگشت {fingerprint}؛ فرمان sandogh runs اجراها را با اثر انگشتشان فهرست می‌کند.",
            crate::report::i18n::Lang::En => "Made by the run with fingerprint {fingerprint}; `sandogh runs` lists the runs with their fingerprints.",
        });
        write_text(ws, 2, 0, &sentence.replace("{fingerprint}", fp), &f.note)?;
    }
    ws.set_freeze_panes(2, 0)?;
    let mut row = files_block(ws, ctx, report, 3)?;
    row = not_read_block(ws, ctx, report, row + 1)?;
    row = rows_block(ws, ctx, report, row + 1)?;
    reasons_block(ws, ctx, report, row + 1)?;
    Ok(())
}

/// Totals; returns the next free row.
fn files_block(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    r: &IngestReport,
    row: u32,
) -> Result<u32, XlsxError> {
    let t = ctx.t();
    let f = &ctx.fmt;
    write_text(ws, row, 0, &t.files, &f.heading)?;
    let c = &r.totals.counts;
    let lines = [
        (&t.files_found, r.totals.files_found),
        (&t.files_read, r.totals.files_read),
        (&t.files_skipped, r.totals.files_skipped),
        (&t.files_quarantined, r.totals.files_quarantined),
        (&t.sheets_quarantined, r.totals.sheets_quarantined),
        (&t.rows_read, c.rows_read),
        (&t.landed, c.landed),
        (&t.rejected, c.rejected),
        (&t.skipped, c.skipped()),
        (&t.warned, c.warned),
        (&t.warnings, r.totals.warnings),
    ];
    let mut row = row + 1;
    for (label, n) in lines {
        write_text(ws, row, 0, label, &f.text)?;
        write_value(ws, row, 1, Some(n as f64), &f.count)?;
        row += 1;
    }
    Ok(row)
}

fn status<'a>(ctx: &'a Ctx<'_>, s: &'a str) -> &'a str {
    let t = ctx.t();
    match s {
        "read" => &t.status_read,
        "skipped" => &t.status_skipped,
        "quarantined" => &t.status_quarantined,
        other => other,
    }
}

/// Files and sheets not read; returns the next free row.
fn not_read_block(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    r: &IngestReport,
    row: u32,
) -> Result<u32, XlsxError> {
    let t = ctx.t();
    let f = &ctx.fmt;
    write_text(ws, row, 0, &t.files_not_read, &f.heading)?;
    let header = row + 1;
    ws.merge_range(header, 0, header, 3, "", &f.header_left)?;
    write_text(ws, header, 0, &t.file, &f.header_left)?;
    write_text(ws, header, 4, &t.sheet, &f.header)?;
    write_text(ws, header, 5, &t.status, &f.header)?;
    ws.merge_range(header, 6, header, 7, "", &f.header_left)?;
    write_text(ws, header, 6, &t.reason, &f.header_left)?;
    let mut row = header + 1;
    let mut line = |ws: &mut Worksheet,
                    file: &str,
                    sheet: &str,
                    st: &str,
                    reason: &str|
     -> Result<(), XlsxError> {
        ws.merge_range(row, 0, row, 3, "", &f.text)?;
        write_text(ws, row, 0, file, &f.text)?;
        write_text(ws, row, 4, sheet, &f.text)?;
        write_text(ws, row, 5, status(ctx, st), &f.text)?;
        ws.merge_range(row, 6, row, 7, "", &f.wrap)?;
        write_text(ws, row, 6, reason, &f.wrap)?;
        ws.set_row_height(row, wrapped_height(&[(reason, 82.0)]))?;
        row += 1;
        Ok(())
    };
    let mut any = false;
    for file in &r.files {
        if file.status != "read" {
            any = true;
            line(
                ws,
                &file.path,
                "",
                &file.status,
                file.reason.as_deref().unwrap_or(""),
            )?;
        }
        for sh in file.sheets.iter().filter(|s| s.status != "read") {
            any = true;
            line(
                ws,
                &file.path,
                sh.sheet.as_deref().unwrap_or(""),
                &sh.status,
                sh.reason.as_deref().unwrap_or(""),
            )?;
        }
    }
    if !any {
        line(ws, &t.none, "", "", "")?;
    }
    Ok(row)
}

/// Rows per county and table; returns the next free row.
fn rows_block(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    r: &IngestReport,
    row: u32,
) -> Result<u32, XlsxError> {
    let t = ctx.t();
    let f = &ctx.fmt;
    let lang = ctx.lang;
    write_text(ws, row, 0, &t.rows_by_county, &f.heading)?;
    let header = row + 1;
    for (c, h) in [
        &t.county,
        &t.table,
        &t.rows_read,
        &t.landed,
        &t.rejected,
        &t.skipped,
        &t.warned,
    ]
    .into_iter()
    .enumerate()
    {
        let fmt = if c < 2 { &f.header_left } else { &f.header };
        write_text(ws, header, c as u16, h, fmt)?;
    }
    let counties = order_counties(
        ctx.inp.pipeline,
        r.tables
            .iter()
            .map(|tc| tc.county.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    );
    let table_pos = |name: &str| {
        Table::ALL
            .iter()
            .position(|t| t.name() == name)
            .unwrap_or(usize::MAX)
    };
    let county_pos = |c: &str| counties.iter().position(|o| o == c).unwrap_or(usize::MAX);
    let mut lines: Vec<_> = r.tables.iter().collect();
    lines.sort_by(|a, b| {
        (county_pos(&a.county), table_pos(&a.table))
            .cmp(&(county_pos(&b.county), table_pos(&b.table)))
    });
    let mut row = header + 1;
    for tc in lines {
        let county = match tc.county.as_str() {
            "_province" => t.province_level.clone(),
            "" | "unknown" => t.unknown.clone(),
            slug => county_name(ctx.inp.pipeline, slug, lang),
        };
        write_text(ws, row, 0, &county, &f.text)?;
        let table = ReportDef::name_in(&ctx.def().table_names, &tc.table, lang);
        write_text(ws, row, 1, table, &f.text)?;
        let c = &tc.counts;
        for (col, n) in [c.rows_read, c.landed, c.rejected, c.skipped(), c.warned]
            .into_iter()
            .enumerate()
        {
            write_value(ws, row, col as u16 + 2, Some(n as f64), &f.count)?;
        }
        row += 1;
    }
    Ok(row)
}

/// The most frequent reject reasons with examples.
fn reasons_block(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    r: &IngestReport,
    row: u32,
) -> Result<u32, XlsxError> {
    let t = ctx.t();
    let f = &ctx.fmt;
    let dq = &ctx.def().data_quality;
    write_text(ws, row, 0, &t.reject_reasons, &f.heading)?;
    let header = row + 1;
    for (c, h) in [
        &t.count, &t.table, &t.field, &t.rule, &t.file, &t.sheet, &t.row, &t.reason,
    ]
    .into_iter()
    .enumerate()
    {
        let fmt = if matches!(c, 0 | 6) {
            &f.header
        } else {
            &f.header_left
        };
        write_text(ws, header, c as u16, h, fmt)?;
    }
    let mut row = header + 1;
    if r.reject_reasons.is_empty() {
        write_text(ws, row, 0, &t.none, &f.text)?;
        return Ok(row + 1);
    }
    for rc in r.reject_reasons.iter().take(dq.reasons) {
        let table = ReportDef::name_in(&ctx.def().table_names, &rc.table, ctx.lang);
        write_value(ws, row, 0, Some(rc.count as f64), &f.count)?;
        write_text(ws, row, 1, table, &f.text)?;
        write_text(ws, row, 2, &rc.field, &f.text)?;
        write_text(ws, row, 3, &rc.rule, &f.text)?;
        let examples: Vec<_> = rc.examples.iter().take(dq.examples).collect();
        if examples.is_empty() {
            row += 1;
        }
        for (i, e) in examples.into_iter().enumerate() {
            if i > 0 {
                for c in 0..4 {
                    write_value(ws, row, c, None, &f.text)?;
                }
            }
            write_text(ws, row, 4, &e.file, &f.text)?;
            write_text(ws, row, 5, e.sheet.as_deref().unwrap_or(""), &f.text)?;
            write_value(ws, row, 6, Some(f64::from(e.row)), &f.count)?;
            write_text(ws, row, 7, &e.reason, &f.wrap)?;
            ws.set_row_height(row, wrapped_height(&[(&e.reason, 72.0)]))?;
            row += 1;
        }
    }
    Ok(row)
}
