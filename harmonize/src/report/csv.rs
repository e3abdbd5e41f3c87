//! The value mappings as CSV, one row per answer option, for spreadsheets and scripts.

use std::io::{self, Write};

use super::{ReportInput, option_label, value_label};

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Writes one row per member and answer option (members without options get one row).
pub fn write_csv(input: &ReportInput<'_>, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "definition,registry,variable,confidence,relation,source_code,source_label,target_code,target_label,value_relation"
    )?;
    for group in &input.proposal.groups {
        let definition = input.definition(&group.definition);
        for member in &group.members {
            let variable = input.variable(&member.key);
            let common = format!(
                "{},{},{},{:.2},{:?}",
                field(&group.definition.0),
                field(member.key.registry().as_str()),
                field(member.key.name()),
                member.confidence,
                member.relation
            );
            if member.values.is_empty() {
                writeln!(out, "{common},,,,,")?;
            }
            for value in &member.values {
                let target = value.target_code.as_deref().unwrap_or("");
                writeln!(
                    out,
                    "{common},{},{},{},{},{:?}",
                    field(&value.source_code),
                    field(&option_label(variable, &value.source_code)),
                    field(target),
                    field(&value_label(definition, target)),
                    value.relation
                )?;
            }
        }
    }
    Ok(())
}
