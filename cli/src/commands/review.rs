//! `varkat review`: the reviewers' decisions on proposed mappings, recorded as new mapping
//! versions through the change log.

use std::collections::HashMap;
use std::fmt::Write;

use anyhow::Context as _;
use catalog::{
    Mapping, ReviewStatus, SharedDefinition, SharedDefinitionId, VariableKey, VariableVersion,
    VersionNo,
};

use crate::Context;
use crate::args::{
    BallotArgs, CompareArgs, DecideArgs, EditArgs, MoveArgs, ReviewCommand, ReviewExportArgs,
    ReviewListArgs, SplitArgs,
};

/// Runs `varkat review`.
pub(crate) fn run(context: &Context, command: &ReviewCommand) -> anyhow::Result<()> {
    match command {
        ReviewCommand::List(args) => list(context, args),
        ReviewCommand::Show { variable } => show(context, variable),
        ReviewCommand::Accept(args) => decide(context, args, ReviewStatus::Accepted),
        ReviewCommand::Reject(args) => decide(context, args, ReviewStatus::Rejected),
        ReviewCommand::Move(args) => move_to(context, args),
        ReviewCommand::Split(args) => split(context, args),
        ReviewCommand::Edit(args) => edit(context, args),
        ReviewCommand::Ballot(args) => ballot(context, args),
        ReviewCommand::Compare(args) => compare(context, args, false),
        ReviewCommand::Merge(args) => compare(context, args, true),
        ReviewCommand::Export(args) => export(context, args),
    }
}

fn export(context: &Context, args: &ReviewExportArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let definitions = store.shared_definitions()?;
    let mappings = store.mappings()?;
    let mut variables = Vec::new();
    for mapping in &mappings {
        variables.push(store.version(&mapping.variable, mapping.variable_version)?);
    }
    let mut bytes = Vec::new();
    if args.format == "csv" {
        harmonize::report::write_decisions_csv(&mappings, &definitions, &variables, &mut bytes)?;
    } else {
        let per = if args.per == "member" {
            harmonize::fhir::ConceptMapPer::Member
        } else {
            harmonize::fhir::ConceptMapPer::Group
        };
        let bundle = harmonize::fhir::bundle(&definitions, &mappings, &variables, per);
        bytes = serde_json::to_vec_pretty(&bundle)?;
        bytes.push(b'\n');
    }
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes)
                .with_context(|| format!("failed to write `{}`", path.display()))?;
            context.output.text(&format!("wrote {}\n", path.display()));
        }
        None => crate::output::write_stdout(&String::from_utf8_lossy(&bytes)),
    }
    Ok(())
}

fn ballot(context: &Context, args: &BallotArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let definitions = store.shared_definitions()?;
    let recorded = store.mappings()?;
    let proposal = harmonize::propose(
        &store.live_variables(&[])?,
        &definitions,
        &recorded,
        &harmonize::Options::default(),
    );
    let confidences: HashMap<(&SharedDefinitionId, &VariableKey), f64> = proposal
        .groups
        .iter()
        .flat_map(|group| {
            group.members.iter().map(|member| ((&group.definition, &member.key), member.confidence))
        })
        .collect();
    let definitions: HashMap<&SharedDefinitionId, &SharedDefinition> =
        definitions.iter().map(|definition| (&definition.id, definition)).collect();
    let mut rows = Vec::new();
    for mapping in &recorded {
        if mapping.status != ReviewStatus::Proposed
            || args.definition.as_deref().is_some_and(|wanted| wanted != mapping.definition.0)
        {
            continue;
        }
        let variable = store.version(&mapping.variable, mapping.variable_version)?;
        let definition = definitions.get(&mapping.definition);
        let confidence = confidences.get(&(&mapping.definition, &mapping.variable)).copied();
        rows.push(importers::export::BallotRow {
            variable: mapping.variable.clone(),
            definition: mapping.definition.clone(),
            relation: mapping.relation.as_str().to_owned(),
            confidence,
            variable_label: variable.definition.label.best().unwrap_or("").to_owned(),
            definition_label: definition.and_then(|d| d.label.best()).unwrap_or("").to_owned(),
        });
    }
    anyhow::ensure!(
        !rows.is_empty(),
        "no proposal awaits review; record some with `varkat harmonize --record`"
    );
    let text = importers::export::write_ballot(&rows);
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("failed to write `{}`", path.display()))?;
            context.output.text(&format!(
                "wrote a ballot of {} proposals to {}; fill in `decision` (accept or reject) and `comment`\n",
                rows.len(),
                path.display()
            ));
        }
        None => crate::output::write_stdout(&text),
    }
    Ok(())
}

/// A ballot file read, and the reviewer its name gives.
fn read_ballot(path: &std::path::Path) -> anyhow::Result<(String, Vec<catalog::Ballot>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read `{}`", path.display()))?;
    let ballots = importers::ballot::read(&text, &path.display().to_string())?;
    let reviewer = path
        .file_stem()
        .map_or_else(|| path.display().to_string(), |stem| stem.to_string_lossy().into_owned());
    Ok((reviewer, ballots))
}

fn compare(context: &Context, args: &CompareArgs, merge: bool) -> anyhow::Result<()> {
    let (first_name, first) = read_ballot(&args.first)?;
    let (second_name, second) = read_ballot(&args.second)?;
    let agreement = harmonize::agreement::compare(&first, &second);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{first_name} and {second_name} both decided {} proposals and agree on {} ({:.0} %); by chance they would agree on {:.0} %",
        agreement.both_decided,
        agreement.agreed,
        agreement.observed * 100.0,
        agreement.expected * 100.0
    );
    let _ = match agreement.kappa {
        Some(kappa) => writeln!(out, "Cohen's kappa {kappa:.2}"),
        None => {
            writeln!(out, "Cohen's kappa is undefined: both gave every proposal the same answer")
        }
    };
    if !agreement.disagreements.is_empty() {
        let _ = writeln!(out, "\nThey disagree on:");
        for disagreement in &agreement.disagreements {
            let side = |(status, comment): &(ReviewStatus, Option<String>)| {
                format!(
                    "{}{}",
                    status.as_str(),
                    comment.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()
                )
            };
            let _ = writeln!(
                out,
                "  {:<36} {:<22} {first_name}: {}; {second_name}: {}",
                disagreement.variable.to_string(),
                disagreement.definition.0,
                side(&disagreement.first),
                side(&disagreement.second)
            );
        }
    }
    if !agreement.decided_by_one.is_empty() {
        let _ = writeln!(out, "\nDecided by only one of them: {}", agreement.decided_by_one.len());
    }
    if merge {
        let store = context.open_store()?;
        let now = chrono::Utc::now();
        let reviewer = format!("{first_name} and {second_name}");
        let mut decisions = Vec::new();
        for (variable, definition, status) in &agreement.agreed_decisions {
            let latest = store
                .mapping_history(variable)?
                .pop()
                .filter(|mapping| &mapping.definition == definition)
                .with_context(|| {
                    format!("`{variable}` has no recorded proposal onto `{definition}`")
                })?;
            decisions.push(harmonize::decision::decide(
                &latest,
                *status,
                &reviewer,
                Some("two reviewers agreed independently"),
                now,
            ));
        }
        if decisions.is_empty() {
            let _ = writeln!(out, "\nNothing to record: they agree on no decision.");
        } else {
            let n = decisions.len();
            let change = store.record_review(decisions, &context.who)?;
            context.update_index(&store);
            let _ = writeln!(
                out,
                "\nchange {}: recorded the {n} decisions they agree on; the {} they disagree on stay open",
                change.seq,
                agreement.disagreements.len()
            );
        }
    }
    context.output.text(&out);
    context.output.json(&agreement);
    Ok(())
}

fn list(context: &Context, args: &ReviewListArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let mut out = String::new();
    let mut shown = Vec::new();
    let mappings: Vec<_> = store
        .mappings()?
        .into_iter()
        .filter(|mapping| {
            args.status.as_deref().is_none_or(|wanted| wanted == mapping.status.as_str())
                && args.definition.as_deref().is_none_or(|wanted| wanted == mapping.definition.0)
        })
        .collect();
    let reasons = store.rereview_reasons(&mappings)?;
    for (mapping, reason) in mappings.into_iter().zip(reasons) {
        let _ = writeln!(
            out,
            "{:<40} {:<22} {:<9} {:<11}{}",
            mapping.variable.to_string(),
            mapping.definition.0,
            mapping.status.as_str(),
            mapping.relation.as_str(),
            reason.as_ref().map(|why| format!("  needs re-review: {why}")).unwrap_or_default()
        );
        shown.push(serde_json::json!({
            "mapping": mapping,
            "needs_rereview": reason.is_some(),
            "why": reason,
        }));
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
            mapping.status.as_str(),
            mapping.definition,
            mapping.definition_version,
            mapping.relation.as_str(),
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
                "  {:<12} -> {:<20} {}",
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
        status.as_str(),
        if n == 1 { "" } else { "s" }
    ));
    context.update_index(&store);
    context.output.json(&change);
    Ok(())
}

/// Records each variable as mapped onto the chosen definition, accepted, with its answer
/// options mapped onto the definition's value set as a proposal would map them.
fn move_to(context: &Context, args: &MoveArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let definitions = store.shared_definitions()?;
    let target =
        definitions.iter().find(|definition| definition.id.0 == args.to).with_context(|| {
            format!("shared definition `{}` does not exist (see `varkat review list`)", args.to)
        })?;
    let versions = published(&store, &args.variables)?;
    map_onto(context, &store, &versions, target, &definitions, args.comment.as_deref())
}

/// Proposes a shared definition from the first variable (its labels unless given, type, unit
/// and answer options as the value set), stores it, and maps every variable onto it.
fn split(context: &Context, args: &SplitArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let id = SharedDefinitionId(args.into.clone());
    if !store.shared_definition_history(&id)?.is_empty() {
        anyhow::bail!(
            "shared definition `{id}` exists already; to map onto it, use `varkat review move --to {id}`"
        );
    }
    let versions = published(&store, &args.variables)?;
    let mut definition = harmonize::definition_from(&versions[0], id);
    let label = &mut definition.label;
    label.nb = args.label_nb.clone().or_else(|| label.nb.take());
    label.en = args.label_en.clone().or_else(|| label.en.take());
    let stored = store_definition(context, &store, definition, "split")?;
    let definitions = store.shared_definitions()?;
    map_onto(context, &store, &versions, &stored, &definitions, args.comment.as_deref())
}

/// Stores a new version of a shared definition with the changes asked for.
fn edit(context: &Context, args: &EditArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let mut definition = store
        .shared_definition_history(&SharedDefinitionId(args.definition.clone()))?
        .pop()
        .with_context(|| format!("shared definition `{}` does not exist", args.definition))?;
    let set = |field: &mut Option<String>, new: &Option<String>| {
        if let Some(new) = new {
            *field = Some(new.clone()).filter(|text| !text.trim().is_empty());
        }
    };
    set(&mut definition.label.nb, &args.label_nb);
    set(&mut definition.label.en, &args.label_en);
    set(&mut definition.description.nb, &args.description_nb);
    set(&mut definition.description.en, &args.description_en);
    set(&mut definition.unit, &args.unit);
    store_definition(context, &store, definition, "edit")?;
    Ok(())
}

/// Writes a shared definition as one change, through the same import as a definitions file,
/// and returns it as stored (with its version). Says so when nothing changed.
fn store_definition(
    context: &Context,
    store: &catalog::Store,
    definition: SharedDefinition,
    command: &str,
) -> anyhow::Result<SharedDefinition> {
    let id = definition.id.clone();
    let outcome = store.import(catalog::ImportRequest {
        shared_definitions: vec![definition],
        files: vec![catalog::SourceFile {
            path: format!("varkat review {command} {id}"),
            format: "review".into(),
        }],
        who: context.who.clone(),
        ..catalog::ImportRequest::default()
    })?;
    let stored = store
        .shared_definition_history(&id)?
        .pop()
        .with_context(|| format!("`{id}` was not stored"))?;
    match outcome.change {
        Some(change) => context.output.text(&format!(
            "change {}: shared definition {id} version {}\n",
            change.seq, stored.version
        )),
        None => context.output.text(&format!("shared definition {id} is unchanged\n")),
    }
    context.update_index(store);
    Ok(stored)
}

/// The published version of each variable, or an error naming the one that has none.
fn published(store: &catalog::Store, variables: &[String]) -> anyhow::Result<Vec<VariableVersion>> {
    variables
        .iter()
        .map(|variable| {
            let key: VariableKey = variable.parse()?;
            store
                .current(&key, catalog::View::Published)
                .with_context(|| format!("`{key}` has no published version to map"))
        })
        .collect()
}

/// Records each variable as mapped onto `target`, accepted by the user, with the value mapping
/// a proposal would make.
fn map_onto(
    context: &Context,
    store: &catalog::Store,
    versions: &[VariableVersion],
    target: &SharedDefinition,
    definitions: &[SharedDefinition],
    comment: Option<&str>,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let decisions: Vec<Mapping> = versions
        .iter()
        .zip(harmonize::map_onto(versions, target, definitions))
        .map(|(version, (relation, values))| Mapping {
            variable: version.key.clone(),
            variable_version: version.version,
            definition: target.id.clone(),
            definition_version: target.version,
            version: VersionNo::FIRST,
            relation,
            values,
            status: ReviewStatus::Accepted,
            reviewer: Some(context.who.clone()),
            comment: comment.map(str::to_owned),
            decided_at: Some(now),
        })
        .collect();
    let n = decisions.len();
    let change = store.record_review(decisions, &context.who)?;
    context.output.text(&format!(
        "change {}: mapped {n} variable{} onto {} (accepted)\n",
        change.seq,
        if n == 1 { "" } else { "s" },
        target.id
    ));
    context.update_index(store);
    context.output.json(&change);
    Ok(())
}
