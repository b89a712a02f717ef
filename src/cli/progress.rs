//! Progress on a terminal (indicatif): a bar of the files ingest reads, and a line with the
//! elapsed time for the steps of each stage. When stderr is not a terminal (cron, systemd, a
//! pipe) or with `--quiet`, nothing is drawn and only the stages' plain lines are printed.
//! Bars go to stderr and are cleared before a stage prints its summary on stdout.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Whether progress is drawn: a terminal on stderr, and not `--quiet`.
pub fn live(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

fn bar(live: bool, len: Option<u64>, template: &str) -> ProgressBar {
    if !live {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        pb.set_style(style.progress_chars("=> ").tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "));
    }
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// A bar over `total` files: `stage [=====>    ] 3/9 files  2.1 s  tarom.xlsx`.
pub fn files(live: bool, stage: &str, total: usize) -> ProgressBar {
    let pb = bar(
        live,
        Some(total as u64),
        &format!("  {stage} [{{bar:30}}] {{pos}}/{{len}} files  {{elapsed}}  {{wide_msg}}"),
    );
    pb
}

/// A line for a stage's step: `⠹ indicators: computing  1.2 s`.
pub fn step(live: bool, stage: &str, what: &str) -> ProgressBar {
    let pb = bar(
        live,
        None,
        &format!("  {{spinner}} {stage}: {{wide_msg}}  {{elapsed}}"),
    );
    pb.set_message(what.to_owned());
    pb
}

/// Turns a bar into a step line once its counted part is done.
pub fn to_step(pb: &ProgressBar, stage: &str, what: &str) {
    if let Ok(style) =
        ProgressStyle::with_template(&format!("  {{spinner}} {stage}: {{wide_msg}}  {{elapsed}}"))
    {
        pb.set_style(style.tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "));
    }
    pb.set_message(what.to_owned());
}
