//! `sandogh ingest --input DIR --out DIR [--pipeline FILE] [--quiet] [--wait]`
//!
//! Reads every county export under DIR (any sub-folders) and writes `<out>/lake/`: one Parquet
//! table per kind of row, partitioned by county, the rejects table, and `ingest-report.json`.
//! The old lake is replaced only once the new one is complete.

use super::{check_input, load_pipeline, EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL};
use std::path::{Path, PathBuf};

/// Arguments of `sandogh ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder of county exports.
    #[arg(long)]
    pub input: PathBuf,
    /// Output folder; the lake goes to <out>/lake.
    #[arg(long)]
    pub out: PathBuf,
    /// Pipeline file (counties, aliases); default: the built-in Zanjan pipeline.
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// Print only errors.
    #[arg(long)]
    pub quiet: bool,
    /// If another run is writing to the same output folder, wait for it instead of stopping.
    #[arg(long)]
    pub wait: bool,
}

/// Runs `sandogh ingest`.
pub fn run(a: Args) -> i32 {
    let pipeline = match load_pipeline(a.pipeline.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Err(code) = check_input(&a.input) {
        return code;
    }
    let _lock = match super::lock_out(&a.out, a.wait, true) {
        Ok(lock) => lock,
        Err(code) => return code,
    };
    ingest_stage(&a.input, &a.out, &pipeline, a.quiet, None)
}

/// Ingest as a stage of a run: reads, writes the lake, prints the summary; returns the exit code.
pub fn ingest_stage(
    input: &Path,
    out: &Path,
    pipeline: &crate::config::Pipeline,
    quiet: bool,
    cache: Option<&crate::ingest::cache::FileCache>,
) -> i32 {
    // On a terminal, a bar of the files as they are read, then a line per later step.
    let live = super::progress::live(quiet);
    let total = if live {
        crate::ingest::discover::discover(input).map_or(0, |f| f.len())
    } else {
        0
    };
    let bar = super::progress::files(live, "ingest", total);
    // Once every file is read the bar becomes a step line; a slower thread's late update must
    // not put a file name back on it.
    let stepped = std::sync::atomic::AtomicBool::new(false);
    let show = |p: crate::ingest::Progress| {
        if stepped.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
        bar.set_message(p.file.to_owned());
        if p.done == p.total {
            stepped.store(true, std::sync::atomic::Ordering::Relaxed);
            super::progress::to_step(&bar, "ingest", "checking rows across files");
        }
    };
    let read = crate::ingest::ingest_with(input, pipeline, &show, cache);
    let ingested = match read {
        Ok(i) => i,
        Err(e) => {
            bar.finish_and_clear();
            eprintln!("error: {e}");
            return EXIT_FAILURE;
        }
    };
    super::progress::to_step(&bar, "ingest", "writing the lake");
    let clock = std::time::Instant::now();
    let written = crate::ingest::write(&ingested, out);
    bar.finish_and_clear();
    let lake = match written {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILURE;
        }
    };
    if !quiet {
        println!("ingest {} → {}", input.display(), lake.display());
        if cache.is_some() {
            let files = ingested
                .files
                .iter()
                .filter(|f| f.found.claimed.is_some() && f.found.skip.is_none())
                .count();
            println!(
                "{} of {files} files unchanged since the last run: their rows were taken from {} instead of being read again",
                ingested.from_cache,
                crate::ingest::cache::CACHE_DIR
            );
        }
        print!("{}", crate::ingest::report::summary(&ingested.report));
        println!(
            "\nrejects: {}   report: {}",
            lake.join("rejects").join("rejects.parquet").display(),
            lake.join(crate::ingest::report::REPORT_FILE).display()
        );
        let steps: Vec<String> = ingested
            .timings
            .iter()
            .copied()
            .chain([("writing the lake", clock.elapsed())])
            .map(|(step, t)| format!("{step} {:.2} s", t.as_secs_f64()))
            .collect();
        println!("time: {}", steps.join(", "));
    }
    let partial = ingested.report.partial();
    drop(ingested);
    release_freed_memory();
    if partial {
        eprintln!("partial: some files or sheets were quarantined (listed above); the rest landed");
        EXIT_PARTIAL
    } else {
        EXIT_OK
    }
}

/// Hands the memory that ingest freed back to the system, so that the stages after it in a
/// `run` do not stack their peak on top of ingest's (glibc keeps freed memory in its arenas).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused memory of the allocator's own arenas to the
    // system; it touches no memory that is in use.
    unsafe {
        libc::malloc_trim(0);
    }
}
