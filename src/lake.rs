//! The Parquet lake's storage: Hive-partitioned tables (`<table>/county=<slug>/part-0.parquet`)
//! with lineage columns, Parquet writing, the atomic replacement of a stage's output folder, and
//! scanning. It knows the lake's schema but nothing of how a stage builds its rows (ingest's
//! frames are built in `crate::ingest::sink`).
//!
//! A stage writes into a temporary sibling folder and renames it into place only when every file
//! is complete, so a reader (or a nightly job that dies half way) never sees a half-written lake.
//! Rows are written in input order (file path, sheet order, row), so identical inputs give
//! identical files.

use crate::schema::{Kind, Table};
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// A lake that cannot be written or read.
#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    /// A file system error, with the path.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Polars could not build or write a table.
    #[error("cannot write {path}: {source}")]
    Polars {
        /// The file.
        path: PathBuf,
        /// Why.
        source: PolarsError,
    },
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> LakeError + 'a {
    move |source| LakeError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Whether a field is a lake column (personal fields and the partition key are not).
pub fn stored(table: Table, name: &str, personal: bool) -> bool {
    let partition_key = name == "county" && matches!(table, Table::Funds | Table::Trainings);
    !(personal || partition_key)
}

/// The lake's column names for a table, in order (without the `county` partition key).
pub fn columns(table: Table) -> Vec<&'static str> {
    let mut cols: Vec<&'static str> = Vec::new();
    for f in table.fields() {
        if stored(table, f.name, f.personal) {
            cols.push(f.name);
            if table == Table::Installments && f.name == "loan_id" {
                cols.push("fund_id");
            }
        }
    }
    cols.extend(["source_file", "source_sheet", "source_row"]);
    cols
}

/// Writes one DataFrame as a zstd-compressed Parquet file, creating its folder.
pub fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<(), LakeError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io("cannot create", parent))?;
    }
    let file = std::fs::File::create(path).map_err(io("cannot create", path))?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(
            polars::polars_utils::compression::ZstdLevel::try_new(1).ok(),
        ))
        .finish(df)
        .map_err(|source| LakeError::Polars {
            path: path.to_owned(),
            source,
        })?;
    Ok(())
}

/// A fresh temporary folder beside `dest` for a stage to write into.
pub fn staging_dir(dest: &Path) -> Result<PathBuf, LakeError> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io("cannot create", parent))?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stage".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io("cannot clear", &tmp))?;
    }
    std::fs::create_dir_all(&tmp).map_err(io("cannot create", &tmp))?;
    Ok(tmp)
}

/// Moves a completed staging folder into place, replacing what was there. The old folder is
/// renamed aside first and removed last, so `dest` is always either the old or the new output.
pub fn commit(staged: &Path, dest: &Path) -> Result<(), LakeError> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let had_old = dest.exists();
    if had_old {
        std::fs::rename(dest, &old).map_err(io("cannot move aside", dest))?;
    }
    std::fs::rename(staged, dest).map_err(io("cannot move into place", staged))?;
    if had_old {
        std::fs::remove_dir_all(&old).map_err(io("cannot remove", &old))?;
    }
    Ok(())
}

/// Scans one table of the lake with its `county` partition column; `None` when the table has
/// no rows (no partition was written).
pub fn scan_table(lake: &Path, table: Table) -> PolarsResult<Option<LazyFrame>> {
    let dir = lake.join(table.name());
    if !dir.is_dir() {
        return Ok(None);
    }
    let pattern = format!("{}/**/*.parquet", dir.display());
    let hive_schema = Schema::from_iter([Field::new("county".into(), DataType::String)]);
    let args = ScanArgsParquet {
        hive_options: HiveOptions {
            enabled: Some(true),
            hive_start_idx: 0,
            schema: Some(Arc::new(hive_schema)),
            try_parse_dates: false,
        },
        ..Default::default()
    };
    LazyFrame::scan_parquet(PlRefPath::new(pattern), args).map(Some)
}

/// The Polars type of a field of kind `kind` in the lake.
fn dtype(kind: Kind) -> DataType {
    match kind {
        Kind::Int { .. } | Kind::Amount { .. } => DataType::Int64,
        Kind::Date => DataType::Date,
        Kind::Bool => DataType::Boolean,
        Kind::Id | Kind::Text | Kind::Enum(_) => DataType::String,
    }
}

/// The schema of a table as scanned: its lake columns plus the `county` partition.
pub fn schema_of(table: Table) -> Schema {
    let mut fields: Vec<Field> = Vec::new();
    for name in columns(table) {
        let dt = match name {
            "source_file" | "source_sheet" => DataType::String,
            "source_row" => DataType::Int64,
            "fund_id" => DataType::String,
            other => table
                .field(other)
                .map(|f| dtype(f.kind))
                .unwrap_or(DataType::String),
        };
        fields.push(Field::new(name.into(), dt));
    }
    fields.push(Field::new("county".into(), DataType::String));
    Schema::from_iter(fields)
}

/// Scans a table, or gives an empty frame of its schema when the table has no rows.
pub fn scan_or_empty(lake: &Path, table: Table) -> PolarsResult<LazyFrame> {
    match scan_table(lake, table)? {
        Some(lf) => Ok(lf),
        None => Ok(DataFrame::empty_with_schema(&schema_of(table)).lazy()),
    }
}
