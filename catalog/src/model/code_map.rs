//! Code maps: how the codes of one code system translate into another's (HL7 FHIR ConceptMap),
//! such as ICD-10 to ICPC-2, kept as their publisher wrote them.

use serde::{Deserialize, Serialize};

use crate::id::CodeMapId;

/// One version of a code map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeMap {
    /// Its id.
    pub id: CodeMapId,
    /// Its canonical URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The version.
    pub version: String,
    /// A name for people.
    pub name: String,
    /// The value set or code system it maps from, by URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The value set or code system it maps to, by URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The mappings, one group per pair of code systems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<CodeMapGroup>,
}

/// The mappings from one code system to another.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeMapGroup {
    /// The source code system's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The target code system's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Each source code with its targets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<CodeMapElement>,
}

/// A source code and what it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeMapElement {
    /// The source code.
    pub code: String,
    /// Its display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// The target codes, each with how it relates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<CodeMapTarget>,
}

/// One target of a source code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeMapTarget {
    /// The target code; none when the source code is unmatched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Its display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// FHIR R4's equivalence, as written: `equivalent`, `wider`, `narrower`, `unmatched`, ...
    pub equivalence: String,
}

impl CodeMap {
    /// How many source codes it maps.
    pub fn n_elements(&self) -> usize {
        self.groups.iter().map(|group| group.elements.len()).sum()
    }
}
