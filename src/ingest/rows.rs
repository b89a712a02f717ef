//! Data rows of one located sheet → records, rejects and skipped rows. Only what a single row
//! shows is checked here; keys and references across files are checked in [`super::validate`].

use super::locate::{column_letter, Column, Layout};
use super::model::{Origin, Reject, Rows, Warning};
use super::parse::{self, Text, Value};
use super::read::{Cell, Row};
use crate::config::CountyNames;
use crate::schema::{EnumKind, Field, Kind, Table, TOTAL_WORDS};
use crate::text::match_key;
use rustc_hash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};

/// Lookups a row needs: counties and enum vocabularies.
#[derive(Debug, Clone)]
pub struct RowContext {
    counties: CountyNames,
    vocab: HashMap<(EnumKindKey, String), &'static str>,
    total_words: Vec<String>,
    /// The largest amount a row may hold, in rials (`[limits] largest_amount_rials`).
    largest_amount: i64,
    /// The most characters a text cell may hold (`[limits] cell_chars`).
    cell_chars: usize,
    /// The Jalali years a date may fall in (`[limits] earliest_year`, `latest_year`).
    years: (i32, i32),
    /// The epoch days of those years ([`crate::calendar::year_days`]).
    year_days: std::ops::Range<i32>,
}

type EnumKindKey = u8;

fn kind_key(k: EnumKind) -> EnumKindKey {
    k as u8
}

impl RowContext {
    /// Builds the lookups for a province's counties.
    pub fn new(counties: CountyNames) -> RowContext {
        let mut vocab = HashMap::default();
        for k in [
            EnumKind::FundType,
            EnumKind::Gender,
            EnumKind::SavingsKind,
            EnumKind::FundingSource,
            EnumKind::CourseType,
        ] {
            for (canonical, words) in k.vocabulary() {
                vocab.insert((kind_key(k), match_key(canonical)), *canonical);
                for w in *words {
                    vocab.insert((kind_key(k), match_key(w)), *canonical);
                }
            }
        }
        RowContext {
            counties,
            vocab,
            total_words: TOTAL_WORDS.iter().map(|w| match_key(w)).collect(),
            largest_amount: crate::config::Limits::default().largest_amount_rials,
            cell_chars: usize::try_from(crate::config::Limits::default().cell_chars)
                .unwrap_or(usize::MAX),
            years: (crate::calendar::FIRST_YEAR, crate::calendar::LAST_YEAR),
            year_days: crate::calendar::calendar_days(),
        }
    }

    /// The same lookups, with the Jalali years a date may fall in (within 1300–1599, which
    /// the date parser already holds every date to).
    pub fn with_years(mut self, earliest: u64, latest: u64) -> RowContext {
        let year = |y: u64| i32::try_from(y).unwrap_or(i32::MAX);
        self.years = (year(earliest), year(latest));
        self.year_days = crate::calendar::year_days(self.years.0, self.years.1);
        self
    }

    /// The same lookups, with the most characters a text cell may hold.
    pub fn with_cell_chars(mut self, chars: u64) -> RowContext {
        self.cell_chars = usize::try_from(chars).unwrap_or(usize::MAX);
        self
    }

    /// The same lookups, with the largest amount a row may hold.
    pub fn with_largest_amount(mut self, rials: i64) -> RowContext {
        self.largest_amount = rials;
        self
    }

    fn resolve_enum(&self, kind: EnumKind, text: &str) -> Option<String> {
        if kind == EnumKind::County {
            return self.counties.resolve(text).map(str::to_owned);
        }
        let found = self.vocab.get(&(kind_key(kind), match_key(text))).copied();
        match (found, kind) {
            (Some(v), _) => Some(v.to_owned()),
            (None, EnumKind::CourseType) => Some("other".to_owned()),
            (None, _) => None,
        }
    }

    fn allowed(&self, kind: EnumKind) -> String {
        if kind == EnumKind::County {
            return self.counties.slugs.join(", ");
        }
        kind.vocabulary()
            .iter()
            .map(|(c, words)| {
                if words.is_empty() {
                    (*c).to_owned()
                } else {
                    format!("{c} ({})", words.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What the rows of one sheet came to.
#[derive(Debug, Default)]
pub struct ParsedRows {
    /// Rows that parsed, in sheet order.
    pub records: Rows,
    /// Rows rejected by a single-row rule.
    pub rejects: Vec<Reject>,
    /// Warnings about single rows.
    pub warnings: Vec<Warning>,
    /// Data rows under the header.
    pub rows_read: u64,
    /// Blank rows.
    pub skipped_blank: u64,
    /// Totals rows.
    pub skipped_total: u64,
    /// Values already parsed in this sheet.
    cache: ValueCache,
    /// For a CSV file, the cells of its header line: a line with a value beyond them has cells
    /// shifted by a delimiter inside a value (see [`ParsedRows::for_csv`]).
    csv_width: Option<usize>,
    /// For a CSV file: the lines (first, last) of a record whose quote is never closed.
    csv_open_quote: Option<(u32, u32)>,
}

/// The values of the text and number cells already parsed in a sheet, per column: a value
/// repeated down a column (a fund's code, an enum word, a member number) is normalized, matched
/// and parsed once, and its rows share one string. Personal fields are never kept here.
///
/// Only text, id and enum fields are kept, and their values are text or blank: they are kept
/// as `Option<Text>`, one pointer, which moves from here into the column in one register (a
/// whole [`Value`], tag and payload copied through memory in pieces, stalled on every cell).
#[derive(Debug, Default)]
struct ValueCache {
    /// By sheet column, then cell text.
    text: HashMap<usize, HashMap<Box<str>, Option<Text>>>,
    /// By sheet column and the number's bits.
    numbers: HashMap<(usize, u64), Option<Text>>,
    kept: usize,
    /// By sheet column: the last text cell and its value. Cells of one shared or repeated
    /// inline string hold one copy of the text, so a value repeated on the rows below is found
    /// by that copy's address, without hashing the text.
    last: super::by_column::LastByColumn<(std::sync::Arc<str>, Option<Text>)>,
    /// By sheet column: the last number cell (its bits) and its value. A loan's number
    /// repeated on each of its installments is found without a lookup in `numbers`, whose
    /// thousands of loans miss the processor's cache.
    last_number: super::by_column::LastByColumn<(u64, Option<Text>)>,
}

/// Distinct values kept per sheet; past this, cells are parsed without the cache.
const CACHE_LIMIT: usize = 200_000;

/// Whether a field's values are kept in [`ValueCache`]: text, ids and enums, never personal.
fn cacheable(field: &Field) -> bool {
    !field.personal && matches!(field.kind, Kind::Id | Kind::Text | Kind::Enum(_))
}

impl ValueCache {
    /// The value of a [`cacheable`] field's cell: its text, or `None` when blank.
    fn text(
        &mut self,
        field: &Field,
        cell: &Cell,
        col: &Column,
        ctx: &RowContext,
    ) -> Result<Option<Text>, (&'static str, String)> {
        match cell {
            Cell::Text(t) => {
                if let Some((last, v)) = self.last.get(col.index) {
                    if std::sync::Arc::ptr_eq(last, t) {
                        return Ok(v.clone());
                    }
                }
                let v = match self.text.get(&col.index).and_then(|m| m.get(&**t)) {
                    Some(v) => v.clone(),
                    None => {
                        let v = text_of(parse_cell(field, cell, col, ctx)?);
                        if self.kept < CACHE_LIMIT {
                            self.kept += 1;
                            self.text
                                .entry(col.index)
                                .or_default()
                                .insert((&**t).into(), v.clone());
                        }
                        v
                    }
                };
                self.last.set(col.index, (t.clone(), v.clone()));
                Ok(v)
            }
            Cell::Number(n) => {
                let bits = n.to_bits();
                if let Some((last, v)) = self.last_number.get(col.index) {
                    if *last == bits {
                        return Ok(v.clone());
                    }
                }
                let key = (col.index, bits);
                let v = match self.numbers.get(&key) {
                    Some(v) => v.clone(),
                    None => {
                        let v = text_of(parse_cell(field, cell, col, ctx)?);
                        if self.kept < CACHE_LIMIT {
                            self.kept += 1;
                            self.numbers.insert(key, v.clone());
                        }
                        v
                    }
                };
                self.last_number.set(col.index, (bits, v.clone()));
                Ok(v)
            }
            _ => parse_cell(field, cell, col, ctx).map(text_of),
        }
    }
}

/// The text of a parsed text, id or enum value, which [`parse_cell`] gives as text or blank.
fn text_of(v: Value) -> Option<Text> {
    match v {
        Value::Str(t) => Some(t),
        other => {
            debug_assert!(other.is_null(), "a text field parsed to {other:?}");
            None
        }
    }
}

/// Parses every data row under the header.
pub fn parse_rows(
    file: u32,
    sheet: u32,
    rows: &[Row],
    layout: &Layout,
    ctx: &RowContext,
) -> ParsedRows {
    let mut out = ParsedRows::default();
    for row in &rows[layout.header_pos + 1..] {
        out.push(file, sheet, row, layout, ctx);
    }
    out.finish();
    out
}

impl ParsedRows {
    /// Rows as an earlier run parsed them (see [`super::cache`]).
    pub fn restored(
        records: Rows,
        rejects: Vec<Reject>,
        warnings: Vec<Warning>,
        rows_read: u64,
        skipped_blank: u64,
        skipped_total: u64,
    ) -> ParsedRows {
        ParsedRows {
            records,
            rejects,
            warnings,
            rows_read,
            skipped_blank,
            skipped_total,
            cache: ValueCache::default(),
            csv_width: None,
            csv_open_quote: None,
        }
    }

    /// Rows of a CSV file whose header line has `width` cells. In a CSV, a value that holds
    /// the delimiter (a comma in a name written without quotes) shifts every later value of
    /// its line one column to the right: a mobile number lands in `gender`. Such a line is
    /// rejected as a whole, quoting none of its cells (they may be personal data in the wrong
    /// column).
    pub fn for_csv(width: usize) -> ParsedRows {
        ParsedRows {
            csv_width: Some(width),
            ..ParsedRows::default()
        }
    }

    /// The same, knowing that the record at lines (first, last) holds a quote never closed.
    pub fn with_open_quote(mut self, lines: Option<(u32, u32)>) -> ParsedRows {
        self.csv_open_quote = lines;
        self
    }

    /// Drops what was kept only to parse the sheet's rows (its value cache).
    pub fn finish(&mut self) {
        self.cache = ValueCache::default();
        self.records.shrink_to_fit();
    }

    /// Parses one data row under the header into a record, a reject or a skip.
    pub fn push(&mut self, file: u32, sheet: u32, row: &Row, layout: &Layout, ctx: &RowContext) {
        self.rows_read += 1;
        if row.cells.iter().all(Cell::is_blank) {
            self.skipped_blank += 1;
            return;
        }
        if is_totals_row(row, layout, ctx) {
            self.skipped_total += 1;
            return;
        }
        let origin = Origin {
            file,
            sheet,
            row: row.number,
        };
        if let Some((first, last)) = self
            .csv_open_quote
            .filter(|&(first, _)| first == row.number)
        {
            self.rejects.push(whole_line_reject(
                origin,
                layout,
                "open_quote",
                format!(
                    "a quote (\") opened on line {first} is never closed, so lines {first}–{last} were read as one record; close the quote, or remove it"
                ),
            ));
            return;
        }
        if let Some(width) = self.csv_width {
            let values = row
                .cells
                .iter()
                .rposition(|c| !c.is_blank())
                .map_or(0, |i| i + 1);
            if values > width {
                self.rejects.push(whole_line_reject(
                    origin,
                    layout,
                    "extra_cells",
                    format!(
                        "the line has {values} values but the header has {width} columns: a value probably holds the delimiter (a comma inside a name, say), which shifts the values after it. Put that value in quotes, or remove the delimiter from it"
                    ),
                ));
                return;
            }
        }
        match parse_row(
            origin,
            row,
            layout,
            ctx,
            &mut self.cache,
            &mut self.warnings,
            &mut self.records,
        ) {
            Ok(personal_hash) => self.records.keep_row(origin, personal_hash),
            Err(mut reject) => {
                // Masked here already, so the cache of an incremental run holds no personal
                // number either.
                super::mask::reject(&mut reject);
                self.rejects.push(*reject);
            }
        }
    }
}

/// A totals row: its first non-blank cell is a total word and its id and date fields are blank.
fn is_totals_row(row: &Row, layout: &Layout, ctx: &RowContext) -> bool {
    let Some((first_col, first)) = row.cells.iter().enumerate().find(|(_, c)| !c.is_blank()) else {
        return false;
    };
    // Only text can be a total word; a text with a digit outside brackets cannot (its match key
    // keeps the digit), which spares the match key of nearly every row.
    let Cell::Text(text) = first else {
        return false;
    };
    let bracketed = text.contains(['(', '[', '{', '（']);
    if !bracketed && text.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    if !ctx.total_words.contains(&match_key(text)) {
        return false;
    }
    layout.columns.iter().all(|col| {
        let f = &layout.table.fields()[col.field];
        let identifying = f.required && matches!(f.kind, Kind::Id | Kind::Date);
        col.index == first_col
            || !identifying
            || row.cells.get(col.index).is_none_or(Cell::is_blank)
    })
}

struct Fault {
    field: &'static Field,
    column: Option<String>,
    value: String,
    rule: &'static str,
    reason: String,
}

/// Parses a row's cells straight into the columns of `records` (no row of values in
/// between), then keeps it there, returning the hash of its personal values, or takes it out
/// again and returns the reject.
fn parse_row(
    origin: Origin,
    row: &Row,
    layout: &Layout,
    ctx: &RowContext,
    cache: &mut ValueCache,
    warnings: &mut Vec<Warning>,
    records: &mut Rows,
) -> Result<u64, Box<Reject>> {
    let table = layout.table;
    let fields = table.fields();
    if !records.start_row(fields.len()) {
        // Never, from one sheet's rows: they are of one table.
        return Err(Box::new(whole_line_reject(
            origin,
            layout,
            "internal",
            "the row is of another table than the rows before it".into(),
        )));
    }
    let mut faults: Vec<Fault> = Vec::new();
    // Warnings are kept only if the row lands: a rejected row is reported once, as a reject.
    let mut row_warnings: Vec<Warning> = Vec::new();
    let mut personal = rustc_hash::FxHasher::default();
    for col in &layout.columns {
        let field = &fields[col.field];
        let cell = row.cells.get(col.index).unwrap_or(&Cell::Empty);
        let parsed = if cacheable(field) {
            match cache.text(field, cell, col, ctx) {
                Ok(t) => {
                    records.put_text(col.field, t);
                    continue;
                }
                Err(fault) => Err(fault),
            }
        } else {
            parse_cell(field, cell, col, ctx)
        };
        match parsed {
            Ok(ref v) if field.personal => {
                if let (Value::Str(s), "national_id") = (&v, field.name) {
                    if !parse::national_id_is_valid(s) {
                        row_warnings.push(Warning {
                            origin,
                            table: Some(table),
                            field: Some(field.name),
                            rule: "invalid_national_id",
                            message: format!(
                                "column {} «{}»: the national id fails its check digit (value not shown: personal data); check it against the member's card",
                                column_letter(col.index),
                                col.header
                            ),
                        });
                    }
                }
                (field.name, v).hash(&mut personal);
            }
            Ok(ref v) => records.put_ref(col.field, v),
            Err((rule, reason)) => {
                // A faulted field holds nothing (as a blank cell would).
                records.put_ref(col.field, &Value::Null);
                faults.push(Fault {
                    field,
                    column: Some(format!("{} «{}»", column_letter(col.index), col.header)),
                    value: if field.personal {
                        String::new()
                    } else {
                        cell.display()
                    },
                    rule,
                    reason,
                })
            }
        }
    }
    for (i, field) in fields.iter().enumerate() {
        let mut blank = records.pending(i).is_null();
        if blank {
            let default = default_value(field);
            if !default.is_null() {
                records.put_ref(i, &default);
                blank = false;
            }
        }
        if field.required && blank && !faults.iter().any(|f| f.field.name == field.name) {
            let column = layout.columns.iter().find(|c| c.field == i);
            faults.push(Fault {
                field,
                column: column.map(|c| format!("{} «{}»", column_letter(c.index), c.header)),
                value: String::new(),
                rule: "required_blank",
                reason: format!(
                    "{} is required but the cell is blank; fill it in",
                    field.name
                ),
            });
        }
    }
    if table == Table::Installments {
        let paid = records.pending(5).as_int().unwrap_or(0);
        if paid > 0 && records.pending(4).is_null() {
            let column = layout.columns.iter().find(|c| c.field == 4);
            faults.push(Fault {
                field: &fields[4],
                column: column.map(|c| format!("{} «{}»", column_letter(c.index), c.header)),
                value: String::new(),
                rule: "payment_without_date",
                reason: format!(
                    "{paid} rials are paid but paid_on is blank, so the payment cannot be dated; fill in the payment date"
                ),
            });
        }
    }
    if faults.is_empty() {
        warnings.append(&mut row_warnings);
        return Ok(personal.finish());
    }
    let values = records.drop_row();
    let first = faults.remove(0);
    let mut reason = first.reason;
    for f in &faults {
        reason.push_str(&format!("; also {}: {}", f.field.name, f.reason));
    }
    let mut reject = Reject {
        origin,
        table,
        field: first.field.name.to_owned(),
        column: first.column,
        value: first.value,
        rule: first.rule,
        reason,
        raw_row: raw_row(row, layout),
        values,
        county: None,
        fix_first: None,
    };
    mask_personal_cells(&mut reject, row, layout);
    Err(Box::new(reject))
}

/// A CSV line rejected as a whole, quoting none of its cells (they may be personal data out of
/// place).
fn whole_line_reject(
    origin: Origin,
    layout: &Layout,
    rule: &'static str,
    reason: String,
) -> Reject {
    Reject {
        origin,
        table: layout.table,
        field: "row".into(),
        column: None,
        value: String::new(),
        rule,
        reason,
        raw_row: Vec::new(),
        values: Vec::new(),
        county: None,
        fix_first: None,
    }
}

/// Masks, in what a reject quotes, every value equal to one of the row's personal cells (a
/// name copied into `village`, a mobile in `gender`): personal values are never written,
/// whichever column they sit in. Whole values are compared (a cell, or a value the reason
/// quotes in «»), so a name inside a longer word is left; values of fewer than three
/// characters are left too (a `1` in `member_id` is no personal datum).
fn mask_personal_cells(reject: &mut Reject, row: &Row, layout: &Layout) {
    let personal: Vec<String> = layout
        .columns
        .iter()
        .filter(|c| layout.table.fields()[c.field].personal)
        .filter_map(|c| row.cells.get(c.index))
        // As written and as normalized (reasons quote normalized text).
        .flat_map(|cell| {
            let shown = cell.display().trim().to_owned();
            let normal = crate::text::normalize(&shown);
            [shown, normal]
        })
        .filter(|v| v.chars().count() >= 3)
        .collect();
    if personal.is_empty() {
        return;
    }
    let is_personal = |v: &str| personal.iter().any(|p| p == v.trim());
    if is_personal(&reject.value) {
        reject.value = super::mask::MASK.to_owned();
    }
    for (_, v) in &mut reject.raw_row {
        if is_personal(v) {
            *v = super::mask::MASK.to_owned();
        }
    }
    for p in &personal {
        let quoted = format!("«{p}»");
        if reject.reason.contains(&quoted) {
            reject.reason = reject
                .reason
                .replace(&quoted, &format!("«{}»", super::mask::MASK));
        }
    }
}

/// The row's mapped, non-personal cells as (header, shown value).
pub fn raw_row(row: &Row, layout: &Layout) -> Vec<(String, String)> {
    layout
        .columns
        .iter()
        .filter(|c| !layout.table.fields()[c.field].personal)
        .map(|c| {
            (
                c.header.clone(),
                row.cells
                    .get(c.index)
                    .map(Cell::display)
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn default_value(field: &Field) -> Value {
    match (field.name, field.kind) {
        (_, Kind::Enum(k)) => k.default_value().map(Value::text).unwrap_or(Value::Null),
        (_, Kind::Bool) => Value::Bool(false),
        ("paid_amount", _) => Value::Int(0),
        ("source", _) => Value::text("omid"),
        _ => Value::Null,
    }
}

fn parse_cell(
    field: &Field,
    cell: &Cell,
    col: &Column,
    ctx: &RowContext,
) -> Result<Value, (&'static str, String)> {
    // An error cell (#N/A, #REF!…) is no value of any kind: text and enum fields would
    // otherwise read it as blank and keep a row whose value the office never gave.
    if let (Cell::Error(e), Kind::Text | Kind::Enum(_)) = (cell, field.kind) {
        return Err((
            "error_cell",
            format!("the cell holds the spreadsheet error {e}; fix the formula or type the value"),
        ));
    }
    if let Cell::Text(t) = cell {
        // Counting characters only when the bytes could be too many.
        if t.len() > ctx.cell_chars && t.chars().count() > ctx.cell_chars {
            return Err((
                "too_long",
                format!(
                    "the cell holds {} characters, more than the {} a cell may hold ([limits] cell_chars); shorten it",
                    t.chars().count(),
                    ctx.cell_chars
                ),
            ));
        }
    }
    let v = match field.kind {
        Kind::Id => parse::parse_id(cell)
            .map_err(|e| ("bad_id", e))?
            .map(Value::text),
        Kind::Text => parse::parse_text(cell).map(Value::text),
        Kind::Int { min } => match parse::parse_int(cell).map_err(|e| ("bad_number", e))? {
            Some(i) if i < min => {
                return Err((
                    "out_of_range",
                    format!("{} must be at least {min}, not {i}", field.name),
                ))
            }
            other => other.map(Value::Int),
        },
        Kind::Amount { positive } => {
            match parse::parse_amount(cell, col.unit).map_err(|e| ("bad_amount", e))? {
                Some(v) if v > ctx.largest_amount => {
                    return Err((
                        "out_of_range",
                        format!(
                            "{} is {v} rials, more than the {} a row may hold ([limits] largest_amount_rials); check for a misplaced digit or a wrong unit",
                            field.name, ctx.largest_amount
                        ),
                    ))
                }
                Some(0) if positive => {
                    return Err((
                        "out_of_range",
                        format!(
                            "{} must be more than zero; fill in the amount or remove the row",
                            field.name
                        ),
                    ))
                }
                other => other.map(Value::Int),
            }
        }
        Kind::Date => match parse::parse_date(cell).map_err(|e| ("bad_date", e))? {
            // Nearly every date is within the years: told by two comparisons.
            Some(day) if ctx.year_days.contains(&day) => Some(Value::Date(day)),
            Some(day) => {
                let (earliest, latest) = ctx.years;
                match crate::calendar::JalaliDate::from_epoch_day(day) {
                    Some(j) if j.year < earliest || j.year > latest => {
                        let (side, bound, key) = if j.year < earliest {
                            ("before", earliest, "earliest_year")
                        } else {
                            ("after", latest, "latest_year")
                        };
                        return Err((
                            "out_of_range",
                            format!(
                                "{} {}/{:02}/{:02} is {side} {bound}, the {} year a date may fall in ([limits] {key}); check the year",
                                field.name,
                                j.year,
                                j.month,
                                j.day,
                                if j.year < earliest { "earliest" } else { "latest" }
                            ),
                        ));
                    }
                    _ => Some(Value::Date(day)),
                }
            }
            None => None,
        },
        Kind::Bool => Some(Value::Bool(
            parse::parse_bool(cell).map_err(|e| ("bad_bool", e))?,
        )),
        Kind::Enum(kind) => match parse::parse_text(cell) {
            None => None,
            Some(text) => match ctx.resolve_enum(kind, &text) {
                Some(v) => Some(Value::text(v)),
                None => {
                    return Err((
                        "unknown_value",
                        format!(
                            "«{text}» is not a known {}; use one of: {}",
                            field.name,
                            ctx.allowed(kind)
                        ),
                    ))
                }
            },
        },
    };
    Ok(v.unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Pipeline;
    use crate::ingest::locate::{plan, Matchers, Plan};

    fn row(number: u32, cells: &[&str]) -> Row {
        Row {
            number,
            cells: cells
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text((*c).into())
                    }
                })
                .collect(),
        }
    }

    fn run(name: &str, rows: &[Row]) -> ParsedRows {
        let p = Pipeline::default_pipeline();
        let Plan::Read(layout) = plan(name, rows, &Matchers::new(&p)) else {
            panic!("not read")
        };
        parse_rows(0, 0, rows, &layout, &RowContext::new(p.county_names()))
    }

    #[test]
    fn an_error_cell_in_a_text_or_enum_field_is_rejected_not_blanked() {
        let header = row(
            1,
            &["fund_id", "member_id", "gender", "full_name", "joined_on"],
        );
        let mut gender_na = row(2, &["F1", "1", "", "x", "1400/01/01"]);
        gender_na.cells[2] = Cell::Error("#N/A".into());
        let mut name_ref = row(3, &["F1", "2", "زن", "", "1400/01/01"]);
        name_ref.cells[3] = Cell::Error("#REF!".into());
        let fine = row(4, &["F1", "3", "زن", "y", "1400/01/01"]);
        let parsed = run("members", &[header, gender_na, name_ref, fine]);
        assert_eq!(parsed.records.len(), 1);
        let rules: Vec<(&str, &str, u32)> = parsed
            .rejects
            .iter()
            .map(|r| (r.rule, r.field.as_str(), r.origin.row))
            .collect();
        assert_eq!(
            rules,
            [("error_cell", "gender", 2), ("error_cell", "full_name", 3)]
        );
        assert!(parsed.rejects[0].reason.contains("#N/A"));
    }

    #[test]
    fn a_personal_value_in_another_column_is_masked_in_the_reject() {
        let header = row(
            1,
            &["fund_id", "member_id", "full_name", "gender", "joined_on"],
        );
        let copied = row(2, &["F1", "1", "مریم رضایی", "مریم رضایی", "1400/01/01"]);
        let parsed = run("members", &[header, copied]);
        let r = &parsed.rejects[0];
        assert_eq!(r.rule, "unknown_value");
        for text in std::iter::once(&r.value)
            .chain([&r.reason])
            .chain(r.raw_row.iter().map(|(_, v)| v))
        {
            assert!(!text.contains("مریم"), "{text}");
        }
        assert!(r.reason.contains(crate::ingest::mask::MASK), "{}", r.reason);
    }

    #[test]
    fn blank_totals_rejects_and_records_add_up() {
        let rows = vec![
            row(
                1,
                &[
                    "کد وام",
                    "شماره قسط",
                    "تاریخ سررسید",
                    "مبلغ قسط",
                    "تاریخ پرداخت",
                    "مبلغ پرداختی",
                ],
            ),
            row(2, &["L1", "1", "1399/08/01", "1,000", "1399/08/03", "1000"]),
            row(3, &[]),
            row(4, &["L1", "2", "1399/09/01", "-5", "", ""]),
            row(5, &["L1", "3", "1399/10/01", "1000", "", "400"]),
            row(6, &["جمع", "", "", "2000", "", "1400"]),
        ];
        let r = run("اقساط", &rows);
        assert_eq!(r.rows_read, 5);
        assert_eq!(
            (
                r.records.len(),
                r.rejects.len(),
                r.skipped_blank,
                r.skipped_total
            ),
            (1, 2, 1, 1)
        );
        assert_eq!(r.rejects[0].origin.row, 4);
        assert_eq!(r.rejects[0].field, "due_amount");
        assert_eq!(r.rejects[0].column.as_deref(), Some("D «مبلغ قسط»"));
        assert!(r.rejects[0].reason.contains("negative"));
        assert_eq!(r.rejects[1].rule, "payment_without_date");
        assert_eq!(r.records.field(0, 5).to_value(), Value::Int(1000));
    }

    #[test]
    fn personal_fields_are_checked_never_kept() {
        let rows = vec![
            row(
                1,
                &[
                    "کد صندوق",
                    "کد عضو",
                    "نام و نام خانوادگی",
                    "کد ملی",
                    "موبایل",
                    "جنسیت",
                    "تاریخ عضویت",
                ],
            ),
            row(
                2,
                &[
                    "Z1",
                    "7",
                    "فاطمه احمدی",
                    "1234567890",
                    "09121234567",
                    "زن",
                    "1399/01/05",
                ],
            ),
            row(
                3,
                &["Z1", "8", "زهرا", "0499370899", "", "مرد?", "1399/01/05"],
            ),
        ];
        let r = run("اعضا", &rows);
        assert_eq!(r.records.len(), 1);
        let rec = r.records.get(0).expect("a record").to_values();
        assert!(rec[3].is_null() && rec[4].is_null() && rec[5].is_null());
        assert_eq!(rec[6], Value::text("female"));
        assert_eq!(r.warnings.len(), 1);
        assert!(!r.warnings[0].message.contains("1234567890"));
        assert_eq!(r.rejects[0].rule, "unknown_value");
        assert!(r.rejects[0]
            .raw_row
            .iter()
            .all(|(h, v)| !h.contains("نام") && v != "0499370899"));
    }

    #[test]
    fn enum_defaults_and_course_other() {
        let rows = vec![
            row(1, &["نوع دوره", "تاریخ", "شرکت کنندگان"]),
            row(2, &["بافندگی", "1400/01/10", "12"]),
        ];
        let r = run("آموزش", &rows);
        assert_eq!(r.records.field(0, 0).to_value(), Value::text("other"));
        let rows = vec![
            row(1, &["fund_id", "member_id", "date", "amount"]),
            row(2, &["Z1", "1", "1400/01/10", "5"]),
        ];
        let r = run("savings", &rows);
        assert_eq!(r.records.field(0, 4).to_value(), Value::text("deposit"));
    }
}
