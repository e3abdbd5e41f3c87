//! The `varkat` binary: parse, run, report.

fn main() -> std::process::ExitCode {
    cli::main_impl(std::env::args_os())
}
