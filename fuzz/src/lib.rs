//! What every fuzz target does: hand the bytes to one importer, as a user would with
//! `varkat import --format`, and let libFuzzer report any panic. Any outcome but a panic is
//! fine: a batch, or located errors.

use importers::{Format, InputFile, ReadOptions, read};

/// Reads `bytes` as `format` (or by detection when `None`), with the registry and code system
/// that formats which do not name them would be given.
pub fn read_as(format: Option<Format>, bytes: &[u8]) {
    let input = InputFile { path: "fuzz-input".into(), bytes: bytes.to_vec() };
    let options = ReadOptions {
        format,
        registry: catalog::RegistryId::new("fuzz").ok(),
        code_system: Some("fuzz@1".into()),
        ..ReadOptions::default()
    };
    let _outcome = read(&[input], &options);
}
