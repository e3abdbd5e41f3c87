//! The coverage matrix: for each registry and shared definition, whether the registry has the
//! concept and how far its harmonization has come. Reviewers' decisions count over proposals.

use std::collections::HashMap;

use catalog::{
    Mapping, RegistryId, ReviewStatus, SharedDefinition, SharedDefinitionId, VariableKey,
};
use serde::Serialize;

use crate::Proposal;

/// How far one registry's variable for one concept has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoverageState {
    /// No variable of the registry is known to ask for it.
    Absent,
    /// A reviewer rejected the proposed variable.
    Rejected,
    /// varkat proposes a variable; nothing is recorded yet.
    Proposed,
    /// A proposal is recorded and waits for a reviewer.
    InReview,
    /// A reviewer accepted the mapping.
    Harmonized,
}

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageCell {
    /// Where the registry stands.
    pub state: CoverageState,
    /// The variable concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<VariableKey>,
    /// The proposal's confidence, when varkat proposed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

/// Registries × shared definitions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// The rows.
    pub registries: Vec<RegistryId>,
    /// The columns.
    pub definitions: Vec<SharedDefinitionId>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<CoverageCell>>,
}

/// Builds the matrix from the current proposal and the latest recorded mapping of each variable.
pub fn coverage(
    registries: &[RegistryId],
    definitions: &[SharedDefinition],
    proposal: &Proposal,
    mappings: &[Mapping],
) -> Coverage {
    let absent = CoverageCell { state: CoverageState::Absent, variable: None, confidence: None };
    let mut cells = vec![vec![absent; definitions.len()]; registries.len()];
    let rows: HashMap<&RegistryId, usize> =
        registries.iter().enumerate().map(|(row, registry)| (registry, row)).collect();
    let columns: HashMap<&SharedDefinitionId, usize> =
        definitions.iter().enumerate().map(|(column, d)| (&d.id, column)).collect();
    let place = |registry: &RegistryId, definition: &SharedDefinitionId| {
        Some((*rows.get(registry)?, *columns.get(definition)?))
    };
    for group in &proposal.groups {
        for member in &group.members {
            if let Some((row, column)) = place(member.key.registry(), &group.definition) {
                cells[row][column] = CoverageCell {
                    state: CoverageState::Proposed,
                    variable: Some(member.key.clone()),
                    confidence: Some(member.confidence),
                };
            }
        }
    }
    for mapping in mappings {
        let Some((row, column)) = place(mapping.variable.registry(), &mapping.definition) else {
            continue;
        };
        let state = match mapping.status {
            ReviewStatus::Accepted => CoverageState::Harmonized,
            ReviewStatus::Proposed => CoverageState::InReview,
            ReviewStatus::Rejected => CoverageState::Rejected,
        };
        let cell = &mut cells[row][column];
        // One registry may have several variables for a concept; show the furthest along.
        if state >= cell.state || cell.variable.as_ref() == Some(&mapping.variable) {
            *cell = CoverageCell {
                state,
                variable: Some(mapping.variable.clone()),
                confidence: cell
                    .confidence
                    .filter(|_| cell.variable.as_ref() == Some(&mapping.variable)),
            };
        }
    }
    Coverage {
        registries: registries.to_vec(),
        definitions: definitions.iter().map(|d| d.id.clone()).collect(),
        cells,
    }
}
