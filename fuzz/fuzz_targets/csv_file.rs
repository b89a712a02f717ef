//! Whole-file ingest of one file named .csv (UTF-8, UTF-16 with its mark, or Windows-1256).
#![no_main]

#[path = "whole_file.rs"]
mod whole_file;

libfuzzer_sys::fuzz_target!(|data: &[u8]| whole_file::check(data, "zanjan/fuzz.csv"));
