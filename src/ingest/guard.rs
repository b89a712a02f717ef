//! Checks made before a workbook is handed to calamine, for what calamine would allocate from
//! what the file declares rather than from what it holds. calamine reserves its shared-string
//! table from the `uniqueCount` an xlsx declares, reserves a sheet's cells from an .xls
//! DIMENSIONS record, and builds every sheet as a dense grid from its first to its last cell;
//! a file that lies in any of these would make it ask for gigabytes at once, and an allocation
//! that fails aborts the process. Each check reads only what the file really holds, and a file
//! that fails one is quarantined with what it claims.

use std::io::Read;

/// What a zipped workbook's parts hold, gathered while they are inflated
/// ([`super::read::check_inflated`]).
#[derive(Debug, Default)]
pub struct ZipFacts {
    /// The `uniqueCount` of `xl/sharedStrings.xml`, and that part's inflated size.
    pub unique_count: Option<(u64, u64)>,
    /// The first and last row and column of the cells of each worksheet (0-based).
    pub extents: Vec<(String, Extent)>,
}

/// The corners of the cells a sheet's XML names.
#[derive(Debug, Clone, Copy)]
pub struct Extent {
    rows: (u64, u64),
    cols: (u64, u64),
}

impl Extent {
    /// Cells of the dense grid from the first cell to the last.
    pub fn cells(&self) -> u64 {
        (self.rows.1 - self.rows.0 + 1).saturating_mul(self.cols.1 - self.cols.0 + 1)
    }
}

/// Watches a worksheet part's bytes as they are inflated for the `r="B7"` references of its
/// cells (the pattern may straddle two chunks: the tail of each is kept).
#[derive(Default)]
pub struct ExtentScan {
    carry: Vec<u8>,
    extent: Option<Extent>,
}

impl ExtentScan {
    /// Takes the next inflated bytes.
    pub fn feed(&mut self, chunk: &[u8]) {
        let mut buf = std::mem::take(&mut self.carry);
        buf.extend_from_slice(chunk);
        let finder = memchr::memmem::Finder::new(b" r=\"");
        let mut last_end = 0;
        for at in finder.find_iter(&buf) {
            let start = at + 4;
            let Some(len) = buf[start..].iter().take(24).position(|&b| b == b'"') else {
                continue;
            };
            last_end = start + len;
            // A cell with no value (`<c r="XFD9" s="1"/>`, formatting only) is dropped by
            // calamine before it builds the grid; so is it here. A tag cut by the chunk's end
            // counts, which can only over-count.
            let rest = &buf[start + len..];
            let empty = rest
                .iter()
                .take(256)
                .position(|&b| b == b'>')
                .is_some_and(|gt| gt > 0 && rest[gt - 1] == b'/');
            if empty {
                continue;
            }
            if let Some((row, col)) = cell_ref(&buf[start..start + len]) {
                let e = self.extent.get_or_insert(Extent {
                    rows: (row, row),
                    cols: (col, col),
                });
                e.rows = (e.rows.0.min(row), e.rows.1.max(row));
                e.cols = (e.cols.0.min(col), e.cols.1.max(col));
            }
        }
        // Keep what a reference cut by the chunk's end may begin with.
        let keep_from = buf.len().saturating_sub(32).max(last_end);
        self.carry = buf[keep_from..].to_vec();
    }

    /// The corners found.
    pub fn extent(&self) -> Option<Extent> {
        self.extent
    }
}

/// `B7` → (row 6, column 1); a reference to a whole row (`7`) or anything else → `None`.
fn cell_ref(r: &[u8]) -> Option<(u64, u64)> {
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if letters == 0 || letters > 3 || letters == r.len() {
        return None;
    }
    let digits = &r[letters..];
    if digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let col = r[..letters]
        .iter()
        .fold(0u64, |c, &b| c * 26 + u64::from(b - b'A' + 1))
        - 1;
    let row: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col))
}

/// The `uniqueCount` attribute at the head of a shared-strings part.
pub fn unique_count(head: &[u8]) -> Option<u64> {
    let at = memchr::memmem::find(head, b"uniqueCount=\"")? + 13;
    let len = head[at..].iter().position(|&b| b == b'"')?;
    std::str::from_utf8(&head[at..at + len]).ok()?.parse().ok()
}

impl ZipFacts {
    /// The reason to quarantine the workbook, if calamine would allocate from a lie.
    pub fn check(&self, max_cells: u64) -> Result<(), String> {
        // A shared string is at least `<si><t/></si>`, 13 bytes. Some writers put the count of
        // references there: only a count that would make calamine reserve a lot (10 million
        // strings, 240 MB) is refused.
        if let Some((declared, bytes)) = self.unique_count {
            if declared > bytes / 13 + 1 && declared > 10_000_000 {
                return Err(format!(
                    "the shared strings declare {declared} strings, more than their {bytes} bytes can hold: a crafted or damaged file; export it again from Excel or LibreOffice"
                ));
            }
        }
        // calamine holds every sheet of the file at once: their grids add up.
        let mut total = 0u64;
        for (part, e) in &self.extents {
            total = total.saturating_add(e.cells());
            if total > max_cells {
                return Err(format!(
                    "the sheet {part} spans {} rows × {} columns from its first cell to its last, which with the sheets before it is more than the {max_cells} cells a file may hold ([limits] cells_per_file), and the general reader it needs holds those whole grids; remove the stray far-away cell, or check that it is a real export",
                    e.rows.1 - e.rows.0 + 1,
                    e.cols.1 - e.cols.0 + 1
                ));
            }
        }
        Ok(())
    }
}

/// Checks the DIMENSIONS records of an .xls workbook's sheets: each must describe a grid an
/// .xls sheet can have (65,536 rows × 256 columns at most) within `max_cells`. A file whose
/// container or stream cannot be read is left to calamine to describe.
pub fn check_xls(bytes: &[u8], max_cells: u64) -> Result<(), String> {
    let Ok(mut file) = cfb::CompoundFile::open(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n));
    let Some(name) = name else {
        return Ok(());
    };
    let mut stream = Vec::new();
    let read = file
        .open_stream(name)
        .and_then(|s| s.take(bytes.len() as u64 * 2).read_to_end(&mut stream));
    if read.is_err() {
        return Ok(());
    }
    let mut at = 0usize;
    while at + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        // FILEPASS: the records after it are encrypted; calamine says so itself.
        if typ == 0x002f {
            break;
        }
        let u32_at = |i: usize| {
            u64::from(u32::from_le_bytes([
                data[i],
                data[i + 1],
                data[i + 2],
                data[i + 3],
            ]))
        };
        let u16_at = |i: usize| u64::from(u16::from_le_bytes([data[i], data[i + 1]]));
        let bounds = match (typ, data.len()) {
            (0x0200, 14 | 16) => Some(((u32_at(0), u32_at(4)), (u16_at(8), u16_at(10)))),
            (0x0200, 10) => Some(((u16_at(0), u16_at(2)), (u16_at(4), u16_at(6)))),
            _ => None,
        };
        if let Some(((first_row, last_row), (first_col, last_col))) = bounds {
            let rows = last_row.saturating_sub(first_row);
            let cols = last_col.saturating_sub(first_col);
            // Bounds given backwards wrap around in calamine's arithmetic.
            if last_row > 65_536
                || last_col > 256
                || (last_row > 0 && last_row < first_row)
                || rows.saturating_mul(cols) > max_cells
            {
                return Err(format!(
                    "a sheet declares {rows} rows × {cols} columns (its DIMENSIONS record), more than an .xls sheet can have or than the {max_cells} cells a file may hold ([limits] cells_per_file): a crafted or damaged file; save it again from Excel or LibreOffice"
                ));
            }
        }
        at += 4 + len;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_and_extents() {
        assert_eq!(cell_ref(b"A1"), Some((0, 0)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref(b"12"), None);
        assert_eq!(cell_ref(b"A0"), None);
        let mut s = ExtentScan::default();
        let xml =
            b"<row r=\"1\"><c r=\"B2\"/></row><row r=\"9\"><c r=\"XFD1048576\" t=\"s\"/></row>";
        // Fed in pieces that cut a reference in two.
        for piece in xml.chunks(7) {
            s.feed(piece);
        }
        let e = s.extent().expect("cells");
        assert_eq!((e.rows, e.cols), ((1, 1_048_575), (1, 16_383)));
        assert!(e.cells() > 60_000_000);
        assert_eq!(
            unique_count(b"<sst count=\"3\" uniqueCount=\"99999999999\">"),
            Some(99_999_999_999)
        );
    }
}
