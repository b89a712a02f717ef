//! The small parts of an xlsx package that a sheet needs: the sheet list (`xl/workbook.xml` and
//! its relationships), the date system, the number formats of the cell styles
//! (`xl/styles.xml`) and the shared strings (`xl/sharedStrings.xml`).

use super::numfmt::{self, NumberKind};
use super::xml::{self, XmlResult};
use std::collections::HashMap;
use std::io::Read;

/// A sheet of the workbook, in workbook order.
#[derive(Debug, Clone)]
pub struct SheetEntry {
    /// Its name as the workbook shows it.
    pub name: String,
    /// Its part inside the package, `None` for a chart or dialog sheet (which holds no cells).
    pub part: Option<String>,
}

/// The workbook-wide facts.
#[derive(Debug, Default)]
pub struct Workbook {
    /// The sheets, in order.
    pub sheets: Vec<SheetEntry>,
    /// The 1904 date system.
    pub date1904: bool,
}

/// Why a part was not read.
#[derive(Debug)]
pub enum EntryError {
    /// Over the byte budget (the reason).
    Limit(String),
    /// Over what `[limits] compression_ratio` allows.
    Ratio,
    /// The part cannot be opened or inflated (the reason).
    Unreadable(String),
}

/// Reads one zip entry whole, under a byte budget and the cap `ratio_cap` gives for its
/// compressed size; `Ok(None)` when the entry does not exist.
pub fn read_entry<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    budget: u64,
    ratio_cap: impl Fn(u64) -> u64,
) -> Result<Option<Vec<u8>>, EntryError> {
    let entry = match zip.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(EntryError::Unreadable(format!(
                "the part {name} cannot be opened ({e})"
            )))
        }
    };
    let cap = ratio_cap(entry.compressed_size());
    let mut out = Vec::new();
    let n = entry
        .take(budget.min(cap).saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| EntryError::Unreadable(format!("the part {name} cannot be inflated ({e})")))?
        as u64;
    if n > budget {
        return Err(EntryError::Limit(format!(
            "the part {name} inflates to more than {} MB ([limits] inflated_mb_per_part, at most 512 for this part)",
            budget / 1_000_000
        )));
    }
    if n > cap {
        return Err(EntryError::Ratio);
    }
    Ok(Some(out))
}

/// The sheet list and date system from `xl/workbook.xml` and `xl/_rels/workbook.xml.rels`.
pub fn workbook(workbook_xml: &[u8], rels_xml: &[u8]) -> XmlResult<Workbook> {
    let mut rels: HashMap<&[u8], (&[u8], &[u8])> = HashMap::new();
    for tag in xml::start_tags(rels_xml, b"Relationship") {
        if let (Some(id), Some(target)) = (
            xml::attribute(tag.attrs, b"Id"),
            xml::attribute(tag.attrs, b"Target"),
        ) {
            let typ = xml::attribute(tag.attrs, b"Type").unwrap_or_default();
            rels.insert(id, (target, typ));
        }
    }
    let mut book = Workbook::default();
    for tag in xml::start_tags(workbook_xml, b"workbookPr") {
        if let Some(v) = xml::attribute(tag.attrs, b"date1904") {
            book.date1904 = v == b"1" || v == b"true";
        }
    }
    for tag in xml::start_tags(workbook_xml, b"sheet") {
        let name = xml::decode_attr(xml::attribute(tag.attrs, b"name").unwrap_or_default())?;
        let id = xml::attribute_local(tag.attrs, b"id").unwrap_or_default();
        let (target, typ) = rels
            .get(id)
            .ok_or_else(|| format!("sheet «{name}» has no relationship"))?;
        let target = xml::decode_attr(target)?;
        let part = match target.strip_prefix('/') {
            Some(abs) => abs.to_owned(),
            None => format!("xl/{target}"),
        };
        let kind = typ.rsplit(|b| *b == b'/').next().unwrap_or_default();
        let part = match kind {
            b"worksheet" => Some(part),
            b"chartsheet" | b"dialogsheet" => None,
            _ => return Err(format!("sheet «{name}» is of an unknown kind")),
        };
        book.sheets.push(SheetEntry { name, part });
    }
    Ok(book)
}

/// The number kind of every cell style (`cellXfs`), by style index.
pub fn styles(styles_xml: &[u8]) -> XmlResult<Vec<NumberKind>> {
    let mut custom: HashMap<&[u8], String> = HashMap::new();
    if let Some(section) = section(styles_xml, b"numFmts") {
        for tag in xml::start_tags(section, b"numFmt") {
            if let (Some(id), Some(code)) = (
                xml::attribute(tag.attrs, b"numFmtId"),
                xml::attribute(tag.attrs, b"formatCode"),
            ) {
                custom.insert(id, xml::decode_attr(code)?);
            }
        }
    }
    let mut kinds = Vec::new();
    if let Some(section) = section(styles_xml, b"cellXfs") {
        for tag in xml::start_tags(section, b"xf") {
            let kind = match xml::attribute(tag.attrs, b"numFmtId") {
                None => NumberKind::Number,
                Some(id) => match custom.get(id) {
                    Some(code) => numfmt::custom(code),
                    None => numfmt::builtin(std::str::from_utf8(id).unwrap_or_default()),
                },
            };
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// The content of the first element `name` (empty when it closes itself).
fn section<'a>(doc: &'a [u8], name: &'a [u8]) -> Option<&'a [u8]> {
    let tag = xml::start_tags(doc, name).next()?;
    if tag.empty {
        return Some(&[]);
    }
    xml::content(doc, tag.end, name).map(|(c, _)| c)
}

/// The shared strings, in order. Grows with the items actually read, never from the count the
/// part declares.
pub fn shared_strings(sst_xml: &[u8]) -> XmlResult<Vec<std::sync::Arc<str>>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while let Some(i) = memchr::memmem::find(&sst_xml[at..], b"<si") {
        let i = at + i;
        if !xml::starts_element(sst_xml, i, b"si") {
            at = i + 1;
            continue;
        }
        let tag = xml::tag_at(sst_xml, i, 2).ok_or("a cut shared string")?;
        if tag.empty {
            out.push("".into());
            at = tag.end;
            continue;
        }
        let (item, next) = xml::content(sst_xml, tag.end, b"si").ok_or("a cut shared string")?;
        out.push(xml::rich_text(item)?.into());
        at = next;
    }
    Ok(out)
}
