//! What importing a code system version does: new, unchanged, or a new version whose codes
//! differ from the previous one's (added, removed, relabelled, moved in the hierarchy).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::id::CodeSystemId;
use crate::model::{CodeSystemVersion, Concept};

/// A reference to one version of one code system.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CodeSystemRef {
    /// The code system.
    pub system: CodeSystemId,
    /// The version.
    pub version: String,
}

/// How a code system version differs from the one before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSystemDiff {
    /// The version compared with, if there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Codes that are new.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// Codes that are gone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// Codes whose display changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relabelled: Vec<String>,
    /// Codes with another parent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moved: Vec<String>,
}

impl CodeSystemDiff {
    /// True when codes were removed or now mean something else: variables bound to the code
    /// system need a look.
    pub fn touches_codes(&self) -> bool {
        !self.removed.is_empty() || !self.relabelled.is_empty() || !self.moved.is_empty()
    }
}

/// Compares two versions code by code.
pub fn diff_code_systems(
    before: Option<&CodeSystemVersion>,
    after: &CodeSystemVersion,
) -> CodeSystemDiff {
    let Some(before) = before else {
        return CodeSystemDiff {
            added: after.concepts.iter().map(|c| c.code.clone()).collect(),
            ..CodeSystemDiff::default()
        };
    };
    // By code, so that a classification of a hundred thousand codes is compared in one pass.
    let (old_codes, new_codes) = (by_code(&before.concepts), by_code(&after.concepts));
    let mut diff =
        CodeSystemDiff { previous: Some(before.version.clone()), ..CodeSystemDiff::default() };
    for concept in &after.concepts {
        match old_codes.get(concept.code.as_str()) {
            None => diff.added.push(concept.code.clone()),
            Some(old) => {
                if old.display != concept.display {
                    diff.relabelled.push(concept.code.clone());
                }
                if old.parent != concept.parent {
                    diff.moved.push(concept.code.clone());
                }
            }
        }
    }
    diff.removed = before
        .concepts
        .iter()
        .filter(|c| !new_codes.contains_key(c.code.as_str()))
        .map(|c| c.code.clone())
        .collect();
    diff
}

/// Each code's concept; the first, should a code stand twice.
fn by_code(concepts: &[Concept]) -> HashMap<&str, &Concept> {
    let mut codes = HashMap::with_capacity(concepts.len());
    for concept in concepts {
        codes.entry(concept.code.as_str()).or_insert(concept);
    }
    codes
}
