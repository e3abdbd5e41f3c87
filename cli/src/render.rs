//! Text renderings for people, laid out for an 80-column terminal.

use std::fmt::Write;

use catalog::{
    CategoryChange, Compatibility, VariableVersion, VersionDiff, WordChange, WordChangeKind,
};

const WIDTH: usize = 80;

/// A timestamp as people read it, in UTC.
pub(crate) fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// One variable version in full.
pub(crate) fn version(version: &VariableVersion, n_versions: usize) -> String {
    let definition = &version.definition;
    let mut out = String::new();
    let published = version.published_at.map(|at| format!(" {}", time(at))).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}  (version {} of {n_versions}, {}{published})",
        version.key,
        version.version,
        version.visible_status()
    );
    for text in [&definition.label.nb, &definition.label.en].into_iter().flatten() {
        let _ = writeln!(out, "{text}");
    }
    let mut field = |name: &str, value: &str| {
        let wrapped =
            textwrap::fill(value, WIDTH - 14).replace('\n', &format!("\n{}", " ".repeat(14)));
        let _ = writeln!(out, "  {name:<11} {wrapped}");
    };
    field("type", definition.data_type.as_str());
    if let Some(unit) = &definition.unit {
        field("unit", unit);
    }
    if let Some(section) = &definition.section {
        field("section", section);
    }
    if !definition.period.is_open() {
        field("period", &definition.period.to_string());
    }
    for (name, text) in
        [("question", &definition.question), ("description", &definition.description)]
    {
        for value in [&text.nb, &text.en].into_iter().flatten() {
            field(name, value);
        }
    }
    if let Some(range) = &definition.value_domain.range {
        let end = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        field("range", &format!("{} .. {}", end(range.min), end(range.max)));
    }
    if let Some(binding) = &definition.value_domain.code_system {
        field(
            "code system",
            &format!(
                "{}{}",
                binding.system,
                binding.version.as_ref().map(|v| format!(" version {v}")).unwrap_or_default()
            ),
        );
    }
    let provenance = &version.provenance;
    field(
        "source",
        &format!(
            "{} ({}), import {} by {}, {}",
            provenance.source_file,
            provenance.format,
            provenance.import,
            provenance.recorded_by,
            time(provenance.recorded_at)
        ),
    );
    let categories = &definition.value_domain.categories;
    if !categories.is_empty() {
        let width = categories.iter().map(|c| c.code.chars().count()).max().unwrap_or(4).max(4);
        let _ = writeln!(out, "\n  {:<width$}  label", "code");
        for category in categories {
            let label = [&category.label.nb, &category.label.en]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" / ");
            let mut notes = Vec::new();
            if category.missing {
                notes.push("missing".to_owned());
            }
            if !category.period.is_open() {
                notes.push(category.period.to_string());
            }
            let notes =
                if notes.is_empty() { String::new() } else { format!("  ({})", notes.join(", ")) };
            let _ = writeln!(out, "  {:<width$}  {label}{notes}", category.code);
        }
    }
    out
}

/// Word-level changes inline, as `git diff --word-diff=plain` shows them: `[-old-]{+new+}`.
pub(crate) fn words(words: &[WordChange]) -> String {
    words
        .iter()
        .map(|word| match word.kind {
            WordChangeKind::Same => word.text.clone(),
            WordChangeKind::Removed => format!("[-{}-]", word.text),
            WordChangeKind::Added => format!("{{+{}+}}", word.text),
        })
        .collect()
}

fn breaking(compatibility: Compatibility) -> &'static str {
    match compatibility {
        Compatibility::Breaking => "  BREAKING",
        Compatibility::Compatible => "",
    }
}

/// A diff, field by field and category by category.
pub(crate) fn diff(diff: &VersionDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}@{} -> {}@{}: {}",
        diff.from.key, diff.from.version, diff.to.key, diff.to.version, diff.compatibility
    );
    if diff.is_empty() {
        let _ = writeln!(out, "  no differences");
        return out;
    }
    for field in &diff.fields {
        let change = if field.words.is_empty() {
            format!(
                "{} -> {}",
                field.before.as_deref().unwrap_or("(none)"),
                field.after.as_deref().unwrap_or("(none)")
            )
        } else {
            words(&field.words)
        };
        let _ = writeln!(out, "  {:<15} {change}{}", field.field, breaking(field.compatibility));
    }
    if !diff.categories.is_empty() {
        let _ = writeln!(out, "  categories:");
        for change in &diff.categories {
            let line = match change {
                CategoryChange::Added { code, label } => format!("+ {code}  {label}"),
                CategoryChange::Removed { code, label } => format!("- {code}  {label}"),
                CategoryChange::Relabelled { code, words: changed, .. } => {
                    format!("~ {code}  {}", words(changed))
                }
                CategoryChange::Recoded { label, before, after } => {
                    format!("recoded  {label}: {before} -> {after}")
                }
                CategoryChange::MissingFlag { code, missing } => {
                    format!(
                        "! {code}  {}",
                        if *missing { "now means missing" } else { "no longer means missing" }
                    )
                }
            };
            let _ = writeln!(out, "    {line}{}", breaking(change.compatibility()));
        }
    }
    out
}

/// What a diff changed, in a few words, for a history line.
pub(crate) fn diff_summary(diff: &VersionDiff) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut fields: Vec<&str> = diff
        .fields
        .iter()
        .map(|field| field.field.split('.').next().unwrap_or(field.field))
        .collect();
    fields.dedup();
    parts.extend(fields.iter().map(|field| (*field).to_owned()));
    let count =
        |pred: fn(&CategoryChange) -> bool| diff.categories.iter().filter(|c| pred(c)).count();
    for (n, what) in [
        (count(|c| matches!(c, CategoryChange::Added { .. })), "added"),
        (count(|c| matches!(c, CategoryChange::Removed { .. })), "removed"),
        (count(|c| matches!(c, CategoryChange::Relabelled { .. })), "relabelled"),
        (count(|c| matches!(c, CategoryChange::Recoded { .. })), "recoded"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    let summary = if parts.is_empty() { "no change".to_owned() } else { parts.join(", ") };
    match diff.compatibility {
        Compatibility::Breaking => format!("{summary} (breaking)"),
        Compatibility::Compatible => summary,
    }
}
