//! Draws a [`ChartData`] as SVG text: column and line charts with value axes, gridlines,
//! category labels, a legend and value labels. No timestamps or random ids, so identical data
//! gives identical bytes.
//!
//! Right to left (Persian): the layout is computed left to right and mirrored, so the first
//! category is on the right and the primary value axis on the right (a second axis on the left);
//! Persian strings are wrapped in a right-to-left embedding (U+202B … U+202C), because the SVG
//! renderer lays out every text as a left-to-right paragraph; the embedding makes the bidi
//! algorithm order a Persian label with Latin or digits in it as a Persian reader expects.
//! Text is drawn in the embedded Vazirmatn; [`super::png`] turns the text into outlines.

use super::charts::{ChartData, Series, Shape, Unit};
use super::i18n::{format_number, Lang};
use std::fmt::Write as _;

/// Width of a chart image in SVG units (pixels at 1×).
pub const WIDTH: f64 = 960.0;
/// Height of a chart image.
pub const HEIGHT: f64 = 540.0;
/// The font family the images use (embedded in the binary, see [`super::png`]).
pub const FONT_FAMILY: &str = "Vazirmatn";

const TITLE_Y: f64 = 44.0;
const LEGEND_Y: f64 = 82.0;
const UNIT_Y: f64 = 116.0;
const PLOT_TOP: f64 = 132.0;
/// Bottom of the plot when category labels have two lines (one line: 20 units lower).
const PLOT_BOTTOM: f64 = HEIGHT - 72.0;
const AXIS_MARGIN: f64 = 84.0;
const SIDE_MARGIN: f64 = 36.0;
const TEXT: &str = "#2B2F33";
const MUTED: &str = "#5B6770";
const GRID: &str = "#E3E6EA";
const BASELINE: &str = "#8A9099";

/// Horizontal alignment of a text, in the left-to-right layout (mirrored for right to left).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Start,
    Middle,
    End,
}

/// A value axis: from `lo` to `hi` in display units, `n` intervals.
#[derive(Debug, Clone, Copy)]
struct Scale {
    lo: f64,
    hi: f64,
    n: usize,
    unit: Unit,
    bottom: f64,
}

impl Scale {
    fn step(&self) -> f64 {
        (self.hi - self.lo) / self.n.max(1) as f64
    }

    fn y(&self, v: f64) -> f64 {
        let span = (self.hi - self.lo).max(f64::MIN_POSITIVE);
        self.bottom - (v - self.lo) / span * (self.bottom - PLOT_TOP)
    }

    fn decimals(&self) -> usize {
        let s = self.step();
        if s >= 1.0 || self.unit == Unit::Count {
            0
        } else if s >= 0.1 {
            1
        } else {
            2
        }
    }
}

/// A value in the axis' display unit: rials in millions, ratios in percent.
fn display(unit: Unit, v: f64) -> f64 {
    match unit {
        Unit::Count => v,
        Unit::Rials => v / 1_000_000.0,
        Unit::Ratio => v * 100.0,
    }
}

/// A number written for an axis or a label.
fn label(lang: Lang, unit: Unit, v: f64, decimals: usize) -> String {
    let n = format_number(lang, v, decimals);
    match (unit, lang) {
        (Unit::Ratio, Lang::Fa) => format!("{n}\u{066A}"),
        (Unit::Ratio, Lang::En) => format!("{n}%"),
        _ => n,
    }
}

/// The smallest "nice" step (1, 2, 2.5, 5 × 10ⁿ) at least `raw`; whole numbers for counts.
fn nice_step(raw: f64, whole: bool) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let base = 10f64.powf(raw.log10().floor());
    let f = raw / base;
    let m = if f <= 1.0 + 1e-9 {
        1.0
    } else if f <= 2.0 + 1e-9 {
        2.0
    } else if f <= 2.5 + 1e-9 && !(whole && base < 10.0) {
        2.5
    } else if f <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    let step = m * base;
    if whole {
        step.max(1.0).round()
    } else {
        step
    }
}

fn values(series: &[Series], unit: Unit) -> Vec<f64> {
    series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .map(|v| display(unit, *v))
        .filter(|v| v.is_finite())
        .collect()
}

/// A scale over the values with about five intervals.
fn primary_scale(vals: &[f64], unit: Unit, bottom: f64) -> Scale {
    let max = vals.iter().copied().fold(0.0f64, f64::max);
    let min = vals.iter().copied().fold(0.0f64, f64::min);
    let span = if max - min > 0.0 { max - min } else { 1.0 };
    let step = nice_step(span / 5.0, unit == Unit::Count);
    let lo = (min / step).floor() * step;
    let hi = ((max / step).ceil() * step).max(lo + step);
    let n = ((hi - lo) / step).round().max(1.0) as usize;
    Scale {
        lo,
        hi,
        n,
        unit,
        bottom,
    }
}

/// A scale with `n` intervals, so that its gridlines fall on the primary axis' gridlines.
fn secondary_scale(vals: &[f64], unit: Unit, n: usize, bottom: f64) -> Scale {
    let max = vals.iter().copied().fold(0.0f64, f64::max);
    let step = nice_step(
        if max > 0.0 { max / n as f64 } else { 1.0 },
        unit == Unit::Count,
    );
    Scale {
        lo: 0.0,
        hi: step * n as f64,
        n,
        unit,
        bottom,
    }
}

/// Whether a text has Arabic-script letters (and so needs a right-to-left embedding).
fn has_arabic_letters(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{0620}'..='\u{064A}' | '\u{0671}'..='\u{06D3}' | '\u{FB50}'..='\u{FEFC}'))
}

/// Rough advance of a text in the embedded font, for laying out legends and fitting labels.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| match c {
            '\u{200C}' | '\u{200F}' | '\u{202A}'..='\u{202E}' => 0.0,
            ' ' => 0.27,
            '0'..='9' | '\u{06F0}'..='\u{06F9}' => 0.56,
            'A'..='Z' | 'm' | 'w' => 0.66,
            c if c.is_ascii() => 0.5,
            _ => 0.5,
        })
        .sum::<f64>()
        * size
}

struct Canvas {
    out: String,
    lang: Lang,
    rtl: bool,
}

impl Canvas {
    /// x in the left-to-right layout → x drawn.
    fn x(&self, x: f64) -> f64 {
        if self.rtl {
            WIDTH - x
        } else {
            x
        }
    }

    fn text(&mut self, x: f64, y: f64, s: &str, size: f64, align: Align, color: &str) {
        self.text_with(x, y, s, size, align, color, "");
    }

    /// A value label on a white rounded box, so it stays legible over bars.
    fn boxed_label(&mut self, x: f64, y: f64, s: &str, size: f64, color: &str) {
        let w = text_width(s, size) + 8.0;
        let h = size + 4.0;
        let _ = writeln!(
            self.out,
            r##"<rect x="{:.1}" y="{:.1}" width="{w:.1}" height="{h:.1}" rx="3" fill="#FFFFFF" fill-opacity="0.9"/>"##,
            self.x(x) - w / 2.0,
            y - size + 0.5
        );
        self.text(x, y, s, size, Align::Middle, color);
    }

    #[allow(clippy::too_many_arguments)]
    fn text_with(
        &mut self,
        x: f64,
        y: f64,
        s: &str,
        size: f64,
        align: Align,
        color: &str,
        extra: &str,
    ) {
        let physical = match (align, self.rtl) {
            (Align::Middle, _) => "middle",
            (Align::Start, false) | (Align::End, true) => "start",
            (Align::End, false) | (Align::Start, true) => "end",
        };
        let body = if self.rtl && has_arabic_letters(s) {
            format!("\u{202B}{}\u{202C}", crate::text::xml_escape(s))
        } else {
            crate::text::xml_escape(s)
        };
        let _ = writeln!(
            self.out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{size}" text-anchor="{physical}" fill="{color}"{extra}>{body}</text>"#,
            self.x(x),
            y
        );
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, color: &str, width: f64) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{:.1}" y1="{y1:.1}" x2="{:.1}" y2="{y2:.1}" stroke="{color}" stroke-width="{width}"/>"#,
            self.x(x1),
            self.x(x2)
        );
    }

    /// A rectangle from x to x + w in the left-to-right layout.
    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, color: u32) {
        let left = if self.rtl { WIDTH - x - w } else { x };
        let _ = writeln!(
            self.out,
            r##"<rect x="{left:.1}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="#{color:06X}"/>"##,
            h.max(0.0)
        );
    }

    fn circle(&mut self, x: f64, y: f64, r: f64, color: u32) {
        let _ = writeln!(
            self.out,
            r##"<circle cx="{:.1}" cy="{y:.1}" r="{r}" fill="#{color:06X}" stroke="#FFFFFF" stroke-width="1.5"/>"##,
            self.x(x)
        );
    }

    fn polyline(&mut self, points: &[(f64, f64)], color: u32) {
        if points.len() < 2 {
            return;
        }
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{:.1},{y:.1}", self.x(*x)))
            .collect();
        let _ = writeln!(
            self.out,
            r##"<polyline points="{}" fill="none" stroke="#{color:06X}" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>"##,
            pts.join(" ")
        );
    }
}

/// The chart as SVG text (with `<text>` elements; [`super::png`] outlines them).
pub fn render(chart: &ChartData) -> String {
    let lang = chart.lang;
    let mut c = Canvas {
        out: String::new(),
        lang,
        rtl: lang.rtl(),
    };
    let _ = writeln!(
        c.out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT_FAMILY}">"#
    );
    let _ = writeln!(
        c.out,
        r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>"##
    );
    c.text(
        WIDTH / 2.0,
        TITLE_Y,
        &chart.title,
        22.0,
        Align::Middle,
        TEXT,
    );
    if !chart.has_data() {
        c.text(
            WIDTH / 2.0,
            (PLOT_TOP + PLOT_BOTTOM) / 2.0,
            &chart.no_data,
            18.0,
            Align::Middle,
            MUTED,
        );
        c.out.push_str("</svg>\n");
        return c.out;
    }
    legend(&mut c, chart);

    let has_secondary = !chart.secondary.is_empty();
    let left = AXIS_MARGIN;
    let right = WIDTH
        - if has_secondary {
            AXIS_MARGIN
        } else {
            SIDE_MARGIN
        };
    let two_lines = chart.category_lines.iter().any(|(_, l2)| !l2.is_empty());
    let bottom = if two_lines {
        PLOT_BOTTOM
    } else {
        PLOT_BOTTOM + 20.0
    };
    let primary = primary_scale(&values(&chart.primary, chart.unit), chart.unit, bottom);
    let secondary = secondary_scale(
        &values(&chart.secondary, chart.secondary_unit),
        chart.secondary_unit,
        primary.n,
        bottom,
    );

    // With two value axes, each axis' numbers and title take the colour of its first series.
    let series_color = |s: &[Series]| match (has_secondary, s.first()) {
        (true, Some(s)) => format!("#{:06X}", s.color),
        _ => MUTED.to_owned(),
    };
    let (primary_color, secondary_color) =
        (series_color(&chart.primary), series_color(&chart.secondary));

    // Gridlines and the primary axis.
    for i in 0..=primary.n {
        let v = primary.lo + primary.step() * i as f64;
        let y = primary.y(v);
        let color = if v.abs() < 1e-9 { BASELINE } else { GRID };
        c.line(left, y, right, y, color, 1.0);
        let text = label(lang, chart.unit, v, primary.decimals());
        c.text(
            left - 10.0,
            y + 5.0,
            &text,
            13.0,
            Align::End,
            &primary_color,
        );
    }
    c.text(
        16.0,
        UNIT_Y,
        &chart.unit_labels.0,
        13.0,
        Align::Start,
        &primary_color,
    );
    if has_secondary {
        for i in 0..=secondary.n {
            let v = secondary.lo + secondary.step() * i as f64;
            let text = label(lang, chart.secondary_unit, v, secondary.decimals());
            c.text(
                right + 10.0,
                secondary.y(v) + 5.0,
                &text,
                13.0,
                Align::Start,
                &secondary_color,
            );
        }
        c.text(
            WIDTH - 16.0,
            UNIT_Y,
            &chart.unit_labels.1,
            13.0,
            Align::End,
            &secondary_color,
        );
    }

    // Categories.
    let n = chart.categories.len().max(1);
    let band = (right - left) / n as f64;
    let center = |i: usize| left + band * (i as f64 + 0.5);
    for (i, (l1, l2)) in chart.category_lines.iter().enumerate() {
        let widest = text_width(l1, 14.0).max(text_width(l2, 14.0));
        let size = if widest > band * 0.94 {
            (14.0 * band * 0.94 / widest).max(9.0).floor()
        } else {
            14.0
        };
        c.text(center(i), bottom + 24.0, l1, size, Align::Middle, TEXT);
        if !l2.is_empty() {
            c.text(center(i), bottom + 44.0, l2, size, Align::Middle, MUTED);
        }
    }

    match chart.shape {
        Shape::Bars => {
            let k = chart.primary.len().max(1);
            let group = band * if k == 1 { 0.56 } else { 0.74 };
            let w = group / k as f64;
            let labelled = k <= 2;
            for (j, s) in chart.primary.iter().enumerate() {
                for (i, v) in s.values.iter().enumerate() {
                    let Some(v) = v else { continue };
                    let dv = display(chart.unit, *v);
                    let x = center(i) - group / 2.0 + w * j as f64;
                    let (y0, y1) = (primary.y(dv.max(0.0)), primary.y(dv.min(0.0)));
                    c.rect(x + 1.0, y0, w - 2.0, y1 - y0, s.color);
                    if labelled {
                        let text = value_label(lang, chart.unit, dv);
                        let size = if k == 1 { 13.0 } else { 11.0 };
                        c.text(x + w / 2.0, y0 - 6.0, &text, size, Align::Middle, TEXT);
                    }
                }
            }
            for s in &chart.secondary {
                lines(
                    &mut c,
                    s,
                    &secondary,
                    chart.secondary_unit,
                    &center,
                    true,
                    true,
                );
            }
        }
        Shape::Lines => {
            for s in &chart.primary {
                lines(&mut c, s, &primary, chart.unit, &center, n <= 12, false);
            }
        }
    }
    c.out.push_str("</svg>\n");
    c.out
}

/// A value label: rials in millions, ratios in percent with one decimal.
fn value_label(lang: Lang, unit: Unit, dv: f64) -> String {
    let decimals = match unit {
        Unit::Count => 0,
        Unit::Rials => usize::from(dv.abs() < 100.0),
        Unit::Ratio => 1,
    };
    label(lang, unit, dv, decimals)
}

#[allow(clippy::too_many_arguments)]
fn lines(
    c: &mut Canvas,
    s: &Series,
    scale: &Scale,
    unit: Unit,
    center: &dyn Fn(usize) -> f64,
    labelled: bool,
    boxed: bool,
) {
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut points = Vec::new();
    for (i, v) in s.values.iter().enumerate() {
        match v {
            Some(v) => {
                let dv = display(unit, *v);
                let p = (center(i), scale.y(dv));
                run.push(p);
                points.push((p, dv));
            }
            None => {
                c.polyline(&run, s.color);
                run.clear();
            }
        }
    }
    c.polyline(&run, s.color);
    let color = format!("#{:06X}", s.color);
    for ((x, y), dv) in points {
        c.circle(x, y, 5.0, s.color);
        if labelled {
            let text = value_label(c.lang, unit, dv);
            if boxed {
                c.boxed_label(x, y - 11.0, &text, 12.0, &color);
            } else {
                c.text(x, y - 11.0, &text, 12.0, Align::Middle, &color);
            }
        }
    }
}

fn legend(c: &mut Canvas, chart: &ChartData) {
    let items: Vec<(&Series, bool)> = chart
        .primary
        .iter()
        .map(|s| (s, chart.shape == Shape::Lines))
        .chain(chart.secondary.iter().map(|s| (s, true)))
        .collect();
    let size = 15.0;
    let widths: Vec<f64> = items
        .iter()
        .map(|(s, _)| 26.0 + text_width(&s.name, size))
        .collect();
    let gap = 30.0;
    let total: f64 = widths.iter().sum::<f64>() + gap * (items.len().saturating_sub(1)) as f64;
    let mut x = (WIDTH - total) / 2.0;
    for ((s, is_line), w) in items.iter().zip(&widths) {
        if *is_line {
            c.line(
                x,
                LEGEND_Y - 5.0,
                x + 20.0,
                LEGEND_Y - 5.0,
                &format!("#{:06X}", s.color),
                3.0,
            );
            c.circle(x + 10.0, LEGEND_Y - 5.0, 4.5, s.color);
        } else {
            c.rect(x + 2.0, LEGEND_Y - 13.0, 16.0, 16.0, s.color);
        }
        c.text(x + 26.0, LEGEND_Y, &s.name, size, Align::Start, TEXT);
        x += w + gap;
    }
}
