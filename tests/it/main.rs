//! End-to-end tests: each drives the real `varkat` binary in a fresh data directory on the
//! files in `fixtures/`, and checks what a user would see.

/// The workspace and command helpers every test uses.
mod util;

/// Code systems: versions, changes, where they are used.
mod codes;
/// The bundled demo.
mod demo;
/// Drafts: hidden until published, or discarded.
mod drafts;
/// Export, re-import and whole-catalog backup and restore.
mod export;
/// Harmonization around shared definitions.
mod harmonize;
/// Versions, diffs, as-of reads and the change log.
mod history;
/// Importing codebooks: formats, encodings, re-imports, dry runs, `--full`, refused files.
mod import;
/// The real codebooks in `../shared/data` (run by `.ci/run`, which sets `VARKAT_SHARED`).
mod real_data;
/// The review: decisions, ballots of two reviewers, re-review.
mod review;
/// Searching: spellings, filters, facets, the index following the store.
mod search;
/// The store itself: crash atomicity, a store held by another process.
mod store;
/// Repository rules: crate dependencies, docs, manifests.
mod tidy;
