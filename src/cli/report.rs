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

use super::{load_pipeline, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::calendar::Quarter;
use crate::config::Pipeline;
use crate::report::config::ReportDef;
use crate::report::i18n::Lang;
use crate::report::ReportError;
use std::path::{Path, PathBuf};

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
pub fn run(a: Args) -> i32 {
    let mut pipeline = match load_pipeline(a.pipeline.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(r) = a.report {
        if !r.is_file() {
            eprintln!(
                "error: the report file {} does not exist; pass an existing file to --report, or leave it out to use the built-in report",
                r.display()
            );
            return EXIT_USAGE;
        }
        pipeline.report = Some(r);
    }
    // As `indicators` does, the pipeline's quarter applies when --quarter is not given.
    let quarters = match super::indicators::parse_quarters(
        a.quarter.as_deref().or(pipeline.quarter.as_deref()),
    ) {
        Ok(q) => q,
        Err(code) => return code,
    };
    let (langs, def) = match resolve(&a.lang, &pipeline) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let _lock = match super::lock_out(&a.out, a.wait, false) {
        Ok(lock) => lock,
        Err(code) => return code,
    };
    report_stages(&a.out, &pipeline, quarters, &langs, &def, false, None)
}

/// The report's settings, resolved before any work so a bad language or report definition
/// stops a run before ingest: the languages and the report definition.
pub fn resolve(flags: &[String], pipeline: &Pipeline) -> Result<(Vec<Lang>, ReportDef), i32> {
    Ok((languages(flags, pipeline)?, report_def(pipeline)?))
}

/// The reports of every quarter of `quarters` (default: the latest in the indicators table),
/// one after the other; returns the first failing exit code, else success.
pub fn report_stages(
    out: &Path,
    pipeline: &Pipeline,
    quarters: Option<super::indicators::Quarters>,
    langs: &[Lang],
    def: &ReportDef,
    quiet: bool,
    run_fingerprint: Option<&str>,
) -> i32 {
    let Some(range) = quarters else {
        return report_stage(out, pipeline, None, langs, def, quiet, run_fingerprint);
    };
    for (i, q) in range.all().into_iter().enumerate() {
        if i > 0 && !quiet {
            println!();
        }
        let code = report_stage(out, pipeline, Some(q), langs, def, quiet, run_fingerprint);
        if code != EXIT_OK {
            return code;
        }
    }
    EXIT_OK
}

/// The languages asked for (see [`crate::plan::languages`]); an unknown code is a usage error.
fn languages(flags: &[String], pipeline: &Pipeline) -> Result<Vec<Lang>, i32> {
    crate::plan::languages(flags, pipeline).map_err(|m| {
        eprintln!("error: {m}");
        EXIT_USAGE
    })
}

/// The report definition (see [`crate::plan::report_definition`]), with its notes printed.
fn report_def(pipeline: &Pipeline) -> Result<ReportDef, i32> {
    let mut notes = Vec::new();
    let def = crate::plan::report_definition(pipeline, &mut notes);
    for n in notes {
        eprintln!("note: {n}");
    }
    def.map_err(|m| {
        eprintln!("error: {m}");
        EXIT_USAGE
    })
}

/// The report as a stage of a run: writes the workbooks and charts of `quarter` (default: the
/// latest quarter in the indicators table) in `langs` (default: the pipeline's languages, else
/// fa and en); returns the exit code.
pub fn report_stage(
    out: &Path,
    pipeline: &Pipeline,
    quarter: Option<Quarter>,
    langs: &[Lang],
    def: &ReportDef,
    quiet: bool,
    run_fingerprint: Option<&str>,
) -> i32 {
    let what = match quarter {
        Some(q) => format!("writing the workbooks and charts of {q}"),
        None => "writing the workbooks and charts".to_owned(),
    };
    let step = super::progress::step(super::progress::live(quiet), "report", &what);
    let done = crate::report::run(out, pipeline, def, quarter, langs, run_fingerprint);
    step.finish_and_clear();
    match done {
        Ok(done) => {
            if !quiet {
                println!("report → {}", done.dir.display());
                println!("  {}", done.chosen);
                for f in &done.files {
                    println!("  {f}");
                }
            }
            EXIT_OK
        }
        Err(ReportError::Usage(m)) => {
            eprintln!("error: {m}");
            EXIT_USAGE
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILURE
        }
    }
}
