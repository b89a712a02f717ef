//! `sandogh runs [--out DIR] [--limit N]`
//!
//! Lists the recent runs of an output folder from their manifests (`<out>/runs/*.json`),
//! newest first: run id, exit status, seconds, rows landed and rejected, files or sheets
//! quarantined.

use super::Ended;
use crate::run::Exit;
use std::path::PathBuf;

/// Arguments of `sandogh runs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// How many runs to list.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

/// Runs `sandogh runs`.
pub fn run(a: Args) -> Ended {
    let runs = crate::manifest::list(&a.out);
    if runs.is_empty() {
        println!(
            "no runs recorded in {} (each `sandogh run` writes one)",
            a.out.join(crate::manifest::RUNS_DIR).display()
        );
        return Ok(Exit::Ok);
    }
    println!(
        "{:<30} {:>6} {:>8} {:>9} {:>9} {:>12}  fingerprint",
        "run", "status", "seconds", "landed", "rejected", "quarantined"
    );
    let shown = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
    for r in runs.iter().take(a.limit) {
        println!(
            "{:<30} {:>6} {:>8.1} {:>9} {:>9} {:>12}  {}",
            r.run_id,
            r.exit_status,
            r.seconds,
            shown(r.landed),
            shown(r.rejected),
            r.quarantined,
            r.fingerprint
        );
    }
    Ok(Exit::Ok)
}
