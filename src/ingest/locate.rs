//! Which table a sheet holds, where its header row is, and which column feeds which field
//! (contract §1 "Which table a sheet or CSV file holds" and "Header row and data rows").

use super::read::{Cell, Row};
use crate::config::{County, Pipeline};
use crate::schema::Table;
use crate::text::{match_key, normalize, strip_continuation, unit_of, Unit};
use rustc_hash::FxHashMap as HashMap;

/// How many rows from the top may hold the header.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// Header and sheet-name lookups for every table, built once per run (and county) from the
/// schema, the pipeline's extra aliases and a county's own aliases and units.
#[derive(Debug, Clone)]
pub struct Matchers {
    sheet_names: HashMap<String, Table>,
    headers: Vec<(Table, HashMap<String, usize>)>,
    /// Units of amount columns whose header names none: (table, field index, unit).
    units: Vec<(Table, usize, Unit)>,
}

impl Matchers {
    /// Builds the province-wide lookups.
    pub fn new(pipeline: &Pipeline) -> Matchers {
        Matchers::for_county(pipeline, None)
    }

    /// Builds the lookups for the files of one county (or, with `None`, of none): the
    /// province-wide aliases and the county's own aliases and units.
    pub fn for_county(pipeline: &Pipeline, county: Option<&County>) -> Matchers {
        let mut sheet_names = HashMap::default();
        for t in Table::ALL {
            sheet_names.insert(match_key(t.name()), t);
            for a in t.sheet_aliases() {
                sheet_names.insert(match_key(a), t);
            }
        }
        let headers = Table::ALL
            .iter()
            .map(|&t| {
                let mut map = HashMap::default();
                for (i, f) in t.fields().iter().enumerate() {
                    let names = std::iter::once(f.name)
                        .chain(f.aliases.iter().copied())
                        .map(str::to_owned)
                        .chain(pipeline.extra_aliases(t, f.name).iter().cloned())
                        .chain(county_aliases(county, t, f.name).iter().cloned());
                    for n in names {
                        map.entry(match_key(&n)).or_insert(i);
                    }
                }
                (t, map)
            })
            .collect();
        let units = county
            .into_iter()
            .flat_map(|c| &c.units)
            .filter_map(|(table, fields)| {
                Table::ALL
                    .into_iter()
                    .find(|t| t.name() == table)
                    .map(|t| (t, fields))
            })
            .flat_map(|(t, fields)| {
                fields.iter().filter_map(move |(field, &unit)| {
                    let i = t.fields().iter().position(|f| f.name == field)?;
                    Some((t, i, Unit::from(unit)))
                })
            })
            .collect();
        Matchers {
            sheet_names,
            headers,
            units,
        }
    }

    /// Gives amount columns whose header names no unit the unit the county's settings set.
    fn apply_units(&self, mut plan: Plan) -> Plan {
        if let Plan::Read(layout) = &mut plan {
            for c in layout.columns.iter_mut().filter(|c| c.unit.is_none()) {
                c.unit = self
                    .units
                    .iter()
                    .find(|(t, f, _)| *t == layout.table && *f == c.field)
                    .map(|(_, _, u)| *u);
            }
        }
        plan
    }

    /// The table a sheet name (or CSV stem) names, ignoring a continuation number.
    pub fn table_by_name(&self, name: &str) -> Option<Table> {
        let n = normalize(name);
        self.sheet_names
            .get(&match_key(strip_continuation(&n)))
            .or_else(|| self.sheet_names.get(&match_key(&n)))
            .copied()
    }

    fn header_map(&self, table: Table) -> &HashMap<String, usize> {
        // Every table has an entry: `headers` is built from `Table::ALL`.
        self.headers
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, m)| m)
            .unwrap_or_else(|| &self.headers[0].1)
    }
}

/// A column that feeds a field.
#[derive(Debug, Clone)]
pub struct Column {
    /// 0-based column index (A = 0).
    pub index: usize,
    /// Index into `table.fields()`.
    pub field: usize,
    /// The header as written.
    pub header: String,
    /// Money unit named in the header.
    pub unit: Option<Unit>,
}

/// Where a sheet's table is and how its columns map.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The table.
    pub table: Table,
    /// Position of the header row in the sheet's rows.
    pub header_pos: usize,
    /// Spreadsheet row number of the header.
    pub header_row: u32,
    /// Mapped columns in sheet order.
    pub columns: Vec<Column>,
    /// Headers that map to no field (ignored, and listed in the report).
    pub ignored: Vec<String>,
    /// Whether the table was found by the sheet's name (rather than by its header).
    pub named: bool,
}

/// What to do with a sheet.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Read it as this table.
    Read(Layout),
    /// Not a table of ours: skipped and listed.
    Skip(String),
    /// Names a table but cannot be read safely: quarantined with the reason.
    Quarantine(String),
}

/// Spreadsheet column letters: 0 → A, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn header_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        other => {
            let t = normalize(&other.display());
            (!t.is_empty()).then_some(t)
        }
    }
}

/// A header cell that names a field: (column, field index, header as written).
type Match = (usize, usize, String);

/// Matches a row's cells against a table's header names: (column, field, header) triples.
fn match_row(row: &Row, map: &HashMap<String, usize>) -> Vec<(usize, usize, String)> {
    row.cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let h = header_text(c)?;
            map.get(&match_key(&h)).map(|&f| (i, f, h))
        })
        .collect()
}

fn required_missing(table: Table, matched: &[(usize, usize, String)]) -> Vec<&'static str> {
    table
        .fields()
        .iter()
        .enumerate()
        .filter(|(i, f)| f.required && !matched.iter().any(|(_, mf, _)| mf == i))
        .map(|(_, f)| f.name)
        .collect()
}

/// The first of the top rows that holds every required field of `table`, with its matches.
fn find_header(
    rows: &[Row],
    table: Table,
    m: &Matchers,
) -> Result<(usize, Vec<Match>), Vec<&'static str>> {
    let map = m.header_map(table);
    let mut best_missing: Option<Vec<&'static str>> = None;
    for (pos, row) in rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.cells.is_empty())
        .take(HEADER_SEARCH_ROWS)
    {
        let matched = match_row(row, map);
        let missing = required_missing(table, &matched);
        if missing.is_empty() {
            return Ok((pos, matched));
        }
        if best_missing
            .as_ref()
            .is_none_or(|b| missing.len() < b.len())
        {
            best_missing = Some(missing);
        }
    }
    Err(best_missing.unwrap_or_else(|| {
        table
            .fields()
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect()
    }))
}

/// Decides what a sheet holds. `name` is the sheet name, or the CSV file's stem.
pub fn plan(name: &str, rows: &[Row], m: &Matchers) -> Plan {
    if rows.iter().all(row_is_blank) {
        return Plan::Skip(EMPTY_SHEET.into());
    }
    plan_from_head(name, rows, m)
}

/// Why an empty sheet is skipped.
pub const EMPTY_SHEET: &str = "the sheet is empty";

/// Whether every cell of a row is blank.
pub fn row_is_blank(row: &Row) -> bool {
    row.cells.iter().all(Cell::is_blank)
}

/// Decides what a sheet holds from its first rows alone (at least its first
/// [`HEADER_SEARCH_ROWS`] rows with cells, or all of them), for a sheet that is not blank.
/// The caller tells an empty sheet from the rest of its rows (see [`plan`]).
pub fn plan_from_head(name: &str, rows: &[Row], m: &Matchers) -> Plan {
    m.apply_units(plan_unit_as_written(name, rows, m))
}

fn county_aliases<'a>(county: Option<&'a County>, table: Table, field: &str) -> &'a [String] {
    county
        .and_then(|c| c.aliases.get(table.name()))
        .and_then(|f| f.get(field))
        .map_or(&[], Vec::as_slice)
}

fn plan_unit_as_written(name: &str, rows: &[Row], m: &Matchers) -> Plan {
    if let Some(table) = m.table_by_name(name) {
        return match find_header(rows, table, m) {
            Ok((pos, matched)) => layout(table, pos, matched, rows, true),
            Err(missing) => Plan::Quarantine(format!(
                "the name says it holds {} but none of its first {HEADER_SEARCH_ROWS} rows has a header with every required field; missing: {}. Add those columns (or rename them to a known header)",
                table.name(),
                missing.join(", ")
            )),
        };
    }
    let mut best: Option<(usize, Table, usize, Vec<Match>)> = None;
    for table in Table::ALL {
        if let Ok((pos, matched)) = find_header(rows, table, m) {
            let fields = distinct_fields(&matched);
            if best.as_ref().is_none_or(|(n, ..)| fields > *n) {
                best = Some((fields, table, pos, matched));
            }
        }
    }
    match best {
        Some((_, table, pos, matched)) => layout(table, pos, matched, rows, false),
        None => Plan::Skip("neither its name nor its header matches any table".into()),
    }
}

fn distinct_fields(matched: &[(usize, usize, String)]) -> usize {
    let mut f: Vec<usize> = matched.iter().map(|m| m.1).collect();
    f.sort_unstable();
    f.dedup();
    f.len()
}

fn layout(
    table: Table,
    pos: usize,
    matched: Vec<(usize, usize, String)>,
    rows: &[Row],
    named: bool,
) -> Plan {
    let header = &rows[pos];
    for (i, (col, field, h)) in matched.iter().enumerate() {
        if let Some((col2, _, h2)) = matched[i + 1..].iter().find(|(_, f2, _)| f2 == field) {
            return Plan::Quarantine(format!(
                "columns {} «{h}» and {} «{h2}» (row {}) both mean the field {}; the sheet is ambiguous. Rename or delete one of them",
                column_letter(*col),
                column_letter(*col2),
                header.number,
                table.fields()[*field].name
            ));
        }
    }
    let ignored = header
        .cells
        .iter()
        .enumerate()
        .filter(|(i, _)| !matched.iter().any(|(c, _, _)| c == i))
        .filter_map(|(i, c)| header_text(c).map(|h| format!("{} «{h}»", column_letter(i))))
        .collect();
    let columns = matched
        .into_iter()
        .map(|(index, field, header)| Column {
            unit: unit_of(&header),
            index,
            field,
            header,
        })
        .collect();
    Plan::Read(Layout {
        table,
        header_pos: pos,
        header_row: header.number,
        columns,
        ignored,
        named,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: u32, cells: &[&str]) -> Row {
        Row {
            number,
            cells: cells
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text((*c).into())
                    }
                })
                .collect(),
        }
    }

    fn matchers() -> Matchers {
        Matchers::new(&Pipeline::default_pipeline())
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn finds_table_by_name_and_header_below_titles() {
        let rows = vec![
            row(1, &["گزارش اقساط"]),
            row(2, &["شهرستان زنجان"]),
            row(
                4,
                &[
                    "كد وام",
                    "شماره قسط",
                    "تاريخ سررسيد",
                    "مبلغ قسط (تومان)",
                    "ملاحظات",
                ],
            ),
            row(5, &["L1", "1", "1399/08/01", "100"]),
        ];
        let m = matchers();
        assert_eq!(m.table_by_name("اقساط ۲"), Some(Table::Installments));
        assert_eq!(m.table_by_name("Savings (2)"), Some(Table::Savings));
        let Plan::Read(l) = plan("اقساط ۲", &rows, &m) else {
            panic!("not read")
        };
        assert_eq!(l.table, Table::Installments);
        assert_eq!(l.header_row, 4);
        assert_eq!(l.columns.len(), 4);
        assert_eq!(l.columns[3].unit, Some(Unit::Toman));
        assert_eq!(l.ignored, vec!["E «ملاحظات»".to_string()]);
    }

    #[test]
    fn finds_table_by_header_with_most_fields() {
        let rows = vec![row(1, &["fund_id", "member_id", "date", "amount", "kind"])];
        let Plan::Read(l) = plan("Sheet1", &rows, &matchers()) else {
            panic!("not read")
        };
        assert_eq!(
            l.table,
            Table::Savings,
            "financing matches 3 fields, savings 5"
        );
        let rows = vec![row(1, &["fund_id", "date", "amount", "source"])];
        let Plan::Read(l) = plan("Sheet1", &rows, &matchers()) else {
            panic!("not read")
        };
        assert_eq!(l.table, Table::Financing);
    }

    #[test]
    fn skips_and_quarantines() {
        let rows = vec![row(1, &["x", "y"])];
        assert!(matches!(plan("Sheet1", &rows, &matchers()), Plan::Skip(_)));
        let Plan::Quarantine(why) = plan("loans", &rows, &matchers()) else {
            panic!()
        };
        assert!(
            why.contains("loan_id") && why.contains("principal"),
            "{why}"
        );
        let rows = vec![row(
            1,
            &[
                "fund_id",
                "کد صندوق",
                "fund_name",
                "county",
                "established_on",
            ],
        )];
        let Plan::Quarantine(why) = plan("funds", &rows, &matchers()) else {
            panic!()
        };
        assert!(
            why.contains("A «fund_id»") && why.contains("B «کد صندوق»"),
            "{why}"
        );
        assert!(matches!(
            plan("funds", &[row(1, &[""])], &matchers()),
            Plan::Skip(_)
        ));
    }
}
