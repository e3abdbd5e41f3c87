//! The decision basis for reviewers: per group, the members side by side, the word-level
//! differences between their wordings and the definition's, the value mapping as a table, the
//! confidence and the reasons; and for the whole catalog, which registry has which concept.

mod csv;
mod html;
mod markdown;

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

use catalog::{
    RegistryId, SharedDefinition, SharedDefinitionId, VariableKey, VariableVersion, WordChangeKind,
    word_diff,
};

use crate::{Member, Proposal};

pub use self::csv::{write_csv, write_decisions_csv};
pub use self::html::write_html;
pub use self::markdown::write_markdown;

/// Said of a group whose definition varkat proposes.
const PROPOSED_NOTE: &str = "A proposed definition: no shared definition in the catalog covers \
    this group, so varkat made one from its members' wordings and answer options.";

/// What a report is written from: the proposal, and the variables and definitions it names,
/// each found by its key.
pub struct ReportInput<'a> {
    proposal: &'a Proposal,
    variables: &'a [VariableVersion],
    definitions: &'a [SharedDefinition],
    variable_by_key: HashMap<&'a VariableKey, &'a VariableVersion>,
    definition_by_id: HashMap<&'a SharedDefinitionId, &'a SharedDefinition>,
}

impl<'a> ReportInput<'a> {
    /// A report on `proposal`, made from `variables` onto `definitions` (with the ones it
    /// proposes: `Proposal::definitions`).
    pub fn new(
        proposal: &'a Proposal,
        variables: &'a [VariableVersion],
        definitions: &'a [SharedDefinition],
    ) -> ReportInput<'a> {
        ReportInput {
            proposal,
            variables,
            definitions,
            variable_by_key: variables.iter().map(|variable| (&variable.key, variable)).collect(),
            definition_by_id: definitions
                .iter()
                .map(|definition| (&definition.id, definition))
                .collect(),
        }
    }

    fn variable(&self, key: &VariableKey) -> Option<&'a VariableVersion> {
        self.variable_by_key.get(key).copied()
    }

    fn definition(&self, id: &SharedDefinitionId) -> Option<&'a SharedDefinition> {
        self.definition_by_id.get(id).copied()
    }

    /// Every registry with a variable in the report, sorted.
    fn registries(&self) -> Vec<RegistryId> {
        let set: BTreeSet<RegistryId> =
            self.variables.iter().map(|variable| variable.key.registry().clone()).collect();
        set.into_iter().collect()
    }

    /// Definition × registry → the member's confidence: the coverage matrix.
    fn coverage(&self) -> HashMap<(String, RegistryId), f64> {
        let mut cells = HashMap::new();
        for group in &self.proposal.groups {
            for member in &group.members {
                cells.insert(
                    (group.definition.0.clone(), member.key.registry().clone()),
                    member.confidence,
                );
            }
        }
        cells
    }
}

/// One member's row: what a reviewer compares.
struct Row {
    label: String,
    question: String,
    data_type: String,
    unit: String,
    values: String,
}

fn row(input: &ReportInput<'_>, member: &Member) -> Row {
    let variable = input.variable(&member.key);
    let text = |pick: fn(&VariableVersion) -> &catalog::LocalizedText| {
        variable.and_then(|v| pick(v).best()).unwrap_or("").to_owned()
    };
    Row {
        label: text(|v| &v.definition.label),
        question: text(|v| &v.definition.question),
        data_type: variable.map(|v| v.definition.data_type.to_string()).unwrap_or_default(),
        unit: variable.and_then(|v| v.definition.unit.clone()).unwrap_or_default(),
        values: variable
            .map(|v| {
                v.definition
                    .value_domain
                    .categories
                    .iter()
                    .map(|c| format!("{} {}", c.code, c.label.best().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default(),
    }
}

/// The member's label against the definition's, word by word: `[-removed-]{+added+}`.
fn wording(
    definition_label: &str,
    label: &str,
    removed: (&str, &str),
    added: (&str, &str),
) -> String {
    word_diff(definition_label, label)
        .into_iter()
        .map(|change| match change.kind {
            WordChangeKind::Same => change.text,
            WordChangeKind::Removed => format!("{}{}{}", removed.0, change.text, removed.1),
            WordChangeKind::Added => format!("{}{}{}", added.0, change.text, added.1),
        })
        .collect()
}

/// The label of a code in a definition's value set.
fn value_label(definition: Option<&SharedDefinition>, code: &str) -> String {
    definition
        .and_then(|d| d.value_set.iter().find(|value| value.code == code))
        .and_then(|value| value.label.best())
        .unwrap_or("")
        .to_owned()
}

/// The label of a variable's own option.
fn option_label(variable: Option<&VariableVersion>, code: &str) -> String {
    variable
        .and_then(|v| v.definition.value_domain.categories.iter().find(|c| c.code == code))
        .and_then(|c| c.label.best())
        .unwrap_or("")
        .to_owned()
}

fn write_all(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())
}
