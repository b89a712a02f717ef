//! The run itself: a resolved plan → ingest → feedback → indicators → report → manifest, and
//! each stage on its own for the commands that run one.
//!
//! Nothing here prints. Whoever runs a stage passes an [`Observer`], which is told what happens
//! (a file read, a step begun, a stage's typed outcome, a stage's end) and decides what to show:
//! the command line's text, progress bars or JSON lines live in `crate::cli`. Every way a run or
//! stage can stop is a [`Failure`], which carries its [`Exit`] code; the code for each kind of
//! error is decided once, in the `From` conversions below.

use crate::calendar::Quarter;
use crate::config::Pipeline;
use crate::ingest::cache::FileCache;
use crate::ingest::digest::ReadDigests;
use crate::ingest::{Ingested, Progress};
use crate::manifest::{Kept, RunFacts, StageRecord};
use crate::plan::{Flags, Plan, Quarters};
use crate::report::config::ReportDef;
use crate::report::i18n::Lang;
use crate::report::ReportDone;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How a command ended: the exit codes scripts and schedulers rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: success.
    Ok,
    /// 1: a stage could not finish (an unreadable input folder, a disk error).
    Failure,
    /// 2: bad usage or configuration.
    Usage,
    /// 3: finished, with files or sheets quarantined.
    Partial,
    /// 4: `validate` found rows that would be rejected.
    Rejects,
    /// 5: another run holds the output folder.
    Busy,
}

impl Exit {
    /// Every exit, in code order.
    pub const ALL: [Exit; 6] = [
        Exit::Ok,
        Exit::Failure,
        Exit::Usage,
        Exit::Partial,
        Exit::Rejects,
        Exit::Busy,
    ];

    /// The process exit code.
    pub const fn code(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Partial => 3,
            Exit::Rejects => 4,
            Exit::Busy => 5,
        }
    }

    /// Whether the run's later stages go on after this one (success or partial).
    pub fn goes_on(self) -> bool {
        matches!(self, Exit::Ok | Exit::Partial)
    }
}

/// Why a run or stage stopped, with the exit code that says so: one problem, or several (a
/// plan reports every problem at once), each a sentence that says what to do.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", problems.join("; "))]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// What went wrong and what to do, one entry per problem (an entry may span lines, as a
    /// TOML error quoting the file does).
    pub problems: Vec<String>,
}

impl Failure {
    /// A usage or configuration problem.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            exit: Exit::Usage,
            problems: vec![message.into()],
        }
    }

    /// A stage that could not finish.
    pub fn failed(message: impl ToString) -> Failure {
        Failure {
            exit: Exit::Failure,
            problems: vec![message.to_string()],
        }
    }
}

impl From<crate::config::ConfigError> for Failure {
    fn from(e: crate::config::ConfigError) -> Failure {
        Failure::usage(e.to_string())
    }
}

impl From<crate::ingest::IngestError> for Failure {
    fn from(e: crate::ingest::IngestError) -> Failure {
        Failure::failed(e)
    }
}

impl From<crate::indicators::IndicatorError> for Failure {
    fn from(e: crate::indicators::IndicatorError) -> Failure {
        use crate::indicators::IndicatorError as E;
        match e {
            E::Quarter(m) | E::NoData(m) => Failure::usage(m),
            e => Failure::failed(e),
        }
    }
}

impl From<crate::report::ReportError> for Failure {
    fn from(e: crate::report::ReportError) -> Failure {
        match e {
            crate::report::ReportError::Usage(m) => Failure::usage(m),
            e => Failure::failed(e),
        }
    }
}

impl From<crate::feedback::FeedbackError> for Failure {
    fn from(e: crate::feedback::FeedbackError) -> Failure {
        match e {
            crate::feedback::FeedbackError::Usage(m) => Failure::usage(m),
            e => Failure::failed(e),
        }
    }
}

impl From<crate::template::TemplateError> for Failure {
    fn from(e: crate::template::TemplateError) -> Failure {
        match e {
            crate::template::TemplateError::Usage(m) => Failure::usage(m),
            e => Failure::failed(e),
        }
    }
}

impl From<crate::lock::LockError> for Failure {
    fn from(e: crate::lock::LockError) -> Failure {
        let exit = match e {
            crate::lock::LockError::Busy { .. } => Exit::Busy,
            crate::lock::LockError::Io { .. } => Exit::Failure,
        };
        Failure {
            exit,
            problems: vec![e.to_string()],
        }
    }
}

/// The stages of a run, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// County exports → lake.
    Ingest,
    /// Ingest report and rejects → a corrections workbook per county office.
    Feedback,
    /// Lake → indicators table.
    Indicators,
    /// Indicators table → workbooks and charts.
    Report,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 4] = [
        Stage::Ingest,
        Stage::Feedback,
        Stage::Indicators,
        Stage::Report,
    ];

    /// The stage's name in manifests and logs.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Ingest => "ingest",
            Stage::Feedback => "feedback",
            Stage::Indicators => "indicators",
            Stage::Report => "report",
        }
    }
}

/// What a run tells whoever shows it. Every method does nothing unless overridden; methods are
/// called from the run's thread, except [`Observer::file_read`], which the reading threads call.
pub trait Observer: Sync {
    /// The run's settings are resolved (before it waits for the lock or starts a stage).
    fn plan(&self, _plan: &Plan) {}
    /// Something worth saying that is not an error (a report file not found, say).
    fn note(&self, _text: &str) {}
    /// The output folder is locked by another run (`holder`) and this one waits for it.
    fn waiting(&self, _out: &Path, _holder: Option<u32>) {}
    /// A run has its id and begins.
    fn run_start(&self, _start: &RunStart) {}
    /// A run's inputs and settings are those of an earlier complete run: nothing is re-run.
    fn unchanged(&self, _since: &str) {}
    /// A stage of a run begins.
    fn stage_start(&self, _stage: Stage) {}
    /// A stage of a run ended, after `seconds`, with `exit` (and the failure, if it failed).
    fn stage_end(&self, _stage: Stage, _seconds: f64, _exit: Exit, _failure: Option<&Failure>) {}
    /// A step of a stage begins (checks across files, writing the lake, …).
    fn step(&self, _stage: Stage, _what: &str) {}
    /// Ingest read one more file.
    fn file_read(&self, _progress: Progress) {}
    /// Ingest finished and wrote the lake.
    fn ingested(&self, _done: &IngestDone) {}
    /// The corrections workbooks were written.
    fn feedback(&self, _done: &crate::feedback::FeedbackDone) {}
    /// The indicators stage finished.
    fn indicators(&self, _done: &crate::indicators::Done) {}
    /// The report of one quarter was written.
    fn report(&self, _done: &ReportDone) {}
}

/// What a run starts with, for its observer.
#[derive(Debug)]
pub struct RunStart<'a> {
    /// The run's id.
    pub run_id: &'a str,
    /// The input folder.
    pub input: &'a Path,
    /// The output folder.
    pub out: &'a Path,
    /// The pipeline file, when one was read.
    pub pipeline_file: Option<&'a Path>,
}

/// What ingest did, before its memory is given back.
#[derive(Debug)]
pub struct IngestDone {
    /// The input folder read.
    pub input: PathBuf,
    /// Everything ingest decided.
    pub ingested: Ingested,
    /// The lake written.
    pub lake: PathBuf,
    /// The time it took to write it.
    pub writing: Duration,
    /// Whether the files' outcomes were looked for in a cache.
    pub cached: bool,
}

impl IngestDone {
    /// Success, or partial when a file or sheet was quarantined.
    pub fn exit(&self) -> Exit {
        if self.ingested.report.partial() {
            Exit::Partial
        } else {
            Exit::Ok
        }
    }
}

/// How `sandogh validate` ends for an ingest that wrote nothing: partial when a file or sheet
/// was quarantined, else rejects when a row would be rejected, else success.
pub fn validated(report: &crate::ingest::report::IngestReport) -> Exit {
    if report.partial() {
        Exit::Partial
    } else if report.totals.counts.rejected > 0 {
        Exit::Rejects
    } else {
        Exit::Ok
    }
}

/// Takes the lock of the output folder for a command that writes into it (see
/// [`crate::lock`]). With `wait`, tells the observer whom it waits for and blocks; without, a
/// held lock is [`Exit::Busy`]. A folder that does not exist yet is created only when `create`
/// (ingest and run make it; indicators and report need it to exist and say so themselves).
pub fn lock_out(
    out: &Path,
    wait: bool,
    create: bool,
    obs: &dyn Observer,
) -> Result<Option<crate::lock::OutLock>, Failure> {
    use crate::lock::{LockError, OutLock};
    if !create && !out.is_dir() {
        return Ok(None);
    }
    let taken = match OutLock::acquire(out, false) {
        Err(LockError::Busy { holder, .. }) if wait => {
            obs.waiting(out, holder);
            OutLock::acquire(out, true)
        }
        other => other,
    };
    Ok(Some(taken?))
}

/// Ingest as a stage: reads every file under `input` (taking unchanged files' outcomes from
/// `cache`), writes `<out>/lake`, hands the outcome to the observer, then gives the memory back.
pub fn ingest(
    input: &Path,
    out: &Path,
    pipeline: &Pipeline,
    cache: Option<&FileCache>,
    digests: Option<&ReadDigests>,
    obs: &dyn Observer,
) -> Result<Exit, Failure> {
    let progress = |p: Progress| obs.file_read(p);
    let watch = crate::ingest::watch::Watch::open(out, &pipeline.limits);
    let ingested =
        crate::ingest::ingest_with(input, pipeline, &progress, cache, Some(&watch), digests)?;
    obs.step(Stage::Ingest, "writing the lake");
    let clock = Instant::now();
    let lake = crate::ingest::write(&ingested, out)?;
    let done = IngestDone {
        input: input.to_owned(),
        ingested,
        lake,
        writing: clock.elapsed(),
        cached: cache.is_some(),
    };
    obs.ingested(&done);
    let exit = done.exit();
    crate::memory::release_in_background(done);
    Ok(exit)
}

/// The corrections workbooks as a stage: `<out>/lake`'s ingest report and rejects →
/// `<out>/feedback/`, one workbook per county office and language.
pub fn feedback(
    out: &Path,
    pipeline: &Pipeline,
    langs: &[Lang],
    obs: &dyn Observer,
) -> Result<Exit, Failure> {
    obs.step(Stage::Feedback, "writing the corrections workbooks");
    let done = crate::feedback::run(out, pipeline, langs)?;
    obs.feedback(&done);
    Ok(Exit::Ok)
}

/// The indicators as a stage: `<out>/lake` → `<out>/indicators`, up to `quarter`.
pub fn indicators(
    out: &Path,
    pipeline: &Pipeline,
    quarter: Option<Quarter>,
    obs: &dyn Observer,
) -> Result<Exit, Failure> {
    let lake = out.join("lake");
    if !lake.is_dir() {
        return Err(Failure::usage(format!(
            "there is no lake at {}; run `sandogh ingest --input DIR --out {}` first",
            lake.display(),
            out.display()
        )));
    }
    obs.step(Stage::Indicators, "computing");
    let done = crate::indicators::run(
        &lake,
        &out.join("indicators"),
        pipeline.calendar,
        quarter,
        pipeline.limits.quarters_per_run,
    )?;
    obs.indicators(&done);
    // The frames the indicators read are freed; the report's memory comes on top of none of it.
    crate::memory::release_freed();
    Ok(Exit::Ok)
}

/// The report as a stage: the workbooks and charts of every quarter of `quarters` (default:
/// the latest in the indicators table), one after the other; stops at the first that fails.
/// `run_fingerprint` is cited on the Data quality sheet. Each quarter's charts and workbooks
/// reuse each other's large buffers ([`crate::memory::reusing_large_blocks`]: the pixmaps and
/// the workbooks' parts were fresh mappings each, 47k page faults at scale 1).
pub fn report(
    out: &Path,
    pipeline: &Pipeline,
    quarters: Option<Quarters>,
    langs: &[Lang],
    def: &ReportDef,
    run_fingerprint: Option<&str>,
    obs: &dyn Observer,
) -> Result<Exit, Failure> {
    let asked: Vec<Option<Quarter>> = match quarters {
        None => vec![None],
        Some(range) => range.all().into_iter().map(Some).collect(),
    };
    for quarter in asked {
        let what = match quarter {
            Some(q) => format!("writing the workbooks and charts of {q}"),
            None => "writing the workbooks and charts".to_owned(),
        };
        obs.step(Stage::Report, &what);
        let done = crate::memory::reusing_large_blocks(|| {
            crate::report::run(out, pipeline, def, quarter, langs, run_fingerprint)
        })?;
        obs.report(&done);
    }
    Ok(Exit::Ok)
}

/// How a run is asked to go.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Run every stage, and read every file, even when nothing changed.
    pub full: bool,
    /// Wait for another run on the same output folder instead of stopping.
    pub wait: bool,
}

/// What a run did.
#[derive(Debug)]
pub struct RunOutcome {
    /// The run's id.
    pub run_id: String,
    /// How it ended.
    pub exit: Exit,
    /// Each stage: time, exit code, whether it was skipped.
    pub stages: Vec<StageRecord>,
    /// The earlier run whose outputs were kept because nothing changed.
    pub unchanged_since: Option<String>,
    /// The output folder.
    pub out: PathBuf,
    /// The ingest report's totals, when the counts are this run's (read while the run held
    /// the output folder's lock).
    pub totals: Option<serde_json::Value>,
    /// The manifest written, or why it could not be.
    pub manifest: Result<PathBuf, Failure>,
}

impl RunOutcome {
    /// Whether ingest ran to its end (its lake is the one counted in the manifest).
    pub fn ingest_finished(&self) -> bool {
        crate::manifest::ingest_finished(&self.stages)
    }
}

/// Runs every stage of a pipeline. Every setting is resolved and checked before anything is
/// written (every problem at once); then the output folder is locked for the whole run and the
/// settings are resolved again, as a run that waited for another must use them as they are
/// when it starts. With an incremental pipeline, a run in which nothing changed runs no stage,
/// and one in which files changed reads only those. Every run that got the lock writes its
/// manifest.
pub fn run(flags: &Flags, options: RunOptions, obs: &dyn Observer) -> Result<RunOutcome, Failure> {
    let resolve = || {
        crate::plan::resolve(flags).map_err(|problems| Failure {
            exit: Exit::Usage,
            problems,
        })
    };
    let first = resolve()?;
    obs.plan(&first);
    let _lock = lock_out(&first.out, options.wait, true, obs)?;
    let plan = resolve()?;
    if plan.out != first.out {
        return Err(Failure::usage(
            "the pipeline file's `out` changed while this run waited; run it again",
        ));
    }
    for n in &plan.notes {
        obs.note(n);
    }
    let quarter_text = flags
        .quarter
        .clone()
        .or_else(|| plan.pipeline.quarter.clone());
    let Plan {
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
    obs.run_start(&RunStart {
        run_id: &run_id,
        input: &input,
        out: &out,
        pipeline_file: pipeline_file.as_deref(),
    });
    // An incremental run decides from its inputs' hashes whether to run at all; any other run
    // lists its inputs now and takes their hashes from the bytes ingest reads (hashing the
    // folder again beside ingest read every file twice), needed before the report (which
    // shows the run's fingerprint). Outputs written inside the input folder would be listed
    // half-written: such a run hashes its inputs first too.
    let decides = pipeline.incremental && !options.full;
    // The build that goes into the fingerprint is the one that starts the run (read once per
    // process), even when the fingerprint is worked out after the stages.
    let _ = crate::build_id::of_this_executable();
    let first = decides || !outside(&out, &input);
    let mut hashing = Some(crate::manifest::InputHashes::start(&input, first));
    let read_digests = ReadDigests::default();
    let others = crate::manifest::other_entries(&input);
    let codes: Vec<&str> = langs.iter().map(|l| l.code()).collect();
    let fingerprint_of = |inputs: &[crate::manifest::FileRecord]| {
        crate::manifest::fingerprint(&crate::manifest::Depends {
            pipeline: &pipeline,
            pipeline_sha256: pipeline_sha256.as_deref(),
            report_sha256: report_sha256.as_deref(),
            input: &input,
            quarter: quarter_text.as_deref(),
            languages: &codes,
            inputs,
            others: &others,
        })
    };
    let mut known = None;
    let mut know_inputs = |known: &mut Option<(Vec<crate::manifest::FileRecord>, String)>| {
        if known.is_none() {
            let inputs = hashing
                .take()
                .map(|h| h.records(&read_digests))
                .unwrap_or_default();
            let fingerprint = fingerprint_of(&inputs);
            *known = Some((inputs, fingerprint));
        }
    };
    let unchanged: Option<Kept> = if decides {
        know_inputs(&mut known);
        known
            .as_ref()
            .and_then(|(_, fingerprint)| crate::manifest::unchanged_since(&out, fingerprint))
    } else {
        None
    };
    let mut stages: Vec<StageRecord> = Vec::new();
    // The lake's, feedback's and indicators' folders are hashed for the manifest once their
    // stage is over, beside the next; reports/ after the last.
    let mut early = crate::manifest::EarlyHashes::default();
    let exit = match &unchanged {
        Some(kept) => {
            obs.unchanged(&kept.run_id);
            exit_of(kept.exit_status)
        }
        None => {
            let mut timed = |stage: Stage, work: &dyn Fn() -> Result<Exit, Failure>| {
                obs.stage_start(stage);
                let clock = Instant::now();
                let result = work();
                let seconds = clock.elapsed().as_secs_f64();
                let exit = result.as_ref().map_or_else(|f| f.exit, |e| *e);
                obs.stage_end(stage, seconds, exit, result.as_ref().err());
                stages.push(StageRecord {
                    stage: stage.name(),
                    seconds,
                    exit_code: Some(exit.code()),
                    skipped: false,
                });
                exit
            };
            // An incremental pipeline keeps what reading each file decided, so that the next
            // run reads only the files that changed (`--full` reads every file, and keeps).
            let cache = crate::manifest::reader_key(&pipeline)
                .filter(|_| pipeline.incremental)
                .map(|key| FileCache::new(&out, &key, !options.full));
            let mut exit = timed(Stage::Ingest, &|| {
                let digests = (!first).then_some(&read_digests);
                ingest(&input, &out, &pipeline, cache.as_ref(), digests, obs)
            });
            // The inputs' records now: a file ingest did not read is hashed as it is right
            // after ingest, not as a later stage may find it.
            know_inputs(&mut known);
            early.start(&out, "lake");
            // The offices' corrections need only ingest's outcome: they are written even when
            // the indicators cannot be (a lake whose rows were all rejected). A failure here
            // does not keep the managers' reports from being written, but the run fails.
            let corrected = if exit.goes_on() {
                let corrected = timed(Stage::Feedback, &|| feedback(&out, &pipeline, &langs, obs));
                early.start(&out, "feedback");
                corrected
            } else {
                Exit::Ok
            };
            if exit.goes_on() {
                let last = quarters.map(|q| q.last);
                let computed = timed(Stage::Indicators, &|| {
                    indicators(&out, &pipeline, last, obs)
                });
                early.start(&out, "indicators");
                if computed == Exit::Ok {
                    know_inputs(&mut known);
                    let fingerprint = known.as_ref().map_or("", |(_, f)| f.as_str());
                    let short = crate::manifest::short_fingerprint(fingerprint);
                    let reported = timed(Stage::Report, &|| {
                        report(&out, &pipeline, quarters, &langs, &def, Some(short), obs)
                    });
                    if reported != Exit::Ok {
                        exit = reported;
                    }
                } else {
                    exit = computed;
                }
            }
            if corrected != Exit::Ok && exit.goes_on() {
                exit = corrected;
            }
            exit
        }
    };
    for stage in Stage::ALL {
        if !stages.iter().any(|s| s.stage == stage.name()) {
            stages.push(StageRecord {
                stage: stage.name(),
                seconds: 0.0,
                exit_code: None,
                skipped: true,
            });
        }
    }
    know_inputs(&mut known);
    let (inputs, fingerprint) = known.unwrap_or_default();
    let since = unchanged.as_ref().map(|k| k.run_id.clone());
    // The counts are this run's only when its ingest finished (or when it kept the outputs of
    // an unchanged run); a failed ingest leaves the previous lake, whose counts are not its.
    let ingest_report = (crate::manifest::ingest_finished(&stages) || since.is_some())
        .then(|| crate::manifest::read_ingest_report(&out))
        .flatten();
    let outputs = match &unchanged {
        Some(kept) => kept.outputs.clone(),
        None => early.outputs(&out),
    };
    let facts = RunFacts {
        run_id: &run_id,
        started: &started,
        pipeline_file: pipeline_file.as_deref(),
        pipeline_sha256: pipeline_sha256.as_deref(),
        input: &input,
        out: &out,
        stages: &stages,
        exit_status: exit.code(),
        fingerprint: &fingerprint,
        inputs: &inputs,
        others: &others,
        unchanged_since: since.as_deref(),
        outputs: &outputs,
        ingest_report: ingest_report.as_ref(),
    };
    let manifest = crate::manifest::write(&facts).map_err(|e| {
        Failure::failed(format!(
            "cannot write the run's manifest in {}: {e}",
            out.display()
        ))
    });
    // A run whose stages succeeded but whose manifest is missing did not finish.
    let exit = match &manifest {
        Err(_) if exit.goes_on() => Exit::Failure,
        _ => exit,
    };
    Ok(RunOutcome {
        run_id,
        exit,
        stages,
        unchanged_since: since,
        out,
        totals: ingest_report.and_then(|r| r.get("totals").cloned()),
        manifest,
    })
}

/// Whether the folder `out` is known to lie outside the folder `input` (both exist; false
/// when either cannot be resolved).
fn outside(out: &Path, input: &Path) -> bool {
    match (std::fs::canonicalize(out), std::fs::canonicalize(input)) {
        (Ok(out), Ok(input)) => !out.starts_with(&input),
        _ => false,
    }
}

/// The exit status an earlier run's manifest recorded (an unknown number is a failure).
fn exit_of(code: i32) -> Exit {
    Exit::ALL
        .into_iter()
        .find(|e| e.code() == code)
        .unwrap_or(Exit::Failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_folder_inside_the_input_folder_is_told() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (input, other) = (dir.path().join("in"), dir.path().join("other"));
        for d in [input.join("out"), other.clone()] {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        assert!(outside(&other, &input));
        assert!(!outside(&input.join("out"), &input));
        assert!(!outside(&input, &input));
        // Through a relative path with `..` in it, and a folder that is not there.
        assert!(!outside(&input.join("out/../out"), &input));
        assert!(!outside(&dir.path().join("missing"), &input));
    }

    #[test]
    fn each_error_kind_has_its_exit_code() {
        let usage: Failure = crate::report::ReportError::Usage("no quarter".into()).into();
        assert_eq!(usage.exit, Exit::Usage);
        let busy: Failure = crate::lock::LockError::Busy {
            out: PathBuf::from("out"),
            holder: Some(7),
        }
        .into();
        assert_eq!((busy.exit, busy.exit.code()), (Exit::Busy, 5));
        assert!(busy.to_string().contains("process 7"), "{busy}");
        let quarter: Failure =
            crate::indicators::IndicatorError::Quarter("bad quarter".into()).into();
        assert_eq!(quarter.exit.code(), 2);
        for e in Exit::ALL {
            assert_eq!(exit_of(e.code()), e);
        }
    }
}
