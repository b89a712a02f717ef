//! One sheet as its rows stream in: the first rows are held until the header can be located
//! (at most [`HEADER_SEARCH_ROWS`] rows with cells, plus the blank rows among them); from then
//! on each row is parsed as it arrives and dropped. A sheet's memory is its records, never its
//! cells.

use super::locate::{self, Matchers, Plan, HEADER_SEARCH_ROWS};
use super::read::Row;
use super::rows::{ParsedRows, RowContext};
use super::SheetOutcome;

enum State {
    /// Rows before the table is located.
    Head { rows: Vec<Row>, with_cells: usize },
    /// Located: rows are parsed as they come (boxed: the other states are small).
    Body { plan: Plan, parsed: Box<ParsedRows> },
    /// Not read; only whether any row is not blank still matters (an empty sheet is skipped
    /// as empty, whatever its name says).
    Rest { plan: Plan, not_blank: bool },
}

/// Builds the outcome of one sheet from its rows.
pub struct SheetBuilder<'a> {
    name: Option<String>,
    name_for_match: String,
    file: u32,
    sheet: u32,
    matchers: &'a Matchers,
    ctx: &'a RowContext,
    state: State,
    /// For a CSV file: the lines of a record whose quote is never closed.
    csv_open_quote: Option<(u32, u32)>,
}

impl<'a> SheetBuilder<'a> {
    /// A sheet named `name` (`None` for CSV, matched by `name_for_match`, the file's stem).
    pub fn new(
        name: Option<String>,
        name_for_match: String,
        (file, sheet): (u32, u32),
        matchers: &'a Matchers,
        ctx: &'a RowContext,
    ) -> SheetBuilder<'a> {
        SheetBuilder {
            name,
            name_for_match,
            file,
            sheet,
            matchers,
            ctx,
            state: State::Head {
                rows: Vec::new(),
                with_cells: 0,
            },
            csv_open_quote: None,
        }
    }

    /// For a CSV file: the lines (first, last) of a record whose quote is never closed
    /// ([`super::read::Sheet::open_quote`]); that record is rejected saying so.
    pub fn csv_open_quote(&mut self, lines: Option<(u32, u32)>) {
        self.csv_open_quote = lines;
    }

    /// Takes the next row of the sheet (a copy is kept only of the first rows, until the
    /// header is found).
    pub fn push(&mut self, row: &Row) {
        match &mut self.state {
            State::Head { rows, with_cells } => {
                *with_cells += usize::from(!row.cells.is_empty());
                rows.push(row.clone());
                if *with_cells >= HEADER_SEARCH_ROWS {
                    self.locate();
                }
            }
            State::Body { plan, parsed } => {
                if let Plan::Read(layout) = plan {
                    parsed.push(self.file, self.sheet, row, layout, self.ctx);
                }
            }
            State::Rest { not_blank, .. } => {
                if !*not_blank && !locate::row_is_blank(row) {
                    *not_blank = true;
                }
            }
        }
    }

    fn locate(&mut self) {
        let State::Head { rows, .. } = &mut self.state else {
            return;
        };
        let rows = std::mem::take(rows);
        let plan = locate::plan_from_head(&self.name_for_match, &rows, self.matchers);
        self.state = match plan {
            Plan::Read(layout) => {
                // A CSV file (no sheet name): lines wider than the header are shifted.
                // A CSV line wider than its header is shifted. A column without a header would
                // look the same, as would a thousands separator left unquoted on every line:
                // the lines are rejected (visibly) rather than landed with values moved over.
                let mut parsed = match &self.name {
                    None => ParsedRows::for_csv(
                        rows.get(layout.header_pos).map_or(0, |h| h.cells.len()),
                    )
                    .with_open_quote(self.csv_open_quote),
                    Some(_) => ParsedRows::default(),
                };
                for row in &rows[layout.header_pos + 1..] {
                    parsed.push(self.file, self.sheet, row, &layout, self.ctx);
                }
                State::Body {
                    plan: Plan::Read(layout),
                    parsed: Box::new(parsed),
                }
            }
            other => State::Rest {
                plan: other,
                not_blank: !rows.iter().all(locate::row_is_blank),
            },
        };
    }

    /// The sheet's outcome, once every row has been pushed.
    pub fn finish(mut self) -> SheetOutcome {
        if matches!(self.state, State::Head { .. }) {
            self.locate();
        }
        let (plan, parsed) = match self.state {
            State::Body { plan, mut parsed } => {
                parsed.finish();
                (plan, *parsed)
            }
            State::Rest { plan, not_blank } => {
                let plan = if not_blank {
                    plan
                } else {
                    Plan::Skip(locate::EMPTY_SHEET.into())
                };
                (plan, ParsedRows::default())
            }
            State::Head { .. } => (
                Plan::Skip(locate::EMPTY_SHEET.into()),
                ParsedRows::default(),
            ),
        };
        SheetOutcome {
            name: self.name,
            plan,
            parsed,
        }
    }
}
