//! Pipeline files (`pipelines/*.toml`): inputs, outputs, calendar, the province's counties and
//! extra header aliases. Unknown keys are errors, so a typo never silently falls back to a default.

use crate::calendar::{CalendarKind, Quarter};
use crate::schema::Table;
use crate::text::match_key;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The default pipeline, the same text as `pipelines/quarterly.toml`; used when a stage runs
/// without a pipeline file.
pub const DEFAULT_PIPELINE: &str = include_str!("../pipelines/quarterly.toml");

/// A county of the province.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct County {
    /// ASCII slug used in the lake (`county=<slug>`) and reports.
    pub slug: String,
    /// Persian name.
    pub fa: String,
    /// English name.
    pub en: String,
    /// Other spellings county offices write.
    #[serde(default)]
    pub other_names: Vec<String>,
    /// Header aliases only this county's office uses (table → field → names), on top of the
    /// province-wide `[aliases]`. They apply to the county's files (see [`Pipeline::county_of_file`]).
    #[serde(default)]
    pub aliases: Aliases,
    /// The unit of amount columns whose header and cells name none (table → field → unit), for
    /// an office that writes tomans without saying so. A unit word in a cell or in the header
    /// still wins; without either and without this, amounts are rials (contract §3).
    #[serde(default)]
    pub units: BTreeMap<String, BTreeMap<String, AmountUnit>>,
}

/// Header aliases: table → field → names.
pub type Aliases = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// A money unit as a pipeline file writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AmountUnit {
    /// Rials.
    Rial,
    /// Tomans (ten rials).
    Toman,
}

impl From<AmountUnit> for crate::text::Unit {
    fn from(u: AmountUnit) -> crate::text::Unit {
        match u {
            AmountUnit::Rial => crate::text::Unit::Rial,
            AmountUnit::Toman => crate::text::Unit::Toman,
        }
    }
}

/// A pipeline file.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Folder of county exports.
    pub input: Option<PathBuf>,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Quarter calendar.
    #[serde(default)]
    pub calendar: CalendarKind,
    /// Last quarter to compute.
    pub quarter: Option<String>,
    /// Report definition file.
    pub report: Option<PathBuf>,
    /// Report languages.
    #[serde(default)]
    pub languages: Vec<String>,
    /// The province's counties.
    pub counties: Vec<County>,
    /// Extra header aliases of every county: table → field → names.
    #[serde(default)]
    pub aliases: Aliases,
    /// Whether `run` skips every stage when nothing it depends on changed since the last
    /// complete run (inputs, pipeline, report definition, sandogh version, outputs intact);
    /// `run --full` runs every stage anyway.
    #[serde(default)]
    pub incremental: bool,
    /// Reading limits; a file over one is quarantined with the setting named.
    #[serde(default)]
    pub limits: Limits,
    /// `run` prints only errors and its closing line, as with `--quiet` (`--no-quiet` wins).
    #[serde(default)]
    pub quiet: bool,
    /// How `run` reports what it does, as with `--log-format` (the flag wins).
    #[serde(default)]
    pub log_format: LogFormat,
    /// Thresholds that flag a figure in the reports, by indicator; each replaces the report
    /// definition's flag of that indicator (or adds one).
    #[serde(default)]
    pub thresholds: BTreeMap<String, Threshold>,
}

/// A pipeline's threshold for one indicator: flag values above or below it (one of the two).
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Flag values above this.
    pub above: Option<f64>,
    /// Flag values below this.
    pub below: Option<f64>,
}

/// How `run` reports what it does.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Deserialize,
    serde::Serialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// How much of a file ingest reads before it quarantines the file (`[limits]` in a pipeline
/// file). Sizes are in MB of 1,000,000 bytes. A real county export is a few MB; the defaults
/// leave room for a province's whole ledger in one workbook while keeping a lying or bombed
/// file from taking the machine's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Size of an input file on disk.
    pub file_mb: u64,
    /// Inflated size of one part of an xlsx (a worksheet; shared strings, styles and the
    /// workbook part are held whole and get at most 512 MB of it).
    pub inflated_mb_per_part: u64,
    /// Inflated size of all the parts of one xlsx together.
    pub inflated_mb_per_file: u64,
    /// XML of one worksheet row.
    pub row_xml_mb: u64,
    /// Columns of a row (Excel has 16,384).
    pub columns: u64,
    /// Inflated size of all the parts of a workbook read by the general reader (calamine:
    /// .ods, and .xlsx the project's reader does not handle), which holds whole sheets in
    /// memory: measured by inflating before calamine reads it.
    pub calamine_inflated_mb: u64,
    /// The largest amount one row may hold, in rials; a larger one rejects the row (a
    /// misplaced digit). The default, 10¹⁵ rials, is far above any micro-fund's ledger.
    pub largest_amount_rials: i64,
    /// The most characters a text cell may hold; a longer one rejects its row (Excel's own
    /// cell limit is 32,767).
    pub cell_chars: u64,
    /// The most quarters the indicators stage computes (first fund to the last quarter).
    pub quarters_per_run: u64,
    /// Rows of one file (every sheet); a larger file is quarantined.
    pub rows_per_file: u64,
    /// Cells holding a value in one file; a larger file is quarantined.
    pub cells_per_file: u64,
    /// How many times its compressed size one part of a zipped workbook (xlsx, ods) may
    /// inflate to, once it is past 10 MB: real sheets inflate 5 to 50 times, a zip bomb about
    /// a thousand.
    pub compression_ratio: u64,
    /// Sheets of one workbook.
    pub sheets_per_file: u64,
    /// Bytes of the input files being read at once, across threads: a file starts only while
    /// the files in flight leave room for it (one larger than this is read alone).
    pub in_flight_mb: u64,
    /// The earliest Jalali year a date may fall in (the data contract's window is 1300–1599).
    pub earliest_year: u64,
    /// The latest Jalali year a date may fall in.
    pub latest_year: u64,
    /// Address space of the separate process that reads, alone, a file an earlier run was
    /// reading when it stopped ([`crate::ingest::watch`]).
    pub probe_memory_mb: u64,
    /// Seconds that process may take.
    pub probe_seconds: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_mb: 512,
            inflated_mb_per_part: 4_000,
            inflated_mb_per_file: 8_000,
            row_xml_mb: 64,
            columns: 16_384,
            calamine_inflated_mb: 256,
            largest_amount_rials: 1_000_000_000_000_000,
            cell_chars: 32_767,
            quarters_per_run: 200,
            rows_per_file: 5_000_000,
            cells_per_file: 60_000_000,
            compression_ratio: 200,
            sheets_per_file: 1_000,
            in_flight_mb: 1_024,
            earliest_year: 1300,
            latest_year: 1599,
            probe_memory_mb: 4_096,
            probe_seconds: 600,
        }
    }
}

impl Limits {
    /// The size limit of an input file, in bytes.
    pub fn file_bytes(&self) -> u64 {
        self.file_mb.saturating_mul(1_000_000)
    }
}

/// A pipeline file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the pipeline file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is malformed or has a wrong or unknown key.
    #[error("the pipeline file {path} is not valid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What toml said, naming the key.
        message: String,
    },
}

impl Pipeline {
    /// Reads and checks a pipeline file.
    pub fn load(path: &Path) -> Result<Pipeline, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Pipeline::parse(&text, path)
    }

    /// The built-in default pipeline (Zanjan's counties, Jalali quarters).
    pub fn default_pipeline() -> Pipeline {
        // The embedded text is checked by a unit test; this fallback is never reached.
        Pipeline::parse(DEFAULT_PIPELINE, Path::new("pipelines/quarterly.toml")).unwrap_or(
            Pipeline {
                input: None,
                out: None,
                calendar: CalendarKind::Jalali,
                quarter: None,
                report: None,
                languages: Vec::new(),
                counties: Vec::new(),
                aliases: BTreeMap::new(),
                incremental: false,
                limits: Limits::default(),
                quiet: false,
                log_format: LogFormat::Text,
                thresholds: BTreeMap::new(),
            },
        )
    }

    /// Parses pipeline TOML; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Pipeline, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        let p: Pipeline = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if p.counties.is_empty() {
            return Err(invalid(
                "`counties` is empty: list the province's counties".into(),
            ));
        }
        // Where a key is written, to name the line in messages.
        let line_of = |key: &str, nth: usize| -> String {
            key_lines(text, key, 0)
                .nth(nth)
                .map(|i| format!("line {}: ", i + 1))
                .unwrap_or_default()
        };
        for (i, c) in p.counties.iter().enumerate() {
            if c.slug.is_empty()
                || !c
                    .slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                || c.slug.starts_with('_')
            {
                return Err(invalid(format!(
                    "{}counties[{i}].slug «{}» must be lower-case ASCII letters, digits or _ (not first)",
                    line_of("slug", i),
                    c.slug
                )));
            }
        }
        check_fields(text, &p.aliases, "aliases", (0, usize::MAX), |_, _| None).map_err(invalid)?;
        let blocks: Vec<usize> = key_lines(text, "[[counties", 0).collect();
        for (i, c) in p.counties.iter().enumerate() {
            let from = blocks.get(i).copied().unwrap_or(0);
            let to = blocks.get(i + 1).copied().unwrap_or(usize::MAX);
            check_fields(text, &c.aliases, "counties.aliases", (from, to), |_, _| {
                None
            })
            .map_err(|e| invalid(e.replacen("counties.", &format!("counties[{i}]."), 1)))?;
            check_fields(text, &c.units, "counties.units", (from, to), |t, f| {
                let kind = t.field(f).map(|f| f.kind);
                (!matches!(kind, Some(crate::schema::Kind::Amount { .. })))
                    .then(|| format!("{f} is not an amount field of {}", t.name()))
            })
            .map_err(|e| invalid(e.replacen("counties.", &format!("counties[{i}]."), 1)))?;
        }
        for (name, t) in &p.thresholds {
            let at = key_lines(text, "[thresholds", 0)
                .next()
                .and_then(|from| key_lines(text, name, from).next())
                .map(|i| format!("line {}: ", i + 1))
                .unwrap_or_default();
            if crate::indicators::find(name).is_none() {
                return Err(invalid(format!(
                    "{at}thresholds.{name}: no such indicator; the indicators are listed in INDICATORS.md (e.g. par30, on_time_repayment_rate_q)"
                )));
            }
            match (t.above, t.below) {
                (Some(v), None) | (None, Some(v)) if v.is_finite() => {}
                (Some(_), Some(_)) => {
                    return Err(invalid(format!(
                        "{at}thresholds.{name}: give `above` or `below`, not both"
                    )))
                }
                (None, None) => {
                    return Err(invalid(format!(
                        "{at}thresholds.{name}: give `above` or `below`, e.g. {name} = {{ above = 0.05 }}"
                    )))
                }
                _ => {
                    return Err(invalid(format!(
                        "{at}thresholds.{name}: the threshold must be a finite number"
                    )))
                }
            }
        }
        let l = &p.limits;
        // Limit keys are looked for inside the `[limits]` section only.
        let limits_at = key_lines(text, "[limits", 0).next();
        let limit_line = |key: &str| -> String {
            limits_at
                .and_then(|from| key_lines(text, key, from).next())
                .map(|i| format!("line {}: ", i + 1))
                .unwrap_or_default()
        };
        let d = Limits::default();
        for (key, value, default) in [
            ("file_mb", l.file_mb, d.file_mb),
            (
                "inflated_mb_per_part",
                l.inflated_mb_per_part,
                d.inflated_mb_per_part,
            ),
            (
                "inflated_mb_per_file",
                l.inflated_mb_per_file,
                d.inflated_mb_per_file,
            ),
            ("row_xml_mb", l.row_xml_mb, d.row_xml_mb),
            ("columns", l.columns, d.columns),
            (
                "calamine_inflated_mb",
                l.calamine_inflated_mb,
                d.calamine_inflated_mb,
            ),
            ("cell_chars", l.cell_chars, d.cell_chars),
            ("quarters_per_run", l.quarters_per_run, d.quarters_per_run),
            ("rows_per_file", l.rows_per_file, d.rows_per_file),
            ("cells_per_file", l.cells_per_file, d.cells_per_file),
            (
                "largest_amount_rials",
                u64::try_from(l.largest_amount_rials).unwrap_or(0),
                u64::try_from(d.largest_amount_rials).unwrap_or(0),
            ),
            (
                "compression_ratio",
                l.compression_ratio,
                d.compression_ratio,
            ),
            ("sheets_per_file", l.sheets_per_file, d.sheets_per_file),
            ("in_flight_mb", l.in_flight_mb, d.in_flight_mb),
            ("probe_memory_mb", l.probe_memory_mb, d.probe_memory_mb),
            ("probe_seconds", l.probe_seconds, d.probe_seconds),
        ] {
            if value == 0 {
                return Err(invalid(format!(
                    "{}limits.{key} = 0 would read nothing: give a positive number (the default is {default})",
                    limit_line(key),
                )));
            }
        }
        for (key, year) in [
            ("earliest_year", l.earliest_year),
            ("latest_year", l.latest_year),
        ] {
            if !(1300..=1599).contains(&year) {
                return Err(invalid(format!(
                    "{}limits.{key} = {year} is outside the data contract's date window, 1300–1599 SH: give a Jalali year within it",
                    limit_line(key),
                )));
            }
        }
        if l.earliest_year > l.latest_year {
            return Err(invalid(format!(
                "{}limits.earliest_year = {} is after latest_year = {}: no date could be kept",
                limit_line("earliest_year"),
                l.earliest_year,
                l.latest_year
            )));
        }
        if l.columns > 16_384 {
            return Err(invalid(format!(
                "{}limits.columns = {} is more than a spreadsheet can have (16384)",
                limit_line("columns"),
                l.columns
            )));
        }
        if let Some(q) = &p.quarter {
            if Quarter::parse(q).is_none() {
                return Err(invalid(format!(
                    "{}quarter = «{q}» is not a quarter such as 1403Q2",
                    line_of("quarter", 0)
                )));
            }
        }
        Ok(p)
    }

    /// A resolver from any spelling of a county to its slug.
    pub fn county_names(&self) -> CountyNames {
        let mut by_key = HashMap::new();
        for c in &self.counties {
            for name in [&c.slug, &c.fa, &c.en].into_iter().chain(&c.other_names) {
                by_key.insert(match_key(name), c.slug.clone());
            }
        }
        CountyNames {
            by_key,
            slugs: self.counties.iter().map(|c| c.slug.clone()).collect(),
        }
    }

    /// Extra aliases for one table's field.
    pub fn extra_aliases(&self, table: Table, field: &str) -> &[String] {
        self.aliases
            .get(table.name())
            .and_then(|f| f.get(field))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The county a file belongs to, for the county's own aliases and units: the county named
    /// by the first folder of its path below the input folder (`rel`), in any spelling the
    /// pipeline lists. A file directly in the input folder, or under a folder that names no
    /// county (`province/`), belongs to none and gets the province-wide settings only.
    pub fn county_of_file(&self, rel: &str) -> Option<&County> {
        let (first, _) = rel.split_once(['/', '\\'])?;
        let names = self.county_names();
        let slug = names.resolve(first)?;
        self.county(slug)
    }

    /// A county by slug.
    pub fn county(&self, slug: &str) -> Option<&County> {
        self.counties.iter().find(|c| c.slug == slug)
    }
}

/// The 1-based line of a pipeline file's text where the top-level `key` is set, if it is.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    key_lines(text, key, 0).next().map(|i| i + 1)
}

/// The 0-based lines at or after `from` where `key` is set (`key =`) or opens a section
/// (`[key]`, `[key.…`).
fn key_lines<'a>(text: &'a str, key: &'a str, from: usize) -> impl Iterator<Item = usize> + 'a {
    text.lines()
        .enumerate()
        .skip(from)
        .filter(move |(_, l)| {
            l.trim_start().strip_prefix(key).is_some_and(|rest| {
                rest.trim_start().starts_with('=') || rest.starts_with(']') || rest.starts_with('.')
            })
        })
        .map(|(i, _)| i)
}

/// Checks a table → field → value map of a pipeline file, written as the sections
/// `[<section>.<table>]` at or after line `from`: every table and field exists and `extra`
/// (table, field) finds nothing wrong. The message names the key and its line.
fn check_fields<V>(
    text: &str,
    map: &BTreeMap<String, BTreeMap<String, V>>,
    section: &str,
    (from, to): (usize, usize),
    extra: impl Fn(Table, &str) -> Option<String>,
) -> Result<(), String> {
    let at = |line: Option<usize>| {
        line.map(|i| format!("line {}: ", i + 1))
            .unwrap_or_default()
    };
    for (table, fields) in map {
        let header = format!("[{section}.{table}");
        let table_line = key_lines(text, &header, from).next().filter(|&l| l < to);
        let Some(&t) = Table::ALL.iter().find(|t| t.name() == table) else {
            return Err(format!(
                "{}{section}.{table}: no such table; the tables are {}",
                at(table_line),
                Table::ALL.map(|t| t.name()).join(", ")
            ));
        };
        for field in fields.keys() {
            let wrong = match t.field(field) {
                None => Some(format!("no such field in {table}")),
                Some(_) => extra(t, field),
            };
            if let Some(wrong) = wrong {
                // Within the table's own section: up to the next `[` header.
                let start = table_line.unwrap_or(from);
                let end = text
                    .lines()
                    .enumerate()
                    .skip(start + 1)
                    .find(|(_, l)| l.trim_start().starts_with('['))
                    .map_or(to, |(i, _)| i.min(to));
                let line = key_lines(text, field, start).next().filter(|&l| l < end);
                return Err(format!("{}{section}.{table}.{field}: {wrong}", at(line)));
            }
        }
    }
    Ok(())
}

/// Resolves county names to slugs.
#[derive(Debug, Clone)]
pub struct CountyNames {
    by_key: HashMap<String, String>,
    /// Slugs in configuration order.
    pub slugs: Vec<String>,
}

impl CountyNames {
    /// The slug of a county name, in any spelling the configuration lists.
    pub fn resolve(&self, name: &str) -> Option<&str> {
        self.by_key.get(&match_key(name)).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_their_line() {
        let text = DEFAULT_PIPELINE.replace("# quarter = \"1403Q4\"", "quarter = \"1403Q7\"");
        let line = text
            .lines()
            .position(|l| l.starts_with("quarter ="))
            .expect("quarter line")
            + 1;
        let e = Pipeline::parse(&text, Path::new("p.toml")).expect_err("bad quarter");
        assert!(
            e.to_string()
                .contains(&format!("line {line}: quarter = «1403Q7»")),
            "{e}"
        );
        let text = DEFAULT_PIPELINE.replacen("slug = \"abhar\"", "slug = \"Abhar\"", 1);
        let line = text
            .lines()
            .position(|l| l.contains("\"Abhar\"") && l.starts_with("slug"))
            .expect("slug line")
            + 1;
        let e = Pipeline::parse(&text, Path::new("p.toml")).expect_err("bad slug");
        assert!(
            e.to_string()
                .contains(&format!("line {line}: counties[1].slug")),
            "{e}"
        );
        let e = Pipeline::parse(
            &format!("{DEFAULT_PIPELINE}\nnightly = true\n"),
            Path::new("p.toml"),
        )
        .expect_err("unknown key");
        assert!(e.to_string().contains("unknown field `nightly`"), "{e}");
        assert!(e.to_string().contains("line "), "{e}");
    }

    #[test]
    fn default_pipeline_parses_and_resolves_counties() {
        let p = Pipeline::parse(DEFAULT_PIPELINE, Path::new("default")).unwrap();
        assert_eq!(p.counties.len(), 8);
        let names = p.county_names();
        assert_eq!(names.resolve("خرم دره"), Some("khorramdarreh"));
        assert_eq!(names.resolve("Khorramdareh"), Some("khorramdarreh"));
        assert_eq!(names.resolve("ZANJAN"), Some("zanjan"));
        assert_eq!(names.resolve("سلطانيه"), Some("soltaniyeh"));
        assert_eq!(names.resolve("Tehran"), None);
    }

    #[test]
    fn errors_name_the_key() {
        let bad = DEFAULT_PIPELINE.replace("calendar = \"jalali\"", "calender = \"jalali\"");
        let e = Pipeline::parse(&bad, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("calender"), "{e}");
        let bad = format!("{DEFAULT_PIPELINE}\n[aliases.members]\njoin_date = [\"x\"]\n");
        let e = Pipeline::parse(&bad, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("aliases.members.join_date"), "{e}");
        let bad = DEFAULT_PIPELINE.replace("# quarter = \"1403Q4\"", "quarter = \"1403Q7\"");
        let e = Pipeline::parse(&bad, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("1403Q7"), "{e}");
    }
}
