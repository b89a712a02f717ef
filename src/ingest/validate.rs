//! Checks that need more than one row (contract §4): repeated keys, references to missing or
//! rejected parents (with cascades), and the warnings that keep rows. Runs once over every
//! parsed row of the run, in (file path, sheet order, row) order, so the outcome does not depend
//! on how files were read in parallel.

use super::model::{Origin, Record, Reject, Warning};
use super::parse::Value;
use crate::schema::{Table, PROVINCE_PARTITION};
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
        let file = self
            .files
            .get(o.file as usize)
            .map(String::as_str)
            .unwrap_or("?");
        let sheet = self.sheet(o);
        match (sheet, o.row) {
            (Some(s), 0) => format!("{file} › {s}"),
            (Some(s), r) => format!("{file} › {s} › row {r}"),
            (None, 0) => file.to_owned(),
            (None, r) => format!("{file} › line {r}"),
        }
    }

    /// The sheet name of an origin.
    pub fn sheet(&self, o: Origin) -> Option<&str> {
        self.sheets
            .get(o.file as usize)
            .and_then(|s| s.get(o.sheet as usize))
            .and_then(|s| s.as_deref())
    }
}

/// A landed row with the columns derived for the lake.
#[derive(Debug, Clone)]
pub struct Landed {
    /// The parsed row.
    pub record: Record,
    /// The county partition (`_province` for province trainings).
    pub county: String,
    /// For installments: the fund of the loan.
    pub fund_id: Option<String>,
}

/// What the cross-row checks decided.
#[derive(Debug, Default)]
pub struct Decided {
    /// Landed rows per table, in input order.
    pub landed: BTreeMap<Table, Vec<Landed>>,
    /// Rows rejected here (not counting the single-row rejects passed in).
    pub rejects: Vec<Reject>,
    /// Exact duplicates skipped (one warning each).
    pub duplicates: Vec<Origin>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

struct Parent {
    county: String,
    date: Option<i32>,
    fund_id: String,
    origin: Origin,
}

/// Why a parent is not there: its location and reason, and its county when known.
struct Gone {
    why: String,
    county: Option<String>,
}

fn s(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Date(d) => crate::calendar::JalaliDate::from_epoch_day(*d)
            .map(|j| j.to_string())
            .unwrap_or_default(),
        Value::Bool(b) => b.to_string(),
    }
}

fn key_of(table: Table, values: &[Value]) -> Option<String> {
    let fields = table.fields();
    let parts: Option<Vec<String>> = table
        .key()
        .iter()
        .map(|k| {
            let i = fields.iter().position(|f| f.name == *k)?;
            let v = s(values.get(i)?);
            (!v.is_empty()).then_some(v)
        })
        .collect();
    parts.map(|p| p.join(" / "))
}

fn idx(table: Table, name: &str) -> usize {
    table
        .fields()
        .iter()
        .position(|f| f.name == name)
        .unwrap_or(0)
}

fn get<'a>(r: &'a Record, table: Table, name: &str) -> &'a Value {
    &r.values[idx(table, name)]
}

/// Runs every cross-row check. `candidates` are the rows that parsed, per table, in input
/// order; `early` are the single-row rejects (their keys explain cascades and they get a county).
pub fn decide(
    mut candidates: BTreeMap<Table, Vec<Record>>,
    early: &mut [Reject],
    places: &Places,
) -> Decided {
    let mut d = Decided::default();
    let mut gone: HashMap<(Table, String), Gone> = HashMap::new();
    for r in early.iter() {
        if let Some(k) = key_of(r.table, &r.values) {
            gone.entry((r.table, k)).or_insert(Gone {
                why: format!("{}: {}", places.at(r.origin), r.reason),
                county: None,
            });
        }
    }
    let mut parents: HashMap<(Table, String), Parent> = HashMap::new();

    for table in Table::ALL {
        for r in early.iter_mut().filter(|r| r.table == table) {
            r.county = county_of_values(table, &r.values, &parents, &gone);
            if let Some(g) = key_of(table, &r.values).and_then(|k| gone.get_mut(&(table, k))) {
                if g.county.is_none() {
                    g.county = r.county.clone();
                }
            }
        }
        let rows = candidates.remove(&table).unwrap_or_default();
        let rows = dedupe(table, rows, &mut d, &mut gone, &parents, places);
        for r in rows {
            match check_parent(table, &r, &parents, &gone, places) {
                Ok((county, fund_id)) => {
                    if let Some(k) = key_of(table, &r.values) {
                        parents.insert(
                            (table, k),
                            parent_of(table, &r, &county, fund_id.as_deref()),
                        );
                    }
                    d.landed.entry(table).or_default().push(Landed {
                        record: r,
                        county,
                        fund_id,
                    });
                }
                Err((field, value, rule, reason, county)) => {
                    let county =
                        county.or_else(|| county_of_values(table, &r.values, &parents, &gone));
                    if let Some(k) = key_of(table, &r.values) {
                        gone.insert(
                            (table, k),
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
                            },
                        );
                    }
                    d.rejects
                        .push(reject(table, r, field, value, rule, reason, county));
                }
            }
        }
    }
    warn_row_relations(&mut d, &parents, places);
    warn_transactions_in_several_files(&mut d, places);
    d.warnings.sort_by_key(|w| w.origin);
    d.rejects.sort_by_key(|r| r.origin);
    d
}

fn parent_of(table: Table, r: &Record, county: &str, fund_id: Option<&str>) -> Parent {
    let date = match table {
        Table::Funds => get(r, table, "established_on").as_date(),
        Table::Members => get(r, table, "joined_on").as_date(),
        Table::Loans => get(r, table, "disbursed_on").as_date(),
        _ => None,
    };
    let fund = match table {
        Table::Installments => fund_id.unwrap_or_default().to_owned(),
        _ => get(r, table, "fund_id")
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    };
    Parent {
        county: county.to_owned(),
        date,
        fund_id: fund,
        origin: r.origin,
    }
}

fn reject(
    table: Table,
    r: Record,
    field: &str,
    value: String,
    rule: &'static str,
    reason: String,
    county: Option<String>,
) -> Reject {
    let raw_row = table
        .fields()
        .iter()
        .zip(&r.values)
        .filter(|(f, _)| !f.personal)
        .map(|(f, v)| (f.name.to_owned(), s(v)))
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
        values: r.values,
        county,
    }
}

/// Keyed tables: exact duplicates keep the first copy; different rows with one key are all
/// rejected. Transaction tables pass through.
fn dedupe(
    table: Table,
    rows: Vec<Record>,
    d: &mut Decided,
    gone: &mut HashMap<(Table, String), Gone>,
    parents: &HashMap<(Table, String), Parent>,
    places: &Places,
) -> Vec<Record> {
    if table.key().is_empty() {
        return rows;
    }
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(k) = key_of(table, &r.values) {
            groups.entry(k).or_default().push(i);
        }
    }
    let mut drop = vec![false; rows.len()];
    let mut conflicting: Vec<(usize, String)> = Vec::new();
    for (key, members) in &groups {
        let Some((&first, rest)) = members.split_first() else {
            continue;
        };
        // A row with the same key that was rejected on its own is a different row too.
        let rejected_twin = gone.get(&(table, key.clone())).map(|g| g.why.clone());
        if rest.is_empty() && rejected_twin.is_none() {
            continue;
        }
        let same = rejected_twin.is_none()
            && rest.iter().all(|&i| {
                rows[i].values == rows[first].values
                    && rows[i].personal_hash == rows[first].personal_hash
            });
        if same {
            for &i in rest {
                drop[i] = true;
                d.duplicates.push(rows[i].origin);
                d.warnings.push(Warning {
                    origin: rows[i].origin,
                    table: Some(table),
                    field: None,
                    rule: "exact_duplicate",
                    message: format!(
                        "exact duplicate of {}; kept once",
                        places.at(rows[first].origin)
                    ),
                });
            }
        } else {
            for &i in members {
                drop[i] = true;
                let others: Vec<String> = members
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| places.at(rows[j].origin))
                    .chain(rejected_twin.iter().map(|why| format!("{why} (rejected)")))
                    .collect();
                conflicting.push((i, format!(
                    "conflicting duplicate: {} «{key}» also appears with different values at {}; keep one correct row and delete or renumber the other",
                    table.key().join(" + "),
                    others.join(", ")
                )));
            }
        }
    }
    conflicting.sort_by_key(|(i, _)| *i);
    let mut kept = Vec::with_capacity(rows.len());
    let mut reasons: HashMap<usize, String> = conflicting.into_iter().collect();
    for (i, r) in rows.into_iter().enumerate() {
        if let Some(reason) = reasons.remove(&i) {
            if let Some(k) = key_of(table, &r.values) {
                let county = county_of_values(table, &r.values, parents, gone);
                gone.insert(
                    (table, k.clone()),
                    Gone {
                        why: format!("{}: conflicting duplicate", places.at(r.origin)),
                        county: county.clone(),
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
        } else if !drop[i] {
            kept.push(r);
        }
    }
    kept
}

type Fail = (&'static str, String, &'static str, String, Option<String>);

fn missing(
    parent: Table,
    field: &'static str,
    key: &str,
    gone: &HashMap<(Table, String), Gone>,
) -> Fail {
    let noun = match parent {
        Table::Funds => "fund",
        Table::Members => "member",
        _ => "loan",
    };
    match gone.get(&(parent, key.to_owned())) {
        Some(g) => (
            field,
            key.to_owned(),
            "rejected_parent",
            format!(
                "its {noun} «{key}» was rejected ({}); fix that row first",
                g.why
            ),
            g.county.clone(),
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
        ),
    }
}

/// Finds the row's parent; returns its county (and fund for installments).
fn check_parent(
    table: Table,
    r: &Record,
    parents: &HashMap<(Table, String), Parent>,
    gone: &HashMap<(Table, String), Gone>,
    places: &Places,
) -> Result<(String, Option<String>), Fail> {
    let _ = places;
    let fund = || {
        get(r, table, "fund_id")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let lookup = |parent: Table, field: &'static str, key: String| -> Result<&Parent, Fail> {
        parents
            .get(&(parent, key.clone()))
            .ok_or_else(|| missing(parent, field, &key, gone))
    };
    match table {
        Table::Funds => Ok((
            get(r, table, "county")
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            None,
        )),
        Table::Members | Table::Financing => {
            lookup(Table::Funds, "fund_id", fund()).map(|p| (p.county.clone(), None))
        }
        Table::Savings | Table::Loans => {
            let key = format!("{} / {}", fund(), s(get(r, table, "member_id")));
            lookup(Table::Members, "member_id", key).map(|p| (p.county.clone(), None))
        }
        Table::Installments => {
            let loan = s(get(r, table, "loan_id"));
            lookup(Table::Loans, "loan_id", loan)
                .map(|p| (p.county.clone(), Some(p.fund_id.clone())))
        }
        Table::Trainings => {
            let own = get(r, table, "county").as_str().map(str::to_owned);
            match get(r, table, "fund_id").as_str() {
                Some(f) => {
                    lookup(Table::Funds, "fund_id", f.to_owned()).map(|p| (p.county.clone(), None))
                }
                None => Ok((own.unwrap_or_else(|| PROVINCE_PARTITION.to_owned()), None)),
            }
        }
    }
}

fn county_of_values(
    table: Table,
    values: &[Value],
    parents: &HashMap<(Table, String), Parent>,
    gone: &HashMap<(Table, String), Gone>,
) -> Option<String> {
    let field = |name: &str| {
        table
            .fields()
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| values.get(i))
            .map(s)
            .filter(|v| !v.is_empty())
    };
    let via = |t: Table, k: String| {
        parents
            .get(&(t, k.clone()))
            .map(|p| p.county.clone())
            .or_else(|| gone.get(&(t, k)).and_then(|g| g.county.clone()))
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

/// Warnings between related rows: loans before joining, payments before the loan, schedules
/// short of the principal, withdrawals below a zero balance, a training's county that is not its
/// fund's.
fn warn_row_relations(
    d: &mut Decided,
    parents: &HashMap<(Table, String), Parent>,
    places: &Places,
) {
    let empty = Vec::new();
    let loans = d.landed.get(&Table::Loans).unwrap_or(&empty);
    let mut notes: Vec<(Origin, Table, &'static str, &'static str, String)> = Vec::new();
    for l in loans {
        let t = Table::Loans;
        let key = format!(
            "{} / {}",
            s(get(&l.record, t, "fund_id")),
            s(get(&l.record, t, "member_id"))
        );
        let (Some(m), Some(on)) = (
            parents.get(&(Table::Members, key)),
            get(&l.record, t, "disbursed_on").as_date(),
        ) else {
            continue;
        };
        if m.date.is_some_and(|j| on < j) {
            notes.push((l.record.origin, t, "disbursed_on", "loan_before_joining", format!(
                "the loan was disbursed on {} but the member joined on {} ({}); check both dates",
                s(&Value::Date(on)), m.date.map(|j| s(&Value::Date(j))).unwrap_or_default(), places.at(m.origin)
            )));
        }
    }
    let mut due_sums: HashMap<String, i64> = HashMap::new();
    for i in d.landed.get(&Table::Installments).unwrap_or(&empty) {
        let t = Table::Installments;
        let loan = s(get(&i.record, t, "loan_id"));
        *due_sums.entry(loan.clone()).or_default() +=
            get(&i.record, t, "due_amount").as_int().unwrap_or(0);
        let (Some(p), Some(paid)) = (
            parents.get(&(Table::Loans, loan.clone())),
            get(&i.record, t, "paid_on").as_date(),
        ) else {
            continue;
        };
        if p.date.is_some_and(|dis| paid < dis) {
            notes.push((
                i.record.origin,
                t,
                "paid_on",
                "payment_before_loan",
                format!(
                    "paid on {} but loan «{loan}» was disbursed on {}; check the payment date",
                    s(&Value::Date(paid)),
                    p.date.map(|x| s(&Value::Date(x))).unwrap_or_default()
                ),
            ));
        }
    }
    for l in loans {
        let loan = s(get(&l.record, Table::Loans, "loan_id"));
        let principal = get(&l.record, Table::Loans, "principal")
            .as_int()
            .unwrap_or(0);
        if let Some(&sum) = due_sums.get(&loan) {
            if sum < principal {
                notes.push((l.record.origin, Table::Loans, "principal", "schedule_short", format!(
                    "the installments of loan «{loan}» add up to {sum} rials, less than its principal {principal}; a row of the schedule may be missing"
                )));
            }
        }
    }
    // Savings balances, per member, day by day (deposits of a day before its withdrawals).
    let mut by_member: BTreeMap<String, Vec<(i32, bool, Origin, i64)>> = BTreeMap::new();
    for r in d.landed.get(&Table::Savings).unwrap_or(&empty) {
        let t = Table::Savings;
        let key = format!(
            "{} / {}",
            s(get(&r.record, t, "fund_id")),
            s(get(&r.record, t, "member_id"))
        );
        let withdrawal = get(&r.record, t, "kind").as_str() == Some("withdrawal");
        by_member.entry(key).or_default().push((
            get(&r.record, t, "date").as_date().unwrap_or(0),
            withdrawal,
            r.record.origin,
            get(&r.record, t, "amount").as_int().unwrap_or(0),
        ));
    }
    for (member, mut txs) in by_member {
        txs.sort();
        let mut balance: i64 = 0;
        for (day, withdrawal, origin, amount) in txs {
            if withdrawal {
                balance -= amount;
                if balance < 0 {
                    notes.push((origin, Table::Savings, "amount", "balance_below_zero", format!(
                        "this withdrawal on {} takes member «{member}»'s savings to {balance} rials; a deposit may be missing",
                        s(&Value::Date(day))
                    )));
                }
            } else {
                balance += amount;
            }
        }
    }
    for tr in d.landed.get(&Table::Trainings).unwrap_or(&empty) {
        let own = get(&tr.record, Table::Trainings, "county").as_str();
        if let Some(own) = own.filter(|o| *o != tr.county) {
            notes.push((
                tr.record.origin,
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

/// Transaction tables have no key, so the same fund's rows in two files may be one ledger sent
/// twice: warn (contract §4).
fn warn_transactions_in_several_files(d: &mut Decided, places: &Places) {
    for table in [Table::Savings, Table::Financing, Table::Trainings] {
        let mut files: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
        let mut first: HashMap<String, Origin> = HashMap::new();
        for r in d.landed.get(&table).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(f) = get(&r.record, table, "fund_id").as_str() {
                files
                    .entry(f.to_owned())
                    .or_default()
                    .insert(r.record.origin.file);
                first.entry(f.to_owned()).or_insert(r.record.origin);
            }
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
            d.warnings.push(Warning {
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
    }
}
