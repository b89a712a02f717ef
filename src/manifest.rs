//! Run manifests: `<out>/runs/<run-id>.json`, one per `sandogh run`, saying what the run read,
//! did and wrote, so a planner or an operator can tell afterwards which inputs made which
//! outputs.
//!
//! A manifest holds: the tool and its version; the pipeline file and its sha256; every input
//! file with its size and sha256; each stage with its wall time, exit code and whether it was
//! skipped (a stage after a failed one is); the ingest report's row counts, quarantined files
//! and sheets and the number of warnings; every output file with its size and sha256; the exit
//! status. The run id is the start time in UTC and the process id
//! (`20261201T231500Z-4242`), so ids sort by time. Manifests are the one output that differs
//! between two runs of the same inputs (times and ids); the stages' outputs do not.

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

/// What a run was given.
pub struct RunFacts<'a> {
    /// The run id.
    pub run_id: &'a str,
    /// When it started (RFC 3339, UTC).
    pub started: &'a str,
    /// The pipeline file, if one was read (else the built-in pipeline).
    pub pipeline_file: Option<&'a Path>,
    /// The input folder.
    pub input: &'a Path,
    /// The output folder.
    pub out: &'a Path,
    /// The stages, in order.
    pub stages: &'a [StageRecord],
    /// The run's exit status.
    pub exit_status: i32,
}

/// A new run id: the current UTC time and this process's id.
pub fn new_run_id() -> (String, String) {
    let now = chrono::Utc::now();
    (
        format!("{}-{}", now.format("%Y%m%dT%H%M%SZ"), std::process::id()),
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

fn sha256_of(path: &Path) -> std::io::Result<(u64, String)> {
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
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((size, hex))
}

/// Every regular file under `dir` (symbolic links are not followed), sorted, with size and
/// sha256; files that cannot be read are left out.
pub fn files_under(dir: &Path) -> Vec<FileRecord> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                todo.push(path);
            } else if kind.is_file() {
                if let Ok((size, sha256)) = sha256_of(&path) {
                    let rel = path.strip_prefix(dir).unwrap_or(&path);
                    found.push(FileRecord {
                        path: rel.to_string_lossy().into_owned(),
                        size,
                        sha256,
                    });
                }
            }
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// Writes `<out>/runs/<run-id>.json` (whole or not at all) and returns its path.
pub fn write(facts: &RunFacts) -> std::io::Result<PathBuf> {
    let report: Option<serde_json::Value> =
        std::fs::read(facts.out.join("lake").join("ingest-report.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
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
            "sha256": sha256_of(p).ok().map(|(_, h)| h),
        }),
        None => serde_json::json!({"file": null, "builtin": true}),
    };
    let mut outputs = Vec::new();
    for stage in ["lake", "indicators", "reports"] {
        for mut f in files_under(&facts.out.join(stage)) {
            f.path = format!("{stage}/{}", f.path);
            outputs.push(f);
        }
    }
    let manifest = serde_json::json!({
        "run_id": facts.run_id,
        "tool": "sandogh",
        "version": env!("CARGO_PKG_VERSION"),
        "started": facts.started,
        "finished": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "exit_status": facts.exit_status,
        "pipeline": pipeline,
        "input": facts.input.display().to_string(),
        "inputs": files_under(facts.input),
        "stages": facts.stages,
        "rows": totals,
        "quarantined": quarantined,
        "warnings": report
            .as_ref()
            .and_then(|r| r.get("totals"))
            .and_then(|t| t.get("warnings"))
            .cloned()
            .unwrap_or(serde_json::Value::Null),
        "outputs": outputs,
    });
    let dir = facts.out.join(RUNS_DIR);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}.json", facts.run_id));
    let tmp = dir.join(format!(".{}.json.tmp", facts.run_id));
    let text = serde_json::to_string_pretty(&manifest).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text + "\n")?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(path)
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
