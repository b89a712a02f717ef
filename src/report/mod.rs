//! Stage 3, reports: the indicators table → one workbook per language and the charts as images,
//! in `<out>/reports/<quarter>/`:
//!
//! ```text
//! sandogh-<quarter>-fa.xlsx, sandogh-<quarter>-en.xlsx   Summary (with native charts), Counties,
//!                                                        Funds, Trends, Data quality, Definitions
//! charts/<chart>-<lang>.svg, .png                        the Summary's charts as images
//! ```
//!
//! What a report holds is defined by a report file (`reports/quarterly.toml`, see [`config`]):
//! sheets, indicators and their order, charts, thresholds and every label in Persian and English.
//!
//! What it reads, and nothing else (see [`data`]): the indicators stage's folder — the table,
//! each fund's name, village, type and establishment date, and participants by course type for
//! the one chart the table cannot give (its bars add up to the province's
//! `training_participants_q`) — and, for the Data quality sheet, the ingest report beside the
//! lake. The lake's tables are never read by a report.
//!
//! The folder is written beside its destination and moved into place when complete (as every
//! stage does), and holds the languages of the last run. Identical inputs give byte-identical
//! files: workbooks carry a fixed creation date (the quarter's last day), images no timestamps.

pub mod charts;
pub mod config;
pub mod data;
pub mod excel;
pub mod i18n;
pub mod png;
pub mod svg;

use crate::calendar::Quarter;
use crate::config::Pipeline;
use config::ReportDef;
use data::DataError;
use i18n::Lang;
use std::path::{Path, PathBuf};

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The inputs are missing or the quarter is not in them (a usage error).
    #[error("{0}")]
    Usage(String),
    /// A table could not be read.
    #[error(transparent)]
    Data(DataError),
    /// A workbook could not be written.
    #[error("cannot write the {lang} workbook: {source}")]
    Xlsx {
        /// The workbook's language.
        lang: &'static str,
        /// Why.
        source: rust_xlsxwriter::XlsxError,
    },
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] png::ChartError),
    /// Files could not be written or moved into place.
    #[error(transparent)]
    Lake(#[from] crate::lake::LakeError),
}

impl From<DataError> for ReportError {
    fn from(e: DataError) -> Self {
        match e {
            DataError::Missing(m) | DataError::Quarter(m) => ReportError::Usage(m),
            other => ReportError::Data(other),
        }
    }
}

/// What a report run wrote.
#[derive(Debug, Clone)]
pub struct ReportDone {
    /// `<out>/reports/<quarter>`.
    pub dir: PathBuf,
    /// The quarter reported.
    pub quarter: Quarter,
    /// Why this quarter.
    pub chosen: String,
    /// Files written, relative to `dir`, in order.
    pub files: Vec<String>,
}

/// Writes the report of quarter `quarter` (default: the latest quarter in the indicators table)
/// for each language into `<out>/reports/<quarter>/`.
pub fn run(
    out: &Path,
    pipeline: &Pipeline,
    def: &ReportDef,
    quarter: Option<Quarter>,
    langs: &[Lang],
    run_fingerprint: Option<&str>,
) -> Result<ReportDone, ReportError> {
    let quarters = data::table_quarters(out)?;
    let (q, chosen) = match (quarter, quarters.last()) {
        (_, None) => {
            return Err(ReportError::Usage(format!(
                "the indicators table in {} has no rows; run `sandogh indicators` first",
                out.display()
            )))
        }
        (Some(q), Some(_)) if quarters.contains(&q) => (q, format!("quarter {q}: as asked")),
        (Some(q), Some(last)) => {
            let hint = if q > *last {
                format!("; run `sandogh indicators --out {} --quarter {q}` first if the lake has data for it", out.display())
            } else {
                String::new()
            };
            return Err(ReportError::Usage(format!(
                "the indicators table has no quarter {q}; it has {} to {last}{hint}",
                quarters[0]
            )));
        }
        (None, Some(last)) => (
            *last,
            format!("quarter {last}: the latest quarter in the indicators table"),
        ),
    };
    let figures = data::read_indicators(out, q)?;
    let funds = data::read_funds(out)?;
    let training = data::read_training_by_course(out, q)?;
    let ingest = data::read_ingest_report(out)?;

    let dest = out.join("reports").join(q.to_string());
    let files = crate::lake::replace_dir(&dest, |staged| {
        write_all(
            staged,
            &excel::WorkbookInputs {
                def,
                pipeline,
                calendar: pipeline.calendar,
                data: &figures,
                funds: &funds,
                ingest: ingest.as_ref(),
                quarter: q,
                run_fingerprint,
            },
            training.as_ref(),
            langs,
        )
    })?;
    Ok(ReportDone {
        dir: dest,
        quarter: q,
        chosen,
        files,
    })
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    Ok(crate::lake::write_file(path, bytes)?)
}

/// Writes the charts and workbook of each language into `dir`; returns the files written.
/// What one job of the report made: a chart drawn, or a workbook's bytes.
enum Made {
    Chart(png::Drawn),
    Workbook(Vec<u8>),
}

fn write_all(
    dir: &Path,
    inp: &excel::WorkbookInputs<'_>,
    training: Option<&std::collections::BTreeMap<String, i64>>,
    langs: &[Lang],
) -> Result<Vec<String>, ReportError> {
    let chart_dir = dir.join("charts");
    std::fs::create_dir_all(&chart_dir).map_err(|source| {
        ReportError::Lake(crate::lake::LakeError::Io {
            action: "cannot create",
            path: chart_dir.clone(),
            source,
        })
    })?;
    let renderer = png::Renderer::new();
    let chart_inputs = charts::ChartInputs {
        def: inp.def,
        pipeline: inp.pipeline,
        data: inp.data,
        quarter: inp.quarter,
        training,
    };
    // Every chart of every language is drawn, and every workbook built, on the thread pool
    // (PNG encoding is most of the stage), the workbooks first: each is two charts' work, and
    // when they came last of their language's jobs one core zipped the last workbook alone
    // at the end. The files are then written in a fixed order.
    let built: Vec<(Lang, Vec<charts::ChartData>)> = langs
        .iter()
        .map(|&lang| (lang, charts::build(&chart_inputs, lang)))
        .collect();
    let jobs: Vec<(usize, Option<usize>)> = built
        .iter()
        .enumerate()
        .flat_map(|(l, (_, charts))| {
            (0..charts.len())
                .map(move |c| (l, Some(c)))
                .chain(std::iter::once((l, None)))
        })
        .collect();
    let mut queue: Vec<usize> = (0..jobs.len()).collect();
    queue.sort_by_key(|&j| jobs[j].1.is_some());
    let mut made = crate::queue::in_queue_order(queue, |j| {
        let (l, chart) = jobs[j];
        let (lang, charts) = &built[l];
        let one = match chart {
            Some(c) => renderer
                .draw(&charts[c].name, &svg::render(&charts[c]))
                .map(Made::Chart)
                .map_err(ReportError::from),
            None => excel::workbook(inp, *lang, charts)
                .map(Made::Workbook)
                .map_err(|source| ReportError::Xlsx {
                    lang: lang.code(),
                    source,
                }),
        };
        (j, one)
    });
    // The first error in the jobs' order is the one reported.
    made.sort_by_key(|(j, _)| *j);
    let done: Vec<Made> = made
        .into_iter()
        .map(|(_, one)| one)
        .collect::<Result<_, ReportError>>()?;
    let mut files = Vec::new();
    for (&(l, chart), made) in jobs.iter().zip(done) {
        let (lang, charts) = &built[l];
        match (chart, made) {
            (Some(c), Made::Chart(drawn)) => {
                for (ext, bytes) in [("svg", drawn.svg.as_bytes()), ("png", drawn.png.as_slice())] {
                    let name = format!("{}-{}.{ext}", charts[c].name, lang.code());
                    write_file(&chart_dir.join(&name), bytes)?;
                    files.push(format!("charts/{name}"));
                }
            }
            (_, Made::Workbook(bytes)) => {
                let name = workbook_name(inp.quarter, *lang);
                write_file(&dir.join(&name), &bytes)?;
                files.push(name);
            }
            (None, Made::Chart(_)) => {}
        }
    }
    Ok(files)
}

/// The file name of a workbook: `sandogh-1403Q4-fa.xlsx`.
pub fn workbook_name(q: Quarter, lang: Lang) -> String {
    format!("sandogh-{q}-{}.xlsx", lang.code())
}
