//! Ingest's sink: the landed rows as slices of columns (texts as their distinct values and each
//! row's place among them, see [`SliceColumn`]) and the rejects as a Polars frame, written into a
//! staged lake folder through [`crate::lake`], which knows only storage (Parquet files, the
//! atomic commit, scanning) and nothing of ingest.

use super::model::Reject;
use super::parse::ValueRef;
use super::validate::{LandedRows, Places};
use crate::lake::{
    slice_schema, stored, write_parquet, EarlyFlush, LakeError, ParquetFile, SliceColumn,
};
use crate::schema::{Kind, Table};
use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The lake columns of one table's landed rows `picked` (indexes into `landed`, in order).
fn table_slice<'a>(
    table: Table,
    landed: &'a LandedRows,
    picked: &[u32],
    places: &'a Places,
) -> PolarsResult<Vec<SliceColumn<'a>>> {
    let rows = &landed.rows;
    let mut cols: Vec<SliceColumn<'a>> = Vec::new();
    for (i, f) in table.fields().iter().enumerate() {
        if !stored(table, f.name, f.personal) {
            continue;
        }
        let name: PlSmallStr = f.name.into();
        let plain = |s: Series| SliceColumn::Plain(s.into_column());
        cols.push(match f.kind {
            Kind::Int { .. } | Kind::Amount { .. } => {
                let (values, there) = rows.ints_at(i, picked);
                plain(
                    Int64Chunked::from_vec_validity(name, values, there.map(Bitmap::from_iter))
                        .into_series(),
                )
            }
            Kind::Date => {
                let (days, there) = rows.days_at(i, picked);
                plain(
                    Int32Chunked::from_vec_validity(name, days, there.map(Bitmap::from_iter))
                        .into_series()
                        .cast(&DataType::Date)?,
                )
            }
            Kind::Bool => plain(Series::new(
                name,
                picked
                    .iter()
                    .map(|&r| match rows.field(r as usize, i) {
                        ValueRef::Bool(b) => Some(b),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            )),
            Kind::Id | Kind::Text | Kind::Enum(_) => {
                SliceColumn::texts(name, rows.texts_at(i, picked))
            }
        });
        if table == Table::Installments && f.name == "loan_id" {
            let funds = picked
                .iter()
                .map(|&r| landed.fund_id(r as usize).map(|t| t.as_str()));
            cols.push(SliceColumn::texts("fund_id".into(), funds));
        }
    }
    // Each row's origin found once (a search among its table's runs of sheets), for the
    // three lineage columns.
    let origins: Vec<_> = picked
        .iter()
        .map(|&r| landed.rows.origin(r as usize))
        .collect();
    let files = origins.iter().map(|&o| Some(places.file(o).unwrap_or("")));
    let sheets = origins.iter().map(|&o| places.sheet(o));
    let lines: Vec<i64> = origins.iter().map(|o| i64::from(o.row)).collect();
    cols.push(SliceColumn::texts("source_file".into(), files));
    cols.push(SliceColumn::texts("source_sheet".into(), sheets));
    cols.push(SliceColumn::Plain(
        Series::new("source_row".into(), lines).into_column(),
    ));
    Ok(cols)
}

/// One county's rows of a table: the table, its landed rows, the county ("" for rows with no
/// county) and the indexes of the county's rows, in order.
type Part<'a> = (Table, &'a LandedRows, &'a str, Vec<u32>);

/// A table's rows split by county, in the order of the counties' names.
fn partitions(table: Table, rows: &LandedRows) -> Vec<Part<'_>> {
    // Rows are gathered by their county's place (a handful), then the partitions are put in
    // the order of the counties' names; a row with no county place goes to "".
    let mut by_place: Vec<Vec<u32>> = vec![Vec::new(); rows.counties.len() + 1];
    for (i, &county) in rows.county.iter().enumerate() {
        let place = (county as usize).min(rows.counties.len());
        // Row indexes fit in u32: a run holds far fewer rows than [limits] allow files.
        by_place[place].push(u32::try_from(i).unwrap_or(u32::MAX));
    }
    let mut by_county: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (place, picked) in by_place.into_iter().enumerate() {
        if picked.is_empty() {
            continue;
        }
        let county = rows.counties.get(place).map_or("", |c| c.as_str());
        let rows_of_county = by_county.entry(county).or_default();
        if rows_of_county.is_empty() {
            *rows_of_county = picked;
        } else {
            // Two places of one name (never made by the checks): rows stay in order.
            rows_of_county.extend(picked);
            rows_of_county.sort_unstable();
        }
    }
    by_county
        .into_iter()
        .map(|(c, picked)| (table, rows, c, picked))
        .collect()
}

/// Writes every landed table under `lake`, one file per county partition. Returns the files.
pub fn write_tables(
    lake: &Path,
    landed: &BTreeMap<Table, LandedRows>,
    places: &Places,
) -> Result<Vec<PathBuf>, LakeError> {
    use rayon::prelude::*;
    let empty = LandedRows::default();
    // Each table's rows are split by county on a core of its own.
    let by_table: Vec<Vec<Part<'_>>> = Table::ALL
        .into_par_iter()
        .with_max_len(1)
        .map(|table| partitions(table, landed.get(&table).unwrap_or(&empty)))
        .collect();
    let parts: Vec<Part<'_>> = by_table.into_iter().flatten().collect();
    // Slices of a partition's rows are built on this thread and encoded on [`ENCODERS`] others,
    // one slice ahead of each: a partition goes whole to one encoder (its file is written in
    // order), and partitions are dealt to the encoders in turn. An encoder's work is partly
    // serial (pages compressed and written one after the other), so one encoder left a core
    // idle while the other waited on it; building frames on two threads as well was tried: no
    // faster on 2 cores, and 240 MB more memory.
    // Each complete file is flushed to the disk while the others are written.
    let flush = EarlyFlush::start(lake);
    let written = std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(ENCODERS);
        let mut encoders = Vec::with_capacity(ENCODERS);
        for _ in 0..ENCODERS {
            let (frames, slices) = std::sync::mpsc::sync_channel::<Slice<'_>>(1);
            senders.push(frames);
            let flush = &flush;
            encoders.push(scope.spawn(move || encode(slices, flush)));
        }
        let mut built = Ok(());
        'parts: for (p, (table, rows, county, picked)) in parts.into_iter().enumerate() {
            let frames = &senders[p % ENCODERS];
            let path = lake
                .join(table.name())
                .join(format!("county={county}"))
                .join("part-0.parquet");
            let slices = picked.chunks(SLICE_ROWS);
            let count = slices.len();
            for (n, slice) in slices.enumerate() {
                match table_slice(table, rows, slice, places) {
                    Ok(columns) => {
                        let slice = Slice {
                            path: path.clone(),
                            columns,
                            last: n + 1 == count,
                        };
                        if frames.send(slice).is_err() {
                            break 'parts; // the encoder stopped on an error, which join reports
                        }
                    }
                    Err(source) => {
                        built = Err(LakeError::Polars { path, source });
                        break 'parts;
                    }
                }
            }
        }
        drop(senders);
        let mut written = Vec::new();
        for encoder in encoders {
            let files = encoder.join().unwrap_or_else(|_| {
                Err(LakeError::Io {
                    action: "cannot write",
                    path: lake.to_owned(),
                    source: std::io::Error::other("the Parquet writer stopped unexpectedly"),
                })
            })?;
            written.extend(files);
        }
        built?;
        written.sort();
        Ok(written)
    });
    // Every file handed over is flushed (or failed) before the lake can be committed.
    let flushed = flush.finish();
    let written = written?;
    flushed?;
    Ok(written)
}

/// Threads that encode and write the lake's files while this one builds their frames.
const ENCODERS: usize = 2;

/// Writes the slices that arrive, each partition's in order, into their files, each handed to
/// `flush` once complete; returns the files. Stops at the first error (the sender then sees
/// the channel closed).
fn encode(
    slices: std::sync::mpsc::Receiver<Slice<'_>>,
    flush: &EarlyFlush,
) -> Result<Vec<PathBuf>, LakeError> {
    let mut written = Vec::new();
    let mut open: Option<ParquetFile> = None;
    for slice in slices {
        let mut file = match open.take() {
            Some(f) => f,
            None => ParquetFile::create(&slice.path, &slice_schema(&slice.columns))?,
        };
        file.write(&slice.columns)?;
        if slice.last {
            let path = file.finish()?;
            flush.flush(&path);
            written.push(path);
        } else {
            open = Some(file);
        }
    }
    Ok(written)
}

/// Rows of a partition put in one frame, and one row group of its file: about 7 MB of frame
/// for installments, where a county's whole partition (120,000 rows at scale 1) was twice that.
const SLICE_ROWS: usize = 65_536;

/// A slice of a partition's rows on its way to the encoder.
struct Slice<'a> {
    /// The partition's file.
    path: PathBuf,
    /// The rows, column by column.
    columns: Vec<SliceColumn<'a>>,
    /// Whether the partition's last rows.
    last: bool,
}

/// Writes `lake/rejects/rejects.parquet`: every rejected row with its reason and raw values.
pub fn write_rejects(
    lake: &Path,
    rejects: &[Reject],
    places: &Places,
) -> Result<PathBuf, LakeError> {
    let path = lake.join("rejects").join("rejects.parquet");
    let s = |name: &str, v: Vec<Option<String>>| Series::new(name.into(), v).into_column();
    let raw: Vec<Option<String>> = rejects
        .iter()
        .map(|r| {
            let obj: serde_json::Map<String, serde_json::Value> = r
                .raw_row
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            serde_json::to_string(&obj).ok()
        })
        .collect();
    let cols = vec![
        s(
            "source_file",
            rejects
                .iter()
                .map(|r| places.file(r.origin).map(str::to_owned))
                .collect(),
        ),
        s(
            "source_sheet",
            rejects
                .iter()
                .map(|r| places.sheet(r.origin).map(str::to_owned))
                .collect(),
        ),
        Series::new(
            "source_row".into(),
            rejects
                .iter()
                .map(|r| i64::from(r.origin.row))
                .collect::<Vec<_>>(),
        )
        .into_column(),
        s(
            "table",
            rejects
                .iter()
                .map(|r| Some(r.table.name().to_owned()))
                .collect(),
        ),
        s("county", rejects.iter().map(|r| r.county.clone()).collect()),
        s(
            "field",
            rejects.iter().map(|r| Some(r.field.clone())).collect(),
        ),
        s("column", rejects.iter().map(|r| r.column.clone()).collect()),
        s(
            "value",
            rejects.iter().map(|r| Some(r.value.clone())).collect(),
        ),
        s(
            "rule",
            rejects.iter().map(|r| Some(r.rule.to_owned())).collect(),
        ),
        s(
            "reason",
            rejects.iter().map(|r| Some(r.reason.clone())).collect(),
        ),
        s("raw_row", raw),
        // A cascade's first row to fix (the start of its chain): null for any other reject.
        s(
            "fix_first_file",
            rejects
                .iter()
                .map(|r| r.fix_first.and_then(|o| places.file(o).map(str::to_owned)))
                .collect(),
        ),
        s(
            "fix_first_sheet",
            rejects
                .iter()
                .map(|r| r.fix_first.and_then(|o| places.sheet(o).map(str::to_owned)))
                .collect(),
        ),
        Series::new(
            "fix_first_row".into(),
            rejects
                .iter()
                .map(|r| r.fix_first.map(|o| i64::from(o.row)))
                .collect::<Vec<_>>(),
        )
        .into_column(),
    ];
    let mut df = DataFrame::new(rejects.len(), cols).map_err(|source| LakeError::Polars {
        path: path.clone(),
        source,
    })?;
    write_parquet(&path, &mut df)?;
    Ok(path)
}
