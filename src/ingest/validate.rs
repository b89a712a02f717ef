//! Checks that need more than one row (contract §4): repeated keys, references to missing or
//! rejected parents (with cascades), and the warnings that keep rows. Runs once over every
//! parsed row of the run, in (file path, sheet order, row) order, so the outcome does not depend
//! on how files were read in parallel.

use super::model::{Origin, Record, Reject, Rows, Warning};
use super::parse::{Text, Value, ValueRef};
use crate::schema::{Table, PROVINCE_PARTITION};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Names files and sheets in messages.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// File paths relative to the input folder, by file index.
    pub files: Vec<String>,
    /// Sheet names by file and sheet index (`None` for CSV).
    pub sheets: Vec<Vec<Option<String>>>,
}

impl Places {
    /// `zanjan/zanjan.xlsx › اقساط › row 12`.
    pub fn at(&self, o: Origin) -> String {
        let file = self.file(o).unwrap_or("?");
        let sheet = self.sheet(o);
        match (sheet, o.row) {
            (Some(s), 0) => format!("{file} › {s}"),
            (Some(s), r) => format!("{file} › {s} › row {r}"),
            (None, 0) => file.to_owned(),
            (None, r) => format!("{file} › line {r}"),
        }
    }

    /// The file of an origin, relative to the input folder.
    pub fn file(&self, o: Origin) -> Option<&str> {
        self.files.get(o.file as usize).map(String::as_str)
    }

    /// The sheet name of an origin.
    pub fn sheet(&self, o: Origin) -> Option<&str> {
        self.sheets
            .get(o.file as usize)
            .and_then(|s| s.get(o.sheet as usize))
            .and_then(|s| s.as_deref())
    }
}

/// The landed rows of one table, in input order, with the columns derived for the lake.
#[derive(Debug, Clone, Default)]
pub struct LandedRows {
    /// The parsed rows.
    pub rows: Rows,
    /// Per row: the county partition (`_province` for province trainings), as its place in
    /// `counties` (4 bytes a row, not a pointer's 8).
    pub county: Vec<u32>,
    /// The county partitions of these rows.
    pub counties: Vec<Text>,
    /// Per row, for installments only (empty for other tables): the fund of the loan, as its
    /// place in `funds` ([`NO_FUND`]: none). 4 bytes a row, where a shared text per row took
    /// 16 and a count to raise and lower.
    pub fund: Vec<u32>,
    /// The funds of `fund`, each shared text once.
    pub funds: Vec<Text>,
}

/// The place in [`LandedRows::fund`] of a row whose loan gave no fund.
pub const NO_FUND: u32 = u32::MAX;

/// One landed row, borrowed from its table's [`LandedRows`].
#[derive(Debug, Clone, Copy)]
pub struct Landed<'a> {
    /// Where it came from.
    pub origin: Origin,
    /// Its values.
    pub values: Record<'a>,
    /// The county partition.
    pub county: &'a Text,
    /// For installments: the fund of the loan.
    pub fund_id: Option<&'a Text>,
}

impl LandedRows {
    /// Rows landed.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No row landed.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i`.
    pub fn get(&self, i: usize) -> Option<Landed<'_>> {
        let values = self.rows.get(i)?;
        Some(Landed {
            origin: values.origin,
            values,
            county: self.counties.get(*self.county.get(i)? as usize)?,
            fund_id: self.fund_id(i),
        })
    }

    /// The fund of installment `i`'s loan.
    pub fn fund_id(&self, i: usize) -> Option<&Text> {
        self.funds.get(*self.fund.get(i)? as usize)
    }

    /// Every row, in input order.
    pub fn iter(&self) -> impl Iterator<Item = Landed<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// What the cross-row checks decided.
#[derive(Debug, Default)]
pub struct Decided {
    /// Landed rows per table, in input order.
    pub landed: BTreeMap<Table, LandedRows>,
    /// Rows rejected here (not counting the single-row rejects passed in).
    pub rejects: Vec<Reject>,
    /// Exact duplicates skipped (one warning each).
    pub duplicates: Vec<Origin>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

struct Parent {
    county: Text,
    date: Option<i32>,
    fund_id: Text,
    origin: Origin,
}

/// Rows of every table by key, looked up without building a key to look with.
struct ByTable<X> {
    maps: Vec<HashMap<String, X>>,
}

impl<X> ByTable<X> {
    fn new() -> ByTable<X> {
        ByTable {
            maps: Table::ALL.iter().map(|_| HashMap::default()).collect(),
        }
    }

    fn slot(t: Table) -> usize {
        Table::ALL.iter().position(|x| *x == t).unwrap_or(0)
    }

    fn map(&mut self, t: Table) -> &mut HashMap<String, X> {
        &mut self.maps[Self::slot(t)]
    }

    fn get(&self, t: Table, key: &str) -> Option<&X> {
        self.maps[Self::slot(t)].get(key)
    }

    fn get_mut(&mut self, t: Table, key: &str) -> Option<&mut X> {
        self.maps[Self::slot(t)].get_mut(key)
    }

    fn insert(&mut self, t: Table, key: String, x: X) {
        self.map(t).insert(key, x);
    }
}

/// Why a parent is not there: its location and reason, and its county when known.
#[derive(Clone)]
struct Gone {
    why: String,
    county: Option<String>,
    /// The row to fix first: the gone row itself, or for a cascade the start of its chain.
    root: Origin,
}

/// A row's values, as a rejected row keeps them or as a table's [`Rows`](super::model::Rows)
/// lends them.
trait Fields<'a>: Copy {
    /// Field `i` (`Null` past the end).
    fn at(self, i: usize) -> ValueRef<'a>;
}

impl<'a> Fields<'a> for &'a [Value] {
    fn at(self, i: usize) -> ValueRef<'a> {
        self.get(i).map_or(ValueRef::Null, Value::view)
    }
}

impl<'a> Fields<'a> for Record<'a> {
    fn at(self, i: usize) -> ValueRef<'a> {
        self.field(i)
    }
}

/// A value as messages and keys show it (Jalali dates).
fn shown(v: ValueRef<'_>) -> Cow<'_, str> {
    match v {
        ValueRef::Null => Cow::Borrowed(""),
        ValueRef::Str(s) => Cow::Borrowed(s.as_str()),
        ValueRef::Int(i) => Cow::Owned(i.to_string()),
        ValueRef::Date(d) => Cow::Owned(
            crate::calendar::JalaliDate::from_epoch_day(d)
                .map(|j| j.to_string())
                .unwrap_or_default(),
        ),
        ValueRef::Bool(b) => Cow::Owned(b.to_string()),
    }
}

fn s(v: ValueRef<'_>) -> String {
    shown(v).into_owned()
}

/// The row's key, `a / b` for a two-part key; `None` when a part is blank.
fn key_of<'a>(table: Table, values: impl Fields<'a>) -> Option<String> {
    let mut key = String::new();
    key_into(&mut key, table, values).then_some(key)
}

/// [`key_of`] written into `key` (cleared first); false when a part is blank.
fn key_into<'a>(key: &mut String, table: Table, values: impl Fields<'a>) -> bool {
    key.clear();
    let fields = table.fields();
    for (n, k) in table.key().iter().enumerate() {
        let Some(v) = fields
            .iter()
            .position(|f| f.name == *k)
            .map(|i| values.at(i))
        else {
            return false;
        };
        if n > 0 {
            key.push_str(" / ");
        }
        let before = key.len();
        match v {
            // Whole numbers are written straight into the key (no string of their own).
            ValueRef::Int(x) => push_int(key, x),
            other => key.push_str(&shown(other)),
        }
        if key.len() == before {
            return false;
        }
    }
    !key.is_empty()
}

/// Writes `x` in decimal, as `{x}` would, without the formatting machinery (installments'
/// keys hold a number on every row).
fn push_int(key: &mut String, x: i64) {
    let mut digits = [0u8; 20];
    let mut n = x.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if x < 0 {
        key.push('-');
    }
    key.extend(digits[at..].iter().map(|&d| char::from(d)));
}

fn hash_of(key: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(key)
}

/// `fund / member`, the key of a member.
fn member_key(fund: &str, member: ValueRef<'_>) -> String {
    let mut key = String::new();
    member_key_into(&mut key, fund, member);
    key
}

/// [`member_key`] written into `buf` (reused from row to row: no allocation per row).
fn member_key_into(buf: &mut String, fund: &str, member: ValueRef<'_>) {
    buf.clear();
    buf.push_str(fund);
    buf.push_str(" / ");
    buf.push_str(&shown(member));
}

fn idx(table: Table, name: &str) -> usize {
    table
        .fields()
        .iter()
        .position(|f| f.name == name)
        .unwrap_or(0)
}

fn get<'a>(values: impl Fields<'a>, table: Table, name: &str) -> ValueRef<'a> {
    values.at(idx(table, name))
}

/// One table's sheets put together in order. A sheet's rows have one value per field of its
/// table (parsed so, or refused by the cache when not), so they always fit together.
fn join_sheets(sheets: Vec<Rows>) -> Rows {
    let rows = Rows::concat(sheets);
    debug_assert!(
        rows.is_some(),
        "a sheet's rows of another width than its table"
    );
    rows.unwrap_or_default()
}

/// Tables whose rows are parents of other rows (looked up by key); the others are leaves.
fn is_parent(table: Table) -> bool {
    matches!(table, Table::Funds | Table::Members | Table::Loans)
}

/// Runs every cross-row check. `sheets` are the rows that parsed, per table and sheet, in
/// input order; `early` are the single-row rejects (their keys explain cascades and they get a
/// county).
///
/// Parent tables (funds, members, loans) are checked first, one after the other, as each one's
/// rows are the next one's parents; meanwhile the leaf tables' sheets are put together into one
/// set of columns per table on the other cores (the two large tables' columns take about as
/// long to copy as the parents take to check). The leaf tables (installments, savings,
/// financing, trainings) refer only to the parents and never to each other, so they are then
/// checked side by side, each with its own copy of what was rejected among the parents; their
/// outcomes are put back in table order, so the result is the same as one table after the
/// other.
pub fn decide(
    sheets: BTreeMap<Table, Vec<Rows>>,
    early: &mut [Reject],
    places: &Places,
) -> Decided {
    use rayon::prelude::*;
    let (mut parent_sheets, leaf_sheets): (BTreeMap<Table, Vec<Rows>>, BTreeMap<Table, Vec<Rows>>) =
        sheets.into_iter().partition(|(table, _)| is_parent(*table));
    let mut d = Decided::default();
    let mut gone: ByTable<Gone> = ByTable::new();
    for r in early.iter() {
        if let Some(k) = key_of(r.table, r.values.as_slice()) {
            gone.map(r.table).entry(k).or_insert(Gone {
                why: format!("{}: {}", places.at(r.origin), r.reason),
                county: None,
                root: r.origin,
            });
        }
    }
    let mut early_of: Vec<Vec<&mut Reject>> = Table::ALL.iter().map(|_| Vec::new()).collect();
    for r in early.iter_mut() {
        early_of[ByTable::<Gone>::slot(r.table)].push(r);
    }
    let mut parents: ByTable<Parent> = ByTable::new();
    let check_parents = || {
        for table in Table::ALL.into_iter().filter(|t| is_parent(*t)) {
            let rows = join_sheets(parent_sheets.remove(&table).unwrap_or_default());
            let early = &mut early_of[ByTable::<Gone>::slot(table)];
            let found = decide_table(table, rows, early, &mut d, &mut gone, &parents, places);
            // Sized once for the keys found: grown by doubling, each larger table was fresh
            // memory (page faults) and a rehash of every key so far.
            parents.map(table).reserve(found.len());
            for (k, p) in found {
                parents.insert(table, k, p);
            }
        }
    };
    let join_leaves = || {
        let leaf_sheets: Vec<(Table, Vec<Rows>)> = leaf_sheets.into_iter().collect();
        leaf_sheets
            .into_par_iter()
            .with_max_len(1)
            .map(|(table, sheets)| (table, join_sheets(sheets)))
            .collect::<BTreeMap<Table, Rows>>()
    };
    let ((), mut candidates) = rayon::join(check_parents, join_leaves);
    let mut leaves = Vec::new();
    for (table, early) in Table::ALL.into_iter().zip(early_of) {
        if is_parent(table) {
            continue;
        }
        let mut own: ByTable<Gone> = ByTable::new();
        for p in Table::ALL.into_iter().filter(|t| is_parent(*t)) {
            own.maps[ByTable::<Gone>::slot(p)] = gone.maps[ByTable::<Gone>::slot(p)].clone();
        }
        own.maps[ByTable::<Gone>::slot(table)] = std::mem::take(gone.map(table));
        let rows = candidates.remove(&table).unwrap_or_default();
        leaves.push((table, rows, early, own));
    }
    // Each leaf table's checks, and the warnings between its rows and its parents' (which need
    // only that table's landed rows), side by side.
    let parents_landed = &d.landed;
    // A transaction table's funds found in several files are told apart there too.
    let outcomes: Vec<(Decided, Vec<Note>, Vec<Warning>)> = leaves
        .into_par_iter()
        .with_max_len(1)
        .map(|(table, rows, mut early, mut gone)| {
            let mut d = Decided::default();
            decide_table(table, rows, &mut early, &mut d, &mut gone, &parents, places);
            let notes = relation_notes(table, parents_landed, &d.landed, &parents, places);
            let several = d
                .landed
                .get(&table)
                .map(|rows| transactions_in_several_files(table, rows, places))
                .unwrap_or_default();
            (d, notes, several)
        })
        .collect();
    // The parents' lookups hold a key and two shared texts per fund, member and loan: freeing
    // them took ~9 ms at scale 1 with the other core idle. They are freed on a core of the
    // pool while this thread goes on.
    rayon::spawn(move || drop(parents));
    let mut notes: Vec<Note> = Vec::new();
    let mut several = Vec::new();
    for (leaf, leaf_notes, leaf_several) in outcomes {
        d.landed.extend(leaf.landed);
        d.rejects.extend(leaf.rejects);
        d.duplicates.extend(leaf.duplicates);
        d.warnings.extend(leaf.warnings);
        notes.extend(leaf_notes);
        several.extend(leaf_several);
    }
    // Notes of two tables are of different rows: their order is that of the rows, once sorted.
    warn_row_relations(&mut d, notes);
    d.warnings.extend(several);
    d.warnings.sort_by_key(|w| w.origin);
    d.rejects.sort_by_key(|r| r.origin);
    d
}

/// The cross-row checks of one table's rows: lands or rejects each, records in `gone` why
/// rejected keys are gone, and returns the landed rows' entries as parents (parent tables only).
fn decide_table(
    table: Table,
    rows: Rows,
    early: &mut [&mut Reject],
    d: &mut Decided,
    gone: &mut ByTable<Gone>,
    parents: &ByTable<Parent>,
    places: &Places,
) -> Vec<(String, Parent)> {
    let mut found = Vec::new();
    let mut key_buf = String::new();
    for r in early.iter_mut() {
        r.county = county_of_values(table, r.values.as_slice(), parents, gone);
        if let Some(g) = key_of(table, r.values.as_slice()).and_then(|k| gone.get_mut(table, &k)) {
            if g.county.is_none() {
                g.county = r.county.clone();
            }
        }
    }
    let mut rows = dedupe(table, rows, d, gone, parents, places);
    let mut keep = vec![false; rows.len()];
    let mut county_of_row: Vec<u32> = Vec::with_capacity(rows.len());
    let mut counties: Vec<Text> = Vec::new();
    let mut fund_of_row = FundPlaces::default();
    let mut last = LastParent::default();
    let at = ParentFields::of(table);
    for (i, r) in rows.iter().enumerate() {
        match check_parent(table, at, r, parents, gone, &mut key_buf, &mut last) {
            Ok((county, fund_id)) => {
                // Only funds, members and loans are looked up as parents.
                if let Some(k) = is_parent(table).then(|| key_of(table, r)).flatten() {
                    found.push((k, parent_of(table, r, &county, fund_id)));
                }
                keep[i] = true;
                county_of_row.push(place_of(&mut counties, &county));
                if table == Table::Installments {
                    fund_of_row.push(fund_id);
                }
            }
            Err((field, value, rule, reason, county, fix_first)) => {
                let county = county.or_else(|| county_of_values(table, r, parents, gone));
                if let Some(k) = key_of(table, r) {
                    gone.insert(
                        table,
                        k,
                        Gone {
                            // A cascade names only its own parent, not the whole chain.
                            why: if rule == "rejected_parent" {
                                format!(
                                    "{}: its {field} «{value}» was rejected",
                                    places.at(r.origin)
                                )
                            } else {
                                format!("{}: {}", places.at(r.origin), reason)
                            },
                            county: county.clone(),
                            root: fix_first.unwrap_or(r.origin),
                        },
                    );
                }
                let mut rejected = reject(table, r, field, value, rule, reason, county);
                rejected.fix_first = fix_first;
                d.rejects.push(rejected);
            }
        }
    }
    // The landed rows stay where they were read; the rejected ones leave.
    rows.retain(&keep);
    drop(keep);
    // Exact duplicates are told apart by now: the hashes of personal values go.
    rows.forget_personal_hashes();
    d.landed.insert(
        table,
        LandedRows {
            rows,
            county: county_of_row,
            counties,
            fund: fund_of_row.of_row,
            funds: fund_of_row.funds,
        },
    );
    found
}

/// Each landed installment's fund, as a place in a list of the funds' shared texts.
#[derive(Default)]
struct FundPlaces {
    of_row: Vec<u32>,
    funds: Vec<Text>,
    /// The place of each text in `funds`, by its address (the texts are kept in `funds`, so
    /// no address is reused). One loan's installments share their loan's text, so the row
    /// before's is tried first.
    by_address: rustc_hash::FxHashMap<usize, u32>,
    last: Option<(usize, u32)>,
}

impl FundPlaces {
    fn push(&mut self, fund: Option<&Text>) {
        let Some(fund) = fund else {
            self.of_row.push(NO_FUND);
            return;
        };
        let address = Text::as_ptr(fund).cast::<u8>() as usize;
        let place = match self.last {
            Some((a, place)) if a == address => place,
            _ => {
                let next = u32::try_from(self.funds.len()).unwrap_or(NO_FUND);
                let place = *self.by_address.entry(address).or_insert_with(|| {
                    self.funds.push(fund.clone());
                    next
                });
                self.last = Some((address, place));
                place
            }
        };
        self.of_row.push(place);
    }
}

/// The place of `county` in `counties`, added when new. Rows of one county mostly share one
/// string (their parent's), so the pointer is compared first.
fn place_of(counties: &mut Vec<Text>, county: &Text) -> u32 {
    let found = counties
        .iter()
        .position(|c| Text::ptr_eq(c, county))
        .or_else(|| counties.iter().position(|c| c == county));
    let i = found.unwrap_or_else(|| {
        counties.push(county.clone());
        counties.len() - 1
    });
    // Partitions are counties of the pipeline (and `_province`): a handful.
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn parent_of(table: Table, r: Record<'_>, county: &Text, fund_id: Option<&Text>) -> Parent {
    let date = match table {
        Table::Funds => get(r, table, "established_on").as_date(),
        Table::Members => get(r, table, "joined_on").as_date(),
        Table::Loans => get(r, table, "disbursed_on").as_date(),
        _ => None,
    };
    // The row's own copy of its fund's id is shared, not copied: a run has a parent per fund,
    // member and loan (130k at scale 1), and their small copies, freed together after the
    // checks, made the allocator sort through them on the next large allocation.
    let fund = match (table, fund_id) {
        (Table::Installments, Some(f)) => f.clone(),
        _ => match get(r, table, "fund_id") {
            ValueRef::Str(f) => f.clone(),
            _ => Text::new(String::new()),
        },
    };
    Parent {
        county: county.clone(),
        date,
        fund_id: fund,
        origin: r.origin,
    }
}

fn reject(
    table: Table,
    r: Record<'_>,
    field: &str,
    value: String,
    rule: &'static str,
    reason: String,
    county: Option<String>,
) -> Reject {
    let raw_row = table
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.personal)
        .map(|(i, f)| (f.name.to_owned(), s(r.field(i))))
        .collect();
    Reject {
        origin: r.origin,
        table,
        field: field.to_owned(),
        column: None,
        value,
        rule,
        reason,
        raw_row,
        values: r.to_values(),
        county,
        fix_first: None,
    }
}

/// The hash of a blank key in [`key_hashes`] (a key whose hash is this is given another).
const NO_KEY: u64 = u64::MAX;

/// Each row's key hash ([`hash_of`] of [`key_into`]), [`NO_KEY`] where a part of the key is
/// blank; computed in parallel, in blocks of rows.
fn key_hashes(table: Table, rows: &Rows) -> Vec<u64> {
    use rayon::prelude::*;
    (0..rows.len())
        .into_par_iter()
        .with_min_len(1 << 14)
        .map_init(String::new, |key, i| {
            match rows.get(i).filter(|r| key_into(key, table, *r)) {
                Some(_) => hash_of(key).min(NO_KEY - 1),
                None => NO_KEY,
            }
        })
        .collect()
}

/// How many other rows a conflicting duplicate's reason names before it says "N more".
const OTHERS_NAMED: usize = 5;

/// Keyed tables: exact duplicates keep the first copy; different rows with one key are all
/// rejected. Transaction tables pass through.
fn dedupe(
    table: Table,
    mut rows: Rows,
    d: &mut Decided,
    gone: &mut ByTable<Gone>,
    parents: &ByTable<Parent>,
    places: &Places,
) -> Rows {
    if table.key().is_empty() {
        return rows;
    }
    // Every row's key hash, worked out on every core: building and hashing the keys is most of
    // this check's time, and each row's is independent of the others'. A blank key is NO_KEY.
    let hashes = key_hashes(table, &rows);
    // Each key's first row: a table of row places (4 bytes each, where a map from the key's
    // hash to the row took 16), found by the key's hash and told apart by the key itself, which
    // is built only when two hashes agree.
    let mut first_of: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(rows.len());
    let rehash = |&f: &u32| hashes.get(f as usize).copied().unwrap_or(0);
    let any_gone = !gone.map(table).is_empty();
    let mut groups: BTreeMap<usize, (String, Vec<usize>)> = BTreeMap::new();
    let mut k = String::new();
    let mut other = String::new();
    for (i, &hash) in hashes.iter().enumerate() {
        if hash == NO_KEY {
            continue;
        }
        // The row's own key, built at most once, and only when it is needed.
        let mut built = false;
        let mut own_key = |k: &mut String| {
            if !built {
                built = rows.get(i).is_some_and(|r| key_into(k, table, r));
            }
            built
        };
        let found = first_of.find(hash, |&f| {
            hashes.get(f as usize) == Some(&hash)
                && own_key(&mut k)
                && rows
                    .get(f as usize)
                    .is_some_and(|x| key_into(&mut other, table, x) && other == k)
        });
        let first = match found {
            Some(&f) => Some(f as usize),
            None => {
                // Row places fit in u32: a run holds far fewer rows than [limits] allow.
                first_of.insert_unique(hash, u32::try_from(i).unwrap_or(u32::MAX), rehash);
                None
            }
        };
        match first {
            Some(f) => groups
                .entry(f)
                .or_insert_with(|| (k.clone(), vec![f]))
                .1
                .push(i),
            None => {
                if any_gone && own_key(&mut k) && gone.get(table, &k).is_some() {
                    groups.insert(i, (k.clone(), vec![i]));
                }
            }
        }
    }
    drop(first_of);
    let mut dropped = vec![false; rows.len()];
    let mut conflicting: Vec<(usize, String)> = Vec::new();
    for (key, members) in groups.values() {
        let Some((&first, rest)) = members.split_first() else {
            continue;
        };
        // A row with the same key that was rejected on its own is a different row too.
        let rejected_twin = gone.get(table, key).map(|g| g.why.clone());
        if rest.is_empty() && rejected_twin.is_none() {
            continue;
        }
        let same = rejected_twin.is_none()
            && rest.iter().all(|&i| match (rows.get(i), rows.get(first)) {
                (Some(a), Some(b)) => a.same_values(&b) && a.personal_hash == b.personal_hash,
                _ => false,
            });
        if same {
            for &i in rest {
                dropped[i] = true;
                d.duplicates.push(rows.origin(i));
                d.warnings.push(Warning {
                    origin: rows.origin(i),
                    table: Some(table),
                    field: None,
                    rule: "exact_duplicate",
                    message: format!(
                        "exact duplicate of {}; kept once",
                        places.at(rows.origin(first))
                    ),
                });
            }
        } else {
            // Each row names the others, at most OTHERS_NAMED of them: a key repeated on n
            // rows must not write n² places.
            let total = members.len() - 1 + usize::from(rejected_twin.is_some());
            for &i in members {
                dropped[i] = true;
                let mut others: Vec<String> = members
                    .iter()
                    .filter(|&&j| j != i)
                    .take(OTHERS_NAMED)
                    .map(|&j| places.at(rows.origin(j)))
                    .collect();
                if others.len() < OTHERS_NAMED {
                    others.extend(rejected_twin.iter().map(|why| format!("{why} (rejected)")));
                }
                if total > others.len() {
                    others.push(format!("and {} more rows", total - others.len()));
                }
                conflicting.push((i, format!(
                    "conflicting duplicate: {} «{key}» also appears with different values at {}; keep one correct row and delete or renumber the other",
                    table.key().join(" + "),
                    others.join(", ")
                )));
            }
        }
    }
    conflicting.sort_by_key(|(i, _)| *i);
    for (i, reason) in conflicting {
        let Some(r) = rows.get(i) else {
            continue;
        };
        if let Some(k) = key_of(table, r) {
            let county = county_of_values(table, r, parents, gone);
            gone.insert(
                table,
                k.clone(),
                Gone {
                    why: format!("{}: conflicting duplicate", places.at(r.origin)),
                    county: county.clone(),
                    root: r.origin,
                },
            );
            let field = table.key()[0];
            let value = k;
            d.rejects.push(reject(
                table,
                r,
                field,
                value,
                "conflicting_duplicate",
                reason,
                county,
            ));
        }
    }
    // Kept in the same memory: no second vector of the table's rows.
    let keep: Vec<bool> = dropped.iter().map(|&x| !x).collect();
    drop(dropped);
    rows.retain(&keep);
    rows
}

/// Why a row is rejected: field, value, rule, reason, county, and for a cascade the row to fix
/// first.
type Fail = (
    &'static str,
    String,
    &'static str,
    String,
    Option<String>,
    Option<Origin>,
);

fn missing(parent: Table, field: &'static str, key: &str, gone: &ByTable<Gone>) -> Fail {
    let noun = match parent {
        Table::Funds => "fund",
        Table::Members => "member",
        _ => "loan",
    };
    match gone.get(parent, key) {
        Some(g) => (
            field,
            key.to_owned(),
            "rejected_parent",
            format!(
                "its {noun} «{key}» was rejected ({}); fix that row first",
                g.why
            ),
            g.county.clone(),
            Some(g.root),
        ),
        None => (
            field,
            key.to_owned(),
            "missing_parent",
            format!(
                "{noun} «{key}» is in no {} sheet; add it there or correct the code",
                parent.name()
            ),
            None,
            None,
        ),
    }
}

/// Finds the row's parent; returns its county and, for installments, its loan's fund. The
/// county is borrowed from the parent where there is one: the rows of both leaf tables checked
/// side by side would otherwise count references to the same few county strings from two
/// threads, row after row.
fn check_parent<'p>(
    table: Table,
    at: ParentFields,
    r: Record<'_>,
    parents: &'p ByTable<Parent>,
    gone: &ByTable<Gone>,
    key_buf: &mut String,
    last: &mut LastParent<'p>,
) -> Result<(Cow<'p, Text>, Option<&'p Text>), Fail> {
    let fund = || r.at(at.fund_id).as_str().unwrap_or_default();
    let mut lookup = |parent: Table, field: &'static str, key: &str| -> Result<&'p Parent, Fail> {
        if let Some(p) = last.get(parent, key) {
            return Ok(p);
        }
        let found = parents
            .get(parent, key)
            .ok_or_else(|| missing(parent, field, key, gone))?;
        last.set(parent, key, found);
        Ok(found)
    };
    match table {
        Table::Funds => Ok((
            Cow::Owned(Text::new(
                r.at(at.county).as_str().unwrap_or_default().to_owned(),
            )),
            None,
        )),
        Table::Members | Table::Financing => {
            lookup(Table::Funds, "fund_id", fund()).map(|p| (Cow::Borrowed(&p.county), None))
        }
        Table::Savings | Table::Loans => {
            member_key_into(key_buf, fund(), r.at(at.member_id));
            lookup(Table::Members, "member_id", key_buf).map(|p| (Cow::Borrowed(&p.county), None))
        }
        Table::Installments => {
            let loan = shown(r.at(at.loan_id));
            lookup(Table::Loans, "loan_id", &loan)
                .map(|p| (Cow::Borrowed(&p.county), Some(&p.fund_id)))
        }
        Table::Trainings => {
            let own = r.at(at.county).as_str();
            match r.at(at.fund_id).as_str() {
                Some(f) => {
                    lookup(Table::Funds, "fund_id", f).map(|p| (Cow::Borrowed(&p.county), None))
                }
                None => Ok((
                    Cow::Owned(Text::new(own.unwrap_or(PROVINCE_PARTITION).to_owned())),
                    None,
                )),
            }
        }
    }
}

/// Where [`check_parent`] finds a table's fields: looked up by name once per table, not on
/// every row (field 0 for a field the table lacks, as [`get`] gives).
#[derive(Clone, Copy)]
struct ParentFields {
    fund_id: usize,
    member_id: usize,
    loan_id: usize,
    county: usize,
}

impl ParentFields {
    fn of(table: Table) -> ParentFields {
        ParentFields {
            fund_id: idx(table, "fund_id"),
            member_id: idx(table, "member_id"),
            loan_id: idx(table, "loan_id"),
            county: idx(table, "county"),
        }
    }
}

/// The parent the row before was found to have. A ledger lists a loan's installments, and a
/// member's savings, one after the other, so most rows have the parent of the row before: it is
/// found again by comparing the key, without looking it up in the table of all parents.
#[derive(Default)]
struct LastParent<'p> {
    table: Option<Table>,
    key: String,
    parent: Option<&'p Parent>,
}

impl<'p> LastParent<'p> {
    fn get(&self, table: Table, key: &str) -> Option<&'p Parent> {
        (self.table == Some(table) && self.key == key)
            .then_some(self.parent)
            .flatten()
    }

    fn set(&mut self, table: Table, key: &str, parent: &'p Parent) {
        self.table = Some(table);
        self.key.clear();
        self.key.push_str(key);
        self.parent = Some(parent);
    }
}

fn county_of_values<'a>(
    table: Table,
    values: impl Fields<'a>,
    parents: &ByTable<Parent>,
    gone: &ByTable<Gone>,
) -> Option<String> {
    let field = |name: &str| {
        table
            .fields()
            .iter()
            .position(|f| f.name == name)
            .map(|i| s(values.at(i)))
            .filter(|v| !v.is_empty())
    };
    let via = |t: Table, k: String| {
        parents
            .get(t, &k)
            .map(|p| p.county.to_string())
            .or_else(|| gone.get(t, &k).and_then(|g| g.county.clone()))
    };
    if let Some(c) = field("county") {
        return Some(c);
    }
    if let Some(l) = field("loan_id").filter(|_| table == Table::Installments) {
        return via(Table::Loans, l);
    }
    field("fund_id").and_then(|f| via(Table::Funds, f))
}

fn warn(
    d: &mut Decided,
    origin: Origin,
    table: Table,
    field: &'static str,
    rule: &'static str,
    message: String,
) {
    d.warnings.push(Warning {
        origin,
        table: Some(table),
        field: Some(field),
        rule,
        message,
    });
}

/// The warnings between a leaf table's landed rows (`own`) and its parents' (`parents_landed`):
/// installments against their loans, savings balances; none for the other leaves.
fn relation_notes(
    table: Table,
    parents_landed: &BTreeMap<Table, LandedRows>,
    own: &BTreeMap<Table, LandedRows>,
    parents: &ByTable<Parent>,
    places: &Places,
) -> Vec<Note> {
    let empty = LandedRows::default();
    match table {
        Table::Installments => loan_notes(
            parents_landed.get(&Table::Loans).unwrap_or(&empty),
            own.get(&Table::Installments).unwrap_or(&empty),
            parents,
            places,
        ),
        Table::Savings => savings_notes(own.get(&Table::Savings).unwrap_or(&empty)),
        _ => Vec::new(),
    }
}

/// Loans disbursed before the member joined, payments before their loan, and schedules short
/// of the principal.
fn loan_notes(
    loans: &LandedRows,
    installments: &LandedRows,
    parents: &ByTable<Parent>,
    places: &Places,
) -> Vec<Note> {
    let mut notes: Vec<Note> = Vec::new();
    // Fields found by name once, not on each of a million rows.
    let t = Table::Loans;
    let (fund_at, member_at) = (idx(t, "fund_id"), idx(t, "member_id"));
    let (disbursed_at, loan_at, principal_at) = (
        idx(t, "disbursed_on"),
        idx(t, "loan_id"),
        idx(t, "principal"),
    );
    for l in loans.iter() {
        let key = member_key(
            l.values.at(fund_at).as_str().unwrap_or_default(),
            l.values.at(member_at),
        );
        let (Some(m), Some(on)) = (
            parents.get(Table::Members, &key),
            l.values.at(disbursed_at).as_date(),
        ) else {
            continue;
        };
        if m.date.is_some_and(|j| on < j) {
            notes.push((l.origin, t, "disbursed_on", "loan_before_joining", format!(
                "the loan was disbursed on {} but the member joined on {} ({}); check both dates",
                s(ValueRef::Date(on)), m.date.map(|j| s(ValueRef::Date(j))).unwrap_or_default(), places.at(m.origin)
            )));
        }
    }
    // The installments in two halves, side by side: the payments' notes of each half are in
    // row order, the first half's before the second's; a loan whose installments straddle the
    // middle has its dues summed in both halves and added up.
    let middle = installments.len() / 2;
    let ((first_notes, first_sums), (second_notes, second_sums)) = rayon::join(
        || payment_notes(installments, 0..middle, parents),
        || payment_notes(installments, middle..installments.len(), parents),
    );
    notes.extend(first_notes);
    notes.extend(second_notes);
    let mut due_sums = first_sums;
    for (loan, sum) in second_sums {
        add_due(&mut due_sums, loan, sum);
    }
    for l in loans.iter() {
        let loan = shown(l.values.at(loan_at));
        let principal = l.values.at(principal_at).as_int().unwrap_or(0);
        if let Some(&sum) = due_sums.get(&loan) {
            if sum < principal {
                notes.push((l.origin, Table::Loans, "principal", "schedule_short", format!(
                    "the installments of loan «{loan}» add up to {sum} rials, less than its principal {principal}; a row of the schedule may be missing"
                )));
            }
        }
    }
    notes
}

/// The payments before their loan among the installments `range`, and the sum of the dues of
/// each loan there. A loan's installments are listed together: the row before's loan (its
/// parent and the sum of its dues so far) is kept, and the sum goes into the map when the loan
/// changes.
fn payment_notes<'a>(
    installments: &'a LandedRows,
    range: std::ops::Range<usize>,
    parents: &ByTable<Parent>,
) -> (Vec<Note>, HashMap<Cow<'a, str>, i64>) {
    let t = Table::Installments;
    let (loan_at, due_at, paid_at) = (idx(t, "loan_id"), idx(t, "due_amount"), idx(t, "paid_on"));
    let mut notes: Vec<Note> = Vec::new();
    let mut due_sums: HashMap<Cow<str>, i64> = HashMap::default();
    let mut run: Option<(Cow<str>, Option<&Parent>, i64)> = None;
    for i in range.filter_map(|r| installments.get(r)) {
        let loan = shown(i.values.at(loan_at));
        let due = i.values.at(due_at).as_int().unwrap_or(0);
        let parent = match &mut run {
            Some((same, parent, sum)) if *same == loan => {
                *sum = sum.saturating_add(due);
                *parent
            }
            _ => {
                if let Some((done, _, sum)) = run.take() {
                    add_due(&mut due_sums, done, sum);
                }
                let parent = parents.get(Table::Loans, &loan);
                run = Some((loan.clone(), parent, due));
                parent
            }
        };
        let (Some(p), Some(paid)) = (parent, i.values.at(paid_at).as_date()) else {
            continue;
        };
        if p.date.is_some_and(|dis| paid < dis) {
            notes.push((
                i.origin,
                t,
                "paid_on",
                "payment_before_loan",
                format!(
                    "paid on {} but loan «{loan}» was disbursed on {}; check the payment date",
                    s(ValueRef::Date(paid)),
                    p.date.map(|x| s(ValueRef::Date(x))).unwrap_or_default()
                ),
            ));
        }
    }
    if let Some((done, _, sum)) = run.take() {
        add_due(&mut due_sums, done, sum);
    }
    (notes, due_sums)
}

/// Adds `sum` to the dues of `loan`. Sums stop at `i64::MAX` (dues beyond it are absurd, and a
/// schedule that large is not short of any principal) instead of wrapping round to a negative
/// sum that would call it short.
fn add_due<'a>(due_sums: &mut HashMap<Cow<'a, str>, i64>, loan: Cow<'a, str>, sum: i64) {
    let total = due_sums.entry(loan).or_insert(0);
    *total = total.saturating_add(sum);
}

/// Withdrawals that take a member's savings below zero.
///
/// Each landed savings row becomes one 16-byte entry (the member's place in a list of members,
/// the day, deposit or withdrawal, the row), put in order once ([`entries_by_member`]): a
/// member's rows in day order, a day's deposits before its withdrawals, then in input order
/// (the order of landed rows).
fn savings_notes(savings: &LandedRows) -> Vec<Note> {
    let t = Table::Savings;
    let (fund_at, member_at) = (idx(t, "fund_id"), idx(t, "member_id"));
    let (kind_at, date_at, amount_at) = (idx(t, "kind"), idx(t, "date"), idx(t, "amount"));
    let rows = &savings.rows;
    let mut members: Vec<(&str, Cow<str>)> = Vec::new();
    let mut place: HashMap<(&str, Cow<str>), u32> = HashMap::default();
    // The texts of a row's fund and member are shared by the rows of one sheet that hold them:
    // a member is found by the two texts' addresses first, without hashing the texts (one
    // member's rows in two sheets have two addresses, each found once by the texts).
    let mut by_address: HashMap<(usize, usize), u32> = HashMap::default();
    // Each row's member, then the entries placed by member straight away (a counting sort):
    // 4 bytes a row beside the entries, where sorting a copy of them took 16.
    let mut member_of: Vec<u32> = Vec::with_capacity(rows.len());
    let mut last_member = u32::MAX;
    for i in 0..rows.len() {
        let (fund, member) = (rows.field(i, fund_at), rows.field(i, member_at));
        let address = match (fund, member) {
            (ValueRef::Str(f), ValueRef::Str(m)) => Some((
                std::sync::Arc::as_ptr(f) as usize,
                std::sync::Arc::as_ptr(m) as usize,
            )),
            _ => None,
        };
        let key = (fund.as_str().unwrap_or_default(), shown(member));
        // A ledger lists a member's rows together: the row before's member, found again.
        let last = members.get(last_member as usize);
        let member = if last == Some(&key) {
            last_member
        } else if let Some(&m) = address.and_then(|a| by_address.get(&a)) {
            m
        } else {
            let m = match place.get(&key) {
                Some(&m) => m,
                None => {
                    let m = u32::try_from(members.len()).unwrap_or(u32::MAX);
                    members.push(key.clone());
                    place.insert(key, m);
                    m
                }
            };
            if let Some(a) = address {
                by_address.insert(a, m);
            }
            m
        };
        last_member = member;
        member_of.push(member);
    }
    drop(place);
    drop(by_address);
    // Landed rows are in input order, so a row's place orders them as their origins do.
    let entries = entries_by_member(&member_of, members.len(), |i| {
        (
            rows.field(i, date_at).as_date().unwrap_or(0),
            rows.field(i, kind_at).as_str() == Some("withdrawal"),
        )
    });
    drop(member_of);
    let mut notes: Vec<Note> = Vec::new();
    for run in entries.chunk_by(|a, b| a.0 == b.0) {
        let Some((fund, member)) = run.first().and_then(|e| members.get(e.0 as usize)) else {
            continue;
        };
        // Summed in 128 bits: amounts up to i64's largest, many of them, never wrap round.
        let mut balance: i128 = 0;
        for &(_, day, withdrawal, i) in run {
            let amount = i128::from(rows.field(i as usize, amount_at).as_int().unwrap_or(0));
            if withdrawal {
                balance -= amount;
                if balance < 0 {
                    notes.push((rows.origin(i as usize), t, "amount", "balance_below_zero", format!(
                        "this withdrawal on {} takes member «{fund} / {member}»'s savings to {balance} rials; a deposit may be missing",
                        s(ValueRef::Date(day))
                    )));
                }
            } else {
                balance += amount;
            }
        }
    }
    notes
}

/// The savings entries (member, day, withdrawal, row) of rows whose members are `member_of`
/// (`day_kind` gives a row's day and whether it is a withdrawal), in the order `sort_unstable`
/// would put them (they are distinct: the rows differ), in two steps that cost far less on a
/// million rows: each row placed in its member's run by counting, rows in order, then each run
/// sorted by day, which a ledger's run nearly always already is.
fn entries_by_member(
    member_of: &[u32],
    members: usize,
    day_kind: impl Fn(usize) -> (i32, bool),
) -> Vec<(u32, i32, bool, u32)> {
    // Row places fit in u32: a run holds far fewer rows than [limits] allow.
    let entry = |i: usize, m: u32| {
        let (day, withdrawal) = day_kind(i);
        (m, day, withdrawal, u32::try_from(i).unwrap_or(u32::MAX))
    };
    let mut start = vec![0usize; members + 1];
    for &m in member_of {
        match start.get_mut(m as usize + 1) {
            Some(n) => *n += 1,
            None => {
                // A member beyond the count (never): the plain sort.
                let mut plain: Vec<_> = (0..member_of.len())
                    .map(|i| entry(i, member_of[i]))
                    .collect();
                plain.sort_unstable();
                return plain;
            }
        }
    }
    for m in 1..start.len() {
        start[m] += start[m - 1];
    }
    let mut entries = vec![(0, 0, false, 0); member_of.len()];
    for (i, &m) in member_of.iter().enumerate() {
        let at = &mut start[m as usize];
        entries[*at] = entry(i, m);
        *at += 1;
    }
    for run in entries.chunk_by_mut(|a, b| a.0 == b.0) {
        if !run.is_sorted() {
            run.sort_unstable();
        }
    }
    entries
}

/// A warning to add: where, table, field, rule and message.
type Note = (Origin, Table, &'static str, &'static str, String);

/// Warnings between related rows: `notes` (loans before joining, payments before the loan,
/// schedules short of the principal, withdrawals below a zero balance, found beside the leaf
/// checks by [`relation_notes`]) and a training's county that is not its fund's.
fn warn_row_relations(d: &mut Decided, mut notes: Vec<Note>) {
    let empty = LandedRows::default();
    for tr in d.landed.get(&Table::Trainings).unwrap_or(&empty).iter() {
        let own = get(tr.values, Table::Trainings, "county").as_str();
        if let Some(own) = own.filter(|o| *o != tr.county.as_str()) {
            notes.push((
                tr.origin,
                Table::Trainings,
                "county",
                "county_differs",
                format!(
                    "county «{own}» differs from its fund's county «{}»; the fund's county is used",
                    tr.county
                ),
            ));
        }
    }
    for (origin, table, field, rule, message) in notes {
        warn(d, origin, table, field, rule, message);
    }
}

/// The tables of transactions without a key, whose funds are looked for in several files.
const TRANSACTIONS: [Table; 3] = [Table::Savings, Table::Financing, Table::Trainings];

/// Transaction tables have no key, so the same fund's rows in two files may be one ledger sent
/// twice: the warnings of `table`'s rows (none for another table; contract §4).
fn transactions_in_several_files(table: Table, rows: &LandedRows, places: &Places) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if !TRANSACTIONS.contains(&table) {
        return warnings;
    }
    let mut files: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    let mut first: HashMap<&str, Origin> = HashMap::default();
    let fund_at = idx(table, "fund_id");
    // A fund's rows mostly follow one another in one file: only a change of fund or file
    // is looked up.
    let mut last: Option<(&str, u32)> = None;
    for r in rows.iter() {
        let Some(f) = r.values.field(fund_at).as_str() else {
            continue;
        };
        if last == Some((f, r.origin.file)) {
            continue;
        }
        last = Some((f, r.origin.file));
        files.entry(f).or_default().insert(r.origin.file);
        first.entry(f).or_insert(r.origin);
    }
    for (fund, set) in files.into_iter().filter(|(_, s)| s.len() > 1) {
        let names: Vec<&str> = set
            .iter()
            .filter_map(|&i| places.files.get(i as usize).map(String::as_str))
            .collect();
        let origin = first
            .get(&fund)
            .copied()
            .map(|o| Origin { row: 0, ..o })
            .unwrap_or_default();
        warnings.push(Warning {
            origin,
            table: Some(table),
            field: Some("fund_id"),
            rule: "fund_in_several_files",
            message: format!(
                "{} rows of fund «{fund}» come from {} files ({}); if they hold the same transactions the fund is counted twice",
                table.name(), names.len(), names.join(", ")
            ),
        });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::{
        entries_by_member, loan_notes, push_int, savings_notes, ByTable, FundPlaces, LandedRows,
        Origin, Parent, Places, Rows, Table, Text, Value, NO_FUND,
    };
    use std::collections::BTreeMap;

    /// The entries placed by member come in the order the plain sort gives: members
    /// interleaved, days out of order within a member, a deposit and a withdrawal on one day.
    #[test]
    fn savings_entries_placed_by_member_as_the_plain_sort_sorts_them() {
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for members in [1usize, 3, 50] {
            let rows: Vec<(u32, i32, bool)> = (0..2000i32)
                .map(|i| {
                    let day = 19_000 + i / 7 - next(3) as i32 * (i % 11);
                    (next(members as u64) as u32, day, next(2) == 1)
                })
                .collect();
            let member_of: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let mut plain: Vec<(u32, i32, bool, u32)> = rows
                .iter()
                .enumerate()
                .map(|(i, &(m, d, w))| (m, d, w, i as u32))
                .collect();
            plain.sort_unstable();
            let placed = entries_by_member(&member_of, members, |i| (rows[i].1, rows[i].2));
            assert_eq!(placed, plain, "{members} members");
        }
        let beyond = entries_by_member(&[5, 0], 2, |i| (2 - i as i32, false));
        assert_eq!(beyond, vec![(0, 1, false, 1), (5, 2, false, 0)]);
    }

    /// Rows of values landed in this order, rows 2, 3, …
    fn landed(rows: Vec<Vec<Value>>) -> LandedRows {
        let mut kept = Rows::default();
        for (n, mut values) in rows.into_iter().enumerate() {
            let origin = Origin {
                file: 0,
                sheet: 0,
                row: n as u32 + 2,
            };
            assert!(kept.push(origin, &mut values, 0));
        }
        LandedRows {
            county: vec![0; kept.len()],
            counties: vec![Text::new("abhar".into())],
            fund: Vec::new(),
            funds: Vec::new(),
            rows: kept,
        }
    }

    #[test]
    fn installments_funds_are_held_once_and_found_per_row() {
        let (f1, f2) = (Text::new("F1".into()), Text::new("F2".into()));
        let f1_elsewhere = Text::new("F1".into());
        let mut places = FundPlaces::default();
        for fund in [
            Some(&f1),
            Some(&f1),
            None,
            Some(&f2),
            Some(&f1),
            Some(&f1_elsewhere),
        ] {
            places.push(fund);
        }
        assert_eq!(places.of_row, vec![0, 0, NO_FUND, 1, 0, 2]);
        let mut rows = landed((0..6).map(|i| vec![Value::Int(i)]).collect());
        rows.fund = places.of_row;
        rows.funds = places.funds;
        let found: Vec<Option<&str>> = (0..7)
            .map(|i| rows.fund_id(i).map(|t| t.as_str()))
            .collect();
        let expected = [
            Some("F1"),
            Some("F1"),
            None,
            Some("F2"),
            Some("F1"),
            Some("F1"),
            None,
        ];
        assert_eq!(found, expected);
        assert_eq!(
            rows.get(3).and_then(|r| r.fund_id).map(|t| t.as_str()),
            Some("F2")
        );
    }

    /// Savings rows (fund, member, day, amount, kind) landed in this order, rows 2, 3, …
    fn landed_savings(rows: &[(&str, &str, i32, i64, &str)]) -> BTreeMap<Table, LandedRows> {
        let rows = rows
            .iter()
            .map(|&(fund, member, day, amount, kind)| {
                vec![
                    Value::text(fund),
                    Value::text(member),
                    Value::Date(day),
                    Value::Int(amount),
                    Value::text(kind),
                ]
            })
            .collect();
        BTreeMap::from([(Table::Savings, landed(rows))])
    }

    /// Dues that add up past `i64` stop at its largest value, in one half of the installments
    /// or across the two: no wrap to a negative sum (a short schedule), no overflow panic.
    #[test]
    fn dues_past_the_largest_number_are_no_short_schedule() {
        let mut loan = vec![Value::text("L1"), Value::text("F1"), Value::text("7")];
        loan.extend([Value::Date(100), Value::Int(1_000), Value::Int(3)]);
        loan.extend([Value::Null, Value::Null]);
        let installment = |no: i64| {
            vec![
                Value::text("L1"),
                Value::Int(no),
                Value::Date(200),
                Value::Int(i64::MAX / 2 + 1),
                Value::Null,
                Value::Int(0),
            ]
        };
        let mut parents: ByTable<Parent> = ByTable::new();
        let parent = Parent {
            county: Text::new("abhar".into()),
            date: Some(100),
            fund_id: Text::new("F1".into()),
            origin: Origin::default(),
        };
        parents.insert(Table::Loans, "L1".into(), parent);
        for count in [2, 4] {
            let loans = landed(vec![loan.clone()]);
            let installments = landed((1..=count).map(installment).collect());
            let notes = loan_notes(&loans, &installments, &parents, &Places::default());
            assert!(notes.is_empty(), "{count} installments: {notes:?}");
        }
    }

    /// Schedules are summed per loan however its installments are spread over the rows, and
    /// each payment is held to its own loan's date.
    #[test]
    fn schedules_and_payments_are_checked_per_loan_when_loans_interleave() {
        let loan = |id: &str, principal: i64| {
            let mut v = vec![Value::text(id), Value::text("F1"), Value::text("7")];
            v.extend([Value::Date(100), Value::Int(principal), Value::Int(3)]);
            v.extend([Value::Null, Value::Null]);
            v
        };
        let installment = |id: &str, no: i64, due: i64, paid_on: Option<i32>| {
            vec![
                Value::text(id),
                Value::Int(no),
                Value::Date(200),
                Value::Int(due),
                paid_on.map_or(Value::Null, Value::Date),
                Value::Int(if paid_on.is_some() { due } else { 0 }),
            ]
        };
        let loans = landed(vec![loan("L1", 300), loan("L2", 100), loan("L3", 500)]);
        let installments = landed(vec![
            installment("L1", 1, 100, None),      // row 2
            installment("L2", 1, 50, None),       // row 3
            installment("L1", 2, 100, None),      // row 4
            installment("L2", 2, 50, Some(90)),   // row 5: paid before L2's day 100
            installment("L1", 3, 100, None),      // row 6
            installment("L3", 1, 100, Some(150)), // row 7
            installment("L3", 2, 100, None),      // row 8
        ]);
        let mut parents: ByTable<Parent> = ByTable::new();
        for id in ["L1", "L2", "L3"] {
            let parent = Parent {
                county: Text::new("abhar".into()),
                date: Some(100),
                fund_id: Text::new("F1".into()),
                origin: Origin::default(),
            };
            parents.insert(Table::Loans, id.into(), parent);
        }
        let mut notes: Vec<(Table, u32, &str)> =
            loan_notes(&loans, &installments, &parents, &Places::default())
                .into_iter()
                .map(|(origin, table, _, rule, _)| (table, origin.row, rule))
                .collect();
        notes.sort();
        assert_eq!(
            notes,
            vec![
                (Table::Loans, 4, "schedule_short"),
                (Table::Installments, 5, "payment_before_loan"),
            ]
        );
    }

    #[test]
    fn balances_past_the_largest_number_do_not_wrap() {
        let most = i64::MAX;
        let landed = landed_savings(&[
            ("F1", "1", 10, most, "deposit"),
            ("F1", "1", 11, most, "deposit"),
            ("F1", "1", 12, 5, "withdrawal"),
            ("F1", "2", 10, most, "withdrawal"),
            ("F1", "2", 11, most, "withdrawal"),
        ]);
        let notes: Vec<(u32, String)> = savings_notes(&landed[&Table::Savings])
            .into_iter()
            .map(|(origin, _, _, _, message)| (origin.row, message))
            .collect();
        let rows: Vec<u32> = notes.iter().map(|(r, _)| *r).collect();
        assert_eq!(rows, vec![5, 6], "{notes:?}");
        let twice = format!("to -{} rials", 2 * i128::from(most));
        assert!(notes[1].1.contains(&twice), "{notes:?}");
    }

    #[test]
    fn withdrawals_below_zero_are_found_per_member_in_day_order() {
        let landed = landed_savings(&[
            ("F1", "1", 10, 100, "deposit"),    // row 2
            ("F1", "2", 10, 50, "withdrawal"),  // row 3: member 2 at -50
            ("F1", "1", 12, 60, "withdrawal"),  // row 4: 40 left
            ("F2", "1", 11, 30, "deposit"),     // row 5: another fund's member 1
            ("F1", "1", 12, 50, "withdrawal"),  // row 6: member 1 at -10
            ("F1", "2", 9, 70, "deposit"),      // row 7: earlier day: member 2 at +20
            ("F1", "3", 20, 100, "withdrawal"), // row 8: a day's deposits come first
            ("F1", "3", 20, 100, "deposit"),    // row 9
            ("F2", "1", 11, 30, "withdrawal"),  // row 10: F2 / 1 back to 0, not below
        ]);
        let mut notes: Vec<(u32, String)> = savings_notes(&landed[&Table::Savings])
            .into_iter()
            .map(|(origin, table, field, rule, message)| {
                assert_eq!(
                    (table, field, rule),
                    (Table::Savings, "amount", "balance_below_zero")
                );
                (origin.row, message)
            })
            .collect();
        notes.sort();
        let rows: Vec<u32> = notes.iter().map(|(r, _)| *r).collect();
        assert_eq!(rows, vec![6], "{notes:?}");
        assert!(
            notes[0]
                .1
                .contains("member «F1 / 1»'s savings to -10 rials"),
            "{notes:?}"
        );
    }

    #[test]
    fn integers_in_keys_read_as_they_print() {
        for x in [0, 7, -7, 10, 1203, -45_000, i64::MAX, i64::MIN] {
            let mut key = String::from("L1 / ");
            push_int(&mut key, x);
            assert_eq!(key, format!("L1 / {x}"));
        }
    }
}
