//! `sandogh report --out DIR [--quarter Q|A..B] [--lang fa|en] [--pipeline FILE] [--report FILE] [--wait]`
//!
//! Reads `<out>/indicators/indicators.parquet` (and `<out>/lake/ingest-report.json` for the Data
//! quality sheet) and writes `<out>/reports/<quarter>/`: `sandogh-<quarter>-fa.xlsx` and
//! `-en.xlsx`, and the Summary's charts as `charts/<chart>-<lang>.svg` and `.png`. Q defaults to
//! the pipeline's `quarter`, else the latest quarter in the indicators table; a range `A..B`
//! (backfill) writes the reports of every quarter from A to B; the languages to `--lang` (repeatable, or
//! `fa,en`), else the pipeline's `languages`, else both. What the workbooks hold comes from the
//! report file: `--report`, else the pipeline's `report` (default `reports/quarterly.toml`), else
//! the built-in copy of `reports/quarterly.toml`.

use super::show::Terminal;
use super::{load_pipeline, Ended};
use crate::run::{Failure, Observer};
use std::path::PathBuf;

/// Arguments of `sandogh report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder holding the indicators (and the lake); reports go to <out>/reports.
    #[arg(long)]
    pub out: PathBuf,
    /// Quarter to report, e.g. 1403Q4 (default: the latest in the indicators table).
    #[arg(long)]
    pub quarter: Option<String>,
    /// Language of the workbook and charts: fa or en (repeat, or write fa,en, for both).
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Pipeline file (counties, languages, report file); default: the built-in pipeline.
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// Report definition file (default: the pipeline's, else the built-in one).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// If another run is writing to the same output folder, wait for it instead of stopping.
    #[arg(long)]
    pub wait: bool,
}

/// Runs `sandogh report`.
pub fn run(a: Args) -> Ended {
    let mut pipeline = load_pipeline(a.pipeline.as_deref())?;
    if let Some(r) = a.report {
        if !r.is_file() {
            return Err(Failure::usage(format!(
                "the report file {} does not exist; pass an existing file to --report, or leave it out to use the built-in report",
                r.display()
            )));
        }
        pipeline.report = Some(r);
    }
    // As `indicators` does, the pipeline's quarter applies when --quarter is not given.
    let quarters =
        super::indicators::parse_quarters(a.quarter.as_deref().or(pipeline.quarter.as_deref()))?;
    let show = Terminal::stage(false);
    let langs = crate::plan::languages(&a.lang, &pipeline).map_err(Failure::usage)?;
    let mut notes = Vec::new();
    let def = crate::plan::report_definition(&pipeline, &mut notes);
    for n in &notes {
        show.note(n);
    }
    let def = def.map_err(Failure::usage)?;
    let _lock = crate::run::lock_out(&a.out, a.wait, false, &show)?;
    crate::run::report(&a.out, &pipeline, quarters, &langs, &def, None, &show)
}
