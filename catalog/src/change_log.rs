//! The change log: every write to the catalog is one numbered change in one ordered sequence.
//! The search index and the reports are projections of it: each remembers the last change it
//! has applied and catches up from there.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{
    ChangeSeq, CodeMapId, ImportId, RegistryId, SharedDefinitionId, ValueSetId, VariableKey,
    VersionNo,
};

/// One committed write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Its place in the log, from 1.
    pub seq: ChangeSeq,
    /// When it was committed.
    pub at: DateTime<Utc>,
    /// Who made it.
    pub who: String,
    /// The import that made it, if it came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportId>,
    /// What it did.
    pub kind: ChangeKind,
}

/// A reference to one version of one variable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VersionRef {
    /// The variable.
    pub key: VariableKey,
    /// The version.
    pub version: VersionNo,
}

/// A reference to one version of one shared definition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DefinitionRef {
    /// The shared definition.
    pub id: SharedDefinitionId,
    /// The version.
    pub version: VersionNo,
}

/// A reference to one version of one value set.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ValueSetRef {
    /// The value set.
    pub id: ValueSetId,
    /// The version.
    pub version: String,
}

/// A reference to one version of one code map.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CodeMapRef {
    /// The code map.
    pub id: CodeMapId,
    /// The version.
    pub version: String,
}

/// What a change did, with every entity it touched, so that projections can follow it without
/// reading the whole catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChangeKind {
    /// A codebook was imported.
    Import {
        /// The files read.
        files: Vec<String>,
        /// Registries created or whose description changed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        registries: Vec<RegistryId>,
        /// First versions of variables new to the catalog.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        new: Vec<VersionRef>,
        /// New versions of variables whose definition changed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        changed: Vec<VersionRef>,
        /// Versions that retire variables missing from a `--full` import.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        retired: Vec<VersionRef>,
        /// True when the versions were kept as drafts.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        draft: bool,
        /// Code system versions added.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        code_systems: Vec<crate::code_systems::CodeSystemRef>,
        /// Shared definition versions added.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        definitions: Vec<DefinitionRef>,
        /// Value set versions added.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        value_sets: Vec<ValueSetRef>,
        /// Code map versions added.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        code_maps: Vec<CodeMapRef>,
    },
    /// Reviewers decided how variables map onto shared definitions.
    Review {
        /// The mapping versions recorded, one per variable: (variable, mapping version).
        mappings: Vec<VersionRef>,
    },
    /// A registry's drafts were published.
    Publish {
        /// The registry.
        registry: RegistryId,
        /// The versions that became visible.
        versions: Vec<VersionRef>,
    },
    /// A registry's drafts were dropped.
    Discard {
        /// The registry.
        registry: RegistryId,
        /// The versions that were removed.
        versions: Vec<VersionRef>,
    },
}

impl Change {
    /// A one-line summary for people: what the change did, with counts.
    pub fn summary(&self) -> String {
        match &self.kind {
            ChangeKind::Import {
                files,
                new,
                changed,
                retired,
                draft,
                registries,
                code_systems,
                definitions,
                value_sets,
                code_maps,
            } => {
                let mut text = format!(
                    "import {} of {}: {} new, {} changed, {} retired",
                    self.import.map(|id| id.to_string()).unwrap_or_default(),
                    files.join(", "),
                    new.len(),
                    changed.len(),
                    retired.len()
                );
                if !registries.is_empty() {
                    let names: Vec<&str> = registries.iter().map(RegistryId::as_str).collect();
                    text.push_str(&format!("; registries {}", names.join(", ")));
                }
                if !code_systems.is_empty() {
                    let names: Vec<String> = code_systems
                        .iter()
                        .map(|c| format!("{}@{}", c.system, c.version))
                        .collect();
                    text.push_str(&format!("; code systems {}", names.join(", ")));
                }
                if !definitions.is_empty() {
                    text.push_str(&format!("; {} shared definitions", definitions.len()));
                }
                if !value_sets.is_empty() {
                    let names: Vec<String> =
                        value_sets.iter().map(|v| format!("{}@{}", v.id, v.version)).collect();
                    text.push_str(&format!("; value sets {}", names.join(", ")));
                }
                if !code_maps.is_empty() {
                    let names: Vec<String> =
                        code_maps.iter().map(|m| format!("{}@{}", m.id, m.version)).collect();
                    text.push_str(&format!("; code maps {}", names.join(", ")));
                }
                if *draft {
                    text.push_str(" (drafts)");
                }
                text
            }
            ChangeKind::Review { mappings } => {
                format!("recorded review decisions on {} variables", mappings.len())
            }
            ChangeKind::Publish { registry, versions } => {
                format!("published {} draft versions of {registry}", versions.len())
            }
            ChangeKind::Discard { registry, versions } => {
                format!("discarded {} draft versions of {registry}", versions.len())
            }
        }
    }
}
