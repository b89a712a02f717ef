//! What a corrections workbook is made from: the ingest report beside the lake (files, sheets,
//! their counts, quarantines, warnings) and the rejects table (every rejected row), sorted out
//! by the county office that can fix them.
//!
//! Whose a row is: the county the row names (or its fund's), else the county of the file it
//! came from (its folder, else most of its rows), else nobody's: such rows, and province-level
//! rows, go to the province's workbook. A quarantined file or sheet and a warning about a
//! whole file go to the file's county the same way.

use crate::ingest::report::{FileReport, IngestReport, WarningEntry};
use crate::schema::{Table, PROVINCE_PARTITION};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Who a corrections workbook is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recipient {
    /// A county office, by slug.
    County(String),
    /// The provincial office: rows of no county, and the province's own files.
    Province,
}

impl Recipient {
    /// The recipient of something whose county is `county` (a slug, `_province`, or unknown).
    pub fn of(county: Option<&str>) -> Recipient {
        match county {
            Some(c) if !c.is_empty() && c != PROVINCE_PARTITION && c != "unknown" => {
                Recipient::County(c.to_owned())
            }
            _ => Recipient::Province,
        }
    }

    /// The name its workbook's file starts with: the county's slug, or `_province` (as the
    /// lake names the province's partition, so that no county's slug can take it).
    pub fn file_stem(&self) -> &str {
        match self {
            Recipient::County(slug) => slug,
            Recipient::Province => PROVINCE_PARTITION,
        }
    }
}

/// A place in an office's spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// File, relative to the input folder.
    pub file: String,
    /// Sheet (`None` for CSV).
    pub sheet: Option<String>,
    /// Spreadsheet row (CSV: line).
    pub row: u32,
}

/// One rejected row, from the rejects table.
#[derive(Debug, Clone)]
pub struct RejectedRow {
    /// Where it is.
    pub place: Place,
    /// Its table.
    pub table: String,
    /// The county it names, when it can be told.
    pub county: Option<String>,
    /// The field at fault.
    pub field: String,
    /// The column at fault as the spreadsheet shows it, `D «مبلغ»`.
    pub column: Option<String>,
    /// The offending value (masked and cut by ingest; blank for a personal field).
    pub value: String,
    /// Rule code.
    pub rule: String,
    /// What is wrong and what to write instead.
    pub reason: String,
    /// For a cascade, the row whose fix lets this one land too.
    pub fix_first: Option<Place>,
}

/// Everything one office is sent.
#[derive(Debug, Clone, Default)]
pub struct Corrections<'a> {
    /// Its files (and files holding its rows), in path order.
    pub files: Vec<&'a FileReport>,
    /// Its rejected rows, by file, sheet (in workbook order) and row.
    pub rejects: Vec<RejectedRow>,
    /// Its warnings, by file, sheet and row.
    pub warnings: Vec<&'a WarningEntry>,
}

impl Corrections<'_> {
    /// Whether the office has anything to fix or check: a rejected row, a warning, or a file or
    /// sheet quarantined.
    pub fn has_anything(&self) -> bool {
        !self.rejects.is_empty()
            || !self.warnings.is_empty()
            || self.files.iter().any(|f| {
                f.status == "quarantined" || f.sheets.iter().any(|s| s.status == "quarantined")
            })
    }
}

/// Reads the rejects table; no rows when it does not exist (an ingest that rejected nothing
/// writes an empty one, so a missing table only follows a lake without rejects).
pub fn read_rejects(lake: &Path) -> PolarsResult<Vec<RejectedRow>> {
    let path = lake.join("rejects").join("rejects.parquet");
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let df = LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )?
    .select([
        col("source_file"),
        col("source_sheet"),
        col("source_row").cast(DataType::Int64),
        col("table"),
        col("county"),
        col("field"),
        col("column"),
        col("value"),
        col("rule"),
        col("reason"),
        col("fix_first_file"),
        col("fix_first_sheet"),
        col("fix_first_row").cast(DataType::Int64),
    ])
    .collect()?;
    let text = |name: &str| -> PolarsResult<StringChunked> { df.column(name)?.str().cloned() };
    let int = |name: &str| -> PolarsResult<Int64Chunked> { df.column(name)?.i64().cloned() };
    let (file, sheet, row) = (
        text("source_file")?,
        text("source_sheet")?,
        int("source_row")?,
    );
    let (table, county, field) = (text("table")?, text("county")?, text("field")?);
    let (column, value, rule, reason) = (
        text("column")?,
        text("value")?,
        text("rule")?,
        text("reason")?,
    );
    let (ff_file, ff_sheet, ff_row) = (
        text("fix_first_file")?,
        text("fix_first_sheet")?,
        int("fix_first_row")?,
    );
    let owned = |c: &StringChunked, i: usize| c.get(i).map(str::to_owned);
    let line = |c: &Int64Chunked, i: usize| c.get(i).and_then(|r| u32::try_from(r).ok());
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let table_name = owned(&table, i).unwrap_or_default();
        let field_name = owned(&field, i).unwrap_or_default();
        let personal = Table::ALL
            .iter()
            .find(|t| t.name() == table_name)
            .and_then(|t| t.field(&field_name))
            .is_some_and(|f| f.personal);
        let fix_first = match (owned(&ff_file, i), line(&ff_row, i)) {
            (Some(file), Some(row)) => Some(Place {
                file,
                sheet: owned(&ff_sheet, i),
                row,
            }),
            _ => None,
        };
        rows.push(RejectedRow {
            place: Place {
                file: owned(&file, i).unwrap_or_default(),
                sheet: owned(&sheet, i),
                row: line(&row, i).unwrap_or(0),
            },
            table: table_name,
            county: owned(&county, i),
            field: field_name,
            column: owned(&column, i),
            // A personal field's value is never shown, even one ingest could not recognize
            // as a national ID or mobile number.
            value: if personal {
                String::new()
            } else {
                masked(value.get(i))
            },
            rule: owned(&rule, i).unwrap_or_default(),
            reason: masked(reason.get(i)),
            fix_first,
        });
    }
    Ok(rows)
}

/// A text with any national ID or mobile number in it masked (ingest masked them already;
/// this holds for a rejects table written by an older version too).
fn masked(text: Option<&str>) -> String {
    text.map(|t| crate::ingest::mask::mask(t).into_owned())
        .unwrap_or_default()
}

/// Sorts what ingest found out by recipient; only recipients with something to fix or check
/// are kept.
pub fn by_recipient<'a>(
    report: &'a IngestReport,
    rejects: Vec<RejectedRow>,
) -> BTreeMap<Recipient, Corrections<'a>> {
    let file_of: BTreeMap<&str, &FileReport> =
        report.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let file_recipient =
        |path: &str| Recipient::of(file_of.get(path).and_then(|f| f.county.as_deref()));
    let mut out: BTreeMap<Recipient, Corrections<'a>> = BTreeMap::new();
    for f in &report.files {
        out.entry(Recipient::of(f.county.as_deref()))
            .or_default()
            .files
            .push(f);
    }
    for r in rejects {
        let who = match r.county.as_deref() {
            Some(c) if !c.is_empty() => Recipient::of(Some(c)),
            _ => file_recipient(&r.place.file),
        };
        out.entry(who).or_default().rejects.push(r);
    }
    for w in &report.warnings {
        let who = match w.county.as_deref() {
            Some(c) if !c.is_empty() => Recipient::of(Some(c)),
            _ => file_recipient(&w.file),
        };
        out.entry(who).or_default().warnings.push(w);
    }
    // A row of one county in another's file: the file is listed for both.
    let sheet_order = |file: &str, sheet: Option<&str>| -> usize {
        file_of
            .get(file)
            .and_then(|f| f.sheets.iter().position(|s| s.sheet.as_deref() == sheet))
            .unwrap_or(usize::MAX)
    };
    for c in out.values_mut() {
        let mut paths: Vec<&str> = c
            .rejects
            .iter()
            .map(|r| r.place.file.as_str())
            .chain(c.warnings.iter().map(|w| w.file.as_str()))
            .collect();
        paths.sort_unstable();
        paths.dedup();
        for p in paths {
            if let Some(f) = file_of.get(p) {
                if !c.files.iter().any(|k| k.path == p) {
                    c.files.push(f);
                }
            }
        }
        c.files.sort_by(|a, b| a.path.cmp(&b.path));
        // Stable sorts: rows of one place keep the order ingest found them in.
        c.rejects.sort_by_cached_key(|r| {
            (
                r.place.file.clone(),
                sheet_order(&r.place.file, r.place.sheet.as_deref()),
                r.place.row,
            )
        });
        c.warnings.sort_by_cached_key(|w| {
            (
                w.file.clone(),
                // A warning about a whole file comes before those about its sheets.
                w.sheet
                    .as_deref()
                    .map_or(0, |s| sheet_order(&w.file, Some(s)).saturating_add(1)),
                w.row.unwrap_or(0),
            )
        });
    }
    out.retain(|_, c| c.has_anything());
    out
}
