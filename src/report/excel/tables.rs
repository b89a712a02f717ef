//! The sheets that are Excel tables (header, autofilter, banded rows): Counties (one row per
//! county, then the province), Funds (one row per fund active in the quarter), Trends (every
//! quarter up to the report's, province and counties) and Definitions.

use super::{add_flags, print_setup, wide_print, wrapped_height, write_text, write_value, Ctx};
use crate::calendar::from_epoch_day;
use crate::indicators::{IndicatorKind, INDICATORS};
use crate::report::charts::{county_name, order_counties, ordered_counties};
use crate::report::config::ReportDef;
use crate::report::data::Scope;
use crate::report::i18n::{date_label, quarter_label, Lang};
use rust_xlsxwriter::{Table, TableColumn, TableStyle, Worksheet, XlsxError};

const INDICATOR_WIDTH: f64 = 15.0;

/// Adds an Excel table over rows `0..=last` with these headers; a table needs one data row, so
/// an empty one gets a blank row.
fn add_table(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    name: &str,
    headers: &[String],
    last: u32,
) -> Result<(), XlsxError> {
    let columns: Vec<TableColumn> = headers
        .iter()
        .map(|h| {
            TableColumn::new()
                .set_header(h)
                .set_header_format(&ctx.fmt.header)
        })
        .collect();
    let table = Table::new()
        .set_name(name)
        .set_style(TableStyle::Medium2)
        .set_columns(&columns);
    ws.add_table(
        0,
        0,
        last.max(1),
        headers.len().saturating_sub(1) as u16,
        &table,
    )?;
    ws.set_row_height(0, 48)?;
    Ok(())
}

fn indicator_headers(ctx: &Ctx<'_>, list: &[String]) -> Vec<String> {
    list.iter().map(|i| ctx.header(i)).collect()
}

/// The Counties sheet.
pub(crate) fn counties(ws: &mut Worksheet, ctx: &Ctx<'_>) -> Result<(), XlsxError> {
    let q = ctx.inp.quarter;
    let lang = ctx.lang;
    let list = &ctx.def().counties.indicators;
    let slugs = ordered_counties(ctx.inp.pipeline, ctx.inp.data, q);
    let mut headers = vec![ctx.t().county.clone()];
    headers.extend(indicator_headers(ctx, list));
    ws.set_column_width(0, 20)?;
    for c in 0..list.len() {
        ws.set_column_width(c as u16 + 1, INDICATOR_WIDTH)?;
    }
    for (i, slug) in slugs.iter().enumerate() {
        let row = i as u32 + 1;
        let scope = Scope::County(slug.clone());
        write_text(
            ws,
            row,
            0,
            &county_name(ctx.inp.pipeline, slug, lang),
            &ctx.fmt.text,
        )?;
        for (c, ind) in list.iter().enumerate() {
            let v = ctx.inp.data.value(q, &scope, ind);
            write_value(ws, row, c as u16 + 1, v, ctx.fmt.of(ind, false))?;
        }
    }
    let last = (slugs.len() as u32).max(1);
    add_table(ws, ctx, "Counties", &headers, last)?;
    let province = last + 2;
    write_text(ws, province, 0, &ctx.t().province, &ctx.fmt.text_bold)?;
    for (c, ind) in list.iter().enumerate() {
        let v = ctx.inp.data.value(q, &Scope::Province, ind);
        let col = c as u16 + 1;
        write_value(ws, province, col, v, ctx.fmt.of(ind, true))?;
        add_flags(ws, ctx, ind, (1, last), col)?;
        add_flags(ws, ctx, ind, (province, province), col)?;
    }
    ws.set_freeze_panes(1, 1)?;
    print_setup(ws, ctx, Some(0));
    let mut widths = vec![20.0];
    widths.extend(list.iter().map(|_| INDICATOR_WIDTH));
    wide_print(ws, &widths, 0);
    Ok(())
}

/// The Funds sheet.
pub(crate) fn funds(ws: &mut Worksheet, ctx: &Ctx<'_>) -> Result<(), XlsxError> {
    let q = ctx.inp.quarter;
    let lang = ctx.lang;
    let t = ctx.t();
    let list = &ctx.def().funds.indicators;
    let mut funds = ctx.inp.data.funds_in(q);
    let order = order_counties(
        ctx.inp.pipeline,
        funds
            .iter()
            .map(|(c, _)| c.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    );
    let pos = |c: &str| order.iter().position(|o| o == c).unwrap_or(usize::MAX);
    funds.sort_by(|a, b| (pos(&a.0), &a.1).cmp(&(pos(&b.0), &b.1)));
    let mut headers = vec![
        t.fund_id.clone(),
        t.fund_name.clone(),
        t.county.clone(),
        t.village.clone(),
        t.fund_type.clone(),
        t.established_on.clone(),
    ];
    let fixed = headers.len() as u16;
    headers.extend(indicator_headers(ctx, list));
    let mut widths = vec![11.0, 28.0, 16.0, 16.0, 16.0, 14.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    widths.extend(list.iter().map(|_| INDICATOR_WIDTH));
    for c in 0..list.len() {
        ws.set_column_width(fixed + c as u16, INDICATOR_WIDTH)?;
    }
    let f = &ctx.fmt;
    for (i, (county, fund)) in funds.iter().enumerate() {
        let row = i as u32 + 1;
        let info = ctx.inp.funds.get(fund).cloned().unwrap_or_default();
        write_text(ws, row, 0, fund, &f.text)?;
        write_text(ws, row, 1, info.name.as_deref().unwrap_or(""), &f.text)?;
        write_text(
            ws,
            row,
            2,
            &county_name(ctx.inp.pipeline, county, lang),
            &f.text,
        )?;
        write_text(ws, row, 3, info.village.as_deref().unwrap_or(""), &f.text)?;
        let kind = info
            .fund_type
            .as_deref()
            .map(|k| ReportDef::name_in(&ctx.def().fund_types, k, lang))
            .unwrap_or("");
        write_text(ws, row, 4, kind, &f.text)?;
        match (info.established_on, lang) {
            (Some(d), Lang::Fa) => write_text(ws, row, 5, &date_label(lang, d), &f.text)?,
            (Some(d), Lang::En) => match from_epoch_day(d) {
                Some(day) => {
                    ws.write_date_with_format(row, 5, day, &f.date)?;
                }
                None => write_value(ws, row, 5, None, &f.date)?,
            },
            (None, _) => write_value(ws, row, 5, None, &f.text)?,
        }
        let scope = Scope::Fund(county.clone(), fund.clone());
        for (c, ind) in list.iter().enumerate() {
            let v = ctx.inp.data.value(q, &scope, ind);
            write_value(ws, row, fixed + c as u16, v, f.of(ind, false))?;
        }
    }
    let last = (funds.len() as u32).max(1);
    finish_wide_table(ws, ctx, "Funds", &headers, (last, fixed), list, &widths)
}

/// The Trends sheet: the province, then each county, every quarter up to the report's.
pub(crate) fn trends(ws: &mut Worksheet, ctx: &Ctx<'_>) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    let t = ctx.t();
    let data = ctx.inp.data;
    let list = &ctx.def().trends.indicators;
    let mut headers = vec![t.area.clone(), t.quarter.clone(), t.period_end.clone()];
    let fixed = headers.len() as u16;
    headers.extend(indicator_headers(ctx, list));
    let mut widths = vec![18.0, 18.0, 16.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    widths.extend(list.iter().map(|_| INDICATOR_WIDTH));
    for c in 0..list.len() {
        ws.set_column_width(fixed + c as u16, INDICATOR_WIDTH)?;
    }
    let mut scopes = vec![(Scope::Province, t.province.clone())];
    for slug in order_counties(ctx.inp.pipeline, data.all_counties().into_iter().collect()) {
        let name = county_name(ctx.inp.pipeline, &slug, lang);
        scopes.push((Scope::County(slug), name));
    }
    let f = &ctx.fmt;
    let mut row = 0;
    for (scope, name) in &scopes {
        let bold = *scope == Scope::Province;
        for (q, (_, end)) in &data.quarters {
            if data.figures(*q, scope).is_none() {
                continue;
            }
            row += 1;
            let text = if bold { &f.text_bold } else { &f.text };
            write_text(ws, row, 0, name, text)?;
            write_text(ws, row, 1, &quarter_label(lang, *q), text)?;
            match (lang, from_epoch_day(*end)) {
                (Lang::En, Some(day)) => {
                    ws.write_date_with_format(row, 2, day, &f.date)?;
                }
                _ => write_text(ws, row, 2, &date_label(lang, *end), text)?,
            }
            for (c, ind) in list.iter().enumerate() {
                let v = data.value(*q, scope, ind);
                write_value(ws, row, fixed + c as u16, v, f.of(ind, bold))?;
            }
        }
    }
    let last = row.max(1);
    finish_wide_table(ws, ctx, "Trends", &headers, (last, fixed), list, &widths)
}

/// Closes a sheet of one row per entity and one column per indicator (Funds, Trends): the
/// Excel table over rows 1..=last, threshold flags on the indicator columns from `fixed` on,
/// name columns frozen and repeated in print, and the wide print setup.
fn finish_wide_table(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    name: &str,
    headers: &[String],
    (last, fixed): (u32, u16),
    list: &[String],
    widths: &[f64],
) -> Result<(), XlsxError> {
    add_table(ws, ctx, name, headers, last)?;
    for (c, ind) in list.iter().enumerate() {
        add_flags(ws, ctx, ind, (1, last), fixed + c as u16)?;
    }
    ws.set_freeze_panes(1, 2)?;
    print_setup(ws, ctx, Some(0));
    wide_print(ws, widths, 1);
    Ok(())
}

/// The Definitions sheet: every indicator with its formula in words and the standard it follows.
pub(crate) fn definitions(ws: &mut Worksheet, ctx: &Ctx<'_>) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    let t = ctx.t();
    let headers = vec![
        t.indicator.clone(),
        t.code.clone(),
        t.kind.clone(),
        t.definition.clone(),
        t.standard.clone(),
    ];
    let widths = [34.0, 28.0, 16.0, 72.0, 60.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let f = &ctx.fmt;
    for (i, ind) in INDICATORS.iter().enumerate() {
        let row = i as u32 + 1;
        let kind = match ind.kind {
            IndicatorKind::Count => &t.kind_count,
            IndicatorKind::Amount => &t.kind_amount,
            IndicatorKind::Ratio => &t.kind_ratio,
            IndicatorKind::AmountPer => &t.kind_amount_per,
        };
        let label = ctx.def().label(ind.name, lang);
        let definition = ctx.def().definition(ind.name, lang);
        let standard = ctx.def().standard(ind.name, lang);
        write_text(ws, row, 0, label, &f.wrap)?;
        write_text(ws, row, 1, ind.name, &f.wrap)?;
        write_text(ws, row, 2, kind, &f.wrap)?;
        write_text(ws, row, 3, &definition, &f.wrap)?;
        write_text(ws, row, 4, &standard, &f.wrap)?;
        ws.set_row_height(
            row,
            wrapped_height(&[
                (label, widths[0]),
                (&definition, widths[3]),
                (&standard, widths[4]),
            ]),
        )?;
    }
    add_table(ws, ctx, "Definitions", &headers, INDICATORS.len() as u32)?;
    ws.set_row_height(0, 24)?;
    ws.set_freeze_panes(1, 1)?;
    print_setup(ws, ctx, Some(0));
    Ok(())
}
