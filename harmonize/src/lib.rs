//! Harmonization: here is a catalog and a catalog of shared definitions, tell me which variables
//! ask the same thing, as which definition, and how their answer options map onto its values.
//!
//! Existing shared definitions come first: each variable is compared with the definitions that
//! share a concept with it (an inverted index, so the cost grows with the catalog, not with its
//! square), scored on label, question, name, description, answer options, type and unit, and
//! assigned to the best one above a confidence floor. A definition gets at most one variable per
//! registry. The variables no definition takes are then grouped among themselves, and each such
//! group gets a proposed definition (`grouping`). Every proposal carries its confidence and the
//! reasons for it.
//!
//! The review comes before the scores: a variable whose current version is mapped onto a
//! definition awaiting review or accepted stays in that definition's group, and a definition a
//! reviewer rejected for it is not proposed again. So harmonizing again after a review proposes
//! only what the review has not yet seen, and never undoes a reviewer's move.
//!
//! This crate computes; it reads nothing and writes only to the writer it is given.

pub mod agreement;
pub mod coverage;
pub mod decision;
mod export;
pub mod fhir;
mod grouping;
mod mapping;
pub mod report;
mod score;
mod text;

use std::collections::{HashMap, HashSet};

use catalog::{
    DataType, LocalizedText, Mapping, MappingRelation, RegistryId, ReviewStatus, SharedDefinition,
    SharedDefinitionId, StandardValue, ValueMapping, VariableKey, VariableVersion, VersionNo,
};
use serde::Serialize;

pub use export::write_score_export;

/// How to propose.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Proposals below this confidence are left out.
    pub min_confidence: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options { min_confidence: score::DEFAULT_MIN_CONFIDENCE }
    }
}

/// A variable proposed as a member of a group.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    /// The variable.
    pub key: VariableKey,
    /// The version compared.
    pub version: VersionNo,
    /// How sure the proposal is, from 0 to 1.
    pub confidence: f64,
    /// How the variable relates to the definition.
    pub relation: MappingRelation,
    /// Why, in words a reviewer can check.
    pub reasons: Vec<String>,
    /// Each answer option's code mapped onto the definition's value set.
    pub values: Vec<ValueMapping>,
}

/// A proposed concept group: a shared definition and the variables that ask for it.
#[derive(Debug, Clone, Serialize)]
pub struct ProposedGroup {
    /// The shared definition.
    pub definition: SharedDefinitionId,
    /// Its label.
    pub label: LocalizedText,
    /// Its members, best first, one per registry.
    pub members: Vec<Member>,
    /// The definition varkat proposes for a group no existing definition covers: made from the
    /// members' wordings and the union of their answer options. `None` for an existing one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<SharedDefinition>,
}

/// What `propose` found.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// The groups, largest first.
    pub groups: Vec<ProposedGroup>,
    /// How many variables were considered.
    pub variables: usize,
    /// How many variable–definition pairs were scored (the rest shared no concept).
    pub pairs_scored: usize,
    /// For coded variables left out of every group but with a plausible definition, their
    /// options mapped onto it: a reviewer who adds such a variable to a group finds its values
    /// already mapped.
    pub tentative_mappings: Vec<(VariableKey, SharedDefinitionId, Vec<ValueMapping>)>,
}

impl Proposal {
    /// `existing` and the definitions the proposal adds: every definition its groups name.
    pub fn definitions(&self, existing: &[SharedDefinition]) -> Vec<SharedDefinition> {
        existing
            .iter()
            .chain(self.groups.iter().filter_map(|group| group.proposed.as_ref()))
            .cloned()
            .collect()
    }
}

/// Proposes groups of `variables` around `definitions`, and groups with proposed definitions
/// among the variables none of them takes. `recorded` is the latest mapping of each variable
/// (`Store::mappings`): what the review has kept or rejected for a variable's current version
/// stands; pass none to propose from the scores alone.
pub fn propose(
    variables: &[VariableVersion],
    definitions: &[SharedDefinition],
    recorded: &[Mapping],
    options: &Options,
) -> Proposal {
    let started = std::time::Instant::now();
    let scorer = score::Scorer::new(definitions, variables);
    let reviewed = reviewed(variables, definitions, recorded);
    let mut pairs_scored = 0;
    let mut kept: Vec<(usize, usize, &Mapping)> = Vec::new();
    // The best definition of each variable, if it is good enough.
    let mut assigned: Vec<(usize, usize, score::Match)> = Vec::new();
    let mut tentative: Vec<(usize, usize)> = Vec::new();
    for (variable_index, variable) in variables.iter().enumerate() {
        let rejected = match reviewed.get(&variable_index) {
            Some(&Reviewed::Kept(definition_index, mapping)) => {
                kept.push((variable_index, definition_index, mapping));
                continue;
            }
            Some(&Reviewed::Rejected(definition_index)) => Some(definition_index),
            None => None,
        };
        let mut candidates = scorer.candidates(variable_index);
        candidates.retain(|&definition_index| Some(definition_index) != rejected);
        pairs_scored += candidates.len();
        // Reasons are written only for the definition a variable is proposed for.
        let best = candidates
            .into_iter()
            .map(|definition_index| {
                (definition_index, scorer.confidence(variable_index, variable, definition_index))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((definition_index, confidence)) if confidence >= options.min_confidence => {
                let found = scorer.score(variable_index, variable, definition_index);
                assigned.push((variable_index, definition_index, found));
            }
            Some((definition_index, confidence))
                if confidence >= options.min_confidence * TENTATIVE_SHARE =>
            {
                tentative.push((variable_index, definition_index));
            }
            _ => {}
        }
    }
    let mut taken: HashSet<(usize, RegistryId)> = HashSet::new();
    let mut grouped: HashSet<usize> = HashSet::new();
    let mut by_definition: HashMap<usize, Vec<Member>> = HashMap::new();
    // What the review keeps takes its place first, whatever it scores: a reviewer may map two
    // variables of one registry onto one definition, or one that varkat scores low.
    pairs_scored += kept.len();
    for (variable_index, definition_index, mapping) in kept {
        let variable = &variables[variable_index];
        taken.insert((definition_index, variable.key.registry().clone()));
        grouped.insert(variable_index);
        let found = scorer.score(variable_index, variable, definition_index);
        let reason = match (mapping.status, &mapping.reviewer) {
            (ReviewStatus::Accepted, Some(reviewer)) => format!("accepted by {reviewer}"),
            (ReviewStatus::Accepted, None) => "accepted in the review".to_owned(),
            _ => "awaiting review".to_owned(),
        };
        by_definition.entry(definition_index).or_default().push(Member {
            key: variable.key.clone(),
            version: variable.version,
            confidence: (found.confidence * 100.0).round() / 100.0,
            relation: mapping.relation,
            reasons: std::iter::once(reason).chain(found.reasons).collect(),
            values: mapping.values.clone(),
        });
    }
    // One variable per registry and definition: the most confident.
    assigned.sort_by(|a, b| b.2.confidence.total_cmp(&a.2.confidence));
    for (variable_index, definition_index, found) in assigned {
        let variable = &variables[variable_index];
        if !taken.insert((definition_index, variable.key.registry().clone())) {
            tentative.push((variable_index, definition_index));
            continue;
        }
        grouped.insert(variable_index);
        let definition = &definitions[definition_index];
        let values = mapping::map_values(&scorer, variable, definition);
        let relation = relation(variable, definition, &values);
        by_definition.entry(definition_index).or_default().push(Member {
            key: variable.key.clone(),
            version: variable.version,
            confidence: (found.confidence * 100.0).round() / 100.0,
            relation,
            reasons: found.reasons,
            values,
        });
    }
    let mut groups: Vec<ProposedGroup> = by_definition
        .into_iter()
        .map(|(index, mut members)| {
            members.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
            ProposedGroup {
                definition: definitions[index].id.clone(),
                label: definitions[index].label.clone(),
                members,
                proposed: None,
            }
        })
        .collect();
    let leftover: Vec<&VariableVersion> = (0..variables.len())
        .filter(|index| !grouped.contains(index))
        .map(|index| &variables[index])
        .collect();
    let taken: HashSet<String> = definitions.iter().map(|d| d.id.0.clone()).collect();
    let (new_groups, new_pairs) = grouping::group(
        &leftover,
        taken,
        options.min_confidence.max(if definitions.is_empty() {
            grouping::NEW_GROUP_MIN_CONFIDENCE
        } else {
            grouping::NEW_GROUP_BESIDE_CATALOG
        }),
    );
    pairs_scored += new_pairs;
    let newly_grouped: HashSet<&VariableKey> =
        new_groups.iter().flat_map(|group| &group.members).map(|member| &member.key).collect();
    tentative.retain(|(index, _)| !newly_grouped.contains(&variables[*index].key));
    groups.extend(new_groups);
    groups.sort_by(|a, b| {
        b.members.len().cmp(&a.members.len()).then_with(|| a.definition.cmp(&b.definition))
    });
    let tentative_mappings = tentative
        .into_iter()
        .filter(|(variable_index, _)| !grouped.contains(variable_index))
        .map(|(variable_index, definition_index)| {
            let (variable, definition) =
                (&variables[variable_index], &definitions[definition_index]);
            (
                variable.key.clone(),
                definition.id.clone(),
                mapping::map_values(&scorer, variable, definition),
            )
        })
        .filter(|(_, _, values)| !values.is_empty())
        .collect();
    tracing::info!(
        variables = variables.len(),
        definitions = definitions.len(),
        groups = groups.len(),
        pairs_scored,
        elapsed = ?started.elapsed(),
        "harmonization proposed"
    );
    Proposal { groups, variables: variables.len(), pairs_scored, tentative_mappings }
}

/// What the review says of a variable's current version.
enum Reviewed<'m> {
    /// Mapped onto this definition, awaiting review or accepted: the proposal keeps it.
    Kept(usize, &'m Mapping),
    /// A reviewer rejected this definition for it: the proposal looks elsewhere.
    Rejected(usize),
}

/// The review's word on each variable (by index) whose latest mapping concerns its current
/// version and a definition among `definitions`; a mapping of an older version says nothing,
/// since the variable has changed since.
fn reviewed<'m>(
    variables: &[VariableVersion],
    definitions: &[SharedDefinition],
    recorded: &'m [Mapping],
) -> HashMap<usize, Reviewed<'m>> {
    let variable_index: HashMap<&VariableKey, usize> =
        variables.iter().enumerate().map(|(index, variable)| (&variable.key, index)).collect();
    let definition_index: HashMap<&SharedDefinitionId, usize> =
        definitions.iter().enumerate().map(|(index, definition)| (&definition.id, index)).collect();
    recorded
        .iter()
        .filter_map(|mapping| {
            let variable = *variable_index.get(&mapping.variable)?;
            let definition = *definition_index.get(&mapping.definition)?;
            (variables[variable].version == mapping.variable_version).then_some((
                variable,
                match mapping.status {
                    ReviewStatus::Rejected => Reviewed::Rejected(definition),
                    ReviewStatus::Proposed | ReviewStatus::Accepted => {
                        Reviewed::Kept(definition, mapping)
                    }
                },
            ))
        })
        .collect()
}

/// How each of `variables` maps onto `definition`, which a reviewer chose for them: the
/// relation and each answer option's value, as a proposal would give them, in order.
/// `definitions` are the catalog's, which weigh the words.
pub fn map_onto(
    variables: &[VariableVersion],
    definition: &SharedDefinition,
    definitions: &[SharedDefinition],
) -> Vec<(MappingRelation, Vec<ValueMapping>)> {
    let scorer = score::Scorer::new(definitions, variables);
    variables
        .iter()
        .map(|variable| {
            let values = mapping::map_values(&scorer, variable, definition);
            (relation(variable, definition, &values), values)
        })
        .collect()
}

/// A shared definition that says what `variable` says: its wording, kind of value, unit and
/// answer options as the value set. Where a reviewer or varkat starts a new definition from.
pub fn definition_from(variable: &VariableVersion, id: SharedDefinitionId) -> SharedDefinition {
    let wording = &variable.definition;
    SharedDefinition {
        id,
        version: VersionNo::FIRST,
        label: wording.label.clone(),
        description: wording.description.clone(),
        data_type: wording.data_type,
        unit: wording.unit.clone(),
        value_set: wording
            .value_domain
            .categories
            .iter()
            .map(|category| StandardValue {
                code: category.code.clone(),
                label: category.label.clone(),
                missing: category.missing,
                external: Vec::new(),
            })
            .collect(),
        external: Vec::new(),
    }
}

/// A variable whose best definition scores at least this share of the floor gets a tentative
/// value mapping onto it, though no group.
const TENTATIVE_SHARE: f64 = 0.6;

/// Equivalent when every option has a value; narrower when options are left unmatched
/// (a yes/no question against a richer value set reads as a narrower question).
fn relation(
    variable: &VariableVersion,
    definition: &SharedDefinition,
    values: &[ValueMapping],
) -> MappingRelation {
    let coded =
        variable.definition.data_type == DataType::Categorical && !definition.value_set.is_empty();
    if coded && values.iter().any(|value| value.target_code.is_none()) {
        MappingRelation::Narrower
    } else {
        MappingRelation::Equivalent
    }
}
