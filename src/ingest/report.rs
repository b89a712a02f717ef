//! The ingest report: what was read, skipped, quarantined, landed, rejected and warned, per
//! file and sheet and per table and county; written as JSON beside the lake and summarized on
//! the terminal.

use super::locate::Plan;
use super::model::{Origin, Reject};
use super::validate::{Decided, LandedRows, Places};
use super::FileOutcome;
use crate::config::Pipeline;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// File name of the report inside the lake folder.
pub const REPORT_FILE: &str = "ingest-report.json";

/// Rows of one sheet by outcome. `rows_read = landed + rejected + skipped_*` always.
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Counts {
    /// Data rows under the header.
    pub rows_read: u64,
    /// Rows written to the lake.
    pub landed: u64,
    /// Rows rejected (in `lake/rejects`).
    pub rejected: u64,
    /// Blank rows.
    pub skipped_blank: u64,
    /// Totals rows.
    pub skipped_total: u64,
    /// Exact duplicates of an earlier row.
    pub skipped_duplicate: u64,
    /// Landed rows with at least one warning.
    pub warned: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.rows_read += o.rows_read;
        self.landed += o.landed;
        self.rejected += o.rejected;
        self.skipped_blank += o.skipped_blank;
        self.skipped_total += o.skipped_total;
        self.skipped_duplicate += o.skipped_duplicate;
        self.warned += o.warned;
    }

    /// Skipped rows of every kind.
    pub fn skipped(&self) -> u64 {
        self.skipped_blank + self.skipped_total + self.skipped_duplicate
    }

    /// Whether every row read is accounted for.
    pub fn adds_up(&self) -> bool {
        self.rows_read == self.landed + self.rejected + self.skipped()
    }
}

/// One sheet (or CSV file) in the report.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SheetReport {
    /// Sheet name (`null` for CSV).
    pub sheet: Option<String>,
    /// `read`, `skipped` or `quarantined`.
    pub status: String,
    /// Why skipped or quarantined.
    pub reason: Option<String>,
    /// The table read.
    pub table: Option<String>,
    /// How the table was recognized: `name` or `header`.
    pub recognized_by: Option<String>,
    /// Spreadsheet row of the header.
    pub header_row: Option<u32>,
    /// Columns that map to no field.
    pub ignored_columns: Vec<String>,
    /// Row counts.
    #[serde(flatten)]
    pub counts: Counts,
}

/// One input file in the report.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct FileReport {
    /// Path relative to the input folder.
    pub path: String,
    /// The county office the file came from: the county its first folder names (in any
    /// spelling the pipeline lists), else the county of most of its rows; `None` when neither
    /// tells (a quarantined file directly in the input folder, say).
    pub county: Option<String>,
    /// `read`, `skipped` or `quarantined`.
    pub status: String,
    /// What the bytes held.
    pub format: Option<String>,
    /// Why skipped or quarantined.
    pub reason: Option<String>,
    /// Notes about the file.
    pub notes: Vec<String>,
    /// Sheets in workbook order.
    pub sheets: Vec<SheetReport>,
    /// Row counts of all its sheets together.
    #[serde(flatten)]
    pub counts: Counts,
}

/// Rows of one table in one county.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TableCounts {
    /// Table.
    pub table: String,
    /// County slug (`_province`, or `unknown` when no county can be told).
    pub county: String,
    /// Counts.
    #[serde(flatten)]
    pub counts: Counts,
}

/// A reject reason with how often it occurred and where.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ReasonCount {
    /// Table.
    pub table: String,
    /// Field.
    pub field: String,
    /// Rule code.
    pub rule: String,
    /// How many rows.
    pub count: u64,
    /// The first five rows rejected for it, in input order.
    pub examples: Vec<RejectExample>,
}

/// One rejected row, as a reader of the report finds it in the office's spreadsheet.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct RejectExample {
    /// File, relative to the input folder.
    pub file: String,
    /// Sheet (`None` for CSV).
    pub sheet: Option<String>,
    /// Spreadsheet row (CSV: line, the header being line 1).
    pub row: u32,
    /// The column at fault, `D «مبلغ»`, when one cell is.
    pub column: Option<String>,
    /// Rule code.
    pub rule: String,
    /// What is wrong and what to write instead.
    pub reason: String,
}

impl RejectExample {
    /// `file › sheet › row N` (CSV: `file › line N`), as messages write a place.
    pub fn place(&self) -> String {
        place_text(&self.file, self.sheet.as_deref(), Some(self.row))
    }
}

/// A place as messages write it: `file › sheet › row N`, `file › line N` for CSV, without the
/// row for a whole file or sheet.
pub fn place_text(file: &str, sheet: Option<&str>, row: Option<u32>) -> String {
    match (sheet, row.filter(|r| *r > 0)) {
        (Some(s), Some(r)) => format!("{file} › {s} › row {r}"),
        (Some(s), None) => format!("{file} › {s}"),
        (None, Some(r)) => format!("{file} › line {r}"),
        (None, None) => file.to_owned(),
    }
}

/// A warning with its place.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct WarningEntry {
    /// File, relative to the input folder.
    pub file: String,
    /// Sheet (`None` for CSV, or for a warning about a whole file).
    pub sheet: Option<String>,
    /// Spreadsheet row (CSV: line); `None` for a warning about a whole file or sheet.
    pub row: Option<u32>,
    /// The county of the row warned about (for a whole file or sheet, the file's county).
    pub county: Option<String>,
    /// Table.
    pub table: Option<String>,
    /// Field.
    pub field: Option<String>,
    /// Rule code.
    pub rule: String,
    /// Message.
    pub message: String,
}

impl WarningEntry {
    /// `file › sheet › row N`, as messages write a place.
    pub fn place(&self) -> String {
        place_text(&self.file, self.sheet.as_deref(), self.row)
    }
}

/// Totals of the run.
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
pub struct Totals {
    /// Files under the input folder.
    pub files_found: u64,
    /// Files read.
    pub files_read: u64,
    /// Files skipped (not spreadsheets, lock files, links).
    pub files_skipped: u64,
    /// Files quarantined (unreadable).
    pub files_quarantined: u64,
    /// Sheets quarantined inside readable files.
    pub sheets_quarantined: u64,
    /// Row counts over every sheet.
    #[serde(flatten)]
    pub counts: Counts,
    /// Warnings of every kind.
    pub warnings: u64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct IngestReport {
    /// The input folder as given.
    pub input: String,
    /// Totals.
    pub totals: Totals,
    /// Per file.
    pub files: Vec<FileReport>,
    /// Per table and county.
    pub tables: Vec<TableCounts>,
    /// Reject reasons, most frequent first.
    pub reject_reasons: Vec<ReasonCount>,
    /// Every warning in input order.
    pub warnings: Vec<WarningEntry>,
}

impl IngestReport {
    /// Whether any file or sheet was quarantined (the run is "partial").
    pub fn partial(&self) -> bool {
        self.totals.files_quarantined + self.totals.sheets_quarantined > 0
    }
}

/// Builds the report from what ingest decided; `pipeline` tells which county a folder names.
pub fn build(
    input: &Path,
    pipeline: &Pipeline,
    files: &[FileOutcome],
    places: &Places,
    decided: &Decided,
    rejects: &[Reject],
) -> IngestReport {
    // Row outcomes by sheet, and the county of each row where it can be told.
    let mut per_sheet: HashMap<(u32, u32), Counts> = HashMap::default();
    let mut row_county: HashMap<Origin, String> = HashMap::default();
    let mut warned_county: HashMap<Origin, &str> = HashMap::default();
    let warned_rows: BTreeSet<Origin> = decided
        .warnings
        .iter()
        .filter(|w| w.origin.row > 0)
        .map(|w| w.origin)
        .collect();
    // Landed and warned rows per sheet are the sums of their counties' (below); only a warned
    // row's county is noted here, and only when some row was warned.
    if !warned_rows.is_empty() {
        for rows in decided.landed.values() {
            for (i, _, county) in landed_counties(rows) {
                let origin = rows.rows.origin(i);
                if warned_rows.contains(&origin) {
                    warned_county.insert(origin, county);
                }
            }
        }
    }
    // Landed rows need no entry: the map is consulted for rejected and duplicate rows only.
    for r in rejects {
        per_sheet
            .entry((r.origin.file, r.origin.sheet))
            .or_default()
            .rejected += 1;
        if let Some(c) = &r.county {
            row_county.insert(r.origin, c.clone());
        }
    }
    for o in &decided.duplicates {
        per_sheet
            .entry((o.file, o.sheet))
            .or_default()
            .skipped_duplicate += 1;
    }

    let mut by_sheet_county =
        counts_by_sheet_and_county(decided, rejects, &row_county, &warned_rows);
    for (&sheet, counties) in &by_sheet_county {
        let c = per_sheet.entry(sheet).or_default();
        for county in counties.values() {
            c.landed += county.landed;
            c.warned += county.warned;
        }
    }
    let mut totals = Totals {
        files_found: files.len() as u64,
        ..Totals::default()
    };
    let mut table_counts: BTreeMap<(String, String), Counts> = BTreeMap::new();
    let mut file_reports = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let status = if f.found.skip.is_some() {
            totals.files_skipped += 1;
            "skipped"
        } else if f.quarantined.is_some() {
            totals.files_quarantined += 1;
            "quarantined"
        } else {
            totals.files_read += 1;
            "read"
        };
        let mut sheets = Vec::new();
        let mut rows_by_county: BTreeMap<&str, u64> = BTreeMap::new();
        for (si, s) in f.sheets.iter().enumerate() {
            let mut counts = per_sheet
                .remove(&(fi as u32, si as u32))
                .unwrap_or_default();
            counts.rows_read = s.parsed.rows_read;
            counts.skipped_blank = s.parsed.skipped_blank;
            counts.skipped_total = s.parsed.skipped_total;
            let (status, reason, table, by, header, ignored) = match &s.plan {
                Plan::Read(l) => (
                    "read",
                    None,
                    Some(l.table.name().to_owned()),
                    Some(if l.named { "name" } else { "header" }.to_owned()),
                    Some(l.header_row),
                    l.ignored.clone(),
                ),
                Plan::Skip(why) => ("skipped", Some(why.clone()), None, None, None, Vec::new()),
                Plan::Quarantine(why) => {
                    totals.sheets_quarantined += 1;
                    (
                        "quarantined",
                        Some(why.clone()),
                        None,
                        None,
                        None,
                        Vec::new(),
                    )
                }
            };
            if let Some(t) = &table {
                let split = by_sheet_county
                    .remove(&(fi as u32, si as u32))
                    .unwrap_or_default();
                for (county, c) in &split {
                    if let Some(county) = county {
                        *rows_by_county.entry(county).or_default() += c.rows_read;
                    }
                }
                attribute_to_counties(t, &counts, split, &mut table_counts);
            }
            totals.counts.add(&counts);
            sheets.push(SheetReport {
                sheet: s.name.clone(),
                status: status.into(),
                reason,
                table,
                recognized_by: by,
                header_row: header,
                ignored_columns: ignored,
                counts,
            });
        }
        // Ties between counties go to the first in slug order, so the choice is stable.
        let most_rows = rows_by_county
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(county, _)| (*county).to_owned());
        file_reports.push(FileReport {
            path: f.found.rel.clone(),
            county: pipeline
                .county_of_file(&f.found.rel)
                .map(|c| c.slug.clone())
                .or(most_rows),
            status: status.into(),
            format: f.format.map(|x| format!("{x:?}").to_lowercase()),
            reason: f.found.skip.clone().or_else(|| f.quarantined.clone()),
            notes: f.notes.clone(),
            counts: sheets.iter().fold(Counts::default(), |mut c, s| {
                c.add(&s.counts);
                c
            }),
            sheets,
        });
    }
    totals.warnings =
        decided.warnings.len() as u64 + files.iter().map(|f| f.notes.len() as u64).sum::<u64>();

    let mut reasons: BTreeMap<(String, String, String), ReasonCount> = BTreeMap::new();
    for r in rejects {
        let e = reasons
            .entry((r.table.name().into(), r.field.clone(), r.rule.into()))
            .or_insert_with(|| ReasonCount {
                table: r.table.name().into(),
                field: r.field.clone(),
                rule: r.rule.into(),
                count: 0,
                examples: Vec::new(),
            });
        e.count += 1;
        if e.examples.len() < 5 {
            e.examples.push(RejectExample {
                file: places.file(r.origin).unwrap_or_default().to_owned(),
                sheet: places.sheet(r.origin).map(str::to_owned),
                row: r.origin.row,
                column: r.column.clone(),
                rule: r.rule.into(),
                reason: r.reason.clone(),
            });
        }
    }
    let mut reject_reasons: Vec<ReasonCount> = reasons.into_values().collect();
    reject_reasons.sort_by_key(|r| std::cmp::Reverse(r.count));

    let warnings = decided
        .warnings
        .iter()
        .map(|w| WarningEntry {
            file: places.file(w.origin).unwrap_or_default().to_owned(),
            sheet: places.sheet(w.origin).map(str::to_owned),
            row: (w.origin.row > 0).then_some(w.origin.row),
            county: warned_county
                .get(&w.origin)
                .map(|c| (*c).to_owned())
                .or_else(|| {
                    file_reports
                        .get(w.origin.file as usize)
                        .and_then(|f| f.county.clone())
                }),
            table: w.table.map(|t| t.name().to_owned()),
            field: w.field.map(str::to_owned),
            rule: w.rule.into(),
            message: w.message.clone(),
        })
        .collect();

    IngestReport {
        input: input.display().to_string(),
        totals,
        files: file_reports,
        tables: table_counts
            .into_iter()
            .map(|((table, county), counts)| TableCounts {
                table,
                county,
                counts,
            })
            .collect(),
        reject_reasons,
        warnings,
    }
}

/// Row outcomes per sheet and county, in one pass: each landed, rejected or duplicate row by its
/// own county, `None` where no county can be told.
type SheetCounties<'a> = HashMap<(u32, u32), BTreeMap<Option<&'a str>, Counts>>;

/// Each landed row's index, its county's place among the table's counties and the county (the
/// rows [`LandedRows::iter`] gives, without building each row's record).
fn landed_counties(rows: &LandedRows) -> impl Iterator<Item = (usize, u32, &str)> + '_ {
    (0..rows.len()).filter_map(|i| {
        let place = *rows.county.get(i)?;
        let county = rows.counties.get(place as usize)?;
        Some((i, place, county.as_str()))
    })
}

/// Landed rows of one sheet and county, one after the other: the sheet (file, sheet), the
/// county and their counts.
type LandedRun<'a> = ((u32, u32), &'a str, Counts);

/// A table's landed rows counted in runs. A sheet's landed rows come one after the other,
/// mostly of one county: a run is told by its county's place among the table's counties (a
/// number, where comparing the names cost a string comparison per row), and ends when the
/// sheet or the county changes, so the runs are added to their slots with a lookup per run
/// instead of two per row.
fn landed_runs<'a>(rows: &'a LandedRows, warned: &BTreeSet<Origin>) -> Vec<LandedRun<'a>> {
    let mut runs: Vec<LandedRun<'a>> = Vec::new();
    let mut place_of_run = u32::MAX;
    for (i, place, county) in landed_counties(rows) {
        let origin = rows.rows.origin(i);
        let sheet = (origin.file, origin.sheet);
        let same = place == place_of_run && runs.last().is_some_and(|(s, _, _)| *s == sheet);
        if !same {
            runs.push((sheet, county, Counts::default()));
            place_of_run = place;
        }
        if let Some((_, _, c)) = runs.last_mut() {
            c.rows_read += 1;
            c.landed += 1;
            if !warned.is_empty() && warned.contains(&origin) {
                c.warned += 1;
            }
        }
    }
    runs
}

/// Row counts by sheet and county: the landed rows' (each table's counted on a core of its
/// own), the rejected and the duplicate rows'.
fn counts_by_sheet_and_county<'a>(
    decided: &'a Decided,
    rejects: &[Reject],
    row_county: &'a HashMap<Origin, String>,
    warned: &BTreeSet<Origin>,
) -> SheetCounties<'a> {
    fn slot<'a, 'b>(
        out: &'b mut SheetCounties<'a>,
        o: &Origin,
        county: Option<&'a str>,
    ) -> &'b mut Counts {
        let c = out
            .entry((o.file, o.sheet))
            .or_default()
            .entry(county)
            .or_default();
        c.rows_read += 1;
        c
    }
    let mut out: SheetCounties = HashMap::default();
    let tables: Vec<&LandedRows> = decided.landed.values().collect();
    let runs: Vec<Vec<LandedRun<'a>>> = tables
        .into_par_iter()
        .with_max_len(1)
        .map(|rows| landed_runs(rows, warned))
        .collect();
    for (sheet, county, counts) in runs.into_iter().flatten() {
        out.entry(sheet)
            .or_default()
            .entry(Some(county))
            .or_default()
            .add(&counts);
    }
    for r in rejects {
        slot(
            &mut out,
            &r.origin,
            row_county.get(&r.origin).map(String::as_str),
        )
        .rejected += 1;
    }
    for o in &decided.duplicates {
        slot(&mut out, o, row_county.get(o).map(String::as_str)).skipped_duplicate += 1;
    }
    out
}

/// Splits a sheet's counts over counties: rows with no county of their own (blank, totals,
/// unresolvable) go to the sheet's most frequent county.
fn attribute_to_counties(
    table: &str,
    counts: &Counts,
    mut by_county: BTreeMap<Option<&str>, Counts>,
    out: &mut BTreeMap<(String, String), Counts>,
) {
    let mut unknown = by_county.remove(&None).unwrap_or_default();
    unknown.skipped_blank = counts.skipped_blank;
    unknown.skipped_total = counts.skipped_total;
    unknown.rows_read += counts.skipped_blank + counts.skipped_total;
    let main = by_county
        .iter()
        .max_by_key(|(_, c)| c.rows_read)
        .and_then(|(k, _)| *k)
        .unwrap_or("unknown");
    by_county.entry(Some(main)).or_default().add(&unknown);
    for (county, c) in by_county {
        out.entry((table.to_owned(), county.unwrap_or_default().to_owned()))
            .or_default()
            .add(&c);
    }
}

/// The terminal summary of an ingest (or validate) run.
pub fn summary(r: &IngestReport) -> String {
    let t = &r.totals;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "files: {} found, {} read, {} skipped, {} quarantined ({} sheets quarantined)",
        t.files_found, t.files_read, t.files_skipped, t.files_quarantined, t.sheets_quarantined
    );
    let _ = writeln!(
        s,
        "rows:  {} read = {} landed + {} rejected + {} skipped ({} blank, {} totals, {} duplicates); {} landed rows warned, {} warnings",
        t.counts.rows_read,
        t.counts.landed,
        t.counts.rejected,
        t.counts.skipped(),
        t.counts.skipped_blank,
        t.counts.skipped_total,
        t.counts.skipped_duplicate,
        t.counts.warned,
        t.warnings
    );
    let _ = writeln!(
        s,
        "\n{:<13} {:<14} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "table", "county", "read", "landed", "rejected", "skipped", "warned"
    );
    for tc in &r.tables {
        let c = &tc.counts;
        let _ = writeln!(
            s,
            "{:<13} {:<14} {:>8} {:>8} {:>8} {:>8} {:>7}",
            tc.table,
            tc.county,
            c.rows_read,
            c.landed,
            c.rejected,
            c.skipped(),
            c.warned
        );
    }
    let _ = writeln!(
        s,
        "\n{:>8} {:>8} {:>8} {:>8}  file",
        "read", "landed", "rejected", "skipped"
    );
    for f in r.files.iter().filter(|f| f.status == "read") {
        let c = &f.counts;
        let _ = writeln!(
            s,
            "{:>8} {:>8} {:>8} {:>8}  {}",
            c.rows_read,
            c.landed,
            c.rejected,
            c.skipped(),
            f.path
        );
    }
    let not_read: Vec<&FileReport> = r.files.iter().filter(|f| f.status != "read").collect();
    if !not_read.is_empty() {
        let _ = writeln!(s, "\nfiles not read:");
        for f in not_read {
            let _ = writeln!(
                s,
                "  {:<12} {}: {}",
                f.status,
                f.path,
                f.reason.as_deref().unwrap_or("")
            );
        }
    }
    for f in &r.files {
        for sh in f.sheets.iter().filter(|sh| sh.status == "quarantined") {
            let _ = writeln!(
                s,
                "  quarantined  {} › {}: {}",
                f.path,
                sh.sheet.as_deref().unwrap_or(""),
                sh.reason.as_deref().unwrap_or("")
            );
        }
    }
    if !r.reject_reasons.is_empty() {
        let _ = writeln!(s, "\nmost frequent reject reasons:");
        for rc in r.reject_reasons.iter().take(10) {
            let _ = writeln!(
                s,
                "  {:>6} × {}.{} ({})  e.g. {}",
                rc.count,
                rc.table,
                rc.field,
                rc.rule,
                rc.examples
                    .first()
                    .map(|e| format!("{}: {}", e.place(), e.reason))
                    .unwrap_or_default()
            );
        }
    }
    s
}

/// Every problem, grouped by file with row numbers (for `sandogh validate`).
pub fn problems_by_file(r: &IngestReport, rejects: &[Reject], places: &Places) -> String {
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &r.files {
        if f.status == "quarantined" {
            by_file.entry(f.path.clone()).or_default().push(format!(
                "QUARANTINED: {}",
                f.reason.as_deref().unwrap_or("")
            ));
        }
        for n in &f.notes {
            by_file
                .entry(f.path.clone())
                .or_default()
                .push(format!("note: {n}"));
        }
        for sh in f.sheets.iter().filter(|sh| sh.status == "quarantined") {
            by_file.entry(f.path.clone()).or_default().push(format!(
                "QUARANTINED sheet {}: {}",
                sh.sheet.as_deref().unwrap_or(""),
                sh.reason.as_deref().unwrap_or("")
            ));
        }
    }
    for rj in rejects {
        let file = places.file(rj.origin).unwrap_or_default().to_owned();
        let sheet = places
            .sheet(rj.origin)
            .map(|s| format!("{s} › "))
            .unwrap_or_default();
        let col = rj
            .column
            .as_deref()
            .map(|c| format!(" › column {c}"))
            .unwrap_or_else(|| format!(" › {}", rj.field));
        let what = if places.sheet(rj.origin).is_some() {
            "row"
        } else {
            "line"
        };
        by_file.entry(file).or_default().push(format!(
            "REJECTED {sheet}{what} {}{col}: {}",
            rj.origin.row, rj.reason
        ));
    }
    for w in &r.warnings {
        by_file.entry(w.file.clone()).or_default().push(format!(
            "warning {}: {}",
            w.place(),
            w.message
        ));
    }
    let mut s = String::new();
    for (file, lines) in by_file {
        let _ = writeln!(s, "{file}");
        for l in lines {
            let _ = writeln!(s, "  {l}");
        }
    }
    s
}
