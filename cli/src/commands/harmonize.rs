//! `varkat harmonize`: propose concept groups around shared definitions.

use std::fmt::Write;

use anyhow::Context as _;
use catalog::{RegistryId, Status, View};

use crate::Context;
use crate::args::HarmonizeArgs;

/// Runs `varkat harmonize`.
pub(crate) fn run(context: &Context, args: &HarmonizeArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let text = std::fs::read_to_string(&args.definitions)
        .with_context(|| format!("failed to read `{}`", args.definitions.display()))?;
    let definitions =
        importers::shared_definitions::read(&text, &args.definitions.display().to_string())?;
    let registries: Vec<RegistryId> = if args.registry.is_empty() {
        store.registries()?.into_iter().map(|registry| registry.id).collect()
    } else {
        args.registry.iter().map(|id| RegistryId::new(id)).collect::<Result<_, _>>()?
    };
    let mut variables = Vec::new();
    for registry in &registries {
        variables.extend(
            store
                .variables(registry, View::Published)?
                .into_iter()
                .filter(|v| v.status != Status::Retired),
        );
    }
    let options = harmonize::Options {
        min_confidence: args.min_confidence.unwrap_or(harmonize::Options::default().min_confidence),
    };
    let proposal = harmonize::propose(&variables, &definitions, &options);
    if let Some(path) = &args.export_groups {
        let mut file = std::fs::File::create(path)
            .with_context(|| format!("failed to create `{}`", path.display()))?;
        harmonize::write_score_export(&proposal, &mut file)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    let mut out = String::new();
    let n_members: usize = proposal.groups.iter().map(|group| group.members.len()).sum();
    let _ = writeln!(
        out,
        "{} groups, {n_members} of {} variables ({} variable-definition pairs scored)",
        proposal.groups.len(),
        proposal.variables,
        proposal.pairs_scored
    );
    for group in &proposal.groups {
        let _ = writeln!(out, "\n{}  {}", group.definition, group.label.best().unwrap_or(""));
        for member in &group.members {
            let _ = writeln!(
                out,
                "  {:<40} {:.2} {:?}  {}",
                member.key.to_string(),
                member.confidence,
                member.relation,
                member.reasons.join("; ")
            );
        }
    }
    context.output.text(&out);
    context.output.json(&proposal);
    Ok(())
}
