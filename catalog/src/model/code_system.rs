//! Code systems (ICD-10, NCSP, Volven lists, ...) and their versions.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::id::CodeSystemId;
use crate::model::{LocalizedText, Period};

/// A code system known to the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSystem {
    /// Its id, used in bindings.
    pub id: CodeSystemId,
    /// Its name.
    pub name: String,
    /// Its canonical URL or OID, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Whether a version lists its concepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConceptContent {
    /// Every concept is listed.
    Complete,
    /// The version is known, but its concepts are published elsewhere (FHIR `not-present`).
    NotPresent,
}

impl ConceptContent {
    /// The name it has on the wire, as FHIR's `CodeSystem.content` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConceptContent::Complete => "complete",
            ConceptContent::NotPresent => "not-present",
        }
    }
}

impl fmt::Display for ConceptContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One version of a code system with its concepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSystemVersion {
    /// Which code system.
    pub system: CodeSystemId,
    /// The version as the publisher names it, such as `2024`.
    pub version: String,
    /// Whether the concepts are listed.
    pub content: ConceptContent,
    /// The concepts, in the publisher's order.
    #[serde(default)]
    pub concepts: Vec<Concept>,
}

/// One code of a code system version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concept {
    /// The code.
    pub code: String,
    /// What it means.
    pub display: LocalizedText,
    /// The code of its parent in the hierarchy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// When the code is valid.
    #[serde(default, skip_serializing_if = "Period::is_open")]
    pub period: Period,
}
