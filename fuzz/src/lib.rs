//! What every fuzz target does: hand the bytes to one importer, as a user would with
//! `varkat import --format`, and let libFuzzer report any panic. Any outcome but a panic is
//! fine: a batch, or located errors.

use importers::{
    Format, ImportBatch, ImportErrorKind, ImportErrors, InputFile, ReadOptions, read, read_paths,
};

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

/// Reads `bytes` by detection twice, loaded (as an upload is) and from a file as it goes (as
/// `varkat import` reads it), and panics when the two disagree: both ways must give the same
/// catalog, or the same errors.
pub fn read_both_ways(bytes: &[u8]) {
    let path = std::env::temp_dir().join(format!("varkat-fuzz-{}.input", std::process::id()));
    std::fs::write(&path, bytes).expect("write the input to a file");
    let name = path.display().to_string();
    let options = ReadOptions {
        registry: catalog::RegistryId::new("fuzz").ok(),
        code_system: Some("fuzz@1".into()),
        ..ReadOptions::default()
    };
    let loaded = read(&[InputFile { path: name, bytes: bytes.to_vec() }], &options);
    let streamed = read_paths(std::slice::from_ref(&path), &options);
    // Loaded, a byte not in the file's encoding is found before anything is read; read as it
    // goes, a problem before that byte may stop the read first. Either way the file is refused.
    let undecodable = loaded.as_ref().is_err_and(|errors| {
        errors
            .errors()
            .iter()
            .any(|error| matches!(error.kind, ImportErrorKind::InvalidEncoding { .. }))
    });
    if undecodable {
        assert!(
            streamed.is_err(),
            "read as it goes, a file loading refuses: {}",
            outcome(streamed)
        );
    } else {
        assert_eq!(outcome(streamed), outcome(loaded), "read as it goes, then loaded");
    }
}

fn outcome(result: Result<ImportBatch, ImportErrors>) -> String {
    match result {
        Ok(batch) => batch.render(),
        Err(errors) => errors.to_string(),
    }
}
