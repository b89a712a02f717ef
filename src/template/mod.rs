//! Export templates for county offices: `sandogh template` writes an .xlsx that ingests as is,
//! one sheet per table of the data contract with headers, notes, lists and formats that make
//! the common mistakes hard to make (see [`workbook`]), in `<out>/templates/`:
//!
//! ```text
//! template-<lang>.xlsx            blank
//! template-<county>-<lang>.xlsx   for one county: its funds from the lake filled in
//! ```
//!
//! The folder is replaced as a whole (written beside it and moved into place); templates of
//! other counties or languages written by an earlier `sandogh template` are kept in it.

pub mod columns;
pub mod prefill;
pub mod workbook;

use crate::config::Pipeline;
use crate::report::i18n::Lang;
use crate::schema::Table;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why templates could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// A county that the pipeline does not list (a usage error).
    #[error("{0}")]
    Usage(String),
    /// The lake's funds could not be read.
    #[error("cannot read the funds of {path}: {source}")]
    Lake {
        /// The lake.
        path: String,
        /// Why.
        source: polars::error::PolarsError,
    },
    /// A workbook could not be written.
    #[error("cannot write the template {name}: {source}")]
    Xlsx {
        /// The file.
        name: String,
        /// Why.
        source: rust_xlsxwriter::XlsxError,
    },
    /// Files could not be written or moved into place.
    #[error(transparent)]
    Files(#[from] crate::lake::LakeError),
}

/// What `sandogh template` wrote.
#[derive(Debug, Clone)]
pub struct TemplateDone {
    /// `<out>/templates`.
    pub dir: PathBuf,
    /// Files written, with the number of funds filled in each.
    pub files: Vec<(String, usize)>,
    /// Whether a lake was there to take funds from.
    pub had_lake: bool,
}

/// The file name of a template.
pub fn file_name(county: Option<&str>, lang: Lang) -> String {
    match county {
        Some(slug) => format!("template-{slug}-{}.xlsx", lang.code()),
        None => format!("template-{}.xlsx", lang.code()),
    }
}

/// The counties asked for by name (any spelling the pipeline lists, or `all`), as slugs in
/// the pipeline's order; a name the pipeline does not know is a usage error.
pub fn resolve_counties(
    pipeline: &Pipeline,
    asked: &[String],
) -> Result<Vec<String>, TemplateError> {
    if asked.iter().any(|a| a.trim().eq_ignore_ascii_case("all")) {
        return Ok(pipeline.counties.iter().map(|c| c.slug.clone()).collect());
    }
    let names = pipeline.county_names();
    let mut slugs = Vec::new();
    for a in asked {
        match names.resolve(a) {
            Some(slug) => {
                if !slugs.iter().any(|s: &String| s == slug) {
                    slugs.push(slug.to_owned());
                }
            }
            None => {
                return Err(TemplateError::Usage(format!(
                    "«{a}» is not a county of the pipeline; use one of: {} (or all)",
                    pipeline
                        .counties
                        .iter()
                        .map(|c| c.slug.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
    Ok(slugs)
}

/// Writes the templates: one per county of `counties` (slugs, see [`resolve_counties`]), or a
/// blank one when it is empty, in each language, into `<out>/templates/`. A county's template
/// has its funds from `<out>/lake` filled in when there is a lake.
pub fn run(
    out: &Path,
    pipeline: &Pipeline,
    counties: &[String],
    langs: &[Lang],
) -> Result<TemplateDone, TemplateError> {
    let lake = out.join("lake");
    let had_lake = lake.is_dir();
    let dest = out.join("templates");
    let files = crate::lake::replace_dir(&dest, |staged| -> Result<_, TemplateError> {
        keep_earlier(&dest, staged)?;
        let mut files = Vec::new();
        let targets: Vec<Option<&str>> = if counties.is_empty() {
            vec![None]
        } else {
            counties.iter().map(|c| Some(c.as_str())).collect()
        };
        for county in targets {
            for &lang in langs {
                let mut rows = BTreeMap::new();
                if let (Some(slug), true) = (county, had_lake) {
                    let funds = prefill::lake_rows(&lake, Table::Funds, slug, pipeline, lang)
                        .map_err(|source| TemplateError::Lake {
                            path: lake.display().to_string(),
                            source,
                        })?;
                    rows.insert(Table::Funds, funds);
                }
                let name = file_name(county, lang);
                let inputs = workbook::TemplateInputs {
                    pipeline,
                    lang,
                    county: county.map(|slug| {
                        (
                            slug,
                            crate::report::charts::county_name(pipeline, slug, lang),
                        )
                    }),
                    rows: &rows,
                };
                let bytes = workbook::workbook(&inputs).map_err(|source| TemplateError::Xlsx {
                    name: name.clone(),
                    source,
                })?;
                crate::lake::write_file(&staged.join(&name), &bytes)?;
                files.push((name, rows.get(&Table::Funds).map_or(0, Vec::len)));
            }
        }
        Ok(files)
    })?;
    Ok(TemplateDone {
        dir: dest,
        files,
        had_lake,
    })
}

/// Copies the templates an earlier run wrote into the folder being made, so that writing one
/// county's template keeps the others.
fn keep_earlier(dest: &Path, staged: &Path) -> Result<(), TemplateError> {
    let Ok(entries) = std::fs::read_dir(dest) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let is_template = name
            .to_str()
            .is_some_and(|n| n.starts_with("template-") && n.ends_with(".xlsx"));
        if is_template && e.file_type().is_ok_and(|t| t.is_file()) {
            let to = staged.join(&name);
            std::fs::copy(e.path(), &to).map_err(|source| crate::lake::LakeError::Io {
                action: "cannot copy",
                path: e.path(),
                source,
            })?;
        }
    }
    Ok(())
}
