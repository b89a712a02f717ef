//! The records, rejects and warnings that ingest passes between its steps.

use super::parse::{Text, Value, ValueRef};
use crate::schema::Table;

/// Where a row came from: indexes into the run's file list and the file's sheets, and the row
/// number as the spreadsheet shows it (0 for a note about a whole file or sheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Origin {
    /// Index of the file in the run's sorted file list.
    pub file: u32,
    /// Index of the sheet in its workbook (0 for CSV).
    pub sheet: u32,
    /// 1-based spreadsheet row (CSV: line), 0 for the whole sheet.
    pub row: u32,
}

/// One parsed row, borrowed from its table's [`Rows`].
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// Where it came from.
    pub origin: Origin,
    /// A hash of the personal values, so that exact duplicates can be told apart without
    /// keeping the values themselves.
    pub personal_hash: u64,
    rows: &'a Rows,
    index: usize,
}

impl<'a> Record<'a> {
    /// The value of field `f` (in `table.fields()` order; personal fields are `Null`).
    pub fn field(&self, f: usize) -> ValueRef<'a> {
        self.rows.field(self.index, f)
    }

    /// Values per row.
    pub fn width(&self) -> usize {
        self.rows.width
    }

    /// Every value, owned (text stays shared).
    pub fn to_values(&self) -> Vec<Value> {
        (0..self.width())
            .map(|f| self.field(f).to_value())
            .collect()
    }

    /// Whether two rows hold the same values.
    pub fn same_values(&self, other: &Record<'_>) -> bool {
        self.width() == other.width() && (0..self.width()).all(|f| self.field(f) == other.field(f))
    }
}

/// The values of one field down a table's rows, typed by what the field holds: text shared
/// (8 bytes a row), numbers (9), days (5), yes/no (2), and nothing at all for a field every row
/// leaves blank (personal fields, which are never kept). A field whose rows hold values of
/// different kinds (never, from the parser) falls back to whole values, so nothing is lost.
#[derive(Debug, Clone)]
enum Values {
    /// Every row so far blank.
    Blank,
    Text(Vec<Option<Text>>),
    Int(Present<i64>),
    Date(Present<i32>),
    Bool(Present<bool>),
    Mixed(Vec<Value>),
}

/// Values of a plain type and, beside them, whether each row has one (an `Option<i64>` would
/// take 16 bytes a row, this 9).
#[derive(Debug, Clone, Default)]
struct Present<T> {
    values: Vec<T>,
    there: Vec<bool>,
}

impl<T: Copy + Default> Present<T> {
    fn blank(len: usize) -> Present<T> {
        Present {
            values: vec![T::default(); len],
            there: vec![false; len],
        }
    }

    fn with_capacity(n: usize) -> Present<T> {
        Present {
            values: Vec::with_capacity(n),
            there: Vec::with_capacity(n),
        }
    }

    fn get(&self, i: usize) -> Option<T> {
        match (self.values.get(i), self.there.get(i)) {
            (Some(&x), Some(true)) => Some(x),
            _ => None,
        }
    }

    /// The values at the rows `picked` and whether each is there (`None`: all are).
    fn at(&self, picked: &[u32]) -> (Vec<T>, Option<Vec<bool>>) {
        present_at(picked, |i| self.get(i))
    }

    fn push(&mut self, x: Option<T>) {
        self.values.push(x.unwrap_or_default());
        self.there.push(x.is_some());
    }

    fn reserve_exact(&mut self, more: usize) {
        self.values.reserve_exact(more);
        self.there.reserve_exact(more);
    }

    fn extend(&mut self, other: Present<T>) {
        self.values.extend(other.values);
        self.there.extend(other.there);
    }

    fn truncate(&mut self, len: usize) {
        self.values.truncate(len);
        self.there.truncate(len);
    }

    fn retain(&mut self, keep: &[bool]) {
        retain_by(&mut self.values, keep);
        retain_by(&mut self.there, keep);
    }

    fn shrink_to_fit(&mut self) {
        self.values.shrink_to_fit();
        self.there.shrink_to_fit();
    }
}

/// `get(i)` for each row `i` of `picked`, as values (a blank as the default) and whether each
/// is there (`None`: all are).
fn present_at<T: Copy + Default>(
    picked: &[u32],
    get: impl Fn(usize) -> Option<T>,
) -> (Vec<T>, Option<Vec<bool>>) {
    let mut values = Vec::with_capacity(picked.len());
    let mut there = Vec::with_capacity(picked.len());
    for &r in picked {
        let x = get(r as usize);
        values.push(x.unwrap_or_default());
        there.push(x.is_some());
    }
    let all = there.iter().all(|&t| t);
    (values, (!all).then_some(there))
}

/// Keeps the items of `v` whose `keep` is true (false past its end), in order.
fn retain_by<T>(v: &mut Vec<T>, keep: &[bool]) {
    let mut k = keep.iter();
    v.retain(|_| k.next().copied().unwrap_or(false));
}

impl Values {
    fn get(&self, i: usize) -> ValueRef<'_> {
        let value = match self {
            Values::Blank => None,
            Values::Text(v) => v.get(i).and_then(Option::as_ref).map(ValueRef::Str),
            Values::Int(v) => v.get(i).map(ValueRef::Int),
            Values::Date(v) => v.get(i).map(ValueRef::Date),
            Values::Bool(v) => v.get(i).map(ValueRef::Bool),
            Values::Mixed(v) => v.get(i).map(Value::view),
        };
        value.unwrap_or(ValueRef::Null)
    }

    /// Adds `v` as row `len` (the rows already here).
    fn push(&mut self, v: Value, len: usize) {
        if let Values::Blank = self {
            match &v {
                Value::Null => return,
                Value::Str(_) => *self = Values::Text(vec![None; len]),
                Value::Int(_) => *self = Values::Int(Present::blank(len)),
                Value::Date(_) => *self = Values::Date(Present::blank(len)),
                Value::Bool(_) => *self = Values::Bool(Present::blank(len)),
            }
        }
        match (&mut *self, v) {
            (Values::Text(c), Value::Str(t)) => c.push(Some(t)),
            (Values::Text(c), Value::Null) => c.push(None),
            (Values::Int(c), Value::Int(x)) => c.push(Some(x)),
            (Values::Int(c), Value::Null) => c.push(None),
            (Values::Date(c), Value::Date(x)) => c.push(Some(x)),
            (Values::Date(c), Value::Null) => c.push(None),
            (Values::Bool(c), Value::Bool(b)) => c.push(Some(b)),
            (Values::Bool(c), Value::Null) => c.push(None),
            (Values::Mixed(c), v) => c.push(v),
            (_, v) => {
                let mut all: Vec<Value> = (0..len).map(|i| self.get(i).to_value()).collect();
                all.push(v);
                *self = Values::Mixed(all);
            }
        }
    }

    /// Sets row `len` (the rows kept before it) to `v`, whether or not it was set before;
    /// true when the column held no value until now. The common case (a value of the
    /// column's own type, set once) is matched here, inline, so that the value goes from
    /// the parser's registers into the column without a copy of the whole value.
    #[inline]
    fn set(&mut self, len: usize, v: Value) -> bool {
        match (&mut *self, v) {
            (Values::Text(c), Value::Str(t)) if c.len() == len => c.push(Some(t)),
            (Values::Int(c), Value::Int(x)) if c.values.len() == len => c.push(Some(x)),
            (Values::Date(c), Value::Date(x)) if c.values.len() == len => c.push(Some(x)),
            (Values::Bool(c), Value::Bool(b)) if c.values.len() == len => c.push(Some(b)),
            // A blank cell of a typed column (an unpaid installment's payment date).
            (Values::Text(c), Value::Null) if c.len() == len => c.push(None),
            (Values::Int(c), Value::Null) if c.values.len() == len => c.push(None),
            (Values::Date(c), Value::Null) if c.values.len() == len => c.push(None),
            (Values::Bool(c), Value::Null) if c.values.len() == len => c.push(None),
            (_, v) => return self.set_other(len, v),
        }
        false
    }

    /// [`Values::set`] for the other cases: a blank column's first value (or a blank for it),
    /// a value set again, a value of another type.
    #[cold]
    fn set_other(&mut self, len: usize, v: Value) -> bool {
        let was_blank = matches!(self, Values::Blank);
        self.truncate(len);
        self.push(v, len);
        was_blank && !matches!(self, Values::Blank)
    }

    /// Rows held (none for a column never given a value).
    fn held(&self) -> usize {
        match self {
            Values::Blank => 0,
            Values::Text(v) => v.len(),
            Values::Int(v) => v.values.len(),
            Values::Date(v) => v.values.len(),
            Values::Bool(v) => v.values.len(),
            Values::Mixed(v) => v.len(),
        }
    }

    /// Gives row `len` a blank when it was not set.
    #[inline]
    fn fill(&mut self, len: usize) {
        if !matches!(self, Values::Blank) && self.held() == len {
            self.push(Value::Null, len);
        }
    }

    /// Keeps the first `len` rows.
    fn truncate(&mut self, len: usize) {
        match self {
            Values::Blank => {}
            Values::Text(v) => v.truncate(len),
            Values::Int(v) => v.truncate(len),
            Values::Date(v) => v.truncate(len),
            Values::Bool(v) => v.truncate(len),
            Values::Mixed(v) => v.truncate(len),
        }
    }

    /// One column of `parts` (each with its row count) one after the other, in memory of
    /// the exact size (or of the first part's capacity, when that is larger). The first
    /// part's memory is grown to hold the rest (a large block is remapped, not copied), so
    /// only the other parts' rows go to fresh pages: at scale 1, putting the sheets of each
    /// table together was ~28k page faults, the most of any step.
    fn concat(parts: Vec<(Values, usize)>) -> Values {
        let total: usize = parts.iter().map(|(_, n)| n).sum();
        let kind = |v: &Values| match v {
            Values::Blank => 0,
            Values::Text(_) => 1,
            Values::Int(_) => 2,
            Values::Date(_) => 3,
            Values::Bool(_) => 4,
            Values::Mixed(_) => 5,
        };
        let mut kinds = parts.iter().map(|(v, _)| kind(v)).filter(|&k| k != 0);
        let first = kinds.next().unwrap_or(0);
        let one_kind = first != 5 && kinds.all(|k| k == first);
        let mut parts = parts.into_iter().peekable();
        let base = parts.next_if(|(v, _)| one_kind && kind(v) == first);
        let mut len = 0;
        let mut out = match (base, one_kind, first) {
            (_, _, 0) => return Values::Blank,
            (Some((mut v, n)), _, _) => {
                v.reserve_exact(total - n);
                len = n;
                v
            }
            (None, true, 1) => Values::Text(Vec::with_capacity(total)),
            (None, true, 2) => Values::Int(Present::with_capacity(total)),
            (None, true, 3) => Values::Date(Present::with_capacity(total)),
            (None, true, 4) => Values::Bool(Present::with_capacity(total)),
            _ => Values::Mixed(Vec::with_capacity(total)),
        };
        for (part, n) in parts {
            match (&mut out, part) {
                (Values::Text(a), Values::Text(b)) => a.extend(b),
                (Values::Int(a), Values::Int(b)) => a.extend(b),
                (Values::Date(a), Values::Date(b)) => a.extend(b),
                (Values::Bool(a), Values::Bool(b)) => a.extend(b),
                (Values::Mixed(a), Values::Mixed(b)) => a.extend(b),
                (out, part) => {
                    for i in 0..n {
                        out.push(part.get(i).to_value(), len + i);
                    }
                }
            }
            len += n;
        }
        out
    }

    /// Room for `more` values, exactly.
    fn reserve_exact(&mut self, more: usize) {
        match self {
            Values::Blank => {}
            Values::Text(v) => v.reserve_exact(more),
            Values::Int(v) => v.reserve_exact(more),
            Values::Date(v) => v.reserve_exact(more),
            Values::Bool(v) => v.reserve_exact(more),
            Values::Mixed(v) => v.reserve_exact(more),
        }
    }

    fn retain(&mut self, keep: &[bool]) {
        match self {
            Values::Blank => {}
            Values::Text(v) => retain_by(v, keep),
            Values::Int(v) => v.retain(keep),
            Values::Date(v) => v.retain(keep),
            Values::Bool(v) => v.retain(keep),
            Values::Mixed(v) => retain_by(v, keep),
        }
    }

    fn shrink_to_fit(&mut self) {
        match self {
            Values::Blank => {}
            Values::Text(v) => v.shrink_to_fit(),
            Values::Int(v) => v.shrink_to_fit(),
            Values::Date(v) => v.shrink_to_fit(),
            Values::Bool(v) => v.shrink_to_fit(),
            Values::Mixed(v) => v.shrink_to_fit(),
        }
    }
}

/// The rows of one table (or one sheet) that parsed, in order, held as columns: one typed
/// vector per field of the table, a row number per row, and a personal hash per row only
/// for tables with personal fields. A savings row costs about 45 bytes (a boxed slice of
/// `Value`s cost 40 bytes, an allocation and 16 bytes per field).
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Values per row: the table's field count, set by the first row.
    width: usize,
    origins: super::origins::Origins,
    /// Each row's hash of its personal values, or none while every row's is 0
    /// ([`Rows::push_personal`]).
    personal: Vec<u64>,
    columns: Vec<Values>,
    /// The fields whose column held no value before the row being built gave it one (so
    /// that dropping that row leaves the column as it was).
    typed_by_pending: Vec<usize>,
}

impl Rows {
    /// No rows yet, of a table with `width` fields.
    pub fn with_width(width: usize) -> Rows {
        Rows {
            width,
            columns: vec![Values::Blank; width],
            ..Rows::default()
        }
    }

    /// Rows counted.
    pub fn len(&self) -> usize {
        self.origins.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// Adds a row, taking the values out of `values` (left empty). Returns false, adding
    /// nothing, when `values` is not one value per field of the rows already here (a row of
    /// another table).
    pub fn push(&mut self, origin: Origin, values: &mut Vec<Value>, personal_hash: u64) -> bool {
        if self.width == 0 && self.is_empty() {
            *self = Rows::with_width(values.len());
        }
        if values.len() != self.width {
            return false;
        }
        let len = self.len();
        for (column, v) in self.columns.iter_mut().zip(values.drain(..)) {
            column.push(v, len);
        }
        self.push_personal(personal_hash);
        self.origins.push(origin);
        true
    }

    /// Records the personal hash of the row being added (before its origin). The hashes are
    /// held only from the first row with one: a table without personal fields (every hash 0)
    /// holds none, where it held 8 bytes a row, twice over (its sheets, then put together).
    fn push_personal(&mut self, personal_hash: u64) {
        if personal_hash == 0 && self.personal.is_empty() {
            return;
        }
        if self.personal.is_empty() {
            self.personal.resize(self.origins.len(), 0);
        }
        self.personal.push(personal_hash);
    }

    /// Starts a row of a table with `width` fields, built field by field in place
    /// ([`Rows::put_ref`], [`Rows::put_text`]), without an intermediate row of values, then
    /// kept ([`Rows::keep_row`]) or dropped ([`Rows::drop_row`]). False, starting nothing, when the rows here are of
    /// another width (a row of another table).
    pub fn start_row(&mut self, width: usize) -> bool {
        if self.width == 0 && self.is_empty() {
            *self = Rows::with_width(width);
        }
        self.width == width
    }

    /// Sets field `f` of the row being built to a copy of `v`, whether or not it was set
    /// before; a field never set is blank. A number or a day is read from where the parser
    /// left it, tag and payload each as written (a whole value moved from there is copied
    /// through memory in pieces, a stall per cell).
    #[inline]
    pub fn put_ref(&mut self, f: usize, v: &Value) {
        let len = self.len();
        if let Some(column) = self.columns.get_mut(f) {
            match (&mut *column, v) {
                (Values::Int(c), &Value::Int(x)) if c.values.len() == len => c.push(Some(x)),
                (Values::Date(c), &Value::Date(x)) if c.values.len() == len => c.push(Some(x)),
                (column, v) => {
                    if column.set(len, v.clone()) {
                        self.typed_by_pending.push(f);
                    }
                }
            }
        }
    }

    /// Sets text field `f` of the row being built (`None`: blank), as [`Rows::put_ref`] does;
    /// the text goes into a column of text as one pointer.
    #[inline]
    pub fn put_text(&mut self, f: usize, t: Option<Text>) {
        let len = self.len();
        if let Some(column) = self.columns.get_mut(f) {
            if let Values::Text(c) = column {
                if c.len() == len {
                    c.push(t);
                    return;
                }
            }
            if column.set(len, t.map_or(Value::Null, Value::Str)) {
                self.typed_by_pending.push(f);
            }
        }
    }

    /// Field `f` of the row being built.
    pub fn pending(&self, f: usize) -> ValueRef<'_> {
        self.field(self.len(), f)
    }

    /// Keeps the row being built.
    pub fn keep_row(&mut self, origin: Origin, personal_hash: u64) {
        let len = self.len();
        for column in &mut self.columns {
            column.fill(len);
        }
        self.push_personal(personal_hash);
        self.origins.push(origin);
        self.typed_by_pending.clear();
    }

    /// Drops the row being built, leaving the rows as they were before it started (a column
    /// the row turned from blank into typed is blank again; one it turned into mixed values,
    /// which the parser never does, stays mixed, reading the same); returns the values it was
    /// given (one per field).
    pub fn drop_row(&mut self) -> Vec<Value> {
        let len = self.len();
        let values = (0..self.width)
            .map(|f| self.field(len, f).to_value())
            .collect();
        for column in &mut self.columns {
            column.truncate(len);
        }
        for f in self.typed_by_pending.drain(..) {
            if let Some(column) = self.columns.get_mut(f) {
                *column = Values::Blank;
            }
        }
        values
    }

    /// Row `i`.
    pub fn get(&self, i: usize) -> Option<Record<'_>> {
        Some(Record {
            origin: self.origins.get(i)?,
            personal_hash: self.personal.get(i).copied().unwrap_or(0),
            rows: self,
            index: i,
        })
    }

    /// Where row `i` came from.
    pub fn origin(&self, i: usize) -> Origin {
        self.origins.get(i).unwrap_or_default()
    }

    /// The numbers of field `f` at the rows `picked`, and whether each row has one: what
    /// `field(i, f).as_int()` gives for each, the column's kind matched once instead of on
    /// every row (the lake's writer reads every landed row this way). `None` for the second
    /// when every row has one.
    pub fn ints_at(&self, f: usize, picked: &[u32]) -> (Vec<i64>, Option<Vec<bool>>) {
        match self.columns.get(f) {
            Some(Values::Int(p)) => p.at(picked),
            other => present_at(picked, |i| other.and_then(|c| c.get(i).as_int())),
        }
    }

    /// The days of field `f` at the rows `picked`, as [`Rows::ints_at`] gives numbers
    /// (`field(i, f).as_date()`).
    pub fn days_at(&self, f: usize, picked: &[u32]) -> (Vec<i32>, Option<Vec<bool>>) {
        match self.columns.get(f) {
            Some(Values::Date(p)) => p.at(picked),
            other => present_at(picked, |i| other.and_then(|c| c.get(i).as_date())),
        }
    }

    /// The texts of field `f` at the rows `picked`: what `field(i, f).as_str()` gives for
    /// each, read straight from a text column.
    pub fn texts_at<'a: 'p, 'p>(
        &'a self,
        f: usize,
        picked: &'p [u32],
    ) -> impl Iterator<Item = Option<&'a str>> + 'p {
        let column = self.columns.get(f);
        let texts = match column {
            Some(Values::Text(v)) => Some(v),
            _ => None,
        };
        picked.iter().map(move |&r| match texts {
            Some(v) => v
                .get(r as usize)
                .and_then(Option::as_ref)
                .map(|t| t.as_str()),
            None => column.and_then(|c| c.get(r as usize).as_str()),
        })
    }

    /// Field `f` of row `i` (`Null` past the end).
    pub fn field(&self, i: usize, f: usize) -> ValueRef<'_> {
        self.columns.get(f).map_or(ValueRef::Null, |c| c.get(i))
    }

    /// Every row, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Record<'_>> + '_ {
        self.origins
            .iter()
            .enumerate()
            .map(move |(i, origin)| Record {
                origin,
                personal_hash: self.personal.get(i).copied().unwrap_or(0),
                rows: self,
                index: i,
            })
    }

    /// Gives back the room grown for rows that never came.
    pub fn shrink_to_fit(&mut self) {
        self.origins.shrink_to_fit();
        self.personal.shrink_to_fit();
        for c in &mut self.columns {
            c.shrink_to_fit();
        }
    }

    /// The rows of `parts` one after the other, in the first part's memory grown to the exact
    /// size (or left larger when it already was); each other part's memory is freed as its
    /// rows move. `None`, moving nothing, when the parts hold rows of
    /// different widths.
    pub fn concat(parts: Vec<Rows>) -> Option<Rows> {
        let mut parts: Vec<Rows> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        let Some(width) = parts.first().map(|p| p.width) else {
            return Some(Rows::default());
        };
        if parts.iter().any(|p| p.width != width) {
            return None;
        }
        let counts: Vec<usize> = parts.iter().map(Rows::len).collect();
        let total: usize = counts.iter().sum();
        // The first part's vectors grown to hold the rest, as in `Values::concat`.
        let mut out = Rows {
            width,
            origins: super::origins::Origins::concat(
                parts.iter_mut().map(|p| std::mem::take(&mut p.origins)),
            ),
            personal: Vec::new(),
            columns: Vec::with_capacity(width),
            typed_by_pending: Vec::new(),
        };
        // Personal hashes only when a part holds some (each part holds all of its rows' or none).
        if parts.iter().any(|p| !p.personal.is_empty()) {
            out.personal.reserve_exact(total);
            for (p, &n) in parts.iter_mut().zip(&counts) {
                if p.personal.is_empty() {
                    out.personal.resize(out.personal.len() + n, 0);
                } else {
                    out.personal.append(&mut p.personal);
                }
                p.personal = Vec::new();
            }
        }
        for f in 0..width {
            let column: Vec<(Values, usize)> = parts
                .iter_mut()
                .zip(&counts)
                .map(|(p, &n)| (std::mem::replace(&mut p.columns[f], Values::Blank), n))
                .collect();
            out.columns.push(Values::concat(column));
        }
        Some(out)
    }

    /// Frees the hashes of the rows' personal values once duplicates are decided; every row's
    /// `personal_hash` reads 0 after.
    pub fn forget_personal_hashes(&mut self) {
        self.personal = Vec::new();
    }

    /// Keeps the rows whose `keep` is true, in order, in the same memory.
    pub fn retain(&mut self, keep: &[bool]) {
        // Every row kept (as nearly always): nothing to move, and no pass over every column.
        if keep.get(..self.len()).is_some_and(|k| k.iter().all(|&x| x)) {
            return;
        }
        self.origins.retain(keep);
        retain_by(&mut self.personal, keep);
        for c in &mut self.columns {
            c.retain(keep);
        }
    }
}

/// A rejected row (contract §4).
#[derive(Debug, Clone)]
pub struct Reject {
    /// Where it came from.
    pub origin: Origin,
    /// Its table.
    pub table: Table,
    /// The field at fault.
    pub field: String,
    /// The column, `D «مبلغ»`, when one cell is at fault.
    pub column: Option<String>,
    /// The raw value of the cell at fault.
    pub value: String,
    /// A short stable code of the rule broken, for grouping.
    pub rule: &'static str,
    /// What is wrong and how to fix it.
    pub reason: String,
    /// The row's mapped, non-personal cells as (header, value).
    pub raw_row: Vec<(String, String)>,
    /// The values that did parse (for keys in cascade messages).
    pub values: Vec<Value>,
    /// The county the row belongs to, when it can be told.
    pub county: Option<String>,
    /// For a row rejected because its parent was (a cascade): the row at the start of the
    /// chain, whose fix lets this one land too. `None` when the row's own fault is its reason.
    pub fix_first: Option<Origin>,
}

/// A problem that keeps the row (or a note about a file or sheet).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Warning {
    /// Where (row 0: the whole file or sheet).
    #[serde(skip)]
    pub origin: Origin,
    /// Table, when about rows.
    pub table: Option<Table>,
    /// Field, when about one.
    pub field: Option<&'static str>,
    /// A short stable code.
    pub rule: &'static str,
    /// What was noticed.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(row: u32) -> Origin {
        Origin {
            file: 0,
            sheet: 0,
            row,
        }
    }

    fn rows(values: Vec<Vec<Value>>) -> Rows {
        let mut out = Rows::default();
        for (i, mut v) in values.into_iter().enumerate() {
            assert!(out.push(origin(i as u32 + 2), &mut v, i as u64));
            assert!(v.is_empty(), "the values are taken");
        }
        out
    }

    fn all(r: &Rows) -> Vec<Vec<Value>> {
        r.iter().map(|x| x.to_values()).collect()
    }

    #[test]
    fn rows_kept_by_a_mask_whole_short_or_with_gaps() {
        let three = || {
            rows(vec![
                vec![Value::Int(1), Value::text("a")],
                vec![Value::Int(2), Value::Null],
                vec![Value::Int(3), Value::text("c")],
            ])
        };
        let kept = |keep: &[bool]| {
            let mut r = three();
            r.retain(keep);
            (r.iter().map(|x| x.origin.row).collect::<Vec<_>>(), all(&r))
        };
        assert_eq!(kept(&[true, true, true]), (vec![2, 3, 4], all(&three())));
        assert_eq!(kept(&[true, true, true, false]).0, vec![2, 3, 4]);
        // A mask shorter than the rows keeps none past its end.
        assert_eq!(kept(&[true, true]).0, vec![2, 3]);
        let (places, values) = kept(&[true, false, true]);
        assert_eq!(places, vec![2, 4]);
        assert_eq!(values[1], vec![Value::Int(3), Value::text("c")]);
        assert_eq!(kept(&[]).0, Vec::<u32>::new());
    }

    #[test]
    fn columns_read_at_picked_rows_give_what_each_rows_field_gives() {
        // Columns of every kind: blank throughout, typed with blanks, typed without, and one
        // holding two kinds of values (read through the general path).
        let r = rows(vec![
            vec![
                Value::Null,
                Value::Int(5),
                Value::Date(10),
                Value::text("a"),
                Value::Int(1),
            ],
            vec![
                Value::Null,
                Value::Null,
                Value::Date(-2),
                Value::Null,
                Value::text("x"),
            ],
            vec![
                Value::Null,
                Value::Int(-9),
                Value::Date(7),
                Value::text("b"),
                Value::Int(3),
            ],
        ]);
        let picked = [2u32, 0, 1, 2];
        /// Values and a presence mask as options.
        fn masked<T: Copy>((values, there): (Vec<T>, Option<Vec<bool>>)) -> Vec<Option<T>> {
            let present = |k: usize| there.as_ref().is_none_or(|t| t[k]);
            values
                .iter()
                .enumerate()
                .map(|(k, &v)| present(k).then_some(v))
                .collect()
        }
        let each = |read: &dyn Fn(ValueRef<'_>) -> Option<i64>, f: usize| -> Vec<Option<i64>> {
            picked
                .iter()
                .map(|&i| read(r.field(i as usize, f)))
                .collect()
        };
        for f in 0..5 {
            assert_eq!(
                masked(r.ints_at(f, &picked)),
                each(&|v| v.as_int(), f),
                "field {f}"
            );
            let days: Vec<Option<i64>> = masked(r.days_at(f, &picked))
                .into_iter()
                .map(|d| d.map(i64::from))
                .collect();
            assert_eq!(days, each(&|v| v.as_date().map(i64::from), f), "field {f}");
            let expect_texts: Vec<Option<&str>> = picked
                .iter()
                .map(|&i| r.field(i as usize, f).as_str())
                .collect();
            assert_eq!(
                r.texts_at(f, &picked).collect::<Vec<_>>(),
                expect_texts,
                "field {f}"
            );
        }
        // A column with every picked row present says so without a mask.
        assert_eq!(r.days_at(2, &picked), (vec![7, 10, -2, 7], None));
        assert_eq!(
            r.ints_at(1, &picked),
            (vec![-9, 5, 0, -9], Some(vec![true, true, false, true]))
        );
    }

    #[test]
    fn every_kind_of_value_reads_back_as_pushed_blanks_included() {
        let written = vec![
            vec![
                Value::Null,
                Value::text("a"),
                Value::Int(-7),
                Value::Date(19_000),
            ],
            vec![Value::Null, Value::Null, Value::Null, Value::Null],
            vec![
                Value::Null,
                Value::text("b"),
                Value::Int(0),
                Value::Date(-3),
            ],
            vec![
                Value::Null,
                Value::text("a"),
                Value::Int(i64::MAX),
                Value::Null,
            ],
        ];
        let r = rows(written.clone());
        assert_eq!(all(&r), written);
        let mut flags = rows(vec![
            vec![Value::Bool(true)],
            vec![Value::Null],
            vec![Value::Bool(false)],
        ]);
        assert_eq!(
            all(&flags),
            vec![
                vec![Value::Bool(true)],
                vec![Value::Null],
                vec![Value::Bool(false)]
            ]
        );
        flags.retain(&[false, true, true]);
        assert_eq!(
            all(&flags),
            vec![vec![Value::Null], vec![Value::Bool(false)]]
        );
        assert_eq!(flags.origin(0).row, 3);
    }

    #[test]
    fn a_field_of_two_kinds_keeps_both_values() {
        let written = vec![
            vec![Value::Int(5)],
            vec![Value::text("five")],
            vec![Value::Date(1)],
        ];
        assert_eq!(all(&rows(written.clone())), written);
    }

    #[test]
    fn a_row_of_another_width_is_refused_and_nothing_is_added() {
        let mut r = rows(vec![vec![Value::Int(1), Value::Int(2)]]);
        let mut short = vec![Value::Int(3)];
        assert!(!r.push(origin(9), &mut short, 0));
        assert_eq!(r.len(), 1);
        assert_eq!(short, vec![Value::Int(3)]);
        assert!(Rows::concat(vec![r, rows(vec![vec![Value::Null]])]).is_none());
    }

    #[test]
    fn sheets_gather_onto_the_first_sheets_columns() {
        // Every column's first part is of the column's one kind, so its memory is grown to
        // hold the rest: a blank part among them, a shorter last part.
        let a = vec![
            vec![Value::Int(1), Value::text("a"), Value::Date(5)],
            vec![Value::Int(2), Value::text("b"), Value::Date(6)],
        ];
        let b = vec![vec![Value::Null, Value::text("c"), Value::Null]];
        let c = vec![vec![Value::Int(4), Value::Null, Value::Date(7)]];
        let joined = Rows::concat(vec![rows(a.clone()), rows(b.clone()), rows(c.clone())])
            .expect("one width");
        let expected: Vec<Vec<Value>> = a.into_iter().chain(b).chain(c).collect();
        assert_eq!(all(&joined), expected);
        let origins: Vec<u32> = joined.iter().map(|r| r.origin.row).collect();
        assert_eq!(origins, vec![2, 3, 2, 2]);
        assert_eq!(joined.len(), 4);
    }

    #[test]
    fn personal_hashes_are_held_only_from_the_first_that_is_not_0() {
        let with = |hashes: &[u64]| {
            let mut r = Rows::default();
            for (i, &h) in hashes.iter().enumerate() {
                assert!(r.push(origin(i as u32), &mut vec![Value::Int(i as i64)], h));
            }
            r
        };
        let hashes = |r: &Rows| r.iter().map(|x| x.personal_hash).collect::<Vec<_>>();
        let none = with(&[0, 0, 0]);
        assert!(
            none.personal.is_empty(),
            "a table without personal values holds no hashes"
        );
        assert_eq!(hashes(&none), vec![0, 0, 0]);
        let late = with(&[0, 0, 7, 0]);
        assert_eq!(hashes(&late), vec![0, 0, 7, 0]);
        // Parts with and without hashes put together, in either order.
        let joined = Rows::concat(vec![with(&[0, 0]), with(&[5, 0]), with(&[0])]).unwrap();
        assert_eq!(hashes(&joined), vec![0, 0, 5, 0, 0]);
        let joined = Rows::concat(vec![with(&[3]), with(&[0, 0])]).unwrap();
        assert_eq!(hashes(&joined), vec![3, 0, 0]);
        let mut kept = with(&[0, 9, 0]);
        kept.retain(&[false, true, true]);
        assert_eq!(hashes(&kept), vec![9, 0]);
    }

    #[test]
    fn sheets_gather_in_order_whatever_their_blank_columns() {
        // The first sheet leaves the second field blank, the second sheet fills it, the third
        // holds text where the others hold numbers.
        let a = vec![
            vec![Value::Int(1), Value::Null],
            vec![Value::Int(2), Value::Null],
        ];
        let b = vec![vec![Value::Null, Value::Date(10)]];
        let c = vec![vec![Value::text("x"), Value::Date(11)]];
        let joined = Rows::concat(vec![
            rows(a.clone()),
            Rows::default(),
            rows(b.clone()),
            rows(c.clone()),
        ])
        .expect("one width");
        let expected: Vec<Vec<Value>> = a.into_iter().chain(b).chain(c).collect();
        assert_eq!(all(&joined), expected);
        let hashes: Vec<u64> = joined.iter().map(|r| r.personal_hash).collect();
        assert_eq!(hashes, vec![0, 1, 0, 0]);
        let mut joined = joined;
        joined.forget_personal_hashes();
        assert_eq!(joined.len(), 4, "rows stay");
        assert!(joined.iter().all(|r| r.personal_hash == 0));
    }
}
