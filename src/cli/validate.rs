//! `sandogh validate --input DIR [--pipeline FILE] [--report FILE]`
//!
//! Applies every check of ingest without writing a lake, and prints the problems grouped by
//! file with row numbers. Exits 3 when a file or sheet would be quarantined, 4 when rows would be
//! rejected, 0 when the exports are clean. `--report` also writes the ingest report as JSON.

use super::{check_input, load_pipeline, Ended};
use crate::run::Failure;
use std::path::PathBuf;

/// Arguments of `sandogh validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder of county exports.
    #[arg(long)]
    pub input: PathBuf,
    /// Pipeline file (counties, aliases); default: the built-in Zanjan pipeline.
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// Also write the data-quality report (JSON) to this file.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// Runs `sandogh validate`.
pub fn run(a: Args) -> Ended {
    let pipeline = load_pipeline(a.pipeline.as_deref())?;
    check_input(&a.input)?;
    let ingested = crate::ingest::ingest(&a.input, &pipeline)?;
    let problems = crate::ingest::report::problems_by_file(
        &ingested.report,
        &ingested.rejects,
        &ingested.places,
    );
    print!("{problems}");
    if !problems.is_empty() {
        println!();
    }
    print!("{}", crate::ingest::report::summary(&ingested.report));
    if let Some(path) = a.report {
        let json = serde_json::to_vec_pretty(&ingested.report).unwrap_or_default();
        std::fs::write(&path, json)
            .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(crate::run::validated(&ingested.report))
}
