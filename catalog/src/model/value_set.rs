//! Value sets: selections of codes from one or more code systems (HL7 FHIR ValueSet), the
//! value domains that variables and shared definitions draw their answers from.

use serde::{Deserialize, Serialize};

use crate::id::ValueSetId;
use crate::model::LocalizedText;

/// One version of a value set, as its publisher composed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueSet {
    /// Its id.
    pub id: ValueSetId,
    /// Its canonical URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The version.
    pub version: String,
    /// A name for people.
    pub name: String,
    /// The codes it takes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<ValueSetRule>,
    /// The codes it leaves out of those.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<ValueSetRule>,
}

/// Codes from one code system (or other value sets): listed, or chosen by filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueSetRule {
    /// The code system's URL (or OID URN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The code system's version, when pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The codes listed one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<ValueSetConcept>,
    /// Filters over the code system, as `property op value` (`concept is-a 22298006`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
    /// Other value sets whose codes this takes, by URL.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_sets: Vec<String>,
}

/// A listed code with the display the value set gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueSetConcept {
    /// The code.
    pub code: String,
    /// Its display text.
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub display: LocalizedText,
}

impl ValueSet {
    /// How many codes it lists one by one.
    pub fn n_listed(&self) -> usize {
        self.includes.iter().map(|rule| rule.concepts.len()).sum()
    }
}
