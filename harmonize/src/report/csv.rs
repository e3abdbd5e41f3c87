//! The value mappings as CSV, one row per answer option, for spreadsheets and scripts.

use std::collections::HashMap;
use std::io::{self, Write};

use catalog::{SharedDefinition, SharedDefinitionId, VariableKey, VariableVersion, VersionNo};

use super::{ReportInput, option_label, value_label};

const HEADER: [&str; 10] = [
    "definition",
    "registry",
    "variable",
    "confidence",
    "relation",
    "source_code",
    "source_label",
    "target_code",
    "target_label",
    "value_relation",
];

/// Writes one row per member and answer option (members without options get one row).
pub fn write_csv(input: &ReportInput<'_>, out: &mut impl Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    for group in &input.proposal.groups {
        let definition = input.definition(&group.definition);
        for member in &group.members {
            let variable = input.variable(&member.key);
            let common = [
                group.definition.0.clone(),
                member.key.registry().to_string(),
                member.key.name().to_owned(),
                format!("{:.2}", member.confidence),
                member.relation.as_str().to_owned(),
            ];
            if member.values.is_empty() {
                writer.write_record(
                    common.iter().cloned().chain(std::iter::repeat_n(String::new(), 5)),
                )?;
            }
            for value in &member.values {
                let target = value.target_code.as_deref().unwrap_or("");
                writer.write_record(common.iter().cloned().chain([
                    value.source_code.clone(),
                    option_label(variable, &value.source_code),
                    target.to_owned(),
                    value_label(definition, target),
                    value.relation.as_str().to_owned(),
                ]))?;
            }
        }
    }
    writer.flush()
}

/// Writes every recorded mapping (the latest decision on each variable) as CSV, one row per
/// answer option: variable and definition versions, relation, status, reviewer, when, why, and
/// each code's target.
pub fn write_decisions_csv(
    mappings: &[catalog::Mapping],
    definitions: &[SharedDefinition],
    variables: &[VariableVersion],
    out: &mut impl Write,
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "variable",
        "variable_version",
        "definition",
        "definition_version",
        "relation",
        "status",
        "reviewer",
        "decided_at",
        "comment",
        "source_code",
        "source_label",
        "target_code",
        "target_label",
        "value_relation",
    ])?;
    let definitions: HashMap<&SharedDefinitionId, &SharedDefinition> =
        definitions.iter().map(|definition| (&definition.id, definition)).collect();
    let versions: HashMap<(&VariableKey, VersionNo), &VariableVersion> =
        variables.iter().map(|v| ((&v.key, v.version), v)).collect();
    for mapping in mappings {
        let definition = definitions.get(&mapping.definition).copied();
        let variable = versions.get(&(&mapping.variable, mapping.variable_version)).copied();
        let common = [
            mapping.variable.to_string(),
            mapping.variable_version.to_string(),
            mapping.definition.0.clone(),
            mapping.definition_version.to_string(),
            mapping.relation.as_str().to_owned(),
            mapping.status.as_str().to_owned(),
            mapping.reviewer.clone().unwrap_or_default(),
            mapping.decided_at.map(|at| at.to_rfc3339()).unwrap_or_default(),
            mapping.comment.clone().unwrap_or_default(),
        ];
        if mapping.values.is_empty() {
            writer.write_record(
                common.iter().cloned().chain(std::iter::repeat_n(String::new(), 5)),
            )?;
        }
        for value in &mapping.values {
            let target = value.target_code.as_deref().unwrap_or("");
            writer.write_record(common.iter().cloned().chain([
                value.source_code.clone(),
                option_label(variable, &value.source_code),
                target.to_owned(),
                value_label(definition, target),
                value.relation.as_str().to_owned(),
            ]))?;
        }
    }
    writer.flush()
}
