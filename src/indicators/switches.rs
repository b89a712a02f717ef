//! Counting entities whose state switches on and off: a household is active while one of its
//! members is, a member is a borrower while she is active and has an open loan.
//!
//! Each entity has running counts (active members; active and open loans) moved by ±1 events
//! at quarter indexes; the entity is *on* while every count is above 0. What a fund's stock
//! needs is the change (+1 or −1) at each quarter where an entity switches.

use super::buckets::Buckets;

/// The events of every entity.
#[derive(Default)]
pub struct Switches {
    entity: Vec<Option<u32>>,
    qi: Vec<i32>,
    deltas: Vec<[i32; 2]>,
}

impl Switches {
    /// Records `deltas` of the entity's counts at quarter index `qi`.
    pub fn push(&mut self, entity: u32, qi: i32, deltas: [i32; 2]) {
        self.entity.push(Some(entity));
        self.qi.push(qi);
        self.deltas.push(deltas);
    }

    /// Calls `on_change(entity, qi, ±1)` at every quarter where an entity of `entities` switches
    /// on or off, with `counts` (1 or 2) running counts that must all be above 0.
    pub fn changes(
        &self,
        entities: usize,
        counts: usize,
        mut on_change: impl FnMut(u32, i32, i64),
    ) {
        let buckets = Buckets::new(&self.entity, entities);
        let mut rows: Vec<u32> = Vec::new();
        for e in 0..entities {
            rows.clear();
            rows.extend_from_slice(buckets.of(e));
            rows.sort_by_key(|&r| self.qi[r as usize]);
            let mut running = [0i64; 2];
            let mut was_on = false;
            let mut i = 0;
            while i < rows.len() {
                let qi = self.qi[rows[i] as usize];
                while i < rows.len() && self.qi[rows[i] as usize] == qi {
                    let d = self.deltas[rows[i] as usize];
                    running[0] += i64::from(d[0]);
                    running[1] += i64::from(d[1]);
                    i += 1;
                }
                let on = running[..counts].iter().all(|&r| r > 0);
                if on != was_on {
                    on_change(e as u32, qi, if on { 1 } else { -1 });
                    was_on = on;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Switches;

    #[test]
    fn an_entity_counts_while_every_count_is_above_zero() {
        let mut s = Switches::default();
        // entity 0: active 1..4, a loan open 2..3 → on at 2, off at 3
        s.push(0, 1, [1, 0]);
        s.push(0, 4, [-1, 0]);
        s.push(0, 3, [0, -1]);
        s.push(0, 2, [0, 1]);
        // entity 1: a loan but never active → never on
        s.push(1, 0, [0, 1]);
        let mut seen = Vec::new();
        s.changes(2, 2, |e, q, c| seen.push((e, q, c)));
        assert_eq!(seen, vec![(0, 2, 1), (0, 3, -1)]);
        let mut seen = Vec::new();
        s.changes(2, 1, |e, q, c| seen.push((e, q, c)));
        assert_eq!(seen, vec![(0, 1, 1), (0, 4, -1)]);
    }
}
