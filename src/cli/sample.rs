//! `sandogh sample-data --out DIR [--scale X] [--seed N]`
//!
//! Writes a sample province's county exports, each county in its own export style. Scale 1 with
//! the default seed is the bundled `sample-data/`, made to the seed article's figures; larger
//! scales make larger provinces of the same shapes, for benchmarks. Deterministic for a seed.

use super::Ended;
use crate::run::{Exit, Failure};
use std::path::PathBuf;

/// Arguments of `sandogh sample-data`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to write into.
    #[arg(long)]
    pub out: PathBuf,
    /// Size of the province relative to the bundled sample (funds per county × X).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1399)]
    pub seed: u64,
}

/// Runs `sandogh sample-data`.
pub fn run(a: Args) -> Ended {
    if !(a.scale.is_finite() && a.scale > 0.0 && a.scale <= 1000.0) {
        return Err(Failure::usage(format!(
            "--scale must be a number above 0 and at most 1000, not {}",
            a.scale
        )));
    }
    let opts = crate::sample::SampleOptions {
        out: a.out.clone(),
        scale: a.scale,
        seed: a.seed,
    };
    let summary = crate::sample::write_sample(&opts).map_err(Failure::failed)?;
    println!(
        "wrote {} files under {}",
        summary.files.len(),
        a.out.display()
    );
    for (table, n) in &summary.rows_per_table {
        println!("  {table:<13} {n:>9} rows");
    }
    Ok(Exit::Ok)
}
