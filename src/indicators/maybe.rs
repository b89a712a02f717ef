//! Columns of optional numbers held at their own width, a blank as the one value no real one
//! takes: an `Option<i64>` per installment took 16 bytes, an `Option<i32>` 8, and the
//! installments' seven such columns were ~75 MB of the indicators' peak at scale 1.

/// A number type with a value that stands for a blank.
pub trait Blankable: Copy + PartialEq {
    /// The value held for a blank.
    const BLANK: Self;
}

impl Blankable for i32 {
    const BLANK: i32 = i32::MIN;
}

impl Blankable for i64 {
    const BLANK: i64 = i64::MIN;
}

impl Blankable for u32 {
    const BLANK: u32 = u32::MAX;
}

/// Optional values, one per row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Maybe<T>(Vec<T>);

impl<T: Blankable> Maybe<T> {
    /// The values of `rows` (`expected` of them: the room reserved at once, where an iterator
    /// over a frame's chunks tells no length), or the first value that is
    /// [`Blankable::BLANK`] itself (which this column cannot tell from a blank).
    pub fn collect(
        rows: impl IntoIterator<Item = Option<T>>,
        expected: usize,
    ) -> Result<Maybe<T>, T> {
        let rows = rows.into_iter();
        let mut out = Vec::with_capacity(expected.max(rows.size_hint().0));
        for v in rows {
            match v {
                Some(x) if x == T::BLANK => return Err(x),
                Some(x) => out.push(x),
                None => out.push(T::BLANK),
            }
        }
        Ok(Maybe(out))
    }

    /// Row `i`'s value (`None`: blank, or past the end).
    #[inline]
    pub fn at(&self, i: usize) -> Option<T> {
        self.0.get(i).copied().filter(|&x| x != T::BLANK)
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_blanks_read_back_as_they_were() {
        let rows = [Some(3i64), None, Some(-7), Some(0)];
        let m = Maybe::collect(rows, 4).unwrap();
        assert_eq!(
            (0..5).map(|i| m.at(i)).collect::<Vec<_>>(),
            vec![Some(3), None, Some(-7), Some(0), None]
        );
        assert_eq!(m.len(), 4);
        let days = Maybe::collect([None, Some(i32::MAX)], 0).unwrap();
        assert_eq!(days.at(1), Some(i32::MAX));
    }

    #[test]
    fn the_blank_value_itself_is_refused() {
        assert_eq!(
            Maybe::collect([Some(1i32), Some(i32::MIN)], 2),
            Err(i32::MIN)
        );
        assert_eq!(Maybe::collect([Some(u32::MAX)], 1), Err(u32::MAX));
        assert_eq!(Maybe::collect([Some(i64::MIN)], 1), Err(i64::MIN));
        assert_eq!(Maybe::<i64>::collect([], 0).unwrap().len(), 0);
    }
}
