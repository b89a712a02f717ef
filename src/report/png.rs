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
        let png = encode(pixmap).map_err(|e| png_err(e.to_string()))?;
        Ok(Drawn { svg: outlined, png })
    }
}

/// The PNG file of a rendered chart: 8-bit RGBA, each row filtered as suits it best, DEFLATE at
/// level 2. The default level (6, through `tiny_skia`'s `encode_png`, which also copied the
/// pixmap to demultiply it) took a fifth of the report stage at scale 1; level 2 makes files
/// 6% larger (436 against 412 KB for the 8 charts) in ~10 ms less; the `png` crate's fast
/// setting saves ~6 ms more but makes them 2.5 times as large.
fn encode(pixmap: tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    // Colours as a PNG holds them, not premultiplied by their opacity.
    let pixels = pixmap.take_demultiplied();
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(2));
    encoder.set_filter(png::Filter::Adaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_png_holds_the_pixels_tiny_skia_would_have_written() {
        // Nothing opaque: every pixel is premultiplied by an opacity below 1, so a PNG of
        // pixels not demultiplied would differ; and text.
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">
            <rect width="120" height="60" fill="#f4f1e8" fill-opacity="0.5"/>
            <rect x="10" y="10" width="50" height="40" fill="#1f77b4" fill-opacity="0.6"/>
            <path d="M0 55 L120 5" stroke="#d62728" stroke-width="3" stroke-opacity="0.4"/>
            <text x="64" y="40" font-size="14" font-family="Vazirmatn">صندوق 12</text>
        </svg>"##;
        let renderer = Renderer::new();
        let tree = usvg::Tree::from_str(svg, &renderer.options).unwrap();
        let mut pixmap = tiny_skia::Pixmap::new(120, 60).unwrap();
        resvg::render(
            &tree,
            tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        let theirs = tiny_skia::Pixmap::decode_png(&pixmap.encode_png().unwrap()).unwrap();
        let ours = tiny_skia::Pixmap::decode_png(&encode(pixmap).unwrap()).unwrap();
        assert_eq!((ours.width(), ours.height()), (120, 60));
        assert_eq!(ours.data(), theirs.data());
        assert!(
            ours.pixels()
                .iter()
                .any(|p| p.alpha() < 255 && p.blue() > p.red()),
            "the fill is drawn"
        );
    }
}
