//! What a report reads, and nothing else: the indicators stage's folder
//! (`<out>/indicators/`: the indicators table, and beside it each fund's name, village, type and
//! establishment date and the participants by course type, see [`crate::indicators::context`])
//! and the ingest report beside the lake (`<out>/lake/ingest-report.json`, for the Data quality
//! sheet). The lake's tables themselves are never read here.

use crate::calendar::Quarter;
use crate::indicators::context::{COURSES_FILE, FUNDS_FILE};
use crate::ingest::report::{IngestReport, REPORT_FILE};
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

/// The indicators stage's file `name` beside the table, or a message that says to run the
/// stage again (a folder written before the file existed).
fn context_file(out: &Path, name: &str) -> Result<std::path::PathBuf, DataError> {
    let path = out.join("indicators").join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(DataError::Missing(format!(
            "{} is missing; run `sandogh indicators --out {}` again",
            path.display(),
            out.display()
        )))
    }
}

/// Fund details by fund_id, from the indicators stage's funds file.
pub fn read_funds(out: &Path) -> Result<BTreeMap<String, FundInfo>, DataError> {
    let path = context_file(out, FUNDS_FILE)?;
    let p = |source| DataError::Polars {
        path: path.display().to_string(),
        source,
    };
    let df = scan(&path)
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

/// Participants of the courses started in quarter `q`, by course type, over the whole province
/// (county, fund and province courses alike): the same courses as the province's
/// `training_participants_q`, from the indicators stage's course file. `None` when the lake had
/// no trainings table (the stage writes no course file then).
pub fn read_training_by_course(
    out: &Path,
    q: Quarter,
) -> Result<Option<BTreeMap<String, i64>>, DataError> {
    let path = out.join("indicators").join(COURSES_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let p = |source| DataError::Polars {
        path: path.display().to_string(),
        source,
    };
    let df = scan(&path)
        .map_err(p)?
        .filter(col("quarter").eq(lit(q.to_string())))
        .select([
            col("course_type"),
            col("participants").cast(DataType::Int64),
        ])
        .collect()
        .map_err(p)?;
    let kind = df
        .column("course_type")
        .and_then(|c| c.str().cloned())
        .map_err(p)?;
    let n = df
        .column("participants")
        .and_then(|c| c.i64().cloned())
        .map_err(p)?;
    let by_type: BTreeMap<String, i64> = (0..df.height())
        .filter_map(|i| Some((kind.get(i)?.to_owned(), n.get(i).unwrap_or(0))))
        .collect();
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
