//! The bundled sample province: county exports of Zanjan's local micro-funds, made to the seed
//! article's figures, each county in its own office's export style.
//!
//! A canonical province is generated in memory first (`generate.rs`, `ledgers.rs`): funds,
//! members, savings, loans, installments, Omid financing and trainings up to 1403/12/30. Then
//! a few realistic mistakes are added (`bad_rows.rs`), and every county writes its records its
//! own way (`counties/`): xlsx, ods, Windows-1256 and UTF-8 CSV; Persian, Arabic-letter and
//! English headers; Jalali text, 8-digit numbers, Excel date cells, serial numbers and ISO
//! text for dates; rials, tomans, Persian digits and unit words for amounts.
//!
//! The same (scale, seed) always gives byte-identical files.
//!
//! # Seed facts (scale 1, any seed)
//! By 1399/07/23 exactly 20 funds exist, in zanjan (5), abhar (3), khorramdarreh (3), tarom (3),
//! mahneshan (2), soltaniyeh (2) and ijrud (2); the 20th was founded in Mehr 1399 on or before
//! the 23rd. Omid financing dated up to 1399/07/23 adds up to 9,000,000,000 rials. No fund and
//! no financing is dated 1399/07/24–1399/09/30. Two disability funds were founded in 1400, in
//! zanjan and khorramdarreh; khodabandeh gets its first fund in 1402.
//!
//! # Deliberate bad rows
//! Rows are spreadsheet rows (CSV: lines, the header being line 1) at seed 1399, scale 1. Each
//! is a slip a county clerk makes, placed by `bad_rows.rs` (at other seeds and scales the same
//! mistakes land on other rows).
//!
//! | # | file › sheet › row | what is wrong | ingest should |
//! |---|---|---|---|
//! | 1 | `zanjan/zanjan-1403.xlsx` › «صندوق‌ها» › 12 | new fund 11009 (founded 1401) with county «زنجانن» | reject: unknown county |
//! | 1a | same › «اعضا» › 160–161 | its 2 members | reject: parent fund rejected (cascade) |
//! | 1b | same › «پس‌انداز» › 6190–6201 | their 12 deposits | reject: parent member rejected (cascade) |
//! | 1c | same › «وام‌ها» › 201 | loan 11009-001 of its member 1 | reject: parent member rejected (cascade) |
//! | 1d | same › «اقساط» › 1825–1834 | that loan's 10 installments | reject: parent loan rejected (cascade) |
//! | 2 | same › «پس‌انداز» › 613 | date «1401/12/30» (1401 is not a leap year) | reject: date does not exist |
//! | 3 | `tarom/پس‌انداز.csv` › line 228 | date with a two-digit year «99/07/07» | reject: ambiguous year |
//! | 4 | `khorramdarreh/khorramdarreh-1403.ods` › «پس‌انداز» › 152 | a withdrawal written as a negative amount | reject: amount must be > 0 |
//! | 5 | `abhar/Abhar-funds-export-1403.xlsx` › `savings` › 513 | deposit of member 20 in fund 12001, which has 19 | reject: parent member missing |
//! | 6 | `soltaniyeh/soltaniyeh-1403.xlsx` › «وامها» › 20–21 | loan_id 18001-019 on two loans with different principals | reject both: conflicting duplicate |
//! | 6a | same › «اقساط» › 160–175 | both loans' installments (keys repeat too) | reject: conflicting duplicate / parent loan rejected |
//! | 7 | `ijrud/installments.csv` › line 259 | line 258 pasted twice | keep one, warn: exact duplicate |
//! | 8 | `mahneshan/mahneshan-1403.xlsx` › «جدول اقساط» › 181 | paid amount with a blank payment date | reject: payment cannot be dated (then loan 16001-021's remaining installments add up to less than its principal: warning) |
//! | 9 | `tarom/اعضا.csv` › line 4 | national id with a mistyped check digit | keep, warn: invalid national_id |
//! | 10 | `abhar/Abhar-funds-export-1403.xlsx` › `members` › 4 | national id 1111111111 (placeholder) | keep, warn: invalid national_id |
//! | 11 | `khorramdarreh/khorramdarreh-1403.ods` › «وام‌ها» › 18 | loan 14001-017 paid out 12 days before its member joined | keep, warn: loan before join |
//! | 12 | `mahneshan/mahneshan-1403.xlsx` › «پس انداز» › 883 | «120.05» in a toman column = 1,200.5 rials | reject: not whole rials |
//! | 13 | `ijrud/savings.csv` › line 464 | withdrawal 500,000 rials above the member's balance | keep, warn: balance below zero |
//! | 14 | `soltaniyeh/soltaniyeh-1403.xlsx` › «وامها» › 5 | loan 18001-004: installments principal/6 rounded down, no fee (4 rials short) | keep, warn: installments < principal |
//! | 15 | `tarom/اقساط.csv` › line 190 | payment dated 1400/07/08 for 1401/07/08, before the loan | keep, warn: payment before loan |
//! | 16 | `khodabandeh/khodabandeh-1403.xlsx` › `savings` › 2 | date left blank | reject: required date blank |
//!
//! None of them changes a fund or a financing row that counts for 1399Q3. Other things ingest
//! should see but must not reject: title rows and «جمع»/«جمع کل» totals rows (zanjan, mahneshan),
//! unmapped columns («ردیف», «ملاحظات», «محل برگزاری»), `province/README.txt` (skipped).

mod bad_rows;
mod counties;
mod dates;
mod generate;
mod layout;
mod ledgers;
mod model;
mod names;
mod rng;
mod write_csv;
mod write_ods;
mod write_xlsx;

#[cfg(test)]
mod conformance_tests;
#[cfg(test)]
mod tests;

use layout::{ExportFile, Format};
use model::County;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to write: the output folder, the size of the province and the random seed.
///
/// ```no_run
/// use sandogh::sample::{write_sample, SampleOptions};
/// let opts = SampleOptions { out: "sample-data".into(), scale: 1.0, seed: 1399 };
/// let summary = write_sample(&opts)?;
/// println!("{} files", summary.files.len());
/// # Ok::<(), sandogh::sample::SampleError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SampleOptions {
    /// Folder the county sub-folders are written into (created if missing).
    pub out: PathBuf,
    /// Province size: funds per county are scaled by it (at least one per county with funds).
    /// At 1.0 the seed article's figures hold exactly.
    pub scale: f64,
    /// Random seed; the same (scale, seed) gives byte-identical files. Default 1399.
    pub seed: u64,
}

impl Default for SampleOptions {
    fn default() -> SampleOptions {
        SampleOptions {
            out: PathBuf::from("sample-data"),
            scale: 1.0,
            seed: 1399,
        }
    }
}

/// What [`write_sample`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SampleSummary {
    /// Every file written, sorted.
    pub files: Vec<PathBuf>,
    /// Data rows written per table (`funds`, `members`, …), bad rows included, titles, headers
    /// and totals rows not.
    pub rows_per_table: BTreeMap<String, usize>,
}

/// Why the sample could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// The scale is not a positive number.
    #[error("--scale must be a positive number, got {0}")]
    Scale(f64),
    /// A folder or file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// rust_xlsxwriter failed on a workbook.
    #[error("cannot write workbook {}: {source}", path.display())]
    Xlsx {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// The zip package of an OpenDocument file failed.
    #[error("cannot write OpenDocument file {}: {source}", path.display())]
    Zip {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: zip::result::ZipError,
    },
    /// A CSV record could not be written.
    #[error("cannot write CSV file {}: {source}", path.display())]
    Csv {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: csv::Error,
    },
    /// Text that the file's code page cannot hold.
    #[error("cannot encode {} as Windows-1256: no code for {text}", path.display())]
    Encoding {
        /// The path.
        path: PathBuf,
        /// The first character that does not fit.
        text: String,
    },
}

/// Writes the sample province into `opts.out`: one sub-folder per county (named by its slug)
/// in that county's export style, and `province/` with the province courses and a note.
///
/// # Errors
/// [`SampleError::Scale`] for a scale that is not positive; otherwise the first file that could
/// not be written, named in the error.
pub fn write_sample(opts: &SampleOptions) -> Result<SampleSummary, SampleError> {
    write_with_locations(opts).map(|(summary, _)| summary)
}

/// Where one deliberate bad row was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Location {
    /// Index of the bad row in the province's list.
    pub bad: usize,
    /// File, relative to the output folder.
    pub file: PathBuf,
    /// Sheet name (for CSV, the file stem).
    pub sheet: String,
    /// Spreadsheet row number (CSV: line, header = 1).
    pub row: usize,
}

/// The canonical province for (scale, seed), with its deliberate mistakes.
pub(crate) fn build_province(scale: f64, seed: u64) -> model::Province {
    let mut p = generate::province(scale, seed);
    bad_rows::inject(&mut p, seed);
    p
}

/// [`write_sample`], also telling where each bad row landed.
pub(crate) fn write_with_locations(
    opts: &SampleOptions,
) -> Result<(SampleSummary, Vec<Location>), SampleError> {
    if !(opts.scale.is_finite() && opts.scale > 0.0) {
        return Err(SampleError::Scale(opts.scale));
    }
    let p = build_province(opts.scale, opts.seed);
    let parts: Vec<Option<County>> = County::ALL
        .iter()
        .copied()
        .map(Some)
        .chain(std::iter::once(None))
        .collect();
    let results: Vec<Result<Written, SampleError>> = parts
        .par_iter()
        .with_max_len(1)
        .map(|&part| {
            let files = counties::files_of(&p, part);
            write_files(&opts.out, files)
        })
        .collect();
    let mut summary = SampleSummary::default();
    let mut locations = Vec::new();
    for r in results {
        let w = r?;
        summary.files.extend(w.files);
        locations.extend(w.locations);
        for (table, n) in w.rows {
            *summary.rows_per_table.entry(table).or_insert(0) += n;
        }
    }
    let readme = opts.out.join("province").join("README.txt");
    create_parent(&readme)?;
    std::fs::write(&readme, counties::PROVINCE_README).map_err(|source| SampleError::Io {
        path: readme.clone(),
        source,
    })?;
    summary.files.push(readme);
    summary.files.sort();
    locations.sort();
    Ok((summary, locations))
}

/// What one part of the province wrote.
#[derive(Default)]
struct Written {
    files: Vec<PathBuf>,
    locations: Vec<Location>,
    rows: Vec<(String, usize)>,
}

fn create_parent(path: &Path) -> Result<(), SampleError> {
    match path.parent() {
        Some(dir) => std::fs::create_dir_all(dir).map_err(|source| SampleError::Io {
            path: dir.to_path_buf(),
            source,
        }),
        None => Ok(()),
    }
}

fn write_files(out: &Path, files: Vec<ExportFile>) -> Result<Written, SampleError> {
    let mut w = Written::default();
    for file in files {
        let file = file.fit_row_limit();
        let path = out.join(&file.path);
        create_parent(&path)?;
        match file.format {
            Format::Xlsx => write_xlsx::write(&path, &file)?,
            Format::Ods => write_ods::write(&path, &file)?,
            Format::Csv { .. } => write_csv::write(&path, &file)?,
        }
        for (bad, sheet, row) in file.tagged_rows() {
            let sheet = match file.format {
                Format::Csv { .. } => file
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or(sheet),
                _ => sheet,
            };
            w.locations.push(Location {
                bad,
                file: file.path.clone(),
                sheet,
                row,
            });
        }
        for sheet in &file.sheets {
            w.rows
                .push((sheet.table.name().to_string(), sheet.rows.len()));
        }
        w.files.push(path);
    }
    Ok(w)
}
