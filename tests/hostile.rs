//! The corpus of broken and hostile inputs (`tests/hostile/corpus.rs`), ingested in one run:
//! every file ends exactly as the corpus says (read with its rows, quarantined with the limit
//! or the damage named, or skipped), the run ends with exit 3 (files quarantined) rather than a
//! panic, an abort or a hang, every row read is accounted for, and the reading process stays
//! under 1 GiB of memory.
//!
//! `SANDOGH_HOSTILE_CORPUS=DIR` keeps the corpus in DIR (for measuring a release build on it:
//! README, "Hardening").

mod common;
#[path = "hostile/corpus.rs"]
mod corpus;

use common::*;
use std::path::PathBuf;

/// The largest resident memory of the children this process has waited for, in bytes.
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024
}

fn corpus_dir() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, outside) = match std::env::var_os("SANDOGH_HOSTILE_CORPUS") {
        Some(keep) => {
            let keep = PathBuf::from(keep);
            let _ = std::fs::remove_dir_all(&keep);
            (keep.join("input"), keep.join("outside"))
        }
        None => (dir.path().join("input"), dir.path().join("outside")),
    };
    std::fs::create_dir_all(&root).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    (dir, root, outside)
}

#[test]
fn every_hostile_file_ends_as_the_corpus_says_and_the_run_goes_on() {
    let (dir, root, outside) = corpus_dir();
    let expected = corpus::build(&root, &outside);
    let out = dir.path().join("out");
    let run = ingest(&root, &out);
    assert_eq!(
        run.code,
        3,
        "files quarantined, the rest read:\n{}",
        run.all_output()
    );
    let r = report(&out.join("lake"));

    let mut problems = Vec::new();
    for e in &expected {
        let Some(f) = r.files.iter().find(|f| f.path == e.path) else {
            problems.push(format!("{}: not in the ingest report", e.path));
            continue;
        };
        let reason = f.reason.clone().unwrap_or_default().to_lowercase();
        eprintln!("{}: {} {reason} {:?}", e.path, f.status, f.notes);
        if Some(f.status.as_str()) != e.status {
            problems.push(format!(
                "{}: {} ({reason}), expected {:?}",
                e.path, f.status, e.status
            ));
        }
        for w in &e.reason {
            if !reason.contains(w) {
                problems.push(format!("{}: the reason lacks «{w}»: {reason}", e.path));
            }
        }
        if let Some(n) = e.landed {
            if f.counts.landed != n {
                problems.push(format!(
                    "{}: {} rows landed, expected {n} ({:?})",
                    e.path, f.counts.landed, f.counts
                ));
            }
        }
        if let Some(n) = e.rejected {
            if f.counts.rejected != n {
                problems.push(format!(
                    "{}: {} rows rejected, expected {n} ({:?})",
                    e.path, f.counts.rejected, f.counts
                ));
            }
        }
        let c = &f.counts;
        let skipped = c.skipped_blank + c.skipped_total + c.skipped_duplicate;
        if c.rows_read != c.landed + c.rejected + skipped {
            problems.push(format!("{}: rows do not add up: {c:?}", e.path));
        }
    }
    for f in &r.files {
        if !expected.iter().any(|e| e.path == f.path) {
            problems.push(format!("{}: in the report but not in the corpus", f.path));
        }
    }
    assert_no_problems("hostile corpus", &problems);

    // The rows rejected, each for what is wrong with it.
    let mut rules: Vec<(String, i64, String)> = rejects(&out.join("lake"))
        .into_iter()
        .map(|r| {
            (
                r.source_file.unwrap_or_default(),
                r.source_row.unwrap_or_default(),
                r.rule.unwrap_or_default(),
            )
        })
        .collect();
    rules.sort();
    let expected_rules = [
        ("formulas.xlsx", 3, "error_cell"),
        ("formulas.xlsx", 4, "bad_date"),
        ("long-cells.xlsx", 3, "too_long"),
        ("unbalanced.csv", 3, "open_quote"),
    ]
    .map(|(f, r, rule)| (f.to_owned(), r, rule.to_owned()));
    assert_eq!(rules, expected_rules);

    // Nothing of the files outside the input, nor of /etc/passwd, reached anything.
    let t = &r.totals.counts;
    assert_eq!(
        t.rows_read,
        t.landed + t.rejected + t.skipped_blank + t.skipped_total + t.skipped_duplicate
    );
    for path in files_under(&out) {
        let bytes = std::fs::read(&path).expect("read output");
        for needle in [&b"OUT1"[..], b"OUT2", b"root:x:0:0"] {
            assert!(
                !contains_bytes(&bytes, needle),
                "{} holds {}",
                path.display(),
                String::from_utf8_lossy(needle)
            );
        }
    }
    let peak = children_peak_rss();
    assert!(
        peak < 1 << 30,
        "ingest of the hostile corpus peaked at {} MiB",
        peak >> 20
    );
    eprintln!("hostile corpus: peak RSS of ingest {} MiB", peak >> 20);
}

/// The bomb helper makes what it says: a stream that inflates to its size and CRC.
#[test]
fn a_bomb_inflates_to_what_it_declares() {
    use std::io::Read;
    let (stream, crc, size) = corpus::bomb(b"<a>", b' ', 3, b"</a>");
    let mut inflated = Vec::new();
    flate2::read::DeflateDecoder::new(&stream[..])
        .read_to_end(&mut inflated)
        .expect("inflate");
    assert_eq!(inflated.len() as u64, size);
    assert_eq!(crc32fast::hash(&inflated), crc);
    assert!(inflated.starts_with(b"<a>   ") && inflated.ends_with(b"   </a>"));
    assert!(stream.len() < 20_000, "3 MiB in {} bytes", stream.len());
}

/// `sandogh ingest` with the reader made to abort on files whose path holds `fault`.
fn ingest_with_fault(input: &std::path::Path, out: &std::path::Path, fault: Option<&str>) -> Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sandogh"));
    cmd.arg("ingest")
        .arg("--input")
        .arg(input)
        .arg("--out")
        .arg(out);
    match fault {
        Some(f) => cmd.env(sandogh::ingest::fault::ABORT_READING, f),
        None => cmd.env_remove(sandogh::ingest::fault::ABORT_READING),
    };
    let o = cmd.output().expect("run sandogh");
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A file that kills the reader (an abort, which no panic handler catches) stops the run that
/// meets it, leaving the previous lake whole; the next run reads that file alone in a separate
/// process first, sees it die there too, quarantines it and lands the rest; every later run
/// checks it again, and reads it as usual once it no longer kills.
#[test]
fn a_file_that_kills_its_reader_is_quarantined_by_the_next_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    let header = "fund_id,fund_name,county,established_on\n";
    put(
        &input,
        "zanjan/good.csv",
        format!("{header}G1,صندوق,Zanjan,1400/01/01\n"),
    );
    put(
        &input,
        "abhar/killer.csv",
        format!("{header}K1,صندوق,Abhar,1400/01/01\n"),
    );
    let funds = || {
        let mut ids = strings(
            &scan(&out.join("lake"), sandogh::schema::Table::Funds).expect("funds"),
            "fund_id",
        );
        ids.sort();
        ids.into_iter().flatten().collect::<Vec<_>>()
    };

    // A first lake, before the file turns bad.
    assert_eq!(ingest_with_fault(&input, &out, None).code, 0);
    assert_eq!(funds(), ["G1", "K1"]);

    let killed = ingest_with_fault(&input, &out, Some("killer"));
    assert_eq!(killed.code, -1, "aborted: {}", killed.all_output());
    assert_eq!(funds(), ["G1", "K1"], "the previous lake is whole");

    for night in 0..2 {
        let next = ingest_with_fault(&input, &out, Some("killer"));
        assert_eq!(next.code, 3, "night {night}: {}", next.all_output());
        let r = report(&out.join("lake"));
        let killer = r
            .files
            .iter()
            .find(|f| f.path == "abhar/killer.csv")
            .expect("in the report");
        assert_eq!(killer.status, "quarantined");
        let why = killer.reason.as_deref().unwrap_or("");
        assert!(
            why.starts_with(sandogh::ingest::watch::STOPPED) && why.contains("signal 6"),
            "{why}"
        );
        assert_eq!(funds(), ["G1"]);
    }

    // Mended (here: the fault gone), it is read as usual and no longer watched.
    assert_eq!(ingest_with_fault(&input, &out, None).code, 0);
    assert_eq!(funds(), ["G1", "K1"]);
    let marks = std::fs::read_dir(out.join(".cache/reading"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(marks, 0, "no file is left marked");
}

/// A file deleted after the folder was listed and before it was read is quarantined, saying it
/// vanished; the others are read. (One reading thread, so that the deletion, made when the
/// first file is done, comes before the other file is opened.)
#[test]
fn a_file_that_vanishes_while_the_run_goes_is_quarantined() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    let header = "fund_id,fund_name,county,established_on\n";
    // Files are read largest first: the larger one is read, then the smaller one is gone.
    let mut big = header.to_owned();
    for i in 0..50 {
        big.push_str(&format!("B{i},صندوق,Zanjan,1400/01/01\n"));
    }
    put(&input, "zanjan/big.csv", &big);
    put(
        &input,
        "zanjan/small.csv",
        format!("{header}S1,صندوق,Zanjan,1400/01/01\n"),
    );
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let small = input.join("zanjan/small.csv");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let ingested = pool
        .install(|| {
            sandogh::ingest::ingest_with_progress(&input, &pipeline, &|p| {
                if p.done == 1 {
                    let _ = std::fs::remove_file(&small);
                }
            })
        })
        .expect("ingest");
    let small = ingested
        .report
        .files
        .iter()
        .find(|f| f.path == "zanjan/small.csv")
        .expect("listed");
    assert_eq!(small.status, "quarantined");
    assert!(
        small
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("vanished while the run was going"),
        "{:?}",
        small.reason
    );
    let big = ingested
        .report
        .files
        .iter()
        .find(|f| f.path == "zanjan/big.csv")
        .expect("listed");
    assert_eq!((big.status.as_str(), big.counts.landed), ("read", 50));
}
