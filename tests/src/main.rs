//! The `varkat` binary under test: the same entry point as `varkat`, built in this package so
//! that the integration tests find it through `CARGO_BIN_EXE_varkat-under-test`.

fn main() -> std::process::ExitCode {
    cli::main_impl(std::env::args_os())
}
