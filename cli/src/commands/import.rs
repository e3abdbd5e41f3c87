//! `varkat import`: read files, plan or write one atomic import, say what happened.

use std::fmt::Write;

use catalog::{ImportPlan, PlannedVersion, RegistryId};
use importers::{Encoding, Format, Language, ReadOptions};
use serde::Serialize;

use crate::Context;
use crate::args::ImportArgs;
use crate::progress::Progress;

/// How many names of each kind a human summary lists before it only counts.
const LISTED: usize = 15;

#[derive(Serialize)]
struct Summary<'a> {
    dry_run: bool,
    files: &'a [catalog::SourceFile],
    plan: &'a ImportPlan,
    change: Option<u64>,
    warnings: &'a [importers::Warning],
    restored: bool,
}

/// Runs `varkat import`.
pub(crate) fn run(context: &Context, args: &ImportArgs) -> anyhow::Result<()> {
    let options = ReadOptions {
        format: args
            .format
            .as_deref()
            .map(str::parse::<Format>)
            .transpose()
            .map_err(anyhow::Error::msg)?,
        registry: args.registry.as_deref().map(RegistryId::new).transpose()?,
        encoding: args.encoding.parse::<Encoding>().map_err(anyhow::Error::msg)?,
        language: args.language.parse::<Language>().map_err(anyhow::Error::msg)?,
        code_system: args.system.clone(),
    };
    let store = context.open_store()?;
    let progress = Progress::start(!context.output.quiet && !context.output.json, "reading");
    progress.set_message("parsing");
    // XML codebooks and code systems are read as they go: a large file is never whole in memory.
    let batch = importers::read_paths(&args.files, &options);
    let batch = match batch {
        Ok(batch) => batch,
        Err(errors) => {
            progress.finish();
            return Err(errors.into());
        }
    };
    let output = &context.output;
    for file in &batch.files {
        output.text(&format!("reading {} as {}\n", file.path, file.format));
    }
    for warning in batch.warnings.iter().take(LISTED) {
        output.warn(&warning.to_string());
    }
    if batch.warnings.len() > LISTED {
        output.warn(&format!(
            "... and {} more warnings, kept with the import",
            batch.warnings.len() - LISTED
        ));
    }

    if let Some(dump) = &batch.dump {
        if !args.dry_run {
            progress.set_message("restoring");
            store.restore(dump)?;
            progress.set_message("indexing");
            context.update_index(&store);
        }
        progress.finish();
        output.text(&format!(
            "{} the whole catalog: {} registries, {} versions, {} changes\n",
            if args.dry_run { "would restore" } else { "restored" },
            dump.registries.len(),
            dump.versions.len(),
            dump.changes.len()
        ));
        output.json(&Summary {
            dry_run: args.dry_run,
            files: &batch.files,
            plan: &ImportPlan::default(),
            change: None,
            warnings: &batch.warnings,
            restored: true,
        });
        return Ok(());
    }

    let files = batch.files.clone();
    let warnings = batch.warnings.clone();
    let request = batch.into_request(args.full, args.draft, &context.who);
    progress.set_message(&format!("writing {} variables", request.variables.len()));
    let (plan, change) = if args.dry_run {
        (store.plan(request)?, None)
    } else {
        let outcome = store.import(request)?;
        if outcome.change.is_some() {
            progress.set_message("indexing");
            context.update_index(&store);
        }
        (outcome.plan, outcome.change)
    };
    progress.finish();
    output.text(&describe(&plan, args.dry_run, args.draft, change.as_ref()));
    output.json(&Summary {
        dry_run: args.dry_run,
        files: &files,
        plan: &plan,
        change: change.map(|c| c.seq.0),
        warnings: &warnings,
        restored: false,
    });
    Ok(())
}

fn describe(
    plan: &ImportPlan,
    dry_run: bool,
    draft: bool,
    change: Option<&catalog::Change>,
) -> String {
    let mut out = String::new();
    for registry in &plan.new_registries {
        let _ =
            writeln!(out, "new registry {} ({}, {})", registry.id, registry.name, registry.kind);
    }
    for registry in &plan.updated_registries {
        let _ = writeln!(out, "registry {} described anew", registry.id);
    }
    let would = if dry_run { "would be " } else { "" };
    let drafts = if draft { " as drafts" } else { "" };
    let only_codes = plan.new.is_empty()
        && plan.changed.is_empty()
        && plan.retired.is_empty()
        && plan.unchanged == 0
        && (!plan.code_systems.is_empty()
            || plan.unchanged_code_systems > 0
            || !plan.value_sets.is_empty()
            || plan.unchanged_value_sets > 0
            || !plan.code_maps.is_empty()
            || plan.unchanged_code_maps > 0);
    let only_definitions = plan.new.is_empty()
        && plan.changed.is_empty()
        && plan.retired.is_empty()
        && plan.unchanged == 0
        && (!plan.definitions.is_empty() || plan.unchanged_definitions > 0);
    if only_definitions {
        let new_versions = plan.definitions.iter().filter(|d| d.version.0 == 1).count();
        let _ = writeln!(
            out,
            "shared definitions: {new_versions} new, {} changed, {} unchanged{}",
            plan.definitions.len() - new_versions,
            plan.unchanged_definitions,
            if plan.is_empty() { String::new() } else { format!(" ({would}written)") }
        );
        for definition in plan.definitions.iter().take(LISTED) {
            let _ = writeln!(
                out,
                "  {:<8} {}  v{}",
                if definition.version.0 == 1 { "new" } else { "changed" },
                definition.id,
                definition.version
            );
        }
    } else {
        let _ = writeln!(
            out,
            "{}{} new, {} changed, {} retired, {} unchanged{}",
            if only_codes { "variables: " } else { "" },
            plan.new.len(),
            plan.changed.len(),
            plan.retired.len(),
            plan.unchanged,
            if plan.is_empty() { String::new() } else { format!(" ({would}written{drafts})") }
        );
    }
    for (what, versions) in
        [("new", &plan.new), ("changed", &plan.changed), ("retired", &plan.retired)]
    {
        list(&mut out, what, versions);
    }
    for planned in &plan.code_systems {
        let diff = &planned.diff;
        let since =
            diff.previous.as_ref().map(|previous| format!(" since {previous}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "code system {}@{}{since}: {} added, {} removed, {} relabelled, {} moved",
            planned.reference.system,
            planned.reference.version,
            diff.added.len(),
            diff.removed.len(),
            diff.relabelled.len(),
            diff.moved.len()
        );
        for key in planned.to_review.iter().take(LISTED) {
            let _ = writeln!(
                out,
                "  to review: {key} is bound to it and codes were removed or changed"
            );
        }
    }
    for value_set in &plan.value_sets {
        let _ = writeln!(
            out,
            "value set {}@{} \"{}\": {} codes listed, {} include and {} exclude rules",
            value_set.id,
            value_set.version,
            value_set.name,
            value_set.n_listed(),
            value_set.includes.len(),
            value_set.excludes.len()
        );
    }
    for code_map in &plan.code_maps {
        let _ = writeln!(
            out,
            "code map {}@{} \"{}\": {} codes mapped in {} group{}",
            code_map.id,
            code_map.version,
            code_map.name,
            code_map.n_elements(),
            code_map.groups.len(),
            if code_map.groups.len() == 1 { "" } else { "s" }
        );
    }
    if plan.unchanged_code_maps > 0 {
        let _ = writeln!(out, "{} code map versions unchanged", plan.unchanged_code_maps);
    }
    if plan.unchanged_value_sets > 0 {
        let _ = writeln!(out, "{} value set versions unchanged", plan.unchanged_value_sets);
    }
    if plan.unchanged_code_systems > 0 {
        let _ = writeln!(out, "{} code system versions unchanged", plan.unchanged_code_systems);
    }
    match (dry_run, change) {
        (true, _) => out.push_str("dry run: nothing was written\n"),
        (false, Some(change)) => {
            let _ = writeln!(out, "recorded as change {} (import #{})", change.seq, change.seq);
        }
        (false, None) => out.push_str("nothing changed; no version or change was recorded\n"),
    }
    out
}

fn list(out: &mut String, what: &str, versions: &[PlannedVersion]) {
    for planned in versions.iter().take(LISTED) {
        let note = if planned.replaces_draft { " (replaces draft)" } else { "" };
        let _ = writeln!(out, "  {what:<8} {}  v{}{note}", planned.key, planned.version);
    }
    if versions.len() > LISTED {
        let _ = writeln!(out, "  {what:<8} ... and {} more", versions.len() - LISTED);
    }
}
