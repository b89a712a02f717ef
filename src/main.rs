//! The `sandogh` command. Everything it does lives in the library; see `sandogh --help`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sandogh::cli::Cli::parse();
    std::process::ExitCode::from(sandogh::cli::run(cli) as u8)
}
