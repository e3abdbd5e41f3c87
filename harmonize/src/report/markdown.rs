//! The decision basis as Markdown, for review in a merge request or a wiki.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{PROPOSED_NOTE, ReportInput, option_label, row, value_label, wording, write_all};

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Writes the report as Markdown.
pub fn write_markdown(input: &ReportInput<'_>, out: &mut impl Write) -> io::Result<()> {
    let mut text = String::from("# Harmonization: decision basis\n\n");
    let _ = writeln!(
        text,
        "{} groups from {} variables.\n",
        input.proposal.groups.len(),
        input.proposal.variables
    );
    for group in &input.proposal.groups {
        let definition = input.definition(&group.definition);
        let definition_label = group.label.best().unwrap_or("");
        let _ = writeln!(text, "## {definition_label} (`{}`)\n", group.definition);
        if group.proposed.is_some() {
            text.push_str(PROPOSED_NOTE);
            text.push_str("\n\n");
        }
        if let Some(definition) = definition {
            let codes: Vec<String> = definition
                .external
                .iter()
                .map(|code| format!("{} {}", code.system, code.code))
                .collect();
            if !codes.is_empty() {
                let _ = writeln!(text, "Codes: {}\n", codes.join(", "));
            }
        }
        text.push_str("| registry | variable | label | question | type | unit | values | confidence | relation |\n|---|---|---|---|---|---|---|---|---|\n");
        for member in &group.members {
            let r = row(input, member);
            let _ = writeln!(
                text,
                "| {} | {} | {} | {} | {} | {} | {} | {:.2} | {} |",
                member.key.registry(),
                cell(member.key.name()),
                cell(&r.label),
                cell(&r.question),
                r.data_type,
                cell(&r.unit),
                cell(&r.values),
                member.confidence,
                member.relation
            );
        }
        text.push_str("\nWording against the definition's label (`[-removed-]{+added+}`):\n\n");
        for member in &group.members {
            let r = row(input, member);
            let _ = writeln!(
                text,
                "- {}: {}",
                member.key,
                wording(definition_label, &r.label, ("[-", "-]"), ("{+", "+}"))
            );
        }
        text.push_str("\nWhy:\n\n");
        for member in &group.members {
            let _ = writeln!(text, "- {}: {}", member.key, member.reasons.join("; "));
        }
        let mapped: Vec<_> =
            group.members.iter().filter(|member| !member.values.is_empty()).collect();
        if !mapped.is_empty() {
            text.push_str("\nValue mapping:\n\n| variable | code | label | → code | standard label | relation |\n|---|---|---|---|---|---|\n");
            for member in mapped {
                let variable = input.variable(&member.key);
                for value in &member.values {
                    let target = value.target_code.as_deref().unwrap_or("");
                    let _ = writeln!(
                        text,
                        "| {} | {} | {} | {} | {} | {} |",
                        member.key,
                        cell(&value.source_code),
                        cell(&option_label(variable, &value.source_code)),
                        cell(target),
                        cell(&value_label(definition, target)),
                        value.relation
                    );
                }
            }
        }
        text.push('\n');
    }
    text.push_str("## Coverage: which registry has which concept\n\n");
    let registries = input.registries();
    let coverage = input.coverage();
    let _ = writeln!(
        text,
        "| definition | {} |",
        registries.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(text, "|---|{}", "---|".repeat(registries.len()));
    for definition in input.definitions {
        let cells: Vec<String> = registries
            .iter()
            .map(|registry| {
                coverage
                    .get(&(definition.id.0.clone(), registry.clone()))
                    .map(|c| format!("{c:.2}"))
                    .unwrap_or_default()
            })
            .collect();
        let _ = writeln!(
            text,
            "| {} | {} |",
            cell(definition.label.best().unwrap_or(&definition.id.0)),
            cells.join(" | ")
        );
    }
    write_all(out, &text)
}
