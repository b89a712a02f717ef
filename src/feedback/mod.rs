//! Corrections workbooks for county offices: what ingest rejected, warned about or could not
//! read, sorted out by the office that made the export (see [`inputs`]), each office's in one
//! workbook per language (see [`workbook`]), in `<out>/feedback/`:
//!
//! ```text
//! <county>-<lang>.xlsx     for every county with a rejected row, a warning or a file not read
//! _province-<lang>.xlsx    rows of no county, and the province's own files
//! ```
//!
//! It reads the ingest report and the rejects table beside the lake, and nothing else. The
//! folder is written beside its destination and moved into place whole: it holds the
//! workbooks of the last ingest, and an office with nothing left to fix has none.

pub mod inputs;
pub mod texts;
pub mod workbook;

use crate::config::Pipeline;
use crate::ingest::report::{IngestReport, REPORT_FILE};
use crate::report::i18n::Lang;
use inputs::Recipient;
use std::path::{Path, PathBuf};

/// Why the corrections workbooks could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// There is no lake, or no ingest report in it (a usage error).
    #[error("{0}")]
    Usage(String),
    /// The ingest report or the rejects table could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// A workbook could not be written.
    #[error("cannot write the corrections workbook {name}: {source}")]
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

/// What one feedback run wrote.
#[derive(Debug, Clone)]
pub struct FeedbackDone {
    /// `<out>/feedback`.
    pub dir: PathBuf,
    /// Each workbook: its file name, rejected rows and warnings in it.
    pub files: Vec<(String, usize, usize)>,
}

/// The file name of a recipient's workbook.
pub fn file_name(recipient: &Recipient, lang: Lang) -> String {
    format!("{}-{}.xlsx", recipient.file_stem(), lang.code())
}

/// Reads `<out>/lake`'s ingest report and rejects and writes `<out>/feedback/`.
pub fn run(out: &Path, pipeline: &Pipeline, langs: &[Lang]) -> Result<FeedbackDone, FeedbackError> {
    let lake = out.join("lake");
    let report_path = lake.join(REPORT_FILE);
    if !report_path.is_file() {
        return Err(FeedbackError::Usage(format!(
            "there is no ingest report at {}; run `sandogh ingest --input DIR --out {}` first",
            report_path.display(),
            out.display()
        )));
    }
    let read_err = |path: &Path, message: String| FeedbackError::Read {
        path: path.display().to_string(),
        message,
    };
    let text =
        std::fs::read_to_string(&report_path).map_err(|e| read_err(&report_path, e.to_string()))?;
    let report: IngestReport =
        serde_json::from_str(&text).map_err(|e| read_err(&report_path, e.to_string()))?;
    let rejects =
        inputs::read_rejects(&lake).map_err(|e| read_err(&lake.join("rejects"), e.to_string()))?;
    let by_recipient = inputs::by_recipient(&report, rejects);

    let dest = out.join("feedback");
    let files = crate::lake::replace_dir(&dest, |staged| -> Result<_, FeedbackError> {
        let mut files = Vec::new();
        for (recipient, corrections) in &by_recipient {
            let inp = workbook::FeedbackInputs {
                pipeline,
                recipient,
                corrections,
                input: &report.input,
            };
            for &lang in langs {
                let name = file_name(recipient, lang);
                let bytes =
                    workbook::workbook(&inp, lang).map_err(|source| FeedbackError::Xlsx {
                        name: name.clone(),
                        source,
                    })?;
                crate::lake::write_file(&staged.join(&name), &bytes)?;
                files.push((name, corrections.rejects.len(), corrections.warnings.len()));
            }
        }
        Ok(files)
    })?;
    Ok(FeedbackDone { dir: dest, files })
}
