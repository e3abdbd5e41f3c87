//! `varkat harmonize` and `varkat harmonize report`: propose concept groups around shared
//! definitions (and new definitions for groups none covers), and write the decision basis for
//! reviewers.

use std::fmt::Write;

use anyhow::Context as _;
use catalog::{RegistryId, SharedDefinition, VariableVersion};
use harmonize::report::ReportInput;

use crate::Context;
use crate::args::{HarmonizeArgs, HarmonizeCommand, ProposeArgs, ReportArgs};
use crate::output;

/// Runs `varkat harmonize`.
pub(crate) fn run(context: &Context, args: &HarmonizeArgs) -> anyhow::Result<()> {
    match &args.command {
        Some(HarmonizeCommand::Report(report_args)) => report(context, report_args),
        None => propose(context, &args.propose),
    }
}

/// The variables and definitions a proposal is made from, and the proposal.
fn prepare(
    context: &Context,
    args: &ProposeArgs,
) -> anyhow::Result<(Vec<VariableVersion>, Vec<SharedDefinition>, harmonize::Proposal)> {
    let store = context.open_store()?;
    let recorded = store.mappings()?;
    // The review's decisions name the store's definitions; against definitions from a file the
    // proposal comes from the scores alone.
    let (definitions, reviewed) = match &args.definitions {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("failed to read `{}`", path.display()))?;
            (importers::shared_definitions::read(&text, &path.display().to_string())?, &[][..])
        }
        None => (store.shared_definitions()?, &recorded[..]),
    };
    let registries: Vec<RegistryId> =
        args.registry.iter().map(|id| RegistryId::new(id)).collect::<Result<_, _>>()?;
    let variables = store.live_variables(&registries)?;
    let defaults = harmonize::Options::default();
    let options = harmonize::Options {
        min_confidence: args.min_confidence.unwrap_or(defaults.min_confidence),
    };
    let proposal = harmonize::propose(&variables, &definitions, reviewed, &options);
    if let Some(path) = &args.export_groups {
        let mut file = std::fs::File::create(path)
            .with_context(|| format!("failed to create `{}`", path.display()))?;
        harmonize::write_score_export(&proposal, &mut file)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    if args.record {
        record(context, &store, &proposal, &definitions, &recorded)?;
    }
    let definitions = proposal.definitions(&definitions);
    Ok((variables, definitions, proposal))
}

/// Stores the definitions the proposal adds, then its new members as mappings awaiting review.
fn record(
    context: &Context,
    store: &catalog::Store,
    proposal: &harmonize::Proposal,
    definitions: &[SharedDefinition],
    recorded: &[catalog::Mapping],
) -> anyhow::Result<()> {
    let proposed = harmonize::decision::proposed_mappings(proposal, definitions, recorded);
    if proposed.is_empty() {
        context
            .output
            .text("No new proposals to record: every member is already under review or decided.\n");
        return Ok(());
    }
    if let Some(request) = harmonize::decision::proposed_definitions(proposal, &context.who) {
        let n = request.shared_definitions.len();
        if let Some(change) = store.import(request)?.change {
            context
                .output
                .text(&format!("change {}: stored {n} proposed shared definitions\n", change.seq));
        }
    }
    let n = proposed.len();
    let change = store.record_review(proposed, &context.who)?;
    context
        .output
        .text(&format!("change {}: recorded {n} proposed mappings for review\n", change.seq));
    context.update_index(store);
    Ok(())
}

fn propose(context: &Context, args: &ProposeArgs) -> anyhow::Result<()> {
    let (_, _, proposal) = prepare(context, args)?;
    let mut out = String::new();
    let n_members: usize = proposal.groups.iter().map(|group| group.members.len()).sum();
    let _ = writeln!(
        out,
        "{} groups, {n_members} of {} variables ({} pairs scored)",
        proposal.groups.len(),
        proposal.variables,
        proposal.pairs_scored
    );
    for group in &proposal.groups {
        let new = if group.proposed.is_some() { "  (proposed definition)" } else { "" };
        let _ = writeln!(out, "\n{}  {}{new}", group.definition, group.label.best().unwrap_or(""));
        for member in &group.members {
            let _ = writeln!(
                out,
                "  {:<40} {:.2} {}  {}",
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

fn report(context: &Context, args: &ReportArgs) -> anyhow::Result<()> {
    let (variables, definitions, proposal) = prepare(context, &args.propose)?;
    let input = ReportInput::new(&proposal, &variables, &definitions);
    let mut bytes = Vec::new();
    match args.format.as_str() {
        "md" => harmonize::report::write_markdown(&input, &mut bytes)?,
        "csv" => harmonize::report::write_csv(&input, &mut bytes)?,
        _ => harmonize::report::write_html(&input, &mut bytes)?,
    }
    match &args.output {
        Some(path) => std::fs::write(path, &bytes)
            .with_context(|| format!("failed to write `{}`", path.display()))?,
        None => output::write_stdout(&String::from_utf8_lossy(&bytes)),
    }
    Ok(())
}
