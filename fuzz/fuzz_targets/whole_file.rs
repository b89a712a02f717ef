//! What the whole-file targets check: one file read as ingest reads it (every sheet located,
//! every row parsed or rejected) never panics, and its rows add up.

/// Reads `data` as the input file `rel` and checks its rows. A panic inside a reader library
/// is caught by ingest (the file is quarantined), so the hook that would abort on every panic
/// is silenced; a panic that escapes ingest still fails the target.
pub fn check(data: &[u8], rel: &str) {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let out = sandogh::ingest::read_one(data, rel, &pipeline);
    for s in &out.sheets {
        let p = &s.parsed;
        assert_eq!(
            p.rows_read,
            p.records.len() as u64 + p.rejects.len() as u64 + p.skipped_blank + p.skipped_total,
            "rows add up"
        );
    }
}
