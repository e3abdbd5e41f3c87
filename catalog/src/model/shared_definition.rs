//! Shared (normed) definitions and the mappings of registry variables onto them.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{SharedDefinitionId, VariableKey, VersionNo};
use crate::model::{DataType, LocalizedText};

/// A code in an external terminology, such as SNOMED CT `77176002` or LOINC `72166-2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalCode {
    /// The terminology, such as `http://snomed.info/sct`.
    pub system: String,
    /// The code in it.
    pub code: String,
}

/// One value of a shared definition's standard value set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardValue {
    /// The standard code.
    pub code: String,
    /// What it means.
    pub label: LocalizedText,
    /// True for the value that stands for missing or unknown.
    #[serde(default)]
    pub missing: bool,
    /// The same value in external terminologies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external: Vec<ExternalCode>,
}

/// A versioned shared definition: the standard that registry variables map to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedDefinition {
    /// Its id.
    pub id: SharedDefinitionId,
    /// Its version, from 1.
    pub version: VersionNo,
    /// The preferred label.
    pub label: LocalizedText,
    /// What it means.
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub description: LocalizedText,
    /// The kind of value.
    pub data_type: DataType,
    /// The unit, for measurements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The standard value set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_set: Vec<StandardValue>,
    /// The concept in external terminologies (LOINC, SNOMED CT).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external: Vec<ExternalCode>,
}

/// How a variable relates to the shared definition it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MappingRelation {
    /// The same concept.
    Equivalent,
    /// The variable is wider than the definition.
    Broader,
    /// The variable is narrower than the definition.
    Narrower,
    /// Related, but not the same concept.
    Related,
}

impl MappingRelation {
    /// The name it has on the wire and in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            MappingRelation::Equivalent => "equivalent",
            MappingRelation::Broader => "broader",
            MappingRelation::Narrower => "narrower",
            MappingRelation::Related => "related",
        }
    }
}

impl fmt::Display for MappingRelation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// How one source code relates to its target code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueRelation {
    /// Means the same.
    Equivalent,
    /// The source code is wider than the target.
    Broader,
    /// The source code is narrower than the target.
    Narrower,
    /// No target fits.
    Unmatched,
}

impl ValueRelation {
    /// The name it has on the wire and in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueRelation::Equivalent => "equivalent",
            ValueRelation::Broader => "broader",
            ValueRelation::Narrower => "narrower",
            ValueRelation::Unmatched => "unmatched",
        }
    }
}

impl fmt::Display for ValueRelation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One code of a variable mapped to a code of the shared value set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueMapping {
    /// The variable's code.
    pub source_code: String,
    /// The standard code; `None` when unmatched.
    pub target_code: Option<String>,
    /// How the two relate.
    pub relation: ValueRelation,
}

/// Where a mapping stands in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewStatus {
    /// Proposed by varkat or a reviewer, not yet decided.
    Proposed,
    /// Accepted by a reviewer.
    Accepted,
    /// Rejected by a reviewer.
    Rejected,
}

impl ReviewStatus {
    /// The name it has on the wire and in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Proposed => "proposed",
            ReviewStatus::Accepted => "accepted",
            ReviewStatus::Rejected => "rejected",
        }
    }
}

impl fmt::Display for ReviewStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A variable version mapped onto a shared definition version, with its value mappings and
/// the review decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// The variable.
    pub variable: VariableKey,
    /// The variable version the mapping was made for.
    pub variable_version: VersionNo,
    /// The shared definition.
    pub definition: SharedDefinitionId,
    /// The definition version the mapping was made for.
    pub definition_version: VersionNo,
    /// The mapping's own version, from 1.
    pub version: VersionNo,
    /// How the variable relates to the definition.
    pub relation: MappingRelation,
    /// Code-to-code mappings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ValueMapping>,
    /// The review status.
    pub status: ReviewStatus,
    /// Who decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

/// One reviewer's decision on one proposed mapping, made independently of other reviewers and
/// not yet recorded: what two reviewers' ballots are compared on before they are merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Ballot {
    /// The variable.
    pub variable: VariableKey,
    /// The shared definition it was proposed for.
    pub definition: SharedDefinitionId,
    /// Accepted or rejected; `Proposed` when the reviewer left it open.
    pub decision: ReviewStatus,
    /// Why.
    pub comment: Option<String>,
}
