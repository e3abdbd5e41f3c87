//! The decision basis as one self-contained HTML page, with the coverage matrix as a heat map.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{ReportInput, option_label, row, value_label, wording, write_all};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}\
td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}th{background:#f4f4f4}\
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}.heat td{text-align:center;min-width:3rem}";

/// Writes the report as an HTML page.
pub fn write_html(input: &ReportInput<'_>, out: &mut impl Write) -> io::Result<()> {
    let mut html = format!(
        "<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>Harmonization: decision basis</title><style>{STYLE}</style></head><body>\n"
    );
    let _ = writeln!(
        html,
        "<h1>Harmonization: decision basis</h1><p>{} groups from {} variables.</p>",
        input.proposal.groups.len(),
        input.proposal.variables
    );
    for group in &input.proposal.groups {
        let definition = input.definition(&group.definition);
        let definition_label = group.label.best().unwrap_or("");
        let _ = writeln!(
            html,
            "<section><h2>{} <small><code>{}</code></small></h2>",
            escape(definition_label),
            escape(&group.definition.0)
        );
        if group.proposed.is_some() {
            let _ = writeln!(html, "<p><em>{}</em></p>", escape(super::PROPOSED_NOTE));
        }
        html.push_str("<table><tr><th>registry</th><th>variable</th><th>label against the definition</th><th>question</th><th>type</th><th>unit</th><th>values</th><th>confidence</th><th>why</th></tr>\n");
        for member in &group.members {
            let r = row(input, member);
            let diff = wording(
                &escape(definition_label),
                &escape(&r.label),
                ("<del>", "</del>"),
                ("<ins>", "</ins>"),
            );
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{diff}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2} ({})</td><td>{}</td></tr>",
                escape(member.key.registry().as_str()),
                escape(member.key.name()),
                escape(&r.question),
                r.data_type,
                escape(&r.unit),
                escape(&r.values),
                member.confidence,
                member.relation,
                escape(&member.reasons.join("; "))
            );
        }
        html.push_str("</table>\n");
        let mapped: Vec<_> =
            group.members.iter().filter(|member| !member.values.is_empty()).collect();
        if !mapped.is_empty() {
            html.push_str("<table><tr><th>variable</th><th>code</th><th>label</th><th>standard code</th><th>standard label</th><th>relation</th></tr>\n");
            for member in mapped {
                let variable = input.variable(&member.key);
                for value in &member.values {
                    let target = value.target_code.as_deref().unwrap_or("");
                    let _ = writeln!(
                        html,
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(&member.key.to_string()),
                        escape(&value.source_code),
                        escape(&option_label(variable, &value.source_code)),
                        escape(target),
                        escape(&value_label(definition, target)),
                        value.relation
                    );
                }
            }
            html.push_str("</table>\n");
        }
        html.push_str("</section>\n");
    }
    html.push_str("<h2>Coverage: which registry has which concept</h2><table class=\"heat\"><tr><th>definition</th>");
    let registries = input.registries();
    for registry in &registries {
        let _ = write!(html, "<th>{}</th>", escape(registry.as_str()));
    }
    html.push_str("</tr>\n");
    let coverage = input.coverage();
    for definition in input.definitions {
        let _ = write!(
            html,
            "<tr><th>{}</th>",
            escape(definition.label.best().unwrap_or(&definition.id.0))
        );
        for registry in &registries {
            match coverage.get(&(definition.id.0.clone(), registry.clone())) {
                // Darker green for more confident proposals: the heat map of the coverage.
                Some(confidence) => {
                    let lightness = 90.0 - 45.0 * confidence.clamp(0.0, 1.0);
                    let _ = write!(
                        html,
                        "<td style=\"background:hsl(130,45%,{lightness:.0}%)\">{confidence:.2}</td>"
                    );
                }
                None => html.push_str("<td></td>"),
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table></body></html>\n");
    write_all(out, &html)
}
