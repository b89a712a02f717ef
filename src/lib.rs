//! sandogh: county exports of local micro-funds → Parquet lake → portfolio indicators → reports.
//!
//! Each stage lives in its own module and reads only what the previous stage wrote:
//! [`ingest`] (exports → lake, written by [`lake`]), then indicators and reports. [`sample`]
//! writes the bundled sample province. Shared pieces: [`text`] (Persian normalization),
//! [`calendar`] (Jalali dates and quarters), [`schema`] (the canonical tables), [`config`]
//! (pipeline files). [`cli`] is the command line.

pub mod build_id;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod feedback;
pub mod indicators;
pub mod ingest;
pub mod lake;
pub mod lock;
pub mod manifest;
pub mod memory;
pub mod plan;
pub(crate) mod queue;
pub mod report;
pub mod run;
pub mod sample;
pub mod schema;
pub mod template;
pub mod text;
