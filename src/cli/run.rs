//! `sandogh run [PIPELINE.toml] [--input DIR] [--out DIR] [--quarter Q|A..B] [--lang L] [--wait]`
//!
//! Runs every stage of a pipeline. With no arguments it runs `pipelines/quarterly.toml` on
//! `sample-data/` into `out/`. Flags win over the pipeline file. Every setting (quarter,
//! languages, report definition) is checked before the first stage starts. `--quarter A..B`
//! (backfill) computes the indicators up to B and writes the reports of every quarter from A to B.
//! Every run writes its manifest, `<out>/runs/<run-id>.json` (see [`crate::manifest`]). Stages: ingest, indicators, report. A partial ingest (files quarantined) still runs the
//! later stages and ends with exit code 3.

use super::EXIT_USAGE;
use crate::manifest::{ingest_finished, RunFacts, StageRecord};
use std::path::PathBuf;

/// Arguments of `sandogh run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Pipeline file; default pipelines/quarterly.toml (or the built-in copy of it).
    pub pipeline: Option<PathBuf>,
    /// Folder of county exports (overrides the pipeline's `input`).
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Output folder (overrides the pipeline's `out`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Last quarter to compute, e.g. 1403Q2, or a range 1402Q1..1403Q2 to write the reports of
    /// every quarter in it (overrides the pipeline's `quarter`).
    #[arg(long)]
    pub quarter: Option<String>,
    /// Report language, fa or en (repeat, or write fa,en; overrides the pipeline's `languages`).
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Print only errors and the closing summary (for schedulers).
    #[arg(long)]
    pub quiet: bool,
    /// `json`: instead of text, one JSON object per line on stdout for the run's start, each
    /// stage's start and end, and the run's end with its counts (errors stay text on stderr).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Run every stage even when the pipeline is incremental and nothing changed.
    #[arg(long)]
    pub full: bool,
    /// If another run is writing to the same output folder, wait for it instead of stopping.
    #[arg(long)]
    pub wait: bool,
}

/// How `run` reports what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The events of a run as JSON lines (`--log-format json`); silent in text mode.
struct Events<'a> {
    json: bool,
    run_id: &'a str,
}

impl Events<'_> {
    fn emit(&self, event: &str, fields: serde_json::Value) {
        if !self.json {
            return;
        }
        let mut line = serde_json::json!({
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "run_id": self.run_id,
            "event": event,
        });
        if let (Some(line), serde_json::Value::Object(fields)) = (line.as_object_mut(), fields) {
            line.extend(fields);
        }
        println!("{line}");
    }
}

/// Runs `sandogh run`.
pub fn run(mut a: Args) -> i32 {
    let json = a.log_format == LogFormat::Json;
    a.quiet |= json;
    // Every setting is resolved and checked before the first stage starts; every problem is
    // reported at once. Checked once before the lock (a bad setting writes nothing, not even
    // the output folder) and again once the lock is held, as a run that waited for another
    // must use the settings as they are when it starts, not as they were when it was called.
    let flags = crate::plan::Flags {
        pipeline: a.pipeline.clone(),
        input: a.input.clone(),
        out: a.out.clone(),
        quarter: a.quarter.clone(),
        langs: a.lang.clone(),
    };
    let resolve = || match crate::plan::resolve(&flags) {
        Ok(plan) => Ok(plan),
        Err(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            Err(EXIT_USAGE)
        }
    };
    let first = match resolve() {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    // One lock for the whole run, so no other run writes between its stages.
    let _lock = match super::lock_out(&first.out, a.wait, true) {
        Ok(lock) => lock,
        Err(code) => return code,
    };
    let plan = match resolve() {
        Ok(plan) if plan.out == first.out => plan,
        Ok(_) => {
            eprintln!(
                "error: the pipeline file's `out` changed while this run waited; run it again"
            );
            return EXIT_USAGE;
        }
        Err(code) => return code,
    };
    for n in &plan.notes {
        eprintln!("note: {n}");
    }
    let crate::plan::Plan {
        pipeline_file,
        pipeline,
        input,
        out,
        quarters,
        langs,
        report: def,
        notes: _,
        pipeline_sha256,
        report_sha256,
    } = plan;
    let (run_id, started) = crate::manifest::new_run_id();
    let events = Events {
        json,
        run_id: &run_id,
    };
    events.emit(
        "run_start",
        serde_json::json!({
            "input": input.display().to_string(),
            "out": out.display().to_string(),
            "pipeline": pipeline_file.as_ref().map(|p| p.display().to_string()),
            "version": env!("CARGO_PKG_VERSION"),
        }),
    );
    let mut stages: Vec<StageRecord> = Vec::new();
    let timed = |stages: &mut Vec<StageRecord>, stage: &'static str, f: &dyn Fn() -> i32| {
        events.emit("stage_start", serde_json::json!({ "stage": stage }));
        let clock = std::time::Instant::now();
        let code = f();
        let seconds = clock.elapsed().as_secs_f64();
        events.emit(
            "stage_end",
            serde_json::json!({ "stage": stage, "seconds": seconds, "exit_code": code }),
        );
        stages.push(StageRecord {
            stage,
            seconds,
            exit_code: Some(code),
            skipped: false,
        });
        code
    };
    let inputs = crate::manifest::files_under(&input);
    let others = crate::manifest::other_entries(&input);
    let codes: Vec<&str> = langs.iter().map(|l| l.code()).collect();
    let quarter_text = a.quarter.as_deref().or(pipeline.quarter.as_deref());
    let fingerprint = crate::manifest::fingerprint(&crate::manifest::Depends {
        pipeline: &pipeline,
        pipeline_sha256: pipeline_sha256.as_deref(),
        report_sha256: report_sha256.as_deref(),
        input: &input,
        quarter: quarter_text,
        languages: &codes,
        inputs: &inputs,
        others: &others,
    });
    let unchanged = if pipeline.incremental && !a.full {
        crate::manifest::unchanged_since(&out, &fingerprint)
    } else {
        None
    };
    let (status, kept) = match unchanged {
        Some(kept) => {
            if json {
                events.emit("unchanged", serde_json::json!({ "since": kept.run_id }));
            } else {
                println!(
                    "nothing changed since run {} (inputs, pipeline, report definition and sandogh version are the same, and its outputs are intact): no stage re-run; `--full` runs them anyway",
                    kept.run_id
                );
            }
            (kept.exit_status, Some(kept))
        }
        None => {
            // An incremental pipeline keeps what reading each file decided, so that the next
            // run reads only the files that changed (`--full` reads every file, and keeps).
            let cache = crate::manifest::reader_key(&pipeline)
                .filter(|_| pipeline.incremental)
                .map(|key| crate::ingest::cache::FileCache::new(&out, &key, !a.full));
            let ingest = timed(&mut stages, "ingest", &|| {
                super::ingest::ingest_stage(&input, &out, &pipeline, a.quiet, cache.as_ref())
            });
            let mut status = ingest;
            if ingest == super::EXIT_OK || ingest == super::EXIT_PARTIAL {
                if !a.quiet {
                    println!();
                }
                let last = quarters.map(|q| q.last);
                let indicators = timed(&mut stages, "indicators", &|| {
                    super::indicators::indicators_stage(&out, pipeline.calendar, last, a.quiet)
                });
                if indicators == super::EXIT_OK {
                    if !a.quiet {
                        println!();
                    }
                    let report = timed(&mut stages, "report", &|| {
                        super::report::report_stages(
                            &out,
                            &pipeline,
                            quarters,
                            &langs,
                            &def,
                            a.quiet,
                            Some(crate::manifest::short_fingerprint(&fingerprint)),
                        )
                    });
                    if report != super::EXIT_OK {
                        status = report;
                    }
                } else {
                    status = indicators;
                }
            }
            (status, None)
        }
    };
    for stage in ["ingest", "indicators", "report"] {
        if !stages.iter().any(|s| s.stage == stage) {
            stages.push(StageRecord {
                stage,
                seconds: 0.0,
                exit_code: None,
                skipped: true,
            });
        }
    }
    let since = kept.as_ref().map(|k| k.run_id.as_str());
    let facts = RunFacts {
        run_id: &run_id,
        started: &started,
        pipeline_file: pipeline_file.as_deref(),
        pipeline_sha256: pipeline_sha256.as_deref(),
        input: &input,
        out: &out,
        stages: &stages,
        exit_status: status,
        fingerprint: &fingerprint,
        inputs: &inputs,
        others: &others,
        unchanged_since: since,
        outputs: kept.as_ref().map(|k| k.outputs.as_slice()),
    };
    match crate::manifest::write(&facts) {
        Ok(path) => {
            if json {
                let counts = ingest_finished(&stages) || since.is_some();
                events.emit(
                    "run_end",
                    serde_json::json!({
                        "exit_status": status,
                        "seconds": stages.iter().map(|s| s.seconds).sum::<f64>(),
                        "rows": if counts { ingest_totals(&out) } else { None },
                        "unchanged_since": since,
                        "manifest": path.display().to_string(),
                    }),
                );
            } else {
                if since.is_none() {
                    if !a.quiet {
                        println!();
                    }
                    println!("{}", closing_summary(&out, &stages, status));
                }
                println!("run {run_id} → {}", path.display());
            }
        }
        Err(e) => {
            eprintln!(
                "error: cannot write the run's manifest in {}: {e}",
                out.display()
            );
            if status == super::EXIT_OK || status == super::EXIT_PARTIAL {
                return super::EXIT_FAILURE;
            }
        }
    }
    status
}

/// One line a scheduler's log can keep: what was read, rejected and written, and how long it
/// took.
fn closing_summary(out: &std::path::Path, stages: &[StageRecord], status: i32) -> String {
    let seconds: f64 = stages.iter().map(|s| s.seconds).sum();
    if !ingest_finished(stages) {
        return format!(
            "done in {seconds:.1} s (exit {status}): ingest did not finish, so nothing was written; {} keeps its previous outputs",
            out.display()
        );
    }
    let totals = ingest_totals(out);
    let n = |k: &str| {
        totals
            .as_ref()
            .and_then(|t| t.get(k))
            .and_then(|v| v.as_i64())
            .unwrap_or(0)
    };
    let ran: Vec<&str> = stages
        .iter()
        .filter(|s| !s.skipped)
        .map(|s| s.stage)
        .collect();
    format!(
        "done in {seconds:.1} s (exit {status}): {} files read ({} quarantined), {} rows read: {} landed, {} rejected, {} skipped, {} warnings; ran {}; outputs in {}",
        n("files_read"),
        n("files_quarantined"),
        n("rows_read"),
        n("landed"),
        n("rejected"),
        n("skipped_blank") + n("skipped_total") + n("skipped_duplicate"),
        n("warnings"),
        if ran.is_empty() { "nothing".to_owned() } else { ran.join(", ") },
        out.display()
    )
}

/// The ingest report's totals, if the lake has one.
fn ingest_totals(out: &std::path::Path) -> Option<serde_json::Value> {
    std::fs::read(out.join("lake").join("ingest-report.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|r| r.get("totals").cloned())
}
