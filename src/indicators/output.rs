//! The indicators table: components → one row per (quarter, level, county, fund_id, indicator),
//! rounded half away from zero (whole rials for amounts and `amount per`, 4 decimals for ratios),
//! sorted, and written as Parquet and CSV.

use super::{Components, IndicatorKind, INDICATORS};
use crate::calendar::from_epoch_day;
use polars::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One row of the indicators table.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    /// `1403Q2`.
    pub quarter: String,
    /// First day S (days since 1970-01-01).
    pub period_start: i32,
    /// Last day D.
    pub period_end: i32,
    /// `fund`, `county` or `province`.
    pub level: &'static str,
    /// County slug; `None` at province level.
    pub county: Option<String>,
    /// Fund; `None` unless level is `fund`.
    pub fund_id: Option<String>,
    /// Indicator name.
    pub indicator: &'static str,
    /// The figure; `None` where undefined (zero denominator).
    pub value: Option<Decimal>,
    /// Numerator of ratios and `amount per`.
    pub numerator: Option<Decimal>,
    /// Denominator of ratios and `amount per`.
    pub denominator: Option<Decimal>,
}

fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Component columns of one level's frame, by name, as exact decimals.
struct Columns {
    ints: HashMap<String, Vec<i64>>,
    fracs: HashMap<String, Vec<f64>>,
}

impl Columns {
    fn read(df: &DataFrame) -> PolarsResult<Columns> {
        let mut ints = HashMap::new();
        let mut fracs = HashMap::new();
        for c in df.columns() {
            let name = c.name().to_string();
            match c.dtype() {
                DataType::Float64 => {
                    fracs.insert(name, c.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect());
                }
                dt if dt.is_integer() => {
                    let c = c.cast(&DataType::Int64)?;
                    ints.insert(name, c.i64()?.iter().map(|v| v.unwrap_or(0)).collect());
                }
                _ => {}
            }
        }
        Ok(Columns { ints, fracs })
    }

    /// A component at row `i`: whole rials plus its carried fraction, if it has one.
    /// The columns a component is read from, looked up once per level rather than per row.
    fn source(&self, name: &str) -> Source<'_> {
        if name == "loanable_funds" {
            return Source {
                parts: vec![self.part("savings_balance"), self.part("financing_total")],
            };
        }
        Source {
            parts: vec![self.part(name)],
        }
    }

    fn part(&self, name: &str) -> Part<'_> {
        (
            self.ints.get(name).map(Vec::as_slice),
            self.fracs.get(&format!("{name}_frac")).map(Vec::as_slice),
        )
    }
}

/// A component's whole-rial column and its fraction column, when it has them.
type Part<'a> = (Option<&'a [i64]>, Option<&'a [f64]>);

/// A component's columns (two components summed for `loanable_funds`).
struct Source<'a> {
    parts: Vec<Part<'a>>,
}

impl Source<'_> {
    fn at(&self, i: usize) -> Decimal {
        let mut sum = Decimal::ZERO;
        for (ints, fracs) in &self.parts {
            let whole = ints.and_then(|v| v.get(i)).copied().unwrap_or(0);
            let frac = fracs.and_then(|v| v.get(i)).copied().unwrap_or(0.0);
            // The fraction carries sub-rial remainders; 10 decimals keep it and drop float noise.
            sum += Decimal::from(whole);
            if frac != 0.0 {
                sum += round(Decimal::from_f64_retain(frac).unwrap_or_default(), 10);
            }
        }
        sum
    }
}

/// Every indicator row of every level, sorted by (quarter, level, county, fund_id, indicator).
pub fn rows(c: &Components) -> PolarsResult<Vec<IndicatorRow>> {
    let mut out = Vec::new();
    for (level, df) in [
        ("fund", &c.funds),
        ("county", &c.counties),
        ("province", &c.province),
    ] {
        let cols = Columns::read(df)?;
        let qi = df.column("qi")?.cast(&DataType::Int32)?;
        let qi = qi.i32()?;
        let text = |name: &str| -> PolarsResult<Vec<Option<String>>> {
            match df.column(name) {
                Ok(c) => Ok(c.str()?.iter().map(|v| v.map(str::to_owned)).collect()),
                Err(_) => Ok(vec![None; df.height()]),
            }
        };
        let counties = if level == "province" {
            vec![None; df.height()]
        } else {
            text("county")?
        };
        let funds = if level == "fund" {
            text("fund_id")?
        } else {
            vec![None; df.height()]
        };
        let sources: Vec<(Source, Option<Source>)> = INDICATORS
            .iter()
            .map(|ind| {
                (
                    cols.source(ind.numerator),
                    ind.denominator.map(|d| cols.source(d)),
                )
            })
            .collect();
        for i in 0..df.height() {
            let Some(&(quarter, s, d)) = qi.get(i).and_then(|q| c.periods.quarters.get(q as usize))
            else {
                continue;
            };
            let quarter = quarter.to_string();
            for (ind, (num_src, den_src)) in INDICATORS.iter().zip(&sources) {
                let num = num_src.at(i);
                let (value, numerator, denominator) = match (ind.kind, den_src) {
                    (IndicatorKind::Count, _) => (Some(num), None, None),
                    (IndicatorKind::Amount, _) => (Some(round(num, 0)), None, None),
                    (kind, Some(den_src)) => {
                        let den = den_src.at(i);
                        let dp = if kind == IndicatorKind::Ratio { 4 } else { 0 };
                        let value = (!den.is_zero()).then(|| round(num / den, dp));
                        (value, Some(round(num, 4)), Some(round(den, 4)))
                    }
                    (_, None) => (Some(num), None, None),
                };
                out.push(IndicatorRow {
                    quarter: quarter.clone(),
                    period_start: s,
                    period_end: d,
                    level,
                    county: counties[i].clone(),
                    fund_id: funds[i].clone(),
                    indicator: ind.name,
                    value,
                    numerator,
                    denominator,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.quarter, a.level, &a.county, &a.fund_id, a.indicator).cmp(&(
            &b.quarter,
            b.level,
            &b.county,
            &b.fund_id,
            b.indicator,
        ))
    });
    Ok(out)
}

fn decimal_column(name: &str, values: Vec<Option<Decimal>>) -> PolarsResult<Column> {
    let mantissas: Vec<Option<i128>> = values
        .into_iter()
        .map(|v| {
            v.map(|mut d| {
                d = round(d, 4);
                d.rescale(4);
                d.mantissa()
            })
        })
        .collect();
    let ca = Int128Chunked::from_iter_options(name.into(), mantissas.into_iter());
    Ok(ca.into_decimal(38, 4)?.into_series().into_column())
}

/// The rows as a DataFrame with the columns of INDICATORS.md.
pub fn frame(rows: &[IndicatorRow]) -> PolarsResult<DataFrame> {
    let s = |name: &str, v: Vec<Option<&str>>| Series::new(name.into(), v).into_column();
    let cols = vec![
        s(
            "quarter",
            rows.iter().map(|r| Some(r.quarter.as_str())).collect(),
        ),
        Series::new(
            "period_start".into(),
            rows.iter().map(|r| r.period_start).collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)?
        .into_column(),
        Series::new(
            "period_end".into(),
            rows.iter().map(|r| r.period_end).collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)?
        .into_column(),
        s("level", rows.iter().map(|r| Some(r.level)).collect()),
        s("county", rows.iter().map(|r| r.county.as_deref()).collect()),
        s(
            "fund_id",
            rows.iter().map(|r| r.fund_id.as_deref()).collect(),
        ),
        s(
            "indicator",
            rows.iter().map(|r| Some(r.indicator)).collect(),
        ),
        decimal_column("value", rows.iter().map(|r| r.value).collect())?,
        decimal_column("numerator", rows.iter().map(|r| r.numerator).collect())?,
        decimal_column("denominator", rows.iter().map(|r| r.denominator).collect())?,
    ];
    DataFrame::new(rows.len(), cols)
}

fn text(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

/// Writes `indicators.parquet` and `indicators.csv` into `dir`.
pub fn write(rows: &[IndicatorRow], dir: &Path) -> Result<Vec<PathBuf>, crate::lake::LakeError> {
    let parquet = dir.join("indicators.parquet");
    let mut df = frame(rows).map_err(|source| crate::lake::LakeError::Polars {
        path: parquet.clone(),
        source,
    })?;
    crate::lake::write_parquet(&parquet, &mut df)?;
    let csv_path = dir.join("indicators.csv");
    let io = |source: std::io::Error| crate::lake::LakeError::Io {
        action: "cannot write",
        path: csv_path.clone(),
        source,
    };
    let mut w = csv::Writer::from_path(&csv_path).map_err(|e| io(e.into()))?;
    let day = |d: i32| {
        from_epoch_day(d)
            .map(|g| g.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    w.write_record([
        "quarter",
        "period_start",
        "period_end",
        "level",
        "county",
        "fund_id",
        "indicator",
        "value",
        "numerator",
        "denominator",
    ])
    .map_err(|e| io(e.into()))?;
    for r in rows {
        w.write_record([
            r.quarter.clone(),
            day(r.period_start),
            day(r.period_end),
            r.level.to_owned(),
            r.county.clone().unwrap_or_default(),
            r.fund_id.clone().unwrap_or_default(),
            r.indicator.to_owned(),
            text(r.value),
            text(r.numerator),
            text(r.denominator),
        ])
        .map_err(|e| io(e.into()))?;
    }
    w.flush().map_err(io)?;
    Ok(vec![parquet, csv_path])
}
