//! `marsad`: the command-line entry point. Argument parsing, wiring and exit
//! codes only; the work is done by the library crates.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
