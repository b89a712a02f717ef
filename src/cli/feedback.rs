//! `sandogh feedback --out DIR [--lang fa|en] [--pipeline FILE] [--wait]`
//!
//! Reads `<out>/lake/ingest-report.json` and `<out>/lake/rejects/rejects.parquet` and writes
//! `<out>/feedback/<county>-<lang>.xlsx` for every county office with a rejected row, a warning
//! or a file or sheet not read, and `_province-<lang>.xlsx` for rows of no county: what to fix,
//! where, and what to write instead. Persian (right to left) unless `--lang` says otherwise
//! (repeatable, or `fa,en`). `sandogh run` writes them too, in the run's languages.

use super::show::Terminal;
use super::{load_pipeline, Ended};
use crate::report::i18n::Lang;
use crate::run::Failure;
use std::path::PathBuf;

/// Arguments of `sandogh feedback`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder holding the lake; the workbooks go to <out>/feedback.
    #[arg(long)]
    pub out: PathBuf,
    /// Language of the workbooks: fa or en (repeat, or write fa,en, for both); default fa.
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Pipeline file (county names); default: the built-in pipeline.
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// If another run is writing to the same output folder, wait for it instead of stopping.
    #[arg(long)]
    pub wait: bool,
}

/// The languages asked for, Persian when none is.
pub fn languages(asked: &[String]) -> Result<Vec<Lang>, Failure> {
    if asked.is_empty() {
        return Ok(vec![Lang::Fa]);
    }
    let mut langs = Vec::new();
    for a in asked {
        let lang = Lang::parse(a)
            .ok_or_else(|| Failure::usage(format!("«{a}» is not a language here; use fa or en")))?;
        if !langs.contains(&lang) {
            langs.push(lang);
        }
    }
    Ok(langs)
}

/// Runs `sandogh feedback`.
pub fn run(a: Args) -> Ended {
    let pipeline = load_pipeline(a.pipeline.as_deref())?;
    let langs = languages(&a.lang)?;
    let show = Terminal::stage(false);
    let _lock = crate::run::lock_out(&a.out, a.wait, false, &show)?;
    crate::run::feedback(&a.out, &pipeline, &langs, &show)
}
