use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = unawait::cli::Cli::parse();
    ExitCode::from(unawait::run(cli))
}
