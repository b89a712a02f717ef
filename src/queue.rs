//! Work dealt out from a queue to every core of the thread pool, in the queue's order.

/// Runs `work` on every item of `queue` on every core of the pool, each core taking the next
/// item in the queue's order as soon as it is free; returns the results in the order they were
/// done. With the largest items first (ingest's files) or the longest (the report's workbooks),
/// the last to finish is a small one. (A parallel iterator splits the queue in halves up front
/// instead: at scale 1 one core read the four largest files and the other the rest, and the
/// first read its last file alone for 50 ms.)
pub fn in_queue_order<T: Send, R: Send>(queue: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let count = queue.len();
    let queue = std::sync::Mutex::new(queue.into_iter());
    let done = std::sync::Mutex::new(Vec::with_capacity(count));
    // Neither lock is held while an item is worked on, so neither can be poisoned by it.
    let next = || queue.lock().unwrap_or_else(|p| p.into_inner()).next();
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads().min(count) {
            scope.spawn(|_| {
                while let Some(item) = next() {
                    let result = work(item);
                    done.lock().unwrap_or_else(|p| p.into_inner()).push(result);
                }
            });
        }
    });
    done.into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_worked_on_once() {
        let mut done = in_queue_order((0..100u32).collect(), |i| i * 2);
        done.sort_unstable();
        assert_eq!(done, (0..100u32).map(|i| i * 2).collect::<Vec<_>>());
        assert!(in_queue_order(Vec::<u32>::new(), |i| i).is_empty());
    }

    #[test]
    fn one_core_takes_the_items_in_the_queue_order() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let queue = vec![5u32, 1, 4, 2, 3];
        let done = pool.install(|| in_queue_order(queue.clone(), |i| i));
        assert_eq!(done, queue);
    }
}
