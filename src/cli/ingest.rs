//! `sandogh ingest --input DIR --out DIR [--pipeline FILE] [--quiet] [--wait]`
//!
//! Reads every county export under DIR (any sub-folders) and writes `<out>/lake/`: one Parquet
//! table per kind of row, partitioned by county, the rejects table, and `ingest-report.json`.
//! The old lake is replaced only once the new one is complete.

use super::show::Terminal;
use super::{check_input, load_pipeline, Ended};
use std::path::PathBuf;

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
pub fn run(a: Args) -> Ended {
    let pipeline = load_pipeline(a.pipeline.as_deref())?;
    check_input(&a.input)?;
    let show = Terminal::stage(a.quiet);
    let _lock = crate::run::lock_out(&a.out, a.wait, true, &show)?;
    crate::run::ingest(&a.input, &a.out, &pipeline, None, None, &show)
}
