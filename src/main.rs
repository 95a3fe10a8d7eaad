use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = unawait::cli::Cli::parse();
    if let Err(e) = unawait::interrupt::install() {
        // Without the handler a signal still ends the run; renames keep files whole.
        eprintln!("unawait: warning: cannot handle interrupts gracefully: {e}");
    }
    ExitCode::from(unawait::run(cli))
}
