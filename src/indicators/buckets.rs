//! Rows grouped by a dense key (a fund, a loan, a household) in linear time: a counting sort
//! that keeps each group's rows in their original order.

/// The rows of every key, each group in row order.
pub struct Buckets {
    offsets: Vec<usize>,
    rows: Vec<u32>,
}

impl Buckets {
    /// Groups row `i` under `keys[i]` (rows without a key are left out); keys are below `n`.
    pub fn new(keys: &[Option<u32>], n: usize) -> Buckets {
        let mut offsets = vec![0usize; n + 1];
        for k in keys.iter().flatten() {
            offsets[*k as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; offsets[n]];
        for (i, k) in keys.iter().enumerate() {
            if let Some(k) = k {
                let slot = &mut next[*k as usize];
                rows[*slot] = i as u32;
                *slot += 1;
            }
        }
        Buckets { offsets, rows }
    }

    /// The rows of key `k`, in row order.
    pub fn of(&self, k: usize) -> &[u32] {
        match (self.offsets.get(k), self.offsets.get(k + 1)) {
            (Some(&a), Some(&b)) => &self.rows[a..b],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Buckets;

    #[test]
    fn rows_are_grouped_by_key_in_their_order() {
        let b = Buckets::new(&[Some(2), None, Some(0), Some(2), Some(0)], 3);
        assert_eq!(b.of(0), &[2, 4]);
        assert_eq!(b.of(1), &[] as &[u32]);
        assert_eq!(b.of(2), &[0, 3]);
        assert_eq!(b.of(3), &[] as &[u32]);
    }
}
