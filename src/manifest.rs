//! Run manifests: `<out>/runs/<run-id>.json`, one per `sandogh run`, saying what the run read,
//! did and wrote, so a planner or an operator can tell afterwards which inputs made which
//! outputs.
//!
//! A manifest holds: the tool and its version; the pipeline file and its sha256; every input
//! file with its size and sha256 (hashed first by an incremental run, which decides from them
//! whether to run; by any other from the bytes ingest read, see [`InputHashes`]); each stage with its wall time, exit code and whether it was
//! skipped (a stage after a failed one is); the ingest report's row counts, quarantined files
//! and sheets and the number of warnings (when this run's ingest finished; none otherwise);
//! every file of the output folder's `lake/`, `feedback/`, `indicators/` and `reports/` after the run
//! (hidden temporary folders left out) with its size and sha256; the exit status. The run id is the start time in UTC to the millisecond and the zero-padded process
//! id (`20261201T231500123Z-0000004242`), so ids sort by time. Manifests are the one output that differs
//! between two runs of the same inputs (times and ids); the stages' outputs do not.

use crate::ingest::digest::ReadDigests;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The folder of manifests inside the output folder.
pub const RUNS_DIR: &str = "runs";

/// One stage as the manifest records it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageRecord {
    /// `ingest`, `indicators` or `report`.
    pub stage: &'static str,
    /// Wall time in seconds (0 when skipped).
    pub seconds: f64,
    /// The stage's exit code (none when skipped).
    pub exit_code: Option<i32>,
    /// Whether the stage did not run (an earlier stage failed).
    pub skipped: bool,
}

/// A file with its size and sha256.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FileRecord {
    /// Path relative to the input or output folder.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// sha256 in hex.
    pub sha256: String,
}

/// What a run depends on, for its [`fingerprint`].
pub struct Depends<'a> {
    /// The pipeline as resolved.
    pub pipeline: &'a crate::config::Pipeline,
    /// sha256 of the pipeline file's bytes as read (none: built-in).
    pub pipeline_sha256: Option<&'a str>,
    /// sha256 of the report definition's bytes as read (none: built-in).
    pub report_sha256: Option<&'a str>,
    /// The input folder as given (ingest's report records it).
    pub input: &'a Path,
    /// The quarter or range asked for.
    pub quarter: Option<&'a str>,
    /// The report languages.
    pub languages: &'a [&'a str],
    /// Every input file, hashed.
    pub inputs: &'a [FileRecord],
    /// Every other entry of the input folder ([`other_entries`]).
    pub others: &'a [(String, String)],
}

/// What a run's outputs depend on, as one sha256: the sandogh build ([`crate::build_id`]) and
/// version, the pipeline as resolved and the bytes of its file, the report definition's bytes,
/// the input folder, the quarter asked for, the languages, every input file's path, size and
/// sha256, and every other entry of the input folder. Two runs with one fingerprint write the
/// same outputs. When the binary cannot be read, the fingerprint is unique to this run (so an
/// incremental run never skips).
pub fn fingerprint(d: &Depends) -> String {
    let build = crate::build_id::of_this_executable()
        .unwrap_or_else(|| format!("unreadable-{}", new_run_id().0));
    let facts = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "build": build,
        "pipeline": d.pipeline,
        "pipeline_sha256": d.pipeline_sha256,
        "report_sha256": d.report_sha256,
        "input": d.input.display().to_string(),
        "quarter": d.quarter,
        "languages": d.languages,
        "inputs": d.inputs,
        "others": d.others,
    });
    let mut hasher = Sha256::new();
    hasher.update(facts.to_string().as_bytes());
    crate::text::hex(&hasher.finalize())
}

/// A complete earlier run whose outputs a run keeps, as nothing changed.
pub struct Kept {
    /// Its run id.
    pub run_id: String,
    /// Its exit status (0, or 3 when files were quarantined).
    pub exit_status: i32,
    /// The outputs, as found on disk (the same as it listed).
    pub outputs: Vec<FileRecord>,
}

/// The latest complete run (exit status 0 or 3) of `out` with this fingerprint whose outputs
/// are all still there, byte for byte. `None` when there is none, or when a later complete run
/// had another fingerprint.
pub fn unchanged_since(out: &Path, fingerprint: &str) -> Option<Kept> {
    let mut latest: Option<serde_json::Value> = None;
    let mut names: Vec<PathBuf> = std::fs::read_dir(out.join(RUNS_DIR))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    names.sort();
    for path in names.iter().rev() {
        let Some(m) = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        else {
            continue;
        };
        let status = m.get("exit_status").and_then(|v| v.as_i64());
        let skipped_all = m
            .get("stages")
            .and_then(|s| s.as_array())
            .is_some_and(|s| s.iter().all(|x| x.get("skipped") == Some(&true.into())));
        if matches!(status, Some(0 | 3)) && !skipped_all {
            latest = Some(m);
            break;
        }
    }
    let m = latest?;
    if m.get("fingerprint").and_then(|f| f.as_str()) != Some(fingerprint) {
        return None;
    }
    let listed: Vec<FileRecord> = serde_json::from_value(m.get("outputs")?.clone()).ok()?;
    let on_disk = outputs_of(out);
    let same = listed.len() == on_disk.len()
        && listed
            .iter()
            .zip(&on_disk)
            .all(|(a, b)| a.path == b.path && a.size == b.size && a.sha256 == b.sha256);
    let exit_status = m.get("exit_status")?.as_i64()? as i32;
    let run_id = m.get("run_id")?.as_str()?.to_owned();
    same.then_some(Kept {
        run_id,
        exit_status,
        outputs: on_disk,
    })
}

/// What a run was given.
pub struct RunFacts<'a> {
    /// The run id.
    pub run_id: &'a str,
    /// When it started (RFC 3339, UTC).
    pub started: &'a str,
    /// The pipeline file, if one was read (else the built-in pipeline).
    pub pipeline_file: Option<&'a Path>,
    /// sha256 of its bytes as read.
    pub pipeline_sha256: Option<&'a str>,
    /// The input folder.
    pub input: &'a Path,
    /// The output folder.
    pub out: &'a Path,
    /// The stages, in order.
    pub stages: &'a [StageRecord],
    /// The run's exit status.
    pub exit_status: i32,
    /// What its outputs depend on ([`fingerprint`]).
    pub fingerprint: &'a str,
    /// Its input files, hashed.
    pub inputs: &'a [FileRecord],
    /// The other entries of its input folder (links, pipes).
    pub others: &'a [(String, String)],
    /// The earlier run whose outputs it kept, when nothing had changed.
    pub unchanged_since: Option<&'a str>,
    /// The output files, listed and hashed ([`EarlyHashes::outputs`], or a kept run's).
    pub outputs: &'a [FileRecord],
    /// The ingest report whose counts are this run's: the lake's when its ingest finished or it
    /// kept an unchanged run's outputs; `None` when ingest failed (the lake left in place is
    /// the previous run's, and so are its counts).
    pub ingest_report: Option<&'a serde_json::Value>,
}

/// The ingest report of the lake in `out`, as JSON.
pub fn read_ingest_report(out: &Path) -> Option<serde_json::Value> {
    std::fs::read(out.join("lake").join("ingest-report.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

/// A new run id: the current UTC time and this process's id.
pub fn new_run_id() -> (String, String) {
    let now = chrono::Utc::now();
    (
        format!(
            "{}-{:010}",
            now.format("%Y%m%dT%H%M%S%3fZ"),
            std::process::id()
        ),
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

/// The size and sha256 (hex) of the file at `path`.
pub(crate) fn sha256_of(path: &Path) -> std::io::Result<(u64, String)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, crate::text::hex(&hasher.finalize())))
}

/// Every regular file under `dir` (symbolic links are not followed), sorted, with size and
/// sha256; files that cannot be read are left out.
pub fn files_under(dir: &Path) -> Vec<FileRecord> {
    walk_files(dir, true, true)
}

/// The input files of a run ([`files_under`]): hashed before the stages, or listed then and
/// hashed after ingest from what it read.
pub enum InputHashes {
    /// Hashed.
    Done(Vec<FileRecord>),
    /// Listed (path from the input folder, path opened), to be hashed once ingest is over.
    Listed(Vec<(String, PathBuf)>),
}

impl InputHashes {
    /// Hashes the files under `input` now, on every core, when `now` (an incremental run
    /// decides from them whether to run at all). Otherwise only lists them now: after ingest,
    /// [`InputHashes::records`] takes each file's size and sha256 from the bytes ingest read
    /// (ingest reads every input anyway; hashing the folder again beside it read each file a
    /// second time, on a thread that took a core from the reading).
    ///
    /// The files are listed before the stages either way. A file that appears while the run
    /// goes is not listed even if ingest read it, so the next incremental run sees a change and
    /// runs; listing at the end would list a file no stage read, and the next incremental run
    /// would keep outputs that never held its rows.
    pub fn start(input: &Path, now: bool) -> InputHashes {
        if now {
            InputHashes::Done(files_under(input))
        } else {
            InputHashes::Listed(list_files(input, true))
        }
    }

    /// The records: for a file ingest read, the size and sha256 of the bytes it read (what the
    /// outputs came from, even if the file changed after); any other file (not a spreadsheet,
    /// too large, or ingest stopped first) is hashed here, on every core. A listed file that
    /// cannot be read any more is left out.
    pub fn records(self, read: &ReadDigests) -> Vec<FileRecord> {
        match self {
            InputHashes::Done(files) => files,
            InputHashes::Listed(listed) => {
                let known = read.take();
                hash_listed(listed, true, |path| {
                    known.get(path).map(|d| (d.size, d.hex()))
                })
            }
        }
    }
}

/// The folders of a run's outputs, in the order the manifest lists them.
const OUTPUT_FOLDERS: [&str; 4] = ["lake", "feedback", "indicators", "reports"];

/// The files of a run's outputs (`lake/`, `feedback/`, `indicators/`, `reports/`), paths from
/// `out`; hidden entries (a stage's temporary folders) are not outputs.
pub fn outputs_of(out: &Path) -> Vec<FileRecord> {
    EarlyHashes::default().outputs(out)
}

/// The files of one output folder, paths from `out`, hashed on every core or on this thread.
fn folder_outputs(out: &Path, folder: &str, every_core: bool) -> Vec<FileRecord> {
    let mut files = walk_files(&out.join(folder), false, every_core);
    for f in &mut files {
        f.path = format!("{folder}/{}", f.path);
    }
    files
}

/// Output folders hashed on threads of their own as soon as their stage is over, while the
/// next stage runs: no later stage writes into them, and the stages after ingest leave a core
/// idle part of the time, so the manifest does not wait after the last stage for the whole
/// output to be hashed (the lake and the indicators are 34 MB at scale 1: ~25 ms).
#[derive(Default)]
pub struct EarlyHashes {
    started: Vec<(&'static str, std::thread::JoinHandle<Vec<FileRecord>>)>,
}

impl EarlyHashes {
    /// Starts hashing `<out>/<folder>` (`lake`, `feedback` or `indicators`: a folder no later
    /// stage writes). Where no thread can be started, the folder is hashed with the rest.
    pub fn start(&mut self, out: &Path, folder: &'static str) {
        debug_assert!(
            OUTPUT_FOLDERS.contains(&folder) && self.started.iter().all(|(f, _)| *f != folder),
            "{folder} is not an output folder, or is hashed twice"
        );
        let out = out.to_owned();
        let spawned = std::thread::Builder::new()
            .name("sandogh-hash".into())
            .spawn(move || folder_outputs(&out, folder, false));
        if let Ok(handle) = spawned {
            self.started.push((folder, handle));
        }
    }

    /// The run's outputs, as [`outputs_of`] lists them: the folders hashed early as they were
    /// when their stage ended, the others now.
    pub fn outputs(mut self, out: &Path) -> Vec<FileRecord> {
        let mut outputs = Vec::new();
        for folder in OUTPUT_FOLDERS {
            let early = self
                .started
                .iter()
                .position(|(f, _)| *f == folder)
                .map(|i| self.started.swap_remove(i).1);
            match early.map(std::thread::JoinHandle::join) {
                Some(Ok(files)) => outputs.extend(files),
                _ => outputs.extend(folder_outputs(out, folder, true)),
            }
        }
        outputs
    }
}

/// Entries under an input folder that are not regular files or folders (symbolic links with
/// their targets, pipes, sockets): ingest lists them as skipped, so they belong to what a run
/// depends on.
pub fn other_entries(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    walk(dir, true, &mut |rel, path, kind| {
        if kind.is_symlink() {
            let target = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            found.push((rel.to_owned(), format!("symlink to {target}")));
        } else if !kind.is_file() {
            found.push((rel.to_owned(), "not a regular file".to_owned()));
        }
    });
    found.sort();
    found
}

/// Calls `each(relative path, path, type)` for every entry under `dir` that is not a folder,
/// descending into folders (not through links); hidden entries are skipped unless `hidden`.
fn walk(dir: &Path, hidden: bool, each: &mut dyn FnMut(&str, &Path, std::fs::FileType)) {
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if !hidden && entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            if kind.is_dir() {
                todo.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy();
                each(&rel, &path, kind);
            }
        }
    }
}

/// What decides how a file is read, as one text: sandogh's build ([`crate::build_id`]) and the
/// pipeline as resolved (counties, aliases, units, limits). The key of [`crate::ingest::cache`];
/// `None` when the binary cannot be read, as then a rebuilt sandogh could not be told apart.
pub fn reader_key(pipeline: &crate::config::Pipeline) -> Option<String> {
    let settings = serde_json::to_string(pipeline).ok()?;
    Some(format!(
        "{}:{}:{settings}",
        env!("CARGO_PKG_VERSION"),
        crate::build_id::of_this_executable()?
    ))
}

/// The regular files under `dir` with their sizes and hashes, sorted by path, hashed on every
/// core (a run hashes its inputs before it starts reading them) or on this thread alone
/// ([`EarlyHashes`], beside a stage that has the cores).
fn walk_files(dir: &Path, hidden: bool, every_core: bool) -> Vec<FileRecord> {
    hash_listed(list_files(dir, hidden), every_core, |_| None)
}

/// The regular files under `dir` (symbolic links are not followed), sorted by their path from
/// `dir`: (that path, the path to open).
fn list_files(dir: &Path, hidden: bool) -> Vec<(String, PathBuf)> {
    let mut listed: Vec<(String, PathBuf)> = Vec::new();
    walk(dir, hidden, &mut |rel, path, kind| {
        if kind.is_file() {
            listed.push((rel.to_owned(), path.to_owned()));
        }
    });
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    listed
}

/// The records of `listed` files, in order: the size and sha256 that `known` gives for a path,
/// else the file's own, hashed here (on every core, or on this thread alone); a file that
/// cannot be read is left out.
fn hash_listed(
    listed: Vec<(String, PathBuf)>,
    every_core: bool,
    known: impl Fn(&Path) -> Option<(u64, String)> + Sync,
) -> Vec<FileRecord> {
    use rayon::prelude::*;
    let record = |(rel, path): (String, PathBuf)| {
        let (size, sha256) = match known(&path) {
            Some(k) => k,
            None => sha256_of(&path).ok()?,
        };
        Some(FileRecord {
            path: rel,
            size,
            sha256,
        })
    };
    if every_core {
        listed
            .into_par_iter()
            .with_max_len(1)
            .filter_map(record)
            .collect()
    } else {
        listed.into_iter().filter_map(record).collect()
    }
}

/// Whether a run's ingest finished (exit 0 or 3), so the lake's counts are its own.
pub fn ingest_finished(stages: &[StageRecord]) -> bool {
    stages
        .iter()
        .any(|s| s.stage == "ingest" && matches!(s.exit_code, Some(0 | 3)))
}

/// Writes `<out>/runs/<run-id>.json` (whole or not at all) and returns its path.
pub fn write(facts: &RunFacts) -> std::io::Result<PathBuf> {
    let report = facts.ingest_report;
    let totals = report
        .as_ref()
        .and_then(|r| r.get("totals").cloned())
        .unwrap_or(serde_json::Value::Null);
    let mut quarantined = Vec::new();
    for file in report
        .as_ref()
        .and_then(|r| r.get("files"))
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
    {
        let path = file.get("path").cloned().unwrap_or_default();
        if file.get("status").and_then(|s| s.as_str()) == Some("quarantined") {
            quarantined.push(serde_json::json!({"path": path, "reason": file.get("reason")}));
        }
        for sheet in file
            .get("sheets")
            .and_then(|s| s.as_array())
            .into_iter()
            .flatten()
        {
            if sheet.get("status").and_then(|s| s.as_str()) == Some("quarantined") {
                quarantined.push(serde_json::json!({
                    "path": path,
                    "sheet": sheet.get("sheet"),
                    "reason": sheet.get("reason"),
                }));
            }
        }
    }
    let pipeline = match facts.pipeline_file {
        Some(p) => serde_json::json!({
            "file": p.display().to_string(),
            "sha256": facts.pipeline_sha256,
        }),
        None => serde_json::json!({"file": null, "builtin": true}),
    };

    let manifest = serde_json::json!({
        "run_id": facts.run_id,
        "tool": "sandogh",
        "version": env!("CARGO_PKG_VERSION"),
        "started": facts.started,
        "finished": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "exit_status": facts.exit_status,
        "pipeline": pipeline,
        "fingerprint": facts.fingerprint,
        "unchanged_since": facts.unchanged_since,
        "input": facts.input.display().to_string(),
        "inputs": facts.inputs,
        "other_input_entries": facts.others,
        "stages": facts.stages,
        "rows": totals,
        "quarantined": quarantined,
        "warnings": report
            .as_ref()
            .and_then(|r| r.get("totals"))
            .and_then(|t| t.get("warnings"))
            .cloned()
            .unwrap_or(serde_json::Value::Null),
        "outputs": facts.outputs,
    });
    let dir = facts.out.join(RUNS_DIR);
    std::fs::create_dir_all(&dir)?;
    sweep_unfinished(&dir);
    let path = dir.join(format!("{}.json", facts.run_id));
    let tmp = dir.join(format!(".{}.json.tmp", facts.run_id));
    let text = serde_json::to_string_pretty(&manifest).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text + "\n")?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(path)
}

/// Removes `.RUN-ID.json.tmp` files left by runs killed while writing their manifest (the run
/// id ends with the process id; a file of a process that still exists is left alone).
fn sweep_unfinished(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(id) = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".json.tmp"))
        else {
            continue;
        };
        let pid = id.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != std::process::id() && !crate::lake::process_exists(p)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// One line of `sandogh runs`.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// The run id.
    pub run_id: String,
    /// Exit status.
    pub exit_status: i64,
    /// Total wall time of its stages.
    pub seconds: f64,
    /// Rows landed and rejected, when ingest ran.
    pub landed: Option<i64>,
    /// Rows rejected.
    pub rejected: Option<i64>,
    /// Files and sheets quarantined.
    pub quarantined: usize,
    /// The first 12 hex digits of what the run's outputs depend on ([`fingerprint`]), which the
    /// reports' Data quality sheet cites.
    pub fingerprint: String,
}

/// The short form of a fingerprint that reports cite and `sandogh runs` shows.
pub fn short_fingerprint(fingerprint: &str) -> &str {
    fingerprint.get(..12).unwrap_or(fingerprint)
}

/// The manifests in `<out>/runs/`, newest first; unreadable ones are left out.
pub fn list(out: &Path) -> Vec<RunSummary> {
    let mut runs = Vec::new();
    let Ok(entries) = std::fs::read_dir(out.join(RUNS_DIR)) else {
        return runs;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !name.ends_with(".json") {
            continue;
        }
        let Some(m) = std::fs::read(entry.path())
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        else {
            continue;
        };
        let int = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_i64());
        runs.push(RunSummary {
            run_id: m
                .get("run_id")
                .and_then(|v| v.as_str())
                .unwrap_or(name.trim_end_matches(".json"))
                .to_owned(),
            exit_status: int(m.get("exit_status")).unwrap_or(-1),
            seconds: m
                .get("stages")
                .and_then(|s| s.as_array())
                .map(|s| {
                    s.iter()
                        .filter_map(|x| x.get("seconds").and_then(|v| v.as_f64()))
                        .sum()
                })
                .unwrap_or(0.0),
            fingerprint: short_fingerprint(
                m.get("fingerprint").and_then(|v| v.as_str()).unwrap_or("-"),
            )
            .to_owned(),
            landed: int(m.get("rows").and_then(|r| r.get("landed"))),
            rejected: int(m.get("rows").and_then(|r| r.get("rejected"))),
            quarantined: m
                .get("quarantined")
                .and_then(|q| q.as_array())
                .map(Vec::len)
                .unwrap_or(0),
        });
    }
    runs.sort_by(|a, b| b.run_id.cmp(&a.run_id));
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_recorded_from_ingest_are_the_inputs_hashed_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("abhar")).expect("mkdir");
        std::fs::write(dir.path().join("abhar/a.csv"), "fund_id\nF1\n").expect("write");
        std::fs::write(dir.path().join("b.xlsx"), [0u8; 70_000]).expect("write");
        std::fs::write(dir.path().join("notes.txt"), "not read by ingest").expect("write");
        let first = files_under(dir.path());
        assert_eq!(first.len(), 3);
        let listed = InputHashes::start(dir.path(), false);
        assert!(matches!(listed, InputHashes::Listed(_)));
        let now = InputHashes::start(dir.path(), true);
        assert!(matches!(now, InputHashes::Done(_)));
        let read = ReadDigests::default();
        let pipeline = crate::config::Pipeline::default_pipeline();
        crate::ingest::ingest_with(dir.path(), &pipeline, &|_| {}, None, None, Some(&read))
            .expect("ingest");
        // Changed after ingest read it: the records are what ingest read.
        std::fs::write(dir.path().join("abhar/a.csv"), "fund_id\nF1\nF2\n").expect("write");
        // Ingest read both spreadsheets (the .xlsx is not a workbook, and is quarantined after
        // it was read), recorded at the paths the listing has, and not the notes, which are
        // hashed when the records are made.
        let recorded = read.take();
        assert_eq!(recorded.len(), 2, "{recorded:?}");
        let listed_paths: Vec<PathBuf> = match &listed {
            InputHashes::Listed(files) => files.iter().map(|(_, p)| p.clone()).collect(),
            InputHashes::Done(_) => Vec::new(),
        };
        for path in recorded.keys() {
            assert!(
                listed_paths.contains(path),
                "{path:?} not in {listed_paths:?}"
            );
        }
        for (path, digest) in &recorded {
            read.record(path, *digest);
        }
        for hashes in [listed, now] {
            let files = hashes.records(&read);
            assert_eq!(files.len(), first.len());
            for (a, b) in files.iter().zip(&first) {
                assert_eq!((&a.path, a.size, &a.sha256), (&b.path, b.size, &b.sha256));
            }
        }
    }

    #[test]
    fn a_listed_file_is_recorded_as_ingest_read_it_and_a_later_file_is_not_listed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "fund_id\nF1\n").expect("write");
        let listed = InputHashes::start(dir.path(), false);
        let read = ReadDigests::default();
        read.record(&a, crate::ingest::digest::Digest::of(b"fund_id\nF1\n"));
        // Changed after ingest read it, and a file that came after the listing.
        std::fs::write(&a, "fund_id\nF1\nF2\n").expect("write");
        std::fs::write(dir.path().join("late.csv"), "fund_id\nF9\n").expect("write");
        let files = listed.records(&read);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "a.csv");
        assert_eq!(files[0].size, 11);
        assert_eq!(
            files[0].sha256,
            crate::ingest::digest::Digest::of(b"fund_id\nF1\n").hex()
        );
    }
}
