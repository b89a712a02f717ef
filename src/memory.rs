//! How the `sandogh` binary asks glibc's allocator to treat large blocks, step by step.
//!
//! By default the binary has blocks of 128 KiB and more mapped on their own and handed back to
//! the system when freed ([`return_large_blocks`]): glibc's own default raises that threshold as
//! such blocks are freed, after which big blocks come from the reading threads' arenas, whose
//! freed memory the thread that gathers the sheets does not reuse (ingest's rows sat in memory
//! twice: peak 396 → 313 MiB at scale 1 with the threshold fixed).
//!
//! The price is a fresh, zeroed mapping for every large block: steps that build and drop the same
//! large buffers over and over (the lake's writer builds and encodes a frame per 65,536 rows; the
//! indicators build and drop a frame per table) paid a page fault per 4 KiB each time. Those steps
//! run [`reusing_large_blocks`]: blocks up to 64 MiB then come from the arenas and are reused when
//! freed, which took about 0.1 s (and 0.2 s of system time) off writing the scale-1 lake and off
//! the indicators, for 5–15 MiB more at their peak. The report stage runs so too (its pixmaps
//! and workbook parts: 47k → 22k page faults at scale 1, its peak 98 → 134 MiB, still below
//! ingest's). Inside such a step the free memory at the top of each of an arena's heaps is kept
//! too, up to 64 MiB (the size of a thread arena's heap), where glibc gives back all but 128 KiB
//! of it at once: the indicators faulted the same pages in again for every frame (a quarter of
//! their time at scale 1). Keeping it took the indicators from 0.32 to 0.30 s and `sandogh run`
//! from 1.73 to 1.67 s, for 25–45 MiB more at their peak (measured on 2 cores: glibc makes up to
//! 8 arenas per core, so more cores may keep more). Once the step is over both settings are put
//! back; the memory the step kept is handed back by `malloc_trim`, which `sandogh run` calls
//! between stages (a process that ends after the step gives everything back anyway). The
//! binary's settings replace any `MALLOC_TRIM_THRESHOLD_` a user set.
//!
//! Only the binary turns this on ([`manage`]); library users and tests keep glibc's defaults,
//! for which [`reusing_large_blocks`] just runs its step ([`release_freed`], a `malloc_trim`,
//! is done for every caller, as `sandogh run` always did). Linux with glibc only.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the binary has asked for the policy above.
static MANAGED: AtomicBool = AtomicBool::new(false);

/// Blocks this large and larger are mapped on their own, outside [`reusing_large_blocks`].
const RETURNED_FROM: i32 = 128 * 1024;

/// Inside [`reusing_large_blocks`], blocks below this come from the arenas.
const REUSED_BELOW: i32 = 64 * 1024 * 1024;

/// glibc's default: free memory at the top of an arena beyond this is handed back at once.
const TRIMMED_FROM: i32 = 128 * 1024;

/// Inside [`reusing_large_blocks`], free memory at the top of an arena is kept up to this.
const KEPT_UP_TO: i32 = 64 * 1024 * 1024;

/// Turns the policy on for this process: large blocks are returned to the system when freed
/// from now on. Called by the binary before any thread starts.
pub fn manage() {
    MANAGED.store(true, Ordering::SeqCst);
    return_large_blocks();
}

/// Large blocks mapped on their own and handed back when freed, and free memory at the top
/// of an arena handed back too (when [`manage`]d).
fn return_large_blocks() {
    set(Setting::MmapThreshold, RETURNED_FROM);
    set(Setting::TrimThreshold, TRIMMED_FROM);
}

/// Runs `step` with blocks below 64 MiB kept by the allocator for reuse when freed, then
/// returns to [`return_large_blocks`] (when [`manage`]d; otherwise just runs `step`).
///
/// The free memory at the top of each arena is kept as well: with glibc's trim threshold
/// (128 KiB), every free that left more than that at an arena's top gave the pages back
/// (`madvise`), and the next frame faulted them in again: a quarter of the indicators'
/// time at scale 1 was page faults.
pub fn reusing_large_blocks<T>(step: impl FnOnce() -> T) -> T {
    set(Setting::MmapThreshold, REUSED_BELOW);
    set(Setting::TrimThreshold, KEPT_UP_TO);
    let out = step();
    return_large_blocks();
    out
}

/// Hands the memory freed so far back to the system, so that the stages after ingest in a
/// `sandogh run` do not stack their peak on top of ingest's (glibc keeps freed memory in its
/// arenas).
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused memory of the allocator's own arenas to the
    // system; it touches no memory that is in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Drops `held` and then hands the freed memory back ([`release_freed`]) on a thread of its
/// own, so that the next step starts at once: a stage's outcome (ingest's rows are millions of
/// shared texts, each released one by one) takes tens of milliseconds to free. Where no thread
/// can be started, it is done here.
pub fn release_in_background<T: Send + 'static>(held: T) {
    let spawned = std::thread::Builder::new()
        .name("sandogh-free".into())
        .spawn(move || {
            drop(held);
            release_freed();
        });
    if spawned.is_err() {
        // The closure, and what it held, was dropped with the error.
        release_freed();
    }
}

/// The allocator parameters this module sets.
#[derive(Clone, Copy)]
enum Setting {
    /// Blocks this large and larger are mapped on their own.
    MmapThreshold,
    /// Free memory at an arena's top beyond this is handed back.
    TrimThreshold,
}

fn set(setting: Setting, bytes: i32) {
    if !MANAGED.load(Ordering::SeqCst) {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let parameter = match setting {
            Setting::MmapThreshold => libc::M_MMAP_THRESHOLD,
            Setting::TrimThreshold => libc::M_TRIM_THRESHOLD,
        };
        // SAFETY: mallopt only sets an allocator parameter, which glibc reads under its own
        // lock.
        unsafe {
            libc::mallopt(parameter, bytes);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = (setting, bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmanaged_steps_run_and_return_their_value() {
        // Tests never call manage(): the policy is the binary's alone.
        assert!(!MANAGED.load(Ordering::SeqCst));
        assert_eq!(reusing_large_blocks(|| vec![7u8; 1 << 20].len()), 1 << 20);
        release_freed();
    }

    #[test]
    fn what_is_released_in_the_background_is_dropped() {
        let held = std::sync::Arc::new(vec![7u8; 1 << 20]);
        let watch = std::sync::Arc::downgrade(&held);
        release_in_background(held);
        let started = std::time::Instant::now();
        while watch.upgrade().is_some() && started.elapsed() < std::time::Duration::from_secs(10) {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(watch.upgrade().is_none(), "still held after 10 s");
    }
}
