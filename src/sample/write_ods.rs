//! Writes an [`ExportFile`] as an OpenDocument spreadsheet: a zip whose first entry is the
//! uncompressed `mimetype`, then `META-INF/manifest.xml`, `meta.xml`, `styles.xml` and
//! `content.xml` (tables of rows of cells: `float`, `string` and `date` values). Timestamps
//! are fixed, so the bytes depend only on the content.

use super::layout::{number_text, Cell, ExportFile, Sheet};
use super::SampleError;
use std::fmt::Write as _;
use std::io::{Cursor, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

const MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

const META: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.2"><office:meta><meta:generator>sandogh sample-data</meta:generator><meta:creation-date>2025-04-05T09:00:00</meta:creation-date></office:meta></office:document-meta>
"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.2"><office:styles/></office:document-styles>
"#;

const CONTENT_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2">
<office:automatic-styles><number:date-style style:name="N1"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style><style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/><style:style style:name="co1" style:family="table-column"><style:table-column-properties style:column-width="3cm"/></style:style><style:style style:name="ta1" style:family="table"><style:table-properties table:display="true" style:writing-mode="rl-tb"/></style:style><style:style style:name="ta2" style:family="table"><style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style></office:automatic-styles>
<office:body><office:spreadsheet>
"#;

const CONTENT_TAIL: &str = "</office:spreadsheet></office:body></office:document-content>\n";

/// Writes `file` to `path`.
pub(crate) fn write(path: &Path, file: &ExportFile) -> Result<(), SampleError> {
    let bytes = package(file).map_err(|source| SampleError::Zip {
        path: path.to_path_buf(),
        source,
    })?;
    std::fs::write(path, bytes).map_err(|source| SampleError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The zip bytes of the document.
fn package(file: &ExportFile) -> Result<Vec<u8>, zip::result::ZipError> {
    let when = DateTime::from_date_and_time(2025, 4, 5, 9, 0, 0)?;
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(when)
        .unix_permissions(0o644);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("mimetype", stored)?;
    zip.write_all(MIMETYPE.as_bytes())?;
    zip.start_file("META-INF/manifest.xml", deflated)?;
    zip.write_all(MANIFEST.as_bytes())?;
    zip.start_file("meta.xml", deflated)?;
    zip.write_all(META.as_bytes())?;
    zip.start_file("styles.xml", deflated)?;
    zip.write_all(STYLES.as_bytes())?;
    zip.start_file("content.xml", deflated)?;
    zip.write_all(content(file).as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

/// `content.xml`. Cells of a row are written with no whitespace between them.
fn content(file: &ExportFile) -> String {
    let cells: usize = file
        .sheets
        .iter()
        .map(|s| s.rows.len() * s.header.len())
        .sum();
    let mut xml = String::with_capacity(CONTENT_HEAD.len() + cells * 64);
    xml.push_str(CONTENT_HEAD);
    for sheet in &file.sheets {
        table(&mut xml, sheet);
    }
    xml.push_str(CONTENT_TAIL);
    xml
}

fn table(xml: &mut String, sheet: &Sheet) {
    let style = if sheet.rtl { "ta1" } else { "ta2" };
    let _ = write!(
        xml,
        r#"<table:table table:name="{}" table:style-name="{style}"><table:table-column table:style-name="co1" table:number-columns-repeated="{}"/>"#,
        crate::text::xml_escape(&sheet.name),
        sheet.header.len().max(1)
    );
    xml.push('\n');
    for title in &sheet.titles {
        row(xml, title.iter());
    }
    let header: Vec<Cell> = sheet.header.iter().map(Cell::text).collect();
    row(xml, header.iter());
    for cells in &sheet.rows {
        row(xml, cells.iter());
    }
    if let Some(totals) = &sheet.totals {
        row(xml, totals.iter());
    }
    xml.push_str("</table:table>\n");
}

fn row<'a>(xml: &mut String, cells: impl Iterator<Item = &'a Cell>) {
    xml.push_str("<table:table-row>");
    for cell in cells {
        match cell {
            Cell::Blank => xml.push_str("<table:table-cell/>"),
            Cell::Text(s) => {
                let _ = write!(
                    xml,
                    r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                    crate::text::xml_escape(s)
                );
            }
            Cell::Number(v) => {
                let v = number_text(*v);
                let _ = write!(
                    xml,
                    r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
                );
            }
            Cell::Date(d) => {
                let d = d.format("%Y-%m-%d");
                let _ = write!(
                    xml,
                    r#"<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="{d}"><text:p>{d}</text:p></table:table-cell>"#
                );
            }
        }
    }
    xml.push_str("</table:table-row>\n");
}
