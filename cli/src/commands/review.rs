//! `varkat review`: the reviewers' decisions on proposed mappings, recorded as new mapping
//! versions through the change log.

use std::fmt::Write;

use anyhow::Context as _;
use catalog::{Mapping, ReviewStatus, VariableKey, View};

use crate::Context;
use crate::args::{DecideArgs, ReviewCommand, ReviewListArgs};

/// Runs `varkat review`.
pub(crate) fn run(context: &Context, command: &ReviewCommand) -> anyhow::Result<()> {
    match command {
        ReviewCommand::List(args) => list(context, args),
        ReviewCommand::Show { variable } => show(context, variable),
        ReviewCommand::Accept(args) => decide(context, args, ReviewStatus::Accepted),
        ReviewCommand::Reject(args) => decide(context, args, ReviewStatus::Rejected),
    }
}

fn status_name(status: ReviewStatus) -> &'static str {
    match status {
        ReviewStatus::Proposed => "proposed",
        ReviewStatus::Accepted => "accepted",
        ReviewStatus::Rejected => "rejected",
    }
}

fn list(context: &Context, args: &ReviewListArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let mut out = String::new();
    let mut shown = Vec::new();
    for mapping in store.mappings()? {
        if args.status.as_deref().is_some_and(|wanted| wanted != status_name(mapping.status)) {
            continue;
        }
        if args.definition.as_deref().is_some_and(|wanted| wanted != mapping.definition.0) {
            continue;
        }
        let current = store.current(&mapping.variable, View::Published)?;
        let stale = harmonize::decision::needs_rereview(&mapping, &current);
        let _ = writeln!(
            out,
            "{:<40} {:<22} {:<9} {:<11}{}",
            mapping.variable.to_string(),
            mapping.definition.0,
            status_name(mapping.status),
            format!("{:?}", mapping.relation).to_lowercase(),
            if stale {
                format!(
                    "  needs re-review: decided on version {}, now version {}",
                    mapping.variable_version, current.version
                )
            } else {
                String::new()
            }
        );
        shown.push(serde_json::json!({ "mapping": mapping, "needs_rereview": stale }));
    }
    if shown.is_empty() {
        out.push_str(
            "No mappings match; `varkat harmonize --record` records proposals for review.\n",
        );
    }
    context.output.text(&out);
    context.output.json(&shown);
    Ok(())
}

fn show(context: &Context, variable: &str) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let key: VariableKey = variable.parse()?;
    let history = store.mapping_history(&key)?;
    anyhow::ensure!(!history.is_empty(), "`{key}` has no mapping; nothing was proposed for it");
    let mut out = String::new();
    for mapping in &history {
        let _ = writeln!(
            out,
            "mapping version {}: {} onto {}@{} ({}), variable version {}{}{}",
            mapping.version,
            status_name(mapping.status),
            mapping.definition,
            mapping.definition_version,
            format!("{:?}", mapping.relation).to_lowercase(),
            mapping.variable_version,
            mapping.reviewer.as_ref().map(|who| format!(", by {who}")).unwrap_or_default(),
            mapping.comment.as_ref().map(|c| format!(": {c}")).unwrap_or_default(),
        );
    }
    if let Some(latest) = history.last() {
        out.push_str("\nvalues:\n");
        for value in &latest.values {
            let _ = writeln!(
                out,
                "  {:<12} -> {:<20} {:?}",
                value.source_code,
                value.target_code.as_deref().unwrap_or("(none)"),
                value.relation
            );
        }
    }
    context.output.text(&out);
    context.output.json(&history);
    Ok(())
}

fn decide(context: &Context, args: &DecideArgs, status: ReviewStatus) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let now = chrono::Utc::now();
    let mut decisions: Vec<Mapping> = Vec::new();
    for variable in &args.variables {
        let key: VariableKey = variable.parse()?;
        let latest = store
            .mapping_history(&key)?
            .pop()
            .with_context(|| format!("`{key}` has no proposed mapping to decide on"))?;
        decisions.push(harmonize::decision::decide(
            &latest,
            status,
            &context.who,
            args.comment.as_deref(),
            now,
        ));
    }
    let n = decisions.len();
    let change = store.record_review(decisions, &context.who)?;
    context.output.text(&format!(
        "change {}: {} {n} mapping{}\n",
        change.seq,
        status_name(status),
        if n == 1 { "" } else { "s" }
    ));
    context.update_index(&store);
    context.output.json(&change);
    Ok(())
}
