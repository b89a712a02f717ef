//! Whole-file ingest of one workbook named .xlsx (its bytes decide what it is read as).
#![no_main]

#[path = "whole_file.rs"]
mod whole_file;

libfuzzer_sys::fuzz_target!(|data: &[u8]| whole_file::check(data, "zanjan/fuzz.xlsx"));
