//! What the command line shows of a run: the [`crate::run::Observer`] that prints each stage's
//! summary, draws progress on a terminal (see [`super::progress`]) and, with
//! `--log-format json`, writes one JSON object per line instead of text.

use crate::ingest::Progress;
use crate::run::{Exit, Failure, IngestDone, Observer, RunStart, Stage};
use indicatif::ProgressBar;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Prints a failure: each of its problems as an error.
pub fn failure(f: &Failure) {
    for p in &f.problems {
        eprintln!("error: {p}");
    }
}

/// The flags of `sandogh run` that decide what it shows, with the pipeline's `quiet` and
/// `log_format` (see [`Observer::plan`]).
#[derive(Debug, Clone, Copy)]
pub struct RunFlags {
    /// `--quiet`.
    pub quiet: bool,
    /// `--no-quiet`.
    pub no_quiet: bool,
    /// `--log-format`, when given.
    pub log_format: Option<crate::config::LogFormat>,
}

/// What is shown.
#[derive(Debug, Clone, Copy)]
struct Mode {
    /// Print only errors (and, for `run`, the closing summary).
    quiet: bool,
    /// JSON lines instead of text (also quiet).
    json: bool,
    /// Draw progress (a terminal, not quiet).
    live: bool,
}

impl Mode {
    fn new(quiet: bool, json: bool) -> Mode {
        let quiet = quiet || json;
        Mode {
            quiet,
            json,
            live: super::progress::live(quiet),
        }
    }
}

/// The command line's observer.
pub struct Terminal {
    mode: std::sync::RwLock<Mode>,
    /// Part of a `run`: a blank line between stages; the pipeline's settings count.
    run_flags: Option<RunFlags>,
    bar: Mutex<Option<ProgressBar>>,
    /// Ingest has read every file: the bar shows its later steps, not file names.
    all_read: AtomicBool,
    /// Quarters whose report has begun (a blank line goes before each one after the first).
    reports_begun: AtomicUsize,
    run_id: OnceLock<String>,
}

impl Terminal {
    /// For a single stage's command.
    pub fn stage(quiet: bool) -> Terminal {
        Terminal::new(Mode::new(quiet, false), None)
    }

    /// For `sandogh run`: what its flags say until the pipeline's settings are known.
    pub fn run(flags: RunFlags) -> Terminal {
        let json = flags.log_format == Some(crate::config::LogFormat::Json);
        Terminal::new(Mode::new(flags.quiet, json), Some(flags))
    }

    fn new(mode: Mode, run_flags: Option<RunFlags>) -> Terminal {
        Terminal {
            mode: std::sync::RwLock::new(mode),
            run_flags,
            bar: Mutex::new(None),
            all_read: AtomicBool::new(false),
            reports_begun: AtomicUsize::new(0),
            run_id: OnceLock::new(),
        }
    }

    fn mode(&self) -> Mode {
        match self.mode.read() {
            Ok(m) => *m,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    /// Whether JSON lines are written instead of text.
    pub fn json(&self) -> bool {
        self.mode().json
    }

    /// Whether only errors and closing lines are printed.
    pub fn quiet(&self) -> bool {
        self.mode().quiet
    }

    /// Writes one JSON line for a run's event (nothing in text mode).
    pub fn emit(&self, event: &str, fields: serde_json::Value) {
        if !self.json() {
            return;
        }
        let mut line = serde_json::json!({
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "run_id": self.run_id.get().map(String::as_str).unwrap_or(""),
            "event": event,
        });
        if let (Some(line), serde_json::Value::Object(fields)) = (line.as_object_mut(), fields) {
            line.extend(fields);
        }
        println!("{line}");
    }

    /// Runs `f` with the progress bar, creating it with `make` when there is none.
    fn with_bar(&self, make: impl FnOnce() -> ProgressBar, f: impl FnOnce(&ProgressBar)) {
        if !self.mode().live {
            return;
        }
        if let Ok(mut bar) = self.bar.lock() {
            f(bar.get_or_insert_with(make));
        }
    }

    /// Clears the progress bar before something is printed.
    fn clear(&self) {
        if let Some(bar) = self.bar.lock().ok().and_then(|mut b| b.take()) {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.clear();
    }
}

impl Observer for Terminal {
    fn plan(&self, plan: &crate::plan::Plan) {
        let Some(f) = self.run_flags else {
            return;
        };
        let quiet = (f.quiet || plan.pipeline.quiet) && !f.no_quiet;
        let format = f.log_format.unwrap_or(plan.pipeline.log_format);
        let mode = Mode::new(quiet, format == crate::config::LogFormat::Json);
        if let Ok(mut m) = self.mode.write() {
            *m = mode;
        }
    }

    fn note(&self, text: &str) {
        self.clear();
        eprintln!("note: {text}");
    }

    fn waiting(&self, out: &Path, holder: Option<u32>) {
        eprintln!(
            "waiting for the sandogh run{} writing to {} to finish…",
            holder
                .map(|p| format!(" (process {p})"))
                .unwrap_or_default(),
            out.display()
        );
    }

    fn run_start(&self, start: &RunStart) {
        let _ = self.run_id.set(start.run_id.to_owned());
        self.emit(
            "run_start",
            serde_json::json!({
                "input": start.input.display().to_string(),
                "out": start.out.display().to_string(),
                "pipeline": start.pipeline_file.map(|p| p.display().to_string()),
                "version": env!("CARGO_PKG_VERSION"),
            }),
        );
    }

    fn unchanged(&self, since: &str) {
        if self.json() {
            self.emit("unchanged", serde_json::json!({ "since": since }));
        } else {
            println!(
                "nothing changed since run {since} (inputs, pipeline, report definition and sandogh version are the same, and its outputs are intact): no stage re-run; `--full` runs them anyway"
            );
        }
    }

    fn stage_start(&self, stage: Stage) {
        self.emit("stage_start", serde_json::json!({ "stage": stage.name() }));
        if self.run_flags.is_some() && !self.quiet() && stage != Stage::Ingest {
            println!();
        }
    }

    fn stage_end(&self, stage: Stage, seconds: f64, exit: Exit, failed: Option<&Failure>) {
        self.clear();
        if let Some(f) = failed {
            failure(f);
        }
        self.emit(
            "stage_end",
            serde_json::json!({ "stage": stage.name(), "seconds": seconds, "exit_code": exit.code() }),
        );
    }

    fn step(&self, stage: Stage, what: &str) {
        if stage == Stage::Ingest {
            self.all_read.store(true, Ordering::Relaxed);
        }
        // Each quarter of a range is one report step: its lines (or its error) are set apart.
        if stage == Stage::Report && self.reports_begun.fetch_add(1, Ordering::Relaxed) > 0 {
            self.clear();
            if !self.quiet() {
                println!();
            }
        }
        self.with_bar(
            || super::progress::step(stage.name(), what),
            |bar| super::progress::to_step(bar, stage.name(), what),
        );
    }

    fn file_read(&self, p: Progress) {
        // A slower reading thread's late update must not put a file name back on the bar
        // once it shows a later step.
        if self.all_read.load(Ordering::Relaxed) {
            return;
        }
        self.with_bar(
            || super::progress::files("ingest", p.total),
            |bar| {
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
                bar.set_message(p.file.to_owned());
            },
        );
        if p.done == p.total {
            self.step(Stage::Ingest, "checking rows across files");
        }
    }

    fn ingested(&self, done: &IngestDone) {
        self.clear();
        let ingested = &done.ingested;
        if !self.quiet() {
            println!("ingest {} → {}", done.input.display(), done.lake.display());
            if done.cached {
                let files = ingested
                    .files
                    .iter()
                    .filter(|f| f.found.claimed.is_some() && f.found.skip.is_none())
                    .count();
                println!(
                    "{} of {files} files unchanged since the last run: their rows were taken from {} instead of being read again",
                    ingested.from_cache,
                    crate::ingest::cache::CACHE_DIR
                );
            }
            print!("{}", crate::ingest::report::summary(&ingested.report));
            println!(
                "\nrejects: {}   report: {}",
                done.lake.join("rejects").join("rejects.parquet").display(),
                done.lake.join(crate::ingest::report::REPORT_FILE).display()
            );
            let steps: Vec<String> = ingested
                .timings
                .iter()
                .copied()
                .chain([("writing the lake", done.writing)])
                .map(|(step, t)| format!("{step} {:.2} s", t.as_secs_f64()))
                .collect();
            println!("time: {}", steps.join(", "));
        }
        if done.exit() == Exit::Partial {
            eprintln!(
                "partial: some files or sheets were quarantined (listed above); the rest landed"
            );
        }
    }

    fn indicators(&self, done: &crate::indicators::Done) {
        self.clear();
        if self.quiet() {
            return;
        }
        println!("indicators → {}", done.dir.display());
        println!("  {}", done.chosen);
        println!(
            "  {} quarters ({} to {}), {} rows: {} fund, {} county and {} province rows per indicator",
            done.quarters, done.first, done.last, done.rows, done.fund_rows, done.county_rows, done.province_rows
        );
        let steps: Vec<String> = done
            .timings
            .iter()
            .map(|(step, t)| format!("{step} {:.2} s", t.as_secs_f64()))
            .collect();
        println!("  time: {}", steps.join(", "));
    }

    fn feedback(&self, done: &crate::feedback::FeedbackDone) {
        self.clear();
        if self.quiet() {
            return;
        }
        println!("feedback → {}", done.dir.display());
        if done.files.is_empty() {
            println!("  nothing to correct: no rejected row, warning or file not read");
        }
        for (name, rejected, warnings) in &done.files {
            println!("  {name}: {rejected} rejected rows, {warnings} warnings");
        }
    }

    fn report(&self, done: &crate::report::ReportDone) {
        self.clear();
        if self.quiet() {
            return;
        }
        println!("report → {}", done.dir.display());
        println!("  {}", done.chosen);
        for f in &done.files {
            println!("  {f}");
        }
    }
}
