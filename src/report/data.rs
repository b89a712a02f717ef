//! What a report reads: the indicators table (`<out>/indicators/indicators.parquet`), the ingest
//! report beside the lake (`<out>/lake/ingest-report.json`, for the Data quality sheet) and two
//! small lookups in the lake.
//!
//! The lookups are the only places a report reads the lake itself: the funds table gives each
//! fund's name, village, type and establishment date for the Funds sheet (the indicators table
//! has only the fund_id), and the trainings table gives the participants of the quarter's courses
//! by course type for the training chart (the indicators table counts participants but has no
//! course-type breakdown). Both are optional: without a lake, fund names are blank and the chart
//! says there is no data.

use crate::calendar::{CalendarKind, Quarter};
use crate::ingest::report::{IngestReport, REPORT_FILE};
use crate::lake::scan_or_empty;
use crate::schema::Table;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Where a row of the indicators table applies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// The whole province.
    Province,
    /// A county, by slug.
    County(String),
    /// A fund: county slug and fund_id.
    Fund(String, String),
}

/// The figures of one scope in one quarter: indicator → value (`None` where undefined).
pub type Figures = BTreeMap<String, Option<f64>>;

/// The part of the indicators table a report needs: province and county rows of every quarter
/// up to the report's, and fund rows of the report's quarter.
#[derive(Debug, Clone, Default)]
pub struct IndicatorData {
    /// Quarters with their first and last day (days since 1970-01-01), oldest first.
    pub quarters: BTreeMap<Quarter, (i32, i32)>,
    /// Figures by quarter and scope.
    pub figures: BTreeMap<(Quarter, Scope), Figures>,
}

impl IndicatorData {
    /// One figure; `None` when the row is missing or the value undefined.
    pub fn value(&self, q: Quarter, scope: &Scope, indicator: &str) -> Option<f64> {
        self.figures
            .get(&(q, scope.clone()))
            .and_then(|f| f.get(indicator).copied().flatten())
    }

    /// The figures of a scope in a quarter, if it has a row.
    pub fn figures(&self, q: Quarter, scope: &Scope) -> Option<&Figures> {
        self.figures.get(&(q, scope.clone()))
    }

    /// Counties with rows in quarter `q`.
    pub fn counties_in(&self, q: Quarter) -> BTreeSet<String> {
        self.figures
            .keys()
            .filter(|(qq, _)| *qq == q)
            .filter_map(|(_, s)| match s {
                Scope::County(c) => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    /// Counties with rows in any quarter.
    pub fn all_counties(&self) -> BTreeSet<String> {
        self.figures
            .keys()
            .filter_map(|(_, s)| match s {
                Scope::County(c) => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    /// Funds (county, fund_id) with rows in quarter `q`.
    pub fn funds_in(&self, q: Quarter) -> Vec<(String, String)> {
        self.figures
            .keys()
            .filter(|(qq, _)| *qq == q)
            .filter_map(|(_, s)| match s {
                Scope::Fund(c, f) => Some((c.clone(), f.clone())),
                _ => None,
            })
            .collect()
    }

    /// The last `n` quarters up to and including `q` that the table has.
    pub fn last_quarters(&self, q: Quarter, n: usize) -> Vec<Quarter> {
        let mut v: Vec<Quarter> = self.quarters.keys().copied().filter(|k| *k <= q).collect();
        let skip = v.len().saturating_sub(n);
        v.drain(..skip);
        v
    }
}

/// Why report data could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// There is no indicators table.
    #[error("{0}")]
    Missing(String),
    /// The quarter is not in the table.
    #[error("{0}")]
    Quarter(String),
    /// Polars failed to read a table.
    #[error("cannot read {path}: {source}")]
    Polars {
        /// The file or folder.
        path: String,
        /// Why.
        source: PolarsError,
    },
    /// The ingest report could not be read.
    #[error(
        "cannot read the ingest report {path}: {message}; run `sandogh ingest` again to rewrite it"
    )]
    IngestReport {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
}

/// The path of the indicators table under an output folder.
pub fn indicators_path(out: &Path) -> std::path::PathBuf {
    out.join("indicators").join("indicators.parquet")
}

/// The quarters in the indicators table, oldest first.
pub fn table_quarters(out: &Path) -> Result<Vec<Quarter>, DataError> {
    let path = indicators_path(out);
    let p = |source| DataError::Polars {
        path: path.display().to_string(),
        source,
    };
    if !path.is_file() {
        return Err(missing(out));
    }
    let df = scan(&path)
        .map_err(p)?
        .select([col("quarter")])
        .unique(None, UniqueKeepStrategy::First)
        .collect()
        .map_err(p)?;
    let mut qs: Vec<Quarter> = df
        .column("quarter")
        .and_then(|c| c.str().cloned())
        .map_err(p)?
        .iter()
        .flatten()
        .filter_map(Quarter::parse)
        .collect();
    qs.sort();
    Ok(qs)
}

fn missing(out: &Path) -> DataError {
    DataError::Missing(format!(
        "there is no indicators table at {}; run `sandogh indicators --out {}` first",
        indicators_path(out).display(),
        out.display()
    ))
}

fn scan(path: &Path) -> PolarsResult<LazyFrame> {
    LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
}

/// Reads the indicators table for a report on quarter `q`: province and county rows of every
/// quarter up to `q`, fund rows of `q`.
pub fn read_indicators(out: &Path, q: Quarter) -> Result<IndicatorData, DataError> {
    let path = indicators_path(out);
    if !path.is_file() {
        return Err(missing(out));
    }
    let p = |source| DataError::Polars {
        path: path.display().to_string(),
        source,
    };
    let qtext = q.to_string();
    let df = scan(&path)
        .map_err(p)?
        .filter(
            col("level")
                .neq(lit("fund"))
                .or(col("quarter").eq(lit(qtext.clone()))),
        )
        .select([
            col("quarter"),
            col("period_start").cast(DataType::Int32),
            col("period_end").cast(DataType::Int32),
            col("level"),
            col("county"),
            col("fund_id"),
            col("indicator"),
            col("value").cast(DataType::Float64),
        ])
        .collect()
        .map_err(p)?;
    let text = |name: &str| -> Result<StringChunked, DataError> {
        df.column(name).and_then(|c| c.str().cloned()).map_err(p)
    };
    let int = |name: &str| -> Result<Int32Chunked, DataError> {
        df.column(name).and_then(|c| c.i32().cloned()).map_err(p)
    };
    let (quarter, level, county, fund, indicator) = (
        text("quarter")?,
        text("level")?,
        text("county")?,
        text("fund_id")?,
        text("indicator")?,
    );
    let (start, end) = (int("period_start")?, int("period_end")?);
    let value = df
        .column("value")
        .and_then(|c| c.f64().cloned())
        .map_err(p)?;
    let mut data = IndicatorData::default();
    for i in 0..df.height() {
        let Some(qq) = quarter.get(i).and_then(Quarter::parse) else {
            continue;
        };
        if qq > q {
            continue;
        }
        if let (Some(s), Some(e)) = (start.get(i), end.get(i)) {
            data.quarters.entry(qq).or_insert((s, e));
        }
        let scope = match (level.get(i), county.get(i), fund.get(i)) {
            (Some("province"), _, _) => Scope::Province,
            (Some("county"), Some(c), _) => Scope::County(c.to_owned()),
            (Some("fund"), Some(c), Some(f)) => Scope::Fund(c.to_owned(), f.to_owned()),
            _ => continue,
        };
        let Some(name) = indicator.get(i) else {
            continue;
        };
        data.figures
            .entry((qq, scope))
            .or_default()
            .insert(name.to_owned(), value.get(i).filter(|v| v.is_finite()));
    }
    if !data.quarters.contains_key(&q) {
        return Err(DataError::Quarter(format!(
            "the indicators table has no rows for {q}; run `sandogh indicators --out {} --quarter {q}` first",
            out.display()
        )));
    }
    Ok(data)
}

/// What the Funds sheet shows of a fund besides its figures.
#[derive(Debug, Clone, Default)]
pub struct FundInfo {
    /// Name.
    pub name: Option<String>,
    /// Village.
    pub village: Option<String>,
    /// `women` or `disability`.
    pub fund_type: Option<String>,
    /// Established on (days since 1970-01-01).
    pub established_on: Option<i32>,
}

/// Fund details from the lake's funds table, by fund_id; empty without a lake.
pub fn read_funds(out: &Path) -> Result<BTreeMap<String, FundInfo>, DataError> {
    let lake = out.join("lake");
    if !lake.join(Table::Funds.name()).is_dir() {
        return Ok(BTreeMap::new());
    }
    let p = |source| DataError::Polars {
        path: lake.join("funds").display().to_string(),
        source,
    };
    let df = scan_or_empty(&lake, Table::Funds)
        .map_err(p)?
        .select([
            col("fund_id"),
            col("fund_name"),
            col("village"),
            col("fund_type"),
            col("established_on").cast(DataType::Int32),
        ])
        .collect()
        .map_err(p)?;
    let text = |name: &str| -> Result<StringChunked, DataError> {
        df.column(name).and_then(|c| c.str().cloned()).map_err(p)
    };
    let (id, name, village, kind) = (
        text("fund_id")?,
        text("fund_name")?,
        text("village")?,
        text("fund_type")?,
    );
    let est = df
        .column("established_on")
        .and_then(|c| c.i32().cloned())
        .map_err(p)?;
    let mut out = BTreeMap::new();
    for i in 0..df.height() {
        if let Some(fid) = id.get(i) {
            out.insert(
                fid.to_owned(),
                FundInfo {
                    name: name.get(i).map(str::to_owned),
                    village: village.get(i).map(str::to_owned),
                    fund_type: kind.get(i).map(str::to_owned),
                    established_on: est.get(i),
                },
            );
        }
    }
    Ok(out)
}

/// Participants of the courses started in quarter `q` (S..D inclusive), by course type, over the
/// whole province (county, fund and province courses alike): the same courses as the province's
/// `training_participants_q`. `None` without a lake or without a trainings table in it.
pub fn read_training_by_course(
    out: &Path,
    q: Quarter,
    calendar: CalendarKind,
) -> Result<Option<BTreeMap<String, i64>>, DataError> {
    let lake = out.join("lake");
    let mut by_type = BTreeMap::new();
    let Some((s, d)) = q.bounds(calendar) else {
        return Ok(None);
    };
    if !lake.join(Table::Trainings.name()).is_dir() {
        return Ok(None);
    }
    let p = |source| DataError::Polars {
        path: lake.join("trainings").display().to_string(),
        source,
    };
    let df = scan_or_empty(&lake, Table::Trainings)
        .map_err(p)?
        .select([
            col("course_type"),
            col("started_on").cast(DataType::Int32),
            col("participants").cast(DataType::Int64),
        ])
        .collect()
        .map_err(p)?;
    let kind = df
        .column("course_type")
        .and_then(|c| c.str().cloned())
        .map_err(p)?;
    let day = df
        .column("started_on")
        .and_then(|c| c.i32().cloned())
        .map_err(p)?;
    let n = df
        .column("participants")
        .and_then(|c| c.i64().cloned())
        .map_err(p)?;
    for i in 0..df.height() {
        if let Some(d0) = day.get(i) {
            if (s..=d).contains(&d0) {
                let k = kind.get(i).unwrap_or("other").to_owned();
                *by_type.entry(k).or_insert(0) += n.get(i).unwrap_or(0);
            }
        }
    }
    Ok(Some(by_type))
}

/// The ingest report beside the lake; `None` when there is none.
pub fn read_ingest_report(out: &Path) -> Result<Option<IngestReport>, DataError> {
    let path = out.join("lake").join(REPORT_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let err = |message: String| DataError::IngestReport {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| err(e.to_string()))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| err(e.to_string()))
}

/// A reject example of the ingest report, `file › sheet › row N: reason`, split into its parts;
/// the whole text is the reason when it does not have that shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// File, relative to the input folder.
    pub file: String,
    /// Sheet (none for CSV).
    pub sheet: Option<String>,
    /// Spreadsheet row, or CSV line.
    pub row: Option<u64>,
    /// Why the row was rejected.
    pub reason: String,
}

/// Splits an example of the ingest report into file, sheet, row and reason.
///
/// ```
/// use sandogh::report::data::split_example;
/// let e = split_example("tarom/savings.csv › line 228: «99/07/07» has a two-digit year");
/// assert_eq!(e.file, "tarom/savings.csv");
/// assert_eq!(e.sheet, None);
/// assert_eq!(e.row, Some(228));
/// assert_eq!(e.reason, "«99/07/07» has a two-digit year");
/// ```
pub fn split_example(text: &str) -> Example {
    let whole = || Example {
        file: String::new(),
        sheet: None,
        row: None,
        reason: text.to_owned(),
    };
    let Some((place, reason)) = text.split_once(": ") else {
        return whole();
    };
    let parts: Vec<&str> = place.split(" › ").collect();
    let row_of = |s: &str| {
        s.strip_prefix("row ")
            .or_else(|| s.strip_prefix("line "))
            .and_then(|n| n.trim().parse::<u64>().ok())
    };
    match parts.as_slice() {
        [file, sheet, row] if row_of(row).is_some() => Example {
            file: (*file).to_owned(),
            sheet: Some((*sheet).to_owned()),
            row: row_of(row),
            reason: reason.to_owned(),
        },
        [file, row] if row_of(row).is_some() => Example {
            file: (*file).to_owned(),
            sheet: None,
            row: row_of(row),
            reason: reason.to_owned(),
        },
        _ => whole(),
    }
}
