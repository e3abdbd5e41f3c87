//! `varkat registries`, `varkat variables` and `varkat show`: what the catalog holds.

use std::fmt::Write;

use anyhow::Context as _;
use catalog::{RegistryId, VariableKey, VersionNo, View};
use serde::Serialize;

use crate::Context;
use crate::args::{ShowArgs, VariablesArgs};
use crate::render;

/// Reads a moment for `--as-of`: a date means the end of that day (UTC); a full RFC 3339 time
/// is taken as it is.
pub(crate) fn parse_as_of(text: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&chrono::Utc));
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("`{text}` is not a date (YYYY-MM-DD) or a time (RFC 3339)"))?;
    Ok(date.and_hms_opt(23, 59, 59).expect("a valid time").and_utc())
}

#[derive(Serialize)]
struct RegistryRow<'a> {
    #[serde(flatten)]
    registry: &'a catalog::Registry,
    variables: usize,
    drafts: usize,
}

/// Runs `varkat registries`.
pub(crate) fn registries(context: &Context) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let registries = store.registries()?;
    let mut rows = Vec::new();
    for registry in &registries {
        let catalog::RegistryCounts { variables, drafts } = store.registry_counts(&registry.id)?;
        rows.push(RegistryRow { registry, variables, drafts });
    }
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("the catalog is empty; start with `varkat import FILE`\n");
    } else {
        let _ = writeln!(out, "{:<14} {:<8} {:>9}  name", "registry", "kind", "variables");
        for row in &rows {
            let drafts =
                if row.drafts > 0 { format!(" (+{} drafts)", row.drafts) } else { String::new() };
            let _ = writeln!(
                out,
                "{:<14} {:<8} {:>9}  {}{drafts}",
                row.registry.id, row.registry.kind, row.variables, row.registry.name
            );
        }
    }
    context.output.text(&out);
    context.output.json(&rows);
    Ok(())
}

/// Runs `varkat variables`.
pub(crate) fn variables(context: &Context, args: &VariablesArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let registry = RegistryId::new(&args.registry)?;
    let versions = match &args.as_of {
        Some(as_of) => store.variables_as_of(&registry, parse_as_of(as_of)?)?,
        None => store
            .variables(&registry, if args.drafts { View::WithDrafts } else { View::Published })?,
    };
    let mut out = String::new();
    let width =
        versions.iter().map(|v| v.key.name().chars().count()).max().unwrap_or(4).clamp(4, 36);
    for version in &versions {
        let label = version.definition.label.best().unwrap_or("");
        let status = match version.visible_status() {
            catalog::Status::Published => String::new(),
            other => format!(" [{other}]"),
        };
        let line = format!(
            "{:<width$}  {:<11} v{:<3} {label}{status}",
            version.key.name(),
            version.definition.data_type.as_str(),
            version.version.0
        );
        let _ = writeln!(out, "{}", truncate(&line, 100));
    }
    let _ = writeln!(out, "{} variables", versions.len());
    context.output.text(&out);
    context.output.json(&versions);
    Ok(())
}

fn truncate(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        line.to_owned()
    } else {
        format!("{}…", line.chars().take(width - 1).collect::<String>())
    }
}

/// Runs `varkat show`.
pub(crate) fn show(context: &Context, args: &ShowArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let key: VariableKey = args.variable.parse()?;
    let history = store.history(&key)?;
    let version = match (args.version, &args.as_of) {
        (Some(n), _) => store.version(&key, VersionNo(n))?,
        (None, Some(as_of)) => store.as_of(&key, parse_as_of(as_of)?)?,
        (None, None) => {
            store.current(&key, if args.drafts { View::WithDrafts } else { View::Published })?
        }
    };
    context.output.text(&render::version(&version, history.len()));
    context.output.json(&version);
    Ok(())
}
