//! Chart images: the SVG of [`super::svg`] is laid out by usvg with the font embedded in the
//! binary (Vazirmatn, SIL Open Font License 1.1; the licence is kept beside it in
//! `assets/fonts/OFL.txt`), which shapes Persian (joined letters, right to left). The laid-out
//! tree is written back as SVG with every text turned into outlines, and rendered by resvg to
//! PNG, so both files look the same on every machine whatever fonts it has.

use resvg::tiny_skia;
use resvg::usvg;

/// Vazirmatn Regular, embedded (OFL 1.1; see `assets/fonts/`).
pub const FONT: &[u8] = include_bytes!("../../assets/fonts/Vazirmatn-Regular.ttf");

/// PNG pixels per SVG unit (2: a 960 × 540 chart gives a 1920 × 1080 image, sharp in print).
pub const PNG_SCALE: f32 = 2.0;

/// A chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The SVG did not parse (a bug: the SVG is generated).
    #[error("chart {name}: the SVG does not parse: {message}")]
    Svg {
        /// The chart.
        name: String,
        /// Why.
        message: String,
    },
    /// The image could not be encoded.
    #[error("chart {name}: cannot make the PNG: {message}")]
    Png {
        /// The chart.
        name: String,
        /// Why.
        message: String,
    },
}

/// A chart drawn: SVG with outlined text, and PNG bytes.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// SVG text, text as paths.
    pub svg: String,
    /// PNG file bytes.
    pub png: Vec<u8>,
}

/// Lays out and renders charts with the embedded font.
pub struct Renderer {
    options: usvg::Options<'static>,
}

impl Default for Renderer {
    fn default() -> Self {
        Renderer::new()
    }
}

impl Renderer {
    /// A renderer whose only font is the embedded Vazirmatn (system fonts are not loaded, so
    /// output does not depend on the machine).
    pub fn new() -> Renderer {
        let mut options = usvg::Options {
            font_family: super::svg::FONT_FAMILY.to_owned(),
            ..usvg::Options::default()
        };
        let db = options.fontdb_mut();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family(super::svg::FONT_FAMILY);
        db.set_serif_family(super::svg::FONT_FAMILY);
        Renderer { options }
    }

    /// Outlines the text of an SVG and renders it to PNG.
    pub fn draw(&self, name: &str, svg: &str) -> Result<Drawn, ChartError> {
        let tree = usvg::Tree::from_str(svg, &self.options).map_err(|e| ChartError::Svg {
            name: name.to_owned(),
            message: e.to_string(),
        })?;
        let outlined = tree.to_string(&usvg::WriteOptions::default());
        let size = tree.size();
        let png_err = |message: String| ChartError::Png {
            name: name.to_owned(),
            message,
        };
        let (w, h) = (
            (size.width() * PNG_SCALE).ceil() as u32,
            (size.height() * PNG_SCALE).ceil() as u32,
        );
        let mut pixmap =
            tiny_skia::Pixmap::new(w, h).ok_or_else(|| png_err(format!("bad size {w} × {h}")))?;
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(PNG_SCALE, PNG_SCALE),
            &mut pixmap.as_mut(),
        );
        let png = pixmap.encode_png().map_err(|e| png_err(e.to_string()))?;
        Ok(Drawn { svg: outlined, png })
    }
}
