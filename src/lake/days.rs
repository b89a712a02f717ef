//! The earliest and latest day of a date column of the lake, read from the column statistics
//! that every row group's footer holds (Polars' writer and `slice.rs` write them), so that no
//! page is read: the indicators ask this of the lake's date columns before they read a single
//! row (choosing the quarters, then the day index), and scanning the columns for it took
//! about 40 ms of every indicators stage at scale 1. Each call lists the table's folder and
//! reads its files' footers again (a few kilobytes each).
//!
//! Where the footers cannot answer (a column not stored as a date, a row group without
//! statistics, a footer that cannot be read, a hidden entry or a symbolic link under the
//! table, which Polars' scan might take or leave, a table folder without a Parquet file), the
//! column is scanned as before, so the answer, or the error, is the scan's. A lake written
//! by sandogh always has the statistics; the fallback is for lakes copied or edited by hand.

use super::scan_or_empty;
use crate::schema::Table;
use polars::prelude::*;
use polars_parquet::parquet::schema::types::PrimitiveLogicalType;
use polars_parquet::parquet::statistics::Statistics;
use std::path::{Path, PathBuf};

/// The smallest and largest day (days since 1970-01-01) in the date column `column` of
/// `table`: `None` when no row of the lake has one, as Polars' `min` and `max` of the column.
pub fn day_range(lake: &Path, table: Table, column: &str) -> PolarsResult<Option<(i32, i32)>> {
    match from_footers(lake, table, column) {
        Some(found) => Ok(found),
        None => scanned(lake, table, column),
    }
}

/// [`day_range`] by scanning the column (every page of it read).
fn scanned(lake: &Path, table: Table, column: &str) -> PolarsResult<Option<(i32, i32)>> {
    let day = || col(column).cast(DataType::Int32);
    let df = scan_or_empty(lake, table)?
        .select([day().min().alias("min"), day().max().alias("max")])
        .collect()?;
    let min = df.column("min")?.i32()?.get(0);
    let max = df.column("max")?.i32()?.get(0);
    Ok(min.zip(max))
}

/// [`day_range`] from the files' footers; `None` when they cannot tell.
fn from_footers(lake: &Path, table: Table, column: &str) -> Option<Option<(i32, i32)>> {
    let dir = lake.join(table.name());
    if !dir.is_dir() {
        // No partition was written: the scan is an empty frame, whose min is null.
        return Some(None);
    }
    let mut files = Vec::new();
    parquet_files(&dir, &mut files)?;
    if files.is_empty() {
        return None;
    }
    let mut range: Option<(i32, i32)> = None;
    for path in files {
        let mut file = std::fs::File::open(&path).ok()?;
        let footer = polars_parquet::parquet::read::read_metadata(&mut file).ok()?;
        for group in &footer.row_groups {
            let mut chunks = group.columns_under_root_iter(column)?;
            let (Some(chunk), None) = (chunks.next(), chunks.next()) else {
                return None;
            };
            // Other 32-bit columns (unsigned, decimal, time) read otherwise through the cast.
            let stored = &chunk.descriptor().descriptor.primitive_type;
            if stored.logical_type != Some(PrimitiveLogicalType::Date) {
                return None;
            }
            let Statistics::Int32(stats) = chunk.statistics(&footer.footer_buf)?.ok()? else {
                return None;
            };
            match (stats.min_value, stats.max_value) {
                (Some(lo), Some(hi)) if lo <= hi => {
                    range = Some(range.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
                }
                // A row group whose rows all leave the column blank has no min or max.
                (None, None)
                    if stats
                        .null_count
                        .is_some_and(|n| usize::try_from(n).ok() == Some(group.num_rows())) => {}
                _ => return None,
            }
        }
    }
    Some(range)
}

/// Every `.parquet` file under `dir`, in any order; `None` when a hidden entry or a symbolic
/// link is there.
pub(super) fn parquet_files(dir: &Path, found: &mut Vec<PathBuf>) -> Option<()> {
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            return None;
        }
        let kind = entry.file_type().ok()?;
        if kind.is_symlink() {
            return None;
        }
        let path = entry.path();
        if kind.is_dir() {
            parquet_files(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "parquet") {
            found.push(path);
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lake::write_parquet;

    /// Writes `days` (one file per partition) as the `date` column of a financing table.
    fn lake_of(partitions: &[(&str, Vec<Option<i32>>)]) -> tempfile::TempDir {
        let lake = tempfile::tempdir().expect("temp dir");
        for (county, days) in partitions {
            let path = lake
                .path()
                .join("financing")
                .join(format!("county={county}"))
                .join("part-0.parquet");
            let date = Series::new("date".into(), days.clone())
                .cast(&DataType::Date)
                .expect("dates");
            let mut df = DataFrame::new(days.len(), vec![date.into_column()]).expect("frame");
            write_parquet(&path, &mut df).expect("written");
        }
        lake
    }

    fn scan(lake: &Path) -> Option<(i32, i32)> {
        scanned(lake, Table::Financing, "date").expect("scanned")
    }

    #[test]
    fn the_footers_give_the_scans_range_over_partitions_and_blanks() {
        let lake = lake_of(&[
            ("abhar", vec![Some(19_000), None, Some(18_500)]),
            ("zanjan", vec![None, None]),
            ("tarom", vec![Some(20_100), Some(-3)]),
        ]);
        assert!(from_footers(lake.path(), Table::Financing, "date").is_some());
        let range = day_range(lake.path(), Table::Financing, "date").expect("range");
        assert_eq!(range, Some((-3, 20_100)));
        assert_eq!(range, scan(lake.path()));
    }

    #[test]
    fn a_table_of_blank_days_or_no_table_has_no_range() {
        let lake = lake_of(&[("abhar", vec![None, None])]);
        assert_eq!(
            day_range(lake.path(), Table::Financing, "date").expect("range"),
            None
        );
        assert_eq!(scan(lake.path()), None);
        let empty = tempfile::tempdir().expect("temp dir");
        assert_eq!(
            day_range(empty.path(), Table::Financing, "date").expect("range"),
            None
        );
    }

    #[test]
    fn files_of_several_row_groups_as_the_lake_writer_makes_them() {
        // Three row groups (slices), the middle one with blanks, one all blank.
        let lake = tempfile::tempdir().expect("temp dir");
        let path = lake.path().join("financing/county=abhar/part-0.parquet");
        let slice = |days: Vec<Option<i32>>| {
            let date = Series::new("date".into(), days)
                .cast(&DataType::Date)
                .expect("dates");
            vec![crate::lake::SliceColumn::Plain(date.into_column())]
        };
        let slices = [
            slice(vec![Some(400), Some(300)]),
            slice(vec![None, Some(900), None]),
            slice(vec![None, None]),
        ];
        let mut file =
            crate::lake::ParquetFile::create(&path, &crate::lake::slice_schema(&slices[0]))
                .expect("created");
        for s in &slices {
            file.write(s).expect("written");
        }
        file.finish().expect("finished");
        assert_eq!(
            from_footers(lake.path(), Table::Financing, "date"),
            Some(Some((300, 900)))
        );
        assert_eq!(scan(lake.path()), Some((300, 900)));
    }

    #[test]
    fn a_hidden_entry_or_a_column_of_another_type_is_scanned_instead() {
        let lake = lake_of(&[("abhar", vec![Some(5), Some(7)])]);
        std::fs::write(lake.path().join("financing").join(".leftover"), b"x").expect("written");
        assert!(from_footers(lake.path(), Table::Financing, "date").is_none());
        assert_eq!(
            day_range(lake.path(), Table::Financing, "date").expect("range"),
            Some((5, 7))
        );
        // Whole numbers stored as Int64 have no Int32 statistics: the footers cannot tell.
        let other = tempfile::tempdir().expect("temp dir");
        let path = other.path().join("financing/county=a/part-0.parquet");
        let mut df = df!("date" => [3i64, 9]).expect("frame");
        write_parquet(&path, &mut df).expect("written");
        assert!(from_footers(other.path(), Table::Financing, "date").is_none());
        // Whole numbers stored in 32 bits are not days either.
        let int32 = tempfile::tempdir().expect("temp dir");
        let path = int32.path().join("financing/county=a/part-0.parquet");
        let mut df = df!("date" => [3i32, 9]).expect("frame");
        write_parquet(&path, &mut df).expect("written");
        assert!(from_footers(int32.path(), Table::Financing, "date").is_none());
        assert_eq!(
            day_range(int32.path(), Table::Financing, "date").expect("range"),
            Some((3, 9))
        );
        // A linked partition folder: the scan follows the link, the footers leave it to it.
        #[cfg(unix)]
        {
            let linked = lake_of(&[("abhar", vec![Some(5)])]);
            std::os::unix::fs::symlink(
                linked.path().join("financing/county=abhar"),
                lake.path().join("financing/county=zanjan"),
            )
            .expect("linked");
            assert!(from_footers(lake.path(), Table::Financing, "date").is_none());
        }
        // A table folder without a Parquet file is the scan's to judge.
        let bare = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(bare.path().join("financing/county=a")).expect("folder");
        assert!(from_footers(bare.path(), Table::Financing, "date").is_none());
    }
}
