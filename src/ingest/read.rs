//! Reading one input file into sheets of raw cells: workbooks with calamine, CSV with the `csv`
//! crate. A workbook is recognized by its bytes, not its extension (contract §1).

use crate::calendar::epoch_day;
use calamine::{Data, Reader};
use std::io::Cursor;

/// A cell as read, before any field type is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in the cell.
    Empty,
    /// Text as written (not yet normalized); a shared string's cells share one copy.
    Text(std::sync::Arc<str>),
    /// A number.
    Number(f64),
    /// A whole number (old .xls files and ODS store some numbers this way).
    Int(i64),
    /// A boolean cell.
    Bool(bool),
    /// A date cell, as days since 1970-01-01.
    Date(i32),
    /// A spreadsheet error such as `#REF!`.
    Error(String),
}

impl Cell {
    /// Whether the cell is empty or holds only spaces.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => crate::text::is_blank(s),
            _ => false,
        }
    }

    /// The cell as a person would read it, for messages and the rejects table.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.to_string(),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    n.to_string()
                }
            }
            Cell::Int(i) => i.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => crate::calendar::from_epoch_day(*d)
                .map(|g| g.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// A row as the spreadsheet shows it.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// 1-based row number as the spreadsheet shows it (for CSV, the line number).
    pub number: u32,
    /// Cells from column A on.
    pub cells: Vec<Cell>,
}

/// One sheet of a workbook, or a whole CSV file.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The sheet's name; `None` for a CSV file.
    pub name: Option<String>,
    /// Rows in order from the first used row to the last; blank rows inside are kept (with no
    /// cells) so that they are counted as read and skipped.
    pub rows: Vec<Row>,
    /// For a CSV file whose last quote is never closed: the lines (first, last) its last
    /// record took in, all read into one record.
    pub open_quote: Option<(u32, u32)>,
}

/// What a file's bytes turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Office Open XML workbook (.xlsx, .xlsm).
    Xlsx,
    /// Binary Excel 97–2003 workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// Delimited text.
    Csv,
}

impl Format {
    /// What the extension claims, lower-cased without the dot.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// A short name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Xlsx => "an xlsx workbook",
            Format::Xls => "an old binary .xls workbook",
            Format::Ods => "an OpenDocument (.ods) spreadsheet",
            Format::Csv => "CSV text",
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Tells what workbook a file holds from its bytes, or why it holds none.
pub fn sniff_workbook(bytes: &[u8]) -> Result<Format, String> {
    if bytes.is_empty() {
        return Err("the file is empty (0 bytes)".into());
    }
    if bytes.starts_with(ZIP_MAGIC) {
        let names = zip_entry_names(bytes)?;
        if names
            .iter()
            .any(|n| n == "xl/workbook.xml" || n == "xl/workbook.bin")
        {
            if names.iter().any(|n| n == "xl/workbook.bin") {
                return Err(
                    "it is a binary .xlsb workbook, which is not supported; save it as .xlsx"
                        .into(),
                );
            }
            return Ok(Format::Xlsx);
        }
        if names.iter().any(|n| n == "content.xml") {
            return Ok(Format::Ods);
        }
        if names.iter().any(|n| n == "word/document.xml") {
            return Err("it is a Word document, not a spreadsheet".into());
        }
        return Err("it is a zip archive that holds no workbook".into());
    }
    if bytes.starts_with(OLE_MAGIC) {
        if contains(bytes, &utf16("EncryptedPackage")) {
            return Err(
                "the workbook is encrypted (password-protected); save a copy without a password"
                    .into(),
            );
        }
        if contains(bytes, &utf16("WordDocument")) {
            return Err("it is an old Word document, not a spreadsheet".into());
        }
        return Ok(Format::Xls);
    }
    if bytes.starts_with(b"%PDF") {
        return Err("it is a PDF document, not a spreadsheet".into());
    }
    let head = &bytes[..bytes.len().min(4096)];
    let printable = head
        .iter()
        .filter(|&&b| b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t'))
        .count();
    if printable * 100 >= head.len() * 95 {
        if head.starts_with(b"<") {
            return Err("it is HTML or XML text, not a workbook (some systems save web pages as .xls); open it and save as .xlsx".into());
        }
        return Err("it is plain text (it looks like CSV) saved with a workbook extension; rename it to .csv".into());
    }
    Err("its bytes are not a spreadsheet of any known kind (random or damaged data)".into())
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn zip_entry_names(bytes: &[u8]) -> Result<Vec<String>, String> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("it starts like a zip workbook but is cut or damaged ({e})"))?;
    Ok(archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect())
}

/// Reads every sheet of a workbook, in workbook order.
pub fn read_workbook(bytes: Vec<u8>, format: Format) -> Result<Vec<Sheet>, String> {
    let cursor = Cursor::new(bytes);
    let mut book: calamine::Sheets<Cursor<Vec<u8>>> = match format {
        Format::Xlsx => calamine::Sheets::Xlsx(calamine::Xlsx::new(cursor).map_err(describe)?),
        Format::Xls => calamine::Sheets::Xls(calamine::Xls::new(cursor).map_err(describe)?),
        Format::Ods => calamine::Sheets::Ods(calamine::Ods::new(cursor).map_err(describe)?),
        Format::Csv => return Err("CSV is not a workbook".into()),
    };
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("sheet «{name}» cannot be read: {}", describe(e)))?;
        sheets.push(Sheet {
            rows: range_rows(&range),
            name: Some(name),
            open_quote: None,
        });
    }
    Ok(sheets)
}

/// Inflates every entry of a zip (an .xlsx or .ods) into nothing, counting its bytes, and says
/// whether they stay within `budget`: the true size, whatever the entries declare; on the way
/// it notes what calamine would allocate from ([`super::guard`]: the shared strings' declared
/// count, each sheet's extent) and refuses a file whose claims exceed what it holds or
/// `max_cells`. A zip that cannot be opened is left to the reader to describe.
pub fn check_inflated(bytes: &[u8], budget: u64, ratio: u64, max_cells: u64) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total = 0u64;
    let mut facts = super::guard::ZipFacts::default();
    let mut chunk = vec![0u8; 256 * 1024];
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else {
            continue;
        };
        let left = budget.saturating_sub(total);
        let cap = super::xlsx::ratio_cap(entry.compressed_size(), bytes.len(), ratio);
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let is_sheet = name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        let is_strings = name == "xl/sharedStrings.xml";
        let mut scan = super::guard::ExtentScan::default();
        let mut head: Vec<u8> = Vec::new();
        let mut part = std::io::Read::take(entry, left.min(cap).saturating_add(1));
        let mut n = 0u64;
        loop {
            let got = match std::io::Read::read(&mut part, &mut chunk) {
                Ok(0) => break,
                Ok(got) => got,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(inflate_failure(&e)),
            };
            if is_sheet {
                scan.feed(&chunk[..got]);
            }
            if is_strings && head.len() < 4096 {
                head.extend_from_slice(&chunk[..got.min(4096)]);
            }
            n += got as u64;
        }
        if let Some(e) = scan.extent() {
            facts.extents.push((name.clone(), e));
        }
        if let Some(declared) = super::guard::unique_count(&head) {
            facts.unique_count = Some((declared, n));
        }
        if n > cap && n <= left {
            return Err(super::xlsx::ratio_reason(
                &format!("the part {}", crate::text::clip_chars(&name, 80)),
                ratio,
            ));
        }
        total += n;
        if total > budget {
            return Err(format!(
                "the workbook inflates to more than {} MB ([limits] calamine_inflated_mb), and the general reader it needs holds whole sheets in memory; it was not read: check that it is a real export",
                budget / 1_000_000
            ));
        }
    }
    facts.check(max_cells)
}

/// What a failure to inflate a part of a zipped workbook means, for its office.
pub fn inflate_failure(e: &std::io::Error) -> String {
    let said = e.to_string();
    if said.contains("checksum") {
        format!(
            "the workbook is damaged: a part of it fails its checksum ({said}); export it again"
        )
    } else if said.contains("declared uncompressed size") {
        format!(
            "a part of the workbook inflates to more than its zip header declares ({said}): a zip bomb or a damaged file, not a real export"
        )
    } else if said.contains("compression method") {
        format!(
            "a part of the workbook is compressed in a way spreadsheet programs do not write ({said}); save it again from Excel or LibreOffice"
        )
    } else {
        format!(
            "the workbook is damaged: a part of it cannot be inflated ({said}); export it again"
        )
    }
}

fn describe(e: impl std::fmt::Display) -> String {
    format!("the workbook is damaged or not readable ({e})")
}

fn range_rows(range: &calamine::Range<Data>) -> Vec<Row> {
    let Some((first_row, first_col)) = range.start() else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let mut out = Vec::with_capacity(first_col as usize + cells.len());
        out.resize(first_col as usize, Cell::Empty);
        out.extend(cells.iter().map(cell_of));
        while matches!(out.last(), Some(Cell::Empty)) {
            out.pop();
        }
        // Sized for the sheet's width; a trimmed row gives the rest back.
        out.shrink_to_fit();
        rows.push(Row {
            number: first_row + i as u32 + 1,
            cells: out,
        });
    }
    rows
}

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.as_str().into()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Int(*i),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => match dt.as_datetime() {
            Some(t) => Cell::Date(epoch_day(t.date())),
            None => Cell::Number(dt.as_f64()),
        },
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.as_str().into()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// Reads a CSV file: UTF-8 (with or without BOM) or Windows-1256; delimiter `,`, `;` or tab.
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, String> {
    let text = decode_text(bytes)?;
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // Line numbers are counted here from each record's byte offset: the csv crate's own line
    // count runs one short after a CRLF line break.
    let bytes = text.as_bytes();
    let (mut seen_byte, mut line) = (0usize, 1u32);
    let mut previous_span = 1u32;
    for record in reader.records() {
        let record = record.map_err(|e| format!("the CSV text is malformed ({e})"))?;
        let mut start = record
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(seen_byte)
            .min(bytes.len());
        // After a CRLF the reported offset can point at the `\n`; a record starts after it.
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > seen_byte {
            line += bytes[seen_byte..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32;
            seen_byte = start;
        }
        let number = line;
        // The csv crate drops empty lines; they are blank rows of the sheet (read and skipped).
        let after_previous = rows.last().map_or(1, |r: &Row| r.number + previous_span);
        for blank in after_previous..number {
            rows.push(Row {
                number: blank,
                cells: Vec::new(),
            });
        }
        previous_span = 1 + record
            .iter()
            .map(|f| f.matches('\n').count() as u32)
            .sum::<u32>();
        let mut cells: Vec<Cell> = record
            .iter()
            .map(|s| {
                if s.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.into())
                }
            })
            .collect();
        while matches!(cells.last(), Some(Cell::Empty)) {
            cells.pop();
        }
        rows.push(Row { number, cells });
    }
    // A quote opened and never closed takes every line after it into its cell: the csv
    // reader ends the record at the end of the text. An odd number of quotes and a last
    // record spanning lines tell it.
    let open_quote = (bytes.iter().filter(|&&b| b == b'"').count() % 2 == 1 && previous_span > 1)
        .then(|| {
            // A line break ending the file sits inside the open cell but starts no line.
            let ends_with_break = u32::from(bytes.ends_with(b"\n"));
            rows.last().map(|r| {
                let last = r.number + previous_span - 1 - ends_with_break;
                (r.number, last.max(r.number))
            })
        })
        .flatten();
    Ok(Sheet {
        name: None,
        rows,
        open_quote,
    })
}

/// UTF-8 when the bytes are UTF-8 (a BOM is dropped), else Windows-1256.
/// A CSV file's text: UTF-8 (with or without a byte-order mark), UTF-16 with its byte-order
/// mark, else Windows-1256 (Arabic Windows, as older Excel saves Persian CSV). A NUL byte,
/// which no text holds, quarantines the file instead of it being decoded into nonsense: UTF-16
/// without a byte-order mark, or a binary file named .csv. (Other control characters, such as
/// a vertical tab pasted from Word, are left to the cells they are in.)
fn decode_text(bytes: &[u8]) -> Result<String, String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        if encoding != encoding_rs::UTF_8 {
            let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
            if malformed {
                return Err(format!(
                    "the file says it is {} text but holds bytes that are not; save it as CSV UTF-8",
                    encoding.name()
                ));
            }
            return plain_text(text.into_owned());
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1256
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    };
    plain_text(text)
}

/// Text that a CSV export can hold: no NUL.
fn plain_text(text: String) -> Result<String, String> {
    if text.contains('\0') {
        return Err("the file holds NUL bytes, which no CSV text does (perhaps UTF-16 saved without a byte-order mark, or not a CSV at all); save it as CSV UTF-8".into());
    }
    Ok(text)
}

/// The delimiter whose count per line is the most consistent over the first lines.
fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        let agreeing = counts.iter().filter(|&&c| c == first && c > 0).count();
        let score = agreeing * 1000 + first;
        if first > 0 && score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_non_workbooks() {
        assert!(sniff_workbook(b"").unwrap_err().contains("empty"));
        assert!(sniff_workbook(b"fund_id,amount\n1,2\n")
            .unwrap_err()
            .contains("CSV"));
        assert!(sniff_workbook(b"PK\x03\x04garbage")
            .unwrap_err()
            .contains("cut or damaged"));
        assert!(sniff_workbook(b"%PDF-1.4").unwrap_err().contains("PDF"));
        let noise: Vec<u8> = (0..2000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(sniff_workbook(&noise)
            .unwrap_err()
            .contains("not a spreadsheet"));
        assert_eq!(sniff_workbook(OLE_MAGIC), Ok(Format::Xls));
    }

    #[test]
    fn reads_csv_in_both_encodings_and_delimiters() {
        let sheet = read_csv("\u{feff}کد صندوق;مبلغ\nZ1;\"1,200\"\n\n;\n".as_bytes()).unwrap();
        assert_eq!(
            sheet.rows.len(),
            4,
            "the empty line and the line of only a delimiter are blank rows"
        );
        assert!(sheet.rows[2].cells.is_empty());
        let crlf = read_csv(b"a,b\r\n1,2\r\n\r\n3,4\r\n5,\"x\r\ny\"\r\n6,7\r\n").unwrap();
        let lines: Vec<u32> = crlf.rows.iter().map(|r| r.number).collect();
        assert_eq!(
            lines,
            vec![1, 2, 3, 4, 5, 7],
            "CRLF line numbers, a quoted line break included"
        );
        assert!(
            crlf.rows[2].cells.is_empty(),
            "the empty line 3 is a blank row"
        );
        assert_eq!(sheet.rows[1].number, 2);
        assert_eq!(
            sheet.rows[1].cells,
            vec![Cell::Text("Z1".into()), Cell::Text("1,200".into())]
        );
        let (encoded, _, bad) = encoding_rs::WINDOWS_1256.encode("نام\tمبلغ\nگل\t5\n");
        assert!(!bad);
        let sheet = read_csv(&encoded).unwrap();
        assert_eq!(sheet.rows[0].cells[0], Cell::Text("نام".into()));
        assert_eq!(sheet.rows[1].cells[1], Cell::Text("5".into()));
    }
}
