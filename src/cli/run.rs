//! `sandogh run [PIPELINE.toml] [--input DIR] [--out DIR] [--quarter Q|A..B] [--lang L] [--wait]`
//!
//! Runs every stage of a pipeline. With no arguments it runs `pipelines/quarterly.toml` on
//! `sample-data/` into `out/`. Flags win over the pipeline file. Every setting (quarter,
//! languages, report definition) is checked before the first stage starts. `--quarter A..B`
//! (backfill) computes the indicators up to B and writes the reports of every quarter from A to B.
//! Every run writes its manifest, `<out>/runs/<run-id>.json` (see [`crate::manifest`]). Stages:
//! ingest, feedback (the county offices' corrections workbooks, in the run's languages),
//! indicators, report. A partial ingest (files quarantined) still runs the later stages and ends
//! with exit code 3; a feedback that fails does not keep the reports from being written, but the
//! run ends with its failure. The run itself is [`crate::run::run`]; this module parses the
//! flags and prints the run's closing lines (text or JSON).

use super::show::Terminal;
use super::Ended;
use crate::run::{RunOptions, RunOutcome};
use std::path::PathBuf;

/// Arguments of `sandogh run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Pipeline file; default pipelines/quarterly.toml (or the built-in copy of it).
    pub pipeline: Option<PathBuf>,
    /// Folder of county exports (overrides the pipeline's `input`).
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Output folder (overrides the pipeline's `out`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Last quarter to compute, e.g. 1403Q2, or a range 1402Q1..1403Q2 to write the reports of
    /// every quarter in it (overrides the pipeline's `quarter`).
    #[arg(long)]
    pub quarter: Option<String>,
    /// Report language, fa or en (repeat, or write fa,en; overrides the pipeline's `languages`).
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Print only errors and the closing summary (for schedulers; also the pipeline's `quiet`).
    #[arg(long, conflicts_with = "no_quiet")]
    pub quiet: bool,
    /// Print every stage's summary even when the pipeline file says `quiet = true`.
    #[arg(long)]
    pub no_quiet: bool,
    /// `json`: instead of text, one JSON object per line on stdout for the run's start, each
    /// stage's start and end, and the run's end with its counts (errors stay text on stderr).
    /// Default: the pipeline's `log_format`, else text.
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// Run every stage even when the pipeline is incremental and nothing changed.
    #[arg(long)]
    pub full: bool,
    /// If another run is writing to the same output folder, wait for it instead of stopping.
    #[arg(long)]
    pub wait: bool,
}

pub use crate::config::LogFormat;

/// Runs `sandogh run`: the run itself is [`crate::run::run`]; this prints what it did.
pub fn run(a: Args) -> Ended {
    let show = Terminal::run(super::show::RunFlags {
        quiet: a.quiet,
        no_quiet: a.no_quiet,
        log_format: a.log_format,
    });
    let flags = crate::plan::Flags {
        pipeline: a.pipeline,
        input: a.input,
        out: a.out,
        quarter: a.quarter,
        langs: a.lang,
    };
    let options = RunOptions {
        full: a.full,
        wait: a.wait,
    };
    let done = crate::run::run(&flags, options, &show)?;
    let since = done.unchanged_since.as_deref();
    match &done.manifest {
        Ok(path) => {
            if show.json() {
                show.emit(
                    "run_end",
                    serde_json::json!({
                        "exit_status": done.exit.code(),
                        "seconds": done.stages.iter().map(|s| s.seconds).sum::<f64>(),
                        "rows": done.totals,
                        "unchanged_since": since,
                        "manifest": path.display().to_string(),
                    }),
                );
            } else {
                if since.is_none() {
                    if !show.quiet() {
                        println!();
                    }
                    println!("{}", closing_summary(&done));
                }
                println!("run {} → {}", done.run_id, path.display());
            }
        }
        Err(f) => super::show::failure(f),
    }
    Ok(done.exit)
}

/// One line a scheduler's log can keep: what was read, rejected and written, and how long it
/// took.
fn closing_summary(done: &RunOutcome) -> String {
    let (out, stages, status) = (&done.out, &done.stages, done.exit.code());
    let seconds: f64 = stages.iter().map(|s| s.seconds).sum();
    if !done.ingest_finished() {
        return format!(
            "done in {seconds:.1} s (exit {status}): ingest did not finish, so nothing was written; {} keeps its previous outputs",
            out.display()
        );
    }
    let n = |k: &str| {
        done.totals
            .as_ref()
            .and_then(|t| t.get(k))
            .and_then(|v| v.as_i64())
            .unwrap_or(0)
    };
    let ran: Vec<&str> = stages
        .iter()
        .filter(|s| !s.skipped)
        .map(|s| s.stage)
        .collect();
    format!(
        "done in {seconds:.1} s (exit {status}): {} files read ({} quarantined), {} rows read: {} landed, {} rejected, {} skipped, {} warnings; ran {}; outputs in {}",
        n("files_read"),
        n("files_quarantined"),
        n("rows_read"),
        n("landed"),
        n("rejected"),
        n("skipped_blank") + n("skipped_total") + n("skipped_duplicate"),
        n("warnings"),
        if ran.is_empty() { "nothing".to_owned() } else { ran.join(", ") },
        out.display()
    )
}
