//! Reading the lake's columns into plain vectors for the indicator pass.

use super::maybe::Maybe;
use super::IndicatorError;
use crate::lake::{scan_or_empty, Coded};
use crate::schema::Table;
use polars::prelude::*;
use std::path::Path;

/// The named columns of a lake table (every partition), as one frame.
pub fn load(lake: &Path, table: Table, names: &[&str]) -> Result<DataFrame, IndicatorError> {
    let exprs: Vec<Expr> = names.iter().map(|n| col(*n)).collect();
    Ok(scan_or_empty(lake, table)?.select(exprs).collect()?)
}

/// The named columns of a lake table, the text columns among them named in `coded` read
/// coded ([`Coded`]) where the lake allows, the others through Polars as [`load`] reads them.
/// A coded column whose rows are not as many as the frame's is read through Polars too.
pub fn load_coded(
    lake: &Path,
    table: Table,
    names: &[&str],
    coded: &[&'static str],
) -> Result<Loaded, IndicatorError> {
    let coded: Vec<(&'static str, Coded)> = coded
        .iter()
        .filter(|c| names.contains(c))
        .filter_map(|c| Some((*c, Coded::read(lake, table, c)?)))
        .collect();
    let rest: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !coded.iter().any(|(c, _)| c == n))
        .collect();
    if !rest.is_empty() {
        let frame = load(lake, table, &rest)?;
        if coded.iter().all(|(_, c)| c.rows() == frame.height()) {
            return Ok(Loaded { frame, coded });
        }
    }
    Ok(Loaded {
        frame: load(lake, table, names)?,
        coded: Vec::new(),
    })
}

/// A lake table's columns as [`load_coded`] reads them.
pub struct Loaded {
    /// The columns read through Polars.
    pub frame: DataFrame,
    /// The text columns read coded, by name.
    coded: Vec<(&'static str, Coded)>,
}

impl Loaded {
    /// The text column `name`, coded or the frame's.
    pub fn texts(&self, name: &str) -> Result<Texts<'_>, IndicatorError> {
        match self.coded.iter().find(|(c, _)| *c == name) {
            Some((_, coded)) => Ok(Texts::Coded(coded)),
            None => Ok(Texts::Frame(self.frame.column(name)?.str()?)),
        }
    }
}

/// A text column of a [`Loaded`] table.
pub enum Texts<'a> {
    /// Read coded: each row group's distinct texts and every row's key.
    Coded(&'a Coded),
    /// Read through Polars.
    Frame(&'a StringChunked),
}

impl<'a> Texts<'a> {
    /// Each row's `find(text)` (`None` for a blank, as for a text `find` does not find), in
    /// the rows' order, with `find` called once per distinct text of a row group (coded) or
    /// per run of equal texts ([`lookup_runs`]).
    pub fn lookup<T, F>(&self, find: F) -> impl Iterator<Item = Option<T>> + 'a
    where
        T: Copy + 'a,
        F: FnMut(&str) -> Option<T> + 'a,
    {
        match *self {
            Texts::Coded(coded) => Either::Left(coded.lookup(find)),
            Texts::Frame(texts) => Either::Right(lookup_runs(texts.iter(), find)),
        }
    }

    /// How many rows.
    pub fn rows(&self) -> usize {
        match self {
            Texts::Coded(coded) => coded.rows(),
            Texts::Frame(texts) => texts.len(),
        }
    }
}

/// One of two iterators of the same items.
enum Either<L, R> {
    /// The first.
    Left(L),
    /// The second.
    Right(R),
}

impl<T, L: Iterator<Item = T>, R: Iterator<Item = T>> Iterator for Either<L, R> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self {
            Either::Left(l) => l.next(),
            Either::Right(r) => r.next(),
        }
    }
}

/// A text column, borrowed from the frame.
pub fn text<'a>(df: &'a DataFrame, name: &str) -> Result<Vec<Option<&'a str>>, IndicatorError> {
    Ok(df.column(name)?.str()?.iter().collect())
}

/// A date column as days since 1970-01-01.
pub fn days(df: &DataFrame, name: &str) -> Result<Vec<Option<i32>>, IndicatorError> {
    let c = df.column(name)?.cast(&DataType::Int32)?;
    Ok(optional(c.i32()?))
}

/// The values of a number column, blanks as `None`, read array by array (the column's own
/// iterator goes through a chain of chunk iterators for every row).
fn optional<T: PolarsNumericType>(ca: &ChunkedArray<T>) -> Vec<Option<T::Native>> {
    let mut out = Vec::with_capacity(ca.len());
    out.extend(values_of(ca));
    out
}

/// The values of a number column, blanks as `None`, array by array.
fn values_of<T: PolarsNumericType>(
    ca: &ChunkedArray<T>,
) -> impl Iterator<Item = Option<T::Native>> + '_ {
    ca.downcast_iter()
        .flat_map(|arr| arr.iter().map(|v| v.copied()))
}

/// [`days`] at 4 bytes a row ([`Maybe`]); a day that is the blank's own value (i32::MIN,
/// millions of years back) is refused.
pub fn maybe_days(df: &DataFrame, name: &str) -> Result<Maybe<i32>, IndicatorError> {
    let c = df.column(name)?.cast(&DataType::Int32)?;
    Maybe::collect(values_of(c.i32()?), c.len()).map_err(|day| {
        IndicatorError::Overflow(format!(
            "{name} holds a date {day} days from 1970, outside any calendar: correct it in the export"
        ))
    })
}

/// [`ints`] at 8 bytes a row ([`Maybe`]); the sum bound already refuses the blank's own value
/// (i64::MIN).
pub fn maybe_ints(df: &DataFrame, name: &str) -> Result<Maybe<i64>, IndicatorError> {
    let values = int_column(df, name)?;
    Maybe::collect(values_of(&values), values.len()).map_err(|x| {
        IndicatorError::Overflow(format!(
            "{name} holds {x}, more than exact sums can hold ({SUM_BOUND})"
        ))
    })
}

/// The most that the absolute values of one whole-number column may add up to: every sum the
/// pass forms (of a column's values, of differences of two columns, of up to four such sums)
/// then stays within `i64`, so sums are exact and never wrap. Real ledgers are many orders of
/// magnitude below it (10¹⁸ rials); a lake above it holds a misplaced digit.
pub const SUM_BOUND: i128 = (i64::MAX / 8) as i128;

/// A whole-number column (counts, rials); refused when its values add up past [`SUM_BOUND`].
pub fn ints(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>, IndicatorError> {
    Ok(optional(&int_column(df, name)?))
}

/// [`ints`] as the frame's own column, to be walked without a copy.
pub fn int_column(df: &DataFrame, name: &str) -> Result<Int64Chunked, IndicatorError> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    let values = c.i64()?.clone();
    let total = values
        .downcast_iter()
        .flat_map(|arr| arr.iter().flatten())
        .map(|x| i128::from(*x).abs())
        .sum();
    check_bound(name, total)?;
    Ok(values)
}

/// An error when `total` (the absolute sum of `what`) is past [`SUM_BOUND`].
pub fn check_bound(what: &str, total: i128) -> Result<(), IndicatorError> {
    if total <= SUM_BOUND {
        return Ok(());
    }
    Err(IndicatorError::Overflow(format!(
        "the values of {what} in the lake add up to {total}, more than exact sums can hold ({SUM_BOUND}); a cell probably holds a misplaced digit: find the largest {what} values (e.g. with DuckDB) and correct the export"
    )))
}

/// A yes/no column.
pub fn flags(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>, IndicatorError> {
    Ok(df.column(name)?.bool()?.iter().collect())
}

/// Looks each of `keys` up with `find`, once per run of equal keys: rows of a table come grouped
/// by fund and by loan, so most lookups repeat the previous one. `keys` is walked as it comes
/// (a column's iterator), and each row's finding is handed on as it is made.
pub fn lookup_runs<'k, T, K, F>(
    keys: K,
    mut find: F,
) -> impl Iterator<Item = Option<T>> + use<'k, T, K, F>
where
    T: Copy,
    K: Iterator<Item = Option<&'k str>>,
    F: FnMut(&str) -> Option<T>,
{
    let mut last: Option<(&'k str, Option<T>)> = None;
    keys.map(move |key| {
        let key = key?;
        match last {
            Some((k, found)) if k == key => found,
            _ => {
                let found = find(key);
                last = Some((key, found));
                found
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A savings table of `ids` as fund_id (one partition, written by Polars) and their row
    /// numbers as amount, loaded as the savings family loads it.
    fn savings_of(ids: &[Option<String>]) -> (tempfile::TempDir, Loaded) {
        let lake = tempfile::tempdir().expect("temp dir");
        let amounts: Vec<i64> = (0..ids.len() as i64).collect();
        let mut df = df!("fund_id" => ids, "amount" => amounts).expect("frame");
        let path = lake.path().join("savings/county=abhar/part-0.parquet");
        crate::lake::write_parquet(&path, &mut df).expect("written");
        let loaded = load_coded(
            lake.path(),
            Table::Savings,
            &["fund_id", "amount"],
            &["fund_id"],
        )
        .expect("loaded");
        (lake, loaded)
    }

    #[test]
    fn a_text_column_is_looked_up_alike_coded_or_from_the_frame() {
        // Few funds: coded. As many funds as rows (past 128): written plain, read by Polars.
        let few: Vec<Option<String>> = (0..300)
            .map(|i| (i % 5 != 2).then(|| format!("F-{}", i / 40)))
            .collect();
        let many: Vec<Option<String>> = (0..300).map(|i| Some(format!("F-{i}"))).collect();
        for (ids, coded) in [(few, true), (many, false)] {
            let (_lake, loaded) = savings_of(&ids);
            let texts = loaded.texts("fund_id").expect("texts");
            assert_eq!(matches!(texts, Texts::Coded(_)), coded);
            assert_eq!(texts.rows(), ids.len());
            assert_eq!(loaded.frame.height(), ids.len());
            // Funds F-0 .. F-3 are known, by their number.
            let find = |id: &str| {
                id.strip_prefix("F-")?
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n < 4)
            };
            let expected: Vec<Option<u32>> =
                ids.iter().map(|id| id.as_deref().and_then(find)).collect();
            assert_eq!(texts.lookup(find).collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn a_day_that_is_the_blanks_own_value_is_refused_naming_its_column() {
        let df = df!("due_on" => [Some(1i32), None, Some(i32::MIN)]).expect("frame");
        let Err(IndicatorError::Overflow(why)) = maybe_days(&df, "due_on") else {
            panic!("refused");
        };
        assert!(why.contains("due_on"), "{why}");
        let df = df!("due_on" => [Some(1i32), None]).expect("frame");
        let days = maybe_days(&df, "due_on").expect("read");
        assert_eq!((days.at(0), days.at(1)), (Some(1), None));
    }
}
