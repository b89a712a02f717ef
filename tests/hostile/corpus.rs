//! The corpus of broken and hostile inputs (issue 9), made here so that it is reproducible and
//! nothing of gigabytes is committed: zip entries are written by hand (sizes that lie, bombs of
//! repeated deflate blocks, compression methods nobody reads), sheet XML is written as text,
//! and the few files only another program can make (a really encrypted workbook) are in
//! `tests/fixtures/hostile/` with the script that made them.
//!
//! [`build`] writes every file under a folder and returns what each must become; the test in
//! `tests/hostile.rs` ingests the folder and checks every file's outcome.

use std::io::Write;
use std::path::Path;

/// What ingest must make of one file of the corpus.
#[derive(Debug, Clone)]
pub struct Expect {
    /// The file, relative to the corpus folder.
    pub path: String,
    /// `read`, `quarantined` or `skipped`; `None`: not listed at all (a link to a folder).
    pub status: Option<&'static str>,
    /// Words the reason must hold (lower case).
    pub reason: Vec<&'static str>,
    /// Rows landed from the file, when read.
    pub landed: Option<u64>,
    /// Rows rejected, when read.
    pub rejected: Option<u64>,
}

fn expect(path: &str, status: &'static str, reason: &[&'static str]) -> Expect {
    Expect {
        path: path.to_owned(),
        status: Some(status),
        reason: reason.to_vec(),
        landed: None,
        rejected: None,
    }
}

fn read(path: &str, landed: u64, rejected: u64) -> Expect {
    Expect {
        landed: Some(landed),
        rejected: Some(rejected),
        ..expect(path, "read", &[])
    }
}

// ---------------------------------------------------------------------------------------------
// Zip entries by hand

/// How an entry's bytes are stored.
pub enum Data {
    /// Deflated here from these bytes.
    Deflate(Vec<u8>),
    /// Already compressed: method, compressed bytes, CRC-32 and size of what they inflate to.
    Raw {
        method: u16,
        bytes: Vec<u8>,
        crc: u32,
        size: u64,
    },
}

/// One entry of a zip written by [`zip`].
pub struct Entry {
    pub name: String,
    pub data: Data,
    /// A size to declare instead of the true one (a lying header).
    pub declared_size: Option<u32>,
}

/// An entry deflated from `bytes`.
pub fn entry(name: &str, bytes: impl Into<Vec<u8>>) -> Entry {
    Entry {
        name: name.to_owned(),
        data: Data::Deflate(bytes.into()),
        declared_size: None,
    }
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("deflate");
    e.finish().expect("deflate")
}

/// A zip archive of `entries` (no zip64: every size fits 32 bits).
pub fn zip(entries: Vec<Entry>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in &entries {
        let (method, bytes, crc, size) = match &e.data {
            Data::Deflate(plain) => (
                8u16,
                deflate(plain),
                crc32fast::hash(plain),
                plain.len() as u64,
            ),
            Data::Raw {
                method,
                bytes,
                crc,
                size,
            } => (*method, bytes.clone(), *crc, *size),
        };
        let size = e
            .declared_size
            .unwrap_or(u32::try_from(size).expect("fits 32 bits"));
        let offset = out.len() as u32;
        let name = e.name.as_bytes();
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes()); // made by
            }
            h.extend(20u16.to_le_bytes()); // version needed
            h.extend(0x0800u16.to_le_bytes()); // flags: UTF-8 names
            h.extend(method.to_le_bytes());
            h.extend(0u16.to_le_bytes()); // time
            h.extend(0x21u16.to_le_bytes()); // date: 1980-01-01
            h.extend(crc.to_le_bytes());
            h.extend((bytes.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend(0u16.to_le_bytes()); // comment
                h.extend(0u16.to_le_bytes()); // disk
                h.extend(0u16.to_le_bytes()); // internal attributes
                h.extend(0u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(name);
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(&bytes);
        central.extend(header(0x0201_4b50, true));
    }
    let at = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]); // disks
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A deflate stream of `head`, then `count` MiB of `fill`, then `tail`: each part compressed on
/// its own and flushed to a byte boundary, so the one compressed MiB of `fill` is repeated as is
/// (the way zip bombs are made: a megabyte of input per kilobyte). Returns the stream, its CRC-32
/// and the size it inflates to.
pub fn bomb(head: &[u8], fill: u8, count: usize, tail: &[u8]) -> (Vec<u8>, u32, u64) {
    use flate2::{Compress, Compression, FlushCompress};
    let part = |bytes: &[u8], last: bool| {
        let mut c = Compress::new(Compression::best(), false);
        let mut out = Vec::with_capacity(bytes.len() / 2 + 1024);
        let flush = if last {
            FlushCompress::Finish
        } else {
            FlushCompress::Sync
        };
        c.compress_vec(bytes, &mut out, flush).expect("deflate");
        out
    };
    let mib = vec![fill; 1 << 20];
    let chunk = part(&mib, false);
    let mut stream = part(head, false);
    for _ in 0..count {
        stream.extend(&chunk);
    }
    stream.extend(part(tail, true));
    let mut crc = crc32fast::Hasher::new();
    crc.update(head);
    let mut one = crc32fast::Hasher::new();
    one.update(&mib);
    for _ in 0..count {
        crc.combine(&one);
    }
    crc.update(tail);
    let size = (head.len() + count * mib.len() + tail.len()) as u64;
    (stream, crc.finalize(), size)
}

// ---------------------------------------------------------------------------------------------
// Workbooks written as XML

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Column letters of a 0-based column.
pub fn column(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

/// An inline-string cell.
pub fn text_cell(col: u32, row: u32, t: &str) -> String {
    format!(
        "<c r=\"{}{row}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
        column(col),
        escape(t)
    )
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A row of inline-string cells from column A.
pub fn text_row(row: u32, cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(c, t)| text_cell(c as u32, row, t))
        .collect();
    format!("<row r=\"{row}\">{cells}</row>")
}

/// The funds header and `n` fund rows from row 2 (ids `<prefix>1`…).
pub fn fund_rows(prefix: &str, n: u32) -> String {
    let mut s = text_row(1, &["fund_id", "fund_name", "county", "established_on"]);
    for i in 1..=n {
        let id = format!("{prefix}{i}");
        s.push_str(&text_row(
            i + 1,
            &[&id, "صندوق نمونه", "Zanjan", "1400/01/01"],
        ));
    }
    s
}

/// A worksheet part: `before` sheetData (e.g. a dimension), the rows, and `after` it.
pub fn worksheet(before: &str, rows: &str, after: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"{MAIN}\" xmlns:r=\"{REL}\">{before}<sheetData>{rows}</sheetData>{after}</worksheet>"
    )
}

/// The package parts around sheets named `names` (shared strings and styles when given).
pub fn package(names: &[String], shared_strings: bool, styles: bool) -> Vec<Entry> {
    let mut types = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>",
    );
    let mut sheets = String::new();
    let mut rels = String::new();
    for (i, name) in names.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!("<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"));
        sheets.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>",
            escape(name)
        ));
        rels.push_str(&format!("<Relationship Id=\"rId{n}\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"));
    }
    if shared_strings {
        types.push_str("<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>");
        rels.push_str(&format!(
            "<Relationship Id=\"rIdS\" Type=\"{REL}/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        ));
    }
    if styles {
        types.push_str("<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>");
        rels.push_str(&format!(
            "<Relationship Id=\"rIdT\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>"
        ));
    }
    types.push_str("</Types>");
    vec![
        entry("[Content_Types].xml", types),
        entry("_rels/.rels", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")),
        entry("xl/workbook.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{MAIN}\" xmlns:r=\"{REL}\"><sheets>{sheets}</sheets></workbook>")),
        entry("xl/_rels/workbook.xml.rels", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>")),
    ]
}

/// A one-sheet workbook («funds») of this worksheet part.
pub fn one_sheet(sheet_xml: impl Into<Vec<u8>>) -> Vec<u8> {
    let mut parts = package(&["funds".to_owned()], false, false);
    parts.push(entry("xl/worksheets/sheet1.xml", sheet_xml));
    zip(parts)
}

/// Styles with one date format (style 1) and one plain fill style (style 2).
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/><xf numFmtId=\"0\" fillId=\"0\"/></cellXfs></styleSheet>";

// ---------------------------------------------------------------------------------------------
// The corpus

/// Gigabytes a bomb inflates to: 2,100 MiB, as the workbook that once aborted a run.
const BOMB_MIB: usize = 2_100;

/// Writes the corpus under `root` and returns what each file must become. `outside` is a
/// folder next to it for the targets of symbolic links.
pub fn build(root: &Path, outside: &Path) -> Vec<Expect> {
    let put = |rel: &str, bytes: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    };
    let mut out = Vec::new();
    let good = one_sheet(worksheet("", &fund_rows("G", 2), ""));

    // A workbook to compare the others with.
    put("good.xlsx", &good);
    out.push(read("good.xlsx", 2, 0));

    // Damaged zips.
    put("truncated.xlsx", &good[..good.len() / 2]);
    out.push(expect("truncated.xlsx", "quarantined", &["damaged"]));
    let mut corrupt = good.clone();
    // Flip bytes inside the sheet's deflate stream (its local header comes last but one).
    let sheet_at = memchr::memmem::rfind(&corrupt, b"xl/worksheets/sheet1.xml").expect("entry");
    let local = memchr::memmem::find(&corrupt, b"xl/worksheets/sheet1.xml").expect("entry");
    assert!(local < sheet_at);
    for b in &mut corrupt[local + 40..local + 60] {
        *b ^= 0x5a;
    }
    put("corrupt.xlsx", &corrupt);
    out.push(expect(
        "corrupt.xlsx",
        "quarantined",
        &["damaged", "checksum"],
    ));

    // Zip bombs: the sheet or the shared strings inflate to 2.2 GB, with true sizes and with
    // sizes that lie; and an entry in bzip2, which no reader here inflates.
    let head = worksheet("", &fund_rows("B", 1), "");
    let (head, tail) = head.split_at(head.find("</sheetData>").expect("sheetData"));
    let (stream, crc, size) = bomb(head.as_bytes(), b' ', BOMB_MIB, tail.as_bytes());
    let bombed = |declared: Option<u32>| {
        let mut parts = package(&["funds".to_owned()], false, false);
        parts.push(Entry {
            name: "xl/worksheets/sheet1.xml".into(),
            data: Data::Raw {
                method: 8,
                bytes: stream.clone(),
                crc,
                size,
            },
            declared_size: declared,
        });
        zip(parts)
    };
    put("bomb-sheet.xlsx", &bombed(None));
    out.push(expect(
        "bomb-sheet.xlsx",
        "quarantined",
        &["compression_ratio"],
    ));
    put("bomb-sheet-lying.xlsx", &bombed(Some(2_000)));
    // The zip reader holds an entry to the size its header declares.
    out.push(expect(
        "bomb-sheet-lying.xlsx",
        "quarantined",
        &["more than its zip header declares"],
    ));
    let sst_head = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\"><si><t>";
    let (sst, sst_crc, sst_size) = bomb(sst_head, b'a', BOMB_MIB, b"</t></si></sst>");
    for (name, declared) in [
        ("bomb-strings.xlsx", None),
        ("bomb-strings-lying.xlsx", Some(99)),
    ] {
        let mut parts = package(&["funds".to_owned()], true, false);
        parts.push(entry(
            "xl/worksheets/sheet1.xml",
            worksheet(
                "",
                "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>",
                "",
            ),
        ));
        parts.push(Entry {
            name: "xl/sharedStrings.xml".into(),
            data: Data::Raw {
                method: 8,
                bytes: sst.clone(),
                crc: sst_crc,
                size: sst_size,
            },
            declared_size: declared,
        });
        put(name, &zip(parts));
        out.push(expect(
            name,
            "quarantined",
            if declared.is_some() {
                &["more than its zip header declares"]
            } else {
                &["compression_ratio"]
            },
        ));
    }
    {
        let mut parts = package(&["funds".to_owned()], false, false);
        let mut noise = b"BZh91AY&SY".to_vec();
        noise.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        parts.push(Entry {
            name: "xl/worksheets/sheet1.xml".into(),
            data: Data::Raw {
                method: 12,
                bytes: noise,
                crc: 0,
                size: 2_000_000_000,
            },
            declared_size: None,
        });
        put("bzip2.xlsx", &zip(parts));
        out.push(expect(
            "bzip2.xlsx",
            "quarantined",
            &["compressed in a way"],
        ));
    }

    // Entity expansion ("billion laughs") and an external entity in the shared strings.
    let mut laughs = String::from("<!DOCTYPE sst [<!ENTITY l0 \"ha\">");
    for i in 1..=9 {
        let p = format!("&l{};", i - 1).repeat(10);
        laughs.push_str(&format!("<!ENTITY l{i} \"{p}\">"));
    }
    laughs.push_str("]>");
    for (name, doctype, text) in [
        ("entities.xlsx", laughs.as_str(), "&l9;"),
        (
            "external-entity.xlsx",
            "<!DOCTYPE sst [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
            "&x;",
        ),
    ] {
        let mut parts = package(&["funds".to_owned()], true, false);
        let mut rows = text_row(1, &["fund_id", "fund_name", "county", "established_on"]);
        rows.push_str("<row r=\"2\">");
        rows.push_str(&text_cell(0, 2, "X1"));
        rows.push_str("<c r=\"B2\" t=\"s\"><v>0</v></c>");
        rows.push_str(&text_cell(2, 2, "Zanjan"));
        rows.push_str(&text_cell(3, 2, "1400/01/01"));
        rows.push_str("</row>");
        parts.push(entry("xl/worksheets/sheet1.xml", worksheet("", &rows, "")));
        parts.push(entry(
            "xl/sharedStrings.xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{doctype}<sst xmlns=\"{MAIN}\" count=\"1\" uniqueCount=\"1\"><si><t>{text}</t></si></sst>"),
        ));
        put(name, &zip(parts));
        out.push(expect(name, "quarantined", &["declares xml entities"]));
    }

    // What the general reader (calamine) would allocate from, were it believed. Rows out of
    // order send an xlsx to calamine; a cell at XFD1048576 would make its grid 17 billion
    // cells; a uniqueCount of four billion would reserve them; an .xls DIMENSIONS record
    // claiming 16 million rows would reserve its cells.
    {
        let mut rows = text_row(2, &["G9", "صندوق", "Zanjan", "1400/01/01"]);
        rows.push_str(&text_row(
            1,
            &["fund_id", "fund_name", "county", "established_on"],
        ));
        rows.push_str(&format!(
            "<row r=\"1048576\">{}</row>",
            text_cell(16_383, 1_048_576, "x")
        ));
        put("far-cell.xlsx", &one_sheet(worksheet("", &rows, "")));
        out.push(expect(
            "far-cell.xlsx",
            "quarantined",
            &["cells_per_file", "1048576 rows × 16384 columns"],
        ));

        let mut parts = package(&["funds".to_owned()], true, false);
        let mut rows = text_row(2, &["G9", "صندوق", "Zanjan", "1400/01/01"]);
        rows.push_str(&text_row(
            1,
            &["fund_id", "fund_name", "county", "established_on"],
        ));
        parts.push(entry("xl/worksheets/sheet1.xml", worksheet("", &rows, "")));
        parts.push(entry(
            "xl/sharedStrings.xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"{MAIN}\" count=\"4000000000\" uniqueCount=\"4000000000\"><si><t>a</t></si></sst>"),
        ));
        put("lying-unique-count.xlsx", &zip(parts));
        out.push(expect(
            "lying-unique-count.xlsx",
            "quarantined",
            &["declare 4000000000 strings"],
        ));

        let mut xls =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy.xls"))
                .expect("tests/fixtures/legacy.xls");
        let at =
            memchr::memmem::find(&xls, &[0x00, 0x02, 0x0e, 0x00]).expect("a DIMENSIONS record");
        xls[at + 8..at + 12].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
        put("lying-dimensions.xls", &xls);
        out.push(expect(
            "lying-dimensions.xls",
            "quarantined",
            &["dimensions record"],
        ));
    }

    // Password-protected: a real encrypted workbook (tests/fixtures/hostile/make_encrypted.py).
    let encrypted = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/encrypted.xlsx"),
    )
    .expect("tests/fixtures/hostile/encrypted.xlsx");
    put("encrypted.xlsx", &encrypted);
    out.push(expect("encrypted.xlsx", "quarantined", &["password"]));

    // 16,384 columns: a value in the last column (XFD) of the header and of every row.
    {
        let mut rows = String::new();
        for r in 1..=3u32 {
            let cells: &[&str] = if r == 1 {
                &["fund_id", "fund_name", "county", "established_on"]
            } else {
                &["", "صندوق پهن", "Zanjan", "1400/01/01"]
            };
            let id = format!("W{r}");
            rows.push_str(&format!("<row r=\"{r}\">"));
            for (c, t) in cells.iter().enumerate() {
                let t = if c == 0 && r > 1 { id.as_str() } else { t };
                rows.push_str(&text_cell(c as u32, r, t));
            }
            rows.push_str(&text_cell(16_383, r, if r == 1 { "note" } else { "x" }));
            rows.push_str("</row>");
        }
        put("wide.xlsx", &one_sheet(worksheet("", &rows, "")));
        out.push(read("wide.xlsx", 2, 0));
        // Every one of the 16,384 columns holding a value, on every row.
        let mut rows = String::new();
        for r in 1..=3u32 {
            rows.push_str(&format!("<row r=\"{r}\">"));
            for c in 0..16_384u32 {
                let t = match (r, c) {
                    (1, 0) => "fund_id".to_owned(),
                    (1, 1) => "fund_name".to_owned(),
                    (1, 2) => "county".to_owned(),
                    (1, 3) => "established_on".to_owned(),
                    (1, c) => format!("extra {c}"),
                    (r, 0) => format!("V{r}"),
                    (_, 1) => "صندوق".to_owned(),
                    (_, 2) => "Zanjan".to_owned(),
                    (_, 3) => "1400/01/01".to_owned(),
                    (_, c) => c.to_string(),
                };
                rows.push_str(&text_cell(c, r, &t));
            }
            rows.push_str("</row>");
        }
        put("all-columns.xlsx", &one_sheet(worksheet("", &rows, "")));
        out.push(read("all-columns.xlsx", 2, 0));
    }

    // A dimension that claims the whole grid.
    put(
        "dimension.xlsx",
        &one_sheet(worksheet(
            "<dimension ref=\"A1:XFD1048576\"/>",
            &fund_rows("D", 2),
            "",
        )),
    );
    out.push(read("dimension.xlsx", 2, 0));

    // A million blank formatted rows after the data.
    {
        let mut rows = fund_rows("M", 2);
        rows.reserve(50_000_000);
        for r in 4..1_000_004u32 {
            use std::fmt::Write as _;
            let _ = write!(rows, "<row r=\"{r}\" s=\"2\" customFormat=\"1\"/>");
        }
        let mut parts = package(&["funds".to_owned()], false, true);
        parts.push(entry("xl/styles.xml", STYLES));
        parts.push(entry("xl/worksheets/sheet1.xml", worksheet("", &rows, "")));
        put("blank-rows.xlsx", &zip(parts));
        out.push(read("blank-rows.xlsx", 2, 0));
    }

    // A title merged over the header; a header cell merged over two columns.
    {
        let mut rows = text_row(1, &["صندوق‌های زنجان"]);
        rows.push_str(&text_row(
            2,
            &["fund_id", "fund_name", "", "county", "established_on"],
        ));
        rows.push_str(&text_row(3, &["R1", "صندوق", "", "Zanjan", "1400/01/01"]));
        rows.push_str(&text_row(4, &["R2", "صندوق", "", "Zanjan", "1400/02/01"]));
        let merges = "<mergeCells count=\"2\"><mergeCell ref=\"A1:E1\"/><mergeCell ref=\"B2:C2\"/></mergeCells>";
        put("merged.xlsx", &one_sheet(worksheet("", &rows, merges)));
        out.push(read("merged.xlsx", 2, 0));
    }

    // Formulas: a cached result lands, a cached error rejects its row.
    {
        let mut rows = text_row(1, &["fund_id", "fund_name", "county", "established_on"]);
        rows.push_str(&format!(
            "<row r=\"2\">{}<c r=\"B2\" t=\"str\"><f>CONCAT(\"صندوق \",\"نور\")</f><v>صندوق نور</v></c>{}{}</row>",
            text_cell(0, 2, "C1"),
            text_cell(2, 2, "Zanjan"),
            text_cell(3, 2, "1400/01/01")
        ));
        rows.push_str(&format!(
            "<row r=\"3\">{}<c r=\"B3\" t=\"e\"><f>VLOOKUP(A3,Z:Z,2,0)</f><v>#N/A</v></c>{}{}</row>",
            text_cell(0, 3, "C2"),
            text_cell(2, 3, "Zanjan"),
            text_cell(3, 3, "1400/01/01")
        ));
        rows.push_str(&format!(
            "<row r=\"4\">{}{}{}<c r=\"D4\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row>",
            text_cell(0, 4, "C3"),
            text_cell(1, 4, "صندوق"),
            text_cell(2, 4, "Zanjan"),
        ));
        put("formulas.xlsx", &one_sheet(worksheet("", &rows, "")));
        out.push(read("formulas.xlsx", 1, 2));
    }

    // Cells of Excel's limit (32,767 characters) and of 100,000.
    {
        let mut rows = text_row(1, &["fund_id", "fund_name", "county", "established_on"]);
        let at_limit = "ن".repeat(32_767);
        let over = "ن".repeat(100_000);
        rows.push_str(&text_row(2, &["L1", &at_limit, "Zanjan", "1400/01/01"]));
        rows.push_str(&text_row(3, &["L2", &over, "Zanjan", "1400/01/01"]));
        put("long-cells.xlsx", &one_sheet(worksheet("", &rows, "")));
        out.push(read("long-cells.xlsx", 1, 1));
    }

    // Wrong names: CSV text named .xlsx; an xlsx named .xls (read by its content, with a note).
    put(
        "csv-named.xlsx",
        b"fund_id,fund_name,county,established_on\nQ1,x,Zanjan,1400/01/01\n",
    );
    out.push(expect("csv-named.xlsx", "quarantined", &["csv"]));
    put(
        "xlsx-named.xls",
        &one_sheet(worksheet("", &fund_rows("N", 1), "")),
    );
    out.push(read("xlsx-named.xls", 1, 0));

    // Empty files, and a header without rows.
    put("empty.xlsx", b"");
    out.push(expect("empty.xlsx", "quarantined", &["empty"]));
    put("empty.csv", b"");
    out.push(read("empty.csv", 0, 0));
    put(
        "header-only.xlsx",
        &one_sheet(worksheet("", &fund_rows("H", 0), "")),
    );
    out.push(read("header-only.xlsx", 0, 0));

    // CSV: UTF-16 with its mark; a quote never closed; NUL bytes.
    {
        let text = "fund_id,fund_name,county,established_on\nU1,صندوق,Zanjan,1400/01/01\n";
        let mut utf16 = vec![0xff, 0xfe];
        for u in text.encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        put("utf16.csv", &utf16);
        out.push(read("utf16.csv", 1, 0));
        put(
            "unbalanced.csv",
            "fund_id,fund_name,county,established_on\nQ1,صندوق,Zanjan,1400/01/01\nQ2,\"صندوق باز,Zanjan,1400/01/01\nQ3,صندوق,Zanjan,1400/01/01\n".as_bytes(),
        );
        out.push(read("unbalanced.csv", 1, 1));
        put(
            "nul.csv",
            b"fund_id,fund_name,county,established_on\nQ1,\0\0\0,Zanjan,1400/01/01\n",
        );
        out.push(expect("nul.csv", "quarantined", &["nul"]));
    }

    // Many sheets: 200 (read: one table among notes) and more than [limits] sheets_per_file.
    for (name, sheets, status) in [
        ("sheets-200.xlsx", 200, "read"),
        ("sheets-1001.xlsx", 1_001, "quarantined"),
    ] {
        let names: Vec<String> = (1..=sheets).map(|i| format!("s{i}")).collect();
        let mut parts = package(&names, false, false);
        for i in 1..=sheets {
            let rows = if i == sheets {
                fund_rows(&format!("S{sheets}-"), 1)
            } else {
                text_row(1, &["notes", &format!("page {i}")])
            };
            parts.push(entry(
                &format!("xl/worksheets/sheet{i}.xml"),
                worksheet("", &rows, ""),
            ));
        }
        put(name, &zip(parts));
        out.push(if status == "read" {
            read(name, 1, 0)
        } else {
            expect(name, "quarantined", &["sheets_per_file"])
        });
    }

    // File names: dots, Persian letters and spaces.
    for (name, id) in [
        ("a..b.csv", "P1"),
        ("دفتر صندوق ها.csv", "P2"),
        ("sub dir/x .. y.csv", "P3"),
    ] {
        put(
            name,
            format!("fund_id,fund_name,county,established_on\n{id},صندوق,Zanjan,1400/01/01\n")
                .as_bytes(),
        );
        out.push(read(name, 1, 0));
    }

    // Links to a file and a folder outside the input: never followed.
    #[cfg(unix)]
    {
        std::fs::create_dir_all(outside.join("folder")).expect("mkdir");
        std::fs::write(
            outside.join("secret.csv"),
            "fund_id,fund_name,county,established_on\nOUT1,x,Zanjan,1400/01/01\n",
        )
        .expect("write");
        std::fs::write(
            outside.join("folder/more.csv"),
            "fund_id,fund_name,county,established_on\nOUT2,x,Zanjan,1400/01/01\n",
        )
        .expect("write");
        std::os::unix::fs::symlink(outside.join("secret.csv"), root.join("link.csv"))
            .expect("symlink");
        std::os::unix::fs::symlink(outside.join("folder"), root.join("linked-folder"))
            .expect("symlink");
        out.push(expect("link.csv", "skipped", &["symbolic link"]));
        out.push(expect("linked-folder", "skipped", &["symbolic link"]));
    }
    #[cfg(not(unix))]
    let _ = outside;
    out
}
