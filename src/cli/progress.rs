//! Progress on a terminal (indicatif): a bar of the files ingest reads, and a line with the
//! elapsed time for the steps of each stage. When stderr is not a terminal (cron, systemd, a
//! pipe) or with `--quiet`, nothing is drawn ([`live`] is false and [`super::show::Terminal`]
//! makes no bar) and only the stages' plain lines are printed. Bars go to stderr and are
//! cleared before a stage prints its summary on stdout.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

const TICKS: &str = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ";

/// Whether progress is drawn: a terminal on stderr, and not `--quiet`.
pub fn live(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

fn bar(len: Option<u64>, template: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        pb.set_style(style.progress_chars("=> ").tick_chars(TICKS));
    }
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

fn step_template(stage: &str) -> String {
    format!("  {{spinner}} {stage}: {{wide_msg}}  {{elapsed}}")
}

/// A bar over `total` files: `stage [=====>    ] 3/9 files  2s  tarom.xlsx`.
pub fn files(stage: &str, total: usize) -> ProgressBar {
    bar(
        Some(total as u64),
        &format!("  {stage} [{{bar:30}}] {{pos}}/{{len}} files  {{elapsed}}  {{wide_msg}}"),
    )
}

/// A line for a stage's step: `⠹ indicators: computing  1s`.
pub fn step(stage: &str, what: &str) -> ProgressBar {
    let pb = bar(None, &step_template(stage));
    pb.set_message(what.to_owned());
    pb
}

/// Turns a bar into a step line (or gives a step line its next step).
pub fn to_step(pb: &ProgressBar, stage: &str, what: &str) {
    if let Ok(style) = ProgressStyle::with_template(&step_template(stage)) {
        pb.set_style(style.tick_chars(TICKS));
    }
    pb.set_message(what.to_owned());
}
