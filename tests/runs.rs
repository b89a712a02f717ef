//! Runs that nightly jobs can trust: one run at a time on an output folder, and a run killed at
//! any moment leaves the previous outputs whole.

use sandogh::lock::OutLock;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn sandogh() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sandogh"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

/// `sandogh run --input sample-data/ --out OUT`, more arguments to add.
fn sample_run(out: &Path) -> Command {
    let mut c = sandogh();
    c.args(["run", "--input"])
        .arg(sample_data())
        .arg("--out")
        .arg(out);
    c
}

/// Every file under `dir` (relative path → bytes); hidden entries (the lock file, a stage's
/// temporary folders, which a killed run leaves until the next run sweeps them) left out.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let e = e.expect("entry");
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.file_name().is_some_and(|n| n != sandogh::lock::LOCK_FILE) {
                let bytes = std::fs::read(&p).expect("read");
                found.insert(p.strip_prefix(dir).expect("under").to_owned(), bytes);
            }
        }
    }
    found
}

/// What a finished run does not leave anywhere under `out`: temporary and moved-aside folders
/// and unfinished files.
fn leftovers(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![out.to_owned()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("list").flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.contains(".tmp-") || name.contains(".old-") || name.ends_with(".tmp") {
                found.push(e.path().display().to_string());
            } else if e.path().is_dir() {
                todo.push(e.path());
            }
        }
    }
    found
}

#[test]
fn a_second_run_on_one_out_stops_naming_the_first_or_waits_with_wait() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let held = OutLock::acquire(&out, false).expect("lock");
    let busy = sandogh()
        .args(["ingest", "--input"])
        .arg(sample_data())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("ingest");
    let stderr = String::from_utf8_lossy(&busy.stderr);
    assert_eq!(busy.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains(&format!("(process {})", std::process::id())),
        "{stderr}"
    );
    assert!(stderr.contains("--wait"), "{stderr}");
    assert!(!out.join("lake").exists(), "a refused run writes nothing");

    let mut waiting = sample_run(&out)
        .arg("--wait")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run --wait");
    // Read its messages as they come: once it says whom it waits for, it is waiting.
    let stderr = waiting.stderr.take().expect("stderr");
    let (said, heard) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("waiting for the sandogh run") {
                let _ = said.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    heard
        .recv_timeout(Duration::from_secs(120))
        .expect("the second run says that it waits");
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        waiting.try_wait().expect("poll").is_none(),
        "--wait must wait while the lock is held"
    );
    assert!(!out.join("lake").exists());
    drop(held);
    let status = waiting.wait().expect("wait");
    let stderr = reader.join().expect("reader");
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(out.join("reports").is_dir());
}

#[test]
fn a_run_killed_at_any_moment_leaves_the_previous_outputs_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |out: &Path| {
        sample_run(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run")
    };
    // The reference: what a run writes (runs are deterministic, so every run writes these bytes).
    let reference = dir.path().join("reference");
    let clock = Instant::now();
    assert!(run(&reference).success());
    let took = clock.elapsed();
    let expected: BTreeMap<&str, BTreeMap<PathBuf, Vec<u8>>> =
        ["lake", "feedback", "indicators", "reports"]
            .into_iter()
            .map(|stage| (stage, files(&reference.join(stage))))
            .collect();

    let out = dir.path().join("out");
    let clock = Instant::now();
    assert!(run(&out).success());
    // The faster of two whole runs sets the span, so that nearly every kill lands mid-run.
    let took = took.min(clock.elapsed());
    // Kill runs at points spread over a whole run (every stage is hit), then check that each
    // stage's output is there and is exactly a complete run's.
    let points = 24;
    let mut killed = 0;
    for i in 0..points {
        let at = took.mul_f64(f64::from(i) / f64::from(points));
        let mut child = sample_run(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(at);
        if child.try_wait().expect("poll").is_none() {
            killed += 1;
        }
        let _ = child.kill(); // SIGKILL; it may already have finished
        let _ = child.wait();
        for (stage, files_of_stage) in &expected {
            let now = files(&out.join(stage));
            assert!(
                now == *files_of_stage,
                "after a kill at {at:?} (point {i}), {stage}/ is not a complete run's output: {} files, {} expected",
                now.len(),
                files_of_stage.len()
            );
        }
    }
    assert!(
        killed >= points / 4,
        "only {killed} of {points} runs were still going when killed"
    );
    // The next run recovers by itself and sweeps what the killed ones left, its manifest's
    // unfinished temporary files too.
    std::fs::write(out.join("runs/.20261201T000000Z-99999999.json.tmp"), "{").expect("write");
    assert!(run(&out).success());
    assert_eq!(leftovers(&out), Vec::<String>::new());
    let unfinished: Vec<String> = std::fs::read_dir(out.join("runs"))
        .expect("runs/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert_eq!(unfinished, Vec::<String>::new());
    for (stage, files_of_stage) in &expected {
        assert!(files(&out.join(stage)) == *files_of_stage, "{stage}");
    }
}

#[test]
fn an_output_moved_aside_by_a_killed_run_is_put_back() {
    // A file system without RENAME_EXCHANGE renames the old output aside, then the new one in;
    // a run killed between the two leaves `.lake.old-PID` and no lake. The next stage puts it
    // back before anything else.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let status = sandogh()
        .args(["ingest", "--quiet", "--input"])
        .arg(sample_data())
        .arg("--out")
        .arg(&out)
        .status()
        .expect("ingest");
    assert!(status.success());
    let lake = files(&out.join("lake"));
    // A process id that no running process has (above the kernel's pid_max).
    let aside = out.join(".lake.old-99999999");
    std::fs::rename(out.join("lake"), &aside).expect("move aside");
    std::fs::create_dir_all(out.join(".lake.tmp-99999998/half")).expect("stale tmp");
    let staged = sandogh::lake::staging_dir(&out.join("lake")).expect("staging");
    assert!(out.join("lake").is_dir(), "the old lake is back");
    assert!(files(&out.join("lake")) == lake);
    assert!(!aside.exists());
    assert!(!out.join(".lake.tmp-99999998").exists(), "stale tmp swept");
    std::fs::remove_dir_all(staged).expect("clean");
    // Beside the reports, leftovers of any quarter are swept when one quarter is staged.
    let stale = out.join("reports/.1399Q1.tmp-99999997");
    std::fs::create_dir_all(stale.join("charts")).expect("stale report");
    let staged = sandogh::lake::staging_dir(&out.join("reports/1403Q4")).expect("staging");
    assert!(
        !stale.exists(),
        "a stale report folder of another quarter is swept"
    );
    std::fs::remove_dir_all(staged).expect("clean");
}

#[test]
fn a_bad_language_or_report_definition_stops_a_run_before_ingest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let bad_lang = sandogh()
        .args(["run", "--lang", "fa,de", "--input"])
        .arg(sample_data())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&bad_lang.stderr);
    assert_eq!(bad_lang.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("«de» is not a report language"), "{stderr}");
    assert!(
        !out.exists(),
        "nothing is read or written before the settings are right"
    );

    // The pipeline names a report definition that does not parse.
    let report = dir.path().join("broken-report.toml");
    std::fs::write(&report, "[summary\nfigures = [").expect("write report");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pipeline_text = std::fs::read_to_string(root.join("pipelines/quarterly.toml"))
        .expect("pipeline")
        .replace(
            "report = \"reports/quarterly.toml\"",
            &format!("report = {:?}", report.display().to_string()),
        );
    let pipeline = dir.path().join("pipeline.toml");
    std::fs::write(&pipeline, pipeline_text).expect("write pipeline");
    let bad_report = sandogh()
        .arg("run")
        .arg(&pipeline)
        .arg("--input")
        .arg(sample_data())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&bad_report.stderr);
    assert_eq!(bad_report.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken-report.toml"), "{stderr}");
    assert!(
        !out.exists(),
        "nothing is read or written before the settings are right"
    );
}

#[test]
fn backfill_writes_the_reports_of_every_quarter_in_the_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let done = sandogh()
        .args([
            "run",
            "--quarter",
            "1403Q2..1403Q4",
            "--lang",
            "en",
            "--input",
        ])
        .arg(sample_data())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let mut written: Vec<String> = std::fs::read_dir(out.join("reports"))
        .expect("reports")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["1403Q2", "1403Q3", "1403Q4"]);
    for q in &written {
        let book = out
            .join("reports")
            .join(q)
            .join(format!("sandogh-{q}-en.xlsx"));
        assert!(book.is_file(), "{}", book.display());
    }
    // The indicators go up to the range's end.
    let csv = std::fs::read_to_string(out.join("indicators/indicators.csv")).expect("csv");
    assert!(csv.lines().any(|l| l.starts_with("1403Q4,")));
    assert!(!csv.lines().any(|l| l.starts_with("1404Q1,")));

    let reversed = sandogh()
        .args(["report", "--quarter", "1403Q4..1403Q2", "--out"])
        .arg(&out)
        .output()
        .expect("report");
    let stderr = String::from_utf8_lossy(&reversed.stderr);
    assert_eq!(reversed.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("ends before it starts"), "{stderr}");
}

fn sha256_hex(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).expect("read");
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn every_run_writes_a_manifest_of_its_inputs_stages_and_outputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let done = sample_run(&out).output().expect("run");
    assert_eq!(done.status.code(), Some(0));
    let manifests: Vec<PathBuf> = std::fs::read_dir(out.join("runs"))
        .expect("runs/")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(manifests.len(), 1, "{manifests:?}");
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifests[0]).expect("read")).expect("json");
    let run_id = m["run_id"].as_str().expect("run_id");
    assert!(String::from_utf8_lossy(&done.stdout).contains(run_id));
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["exit_status"], 0);
    assert_eq!(
        m["pipeline"]["sha256"],
        sha256_hex(&Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/quarterly.toml"))
    );
    // Every input file, with its size and hash.
    let inputs = m["inputs"].as_array().expect("inputs");
    let on_disk = files(&sample_data());
    assert_eq!(inputs.len(), on_disk.len());
    for i in inputs {
        let path = sample_data().join(i["path"].as_str().expect("path"));
        assert_eq!(i["sha256"], sha256_hex(&path), "{}", path.display());
        assert_eq!(i["size"], std::fs::metadata(&path).expect("meta").len());
    }
    // Each stage ran, with its time and exit code.
    let stages: Vec<&str> = m["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| {
            assert_eq!(s["skipped"], false);
            assert_eq!(s["exit_code"], 0);
            assert!(s["seconds"].as_f64().expect("seconds") > 0.0);
            s["stage"].as_str().expect("stage")
        })
        .collect();
    assert_eq!(stages, ["ingest", "feedback", "indicators", "report"]);
    // Row counts are the ingest report's; outputs carry their hashes.
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("lake/ingest-report.json")).expect("report"),
    )
    .expect("json");
    assert_eq!(m["rows"], report["totals"]);
    let csv = m["outputs"]
        .as_array()
        .expect("outputs")
        .iter()
        .find(|o| o["path"] == "indicators/indicators.csv")
        .expect("indicators.csv listed");
    assert_eq!(
        csv["sha256"],
        sha256_hex(&out.join("indicators/indicators.csv"))
    );
    // Every file of the four output folders is listed once, in order, with its size and hash
    // as it is on disk (the lake, feedback and indicators folders are hashed while the next
    // stage runs).
    let listed: Vec<(String, u64, String)> = m["outputs"]
        .as_array()
        .expect("outputs")
        .iter()
        .map(|o| {
            (
                o["path"].as_str().expect("path").to_owned(),
                o["size"].as_u64().expect("size"),
                o["sha256"].as_str().expect("sha256").to_owned(),
            )
        })
        .collect();
    let mut on_disk = Vec::new();
    for folder in ["lake", "feedback", "indicators", "reports"] {
        let mut in_folder: Vec<(String, u64, String)> = files(&out.join(folder))
            .into_iter()
            .map(|(rel, bytes)| {
                (
                    format!("{folder}/{}", rel.to_string_lossy()),
                    bytes.len() as u64,
                    sha256_hex(&out.join(folder).join(&rel)),
                )
            })
            .collect();
        in_folder.sort();
        on_disk.extend(in_folder);
    }
    assert!(on_disk.len() > 20, "{on_disk:?}");
    assert_eq!(listed, on_disk);
    // `sandogh runs` lists it.
    let listed = sandogh()
        .args(["runs", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&listed.stdout);
    let landed = m["rows"]["landed"].to_string();
    assert!(text.contains(run_id) && text.contains(&landed), "{text}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("list").flatten() {
        let p = e.path();
        let target = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy");
        }
    }
}

/// The manifest of the newest run in `out`.
fn newest_manifest(out: &Path) -> serde_json::Value {
    let mut names: Vec<PathBuf> = std::fs::read_dir(out.join("runs"))
        .expect("runs/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    let newest = names.last().expect("a manifest");
    serde_json::from_slice(&std::fs::read(newest).expect("read")).expect("json")
}

fn stages_skipped(m: &serde_json::Value) -> Vec<bool> {
    m["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["skipped"] == true)
        .collect()
}

/// `sandogh run pipelines/nightly.toml --input INPUT --out OUT EXTRA…`, which must succeed;
/// returns its standard output.
fn nightly_run(input: &Path, out: &Path, extra: &[&str]) -> String {
    let nightly = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/nightly.toml");
    let o = sandogh()
        .arg("run")
        .arg(&nightly)
        .arg("--input")
        .arg(input)
        .arg("--out")
        .arg(out)
        // The nightly pipeline is quiet with JSON logs; these tests read its text.
        .args(["--log-format", "text", "--no-quiet"])
        .args(extra)
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn an_incremental_run_in_which_nothing_changed_reruns_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("exports");
    copy_dir(&sample_data(), &input);
    let out = dir.path().join("out");
    let run = |extra: &[&str]| nightly_run(&input, &out, extra);
    run(&[]);
    let first = newest_manifest(&out);
    assert_eq!(stages_skipped(&first), [false, false, false, false]);
    let outputs = files(&out.join("indicators"));

    // Nothing changed: nothing re-run, and the run says so.
    let text = run(&[]);
    let first_id = first["run_id"].as_str().expect("id");
    assert!(
        text.contains(&format!("nothing changed since run {first_id}")),
        "{text}"
    );
    let second = newest_manifest(&out);
    assert_eq!(stages_skipped(&second), [true, true, true, true]);
    assert_eq!(second["unchanged_since"], first_id);
    assert!(files(&out.join("indicators")) == outputs);

    // --full runs every stage anyway.
    run(&["--full"]);
    assert_eq!(
        stages_skipped(&newest_manifest(&out)),
        [false, false, false, false]
    );

    // An output that is no longer what the run wrote is rebuilt.
    std::fs::write(out.join("indicators/indicators.csv"), "tampered").expect("tamper");
    run(&[]);
    assert_eq!(
        stages_skipped(&newest_manifest(&out)),
        [false, false, false, false]
    );
    assert!(
        files(&out.join("indicators")) == outputs,
        "rebuilt as before"
    );

    // A changed input file runs every stage.
    let mut some_csv = None;
    for e in walk_files(&input) {
        if e.extension().is_some_and(|x| x == "csv") {
            some_csv = Some(e);
            break;
        }
    }
    let csv = some_csv.expect("sample-data has a CSV export");
    let mut bytes = std::fs::read(&csv).expect("read");
    bytes.extend_from_slice(b"\n");
    std::fs::write(&csv, bytes).expect("write");
    run(&[]);
    assert_eq!(
        stages_skipped(&newest_manifest(&out)),
        [false, false, false, false]
    );
}

#[test]
fn an_incremental_run_rereads_only_the_changed_file_and_writes_what_a_full_run_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("exports");
    copy_dir(&sample_data(), &input);
    let out = dir.path().join("out");
    let run = |out: &Path, extra: &[&str]| nightly_run(&input, out, extra);
    let first = run(&out, &[]);
    let files_read = walk_files(&input)
        .iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|x| ["csv", "xlsx", "ods"].contains(&x.to_string_lossy().as_ref()))
        })
        .count();
    assert!(
        first.contains(&format!("0 of {files_read} files unchanged")),
        "{first}"
    );
    let rejected = |out: &Path| {
        let bytes = std::fs::read(out.join("lake/ingest-report.json")).expect("report");
        let report: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        report["totals"]["rejected"].as_i64().expect("rejected")
    };
    let before = rejected(&out);
    // Ijrud's office drops its last fund from funds.csv: its members, loans and savings in the
    // other (unchanged, cached) files now point at a fund that does not exist, so the
    // cross-row checks must run again over every file's rows.
    let funds = input.join("ijrud/funds.csv");
    let text = std::fs::read_to_string(&funds).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.pop();
    std::fs::write(&funds, lines.join("\n") + "\n").expect("write");
    let second = run(&out, &[]);
    assert!(
        second.contains(&format!(
            "{} of {files_read} files unchanged",
            files_read - 1
        )),
        "{second}"
    );
    // A full run from scratch on the same inputs writes the same bytes.
    let fresh = dir.path().join("fresh");
    run(&fresh, &["--full"]);
    for stage in ["lake", "feedback", "indicators", "reports"] {
        let a = files(&out.join(stage));
        let b = files(&fresh.join(stage));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{stage}"
        );
        for (path, bytes) in &a {
            assert!(bytes == &b[path], "{stage}/{} differs", path.display());
        }
    }
    // The change reached the outputs: the dropped fund's rows in the other files are now
    // rejected.
    assert!(rejected(&out) > before + 1, "{before} → {}", rejected(&out));
    // Only entries of the current inputs are kept.
    let entries = std::fs::read_dir(out.join(sandogh::ingest::cache::CACHE_DIR))
        .expect("cache")
        .count();
    assert_eq!(entries, files_read);
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).expect("list").flatten() {
        let p = e.path();
        if p.is_dir() {
            found.extend(walk_files(&p));
        } else {
            found.push(p);
        }
    }
    found.sort();
    found
}

/// The systemd units in deploy/ are valid (checked with `systemd-analyze verify` where it is
/// installed; the service's binary and folder are pointed at this build for the check).
#[test]
fn the_systemd_units_for_the_nightly_job_verify() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let service =
        std::fs::read_to_string(root.join("deploy/sandogh-nightly.service")).expect("service");
    let timer = std::fs::read_to_string(root.join("deploy/sandogh-nightly.timer")).expect("timer");
    assert!(service.contains("ExecStart=/usr/local/bin/sandogh run pipelines/nightly.toml"));
    assert!(timer.contains("OnCalendar="));
    let has_analyze = Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_analyze {
        eprintln!("systemd-analyze is not installed: the units were not verified");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let local = service
        .replace("/usr/local/bin/sandogh", env!("CARGO_BIN_EXE_sandogh"))
        .replace("/srv/sandogh", &root.display().to_string());
    std::fs::write(dir.path().join("sandogh-nightly.service"), local).expect("write");
    std::fs::write(dir.path().join("sandogh-nightly.timer"), timer).expect("write");
    let o = Command::new("systemd-analyze")
        .arg("verify")
        .arg(dir.path().join("sandogh-nightly.service"))
        .arg(dir.path().join("sandogh-nightly.timer"))
        .output()
        .expect("systemd-analyze");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_quiet_run_prints_only_its_closing_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let o = sandogh()
        .args(["run", "--quiet", "--input"])
        .arg(sample_data())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let m = newest_manifest(&out);
    let rows = &m["rows"];
    assert!(lines[0].starts_with("done in "), "{text}");
    assert!(
        lines[0].contains(&format!(
            "{} rows read: {} landed, {} rejected",
            rows["rows_read"], rows["landed"], rows["rejected"]
        )),
        "{text}"
    );
    assert!(
        lines[1].contains(m["run_id"].as_str().expect("id")),
        "{text}"
    );
}

#[test]
fn json_logs_are_one_object_per_line_for_each_step_of_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Asked for with the flag, and set by pipelines/nightly.toml (`log_format = "json"`).
    for (name, args) in [
        ("flag", vec!["run", "--log-format", "json"]),
        ("nightly", vec!["run", "pipelines/nightly.toml"]),
    ] {
        json_log_of_a_run(&dir.path().join(name), &args);
    }
    // The flag wins over the pipeline.
    let o = sandogh()
        .args([
            "run",
            "pipelines/nightly.toml",
            "--log-format",
            "text",
            "--no-quiet",
        ])
        .arg("--input")
        .arg(sample_data())
        .arg("--out")
        .arg(dir.path().join("text"))
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("ingest "), "{text}");
}

fn json_log_of_a_run(out: &Path, args: &[&str]) {
    let o = sandogh()
        .args(args)
        .arg("--input")
        .arg(sample_data())
        .arg("--out")
        .arg(out)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let names: Vec<String> = events
        .iter()
        .map(|e| {
            let stage = e["stage"]
                .as_str()
                .map(|s| format!(":{s}"))
                .unwrap_or_default();
            format!("{}{stage}", e["event"].as_str().expect("event"))
        })
        .collect();
    assert_eq!(
        names,
        [
            "run_start",
            "stage_start:ingest",
            "stage_end:ingest",
            "stage_start:feedback",
            "stage_end:feedback",
            "stage_start:indicators",
            "stage_end:indicators",
            "stage_start:report",
            "stage_end:report",
            "run_end"
        ]
    );
    let m = newest_manifest(out);
    let end = events.last().expect("run_end");
    assert_eq!(end["run_id"], m["run_id"]);
    assert_eq!(end["rows"], m["rows"]);
    assert_eq!(end["exit_status"], 0);
}

/// On a terminal (a pseudo-terminal made by `script`, where it is installed) ingest draws a
/// bar of the files; through a pipe nothing but plain lines is printed.
#[test]
fn progress_is_drawn_on_a_terminal_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let piped = sample_run(&dir.path().join("piped")).output().expect("run");
    assert_eq!(piped.status.code(), Some(0));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&piped.stdout),
        String::from_utf8_lossy(&piped.stderr)
    );
    assert!(!text.contains('\u{1b}'), "no terminal codes in a pipe");
    assert!(!text.contains(" files  "), "no bar in a pipe");
    let Ok(script) = which("script") else {
        eprintln!("script is not installed; the terminal half of this test is skipped");
        return;
    };
    let command = format!(
        "{} run --input {} --out {}",
        env!("CARGO_BIN_EXE_sandogh"),
        sample_data().display(),
        dir.path().join("tty").display()
    );
    let o = Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("script");
    let shown = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("ingest [") && shown.contains(" files  "),
        "{shown}"
    );
}

fn which(name: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or(())
}
