//! Report definition files (`reports/*.toml`): the sheets of a workbook, which indicators in which
//! order, the charts, the thresholds that flag a figure, fonts and colours, and every label in
//! Persian and English. A planner edits the file; nothing is recompiled.
//!
//! Unknown keys are errors (toml names the key, its line and column), and so are names that do
//! not exist: an indicator, a chart kind, a sheet. [`DEFAULT_REPORT`] is the built-in copy of
//! `reports/quarterly.toml`, used when no file is found.
//!
//! ```
//! use sandogh::report::config::ReportDef;
//! use std::path::Path;
//! let bad = sandogh::report::config::DEFAULT_REPORT.replace("above = 0.05", "abuve = 0.05");
//! let err = ReportDef::parse(&bad, Path::new("r.toml")).unwrap_err().to_string();
//! assert!(err.contains("abuve"));
//! ```

use super::i18n::Lang;
use crate::indicators::{find, IndicatorKind, INDICATORS};
use crate::schema::{EnumKind, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The built-in report definition, the same text as `reports/quarterly.toml`.
pub const DEFAULT_REPORT: &str = include_str!("../../reports/quarterly.toml");

/// A report definition that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReportConfigError {
    /// The file could not be read.
    #[error("cannot read the report file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is malformed, or a key is unknown, missing or wrong.
    #[error("the report file {path} is not valid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
}

/// A sheet of the workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    /// Headline figures of the province and the charts.
    Summary,
    /// One row per county.
    Counties,
    /// One row per fund.
    Funds,
    /// Every quarter, province and counties.
    Trends,
    /// What ingest read, skipped, quarantined, landed, rejected and warned.
    DataQuality,
    /// Each indicator's definition and standard.
    Definitions,
}

/// What a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// The quarter's figures by county: bars, and optionally a line on a second axis.
    ByCounty,
    /// The province over the last quarters: lines.
    Trend,
    /// Participants of the quarter's courses by course type (from the lake's trainings table).
    TrainingByCourse,
}

/// A text in each language.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// Persian.
    pub fa: String,
    /// English.
    pub en: String,
}

impl Localized {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fa => &self.fa,
            Lang::En => &self.en,
        }
    }
}

/// A text that may be given in either language.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaybeLocalized {
    /// Persian.
    pub fa: Option<String>,
    /// English.
    pub en: Option<String>,
}

impl MaybeLocalized {
    /// The text in `lang`, if given.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Fa => self.fa.as_deref(),
            Lang::En => self.en.as_deref(),
        }
    }
}

/// A chart of the Summary sheet, also written as SVG and PNG.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartDef {
    /// File name stem: `charts/<name>-<lang>.svg`.
    pub name: String,
    /// What it shows.
    pub kind: ChartKind,
    /// Bars (`by_county`) or lines (`trend`).
    #[serde(default)]
    pub indicators: Vec<String>,
    /// `by_county` only: lines on a second value axis.
    #[serde(default)]
    pub secondary: Vec<String>,
    /// `trend` only: how many quarters, ending with the report's.
    #[serde(default = "default_quarters")]
    pub quarters: usize,
    /// Title.
    pub title: Localized,
}

fn default_quarters() -> usize {
    8
}

/// The Summary sheet.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryDef {
    /// Headline figures, in order.
    pub indicators: Vec<String>,
    /// Charts, in order.
    #[serde(default)]
    pub charts: Vec<ChartDef>,
}

/// A sheet that is a table of indicators.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnsDef {
    /// Indicator columns, in order.
    pub indicators: Vec<String>,
}

/// The Data quality sheet.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataQualityDef {
    /// How many reject reasons, most frequent first.
    #[serde(default = "default_reasons")]
    pub reasons: usize,
    /// Examples (file, sheet, row) per reason.
    #[serde(default = "default_examples")]
    pub examples: usize,
}

fn default_reasons() -> usize {
    10
}

fn default_examples() -> usize {
    3
}

impl Default for DataQualityDef {
    fn default() -> Self {
        DataQualityDef {
            reasons: default_reasons(),
            examples: default_examples(),
        }
    }
}

/// A threshold that flags a figure: above or below a value.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    /// Indicator.
    pub indicator: String,
    /// Flag values above this.
    pub above: Option<f64>,
    /// Flag values below this.
    pub below: Option<f64>,
}

impl Flag {
    /// Whether a value is flagged.
    pub fn hits(&self, v: f64) -> bool {
        self.above.is_some_and(|a| v > a) || self.below.is_some_and(|b| v < b)
    }
}

/// Fonts and colours.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    /// Workbook font per language.
    pub font: Localized,
    /// Colours of chart series, `#RRGGBB`, in order.
    pub colors: Vec<String>,
}

/// Labels, definition and standard of one indicator.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorText {
    /// Column and row label.
    pub label: Localized,
    /// The definition in words; English defaults to INDICATORS.md's.
    #[serde(default)]
    pub definition: MaybeLocalized,
    /// The standard followed; English defaults to INDICATORS.md's.
    #[serde(default)]
    pub standard: MaybeLocalized,
}

/// The labels in both languages.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextsByLang {
    /// Persian.
    pub fa: Texts,
    /// English.
    pub en: Texts,
}

/// Every label a workbook or chart writes, in one language.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// The report's title.
    pub title: String,
    /// The province's row and area name.
    pub province: String,
    /// "Quarter".
    pub quarter: String,
    /// "Period".
    pub period: String,
    /// Summary sheet name.
    pub sheet_summary: String,
    /// Counties sheet name.
    pub sheet_counties: String,
    /// Funds sheet name.
    pub sheet_funds: String,
    /// Trends sheet name.
    pub sheet_trends: String,
    /// Data quality sheet name.
    pub sheet_data_quality: String,
    /// Definitions sheet name.
    pub sheet_definitions: String,
    /// Heading of the headline figures.
    pub headline: String,
    /// "Indicator".
    pub indicator: String,
    /// "Unit".
    pub unit: String,
    /// "This quarter".
    pub this_quarter: String,
    /// "Previous quarter".
    pub previous_quarter: String,
    /// "Same quarter a year earlier".
    pub year_earlier: String,
    /// "Change".
    pub change: String,
    /// Unit of counts.
    pub unit_count: String,
    /// Unit of amounts.
    pub unit_rials: String,
    /// Unit of amounts on chart axes.
    pub unit_million_rials: String,
    /// Unit of ratios.
    pub unit_percent: String,
    /// "above" (a threshold).
    pub above: String,
    /// "below" (a threshold).
    pub below: String,
    /// Note under the headline figures, before the flags.
    pub change_note: String,
    /// Heading of the chart data.
    pub chart_data: String,
    /// A chart without data.
    pub no_data: String,
    /// Where the figures come from.
    pub source_note: String,
    /// "County".
    pub county: String,
    /// "Course type".
    pub course_type: String,
    /// "Fund code".
    pub fund_id: String,
    /// "Fund name".
    pub fund_name: String,
    /// "Village".
    pub village: String,
    /// "Fund type".
    pub fund_type: String,
    /// "Established".
    pub established_on: String,
    /// "Area" (province or county).
    pub area: String,
    /// "Period start".
    pub period_start: String,
    /// "Period end".
    pub period_end: String,
    /// Heading of the files block.
    pub files: String,
    /// "Files found".
    pub files_found: String,
    /// "Files read".
    pub files_read: String,
    /// "Files skipped".
    pub files_skipped: String,
    /// "Files quarantined".
    pub files_quarantined: String,
    /// "Sheets quarantined".
    pub sheets_quarantined: String,
    /// Heading of the list of files and sheets not read.
    pub files_not_read: String,
    /// Heading of the rows by county and table.
    pub rows_by_county: String,
    /// "Rows read".
    pub rows_read: String,
    /// "Landed".
    pub landed: String,
    /// "Rejected".
    pub rejected: String,
    /// "Skipped".
    pub skipped: String,
    /// "Warned".
    pub warned: String,
    /// "Warnings".
    pub warnings: String,
    /// Heading of the reject reasons.
    pub reject_reasons: String,
    /// "Table".
    pub table: String,
    /// "Field".
    pub field: String,
    /// "Rule".
    pub rule: String,
    /// "Count".
    pub count: String,
    /// "File".
    pub file: String,
    /// "Sheet".
    pub sheet: String,
    /// "Row".
    pub row: String,
    /// "Status".
    pub status: String,
    /// "Reason".
    pub reason: String,
    /// Status: read.
    pub status_read: String,
    /// Status: skipped.
    pub status_skipped: String,
    /// Status: quarantined.
    pub status_quarantined: String,
    /// "none".
    pub none: String,
    /// The lake has no ingest report.
    pub no_ingest_report: String,
    /// Which run made the report: `{fingerprint}` is the run's short fingerprint. Optional in
    /// a report definition (a built-in sentence is used when it is missing).
    #[serde(default)]
    pub made_by_run: Option<String>,
    /// Rows of the province's own files (`_province`).
    pub province_level: String,
    /// A county that could not be told.
    pub unknown: String,
    /// "Name in the indicators table".
    pub code: String,
    /// "Kind".
    pub kind: String,
    /// "Definition".
    pub definition: String,
    /// "Standard".
    pub standard: String,
    /// Kind: count.
    pub kind_count: String,
    /// Kind: amount.
    pub kind_amount: String,
    /// Kind: ratio.
    pub kind_ratio: String,
    /// Kind: amount per.
    pub kind_amount_per: String,
    /// "Page" (page footer).
    pub page: String,
    /// "of" (page footer).
    pub of: String,
}

/// A report definition, checked.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDef {
    /// Sheets, in order.
    pub sheets: Vec<SheetKind>,
    /// The Summary sheet.
    pub summary: SummaryDef,
    /// The Counties sheet.
    pub counties: ColumnsDef,
    /// The Funds sheet.
    pub funds: ColumnsDef,
    /// The Trends sheet.
    pub trends: ColumnsDef,
    /// The Data quality sheet.
    #[serde(default)]
    pub data_quality: DataQualityDef,
    /// Thresholds.
    #[serde(default)]
    pub flags: Vec<Flag>,
    /// Fonts and colours.
    pub style: Style,
    /// Labels.
    pub text: TextsByLang,
    /// Names of the lake's tables.
    pub table_names: BTreeMap<String, Localized>,
    /// Names of fund types.
    pub fund_types: BTreeMap<String, Localized>,
    /// Names of course types.
    pub course_types: BTreeMap<String, Localized>,
    /// Labels, definitions and standards of indicators.
    pub indicators: BTreeMap<String, IndicatorText>,
}

impl ReportDef {
    /// Reads and checks a report file.
    pub fn load(path: &Path) -> Result<ReportDef, ReportConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReportConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        ReportDef::parse(&text, path)
    }

    /// The built-in report definition.
    pub fn builtin() -> Result<ReportDef, ReportConfigError> {
        ReportDef::parse(
            DEFAULT_REPORT,
            Path::new("(built-in) reports/quarterly.toml"),
        )
    }

    /// Parses and checks report TOML; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<ReportDef, ReportConfigError> {
        let invalid = |message: String| ReportConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        let def: ReportDef = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        def.check().map_err(invalid)?;
        Ok(def)
    }

    /// The labels in `lang`.
    pub fn text(&self, lang: Lang) -> &Texts {
        match lang {
            Lang::Fa => &self.text.fa,
            Lang::En => &self.text.en,
        }
    }

    /// An indicator's label in `lang` (its name when the file has none; `check` makes sure every
    /// indicator shown has one).
    pub fn label<'a>(&'a self, indicator: &'a str, lang: Lang) -> &'a str {
        self.indicators
            .get(indicator)
            .map(|t| t.label.get(lang))
            .unwrap_or(indicator)
    }

    /// An indicator's definition in `lang`: the file's, else INDICATORS.md's.
    pub fn definition(&self, indicator: &str, lang: Lang) -> String {
        let own = self
            .indicators
            .get(indicator)
            .and_then(|t| t.definition.get(lang));
        own.map(str::to_owned)
            .or_else(|| find(indicator).map(|i| i.definition.to_owned()))
            .unwrap_or_default()
    }

    /// The standard an indicator follows in `lang`: the file's, else INDICATORS.md's.
    pub fn standard(&self, indicator: &str, lang: Lang) -> String {
        let own = self
            .indicators
            .get(indicator)
            .and_then(|t| t.standard.get(lang));
        own.map(str::to_owned)
            .or_else(|| find(indicator).map(|i| i.standard.to_owned()))
            .unwrap_or_default()
    }

    /// The workbook font in `lang`.
    pub fn font(&self, lang: Lang) -> &str {
        self.style.font.get(lang)
    }

    /// The `i`-th series colour as `0xRRGGBB`, the palette repeating.
    pub fn color(&self, i: usize) -> u32 {
        let n = self.style.colors.len().max(1);
        self.style
            .colors
            .get(i % n)
            .and_then(|c| parse_color(c))
            .unwrap_or(0x1F6F8B)
    }

    /// The flags on an indicator.
    pub fn flags_for<'a>(&'a self, indicator: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.indicator == indicator)
    }

    /// A sheet's name in `lang`.
    pub fn sheet_name(&self, sheet: SheetKind, lang: Lang) -> &str {
        let t = self.text(lang);
        match sheet {
            SheetKind::Summary => &t.sheet_summary,
            SheetKind::Counties => &t.sheet_counties,
            SheetKind::Funds => &t.sheet_funds,
            SheetKind::Trends => &t.sheet_trends,
            SheetKind::DataQuality => &t.sheet_data_quality,
            SheetKind::Definitions => &t.sheet_definitions,
        }
    }

    /// A name from one of the label maps in `lang`, else the name itself.
    pub fn name_in<'a>(map: &'a BTreeMap<String, Localized>, key: &'a str, lang: Lang) -> &'a str {
        map.get(key).map(|l| l.get(lang)).unwrap_or(key)
    }

    /// Every check serde cannot make; the message names the key.
    fn check(&self) -> Result<(), String> {
        let mut seen = BTreeSet::new();
        for (i, s) in self.sheets.iter().enumerate() {
            if !seen.insert(*s) {
                return Err(format!("sheets[{i}]: {s:?} is listed twice"));
            }
        }
        if self.sheets.is_empty() {
            return Err("sheets is empty: list at least one sheet".into());
        }
        let mut shown: BTreeSet<&str> = BTreeSet::new();
        for (key, list) in [
            ("summary.indicators", &self.summary.indicators),
            ("counties.indicators", &self.counties.indicators),
            ("funds.indicators", &self.funds.indicators),
            ("trends.indicators", &self.trends.indicators),
        ] {
            check_indicators(key, list)?;
            shown.extend(list.iter().map(String::as_str));
        }
        let mut names = BTreeSet::new();
        for (i, c) in self.summary.charts.iter().enumerate() {
            let key = format!("summary.charts[{i}]");
            if c.name.is_empty()
                || !c
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            {
                return Err(format!(
                    "{key}.name «{}» must be lower-case ASCII letters, digits, - or _ (it names the chart files)",
                    c.name
                ));
            }
            if !names.insert(c.name.as_str()) {
                return Err(format!("{key}.name «{}» is used by another chart", c.name));
            }
            match c.kind {
                ChartKind::ByCounty | ChartKind::Trend => {
                    if c.indicators.is_empty() {
                        return Err(format!("{key}.indicators is empty: list what to draw"));
                    }
                    check_indicators(&format!("{key}.indicators"), &c.indicators)?;
                    same_unit(&format!("{key}.indicators"), &c.indicators)?;
                    if c.kind == ChartKind::Trend && !c.secondary.is_empty() {
                        return Err(format!(
                            "{key}.secondary: only by_county charts have a second axis"
                        ));
                    }
                    check_indicators(&format!("{key}.secondary"), &c.secondary)?;
                    same_unit(&format!("{key}.secondary"), &c.secondary)?;
                    if c.kind == ChartKind::Trend && !(1..=40).contains(&c.quarters) {
                        return Err(format!(
                            "{key}.quarters = {} must be between 1 and 40",
                            c.quarters
                        ));
                    }
                }
                ChartKind::TrainingByCourse => {
                    if !c.indicators.is_empty() || !c.secondary.is_empty() {
                        return Err(format!(
                            "{key}: a training_by_course chart takes no indicators (it counts participants by course type)"
                        ));
                    }
                }
            }
            shown.extend(c.indicators.iter().map(String::as_str));
            shown.extend(c.secondary.iter().map(String::as_str));
        }
        for (i, f) in self.flags.iter().enumerate() {
            let key = format!("flags[{i}]");
            if find(&f.indicator).is_none() {
                return Err(format!(
                    "{key}.indicator «{}» is not an indicator; {}",
                    f.indicator,
                    known_indicators()
                ));
            }
            match (f.above, f.below) {
                (Some(v), None) | (None, Some(v)) if v.is_finite() => {}
                (Some(_), Some(_)) => {
                    return Err(format!("{key}: give `above` or `below`, not both"));
                }
                (None, None) => return Err(format!("{key}: give `above` or `below`")),
                _ => return Err(format!("{key}: the threshold must be a finite number")),
            }
        }
        if self.style.colors.is_empty() {
            return Err("style.colors is empty: list at least one colour like \"#1F6F8B\"".into());
        }
        for (i, c) in self.style.colors.iter().enumerate() {
            if parse_color(c).is_none() {
                return Err(format!(
                    "style.colors[{i}] «{c}» is not a colour like \"#1F6F8B\""
                ));
            }
        }
        for lang in Lang::ALL {
            let mut sheet_names = BTreeSet::new();
            for s in [
                SheetKind::Summary,
                SheetKind::Counties,
                SheetKind::Funds,
                SheetKind::Trends,
                SheetKind::DataQuality,
                SheetKind::Definitions,
            ] {
                let name = self.sheet_name(s, lang);
                let key = format!("text.{}.sheet_{}", lang.code(), sheet_key(s));
                check_sheet_name(&key, name)?;
                if !sheet_names.insert(name.to_lowercase()) {
                    return Err(format!("{key} «{name}» names another sheet too"));
                }
            }
        }
        for name in self.indicators.keys() {
            if find(name).is_none() {
                return Err(format!(
                    "indicators.{name}: not an indicator; {}",
                    known_indicators()
                ));
            }
        }
        for name in &shown {
            if !self.indicators.contains_key(*name) {
                return Err(format!(
                    "indicators.{name}: missing; every indicator the report shows needs a label, e.g.\n[indicators.{name}]\nlabel = {{ fa = \"…\", en = \"…\" }}"
                ));
            }
        }
        for lang in Lang::ALL {
            let mut labels = BTreeMap::new();
            for (name, t) in &self.indicators {
                let label = t.label.get(lang).trim();
                if label.is_empty() {
                    return Err(format!("indicators.{name}.label.{} is empty", lang.code()));
                }
                if let Some(other) = labels.insert(label.to_lowercase(), name) {
                    return Err(format!(
                        "indicators.{name}.label.{} «{label}» is also the label of {other}; column headers must differ",
                        lang.code()
                    ));
                }
            }
        }
        for key in self.table_names.keys() {
            if !Table::ALL.iter().any(|t| t.name() == key) {
                return Err(format!("table_names.{key}: no such table"));
            }
        }
        for (map, kind, key) in [
            (&self.fund_types, EnumKind::FundType, "fund_types"),
            (&self.course_types, EnumKind::CourseType, "course_types"),
        ] {
            let vocabulary = kind.vocabulary();
            for name in map.keys() {
                if !vocabulary.iter().any(|(v, _)| v == name) {
                    let known: Vec<&str> = vocabulary.iter().map(|(v, _)| *v).collect();
                    return Err(format!(
                        "{key}.{name}: not a value of the data; use one of {}",
                        known.join(", ")
                    ));
                }
            }
        }
        if self.data_quality.reasons > 1000 || self.data_quality.examples > 100 {
            return Err(
                "data_quality: reasons must be at most 1000 and examples at most 100".into(),
            );
        }
        Ok(())
    }
}

fn sheet_key(s: SheetKind) -> &'static str {
    match s {
        SheetKind::Summary => "summary",
        SheetKind::Counties => "counties",
        SheetKind::Funds => "funds",
        SheetKind::Trends => "trends",
        SheetKind::DataQuality => "data_quality",
        SheetKind::Definitions => "definitions",
    }
}

fn known_indicators() -> String {
    let names: Vec<&str> = INDICATORS.iter().map(|i| i.name).collect();
    format!("use one of: {}", names.join(", "))
}

fn check_indicators(key: &str, list: &[String]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for (i, name) in list.iter().enumerate() {
        if find(name).is_none() {
            return Err(format!(
                "{key}[{i}]: «{name}» is not an indicator; {}",
                known_indicators()
            ));
        }
        if !seen.insert(name) {
            return Err(format!("{key}[{i}]: «{name}» is listed twice"));
        }
    }
    Ok(())
}

/// The unit class of an indicator on a chart axis: counts, rials or ratios.
pub fn unit_class(kind: IndicatorKind) -> u8 {
    match kind {
        IndicatorKind::Count => 0,
        IndicatorKind::Amount | IndicatorKind::AmountPer => 1,
        IndicatorKind::Ratio => 2,
    }
}

fn same_unit(key: &str, list: &[String]) -> Result<(), String> {
    let classes: BTreeSet<u8> = list
        .iter()
        .filter_map(|n| find(n))
        .map(|i| unit_class(i.kind))
        .collect();
    if classes.len() > 1 {
        return Err(format!(
            "{key}: figures on one axis must be of one kind (counts, rials or ratios); put the others in `secondary` or another chart"
        ));
    }
    Ok(())
}

fn check_sheet_name(key: &str, name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if len == 0 || len > 31 {
        return Err(format!(
            "{key} «{name}» must have 1 to 31 characters (Excel's limit)"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
    {
        return Err(format!(
            "{key} «{name}» has «{c}», which Excel does not allow in sheet names"
        ));
    }
    if name.starts_with('\'') || name.ends_with('\'') {
        return Err(format!(
            "{key} «{name}» may not begin or end with an apostrophe"
        ));
    }
    Ok(())
}

/// `#RRGGBB` → `0xRRGGBB`.
pub fn parse_color(text: &str) -> Option<u32> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}
