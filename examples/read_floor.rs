//! The read floor in Rust: every sheet of every .xlsx under a folder loaded by calamine
//! (`worksheet_range`, as the Python read floor's fastexcel does) and by sandogh's own xlsx
//! reader, files in parallel on the machine's cores, nothing else done with the cells.
//!
//! ```sh
//! cargo run --release --example read_floor -- DIR [calamine|sandogh]
//! ```
//! With a reader named, only that one runs (for timing one reader's CPU time).

use rayon::prelude::*;
use sandogh::ingest::read::{read_workbook, Format};
use sandogh::ingest::xlsx;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn workbooks(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            workbooks(&p, out);
        } else if p.extension().is_some_and(|x| x == "xlsx") {
            out.push(p);
        }
    }
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: read_floor DIR");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    workbooks(Path::new(&dir), &mut files);
    // Largest first, as ingest schedules them.
    files.sort_by_key(|p| std::cmp::Reverse(std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)));
    let bytes: u64 = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let only = std::env::args().nth(2);
    let run = |name: &str, read: &(dyn Fn(Vec<u8>) -> usize + Sync)| {
        if only.as_deref().is_some_and(|o| o != name) {
            return;
        }
        let clock = Instant::now();
        let cells: usize = files
            .par_iter()
            .map(|p| std::fs::read(p).map(read).unwrap_or(0))
            .sum();
        let secs = clock.elapsed().as_secs_f64();
        println!(
            "{name:<10} {secs:6.2} s  {:>12.0} cells/s  {:6.1} MB/s  ({} files, {cells} cells, {} threads)",
            cells as f64 / secs,
            bytes as f64 / 1e6 / secs,
            files.len(),
            rayon::current_num_threads()
        );
    };
    run("calamine", &|b| {
        read_workbook(b, Format::Xlsx)
            .map(|sheets| {
                sheets
                    .iter()
                    .flat_map(|s| &s.rows)
                    .map(|r| r.cells.len())
                    .sum()
            })
            .unwrap_or(0)
    });
    run("sandogh", &|b| {
        let mut cells = 0;
        let _ = xlsx::read(&b, xlsx::Budgets::default(), |e| {
            if let xlsx::Event::Row(r) = e {
                cells += r.cells.len();
            }
        });
        cells
    });
}
