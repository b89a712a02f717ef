//! The sheet scanner: the inflated bytes of a worksheet part, read in chunks into one reused
//! buffer, cut into `<row>` elements and their `<c>` cells, each cell typed as calamine types it
//! (the differential tests hold the two readers to the same cells). Only the row being read is
//! held: memory is bounded by the longest row, never by the sheet or its declared dimension.

use super::numfmt::NumberKind;
use super::xml::{self, XmlResult};
use crate::calendar::epoch_day;
use crate::ingest::read::{Cell, Row};
use memchr::memmem;
use std::io::Read;

/// Bytes inflated at a time.
const CHUNK: usize = 256 * 1024;

/// What a sheet's cells need from the rest of the workbook.
pub struct Context<'a> {
    /// Shared strings.
    pub strings: &'a [std::sync::Arc<str>],
    /// Number kind per style index.
    pub styles: &'a [NumberKind],
    /// The 1904 date system.
    pub date1904: bool,
}

/// Limits the scanner enforces while it reads.
#[derive(Debug, Clone, Copy)]
pub struct ScanLimits {
    /// Inflated bytes of the part.
    pub part_bytes: u64,
    /// Bytes of one `<row>` element.
    pub row_bytes: usize,
    /// Columns of a row (16,384 in Excel).
    pub columns: usize,
    /// Inflated bytes `[limits] compression_ratio` allows this part ([`super::ratio_cap`]).
    pub ratio_cap: u64,
    /// The ratio, for the reason.
    pub ratio: u64,
}

/// Why a sheet could not be scanned: the part breaks a limit (quarantine the file), or holds
/// something this reader does not handle (read the file with calamine instead).
#[derive(Debug)]
pub enum ScanError {
    /// A limit was exceeded.
    Limit(String),
    /// Not handled here.
    Unsupported(String),
}

impl From<String> for ScanError {
    fn from(s: String) -> ScanError {
        ScanError::Unsupported(s)
    }
}

impl From<&str> for ScanError {
    fn from(s: &str) -> ScanError {
        ScanError::Unsupported(s.to_owned())
    }
}

struct Input<R> {
    src: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    read: u64,
    limit: u64,
    ratio_cap: u64,
    ratio: u64,
}

thread_local! {
    /// The input buffer of this thread's last sheet, kept for its next: a fresh one was ~3.7k
    /// page faults per run at scale 1 (a buffer per sheet), each a zeroing on a virtual machine.
    static SPARE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// An input buffer up to this capacity is kept for the thread's next sheet; a larger one
/// (a sheet with a very long row) is freed.
const SPARE_UP_TO: usize = CHUNK * 2;

impl<R> Input<R> {
    /// The input of a sheet read from `src`, with the thread's spare buffer if it has one.
    fn new(src: R, limits: ScanLimits) -> Input<R> {
        let mut buf = SPARE.with(std::cell::Cell::take);
        buf.clear();
        buf.reserve(SPARE_UP_TO);
        Input {
            src,
            buf,
            pos: 0,
            eof: false,
            read: 0,
            limit: limits.part_bytes,
            ratio_cap: limits.ratio_cap,
            ratio: limits.ratio,
        }
    }
}

impl<R> Drop for Input<R> {
    fn drop(&mut self) {
        if self.buf.capacity() <= SPARE_UP_TO {
            let buf = std::mem::take(&mut self.buf);
            // Not kept when the thread is ending (its spare already dropped).
            let _ = SPARE.try_with(|spare| spare.set(buf));
        }
    }
}

impl<R: Read> Input<R> {
    /// Reads another chunk, keeping `buf[pos..]`. Returns false at the end of the part.
    fn more(&mut self) -> Result<bool, ScanError> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let mut filled = 0;
        while filled < CHUNK {
            match self.src.read(&mut self.buf[old + filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(old + filled);
                    return Err(ScanError::Unsupported(format!(
                        "the sheet cannot be inflated ({e})"
                    )));
                }
            }
        }
        self.buf.truncate(old + filled);
        self.read += filled as u64;
        if self.read > self.ratio_cap && self.ratio_cap < self.limit {
            return Err(ScanError::Limit(super::ratio_reason("a sheet", self.ratio)));
        }
        if self.read > self.limit {
            return Err(ScanError::Limit(format!(
                "a sheet inflates to more than {} MB ([limits] inflated_mb_per_part, or what inflated_mb_per_file leaves)",
                self.limit / 1_000_000
            )));
        }
        Ok(filled > 0)
    }

    fn rest(&self) -> &[u8] {
        &self.buf[self.pos..]
    }
}

/// Reads the rows of one worksheet part, calling `row` for each, from the first row with a
/// value to the last (blank rows between them included, with no cells), as calamine's range does.
/// Returns the bytes inflated.
pub fn scan<R: Read>(
    src: R,
    ctx: &Context<'_>,
    limits: ScanLimits,
    mut row: impl FnMut(&Row),
) -> Result<u64, ScanError> {
    let mut input = Input::new(src, limits);
    if !seek_sheet_data(&mut input)? {
        return Ok(input.read);
    }
    let mut rows = RowState::default();
    loop {
        // The next element inside sheetData.
        let Some(lt) = memchr::memchr(b'<', input.rest()) else {
            input.pos = input.buf.len();
            if !input.more()? {
                return Err("the sheet ends inside its data".into());
            }
            continue;
        };
        input.pos += lt;
        let rest = input.rest();
        if rest.len() < 12 && !input.eof {
            input.more()?;
            continue;
        }
        if rest.starts_with(b"</sheetData") {
            return Ok(input.read);
        }
        if xml::starts_element(rest, 0, b"row") {
            if let Some(len) = rows.read_in_place(rest, ctx, limits, &mut row) {
                input.pos += len;
                continue;
            }
            let Some(len) = row_len(rest) else {
                if rest.len() > limits.row_bytes {
                    return Err(ScanError::Limit(format!(
                        "a row is longer than {} MB of XML ([limits] row_xml_mb)",
                        limits.row_bytes / 1_000_000
                    )));
                }
                if !input.more()? {
                    return Err("the sheet ends inside a row".into());
                }
                continue;
            };
            let element = &input.buf[input.pos..input.pos + len];
            rows.read(element, ctx, limits, &mut row)?;
            input.pos += len;
            continue;
        }
        if rest.starts_with(b"<!--") {
            match memmem::find(rest, b"-->") {
                Some(end) => input.pos += end + 3,
                None => {
                    if !input.more()? {
                        return Err("the sheet ends inside a comment".into());
                    }
                }
            }
            continue;
        }
        return Err(ScanError::Unsupported(format!(
            "an unexpected element «{}» among the rows",
            String::from_utf8_lossy(&rest[..rest.len().min(16)])
        )));
    }
}

/// Moves past `<sheetData>`; false when the sheet has none or it closes itself.
fn seek_sheet_data<R: Read>(input: &mut Input<R>) -> Result<bool, ScanError> {
    loop {
        if let Some(i) = memmem::find(input.rest(), b"<sheetData") {
            input.pos += i;
            let rest = input.rest();
            if let Some(gt) = memchr::memchr(b'>', rest) {
                let empty = rest[gt - 1] == b'/';
                input.pos += gt + 1;
                return Ok(!empty);
            }
        } else {
            // Keep a tail in case the tag is cut between chunks.
            input.pos = input.buf.len().saturating_sub(16).max(input.pos);
        }
        if !input.more()? {
            return Ok(false);
        }
    }
}

/// The length of the `<row>` element at the start of `b`, if it is complete in `b`: up to the
/// first `</row` followed by `>` (spaces allowed between), as [`xml::content`] finds it, with
/// one vector search over the row instead of a stop at each of its elements.
fn row_len(b: &[u8]) -> Option<usize> {
    static END: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    let gt = xml::find_byte(b'>', b)?;
    if b[gt - 1] == b'/' {
        return Some(gt + 1);
    }
    let end = END.get_or_init(|| memmem::Finder::new(b"</row"));
    let mut at = gt + 1;
    loop {
        let i = at + end.find(&b[at..])?;
        if let Some(after) = xml::end_tag_at(b, i, b"row") {
            return Some(after);
        }
        // `</row` followed by something else (`</rowx`): not the end, unless no `>` follows
        // at all, where the row is cut.
        b.get(i + 5..)?
            .iter()
            .position(|c| !c.is_ascii_whitespace())?;
        at = i + 1;
    }
}

/// Rows seen so far: the next row index and the blank rows waiting for a row with a value.
#[derive(Default)]
struct RowState {
    /// 0-based index of the next row without an `r`.
    next: u32,
    /// Whether a row with a value has been emitted.
    started: bool,
    /// 0-based index of the last emitted row.
    last: u32,
    /// The row being read, lent to the caller once read; its cells' memory is reused from row
    /// to row.
    row: Row,
    /// The last inline string read in each of the first columns.
    inline: InlineStrings,
}

impl RowState {
    /// Reads the row element `element` (found whole by [`row_len`]) and emits it.
    fn read(
        &mut self,
        element: &[u8],
        ctx: &Context<'_>,
        limits: ScanLimits,
        emit: &mut impl FnMut(&Row),
    ) -> Result<(), ScanError> {
        let tag = xml::tag_at(element, 0, 3).ok_or("a cut row")?;
        let row = self.row_of(tag.attrs)?;
        self.row.cells.clear();
        if !tag.empty {
            let body = &element[tag.end..];
            let cells = &mut self.row.cells;
            read_cells(body, row, ctx, limits, cells, &mut self.inline, true)?;
        }
        self.emit(row.index, emit)
    }

    /// The row whose start tag's attributes are `attrs`: the number its `r` gives, else the
    /// one after the last row's.
    fn row_of<'a>(&self, attrs: &'a [u8]) -> Result<RowRef<'a>, ScanError> {
        let digits = row_reference(attrs);
        let index = match digits {
            Some(r) => row_number(r)?,
            None => self.next,
        };
        Ok(RowRef { index, digits })
    }

    /// Reads the row whose start tag begins `rest` (the part's bytes read so far) without
    /// finding its end first, and emits it: the offset after its end tag. The row's end is
    /// where its cells end, when every cell was read by the one-pass readers, which look at
    /// every `<` of the row: the first `</row` in it then is the end that [`row_len`] would
    /// find (their tags hold no `<`: a tag only the general reader reads, or a `<v>` or `<f>`
    /// tag holding one, is not read in place). `None`, with nothing emitted, for anything else
    /// (a row cut by the end of what is read so far, a cell for the general reader, an error),
    /// which [`RowState::read`] then reads as before, to the same rows or error.
    fn read_in_place(
        &mut self,
        rest: &[u8],
        ctx: &Context<'_>,
        limits: ScanLimits,
        emit: &mut impl FnMut(&Row),
    ) -> Option<usize> {
        let tag = xml::tag_at(rest, 0, 3).filter(|t| !t.empty)?;
        let row = self.row_of(tag.attrs).ok()?;
        self.row.cells.clear();
        let body = &rest[tag.end..];
        let cells = &mut self.row.cells;
        let end = read_cells(body, row, ctx, limits, cells, &mut self.inline, false).ok()??;
        let after = tag.end + xml::end_tag_at(body, end, b"row")?;
        // A row out of order errs before anything is emitted (and only a row that names
        // itself can be out of order, so the row read again errs alike).
        self.emit(row.index, emit).ok()?;
        Some(after)
    }

    /// Emits the row just read (row `index`, its cells in `self.row`), after the blank rows
    /// between it and the last one emitted; a row without values is not emitted yet.
    fn emit(&mut self, index: u32, emit: &mut impl FnMut(&Row)) -> Result<(), ScanError> {
        let cells = &mut self.row.cells;
        self.next = index.saturating_add(1);
        while matches!(cells.last(), Some(Cell::Empty)) {
            cells.pop();
        }
        if cells.is_empty() {
            return Ok(());
        }
        if self.started && index <= self.last {
            return Err("rows out of order".into());
        }
        if self.started {
            for blank in self.last + 1..index {
                emit(&Row {
                    number: blank + 1,
                    cells: Vec::new(),
                });
            }
        }
        self.started = true;
        self.last = index;
        self.row.number = index + 1;
        emit(&self.row);
        Ok(())
    }
}

/// The raw `r` of a row's start tag: read directly when it is the first attribute, written
/// ` r="…"` as every writer writes it, else by the general reader (the first `r` either way).
fn row_reference(attrs: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = attrs.strip_prefix(b" r=\"") {
        if let Some(q) = xml::find_byte(b'"', rest) {
            return Some(&rest[..q]);
        }
    }
    xml::attribute(attrs, b"r")
}

/// `r="12"` → 11.
fn row_number(r: &[u8]) -> Result<u32, ScanError> {
    let n = parse_u32(r).ok_or("a row number that is not a number")?;
    n.checked_sub(1).ok_or_else(|| "row number 0".into())
}

fn parse_u32(b: &[u8]) -> Option<u32> {
    digits(b, 10).and_then(|n| u32::try_from(n).ok())
}

/// The value of `b` when it is 1 to `most` (at most 19) ASCII digits and nothing else.
fn digits(b: &[u8], most: usize) -> Option<u64> {
    if b.is_empty() || b.len() > most.min(19) {
        return None;
    }
    let mut n: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(c - b'0');
    }
    Some(n)
}

/// `B12` → (row 11, column 1).
fn cell_ref(r: &[u8]) -> Result<(u32, u32), ScanError> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return Err("a cell reference without a column".into());
    }
    let row = row_number(&r[letters..])?;
    Ok((row, column_index(&r[..letters])))
}

/// The row whose cells are read: its 0-based index and, when the row names itself, the digits
/// of its `r` (a cell reference ending in the same digits is of this row, without parsing).
#[derive(Clone, Copy)]
struct RowRef<'a> {
    index: u32,
    digits: Option<&'a [u8]>,
}

/// Reads the cells of a row whose content starts `body`, up to the first `</row` (or the end of
/// `body`): its offset in `body`, `None` when `body` ends first. With `general` false, a cell
/// that only the general reader ([`cell_value`]) reads ends the row there with `None`.
fn read_cells(
    body: &[u8],
    row: RowRef<'_>,
    ctx: &Context<'_>,
    limits: ScanLimits,
    cells: &mut Vec<Cell>,
    inline: &mut InlineStrings,
    general: bool,
) -> Result<Option<usize>, ScanError> {
    let mut col = 0u32;
    let mut at = 0usize;
    while let Some(lt) = xml::find_byte(b'<', &body[at..]) {
        let i = at + lt;
        if body[i..].starts_with(b"</row") {
            return Ok(Some(i));
        }
        if !xml::starts_element(body, i, b"c") {
            return Err(ScanError::Unsupported(format!(
                "an unexpected element «{}» in a row",
                String::from_utf8_lossy(&body[i..body.len().min(i + 16)])
            )));
        }
        let CellTag { r, s, t, tag } = match cell_tag(body, i) {
            Some(tag) => tag,
            // Read in place, only the one-pass reader's tags: a tag it leaves may hold a `<`
            // (not well-formed, but read), even the `</row>` that [`row_len`] stops at.
            None if !general => return Ok(None),
            None => cell_tag_general(body, i).ok_or("a cut cell")?,
        };
        if let Some(r) = r {
            col = column_of_row(r, row)?;
        }
        let index = col as usize;
        // The value is read straight into its place in the row (a cell moved through
        // temporaries costs a stalled copy per cell): the next cell of a row written in order
        // is pushed; a column read before (a repeated reference) takes the new value unless it
        // is empty, as before; a cell past a gap, or beyond the column limit, is read aside
        // first, so that an empty cell far to the right makes no row of blanks.
        let mut aside = Cell::Empty;
        let mut earlier = Cell::Empty;
        let in_place = index < limits.columns && index <= cells.len();
        let out = if !in_place {
            &mut aside
        } else if index == cells.len() {
            cells.push(Cell::Empty);
            &mut cells[index]
        } else {
            earlier = std::mem::replace(&mut cells[index], Cell::Empty);
            &mut cells[index]
        };
        at = if tag.empty {
            tag.end
        } else if let Some(plain) = plain_v_cell(body, tag.end, s, t, ctx, out) {
            plain?
        } else if let Some(next) = inline.plain(body, tag.end, index, out) {
            next
        } else if let Some(simple) = simple_cell(body, tag.end, s, t, ctx, out) {
            simple?
        } else if !general {
            return Ok(None);
        } else {
            let (content, next) = xml::content(body, tag.end, b"c").ok_or("a cut cell")?;
            cell_value(content, s, t, ctx, out)?;
            next
        };
        if index >= limits.columns {
            return Err(ScanError::Limit(format!(
                "a row has a cell beyond column {} ([limits] columns)",
                limits.columns
            )));
        }
        if in_place {
            if matches!(out, Cell::Empty) && !matches!(earlier, Cell::Empty) {
                *out = earlier;
            }
        } else if !matches!(aside, Cell::Empty) {
            cells.resize(index + 1, Cell::Empty);
            cells[index] = aside;
        }
        col = col.saturating_add(1);
    }
    Ok(None)
}

/// A cell whose content is exactly `<v>text</v></c>` with no markup in the text, as Excel,
/// xlsxwriter and openpyxl write every number and shared-string cell.
struct PlainV<'a> {
    /// The `<v>`'s text.
    text: &'a [u8],
    /// The text's value when it is 1 to 15 digits and nothing else (see [`whole_number`]).
    whole: Option<u64>,
    /// The offset after `</c>`.
    next: usize,
}

/// The cell content at `body[from..]` when it is a [`PlainV`], its digits read on the way to
/// the `<`. [`simple_cell`] reads such a cell to the same value, one element at a time; `None`
/// sends every other cell there.
#[inline]
fn plain_v(body: &[u8], from: usize) -> Option<PlainV<'_>> {
    const END: &[u8] = b"</v></c>";
    let rest = body.get(from..)?.strip_prefix(b"<v>")?;
    let mut n: u64 = 0;
    let mut len = 0;
    while let Some(&c) = rest.get(len).filter(|c| c.is_ascii_digit() && len < 15) {
        n = n * 10 + u64::from(c - b'0');
        len += 1;
    }
    let lt = match rest.get(len) {
        Some(b'<') => len,
        _ => len + xml::find_byte(b'<', rest.get(len..)?)?,
    };
    if !rest[lt..].starts_with(END) {
        return None;
    }
    Some(PlainV {
        text: &rest[..lt],
        whole: (lt == len && len > 0).then_some(n),
        next: from + 3 + lt + END.len(),
    })
}

/// The value of a cell whose content at `body[from..]` is a [`PlainV`], written to `out`, and
/// the offset after `</c>`: a whole number's digits as read on the way, anything else by
/// [`v_value`]. `None` for any other content.
#[inline]
fn plain_v_cell(
    body: &[u8],
    from: usize,
    s: Option<&[u8]>,
    t: Option<&[u8]>,
    ctx: &Context<'_>,
    out: &mut Cell,
) -> Option<Result<usize, ScanError>> {
    let v = plain_v(body, from)?;
    let read = match (t, v.whole) {
        (None | Some(b"n"), Some(n)) => {
            *out = number_cell(n as f64, s, ctx);
            Ok(())
        }
        _ => v_value(v.text, s, t, ctx, out),
    };
    Some(read.map(|()| v.next))
}

/// A cell's start tag: its `r`, `s` and `t` attributes (raw) and where the tag ends.
struct CellTag<'a> {
    r: Option<&'a [u8]>,
    s: Option<&'a [u8]>,
    t: Option<&'a [u8]>,
    tag: xml::Tag<'a>,
}

/// The start tag `<c …>` at `body[i..]` when it is written as Excel, xlsxwriter, openpyxl and
/// LibreOffice write it: nothing but ` r="…"`, ` s="…"` and ` t="…"` (one space before each,
/// double quotes, no `>` inside a value), then `>` or `/>`. Read in one pass; `None` for any
/// other form (another attribute, other spacing or quotes, a cut tag), which
/// [`cell_tag_general`] then reads, to the same result for the tags read here (a repeated
/// attribute: the last one counts in both).
fn cell_tag(body: &[u8], i: usize) -> Option<CellTag<'_>> {
    let from = i + 2;
    let mut at = from;
    let (mut r, mut s, mut t) = (None, None, None);
    loop {
        match *body.get(at)? {
            b'>' => {
                return Some(CellTag {
                    r,
                    s,
                    t,
                    tag: xml::Tag {
                        attrs: &body[from..at],
                        end: at + 1,
                        empty: false,
                    },
                })
            }
            b'/' if body.get(at + 1) == Some(&b'>') => {
                return Some(CellTag {
                    r,
                    s,
                    t,
                    tag: xml::Tag {
                        attrs: &body[from..at],
                        end: at + 2,
                        empty: true,
                    },
                })
            }
            b' ' => {
                let name = *body.get(at + 1)?;
                if body.get(at + 2..at + 4)? != b"=\"" {
                    return None;
                }
                let start = at + 4;
                let len = xml::find_byte(b'"', body.get(start..)?)?;
                let value = &body[start..start + len];
                if value.contains(&b'>') {
                    return None;
                }
                match name {
                    b'r' => r = Some(value),
                    b's' => s = Some(value),
                    b't' => t = Some(value),
                    _ => return None,
                }
                at = start + len + 1;
            }
            _ => return None,
        }
    }
}

/// The 0-based column of 1 to 3 column letters (`A` → 0, `AB` → 27).
fn column_index(letters: &[u8]) -> u32 {
    let mut col = 0u32;
    for &c in letters {
        col = col * 26 + u32::from(c.to_ascii_uppercase() - b'A') + 1;
    }
    col.saturating_sub(1)
}

/// The start tag `<c …>` at `body[i..]` read by the general reader: any spacing, quotes and
/// other attributes; `None` for a cut tag.
fn cell_tag_general(body: &[u8], i: usize) -> Option<CellTag<'_>> {
    let tag = xml::tag_at(body, i, 1)?;
    let (mut r, mut s, mut t) = (None, None, None);
    for (name, value) in xml::attributes(tag.attrs) {
        match name {
            b"r" => r = Some(value),
            b"s" => s = Some(value),
            b"t" => t = Some(value),
            _ => {}
        }
    }
    Some(CellTag { r, s, t, tag })
}

/// The column of a cell whose reference is `r` (`B12` → 1), which must name `row`. A reference
/// whose digits are the row's own `r` is of the row without reading them as a number.
fn column_of_row(r: &[u8], row: RowRef<'_>) -> Result<u32, ScanError> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if (1..=3).contains(&letters) && row.digits.is_some_and(|d| same_bytes(d, &r[letters..])) {
        return Ok(column_index(&r[..letters]));
    }
    let (cell_row, c) = cell_ref(r)?;
    if cell_row != row.index {
        return Err("a cell whose reference names another row".into());
    }
    Ok(c)
}

/// Whether `a` and `b` hold the same bytes, compared here: a slice's `==` is a call to the C
/// library's `bcmp`, which cost more than comparing a row's few digits (1.6% of ingest's time
/// at scale 1, once per cell).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |differ, (x, y)| differ | (x ^ y)) == 0
}

/// The last inline string of each of a sheet's first columns, so that a text repeated down a
/// column (a fund's code on each of its rows) is one shared copy, as a shared string's cells
/// are, instead of an allocation per cell.
#[derive(Default)]
struct InlineStrings {
    last: crate::ingest::by_column::LastByColumn<std::sync::Arc<str>>,
}

impl InlineStrings {
    /// The cell whose content starts at `body[from..]`, when that content is exactly
    /// `<is><t>text</t></is></c>` (or `<t xml:space="preserve">`) and the text holds no
    /// reference, carriage return or `_xHHHH_` escape: the text cell, written to `out`, and the
    /// offset after `</c>`.
    /// Such a cell is what [`cell_value`] and [`xml::rich_text`] read as that text, trimmed
    /// unless preserved. `None` for anything else, which those then read as before (also for
    /// text that is not UTF-8, so that the reason given stays theirs).
    fn plain(&mut self, body: &[u8], from: usize, col: usize, out: &mut Cell) -> Option<usize> {
        const PRESERVE: &[u8] = b" xml:space=\"preserve\">";
        const END: &[u8] = b"</t></is></c>";
        let rest = body.get(from..)?.strip_prefix(b"<is><t")?;
        let (preserve, rest) = match rest.strip_prefix(b">") {
            Some(after) => (false, after),
            None => (true, rest.strip_prefix(PRESERVE)?),
        };
        let lt = xml::find_byte(b'<', rest)?;
        let raw = &rest[..lt];
        if !rest[lt..].starts_with(END) || memchr::memchr2(b'&', b'\r', raw).is_some() {
            return None;
        }
        // Trimmed as bytes: the characters trimmed are ASCII, which no byte of a longer
        // UTF-8 character equals, so this is the text's trim.
        let text = if preserve { raw } else { trim_xml_space(raw) };
        if memmem::find(text, b"_x").is_some() {
            return None;
        }
        let next = body.len() - rest.len() + lt + END.len();
        // The same bytes as the column's last text are the same (valid) text.
        if let Some(prev) = self.last.get(col) {
            if prev.as_bytes() == text {
                *out = Cell::Text(prev.clone());
                return Some(next);
            }
        }
        let text = std::str::from_utf8(text).ok()?;
        let shared: std::sync::Arc<str> = text.into();
        self.last.set(col, shared.clone());
        *out = Cell::Text(shared);
        Some(next)
    }
}

/// `text` without the spaces, tabs and line ends at either end (XML's white space; a form
/// feed, which `trim_ascii` would also take, is kept).
fn trim_xml_space(text: &[u8]) -> &[u8] {
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = text.iter().position(|b| !space(b)).unwrap_or(text.len());
    let end = text
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |i| i + 1);
    &text[start..end]
}

/// The value of a cell whose content starts at `body[from..]` and is only `<v>` and `<f>`
/// elements holding plain text (no markup inside), as nearly every cell is, read in one pass:
/// the value, written to `out`, and the offset after `</c>` returned. `None` for anything else
/// (an inline string, a CDATA section, an unexpected element, a cut cell), which [`cell_value`]
/// then reads from the cell's whole content, exactly as before; for the cells read here it gives
/// the same value. `out` may be written before `None` is returned: [`cell_value`] then writes
/// it again from the start.
fn simple_cell(
    body: &[u8],
    from: usize,
    s: Option<&[u8]>,
    t: Option<&[u8]>,
    ctx: &Context<'_>,
    out: &mut Cell,
) -> Option<Result<usize, ScanError>> {
    *out = Cell::Empty;
    let mut at = from;
    loop {
        let i = at + xml::find_byte(b'<', body.get(at..)?)?;
        if let Some(end) = xml::end_tag_at(body, i, b"c") {
            return Some(Ok(end));
        }
        let kind = if xml::starts_element(body, i, b"v") {
            b'v'
        } else if xml::starts_element(body, i, b"f") {
            b'f'
        } else {
            return None;
        };
        let tag = xml::tag_at(body, i, 1)?;
        if tag.attrs.contains(&b'<') {
            // Not well-formed: left to the general reader (and, read in place, to the search
            // for the row's end, which may stop inside this tag).
            return None;
        }
        let (inner, next) = if tag.empty {
            (&[][..], tag.end)
        } else {
            // Plain text: the next `<` must be the element's own end tag.
            let lt = tag.end + xml::find_byte(b'<', body.get(tag.end..)?)?;
            let name: &[u8] = if kind == b'v' { b"v" } else { b"f" };
            (&body[tag.end..lt], xml::end_tag_at(body, lt, name)?)
        };
        at = next;
        if kind == b'f' {
            *out = Cell::Empty;
        } else if let Err(e) = v_value(inner, s, t, ctx, out) {
            return Some(Err(e));
        }
    }
}

/// The value of a `<c>` from its children: the last of `<v>`, `<f>` (no value) and `<is>` decides.
fn cell_value(
    content: &[u8],
    s: Option<&[u8]>,
    t: Option<&[u8]>,
    ctx: &Context<'_>,
    out: &mut Cell,
) -> Result<(), ScanError> {
    *out = Cell::Empty;
    let mut at = 0usize;
    while let Some(lt) = xml::find_byte(b'<', &content[at..]) {
        let i = at + lt;
        let (name_len, kind) = if xml::starts_element(content, i, b"v") {
            (1, b'v')
        } else if xml::starts_element(content, i, b"f") {
            (1, b'f')
        } else if xml::starts_element(content, i, b"is") {
            (2, b'i')
        } else {
            return Err(ScanError::Unsupported(format!(
                "an unexpected element «{}» in a cell",
                String::from_utf8_lossy(&content[i..content.len().min(i + 16)])
            )));
        };
        let tag = xml::tag_at(content, i, name_len).ok_or("a cut cell value")?;
        let name: &[u8] = match kind {
            b'v' => b"v",
            b'f' => b"f",
            _ => b"is",
        };
        let (inner, next) = if tag.empty {
            (&[][..], tag.end)
        } else {
            xml::content(content, tag.end, name).ok_or("a cut cell value")?
        };
        at = next;
        match kind {
            b'i' => *out = Cell::Text(xml::rich_text(inner)?.into()),
            b'f' => *out = Cell::Empty,
            _ => v_value(inner, s, t, ctx, out)?,
        }
    }
    Ok(())
}

/// A `<v>` by the cell's type attribute, as calamine reads it.
fn v_value(
    raw: &[u8],
    s: Option<&[u8]>,
    t: Option<&[u8]>,
    ctx: &Context<'_>,
    out: &mut Cell,
) -> Result<(), ScanError> {
    *out = match t {
        Some(b"inlineStr" | b"is") => Cell::Empty,
        Some(b"n" | b"s" | b"b" | b"e") | None => {
            // Only the text before any reference counts (these values never hold one).
            let text = &raw[..xml::find_byte(b'&', raw).unwrap_or(raw.len())];
            // Numbers and shared-string indexes are ASCII: read straight from the bytes.
            match t {
                None | Some(b"n") if !text.is_empty() => {
                    if let Some(n) = whole_number(text) {
                        *out = number_cell(n, s, ctx);
                        return Ok(());
                    }
                    if let Ok(n) = fast_float2::parse::<f64, _>(text) {
                        *out = number_cell(n, s, ctx);
                        return Ok(());
                    }
                }
                Some(b"s") => {
                    if let Some(i) = parse_u32(text) {
                        *out = shared_string(ctx, i as usize)?;
                        return Ok(());
                    }
                }
                _ => {}
            }
            let text = std::str::from_utf8(text).map_err(|_| "a value that is not UTF-8")?;
            plain_value(text, s, t, ctx)?
        }
        Some(b"str") => Cell::Text(xml::unescape_excel(xml::decode_text(raw)?).into()),
        Some(b"d") => Cell::Text(xml::decode_text(raw)?.into()),
        Some(other) => {
            return Err(ScanError::Unsupported(format!(
                "the cell type «{}»",
                String::from_utf8_lossy(other)
            )))
        }
    };
    Ok(())
}

/// The value of up to 15 plain digits (a count, an amount, an id, a date serial: most number
/// cells), which an `f64` holds exactly, as the float parser would read it; `None` for
/// anything else (a sign, a point, an exponent, more digits).
fn whole_number(text: &[u8]) -> Option<f64> {
    // Below 10^15 < 2^53: exact.
    digits(text, 15).map(|n| n as f64)
}

fn plain_value(
    v: &str,
    s: Option<&[u8]>,
    t: Option<&[u8]>,
    ctx: &Context<'_>,
) -> Result<Cell, ScanError> {
    match t {
        Some(b"s") => {
            if v.is_empty() {
                return Ok(Cell::Empty);
            }
            shared_string(ctx, v.parse::<usize>().unwrap_or(0))
        }
        Some(b"b") => match v.trim() {
            "" => Ok(Cell::Empty),
            x if x == "0" || x.eq_ignore_ascii_case("false") => Ok(Cell::Bool(false)),
            x if x == "1" || x.eq_ignore_ascii_case("true") => Ok(Cell::Bool(true)),
            _ => Err("a boolean cell that is neither 0 nor 1".into()),
        },
        Some(b"e") => match v {
            "#DIV/0!" | "#N/A" | "#NAME?" | "#NULL!" | "#NUM!" | "#REF!" | "#VALUE!" => {
                Ok(Cell::Error(v.to_owned()))
            }
            _ => Err(format!("the unknown error value «{v}»").into()),
        },
        _ => {
            if v.is_empty() {
                return Ok(Cell::Empty);
            }
            let Ok(n) = fast_float2::parse::<f64, _>(v.as_bytes()) else {
                return match t {
                    None => Ok(Cell::Text(v.into())),
                    _ => Err(format!("the number «{v}» cannot be read").into()),
                };
            };
            Ok(number_cell(n, s, ctx))
        }
    }
}

/// The cell of shared string `idx` (sharing the table's copy of the text).
fn shared_string(ctx: &Context<'_>, idx: usize) -> Result<Cell, ScanError> {
    ctx.strings
        .get(idx)
        .map(|s| Cell::Text(s.clone()))
        .ok_or_else(|| "a shared string index beyond the table".into())
}

/// A number cell, a date when its style's number format is a date format.
fn number_cell(n: f64, s: Option<&[u8]>, ctx: &Context<'_>) -> Cell {
    let kind = match s {
        None => Some(NumberKind::Number),
        Some(s) => ctx.styles.get(parse_style(s)).copied(),
    };
    match kind {
        Some(NumberKind::Date) => excel_date(n, ctx.date1904)
            .map(Cell::Date)
            .unwrap_or(Cell::Number(n)),
        _ => Cell::Number(n),
    }
}

fn parse_style(s: &[u8]) -> usize {
    // Style indexes are short runs of digits: read from the bytes.
    if let Some(n) = parse_u32(s) {
        return n as usize;
    }
    std::str::from_utf8(s)
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0)
}

/// The day (since 1970-01-01) of an Excel serial date-time, as calamine converts it (the 1900
/// system counts a false 1900-02-29; times are rounded to the millisecond).
fn excel_date(serial: f64, date1904: bool) -> Option<i32> {
    let f = if date1904 { serial + 1462.0 } else { serial };
    let f = if f >= 60.0 { f } else { f + 1.0 };
    // A whole day (nearly every date cell) up to 9999-12-31 counts from 1899-12-30, which is
    // day -25,569 of the epoch: no time arithmetic needed (tested against the path below).
    if f.fract() == 0.0 && (0.0..=WHOLE_DAYS_UP_TO).contains(&f) {
        return Some(f as i32 - 25_569);
    }
    excel_date_exact(f)
}

/// The last serial [`excel_date`] counts without time arithmetic (9999-12-31).
const WHOLE_DAYS_UP_TO: f64 = 2_958_465.0;

/// [`excel_date`] of an adjusted serial (1900 system, the false leap day accounted for), by
/// milliseconds as calamine counts them.
fn excel_date_exact(f: f64) -> Option<i32> {
    let ms = (f * 86_400_000.0).round();
    if !ms.is_finite() || ms.abs() > 9.0e18 {
        return None;
    }
    let delta = chrono::TimeDelta::try_milliseconds(ms as i64)?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(chrono::NaiveTime::MIN);
    let t = epoch.checked_add_signed(delta)?;
    Some(epoch_day(t.date()))
}

/// Reads every row of a part held in memory (for tests).
pub fn scan_bytes(xml: &[u8], ctx: &Context<'_>, limits: ScanLimits) -> XmlResult<Vec<Row>> {
    let mut rows = Vec::new();
    scan(xml, ctx, limits, |r| rows.push(r.clone())).map_err(|e| match e {
        ScanError::Limit(s) | ScanError::Unsupported(s) => s,
    })?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn whole_day_serials_read_as_the_millisecond_path_reads_them() {
        let serials = (0..=3_000_000)
            .step_by(997)
            .chain([0, 1, 59, 60, 61, 25_569, 2_958_464, 2_958_465, 2_958_466]);
        for serial in serials {
            for date1904 in [false, true] {
                let f = f64::from(serial);
                let adjusted = if date1904 { f + 1462.0 } else { f };
                let adjusted = if adjusted >= 60.0 {
                    adjusted
                } else {
                    adjusted + 1.0
                };
                assert_eq!(
                    super::excel_date(f, date1904),
                    super::excel_date_exact(adjusted),
                    "serial {serial}, 1904: {date1904}"
                );
            }
        }
        assert_eq!(super::excel_date(25_569.0, false), Some(0));
        assert_eq!(super::excel_date(25_569.75, false), Some(0));
    }

    #[test]
    fn style_indexes_read_as_numbers_parse_them() {
        for s in [
            "0",
            "7",
            "12",
            "123456789",
            "1234567890",
            "+3",
            "",
            "x",
            "99999999999999999999",
        ] {
            let expected = s.parse::<usize>().unwrap_or(0);
            assert_eq!(super::parse_style(s.as_bytes()), expected, "{s:?}");
        }
    }

    use super::*;

    const LIMITS: ScanLimits = ScanLimits {
        part_bytes: 1 << 30,
        row_bytes: 1 << 20,
        columns: 16_384,
        ratio_cap: u64::MAX,
        ratio: 200,
    };

    /// The general reading of a cell's start tag: (r, s, t, end, empty).
    type TagParts<'a> = (
        Option<&'a [u8]>,
        Option<&'a [u8]>,
        Option<&'a [u8]>,
        usize,
        bool,
    );

    fn general_tag(body: &[u8]) -> Option<TagParts<'_>> {
        cell_tag_general(body, 0).map(|c| (c.r, c.s, c.t, c.tag.end, c.tag.empty))
    }

    #[test]
    fn the_one_pass_cell_tag_reads_what_the_general_reader_reads_or_leaves_the_tag_to_it() {
        let read_fast = [
            "<c r=\"A1\"><v>1</v></c>",
            "<c r=\"AB12\" s=\"3\" t=\"s\"><v>0</v></c>",
            "<c t=\"inlineStr\" r=\"C7\"><is><t>x</t></is></c>",
            "<c r=\"A1\"/>",
            "<c s=\"\"/>",
            "<c>",
            "<c/>",
            "<c r=\"A1\" r=\"B1\">",
        ];
        let left_to_general = [
            "<c r='A1'>",
            "<c  r=\"A1\">",
            "<c r = \"A1\">",
            "<c\tr=\"A1\">",
            "<c r=\"A1\" cm=\"1\">",
            "<c r=\"A>1\">",
            "<c r=\"A1\" / >",
            "<c r=\"A1\" x:t=\"s\">",
            "<c r=\"A1",
            "<c r=\"A1\"",
        ];
        for tag in read_fast {
            let fast =
                cell_tag(tag.as_bytes(), 0).unwrap_or_else(|| panic!("{tag} is read in one pass"));
            let fast = (fast.r, fast.s, fast.t, fast.tag.end, fast.tag.empty);
            assert_eq!(Some(fast), general_tag(tag.as_bytes()), "{tag}");
        }
        for tag in left_to_general {
            assert!(cell_tag(tag.as_bytes(), 0).is_none(), "{tag}");
        }
        assert_eq!(
            cell_tag(b"<c r=\"A1\" r=\"B1\">", 0).and_then(|t| t.r),
            Some(&b"B1"[..]),
            "a repeated attribute: the last counts, as in the general reader"
        );
    }

    #[test]
    fn a_cell_reference_is_checked_against_its_row_with_or_without_the_rows_digits() {
        let row = |index, digits: Option<&'static [u8]>| RowRef { index, digits };
        // Digits equal to the row's own: the column alone is worked out.
        assert_eq!(column_of_row(b"C12", row(11, Some(b"12"))).unwrap(), 2);
        assert_eq!(column_of_row(b"ab12", row(11, Some(b"12"))).unwrap(), 27);
        // Other digits naming the same row, or a row without its own `r`.
        assert_eq!(column_of_row(b"A012", row(11, Some(b"12"))).unwrap(), 0);
        assert_eq!(column_of_row(b"B12", row(11, None)).unwrap(), 1);
        // Another row, a reference without a column, a fourth letter.
        assert!(column_of_row(b"A13", row(11, Some(b"12"))).is_err());
        assert!(column_of_row(b"12", row(11, Some(b"12"))).is_err());
        assert!(column_of_row(b"ABCD12", row(11, Some(b"12"))).is_err());
    }

    #[test]
    fn whole_numbers_read_from_their_digits_as_the_float_parser_reads_them() {
        let cases = [
            "0",
            "7",
            "0012",
            "20000001",
            "43933",
            "999999999999999",
            "1000000000000000",
            "12345678901234567",
            "-5",
            "+5",
            "1.5",
            "1e3",
            "1 ",
            "",
        ];
        for text in cases {
            let fast = whole_number(text.as_bytes());
            if let Some(n) = fast {
                let parsed: f64 = fast_float2::parse(text).unwrap();
                assert_eq!(n.to_bits(), parsed.to_bits(), "{text:?}");
            }
            let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            assert_eq!(fast.is_some(), digits && text.len() <= 15, "{text:?}");
        }
    }

    #[test]
    fn rows_cells_types_and_blank_rows() {
        let strings: Vec<std::sync::Arc<str>> = vec!["کد".into(), "x".into()];
        let styles = vec![NumberKind::Number, NumberKind::Date];
        let ctx = Context {
            strings: &strings,
            styles: &styles,
            date1904: false,
        };
        let xml = br#"<worksheet><dimension ref="A1:XFD1048576"/><sheetData>
<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" s="1"><v>43831</v></c><c r="D2"><v>12.5</v></c></row>
<row r="3" spans="1:3"/>
<row r="5"><c t="inlineStr"><is><t>a&amp;b</t></is></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>A1</f><v>z</v></c></row>
<row r="6"><c r="A6" s="1"/></row>
</sheetData><mergeCells/></worksheet>"#;
        let rows = scan_bytes(xml, &ctx, LIMITS).unwrap();
        assert_eq!(rows.len(), 4, "rows 2 to 5; row 6 holds no value");
        assert_eq!(rows[0].number, 2);
        assert_eq!(
            rows[0].cells,
            vec![
                Cell::Empty,
                Cell::Text("کد".into()),
                Cell::Date(18262),
                Cell::Number(12.5)
            ]
        );
        assert_eq!((rows[1].number, rows[1].cells.len()), (3, 0));
        assert_eq!((rows[2].number, rows[2].cells.len()), (4, 0));
        assert_eq!(
            rows[3].cells,
            vec![
                Cell::Text("a&b".into()),
                Cell::Bool(true),
                Cell::Error("#N/A".into()),
                Cell::Text("z".into())
            ]
        );
    }

    /// Shared strings `a` and `b`; style 0 a number, style 1 a date.
    fn two_strings_and_a_date_style() -> (Vec<std::sync::Arc<str>>, Vec<NumberKind>) {
        (
            vec!["a".into(), "b".into()],
            vec![NumberKind::Number, NumberKind::Date],
        )
    }

    fn context<'a>(strings: &'a [std::sync::Arc<str>], styles: &'a [NumberKind]) -> Context<'a> {
        Context {
            strings,
            styles,
            date1904: false,
        }
    }

    /// Every cell the one-pass reader takes gets the value (and end) the general reader gives;
    /// the others are left to the general reader.
    #[test]
    fn the_one_pass_cell_reader_agrees_with_the_general_one() {
        let (strings, styles) = two_strings_and_a_date_style();
        let ctx = context(&strings, &styles);
        let cells: [(&str, Option<&str>, Option<&str>, bool); 14] = [
            ("<v>1</v></c>", None, None, true),
            ("<v>43831</v></c>", Some("1"), None, true),
            ("<v>1</v></c >", None, Some("s"), true),
            ("<f>SUM(A1:A2)</f><v>3</v></c>", None, None, true),
            ("<v>3</v><f>A1</f></c>", None, None, true),
            ("<f/><v>x&amp;y</v></c>", None, Some("str"), true),
            ("\n  <v>2.5</v>\n</c>", None, None, true),
            ("<v/></c>", None, None, true),
            ("<v>1</v ></c>", None, Some("b"), true),
            ("<is><t>z</t></is></c>", None, Some("inlineStr"), false),
            ("<v><![CDATA[1]]></v></c>", None, None, false),
            ("<x>1</x></c>", None, None, false),
            ("<v>1</v></cc></c>", None, None, false),
            ("<v>1</v>", None, None, false),
        ];
        for (xml, s, t, simple) in cells {
            let body = xml.as_bytes();
            let (s, t) = (s.map(str::as_bytes), t.map(str::as_bytes));
            let general = xml::content(body, 0, b"c")
                .ok_or(ScanError::from("a cut cell"))
                .and_then(|(content, end)| Ok((general_cell(content, s, t, &ctx)?, end)));
            match one_pass_cell(body, s, t, &ctx) {
                Some(one_pass) => {
                    assert!(simple, "{xml} is read in one pass");
                    let (a, b) = (one_pass.expect(xml), general.expect(xml));
                    assert_eq!(a, b, "{xml}");
                }
                None => assert!(!simple, "{xml} is left to the general reader"),
            }
        }
    }

    /// Every inline string the plain-text path takes gets the value (and end) the general
    /// reader gives; the others are left to it. A text repeated in a column is one copy.
    #[test]
    fn plain_inline_strings_read_as_the_general_reader_reads_them() {
        let ctx = Context {
            strings: &[],
            styles: &[],
            date1904: false,
        };
        let cells: [(&str, bool); 16] = [
            ("<is><t>z</t></is></c>", true),
            ("<is><t>صندوق نمونه</t></is></c>", true),
            ("<is><t> padded\t</t></is></c>", true),
            ("<is><t xml:space=\"preserve\"> padded </t></is></c>", true),
            ("<is><t></t></is></c>", true),
            ("<is><t>\n</t></is></c>", true),
            ("<is><t>x\ny</t></is></c>", true),
            ("<is><t>a&amp;b</t></is></c>", false),
            ("<is><t>x\r\ny</t></is></c>", false),
            ("<is><t>_x0041_</t></is></c>", false),
            ("<is><t>a</t><t>b</t></is></c>", false),
            ("<is><r><t>a</t></r></is></c>", false),
            ("<is><t/></is></c>", false),
            ("<is><t xml:space=\"default\">a</t></is></c>", false),
            ("<is><t>a</t></is></c >", false),
            ("<is><t>a</t></is>", false),
        ];
        for (xml, plain) in cells {
            let body = xml.as_bytes();
            let general = xml::content(body, 0, b"c")
                .ok_or(ScanError::from("a cut cell"))
                .and_then(|(content, end)| {
                    Ok((general_cell(content, None, Some(b"inlineStr"), &ctx)?, end))
                });
            match plain_cell(&mut InlineStrings::default(), body, 3) {
                Some(read) => {
                    assert!(plain, "{xml} is read as plain text");
                    assert_eq!(read, general.expect(xml), "{xml}");
                }
                None => assert!(!plain, "{xml} is left to the general reader"),
            }
        }
        let mut inline = InlineStrings::default();
        let cell = b"<is><t>ABH-0001</t></is></c>";
        let (first, second) = (
            plain_cell(&mut inline, cell, 1),
            plain_cell(&mut inline, cell, 1),
        );
        match (first, second) {
            (Some((Cell::Text(a), _)), Some((Cell::Text(b), _))) => {
                assert!(
                    std::sync::Arc::ptr_eq(&a, &b),
                    "one copy of a repeated text"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_value_cells_read_as_the_one_element_at_a_time_reader_reads_them() {
        let (strings, styles) = two_strings_and_a_date_style();
        let ctx = context(&strings, &styles);
        let cells: [(&str, Option<&str>, Option<&str>, bool); 18] = [
            ("<v>1</v></c>", None, None, true),
            ("<v>43831</v></c>", Some("1"), None, true),
            ("<v>43831</v></c>", Some("0"), Some("n"), true),
            ("<v>1</v></c>", None, Some("s"), true),
            ("<v>7</v></c>", None, Some("s"), true),
            ("<v>007</v></c>", None, None, true),
            ("<v>123456789012345</v></c>", None, None, true),
            ("<v>1234567890123456</v></c>", None, None, true),
            ("<v>-3</v></c>", None, None, true),
            ("<v>2.5</v></c>", Some("1"), None, true),
            ("<v></v></c>", None, None, true),
            ("<v>x&amp;y</v></c>", None, Some("str"), true),
            ("<v>1</v></c>", None, Some("b"), true),
            ("<v>#N/A</v></c>", None, Some("e"), true),
            ("<v>1</v></c>", None, Some("inlineStr"), true),
            ("<v>1</v></c >", None, None, false),
            ("<v>1</v><f>A1</f></c>", None, None, false),
            ("<v >1</v></c>", None, None, false),
        ];
        for (xml, s, t, plain) in cells {
            let body = xml.as_bytes();
            let (s, t) = (s.map(str::as_bytes), t.map(str::as_bytes));
            let mut out = Cell::Number(-1.0);
            match plain_v_cell(body, 0, s, t, &ctx, &mut out) {
                Some(read) => {
                    assert!(plain, "{xml} is read as a plain value");
                    let one_pass = one_pass_cell(body, s, t, &ctx).expect(xml);
                    match (read, one_pass) {
                        (Ok(end), Ok((cell, one_pass_end))) => {
                            assert_eq!((out, end), (cell, one_pass_end), "{xml}");
                        }
                        (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{xml}"),
                        (a, b) => panic!("{xml}: {a:?} against {b:?}"),
                    }
                }
                None => assert!(!plain, "{xml} is left to the other readers"),
            }
        }
    }

    /// The rows of a sheet as read before rows were read in place: each row found whole by
    /// [`row_len`], then read by [`RowState::read`].
    fn rows_found_whole(xml: &[u8], ctx: &Context<'_>) -> Result<Vec<(u32, Vec<Cell>)>, String> {
        let from = memmem::find(xml, b"<sheetData>").ok_or("no sheetData")? + 11;
        let data = &xml[from..];
        let (mut state, mut rows, mut at) = (RowState::default(), Vec::new(), 0);
        loop {
            let i = at + memchr::memchr(b'<', &data[at..]).ok_or("no end")?;
            if data[i..].starts_with(b"</sheetData") {
                return Ok(rows);
            }
            let len = row_len(&data[i..]).ok_or("the sheet ends inside a row")?;
            let mut push = |r: &Row| rows.push((r.number, r.cells.clone()));
            state
                .read(&data[i..i + len], ctx, LIMITS, &mut push)
                .map_err(|e| match e {
                    ScanError::Limit(s) | ScanError::Unsupported(s) => s,
                })?;
            at = i + len;
        }
    }

    fn rows_read(xml: &[u8], ctx: &Context<'_>) -> Result<Vec<(u32, Vec<Cell>)>, String> {
        let rows = scan_bytes(xml, ctx, LIMITS)?;
        Ok(rows.into_iter().map(|r| (r.number, r.cells)).collect())
    }

    #[test]
    fn rows_read_in_place_are_the_rows_found_whole() {
        let (strings, styles) = two_strings_and_a_date_style();
        let ctx = context(&strings, &styles);
        let kinds = [
            r#"<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" s="1"><v>43831</v></c><c r="D{n}" t="s"><v>1</v></c></row>"#,
            r#"<row r="{n}" spans="1:3"><c r="A{n}" t="inlineStr"><is><t>ABH-{n}</t></is></c><c r="B{n}"><f>A1</f><v>2.5</v></c></row>"#,
            r#"<row r="{n}"/>"#,
            r#"<row r="{n}"> <c><v>1</v></c>
  <c t="str"><v>x&amp;y</v></c> </row >"#,
            r#"<row r="{n}"><c r="A{n}" t="inlineStr"><is><r><t>ri</t></r><r><t>ch</t></r></is></c></row>"#,
            r#"<row r="{n}"><c r="A{n}"><v><![CDATA[7]]></v></c><c r="C{n}" t="b"><v>1</v></c></row>"#,
            r#"<row><c t="e"><v>#N/A</v></c></row>"#,
            r#"<row r="{n}"><c r="A{n}"/><c r="B{n}"><v></v></c></row>"#,
        ];
        // Well over two reading chunks, so that rows are cut at the chunks' ends.
        let mut xml = String::from("<worksheet><sheetData>");
        let mut n = 1;
        while xml.len() < 3 * CHUNK {
            for kind in kinds {
                xml.push_str(&kind.replace("{n}", &n.to_string()));
                n += 1;
            }
        }
        xml.push_str("</sheetData></worksheet>");
        let whole = rows_found_whole(xml.as_bytes(), &ctx).expect("the sheet reads");
        assert!(whole.len() > 10_000);
        assert_eq!(rows_read(xml.as_bytes(), &ctx), Ok(whole));
        // Rows these readers treat alike only when their ends are found alike: a `</row>`
        // inside a CDATA section, a row end with another name, rows out of order.
        for odd in [
            r#"<row r="1"><c t="str"><v><![CDATA[</row>]]></v></c></row>"#,
            r#"<row r="1"><c><v>1</v></c></rowx></row>"#,
            r#"<row r="2"><c><v>1</v></c></row><row r="1"><c><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1" x="</row>"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v </row>1</v></c></row>"#,
            r#"<row r="1"><c r="A1" s="</row"><v>1</v></c></row>"#,
        ] {
            let xml = format!("<worksheet><sheetData>{odd}</sheetData></worksheet>");
            let found_whole = rows_found_whole(xml.as_bytes(), &ctx);
            assert_eq!(rows_read(xml.as_bytes(), &ctx), found_whole, "{odd}");
        }
    }

    #[test]
    fn a_row_is_read_in_place_when_its_end_is_where_its_cells_end() {
        let ctx = context(&[], &[]);
        let mut state = RowState::default();
        let emitted = std::cell::Cell::new(0);
        let mut count = |_: &Row| emitted.set(emitted.get() + 1);
        for whole in [
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>"#,
            r#"<row r="2"><c r="A2"><v>1</v></c></row >"#,
        ] {
            let rest = format!("{whole}<row r=\"9\">");
            let read = state.read_in_place(rest.as_bytes(), &ctx, LIMITS, &mut count);
            assert_eq!(read, row_len(rest.as_bytes()), "{whole}");
            assert_eq!(read, Some(whole.len()), "{whole}");
        }
        assert_eq!(emitted.get(), 2);
        for left in [
            r#"<row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>2"#,
            r#"<row r="3"><c r="A3"><v>1</v></c></row"#,
            r#"<row r="3"><c r="A3"><v>1</v></c></ro"#,
            r#"<row r="3"/>"#,
            r#"<row r="3"><c r='A3'><v>1</v></c></row>"#,
        ] {
            let read = state.read_in_place(left.as_bytes(), &ctx, LIMITS, &mut count);
            assert_eq!(read, None, "{left}");
        }
        assert_eq!(
            emitted.get(),
            2,
            "nothing emitted by a row left to the other reader"
        );
    }

    /// [`cell_value`]'s value of a cell's content.
    fn general_cell(
        content: &[u8],
        s: Option<&[u8]>,
        t: Option<&[u8]>,
        ctx: &Context<'_>,
    ) -> Result<Cell, ScanError> {
        // Written over: what the slot held before must not show through.
        let mut out = Cell::Number(-1.0);
        cell_value(content, s, t, ctx, &mut out)?;
        Ok(out)
    }

    /// [`simple_cell`]'s value of a cell whose content starts `body`, and its end.
    fn one_pass_cell(
        body: &[u8],
        s: Option<&[u8]>,
        t: Option<&[u8]>,
        ctx: &Context<'_>,
    ) -> Option<Result<(Cell, usize), ScanError>> {
        let mut out = Cell::Number(-1.0);
        let end = simple_cell(body, 0, s, t, ctx, &mut out)?;
        Some(end.map(|end| (out, end)))
    }

    /// [`InlineStrings::plain`]'s cell in column `col`, and its end.
    fn plain_cell(inline: &mut InlineStrings, body: &[u8], col: usize) -> Option<(Cell, usize)> {
        let mut out = Cell::Number(-1.0);
        let end = inline.plain(body, 0, col, &mut out)?;
        Some((out, end))
    }

    #[test]
    fn limits_and_unsupported() {
        let ctx = Context {
            strings: &[],
            styles: &[],
            date1904: false,
        };
        let wide = b"<sheetData><row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row></sheetData>";
        assert!(matches!(
            scan(&wide[..], &ctx, LIMITS, |_| {}),
            Err(ScanError::Limit(_)) | Err(ScanError::Unsupported(_))
        ));
        let shuffled = b"<sheetData><row r=\"3\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</v></c></row></sheetData>";
        assert!(matches!(
            scan(&shuffled[..], &ctx, LIMITS, |_| {}),
            Err(ScanError::Unsupported(_))
        ));
        let cut = b"<sheetData><row r=\"1\"><c><v>1</v>";
        assert!(scan(&cut[..], &ctx, LIMITS, |_| {}).is_err());
    }
}
