//! `sandogh template --out DIR [--county C] [--lang fa|en] [--pipeline FILE] [--wait]`
//!
//! Writes export templates for county offices into `<out>/templates/`: `template-<lang>.xlsx`
//! (blank), or with `--county` (a name in any spelling the pipeline lists, repeatable, or
//! `all`) `template-<county>-<lang>.xlsx` with the county's funds from `<out>/lake` filled in
//! when there is a lake. One sheet per table with headers, notes, lists and formats; a
//! template ingests as is. Persian unless `--lang` says otherwise.

use super::show::Terminal;
use super::{load_pipeline, Ended};
use crate::run::{Exit, Failure};
use std::path::PathBuf;

/// Arguments of `sandogh template`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder (holding the lake, for --county); templates go to <out>/templates.
    #[arg(long)]
    pub out: PathBuf,
    /// County the template is for (repeat, or write a,b; `all` for every county); none: blank.
    #[arg(long, value_delimiter = ',')]
    pub county: Vec<String>,
    /// Language of the templates: fa or en (repeat, or write fa,en, for both); default fa.
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Pipeline file (counties and their names); default: the built-in pipeline.
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// If another run is writing to the same output folder, wait for it instead of stopping.
    #[arg(long)]
    pub wait: bool,
}

/// Runs `sandogh template`.
pub fn run(a: Args) -> Ended {
    let pipeline = load_pipeline(a.pipeline.as_deref())?;
    let langs = super::feedback::languages(&a.lang)?;
    let counties = crate::template::resolve_counties(&pipeline, &a.county)?;
    let show = Terminal::stage(false);
    let _lock = crate::run::lock_out(&a.out, a.wait, true, &show)?;
    let done = crate::template::run(&a.out, &pipeline, &counties, &langs).map_err(Failure::from)?;
    println!("template → {}", done.dir.display());
    for (name, funds) in &done.files {
        if *funds > 0 {
            println!("  {name} ({funds} funds filled in)");
        } else {
            println!("  {name}");
        }
    }
    if !counties.is_empty() && !done.had_lake {
        println!(
            "  no lake at {}: the funds sheets are empty; run `sandogh ingest` first to fill them",
            a.out.join("lake").display()
        );
    }
    Ok(Exit::Ok)
}
