//! Errors from reading and writing the catalog.

use std::path::PathBuf;

use crate::id::{RegistryId, VariableKey, VersionNo};

/// The catalog's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something the catalog could not do, naming the variable, registry, path or key involved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No variable has this key.
    #[error("variable `{0}` does not exist")]
    VariableNotFound(VariableKey),
    /// The variable exists but not in this version.
    #[error("variable `{key}` has no version {version}")]
    VersionNotFound {
        /// The variable.
        key: VariableKey,
        /// The version asked for.
        version: VersionNo,
    },
    /// Nothing of the variable was published at that moment.
    #[error("variable `{key}` had no published version at {as_of}")]
    NothingAsOf {
        /// The variable.
        key: VariableKey,
        /// The moment asked for.
        as_of: String,
    },
    /// No shared definition has this id (or this version).
    #[error("shared definition `{0}` does not exist")]
    DefinitionNotFound(crate::id::SharedDefinitionId),
    /// No registry has this id.
    #[error("registry `{0}` does not exist")]
    RegistryNotFound(RegistryId),
    /// A registry has drafts, and a publishing import would bypass them.
    #[error(
        "registry `{0}` has unpublished drafts; run `varkat publish {0}` or `varkat discard {0}` first, or import with --draft"
    )]
    DraftsPending(RegistryId),
    /// `publish` or `discard` found nothing to do.
    #[error("registry `{0}` has no drafts")]
    NoDrafts(RegistryId),
    /// A code system version the catalog has, given again with other content.
    #[error(
        "code system `{system}` version `{version}` is already in the catalog with other codes; give the new codes a new version"
    )]
    CodeSystemVersionDiffers {
        /// The code system.
        system: String,
        /// The version.
        version: String,
    },
    /// A code map version the catalog has, given again with other content.
    #[error(
        "code map `{code_map}` version `{version}` is already in the catalog with other content; give the new content a new version"
    )]
    CodeMapVersionDiffers {
        /// The code map.
        code_map: String,
        /// The version.
        version: String,
    },
    /// A value set version the catalog has, given again with other content.
    #[error(
        "value set `{value_set}` version `{version}` is already in the catalog with other content; give the new content a new version"
    )]
    ValueSetVersionDiffers {
        /// The value set.
        value_set: String,
        /// The version.
        version: String,
    },
    /// A restore needs an empty store, or it would mix two histories.
    #[error(
        "the store at `{0}` is not empty; a full catalog export can only be restored into an empty store"
    )]
    RestoreIntoNonEmpty(PathBuf),
    /// A catalog dump is inconsistent.
    #[error("the catalog export is inconsistent: {0}")]
    BadDump(String),
    /// Another process has the store open.
    #[error(
        "the store at `{0}` is in use by another process (is `varkat serve` running?); stop that process, or send the change through its HTTP API, or use another --data-dir"
    )]
    Locked(PathBuf),
    /// The store was written by a newer or unknown varkat.
    #[error(
        "the store at `{path}` has format version {found}; this varkat reads format version {supported}; use the varkat that wrote it to `varkat export --all`, then import that file into a new store"
    )]
    IncompatibleStore {
        /// The data directory.
        path: PathBuf,
        /// The format version found.
        found: String,
        /// The format version this build reads.
        supported: u32,
    },
    /// The directory holds data but no format marker: not a varkat store.
    #[error("`{0}` is not a varkat store (it has data but no format version)")]
    NotAStore(PathBuf),
    /// A record could not be decoded.
    #[error("corrupt record under key `{key}`")]
    Corrupt {
        /// The key of the record.
        key: String,
        /// Why it could not be read.
        #[source]
        source: serde_json::Error,
    },
    /// The storage engine failed.
    #[error("storage failure in `{path}`")]
    Storage {
        /// The data directory.
        path: PathBuf,
        /// What went wrong underneath.
        #[source]
        source: StorageError,
    },
}

/// A failure of the storage engine, kept opaque so the engine stays inside `store`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StorageError(pub(crate) String);
