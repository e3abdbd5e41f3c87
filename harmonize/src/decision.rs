//! Proposals and reviewers' decisions as catalog values: the mappings that `Store::record_review`
//! writes. Nothing here touches the store; the caller records what these functions return.

use std::collections::HashSet;

use catalog::{
    ImportRequest, Mapping, ReviewStatus, SharedDefinition, SharedDefinitionId, SourceFile,
    VariableKey, VersionNo,
};
use chrono::{DateTime, Utc};

use crate::Proposal;

/// The proposal's members as `Proposed` mappings (onto `definitions`, or onto the definition a
/// group proposes, which `proposed_definitions` stores first), leaving out every variable whose
/// latest mapping already concerns the same variable version and definition: a reviewer's
/// decision is not reopened by proposing the same thing again.
pub fn proposed_mappings(
    proposal: &Proposal,
    definitions: &[SharedDefinition],
    latest: &[Mapping],
) -> Vec<Mapping> {
    let decided: HashSet<(&VariableKey, VersionNo, &SharedDefinitionId)> = latest
        .iter()
        .map(|mapping| (&mapping.variable, mapping.variable_version, &mapping.definition))
        .collect();
    let mut mappings = Vec::new();
    for group in &proposal.groups {
        let existing = || definitions.iter().find(|d| d.id == group.definition);
        let Some(definition) = group.proposed.as_ref().or_else(existing) else {
            continue;
        };
        for member in &group.members {
            if decided.contains(&(&member.key, member.version, &definition.id)) {
                continue;
            }
            mappings.push(Mapping {
                variable: member.key.clone(),
                variable_version: member.version,
                definition: definition.id.clone(),
                definition_version: definition.version,
                version: catalog::VersionNo::FIRST,
                relation: member.relation,
                values: member.values.clone(),
                status: ReviewStatus::Proposed,
                reviewer: None,
                comment: Some(format!(
                    "proposed with confidence {:.2}: {}",
                    member.confidence,
                    member.reasons.join("; ")
                )),
                decided_at: None,
            });
        }
    }
    mappings
}

/// The shared definitions the proposal adds for groups no existing definition covers, as an
/// import to store before the mappings that name them; `None` when it adds none. Stored, they
/// are definitions like any other: the next proposal maps onto them, and a reviewer edits,
/// splits or rejects them with the other review commands.
pub fn proposed_definitions(proposal: &Proposal, who: &str) -> Option<ImportRequest> {
    let shared_definitions: Vec<SharedDefinition> =
        proposal.groups.iter().filter_map(|group| group.proposed.clone()).collect();
    (!shared_definitions.is_empty()).then(|| ImportRequest {
        shared_definitions,
        files: vec![SourceFile { path: "varkat harmonize".into(), format: "harmonize".into() }],
        who: who.to_owned(),
        ..ImportRequest::default()
    })
}

/// A reviewer's decision on a mapping: the same mapping with a new status, who, when and why.
pub fn decide(
    mapping: &Mapping,
    status: ReviewStatus,
    reviewer: &str,
    comment: Option<&str>,
    at: DateTime<Utc>,
) -> Mapping {
    Mapping {
        status,
        reviewer: Some(reviewer.to_owned()),
        comment: comment.map(str::to_owned),
        decided_at: Some(at),
        ..mapping.clone()
    }
}

#[cfg(test)]
mod tests {
    use catalog::{DataType, LocalizedText, MappingRelation, VersionNo};

    use super::*;

    fn definition() -> SharedDefinition {
        SharedDefinition {
            id: catalog::SharedDefinitionId("smoking_status".into()),
            version: VersionNo(2),
            label: LocalizedText::nb("Røykestatus"),
            description: LocalizedText::default(),
            data_type: DataType::Categorical,
            unit: None,
            value_set: Vec::new(),
            external: Vec::new(),
        }
    }

    fn proposal() -> Proposal {
        Proposal {
            groups: vec![crate::ProposedGroup {
                definition: definition().id,
                label: definition().label,
                members: vec![crate::Member {
                    key: "hunt/roykstatus".parse().unwrap(),
                    version: VersionNo(3),
                    confidence: 0.9,
                    relation: MappingRelation::Equivalent,
                    reasons: vec!["labels 0.90".into()],
                    values: Vec::new(),
                }],
                proposed: None,
            }],
            variables: 1,
            pairs_scored: 1,
            tentative_mappings: Vec::new(),
        }
    }

    #[test]
    fn a_member_becomes_a_proposed_mapping_onto_the_definitions_latest_version() {
        let mappings = proposed_mappings(&proposal(), &[definition()], &[]);
        assert_eq!(mappings.len(), 1);
        assert_eq!(mappings[0].status, ReviewStatus::Proposed);
        assert_eq!(mappings[0].definition_version, VersionNo(2));
        assert_eq!(mappings[0].variable_version, VersionNo(3));
        assert!(mappings[0].comment.as_deref().unwrap().contains("confidence 0.90"));
    }

    #[test]
    fn a_decided_member_is_not_proposed_again_until_the_variable_changes() {
        let proposed = proposed_mappings(&proposal(), &[definition()], &[]).remove(0);
        let accepted = decide(&proposed, ReviewStatus::Accepted, "kari", None, Utc::now());
        assert!(
            proposed_mappings(&proposal(), &[definition()], std::slice::from_ref(&accepted))
                .is_empty()
        );

        let mut changed = proposal();
        changed.groups[0].members[0].version = VersionNo(4);
        assert_eq!(proposed_mappings(&changed, &[definition()], &[accepted]).len(), 1);
    }
}
