//! What the benchmark and measurement binaries share: where the shared data is, and reading the
//! catalog's variables out of a store.

pub mod generated;

/// The allocator the `varkat` binary uses, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;

use catalog::{Status, Store, VariableVersion, View};

/// The shared data folder: `$VARKAT_SHARED`, else `../shared` beside the repository.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("VARKAT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared"))
}

/// The current, not retired, published variables of every registry of a store.
pub fn live_variables(store: &Store) -> Vec<VariableVersion> {
    let mut variables = Vec::new();
    for registry in store.registries().expect("the registries read") {
        let versions = store.variables(&registry.id, View::Published).expect("the variables read");
        variables.extend(versions.into_iter().filter(|version| version.status != Status::Retired));
    }
    variables
}

/// The process's peak resident memory, from Linux's `/proc/self/status`.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
