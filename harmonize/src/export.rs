//! The groups and value mappings in the form the harmonization benchmark's `score.py` reads.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::Proposal;

#[derive(Serialize)]
struct ScoreExport {
    groups: Vec<Vec<String>>,
    value_mappings: BTreeMap<String, BTreeMap<String, Option<String>>>,
}

/// Writes `{"groups": [[key, ...], ...], "value_mappings": {key: {code: target}}}`. A target
/// in a proposed definition's value set is written as its label: its code is varkat's own.
pub fn write_score_export(proposal: &Proposal, out: &mut impl Write) -> io::Result<()> {
    let groups = proposal
        .groups
        .iter()
        .map(|group| group.members.iter().map(|member| member.key.to_string()).collect())
        .collect();
    let as_map = |values: &[catalog::ValueMapping],
                  proposed: Option<&catalog::SharedDefinition>|
     -> BTreeMap<String, Option<String>> {
        let target = |code: &String| match proposed {
            Some(definition) => definition
                .value_set
                .iter()
                .find(|value| &value.code == code)
                .and_then(|value| value.label.best())
                .map_or_else(|| code.clone(), str::to_owned),
            None => code.clone(),
        };
        values
            .iter()
            .map(|value| (value.source_code.clone(), value.target_code.as_ref().map(target)))
            .collect()
    };
    let mut value_mappings: BTreeMap<String, BTreeMap<String, Option<String>>> = proposal
        .groups
        .iter()
        .flat_map(|group| group.members.iter().map(move |member| (group, member)))
        .filter(|(_, member)| !member.values.is_empty())
        .map(|(group, member)| {
            (member.key.to_string(), as_map(&member.values, group.proposed.as_ref()))
        })
        .collect();
    for (key, _, values) in &proposal.tentative_mappings {
        value_mappings.entry(key.to_string()).or_insert_with(|| as_map(values, None));
    }
    serde_json::to_writer_pretty(&mut *out, &ScoreExport { groups, value_mappings })?;
    writeln!(out)
}
