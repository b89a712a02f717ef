//! Nothing leaked: no personal value of the sample province (a member's name, national ID or
//! mobile, as written and as normalized) reaches any file a run writes — Parquet decoded,
//! every part of every workbook unzipped, JSON, CSV, SVG, the incremental cache — nor what the
//! commands print. The personal values are found by reading the inputs as ingest does (each
//! sheet's located table and its personal columns), so the list is the inputs' own, not one
//! written here; the test fails if there are none to look for. A value the inputs also hold in
//! a field the contract keeps (a fund's facilitator who is also a member of some fund) is no
//! leak when it appears, and is left out.

mod common;

use common::*;
use sandogh::ingest::locate::{Matchers, Plan};
use sandogh::ingest::read::{self, Format};
use std::collections::BTreeSet;
use std::path::Path;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data");

/// Every personal cell value of the files under `input`, as written and as normalized, less
/// those that a kept (non-personal) field of the inputs holds too.
fn personal_values(input: &Path) -> BTreeSet<String> {
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    let matchers = Matchers::new(&pipeline);
    let mut values = BTreeSet::new();
    let mut kept = BTreeSet::new();
    for path in files_under(input) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let sheets = match (ext.as_str(), read::sniff_workbook(&bytes)) {
            ("csv", _) => read::read_csv(&bytes).map(|s| vec![s]),
            (_, Ok(Format::Xlsx)) => sandogh::ingest::xlsx::read_all(&bytes)
                .or_else(|_| read::read_workbook(bytes.clone(), Format::Xlsx)),
            (_, Ok(f)) => read::read_workbook(bytes.clone(), f),
            _ => continue,
        };
        let Ok(sheets) = sheets else { continue };
        for sheet in sheets {
            let name = sheet.name.clone().unwrap_or_else(|| stem.clone());
            let Plan::Read(layout) =
                sandogh::ingest::locate::plan_from_head(&name, &sheet.rows, &matchers)
            else {
                continue;
            };
            let fields = layout.table.fields();
            for row in &sheet.rows[layout.header_pos + 1..] {
                for col in &layout.columns {
                    if let Some(cell) = row.cells.get(col.index) {
                        let shown = cell.display().trim().to_owned();
                        let normal = sandogh::text::normalize(&shown);
                        let set = if fields[col.field].personal {
                            &mut values
                        } else {
                            &mut kept
                        };
                        for v in [shown, normal] {
                            if v.chars().count() >= 5 {
                                set.insert(v);
                            }
                        }
                    }
                }
            }
        }
    }
    values.retain(|v| !kept.contains(v));
    values
}

/// The texts a spreadsheet program or a reader would see in one output file.
fn texts_of(path: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).expect("read output");
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" => {
            let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("a zip");
            (0..zip.len())
                .map(|i| {
                    let mut e = zip.by_index(i).expect("entry");
                    let mut part = Vec::new();
                    std::io::Read::read_to_end(&mut e, &mut part).expect("inflate");
                    (e.name().map(|n| n.into_owned()).unwrap_or_default(), part)
                })
                .collect()
        }
        "parquet" => {
            let df = read_parquet(path);
            let mut text = Vec::new();
            for col in df.columns() {
                if col.dtype() == &polars::prelude::DataType::String {
                    for v in strings(&df, col.name()).into_iter().flatten() {
                        text.extend(v.into_bytes());
                        text.push(b'\n');
                    }
                }
            }
            vec![("strings".into(), text)]
        }
        _ => vec![(String::new(), bytes)],
    }
}

#[test]
fn no_personal_value_of_the_sample_reaches_any_output_or_message() {
    let needles = personal_values(Path::new(SAMPLE));
    // The sample holds names, national IDs and mobiles of hundreds of members.
    assert!(
        needles.len() > 500,
        "only {} personal values found",
        needles.len()
    );
    let digits = needles
        .iter()
        .filter(|v| v.len() == 10 && v.bytes().all(|b| b.is_ascii_digit()))
        .count();
    assert!(digits > 100, "national IDs among them: {digits}");

    let dir = tempfile::tempdir().expect("temp dir");
    let quarterly = dir.path().join("quarterly");
    let nightly = dir.path().join("nightly");
    let manifest = env!("CARGO_MANIFEST_DIR");
    let run = |args: &[&std::ffi::OsStr]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_sandogh"))
            .args(args)
            .current_dir(manifest)
            .output()
            .expect("run sandogh");
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let printed = [
        run(&["run".as_ref(), "--out".as_ref(), quarterly.as_os_str()]),
        // The nightly pipeline keeps the incremental cache of parsed rows too.
        run(&[
            "run".as_ref(),
            "pipelines/nightly.toml".as_ref(),
            "--no-quiet".as_ref(),
            "--out".as_ref(),
            nightly.as_os_str(),
        ]),
        run(&["validate".as_ref(), "--input".as_ref(), SAMPLE.as_ref()]),
        // Every county's template, its funds filled in from the lake.
        run(&[
            "template".as_ref(),
            "--out".as_ref(),
            quarterly.as_os_str(),
            "--county".as_ref(),
            "all".as_ref(),
            "--lang".as_ref(),
            "fa,en".as_ref(),
        ]),
    ];
    let files: Vec<_> = files_under(&quarterly)
        .into_iter()
        .chain(files_under(&nightly))
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains(".cache/ingest")),
        "the nightly run kept its cache"
    );
    assert!(files
        .iter()
        .any(|f| f.extension().is_some_and(|e| e == "xlsx")));
    for folder in ["feedback", "templates"] {
        assert!(
            files.iter().any(|f| f
                .to_string_lossy()
                .contains(&format!("quarterly/{folder}/"))),
            "the corrections workbooks and templates are scanned too ({folder})"
        );
    }

    let finders: Vec<(&String, memchr::memmem::Finder)> = needles
        .iter()
        .map(|n| (n, memchr::memmem::Finder::new(n.as_bytes())))
        .collect();
    let mut problems = Vec::new();
    for path in &files {
        for (part, text) in texts_of(path) {
            for (needle, finder) in &finders {
                if finder.find(&text).is_some() {
                    problems.push(format!("{} {part} holds «{needle}»", path.display()));
                    break;
                }
            }
        }
    }
    for (i, text) in printed.iter().enumerate() {
        for needle in &needles {
            if text.contains(needle.as_str()) {
                problems.push(format!("command {i}'s output holds «{needle}»"));
            }
        }
    }
    problems.truncate(20);
    assert_no_problems("personal data", &problems);
}
