//! The indicators table: components → one row per (quarter, level, county, fund_id, indicator),
//! rounded half away from zero (whole rials for amounts and `amount per`, 4 decimals for ratios),
//! sorted, and written as Parquet and CSV.

use super::{Components, IndicatorKind, Level, INDICATORS};
use crate::calendar::from_epoch_day;
use polars::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
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

/// A component's whole-rial column and its fraction column, when it has them.
type Part<'a> = (Option<&'a [i64]>, Option<&'a [f64]>);

/// A component's columns (two components summed for `loanable_funds`), looked up once per
/// level rather than per row.
struct Source<'a> {
    parts: Vec<Part<'a>>,
}

impl<'a> Source<'a> {
    fn of(level: &'a Level, name: &str) -> Source<'a> {
        let part = |name: &str| (level.ints_of(name), level.fracs_of(name));
        let parts = if name == "loanable_funds" {
            vec![part("savings_balance"), part("financing_total")]
        } else {
            vec![part(name)]
        };
        Source { parts }
    }

    /// The component at row `i`: whole rials plus its carried fraction, if it has one.
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
///
/// The rows are made in that order rather than sorted afterwards: quarters in the order of
/// their codes, the levels in the order of their names (county, fund, province), each level's
/// rows by county and fund_id, the indicators by name.
pub fn rows(c: &Components) -> PolarsResult<Vec<IndicatorRow>> {
    let levels = [
        ("county", &c.counties),
        ("fund", &c.funds),
        ("province", &c.province),
    ];
    let mut by_name: Vec<usize> = (0..INDICATORS.len()).collect();
    by_name.sort_by_key(|&i| INDICATORS[i].name);
    let mut quarters: Vec<(String, usize)> = c
        .periods
        .quarters
        .iter()
        .enumerate()
        .map(|(i, q)| (q.0.to_string(), i))
        .collect();
    quarters.sort();
    // Each level's rows per quarter index, in (county, fund_id) order.
    let mut at: Vec<Vec<Vec<usize>>> = Vec::new();
    for (_, table) in &levels {
        let mut per_quarter = vec![Vec::new(); c.periods.quarters.len()];
        for i in 0..table.height() {
            if let Some(rows) = usize::try_from(table.qi[i])
                .ok()
                .and_then(|q| per_quarter.get_mut(q))
            {
                rows.push(i);
            }
        }
        for rows in &mut per_quarter {
            rows.sort_by(|&a, &b| {
                (&table.counties[a], &table.funds[a]).cmp(&(&table.counties[b], &table.funds[b]))
            });
        }
        at.push(per_quarter);
    }
    let sources: Vec<Vec<(Source, Option<Source>)>> = levels
        .iter()
        .map(|(_, table)| {
            INDICATORS
                .iter()
                .map(|ind| {
                    (
                        Source::of(table, ind.numerator),
                        ind.denominator.map(|d| Source::of(table, d)),
                    )
                })
                .collect()
        })
        .collect();
    let total: usize = levels.iter().map(|(_, t)| t.height()).sum::<usize>() * INDICATORS.len();
    let mut out = Vec::with_capacity(total);
    for (quarter, q) in &quarters {
        let (_, s, d) = c.periods.quarters[*q];
        for (l, (level, table)) in levels.iter().enumerate() {
            for &i in &at[l][*q] {
                for &k in &by_name {
                    let (ind, (num_src, den_src)) = (&INDICATORS[k], &sources[l][k]);
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
                        county: table.counties[i].clone(),
                        fund_id: table.funds[i].clone(),
                        indicator: ind.name,
                        value,
                        numerator,
                        denominator,
                    });
                }
            }
        }
    }
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

/// Writes a figure as the CSV shows it (no trailing zeros; blank when undefined) into `buf`.
fn text_into(buf: &mut String, d: Option<Decimal>) -> &str {
    use std::fmt::Write;
    buf.clear();
    if let Some(d) = d {
        let _ = write!(buf, "{}", d.normalize());
    }
    buf.as_str()
}

/// Writes `indicators.parquet` and `indicators.csv` into `dir`, the two files side by side on
/// two threads.
pub fn write(rows: &[IndicatorRow], dir: &Path) -> Result<Vec<PathBuf>, crate::lake::LakeError> {
    let parquet = dir.join("indicators.parquet");
    let csv_path = dir.join("indicators.csv");
    let (parquet_done, csv_done) = std::thread::scope(|scope| {
        let csv_done = scope.spawn(|| write_csv(rows, &csv_path));
        let parquet_done = write_parquet(rows, &parquet);
        let csv_done = csv_done.join().unwrap_or_else(|_| {
            Err(crate::lake::LakeError::Io {
                action: "cannot write",
                path: csv_path.clone(),
                source: std::io::Error::other("the CSV writer stopped unexpectedly"),
            })
        });
        (parquet_done, csv_done)
    });
    parquet_done?;
    csv_done?;
    Ok(vec![parquet, csv_path])
}

fn write_parquet(rows: &[IndicatorRow], parquet: &Path) -> Result<(), crate::lake::LakeError> {
    let mut df = frame(rows).map_err(|source| crate::lake::LakeError::Polars {
        path: parquet.to_owned(),
        source,
    })?;
    crate::lake::write_parquet(parquet, &mut df)
}

/// The CSV twin of the table, for spreadsheet programs: a fund code that would start a formula
/// is written with a leading `'` (see [`crate::text::spreadsheet_safe`]); the Parquet table keeps
/// it as it landed. County slugs and indicator names come from the program, never from a file.
fn write_csv(rows: &[IndicatorRow], csv_path: &Path) -> Result<(), crate::lake::LakeError> {
    let io = |source: std::io::Error| crate::lake::LakeError::Io {
        action: "cannot write",
        path: csv_path.to_owned(),
        source,
    };
    let mut w = csv::Writer::from_path(csv_path).map_err(|e| io(e.into()))?;
    let mut days: std::collections::BTreeMap<i32, String> = std::collections::BTreeMap::new();
    for r in rows {
        for d in [r.period_start, r.period_end] {
            days.entry(d).or_insert_with(|| {
                from_epoch_day(d)
                    .map(|g| g.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            });
        }
    }
    let day = |d: i32| days.get(&d).map(String::as_str).unwrap_or_default();
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
    let (mut value, mut numerator, mut denominator) = (String::new(), String::new(), String::new());
    for r in rows {
        w.write_record([
            r.quarter.as_str(),
            day(r.period_start),
            day(r.period_end),
            r.level,
            r.county.as_deref().unwrap_or_default(),
            &crate::text::spreadsheet_safe(r.fund_id.as_deref().unwrap_or_default()),
            r.indicator,
            text_into(&mut value, r.value),
            text_into(&mut numerator, r.numerator),
            text_into(&mut denominator, r.denominator),
        ])
        .map_err(|e| io(e.into()))?;
    }
    w.flush().map_err(io)
}
