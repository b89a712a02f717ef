//! The last value seen in each of a sheet's first columns: a value repeated down a column (a
//! fund's code on each of its rows) is found again without hashing or allocating.

/// Columns whose last value is kept; cells beyond them are read without it.
pub const COLUMNS: usize = 256;

/// The last value of each of the first [`COLUMNS`] columns of a sheet.
#[derive(Debug)]
pub struct LastByColumn<T> {
    last: Vec<Option<T>>,
}

impl<T> Default for LastByColumn<T> {
    fn default() -> LastByColumn<T> {
        LastByColumn { last: Vec::new() }
    }
}

impl<T: Clone> LastByColumn<T> {
    /// The last value kept for column `col`.
    pub fn get(&self, col: usize) -> Option<&T> {
        self.last.get(col).and_then(Option::as_ref)
    }

    /// Keeps `value` as column `col`'s last (nothing for a column beyond [`COLUMNS`]); the
    /// vector grows with the columns actually read, never from a declared width.
    pub fn set(&mut self, col: usize, value: T) {
        if col >= COLUMNS {
            return;
        }
        if self.last.len() <= col {
            self.last.resize(col + 1, None);
        }
        self.last[col] = Some(value);
    }
}

#[cfg(test)]
mod tests {
    use super::{LastByColumn, COLUMNS};

    #[test]
    fn keeps_the_last_value_of_each_of_the_first_columns() {
        let mut last = LastByColumn::default();
        last.set(3, "a");
        last.set(3, "b");
        last.set(COLUMNS, "beyond");
        assert_eq!(last.get(3), Some(&"b"));
        assert_eq!(last.get(2), None);
        assert_eq!(last.get(COLUMNS), None);
    }
}
