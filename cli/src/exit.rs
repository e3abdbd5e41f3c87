//! The exit codes `varkat` returns, one per kind of failure a script may want to tell apart.

use std::process::ExitCode;

/// The command did what was asked.
pub(crate) const SUCCESS: u8 = 0;
/// Something failed that is none of the below (a file could not be read, the disk failed).
pub(crate) const FAILURE: u8 = 1;
/// The command line was wrong (clap's own code).
pub(crate) const USAGE: u8 = 2;
/// An input file was refused; nothing was written.
pub(crate) const INVALID_INPUT: u8 = 3;
/// A registry, variable or version does not exist.
pub(crate) const NOT_FOUND: u8 = 4;
/// The store cannot be used: another process holds it, or it has another format.
pub(crate) const STORE_UNAVAILABLE: u8 = 5;
/// The catalog's state forbids the change (drafts pending, nothing to publish, a restore into
/// a store that is not empty).
pub(crate) const CONFLICT: u8 = 6;

/// The exit code for an error, found by what caused it.
pub(crate) fn code_for(error: &anyhow::Error) -> ExitCode {
    let code = error
        .chain()
        .find_map(|cause| {
            if cause.downcast_ref::<importers::ImportErrors>().is_some()
                || cause.downcast_ref::<catalog::KeyError>().is_some()
            {
                return Some(INVALID_INPUT);
            }
            let catalog_error = cause.downcast_ref::<catalog::Error>()?;
            Some(match catalog_error {
                catalog::Error::VariableNotFound(_)
                | catalog::Error::VersionNotFound { .. }
                | catalog::Error::NothingAsOf { .. }
                | catalog::Error::RegistryNotFound(_)
                | catalog::Error::DefinitionNotFound(_) => NOT_FOUND,
                catalog::Error::Locked(_)
                | catalog::Error::IncompatibleStore { .. }
                | catalog::Error::NotAStore(_) => STORE_UNAVAILABLE,
                catalog::Error::CodeSystemVersionDiffers { .. }
                | catalog::Error::ValueSetVersionDiffers { .. }
                | catalog::Error::CodeMapVersionDiffers { .. }
                | catalog::Error::DraftsPending(_)
                | catalog::Error::NoDrafts(_)
                | catalog::Error::RestoreIntoNonEmpty(_) => CONFLICT,
                catalog::Error::BadDump(_) => INVALID_INPUT,
                catalog::Error::Corrupt { .. } | catalog::Error::Storage { .. } => FAILURE,
            })
        })
        .unwrap_or(FAILURE);
    ExitCode::from(code)
}
