//! The indicators table: components → one row per (quarter, level, county, fund_id, indicator),
//! rounded half away from zero (whole rials for amounts and `amount per`, 4 decimals for ratios),
//! sorted, and written as Parquet and CSV.

mod csv_text;

use super::{Components, IndicatorKind, Level, INDICATORS};
use crate::calendar::from_epoch_day;
use crate::lake::{row_groups, slice_schema, EarlyFlush, ParquetFile, SliceColumn};
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

/// The levels in the order of their names, as the table is sorted.
const LEVELS: [&str; 3] = ["county", "fund", "province"];

/// Where a row of the table comes from: its quarter (index into the run's quarters), level
/// (index into [`LEVELS`]), entity (row of that level's components table) and indicator (index
/// into [`INDICATORS`]).
#[derive(Debug, Clone, Copy)]
struct Key {
    quarter: u32,
    level: u8,
    entity: u32,
    indicator: u8,
}

/// The indicators table in columns: a row per (quarter, level, county, fund_id, indicator), in
/// that order, with its three figures. Quarters, counties and fund ids are borrowed from the
/// components instead of being copied into every row (the table has 32 rows per entity and
/// quarter: 278k at scale 1).
pub struct Table<'c> {
    c: &'c Components,
    /// Each quarter's code (`1403Q2`), by quarter index.
    codes: Vec<String>,
    /// The rows: every quarter's [`Chunk`] one after the other.
    rows: Chunk,
}

/// Rows of a [`Table`]: a key and three figures each. A quarter's rows are made on their own,
/// then put after the quarter before's.
#[derive(Default)]
struct Chunk {
    keys: Vec<Key>,
    values: Vec<Option<Decimal>>,
    numerators: Vec<Option<Decimal>>,
    denominators: Vec<Option<Decimal>>,
}

/// `parts` one after the other, each freed once copied.
fn joined<T>(parts: Vec<Vec<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        out.extend(part);
    }
    out
}

impl<'c> Table<'c> {
    /// Every indicator row of every level, in the table's order.
    ///
    /// The rows are made in that order rather than sorted afterwards: quarters in the order of
    /// their codes, the levels in the order of their names (county, fund, province), each
    /// level's rows by county and fund_id, the indicators by name. The quarters are made side by
    /// side (each quarter's rows depend on that quarter's components alone) and put together in
    /// order.
    pub fn build(c: &'c Components) -> Table<'c> {
        use rayon::prelude::*;
        let levels = [&c.counties, &c.funds, &c.province];
        let mut by_name: Vec<usize> = (0..INDICATORS.len()).collect();
        by_name.sort_by_key(|&i| INDICATORS[i].name);
        let codes: Vec<String> = c.periods.quarters.iter().map(|q| q.0.to_string()).collect();
        let mut quarters: Vec<usize> = (0..codes.len()).collect();
        quarters.sort_by(|&a, &b| codes[a].cmp(&codes[b]));
        // Each level's rows per quarter index, in (county, fund_id) order.
        let at: Vec<Vec<Vec<usize>>> = levels
            .iter()
            .map(|table| {
                let mut per_quarter = vec![Vec::new(); codes.len()];
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
                        (&table.counties[a], &table.funds[a])
                            .cmp(&(&table.counties[b], &table.funds[b]))
                    });
                }
                per_quarter
            })
            .collect();
        let sources: Vec<Vec<(Source, Option<Source>)>> = levels
            .iter()
            .map(|table| {
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
        let chunks: Vec<Chunk> = quarters
            .par_iter()
            .with_max_len(1)
            .map(|&q| {
                let mut chunk = Chunk::default();
                for (l, rows) in at.iter().enumerate() {
                    for &i in &rows[q] {
                        for &k in &by_name {
                            let (ind, (num_src, den_src)) = (&INDICATORS[k], &sources[l][k]);
                            let (value, numerator, denominator) =
                                figures(ind.kind, num_src, den_src.as_ref(), i);
                            chunk.keys.push(Key {
                                // Quarters, levels, rows and the 32 indicators are far below
                                // these types' limits.
                                quarter: q as u32,
                                level: l as u8,
                                entity: i as u32,
                                indicator: k as u8,
                            });
                            chunk.values.push(value);
                            chunk.numerators.push(numerator);
                            chunk.denominators.push(denominator);
                        }
                    }
                }
                chunk
            })
            .collect();
        // The quarters' columns put one after the other, each column on a core of its own
        // (copying the 278k rows at scale 1 and faulting in their memory kept one core ~10 ms);
        // each quarter's part is freed once copied, as before.
        let (mut keys, mut values) = (Vec::new(), Vec::new());
        let (mut numerators, mut denominators) = (Vec::new(), Vec::new());
        for chunk in chunks {
            keys.push(chunk.keys);
            values.push(chunk.values);
            numerators.push(chunk.numerators);
            denominators.push(chunk.denominators);
        }
        let ((keys, values), (numerators, denominators)) = rayon::join(
            || rayon::join(|| joined(keys), || joined(values)),
            || rayon::join(|| joined(numerators), || joined(denominators)),
        );
        let rows = Chunk {
            keys,
            values,
            numerators,
            denominators,
        };
        Table { c, codes, rows }
    }

    /// Rows in the table.
    pub fn len(&self) -> usize {
        self.rows.keys.len()
    }

    /// The table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.keys.is_empty()
    }

    fn level_table(&self, k: Key) -> &'c Level {
        match k.level {
            0 => &self.c.counties,
            1 => &self.c.funds,
            _ => &self.c.province,
        }
    }

    fn quarter(&self, i: usize) -> &str {
        &self.codes[self.rows.keys[i].quarter as usize]
    }

    fn days(&self, i: usize) -> (i32, i32) {
        let (_, s, d) = self.c.periods.quarters[self.rows.keys[i].quarter as usize];
        (s, d)
    }

    fn level(&self, i: usize) -> &'static str {
        LEVELS[usize::from(self.rows.keys[i].level)]
    }

    fn county(&self, i: usize) -> Option<&'c str> {
        let k = self.rows.keys[i];
        self.level_table(k).counties[k.entity as usize].as_deref()
    }

    fn fund_id(&self, i: usize) -> Option<&'c str> {
        let k = self.rows.keys[i];
        self.level_table(k).funds[k.entity as usize].as_deref()
    }

    fn indicator(&self, i: usize) -> &'static str {
        INDICATORS[usize::from(self.rows.keys[i].indicator)].name
    }

    /// Row `i` as an owned row.
    pub fn row(&self, i: usize) -> IndicatorRow {
        let (period_start, period_end) = self.days(i);
        IndicatorRow {
            quarter: self.quarter(i).to_owned(),
            period_start,
            period_end,
            level: self.level(i),
            county: self.county(i).map(str::to_owned),
            fund_id: self.fund_id(i).map(str::to_owned),
            indicator: self.indicator(i),
            value: self.rows.values[i],
            numerator: self.rows.numerators[i],
            denominator: self.rows.denominators[i],
        }
    }
}

/// An indicator's value, numerator and denominator at row `i` of its level's components.
fn figures(
    kind: IndicatorKind,
    num_src: &Source,
    den_src: Option<&Source>,
    i: usize,
) -> (Option<Decimal>, Option<Decimal>, Option<Decimal>) {
    let num = num_src.at(i);
    match (kind, den_src) {
        (IndicatorKind::Count, _) => (Some(num), None, None),
        (IndicatorKind::Amount, _) => (Some(round(num, 0)), None, None),
        (kind, Some(den_src)) => {
            let den = den_src.at(i);
            let dp = if kind == IndicatorKind::Ratio { 4 } else { 0 };
            let value = (!den.is_zero()).then(|| round(num / den, dp));
            (value, Some(round(num, 4)), Some(round(den, 4)))
        }
        (_, None) => (Some(num), None, None),
    }
}

/// Every indicator row of every level as owned rows, in the table's order ([`Table::build`]).
pub fn rows(c: &Components) -> PolarsResult<Vec<IndicatorRow>> {
    let table = Table::build(c);
    Ok((0..table.len()).map(|i| table.row(i)).collect())
}

fn decimal_column(name: &str, values: &[Option<Decimal>]) -> PolarsResult<Column> {
    let mantissas = values.iter().map(|v| {
        v.map(|mut d| {
            d = round(d, 4);
            d.rescale(4);
            d.mantissa()
        })
    });
    let ca = Int128Chunked::from_iter_options(name.into(), mantissas);
    Ok(ca.into_decimal(38, 4)?.into_series().into_column())
}

/// The columns of INDICATORS.md for the table's rows `rows`, built side by side. Texts that
/// take one of a few values (quarter, level, indicator) and the rows' county and fund ids are
/// handed to the writer as their distinct values and each row's place among them
/// ([`SliceColumn`]), which the file stores as dictionaries.
fn slice<'t>(
    table: &'t Table<'_>,
    rows: std::ops::Range<usize>,
) -> PolarsResult<Vec<SliceColumn<'t>>> {
    use rayon::prelude::*;
    let keys = &table.rows.keys[rows.clone()];
    let date = |name: &str, day: fn((i32, i32)) -> i32| -> PolarsResult<SliceColumn> {
        let days: Vec<i32> = rows.clone().map(|i| day(table.days(i))).collect();
        Ok(SliceColumn::Plain(
            Series::new(name.into(), days)
                .cast(&DataType::Date)?
                .into_column(),
        ))
    };
    let codes: Vec<&str> = table.codes.iter().map(String::as_str).collect();
    let indicators: Vec<&str> = INDICATORS.iter().map(|ind| ind.name).collect();
    let decimals = |name: &str, values: &[Option<Decimal>]| -> PolarsResult<SliceColumn> {
        Ok(SliceColumn::Plain(decimal_column(
            name,
            &values[rows.clone()],
        )?))
    };
    type Build<'b, 't> = &'b (dyn Fn() -> PolarsResult<SliceColumn<'t>> + Sync);
    let builders: [Build<'_, '_>; 10] = [
        &|| {
            let quarters = keys.iter().map(|k| Some(k.quarter as usize));
            Ok(SliceColumn::of_names("quarter".into(), &codes, quarters))
        },
        &|| date("period_start", |(s, _)| s),
        &|| date("period_end", |(_, d)| d),
        &|| {
            let levels = keys.iter().map(|k| Some(usize::from(k.level)));
            Ok(SliceColumn::of_names("level".into(), &LEVELS, levels))
        },
        &|| {
            let counties = rows.clone().map(|i| table.county(i));
            Ok(SliceColumn::texts("county".into(), counties))
        },
        &|| {
            let funds = rows.clone().map(|i| table.fund_id(i));
            Ok(SliceColumn::texts("fund_id".into(), funds))
        },
        &|| {
            let names = keys.iter().map(|k| Some(usize::from(k.indicator)));
            Ok(SliceColumn::of_names(
                "indicator".into(),
                &indicators,
                names,
            ))
        },
        &|| decimals("value", &table.rows.values),
        &|| decimals("numerator", &table.rows.numerators),
        &|| decimals("denominator", &table.rows.denominators),
    ];
    builders
        .par_iter()
        .with_max_len(1)
        .map(|build| build())
        .collect()
}

/// Writes `indicators.parquet` and `indicators.csv` into `dir`, side by side on the thread pool
/// (each spreads its own work over it), each handed to `flush` once complete. Both are tasks of
/// the pool, not threads of their own waiting on it: a thread blocked on work that only the
/// pool's workers can do would wait forever where the pool has a single worker.
pub fn write(
    table: &Table,
    dir: &Path,
    flush: &EarlyFlush,
) -> Result<Vec<PathBuf>, crate::lake::LakeError> {
    let parquet = dir.join("indicators.parquet");
    let csv_path = dir.join("indicators.csv");
    let (parquet_done, csv_done) = rayon::join(
        || {
            write_parquet(table, &parquet)?;
            flush.flush(&parquet);
            Ok::<_, crate::lake::LakeError>(())
        },
        || {
            write_csv(table, &csv_path)?;
            flush.flush(&csv_path);
            Ok::<_, crate::lake::LakeError>(())
        },
    );
    parquet_done?;
    csv_done?;
    Ok(vec![parquet, csv_path])
}

/// Writes `indicators.parquet` in the row groups Polars' writer made of the table's frame
/// ([`row_groups`]); the file is created with the first group's columns (there is always one,
/// of no rows for an empty table).
fn write_parquet(table: &Table, parquet: &Path) -> Result<(), crate::lake::LakeError> {
    let mut file: Option<ParquetFile> = None;
    for rows in row_groups(table.len()) {
        let columns = slice(table, rows).map_err(|source| crate::lake::LakeError::Polars {
            path: parquet.to_owned(),
            source,
        })?;
        let open = match &mut file {
            Some(f) => f,
            None => file.insert(ParquetFile::create(parquet, &slice_schema(&columns))?),
        };
        open.write_side_by_side(&columns)?;
    }
    match file {
        Some(f) => f.finish().map(|_| ()),
        None => Ok(()),
    }
}

/// The CSV twin of the table, for spreadsheet programs: a fund code that would start a formula
/// is written with a leading `'` (see [`crate::text::spreadsheet_safe`]); the Parquet table keeps
/// it as it landed. County slugs and indicator names come from the program, never from a file.
/// The rows are formatted by hand ([`csv_text`]) on every core ([`write_in_chunks`]).
fn write_csv(table: &Table, csv_path: &Path) -> Result<(), crate::lake::LakeError> {
    use std::io::Write;
    let io = |source: std::io::Error| crate::lake::LakeError::Io {
        action: "cannot write",
        path: csv_path.to_owned(),
        source,
    };
    // Each quarter's first and last day, formatted once.
    let day = |d: i32| {
        from_epoch_day(d)
            .map(|g| g.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let days: Vec<(String, String)> = table
        .c
        .periods
        .quarters
        .iter()
        .map(|&(_, s, d)| (day(s), day(d)))
        .collect();
    let mut file = std::fs::File::create(csv_path).map_err(io)?;
    file.write_all(CSV_HEADER).map_err(io)?;
    write_in_chunks(
        &mut file,
        table.len(),
        CSV_CHUNK_ROWS,
        CSV_WINDOW,
        |out, i| csv_record(out, table, &days, i),
    )
    .map_err(io)
}

/// Writes rows `0..rows`, each formatted by `row`, into `out` in order: `chunk` rows at a time
/// are formatted on any free core of the pool, `window` chunks at once, then written, so that
/// only `window × chunk` rows of text are in memory whatever the number of rows (~10 MB for
/// `indicators.csv`).
fn write_in_chunks(
    out: &mut impl std::io::Write,
    rows: usize,
    chunk: usize,
    window: usize,
    row: impl Fn(&mut Vec<u8>, usize) + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let chunk = chunk.max(1);
    let chunks: Vec<std::ops::Range<usize>> = (0..rows)
        .step_by(chunk)
        .map(|start| start..(start + chunk).min(rows))
        .collect();
    for group in chunks.chunks(window.max(1)) {
        let texts: Vec<Vec<u8>> = group
            .par_iter()
            // Each chunk a task of its own, so that a core done with the Parquet file takes
            // the chunks left (see `slice::row_group_side_by_side`).
            .with_max_len(1)
            .map(|rows| {
                let mut text = Vec::with_capacity(rows.len() * 96);
                for i in rows.clone() {
                    row(&mut text, i);
                }
                text
            })
            .collect();
        for text in texts {
            out.write_all(&text)?;
        }
    }
    Ok(())
}

/// The first line of `indicators.csv`.
const CSV_HEADER: &[u8] =
    b"quarter,period_start,period_end,level,county,fund_id,indicator,value,numerator,denominator\n";

/// Rows of `indicators.csv` formatted together ([`write_in_chunks`]).
const CSV_CHUNK_ROWS: usize = 16_384;

/// Chunks of `indicators.csv` formatted at once before they are written ([`write_in_chunks`]).
const CSV_WINDOW: usize = 8;

/// Appends the table's row `i` to `out` as a line of `indicators.csv`.
fn csv_record(out: &mut Vec<u8>, table: &Table, days: &[(String, String)], i: usize) {
    let (start, end) = &days[table.rows.keys[i].quarter as usize];
    let texts = [
        table.quarter(i),
        start,
        end,
        table.level(i),
        table.county(i).unwrap_or_default(),
        &crate::text::spreadsheet_safe(table.fund_id(i).unwrap_or_default()),
        table.indicator(i),
    ];
    for text in texts {
        csv_text::push_field(out, text.as_bytes());
        out.push(b',');
    }
    csv_text::push_figure(out, table.rows.values[i]);
    out.push(b',');
    csv_text::push_figure(out, table.rows.numerators[i]);
    out.push(b',');
    csv_text::push_figure(out, table.rows.denominators[i]);
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(out: &mut Vec<u8>, i: usize) {
        out.extend_from_slice(format!("row {i}\n").as_bytes());
    }

    #[test]
    fn rows_written_in_chunks_come_out_in_order_across_windows() {
        let whole: Vec<u8> = (0..1000)
            .flat_map(|i| format!("row {i}\n").into_bytes())
            .collect();
        for (chunk, window) in [(7, 3), (1, 1), (1000, 8), (64, 2), (0, 0)] {
            let mut out = Vec::new();
            write_in_chunks(&mut out, 1000, chunk, window, numbered).unwrap();
            assert_eq!(out, whole, "chunks of {chunk}, {window} at once");
        }
        let mut none = Vec::new();
        write_in_chunks(&mut none, 0, 7, 3, numbered).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn chunks_are_written_from_a_task_of_a_one_worker_pool() {
        // The indicators write the CSV beside the Parquet file as tasks of the pool; with a
        // single worker, waiting on the pool from outside it would never end.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let (a, b) = pool.install(|| {
            rayon::join(
                || {
                    let mut out = Vec::new();
                    write_in_chunks(&mut out, 100, 7, 3, numbered).map(|()| out)
                },
                || {
                    let mut out = Vec::new();
                    write_in_chunks(&mut out, 50, 5, 2, numbered).map(|()| out)
                },
            )
        });
        let length = |rows: usize| -> usize { (0..rows).map(|i| format!("row {i}\n").len()).sum() };
        assert_eq!(a.unwrap().len(), length(100));
        assert_eq!(b.unwrap().len(), length(50));
    }
}
