//! Faults of the disk under `--out`: full, and read-only. Each run ends non-zero with a message
//! that says what happened, and the previous outputs stay byte for byte as they were; once the
//! disk has room again, the next run finishes and leaves no temporary folder behind.
//!
//! The disk is a small tmpfs mounted in a mount namespace of its own (`unshare -m`, as root,
//! which CI and this machine are); where that cannot be made the test says so and checks
//! nothing else.

use std::path::Path;
use std::process::Command;

/// Runs `script` with `sh` in a new mount namespace; `None` when no namespace can be made.
fn in_namespace(script: &str, dir: &Path) -> Option<std::process::Output> {
    let probe = Command::new("unshare")
        .args(["-m", "--propagation", "private", "true"])
        .output()
        .ok()?;
    if !probe.status.success() {
        return None;
    }
    Some(
        Command::new("unshare")
            .args(["-m", "--propagation", "private", "sh", "-c", script])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("D", dir)
            .env("SANDOGH", env!("CARGO_BIN_EXE_sandogh"))
            .output()
            .expect("run sh"),
    )
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

#[test]
fn a_full_or_read_only_disk_fails_the_run_and_keeps_the_previous_outputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Every step inside one namespace; what the test checks is written outside the tmpfs.
    let script = r#"
set -u
mkdir -p "$D/disk"
mount -t tmpfs -o size=16m tmpfs "$D/disk" || exit 90
sums() { (cd "$D/disk/out" && find lake indicators reports -type f | sort | xargs sha256sum); }
"$SANDOGH" run --out "$D/disk/out" > "$D/first.log" 2>&1; echo $? > "$D/first.rc"
sums > "$D/before.sums"
# Fill the disk to the last byte.
dd if=/dev/zero of="$D/disk/filler" bs=64k > /dev/null 2>&1
"$SANDOGH" run --out "$D/disk/out" > "$D/full.log" 2>&1; echo $? > "$D/full.rc"
sums > "$D/full.sums"
# Room for the lock and a small stage, not for the whole run.
truncate -s -1536K "$D/disk/filler"
"$SANDOGH" run --out "$D/disk/out" > "$D/nearly.log" 2>&1; echo $? > "$D/nearly.rc"
sums > "$D/nearly.sums"
rm "$D/disk/filler"
mount -o remount,ro "$D/disk"
"$SANDOGH" run --out "$D/disk/out" > "$D/ro.log" 2>&1; echo $? > "$D/ro.rc"
sums > "$D/ro.sums"
mount -o remount,rw "$D/disk"
"$SANDOGH" run --out "$D/disk/out" > "$D/again.log" 2>&1; echo $? > "$D/again.rc"
sums > "$D/again.sums"
ls -a "$D/disk/out" > "$D/again.ls"
umount "$D/disk"
"#;
    let Some(ran) = in_namespace(script, dir.path()) else {
        eprintln!(
            "SKIPPED: no mount namespace can be made here (unshare -m needs root); the disk faults were not tested"
        );
        return;
    };
    let d = dir.path();
    assert!(
        ran.status.success(),
        "the script failed: {}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert_eq!(read(d, "first.rc").trim(), "0", "{}", read(d, "first.log"));
    let before = read(d, "before.sums");
    assert!(
        before.contains("lake/") && before.contains("reports/"),
        "{before}"
    );

    let full = read(d, "full.log");
    assert_eq!(
        read(d, "full.rc").trim(),
        "1",
        "a full disk fails the run: {full}"
    );
    assert!(
        full.contains("No space left on device"),
        "the message says the disk is full: {full}"
    );
    assert_eq!(
        read(d, "full.sums"),
        before,
        "outputs unchanged by the full disk"
    );

    // With a little room the run gets further and fails inside a stage, which swaps nothing in.
    let nearly = read(d, "nearly.log");
    assert_eq!(read(d, "nearly.rc").trim(), "1", "{nearly}");
    assert!(
        nearly.contains("No space left on device") && !nearly.contains("cannot lock"),
        "a stage says the disk is full: {nearly}"
    );
    assert_eq!(
        read(d, "nearly.sums"),
        before,
        "outputs unchanged (or rewritten identical)"
    );

    let ro = read(d, "ro.log");
    assert_eq!(
        read(d, "ro.rc").trim(),
        "1",
        "a read-only --out fails the run: {ro}"
    );
    assert!(
        ro.contains("Read-only file system"),
        "the message says so: {ro}"
    );
    assert_eq!(
        read(d, "ro.sums"),
        before,
        "outputs unchanged by the read-only disk"
    );

    assert_eq!(read(d, "again.rc").trim(), "0", "{}", read(d, "again.log"));
    assert_eq!(
        read(d, "again.sums"),
        before,
        "the same outputs once there is room"
    );
    let left: Vec<String> = read(d, "again.ls")
        .lines()
        .filter(|l| l.contains(".tmp") || l.contains("staging") || l.contains(".old"))
        .map(str::to_owned)
        .collect();
    assert!(left.is_empty(), "temporary folders left: {left:?}");
}
