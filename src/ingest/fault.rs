//! A fault to test with: the environment variable `SANDOGH_FAULT_ABORT_READING=<text>` makes
//! the process abort — as a reader library that hits a failed allocation or a bug does: no
//! panic, no unwinding, nothing written — when it starts reading a file whose path relative to
//! the input folder contains `<text>`. The tests of [`super::watch`] use it to stop a run on
//! one file; nothing else sets it. Without the variable this costs one lookup per file.

/// The variable's name.
pub const ABORT_READING: &str = "SANDOGH_FAULT_ABORT_READING";

/// Aborts the process when the variable names `rel`.
pub fn before_reading(rel: &str) {
    if let Some(text) = std::env::var_os(ABORT_READING) {
        if !text.is_empty() && rel.contains(&*text.to_string_lossy()) {
            std::process::abort();
        }
    }
}
