//! `varkat codes`: the code systems the catalog knows, their codes, and where they are used.

use std::fmt::Write;

use anyhow::Context as _;
use catalog::{CodeSystemBinding, CodeSystemVersion, Store};

use crate::Context;
use crate::args::CodesCommand;

/// Runs `varkat codes`.
pub(crate) fn run(context: &Context, command: &CodesCommand) -> anyhow::Result<()> {
    let store = context.open_store()?;
    match command {
        CodesCommand::List => list(context, &store),
        CodesCommand::Show { system } => show(context, &store, system),
        CodesCommand::WhereUsed { system, code } => {
            where_used(context, &store, system, code.as_deref())
        }
    }
}

/// The version `ID@VERSION` names, or the latest of `ID`.
fn version(store: &Store, reference: &str) -> anyhow::Result<CodeSystemVersion> {
    let CodeSystemBinding { system, version: wanted } = CodeSystemBinding::parse(reference);
    let found = store.code_system_version(&system, wanted.as_deref())?;
    found.with_context(|| format!("code system `{reference}` is not in the catalog"))
}

fn list(context: &Context, store: &Store) -> anyhow::Result<()> {
    let mut out = String::new();
    let mut rows = Vec::new();
    for system in store.code_systems()? {
        let versions = store.code_system_version_summaries(&system.id)?;
        let names: Vec<String> =
            versions.iter().map(|v| format!("{} ({} codes)", v.version, v.codes)).collect();
        let _ = writeln!(
            out,
            "{:<28} {}  versions: {}",
            system.id.to_string(),
            system.name,
            names.join(", ")
        );
        rows.push(serde_json::json!({ "system": system, "versions": versions.iter().map(|v| &v.version).collect::<Vec<_>>() }));
    }
    if rows.is_empty() {
        out.push_str("no code systems yet; import a FHIR CodeSystem or a CSV code list\n");
    }
    let value_sets = store.value_sets()?;
    if !value_sets.is_empty() {
        out.push_str("\nvalue sets:\n");
        for value_set in &value_sets {
            let versions: Vec<String> = store
                .value_set_versions(&value_set.id)?
                .iter()
                .map(|v| format!("{} ({} codes listed)", v.version, v.n_listed()))
                .collect();
            let systems: Vec<&str> =
                value_set.includes.iter().filter_map(|rule| rule.system.as_deref()).collect();
            let _ = writeln!(
                out,
                "{:<28} {}  versions: {}  from: {}",
                value_set.id.to_string(),
                value_set.name,
                versions.join(", "),
                if systems.is_empty() { "other value sets".to_owned() } else { systems.join(", ") }
            );
        }
    }
    let code_maps = store.code_maps()?;
    if !code_maps.is_empty() {
        out.push_str("\ncode maps:\n");
        for code_map in &code_maps {
            let pairs: Vec<String> = code_map
                .groups
                .iter()
                .map(|g| {
                    format!(
                        "{} -> {}",
                        g.source.as_deref().unwrap_or("?"),
                        g.target.as_deref().unwrap_or("?")
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "{:<28} {}  version {} ({} codes mapped)  {}",
                code_map.id.to_string(),
                code_map.name,
                code_map.version,
                code_map.n_elements(),
                pairs.join("; ")
            );
        }
    }
    context.output.text(&out);
    context.output.json(&rows);
    Ok(())
}

fn show(context: &Context, store: &Store, reference: &str) -> anyhow::Result<()> {
    let version = version(store, reference)?;
    let mut out = format!(
        "{}@{} ({}, {} codes)\n",
        version.system,
        version.version,
        version.content,
        version.concepts.len()
    );
    for concept in &version.concepts {
        let parent = concept.parent.as_ref().map(|p| format!("  (under {p})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<12} {}{parent}",
            concept.code,
            concept.display.best().unwrap_or("")
        );
    }
    context.output.text(&out);
    context.output.json(&version);
    Ok(())
}

fn where_used(
    context: &Context,
    store: &Store,
    reference: &str,
    code: Option<&str>,
) -> anyhow::Result<()> {
    let CodeSystemBinding { system, version: wanted } = CodeSystemBinding::parse(reference);
    let mut used = store.where_used(&system, wanted.as_deref())?;
    if let Some(code) = code {
        used.retain(|v| {
            v.definition.value_domain.categories.is_empty()
                || v.definition.value_domain.categories.iter().any(|c| c.code == code)
        });
    }
    let mut out = String::new();
    for variable in &used {
        let binding = variable
            .definition
            .value_domain
            .code_system
            .as_ref()
            .and_then(|b| b.version.clone())
            .map(|v| format!("@{v}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}@{}  {}  (bound to {system}{binding})",
            variable.key,
            variable.version,
            variable.definition.label.best().unwrap_or("")
        );
    }
    let _ = writeln!(out, "{} variable versions use {reference}", used.len());
    context.output.text(&out);
    context.output.json(&used);
    Ok(())
}
