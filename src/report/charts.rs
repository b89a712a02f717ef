//! The charts of a report as data: title, categories, series and units, built once per language
//! from the report definition and the figures, then drawn twice: as native Excel charts on the
//! Summary sheet ([`super::excel`]) and as SVG and PNG files ([`super::svg`], [`super::png`]).
//!
//! Categories are in reading order (the pipeline's county order, quarters oldest first, course
//! types in the data contract's order); right-to-left drawing is the renderers' business.

use super::config::{unit_class, ChartDef, ChartKind, ReportDef};
use super::data::{IndicatorData, Scope};
use super::i18n::{quarter_label, quarter_lines, Lang};
use crate::calendar::Quarter;
use crate::config::Pipeline;
use crate::indicators::{find, IndicatorKind};
use crate::schema::EnumKind;
use std::collections::BTreeMap;

/// What a value axis measures, and so how its numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Whole counts.
    Count,
    /// Rials (axes in millions).
    Rials,
    /// Ratios (axes in percent).
    Ratio,
}

impl Unit {
    /// The unit of an indicator.
    pub fn of(indicator: &str) -> Unit {
        match find(indicator).map(|i| unit_class(i.kind)) {
            Some(1) => Unit::Rials,
            Some(2) => Unit::Ratio,
            _ => Unit::Count,
        }
    }

    /// The unit of an indicator kind.
    pub fn of_kind(kind: IndicatorKind) -> Unit {
        match unit_class(kind) {
            1 => Unit::Rials,
            2 => Unit::Ratio,
            _ => Unit::Count,
        }
    }
}

/// How the primary series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Clustered columns.
    Bars,
    /// Lines with markers.
    Lines,
}

/// One series of a chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// One value per category; `None` where undefined.
    pub values: Vec<Option<f64>>,
    /// Colour, `0xRRGGBB`.
    pub color: u32,
}

/// A chart ready to draw.
#[derive(Debug, Clone)]
pub struct ChartData {
    /// File name stem (`charts/<name>-<lang>.svg`).
    pub name: String,
    /// Language of its text.
    pub lang: Lang,
    /// Title.
    pub title: String,
    /// Header of the category column in the worksheet: county, quarter, course type.
    pub category_header: String,
    /// Category labels as one line (worksheet cells).
    pub categories: Vec<String>,
    /// Category labels as up to two short lines (images).
    pub category_lines: Vec<(String, String)>,
    /// Primary series.
    pub primary: Vec<Series>,
    /// How the primary series are drawn.
    pub shape: Shape,
    /// Unit of the primary axis.
    pub unit: Unit,
    /// Lines on a second value axis.
    pub secondary: Vec<Series>,
    /// Unit of the second axis.
    pub secondary_unit: Unit,
    /// Text of the axis units, `(primary, secondary)`: «میلیون ریال», `%`.
    pub unit_labels: (String, String),
    /// Shown instead of the plot when there is nothing to draw.
    pub no_data: String,
}

impl ChartData {
    /// Whether any series has a value.
    pub fn has_data(&self) -> bool {
        !self.categories.is_empty()
            && self
                .primary
                .iter()
                .chain(&self.secondary)
                .any(|s| s.values.iter().any(Option::is_some))
    }
}

/// The text of a unit on a chart axis.
pub fn unit_label(def: &ReportDef, lang: Lang, unit: Unit) -> String {
    let t = def.text(lang);
    match unit {
        Unit::Count => t.unit_count.clone(),
        Unit::Rials => t.unit_million_rials.clone(),
        Unit::Ratio => t.unit_percent.clone(),
    }
}

/// The title of a value axis shared with another: its series' names, with the unit of rials and
/// ratios («اعضای فعال», `Savings balance (million rials)`), so a reader can tell the axes apart.
fn axis_label(def: &ReportDef, lang: Lang, series: &[Series], unit: Unit) -> String {
    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    let names = names.join(if lang.rtl() { "، " } else { ", " });
    match unit {
        Unit::Count => names,
        _ => format!("{names} ({})", unit_label(def, lang, unit)),
    }
}

/// A county's name in `lang` from the pipeline (its slug when the pipeline does not list it).
pub fn county_name(pipeline: &Pipeline, slug: &str, lang: Lang) -> String {
    match pipeline.county(slug) {
        Some(c) => match lang {
            Lang::Fa => c.fa.clone(),
            Lang::En => c.en.clone(),
        },
        None => slug.to_owned(),
    }
}

/// Counties of quarter `q` in the pipeline's order, then any others by slug.
pub fn ordered_counties(pipeline: &Pipeline, data: &IndicatorData, q: Quarter) -> Vec<String> {
    order_counties(pipeline, data.counties_in(q).into_iter().collect())
}

/// Slugs in the pipeline's order, then any others sorted.
pub fn order_counties(pipeline: &Pipeline, mut slugs: Vec<String>) -> Vec<String> {
    let pos = |s: &str| {
        pipeline
            .counties
            .iter()
            .position(|c| c.slug == s)
            .unwrap_or(usize::MAX)
    };
    slugs.sort_by(|a, b| (pos(a), a).cmp(&(pos(b), b)));
    slugs
}

/// Everything a chart is built from.
pub struct ChartInputs<'a> {
    /// Report definition.
    pub def: &'a ReportDef,
    /// Pipeline (county names and order).
    pub pipeline: &'a Pipeline,
    /// Figures.
    pub data: &'a IndicatorData,
    /// The report's quarter.
    pub quarter: Quarter,
    /// Participants by course type in the quarter; `None` when the lake has no trainings table.
    pub training: Option<&'a BTreeMap<String, i64>>,
}

/// Builds every chart of the report definition in `lang`.
pub fn build(inputs: &ChartInputs<'_>, lang: Lang) -> Vec<ChartData> {
    inputs
        .def
        .summary
        .charts
        .iter()
        .map(|c| build_one(inputs, c, lang))
        .collect()
}

fn build_one(inp: &ChartInputs<'_>, c: &ChartDef, lang: Lang) -> ChartData {
    let def = inp.def;
    let mut color = 0usize;
    let mut next_color = || {
        let c = def.color(color);
        color += 1;
        c
    };
    let unit_of = |list: &[String]| list.first().map(|n| Unit::of(n)).unwrap_or(Unit::Count);
    let (categories, category_lines, primary, secondary, shape) = match c.kind {
        ChartKind::ByCounty => {
            let counties = ordered_counties(inp.pipeline, inp.data, inp.quarter);
            let names: Vec<String> = counties
                .iter()
                .map(|s| county_name(inp.pipeline, s, lang))
                .collect();
            let mut series = |list: &[String]| -> Vec<Series> {
                list.iter()
                    .map(|ind| Series {
                        name: def.label(ind, lang).to_owned(),
                        values: counties
                            .iter()
                            .map(|s| inp.data.value(inp.quarter, &Scope::County(s.clone()), ind))
                            .collect(),
                        color: next_color(),
                    })
                    .collect()
            };
            let primary = series(&c.indicators);
            let secondary = series(&c.secondary);
            let lines = names.iter().map(|n| (n.clone(), String::new())).collect();
            (names, lines, primary, secondary, Shape::Bars)
        }
        ChartKind::Trend => {
            let quarters = inp.data.last_quarters(inp.quarter, c.quarters);
            let primary = c
                .indicators
                .iter()
                .map(|ind| Series {
                    name: def.label(ind, lang).to_owned(),
                    values: quarters
                        .iter()
                        .map(|q| inp.data.value(*q, &Scope::Province, ind))
                        .collect(),
                    color: next_color(),
                })
                .collect();
            (
                quarters.iter().map(|q| quarter_label(lang, *q)).collect(),
                quarters.iter().map(|q| quarter_lines(lang, *q)).collect(),
                primary,
                Vec::new(),
                Shape::Lines,
            )
        }
        ChartKind::TrainingByCourse => {
            let mut kinds: Vec<String> = EnumKind::CourseType
                .vocabulary()
                .iter()
                .map(|(v, _)| (*v).to_owned())
                .collect();
            for k in inp.training.into_iter().flat_map(|t| t.keys()) {
                if !kinds.contains(k) {
                    kinds.push(k.clone());
                }
            }
            let names: Vec<String> = kinds
                .iter()
                .map(|k| ReportDef::name_in(&def.course_types, k, lang).to_owned())
                .collect();
            let primary = vec![Series {
                name: def.label("training_participants_q", lang).to_owned(),
                values: kinds
                    .iter()
                    .map(|k| inp.training.map(|t| t.get(k).copied().unwrap_or(0) as f64))
                    .collect(),
                color: next_color(),
            }];
            let lines = names.iter().map(|n| (n.clone(), String::new())).collect();
            (names, lines, primary, Vec::new(), Shape::Bars)
        }
    };
    let unit = match c.kind {
        ChartKind::TrainingByCourse => Unit::Count,
        _ => unit_of(&c.indicators),
    };
    let secondary_unit = unit_of(&c.secondary);
    let t = def.text(lang);
    let category_header = match c.kind {
        ChartKind::ByCounty => t.county.clone(),
        ChartKind::Trend => t.quarter.clone(),
        ChartKind::TrainingByCourse => t.course_type.clone(),
    };
    let unit_labels = if secondary.is_empty() {
        (unit_label(def, lang, unit), String::new())
    } else {
        (
            axis_label(def, lang, &primary, unit),
            axis_label(def, lang, &secondary, secondary_unit),
        )
    };
    ChartData {
        name: c.name.clone(),
        category_header,
        lang,
        title: c.title.get(lang).to_owned(),
        categories,
        category_lines,
        primary,
        shape,
        unit,
        secondary,
        secondary_unit,
        unit_labels,
        no_data: def.text(lang).no_data.clone(),
    }
}
