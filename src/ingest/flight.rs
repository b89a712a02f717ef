//! Bytes in flight: how much of the input the reading threads hold at once
//! (`[limits] in_flight_mb`). A file starts only while the files being read leave room for its
//! bytes; a file larger than the whole budget waits until it can be read alone. The bytes of a
//! file are the bound of what its reading holds besides its rows (the file itself, its shared
//! strings and inflate buffers grow with it), so this keeps two large files from being held
//! together.

use std::sync::{Condvar, Mutex};

/// The budget, shared by the reading threads.
pub struct InFlight {
    budget: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// Bytes taken from the budget, given back when dropped.
pub struct Taken<'a> {
    flight: &'a InFlight,
    bytes: u64,
}

impl InFlight {
    /// A budget of `budget` bytes.
    pub fn new(budget: u64) -> InFlight {
        InFlight {
            budget,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `bytes` fit (or nothing else is in flight), then takes them.
    pub fn take(&self, bytes: u64) -> Taken<'_> {
        // A poisoned lock only means another reading thread panicked; the count stays right.
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        while *used > 0 && used.saturating_add(bytes) > self.budget {
            used = self.freed.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used = used.saturating_add(bytes);
        Taken {
            flight: self,
            bytes,
        }
    }

    /// Bytes in flight now.
    pub fn used(&self) -> u64 {
        *self.used.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        let mut used = self.flight.used.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(self.bytes);
        self.flight.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::InFlight;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn files_wait_for_room_and_a_large_one_goes_alone() {
        let flight = InFlight::new(100);
        let most = AtomicU64::new(0);
        let sizes = [60u64, 60, 30, 150, 10, 90, 40];
        std::thread::scope(|s| {
            for &n in &sizes {
                let (flight, most) = (&flight, &most);
                s.spawn(move || {
                    let _t = flight.take(n);
                    let now = flight.used();
                    // Over the budget only when this file is alone.
                    assert!(now <= 100 || now == n, "{now} in flight with a file of {n}");
                    most.fetch_max(now, Ordering::Relaxed);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                });
            }
        });
        assert_eq!(flight.used(), 0);
        assert!(most.load(Ordering::Relaxed) >= 100, "the 150 went through");
    }
}
