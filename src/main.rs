//! The `sandogh` command. Everything it does lives in the library; see `sandogh --help`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    restore_sigpipe();
    sandogh::memory::manage();
    let cli = sandogh::cli::Cli::parse();
    std::process::ExitCode::from(sandogh::cli::run(cli) as u8)
}

/// Lets `sandogh … | head` end quietly, as other command-line tools do, instead of panicking
/// on the closed pipe (Rust ignores SIGPIPE by default).
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
