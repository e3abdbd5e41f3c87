//! What the store keeps besides the model's own records: the format version, import records,
//! and the whole-catalog dump used by `export --all`.
//!
//! Records are the JSON form of the model types. A change to any of them that an older
//! varkat could not read bumps `FORMAT_VERSION`, and `fixtures/store/` keeps an export written
//! by each format version, which a test imports with today's code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change_log::Change;
use crate::history::SourceFile;
use crate::id::ImportId;
use crate::model::{
    CodeMap, CodeSystem, CodeSystemVersion, Mapping, Registry, SharedDefinition, ValueSet,
    VariableVersion,
};

/// The store format this build writes and reads. Format 2 added shared definitions and
/// mappings under keys of their own and two change kinds; a format-1 store is a format-2 store
/// without them, so it is upgraded in place on open.
pub const FORMAT_VERSION: u32 = 2;

/// What one import read and what it warned about, kept with the import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecord {
    /// The import's id.
    pub id: ImportId,
    /// When it was committed.
    pub at: DateTime<Utc>,
    /// Who ran it.
    pub who: String,
    /// The files it read.
    pub files: Vec<SourceFile>,
    /// Warnings the importers gave (ignored columns, merged duplicates, ...), with locations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The whole catalog: every registry, every version of every variable, every import record
/// and the change log. `varkat export --all` writes it; importing it into an empty store
/// restores an identical catalog.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CatalogDump {
    /// Registries, by id.
    pub registries: Vec<Registry>,
    /// Every version, drafts included, by variable and number.
    pub versions: Vec<VariableVersion>,
    /// Every import record, by id.
    pub imports: Vec<ImportRecord>,
    /// The change log, in order.
    pub changes: Vec<Change>,
    /// Code systems, by id.
    #[serde(default)]
    pub code_systems: Vec<CodeSystem>,
    /// Every code system version, by code system and in the order imported.
    #[serde(default)]
    pub code_system_versions: Vec<CodeSystemVersion>,
    /// Every shared definition version, by id and version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_definitions: Vec<SharedDefinition>,
    /// Every recorded mapping version (review decisions), by variable and version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mappings: Vec<Mapping>,
    /// Every value set version, by value set and in the order imported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_sets: Vec<ValueSet>,
    /// Every code map version, by code map and in the order imported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_maps: Vec<CodeMap>,
}
