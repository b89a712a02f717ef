//! The Parquet lake's storage: Hive-partitioned tables (`<table>/county=<slug>/part-0.parquet`)
//! with lineage columns, Parquet writing, the atomic replacement of a stage's output folder, and
//! scanning. It knows the lake's schema but nothing of how a stage builds its rows (ingest's
//! slices of rows are built in `crate::ingest::sink`); `lake/slice.rs` encodes a slice's
//! columns into Parquet pages.
//!
//! A stage writes into a temporary sibling folder and renames it into place only when every file
//! is complete, so a reader (or a nightly job that dies half way) never sees a half-written lake.
//! Rows are written in input order (file path, sheet order, row), so identical inputs give
//! identical files.

mod coded;
mod days;
mod slice;

use crate::schema::{Kind, Table};
pub use coded::Coded;
pub use days::day_range;
use polars::prelude::*;
use polars_parquet::write::{CompressedPage, ParquetType};
pub use slice::{row_groups, schema as slice_schema, SliceColumn};
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
    write_frame(KeptErrors::create(path)?, path, df)
}

/// [`write_parquet`] into `out`, naming `path` in errors.
fn write_frame<W: std::io::Write>(
    out: KeptErrors<W>,
    path: &Path,
    df: &mut DataFrame,
) -> Result<(), LakeError> {
    let failed = out.failed.clone();
    let written = ParquetWriter::new(out).with_compression(codec()).finish(df);
    written
        .map(|_| ())
        .map_err(|source| parquet_error(path, source, &failed))
}

/// The codec of every Parquet file: zstd at level 1 (fast to write, small enough).
fn codec() -> ParquetCompression {
    ParquetCompression::Zstd(polars::polars_utils::compression::ZstdLevel::try_new(1).ok())
}

/// A file being written that keeps the first error the system gave. Polars reports a failed
/// write as "Invalid thrift: transport error", which does not say that the disk is full; the
/// kept error does ("No space left on device").
///
/// The file is written through a buffer: Polars' writer hands over every page header and
/// page on its own, ~107,000 writes (one system call each, ~86 bytes on average) for the
/// 9 MB lake at scale 1. Polars flushes the buffer when it ends the file (and a write that
/// fails then is kept as any other); a file dropped unfinished is one whose writing failed.
struct KeptErrors<W = std::io::BufWriter<std::fs::File>> {
    file: W,
    failed: std::sync::Arc<std::sync::Mutex<Option<std::io::Error>>>,
}

impl KeptErrors {
    /// Creates the file, and its folder.
    fn create(path: &Path) -> Result<KeptErrors, LakeError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io("cannot create", parent))?;
        }
        let file = std::fs::File::create(path).map_err(io("cannot create", path))?;
        Ok(KeptErrors::new(std::io::BufWriter::with_capacity(
            WRITE_BUFFER_BYTES,
            file,
        )))
    }
}

/// The bytes a Parquet file gathers before they are written to the system.
const WRITE_BUFFER_BYTES: usize = 256 * 1024;

impl<W> KeptErrors<W> {
    fn new(file: W) -> KeptErrors<W> {
        KeptErrors {
            file,
            failed: Default::default(),
        }
    }

    fn keep(&self, e: std::io::Error) -> std::io::Error {
        if let Ok(mut failed) = self.failed.lock() {
            if failed.is_none() {
                *failed = Some(match e.raw_os_error() {
                    Some(code) => std::io::Error::from_raw_os_error(code),
                    None => std::io::Error::new(e.kind(), e.to_string()),
                });
            }
        }
        e
    }
}

impl<W: std::io::Write> std::io::Write for KeptErrors<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf).map_err(|e| self.keep(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush().map_err(|e| self.keep(e))
    }
}

/// Polars' error in writing `path`, or the system's when a write failed underneath it.
fn parquet_error(
    path: &Path,
    source: PolarsError,
    failed: &std::sync::Mutex<Option<std::io::Error>>,
) -> LakeError {
    match failed.lock().ok().and_then(|mut f| f.take()) {
        Some(io_error) => LakeError::Io {
            action: "cannot write",
            path: path.to_owned(),
            source: io_error,
        },
        None => LakeError::Polars {
            path: path.to_owned(),
            source,
        },
    }
}

/// A Parquet file written a slice of rows at a time, one row group per slice: a table's
/// partition never has to be a frame in memory whole. Its pages are encoded by `lake/slice.rs` and
/// compressed with one zstd context (one per task when a slice's columns are encoded side by
/// side); the file is the one Polars' writer makes of the same rows in the same row groups,
/// byte for byte.
pub struct ParquetFile {
    path: PathBuf,
    writer: polars::io::parquet::write::BatchedWriter<KeptErrors>,
    /// Compresses the file's pages (one zstd context for all of them).
    compressor: slice::PageCompressor,
    failed: std::sync::Arc<std::sync::Mutex<Option<std::io::Error>>>,
}

impl ParquetFile {
    /// Creates the file (and its folder) for frames of `schema`.
    pub fn create(path: &Path, schema: &Schema) -> Result<ParquetFile, LakeError> {
        let file = KeptErrors::create(path)?;
        let failed = file.failed.clone();
        let writer = ParquetWriter::new(file)
            .with_compression(codec())
            .batched(schema)
            .map_err(|source| parquet_error(path, source, &failed))?;
        Ok(ParquetFile {
            path: path.to_owned(),
            writer,
            compressor: slice::PageCompressor::new(codec().into()),
            failed,
        })
    }

    /// Writes one slice of rows (columns of the file's schema, in order) as a row group. Its
    /// text columns may come as distinct texts and places ([`SliceColumn::Text`]).
    pub fn write(&mut self, columns: &[SliceColumn]) -> Result<(), LakeError> {
        self.write_pages(columns, |types, options, compressor| {
            slice::row_group(columns, types, options, compressor)
        })
    }

    /// [`ParquetFile::write`] with the slice's columns encoded as tasks of the thread pool (the
    /// indicators table, whose writing shares the pool with the CSV beside it), not for the
    /// lake's files, which two encoder threads write two at a time: the same bytes.
    pub fn write_side_by_side(&mut self, columns: &[SliceColumn]) -> Result<(), LakeError> {
        self.write_pages(columns, |types, options, _| {
            slice::row_group_side_by_side(columns, types, options)
        })
    }

    /// Writes the row group whose pages `encode` makes of the file's Parquet types with the
    /// file's page options (and its compressor, if it will).
    fn write_pages(
        &mut self,
        columns: &[SliceColumn],
        encode: impl FnOnce(
            &[ParquetType],
            polars_parquet::write::WriteOptions,
            &mut slice::PageCompressor,
        ) -> PolarsResult<Vec<Vec<CompressedPage>>>,
    ) -> Result<(), LakeError> {
        let rows = columns.first().map_or(0, SliceColumn::len);
        if rows == 0 {
            return Ok(()); // as Polars' writer does: no empty row group
        }
        let types = self.writer.parquet_schema().fields().to_vec();
        let options = slice::options(codec().into());
        let written = encode(&types, options, &mut self.compressor).and_then(|pages| {
            // Row counts fit in u64 on every platform Polars runs on.
            self.writer
                .write_row_group(u64::try_from(rows).unwrap_or(u64::MAX), &pages)
        });
        written.map_err(|source| parquet_error(&self.path, source, &self.failed))
    }

    /// Writes the footer; returns the file's path.
    pub fn finish(self) -> Result<PathBuf, LakeError> {
        match self.writer.finish() {
            Ok(_) => Ok(self.path),
            Err(source) => Err(parquet_error(&self.path, source, &self.failed)),
        }
    }
}

/// A fresh temporary folder beside `dest` (inside the output folder) for a stage to write into.
///
/// First puts right what killed runs may have left beside it, for every output of the folder
/// (all quarters of `reports/`, say, not only `dest`): an output moved aside whose place is
/// empty is moved back; other moved-aside and temporary folders are removed. A leftover is one
/// whose process no longer exists, or one with this process's own id (a process stages each
/// output once, and a container may give every run the same id).
pub fn staging_dir(dest: &Path) -> Result<PathBuf, LakeError> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io("cannot create", parent))?;
    let name = file_name(dest);
    recover(parent)?;
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io("cannot clear", &tmp))?;
    }
    std::fs::create_dir_all(&tmp).map_err(io("cannot create", &tmp))?;
    Ok(tmp)
}

fn file_name(dest: &Path) -> String {
    dest.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stage".into())
}

/// A folder a stage leaves beside its output while it works: `.NAME.tmp-PID` (being written)
/// or `.NAME.old-PID` (the previous output, moved aside).
struct Leftover {
    path: PathBuf,
    /// The output it belongs to.
    name: String,
    /// Whether it is a moved-aside previous output.
    old: bool,
}

/// The leftovers in `parent` of processes that no longer exist (or of this process's id).
fn leftovers(parent: &Path) -> Vec<Leftover> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix('.') else {
            continue;
        };
        let parsed = [(".tmp-", false), (".old-", true)]
            .into_iter()
            .find_map(|(mark, old)| {
                let (name, pid) = rest.rsplit_once(mark)?;
                Some((name.to_owned(), old, pid.parse::<u32>().ok()?))
            });
        let Some((name, old, pid)) = parsed else {
            continue;
        };
        if pid == std::process::id() || !process_exists(pid) {
            found.push(Leftover {
                path: entry.path(),
                name,
                old,
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// Whether a process with this id exists (it may belong to someone else).
pub fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks whether the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Puts back outputs moved aside by a run killed between its two renames, and removes the
/// other leftovers of runs that no longer exist.
fn recover(parent: &Path) -> Result<(), LakeError> {
    for left in leftovers(parent) {
        let dest = parent.join(&left.name);
        if left.old && !dest.exists() {
            std::fs::rename(&left.path, &dest).map_err(io("cannot move back", &left.path))?;
            sync_dir(parent)?;
        } else {
            std::fs::remove_dir_all(&left.path).map_err(io("cannot remove", &left.path))?;
        }
    }
    Ok(())
}

/// Flushes every file and folder under `dir` to the disk.
///
/// The flushes are issued side by side from [`FLUSHERS`] threads: each waits on the disk, not
/// on a core, and the file system can write the journal once for several of them (a `run`'s
/// ~160 flushes took 90 ms one after the other at scale 1). Their order does not matter: all
/// of them are done before the folder is moved into place. The first failure in the tree's
/// order is the one reported.
pub fn sync_tree(dir: &Path) -> Result<(), LakeError> {
    let mut paths = Vec::new();
    list_tree(dir, &mut paths)?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    let flush = || loop {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Some(path) = paths.get(i) else { return };
        if let Err(e) = flush_file(path) {
            if let Ok(mut failed) = failures.lock() {
                failed.push((i, e));
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..FLUSHERS.min(paths.len()) {
            // Where no thread can be started, the ones that run (this one at least) do all.
            let _ = std::thread::Builder::new().spawn_scoped(scope, flush);
        }
        flush();
    });
    let failed = failures
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match failed.into_iter().min_by_key(|(i, _)| *i) {
        Some((i, e)) => Err(io(
            "cannot flush",
            paths.get(i).map_or(dir, PathBuf::as_path),
        )(e)),
        None => Ok(()),
    }
}

/// Flushes a file's data and metadata (or a folder's entries) to the disk.
fn flush_file(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path).and_then(|f| f.sync_all())
}

/// Threads that flush a tree's files ([`sync_tree`]).
const FLUSHERS: usize = 8;

/// Files flushed to the disk on a thread of their own as soon as they are complete, while the
/// rest of a staged output is still being written: [`commit`]'s flush then finds them on the
/// disk already (flushing the scale-1 lake's 58 files took ~11 ms at its commit with both
/// cores idle; flushing them again, ~2 ms). A failed flush fails the output, as [`commit`]'s
/// would: a file the system could not write is not moved into place. [`EarlyFlush::finish`]
/// must be called before the commit, or the flushes' failures are not seen.
#[must_use = "finish() reports the files that could not be flushed"]
pub struct EarlyFlush {
    /// The staged output's folder, named if the flushing thread stops unexpectedly.
    dir: PathBuf,
    files: Option<std::sync::mpsc::Sender<PathBuf>>,
    flusher: Option<std::thread::JoinHandle<Result<(), LakeError>>>,
}

impl EarlyFlush {
    /// Starts the flushing thread for the files of the staged output `dir`; where no thread
    /// can be started, its files are left to [`commit`].
    pub fn start(dir: &Path) -> EarlyFlush {
        let (files, complete) = std::sync::mpsc::channel::<PathBuf>();
        let spawned = std::thread::Builder::new()
            .name("sandogh-flush".into())
            .spawn(move || {
                for path in complete {
                    flush_file(&path).map_err(io("cannot flush", &path))?;
                }
                Ok(())
            });
        match spawned {
            Ok(flusher) => EarlyFlush {
                dir: dir.to_owned(),
                files: Some(files),
                flusher: Some(flusher),
            },
            Err(_) => EarlyFlush {
                dir: dir.to_owned(),
                files: None,
                flusher: None,
            },
        }
    }

    /// Hands over a complete file to be flushed.
    pub fn flush(&self, path: &Path) {
        if let Some(files) = &self.files {
            // A flusher that stopped on an error reports it at `finish`.
            let _ = files.send(path.to_owned());
        }
    }

    /// Waits until every file handed over is flushed; the first failure, if any.
    pub fn finish(mut self) -> Result<(), LakeError> {
        drop(self.files.take());
        match self.flusher.take().map(std::thread::JoinHandle::join) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(e))) => Err(e),
            Some(Err(_)) => Err(LakeError::Io {
                action: "cannot flush",
                path: self.dir.clone(),
                source: std::io::Error::other("the flushing thread stopped unexpectedly"),
            }),
        }
    }
}

/// The files and folders under `dir`, each folder after its contents, `dir` itself last.
fn list_tree(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LakeError> {
    for entry in std::fs::read_dir(dir).map_err(io("cannot read", dir))? {
        let entry = entry.map_err(io("cannot read", dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io("cannot read", &path))?;
        if kind.is_dir() {
            list_tree(&path, out)?;
        } else if kind.is_file() {
            out.push(path);
        }
    }
    out.push(dir.to_owned());
    Ok(())
}

/// Flushes a folder's entries (names created, renamed or removed in it) to the disk.
fn sync_dir(dir: &Path) -> Result<(), LakeError> {
    flush_file(dir).map_err(io("cannot flush", dir))
}

/// Swaps the folders `a` and `b` in one step (`renameat2(RENAME_EXCHANGE)`). `Ok(false)` when
/// the file system cannot.
fn exchange(a: &Path, b: &Path) -> Result<bool, LakeError> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes());
    let (Ok(ca), Ok(cb)) = (c(a), c(b)) else {
        return Ok(false);
    };
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(io("cannot swap into place", a)(e)),
    }
}

/// Moves a completed staging folder into place, replacing what was there, so that at every
/// moment `dest` is the old output or the new one, whole.
///
/// The staged files and folders are flushed to the disk first. Where the file system can, the
/// two folders are swapped in one step (`renameat2` with `RENAME_EXCHANGE`) and the old one,
/// now at the staging path, is removed. Elsewhere the old folder is renamed aside, the new one
/// renamed in, and the old one removed; a run killed between those two renames leaves the old
/// output aside, and the next run's [`staging_dir`] moves it back.
pub fn commit(staged: &Path, dest: &Path) -> Result<(), LakeError> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    sync_tree(staged)?;
    if dest.exists() {
        if exchange(staged, dest)? {
            sync_dir(parent)?;
            // The new output is in place; an old copy that cannot be removed now is swept by
            // the next run (its folder carries this process's id).
            let _ = std::fs::remove_dir_all(staged);
            return sync_dir(parent);
        }
        let old = parent.join(format!(".{}.old-{}", file_name(dest), std::process::id()));
        std::fs::rename(dest, &old).map_err(io("cannot move aside", dest))?;
        if let Err(e) = std::fs::rename(staged, dest) {
            // Put the old output back rather than leave none.
            let _ = std::fs::rename(&old, dest);
            return Err(io("cannot move into place", staged)(e));
        }
        sync_dir(parent)?;
        let _ = std::fs::remove_dir_all(&old); // swept by the next run if it fails now
    } else {
        std::fs::rename(staged, dest).map_err(io("cannot move into place", staged))?;
    }
    sync_dir(parent)
}

/// Writes an output folder whole: `fill` writes its files into a fresh staging folder beside
/// `dest` ([`staging_dir`]), which then replaces `dest` in one step ([`commit`]). When `fill`
/// fails, the staging folder is removed and `dest` is left as it was.
pub fn replace_dir<T, E: From<LakeError>>(
    dest: &Path,
    fill: impl FnOnce(&Path) -> Result<T, E>,
) -> Result<T, E> {
    let staged = staging_dir(dest)?;
    match fill(&staged) {
        Ok(done) => {
            commit(&staged, dest)?;
            Ok(done)
        }
        Err(e) => {
            // Swept by the next run's staging_dir if it cannot be removed now.
            let _ = std::fs::remove_dir_all(&staged);
            Err(e)
        }
    }
}

/// Writes one file of an output, naming it when that fails.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), LakeError> {
    std::fs::write(path, bytes).map_err(io("cannot write", path))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        frame_of(50_000)
    }

    fn frame_of(n: i64) -> DataFrame {
        let ids: Vec<i64> = (0..n).collect();
        let names: Vec<String> = (0..n).map(|i| format!("fund-{i}")).collect();
        DataFrame::new(
            n as usize,
            vec![
                Series::new("id".into(), ids).into_column(),
                Series::new("name".into(), names).into_column(),
            ],
        )
        .expect("frame")
    }

    /// Takes `room` bytes, then fails every write as a full disk does.
    struct Disk {
        room: usize,
    }

    impl std::io::Write for Disk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Wherever the disk fills (file header, a page, a page header, the footer: Polars words
    /// some of these "Invalid thrift: transport error"), the error says that it is full.
    #[test]
    fn a_full_disk_is_named_in_the_error_wherever_the_file_fills_it() {
        let mut df = frame_of(2_000);
        let mut size = Disk { room: usize::MAX };
        ParquetWriter::new(&mut size)
            .with_compression(codec())
            .finish(&mut df)
            .expect("written");
        let size = usize::MAX - size.room;
        let path = Path::new("lake/funds/part-0.parquet");
        // Every byte of the first and last kilobytes, and a step through the middle.
        let rooms = (0..size.min(1024))
            .chain(size.saturating_sub(1024)..size)
            .chain((0..size).step_by(97));
        for room in rooms {
            let e = write_frame(KeptErrors::new(Disk { room }), path, &mut df)
                .expect_err("the disk fills");
            let text = e.to_string();
            assert!(
                text.contains("No space left on device") && text.contains("part-0.parquet"),
                "full after {room} of {size} bytes: {text}"
            );
        }
    }

    /// `/dev/full` fails every write with ENOSPC, as a full disk does.
    #[test]
    fn a_sliced_file_on_a_full_disk_names_the_file_and_the_cause() {
        let full = Path::new("/dev/full");
        if !full.exists() {
            eprintln!("SKIPPED: no /dev/full here");
            return;
        }
        let whole = write_parquet(full, &mut frame()).expect_err("nothing can be written");
        let sliced = ParquetFile::create(full, frame().schema())
            .and_then(|mut f| {
                let columns: Vec<SliceColumn> = frame()
                    .columns()
                    .iter()
                    .cloned()
                    .map(SliceColumn::Plain)
                    .collect();
                f.write(&columns)?;
                f.finish()
            })
            .expect_err("nothing can be written");
        for e in [whole, sliced] {
            let text = e.to_string();
            assert!(text.contains("No space left on device"), "{text}");
            assert!(text.contains("/dev/full"), "{text}");
        }
    }

    #[test]
    fn files_flushed_early_pass_and_a_file_that_cannot_be_flushed_fails_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let fine = dir.path().join("a.parquet");
        std::fs::write(&fine, b"bytes").unwrap();
        let flush = EarlyFlush::start(dir.path());
        flush.flush(&fine);
        flush.flush(&fine);
        assert!(flush.finish().is_ok());

        let gone = dir.path().join("gone.parquet");
        let flush = EarlyFlush::start(dir.path());
        flush.flush(&gone);
        flush.flush(&fine);
        match flush.finish() {
            Err(LakeError::Io { action, path, .. }) => {
                assert_eq!((action, path), ("cannot flush", gone));
            }
            other => panic!("{other:?}"),
        }
    }

    /// Every file and folder of a tree is listed once, each folder after what it holds, so
    /// that [`sync_tree`] flushes all of them.
    #[test]
    fn a_tree_lists_every_file_and_folder_once_folders_after_their_contents() {
        let root = tempfile::tempdir().expect("temp dir");
        let mut made = vec![root.path().to_owned()];
        for county in ["abhar", "zanjan"] {
            let dir = root.path().join("funds").join(format!("county={county}"));
            std::fs::create_dir_all(&dir).expect("folder");
            for part in 0..12 {
                let file = dir.join(format!("part-{part}.parquet"));
                std::fs::write(&file, b"x").expect("file");
                made.push(file);
            }
            made.push(dir);
        }
        made.push(root.path().join("funds"));
        let mut listed = Vec::new();
        list_tree(root.path(), &mut listed).expect("listed");
        let place = |p: &Path| listed.iter().position(|l| l == p);
        for p in &made {
            let at = place(p).unwrap_or_else(|| panic!("{} not listed", p.display()));
            if let Some(parent) = p.parent().filter(|_| p != root.path()) {
                assert!(
                    place(parent) > Some(at),
                    "{} before its folder",
                    p.display()
                );
            }
        }
        assert_eq!(listed.len(), made.len(), "{listed:?}");
        assert_eq!(listed.last().map(PathBuf::as_path), Some(root.path()));
        sync_tree(root.path()).expect("a tree wider than the flushers is flushed");
        let gone = root.path().join("gone");
        let e = sync_tree(&gone).expect_err("no such folder");
        assert!(e.to_string().contains("gone"), "{e}");
    }
}
