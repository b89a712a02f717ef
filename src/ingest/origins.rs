//! Where each row of a table came from, held compactly: its row number (4 bytes a row), and the
//! file and sheet once per run of rows from one sheet. A whole [`Origin`] per row took 12 bytes,
//! written twice (each sheet's rows, then the sheets put together): ~8k page faults at scale 1.

use super::model::Origin;

/// The origins of a table's rows, in row order.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// Each row's spreadsheet row number.
    rows: Vec<u32>,
    /// Each run of rows from one sheet: its first row's index, the file and the sheet. Runs
    /// are in order, none is empty, and two in a row are of different sheets.
    runs: Vec<Run>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    start: usize,
    file: u32,
    sheet: u32,
}

impl Origins {
    /// How many rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds the origin of the next row.
    pub fn push(&mut self, o: Origin) {
        let run = Run {
            start: self.rows.len(),
            file: o.file,
            sheet: o.sheet,
        };
        start_run(&mut self.runs, run);
        self.rows.push(o.row);
    }

    /// The origin of row `i`.
    pub fn get(&self, i: usize) -> Option<Origin> {
        let row = *self.rows.get(i)?;
        // The last run starting at or before `i` (runs are few: a table's sheets).
        let run = self.runs.partition_point(|r| r.start <= i).checked_sub(1)?;
        let r = self.runs.get(run)?;
        Some(Origin {
            file: r.file,
            sheet: r.sheet,
            row,
        })
    }

    /// Every row's origin, in order, walking the runs alongside.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Origin> + '_ {
        let mut run = 0;
        self.rows.iter().enumerate().map(move |(i, &row)| {
            while self.runs.get(run + 1).is_some_and(|r| r.start <= i) {
                run += 1;
            }
            let (file, sheet) = self.runs.get(run).map_or((0, 0), |r| (r.file, r.sheet));
            Origin { file, sheet, row }
        })
    }

    /// `parts` one after the other. The first part's rows are grown to hold the rest (a large
    /// block is remapped, not copied).
    pub fn concat(parts: impl IntoIterator<Item = Origins>) -> Origins {
        let mut parts = parts.into_iter();
        let Some(mut out) = parts.next() else {
            return Origins::default();
        };
        let parts: Vec<Origins> = parts.collect();
        out.rows
            .reserve_exact(parts.iter().map(Origins::len).sum::<usize>());
        for mut p in parts {
            let offset = out.rows.len();
            out.rows.append(&mut p.rows);
            for r in p.runs {
                let run = Run {
                    start: r.start + offset,
                    ..r
                };
                start_run(&mut out.runs, run);
            }
        }
        out
    }

    /// Keeps the rows whose `keep` is true (none past its end), in order.
    pub fn retain(&mut self, keep: &[bool]) {
        let kept = |i: usize| keep.get(i).copied().unwrap_or(false);
        let mut runs = Vec::with_capacity(self.runs.len());
        let kept_origins = self.iter().enumerate().filter(|&(i, _)| kept(i));
        for (start, (_, o)) in kept_origins.enumerate() {
            let run = Run {
                start,
                file: o.file,
                sheet: o.sheet,
            };
            start_run(&mut runs, run);
        }
        self.runs = runs;
        let mut i = 0;
        self.rows.retain(|_| {
            i += 1;
            kept(i - 1)
        });
    }

    /// Gives back the room grown for rows that never came.
    pub fn shrink_to_fit(&mut self) {
        self.rows.shrink_to_fit();
        self.runs.shrink_to_fit();
    }
}

/// Adds `run` to `runs` unless the last run is of the same sheet, whose rows it continues.
fn start_run(runs: &mut Vec<Run>, run: Run) {
    let same = runs
        .last()
        .is_some_and(|l| l.file == run.file && l.sheet == run.sheet);
    if !same {
        runs.push(run);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(file: u32, sheet: u32, row: u32) -> Origin {
        Origin { file, sheet, row }
    }

    fn of(list: &[Origin]) -> Origins {
        let mut out = Origins::default();
        list.iter().for_each(|&x| out.push(x));
        out
    }

    fn all(x: &Origins) -> Vec<Origin> {
        let walked: Vec<Origin> = x.iter().collect();
        let got: Vec<Origin> = (0..x.len()).filter_map(|i| x.get(i)).collect();
        assert_eq!(walked, got, "walking and looking up agree");
        walked
    }

    #[test]
    fn each_row_keeps_its_file_sheet_and_row() {
        let list = [o(0, 1, 2), o(0, 1, 3), o(2, 0, 2), o(0, 1, 9), o(0, 1, 10)];
        let x = of(&list);
        assert_eq!(all(&x), list);
        assert_eq!(x.runs.len(), 3, "a run per stretch of one sheet");
        assert_eq!(x.get(5), None);
        assert!(Origins::default().get(0).is_none());
    }

    #[test]
    fn parts_put_together_in_order_and_runs_merge_across_parts() {
        let a = [o(0, 0, 2), o(0, 0, 3)];
        let b = [o(0, 0, 4), o(1, 0, 2)];
        let c = [o(3, 2, 7)];
        let x = Origins::concat([of(&a), Origins::default(), of(&b), of(&c)]);
        let expected: Vec<Origin> = a.iter().chain(&b).chain(&c).copied().collect();
        assert_eq!(all(&x), expected);
        assert_eq!(x.runs.len(), 3);
        assert!(Origins::concat([]).is_empty());
    }

    #[test]
    fn kept_rows_keep_their_origins_and_emptied_runs_go() {
        let list = [o(0, 0, 2), o(1, 0, 2), o(1, 0, 3), o(0, 0, 5), o(2, 0, 2)];
        let mut x = of(&list);
        // The second sheet's rows all go: the first sheet's two runs become one.
        x.retain(&[true, false, false, true]);
        assert_eq!(all(&x), vec![o(0, 0, 2), o(0, 0, 5)]);
        assert_eq!(x.runs.len(), 1);
        let mut y = of(&list);
        y.retain(&[false, true, true, false, true]);
        assert_eq!(all(&y), vec![o(1, 0, 2), o(1, 0, 3), o(2, 0, 2)]);
        let mut none = of(&list);
        none.retain(&[]);
        assert!(none.is_empty() && none.runs.is_empty());
    }
}
