//! Stage 1, ingest: county exports → Parquet lake + rejects + ingest report
//! (DATA-CONTRACT.md §1–6).
//!
//! Steps, each its own module: [`discover`] lists the files; [`xlsx`] (the project's sheet
//! reader) and [`read`] (calamine for .xls/.ods and as the fallback, CSV) turn each file into
//! rows of raw cells as they stream (files are read in parallel, largest first); a
//! [`sheet::SheetBuilder`] takes each sheet's rows: [`locate`] finds its table, header row and
//! columns from the first rows, then [`rows`] parses every later row into a typed record or a
//! reject as it arrives; [`validate`] applies the rules that span rows and files (keys,
//! references and cascades, warnings) in input order; the [`report`] counts what became of
//! every row, and the [`sink`] writes the lake through [`crate::lake`] (storage only, which
//! imports nothing of ingest).
//!
//! Choices where the contract is silent:
//! - "rows read" of a sheet are the rows under its header, blank ones included; title rows above
//!   the header are not data rows. Exact duplicates are counted as skipped, so
//!   read = landed + rejected + skipped (blank + totals + duplicates) for every sheet.
//! - a row with several faults is rejected once; its reason lists every fault, its `field` is
//!   the first.
//! - the raw row kept with a reject holds only the mapped, non-personal columns: an unmapped
//!   column may hold personal data (an address, a father's name) that must not reach the lake.
//!   Rows rejected by a cross-row rule (duplicates, references) show their parsed values.
//! - a CSV row's `source_sheet` is null.
//! - left_on before joined_on is not rejected: the contract lists no such rule.

pub mod by_column;
pub mod cache;
pub mod digest;
pub mod discover;
pub mod fault;
pub mod flight;
pub mod guard;
pub mod locate;
pub mod mask;
pub mod model;
pub mod origins;
pub mod parse;
pub mod prefetch;
pub mod read;
pub mod report;
pub mod rows;
pub mod sheet;
pub mod sink;
pub mod validate;
pub mod watch;
pub mod xlsx;

use crate::config::Pipeline;
use crate::schema::Table;
use locate::{Matchers, Plan};
use model::{Origin, Reject, Rows, Warning};
use read::Format;
use report::IngestReport;
use rows::{ParsedRows, RowContext};
use sheet::SheetBuilder;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use validate::{Decided, Places};

/// Why ingest could not run at all (as opposed to rows or files it rejected).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The input folder cannot be listed.
    #[error("cannot read the input folder {path}: {source}; check the path")]
    Input {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The lake or report could not be written.
    #[error(transparent)]
    Lake(#[from] crate::lake::LakeError),
}

/// What became of one sheet (or CSV file).
#[derive(Debug)]
pub struct SheetOutcome {
    /// Sheet name; `None` for CSV.
    pub name: Option<String>,
    /// What was decided about the sheet.
    pub plan: Plan,
    /// Its rows, when read.
    pub parsed: ParsedRows,
}

/// What became of one file.
#[derive(Debug)]
pub struct FileOutcome {
    /// The file as found.
    pub found: discover::Found,
    /// What its bytes are, when they could be told.
    pub format: Option<Format>,
    /// Why the whole file was quarantined.
    pub quarantined: Option<String>,
    /// Notes about the file (e.g. an xlsx saved as .xls).
    pub notes: Vec<String>,
    /// Its sheets.
    pub sheets: Vec<SheetOutcome>,
}

/// Everything ingest decided, before anything is written.
#[derive(Debug)]
pub struct Ingested {
    /// Per file.
    pub files: Vec<FileOutcome>,
    /// File and sheet names for messages and lineage.
    pub places: Places,
    /// Landed rows, warnings and cross-row rejects.
    pub decided: Decided,
    /// Every rejected row, single-row and cross-row, in input order.
    pub rejects: Vec<Reject>,
    /// The counts and lists of the ingest report.
    pub report: IngestReport,
    /// Time spent per step.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// Files whose outcome came from the cache of an earlier run instead of being read.
    pub from_cache: usize,
}

/// Reads and checks every file under `input`; writes nothing.
pub fn ingest(input: &Path, pipeline: &Pipeline) -> Result<Ingested, IngestError> {
    ingest_with_progress(input, pipeline, &|_| {})
}

/// How far reading has got: `done` of `total` files read, the last one being `file`.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Files read so far.
    pub done: usize,
    /// Files found.
    pub total: usize,
    /// The file just read (relative to the input folder).
    pub file: &'a str,
}

/// [`ingest`], calling `progress` after each file is read (from the reading threads).
pub fn ingest_with_progress(
    input: &Path,
    pipeline: &Pipeline,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Ingested, IngestError> {
    ingest_with(input, pipeline, progress, None, None, None)
}

/// [`ingest_with_progress`], taking the outcome of every file whose bytes an earlier run read
/// from `cache` (and keeping the outcome of every file read now in it). The outcome of a file
/// does not depend on the other files, so this decides exactly what reading every file would.
/// With a `watch`, every file is marked while it is read, and a file an earlier run was reading
/// when it stopped is first read alone in a separate process ([`watch`]). With `digests`, the
/// size and sha256 of every file's bytes read are recorded there.
pub fn ingest_with(
    input: &Path,
    pipeline: &Pipeline,
    progress: &(dyn Fn(Progress) + Sync),
    cache: Option<&cache::FileCache>,
    watch: Option<&watch::Watch>,
    digests: Option<&digest::ReadDigests>,
) -> Result<Ingested, IngestError> {
    let found = discover::discover(input).map_err(|source| IngestError::Input {
        path: input.to_owned(),
        source,
    })?;
    // One set of lookups for the files of no county, one per county with settings of its own.
    let province = Matchers::new(pipeline);
    let by_county: BTreeMap<&str, Matchers> = pipeline
        .counties
        .iter()
        .filter(|c| !c.aliases.is_empty() || !c.units.is_empty())
        .map(|c| (c.slug.as_str(), Matchers::for_county(pipeline, Some(c))))
        .collect();
    let matchers_of = |rel: &str| {
        pipeline
            .county_of_file(rel)
            .and_then(|c| by_county.get(c.slug.as_str()))
            .unwrap_or(&province)
    };
    let ctx = row_context(pipeline);
    let clock = std::time::Instant::now();
    // Largest files first, so that the last one to finish is a small one; outcomes are put back
    // in path order, which everything after this depends on.
    let mut queue: Vec<(usize, u64, discover::Found)> = found
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let size = std::fs::symlink_metadata(&f.path).map_or(0, |m| m.len());
            (i, size, f)
        })
        .collect();
    queue.sort_by_key(|&(i, size, _)| (std::cmp::Reverse(size), i));
    prefetch::files(
        queue
            .iter()
            .filter(|(_, _, f)| f.to_read().is_some())
            .map(|(_, size, f)| (f.path.as_path(), *size)),
        &pipeline.limits,
    );
    let flight = flight::InFlight::new(pipeline.limits.in_flight_mb.saturating_mul(1_000_000));
    let total = queue.len();
    progress(Progress {
        done: 0,
        total,
        file: "",
    });
    let read = std::sync::atomic::AtomicUsize::new(0);
    let used = std::sync::Mutex::new(rustc_hash::FxHashSet::default());
    let from_cache = std::sync::atomic::AtomicUsize::new(0);
    let buffers = Buffers::default();
    let read_one = |(i, size, f): (usize, u64, discover::Found)| {
        let matchers = matchers_of(&f.rel);
        let _room = flight.take(size);
        let how = Reading {
            m: matchers,
            ctx: &ctx,
            limits: &pipeline.limits,
            cache,
            watch,
            pipeline,
            digests,
        };
        let mut buffer = buffers.lend();
        let (outcome, entry) = process_file(i as u32, f, &how, &mut buffer);
        buffers.give_back(buffer);
        if let Some((path, kept)) = entry {
            if kept {
                from_cache.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            if let Ok(mut used) = used.lock() {
                used.insert(path);
            }
        }
        let done = read.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(Progress {
            done,
            total,
            file: &outcome.found.rel,
        });
        (i, outcome)
    };
    let mut done = crate::queue::in_queue_order(queue, read_one);
    drop(buffers);
    done.sort_by_key(|(i, _)| *i);
    if let Some(w) = watch {
        w.forget_gone(&done.iter().map(|(_, f)| f.found.rel.as_str()).collect());
    }
    if let (Some(c), Ok(used)) = (cache, used.into_inner()) {
        c.sweep(&used);
    }
    let files: Vec<FileOutcome> = done.into_iter().map(|(_, f)| f).collect();
    let places = Places {
        files: files.iter().map(|f| f.found.rel.clone()).collect(),
        sheets: files
            .iter()
            .map(|f| f.sheets.iter().map(|s| s.name.clone()).collect())
            .collect(),
    };
    let mut early: Vec<Reject> = Vec::new();
    let mut row_warnings: Vec<Warning> = Vec::new();
    let mut files = files;
    let mut by_table: BTreeMap<Table, Vec<Rows>> = BTreeMap::new();
    for f in &mut files {
        for s in &mut f.sheets {
            if let Plan::Read(layout) = &s.plan {
                by_table
                    .entry(layout.table)
                    .or_default()
                    .push(std::mem::take(&mut s.parsed.records));
                early.append(&mut s.parsed.rejects);
                row_warnings.append(&mut s.parsed.warnings);
            }
        }
    }
    let read = clock.elapsed();
    // The tables' sheets are put together inside the checks, beside the parents' checks.
    let mut decided = validate::decide(by_table, &mut early, &places);
    let checked = clock.elapsed();
    decided.warnings.append(&mut row_warnings);
    decided.warnings.sort_by_key(|w| w.origin);
    let mut rejects = early;
    rejects.append(&mut decided.rejects);
    rejects.sort_by_key(|r| r.origin);
    // Nothing that looks like a national ID or a mobile is quoted, whatever its column.
    rejects.iter_mut().for_each(mask::reject);
    for w in &mut decided.warnings {
        mask::mask_in_place(&mut w.message);
    }
    let report = report::build(input, pipeline, &files, &places, &decided, &rejects);
    let timings = vec![
        ("read and parse", read),
        ("cross-row checks", checked - read),
        ("report", clock.elapsed() - checked),
    ];
    Ok(Ingested {
        files,
        places,
        decided,
        rejects,
        report,
        timings,
        from_cache: from_cache.into_inner(),
    })
}

/// The row lookups and limits of a pipeline.
fn row_context(pipeline: &Pipeline) -> RowContext {
    RowContext::new(pipeline.county_names())
        .with_largest_amount(pipeline.limits.largest_amount_rials)
        .with_cell_chars(pipeline.limits.cell_chars)
        .with_years(pipeline.limits.earliest_year, pipeline.limits.latest_year)
}

/// Reads one file as ingest would (`rel`: its path relative to the input folder, which tells
/// its county) and forgets what it read: the separate process of [`watch`] runs this, so that
/// a file that kills its reader kills only this process. Returns whether the file was
/// quarantined.
pub fn probe_file(path: &Path, rel: &str, pipeline: &Pipeline) -> bool {
    let mut bytes = Vec::new();
    match read_bytes(path, &pipeline.limits, &mut bytes) {
        Ok(()) => read_one(&bytes, rel, pipeline).quarantined.is_some(),
        Err(_) => true,
    }
}

/// What reading `bytes`, as the file `rel` of the input folder, decides: the same steps as
/// ingest for one file (its sheets located and every row parsed), without the checks across
/// files. For the probe of [`watch`] and the fuzz targets (`fuzz/`).
pub fn read_one(bytes: &[u8], rel: &str, pipeline: &Pipeline) -> FileOutcome {
    let county = pipeline
        .county_of_file(rel)
        .filter(|c| !c.aliases.is_empty() || !c.units.is_empty());
    let matchers = Matchers::for_county(pipeline, county);
    let ctx = row_context(pipeline);
    let claimed = Path::new(rel)
        .extension()
        .and_then(|e| read::Format::from_extension(&e.to_string_lossy()))
        .unwrap_or(Format::Xlsx);
    let out = FileOutcome {
        found: discover::Found {
            path: PathBuf::from(rel),
            rel: rel.to_owned(),
            claimed: Some(claimed),
            skip: None,
            broken: None,
        },
        format: None,
        quarantined: None,
        notes: Vec::new(),
        sheets: Vec::new(),
    };
    fault::before_reading(rel);
    read_file(0, out, bytes, claimed, &matchers, &ctx, &pipeline.limits)
}

/// Writes the lake of an ingest under `out/lake`, atomically: the old lake stays until the new
/// one is complete. Returns the lake folder. The frames built and encoded slice after slice
/// reuse each other's memory ([`crate::memory::reusing_large_blocks`]).
pub fn write(ingested: &Ingested, out: &Path) -> Result<PathBuf, IngestError> {
    let dest = out.join("lake");
    crate::memory::reusing_large_blocks(|| {
        crate::lake::replace_dir(&dest, |tmp| -> Result<(), IngestError> {
            sink::write_tables(tmp, &ingested.decided.landed, &ingested.places)?;
            sink::write_rejects(tmp, &ingested.rejects, &ingested.places)?;
            let json = serde_json::to_vec_pretty(&ingested.report).unwrap_or_default();
            crate::lake::write_file(&tmp.join(report::REPORT_FILE), &json)?;
            Ok(())
        })
    })?;
    Ok(dest)
}

/// What reading a file needs besides the file.
struct Reading<'a> {
    m: &'a Matchers,
    ctx: &'a RowContext,
    limits: &'a crate::config::Limits,
    cache: Option<&'a cache::FileCache>,
    watch: Option<&'a watch::Watch>,
    pipeline: &'a Pipeline,
    digests: Option<&'a digest::ReadDigests>,
}

/// Reads one file (or takes its outcome from the cache), its bytes into `buffer`. With a
/// cache, also returns the cache entry of the file and whether the outcome came from it.
fn process_file(
    index: u32,
    found: discover::Found,
    how: &Reading,
    buffer: &mut Vec<u8>,
) -> (FileOutcome, Option<(PathBuf, bool)>) {
    let Reading {
        m,
        ctx,
        limits,
        cache,
        watch,
        pipeline,
        digests,
    } = *how;
    let mut out = FileOutcome {
        found,
        format: None,
        quarantined: None,
        notes: Vec::new(),
        sheets: Vec::new(),
    };
    if let Some(why) = &out.found.broken {
        out.quarantined = Some(why.clone());
        return (out, None);
    }
    let Some(claimed) = out.found.to_read() else {
        return (out, None);
    };
    if let Err(why) = read_bytes(&out.found.path, limits, buffer) {
        out.quarantined = Some(why);
        return (out, None);
    }
    let bytes: &[u8] = buffer;
    // A file an earlier run stopped on is read alone first; while it is read here, it is
    // marked, so that a run it stops makes the next one check it.
    let suspected = watch.filter(|w| w.suspected(&out.found.rel));
    let read_here = |out: FileOutcome| {
        if let Some(w) = suspected {
            if let watch::Probed::Kills(why) = w.probe(&out.found.path, &out.found.rel, pipeline) {
                let mut out = out;
                out.quarantined = Some(why);
                return out;
            }
        }
        let _mark = watch.map(|w| w.begin(&out.found.rel));
        fault::before_reading(&out.found.rel);
        read_file(index, out, bytes, claimed, m, ctx, limits)
    };
    // The hash of the bytes read, not of the file as listed: a file that changes while the run
    // goes is kept and listed under what was actually read.
    let digest = (cache.is_some() || digests.is_some()).then(|| digest::Digest::of(bytes));
    if let (Some(digests), Some(digest)) = (digests, digest) {
        digests.record(&out.found.path, digest);
    }
    let (Some(cache), Some(digest)) = (cache, digest) else {
        return (read_here(out), None);
    };
    let sha = digest.sha256;
    if let Some(kept) = cache.load(&out.found.rel, &sha, index) {
        // Read well before with these bytes: whatever stopped a run, it was not this file.
        if let Some(w) = suspected {
            drop(w.begin(&out.found.rel));
        }
        return (kept.outcome.into_file(out.found), Some((kept.path, true)));
    }
    let out = read_here(out);
    if out
        .quarantined
        .as_deref()
        .is_some_and(|q| q.starts_with(watch::STOPPED))
    {
        // Not cached: the next run must probe it again.
        return (out, None);
    }
    let entry = cache.store(&out.found.rel, &sha, &out).map(|p| (p, false));
    (out, entry)
}

/// Reads a file's bytes into its outcome.
fn read_file(
    index: u32,
    mut out: FileOutcome,
    bytes: &[u8],
    claimed: Format,
    m: &Matchers,
    ctx: &RowContext,
    limits: &crate::config::Limits,
) -> FileOutcome {
    let sniffed = read::sniff_workbook(bytes);
    let format = match (claimed, sniffed) {
        (Format::Csv, Ok(f)) => {
            out.notes.push(format!(
                "the file is named .csv but holds {}; it was read as such",
                f.describe()
            ));
            f
        }
        (Format::Csv, Err(_)) => Format::Csv,
        (_, Ok(f)) => {
            if f != claimed {
                out.notes.push(format!(
                    "the extension says {} but the file holds {}; it was read by its content (save it with the right extension)",
                    claimed.describe(),
                    f.describe()
                ));
            }
            f
        }
        (_, Err(why)) => {
            out.quarantined = Some(why);
            return out;
        }
    };
    out.format = Some(format);
    let stem = Path::new(&out.found.rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A reader library that panics on a malformed file must not end the run: the file is
    // quarantined like any other unreadable one.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheets(index, bytes, format, &stem, m, ctx, limits)
    }))
    .unwrap_or_else(|_| Err("the file is malformed in a way the spreadsheet reader could not handle; open and re-save it".into()));
    match read {
        Ok((sheets, mut notes)) => {
            out.sheets = sheets;
            out.notes.append(&mut notes);
        }
        Err(why) => out.quarantined = Some(why),
    }
    out
}

/// Reads a file's sheets into their outcomes, row by row: xlsx with the project's own sheet
/// reader ([`xlsx`]), falling back to calamine (with a note) for what that reader does not
/// handle; .xls and .ods with calamine; CSV with the csv crate. Returns the sheets and notes.
fn read_sheets(
    index: u32,
    bytes: &[u8],
    format: Format,
    stem: &str,
    m: &Matchers,
    ctx: &RowContext,
    limits: &crate::config::Limits,
) -> Result<(Vec<SheetOutcome>, Vec<String>), String> {
    let mut notes = Vec::new();
    let mut size = FileSize::new(limits);
    if format == Format::Xlsx {
        let mut done: Vec<SheetOutcome> = Vec::new();
        let mut current: Option<SheetBuilder> = None;
        let read = xlsx::read(
            bytes,
            xlsx::Budgets::from_limits(limits),
            |event| match event {
                xlsx::Event::Sheet(name) => {
                    done.extend(current.take().map(SheetBuilder::finish));
                    let si = done.len() as u32;
                    current = Some(SheetBuilder::new(
                        Some(name.clone()),
                        name,
                        (index, si),
                        m,
                        ctx,
                    ));
                }
                xlsx::Event::Row(row) => {
                    // Past a limit the rest is scanned but kept nowhere; the file is then
                    // quarantined.
                    if size.add(row) {
                        if let Some(b) = current.as_mut() {
                            b.push(row);
                        }
                    }
                }
            },
        );
        match read {
            Ok(()) => {
                size.check()?;
                done.extend(current.take().map(SheetBuilder::finish));
                return Ok((done, notes));
            }
            Err(xlsx::ReadError::Limit(why)) => return Err(format!("{why}; the file is over a reading limit, so it was not read. Check that it is a real export")),
            Err(xlsx::ReadError::Refused(why)) => return Err(why),
            Err(xlsx::ReadError::Unsupported(why)) => notes.push(format!(
                "read with the general spreadsheet reader (calamine): the fast xlsx reader does not handle {why}"
            )),
        }
    }
    let sheets = if format == Format::Csv {
        vec![read::read_csv(bytes)?]
    } else {
        if matches!(format, Format::Xlsx | Format::Ods) {
            let budget = limits.calamine_inflated_mb.saturating_mul(1_000_000);
            read::check_inflated(
                bytes,
                budget,
                limits.compression_ratio,
                limits.cells_per_file,
            )?;
        }
        if format == Format::Xls {
            guard::check_xls(bytes, limits.cells_per_file)?;
        }
        let sheets = read::read_workbook(bytes.to_vec(), format)?;
        if sheets.len() as u64 > limits.sheets_per_file {
            return Err(format!(
                "{}; the file is over a reading limit, so it was not read. Check that it is a real export",
                xlsx::sheets_reason(limits.sheets_per_file)
            ));
        }
        sheets
    };
    // Counted afresh: rows the fast xlsx reader saw before it handed the file over are not
    // counted twice.
    let mut size = FileSize::new(limits);
    for sheet in &sheets {
        for row in &sheet.rows {
            size.add(row);
        }
    }
    size.check()?;
    let outcomes = sheets
        .into_iter()
        .enumerate()
        .map(|(si, sheet)| {
            let name_for_match = sheet.name.clone().unwrap_or_else(|| stem.to_owned());
            let mut b = SheetBuilder::new(sheet.name, name_for_match, (index, si as u32), m, ctx);
            b.csv_open_quote(sheet.open_quote);
            for row in &sheet.rows {
                b.push(row);
            }
            b.finish()
        })
        .collect();
    Ok((outcomes, notes))
}

/// Rows and cells of one file against `[limits] rows_per_file` and `cells_per_file`.
struct FileSize {
    rows: u64,
    cells: u64,
    max_rows: u64,
    max_cells: u64,
}

impl FileSize {
    fn new(limits: &crate::config::Limits) -> FileSize {
        FileSize {
            rows: 0,
            cells: 0,
            max_rows: limits.rows_per_file,
            max_cells: limits.cells_per_file,
        }
    }

    /// Counts a row (blank ones cost nothing and are not counted); false once the file is
    /// over a limit.
    fn add(&mut self, row: &read::Row) -> bool {
        let cells = row.cells.iter().filter(|c| !c.is_blank()).count() as u64;
        if cells > 0 {
            self.rows += 1;
            self.cells += cells;
        }
        self.rows <= self.max_rows && self.cells <= self.max_cells
    }

    /// The quarantine reason when the file was over a limit.
    fn check(&self) -> Result<(), String> {
        if self.rows > self.max_rows {
            return Err(format!(
                "the file has more than {} rows ([limits] rows_per_file), so it was not read; split it or check that it is a real export",
                self.max_rows
            ));
        }
        if self.cells > self.max_cells {
            return Err(format!(
                "the file has more than {} cells with a value ([limits] cells_per_file), so it was not read; split it or check that it is a real export",
                self.max_cells
            ));
        }
        Ok(())
    }
}

/// Reads the file at `path` into `bytes` (emptied first; its memory is reused unless it is
/// over 1.5 times the file's size): a file's buffer is the largest allocation of its reading,
/// and on a virtual machine each page of fresh memory costs a fault and a zeroing (at scale 1,
/// ~12k faults and ~6% of ingest's CPU went to the eight files' buffers). Never reads more
/// than the file limit: a file that grows past it between the size check and the read is
/// refused all the same.
fn read_bytes(
    path: &Path,
    limits: &crate::config::Limits,
    bytes: &mut Vec<u8>,
) -> Result<(), String> {
    use std::io::Read;
    let vanished = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            "the file vanished while the run was going (moved or deleted after the folder was listed); it was not read: run again once the folder is complete".to_owned()
        } else {
            format!("cannot be opened: {e}")
        }
    };
    let too_large = |len: u64| {
        format!(
            "the file is {} MB, over the {} MB a county export can be ([limits] file_mb); split it or check that it is the right file",
            len.div_ceil(1_000_000),
            limits.file_mb
        )
    };
    let unreadable = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            vanished(e)
        } else {
            format!("cannot be read: {e}")
        }
    };
    let meta = std::fs::metadata(path).map_err(vanished)?;
    if meta.len() > limits.file_bytes() {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // The size the file system gives (already under the limit), not one the file declares.
    let size = usize::try_from(meta.len()).unwrap_or(0);
    if bytes.capacity() > size.saturating_add(size / 2) {
        // A buffer much larger than this file (a larger file's, lent on) is not kept for it.
        *bytes = Vec::new();
    }
    bytes.clear();
    bytes.reserve_exact(size);
    file.take(limits.file_bytes().saturating_add(1))
        .read_to_end(bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limits.file_bytes() {
        bytes.clear();
        return Err(format!(
            "the file grew past the {} MB a county export can be ([limits] file_mb) while it was read; run again once it is complete, or check that it is the right file",
            limits.file_mb
        ));
    }
    Ok(())
}

/// Buffers up to this capacity are kept for the next file; a larger one (a file far above a
/// county export's usual few MB) is freed once read, so that the pool holds no more than this
/// per reading thread beyond the files being read.
const KEPT_BUFFER_BYTES: usize = 128 * 1024 * 1024;

/// The file buffers of the reading threads, each lent to one file at a time and reused for the
/// next (see [`read_bytes`]); all freed when the reading is over.
#[derive(Default)]
struct Buffers(std::sync::Mutex<Vec<Vec<u8>>>);

impl Buffers {
    /// A buffer to read a file into: one a file before used, or a new one.
    fn lend(&self) -> Vec<u8> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop()
            .unwrap_or_default()
    }

    /// Takes back a buffer once its file is read (frees it when over [`KEPT_BUFFER_BYTES`]).
    fn give_back(&self, buffer: Vec<u8>) {
        if buffer.capacity() <= KEPT_BUFFER_BYTES {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(buffer);
        }
    }
}

/// The origin of a whole file, for notes.
pub fn file_origin(file: u32) -> Origin {
    Origin {
        file,
        sheet: 0,
        row: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_buffer_holds_only_the_file_read_last() {
        let dir = tempfile::tempdir().unwrap();
        let (large, small) = (dir.path().join("large.xlsx"), dir.path().join("small.xlsx"));
        std::fs::write(&large, vec![7u8; 300_000]).unwrap();
        std::fs::write(&small, b"PK small").unwrap();
        let limits = crate::config::Limits::default();
        let buffers = Buffers::default();
        let mut buffer = buffers.lend();
        read_bytes(&large, &limits, &mut buffer).unwrap();
        assert_eq!(buffer.len(), 300_000);
        buffers.give_back(buffer);
        let mut buffer = buffers.lend();
        assert!(
            buffer.capacity() >= 300_000,
            "the large file's buffer is lent again"
        );
        read_bytes(&small, &limits, &mut buffer).unwrap();
        assert_eq!(buffer, b"PK small");
        assert!(
            buffer.capacity() < 300_000,
            "a buffer far larger than the file is not kept"
        );
        buffers.give_back(vec![0; KEPT_BUFFER_BYTES + 1]);
        assert_eq!(
            buffers.lend().capacity(),
            0,
            "too large a buffer is not kept"
        );
        let why = read_bytes(&dir.path().join("gone.xlsx"), &limits, &mut buffer).unwrap_err();
        assert!(why.contains("vanished"), "{why}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_is_never_read_past_the_limit_whatever_its_size_said() {
        // A named pipe's size reads 0, like a file that grows after its size was checked:
        // the read itself stops at the limit.
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("growing.xlsx");
        let name = std::ffi::CString::new(pipe.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo only creates a file at a path the test owns.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let writer = {
            let pipe = pipe.clone();
            std::thread::spawn(move || {
                use std::io::Write;
                let mut w = std::fs::OpenOptions::new().write(true).open(pipe).unwrap();
                // The reader stops at the limit and closes the pipe: writing then fails.
                let _ = w.write_all(&vec![1u8; 3_000_000]);
            })
        };
        let limits = crate::config::Limits {
            file_mb: 1,
            ..crate::config::Limits::default()
        };
        let mut buffer = Vec::new();
        let why = read_bytes(&pipe, &limits, &mut buffer).unwrap_err();
        // A writer still waiting for a reader (had the pipe not been opened) is let through,
        // so that the test fails instead of hanging.
        {
            use std::os::unix::fs::OpenOptionsExt;
            let _reader = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&pipe);
        }
        writer.join().unwrap();
        assert!(why.contains("grew past the 1 MB"), "{why}");
        assert!(buffer.is_empty());
        assert!(
            buffer.capacity() < 3_000_000,
            "read no further than the limit: {}",
            buffer.capacity()
        );
    }
}
