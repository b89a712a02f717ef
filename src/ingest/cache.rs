//! What reading one file decided, kept between incremental runs, so that a night on which one
//! county's export changed re-reads that file alone.
//!
//! An entry holds a file's [`FileOutcome`] minus its discovery facts (which come from the run
//! that uses it): the format, notes, quarantine reason and every sheet's plan, parsed records,
//! single-row rejects and warnings, exactly as [`super::ingest`] made them before the cross-row
//! checks. Its name is a hash of the file's path, its content (sha256 of the bytes read) and
//! the reader's key (sandogh's build, the pipeline as resolved, this format's version), so a
//! changed file, pipeline or sandogh finds no entry and reads the file again. The cross-row
//! checks, the lake, the indicators and the reports are always made anew from the outcomes,
//! which is why an incremental run writes the same bytes as a full one.
//!
//! The cache lives in `<out>/.cache/ingest/`; it is not an output (the manifest does not list
//! it) and losing it costs only time. Entries are written through a temporary file and a
//! rename, and carry their length and a checksum: a torn or foreign entry fails to decode and
//! the file is read again. Entries no run used are removed at the end of each run.

use super::locate::{Column, Layout, Plan};
use super::model::{Origin, Reject, Rows, Warning};
use super::parse::{Text, Value};
use super::read::Format;
use super::rows::ParsedRows;
use super::{FileOutcome, SheetOutcome};
use crate::schema::Table;
use crate::text::Unit;
use rustc_hash::{FxHashMap, FxHashSet};
use std::hash::Hasher;
use std::path::{Path, PathBuf};

/// Where the cache lives inside the output folder.
pub const CACHE_DIR: &str = ".cache/ingest";

/// Changes whenever the layout of an entry does.
const FORMAT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"SNDGHC01";

/// The cache of one output folder.
#[derive(Debug, Clone)]
pub struct FileCache {
    dir: PathBuf,
    reader_key: String,
    reuse: bool,
}

impl FileCache {
    /// The cache under `out`, for a reader whose settings and build `reader_key` sums up.
    /// With `reuse` false (a `--full` run) nothing is taken from it, but what is read is kept
    /// for the next run.
    pub fn new(out: &Path, reader_key: &str, reuse: bool) -> FileCache {
        FileCache {
            dir: out.join(CACHE_DIR),
            reader_key: format!("{FORMAT_VERSION}:{reader_key}"),
            reuse,
        }
    }

    /// The entry of the file `rel` whose bytes hash to `content_sha256`.
    fn entry(&self, rel: &str, content_sha256: &[u8]) -> PathBuf {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for part in [self.reader_key.as_bytes(), rel.as_bytes(), content_sha256] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        let name = crate::text::hex(&h.finalize());
        self.dir.join(format!("{name}.bin"))
    }

    /// The outcome kept for this file and content, with its origins set to file `index`.
    pub fn load(&self, rel: &str, content_sha256: &[u8], index: u32) -> Option<Kept> {
        if !self.reuse {
            return None;
        }
        let path = self.entry(rel, content_sha256);
        let bytes = std::fs::read(&path).ok()?;
        let outcome = decode(&bytes, index).ok()?;
        Some(Kept { outcome, path })
    }

    /// Keeps a file's outcome for later runs; returns the entry written. A failure to write
    /// costs the next run time only, so it is not an error.
    pub fn store(
        &self,
        rel: &str,
        content_sha256: &[u8],
        outcome: &FileOutcome,
    ) -> Option<PathBuf> {
        let path = self.entry(rel, content_sha256);
        std::fs::create_dir_all(&self.dir).ok()?;
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        std::fs::write(&tmp, encode(outcome)).ok()?;
        std::fs::rename(&tmp, &path).ok()?;
        Some(path)
    }

    /// Removes every entry but `used` (and temporary files of this or earlier runs).
    pub fn sweep(&self, used: &FxHashSet<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if !used.contains(&path) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// A file's outcome without its discovery facts.
#[derive(Debug)]
pub struct Outcome {
    /// What its bytes are.
    pub format: Option<Format>,
    /// Why it was quarantined.
    pub quarantined: Option<String>,
    /// Notes about it.
    pub notes: Vec<String>,
    /// Its sheets.
    pub sheets: Vec<SheetOutcome>,
}

impl Outcome {
    /// Puts the discovery facts back.
    pub fn into_file(self, found: super::discover::Found) -> FileOutcome {
        FileOutcome {
            found,
            format: self.format,
            quarantined: self.quarantined,
            notes: self.notes,
            sheets: self.sheets,
        }
    }
}

/// An outcome found in the cache, and its entry.
#[derive(Debug)]
pub struct Kept {
    /// The outcome.
    pub outcome: Outcome,
    /// The entry it was read from.
    pub path: PathBuf,
}

// ---------------------------------------------------------------------------------------------
// Encoding

#[derive(Default)]
struct Enc {
    buf: Vec<u8>,
    /// Shared text already written, by its allocation: rows that share a string in memory
    /// share it again when read back.
    texts: FxHashMap<*const String, u32>,
}

impl Enc {
    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }
    fn table(&mut self, t: Table) {
        let i = Table::ALL.iter().position(|x| *x == t).unwrap_or(0);
        self.u8(i as u8);
    }
    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.u8(0),
            Value::Str(t) => {
                let key = std::sync::Arc::as_ptr(t);
                if let Some(&i) = self.texts.get(&key) {
                    self.u8(1);
                    self.u32(i);
                } else {
                    let i = self.texts.len() as u32;
                    self.texts.insert(key, i);
                    self.u8(2);
                    self.str(t);
                }
            }
            Value::Int(n) => {
                self.u8(3);
                self.u64(*n as u64);
            }
            Value::Date(d) => {
                self.u8(4);
                self.u32(*d as u32);
            }
            Value::Bool(b) => {
                self.u8(5);
                self.u8(u8::from(*b));
            }
        }
    }
    fn origin(&mut self, o: Origin) {
        // The file's index is the run's: it is set again when the entry is read.
        self.u32(o.sheet);
        self.u32(o.row);
    }
}

fn encode(o: &FileOutcome) -> Vec<u8> {
    let mut e = Enc::default();
    e.buf.extend_from_slice(MAGIC);
    e.u64(0); // payload length, set below
    e.u64(0); // checksum, set below
    e.u8(match o.format {
        None => 0,
        Some(Format::Xlsx) => 1,
        Some(Format::Xls) => 2,
        Some(Format::Ods) => 3,
        Some(Format::Csv) => 4,
    });
    e.opt_str(o.quarantined.as_deref());
    e.len(o.notes.len());
    for n in &o.notes {
        e.str(n);
    }
    e.len(o.sheets.len());
    for s in &o.sheets {
        e.opt_str(s.name.as_deref());
        match &s.plan {
            Plan::Skip(why) => {
                e.u8(0);
                e.str(why);
            }
            Plan::Quarantine(why) => {
                e.u8(1);
                e.str(why);
            }
            Plan::Read(l) => {
                e.u8(2);
                e.table(l.table);
                e.len(l.header_pos);
                e.u32(l.header_row);
                e.len(l.columns.len());
                for c in &l.columns {
                    e.len(c.index);
                    e.len(c.field);
                    e.str(&c.header);
                    e.u8(match c.unit {
                        None => 0,
                        Some(Unit::Rial) => 1,
                        Some(Unit::Toman) => 2,
                    });
                }
                e.len(l.ignored.len());
                for i in &l.ignored {
                    e.str(i);
                }
                e.u8(u8::from(l.named));
            }
        }
        let p = &s.parsed;
        e.u64(p.rows_read);
        e.u64(p.skipped_blank);
        e.u64(p.skipped_total);
        e.len(p.records.len());
        for r in p.records.iter() {
            e.origin(r.origin);
            e.u64(r.personal_hash);
            e.len(r.width());
            for f in 0..r.width() {
                e.value(&r.field(f).to_value());
            }
        }
        e.len(p.rejects.len());
        for r in &p.rejects {
            e.origin(r.origin);
            e.table(r.table);
            e.str(&r.field);
            e.opt_str(r.column.as_deref());
            e.str(&r.value);
            e.str(r.rule);
            e.str(&r.reason);
            e.len(r.raw_row.len());
            for (h, v) in &r.raw_row {
                e.str(h);
                e.str(v);
            }
            e.len(r.values.len());
            for v in &r.values {
                e.value(v);
            }
            e.opt_str(r.county.as_deref());
        }
        e.len(p.warnings.len());
        for w in &p.warnings {
            e.origin(w.origin);
            match w.table {
                None => e.u8(0xff),
                Some(t) => e.table(t),
            }
            e.opt_str(w.field);
            e.str(w.rule);
            e.str(&w.message);
        }
    }
    let payload = MAGIC.len() + 16;
    let len = (e.buf.len() - payload) as u64;
    let sum = checksum(&e.buf[payload..]);
    e.buf[MAGIC.len()..MAGIC.len() + 8].copy_from_slice(&len.to_le_bytes());
    e.buf[MAGIC.len() + 8..payload].copy_from_slice(&sum.to_le_bytes());
    e.buf
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

// ---------------------------------------------------------------------------------------------
// Decoding: every read is bounds-checked; anything unexpected makes the entry unusable.

/// Why an entry could not be read back.
#[derive(Debug)]
struct Bad;

struct Dec<'a> {
    bytes: &'a [u8],
    at: usize,
    file: u32,
    texts: Vec<Text>,
}

impl<'a> Dec<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Bad> {
        let end = self.at.checked_add(n).ok_or(Bad)?;
        let s = self.bytes.get(self.at..end).ok_or(Bad)?;
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, Bad> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, Bad> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, Bad> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    /// A count of items that each take at least one byte: never more than the bytes left, so a
    /// damaged count cannot make a huge allocation.
    fn len(&mut self) -> Result<usize, Bad> {
        let n = usize::try_from(self.u64()?).map_err(|_| Bad)?;
        if n > self.bytes.len() - self.at {
            return Err(Bad);
        }
        Ok(n)
    }
    /// A position or index (not a count of items that follow).
    fn index(&mut self) -> Result<usize, Bad> {
        usize::try_from(self.u64()?).map_err(|_| Bad)
    }
    fn str(&mut self) -> Result<String, Bad> {
        let n = self.len()?;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| Bad)
    }
    fn opt_str(&mut self) -> Result<Option<String>, Bad> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.str()?)),
            _ => Err(Bad),
        }
    }
    fn table(&mut self) -> Result<Table, Bad> {
        Table::ALL.get(usize::from(self.u8()?)).copied().ok_or(Bad)
    }
    fn value(&mut self) -> Result<Value, Bad> {
        Ok(match self.u8()? {
            0 => Value::Null,
            1 => {
                let i = self.u32()? as usize;
                Value::Str(self.texts.get(i).ok_or(Bad)?.clone())
            }
            2 => {
                let t = Text::new(self.str()?);
                self.texts.push(t.clone());
                Value::Str(t)
            }
            3 => Value::Int(self.u64()? as i64),
            4 => Value::Date(self.u32()? as i32),
            5 => Value::Bool(self.u8()? != 0),
            _ => return Err(Bad),
        })
    }
    fn origin(&mut self) -> Result<Origin, Bad> {
        Ok(Origin {
            file: self.file,
            sheet: self.u32()?,
            row: self.u32()?,
        })
    }
}

/// The static texts (rule codes, field names) an entry names, as the code spells them. Rule
/// codes are literals spread over ingest, so they are kept the first time one is read back; an
/// entry may bring at most [`MAX_CODES`] distinct ones, so a foreign file cannot grow the set
/// without bound.
fn static_text(s: String) -> Result<&'static str, Bad> {
    const MAX_CODES: usize = 1024;
    static CODES: std::sync::Mutex<Option<FxHashSet<&'static str>>> = std::sync::Mutex::new(None);
    if s.len() > 64 {
        return Err(Bad);
    }
    let mut guard = CODES.lock().map_err(|_| Bad)?;
    let codes = guard.get_or_insert_with(FxHashSet::default);
    if let Some(&known) = codes.get(s.as_str()) {
        return Ok(known);
    }
    if codes.len() >= MAX_CODES {
        return Err(Bad);
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    codes.insert(leaked);
    Ok(leaked)
}

fn decode(bytes: &[u8], file: u32) -> Result<Outcome, Bad> {
    let head = MAGIC.len() + 16;
    if bytes.len() < head || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Bad);
    }
    let mut d = Dec {
        bytes,
        at: MAGIC.len(),
        file,
        texts: Vec::new(),
    };
    let len = d.u64()?;
    let sum = d.u64()?;
    if len != (bytes.len() - head) as u64 || sum != checksum(&bytes[head..]) {
        return Err(Bad);
    }
    let format = match d.u8()? {
        0 => None,
        1 => Some(Format::Xlsx),
        2 => Some(Format::Xls),
        3 => Some(Format::Ods),
        4 => Some(Format::Csv),
        _ => return Err(Bad),
    };
    let quarantined = d.opt_str()?;
    let notes = (0..d.len()?)
        .map(|_| d.str())
        .collect::<Result<Vec<_>, _>>()?;
    let n_sheets = d.len()?;
    let mut sheets = Vec::new();
    for _ in 0..n_sheets {
        let name = d.opt_str()?;
        let plan = match d.u8()? {
            0 => Plan::Skip(d.str()?),
            1 => Plan::Quarantine(d.str()?),
            2 => {
                let table = d.table()?;
                let header_pos = d.index()?;
                let header_row = d.u32()?;
                let mut columns = Vec::new();
                for _ in 0..d.len()? {
                    let index = d.index()?;
                    let field = d.index()?;
                    if field >= table.fields().len() {
                        return Err(Bad);
                    }
                    let header = d.str()?;
                    let unit = match d.u8()? {
                        0 => None,
                        1 => Some(Unit::Rial),
                        2 => Some(Unit::Toman),
                        _ => return Err(Bad),
                    };
                    columns.push(Column {
                        index,
                        field,
                        header,
                        unit,
                    });
                }
                let ignored = (0..d.len()?)
                    .map(|_| d.str())
                    .collect::<Result<Vec<_>, _>>()?;
                let named = d.u8()? != 0;
                Plan::Read(Layout {
                    table,
                    header_pos,
                    header_row,
                    columns,
                    ignored,
                    named,
                })
            }
            _ => return Err(Bad),
        };
        // Ingest indexes a record's values by its table's fields: an entry whose records do not
        // have one value per field (or that has rows under a sheet that was not read) is
        // refused, whoever wrote it.
        let width = match &plan {
            Plan::Read(l) => Some(l.table.fields().len()),
            _ => None,
        };
        let rows_read = d.u64()?;
        let skipped_blank = d.u64()?;
        let skipped_total = d.u64()?;
        let n = d.len()?;
        let mut records = Rows::with_width(width.unwrap_or(0));
        let mut values = Vec::new();
        for _ in 0..n {
            let origin = d.origin()?;
            let personal_hash = d.u64()?;
            values.clear();
            for _ in 0..d.len()? {
                values.push(d.value()?);
            }
            if Some(values.len()) != width || !records.push(origin, &mut values, personal_hash) {
                return Err(Bad);
            }
        }
        let mut rejects = Vec::new();
        for _ in 0..d.len()? {
            let origin = d.origin()?;
            let table = d.table()?;
            let field = d.str()?;
            let column = d.opt_str()?;
            let value = d.str()?;
            let rule = static_text(d.str()?)?;
            let reason = d.str()?;
            let raw_row = (0..d.len()?)
                .map(|_| Ok((d.str()?, d.str()?)))
                .collect::<Result<Vec<_>, Bad>>()?;
            let values = (0..d.len()?)
                .map(|_| d.value())
                .collect::<Result<Vec<_>, _>>()?;
            let county = d.opt_str()?;
            rejects.push(Reject {
                origin,
                table,
                field,
                column,
                value,
                rule,
                reason,
                raw_row,
                values,
                county,
                // Only single-row rejects are cached, and they are never cascades.
                fix_first: None,
            });
        }
        if width.is_none() && !rejects.is_empty() {
            return Err(Bad);
        }
        let mut warnings = Vec::new();
        for _ in 0..d.len()? {
            let origin = d.origin()?;
            let table = match d.u8()? {
                0xff => None,
                i => Some(*Table::ALL.get(usize::from(i)).ok_or(Bad)?),
            };
            let field = d.opt_str()?.map(static_text).transpose()?;
            let rule = static_text(d.str()?)?;
            let message = d.str()?;
            warnings.push(Warning {
                origin,
                table,
                field,
                rule,
                message,
            });
        }
        sheets.push(SheetOutcome {
            name,
            plan,
            parsed: ParsedRows::restored(
                records,
                rejects,
                warnings,
                rows_read,
                skipped_blank,
                skipped_total,
            ),
        });
    }
    if d.at != bytes.len() {
        return Err(Bad);
    }
    Ok(Outcome {
        format,
        quarantined,
        notes,
        sheets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found() -> crate::ingest::discover::Found {
        crate::ingest::discover::Found {
            path: PathBuf::from("in/abhar/a.xlsx"),
            rel: "abhar/a.xlsx".into(),
            claimed: Some(Format::Xlsx),
            skip: None,
            broken: None,
        }
    }

    /// A funds record: `first` then blanks up to the table's width.
    fn row(mut first: Vec<Value>) -> Vec<Value> {
        first.resize(Table::Funds.fields().len(), Value::Null);
        first
    }

    fn sample() -> FileOutcome {
        let shared = Value::text("A1");
        let origin = Origin {
            file: 0,
            sheet: 1,
            row: 7,
        };
        FileOutcome {
            found: found(),
            format: Some(Format::Xlsx),
            quarantined: None,
            notes: vec!["a note".into()],
            sheets: vec![SheetOutcome {
                name: Some("funds".into()),
                plan: Plan::Read(Layout {
                    table: Table::Funds,
                    header_pos: 2,
                    header_row: 3,
                    columns: vec![Column {
                        index: 0,
                        field: 0,
                        header: "کد صندوق".into(),
                        unit: Some(Unit::Toman),
                    }],
                    ignored: vec!["B «x»".into()],
                    named: true,
                }),
                parsed: ParsedRows::restored(
                    {
                        let mut rows = Rows::default();
                        rows.push(
                            origin,
                            &mut row(vec![shared.clone(), Value::Int(-5), Value::Date(19000)]),
                            42,
                        );
                        rows.push(
                            origin,
                            &mut row(vec![shared, Value::Null, Value::Bool(true)]),
                            43,
                        );
                        rows
                    },
                    vec![Reject {
                        origin,
                        table: Table::Funds,
                        field: "county".into(),
                        column: Some("C «شهرستان»".into()),
                        value: "تهران".into(),
                        rule: "unknown_county",
                        reason: "not a county".into(),
                        raw_row: vec![("h".into(), "v".into())],
                        values: vec![Value::Null],
                        county: None,
                        fix_first: None,
                    }],
                    vec![Warning {
                        origin,
                        table: Some(Table::Funds),
                        field: Some("fund_id"),
                        rule: "some_rule",
                        message: "m".into(),
                    }],
                    5,
                    1,
                    1,
                ),
            }],
        }
    }

    #[test]
    fn an_outcome_reads_back_as_written_with_the_runs_file_index() {
        let bytes = encode(&sample());
        let back = decode(&bytes, 9).expect("decodes").into_file(found());
        assert_eq!(encode(&back), bytes, "same bytes once written again");
        let p = &back.sheets[0].parsed;
        assert_eq!(p.records.origin(0).file, 9);
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.rejects[0].origin.file, 9);
        assert_eq!(p.warnings[0].origin.file, 9);
        assert!(
            matches!(p.records.field(1, 0), crate::ingest::parse::ValueRef::Str(s) if s.as_str() == "A1")
        );
        assert_eq!(p.rows_read, 5);
        assert_eq!(back.notes, vec!["a note".to_owned()]);
    }

    #[test]
    fn a_damaged_or_cut_entry_is_refused() {
        let bytes = encode(&sample());
        for cut in [0, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut], 0).is_err(), "cut at {cut}");
        }
        // A record narrower than its table (ingest indexes values by field) is refused even
        // with a valid checksum.
        let mut short = sample();
        let mut narrow = Rows::default();
        narrow.push(Origin::default(), &mut vec![Value::Null], 0);
        short.sheets[0].parsed.records = narrow;
        assert!(decode(&encode(&short), 0).is_err());
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x40;
        assert!(decode(&flipped, 0).is_err());
    }
}
