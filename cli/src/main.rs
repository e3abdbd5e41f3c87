//! The `varkat` binary: parse, run, report.

/// Indexing and search allocate many small strings; glibc's malloc spent a tenth of an index
/// build in its locks, mimalloc builds the index about half again as fast.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main_impl(std::env::args_os())
}
