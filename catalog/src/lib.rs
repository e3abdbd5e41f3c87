//! The varkat catalog: the domain model, the versioned store and its change log.
//!
//! A [`Registry`] owns variables, each identified by a [`VariableKey`] (`registry/name`). What a
//! variable means lives in immutable [`VariableVersion`]s: an import that changes a definition
//! adds a version, one that does not adds nothing. Every write to the [`Store`] is one numbered
//! [`Change`] in one ordered log, which the search index and the reports follow.
//!
//! This crate knows nothing of file formats, search or HTTP: importers hand it
//! [`IncomingVariable`]s, and everything else reads it.

mod change_log;
mod code_systems;
mod diff;
mod error;
mod history;
mod id;
mod model;
mod store;

pub use change_log::{Change, ChangeKind, CodeMapRef, DefinitionRef, ValueSetRef, VersionRef};
pub use code_systems::{CodeSystemDiff, CodeSystemRef, diff_code_systems};
pub use diff::{
    CategoryChange, Compatibility, FieldChange, VersionDiff, WordChange, WordChangeKind,
    diff_versions, word_diff,
};
pub use error::{Error, Result, StorageError};
pub use history::{ImportPlan, IncomingVariable, PlannedVersion, SourceFile, plan_import};
pub use id::{
    ChangeSeq, CodeMapId, CodeSystemId, ImportId, KeyError, RegistryId, SharedDefinitionId,
    ValueSetId, VariableKey, VersionNo,
};
pub use model::*;
pub use store::{
    CatalogDump, CodeSystemVersionSummary, FORMAT_VERSION, ImportOutcome, ImportRecord,
    ImportRequest, RegistryCounts, Store, VariablesPage, View, store_dir,
};
